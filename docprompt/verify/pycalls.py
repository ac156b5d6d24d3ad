"""Calls and members checked against the documented API: unknown keyword arguments, too many
positional ones, missing required ones, strings the docs do not allow (``Literal``, enums, "one
of ``a``, ``b``"), methods called on their class, members a documented class does not have (enum
members named by the docs' word for another), fields set on a frozen class, and members of the
built-in values documented functions return; with the fix wherever the docs determine it (see
:mod:`.pycheck`)."""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, dotted, source, type_of
from .pyfilters import filter_issues, keyword_as_filter
from .pykinds import objects_for_scalars, other_objects
from .pymeant import changes_fields
from .pyreturns import containers_passed, on_builtin
from .pyvalues import enum_value, meaning, value_issues


def call_issues(
    node: ast.Call,
    api: IndexSymbols,
    env: Mapping[str, Binding],
    lines: list[str],
    unbound: AbstractSet[str] = frozenset(),
    constants: Mapping[str, ast.Constant] | None = None,
    values: Mapping[str, tuple[str, str]] | None = None,
) -> list[Issue]:
    """``unbound``: the names the code uses and never binds (``by=keeping`` meant ``by='keeping'``);
    ``constants``: the names it binds once, to a string (``season = "AUTUMN"``), checked where
    they are passed; ``values``: the names that hold a built-in container a documented call
    returned (``rule = bank.sift(...)``: ``list[Accession]``)."""
    if isinstance(node.func, ast.Attribute) and (field := _called_field(node, api, env, lines)):
        return field
    target = dotted(node.func, env)
    if target is None and isinstance(node.func, ast.Attribute):  # bank.pluck(...).age(2025)
        owner = type_of(node.func.value, api, env)
        if owner and api.resolve(f"{owner}.{node.func.attr}"):
            target = ("instance-attr", f"{owner}.{node.func.attr}")
    if target is not None and target[0] == "instance" and isinstance(node.func, ast.Name):
        return _called_instance(node, target[1], api, lines)
    if target is None or target[0] == "instance":
        return []
    name = target[1]
    if target[0] == "instance-attr":
        owner, attr = name.rsplit(".", 1)
        if api.resolve(name) is None:
            return _missing_member(owner, attr, node, api, lines, called=True)
    if target[0] == "symbol" and api.on_instances(name) and api.is_class(name.rsplit(".", 1)[0]):
        return _unbound(node, name, api, env, lines)
    params = api.signature(name)
    if (
        params is None
        or any(isinstance(a, ast.Starred) for a in node.args)
        or any(k.arg is None for k in node.keywords)
    ):
        return []
    return (
        _bind(name, params, node, api, lines, unbound, constants or {}, env)
        + containers_passed(name, params, node, api, values or {})
        + objects_for_scalars(name, params, node, api, env)
        + other_objects(name, params, node, api, env, lines)
    )


def _unbound(node: ast.Call, name: str, api: IndexSymbols, env: Mapping[str, Binding],
             lines: list[str]) -> list[Issue]:  # fmt: skip
    """``Ledger.free_code()``: a method called on its class, not on an instance. The fix calls
    it on the one variable that holds such an instance (the notebook's ``bank``)."""
    owner, method = api.resolve(name.rsplit(".", 1)[0]) or name.rsplit(".", 1)[0], name.rsplit(".", 1)[1]
    first = node.args[0] if node.args else None
    if first is not None and (dotted(first, env) or ("", ""))[0] == "instance":
        return []  # Ledger.free_code(bank): a method called the long way
    held = [v for v, b in env.items() if b == ("instance", owner)]
    short = owner.rsplit(".", 1)[-1]
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    written = source(node.func, lines)
    fix = None
    if len(held) == 1 and written:
        fix = (node.lineno, line, line.replace(written, f"{held[0]}.{method}", 1))
    hint = f"call it on `{held[0]}`: `{held[0]}.{method}(...)`" if len(held) == 1 else f"call it on a {short}"
    message = f"`{short}.{method}` is a method of each {short}, not of the class: {hint}"
    return [Issue("unbound-method", name, message, line=node.lineno, card=api.card(name), fix=fix)]


