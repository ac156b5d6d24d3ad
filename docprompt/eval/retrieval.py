"""``docprompt eval retrieval``: build (and cache) the doc pool, then score each retriever mode.

Document recall@k (CoNaLa shape) is DocPrompting's: the share of a row's oracle documents
among the first k distinct documents retrieved, averaged over rows. Command hit@k (tldr
shape) counts a row when a chunk of the right command's page is among the first k hits;
flag recall@10 is the share of the reference command's flags whose defining paragraph
(a chunk of that command whose ``flags`` metadata holds the flag) is in the first 10.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..codetokens import TOKENIZER_VERSION
from ..config import BuildSettings, home
from ..errors import BadInput, DocpromptError
from ..progress import Reporter, Silent
from ..store import layout
from ..store.index import Index
from .datasets import Row, Shape, command_flags

RECALL_K = (1, 5, 10, 20)
HIT_K = (1, 5, 10)


def data_root(dataset: str | os.PathLike | None = None) -> Path | None:
    """Where the benchmark data lies: ``$DOCPROMPT_DATA``, else the folder above the dataset's
    folder (the benchmark layout ``DATA/tldr/dev.jsonl``), else None (no default pools)."""
    if os.environ.get("DOCPROMPT_DATA"):
        return Path(os.environ["DOCPROMPT_DATA"])
    return Path(dataset).resolve().parent.parent if dataset else None


@dataclass
class Sources:
    devdocs: str | None = None
    manpages: str | None = None
    tldr_pages: str | None = None
    data: Path | None = None  # where the default pools are looked for (see data_root)

    def with_defaults(self, shape: Shape) -> Sources:
        data = self.data or data_root() or Path("/nonexistent")
        if shape == "docs" and not self.devdocs:
            default = data / "devdocs" / "devdocs-13libs.tar.xz"
            if not default.exists():
                raise BadInput("give the doc pool with --devdocs BUNDLE_DIR_OR_TAR_XZ")
            return Sources(devdocs=str(default))
        if shape == "tldr" and not self.manpages:
            default = data / "manpages" / "manpages.tar.gz"
            if not default.exists():
                raise BadInput("give the doc pool with --manpages DIR_OR_TAR_GZ (or MANPATH)")
            return Sources(manpages=str(default), tldr_pages=self.tldr_pages)
        return self


@dataclass
class ModeResult:
    mode: str
    metrics: dict[str, float]
    rows: int
    latency_ms: dict[str, float] = field(default_factory=dict)


def _fingerprint(path: str) -> list:
    if path == "MANPATH":
        return [path]
    p = Path(path).resolve()
    if not p.exists():
        raise BadInput(f"path does not exist: {path}")
    st = p.stat()
    return [str(p), st.st_size, int(st.st_mtime)]


# What a pool holds beyond its inputs: 2 = a left-out command's tldr subcommand pages left out too.
POOL_VERSION = 2


def _settings_key(settings: BuildSettings) -> dict:
    dump = settings.model_dump(exclude={"store", "uri", "collection"})  # a pool is local
    if dump["entry_text"] == "whole":
        del dump["entry_text"]  # the pools built before the setting existed keep their keys
    return dump


def pool_key(parts: list[tuple[str, str, dict]], settings: BuildSettings) -> str:
    """What a cached pool was built from: sources (path, size, time), settings, versions, and
    the files of a model folder (one trained again under the same path is another pool)."""
    from ..embed.st import folder_fingerprint

    data = {
        "parts": [(name, _fingerprint(path), opts) for name, path, opts in parts],
        "settings": _settings_key(settings),
        "format": layout.FORMAT_VERSION,
        "pool": POOL_VERSION,
        "tokenizer": TOKENIZER_VERSION,
        "docprompt": __version__,
    }
    model_files = folder_fingerprint(Path(settings.embedder).expanduser())
    if model_files:
        data["embedder_files"] = model_files
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def pool_index(
    shape: Shape,
    rows: list[Row],
    sources: Sources,
    settings: BuildSettings,
    reporter: Reporter | None = None,
) -> Index:
    """The pool index for a dataset, built once and cached under $DOCPROMPT_HOME/eval."""
    from ..indexers import make_indexer
    from ..store.build import build_index

    sources = sources.with_defaults(shape)
    parts: list[tuple[str, str, dict]] = []
    if shape == "docs":
        if not sources.devdocs:
            raise BadInput("a dataset with oracle_man doc ids needs --devdocs")
        parts.append(("devdocs", sources.devdocs, {"examples": False}))
    else:
        if sources.manpages:
            parts.append(("manpages", sources.manpages, {}))
        if sources.tldr_pages:
            held_out = sorted({r.cmd_name for r in rows})  # never retrieve the answer's own page
            parts.append(("tldr", sources.tldr_pages, {"exclude_commands": held_out}))
        if not parts:
            raise BadInput("a tldr-shaped dataset needs --manpages and/or --tldr-pages")
    key = pool_key(parts, settings)
    path = home() / "eval" / f"pool-{key}"
    try:
        return Index(path)
    except DocpromptError:
        pass
    indexers = [
        make_indexer(name, [src], opts, max_file_bytes=settings.max_file_bytes) for name, src, opts in parts
    ]
    build_index(
        path,
        itertools.chain.from_iterable(ix.iter_documents() for ix in indexers),
        name=f"eval-{key}",
        indexer="+".join(name for name, _, _ in parts),
        roots=[r for ix in indexers for r in ix.roots],
        skipped=_SkipsOf(indexers),
        settings=settings,
        reporter=reporter,
        reuse_from=sorted(p for p in path.parent.glob("pool-*") if p != path),  # shared sources embed once
    )
    return Index(path)


class _SkipsOf(Mapping):
    """The indexers' skip counts added up when read (after the documents are consumed)."""

    def __init__(self, indexers):
        self.indexers = indexers

    def _sum(self) -> Counter[str]:
        return sum((Counter(ix.skipped) for ix in self.indexers), Counter())

    def __getitem__(self, key):
        return self._sum()[key]

    def __iter__(self):
        return iter(self._sum())

    def __len__(self):
        return len(self._sum())


