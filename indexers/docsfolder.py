"""Docs-folder indexer: Markdown, reStructuredText and HTML (a Sphinx or MkDocs build) split into
one Document per section, and every code block into an ``example`` Document linked to its section.

A section's title is its heading path ("Install > From source"); an example's text is its
section's heading, the sentence(s) just before the block (its description) and the code.
"""

from __future__ import annotations

import os
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from docprompt.errors import BadInput
from docprompt.models import Document

from ._fs import (
    DEFAULT_MAX_FILE_BYTES,
    Excluder,
    Skips,
    chosen_extensions,
    decode_text,
    existing_paths,
    read_bytes,
    walk,
)

FORMATS = {
    ".md": "markdown", ".markdown": "markdown", ".mdx": "markdown",
    ".rst": "rst", ".rest": "rst", ".html": "html", ".htm": "html",
}  # fmt: skip
#: Left out unless ``exclude`` says otherwise: a Sphinx/MkDocs build's assets, copies of the
#: sources and generated index pages, and vendored trees. A pattern matches a folder or file name,
#: or the whole relative path when it holds a "/".
DEFAULT_EXCLUDE = (
    "_static", "_sources", "_images", "_downloads", "_modules", "genindex.html", "search.html",
    "py-modindex.html", "404.html", "node_modules", "site-packages",
)  # fmt: skip
LANGUAGE_ALIASES = {
    "py": "python", "py3": "python", "python3": "python", "pycon": "python", "ipython": "python",
    "ipython3": "python", "default": "python", "python-console": "python", "pyi": "python",
    "sh": "bash", "shell": "bash", "console": "bash", "shell-session": "bash", "shellsession": "bash",
    "bash-session": "bash", "zsh": "bash", "terminal": "bash", "ps1con": "powershell",
    "js": "javascript", "mjs": "javascript", "cjs": "javascript", "ts": "typescript", "yml": "yaml",
    "c++": "cpp", "rs": "rust",
    "txt": "text", "plain": "text", "plaintext": "text", "none": "text", "nohighlight": "text",
}  # fmt: skip
#: Blocks tagged with these hold no code to imitate (output, diagrams, formulas).
NOT_CODE = {"text", "output", "mermaid", "math", "latex", "pytb", "ascii", "graphviz", "dot"}
DESCRIPTION_CHARS = 300
#: A section with one of these titles is a list of links: it yields nothing and nests nothing.
TOC_TITLES = {"table of contents", "contents", "on this page", "in this article", "toc"}

_SHELL_START = re.compile(
    r"(\$ |sudo |pip3? |python3? -m |conda |apt(-get)? |brew |cd |ls |git |curl |wget |export |docker "
    r"|npm |make |mkdir |echo |cat |grep |tar |chmod |ssh |uv |pipx )"
)
_PYTHON_START = re.compile(r"(import \w|from [\w.]+ import |def \w|class \w|print\(|async def |@\w)")


def normalize_language(tag: str) -> str:
    tag = tag.strip().lower().lstrip(".")
    return LANGUAGE_ALIASES.get(tag, tag)


def guess_language(code: str, default: str = "text") -> str:
    """A language for an untagged block, from its prompts and first line."""
    lines = [line.strip() for line in code.splitlines()[:20] if line.strip()]
    if not lines:
        return default
    if any(line.startswith(">>> ") or line == ">>>" for line in lines[:5]):
        return "python"
    first = lines[0]
    if first.startswith("#!"):
        return "python" if "python" in first else "bash" if "sh" in first else default
    if _SHELL_START.match(first):
        return "bash"
    if _PYTHON_START.match(first):
        return "python"
    return default


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def describe(prose: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The last sentence(s) of ``prose`` that fit in ``limit`` characters."""
    prose = " ".join(prose.split())
    if len(prose) <= limit:
        return prose
    out = ""
    for sentence in reversed(_SENTENCE_END.split(prose)):
        longer = f"{sentence} {out}" if out else sentence
        if len(longer) > limit:
            break
        out = longer
    return out or prose[: limit - 1].rstrip() + "…"


def slugify(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
    return slug or "section"


def rst_id(text: str) -> str:
    """Docutils' section id: ASCII letters and digits joined by hyphens, starting with a letter."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"^[^a-z]+", "", re.sub(r"[^a-z0-9]+", "-", ascii_text)).strip("-")
    return slug or "section"


# Bounded repetitions keep these linear on a multi-megabyte single line.
_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\](?:\([^)\n]{0,500}\)|\[[^\]\n]{0,100}\])")
_MD_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,300}>|<!--.{0,500}?-->")
_MD_ATTRS = re.compile(r"\s*\{#([\w.:-]{1,100})[^}\n]{0,100}\}\s*$")


