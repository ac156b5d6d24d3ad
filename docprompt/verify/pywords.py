"""Values a request gives in words ("collected in Oaxaca", "labelled 'landrace'", "the KEW
series") that the code never uses, and the documented call that takes one where the docs decide
it (``bank.free_code()`` -> ``bank.free_code(prefix='KEW')``)."""

from __future__ import annotations

import ast
import calendar
import copy
import keyword
import re

from . import Issue, call_name, package_tree, span_fix
from .pyexpr import source
from .pyvalues import stem


def names_in(tree: ast.AST) -> set[str]:
    """The names and attribute names the code writes (``bank``, ``sift`` of ``bank.sift``)."""
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    }


_MONTHS_DAYS = {w.lower() for w in [*calendar.month_name, *calendar.day_name] if w}


# capitals that name a kind of thing, not a value ("every CSV file")
_ACRONYMS = {"CSV", "TSV", "JSON", "XML", "HTML", "PDF", "URL", "API", "UTC", "ISO", "SQL", "GPU", "CPU"}


def unused_words(code: str, request: str, api) -> list[Issue]:
    """A value the request gives in words that the code never uses: a quoted string ("labelled
    'landrace'") or a proper name ("collected in Oaxaca": a capitalised word inside a sentence,
    not a month or a day, not a name of the API), where the code holds neither it nor a word
    of it (in any case). Only against a package's own API, like :func:`unused_numbers`."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    text = re.sub(r"`[^`]*`", " ", request)
    named = "|".join(re.escape(n) for n in re.findall(r"`(\w+)`", request))
    # the code's text but the request's variables (``next_kew`` holds no 'KEW'; 'north' still counts)
    bare = ast.unparse(tree)  # no comments: ``# ... KEW series`` uses nothing
    held = re.sub(rf"(?<!['\"])\b(?:{named})\b(?!['\"])", " ", bare).casefold() if named else bare.casefold()
    documented = {part.casefold() for symbol in api.entries for part in symbol.split(".")}
    said = [m.group(2) for m in re.finditer(r"(?<!\w)(['\"])([^'\"\n]{1,60}?)\1(?!\w)", text)]
    for sentence in re.split(r"(?<=[.?!:;])\s+", text):
        words = re.findall(r"[^\W\d_][\w-]*", sentence)
        said += [w for w in words[1:] if w[0].isupper() and w not in _ACRONYMS and len(w) >= 3
                 and w.casefold() not in _MONTHS_DAYS and not keyword.iskeyword(w)
                 and w.casefold() not in documented]  # fmt: skip
    used = names_in(tree)
    issues, seen = [], set()
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    lines = code.splitlines()
    for value in said:
        words = re.findall(r"\w+", value.casefold())
        if value in seen or not words:
            continue
        # 'KEW' for "to Kew": the task's value, written in other letters
        other = [n for n in strings if str(n.value).casefold() == value.casefold() and n.value != value]
        if other and not any(n.value == value for n in strings):
            seen.add(value)
            message = f"the task writes {value!r}: write it so, not {other[0].value!r}"
            issues.append(Issue("unused-value", value, message, line=other[0].lineno,
                                fix=span_fix(other[0], lines, repr(value))))  # fmt: skip
            continue
        if value.casefold() in held:
            continue
        if any(w in held for w in words if len(w) >= 3):
            continue
        seen.add(value)
        symbol = _described(api, text, value, used)
        card = api.card(symbol) if symbol else ""
        where = f" (`{symbol.split('.', 1)[-1]}`?)" if symbol else ""
        message = f"the task gives {value!r}, which the code never uses: use it where the task means it"
        fix, passed = _unpassed(tree, lines, api, symbol, value) if symbol else (None, "")
        if fix is None:
            fix, passed = _unset(tree, lines, api, value, text)
        message += f": `{passed}`" if fix else where
        issues.append(Issue("unused-value", value, message, card=card, fix=fix))
    return issues


def _unpassed(tree: ast.AST, lines: list[str], api, symbol: str, value: str) -> tuple[tuple | None, str]:
    """(fix, the call as fixed) passing ``value`` to ``symbol``'s one string parameter the code's
    one call of it leaves out (``bank.free_code()`` -> ``bank.free_code(prefix='KEW')``)."""
    short = symbol.rsplit(".", 1)[-1]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and call_name(n) == short]
    a = api.signature(symbol)
    if len(calls) != 1 or a is None:
        return None, ""
    positional = [x for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")]
    given = {k.arg for k in calls[0].keywords} | {x.arg for x in positional[: len(calls[0].args)]}
    free = [x for x in positional + a.kwonlyargs if x.arg not in given and x.annotation is not None
            and re.fullmatch(r"str(?: \| None)?", ast.unparse(x.annotation))]  # fmt: skip
    if len(free) != 1:
        return None, ""
    fixed = copy.deepcopy(calls[0])
    fixed.keywords.append(ast.keyword(arg=free[0].arg, value=ast.Constant(value)))
    text = source(calls[0], lines) and ast.unparse(fixed)
    return (span_fix(calls[0], lines, text) if text else None), text


def _unset(tree: ast.AST, lines: list[str], api, value: str, request: str) -> tuple[tuple | None, str]:
    """(fix, the call as fixed) setting ``value`` on the builder the code makes, through the one
    setter whose parameter the request names just before it ("code VF-0001": ``draft('Vicia
    faba')`` -> ``draft('Vicia faba').coded('VF-0001')``), where the code calls no such setter."""
    at = request.find(value)
    said = re.findall(r"[a-z]+", request[max(0, at - 30) : at].lower())[-1:] if at > 0 else []
    called = {call_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = next(iter(api.named(call_name(call))[:1]), None)
        builder = api.returns(symbol) if symbol else None
        setters = []
        for member in api.member_list(builder) if builder and said else []:
            a = api.signature(f"{builder}.{member}")
            params = [x.arg for x in a.args if x.arg != "self"] if a else []
            if params == said and api.returns(f"{builder}.{member}") == builder:
                setters.append(member)
        text = source(call, lines)
        if len(setters) != 1 or setters[0] in called or not text:
            continue
        fixed = f"{text}.{setters[0]}({value!r})"
        return span_fix(call, lines, fixed), fixed
    return None, ""


def _described(api, request: str, value: str, used: set[str]) -> str:
    """The API function whose first doc line shares a word's stem with a word just
    before ``value`` in the request ("collected in Oaxaca": ``from_site``, "Set the collection
    site"), the nearest word first; among several, the one member of a class the code already
    calls members of (``draft(...).coded(...)``: ``AccessionDraft``); or ''."""
    at = request.find(value)
    before = [w for w in re.findall(r"[a-z]{4,}", request[max(0, at - 40) : at].lower())[-3:]
              if w not in {"with", "from", "into", "that", "their", "whose"}]  # fmt: skip
    for word in reversed(before if at >= 0 else []):
        key = stem(word)
        found = []
        for symbol in api.entries:
            if api.is_class(symbol) or api.kind(symbol) not in ("function", "method"):
                continue
            doc = api.card(symbol).split(") -> ", 1)[-1].split(": ", 1)[-1].lower()
            if any(
                stem(w) == key or (len(key) >= 5 and w.startswith(key)) for w in re.findall(r"[a-z]{4,}", doc)
            ):
                found.append(symbol)
        owned = [f for f in found if used & api.members(f.rsplit(".", 1)[0])]
        for group in (found, owned):
            if len(group) == 1:
                return group[0]
    return ""
