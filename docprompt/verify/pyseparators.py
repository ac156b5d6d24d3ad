"""The separator a request names for a file ("Read the tab-separated file `stock.tsv`",
"semicolon-delimited") that the code never gives the documented reader taking one:
``import_table('stock.tsv')`` reads commas, and ``sep='\\t'`` is the fix."""

from __future__ import annotations

import ast
import re

from . import Issue, one_symbol, package_tree, span_fix
from .pyexpr import keyword_fix
from .pyvalues import defaults_of, passed_args

_NAMED = re.compile(
    r"\b(tab|semicolon|pipe|colon|comma|space|whitespace)[- ](?:separated|delimited)\b|\b(tsv)\b", re.I
)
_CHARS = {"tab": "\t", "tsv": "\t", "semicolon": ";", "pipe": "|", "colon": ":", "comma": ",",
          "space": " ", "whitespace": " "}  # fmt: skip
_PARAM = re.compile(r"sep|separator|delim|delimiter|field_?sep")


def _separator_param(api, symbol: str) -> tuple[str, object] | None:
    """(name, default) of the parameter that takes the column separator: so named, or the one
    the docs' line for it calls a separator or delimiter; None when none or several."""
    a = api.signature(symbol)
    if a is None:
        return None
    defaults, doc = defaults_of(a), api.doc(symbol)
    found = []
    for arg in a.posonlyargs + a.args + a.kwonlyargs:
        described = re.search(rf"^\s*{re.escape(arg.arg)}\b[^\n]*\b(?:separat|delimit)", doc, re.I | re.M)
        if _PARAM.fullmatch(arg.arg) or described:
            default = defaults.get(arg.arg)
            found.append((arg.arg, default.value if isinstance(default, ast.Constant) else None))
    return found[0] if len(found) == 1 else None


def unnamed_separators(code: str, request: str, api) -> list[Issue]:
    """Issues for the calls of a documented function with a separator parameter that read
    another separator than the one the request names (by default or as passed)."""
    named = [m.group(1) or m.group(2) for m in _NAMED.finditer(re.sub(r"`[^`]*`", " ", request))]
    chars = {_CHARS[n.lower()] for n in named}
    tree = package_tree(code, api) if len(chars) == 1 else None
    if tree is None:
        return []
    want = next(iter(chars))
    lines, issues = code.split("\n"), []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api)
        param = _separator_param(api, symbol) if symbol else None
        if param is None:
            continue
        name, default = param
        passed = {arg.arg: v for arg, v in passed_args(api.signature(symbol), call)}.get(name)
        if passed is not None and not isinstance(passed, ast.Constant):
            continue  # a variable: the code may know better
        if (passed.value if isinstance(passed, ast.Constant) else default) == want:
            continue
        fix = keyword_fix(call, lines, name, repr(want))
        if passed is not None and not any(k.arg == name for k in call.keywords):  # by position
            fix = span_fix(passed, lines, repr(want))
        word = "tab" if named[0].lower() == "tsv" else named[0].lower()
        message = f"the task's file is {word}-separated: pass `{name}={want!r}`"
        card = api.card(symbol)
        issues.append(Issue("unused-value", named[0], message, line=call.lineno, card=card, fix=fix))
    return issues

