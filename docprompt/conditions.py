"""The conditions a request puts on the things it asks about, written in a filter language the
docs give: "How many lots in `bank` sit in the freezer?" -> ``keep=deep`` for
``Ledger.sift(query)``, whose docs say ``query`` is a sieve filter, ``keep`` one of its fields,
and ``Keeping.DEEP`` "the -18 °C freezer".

Small models read a filter language's syntax on a card and still do not write it: they loop
over ``bank.codes()`` comparing strings, or pass ``sift(60.0)``. What the docs determine is
written for them here, and the prompt shows the call (``bank.sift('keep=deep')``).

A condition is only written where the docs decide each part of it:

- a field whose values are a documented enum, from a request word the docs use for one member
  ("freezer", "coldroom", "robust"); words the docs negate ("not sent or sown") do not count;
- a number with a comparison ("under 60 %", "before 2015", "at least 40 g") on the numeric field
  whose docs share the words just before it ("germinate" -> ``germ``: "germination rate");
- a label ("labelled red", "carry the label red") for a field of strings (``tag:red``);
- a capitalized value after the field's name or a word its docs use ("genus Allium", "collected
  in Puebla or in Oaxaca").

The request must be about several of the things the filter selects ("lots", "every lot"):
"a new lot ... kept in liquid nitrogen" describes one lot, it selects none.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .verify.api import IndexSymbols
from .verify.pyfilters import Language, languages
from .verify.pyvalues import acting_verbs, alike, enum_value, meanings

_COMPARE = (
    (r"at least|no less than|not less than|since|from", ">="),
    (r"at most|no more than|not more than|up to", "<="),
    (r"under|below|less than|fewer than|lower than|before|earlier than|older than", "<"),
    (r"over|above|more than|greater than|higher than|after|later than|newer than", ">"),
)
_NUMBER = re.compile(
    r"\b(?P<cmp>" + "|".join(p for p, _ in _COMPARE) + r")\s+(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|[A-Za-z]+)?"
    r"(?P<more>\s+or\s+(?:more|above|over|less|below|under|fewer))?",
    re.I,
)
_OR_MORE = re.compile(
    r"\b(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|[A-Za-z]+)?\s+or\s+(?P<dir>more|above|over|less|below|under|fewer)\b",
    re.I,
)
_PLAIN = {"what", "which", "where", "when", "that", "this", "these", "those", "with", "from", "have", "does",
          "into", "there", "their", "they", "them", "then", "than", "each", "some", "many", "much", "more",
          "most", "also", "been", "were", "will", "would", "should", "could", "about", "other", "only",
          "your", "whether", "none", "never", "true", "false", "store", "number", "list", "codes", "code",
          "sorted", "order", "total", "still", "every", "find", "holding", "hold", "holds"}  # fmt: skip
_UNITS = {"g": "grams", "kg": "kilograms", "mg": "milligrams", "m": "metres", "km": "kilometres",
          "cm": "centimetres", "mm": "millimetres", "s": "seconds", "ms": "milliseconds", "h": "hours",
          "min": "minutes", "l": "litres", "ml": "millilitres", "kb": "kilobytes", "mb": "megabytes",
          "gb": "gigabytes"}  # fmt: skip
_COMPARING = {w for words, _ in _COMPARE for w in re.findall(r"[a-z]+", words)}
_DATED = ("before", "after", "since", "earlier", "later", "older", "newer")
_NEGATED = re.compile(r"\b(?:not|no|never|neither|nor)\b[^;,.)]*", re.I)
_QUOTED = re.compile(r"`[^`]*`")
_AT = r"(?:in\s+|at\s+|from\s+|of\s+)?"
# "collected in Puebla or in Oaxaca": a word, then capitalized values
_NAMED = re.compile(rf"\b([A-Za-z]+)\s+{_AT}([A-Z][a-z]+(?:\s+(?:or|and)\s+{_AT}[A-Z][a-z]+)*)")


@dataclass
class Filter:
    text: str  # ``keep=deep and tag:red``
    symbol: str  # the documented call that takes it and returns the things (``seedloft.Ledger.sift``)
    param: str  # its parameter that takes the text
    noun: str  # what it selects, plural ("lots")
    others: list[tuple[str, str]]  # other calls of its class that take it, and their parameter

    def calls(self, receiver: str) -> list[str]:
        """``bank.sift('keep=deep')``, then ``bank.stock(where='keep=deep')``."""
        last = self.symbol.rsplit(".", 1)[-1]
        others = [f"{receiver}.{s.rsplit('.', 1)[-1]}({p}={self.text!r})" for s, p in self.others]
        return [f"{receiver}.{last}({self.text!r})", *others]


def _letters(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", text) if w.lower() not in _PLAIN]


def element_of(api: IndexSymbols, symbol: str) -> str:
    """``Accession`` for ``sift(...) -> list[Accession]``: the class of the things a call selects."""
    m = re.fullmatch(r"(?:list|tuple|Iterable|Iterator|Sequence|set|frozenset)\[([\w.]+)(?:, \.\.\.)?\]",
                     api.return_annotation(symbol).strip("'\""))  # fmt: skip
    return api.class_named(m.group(1).rsplit(".", 1)[-1]) if m else ""


def noun_of(api: IndexSymbols, symbol: str) -> str:
    """The plural its docs' first sentence calls what it selects ("The lots a filter ... admits")."""
    first = api.doc(symbol).split("\n\n", 1)[0]
    m = re.search(r"\b(?:The|the|all|All)\s+([a-z]{3,}s)\b", first)
    return m.group(1) if m else ""


