"""A class whose docs say how to get one other than by calling it ("Build one with :func:`draft`
rather than calling the class.", "Make one with :func:`sieve`."), called: the issue names that
function and carries the cards of it and of what it returns (a builder's setters), where the
model learns the chain (``draft(taxon).coded(...).harvested(...).seal()``)."""

from __future__ import annotations

import ast
import re

from . import Issue, one_symbol, package_tree
from .api import IndexSymbols
from .pyvalues import article

_SAYS = re.compile(r"\b(?:Build|Make|Create|Get|Start) (?:one|them|it|instances?)"
    r" with :(?:func|meth):`~?([\w.]+)`")


def called_classes(code: str, api: IndexSymbols) -> list[Issue]:
    """Issues for the calls of a documented class its docs say to make with a function."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    out, seen = [], set()
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        cls = one_symbol(call, api)
        said = _SAYS.search(api.doc(cls)) if cls and api.is_class(cls) else None
        named = api.named(said.group(1).rsplit(".", 1)[-1]) if said else []
        maker = next((s for s in named if api.kind(s) in ("function", "method")), "")
        if not cls or not maker or cls in seen:
            continue
        seen.add(cls)
        short, name = cls.rsplit(".", 1)[-1], maker.rsplit(".", 1)[-1]
        made = api.returns(maker) or ""
        cards = [api.card(maker)] + ([api.card(made) + _chain(api, made)] if made and made != cls else [])
        message = f"the docs say to make {article(short)} with `{name}(...)`, not by calling the class"
        fix = _built(call, cls, maker, made, api, code.split("\n"))
        card = "\n".join(c for c in cards if c)
        out.append(Issue("made-by", cls, message, line=call.lineno, card=card, fix=fix))
    return out


def _chain(api: IndexSymbols, builder: str) -> str:
    """`` Its methods: .coded(code), .harvested(year), ...`` for a builder class."""
    calls = []
    for member in api.member_list(builder):
        a = api.signature(f"{builder}.{member}") if api.kind(f"{builder}.{member}") == "method" else None
        if a is not None and not member.startswith("_"):
            params = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs if x.arg not in ("self", "cls")]
            params += [f"*{a.vararg.arg}"] if a.vararg else []
            calls.append(f".{member}({', '.join(params)})")
    return f" Its methods: {', '.join(calls)}." if calls else ""


def _built(call: ast.Call, cls: str, maker: str, builder: str, api: IndexSymbols,
           lines: list[str]) -> tuple[int, str, str] | None:  # fmt: skip
    """The constructor's arguments given to the maker and the builder's setters, each by the
    name of its one parameter (``Accession(code='SL-1', taxon='A', year=2021)`` ->
    ``draft('A').coded('SL-1').harvested(2021).seal()``), then the method that returns the class;
    None where one argument has no place."""
    from . import block_fix

    init, make = api.signature(cls), api.signature(maker)
    if init is None or make is None or not builder:
        return None
    names = [x.arg for x in init.posonlyargs + init.args if x.arg not in ("self", "cls")]
    given = dict(zip(names, call.args)) | {k.arg: k.value for k in call.keywords if k.arg}
    if len(call.args) > len(names) or len(given) != len(call.args) + len(call.keywords):
        return None
    first = [x.arg for x in make.posonlyargs + make.args]
    if builder == cls:  # Sieve(text, tree) -> sieve(text): what the maker takes, the rest is its work
        taken = [p for p in first if p in given]
        required = first[: len(first) - len(make.defaults)]
        keywords = [k.arg for k, d in zip(make.kwonlyargs, make.kw_defaults) if k.arg in given or d is None]
        if make.vararg or make.kwarg or not taken or taken != first[: len(taken)]:
            return None
        if not set(required) <= set(taken) or not set(keywords) <= set(given):
            return None
        passed = [ast.unparse(given[p]) for p in taken] + [f"{k}={ast.unparse(given[k])}" for k in keywords]
        return block_fix(call, lines, f"{_maker_name(call, maker, api)}({', '.join(passed)})")
    setters, finish = {}, ""
    for member in api.member_list(builder):
        a = api.signature(f"{builder}.{member}")
        params = [x.arg for x in a.args if x.arg != "self"] if a else []
        if a is not None and a.vararg:
            params.append(a.vararg.arg)
        if len(params) == 1:
            setters[params[0]] = member
        elif not params and api.returns(f"{builder}.{member}") == cls:
            finish = member
    if not finish or not set(first) <= set(given) or not set(given) - set(first) <= set(setters):
        return None
    text = f"{_maker_name(call, maker, api)}({', '.join(ast.unparse(given[p]) for p in first)})"
    for name, value in given.items():
        if name not in first:
            star = "*" if api.signature(f"{builder}.{setters[name]}").vararg else ""  # type: ignore[union-attr]
            text += f".{setters[name]}({star}{ast.unparse(value)})"
    return block_fix(call, lines, f"{text}.{finish}()")


def _maker_name(call: ast.Call, maker: str, api: IndexSymbols) -> str:
    """The maker as the call names the class: ``seedloft.Accession(...)`` -> ``seedloft.draft``."""
    name = maker.rsplit(".", 1)[-1]
    if isinstance(call.func, ast.Attribute) and api.resolve(f"{ast.unparse(call.func.value)}.{name}"):
        return f"{ast.unparse(call.func.value)}.{name}"
    return name
