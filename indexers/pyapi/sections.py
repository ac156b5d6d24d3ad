"""What a docstring says about a callable's parameters and its result, read with griffe's
parsers (Google, NumPy and Sphinx styles)."""

from __future__ import annotations

import ast
import re
from typing import Any

# A docstring without one of these has no parameter or return section: griffe is not asked.
_HINTS = re.compile(
    r"^[ \t]*(?:Args|Arguments|Parameters|Params|Keyword Arg(?:ument)?s|Other Parameters|Returns?)"
    r"[ \t]*:?[ \t]*$|:param\b|:returns?:|:rtype:",
    re.MULTILINE,
)
_SPHINX = re.compile(
    r"^[ \t]*:(?:param|parameter|arg|argument|key|keyword|type|returns?|rtype)\b", re.MULTILINE
)
_NUMPY = re.compile(r"^[ \t]*(?:Parameters|Other Parameters|Returns)[ \t]*\n[ \t]*-{3,}[ \t]*$", re.MULTILINE)
_GOOGLE = {"returns_named_value": False, "returns_multiple_items": False}  # "int: the count"
_PARAMETER_SECTIONS = ("parameters", "other parameters")


def _sections(doc: str) -> list[Any]:
    """The docstring's sections, in the style its markers show (``:param``, a dashed rule under
    a section name, else Google's)."""
    import griffe  # only for docstrings with such a section

    try:
        with griffe.logger.disable():  # its warnings (a type not given) are for documentation authors
            if _SPHINX.search(doc):
                return griffe.parse_sphinx(griffe.Docstring(doc))
            if _NUMPY.search(doc):
                return griffe.parse_numpy(griffe.Docstring(doc))
            return griffe.parse_google(griffe.Docstring(doc), **_GOOGLE)
    except Exception:  # a parser tripping over odd text must not stop an index build
        return []


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _type(annotation: object) -> str:
    """A documented type if it reads as a Python expression (``int``, ``dict[str, Any]``)."""
    text = _one_line(str(annotation)) if annotation is not None else ""
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return ""
    return text


def docstring_sections(doc: str, params: list[str]) -> tuple[dict[str, str], str]:
    """({parameter: description}, documented return type) from ``doc``'s sections.

    Parameters are named without their stars (``kwargs``); where the signature is known
    (``params``), a documented name it does not have is left out, and so is anything that is
    not a name (a style guessed wrong).
    """
    if not doc or not _HINTS.search(doc):
        return {}, ""
    known = {p.lstrip("*") for p in params}
    found: dict[str, str] = {}
    returns = ""
    for section in _sections(doc):
        kind = section.kind.value
        if kind in _PARAMETER_SECTIONS:
            for param in section.value:
                name = param.name.lstrip("*")
                if name.isidentifier() and (not known or name in known) and param.description:
                    found.setdefault(name, _one_line(param.description))
        elif kind == "returns" and section.value and not returns:
            returns = _type(section.value[0].annotation)
    return found, returns
