"""The records that move through the pipeline: Document -> Chunk -> Hit, and the index manifest."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["doc", "example", "card"]  # card: one short summary per command, for choosing it


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class _Described(BaseModel):
    """What a Document and its Chunks both carry: where they come from and what they are."""

    model_config = ConfigDict(extra="forbid")

    source: str = ""
    kind: Kind = "doc"
    language: str = "text"
    title: str = ""
    uri: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


class Document(_Described):
    """One unit a source yields: a man page, an API entry, a tldr page, a file.

    ``paragraphs`` lets an indexer hand over pre-split paragraphs (man page option entries,
    API entries); the chunker keeps each one whole when it fits.
    """

    id: str
    text: str
    paragraphs: list[str] | None = None


class Chunk(_Described):
    """A retrievable paragraph of a Document; ``id`` is ``<doc id>#<position>``."""

    id: str
    doc_id: str
    position: int
    text: str
    content_hash: str


class Hit(BaseModel):
    """A retrieved chunk with its fused score and what each retriever said about it."""

    chunk: Chunk
    score: float
    sparse_rank: int | None = None
    sparse_score: float | None = None
    dense_rank: int | None = None
    dense_score: float | None = None

    def explain(self) -> str:
        def side(name: str, rank: int | None, score: float | None) -> str:
            return f"{name} #{rank} ({score:.3f})" if rank is not None else f"{name} -"

        if self.sparse_rank is None and self.dense_rank is None and self.sparse_score is None:
            return f"fused {self.score:.4f} by the store's server (no per-side ranks)"

        return (
            f"fused {self.score:.4f} = "
            f"{side('sparse', self.sparse_rank, self.sparse_score)}, "
            f"{side('dense', self.dense_rank, self.dense_score)}"
        )


class SourceRecord(BaseModel):
    """One input the index was built from (a file, a man page, ...) and its content hash."""

    model_config = ConfigDict(extra="forbid")

    path: str
    content_hash: str
    chunks: int


class FileStat(BaseModel):
    """What a source's files were when it was read, from a stat walk (see docprompt.freshness):
    their number, bytes, newest mtime and a digest of every (path, size, mtime)."""

    model_config = ConfigDict(extra="forbid")

    files: int
    bytes: int
    newest_ns: int
    digest: str
    suffixes: list[str] = Field(default_factory=list)  # only these were counted (empty: all)


class IndexSource(BaseModel):
    """One named source of an index: an indexer over its paths, with its options. Once built,
    also what it read: its roots (the paths resolved), a hash of its documents, its counts."""

    model_config = ConfigDict(extra="forbid")

    name: str
    indexer: str
    paths: list[str]
    options: dict[str, Any] = Field(default_factory=dict)
    roots: list[str] = Field(default_factory=list)
    content_hash: str = ""
    counts: dict[str, int] = Field(default_factory=dict)  # documents, chunks, skipped
    read_at: datetime | None = None
    files: FileStat | None = None  # the files when read, so doctor can tell whether they changed


class EmbedderInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    dim: int
    backend: str
    max_seq_length: int | None = None
    fingerprint: str | None = None  # a local model folder's files: retrained in place, vectors redone
    documents: str | None = None  # a query-only model: the model that embedded the documents
    export: str | None = None  # the graph that embedded the documents: onnx-int8, onnx-fp32 (None: not ONNX)


class BM25Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    k1: float = 1.5
    b: float = 0.75
    method: str = "lucene"
    tokenizer: str = "code-v1"


class Manifest(BaseModel):
    """``manifest.json`` of an index directory: exactly how it was built."""

    model_config = ConfigDict(extra="forbid")

    format_version: int
    docprompt_version: str
    name: str
    embedder: EmbedderInfo
    bm25: BM25Params
    dense_index: str
    sources: list[SourceRecord]
    roots: list[str]
    indexer: str
    indexer_options: dict[str, Any] = Field(default_factory=dict)
    counts: dict[str, int]
    built_at: datetime
    build_seconds: float
    skipped: dict[str, int] = Field(default_factory=dict)
    skipped_files: dict[str, list[str]] = Field(default_factory=dict)  # reason -> the first inputs
    settings: dict[str, Any] = Field(default_factory=dict)
    search: dict[str, Any] = Field(default_factory=dict)  # defaults tuned on a dataset (eval --tune)
    store: Literal["local", "milvus"] = "local"  # where the chunks live (local files or a Milvus collection)
    uri: str | None = None  # the Milvus server or Milvus Lite file (store "milvus")
    collection: str | None = None  # the Milvus collection (store "milvus")
    index_sources: list[IndexSource] = Field(default_factory=list)  # the named sources it was built from

    def skip_lines(self, limit: int | None = None) -> list[str]:
        """One line per skip reason: its count and the inputs it was given for (the first ``limit``)."""
        out = []
        for reason, n in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            names = self.skipped_files.get(reason, [])
            shown = names if limit is None else names[:limit]
            more = n - len(shown)
            listing = ", ".join(shown) + (f", … {more} more" if shown and more > 0 else "")
            out.append(f"{n} {reason}" + (f": {listing}" if listing else ""))
        return out
