"""Members checked against the documented API: members a documented class does not have (the
one it meant where the docs decide it: a name one edit off, an enum member named by the docs'
word for another, a setter named as a method's parameter, a copy method by a common name, a
function of the package called as a method, a member of one of its fields), fields set on a
frozen class, and members of the built-in values documented functions return (see
:mod:`.pycheck`)."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, dotted, source, type_of
from .pymeant import changes_fields
from .pyreturns import on_builtin
from .pyvalues import enum_value, meaning


def attribute_issues(node: ast.Attribute, api: IndexSymbols, env: Mapping[str, Binding], lines: list[str],
                     *, called: bool = False, call: ast.Call | None = None) -> list[Issue]:  # fmt: skip
    """``called``: the member is called (``draft(...).germ_pct(93)``), so it is a method, which a
    class's docs list whether or not they list its fields."""
    if isinstance(node.value, ast.Call):
        return on_builtin(node, api, env, lines, call) or _on_returned(node, api, env, lines, called)
    target = dotted(node, env)
    if target is None or target[0] not in ("symbol", "instance-attr") or api.resolve(target[1]) is not None:
        return []
    owner, attr = target[1].rsplit(".", 1)
    if not api.is_class(owner) or attr.startswith("_"):
        return []
    if target[0] == "symbol":
        return missing_member(owner, attr, node, api, lines, called=False)
    if not _lists_fields(owner, api):
        return []
    return missing_member(owner, attr, node, api, lines, called=True, env=env)


def stored_issues(node: ast.Attribute, stmt: ast.stmt | None, api: IndexSymbols, env: Mapping[str, Binding],
                  lines: list[str]) -> list[Issue]:  # fmt: skip
    """``lot.grams = 850`` (``stmt``: the assignment, when ``node`` is its one target) where
    ``lot`` holds a documented class: a field the class does not list is unknown, as when read;
    and setting any field of a frozen class raises, so the issue writes the changed copy its copy
    method makes (``lot = lot.but(grams=850)``; the fix, where ``lot`` is a name and the
    statement one line), else ``dataclasses.replace``."""
    owner = type_of(node.value, api, env)
    if not owner or node.attr.startswith("_"):
        return []
    unknown = []
    if api.resolve(f"{owner}.{node.attr}") is None and _lists_fields(owner, api):
        unknown = missing_member(owner, node.attr, node, api, lines, called=True)
    if not api.frozen(owner):
        return unknown
    short = (api.resolve(owner) or owner).rsplit(".", 1)[-1]
    obj, copier = ast.unparse(node.value), api.copier(owner)
    how = f"`{obj}.{copier}(field=value)`" if copier else "`dataclasses.replace`"
    if unknown and not unknown[0].suggestions:  # no field to set: which one is the model's to find
        unknown[0].message += f"; and `{short}` objects are frozen: a changed copy is made with {how}"
        return unknown
    if api.kind(f"{owner}.{node.attr}") == "property":  # lot.genus: worked out from the fields
        message = f"`{short}.{node.attr}` is worked out from the fields, never set"
        message += f", and `{short}` objects are frozen: a changed copy is made with {how}"
        return [Issue("frozen", f"{owner}.{node.attr}", message, line=node.lineno, card=api.card(owner))]
    field = unknown[0].suggestions[0] if unknown else node.attr
    if isinstance(stmt, ast.Assign):
        value = ast.unparse(stmt.value)
    elif isinstance(stmt, ast.AugAssign):  # lot.grams -= 5 -> lot.but(grams=lot.grams - 5)
        read = ast.Attribute(value=node.value, attr=field, ctx=ast.Load())
        value = ast.unparse(ast.BinOp(left=read, op=stmt.op, right=stmt.value))
    else:
        value = "..."
    made = f"{obj}.{copier}({field}={value})" if copier else f"dataclasses.replace({obj}, {field}={value})"
    named = isinstance(node.value, ast.Name)
    rewrite = f"{obj} = {made}" if named else made
    one_line = stmt is not None and stmt.lineno == stmt.end_lineno and value != "..."
    return [
        Issue(
            "frozen",
            f"{owner}.{field}",
            f"`{short}` objects are frozen, so setting `{obj}.{node.attr}` raises: "
            f"make a changed copy, `{rewrite}`",
            line=node.lineno,
            card=api.card(f"{owner}.{copier}") if copier else api.card(owner),
            fix=span_fix(stmt, lines, rewrite) if copier and named and one_line else None,
            suggestions=[copier] if copier else [],
        )
    ]