def _bind(
    name: str,
    params: ast.arguments,
    node: ast.Call,
    api: IndexSymbols,
    lines: list[str],
    unbound: AbstractSet[str],
    constants: Mapping[str, ast.Constant],
    env: Mapping[str, Binding],
) -> list[Issue]:
    positional = [a.arg for a in params.posonlyargs + params.args]
    keywords = [a.arg for a in params.args + params.kwonlyargs]
    short = name.split(".", 1)[-1]
    card = api.card(name)
    out: list[Issue] = []
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    if len(node.args) > len(positional) and params.vararg is None:
        # tally('genus') for tally(*, by); dispatch(code, 'Kew', 2, 2025) for dispatch(code, *,
        # recipient, grams, year): the values too many, in order, to the keywords they can only be
        given_kw = {k.arg for k in node.keywords}
        pairs = [(a.arg, d) for a, d in zip(params.kwonlyargs, params.kw_defaults) if a.arg not in given_kw]
        free, required = [a for a, _ in pairs], [a for a, d in pairs if d is None]
        extra = node.args[len(positional) :]
        fix = None
        named = free[: len(extra)]
        if extra and len(extra) <= len(free) and set(required) <= set(named) \
                and all(x.lineno == node.lineno for x in extra):
            raw = line.encode()
            for x, keyword in sorted(zip(extra, named), key=lambda p: -p[0].col_offset):
                raw = raw[: x.col_offset] + f"{keyword}=".encode() + raw[x.col_offset :]
            fix = (node.lineno, line, raw.decode())
        hint = f"write `{'=`, `'.join(named)}=` before {'it' if len(named) == 1 else 'them'}" if fix \
            else "pass the others by keyword"
        out.append(
            Issue(
                "bad-arguments",
                name,
                f"`{short}` takes at most {len(positional)} positional "
                f"arguments ({', '.join(positional) or 'none'}); {hint}",
                line=node.lineno,
                card=card,
                fix=fix,
            )
        )
    given = set(positional[: len(node.args)])
    unknown: list[tuple[str, Issue]] = []  # (the keyword written, its issue)
    for kw in node.keywords:
        if kw.arg is None or kw.arg in keywords:
            given.add(kw.arg or "")
            continue
        if params.kwarg is not None:
            continue
        close = difflib.get_close_matches(kw.arg, keywords, n=1, cutoff=0.6)
        fix = (
            (node.lineno, line, line.replace(f"{kw.arg}=", f"{close[0]}=", 1))
            if close and f"{kw.arg}=" in line
            else None
        )
        hint = f"write `{close[0]}=`" if close else f"its arguments are: {', '.join(keywords) or 'none'}"
        if not close and (as_filter := keyword_as_filter(name, kw, node, api, lines)):
            hint, fix = f"its filter says that: `{as_filter[0]}`", as_filter[1]
        message = f"`{short}` has no argument named like that: {hint}"
        issue = Issue("unknown-argument", f"{name}({kw.arg}=)", message, line=node.lineno, card=card,
                      fix=fix, suggestions=close)  # fmt: skip
        unknown.append((kw.arg, issue))
        given.add(close[0] if close else kw.arg)
    defaults = len(params.defaults)
    required = positional[: len(positional) - defaults] if defaults else positional
    required += [a.arg for a, d in zip(params.kwonlyargs, params.kw_defaults) if d is None]
    missing = [p for p in required if p not in given]
    wrong = [(arg, i) for arg, i in unknown if not i.suggestions]
    if len(wrong) == 1 and len(missing) == 1:
        # absorb(ledger=other) for absorb(other, *, clash): the one unknown name is the one missing
        (arg, issue), right = wrong[0], missing[0]
        issue.message = f"`{short}` has no argument named like that: write `{right}=`"
        issue.suggestions = [right]
        if f"{arg}=" in line:
            issue.fix = (node.lineno, line, line.replace(f"{arg}=", f"{right}=", 1))
        missing = []
    out += [i for _, i in unknown]
    out += value_issues(name, params, node, api, lines, unbound, constants, env)
    out += filter_issues(name, params, node, api, lines, constants)
    if missing:
        made = _made_by(name, node, api, lines) if api.is_class(name) else None
        out.append(made or Issue(
            "missing-argument",
            name,
            f"`{short}` needs {', '.join(missing)}: pass {'it' if len(missing) == 1 else 'them'} too",
            line=node.lineno,
            card=card,
        ))  # fmt: skip
    return out


