"""Calls of one documented function that should agree: a number the request gives passed to one
of them and left out of another."""

from __future__ import annotations

import ast
import re

from . import Issue, one_symbol, package_tree
from .given import _NUMBER


def uneven_calls(code: str, request: str, api) -> list[Issue]:
    """A number the request gives passed to one call of a function and not to another call of it
    (``regrow_plan(bank, threshold=80, as_of=2026)`` then ``regrow_plan(bank, threshold=80)``):
    the calls mean the same plan; the fix passes it there too."""
    from .pyexpr import keyword_fix

    tree = package_tree(code, api)
    if tree is None:
        return []
    given = {float(n) for n in _NUMBER.findall(re.sub(r"`[^`]*`", " ", request))}
    calls: dict[str, list[ast.Call]] = {}
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        if symbol := one_symbol(call, api):
            calls.setdefault(symbol, []).append(call)
    lines, issues = code.splitlines(), []
    for symbol, made in calls.items():
        passed = {(k.arg, ast.unparse(k.value)) for c in made for k in c.keywords if k.arg
                  and isinstance(k.value, ast.Constant) and type(k.value.value) in (int, float)
                  and float(k.value.value) in given}  # type: ignore[arg-type]  # fmt: skip
        for param, value in sorted(passed):
            for call in (c for c in made if not any(k.arg == param for k in c.keywords)):
                message = f"this call of `{symbol.rsplit('.', 1)[-1]}` leaves out {param}={value}, "
                message += "which another passes: pass it too"
                issues.append(Issue("unused-value", value, message, line=call.lineno,
                                    fix=keyword_fix(call, lines, param, value)))  # fmt: skip
    return issues
