"""Build (or incrementally update) an index directory from Documents."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .._version import __version__
from ..chunking import Chunker, dense_text, search_text
from ..codetokens import TOKENIZER_VERSION, tokenize
from ..config import BuildSettings, models_dir
from ..errors import BadInput, DocpromptError
from ..models import BM25Params, Chunk, Document, EmbedderInfo, Manifest, SourceRecord, content_hash
from ..progress import Reporter, Silent
from . import chunks as chunkdb
from . import dense, layout, sparse
from .index import Index, open_path
from .vectors import gather_vectors


def doc_identity(name: str, fingerprint: str | None) -> str:
    """What decides a chunk's vector: the model that embeds documents, and its files."""
    return name if fingerprint is None else f"{name}@{fingerprint}"


def documents_identity(info: EmbedderInfo) -> str:
    """Which model embedded an index's documents (for a query-tower index, its base model)."""
    return info.documents or doc_identity(info.name, info.fingerprint)


def _previous(path: Path, identity: str) -> Index | None:
    """An index whose vectors can be reused: its documents were embedded by the same model."""
    try:
        old = open_path(path)
        if documents_identity(old.manifest.embedder) == identity:
            return old
    except DocpromptError:
        pass
    return None


def _onnx_source(embedder, old: Index | None, precision: str = "fp32") -> Path | None:
    """A folder with the embedder's ONNX export in ``precision`` (the old index's, the one a
    trained model ships, or one exported, and quantized, once into a cache); None when it has no
    ONNX form (Ollama, hashing)."""
    if not hasattr(embedder, "export_onnx"):
        return None
    from ..embed.onnx import precision_of, quantize

    if old is not None and precision_of(old.path / layout.EMBEDDER) == precision:
        return old.path / layout.EMBEDDER
    key = f"{embedder.name}|{embedder.path}|{embedder.fingerprint}"
    key = hashlib.sha256(key.encode()).hexdigest()[:16]
    shipped = Path(embedder.path) / "onnx"  # a model from `docprompt train retriever`
    if (shipped / "model.onnx").exists() and (shipped / "embedder.json").exists():
        source = shipped
    else:
        source = models_dir() / "onnx" / key
        if not (source / "embedder.json").exists():
            _cached_folder(source, embedder.export_onnx)
    if precision_of(source) == precision:
        return source
    quantized = models_dir() / "onnx" / f"{key}-{precision}"
    if precision_of(quantized) != precision:
        _cached_folder(quantized, lambda tmp: quantize(source, tmp))
    return quantized


def _cached_folder(dest: Path, write) -> None:
    """Make ``dest`` by ``write(tmp)`` in a temporary sibling, then rename it into place."""
    tmp = dest.with_name(f"{dest.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    write(tmp)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)


def _link_tree(source: Path, dest: Path) -> None:
    dest.mkdir()
    for f in source.iterdir():
        try:
            os.link(f, dest / f.name)  # shares the 90 MB model file between indexes
        except OSError:
            shutil.copyfile(f, dest / f.name)


def _pages(all_chunks: list[Chunk]) -> tuple[list[str], list[str], np.ndarray]:
    """Page keys and titles in order of first appearance, and each chunk's page row."""
    rows: dict[str, int] = {}
    titles: list[str] = []
    page_of_chunk = np.empty(len(all_chunks), dtype=np.int64)
    for i, chunk in enumerate(all_chunks):
        key = chunkdb.page_key(chunk)
        if key not in rows:
            rows[key] = len(rows)
            titles.append(chunk.title)
        page_of_chunk[i] = rows[key]
    return list(rows), titles, page_of_chunk


def _write_pages(
    build: Path,
    tokens: list[list[str]],
    vectors: np.ndarray,
    page_of_chunk: np.ndarray,
    n_pages: int,
    settings: BuildSettings,
) -> None:
    """Whole-page representations for two-stage retrieval: the page's text for BM25 and
    the normalised mean of its chunk vectors."""
    page_vecs = np.zeros((n_pages, vectors.shape[1]), dtype=np.float32)
    np.add.at(page_vecs, page_of_chunk, vectors)
    page_vecs /= np.clip(np.linalg.norm(page_vecs, axis=1, keepdims=True), 1e-12, None)
    page_tokens: list[list[str]] = [[] for _ in range(n_pages)]
    for toks, page in zip(tokens, page_of_chunk.tolist()):
        page_tokens[page].extend(toks)
    dense.save(dense.build(page_vecs, "flat"), build / layout.PAGES_DENSE)
    sparse.build_bm25s(page_tokens, settings.bm25_k1, settings.bm25_b, build / layout.PAGES_SPARSE)
    np.save(build / layout.PAGE_OF_CHUNK, page_of_chunk, allow_pickle=False)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(value):
    """``value`` with strings that UTF-8 cannot encode (a file name's undecodable bytes, kept by
    Python as lone surrogates) repaired: those bytes become U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        return {_valid_text(k): _valid_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_valid_text(v) for v in value]
    return value


def _shown_name(name: str) -> str:
    """A skipped input's name as the manifest lists it: bytes that are not UTF-8 (kept by Python
    as lone surrogates, which no terminal can print) written as ``\\xff``, so the file can be found."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return _SURROGATE.sub("\ufffd", name)