def md_inline(text: str) -> str:
    """Markdown inline markup dropped: links keep their text, no images, tags or emphasis marks."""
    text = _MD_TAG.sub("", _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text)))
    return text.replace("**", "").replace("`", "")


_RST_ROLE = re.compile(r":[\w:+.-]{1,40}:`([^`<\n]{0,300}?)\s*(?:<[^`>\n]{0,300}>)?`")
_RST_LINK = re.compile(r"`([^`<\n]{1,300}?)\s*<[^`>\n]{0,500}>`__?")
_RST_REF = re.compile(r"`([^`\n]{1,300})`_{1,2}")


def rst_inline(text: str) -> str:
    text = _RST_REF.sub(r"\1", _RST_LINK.sub(r"\1", _RST_ROLE.sub(r"\1", text)))
    return text.replace("**", "").replace("``", "").replace("`", "")


# ------------------------------------------------------------------------- sections of a file


@dataclass
class _Example:
    code: str
    language: str
    description: str


@dataclass
class _Section:
    level: int  # 0: the text before the first heading
    heading: str
    anchor: str
    path: tuple[str, ...]
    body: list[str] = field(default_factory=list)
    examples: list[_Example] = field(default_factory=list)
    prose: str = ""  # the last prose paragraph: what describes the next code block
    toc: bool = False


class _Outline:
    """The sections of one file, filled in by a format's parser."""

    def __init__(self, max_level: int):
        self.max_level = max_level
        self.sections = [_Section(0, "", "", ())]
        self._stack: list[tuple[int, str]] = []
        self._anchors: set[str] = set()

    @property
    def current(self) -> _Section:
        return self.sections[-1]

    def heading(self, level: int, text: str, anchor: str = "") -> bool:
        """Start a section; False when ``level`` is too deep to split on (the caller keeps it as text)."""
        text = " ".join(text.split())
        if not text or level > self.max_level:
            return False
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        if text.lower().rstrip(":") in TOC_TITLES:
            self.sections.append(_Section(level, text, "", (), toc=True))
            return True
        self._stack.append((level, text))
        anchor, n = anchor or slugify(text), 0
        unique = anchor
        while unique in self._anchors:
            n += 1
            unique = f"{anchor}-{n}"
        self._anchors.add(unique)
        self.sections.append(_Section(level, text, unique, tuple(h for _, h in self._stack)))
        return True

    def text(self, raw: str, prose: str | None = None, *, item: bool = False) -> None:
        body = self.current.body
        if item and body and body[-1].startswith("- "):
            body[-1] += "\n" + raw  # list items stay one block
        elif raw.strip():
            body.append(raw)
        if prose and prose.strip():
            self.current.prose = prose

    def code(
        self, code: str, language: str, raw: str, *, example: bool = True, description: str = ""
    ) -> None:
        self.current.body.append(raw)
        code = code.strip("\n").rstrip()
        if example and code.strip():
            desc = describe(description or self.current.prose)
            self.current.examples.append(_Example(code, language, desc))

    def first_heading(self, level: int = 1) -> str:
        return next((s.heading for s in self.sections if s.level == level and not s.toc), "")


# ------------------------------------------------------------------------------- Markdown

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LISTY = re.compile(r"^\s*([-*+>|]|\d+[.)])(\s|$)")
_MYST_CODE = {"code-cell", "code-block", "code", "sourcecode"}