def _members(api: IndexSymbols, element: str) -> dict[str, tuple[str, str]]:
    """field member -> (its docs, its annotation) for the element class."""
    from .verify.pymeant import member_docs

    docs = member_docs(api, element)
    types: dict[str, str] = {}
    a = api.signature(element)
    if a is not None:
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            types[arg.arg] = ast.unparse(arg.annotation) if arg.annotation else ""
    for member in api.members(element):
        if member not in types and api.kind(f"{element}.{member}") == "property":
            entry = api.entries.get(f"{element}.{member}")
            types[member] = str(entry.metadata.get("returns") or "") if entry is not None else ""
    return {m: (docs.get(m, ""), types.get(m, "")) for m in set(docs) | set(types)}


def _link(field: str, members: Mapping[str, tuple[str, str]]) -> str:
    """The element's member a filter field reads: itself, or the one it begins (``germ`` ->
    ``germ_pct``, ``keep`` -> ``keeping``, ``tag`` -> ``tags``)."""
    if field in members:
        return field
    found = [m for m in members if m.startswith(field)]
    return found[0] if len(found) == 1 else ""


def _clauses(request: str) -> list[str]:
    return [c for c in re.split(r"[;:]|,\s*(?:then|and then)\b|\bthen\b", request) if c.strip()]


def _about_many(clause: str, noun: str, names: list[str]) -> bool:
    """The clause is about several of the things (``lots``, ``every lot``, ``coldroom lots``), or
    about what a collection the request names holds ("the seed in `bank` that is stored ...")
    without naming one of them ("lot SL-0005 of `bank`", "a new lot")."""
    one = noun[:-1]
    if re.search(rf"\b{noun}\b|\b(?:every|each|all|any)\s+(?:\w+\s+)?{one}\b", clause, re.I):
        return True
    single = re.search(rf"\b{one}\b", clause, re.I)
    return not single and any(re.search(rf"`{re.escape(n)}`", clause) for n in names)


