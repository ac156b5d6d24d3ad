"""reStructuredText read into an :class:`~._outline.Outline` from a docutils doctree: sections
with docutils' own ids, prose as plain text, literal blocks, ``code-block`` and doctest blocks
with their languages.

Sphinx's directives and roles are not known to docutils: an unknown directive is read as a
container (its argument and content as text), ``code-block`` and friends as code, ``toctree``
and the like are dropped; an unknown role reads as its text. Nothing is printed, no other file
is read (``include`` and ``raw`` are off) and a broken file yields what could be read.
docutils is imported here only, so ``import docprompt`` does not pay for it.
"""

from __future__ import annotations

import copy
import io
import re
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, roles, states
from docutils.utils import new_document

from ._outline import NOT_CODE, Outline, guess_language, normalize_language

_RST_CODE = {
    "code-block": "", "code": "", "sourcecode": "", "doctest": "python", "testcode": "python",
    "ipython": "python", "jupyter-execute": "python", "prompt": "bash",
}  # fmt: skip
#: Directives whose content is not prose; "include" and "raw" would read files or pass markup.
_RST_DROP = {
    "toctree", "index", "meta", "contents", "raw", "include", "literalinclude", "image", "figure",
    "currentmodule", "module", "sectionauthor", "moduleauthor", "tabularcolumns", "role", "default-role",
}  # fmt: skip


class _AnyOption(dict):
    """Sphinx's options (:caption:, :linenos:) accepted as text: docutils refuses a directive
    with an option it does not list."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged


_ANY_OPTION = _AnyOption(caption=directives.unchanged)  # (not empty: docutils skips an empty spec)


class _highlight(nodes.Invisible, nodes.Element):
    """Sphinx's ``.. highlight:: LANG``: the language of the ``::`` blocks that follow."""


