"""Man pages, split into paragraphs the way DocPrompting did: NAME, SYNOPSIS, the prose of
DESCRIPTION and the other sections, and one paragraph per option entry (its flag line kept
with its description), each yielded as its own Document."""

from __future__ import annotations

import lzma
import os
import random
import re
import shutil
import subprocess
import tarfile
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PositiveFloat, PositiveInt, field_validator

from docprompt.errors import BadInput
from docprompt.manpage import DEFAULT_SKIP_HEADINGS, Paragraph, split_page
from docprompt.models import Document

from ._base import FileTreeIndexer, IndexerOptions
from ._fs import decode_text, existing_paths, read_text, walk
from ._manfiles import (
    _MANDIR,
    _ROFF,
    MANPATH,
    _is_archive,
    _is_roff_file,
    _is_roff_root,
    _machine_manpath,
    _packages,
    _render,
)

_RENDERED = re.compile(r"(?P<name>.+)\.(?P<section>[1-9n]\w*)\.txt")
# ---------------------------------------------------------------------------------------------
# Reading pages: rendered text, a tarball of rendered text, roff sources rendered by man(1)
# ---------------------------------------------------------------------------------------------


@dataclass
class _Page:
    name: str
    section: str
    source: str
    text: str
    package: str = ""
    aliases: list[str] = field(default_factory=list)


def _card(name: str, paragraphs: list[Paragraph]) -> str:
    """What the command is, in a few lines: its NAME line and the opening of its DESCRIPTION."""
    from docprompt.cards import command_card

    whatis = next((" ".join(p.text.split()) for p in paragraphs if p.heading == "NAME"), "")
    whatis = whatis.split(" - ", 1)[1] if " - " in whatis else whatis
    description = next(
        (" ".join(p.text.split()) for p in paragraphs if p.heading == "DESCRIPTION" and not p.flags), ""
    )
    return command_card(name, whatis, [description] if description else [])


