"""``docprompt eval retrieval``."""

from __future__ import annotations

import click

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
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
def retrieval(dataset, devdocs, manpages, tldr_pages, mode, limit, embedder, as_json):
    """Recall@1/5/10/20 (doc ids) or command hit@1/5/10 + flag recall@10 (tldr), per mode.

    The pool index is built from the sources given (defaults: ../shared/data, or
    $DOCPROMPT_DATA) and cached under $DOCPROMPT_HOME/eval.
    """
    import json
    import time

    from rich.console import Console
    from rich.table import Table

    from ..config import BuildSettings
    from ..eval.datasets import load
    from ..eval.retrieval import Sources, evaluate, pool_index
    from ..progress import RichReporter

    console = Console(stderr=True)
    reporter = RichReporter(console)
    shape, rows = load(dataset)
    rows = rows[:limit] if limit else rows
    settings = BuildSettings(**({"embedder": embedder} if embedder else {}))
    t = time.perf_counter()
    index = pool_index(shape, rows, Sources(devdocs, manpages, tldr_pages), settings, reporter)
    m = index.manifest
    build = {
        "documents": m.counts["documents"],
        "chunks": m.counts["chunks"],
        "build_seconds": m.build_seconds,
        "docs_per_second": round(m.counts["documents"] / max(m.build_seconds, 1e-9), 1),
        "loaded_seconds": round(time.perf_counter() - t, 2),
    }
    results = evaluate(index, shape, rows, MODES if mode == "all" else [mode], reporter)
    if as_json:
        out = {
            "dataset": str(dataset),
            "shape": shape,
            "rows": len(rows),
            "pool": build,
            "embedder": m.embedder.name,
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
