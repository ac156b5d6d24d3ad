"""Man pages, split into paragraphs the way DocPrompting did: NAME, SYNOPSIS, the prose of
DESCRIPTION and the other sections, and one paragraph per option entry (its flag line kept
with its description), each yielded as its own Document."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import re
import shutil
import signal
import subprocess
import tarfile
import textwrap
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docprompt.errors import BadInput
from docprompt.models import Document

from ._fs import DEFAULT_MAX_FILE_BYTES, Skips, decode_text, existing_paths, read_bytes, read_text, walk

MANPATH = "MANPATH"
DEFAULT_SKIP_HEADINGS = frozenset(
    {"AUTHOR", "AUTHORS", "COPYRIGHT", "COPYING", "LICENSE", "LICENCE", "REPORTING BUGS", "SEE ALSO"}
    | {"COLOPHON", "TRANSLATION", "TRANSLATIONS", "TRANSLATOR", "TRANSLATORS"}
)
_WHOLE_SECTIONS = {"NAME", "SYNOPSIS"}

_RENDERED = re.compile(r"(?P<name>.+)\.(?P<section>[1-9n]\w*)\.txt")
_ROFF = re.compile(r"(?P<name>.+)\.(?P<section>[1-9n]\w*?)(?P<comp>\.gz|\.bz2|\.xz|\.lzma)?")
_MANDIR = re.compile(r"man[1-9]\w*")
_DECOMPRESS: dict[str, Callable[..., Any]] = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".lzma": lzma.open,
}

# ---------------------------------------------------------------------------------------------
# Splitting a rendered page
# ---------------------------------------------------------------------------------------------

_OVERSTRIKE = re.compile(r".\x08")
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_HEADER = re.compile(r"\S.*\S\(\w+\)")  # "TAR(1)   GNU TAR Manual   TAR(1)" and the footer line
_FLAG_START = re.compile(r"--?(?:\[no-?\])?[A-Za-z0-9?#@]")
_TAG_FLAG = re.compile(r"(?:^|(?<=[\s,|({/]))(--?)(\[no-?\])?([A-Za-z0-9?#@][\w-]*)")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-"})
_GAP = re.compile(r"\S( {2,})(?=\S)")
# A flag token opening a run-together paragraph: "-i,", "--dirs=[/proc]", not "-rw-r--r--".
_LEAD_FLAG = re.compile(r"--?[A-Za-z0-9?#@](?:\w|-(?!-))*(?:[=\[]\S*)?,?")
_TP_INDENT = 7  # where groff puts a .TP description by default


@dataclass
class Paragraph:
    """One paragraph of a man page: prose, or an entry (an option and its description)."""

    heading: str
    text: str
    subheading: str = ""
    tag: str = ""
    flags: list[str] = field(default_factory=list)


def parse_flags(tag: str) -> list[str]:
    """The flags an option entry's tag line defines: ``-C DIR, --directory=DIR`` -> -C, --directory;
    ``--[no-]verify`` -> --verify, --no-verify; ``-S[<keyid>]`` -> -S."""
    out: list[str] = []
    for dash, neg, name in _TAG_FLAG.findall(tag):
        name = name.rstrip("-")
        if not name:
            continue
        for flag in (dash + name, dash + neg.strip("[]") + name if neg else ""):
            if flag and flag not in out:
                out.append(flag)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _clean_lines(text: str) -> list[str]:
    """The page's lines without overstrike/colour, tabs, and the running header and footer."""
    # groff may set "-" as a hyphen or minus sign (U+2010, U+2011, U+2212): flags need ASCII.
    text = _SGR.sub("", _OVERSTRIKE.sub("", text)).expandtabs().translate(_DASHES)
    lines = [ln.rstrip() for ln in text.splitlines()]
    filled = [i for i, ln in enumerate(lines) if ln]
    for i in filled[:1] + filled[-1:]:
        if _HEADER.fullmatch(lines[i]) and re.search(r"\s{2,}", lines[i]):
            lines[i] = ""
    # Some generators indent the whole page, headings included ("   NAME"): shift it left.
    indents = {_indent(ln) for ln in lines if ln}
    base = min(indents, default=0)
    return [ln[base:] for ln in lines] if base and len(indents) > 1 else lines


@dataclass
class _Block:
    lines: list[str]
    subheading: str
    tag: str = ""
    flaggy: bool = False


def _plain_tag(tag: str) -> bool:
    """A tag that is not a flag (a subcommand, a variable, a file) must look like a label."""
    return len(tag) <= 60 and not tag.endswith((":", ".", ",", ";")) and len(tag.split()) <= 6


