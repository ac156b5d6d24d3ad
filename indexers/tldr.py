"""A tldr pages indexer: each page's description as a ``doc``, each example as an ``example``.

Input is a tldr-pages checkout (its ``pages/`` folder is read), a ``pages/`` folder
(``pages/<platform>/*.md``), one platform folder, or single ``.md`` pages; a release archive
(``tldr.zip``, a ``.tar.gz``) given as a file or an http(s) URL, unpacked once under
``$DOCPROMPT_HOME/corpora``; or the literal path ``TLDR``: the pages a tldr client (or
``docprompt corpora fetch tldr``) left on this machine (see :mod:`docprompt.tldrpages`). A page yields

- ``tldr/<platform>/<command>``: ``"<title> — <description lines>"`` with the
  "More information: <url>" line (the url also becomes the Document's ``uri``);
- ``tldr/<platform>/<command>#ex<N>`` (N from 1): ``"<description>:\\n<command line>"``.

``command`` is the page's file name without ``.md`` (``git-commit``, as tldr datasets name
commands); the title line (``git commit``) is the Document title. The same command on
several platforms is kept once per platform. Every Document carries ``page`` metadata so
that two-stage retrieval sees a page and its examples as one page.

Both syntaxes are read: the 2021 one (``{{path/to/file}}`` placeholders, kept as written)
and today's, where an option placeholder ``{{[-o|--output]}}`` is shown as ``-o|--output``
and mnemonics in descriptions (``E[x]tract``, ``[c]reate``) lose their brackets. The
older setext title (``tar`` underlined with ``===``) and four-space indented commands are
read too.

An example's ``flags`` metadata holds the options its command line uses, for the segment(s)
of a pipeline that run the page's command (else the first segment): every token starting
with ``-`` as written (``--directory=X`` gives ``--directory``), both sides of an option
placeholder, and, where the description's mnemonics name every letter of a bundle, the
single-letter flags too: ``- E[x]tract a g[z]ipped [f]ile: `tar xzf a`` (or ``tar -xzf a``)
gives ``-x -z -f`` (and ``-xzf`` for the dashed form). Plain placeholders are not read for
flags.

Unreadable, non-UTF-8, empty, oversized and non-tldr files are skipped and counted in
``skipped``, as are excluded commands and platforms; symlinks out of a root are not followed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import field_validator

from docprompt.codetokens import unmnemonic
from docprompt.models import Document

from ._base import FileTreeIndexer, IndexerOptions
from ._fs import read_text, walk

PLATFORMS = frozenset(
    [
        "android",
        "cisco-ios",
        "common",
        "dos",
        "freebsd",
        "linux",
        "netbsd",
        "openbsd",
        "osx",
        "sunos",
        "windows",
    ]
)

# The mnemonics docprompt.codetokens.unmnemonic strips, read here for the letters they mark.
_MNEMONIC = re.compile(r"(?<=[A-Za-z])\[([A-Za-z])\]|\[([A-Za-z])\](?=[A-Za-z])")
_FLAG = re.compile(r"--?[A-Za-z0-9?@#][\w.+@#-]*")
_URL = re.compile(r"More information:\s*<?(\S+?)>?\.?\s*$", re.IGNORECASE)
_SETEXT = re.compile(r"^=+\s*$")


@dataclass
class Example:
    description: str  # as written, mnemonics and all
    command: str  # as written, placeholders and all


@dataclass
class Page:
    title: str = ""
    description: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)


def parse_page(text: str) -> Page:
    """The title, description lines and examples of a tldr page (either syntax)."""
    page = Page()
    lines = text.lstrip("\ufeff").splitlines()
    pending: str | None = None
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue
        if not page.title and line.startswith("# "):
            page.title = stripped[2:].strip()
        elif not page.title and i + 1 < len(lines) and _SETEXT.match(lines[i + 1].strip()):
            page.title = stripped
        elif _SETEXT.match(stripped):
            continue
        elif stripped.startswith(">"):
            page.description.append(stripped[1:].strip())
        elif stripped.startswith("- "):
            pending = stripped[2:].strip()
        elif (stripped.startswith("`") and stripped.endswith("`") and len(stripped) > 1) or (
            line.startswith("    ") and pending is not None
        ):
            command = stripped[1:-1].strip() if stripped.startswith("`") else stripped
            if command:
                page.examples.append(Example(pending or "", command))
            pending = None
    return page


def render_command(command: str) -> str:
    """The command as shown: ``{{[-o|--output]}}`` -> ``-o|--output``; other placeholders kept."""
    from docprompt.shell import OPTION_PLACEHOLDER

    return OPTION_PLACEHOLDER.sub(lambda m: m.group(1).strip(), command)


def mnemonic_letters(description: str) -> set[str]:
    return {a or b for a, b in _MNEMONIC.findall(description)}


def command_flags(command: str, names: Iterable[str] = (), mnemonics: Iterable[str] = ()) -> list[str]:
    """The options ``command`` (tldr syntax) uses, in order, without duplicates (see the module doc).

    Read with the shell model: the simple commands that run one of ``names`` (wrappers such as
    sudo taken off), else the first one. A bundle (``-xzf``, ``tar xzf``) is split when every
    letter is a mnemonic the description marks (``e[x]tract``).
    """
    from docprompt.shell import OPTION_PLACEHOLDER, parse

    names, letters = set(names), set(mnemonics)
    cmds = [c for c in parse(command) if c.argv and not c.argv[0].startswith("{{")]
    picked = [c for c in cmds if c.name in names] or cmds[:1]
    out: list[str] = []

    def add(flag: str | None) -> None:
        if flag and flag not in out:
            out.append(flag)

    def add_bundle(body: str) -> None:
        if len(body) > 1 and body.isalpha() and letters and set(body) <= letters:
            for c in body:
                add(f"-{c}")

    for cmd in picked:
        for j, word in enumerate(cmd.argv[1:], start=1):
            m = OPTION_PLACEHOLDER.fullmatch(word)
            if m:
                for alt in m.group(1).replace("|", " ").split():
                    add(_flag(alt) if alt.startswith("-") else None)
            elif word.startswith("-"):
                flag = _flag(word)
                add(flag)
                if flag and not flag.startswith("--"):
                    add_bundle(flag[1:])
            elif j == 1 and re.fullmatch(r"[A-Za-z]{2,}", word):
                add_bundle(word)  # tar xzf
    return out


def _flag(token: str) -> str | None:
    m = _FLAG.match(token.strip("'\"()"))
    return m.group(0).split("=", 1)[0] if m else None


def _platform(file: Path) -> str:
    parent = file.parent
    if parent.parent.name == "pages" or parent.parent.name.startswith("pages.") or parent.name in PLATFORMS:
        return parent.name
    return "common"


def _names(values: Any) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise ValueError("takes a list of names")
    return sorted({str(v).strip() for v in values} - {""})


class TldrOptions(IndexerOptions):
    exclude_commands: list[str] = []
    platforms: list[str] | None = None

    @field_validator("exclude_commands", "platforms", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> list[str] | None:
        return _names(value)


class TldrIndexer(FileTreeIndexer):
    """Yields a ``doc`` per tldr page and an ``example`` per example (see the module doc)."""

    name = "tldr"
    Options = TldrOptions
    options: TldrOptions

    def __init__(self, paths: Iterable[str | os.PathLike] | str | os.PathLike, **options: Any):
        super().__init__(paths, **options)
        self.exclude_commands = set(self.options.exclude_commands or ())
        self.platforms = None if self.options.platforms is None else set(self.options.platforms)
        self.pages = 0
        self.examples = 0

    def resolve_paths(self, items: list[str | os.PathLike]) -> list[Path]:
        """``TLDR``, archives and URLs as pages folders; the rest as given."""
        from docprompt import tldrpages

        def one(item: str | os.PathLike) -> str | os.PathLike:
            text = str(item)
            if text == tldrpages.FOUND or tldrpages.is_url(text) or tldrpages.is_archive(text):
                return tldrpages.resolve(text)
            return item

        return super().resolve_paths([one(p) for p in items])

    def _inputs(self) -> list[Path]:
        """A checkout's ``pages/`` folder instead of the checkout (its README is no page)."""
        return [p / "pages" if p.is_dir() and (p / "pages").is_dir() else p for p in self.paths]

    def iter_documents(self) -> Iterator[Document]:
        seen: set[str] = set()
        for root, file in walk(self._inputs(), {".md"}, self.skipped):
            command, platform = file.stem, _platform(file)
            if self.platforms is not None and platform not in self.platforms:
                self.skipped.add("other platform", file)
                continue
            if command in self.exclude_commands:
                self.skipped.add("excluded command", file)
                continue
            page_id = f"tldr/{platform}/{command}"
            if page_id in seen:
                self.skipped.add("duplicate page", file)
                continue
            text = read_text(root, file, self.skipped, self.max_file_bytes)
            if text is None:
                continue
            page = parse_page(text)
            if not page.title or not (page.description or page.examples):
                self.skipped.add("not a tldr page", file)
                continue
            # A left-out command's subcommand pages ("tlmgr remove", file tlmgr-remove.md) go too.
            first = page.title.split()[0]
            if page.title.replace(" ", "-") in self.exclude_commands or first in self.exclude_commands:
                self.skipped.add("excluded command", file)
                continue
            seen.add(page_id)
            self.pages += 1
            yield from self._documents(page, page_id, command, platform, file)

    def _documents(self, page: Page, page_id: str, command: str, platform: str, file: Path):
        description = [unmnemonic(line) for line in page.description]
        url = ""
        for i, line in enumerate(description):
            m = _URL.search(line)
            if m:
                url = m.group(1)
                description[i] = f"{line[: m.start()]}More information: {url}."
        common = {
            "source": str(file),
            "language": "bash",
            "title": page.title,
            "uri": url or file.as_uri(),
        }
        meta = {"command": command, "platform": platform, "page": page_id}
        head = f"{page.title} — {description[0]}" if description else page.title
        text = "\n".join([head, *description[1:]])
        yield Document(
            id=page_id,
            text=text,
            kind="doc",
            metadata={**meta, **({"url": url} if url else {}), "examples": len(page.examples)},
            paragraphs=[text],
            **common,
        )
        from docprompt.cards import command_card

        summary_line = " ".join(d for d in description if not d.startswith("More information:"))
        things = [unmnemonic(ex.description).rstrip(" .:") for ex in page.examples]
        things = [t[:1].upper() + t[1:] for t in things]
        yield Document(
            id=f"{page_id}#card", text=command_card(page.title, summary_line, things), kind="card",
            metadata={**meta, "heading": "CARD"}, paragraphs=None, **common,
        )  # fmt: skip
        names = {command, page.title.split()[0]}
        # An example's title carries the page's summary: "Extract an archive" alone does not say
        # that tar is "often combined with ... gzip", and retrieval needs that context.
        summary = " ".join(d for d in description if not d.startswith("More information:"))
        ex_title = f"{page.title} — {summary}" if summary else page.title
        ex_title = ex_title if len(ex_title) <= 160 else ex_title[:157].rstrip() + "…"
        for n, ex in enumerate(page.examples, 1):
            self.examples += 1
            shown = render_command(ex.command)
            what = unmnemonic(ex.description).rstrip()
            what = what[:1].upper() + what[1:]
            text = f"{what}\n{shown}" if what else shown
            flags = command_flags(ex.command, names, mnemonic_letters(ex.description))
            yield Document(
                id=f"{page_id}#ex{n}",
                text=text,
                kind="example",
                metadata={**meta, "flags": flags, "cmd": shown},
                paragraphs=[text],
                **{**common, "title": ex_title},
            )