def _sane(doc: Document) -> Document:
    fixed = {}
    for field in ("id", "text", "source", "title", "uri", "metadata", "paragraphs"):
        value = getattr(doc, field)
        clean = _valid_text(value)
        if clean is not value and clean != value:
            fixed[field] = clean
    return doc.model_copy(update=fixed) if fixed else doc


def _unique_ids(docs: Iterable[Document]) -> Iterable[Document]:
    seen: Counter[str] = Counter()
    for doc in docs:
        doc = _sane(doc)
        seen[doc.id] += 1
        if seen[doc.id] > 1:
            doc = doc.model_copy(update={"id": f"{doc.id}~{seen[doc.id]}"})
        yield doc


def _write_local(
    build: Path,
    all_chunks: list[Chunk],
    keys: list[str],
    texts: list[str],
    vectors_by_key: dict,
    settings: BuildSettings,
    advance,
) -> dict:
    """Write the chunk store, FAISS, BM25 and page-level parts into ``build``; what the manifest
    records of them."""
    if hasattr(vectors_by_key, "fetch"):  # reused from a Milvus index: fetched in batches
        vectors_by_key.fetch(keys)
    vectors = np.stack([vectors_by_key[k] for k in keys]).astype(np.float32)
    page_keys, page_titles, page_of_chunk = _pages(all_chunks)
    con = chunkdb.create(build / layout.CHUNKS)
    with con:
        chunkdb.insert(
            con,
            ((i, c, k, int(p)) for i, (c, k, p) in enumerate(zip(all_chunks, keys, page_of_chunk))),
        )
        chunkdb.insert_pages(con, ((i, key, page_titles[i]) for i, key in enumerate(page_keys)))
    con.close()
    advance(1)
    kind = "hnsw" if len(all_chunks) >= settings.hnsw_threshold else "flat"
    dense.save(dense.build(vectors, kind), build / layout.DENSE)
    advance(1)
    tokens = [tokenize(t) for t in texts]
    sparse.build_bm25s(tokens, settings.bm25_k1, settings.bm25_b, build / layout.SPARSE)
    advance(1)
    _write_pages(build, tokens, vectors, page_of_chunk, len(page_keys), settings)
    advance(1)
    return {"dense_index": kind, "counts": {"pages": len(page_keys)}}


def build_index(
    path: Path,
    documents: Iterable[Document],
    *,
    name: str | None = None,
    **options,
) -> Manifest:
    """Write the index for ``documents`` at ``path`` and swap it in atomically.

    Chunks whose text is unchanged since the previous build at ``path`` keep their vectors;
    so do chunks found in the indexes ``reuse_from`` (same embedder), e.g. sibling pools.
    One build per path at a time: a second one fails with a message naming the first.
    Options: indexer, indexer_options, roots, skipped, settings, embedder, reporter, reuse_from,
    token (a Milvus token; ``settings.store == "milvus"`` writes a collection, see milvus_build),
    describe_sources (the manifest's ``index_sources``, made from the chunks once all are read).
    """
    path = Path(path)
    try:
        with layout.writer_lock(path):
            return _build(path, documents, name=name, **options)
    except layout.Busy as e:
        raise BadInput(e.message(name or path.name)) from None