def _made_by(cls: str, node: ast.Call, api: IndexSymbols, lines: list[str]) -> Issue | None:
    """``Sieve("year<2016")`` where the constructor needs more and the one documented function
    that makes a Sieve from a string takes just what was passed (``sieve(text)``: "A compiled
    filter expression. Make one with sieve."): the fix calls that function."""
    fits = []
    for maker in api.makers(cls):
        a = api.signature(maker)
        if api.kind(maker) != "function" or a is None or node.keywords:
            continue
        positional = a.posonlyargs + a.args
        if len(positional) - len(a.defaults) <= len(node.args) <= len(positional):
            fits.append(maker)
    if len(fits) != 1:
        return None
    short, maker = cls.rsplit(".", 1)[-1], fits[0].rsplit(".", 1)[-1]
    written = source(node.func, lines)
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    fix = (node.lineno, line, line.replace(f"{written}(", f"{maker}(", 1)) if f"{written}(" in line else None
    message = f"a {short} is not made by calling the class: make one with `{maker}(...)`"
    return Issue("made-by", cls, message, line=node.lineno, card=api.card(fits[0]), fix=fix)


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
        return _missing_member(owner, attr, node, api, lines, called=False)
    if not _lists_fields(owner, api):
        return []
    return _missing_member(owner, attr, node, api, lines, called=True)


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
        unknown = _missing_member(owner, node.attr, node, api, lines, called=True)
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
    return _missing_member(owner, node.attr, node, api, lines, called=True)


_COPYING = {"copy", "clone", "duplicate", "replace", "evolve", "copy_with", "with_changes", "updated"}


def _missing_member(
    owner: str, attr: str, node: ast.AST, api: IndexSymbols, lines: list[str], *, called: bool
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


def _called_instance(node: ast.Call, cls: str, api: IndexSymbols, lines: list[str]) -> list[Issue]:
    """``bank().age(2025)`` where ``bank`` holds a ``Ledger``, which documents no ``__call__``:
    the instance is used as it is (the fix drops an empty call)."""
    symbol = api.resolve(cls) or cls
    if symbol not in api.entries or "__call__" in api.members(symbol):
        return []
    assert isinstance(node.func, ast.Name)
    short = symbol.rsplit(".", 1)[-1]
    fix = span_fix(node, lines, node.func.id) if not node.args and not node.keywords else None
    message = f"`{node.func.id}` is a {short}, not a function: use it as it is, with its members"
    return [Issue("not-callable", node.func.id, message, line=node.lineno, card=api.card(symbol), fix=fix)]


def _called_field(node: ast.Call, api: IndexSymbols, env: Mapping[str, Binding],
                  lines: list[str]) -> list[Issue]:  # fmt: skip
    """``bank.isolate("SL-0007").code()`` where ``Accession.code`` is a documented field or
    property, not a method: its value is read without a call (the fix drops an empty one)."""
    assert isinstance(node.func, ast.Attribute)
    owner = type_of(node.func.value, api, env)
    member = api.resolve(f"{owner}.{node.func.attr}") if owner else None
    if member is None or api.kind(member) not in ("attribute", "property"):
        return []
    annotation = api.entries[member].metadata.get("signature") or ""
    # a field that holds a function may be called; a call with arguments is left unflagged
    if "Callable" in annotation or node.args or node.keywords:
        return []
    written = source(node.func, lines)
    short = member.rsplit(".", 2)[-2:]
    message = f"`{'.'.join(short)}` is a value, not a method: read it without calling it (`.{short[1]}`)"
    fix = span_fix(node, lines, written) if written else None
    return [Issue("not-callable", member, message, line=node.lineno, card=api.card(member), fix=fix)]
