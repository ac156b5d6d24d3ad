"""DevDocs indexer: one Document per API entry of a DevDocs bundle (``index.json`` + HTML pages).

Follows DocPrompting's CoNaLa doc pool: each entry's text is its signature and first
paragraph(s), so one entry is one retrievable paragraph. Pages are parsed once with lxml.
"""

from __future__ import annotations

import json
import lzma
import os
import tarfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import Field, field_validator

from docprompt.models import Document

from . import _html
from ._base import FileTreeIndexer, IndexerOptions
from ._devdocs_page import Section, anchor_section, clean, compose, content, top_section
from ._fs import decode_text, read_bytes, walk

ARCHIVE_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar")
# DocPrompting names scikit-learn's entries ``sklearn.*``; other libraries use the DevDocs slug.
ID_PREFIXES = {"scikit_learn": "sklearn"}
DB_PAGES = 100  # a db.json may be this many times the per-file cap

Load = Callable[[], "bytes | None"]


@dataclass
class _Library:
    slug: str  # the DevDocs folder: "pandas~1"
    prefix: str  # the id prefix: "pandas"
    version: str
    entries: dict[str, dict[str, list[dict]]] | None = None  # page -> anchor -> entries
    pending: dict[str, tuple[str, Load]] = field(default_factory=dict)  # page -> (source, load)
    done: set[str] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return self.entries is not None and len(self.done) >= len(self.entries)


class DevDocsOptions(IndexerOptions):
    libraries: list[str] | None = Field(default=None, description="only these libraries (pandas, python~3.9)")
    examples: bool = Field(default=True, description="yield code examples too")
    max_examples: int = Field(default=3, ge=0, description="code examples per entry")
    max_chars: int = Field(default=900, ge=200, description="cap on an entry's text")

    @field_validator("libraries", mode="before")
    @classmethod
    def _lower(cls, value):
        if value is None:
            return None
        return [str(name).lower() for name in ([value] if isinstance(value, str) else value)]