def _lists_fields(owner: str, api: IndexSymbols) -> bool:
    """An instance of a class whose docs list its fields (a dataclass, an ``Attributes:``
    section) has no others: ``lot.id`` where Accession lists code, taxon, ... is wrong, not
    undocumented; one that lists none may have any its constructor sets (Ledger.name)."""
    return any(api.kind(f"{owner}.{m}") == "attribute" for m in api.members(owner))


def _on_returned(node: ast.Attribute, api: IndexSymbols, env: Mapping[str, Binding],
                 lines: list[str], called: bool) -> list[Issue]:  # fmt: skip
    """``bank.pluck("SL-0006").celsius``: a member of the documented class a call returns (its
    return annotation, or the class for a constructor, along a chain of calls:
    ``draft(...).coded(...).germ_pct(93)``), where that class lists its fields or the member is
    called and the class documents methods."""
    assert isinstance(node.value, ast.Call)
    owner = type_of(node.value, api, env)
    if not owner or node.attr.startswith("_") or api.resolve(f"{owner}.{node.attr}") is not None:
        return []
    methods = any(api.kind(f"{owner}.{m}") in ("method", "function") for m in api.members(owner))
    if not (_lists_fields(owner, api) or (called and methods)):
        return []
    return missing_member(owner, node.attr, node, api, lines, called=True)


_COPYING = {"copy", "clone", "duplicate", "replace", "evolve", "copy_with", "with_changes", "updated"}


def missing_member(
    owner: str, attr: str, node: ast.AST, api: IndexSymbols, lines: list[str], *, called: bool,
    env: Mapping[str, Binding] | None = None,
) -> list[Issue]:
    members = sorted(api.members(owner))
    if not members:
        return []
    lowered = {m.lower(): m for m in members}
    close = (
        [lowered[attr.lower()]]
        if attr.lower() in lowered
        else difflib.get_close_matches(attr, members, n=1, cutoff=0.75)
    )
    if not close:  # Season.AUTUMN where the docs say ``LEAFFALL`` (autumn)
        close = meaning(api, owner, attr)
    if not close:  # .germ_pct(93) where the one member that begins so is ``germinating``
        head = attr.lower().split("_")[0]
        close = [m for m in members if len(head) >= 4 and m.lower().startswith(head)]
        close = close if len(close) == 1 else []
    if not close and called and (taking := api.taking(owner, attr)):  # .year(2024): .harvested(year)
        close = [taking]
    copying = attr.lower().strip("_") in _COPYING or changes_fields(owner, attr, node, api, lines)
    if not close and called and copying and (copier := api.copier(owner)):
        # lot.clone(), or lot.reweigh(grams=2) changing fields, where the class's copy is ``lot.but(...)``
        close = [copier]
    if not close and called and (as_function := _as_function(owner, attr, node, api, lines)):
        return [as_function]
    if not close and called and env and (held := _on_holder(owner, attr, node, api, env, lines)):
        return [held]
    if not close and (through := _through_field(owner, attr, api)):  # lot.celsius: lot.keeping.celsius
        close = [f"{through}.{attr}"]
    enum = any(enum_value(api, f"{owner}.{m}") for m in members)
    if not close and not called and not (enum and attr.isupper()):
        return []  # an attribute the docs do not list may still be set by the constructor
    short = (api.resolve(owner) or owner).rsplit(".", 1)[-1]
    # the member's own line: a chain over several lines (``draft(...)\n .germ_pct(93)``) starts above it
    lineno: int = getattr(node, "end_lineno", None) or getattr(node, "lineno", None) or 0
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    fix = (
        (lineno, line, line.replace(f".{attr}", f".{close[0]}", 1)) if close and f".{attr}" in line else None
    )
    hint = f"use `{short}.{close[0]}`" if close else f"its members are: {', '.join(members[:20])}"
    return [
        Issue(
            "unknown-member",
            f"{owner}.{attr}",
            f"`{short}` has no member named like that: {hint}",
            line=lineno,
            card=api.card(f"{owner}.{close[0]}") if close else api.card(owner),
            fix=fix,
            suggestions=close,
        )
    ]


