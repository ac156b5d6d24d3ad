"""Docs-folder indexer: Markdown, reStructuredText and HTML (a Sphinx or MkDocs build) split into
one Document per section, and every code block into an ``example`` Document linked to its section.

A section's title is its heading path ("Install > From source"); an example's text is its
section's heading, the sentence(s) just before the block (its description) and the code.
Markdown is read with markdown-it-py, reStructuredText with docutils (see ``_markdown`` and ``_rst``), HTML
with lxml (here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from lxml import etree
from pydantic import Field

from docprompt.models import Document

from . import _html
from ._base import FormatOptions, FormatTreeIndexer
from ._fs import decode_text, read_bytes
from ._outline import NOT_CODE, Outline, guess_language, normalize_language

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
_FORMAT_NAMES = {"markdown": "Markdown", "rst": "reStructuredText", "html": "HTML"}

# ------------------------------------------------------------------------------------ HTML

_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
    "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip
_DROP_TAGS = {
    "nav", "script", "style", "noscript", "footer", "aside", "form", "button", "svg", "iframe",
    "template", "select", "textarea", "canvas", "object", "embed", "head",
}  # fmt: skip
_DROP_CLASSES = {
    "headerlink", "sphinxsidebar", "related", "linenos", "toctree-wrapper", "breadcrumbs",
    "wy-breadcrumbs", "rst-footer-buttons", "prev-next-area", "md-footer", "md-sidebar", "copybtn",
    "toc", "contents",
}  # fmt: skip
_MAIN_ORDER = ("role=main", "main", "article", "body-class", "body")  # the first found is the content


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


class _HtmlReader:
    def __init__(self, outline: Outline):
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
        if tag in _html.HEADINGS:
            text = _html.text(el)
            if not self.outline.heading(int(tag[1]), text, _html_anchor(el)):
                self.outline.text(text, text)
        elif tag == "pre":
            code = _html.pre_code(el)
            marked = normalize_language(_html.pre_language(el))
            language = marked or guess_language(code)
            raw = f"```{language}\n{code}\n```"
            self.outline.code(code, language, raw, example=marked not in NOT_CODE)
        elif tag == "tr" and el.find(".//pre") is None:  # (Sphinx puts code with line numbers in a table)
            row = " | ".join(t for t in (_html.text(c) for c in el if c.tag in ("td", "th")) if t)
            self.outline.text(row)
        else:
            self.blocks(el, lead)


def parse_html(data: bytes, outline: Outline) -> str | None:
    """Fill ``outline`` from an HTML page's main content; returns the page's <title>, or None
    when the page cannot be parsed at all. Broken or truncated markup is read as far as it goes."""
    root = _html.parse(data)
    if root is None:
        return None
    title_el = root.find(".//title")
    title = _html.text(title_el).split(" — ")[0].split(" | ")[0] if title_el is not None else ""
    drop: list[etree._Element] = []
    found: dict[str, etree._Element] = {}
    for el in root.iter("*"):  # one pass: an XPath per class name is slow on large pages
        tag = el.tag
        classes = set(_html.classes(el).split())
        role, el_id = el.get("role"), str(el.get("id") or "")
        toc = el_id == "toc" or "table_of_contents" in el_id
        if tag in _DROP_TAGS or classes & _DROP_CLASSES or role in ("navigation", "search") or toc:
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
        _html.drop(el)
    main = next((found[key] for key in _MAIN_ORDER if key in found), root)
    _HtmlReader(outline).blocks(main)
    return title


# ------------------------------------------------------------------------------- the indexer


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class DocsOptions(FormatOptions):
    indexer: ClassVar[str] = "docs"
    formats: ClassVar[dict[str, str]] = FORMATS
    default_exclude: ClassVar[tuple[str, ...]] = DEFAULT_EXCLUDE

    examples: bool = Field(default=True, description="yield code blocks as examples")
    max_level: int = Field(default=4, ge=1, le=6, description="deepest heading level that starts a section")


class DocsFolderIndexer(FormatTreeIndexer):
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
    Options = DocsOptions
    options: DocsOptions

    def iter_documents(self) -> Iterator[Document]:
        from ._markdown import parse_markdown
        from ._rst import parse_rst

        for root, file, rel, fmt in self.sources():
            data = read_bytes(root, file, self.skipped, self.max_file_bytes)
            text = decode_text(data, self.skipped, file) if data is not None else None
            if data is None or text is None:
                continue
            outline = Outline(self.options.max_level)
            title: str | None = ""
            try:
                if fmt == "markdown":
                    title = parse_markdown(text, outline)
                elif fmt == "rst":
                    parse_rst(text, outline)
                else:
                    title = parse_html(data, outline)
            except Exception:  # a parser's failure on one file must not stop the build
                title = None
            if title is None:
                self.skipped.add(f"unparsable {_FORMAT_NAMES[fmt]}", file)
                continue
            docs = list(self._documents(outline, root, file, rel, fmt, title))
            if not docs:
                self.skipped.add("no text", file)
            yield from docs

    def _documents(
        self, outline: Outline, root: Path, file: Path, rel: str, fmt: str, explicit_title: str
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
            if not self.options.examples:
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
