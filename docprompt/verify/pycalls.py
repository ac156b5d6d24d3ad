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
from .pymembers import missing_member
from .pyreturns import containers_passed
from .pyvalues import value_issues


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
            return missing_member(owner, attr, node, api, lines, called=True, env=env)
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
    if twice := [k.arg for k in node.keywords if k.arg in given]:
        out.append(_passed_twice(name, positional, twice[0], node, lines, card))
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


def _passed_twice(name: str, positional: list[str], param: str, node: ast.Call, lines: list[str],
                  card: str) -> Issue:  # fmt: skip
    """``germ_count(200, emerged=22, sown=25)``: ``sown`` by position and by keyword (a TypeError);
    the fix keeps the keyword and drops the value passed by position (the 1.5B copied the card's
    example, ``germ_count(200, emerged=150)``, then named the request's value)."""
    import copy

    fixed = copy.deepcopy(node)
    del fixed.args[positional.index(param)]
    fix = span_fix(node, lines, ast.unparse(fixed)) if node.lineno == node.end_lineno else None
    message = f"`{name.split('.', 1)[-1]}` gets {param} twice, by position and by keyword: pass it once"
    return Issue("bad-arguments", name, message, line=node.lineno, card=card, fix=fix)


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
