"""Split Documents into Chunks with langchain-text-splitters.

Sizes are in characters: 900 characters is about 200-250 tokens of English for a
256-token embedder such as all-MiniLM-L6-v2, so a chunk is seen whole by the model.
Paragraphs an indexer hands over (``Document.paragraphs``) are kept whole when they fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from .codetokens import unmnemonic
from .errors import BadInput
from .models import Chunk, Document, content_hash

_LANGUAGES = {"python": "PYTHON", "markdown": "MARKDOWN", "rst": "RST", "html": "HTML"}


@lru_cache(maxsize=16)
def _splitter(language: str, size: int, overlap: int):
    from langchain_text_splitters import Language, RecursiveCharacterTextSplitter

    name = _LANGUAGES.get(language)
    if name is not None:
        return RecursiveCharacterTextSplitter.from_language(
            Language[name], chunk_size=size, chunk_overlap=overlap
        )
    return RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap)


class Chunker:
    def __init__(self, chunk_size: int = 900, chunk_overlap: int = 120):
        if chunk_overlap >= chunk_size:
            raise BadInput(f"chunk_overlap ({chunk_overlap}) must be smaller than chunk_size ({chunk_size})")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap

    def pieces(self, doc: Document) -> list[str]:
        split = _splitter(doc.language, self.chunk_size, self.chunk_overlap).split_text
        if doc.paragraphs is None:
            return [p for p in split(doc.text) if p.strip()]
        out: list[str] = []
        for para in doc.paragraphs:
            if not para.strip():
                continue
            out.extend([para] if len(para) <= self.chunk_size else split(para))
        return out

    def chunks(self, doc: Document) -> Iterator[Chunk]:
        for position, text in enumerate(self.pieces(doc)):
            yield Chunk(
                id=f"{doc.id}#{position}",
                doc_id=doc.id,
                position=position,
                text=text,
                content_hash=content_hash(text),
                source=doc.source,
                kind=doc.kind,
                language=doc.language,
                title=doc.title,
                uri=doc.uri,
                metadata=doc.metadata,
            )


def dense_text(chunk: Chunk, entry_text: str = "whole") -> str:
    """What the embedder reads for a chunk: its whole text, or under ``summary`` an API entry's
    first chunk (one with a ``symbol``) as its qualified name and first doc sentence, which lost
    on the tuning rows (docs/benchmarks.md, "Entry texts"). BM25 reads the whole text either way."""
    entry = chunk.position == 0 and chunk.kind == "doc" and chunk.metadata.get("symbol")
    if entry_text == "summary" and entry:
        from .cards import entry_summary

        return entry_summary(chunk)
    return search_text(chunk.title, chunk.text)


def search_text(title: str, text: str) -> str:
    """The text that is embedded and BM25-indexed: the title gives a bare paragraph its context."""
    text = unmnemonic(text)
    if title and not text.lstrip().startswith(title):
        return f"{title}\n{text}"
    return text
