"""Strings in a filter language the docs give: a function makes a class from text whose syntax
its docs show (``sieve(text)``: ``e.g. "year<2018 and tag:heirloom"; fields are ``code``, ...``),
and parameters take such text (``sift(query: str | Sieve)``, ``stock(where="genus=Allium")`` in an
example). The fields and operators its docs and examples use check the strings an answer passes
there: a field they never name (``label:red``), an operator only some fields take (``code:SL-0003``
where only ``tag`` takes ``:``), a word that is no filter at all (``where='freezer'``)."""

from __future__ import annotations

import ast
import difflib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import Issue, call_name, span_fix
from .api import IndexSymbols
from .pyvalues import enum_value, meaning, passed_args, stem

_PAIR = re.compile(r"([A-Za-z_]\w*)\s*([<>=!~:]+)")
_OPERATOR = re.compile(r"[<>=!~:]+")


@dataclass
class Language:
    factory: str  # the function that reads the text
    examples: list[str] = field(default_factory=list)  # the factory's doc's, then the shortest first
    documented: int = 0  # how many of them its doc gives
    fields: set[str] = field(default_factory=set)  # lowercased
    listed_ops: set[str] = field(default_factory=set)  # operators the docs name
    seen: dict[str, Counter] = field(default_factory=dict)  # field -> operators examples use with it
    enums: dict[str, str] = field(default_factory=dict)  # field -> the documented enum of its values

    def ops(self) -> set[str]:
        return self.listed_ops | {op for c in self.seen.values() for op in c}

    def card(self, api: IndexSymbols, symbol: str) -> str:
        """``symbol``'s card and the language's first two filters, for a repair round."""
        return "\n    ".join([api.card(symbol), *[f"e.g. {e!r}" for e in self.examples[:2]]])

    def plain_op(self) -> str:
        """The operator for a field no example shows: ``=`` where the language has it."""
        counts = sum(self.seen.values(), Counter())
        ops = sorted(self.ops(), key=lambda o: (o != "=", -counts[o], o))
        return next((o for o in ops if not self.only_after(o)), "")

    def only_after(self, op: str) -> set[str]:
        """The fields an operator the docs do not list goes after in every example (``:`` after
        ``tag``): empty when it is listed or goes after several."""
        if op in self.listed_ops:
            return set()
        after = {f for f, ops in self.seen.items() if op in ops}
        return after if len(after) == 1 and len(self.seen) >= 3 else set()


def languages(api: IndexSymbols) -> dict[tuple[str, str], Language]:
    """(documented function, parameter) -> the language its text is written in."""
    if getattr(api, "_languages", None) is not None:
        return api._languages  # type: ignore[return-value]
    found: dict[str, Language] = {}
    links: dict[tuple[str, str], str] = {}
    api.factory("")  # made once for every class
    if not api._factories:  # no function reads a class from text whose syntax its docs give
        api._languages = {}
        return api._languages
    for symbol, entry in api.entries.items():
        a = api.signature(symbol)
        if a is None:
            continue
        params = entry.metadata.get("params") or {}
        own = api.text_param(symbol) if api.factory(api.returns(symbol) or "") == symbol else ""
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            # the factory's own text, or a parameter that takes such text
            doc = str(params.get(arg.arg, ""))
            factory = symbol if arg.arg == own else api.text_language(symbol, arg, doc)
            if factory:
                links[(symbol, arg.arg)] = factory
                found.setdefault(factory, _language(api, factory))
    calls = list(_example_calls(api))
    for lang in found.values():  # the strings examples pass where the language goes
        names = {lang.factory} | {s for (s, _), f in links.items() if f == lang.factory}
        lasts = {n.rsplit(".", 1)[-1] for n in names}
        lang.examples += [text for call, text, _ in calls if call in lasts]
    for lang in found.values():
        _learn(lang)
        lang.enums = _enums(api, lang.fields)
    # a parameter an example passes text with a known field and operator (``stock(where="genus=
    # Allium")``, its docs silent) takes the language too
    for call, text, param in calls:
        for lang in found.values():
            pairs = [(f.lower(), op) for f, op in _PAIR.findall(text)]
            if param and pairs and all(f in lang.fields and op in lang.ops() for f, op in pairs):
                for symbol in api.named(call):
                    a = api.signature(symbol)
                    if a and param in {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs}:
                        links.setdefault((symbol, param), lang.factory)
    api._languages = {k: found[f] for k, f in links.items() if found[f].examples or found[f].fields}
    return api._languages


