"""A member of a documented enum picked by hand where the request names a month and the docs
give the call that computes it: "sowing in the season January falls in south of the equator"
answered with ``Season.THAW``, where ``Season.of_month(month: int, *, southern: bool = False)``
is "The season a calendar month falls in" (``southern``: "the southern hemisphere"). The fix
calls it with the month's number, and with each flag whose docs share a word with the request
("south") set: ``Season.of_month(1, southern=True)``."""

from __future__ import annotations

import ast
import calendar
import re

from . import Issue, package_tree, span_fix
from .api import IndexSymbols
from .pyexpr import source
from .pyvalues import alike

_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}


def handpicked_members(code: str, request: str, api: IndexSymbols) -> list[Issue]:
    months = [_MONTHS[w] for w in re.findall(r"[A-Z][a-z]+", request) if w in _MONTHS]  # "May", not "may"
    tree = package_tree(code, api) if len(set(months)) == 1 else None
    if tree is None:
        return []
    lines, out, words = code.split("\n"), [], re.findall(r"[a-z]{4,}", request.lower())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr.isupper()):
            continue
        cls = api.class_named(ast.unparse(node.value).rsplit(".", 1)[-1])
        maker = _by_month(api, cls) if cls else ""
        written = source(node.value, lines)
        if not maker or not written or node.attr not in api.members(cls):
            continue
        a = api.signature(maker)
        flags = [x.arg for x in (a.kwonlyargs if a else []) if x.annotation is not None
                 and ast.unparse(x.annotation) == "bool" and _said(api, maker, x.arg, words)]  # fmt: skip
        call = f"{written}.{maker.rsplit('.', 1)[-1]}({months[0]}{''.join(f', {f}=True' for f in flags)})"
        message = (f"`{ast.unparse(node)}` is picked by hand: the docs compute the {cls.rsplit('.', 1)[-1]} "
                   f"of a month, `{call}`")  # fmt: skip
        out.append(Issue("handwritten-value", ast.unparse(node), message, line=node.lineno,
                         card=api.card(maker), fix=span_fix(node, lines, call)))  # fmt: skip
    return out


def _by_month(api: IndexSymbols, cls: str) -> str:
    """The one member of ``cls`` that returns one of it from a month (``of_month(month: int)``)."""
    found = []
    for member in api.members(cls):
        symbol = f"{cls}.{member}"
        a = api.signature(symbol) if api.kind(symbol) in ("method", "function") else None
        positional = [x.arg for x in (a.posonlyargs + a.args if a else []) if x.arg not in ("self", "cls")]
        if positional[:1] == ["month"] and api.returns(symbol) == cls:
            found.append(symbol)
    return found[0] if len(found) == 1 else ""


def _said(api: IndexSymbols, symbol: str, param: str, words: list[str]) -> bool:
    """The request uses a word of the docstring's line for ``param`` ("south" for "southern:
    the southern hemisphere"), or of its name."""
    doc = api.doc(symbol)
    line = re.search(rf"^\s*{re.escape(param)}\s*(?:\([^)]*\))?:(.*)$", doc, re.M)
    said = re.findall(r"[a-z]{4,}", f"{param} {line.group(1) if line else ''}".lower())
    # not the words the call's own summary uses ("seasons are shifted": the call is about seasons)
    told = re.findall(r"[a-z]{4,}", f"{symbol} {doc.split(chr(10), 1)[0]}".lower().replace(".", " "))
    said = [s for s in said if not any(alike(s, t) for t in told) and s not in ("where", "that", "with")]
    return any(alike(w, s) for w in words for s in said)
