"""``docprompt eval generate``: the whole request path on a (seeded) sample of a dataset.

tldr-shaped rows are scored with DocPrompting's Bash metrics (cmd_acc, exact_match, token_f1,
char_bleu), CoNaLa-shaped rows with CoNaLa BLEU-4. For Bash it also reports what each stage of
the answer stage did: how often the right command was among the candidates (hit@k), how often
the draft and the choice named it, malformed answers, and flags the man pages do not define
(hallucinated), before and after repair. Seconds per answer: median and p95.

A dataset is split into a ``tune`` and a ``report`` part (by command for tldr rows, by request for
CoNaLa rows; seeded, stable): tune the answer stage on one, report on the other.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from dataclasses import dataclass, field

from ..config import BuildSettings
from ..progress import Reporter, Silent
from .datasets import Row, Shape
from .retrieval import Sources, data_root, pool_index

TUNE_SHARE = 0.4  # of a dataset's commands (tldr) or requests (CoNaLa) kept for tuning


@dataclass
class GenerateSettings:
    sample: int | None = None
    seed: int = 0
    backend: str | None = None
    model: str | None = None
    docs: str = "retrieved"  # "none" | "retrieved"
    verify: bool = True
    k: int = 5
    examples: int = 3
    max_tokens: int = 128
    split: str = "all"  # "tune" | "report" | "all"
    stages: dict = field(default_factory=dict)  # answer-stage settings (command_first, draft, samples, ...)


def split_of(row: Row, shape: Shape) -> str:
    """ "tune" or "report", stable across runs: by command (tldr), else by request."""
    key = row.cmd_name if shape == "tldr" else row.nl
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "tune" if bucket < TUNE_SHARE else "report"


def sample_rows(rows: list[Row], n: int | None, seed: int) -> list[Row]:
    if n is None or n >= len(rows):
        return list(rows)
    return random.Random(seed).sample(rows, n)


def default_sources(shape: Shape, sources: Sources) -> Sources:
    """The eval-retrieval defaults, plus the tldr pages (other commands' examples) for tldr rows."""
    if shape == "tldr" and not sources.tldr_pages:
        data = sources.data or data_root()
        pages = data / "tldr" / "pages" if data else None
        if pages and pages.is_dir():
            sources = Sources(sources.devdocs, sources.manpages, str(pages), data)
    return sources.with_defaults(shape)


def command_hits(cmd_name: str, command: dict) -> dict[str, bool]:
    """Whether the command stage had ``cmd_name`` among its candidates, in its draft, and chose
    it; a subcommand's page (``gh-extension``, typed ``gh extension``) runs its command (``gh``)."""
    from ..bash_answer import command_of

    names, runs = command.get("candidates", []), command.get("runs", [])
    ran = dict(zip(names, runs))
    chosen = command.get("chosen")
    return {
        "candidates": cmd_name in names or cmd_name in runs,
        "draft": command_of(command.get("draft", "")) == cmd_name,
        "chosen": cmd_name in (chosen, ran.get(chosen)),
    }


def _seconds(values: list[float]) -> dict[str, float]:
    if not values:
        return {"median": 0.0, "p95": 0.0}
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def run(
    shape: Shape,
    rows: list[Row],
    sources: Sources,
    settings: GenerateSettings,
    build: BuildSettings | None = None,
    reporter: Reporter | None = None,
    generator=None,
) -> dict:
    from ..generate import get_generator
    from ..pipeline import DocPrompt
    from . import metrics

    reporter = reporter or Silent()
    pool = [r for r in rows if settings.split == "all" or split_of(r, shape) == settings.split]
    chosen = sample_rows(pool, settings.sample, settings.seed)
    # The pool leaves out every command of the whole dataset, so one cached pool serves all samples.
    index = pool_index(shape, rows, default_sources(shape, sources), build or BuildSettings(), reporter)
    gen = generator or get_generator(settings.backend, settings.model)
    language = "bash" if shape == "tldr" else "python"
    dp = DocPrompt(index, generator=gen, language=language, k=settings.k, examples=settings.examples,
                   max_tokens=settings.max_tokens, **settings.stages)  # fmt: skip
    preds: list[str] = []
    details: list[dict] = []
    seconds: list[float] = []
    stage = {"candidates": 0, "draft": 0, "chosen": 0, "with_stage": 0, "malformed": 0}
    paged: list[int] = []  # the rows whose command has a page in the pool
    before = after = repaired = flags_total = 0
    t0 = time.perf_counter()
    with reporter.task(f"generate: {len(chosen)} requests", total=len(chosen)) as advance:
        for row in chosen:
            t = time.perf_counter()
            ans = dp.ask(row.nl, language=language, docs=settings.docs == "retrieved", verify=settings.verify,
                         repair=settings.verify, seed=settings.seed)  # fmt: skip
            seconds.append(time.perf_counter() - t)
            preds.append(ans.code.replace("\n", " ") if language == "bash" else ans.code)
            stage["malformed"] += bool(ans.problem and ans.problem != "truncated") or not ans.code.strip()
            if language == "bash":
                if index.store.has(command=row.cmd_name):
                    paged.append(len(preds) - 1)
                if ans.command:
                    stage["with_stage"] += 1
                    for key, hit in command_hits(row.cmd_name, ans.command).items():
                        stage[key] += hit
                first = ans.first_verification or dp.verify(ans.first_code, language)
                final = ans.verification or first
                before += sum(i.kind == "unknown-flag" for i in first.issues)
                after += sum(i.kind == "unknown-flag" for i in final.issues)
                flags_total += sum(" " in c for c in final.checked) + sum(
                    i.kind == "unknown-flag" for i in final.issues
                )
            repaired += ans.repaired
            report = ans.verification
            details.append({
                "nl": row.nl, "reference": row.cmd, "prediction": preds[-1],
                "first_prediction": ans.first_code, "repaired": ans.repaired, "problem": ans.problem,
                "command": ans.command, "seconds": round(seconds[-1], 2), "timings": ans.timings,
                "issues": [i.message for i in report.issues] if report else [],
            })  # fmt: skip
            advance(1)
    total = time.perf_counter() - t0
    refs = [r.cmd for r in chosen]
    scores = metrics.bash_metrics(preds, refs) if language == "bash" else metrics.python_metrics(preds, refs)
    out = {
        "dataset_shape": shape,
        "rows": len(chosen),
        "of": len(pool),
        "split": settings.split,
        "seed": settings.seed,
        "backend": gen.backend,
        "model": gen.model,
        "docs": settings.docs,
        "embedder": index.manifest.embedder.name,
        "verify": settings.verify,
        "stages": settings.stages,
        "metrics": {k: round(v, 2) for k, v in scores.items()},
        "malformed": stage["malformed"],
        "repaired": repaired,
        "seconds": round(total, 1),
        "seconds_per_row": round(total / max(len(chosen), 1), 2),
        "seconds_per_answer": _seconds(seconds),
        # where an answer's time goes: the median of each stage's seconds (draft, choose, ...)
        "stage_seconds": {
            key: round(statistics.median(d["timings"].get(key, 0.0) for d in details), 2)
            for key in sorted({k for d in details for k in d["timings"]})
        },
        "predictions": details,
    }
    if language == "bash":
        out["hallucinated_flags"] = {
            "before_repair": before,
            "after_repair": after,
            "flags_used": flags_total,
        }
        if paged:  # a quarter of tldr dev's commands have no page to retrieve: these rows can be right
            found = [command_hits(chosen[i].cmd_name, details[i]["command"]) for i in paged]
            sub = metrics.bash_metrics([preds[i] for i in paged], [refs[i] for i in paged])
            out["with_page"] = {
                "rows": len(paged),
                "metrics": {k: round(v, 2) for k, v in sub.items()},
                "candidate_hit": round(100 * sum(f["candidates"] for f in found) / len(paged), 2),
                "choice_acc": round(100 * sum(f["chosen"] for f in found) / len(paged), 2),
            }
        n = stage["with_stage"]
        if n:
            out["command_stage"] = {
                "rows": n,
                "candidate_hit": round(100 * stage["candidates"] / n, 2),
                "draft_acc": round(100 * stage["draft"] / n, 2),
                "choice_acc": round(100 * stage["chosen"] / n, 2),
            }
    return out
