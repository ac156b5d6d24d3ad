"""How long building the default Bash index (``shell``) will take, said before it starts.

Man pages cost rendering (``man -l`` per page) and embedding (one vector per paragraph); tldr
pages cost embedding only. A few pages, drawn at random, are rendered and split now: their
mean time and paragraph count, times the number of pages, over this machine's cores, plus the
paragraphs over the embedder's measured rate (docs/benchmarks.md, "Embedding speed": 28.2
paragraphs per CPU-second with the int8 export, 17.7 with fp32). Vectors already in the
embedding cache cost nothing, so a rebuild takes less.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .models import IndexSource

PER_CPU_SECOND = {"int8": 28.2, "fp32": 17.7}  # paragraphs embedded, man pages, measured
SAMPLE = 16


@dataclass
class Estimate:
    man_pages: int = 0
    tldr_pages: int = 0
    paragraphs: int = 0
    render_s: float = 0.0
    embed_s: float = 0.0

    @property
    def seconds(self) -> float:
        return self.render_s + self.embed_s

    def describe(self) -> str:
        parts = []
        if self.man_pages:
            parts.append(f"{self.man_pages:,} man pages")
        if self.tldr_pages:
            parts.append(f"{self.tldr_pages:,} tldr pages")
        what = " and ".join(parts) or "nothing"
        about = float(f"{self.paragraphs:.2g}") if self.paragraphs >= 100 else self.paragraphs
        return f"{what}, about {int(about):,} paragraphs: {duration(self.seconds)} on {cores()} cores"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def duration(seconds: float) -> str:
    if seconds < 90:
        return "about a minute"
    minutes = seconds / 60
    if minutes < 90:
        return f"about {round(minutes / 5) * 5 or 5} min" if minutes > 10 else f"about {round(minutes)} min"
    return f"about {minutes / 60:.1f} h"


def estimate(sources: list[IndexSource], precision: str = "int8", *, sample: int = SAMPLE) -> Estimate:
    """The cost of building ``sources`` (man page and tldr sources; others are not counted)."""
    from .indexers import make_indexer
    from .indexers._fs import DEFAULT_MAX_FILE_BYTES

    out = Estimate()
    for source in sources:
        if source.indexer not in ("manpages", "tldr"):
            continue
        indexer = make_indexer(
            source.indexer, source.paths, source.options, max_file_bytes=DEFAULT_MAX_FILE_BYTES
        )
        if source.indexer == "manpages":
            pages, render_s, paragraphs = indexer.sample_cost(sample)
            out.man_pages += pages
            out.render_s += pages * render_s / cores()
            out.paragraphs += round(pages * paragraphs)
        else:
            out.paragraphs += sum(1 for _ in indexer.iter_documents())
            out.tldr_pages += getattr(indexer, "pages", 0)
    out.embed_s = out.paragraphs / (PER_CPU_SECOND.get(precision, PER_CPU_SECOND["fp32"]) * cores())
    return out
