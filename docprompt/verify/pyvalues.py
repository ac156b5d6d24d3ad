"""The strings a documented parameter takes: ``Literal`` values, an enum's values (``keeping:
Keeping | str``), the values its docs list ("one of ``keeping``, ``state``"); what the docs say
each means, to fix a value written as a word of its description (``'freezer'`` -> ``'deep'``,
``by='storage'`` -> ``by='keeping'``)."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from . import Issue, package_tree, span_fix
from .api import IndexSymbols

# words of four letters or more that say nothing of what a member holds
PLAIN_WORDS = {"what", "which", "where", "when", "that", "this", "these", "those", "with", "from",
               "have", "does", "into", "there", "their", "they", "them", "then", "than", "each",
               "some", "many", "much", "more", "most", "also", "been", "were", "will", "would",
               "should", "could", "about", "other", "only", "your", "whether", "none", "never",
               "true", "false", "store"}  # fmt: skip


def value_issues(name: str, params: ast.arguments, node: ast.Call, api: IndexSymbols, lines: list[str],
                 unbound: AbstractSet[str], constants: Mapping[str, ast.Constant],
                 env: Mapping[str, tuple[str, str]] | None = None) -> list[Issue]:  # fmt: skip
    """A string passed where the docs allow only some: a ``Literal["left", "right"]`` parameter,
    or one typed with a documented enum (``keeping: Keeping | str`` takes ``"deep"``, not
    ``"freezer"``: the enum's card says which member is the freezer)."""
    out = []
    for arg, value in passed_args(params, node):
        if isinstance(value, ast.Name) and value.id in constants:
            value = constants[value.id]  # season = "AUTUMN"; regrow_plan(..., season=season)
        allowed, owner = _allowed(arg.annotation, api)
        allowed = allowed or _one_of(api, name, arg.arg)
        if (
            isinstance(value, ast.Name)
            and value.id in unbound
            and value.id.casefold() in map(str.casefold, allowed)
        ):
            fix = span_fix(value, lines, repr(value.id)) if value.lineno == node.lineno else None
            message = f"`{value.id}` is not defined: write the value as a string, {value.id!r}"
            out.append(
                Issue("undefined-name", value.id, message, line=value.lineno, card=api.card(name), fix=fix)
            )
            continue
        if not allowed and (wrong := _string_for_enum(name, arg, value, api, lines)):
            out.append(wrong)
            continue
        if not allowed and (wrong := _literal_for_class(name, arg, value, api, lines, env or {})):
            out.append(wrong)
            continue
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            continue
        if not allowed or value.value.casefold() in {a.casefold() for a in allowed}:
            continue
        close = difflib.get_close_matches(value.value, allowed, n=1, cutoff=0.8)
        if not close and owner:  # keeping='freezer' where the docs say ``DEEP`` the -18 °C freezer
            close = [enum_value(api, f"{owner}.{m}") for m in meaning(api, owner, value.value)]
        elif not close:  # by='storage' where the docs call the field ``keeping`` "the storage tier"
            close = _described_as(api, allowed, value.value)
        fix = span_fix(value, lines, repr(close[0])) if close else None
        said = ", ".join(repr(a) for a in allowed)
        message = f"`{name.split('.', 1)[-1]}`'s {arg.arg} is one of {said}: " + (
            f"write {close[0]!r}" if close else "write the one the task means"
        )
        card = api.card(owner) if owner else api.card(name)
        out.append(Issue("bad-value", f"{name}({arg.arg}=)", message, line=value.lineno, card=card, fix=fix,
                         suggestions=close))  # fmt: skip
    return out


def passed_args(params: ast.arguments, node: ast.Call) -> list[tuple[ast.arg, ast.expr]]:
    """(documented parameter, the value passed for it) for each argument of a call; each value
    past the positional parameters goes to ``*args`` where there is one (``new_ledger(a, b)``
    for ``*lots: Accession``: two lots)."""
    positional = params.posonlyargs + params.args
    by_name = {a.arg: a for a in positional + params.kwonlyargs}
    passed = list(zip(positional, node.args))
    if params.vararg is not None:
        passed += [(params.vararg, v) for v in node.args[len(positional) :] if not isinstance(v, ast.Starred)]
    return passed + [(by_name[k.arg], k.value) for k in node.keywords if k.arg in by_name]


def defaults_of(params: ast.arguments) -> dict[str, ast.expr]:
    """parameter -> its default, for each parameter that has one."""
    positional = params.posonlyargs + params.args
    found = {a.arg: d for a, d in zip(positional[len(positional) - len(params.defaults) :], params.defaults)}
    return found | {a.arg: d for a, d in zip(params.kwonlyargs, params.kw_defaults) if d is not None}


def article(what: str) -> str:
    """``an Accession``, ``a `str```: the article the word (quoted or not) takes."""
    return ("an " if what.lstrip("`")[:1].upper() in "AEIOU" else "a ") + what


def _literal_for_class(name: str, arg: ast.arg, value: ast.expr, api: IndexSymbols, lines: list[str],
                       env: Mapping[str, tuple[str, str]]) -> Issue | None:  # fmt: skip
    """``bank.shelve("SL-0004")`` where the docs say ``lot: Accession`` (or, unannotated, that it
    takes "an :class:`Accession`"): a string or a number where a parameter takes only the
    package's own classes; the message names how to get one. A key where the one variable
    holding the class that looks such keys up is at hand: the fix looks it up
    (``projected_germ('SL-0007', ...)`` -> ``projected_germ(bank.pluck('SL-0007'), ...)``)."""
    if not isinstance(value, ast.Constant) or isinstance(value.value, bool) or value.value is None:
        return None
    classes = api.taken_classes(name, arg)
    if not classes:
        return None
    got = type(value.value).__name__
    wanted = article(" or ".join(c.rsplit(".", 1)[-1] for c in classes))
    ways = [m for c in classes for m in api.makers(c)][:2]
    hint = " or ".join(f"`{m.split('.', 1)[-1]}(...)`" for m in ways)
    message = f"`{name.split('.', 1)[-1]}`'s {arg.arg} takes {wanted}, not {article(got)}: pass " + (
        f"one, as {hint} returns" if ways else "one"
    )
    made = api.returns(name)
    if isinstance(value.value, str) and re.fullmatch(r"[\w./-]+\.[A-Za-z]\w{0,4}", value.value) and made:
        # new_ledger('harvest.csv'): a file, where functions that read one return what the call makes
        readers = [m.split(".", 1)[-1] for m in api.makers(made) if _reads_files(api, m)][:2]
        if readers:
            short = made.rsplit(".", 1)[-1]
            message += f"; {value.value!r} is a file: " + " or ".join(f"`{r}(...)`" for r in readers)
            message += f" reads it into {article(short)}"
        return Issue("bad-type", f"{name}({arg.arg}=)", message, line=value.lineno, card=api.card(classes[0]))
    fix, looked = None, _looked_up(value, classes, api, env)
    if looked and (fix := span_fix(value, lines, looked)):
        message = f"`{name.split('.', 1)[-1]}`'s {arg.arg} takes {wanted}, not its key: pass `{looked}`"
    return Issue("bad-type", f"{name}({arg.arg}=)", message, line=value.lineno, card=api.card(classes[0]),
                 fix=fix)  # fmt: skip


def _looked_up(value: ast.Constant, classes: list[str], api: IndexSymbols,
               env: Mapping[str, tuple[str, str]]) -> str:  # fmt: skip
    """``bank.pluck('SL-0007')`` for ``'SL-0007'``: the call of the one-string method that looks
    up an object of ``classes`` by key, on the one variable holding its class; '' when the docs
    or the variables leave it open."""
    from ..lookups import getter

    if not isinstance(value.value, str):
        return ""
    calls = set()
    for cls in classes:
        found = getter(api, cls)
        owner = found[0].rsplit(".", 1)[0] if found else ""
        held = [v for v, (kind, c) in env.items() if kind == "instance" and owner and api.is_a(c, owner)]
        if found and len(held) == 1:
            calls.add(f"{held[0]}.{found[0].rsplit('.', 1)[-1]}({value.value!r})")
    return calls.pop() if len(calls) == 1 else ""


def _reads_files(api: IndexSymbols, function: str) -> bool:
    """A function whose first parameter is a path (``read_loft(path: str | Path)``)."""
    first = api.first_param(function)
    return first is not None and first.arg in ("path", "file", "filename", "source")


def _one_of(api: IndexSymbols, name: str, param: str) -> list[str]:
    """The values a parameter's docs list (``by: one of ``keeping``, ``state``, ``genus``.``)."""
    symbol = api.resolve(name)
    said = str(
        ((api.entries[symbol].metadata.get("params") or {}) if symbol in api.entries else {}).get(param, "")
    )
    m = re.search(r"\bone of\b([^.;]*(?:\.[^\s.;][^.;]*)*)", said)
    found = [v.strip("'\"") for v in re.findall(r"``([^`]+)``", m.group(1))] if m else []
    return found if len(found) >= 2 else []


def _allowed(annotation: ast.expr | None, api: IndexSymbols) -> tuple[list[str], str]:
    """The strings a parameter annotated so takes (none: any), and the enum that says so."""
    if annotation is None:
        return [], ""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value).rsplit(".", 1)[-1] == "Literal":
            found = [n.value for n in ast.walk(node.slice) if isinstance(n, ast.Constant)]
            strings = [v for v in found if isinstance(v, str)]
            if strings and len(strings) == len(found):
                return strings, ""
    names = {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}
    return _enum_in(annotation, api) if "str" in names else ([], "")