def _split_at(line: str, ind: int, col: int) -> tuple[str, str] | None:
    """``TAG  description`` split where the description starts at column ``col``."""
    if len(line) <= col or col - ind < 2 or line[col - 1] != " " or line[col] == " ":
        return None
    head = line[ind:col].strip()
    if not head:
        return None
    # One space only: the tag fills the indent exactly ("-empty File is empty"), so it must be
    # a whole flag, not the first half of "-a, --all".
    if line[col - 2] != " " and (
        not _FLAG_START.match(head) or head.endswith((",", "|")) or line[col] in "-[<{=|"
    ):
        return None
    return head, line[col:]


def _entry_at(lines: list[str], i: int, ind: int) -> tuple[str, list[str], int] | None:
    """If an entry (``.TP``-style tag and indented description) starts at line ``i``, its tag,
    its description lines so far, and the index of the next line to read."""
    n, line = len(lines), lines[i]
    content = line[ind:]
    flaggy = bool(_FLAG_START.match(content))
    # Several tag lines stacked over one description (BSD ``-L`` forms, ``.TQ``).
    if flaggy and not _GAP.search(content):
        j = i
        while (
            j + 1 < n
            and j - i < 8
            and lines[j + 1].strip()
            and _indent(lines[j + 1]) == ind
            and _FLAG_START.match(lines[j + 1][ind:])
            and not _GAP.search(lines[j + 1][ind:])
        ):
            j += 1
        if j > i and j + 1 < n and lines[j + 1].strip() and _indent(lines[j + 1]) > ind:
            return "\n".join(ln.strip() for ln in lines[i : j + 1]), [], j + 1
    nxt = lines[i + 1] if i + 1 < n else ""
    after = lines[i + 2] if i + 2 < n else ""
    # A tag, a blank line, then its description (x11vnc, cvs); a one-line entry ("-v   verbose")
    # is followed by a blank line too, but has its description on its own line.
    lone_tag = flaggy and not _GAP.search(content) and len(content.split()) <= 4
    if lone_tag and not nxt.strip() and after.strip() and _indent(after) > ind:
        return content.strip(), [], i + 1
    if nxt.strip() and _indent(nxt) > ind:
        col = _indent(nxt)
        # The description may start on the tag line, aligned with the lines below it.
        split = _split_at(line, ind, col)
        tag, desc = (split[0], [" " * col + split[1]]) if split else (content.strip(), [])
        if not flaggy and not _plain_tag(tag):
            return None
        return tag, desc, i + 1
    if flaggy and (not nxt.strip() or (_indent(nxt) == ind and _FLAG_START.match(nxt[ind:]))):
        # A one-line entry ("-v     verbose") followed by a blank line or the next entry.
        gap = _GAP.search(content)
        col = ind + gap.end() if gap and gap.start() < 60 else ind + _TP_INDENT
        split = _split_at(line, ind, col)
        if split and not split[0].endswith(".") and len(split[0].split()) <= 3:
            return split[0], [" " * col + split[1]], i + 1
    return None


def _blocks(body: list[str]) -> list[_Block]:
    """A section's body as prose blocks (split at blank lines) and entries."""
    out: list[_Block] = []
    prose: list[str] = []
    entry: _Block | None = None
    entry_ind = -1
    sub = ""
    prev_blank = True
    closed_at = -1  # indentation of an entry that the current line has just closed
    row_ind = -1  # indentation of the previous line when it was prose starting with a flag

    def flush_prose() -> None:
        if prose:
            out.append(_Block(list(prose), sub))
            prose.clear()

    i = 0
    while i < len(body):
        line = body[i]
        if not line.strip():
            if entry is not None:
                entry.lines.append("")
            else:
                flush_prose()
            prev_blank, i = True, i + 1
            continue
        ind = _indent(line)
        if entry is not None:
            if ind > entry_ind:
                entry.lines.append(line)
                prev_blank, i = False, i + 1
                continue
            out.append(entry)
            entry, closed_at = None, entry_ind
        if 0 < ind < 5 and not prose and len(line) <= 80 and not _FLAG_START.match(line[ind:]):
            flush_prose()
            sub = line.strip()
            prev_blank, closed_at, i = True, -1, i + 1
            continue
        flaggy = bool(_FLAG_START.match(line[ind:]))
        # An entry starts after a blank line, where an entry at its indentation just ended, or
        # in a table of one-line entries after a row that did not parse (a very long tag).
        try_entry = prev_blank or closed_at == ind or (flaggy and row_ind == ind)
        found = _entry_at(body, i, ind) if try_entry else None
        closed_at = -1
        if found:
            flush_prose()
            tag, desc, i = found
            entry = _Block(desc, sub, tag, bool(_FLAG_START.match(tag)))
            entry_ind = ind
        else:
            prose.append(line)
            i += 1
        row_ind = ind if flaggy else -1
        prev_blank = False
    if entry is not None:
        out.append(entry)
    flush_prose()
    return out