def _through_field(owner: str, attr: str, api: IndexSymbols) -> str:
    """The one field of ``owner`` whose documented class has ``attr`` (``keeping``, a ``Keeping``,
    for ``lot.celsius``); '' when none or several."""
    from .pykinds import annotated_class, member_annotation

    found = []
    for field in api.members(owner):
        held = member_annotation(api, f"{owner}.{field}").split("|")[0].strip()
        cls = annotated_class(api, held) if held else ""
        if cls and api.resolve(f"{cls}.{attr}"):
            found.append(field)
    return found[0] if len(found) == 1 else ""


def _as_function(owner: str, attr: str, node: ast.AST, api: IndexSymbols, lines: list[str]) -> Issue | None:
    """``lot.projected_germ(in_year=2026)`` where the package documents a function
    ``projected_germ(lot, *, in_year)`` and ``Accession`` has no such member: the function is
    called with the instance first (an annotated first parameter must name the class)."""
    att = node.func if isinstance(node, ast.Call) else node
    if not isinstance(att, ast.Attribute) or api.reference:  # a reference's names span libraries
        return None
    short = (api.resolve(owner) or owner).rsplit(".", 1)[-1]
    for symbol in [s for s in api.named(attr) if api.kind(s) == "function"]:
        params = api.signature(symbol)
        first = (params.posonlyargs + params.args)[:1] if params else []
        if not first or (first[0].annotation is not None and short not in ast.unparse(first[0].annotation)):
            continue
        fix = None
        lineno, obj = att.lineno, att.value
        if obj.lineno == att.end_lineno == lineno and 0 < lineno <= len(lines):
            b = lines[lineno - 1].encode()
            after = b[att.end_col_offset :]
            if after.startswith(b"("):
                rest = after[1:]
                sep = b"" if rest.lstrip().startswith(b")") else b", "
                head = b[: obj.col_offset] + attr.encode() + b"(" + b[obj.col_offset : obj.end_col_offset]
                fix = (lineno, lines[lineno - 1], (head + sep + rest).decode())
        call = f"{attr}({first[0].arg}, ...)"
        message = f"`{short}` has no member named like that: `{attr}` is a function: call `{call}`"
        card = api.card(symbol)
        return Issue("unknown-member", f"{owner}.{attr}", message, line=lineno, card=card, fix=fix)
    return None


def _on_holder(owner: str, attr: str, node: ast.AST, api: IndexSymbols, env: Mapping[str, Binding],
               lines: list[str]) -> Issue | None:  # fmt: skip
    """``lot.withdraw('too weak')`` where an ``Accession`` has no ``withdraw`` and the one variable
    holding a ``Ledger`` has ``withdraw(code, *, reason)``, whose first parameter is a field of
    the lot: the holder's method, given that field (``bank.withdraw(lot.code, 'too weak')``; the
    arguments' own checks name the keyword then)."""
    att = node.func if isinstance(node, ast.Call) else None
    if not isinstance(att, ast.Attribute) or not isinstance(node, ast.Call):
        return None
    holders = [(v, c) for v, (k, c) in env.items() if k == "instance" and api.resolve(f"{c}.{attr}")]
    first = api.first_param(f"{holders[0][1]}.{attr}") if len(holders) == 1 else None
    if first is None or api.kind(f"{owner}.{first.arg}") not in ("attribute", "property"):
        return None
    obj, holder, method = source(att.value, lines), holders[0][0], f"{holders[0][1]}.{attr}"
    rest = [source(a, lines) for a in node.args]
    rest += [f"{k.arg}={source(k.value, lines)}" for k in node.keywords]
    from ..lookups import getter, key_shape

    found, head = getter(api, owner), node.args[0] if node.args else None
    keyed = found and isinstance(head, ast.Constant) and re.fullmatch(key_shape(found[2]), str(head.value))
    given = rest if keyed else [f"{obj}.{first.arg}", *rest]  # ``lot.log_trial('SL-0005', ...)``: its key
    call = f"{holder}.{attr}({', '.join(given)})" if obj and all(rest) else ""
    short = (api.resolve(owner) or owner).rsplit(".", 1)[-1]
    message = f"`{short}` has no `{attr}`: `{holder}` does it, given the {first.arg}: `{call or method}`"
    fix = span_fix(node, lines, call) if call else None
    card = api.card(method)
    return Issue("unknown-member", f"{owner}.{attr}", message, line=node.lineno, card=card, fix=fix)
