"""Calls that should agree: a number the request gives passed to one call of a function and left
out of another; the request's filter passed to one call and left out of another call over the same
things that takes it (``bank.sift('keep=chill')`` counted, ``export_table(bank, 'chill.csv')``
written whole)."""

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


_WHOLE = re.compile(r"\b(?:whole|entire|every\w*|all (?:the |of )?\w+ of)\b", re.I)


def unfiltered_calls(code: str, request: str, api, namespace) -> list[Issue]:
    """Issues for the calls that take the filter the request's conditions make and are not given
    it, where the code passes it to another call (it knows which things the task is about) and
    the request does not say "the whole" or "every"."""
    from ..conditions import request_filter
    from .pyexpr import keyword_fix
    from .pyfilters import languages
    from .pyvalues import passed_args

    tree = package_tree(code, api)
    if tree is None or _WHOLE.search(request):
        return []
    found = request_filter(request, api, namespace)
    if found is None:
        return []
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    if found.text not in strings:
        return []
    lang = languages(api).get((found.symbol, found.param))
    lines, issues = code.splitlines(), []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api)
        a = api.signature(symbol) if symbol else None
        if a is None:
            continue
        passed = {arg.arg for arg, _ in passed_args(a, call)}
        for (s, param), other in languages(api).items():
            if s != symbol or other is not lang or param in passed:
                continue
            message = f"the task is about the {found.noun} `{found.text}` selects: "
            message += f"`{s.rsplit('.', 1)[-1]}` takes it as {param}="
            issues.append(Issue("unused-value", found.text, message, line=call.lineno, card=api.card(s),
                                fix=keyword_fix(call, lines, param, repr(found.text))))  # fmt: skip
    return issues