def _build(
    path: Path,
    documents: Iterable[Document],
    *,
    name: str | None = None,
    indexer: str = "custom",
    indexer_options: dict | None = None,
    roots: list[str] | None = None,
    skipped: Mapping[str, int] | None = None,
    settings: BuildSettings | None = None,
    embedder=None,
    reporter: Reporter | None = None,
    reuse_from: Iterable[Path] = (),
    token: str | None = None,
    describe_sources: Callable[[list[Chunk]], list] | None = None,
) -> Manifest:
    from ..embed import get_embedder

    started = time.perf_counter()
    settings = settings or BuildSettings()
    reporter = reporter or Silent()
    name = name or path.name
    layout.clean_stale(path)
    embedder = embedder or get_embedder(settings.embedder)  # a bad name fails before any work

    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    all_chunks: list[Chunk] = []
    per_source: dict[str, list[str]] = defaultdict(list)
    n_docs = 0
    with reporter.task("reading documents") as advance:
        for doc in _unique_ids(documents):
            n_docs += 1
            per_source[doc.source].append(doc.text)
            all_chunks.extend(chunker.chunks(doc))
            advance(1)
    if not all_chunks:
        why = ", ".join(f"{n} {reason}" for reason, n in sorted((skipped or {}).items()))
        raise BadInput(
            f"nothing to index: {n_docs} documents gave no text" + (f" (skipped: {why})" if why else "")
        )
    texts = [search_text(c.title, c.text) for c in all_chunks]
    embedded = [dense_text(c, settings.entry_text) for c in all_chunks]
    keys = [content_hash(t) for t in embedded]

    # A model trained with `--tower query` embeds queries only; its documents keep the base
    # model's vectors, so an index built with the base is reused whole.
    fingerprint = getattr(embedder, "fingerprint", None)
    query_side = embedder
    if getattr(embedder, "documents", None):
        embedder = get_embedder(embedder.documents)
    identity = doc_identity(embedder.name, getattr(embedder, "fingerprint", None))
    old = _previous(path, identity)
    symmetric = query_side is embedder
    same_export = old is not None and old.manifest.embedder.name == embedder.name and symmetric
    onnx_dir = _onnx_source(embedder, old if same_export else None, settings.onnx_precision)
    query_onnx = onnx_dir if symmetric else _onnx_source(query_side, None, settings.onnx_precision)
    if onnx_dir is not None:
        # Documents go through the same ONNX graph as queries: same vectors, 2x faster
        # than torch here, and no torch import once the export is cached.
        from ..embed.onnx import OnnxEmbedder

        embedder = OnnxEmbedder(onnx_dir, name=embedder.name)
    dim = int(embedder.dim)
    export = getattr(embedder, "export", None)

    vectors_by_key, vector_counts = gather_vectors(
        keys, embedded, embedder, identity, onnx_dir, old, reuse_from,
        lambda other: _previous(Path(other), identity), settings.batch_size, reporter,
    )  # fmt: skip

    build = layout.new_build_dir(path)
    try:
        with reporter.task("writing index", total=5) as advance:
            # The backend's part: local files in the build directory, or a Milvus collection.
            if settings.store == "milvus":
                from .milvus_build import write_collection

                written = write_collection(all_chunks, keys, texts, vectors_by_key, dim, identity, settings,
                                           name=name, token=token, advance=advance)  # fmt: skip
                settings = written.pop("settings")
            else:
                written = _write_local(build, all_chunks, keys, texts, vectors_by_key, settings, advance)
            if query_onnx is not None:
                _link_tree(query_onnx, build / layout.EMBEDDER)
            advance(1)
        if old is not None:
            old.close()
        manifest = Manifest(
            format_version=layout.FORMAT_VERSION,
            docprompt_version=__version__,
            name=name,
            embedder=EmbedderInfo(
                name=query_side.name,
                dim=dim,
                backend=embedder.backend,
                max_seq_length=getattr(embedder, "config", {}).get("max_seq_length"),
                fingerprint=fingerprint,
                documents=None if symmetric else identity,
                export=export,
            ),
            bm25=BM25Params(k1=settings.bm25_k1, b=settings.bm25_b, tokenizer=TOKENIZER_VERSION),
            dense_index=written["dense_index"],
            sources=[
                SourceRecord(path=src, content_hash=content_hash("\x00".join(t)), chunks=0)
                for src, t in sorted(per_source.items())
            ],
            roots=roots or [],
            indexer=indexer,
            indexer_options=dict(indexer_options or {}),
            counts={
                "documents": n_docs,
                "chunks": len(all_chunks),
                **written["counts"],
                **vector_counts,
            },
            built_at=datetime.now(timezone.utc),
            build_seconds=round(time.perf_counter() - started, 3),
            skipped=dict(skipped or {}),
            skipped_files={k: [_shown_name(f) for f in v] for k, v in getattr(skipped, "files", {}).items()},
            settings=settings.model_dump(),
            search=old.manifest.search if old is not None else {},
            store=settings.store,
            uri=written.get("uri"),
            collection=written.get("collection"),
            index_sources=describe_sources(all_chunks) if describe_sources else [],
        )
        chunk_counts = Counter(c.source for c in all_chunks)
        for rec in manifest.sources:
            rec.chunks = chunk_counts[rec.path]
        layout.publish(build, path, manifest)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return manifest