class _Code(Directive):
    """``code-block`` and friends: a literal block with its language and caption."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = _ANY_OPTION

    def run(self) -> list[nodes.Node]:
        # Code right under the directive line, without the blank line, reads as its argument.
        tag, _, rest = (self.arguments[0] if self.arguments else "").partition("\n")
        code = "\n".join(self.content) or rest
        node = nodes.literal_block(code, code)
        arg = tag.split()
        node["language"] = normalize_language(arg[0]) if arg else _RST_CODE.get(self.name.lower(), "")
        node["caption"] = self.options.get("caption") or ""
        return [node]


class _Highlight(_Code):
    def run(self) -> list[nodes.Node]:
        node = _highlight()
        node["language"] = normalize_language(self.arguments[0].split()[0]) if self.arguments else ""
        return [node]


class _Drop(_Code):
    def run(self) -> list[nodes.Node]:
        return []


#: Sphinx's version notes, worded as Sphinx renders them.
_VERSION_NOTES = {
    "versionadded": "New in version", "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version", "versionremoved": "Removed in version",
}  # fmt: skip


class _Container(_Code):
    """Any directive docutils does not know (Sphinx's ``function``, ``versionadded``, ``tab``...):
    its argument (a signature, a version) and its content are read as text."""

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        arg = self.arguments[0].strip() if self.arguments else ""
        note = _VERSION_NOTES.get(self.name.lower())
        if self.name.lower() in ("only", "ifconfig"):  # a build condition, not text
            arg = ""
        if note:  # ".. versionadded:: 3.1\n   What changed." reads "New in version 3.1: What changed."
            version, _, what = arg.partition("\n") if "\n" in arg else arg.partition(" ")
            arg = f"{note} {version}" + (f": {what.strip()}" if what.strip() else ".")
        if arg:
            out.append(nodes.paragraph(arg, "", *self.state.inline_text(arg, self.lineno)[0]))
        if self.content:
            box = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, box)
            out.append(box)
        return out


_OWN = {name: _Code for name in _RST_CODE} | {name: _Drop for name in _RST_DROP} | {"highlight": _Highlight}


def _directive(state: Any, match: re.Match, **option_presets: Any) -> Any:
    name = match.group(1)
    cls = _OWN.get(name.lower())
    if cls is None:
        cls = directives.directive(name, state.memo.language, state.document)[0] or _Container
    return state.run_directive(cls, match, name, option_presets)


class _Lenient:
    """A docutils parser state that reads unknown directives as containers, with its own
    cache of nested state machines (docutils' one is shared by every parser)."""

    nested_sm_cache: list[Any] = []
    explicit = SimpleNamespace(
        patterns=states.Body.explicit.patterns,
        constructs=[
            (_directive if method is states.Body.directive else method, pattern)
            for method, pattern in states.Body.explicit.constructs
        ],
    )

    def __init__(self, state_machine: Any, debug: bool = False) -> None:
        super().__init__(state_machine, debug)  # type: ignore[call-arg]
        self.nested_sm_kwargs = {"state_classes": _STATES, "initial_state": "Body"}


_STATES = tuple(type(cls.__name__, (_Lenient, cls), {}) for cls in states.state_classes)


def _inliner() -> states.Inliner:
    """docutils' inline parser, with Sphinx's roles (``:func:`~a.b```, ``:ref:`title <label>```)
    read as their text instead of reported as unknown."""
    inliner = states.Inliner()
    known = inliner.interpreted

    def interpreted(rawsource: str, text: str, role: str, lineno: int) -> Any:
        if roles.role(role, inliner.language, lineno, inliner.reporter)[0] is not None:
            return known(rawsource, text, role, lineno)
        shown = re.sub(r"\s*<[^<>]*>$", "", text).lstrip("~!") or text
        return [nodes.literal(rawsource, shown)], []

    inliner.interpreted = interpreted
    return inliner


@lru_cache(maxsize=1)
def _settings() -> Any:
    settings = get_default_settings(Parser)
    quiet = {
        "report_level": 5, "halt_level": 5, "doctitle_xform": False, "file_insertion_enabled": False,
        "raw_enabled": False, "syntax_highlight": "none", "line_length_limit": 100_000,
        "pep_references": False, "rfc_references": False,
    }  # fmt: skip
    for key, value in quiet.items():
        setattr(settings, key, value)
    return settings


def rst_doctree(text: str) -> nodes.document:
    """``text`` parsed by docutils, quietly: problems become system messages in the tree, and
    nothing is written to stderr, read from other files or run."""
    settings = copy.copy(_settings())
    settings.warning_stream = io.StringIO()
    document = new_document("<rst>", settings)
    parser = Parser(inliner=_inliner())
    parser.state_classes = _STATES
    parser.parse(text, document)
    return document


_RST_SKIP = (
    nodes.comment, nodes.target, nodes.substitution_definition, nodes.system_message, nodes.raw,
    nodes.pending, nodes.image, nodes.figure, nodes.transition,
)  # fmt: skip
_RST_NESTED = (
    nodes.Admonition, nodes.container, nodes.block_quote, nodes.topic, nodes.sidebar, nodes.compound,
)  # fmt: skip
_RST_CODE_NODES = (nodes.literal_block, nodes.doctest_block)


def _render(node: nodes.Node) -> str:
    """A block as plain text: list items as "- ", tables as "a | b" rows, code fenced."""
    if isinstance(node, _RST_SKIP):
        return ""
    if isinstance(node, _RST_CODE_NODES):
        return f"```\n{node.astext()}\n```"
    if isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
        items = []
        for n, item in enumerate(node.children, 1):
            mark = "- " if isinstance(node, nodes.bullet_list) else f"{n}. "
            lines = "\n".join(t for t in map(_render, item.children) if t).split("\n")
            items.append(mark + ("\n" + " " * len(mark)).join(lines))
        return "\n".join(items)
    if isinstance(node, nodes.row):
        return " | ".join(t for t in (" ".join(e.astext().split()) for e in node.children) if t)
    if isinstance(node, (nodes.definition_list_item, nodes.field, nodes.option_list_item)):
        head, *rest = [t for t in map(_render, node.children) if t] or [""]  # a term, then its text
        return "\n  ".join([head, *"\n".join(rest).split("\n")]) if rest else head
    if isinstance(node, nodes.TextElement) or not isinstance(node, nodes.Element):
        return node.astext()
    return "\n".join(t for t in map(_render, node.children) if t)


class _RstReader:
    def __init__(self, outline: Outline):
        self.outline = outline
        self.highlight = "python"  # Sphinx's default for "::" blocks
        self.labels: list[str] = []  # the ids of the targets just read

    def blocks(self, children: list[nodes.Node], depth: int) -> None:
        for child in children:
            self.block(child, depth)
            if not isinstance(child, nodes.section):  # (a section leaves the labels its end holds)
                self.labels = child["ids"] if isinstance(child, nodes.target) else []

    def block(self, node: nodes.Node, depth: int) -> None:
        outline = self.outline
        if isinstance(node, nodes.section):
            title = node.children[0].astext() if node.children else ""
            anchor = (node.get("ids") or [""])[0]
            if nodes.make_id(title) in self.labels:  # ".. _Install:" took the title's id, and links here
                anchor = nodes.make_id(title)
            if not outline.heading(depth + 1, title, anchor):
                outline.text(title, title)
            self.blocks(node.children[1:], depth + 1)
        elif isinstance(node, _highlight):
            self.highlight = node["language"] or self.highlight
        elif isinstance(node, _RST_CODE_NODES):
            self.code(node, in_text=True)
        elif isinstance(node, nodes.paragraph):
            outline.text(node.astext(), node.astext())
        elif isinstance(node, _RST_SKIP):
            pass
        elif isinstance(node, _RST_NESTED):
            self.blocks(node.children, depth)
        elif isinstance(node, nodes.Element) and not isinstance(node, nodes.TextElement):
            outline.text(_render(node))  # a list, table, definition list: one block; its code, examples
            for inner in node.findall(lambda n: isinstance(n, (nodes.paragraph, *_RST_CODE_NODES))):
                if isinstance(inner, nodes.paragraph):
                    outline.text("", inner.astext())
                else:
                    self.code(inner, in_text=False)
        else:
            outline.text(node.astext(), node.astext())

    def code(self, node: nodes.Element, *, in_text: bool) -> None:
        code = node.astext()
        if isinstance(node, nodes.doctest_block):
            language = "python"
        elif "language" in node:
            language = node["language"] or self.highlight
        else:  # a "::" block
            language = guess_language(code, self.highlight)
        fenced = f"```{language}\n{code}\n```" if in_text else ""
        example = language not in NOT_CODE and "parsed-literal" not in node["classes"]  # (a synopsis)
        self.outline.code(code, language, fenced, example=example, description=node.get("caption", ""))


def parse_rst(text: str, outline: Outline) -> None:
    _RstReader(outline).blocks(rst_doctree(text).children, 0)
