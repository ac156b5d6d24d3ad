"""``docprompt eval generate``: the whole request path on a (seeded) sample of a dataset.

tldr-shaped rows are scored with DocPrompting's Bash metrics (cmd_acc, exact_match, token_f1,
char_bleu), CoNaLa-shaped rows with CoNaLa BLEU-4. Flags the man pages do not define are
counted as hallucinated, before and after the repair round.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from ..config import BuildSettings
from ..progress import Reporter, Silent
from .datasets import Row, Shape
from .retrieval import Sources, pool_index, shared_data


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


def sample_rows(rows: list[Row], n: int | None, seed: int) -> list[Row]:
    if n is None or n >= len(rows):
        return list(rows)
    return random.Random(seed).sample(rows, n)


def default_sources(shape: Shape, sources: Sources) -> Sources:
    """The eval-retrieval defaults, plus the tldr pages (other commands' examples) for tldr rows."""
    if shape == "tldr" and not sources.tldr_pages:
        pages = shared_data() / "tldr" / "pages"
        if pages.is_dir():
            sources = Sources(sources.devdocs, sources.manpages, str(pages))
    return sources.with_defaults(shape)


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
    chosen = sample_rows(rows, settings.sample, settings.seed)
    # The pool leaves out every command of the whole dataset, so one cached pool serves all samples.
    index = pool_index(shape, rows, default_sources(shape, sources), build or BuildSettings(), reporter)
    gen = generator or get_generator(settings.backend, settings.model)
    language = "bash" if shape == "tldr" else "python"
    dp = DocPrompt(
        index,
        generator=gen,
        language=language,
        k=settings.k,
        examples=settings.examples,
        max_tokens=settings.max_tokens,
    )
    preds: list[str] = []
    details: list[dict] = []
    before = after = repaired = flags_total = 0
    t0 = time.perf_counter()
    with reporter.task(f"generate: {len(chosen)} requests", total=len(chosen)) as advance:
        for row in chosen:
            ans = dp.ask(
                row.nl,
                language=language,
                docs=settings.docs == "retrieved",
                verify=settings.verify,
                repair=settings.verify,
                seed=settings.seed,
            )
            preds.append(ans.code.replace("\n", " ") if language == "bash" else ans.code)
            if language == "bash":
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
                "first_prediction": ans.first_code, "repaired": ans.repaired,
                "issues": [i.message for i in report.issues] if report else [],
            })  # fmt: skip
            advance(1)
    seconds = time.perf_counter() - t0
    refs = [r.cmd for r in chosen]
    scores = metrics.bash_metrics(preds, refs) if language == "bash" else metrics.python_metrics(preds, refs)
    out = {
        "dataset_shape": shape,
        "rows": len(chosen),
        "of": len(rows),
        "seed": settings.seed,
        "backend": gen.backend,
        "model": gen.model,
        "docs": settings.docs,
        "embedder": index.manifest.embedder.name,
        "verify": settings.verify,
        "metrics": {k: round(v, 2) for k, v in scores.items()},
        "repaired": repaired,
        "seconds": round(seconds, 1),
        "seconds_per_row": round(seconds / max(len(chosen), 1), 2),
        "predictions": details,
    }
    if language == "bash":
        out["hallucinated_flags"] = {
            "before_repair": before,
            "after_repair": after,
            "flags_used": flags_total,
        }
    return out