def _squeeze(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text)


def _entry_text(block: _Block) -> str:
    """Tag line(s), then the description indented by four spaces."""
    lines = block.lines
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    base = min((_indent(ln) for ln in lines if ln.strip()), default=0)
    desc = "\n".join("    " + ln[base:] if ln.strip() else "" for ln in lines)
    return f"{block.tag}\n{_squeeze(desc)}" if desc else block.tag


def _lead_tag(block: _Block, base: int) -> str:
    """The flags a prose paragraph opens with, at the section's own indentation, when a page
    runs an option and its description together ("-h, --help[=false] help for gdu")."""
    first = block.lines[0]
    if _indent(first) != base or not _FLAG_START.match(first[base:]):
        return ""
    tokens: list[str] = []
    for token in first.split():
        if not (_LEAD_FLAG.fullmatch(token) or (tokens and token == "|")):
            break
        tokens.append(token)
    return " ".join(tokens)


def _section_paragraphs(heading: str, body: list[str], max_prose_chars: int) -> list[Paragraph]:
    whole = heading.upper() in _WHOLE_SECTIONS
    if whole:
        text = _squeeze(textwrap.dedent("\n".join(body)).strip())
        # A NAME that runs on for pages (a generator's mistake) is split like any section.
        if heading.upper() == "SYNOPSIS" or len(text) <= 4 * max_prose_chars:
            return [Paragraph(heading, text)] if text else []
    out: list[Paragraph] = []
    pending: list[_Block] = []
    base = min((_indent(ln) for ln in body if ln.strip()), default=0)

    def flush() -> None:
        if pending:
            joined = textwrap.dedent("\n\n".join("\n".join(b.lines) for b in pending)).strip()
            out.append(Paragraph(heading, joined, pending[0].subheading))
            pending.clear()

    for block in _blocks(body):
        if block.tag:
            flush()
            flags = parse_flags(block.tag) if block.flaggy else []
            out.append(Paragraph(heading, _entry_text(block), block.subheading, block.tag, flags))
            continue
        lead = "" if whole else _lead_tag(block, base)
        if lead:
            flush()
            text = textwrap.dedent("\n".join(block.lines)).strip()
            out.append(Paragraph(heading, text, block.subheading, lead, parse_flags(lead)))
            continue
        size = sum(len(ln) + 1 for b in pending for ln in b.lines) + sum(len(ln) + 1 for ln in block.lines)
        if pending and (block.subheading != pending[0].subheading or size > max_prose_chars):
            flush()
        pending.append(block)
    flush()
    return out


def split_page(
    text: str, *, skip_headings: Iterable[str] = DEFAULT_SKIP_HEADINGS, max_prose_chars: int = 800
) -> list[Paragraph]:
    """A rendered (plain-text) man page as paragraphs, in page order.

    Section headings start in column 0. NAME and SYNOPSIS are one paragraph each; elsewhere an
    entry (a tag line, or stacked tag lines, over an indented description; a one-line
    ``-v   verbose``; a tag, a blank line and its description) is a paragraph of its own, with
    ``flags`` parsed from a tag that starts with a dash; a prose paragraph that opens with flags
    gets them too; other prose is merged up to ``max_prose_chars`` within one subheading.
    """
    skip = {h.upper() for h in skip_headings}
    sections: list[tuple[str, list[str]]] = []
    for line in _clean_lines(text):
        if line and not line[0].isspace():
            sections.append((line.strip(), []))
        elif sections:
            sections[-1][1].append(line)
    out: list[Paragraph] = []
    for n, (heading, body) in enumerate(sections):
        if n == 0 and " - " in heading and not any(ln.strip() for ln in body):
            # The NAME line without its heading (pages written without ``.SH NAME``).
            heading, body = "NAME", [heading]
        if heading.upper() in _WHOLE_SECTIONS:
            heading = heading.upper()  # "Name", "Synopsis" in some pages
        if heading.upper() not in skip:
            out.extend(_section_paragraphs(heading, body, max_prose_chars))
    return out


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


