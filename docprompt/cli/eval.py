"""``docprompt eval retrieval``."""

from __future__ import annotations

import click

from ..kinds import Fusion, choices

MODES = ["sparse", "dense", "hybrid", "two-stage"]


@click.group("eval")
def eval_() -> None:
    """Benchmarks on DocPrompting's datasets (or any JSONL of the same shape)."""


@eval_.command("retrieval")
@click.option(
    "--dataset",
    required=True,
    type=click.Path(dir_okay=False),
    help="JSONL rows with nl + cmd_name or oracle_man",
)
@click.option("--devdocs", help="DevDocs bundle folder or .tar.xz (pool for oracle_man doc ids)")
@click.option("--manpages", help="rendered man pages folder or .tar.gz, or MANPATH (pool for tldr rows)")
@click.option("--tldr-pages", help="tldr pages folder, added to the pool without the evaluated commands")
@click.option("--mode", type=click.Choice([*MODES, "all"]), default="all", show_default=True)
@click.option("--limit", type=click.IntRange(1), help="evaluate the first N rows only")
@click.option("--embedder", help="embedding model for the pool index [all-MiniLM-L6-v2]")
@click.option(
    "--onnx-precision",
    type=click.Choice(["int8", "fp32"]),
    help="graph that embeds the pool and the queries [int8]",
)
@click.option(
    "--entry-text",
    type=click.Choice(["summary", "whole"]),
    help="what the pool's API entries are embedded as [whole]",
)
@click.option(
    "--split",
    type=click.Choice(["tune", "report", "all"]),
    default="all",
    show_default=True,
    help="score the tune or report part of the rows only (as eval generate splits them)",
)
@click.option("--index", "index_name", help="score this index (name or folder) instead of a built pool")
@click.option("--fusion", type=click.Choice(choices(Fusion)), help="[the index's tuned fusion, else rrf]")
@click.option("--sparse-weight", type=click.FloatRange(0, 1), help="[the index's tuned weight, else 0.5]")
@click.option(
    "--tune",
    is_flag=True,
    help="try fusions, weights and two-stage; record the best in the index's manifest as its defaults",
)
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
def retrieval(dataset, devdocs, manpages, tldr_pages, mode, limit, embedder, onnx_precision, entry_text,
              split, index_name, fusion, sparse_weight, tune, as_json):  # fmt: skip
    """Recall@1/5/10/20 (doc ids) or command hit@1/5/10 + flag recall@10 (tldr), per mode.

    The pool index is built from the sources given (defaults: in $DOCPROMPT_DATA, else in the
    folder above the dataset's, as in DATA/tldr/dev.jsonl) and cached under
    $DOCPROMPT_HOME/eval; --index scores one of yours.
    """
    import json
    import time

    from rich.console import Console
    from rich.table import Table

    from ..config import BuildSettings
    from ..eval.datasets import load
    from ..eval.retrieval import Sources, data_root, evaluate, pool_index
    from ..progress import RichReporter

    console = Console(stderr=True)
    reporter = RichReporter(console)
    shape, every = load(dataset)
    rows = every
    if split != "all":
        from ..eval.generate import split_of

        rows = [r for r in every if split_of(r, shape) == split]
    rows = rows[:limit] if limit else rows
    pool_rows = rows if split == "all" else every  # a split is scored over the whole dataset's pool
    given = {"embedder": embedder, "onnx_precision": onnx_precision, "entry_text": entry_text}
    settings = BuildSettings(**{k: v for k, v in given.items() if v})
    t = time.perf_counter()
    if index_name:
        from .train import open_index_arg

        index = open_index_arg(index_name)
    else:
        index = pool_index(
            shape, pool_rows, Sources(devdocs, manpages, tldr_pages, data_root(dataset)), settings, reporter
        )
    m = index.manifest
    if tune:
        _tune(index, shape, rows, dataset, reporter, as_json)
        return
    build = {
        "documents": m.counts["documents"],
        "chunks": m.counts["chunks"],
        "embedded": m.counts.get("embedded"),
        "export": m.embedder.export,
        "build_seconds": m.build_seconds,
        "docs_per_second": round(m.counts["documents"] / max(m.build_seconds, 1e-9), 1),
        "loaded_seconds": round(time.perf_counter() - t, 2),
    }
    modes = MODES if mode == "all" else [mode]
    if mode == "all" and not getattr(index, "pages_supported", True):
        modes = [m for m in modes if m != "two-stage"]  # a Milvus index has no page-level parts
    results = evaluate(index, shape, rows, modes, reporter, fusion=fusion, sparse_weight=sparse_weight)
    if as_json:
        out = {
            "dataset": str(dataset),
            "shape": shape,
            "rows": len(rows),
            "pool": build,
            "index": str(index.link),  # the name, not the pinned build folder
            "embedder": m.embedder.name,
            "fusion": fusion,
            "sparse_weight": sparse_weight,
            "tuned": m.search,
            "results": [{"mode": r.mode, **r.metrics, "latency_ms": r.latency_ms} for r in results],
        }
        click.echo(json.dumps(out, indent=2))
        return
    names = list(results[0].metrics)
    table = Table("mode", *names, "p50 ms", "p95 ms", title=f"{dataset} ({len(rows)} rows, {shape})")
    for r in results:
        table.add_row(
            r.mode,
            *(f"{r.metrics[n]:.2f}" for n in names),
            f"{r.latency_ms['p50']:.1f}",
            f"{r.latency_ms['p95']:.1f}",
        )
    out_console = Console()
    out_console.print(table)
    out_console.print(
        f"pool: {build['documents']} documents, {build['chunks']} chunks, embedder {m.embedder.name}; "
        f"built in {build['build_seconds']:.0f}s ({build['docs_per_second']} docs/s)"
    )