def _language(api: IndexSymbols, factory: str) -> Language:
    doc = str((api.entries[factory].metadata.get("params") or {}).get(api.text_param(factory), ""))
    lang = Language(factory)
    for quoted in re.findall(r"``([^`]+)``", doc):
        value = quoted.strip("'\"")
        if _PAIR.search(value) and quoted[:1] in "'\"":
            lang.examples.append(value)
        elif re.fullmatch(r"[A-Za-z_]\w*", value):
            lang.fields.add(value.lower())
        else:
            lang.listed_ops |= {w for w in value.split() if _OPERATOR.fullmatch(w)}
    lang.documented = len(lang.examples)
    return lang


def _learn(lang: Language) -> None:
    k = lang.documented
    lang.examples = list(dict.fromkeys(lang.examples[:k] + sorted(lang.examples[k:], key=len)))
    for text in lang.examples:
        for f, op in _PAIR.findall(text):
            lang.seen.setdefault(f.lower(), Counter())[op] += 1
    lang.fields |= set(lang.seen)


def _enums(api: IndexSymbols, fields: set[str]) -> dict[str, str]:
    """The documented enum whose values a field takes: the one named like it (``keep`` ->
    ``Keeping``, ``state`` -> ``LotState``, ``vigour`` -> ``Vigour``)."""
    enums = [s for s in api.entries if api.is_class(s) and any(enum_value(api, f"{s}.{m}")
             for m in api.member_list(s))]  # fmt: skip
    out = {}
    for f in fields:
        named = [e for e in enums if stem(e.rsplit(".", 1)[-1]).lower() == stem(f)
                 or e.rsplit(".", 1)[-1].lower().endswith(f)]  # fmt: skip
        if len({n.rsplit(".", 1)[-1] for n in named}) == 1:
            out[f] = named[0]
    return out


def _example_calls(api: IndexSymbols):
    """(called name's last part, string argument, its keyword or '') for each call with a string
    in the docs' examples; an example that ends in a traceback shows a wrong string."""
    for text in api.example_texts():
        if "Traceback" in text:
            continue
        code = "\n".join(
            ln[4:] for ln in text.splitlines() if ln.startswith((">>> ", "... "))
        ) if ">>> " in text else text  # fmt: skip
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            last = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            given = [("", v) for v in node.args[:1]] + [(k.arg or "", k.value) for k in node.keywords]
            for param, v in given:
                if last and isinstance(v, ast.Constant) and isinstance(v.value, str):
                    yield last, v.value, param


def filter_issues(name: str, params: ast.arguments, node: ast.Call, api: IndexSymbols, lines: list[str],
                  constants: Mapping[str, ast.Constant]) -> list[Issue]:  # fmt: skip
    """The strings a call passes where the docs' filter language goes, checked against it."""
    symbol = api.resolve(name)
    known = languages(api)
    if symbol is None or not any(s == symbol for s, _ in known):
        return []
    out = []
    for arg, value in passed_args(params, node):
        lang = known.get((symbol, arg.arg))
        if isinstance(value, ast.Name) and value.id in constants:
            value = constants[value.id]
        if lang is None or not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            continue
        message, fixed = problem(lang, value.value, api)
        if message:
            fix = span_fix(value, lines, repr(fixed)) if fixed else None
            card = lang.card(api, lang.factory)
            out.append(Issue("bad-filter", f"{name}({arg.arg}=)", message, line=value.lineno, card=card,
                             fix=fix, suggestions=[fixed] if fixed else []))  # fmt: skip
    return out