def _strings(value: Iterable[str] | str, option: str) -> list[str]:
    """A list of strings from an option ("1" alone, or ["1", "8"])."""
    items: list = (
        [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else [None]
    )
    if not all(isinstance(v, str) and v for v in items):
        raise BadInput(f"manpages option {option} must be a list of non-empty strings, not {value!r}")
    return items


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _machine_manpath() -> list[Path]:
    try:
        out = subprocess.run(["manpath"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = os.environ.get("MANPATH", "") or "/usr/share/man"
    # /usr/local/man is often a link to /usr/local/share/man: each folder once.
    dirs = [Path(p).resolve() for p in out.strip().split(":") if p]
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def _is_roff_root(path: Path) -> bool:
    try:
        return path.is_dir() and any(_MANDIR.fullmatch(p.name) and p.is_dir() for p in path.iterdir())
    except OSError:
        return False


def _is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith((".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2"))


def _is_roff_file(path: Path) -> bool:
    """A single roff page given directly (``tar.1``, ``tar.1.gz``)."""
    return path.is_file() and _ROFF.fullmatch(path.name) is not None and not path.name.endswith(".txt")


def _packages(folder: Path, skipped: Skips) -> dict[str, str]:
    """``manifest.json`` beside rendered pages (the shared tarball's): file name -> package."""
    for candidate in (folder / "manifest.json", folder.parent / "manifest.json"):
        if candidate.is_file():
            text = read_text(candidate.parent, candidate, skipped, 50_000_000)
            try:
                commands = json.loads(text or "")["commands"]
                return {Path(c["file"]).name: str(c.get("source", "")) for c in commands.values()}
            except (ValueError, KeyError, TypeError, AttributeError):
                skipped.add("bad manifest.json", candidate)
    return {}


def _col_bx(data: bytes) -> bytes:
    return _OVERSTRIKE.sub("", data.decode("utf-8", "replace")).expandtabs().encode("utf-8")


def _render(root: Path, file: Path, max_bytes: int, timeout: float) -> tuple[str | None, Skips]:
    """Render one roff page with ``man -l`` (runs in a worker thread; its own skip counter)."""
    skipped = Skips()
    data = read_bytes(root, file, skipped, max_bytes)
    if data is None:
        return None, skipped
    opener = _DECOMPRESS.get(file.suffix.lower())
    if opener is not None:
        try:
            with opener(io.BytesIO(data)) as f:
                data = f.read(max_bytes + 1)
        except (OSError, EOFError, lzma.LZMAError, zlib.error):
            skipped.add("corrupt compressed page", file)
            return None, skipped
        if len(data) > max_bytes:
            skipped.add("too large", file)
            return None, skipped
    env = {k: v for k, v in os.environ.items() if k not in ("MANOPT", "MAN_KEEP_FORMATTING", "MANROFFOPT")}
    env.update(MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    cmd = ["man", "--no-hyphenation", "--no-justification", "-l", "-"]
    # Its own process group, so a timeout also ends groff and the rest of man's pipeline.
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        cwd=root, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        out, _ = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        skipped.add("render timeout", file)
        return None, skipped
    if not out.strip():
        skipped.add("render failed", file)
        return None, skipped
    return decode_text(_col_bx(out), skipped, file), skipped


class ManPagesIndexer:
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

    def __init__(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        sections: Iterable[str] | None = None,
        skip_headings: Iterable[str] | None = None,
        max_prose_chars: int = 800,
        workers: int | None = None,
        timeout: float = 30.0,
        progress: Callable[[int], object] | None = None,
    ):
        expanded: list[str | os.PathLike] = []
        for p in [paths] if isinstance(paths, str | os.PathLike) else paths:
            if isinstance(p, str) and p == MANPATH:
                found = _machine_manpath()
                if not found:
                    raise BadInput("no man path on this machine: give the folders to index")
                expanded.extend(found)
            else:
                expanded.append(p)
        self.paths = existing_paths(expanded)
        self.max_file_bytes = max_file_bytes
        self.sections = None if sections is None else tuple(_strings(sections, "sections"))
        self.skip_headings = frozenset(
            DEFAULT_SKIP_HEADINGS if skip_headings is None else _strings(skip_headings, "skip_headings")
        )
        for opt, value in (("max_prose_chars", max_prose_chars), ("timeout", timeout), ("workers", workers)):
            if value is not None and not _positive(value):
                raise BadInput(f"manpages option {opt} must be a positive number, not {value!r}")
        if progress is not None and not callable(progress):
            raise BadInput("manpages option progress must be a callable taking a count")
        self.max_prose_chars = int(max_prose_chars)
        # man's pipeline (preconv, tbl, groff, grotty) waits on itself: two pages per core
        # render about twice as fast as one.
        self.workers = int(workers or min(32, 2 * (os.cpu_count() or 1)))
        self.timeout = float(timeout)
        self.progress = progress
        self.skipped = Skips()
        if any(_is_roff_root(p) or _is_roff_file(p) for p in self.paths) and shutil.which("man") is None:
            raise BadInput("rendering roff man pages needs the `man` command (man-db); install it")

    @property
    def roots(self) -> list[str]:
        return [str(p.resolve()) for p in self.paths]

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

    # -- pages -----------------------------------------------------------------------------

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
                if m is None or not self._wanted(m["section"]):
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