def _tune(index, shape, rows, dataset, reporter, as_json) -> None:
    import json

    from rich.console import Console
    from rich.table import Table

    from ..eval.retrieval import record_search_defaults, tune

    scored = tune(index, shape, rows, reporter)
    recorded = record_search_defaults(index, scored[0], dataset, shape)
    if as_json:
        result = {"index": str(index.link), "recorded": recorded, "grid": scored}
        click.echo(json.dumps(result, indent=2))
        return
    names = list(scored[0]["metrics"])
    table = Table("mode", "fusion", "sparse w", *names, title=f"{dataset}: {len(rows)} rows, best first")
    for s in scored:
        table.add_row(s["mode"], s.get("fusion", "-"), str(s.get("sparse_weight", "-")),
                      *(f"{s['metrics'].get(n, 0):.2f}" for n in names))  # fmt: skip
    out = Console()
    out.print(table)
    out.print(f"recorded in {index.path / 'manifest.json'}: {recorded}")


@eval_.command("generate")
@click.option(
    "--dataset", required=True, type=click.Path(dir_okay=False), help="JSONL rows (tldr or CoNaLa shape)"
)
@click.option("--sample", type=click.IntRange(1), help="score a random sample of N rows")
@click.option("--seed", type=int, default=0, show_default=True, help="sampling and model seed")
@click.option("--backend", help="model backend: auto, ollama, embedded, or a plugin's [auto]")
@click.option("--model", help="Ollama model, embedded model name or .gguf path")
@click.option("--docs", type=click.Choice(["none", "retrieved"]), default="retrieved", show_default=True)
@click.option("--verify/--no-verify", default=True, show_default=True, help="verify and repair once")
@click.option("--devdocs", help="DevDocs bundle folder or .tar.xz (pool for CoNaLa rows)")
@click.option("--manpages", help="rendered man pages folder or .tar.gz, or MANPATH (pool for tldr rows)")
@click.option("--tldr-pages", help="tldr pages folder; the dataset's own commands are left out")
@click.option("--max-tokens", type=click.IntRange(16, 2048), default=128, show_default=True)
@click.option("--embedder", help="embedding model for the pool index, e.g. a trained one [all-MiniLM-L6-v2]")
@click.option("--onnx-precision", type=click.Choice(["int8", "fp32"]),
              help="graph that embeds the pool and the queries [int8]")  # fmt: skip
@click.option(
    "--entry-text",
    type=click.Choice(["summary", "whole"]),
    help="what the pool's API entries are embedded as [whole]",
)
@click.option("--split", type=click.Choice(["tune", "report", "all"]), default="all", show_default=True,
              help="tune: 40% of the commands (tldr) or requests; report: the rest")  # fmt: skip