def flags_by_command(index: Index) -> dict[str, set[str]]:
    """The flags each command's man paragraphs define (what the verifier checks against)."""
    from ..store.chunks import ANY

    out: dict[str, set[str]] = {}
    # Two columns, not whole chunks: a Milvus store sends far less.
    for command, metadata in index.store.values("command", "metadata", kind="doc", command=ANY):
        out.setdefault(command, set()).update(json.loads(metadata).get("flags") or [])
    return out


def evaluate(
    index: Index,
    shape: Shape,
    rows: list[Row],
    modes: list[str],
    reporter: Reporter | None = None,
    **retriever_options,
) -> list[ModeResult]:
    from ..retrieve import Retriever

    reporter = reporter or Silent()
    known = flags_by_command(index) if shape == "tldr" else {}
    results = []
    for mode in modes:
        retriever = Retriever(index, mode=mode, **retriever_options)  # type: ignore[arg-type]
        times: list[float] = []
        scores: dict[str, list[float]] = defaultdict(list)
        with reporter.task(f"{mode}: {len(rows)} queries", total=len(rows)) as advance:
            for row in rows:
                t = time.perf_counter()
                if shape == "docs":
                    hits = retriever.retrieve(row.nl, k=3 * max(RECALL_K))
                else:
                    hits = retriever.retrieve(row.nl, k=max(RECALL_K))
                times.append(time.perf_counter() - t)
                if shape == "docs":
                    _score_docs(row, [h.chunk.doc_id for h in hits], scores)
                else:
                    _score_tldr(row, [h.chunk.metadata for h in hits], known.get(row.cmd_name, set()), scores)
                advance(1)
        metrics = {name: round(100 * statistics.mean(v), 2) for name, v in scores.items() if v}
        ms = sorted(1000 * t for t in times)
        latency = {"p50": round(statistics.median(ms), 2), "p95": round(ms[int(0.95 * (len(ms) - 1))], 2)}
        results.append(ModeResult(mode=mode, metrics=metrics, rows=len(rows), latency_ms=latency))
    return results


def _score_docs(row: Row, doc_ids: list[str], scores: dict[str, list[float]]) -> None:
    distinct = list(dict.fromkeys(doc_ids))
    oracle = set(row.oracle)
    if not oracle:  # no oracle docs: recall is undefined, the row does not count
        return
    for k in RECALL_K:
        scores[f"recall@{k}"].append(len(oracle & set(distinct[:k])) / len(oracle))


def _score_tldr(row: Row, metas: list[dict], known: set[str], scores: dict[str, list[float]]) -> None:
    commands = [m.get("command") for m in metas]
    for k in HIT_K:
        scores[f"cmd_hit@{k}"].append(float(row.cmd_name in commands[:k]))
    ref = command_flags(row.cmd, known)
    if ref:
        found = {f for m in metas[:10] if m.get("command") == row.cmd_name for f in m.get("flags", [])}
        scores["flag_recall@10"].append(len(set(ref) & found) / len(ref))
        scores["flag_coverage"].append(len(set(ref) & known) / len(ref))


def tuning_grid() -> list[dict]:
    """The retriever settings `--tune` tries: each side alone, both fusions over a range of
    sparse weights, and two-stage."""
    grid: list[dict] = [{"mode": "sparse"}, {"mode": "dense"}]
    for fusion in ("rrf", "convex"):
        grid += [
            {"mode": "hybrid", "fusion": fusion, "sparse_weight": w} for w in (0.2, 0.35, 0.5, 0.65, 0.8)
        ]
    grid += [{"mode": "two-stage", "fusion": "rrf", "sparse_weight": w} for w in (0.2, 0.5, 0.8)]
    return grid


def target_metric(shape: Shape) -> str:
    return "recall@10" if shape == "docs" else "cmd_hit@5"


def tune(index: Index, shape: Shape, rows: list[Row], reporter: Reporter | None = None) -> list[dict]:
    """Score every setting of the grid; best first (by recall@10, or command hit@5 for tldr)."""
    metric = target_metric(shape)
    scored = []
    for setting in tuning_grid():
        if setting["mode"] == "two-stage" and not getattr(index, "pages_supported", True):
            continue  # a Milvus index has no page-level parts
        options = {k: v for k, v in setting.items() if k != "mode"}
        (result,) = evaluate(index, shape, rows, [setting["mode"]], reporter, **options)
        scored.append({**setting, "metrics": result.metrics})
    tie = "flag_recall@10" if shape == "tldr" else "recall@20"
    return sorted(scored, key=lambda s: (-s["metrics"].get(metric, 0), -s["metrics"].get(tie, 0)))


def record_search_defaults(index: Index, best: dict, dataset: str, shape: Shape) -> dict:
    """Write the tuned settings into the index's manifest: its retrievers use them by default."""
    search = {k: best[k] for k in ("mode", "fusion", "sparse_weight") if k in best}
    search |= {
        "tuned_on": str(dataset),
        "metric": target_metric(shape),
        "score": best["metrics"][target_metric(shape)],
    }
    manifest = index.manifest.model_copy(update={"search": search})
    target = index.path / layout.MANIFEST
    tmp = target.with_name(f".{layout.MANIFEST}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(manifest.model_dump(mode="json"), indent=2), encoding="utf-8")
    os.replace(tmp, target)
    index.manifest = manifest
    return search