def _enum_conditions(
    clause: str, api: IndexSymbols, lang: Language, fields_said: list[str], noun: str, acting: set[str]
) -> list[tuple[int, str]]:
    """``keep=deep`` for "in the freezer": a word the docs use for one member of a field's enum.
    Words the element's fields are described with ("collected", "stored", "shelf" of
    ``shelf_life_years``) and the enums' own first lines say which field, not which value; a
    place a clause puts things ("Put every lot ... in quarantine") is no condition on them, nor
    is what the request does to them (``acting``: "Retire every lot ...", "... lots retired")."""
    general = [
        w for enum in lang.enums.values() for w in re.findall(r"[a-z]+", api.doc(enum).split("\n")[0].lower())
    ]
    general += fields_said
    placing = re.match(r"\s*(?:put|move|place|send|mark|set|turn|shelve|make)\b", clause, re.I)
    # "lots without a storage tier go in the freezer": what the rest are given, not which
    lacking = re.search(r"\b(?:without|lacking|missing|empty|blank)\b", clause, re.I)
    out = []
    for field, enum in lang.enums.items():
        said = {m: _NEGATED.sub(" ", text) for m, text in meanings(api, enum).items()}
        values = {m: enum_value(api, f"{enum}.{m}") for m in said}
        for w in re.finditer(r"[A-Za-z]{4,}", _NEGATED.sub(lambda n: " " * len(n.group()), clause)):
            word = w.group().lower()
            if word in _PLAIN or word in _COMPARING or any(alike(word, g) for g in general):
                continue
            if placing and re.search(r"\b(?:in|into|to|under)\s+(?:the\s+|a\s+)?$", clause[: w.start()]):
                continue
            if any(alike(word, a) for a in acting) or (lacking and w.start() > lacking.start()):
                continue
            hits = [m for m, v in values.items() if v and v.lower() == word]
            if not hits:
                hits = [
                    m
                    for m, text in said.items()
                    if any(alike(word, t) for t in re.findall(r"[a-z]+", text))
                ]
            if len(hits) == 1 and values[hits[0]]:
                out.append((w.start(), f"{field}={values[hits[0]]}"))
    return _not_groups(clause, out, noun)


def _not_groups(clause: str, found: list[tuple[int, str]], noun: str) -> list[tuple[int, str]]:
    """Without the values a clause lists as the groups it counts by: "per life-cycle state (on
    the shelf, quarantined, retired)", "for each grade (robust, steady, ...)"."""
    one = noun[:-1] if noun.endswith("s") else noun
    if not re.search(rf"\b(?:per|by)\b|\beach\b(?!\s+(?:\w+\s+)?{one}\b)", clause, re.I):
        return found
    fields = [c.split("=", 1)[0] for _, c in found]
    return [(at, c) for at, c in found if fields.count(c.split("=", 1)[0]) < 2]


