"""Comparisons that are never true: an object of a documented class and an enum member
(``bank.pluck(c) == LotState.HELD``; the fix compares the object's one field of that enum,
``bank.pluck(c).state``), and a field holding an enum and a string (``lot.keeping == 'CHILL'``;
the fix is the member the string names, ``Keeping.CHILL``)."""

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
        if isinstance(obj, ast.Attribute) and isinstance(other, ast.Constant) and type(other.value) is str:
            return _text_for_member(obj, other, api, env, lines)
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


def _text_for_member(field: ast.Attribute, text: ast.Constant, api: IndexSymbols, env: Mapping[str, Binding],
                     lines: list[str]) -> list[Issue]:  # fmt: skip
    """``lot.keeping == 'CHILL'``: the field holds a ``Keeping``, never equal to a string; the
    member the string names (by name or value, in any case) is the fix."""
    owner = type_of(field.value, api, env)
    enum = next((e for e in _enums(api) if owner and field.attr in _fields_of(owner, e, api)), "")
    if not enum or api.is_a(enum, "str") or api.is_a(enum, "StrEnum"):  # a str enum equals its text
        return []
    said = str(text.value).strip().lower()
    names = {m: (m.lower(), enum_value(api, f"{enum}.{m}").lower()) for m in api.member_list(enum)}
    members = [m for m, forms in names.items() if said in forms]
    short = enum.rsplit(".", 1)[-1]
    message = f"`{ast.unparse(field)}` holds a `{short}`, never equal to the string {text.value!r}"
    if len(members) != 1:
        return [Issue("bad-type", enum, message, line=text.lineno, card=api.card(enum))]
    message += f": compare with `{short}.{members[0]}`"
    fix = span_fix(text, lines, f"{short}.{members[0]}")
    return [Issue("bad-type", enum, message, line=text.lineno, card=api.card(enum), fix=fix)]


def _enums(api: IndexSymbols) -> list[str]:
    """The documented enums (classes with members written ``NAME = 'value'``)."""
    if not hasattr(api, "_enum_classes"):
        owners = {s.rsplit(".", 1)[0] for s in api.entries if enum_value(api, s)}
        api._enum_classes = sorted(o for o in owners if api.is_class(o))  # type: ignore[attr-defined]
    return api._enum_classes  # type: ignore[attr-defined]


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
