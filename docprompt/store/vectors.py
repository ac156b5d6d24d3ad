"""The vectors of a build's chunks: from the embedding cache, then from earlier indexes (the
previous build, then the donors given), then from the embedder, whose every batch is saved in the
cache before the next starts, so a killed build resumes where it stopped (issue 11, item 10)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from ..codetokens import TOKENIZER_VERSION
from ..errors import DocpromptError
from ..models import EmbedderInfo
from ..progress import Reporter
from . import embcache
from .index import Index


def _tag(embedder) -> str:
    """Which graph makes an embedder's vectors: ``onnx-int8``, ``onnx-fp32``, else its backend."""
    return getattr(embedder, "export", None) or embedder.backend


def _vectors_tag(info: EmbedderInfo) -> str:
    """The same for an index's manifest (an index built before ``export`` was recorded and
    embedded with ONNX used the fp32 export)."""
    return info.export or ("onnx-fp32" if info.backend == "onnx" else info.backend)


def _cache_identity(identity: str, embedder, onnx_dir: Path | None) -> str:
    """What the embedding cache keys vectors by: the model, and the very graph that runs it."""
    if onnx_dir is not None:
        from ..embed.onnx import graph_hash

        return f"{identity}|{_tag(embedder)}|{graph_hash(onnx_dir)}"
    if embedder.backend == "hashing":  # its vectors follow the tokenizer
        return f"{identity}|hashing|{TOKENIZER_VERSION}"
    return f"{identity}|{_tag(embedder)}"


def _reused_vectors(old: Index | None, keys: list[str], **how) -> dict[str, np.ndarray]:
    if old is None or not keys:
        return {}
    try:
        return old.vectors_by_key(keys, **how)
    except DocpromptError:
        return {}


def gather_vectors(
    keys: list[str],
    texts: list[str],
    embedder,
    identity: str,
    onnx_dir: Path | None,
    old: Index | None,
    reuse_from: Iterable[str | Path],
    open_donor: Callable[[str | Path], Index | None],
    batch_size: int,
    reporter: Reporter,
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Vectors by content key for ``keys``, and the counts of where they came from."""
    text_of = dict(zip(keys, texts))
    with embcache.opened(_cache_identity(identity, embedder, onnx_dir), int(embedder.dim)) as cache:
        vectors_by_key: dict[str, np.ndarray] = {}
        in_milvus = old if old is not None and old.manifest.store == "milvus" else None
        if in_milvus is not None and _vectors_tag(in_milvus.manifest.embedder) == _tag(embedder):
            # The collection keeps its vectors: a write fetches only those it reads.
            vectors_by_key = _reused_vectors(in_milvus, keys, lazy=True)
        held = len(vectors_by_key)
        if cache is not None:
            missing = {k: t for k, t in text_of.items() if k not in vectors_by_key}
            vectors_by_key.update(cache.get_many(missing))
        from_cache = len(vectors_by_key) - held
        for other in [None, *reuse_from]:  # the previous build, then the donors given
            if other is None and in_milvus is not None:
                continue
            if len(vectors_by_key) == len(text_of):
                break
            donor = old if other is None else open_donor(other)
            if donor is None:
                continue
            if _vectors_tag(donor.manifest.embedder) == _tag(embedder):
                donated = _reused_vectors(donor, [k for k in text_of if k not in vectors_by_key])
                if cache is not None and donated:  # seeds the cache from indexes built before it
                    cache.put_many(list(donated), np.stack(list(donated.values())))
                vectors_by_key.update(donated)
            if donor is not old:
                donor.close()
        reused = len(vectors_by_key)
        todo = {k: t for k, t in text_of.items() if k not in vectors_by_key}
        if todo:
            with reporter.task(f"embedding {len(todo)} chunks", total=len(todo)) as advance:
                vectors_by_key.update(
                    embcache.embed_missing(embedder, todo, cache, batch_size=batch_size, progress=advance)
                )
    return vectors_by_key, {"embedded": len(todo), "reused_vectors": reused, "from_cache": from_cache}