def _numeric_fields(lang: Language, members: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """field -> its member's docs, for fields of numbers (by annotation or by the ops examples use)."""
    out = {}
    for field in lang.fields:
        member = _link(field, members)
        kind = members[member][1] if member else ""
        seen: Mapping[str, int] = lang.seen.get(field, {})
        if re.search(r"\b(?:int|float)\b", kind) or any(op in seen for op in ("<", ">", "<=", ">=")):
            out[field] = f"{members[member][0] if member else ''} {member} {field}"
    return out


def _argument_of(api: IndexSymbols, request: str, field_doc: str) -> str:
    """The documented call the request names whose parameter a number on a field is: "Plan which
    lots of `bank` to regrow ... when lots under 80 % germination count as weak" names
    ``regrow_plan``, whose ``threshold`` is a "germination rate (percent) below which a lot is
    regrown", the words of the ``germ`` field's docs; '' when none is."""
    asked = [w for w in _letters(request) if len(w) >= 4]
    said = {w.lower() for w in _letters(field_doc) if len(w) >= 4 and w.lower() not in _PLAIN}
    for symbol, entry in api.entries.items():
        if entry.metadata.get("kind_of_symbol") not in ("function", "method"):
            continue
        named = [w for w in symbol.rsplit(".", 1)[-1].split("_") if len(w) >= 4]
        if not named or not all(any(alike(n, a) for a in asked) for n in named):
            continue
        for param, doc in (entry.metadata.get("params") or {}).items():
            words = {w.lower() for w in _letters(str(doc))}
            compares = words & _COMPARING
            if compares and sum(any(alike(s, w) for w in words) for s in said) >= 2:
                return f"{symbol}({param}=)"
    return ""


def _number_conditions(
    clause: str, lang: Language, members: Mapping[str, tuple[str, str]], api: IndexSymbols, request: str
) -> list[tuple[int, str]]:
    numeric = _numeric_fields(lang, members)
    out = []
    found = [
        (m.start(), m.group("num"), m.group("unit") or "", _op(m.group("cmp"), m.group("more")))
        for m in _NUMBER.finditer(clause)
    ]
    for m in _OR_MORE.finditer(clause):  # "120 pages or more"
        if not any(s <= m.start() < s + 30 for s, *_ in found):
            up = m.group("dir").lower() in ("more", "above", "over")
            found.append((m.start(), m.group("num"), m.group("unit") or "", ">=" if up else "<="))
    for start, num, unit, op in found:
        before = _words(clause[max(0, start - 60) : start])[-4:]
        weights = {w: 1 / (len(before) - i) for i, w in enumerate(before)}  # the nearest weighs most
        if unit.isalpha():
            weights[_UNITS.get(unit.lower(), unit)] = 1.0  # "100 g": a field in grams
        if unit == "%":
            weights["percent"] = 1.0
        scores = {f: sum(x for w, x in weights.items() if any(alike(w, d) for d in _letters(doc)))
                  for f, doc in numeric.items()}  # fmt: skip
        dated = [f for f, doc in numeric.items() if re.search(r"\byears?\b", doc)]
        if (
            len(dated) == 1
            and re.fullmatch(r"1[89]\d\d|2[01]\d\d", num)
            and clause[start:].split()[0].lower() in _DATED
        ):
            scores[dated[0]] += 10  # "collected before 2015": a date
        best = sorted(scores.items(), key=lambda x: -x[1])
        one = bool(best) and best[0][1] > 0 and (len(best) == 1 or best[1][1] < best[0][1])
        if one and not _argument_of(api, request, numeric[best[0][0]]):
            out.append((start, f"{best[0][0]}{op}{num}"))
    return out


def _op(cmp: str, more: str | None) -> str:
    if more:  # "80 or more" read by _OR_MORE; "under 60 or less" is not English
        return ">=" if re.search(r"more|above|over", more, re.I) else "<="
    low = cmp.lower()
    return next(op for words, op in _COMPARE if re.fullmatch(words, low))


def _label_conditions(
    clause: str, lang: Language, members: Mapping[str, tuple[str, str]]
) -> list[tuple[int, str]]:
    """``tag:red`` for "labelled red", "carry the label red": the word after one the docs of a
    field of strings use ("tags: free labels")."""
    out = []
    words = list(re.finditer(r"['\"]?([\w-]+)['\"]?", clause))
    for field in lang.fields:
        member = _link(field, members)
        if not member or not re.search(r"\b(?:frozenset|set|list|tuple)\[str", members[member][1]):
            continue
        op = ":" if ":" in lang.seen.get(field, {}) or lang.only_after(":") == {field} else "="
        triggers = {field, member, *re.findall(r"[a-z]{4,}", members[member][0].split("(")[0].lower())}
        for i, w in enumerate(words[:-1]):
            if not any(alike(w.group(1), t) for t in triggers if len(t) >= 4 or t == field):
                continue
            rest = [x.group(1) for x in words[i + 1 : i + 4]]
            while rest and rest[0].lower() in (
                "as",
                "with",
                "the",
                "a",
                "an",
                "label",
                "labels",
                "tag",
                "tags",
            ):
                rest.pop(0)
            if rest and rest[0].lower() not in _PLAIN and re.fullmatch(r"[A-Za-z][\w-]*", rest[0]):
                out.append((w.start(), f"{field}{op}{rest[0].lower()}"))
    return out


def _text_conditions(clause: str, lang: Language, members: Mapping[str, tuple[str, str]],
                     taken: set[str]) -> list[tuple[int, str]]:  # fmt: skip
    """``site=Puebla or site=Oaxaca`` for "collected in Puebla or in Oaxaca"."""
    out = []
    for field in sorted(lang.fields - taken):
        member = _link(field, members)
        kind = members[member][1] if member else ""
        if field in lang.enums or not re.fullmatch(r"str", kind.strip()):
            continue
        # its name, and its docs' words that name no other field ("taxon: botanical name, genus first")
        triggers = {
            field,
            *(w for w in re.findall(r"[a-z]{5,}", members[member][0].lower()) if w not in lang.fields),
        }
        for m in _NAMED.finditer(clause):
            if any(alike(m.group(1), t) for t in triggers):
                values = re.findall(r"[A-Z][a-z]+", m.group(2))
                out.append((m.start(), " or ".join(f"{field}={v}" for v in values)))
        if "~" in lang.ops():  # "whose taxon contains 'vulg'"
            for m in re.finditer(
                r"\b([A-Za-z]+)\s+(?:contains|containing|includes|including)\s+['\"]?([\w-]+)", clause
            ):
                if any(alike(m.group(1), t) for t in triggers):
                    out.append((m.start(), f"{field}~{m.group(2)}"))
    return out


def request_filter(
    request: str, api: IndexSymbols, namespace: Mapping[str, str] | None = None
) -> Filter | None:
    """The filter the docs write for ``request``'s conditions, or None where they decide none."""
    found = _selector(api, namespace or {})
    if found is None:
        return None
    symbol, param, lang, element, noun = found
    owner = symbol.rsplit(".", 1)[0]
    members = _members(api, element)
    said = [
        w
        for m, (doc, _) in members.items()
        for w in re.findall(r"[a-z]+", f"{doc} {m.replace('_', ' ')}".lower())
    ]
    names = [n for n, d in (namespace or {}).items() if api.locate(d) == owner]
    text = _QUOTED.sub(lambda m: " " * len(m.group()), request)  # positions kept: `bank` is read below
    parts: list[tuple[int, str]] = []
    offset, acting, named = 0, acting_verbs(text), []
    for clause in _clauses(text):
        at = text.find(clause, offset)
        offset = at + len(clause)
        if not _about_many(request[at : at + len(clause)], noun, names):
            continue
        if any(f"`{n}`" in request[at : at + len(clause)] for n in names):
            named.append((at, at + len(clause)))
        found_here = _enum_conditions(clause, api, lang, said, noun, acting)
        found_here += _number_conditions(clause, lang, members, api, request)
        found_here += _label_conditions(clause, lang, members)
        taken = {re.match(r"\w*", c).group() for _, c in found_here}  # type: ignore[union-attr]
        found_here += _text_conditions(clause, lang, members, taken)
        parts += [(at + i, c) for i, c in found_here]
    if kept := [(i, c) for i, c in parts if any(a <= i < b for a, b in named)]:
        parts = kept  # "the lots of `bank` stored in the freezer ...; ... the lots forecast under 70 %"
    first = {c: at for at, c in sorted(parts, reverse=True)}  # each condition where it is first said
    ordered = sorted(first.items(), key=lambda x: x[1])
    if not ordered:
        return None
    joined, last = "", 0
    for c, at in ordered:
        if joined:  # joined as the request joins them: "in the attic or labelled signed"
            between = text[last:at]
            either = re.search(r"\b(?:either|any of)\b", text) and not re.search(r"\b(?:both|all of)\b", text)
            said_or = re.search(r"\bor\b", between) and not re.search(r"\band\b", between)
            joined += " or " if either or said_or else " and "
        joined += f"({c})" if " or " in c and len(ordered) > 1 else c
        last = at
    others = [(s, p) for (s, p), lg in languages(api).items() if lg is lang and s != symbol
              and s.startswith(owner + ".") and _asked_for(s, request, api, noun)]  # fmt: skip
    return Filter(joined, symbol, param, noun, others)


def _asked_for(symbol: str, request: str, api: IndexSymbols, noun: str) -> bool:
    """The request says what another call taking the filter gives ("How many grams of seed ..."
    for ``stock``: "Total grams of seed held, ..."): two words of its docs' first sentence
    besides the things' name. A 0.5B model shown it otherwise mixes the two calls up."""
    first = re.split(r"(?<=\.)\s", api.doc(symbol), maxsplit=1)[0]
    said = [w for w in _words(first) if not alike(w, noun)]
    asked = _words(_QUOTED.sub(" ", request))
    return sum(any(alike(w, a) for a in asked) for w in set(said)) >= 2


def _selector(api: IndexSymbols, namespace: Mapping[str, str]) -> tuple[str, str, Language, str, str] | None:
    """(call, parameter, language, element class, plural noun) of the documented call that
    selects things by a filter: one of a class the notebook holds first, the filter its first
    argument first (``sift(query)`` before ``stock(*, where=)``)."""
    held = {api.locate(d) for d in namespace.values() if not d.startswith("module:")}
    best: tuple[tuple[bool, bool], tuple[str, str, Language, str, str]] | None = None
    for (symbol, param), lang in languages(api).items():
        element, noun = element_of(api, symbol), noun_of(api, symbol)
        a = api.signature(symbol)
        if not element or not noun or a is None:
            continue
        positional = [x.arg for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")]
        rank = (symbol.rsplit(".", 1)[0] in held, positional[:1] == [param])
        if best is None or rank > best[0]:
            best = (rank, (symbol, param, lang, element, noun))
    return best[1] if best else None