class DevDocsIndexer(FileTreeIndexer):
    """Yields one Document per entry of DevDocs ``index.json`` files, plus code examples.

    Inputs: a DevDocs bundle as a ``.tar.xz`` (read as a stream, never extracted), a folder
    of library folders (``LIB~VERSION/index.json`` and the HTML pages, or DevDocs' offline
    ``db.json`` of every page), one library folder, or a DevDocs slug (``python~3.12``),
    fetched once from DevDocs' published JSON (:mod:`docprompt.devdocsfetch`).

    Ids follow DocPrompting's CoNaLa oracle: ``LIB.PATH#ANCHOR``, where LIB is the folder name
    before ``~`` (``scikit_learn`` is ``sklearn``), PATH the page path with ``/`` as ``.``,
    lower-cased, and ANCHOR the entry's anchor as written (none for a page's top):
    ``python.library.functions#sum``, ``pandas.reference.api.pandas.dataframe.groupby``.
    Examples (``<pre>`` blocks of the entry's section) are ``<entry id>/example/<i>``.

    Options: ``libraries`` restricts to some libraries ("pandas", "python~3.9" or "sklearn");
    ``examples`` yields the code examples too; ``max_examples`` per entry; ``max_chars`` caps
    an entry's text. Unreadable files, entries whose page or anchor is missing, duplicate ids,
    unsafe or non-regular archive members and corrupt archives are skipped and counted.
    """

    name = "devdocs"
    Options = DevDocsOptions
    options: DevDocsOptions

    def __init__(self, paths: Iterable[str | os.PathLike] | str | os.PathLike, **options: Any):
        super().__init__(paths, **options)
        wanted = self.options.libraries
        self.libraries = set(wanted) if wanted is not None else None
        self.max_examples = self.options.max_examples if self.options.examples else 0
        self._seen_ids: set[str] = set()
        self._matched: set[str] = set()

    def resolve_paths(self, items: list[str | os.PathLike]) -> list[Path]:
        """A DevDocs slug (``python~3.12``) as the folder it was fetched into (fetched now if
        it never was, see :mod:`docprompt.devdocsfetch`); paths as given."""
        from docprompt import devdocsfetch

        def one(item: str | os.PathLike) -> str | os.PathLike:
            text = str(item)
            return devdocsfetch.resolve(text) if devdocsfetch.is_slug(text) else item

        return super().resolve_paths([one(p) for p in items])

    def iter_documents(self) -> Iterator[Document]:
        self._seen_ids = set()
        self._matched = set()
        for path in self.paths:
            if path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES):
                yield from self._from_archive(path.resolve())
            elif path.is_dir():
                yield from self._from_folder(path.resolve())
            else:
                self.skipped.add("not a DevDocs folder or archive", path)
        for wanted in sorted((self.libraries or set()) - self._matched):
            self.skipped.add("requested library not found", wanted)

    # --- sources: each member is (library slug, path in library, source, loader) ---

    def _wanted(self, slug: str) -> bool:
        if self.libraries is None:
            return True
        base = slug.split("~")[0].lower()
        matched = {slug.lower(), base, ID_PREFIXES.get(base, base)} & self.libraries
        self._matched |= matched
        return bool(matched)

    def _from_folder(self, root: Path) -> Iterator[Document]:
        single = (root / "index.json").is_file()
        libs: dict[str, _Library] = {}
        for base, file in walk([root], {".html", ".json"}, self.skipped):
            rel = file.relative_to(base).as_posix()
            slug, rel = (root.name, rel) if single else rel.partition("/")[::2]
            if not rel or not self._wanted(slug):
                continue

            def load(file: Path = file, base: Path = base, limit: int = self._limit(rel)) -> bytes | None:
                return read_bytes(base, file, self.skipped, limit)

            yield from self._member(libs, slug, rel, str(file), load)
        self._finish(libs)

    def _from_archive(self, archive: Path) -> Iterator[Document]:
        libs: dict[str, _Library] = {}
        try:
            with tarfile.open(archive, mode="r|*") as tar:
                for member in tar:
                    parts = PurePosixPath(member.name).parts
                    parts = parts[1:] if parts and parts[0] == "." else parts
                    if member.isdir() or len(parts) < 2 or not parts[-1].endswith((".html", ".json")):
                        continue
                    if member.name.startswith("/") or ".." in parts:
                        self.skipped.add("unsafe path in archive", member.name)
                        continue
                    slug, rel = parts[0], "/".join(parts[1:])
                    if not self._wanted(slug):
                        continue
                    if not member.isfile():
                        self.skipped.add("not a regular file", member.name)
                        continue
                    if member.size > self._limit(rel):
                        self.skipped.add("too large", member.name)
                        continue
                    entries = libs[slug].entries if slug in libs else None
                    if entries is not None and rel.endswith(".html") and rel[: -len(".html")] not in entries:
                        continue  # no entry points to this page: not worth reading
                    handle = tar.extractfile(member)
                    data = handle.read() if handle is not None else None
                    yield from self._member(libs, slug, rel, f"{archive}/{slug}/{rel}", lambda d=data: d)
                    if self._all_read(libs):
                        break  # every requested library is complete: the rest of the stream is not needed
        except (tarfile.TarError, lzma.LZMAError, zlib.error, EOFError, OSError):
            self.skipped.add("corrupt archive", archive)
        self._finish(libs)

    def _limit(self, rel: str) -> int:
        """A file's size cap: db.json holds a whole library's pages, each capped on its own."""
        return self.max_file_bytes * DB_PAGES if rel == "db.json" else self.max_file_bytes

    def _all_read(self, libs: dict[str, _Library]) -> bool:
        if self.libraries is None or len(libs) < len(self.libraries):
            return False
        return all(lib.complete for lib in libs.values())

    # --- assembling a library ---

    def _library(self, libs: dict[str, _Library], slug: str) -> _Library:
        if slug not in libs:
            base, _, version = slug.partition("~")
            libs[slug] = _Library(slug, ID_PREFIXES.get(base, base), version)
        return libs[slug]

    def _member(self, libs: dict[str, _Library], slug: str, rel: str, source: str, load: Load):
        lib = self._library(libs, slug)
        if rel == "index.json":
            yield from self._read_index(lib, load)
        elif rel == "db.json":
            yield from self._read_db(libs, slug, source, load)
        elif rel == "meta.json":
            self._read_meta(lib, load)
        elif rel.endswith(".html"):
            page = rel[: -len(".html")]
            if lib.entries is None:
                lib.pending[page] = (source, load)
            elif page in lib.entries and page not in lib.done:
                yield from self._page(lib, page, source, load)

    def _read_db(self, libs: dict[str, _Library], slug: str, source: str, load: Load) -> Iterator[Document]:
        """DevDocs' offline form: every page's HTML in one ``db.json`` object keyed by path."""
        data = load()
        text = decode_text(data, self.skipped, source) if data is not None else None
        try:
            pages = json.loads(text) if text else None
        except ValueError:
            pages = None
        if not isinstance(pages, dict):
            if text is not None:
                self.skipped.add("invalid db.json", slug)
            return
        for page, html in pages.items():
            if not (isinstance(page, str) and isinstance(html, str)):
                continue
            if len(html) > self.max_file_bytes:
                self.skipped.add("too large", f"{source}#{page}")
            else:
                yield from self._member(
                    libs, slug, f"{page}.html", f"{source}#{page}", lambda h=html: h.encode()
                )

    def _read_meta(self, lib: _Library, load: Load) -> None:
        data = load()
        text = decode_text(data, self.skipped, f"{lib.slug}/meta.json") if data is not None else None
        try:
            meta = json.loads(text) if text else {}
        except ValueError:
            meta = {}
        if not lib.version and isinstance(meta, dict):
            lib.version = str(meta.get("version") or meta.get("release") or "")

    def _read_index(self, lib: _Library, load: Load) -> Iterator[Document]:
        data = load()
        text = decode_text(data, self.skipped, f"{lib.slug}/index.json") if data is not None else None
        if text is None:
            return
        try:
            raw = json.loads(text)["entries"]
            entries = [e for e in raw if isinstance(e.get("name"), str) and isinstance(e.get("path"), str)]
        except (ValueError, KeyError, TypeError, AttributeError):
            self.skipped.add("invalid index.json", lib.slug)
            return
        by_page: dict[str, dict[str, list[dict]]] = {}
        for e in entries:
            page, _, anchor = e["path"].partition("#")
            by_page.setdefault(page, {}).setdefault(anchor, []).append(e)
        lib.entries = by_page
        pending, lib.pending = lib.pending, {}
        for page, (source, page_load) in pending.items():
            if page in by_page:
                yield from self._page(lib, page, source, page_load)

    def _finish(self, libs: dict[str, _Library]) -> None:
        """Count what a source lacked once it is read to its end."""
        for lib in libs.values():
            if lib.entries is None:
                if lib.pending:
                    self.skipped.add("library without index.json", lib.slug)
                continue
            for page in set(lib.entries) - lib.done:
                self.skipped.add(
                    "missing page", f"{lib.slug}/{page}", sum(len(g) for g in lib.entries[page].values())
                )
        libs.clear()

    # --- one page: parse once, then every entry that points into it ---

    def _page(self, lib: _Library, page: str, source: str, load: Load) -> Iterator[Document]:
        lib.done.add(page)
        groups = lib.entries[page] if lib.entries else {}
        n_entries = sum(len(g) for g in groups.values())
        data = load()
        # decoded only to refuse bad UTF-8
        if data is None or decode_text(data, self.skipped, source) is None:
            self.skipped.add("entries of an unreadable page", source, n_entries)
            return
        root = _html.parse(data)
        if root is None:
            self.skipped.add("unparsable HTML", source)
            self.skipped.add("entries of an unreadable page", source, n_entries)
            return
        body = clean(root)
        by_id = {}
        if any(groups.keys() - {""}):
            by_id = {el.get("id"): el for el in root.xpath("//*[@id]")}
        page_id = f"{lib.prefix}.{page.replace('/', '.').lower()}"
        for anchor, group in groups.items():
            if anchor:
                el = by_id.get(anchor)
                if el is None:
                    self.skipped.add("anchor not found", f"{source}#{anchor}", len(group))
                    continue
                section = anchor_section(el)
            else:
                section = top_section(body)
            doc_id = f"{page_id}#{anchor}" if anchor else page_id
            if doc_id in self._seen_ids:
                self.skipped.add("duplicate id", doc_id, len(group))
                continue
            self._seen_ids.add(doc_id)
            if len(group) > 1:  # several names for one anchor (pygame: "mouse", "module-mouse")
                self.skipped.add("duplicate id", doc_id, len(group) - 1)
            path = f"{page}#{anchor}" if anchor else page
            yield from self._entry_documents(lib, page_id, path, doc_id, group, section, source)

    def _entry_documents(
        self,
        lib: _Library,
        page_id: str,
        path: str,
        doc_id: str,
        group: list[dict],
        section: Section,
        source: str,
    ) -> Iterator[Document]:
        names = sorted((e["name"] for e in group), key=len)
        entry = next(e for e in group if e["name"] == names[0])
        signatures, paragraphs, examples = content(section, self.options.max_chars, self.max_examples)
        text = compose(entry["name"], section.header, signatures, paragraphs, self.options.max_chars)
        metadata = {
            "library": lib.prefix,
            "version": lib.version,
            "symbol": entry["name"],
            "type": str(entry.get("type", "")),
            "page": page_id,
            "path": path,
        }
        if len(names) > 1:
            metadata["aliases"] = names[1:]
        common = {"source": source, "language": "python", "title": entry["name"], "uri": f"{lib.slug}/{path}"}
        yield Document(id=doc_id, text=text, kind="doc", metadata=metadata, paragraphs=[text], **common)
        for i, (code, language) in enumerate(examples):
            yield Document(
                id=f"{doc_id}/example/{i}",
                text=code,
                kind="example",
                metadata={**metadata, "example_of": doc_id},
                **{**common, "language": language},
            )