@click.option("-s", "--stage", "stage_options", multiple=True, metavar="KEY=VALUE",
              help="an answer-stage setting ([generate] keys: samples, command_first, draft, choice, "
              "candidates, fill_placeholders, repair_rounds); repeatable")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
def generate(dataset, sample, seed, backend, model, docs, verify, devdocs, manpages, tldr_pages, max_tokens,
             embedder, onnx_precision, entry_text, split, stage_options, as_json):  # fmt: skip
    """End-to-end: retrieve, prompt, generate, verify; DocPrompting's metrics on the answers.

    Bash (tldr rows): cmd_acc, exact_match, token_f1, char_bleu, and hallucinated flags before
    and after repair. Python (CoNaLa rows): BLEU-4. Sources default as in `eval retrieval`.
    """
    import json

    from rich.console import Console
    from rich.table import Table

    from ..config import BuildSettings
    from ..eval.datasets import load
    from ..eval.generate import GenerateSettings, run
    from ..eval.retrieval import Sources, data_root
    from ..progress import RichReporter

    console = Console(stderr=True)
    shape, rows = load(dataset)
    from ..config import resolve
    from .index import _parse_options

    stages = _parse_options(stage_options)
    resolve("generate", stages)  # a bad key or value is one line here, before the pool is built
    settings = GenerateSettings(sample=sample, seed=seed, backend=backend, model=model, docs=docs,
                                verify=verify, max_tokens=max_tokens, split=split, stages=stages)  # fmt: skip
    given = {"embedder": embedder, "onnx_precision": onnx_precision, "entry_text": entry_text}
    build = BuildSettings(**{k: v for k, v in given.items() if v})
    result = run(
        shape,
        rows,
        Sources(devdocs, manpages, tldr_pages, data_root(dataset)),
        settings,
        build,
        reporter=RichReporter(console),
    )
    result["dataset"] = str(dataset)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    names = list(result["metrics"])
    table = Table("docs", "verify", *names, "malformed", "n", "median s", "p95 s",
                  title=f"{dataset} ({split}): {result['backend']}:{result['model']}")  # fmt: skip
    sec = result["seconds_per_answer"]
    table.min_width = 120
    scores = [f"{result['metrics'][n]:.2f}" for n in names]
    table.add_row(docs, str(verify), *scores, str(result["malformed"]), str(result["rows"]),
                  f"{sec['median']:.1f}", f"{sec['p95']:.1f}")  # fmt: skip
    out = Console(width=max(Console().width, 140))
    out.print(table)
    if "command_stage" in result:
        c = result["command_stage"]
        hit, draft, chosen = c["candidate_hit"], c["draft_acc"], c["choice_acc"]
        out.print(f"command stage ({c['rows']} rows): the right command among the candidates {hit}%, "
                  f"in the draft {draft}%, chosen {chosen}%")  # fmt: skip
    if "hallucinated_flags" in result:
        h = result["hallucinated_flags"]
        out.print(f"hallucinated flags: {h['before_repair']} before repair, {h['after_repair']} after "
                  f"({h['flags_used']} flags used); {result['repaired']} answers repaired")  # fmt: skip
    out.print(f"{result['rows']} of {result['of']} rows (seed {seed}) in {result['seconds']:.0f}s")


def _parse_stage(pairs) -> dict:
    from .index import _parse_options

    return _parse_options(pairs)


@eval_.command("tasks")
@click.option("--tasks", "tasks_path", required=True, type=click.Path(dir_okay=False), help="JSONL tasks")
@click.option("--src", required=True, type=click.Path(file_okay=False), help="the library's source folder")
@click.option("--index", "index_name", help="index (name or folder) to retrieve from and verify against")
@click.option("--split", type=click.Choice(["tune", "report", "all"]), default="all", show_default=True)
@click.option("--docs", type=click.Choice(["none", "retrieved"]), default="retrieved", show_default=True)
@click.option("--verify/--no-verify", default=True, show_default=True, help="verify and repair once")
@click.option("--backend", help="model backend: auto, ollama, embedded, or a plugin's [auto]")
@click.option("--model", help="Ollama model, embedded model name or .gguf path")
@click.option("--max-tokens", type=click.IntRange(16, 2048), default=256, show_default=True)
@click.option("--limit", type=click.IntRange(1), help="the first N tasks of the split only")
@click.option("--timeout", type=click.FloatRange(1), default=20, show_default=True, help="seconds per run")
@click.option("--reference", is_flag=True, help="score the tasks' own solutions (no model): all must pass")
@click.option("-s", "--stage", "stage_options", multiple=True, metavar="KEY=VALUE",
              help="an answer-stage setting (samples, repair_rounds, ...); repeatable")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="print all as JSON, with each task's code and outcome")