def _enum_in(annotation: ast.expr, api: IndexSymbols) -> tuple[list[str], str]:
    """The values of the documented enum an annotation names, and that enum."""
    for cls in sorted({n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)} - {"str"}):
        for symbol in api.named(cls):
            values = [v for m in api.member_list(symbol) if (v := enum_value(api, f"{symbol}.{m}"))]
            if values:
                return values, symbol
    return [], ""


def _string_for_enum(name: str, arg: ast.arg, value: ast.expr, api: IndexSymbols,
                     lines: list[str]) -> Issue | None:  # fmt: skip
    """``regrow_plan(season="AUTUMN")`` where the docs say ``season: Season``: the member meant
    (by value, name, spelling or the docs' word for it: ``LEAFFALL`` (autumn)) written as one."""
    if arg.annotation is None or not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    values, owner = _enum_in(arg.annotation, api)
    if not values:
        return None
    members = {m: v for m in api.member_list(owner) if (v := enum_value(api, f"{owner}.{m}"))}
    said = value.value.casefold()
    found = [m for m, v in members.items() if said in (m.casefold(), v.casefold())]
    if not found:
        close = difflib.get_close_matches(value.value, list(members.values()), n=1, cutoff=0.8)
        found = [m for m, v in members.items() if v in close] or meaning(api, owner, value.value)
    short = owner.rsplit(".", 1)[-1]
    fix = span_fix(value, lines, f"{short}.{found[0]}") if found else None
    hint = f"write `{short}.{found[0]}`" if found else "write the member the task means"
    message = f"`{name.split('.', 1)[-1]}`'s {arg.arg} takes a {short}, not a string: {hint}"
    return Issue("bad-value", f"{name}({arg.arg}=)", message, line=value.lineno, card=api.card(owner),
                 fix=fix, suggestions=[f"{short}.{m}" for m in found[:1]])  # fmt: skip