def _front_matter(lines: list[str]) -> tuple[str, int]:
    """(title, first line after the YAML/TOML front matter)."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return "", 0
    end_marks = ("---", "...") if lines[0].strip() == "---" else ("+++",)
    for j in range(1, min(len(lines), 200)):
        if lines[j].strip() in end_marks:
            title = ""
            for line in lines[1:j]:
                m = re.match(r"title\s*[:=]\s*(.+)", line)
                if m:
                    title = m[1].strip().strip("'\"")
                    break
            return title, j + 1
    return "", 0


def _fence_kind(info: str, code: str) -> tuple[str, str]:
    """(language, kind) of a fenced block; kind is "code", "data" (not code) or "prose" (a MyST directive)."""
    words = info.replace(",", " ").split()
    if not words:
        return guess_language(code), "code"
    tag = words[0]
    if tag.startswith("{") and not tag.startswith("{."):
        if tag.strip("{}").lower() not in _MYST_CODE:
            return "", "prose"  # {note}, {toctree}, {eval-rst}: not a code block
        if len(words) < 2:
            return guess_language(code), "code"
        tag = words[1]
    language = normalize_language(tag.strip("{}"))
    return language, "data" if language in NOT_CODE else "code"


def _md_heading(text: str) -> tuple[str, str]:
    """(heading text, explicit anchor from a trailing ``{#id}``)."""
    stripped = text.strip()
    bare = stripped.rstrip("#")
    if bare != stripped and (not bare or bare[-1] in " \t"):
        stripped = bare.strip()  # closing hashes: "## Title ##"
    anchor = ""
    m = _MD_ATTRS.search(stripped[-250:]) if stripped.endswith("}") else None
    if m:
        anchor, stripped = m[1], stripped[: len(stripped) - len(m[0])]
    return " ".join(md_inline(stripped).split()), anchor


def parse_markdown(text: str, outline: _Outline) -> str:
    """Fill ``outline`` from Markdown; returns the front matter's title, if any."""
    lines = text.splitlines()
    title, i = _front_matter(lines)
    para: list[str] = []

    def flush() -> None:
        if para:
            raw = "\n".join(para)
            outline.text(raw, md_inline(raw))
            para.clear()

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence and not (fence[2][0] == "`" and "`" in fence[3]):
            flush()
            indent, mark, body = len(fence[1]), fence[2], []
            j = i + 1
            while j < len(lines):
                close = lines[j].strip()
                if close.startswith(mark) and not close.strip(mark[0]):
                    break
                row = lines[j]
                body.append(row[min(indent, len(row) - len(row.lstrip())) :])
                j += 1
            code = "\n".join(body)
            raw = "\n".join(lines[i : j + 1])
            language, kind = _fence_kind(fence[3].strip(), code)
            if kind == "prose":
                outline.text(raw, md_inline(code))
            else:
                outline.code(code, language, raw, example=kind == "code")
            i = j + 1
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            heading, anchor = _md_heading(line[atx.end() :])
            if not outline.heading(len(atx[1]), heading, anchor):
                outline.text(line, heading)
        elif para and _SETEXT.match(line) and len(para) <= 2 and not _LISTY.match(para[0]):
            heading = " ".join(md_inline(" ".join(para)).split())
            para.clear()
            if not outline.heading(1 if "=" in line else 2, heading):
                outline.text(heading, heading)
        elif not line.strip():
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return title


# ------------------------------------------------------------------------ reStructuredText

_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1+\s*$")
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:+-]+)::(?:\s+(.*))?$")
_EXPLICIT = re.compile(r"^(\s*)\.\.(\s|$)")
_FOOTNOTE = re.compile(r"^\s*\.\.\s+\[[^\]]+\]\s")
_OPTION = re.compile(r"^\s+:[\w-]+:")
_RST_CODE = {
    "code-block": "", "code": "", "sourcecode": "", "doctest": "python", "testcode": "python",
    "ipython": "python", "jupyter-execute": "python", "prompt": "bash",
}  # fmt: skip
_RST_DROP = {
    "toctree", "index", "meta", "contents", "raw", "include", "literalinclude", "image", "figure",
    "currentmodule", "module", "sectionauthor", "moduleauthor", "tabularcolumns", "highlight",
}  # fmt: skip


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_adornment(line: str) -> bool:
    s = line.strip()
    return bool(_ADORNMENT.match(line)) and s not in ("::", "..") and len(s) >= 2


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The end of the block of lines from ``start`` indented more than ``indent`` (or blank)."""
    j = start
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
        j += 1
    while j > start and not lines[j - 1].strip():
        j -= 1
    return j


def parse_rst(text: str, outline: _Outline) -> None:
    lines = text.splitlines()
    styles: list[tuple[str, bool]] = []
    highlight = "python"  # Sphinx's default
    para: list[str] = []

    def flush() -> None:
        if not para:
            return
        raw = "\n".join(para)
        para.clear()
        if raw.lstrip().startswith(">>>"):  # a doctest block
            outline.code(textwrap.dedent(raw), "python", raw)
            return
        prose = rst_inline(raw.strip())
        if prose.endswith("::"):
            prose = prose[:-2].rstrip() if prose[:-2].endswith((" ", "\n")) or prose == "::" else prose[:-1]
        outline.text(raw, prose)

    def heading(title: str, style: tuple[str, bool]) -> None:
        if style not in styles:
            styles.append(style)
        clean = rst_inline(title)
        if not outline.heading(styles.index(style) + 1, clean, rst_id(clean)):
            outline.text(title, clean)

    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        below = lines[i + 2] if i + 2 < len(lines) else ""
        over = not para and _is_adornment(line) and nxt.strip() != "" and not _is_adornment(nxt)
        if over and _is_adornment(below) and below.strip()[0] == s[0]:
            heading(nxt.strip(), (s[0], True))
            i += 3
            continue
        if not para and s and not line[0].isspace() and _is_adornment(nxt) and not _is_adornment(line):
            under = nxt.strip()
            if len(under) >= len(s) or len(under) >= 4:
                heading(s, (under[0], False))
                i += 2
                continue
        directive = _DIRECTIVE.match(line)
        if directive:
            flush()
            indent, name = len(directive[1]), directive[2].lower()
            arg = (directive[3] or "").strip()
            end = _block_end(lines, i + 1, indent)
            if name in _RST_CODE:
                body, caption = lines[i + 1 : end], ""
                while body and _OPTION.match(body[0]):
                    m = re.match(r"\s*:caption:\s*(.*)", body[0])
                    caption = m[1] if m else caption
                    body = body[1:]
                code = textwrap.dedent("\n".join(body))
                language = normalize_language(arg.split()[0]) if arg else _RST_CODE[name] or highlight
                raw = "\n".join(lines[i:end])
                outline.code(code, language, raw, example=language not in NOT_CODE, description=caption)
                i = end
            elif name in _RST_DROP:
                if name == "highlight" and arg:
                    highlight = normalize_language(arg.split()[0])
                i = end
            else:  # an admonition or container: its indented body is read as text below
                outline.text(line)
                i += 1
            continue
        if _EXPLICIT.match(line) and not _FOOTNOTE.match(line):  # a comment, target or substitution
            flush()
            i = _block_end(lines, i + 1, _indent(line))
            continue
        if s:
            para.append(line)
            i += 1
            continue
        # A blank line: a paragraph ending in "::" introduces an indented literal block.
        literal = bool(para) and para[-1].rstrip().endswith("::")
        base = _indent(para[0]) if para else 0
        flush()
        i += 1
        if literal:
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i < len(lines) and _indent(lines[i]) > base:
                end = _block_end(lines, i, base)
                code = textwrap.dedent("\n".join(lines[i:end]))
                outline.code(code, guess_language(code, highlight), "\n".join(lines[i:end]))
                i = end
    flush()


# ------------------------------------------------------------------------------------ HTML

_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
    "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip
_DROP_TAGS = (
    "nav", "script", "style", "noscript", "footer", "aside", "form", "button", "svg", "iframe",
    "template", "select", "textarea", "canvas", "object", "embed", "head",
)  # fmt: skip
_DROP_CLASSES = (
    "headerlink", "sphinxsidebar", "related", "linenos", "toctree-wrapper", "breadcrumbs",
    "wy-breadcrumbs", "rst-footer-buttons", "prev-next-area", "md-footer", "md-sidebar", "copybtn",
    "toc", "contents",
)  # fmt: skip
_DROP_CLASS_SET = set(_DROP_CLASSES)
_MAIN_ORDER = ("role=main", "main", "article", "body-class", "body")  # the first found is the content
_LANG_CLASS = re.compile(r"(?:^|\s)(?:highlight|language|lang)-([\w+#.-]+)")


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _html_anchor(h: etree._Element) -> str:
    if h.get("id"):
        return str(h.get("id"))
    parent = h.getparent()
    if parent is not None and parent.get("id") and next(parent.iterchildren("*"), None) is h:
        return str(parent.get("id"))  # <section id="install"><h2>Install</h2>
    for a in h.iter("a"):
        if a.get("id") or a.get("name"):
            return str(a.get("id") or a.get("name"))
    return ""


def _pre_language(pre: etree._Element) -> str:
    """The language a <pre> is marked with (Sphinx, Pygments, Markdown renderers, pandoc), or ""."""
    candidates = [pre, *pre.iterchildren("code"), *list(pre.iterancestors())[:6]]
    for el in candidates:
        if el.get("data-language"):
            return normalize_language(str(el.get("data-language")))
        cls = str(el.get("class") or "")
        m = _LANG_CLASS.search(cls)
        if m:
            return normalize_language(m[1])
        words = cls.split()
        if "sourceCode" in words and len(words) > 1:
            return normalize_language(next(w for w in words if w != "sourceCode"))
    return ""


class _HtmlReader:
    def __init__(self, outline: _Outline):
        self.outline = outline

    def blocks(self, el: etree._Element, lead: str = "") -> None:
        """The text of ``el``: runs of inline content are paragraphs, block children are read in turn.
        ``lead`` ("- " for a list item) marks the first paragraph."""
        run = [el.text or ""]
        lead = "- " if el.tag == "li" else lead
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                if tag in _INLINE and child.find(".//pre") is None:
                    run.append("".join(child.itertext()))
                else:
                    lead = self._flush(run, lead)
                    self.block(child, lead)
                    lead = ""
            run.append(child.tail or "")
        self._flush(run, lead)

    def _flush(self, run: list[str], lead: str) -> str:
        text = " ".join("".join(run).split())
        run.clear()
        if not text:
            return lead
        self.outline.text(lead + text, text, item=bool(lead))
        return ""

    def block(self, el: etree._Element, lead: str = "") -> None:
        tag = el.tag
        if tag in _HEADINGS:
            text = _text(el)
            if not self.outline.heading(int(tag[1]), text, _html_anchor(el)):
                self.outline.text(text, text)
        elif tag == "pre":
            code = textwrap.dedent("".join(el.itertext()).strip("\n")).rstrip()
            marked = _pre_language(el)
            language = marked or guess_language(code)
            raw = f"```{language}\n{code}\n```"
            self.outline.code(code, language, raw, example=marked not in NOT_CODE)
        elif tag == "tr" and el.find(".//pre") is None:  # (Sphinx puts code with line numbers in a table)
            row = " | ".join(t for t in (_text(c) for c in el if c.tag in ("td", "th")) if t)
            self.outline.text(row)
        else:
            self.blocks(el, lead)


def parse_html(data: bytes, outline: _Outline) -> str | None:
    """Fill ``outline`` from an HTML page's main content; returns the page's <title>, or None
    when the page cannot be parsed at all. Broken or truncated markup is read as far as it goes."""
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.LxmlError, ValueError):
        return None
    if root is None:
        return None
    title_el = root.find(".//title")
    title = _text(title_el).split(" — ")[0].split(" | ")[0] if title_el is not None else ""
    drop: list[etree._Element] = []
    found: dict[str, etree._Element] = {}
    for el in root.iter("*"):  # one pass: an XPath per class name is slow on large pages
        tag = el.tag
        classes = set(str(el.get("class") or "").split())
        role, el_id = el.get("role"), str(el.get("id") or "")
        toc = el_id == "toc" or "table_of_contents" in el_id
        if tag in _DROP_TAGS or classes & _DROP_CLASS_SET or role in ("navigation", "search") or toc:
            drop.append(el)
        elif tag == "br":
            el.tail = "\n" + (el.tail or "")
        for key, hit in (
            ("role=main", role == "main"),
            ("main", tag == "main"),
            ("article", tag == "article"),
            ("body-class", "body" in classes),
            ("body", tag == "body"),
        ):
            if hit:
                found.setdefault(key, el)
    for el in drop:
        parent = el.getparent()
        if parent is not None:
            tail, prev = el.tail, el.getprevious()
            if tail and prev is not None:
                prev.tail = (prev.tail or "") + tail
            elif tail:
                parent.text = (parent.text or "") + tail
            parent.remove(el)
    main = next((found[key] for key in _MAIN_ORDER if key in found), root)
    _HtmlReader(outline).blocks(main)
    return title


# ------------------------------------------------------------------------------- the indexer


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class DocsFolderIndexer:
    """Yields one Document per section of the Markdown, reStructuredText and HTML files under the
    given paths, and one ``example`` Document per code block.

    Sections split at headings down to ``max_level`` (deeper ones stay in their parent); a heading
    without text of its own yields nothing. Ids are ``<root name>/<path>#<anchor>`` (GitHub's slug
    for Markdown, docutils' id for RST, the page's own id for HTML; the text before the first
    heading has no fragment) and ``<root name>/<path>#ex<N>`` for the N-th code block of a file.
    Example metadata links the section: ``section_id``, ``heading``, ``description``.

    Options: ``extensions`` (default: .md .markdown .mdx .rst .rest .html .htm), ``exclude``
    (glob patterns for names or relative paths; default leaves out a docs build's ``_static``,
    ``_sources``, ``genindex.html``, ...), ``examples`` (yield code blocks as examples) and
    ``max_level``. Unreadable, binary, non-UTF-8, empty, oversized and unparsable files are
    skipped and counted in ``skipped``; symlinks that lead outside a root are not followed.
    """

    name = "docs"

    def __init__(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        extensions: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        examples: bool = True,
        max_level: int = 4,
    ):
        self.paths = existing_paths(paths)
        exts = chosen_extensions("docs", extensions, FORMATS)
        if not 1 <= int(max_level) <= 6:
            raise BadInput(f"max_level must be between 1 and 6, got {max_level}")
        self.extensions = exts
        self._excluded = Excluder(exclude, DEFAULT_EXCLUDE)
        self.exclude = self._excluded.patterns
        self.examples = bool(examples)
        self.max_level = int(max_level)
        self.max_file_bytes = max_file_bytes
        self.skipped = Skips()

    @property
    def roots(self) -> list[str]:
        return [str(p.resolve()) for p in self.paths]

    def iter_documents(self) -> Iterator[Document]:
        for root, file in walk(self.paths, self.extensions, self.skipped):
            rel = file.relative_to(root).as_posix()
            if self._excluded(rel):
                continue
            data = read_bytes(root, file, self.skipped, self.max_file_bytes)
            text = decode_text(data, self.skipped, file) if data is not None else None
            if data is None or text is None:
                continue
            fmt = FORMATS[file.suffix.lower()]
            outline = _Outline(self.max_level)
            title: str | None = ""
            try:
                if fmt == "markdown":
                    title = parse_markdown(text.lstrip("\ufeff"), outline)
                elif fmt == "rst":
                    parse_rst(text.lstrip("\ufeff"), outline)
                else:
                    title = parse_html(data, outline)
            except RecursionError:
                title = None
            if title is None:
                self.skipped.add("unparsable HTML", file)
                continue
            docs = list(self._documents(outline, root, file, rel, fmt, title))
            if not docs:
                self.skipped.add("no text", file)
            yield from docs

    def _documents(
        self, outline: _Outline, root: Path, file: Path, rel: str, fmt: str, explicit_title: str
    ) -> Iterator[Document]:
        file_id = f"{root.name}/{rel}"
        has_h1 = any(sec.level == 1 and not sec.toc for sec in outline.sections)
        if explicit_title and fmt != "html":  # front matter
            file_title = explicit_title
        elif has_h1:
            file_title = outline.first_heading()
        else:
            file_title = explicit_title or file.stem
        # Without an h1, "Usage" alone would not say which page: the page's title leads the path.
        lead_title = () if has_h1 else (file_title,)
        uri = file.as_uri()
        n = 0
        for sec in outline.sections:
            body = _tidy("\n\n".join(sec.body))
            if not body or sec.toc:
                continue
            doc_id = f"{file_id}#{sec.anchor}" if sec.anchor else file_id
            title = " > ".join(lead_title + sec.path) if sec.path else file_title
            heading = sec.heading or file_title
            sec_uri = f"{uri}#{sec.anchor}" if sec.anchor else uri
            metadata = {
                "path": rel,
                "page": file_id,
                "format": fmt,
                "heading": heading,
                "headings": list(sec.path) or [file_title],
                "anchor": sec.anchor,
            }
            text = f"{sec.heading}\n\n{body}" if sec.heading else body
            language = "rst" if fmt == "rst" else "markdown"
            yield Document(
                id=doc_id,
                text=text,
                source=str(file),
                kind="doc",
                language=language,
                title=title,
                uri=sec_uri,
                metadata=metadata,
            )
            if not self.examples:
                continue
            for ex in sec.examples:
                n += 1
                lead = "\n".join(p for p in (heading, ex.description) if p)
                ex_text = f"{lead}\n\n{ex.code}"
                yield Document(
                    id=f"{file_id}#ex{n}",
                    text=ex_text,
                    source=str(file),
                    kind="example",
                    language=ex.language,
                    title=title,
                    uri=sec_uri,
                    metadata={**metadata, "section_id": doc_id, "description": ex.description, "example": n},
                    paragraphs=[ex_text],
                )
