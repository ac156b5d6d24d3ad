"""An object of a documented class compared with an enum member (``bank.pluck(c) ==
LotState.HELD``): never equal; the fix compares the object's one field of that enum
(``bank.pluck(c).state == LotState.HELD``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, dotted, type_of
from .pyvalues import enum_value


def compare_issues(node: ast.Compare, api: IndexSymbols, env: Mapping[str, Binding],
                   lines: list[str]) -> list[Issue]:  # fmt: skip
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        return []
    pair = (node.left, node.comparators[0])
    for obj, other in (pair, pair[::-1]):
        owner = type_of(obj, api, env)
        member = dotted(other, env) if isinstance(other, ast.Attribute) else None
        if not owner or member is None or member[0] != "symbol" or not enum_value(api, member[1]):
            continue
        enum = (api.resolve(member[1]) or member[1]).rsplit(".", 1)[0]
        if api.resolve(owner) == enum:
            continue
        fields = _fields_of(owner, enum, api)
        short, written = owner.rsplit(".", 1)[-1], ast.unparse(obj)
        if len(fields) != 1:
            message = f"`{short}` objects are never equal to `{ast.unparse(other)}` (`{written}`)"
            return [Issue("bad-type", owner, message, line=node.lineno, card=api.card(owner))]
        fixed = f"{written}.{fields[0]}"
        message = f"`{short}` objects are never equal to `{ast.unparse(other)}`: "
        message += f"compare `{fixed}`, not `{written}`"
        return [Issue("bad-type", owner, message, line=node.lineno, card=api.card(f"{owner}.{fields[0]}"),
                      fix=span_fix(obj, lines, fixed))]  # fmt: skip
    return []


def _fields_of(owner: str, enum: str, api: IndexSymbols) -> list[str]:
    """The members of ``owner`` that hold an ``enum`` (constructor parameters annotated with it,
    properties returning it)."""
    short = enum.rsplit(".", 1)[-1]
    typed = re.compile(rf"(?:[\w.]*\.)?{re.escape(short)}(?: \| None)?")
    args = api.signature(owner)
    found = [
        a.arg for a in ([*args.args, *args.kwonlyargs] if args else [])
        if a.annotation is not None and typed.fullmatch(ast.unparse(a.annotation))
    ]  # fmt: skip
    for member in sorted(api.members(owner)):
        name = f"{owner}.{member}"
        symbol = api.resolve(name)
        sig = (api.entries[symbol].metadata.get("signature") or "") if symbol in api.entries else ""
        if api.kind(name) == "property" and typed.fullmatch(sig.removeprefix(":").strip()):
            found += [member] if member not in found else []
    return found