class ManPagesOptions(IndexerOptions):
    sections: list[Annotated[str, Field(min_length=1)]] | None = None
    skip_headings: list[Annotated[str, Field(min_length=1)]] | None = None
    max_prose_chars: PositiveInt = 800
    workers: PositiveInt | None = None
    timeout: PositiveFloat = 30.0
    progress: Callable[[int], object] | None = None

    @field_validator("sections", "skip_headings", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class ManPagesIndexer(FileTreeIndexer):
    """Yields one Document per paragraph of each man page (see :func:`split_page`).

    Each path is read according to what it is:

    - a folder of rendered plain-text pages ``NAME.SECTION.txt`` (found at any depth), e.g. the
      unpacked shared ``manpages.tar.gz``; a ``manifest.json`` in it or its parent adds the
      Debian ``package`` of each page;
    - a tarball of such pages, read in place with :mod:`tarfile` (regular members only,
      size-capped, no ``..`` or absolute names; a corrupt archive is counted and left);
    - a single rendered ``.txt`` page;
    - a MANPATH-style folder of roff sources (``man1/tar.1.gz`` ...): only the ``man[1-9]*``
      folders directly under it are read, so translations (``de/``, ``fr/``) are left out.
      Pages are rendered with ``man --no-hyphenation --no-justification -l -`` (MANWIDTH=80,
      LC_ALL=C.UTF-8, overstrikes removed as ``col -bx`` does) by ``workers`` threads (two
      per core by default), each page with a ``timeout``. Symlinked aliases (``gunzip.1.gz ->
      gzip.1.gz``) are rendered once, under the real file's name, with the other names in
      ``metadata["aliases"]``; a page found in two roots is read from the first.

    What cannot be read (a symlink out of its root, a file or inflated page over
    ``max_file_bytes``, bad UTF-8, a corrupt archive or ``.gz``, a render that fails or times
    out) is left out and counted by reason in ``skipped``; the rest of the build goes on.

    The literal path ``"MANPATH"`` stands for this machine's man path (the folders the
    ``manpath`` command prints); ``roots`` then lists those folders, so an index rebuilt from
    its manifest reads the same ones. Write ``./MANPATH`` for a folder of that name.

    Options: ``sections`` keeps only pages whose section starts with one of them ("1" keeps
    1, 1p, 1ssl); ``skip_headings`` are sections left out (default: authors, copyright,
    reporting bugs, see also, ...); ``max_prose_chars`` bounds how much prose is merged into
    one paragraph; ``progress`` is called with 1 after each page (an ``advance`` callable).

    Document ids are ``man/<name>.<section>/<nnn>`` (paragraph position, stable across runs);
    metadata: ``command``, ``section``, ``page`` (``"tar.1"``), ``heading``, ``subheading``,
    ``flags`` (the flags an option paragraph defines, else ``[]``) and, when known,
    ``package`` and ``aliases``.
    """

    name = "manpages"

    Options = ManPagesOptions
    options: ManPagesOptions

    def __init__(self, paths: Iterable[str | os.PathLike] | str | os.PathLike, **options: Any):
        super().__init__(paths, **options)
        o = self.options
        self.sections = None if o.sections is None else tuple(o.sections)
        self.skip_headings = frozenset(DEFAULT_SKIP_HEADINGS if o.skip_headings is None else o.skip_headings)
        self.max_prose_chars = o.max_prose_chars
        # man's pipeline (preconv, tbl, groff, grotty) waits on itself: two pages per core
        # render about twice as fast as one.
        self.workers = o.workers or min(32, 2 * (os.cpu_count() or 1))
        self.timeout = o.timeout
        self.progress = o.progress
        if any(_is_roff_root(p) or _is_roff_file(p) for p in self.paths) and shutil.which("man") is None:
            raise BadInput("rendering roff man pages needs the `man` command (man-db); install it")

    def resolve_paths(self, items: list[str | os.PathLike]) -> list[Path]:
        expanded: list[str | os.PathLike] = []
        for p in items:
            if isinstance(p, str) and p == MANPATH:
                found = _machine_manpath()
                if not found:
                    raise BadInput("no man path on this machine: give the folders to index")
                expanded.extend(found)
            else:
                expanded.append(p)
        return existing_paths(expanded)

    # -- documents -------------------------------------------------------------------------

    def iter_documents(self) -> Iterator[Document]:
        for page in self.iter_pages():
            yield from self.page_documents(page)
            if self.progress is not None:
                self.progress(1)

    def page_documents(self, page: _Page) -> Iterator[Document]:
        key = f"{page.name}.{page.section}"
        label = f"{page.name}({page.section})"
        paragraphs = split_page(
            page.text, skip_headings=self.skip_headings, max_prose_chars=self.max_prose_chars
        )
        if not paragraphs:
            self.skipped.add("no paragraphs", page.source)
        for i, para in enumerate(paragraphs):
            if para.flags or re.search(r"[^\W\d_]", para.tag):  # not a bullet's "•" or "1."
                long = [f for f in para.flags if f.startswith("--")]
                first = (long or para.flags or [para.tag.splitlines()[0][:60]])[0]
                title = f"{label} — {first}"
            else:
                title = f"{label} {para.heading}" + (f" — {para.subheading}" if para.subheading else "")
            meta: dict = {
                "command": page.name,
                "section": page.section,
                "page": key,
                "heading": para.heading,
                "subheading": para.subheading,
                "flags": para.flags,
            }
            if page.package:
                meta["package"] = page.package
            if page.aliases:
                meta["aliases"] = page.aliases
            yield Document(
                id=f"man/{key}/{i:03d}",
                text=para.text,
                source=page.source,
                kind="doc",
                language="bash",
                title=title,
                uri=f"man:{label}",
                metadata=meta,
            )
        card = _card(page.name, paragraphs) if paragraphs else ""
        if card:  # the same metadata keys as the page's paragraphs, so filters match cards too
            meta = {"command": page.name, "section": page.section, "page": key, "heading": "CARD",
                    "subheading": "", "flags": []}  # fmt: skip
            if page.package:
                meta["package"] = page.package
            if page.aliases:
                meta["aliases"] = page.aliases
            yield Document(
                id=f"man/{key}/card", text=card, source=page.source, kind="card", language="bash",
                title=label, uri=f"man:{label}", metadata=meta,
            )  # fmt: skip

    # -- pages -----------------------------------------------------------------------------

    def sample_cost(self, n: int = 16) -> tuple[int, float, float]:
        """(pages, mean seconds to render one, mean paragraphs per page), rendering ``n`` roff
        pages drawn at random (seed 0); rendered inputs (text, archives) are read whole."""
        jobs = self._roff_files(self.paths)
        if not jobs:
            pages = list(self.iter_pages())
            paragraphs = sum(sum(1 for _ in self.page_documents(p)) for p in pages)
            return len(pages), 0.0, paragraphs / max(1, len(pages))
        drawn = random.Random(0).sample(jobs, min(n, len(jobs)))
        seconds = paragraphs = 0.0
        for root, file, name, section, _ in drawn:
            start = time.perf_counter()
            text, _ = _render(root, file, self.max_file_bytes, self.timeout)
            seconds += time.perf_counter() - start
            if text is not None:
                paragraphs += sum(1 for _ in self.page_documents(_Page(name, section, str(file), text)))
        return len(jobs), seconds / len(drawn), paragraphs / len(drawn)

    def _wanted(self, section: str) -> bool:
        return self.sections is None or section.startswith(self.sections)

    def iter_pages(self) -> Iterator[_Page]:
        """Every readable page under the roots, as rendered text; a page (name and section)
        found again in a later root is counted as a duplicate and left out."""
        seen: set[tuple[str, str]] = set()
        for page in self._pages():
            if (page.name, page.section) in seen:
                self.skipped.add("duplicate page", page.source)
                continue
            seen.add((page.name, page.section))
            yield page

    def _pages(self) -> Iterator[_Page]:
        roff: list[Path] = []
        for path in self.paths:
            if _is_archive(path):
                yield from self._archive_pages(path.resolve())
            elif _is_roff_root(path) or _is_roff_file(path):
                roff.append(path)
            else:
                yield from self._text_pages(path)
        if roff:
            yield from self._roff_pages(roff)

    def _text_pages(self, path: Path) -> Iterator[_Page]:
        folder = path.resolve() if path.is_dir() else path.resolve().parent
        packages = _packages(folder, self.skipped)
        for root, file in walk([path], {".txt"}, self.skipped):
            m = _RENDERED.fullmatch(file.name)
            if m is None:
                self.skipped.add("not NAME.SECTION.txt", file)
                continue
            if not self._wanted(m["section"]):
                continue
            text = read_text(root, file, self.skipped, self.max_file_bytes)
            if text is not None:
                yield _Page(m["name"], m["section"], str(file), text, packages.get(file.name, ""))

    def _archive_pages(self, archive: Path) -> Iterator[_Page]:
        packages = _packages(archive.parent, self.skipped)
        try:
            with tarfile.open(archive, "r:*") as tar:
                for member in tar:
                    if member.isdir():
                        continue
                    name = member.name
                    if name.startswith("/") or ".." in Path(name).parts:
                        self.skipped.add("unsafe path in archive", name)
                        continue
                    if not member.isreg():
                        self.skipped.add("not a regular file", name)
                        continue
                    m = _RENDERED.fullmatch(Path(name).name)
                    if m is None:
                        self.skipped.add("not NAME.SECTION.txt", name)
                        continue
                    if not self._wanted(m["section"]):
                        continue
                    if member.size > self.max_file_bytes:
                        self.skipped.add("too large", name)
                        continue
                    f = tar.extractfile(member)
                    text = decode_text(f.read(), self.skipped, name) if f is not None else None
                    if text is not None:
                        base = Path(name).name
                        yield _Page(
                            m["name"], m["section"], f"{archive}#{name}", text, packages.get(base, "")
                        )
        except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError):
            self.skipped.add("corrupt archive", archive)

    def _roff_files(self, paths: list[Path]) -> list[tuple[Path, Path, str, str, list[str]]]:
        """(root, file, name, section, aliases) of each page to render, aliases grouped."""
        seen: set[tuple[str, str]] = set()
        groups: dict[Path, list[tuple[Path, Path, str, str]]] = {}
        for path in paths:
            if path.is_file():
                folders = [path]
                root = path.resolve().parent
            else:
                root = path.resolve()
                folders = [p for p in sorted(root.iterdir()) if _MANDIR.fullmatch(p.name) and p.is_dir()]
            for _, file in walk(folders, None, self.skipped):
                m = _ROFF.fullmatch(file.name)
                if m is None:  # e.g. a newline in the name: named, not silently left out
                    self.skipped.add("not NAME.SECTION[.gz]", file)
                    continue
                if not self._wanted(m["section"]):
                    continue
                if (m["name"], m["section"]) in seen:
                    self.skipped.add("duplicate page", file)
                    continue
                seen.add((m["name"], m["section"]))
                try:
                    real = file.resolve()
                except OSError:
                    real = file
                groups.setdefault(real, []).append((root, file, m["name"], m["section"]))
        jobs = []
        for real, members in groups.items():
            # The real file's own name is the page; other names pointing to it are aliases.
            own = [x for x in members if x[1] == real] or members[:1]
            root, file, name, section = own[0]
            aliases = sorted({x[2] for x in members} - {name})
            jobs.append((root, file, name, section, aliases))
        return sorted(jobs, key=lambda j: (str(j[0]), j[2], j[3]))

    def _roff_pages(self, paths: list[Path]) -> Iterator[_Page]:
        jobs = self._roff_files(paths)
        window: deque = deque()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            try:
                pending = iter(jobs)
                for job in pending:
                    window.append(
                        (job, pool.submit(_render, job[0], job[1], self.max_file_bytes, self.timeout))
                    )
                    if len(window) >= self.workers * 4:
                        yield from self._take(window)
                while window:
                    yield from self._take(window)
            finally:
                for _, fut in window:
                    fut.cancel()

    def _take(self, window: deque) -> Iterator[_Page]:
        (root, file, name, section, aliases), fut = window.popleft()
        try:
            text, skipped = fut.result()
        except (OSError, ValueError, subprocess.SubprocessError):  # man could not be started
            self.skipped.add("render failed", file)
            return
        self.skipped.update(skipped)
        if text is not None:
            yield _Page(name, section, str(file), text, aliases=aliases)