def tasks(tasks_path, src, index_name, split, docs, verify, backend, model, max_tokens, limit, timeout,
          reference, stage_options, as_json):  # fmt: skip
    """pass@1 of executable tasks on a private library: each answer runs with the task's setup and check.

    The answer comes from the pipeline (retrieve from --index unless --docs none, generate, and with
    --verify check it against the index and repair once); failures are sorted into categories (syntax,
    unknown-api, wrong-arguments, wrong-result, ...).
    """
    import json
    from collections.abc import Callable
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from ..errors import BadInput
    from ..eval.answerers import pipeline_answerer, python_path, reference_answerer
    from ..eval.tasks import Task, evaluate, load_tasks, select

    chosen = select(load_tasks(tasks_path), split, limit)
    if not Path(src).is_dir():
        raise BadInput(f"--src {src}: no such folder (the library's source, e.g. benchmarks/privlib/src)")
    console = Console(stderr=True)
    backend_name = model_name = "reference"
    answer: Callable[[Task], tuple] = reference_answerer
    if not reference:
        if not index_name:
            raise BadInput("--index is required (a registered name or an index folder), or use --reference")
        from ..generate import get_generator
        from .train import open_index_arg

        index = open_index_arg(index_name)  # a bad name fails before the model loads
        gen = get_generator(backend, model)
        backend_name, model_name = gen.backend, gen.model
        from ..config import resolve
        from .index import _parse_options

        stages = _parse_options(stage_options)
        resolve("generate", stages)  # a bad key or value is one line, before any work
        answer = pipeline_answerer(index, gen, docs=docs == "retrieved", verify=verify, max_tokens=max_tokens,
                                   src_dir=src, stages=stages)  # fmt: skip
    done = []

    def progress(task) -> None:
        done.append(task.id)
        if not as_json and not reference:
            console.print(f"[dim]{len(done)}/{len(chosen)} {task.id} answered[/dim]")

    with python_path(src):
        result = evaluate(chosen, answer, src_dir=src, timeout=timeout, workers=2 if reference else 1,
                          on_answer=progress)  # fmt: skip
    result.update(tasks_file=str(tasks_path), split=split, docs=docs, verify=verify, backend=backend_name,
                  model=model_name, index=index_name, stages=dict(_parse_stage(stage_options)))  # fmt: skip
    if as_json:
        click.echo(json.dumps(result, indent=2))
        if reference and result["passed"] < result["n"]:
            raise SystemExit(1)
        return
    pct = result["pass_at_1"]
    table = Table("docs", "verify", "pass@1", "easy", "medium", "hard", "n", "median s", "p95 s",
                  title=f"{tasks_path} ({split}): {backend_name}:{model_name}")  # fmt: skip
    secs = result["seconds"]
    table.add_row("reference" if reference else docs, "-" if reference else str(verify),
                  *("-" if pct[k] is None else f"{pct[k]:.1f}" for k in ("all", "easy", "medium", "hard")),
                  str(result["n"]), f"{secs['median']:.1f}", f"{secs['p95']:.1f}")  # fmt: skip
    out = Console()
    out.print(table)
    failures = ", ".join(f"{k} {v}" for k, v in result["failures"].items()) or "none"
    out.print(f"{result['passed']} of {result['n']} passed; failures: {failures}")
    for row in result["tasks"]:
        if row["category"] != "pass":
            out.print(f"  {row['id']} {row['category']}: {row['error']}", markup=False, highlight=False)
    if reference and result["passed"] < result["n"]:
        raise SystemExit(1)  # a task its own solution does not pass is a broken task