def meanings(api: IndexSymbols, owner: str) -> dict[str, str]:
    """What the class's docs say each enum member is, lowercased (``{"LEAFFALL": "(autumn)"}``
    from "``THAW`` (spring), ``LEAFFALL`` (autumn)"); {} for a class that is no enum."""
    entry = api.entries.get(api.resolve(owner) or owner)
    out: dict[str, str] = {}
    if entry is None:
        return out
    for m in [m for m in api.member_list(owner) if enum_value(api, f"{owner}.{m}")]:
        said = re.search(rf"``{re.escape(m)}``([^`]*)", entry.text)
        if said:
            text = re.sub(r"\s+", " ", said.group(1).split(".")[0]).lower()
            out[m] = re.sub(r"(,|\band|\bor)?\s*$", "", text).strip()
    return out


def meaning(api: IndexSymbols, owner: str, word: str) -> list[str]:
    """The one enum member whose description holds ``word`` (``LEAFFALL`` for "autumn"), as a
    one-item list, or []."""
    key = word.strip().lower()
    said = meanings(api, owner)
    found = [m for m, text in said.items() if key and re.search(rf"\b{re.escape(key)}\b", text)]
    if not found and len(key) >= 4:  # COLD for ``CHILL`` the 4 °C coldroom: a word's start
        found = [m for m, text in said.items() if re.search(rf"\b{re.escape(key)}\w", text)]
    return found if len(found) == 1 else []


_SUFFIXES = ("ations", "ation", "ings", "ing", "ages", "age", "ers", "er", "ed", "es", "s", "e")