def problem(lang: Language, text: str, api: IndexSymbols | None = None) -> tuple[str, str | None]:
    """(what is wrong with a filter string, the string fixed where the docs decide), or ('', None)."""
    short = lang.factory.rsplit(".", 1)[-1]
    like = f" like {' or '.join(repr(e) for e in lang.examples[:2])}" if lang.examples else ""
    pairs = list(_PAIR.finditer(text))
    if not pairs:  # a bare word: the field whose enum the docs say it means (freezer: keep=deep)
        meant = {(f, enum_value(api, f"{owner}.{m}")) for f, owner in lang.enums.items()
                 for m in meaning(api, owner, text)} if api is not None else set()  # fmt: skip
        fixed = f"{next(iter(meant))[0]}{lang.plain_op()}{next(iter(meant))[1]}" if len(meant) == 1 else None
        hint = f"write {fixed!r}" if fixed else f"write one{like}, with the field the task means"
        return f"{text!r} is not a {short} filter: {hint}", fixed
    if spaced := _spaced_value(lang, text, pairs):
        return spaced
    fields = ", ".join(sorted(lang.fields))
    for m in pairs:
        written, op = m.group(1), m.group(2)
        f = written.lower()
        if f not in lang.fields:
            close = difflib.get_close_matches(f, sorted(lang.fields), n=1, cutoff=0.75)
            fixed = text[: m.start(1)] + close[0] + text[m.end(1) :] if close else None
            hint = f"write `{close[0]}`" if close else f"its fields are {fields}"
            return f"`{written}` is not a field of the {short} language: {hint}", fixed
        if op not in lang.ops():
            close = difflib.get_close_matches(op, sorted(lang.ops()), n=1, cutoff=0.5)
            fixed = text[: m.start(2)] + close[0] + text[m.end(2) :] if close else None
            return f"`{op}` is not an operator of the {short} language" + (
                f": write `{written}{close[0]}`" if close else ""
            ), fixed
        usual = lang.seen.get(f, Counter()).most_common(1)
        after = lang.only_after(op)
        own = next((o for o in lang.seen.get(f, {}) if lang.only_after(o) == {f}), None)
        if after and f not in after:
            right = usual[0][0] if usual else lang.plain_op()
            fixed = text[: m.start(2)] + right + text[m.end(2) :] if right else None
            return f"`{op}` goes only after {', '.join(sorted(after))} in the {short} language" + (
                f": write `{written}{right}`" if right else ""
            ), fixed
        if own and op != own:  # ``tag=red`` where every example writes ``tag:red``
            return f"{short} writes `{written}{own}`, not `{written}{op}`", (
                text[: m.start(2)] + own + text[m.end(2) :]
            )
        value = re.compile(r"\s*(['\"]?)([\w.-]+)\1").match(text, m.end())
        if api is not None and f in lang.enums and value:
            said = _enum_problem(api, lang.enums[f], written, value.group(2))
            if said:
                message, right = said
                fixed = text[: value.start(2)] + right + text[value.end(2) :] if right else None
                if not right and (other := _other_field(api, lang, f, value.group(2))):
                    field, right = other  # ``state=DEEP``: DEEP is a ``keep`` value
                    fixed = text[: m.start(1)] + field + text[m.end(1) : value.start(2)] + right
                    fixed += text[value.end(2) :]
                    message = message.split(": it is one of")[0] + f": write `{field}{op}{right}`"
                return message, fixed
    return "", None


def _spaced_value(lang: Language, text: str, pairs: list[re.Match]) -> tuple[str, str] | None:
    """``site=Puebla de Zaragoza``: a value of several words, where the words joining conditions
    (those of the docs' examples: ``and``, ``or``, ``not``) do not follow the first; the fix
    quotes it (``site="Puebla de Zaragoza"``)."""
    joins = {w.casefold() for e in lang.examples for w in re.findall(r"\b(and|or|not)\b", e, re.I)}
    for m in pairs if joins else []:
        rest = re.match(r"\s*([^\s()'\"]+(?:[ \t]+[^\s()'\"]+)*)", text[m.end() :])
        words = rest.group(1).split() if rest else []
        value = []
        for w in words:
            if w.casefold() in joins or _PAIR.match(w):
                break
            value.append(w)
        if len(value) > 1 and not re.fullmatch(r"[\d.]+", value[0]):  # "grams>=100 g" is no text
            start = m.end() + rest.start(1)  # type: ignore[union-attr]
            end = start + len(" ".join(value))
            if text[start:end] != " ".join(value):
                continue
            fixed = f'{text[:start]}"{text[start:end]}"{text[end:]}'
            return f"{text[start:end]!r} has spaces: quote it (`{m.group(0)}\"{text[start:end]}\"`)", fixed
    return None


