"""Markdown read into an :class:`~._outline.Outline` from markdown-it-py's token stream:
headings with their levels (ATX and setext), paragraphs, lists, quotes and tables as text, fenced
and indented code blocks with their languages, front matter's title.

The section text keeps each block's Markdown source; descriptions and headings are plain text.
markdown-it-py is imported here only, so ``import docprompt`` does not pay for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ._outline import NOT_CODE, Outline, guess_language, normalize_language

_MYST_CODE = {"code-cell", "code-block", "code", "sourcecode"}
_MD_ATTRS = re.compile(r"\s*\{#([\w.:-]{1,100})[^}\n]{0,100}\}\s*$")
_HTML_COMMENTS = re.compile(r"(?:\s*<!--(?:(?!-->).)*-->)+\s*", re.DOTALL)  # nothing but comments
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,300}>|<!--.{0,500}?-->", re.DOTALL)
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open", "table_open"}


#: How much of a paragraph's end is read for the description of a code block after it, and of a
#: heading's start for its title: inline parsing is slow on a megabyte of markup, and nothing more is used.
PROSE_CHARS = 2000
HEADING_CHARS = 1000


@lru_cache(maxsize=2)
def _markdown(inline: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return md if inline else md.disable("inline")  # blocks only: their inline text is parsed when needed


def front_matter(lines: list[str]) -> tuple[str, int]:
    """(title, first line after the YAML ``---`` or TOML ``+++`` front matter)."""
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


def plain(markdown: str) -> str:
    """Inline Markdown as plain text: no markup, links and images by their text, no HTML."""
    out: list[str] = []
    for token in _markdown(True).parseInline(markdown):
        for child in token.children or ():
            if child.type in ("text", "code_inline", "image"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append("\n")
    return "".join(out)


def _tail(text: str) -> str:
    """The last PROSE_CHARS of ``text``, from a word's start."""
    if len(text) <= PROSE_CHARS:
        return text
    cut = text[-PROSE_CHARS:]
    return cut[cut.find(" ") + 1 :]


def _heading(token: Token) -> str:
    return plain(token.content[:HEADING_CHARS])


def fence_kind(info: str, code: str) -> tuple[str, str]:
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


def markdown_blocks(text: str) -> list[tuple[int, str]]:
    """The blocks of a Markdown text as (heading level, plain text); level 0 is prose (a
    paragraph's end, a code block's code)."""
    out: list[tuple[int, str]] = []
    tokens = _markdown(False).parse(text)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            if tokens[i - 1].type == "heading_open":
                out.append((int(tokens[i - 1].tag[1]), _heading(token)))
            else:
                out.append((0, plain(_tail(token.content))))
        elif token.type in ("fence", "code_block"):
            out.append((0, token.content))
    return out


def _close(tokens: list[Token], i: int) -> int:
    """The index of the token that closes ``tokens[i]``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


class _MdReader:
    def __init__(self, outline: Outline, lines: list[str]):
        self.outline = outline
        self.lines = lines
        self.prose: str | Token = ""  # what describes the next code block: text, or a paragraph to read

    def raw(self, token: Token) -> str:
        start, end = token.map or (0, 0)
        return "\n".join(self.lines[start:end]).rstrip()

    def read(self, tokens: list[Token]) -> None:
        outline, i = self.outline, 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open":
                heading = _heading(tokens[i + 1])
                m = _MD_ATTRS.search(heading[-250:]) if heading.endswith("}") else None
                anchor = m[1] if m else ""
                heading = " ".join((heading[: len(heading) - len(m[0])] if m else heading).split())
                if outline.heading(int(token.tag[1]), heading, anchor):
                    self.prose = ""
                else:
                    outline.text(self.raw(token))
                    self.prose = heading
                i = _close(tokens, i)
            elif token.type == "paragraph_open":
                outline.text(self.raw(token))
                self.prose = tokens[i + 1]
                i = _close(tokens, i)
            elif token.type in ("fence", "code_block"):
                self.code(token, in_text=True)
            elif token.type == "html_block" and not _HTML_COMMENTS.fullmatch(token.content):
                outline.text(self.raw(token))
                self.prose = " ".join(_HTML_TAG.sub("", token.content).split()) or self.prose
            elif token.type in _CONTAINERS:  # a list, quote or table: one block of text, its code examples
                end = _close(tokens, i)
                outline.text(self.raw(token))
                for inner in tokens[i + 1 : end]:
                    if inner.type == "inline" and inner.content.strip() and token.type != "table_open":
                        self.prose = inner  # (a table's last cell describes no code after it)
                    elif inner.type in ("fence", "code_block"):
                        self.code(inner, in_text=False)
                i = end
            i += 1

    def code(self, token: Token, *, in_text: bool) -> None:
        raw = self.raw(token) if in_text else ""
        if token.type == "code_block":  # indented: a quote or wrapped line, unless it looks like code
            language = guess_language(token.content)
            kind = "data" if language in NOT_CODE else "code"
        else:
            language, kind = fence_kind(token.info.strip(), token.content)
        if kind == "prose":
            self.outline.text(raw)
            self.prose = token.content
            return
        prose = self.prose if isinstance(self.prose, str) else plain(_tail(self.prose.content))
        self.outline.code(token.content, language, raw, example=kind == "code", description=prose)


def parse_markdown(text: str, outline: Outline) -> str:
    """Fill ``outline`` from Markdown; returns the front matter's title, if any."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd").split("\n")
    title, start = front_matter(lines)
    lines = lines[start:]
    _MdReader(outline, lines).read(_markdown(False).parse("\n".join(lines)))
    return title