def stem(word: str) -> str:
    """A word's stem, crudely (``storage``, ``stored`` -> ``stor``; ``freezer`` -> ``freez``)."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stems(text: str, shortest: int = 4) -> set[str]:
    """The stems of the words of ``text`` of ``shortest`` letters or more."""
    return {stem(w) for w in re.findall(rf"[a-z]{{{shortest},}}", text.lower())}


def _described_as(api: IndexSymbols, allowed: list[str], written: str) -> list[str]:
    """The one allowed value whose docs use a word of ``written`` (``keeping`` for "storage":
    "keeping: the storage tier", "Where a lot is stored"), as a one-item list, or []. A value's
    docs: the entries named so (a field, a class of that name) and the parameters named so."""
    words = stems(" ".join(w for w in written.split() if w.lower() not in PLAIN_WORDS)) - {
        stem(a) for a in allowed
    }
    if not words:
        return []
    found = []
    for value in allowed:
        said = [e.text.split("\n\n", 1)[1] for s, e in api.entries.items()
                if s.rsplit(".", 1)[-1].lower() == value.lower() and "\n\n" in e.text]  # fmt: skip
        said += [str(t) for e in api.entries.values() for p, t in (e.metadata.get("params") or {}).items()
                 if p == value]  # fmt: skip
        if words & stems(" ".join(said)):
            found.append(value)
    return found if len(found) == 1 else []


def enum_value(api: IndexSymbols, member: str) -> str:
    """``'deep'`` for an enum member documented ``DEEP = 'deep'`` ('' for anything else)."""
    entry = api.entries.get(member)
    if entry is None or not member.rsplit(".", 1)[-1].isupper():
        return ""
    m = re.fullmatch(r"\s*=\s*(['\"])(.*)\1\s*", entry.metadata.get("signature") or "")
    return m.group(2) if m else ""


def meant_values(code: str, request: str, api: IndexSymbols) -> list[Issue]:
    """A documented value other than the one the request describes: "count the lots per
    storage tier" answered with ``tally(by="state")``, where ``by`` is one of ``keeping``,
    ``state``, ... and only ``keeping``'s docs say "storage tier". Only where the request names
    none of the allowed values by its own word and its words point to one other value; the fix
    writes that one."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    # the request's own words: not the variables it names, the strings it gives or "store it in `x`"
    words = re.sub(r"\b(?:store|save|put|keep|assign)\b[^.;]*?\bin\s+`\w+`|`[^`]*`|'[^']*'|\"[^\"]*\"",
                   " ", request, flags=re.I)  # fmt: skip
    said = stems(words)
    lines = code.splitlines()
    issues = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        last = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        for symbol, params in [(s, p) for s in api.named(last) if (p := api.signature(s)) is not None][:1]:
            for arg, value in passed_args(params, node):
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    continue
                allowed = _allowed(arg.annotation, api)[0] or _one_of(api, symbol, arg.arg)
                named = [a for a in allowed if stem(a) in said or re.search(rf"\b{a}\b", words, re.I)]
                if value.value not in allowed or named:
                    continue
                meant = _described_as(api, allowed, words)
                if not meant or meant[0] == value.value:
                    continue
                message = (
                    f"the task means {meant[0]!r} for `{symbol.split('.', 1)[-1]}`'s {arg.arg} (its docs "
                    f"describe it so), not {value.value!r}"
                )
                issues.append(Issue("meant-value", f"{symbol}({arg.arg}=)", message, line=value.lineno,
                                    card=api.card(symbol), fix=span_fix(value, lines, repr(meant[0])),
                                    suggestions=meant))  # fmt: skip
    return issues


def one_best(ranked: list[tuple[str, float]]) -> str:
    """The name ranked first alone (``ranked`` best first), with a score; '' for none or a tie."""
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return ""
    return ranked[0][0]


def alike(a: str, b: str) -> bool:
    """Two words alike: the same, or the same first five letters ("germinate", "germination")."""
    a, b = a.lower(), b.lower()
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def acting_verbs(request: str) -> set[str]:
    """The verbs a request's clauses begin with ("Retire every lot ...", "then quarantine the
    lots ..."): what it does to things. A member whose docs use the word ("retired") is then no
    condition on them, nor one the code must use."""
    clauses = re.split(r"[.;:]\s|,\s*(?:and\s+)?then\b|\bthen\b", request)
    found = (re.match(r"\s*([A-Za-z]+)\s+(?:every|each|all|the|any|those|these)\b", c, re.I) for c in clauses)
    return {m.group(1).lower() for m in found if m}