def _enum_problem(api: IndexSymbols, owner: str, written: str, value: str) -> tuple[str, str] | None:
    """``keep=freezer`` where ``keep`` takes a ``Keeping`` value: the one the docs call the
    freezer (``deep``), or what it takes."""
    members = {m: v for m in api.member_list(owner) if (v := enum_value(api, f"{owner}.{m}"))}
    if value.casefold() in {v.casefold() for v in members.values()}:
        return None
    close = difflib.get_close_matches(value, list(members.values()), n=1, cutoff=0.8)
    right = close[0] if close else next((members[m] for m in meaning(api, owner, value)), "")
    hint = f"write `{written}={right}`" if right else f"it is one of {', '.join(members.values())}"
    return f"`{written}` takes a {owner.rsplit('.', 1)[-1]} value, and {value!r} is none: {hint}", right


def _other_field(api: IndexSymbols, lang: Language, field: str, value: str) -> tuple[str, str] | None:
    """The one other field whose enum has ``value`` (by value or member name), and that value."""
    found = []
    for other, owner in lang.enums.items():
        members = {m: v for m in api.member_list(owner) if (v := enum_value(api, f"{owner}.{m}"))}
        hit = [v for m, v in members.items() if value.casefold() in (m.casefold(), v.casefold())]
        hit = hit or [members[m] for m in meaning(api, owner, value) if m in members]  # FREEZER: deep
        found += [(other, hit[0])] if other != field and hit else []
    return found[0] if len(found) == 1 else None


def keyword_as_filter(name: str, kw: ast.keyword, node: ast.Call, api: IndexSymbols,
                      lines: list[str]) -> tuple[str, tuple[int, str, str] | None] | None:  # fmt: skip
    """``export_table(bank, f, keeping=Keeping.CHILL)`` where the function has no ``keeping``
    but one filter parameter, left out, whose language has a field taking ``Keeping``'s values:
    (``where='keep=chill'``, the fix). A plain value (``grams=3.2``) may mean anything: none."""
    symbol = api.resolve(name)
    sig = api.signature(symbol) if symbol else None
    v = kw.value
    if sig is None or not (isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name)):
        return None
    taken = {k.arg for k in node.keywords} | {a.arg for a in sig.args[: len(node.args)]}
    found = [(p, lang) for (s, p), lang in languages(api).items() if s == symbol and p not in taken]
    enum = api.class_named(v.value.id)
    if len(found) != 1 or not enum:
        return None
    param, lang = found[0]
    field_ = next((f for f, e in lang.enums.items() if e == enum), "")
    text = f"{field_}{lang.plain_op()}{enum_value(api, f'{enum}.{v.attr}') or v.attr.lower()}"
    if not field_ or problem(lang, text, api)[0]:
        return None
    return f"{param}={text!r}", span_fix(kw, lines, f"{param}={text!r}")


def request_filter_fix(issue: Issue, code: str, request: str, api: IndexSymbols,
                       namespace: Mapping[str, str]) -> Issue:  # fmt: skip
    """``bank.stock(where=100)`` (a ``bad-type`` issue with no fix, on a parameter taking the
    filter language) for "the lots that hold at least 100 g": the filter the docs write for the
    request's conditions (``where='grams>=100'``) is the fix, where one is decided."""
    from ..conditions import request_filter

    name, _, param = issue.name.partition("(")
    param = param.rstrip("=)")
    symbol = api.resolve(name)
    if issue.kind != "bad-type" or issue.fix or not symbol or (symbol, param) not in languages(api):
        return issue
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return issue
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == issue.line
             and call_name(n) == symbol.rsplit(".", 1)[-1]]  # fmt: skip
    params = api.signature(symbol)
    given = [v for c in calls for a, v in passed_args(params, c) if a.arg == param] if params else []
    found = request_filter(request, api, namespace) if len(given) == 1 else None
    if found is None:
        return issue
    issue.fix = span_fix(given[0], code.split("\n"), repr(found.text))
    issue.message += f": the task's conditions are {found.text!r}"
    return issue
