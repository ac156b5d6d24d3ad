"""The things a request names by their key, looked up the way the docs look them up: "Which
genus does lot SL-0007 of `bank` belong to?" -> ``bank.pluck('SL-0007')``, where ``bank`` is a
``Ledger`` and ``Ledger.pluck(code: str) -> Accession`` is documented as "Look a lot up by its
accession code." with the example ``pluck("SL-0001")``.

The 0.5B model, shown ``pluck``'s card, still wrote ``bank.codes()[0].taxon`` or
``site = 'SL-0006'`` for such requests; the call is written for it. Only where the docs decide
it: the one documented method of a class the notebook holds that makes an object from a single
string (the fewest parameters first), a key written as the docs' examples write one (the shape of
``"SL-0001"``), right after the word the method's docs call the object ("lot SL-0007"; not "code
SL-0200" of a new lot)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .verify.api import IndexSymbols
from .verify.pyvalues import alike


@dataclass
class Lookup:
    noun: str  # "lot"
    key: str  # "SL-0007"
    call: str  # "bank.pluck('SL-0007')"
    symbol: str  # seedloft.Ledger.pluck


def key_shape(example: str) -> str:
    """A regex for keys written like ``example`` ("SL-0001" -> ``[A-Z]{2}-\\d{4}``)."""
    out, last, n = [], "", 0
    for ch in example + "\0":
        cls = r"[A-Z]" if ch.isupper() else r"[a-z]" if ch.islower() else r"\d" if ch.isdigit() else ""
        cls = cls or re.escape(ch)
        if cls == last:
            n += 1
            continue
        if last:
            out.append(last + (f"{{{n}}}" if n > 1 else ""))
        last, n = cls, 1
    return "".join(out)


def named_keys(request: str, noun: str, example: str) -> list[re.Match]:
    """Where ``request`` names a thing by key: the noun, then a key written like ``example``
    ("lot SL-0007" for ``lot`` and "SL-0001"); each match's group 1 is the key."""
    return list(re.finditer(rf"\b{noun}\s+['\"]?({key_shape(example)})\b", request, re.I))


def getter(api: IndexSymbols, cls: str) -> tuple[str, str, str] | None:
    """(method, its noun, a key its examples pass) of the one-string method that makes ``cls``."""
    for maker in api.makers(cls):
        a = api.signature(maker)
        if a is None or api.kind(maker) != "method":
            continue
        params = [x for x in (a.posonlyargs + a.args + a.kwonlyargs) if x.arg not in ("self", "cls")]
        required = len(params) - len(a.defaults) - sum(d is not None for d in a.kw_defaults)
        if len(params) != 1 or required != 1:
            continue
        doc = api.doc(maker)
        noun = re.search(r"\b(?:a|an|one)\s+([a-z]{3,})\b", doc.split("\n\n", 1)[0])
        name = maker.rsplit(".", 1)[-1]
        key = re.search(rf"\.{name}\(\s*(['\"])([^'\"]+)\1\s*\)", doc)
        if noun and key:
            return maker, noun.group(1), key.group(2)
    return None


def _acts(api: IndexSymbols, owner: str, getter: str, request: str, noun: str) -> str:
    """Another method of ``owner`` taking the key (``isolate(code: str, ...)``: "Quarantine a
    lot ...") whose docs' first sentence shares a word with ``request``; '' when none does."""
    asked = [w for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"`[^`]*`", " ", request)) if w.lower() != noun]
    for member in sorted(api.members(owner)):
        symbol = f"{owner}.{member}"
        first = api.first_param(symbol)
        if symbol == getter or api.kind(symbol) != "method" or first is None:
            continue
        if not (first.annotation is not None and re.search(r"\bstr\b", ast.unparse(first.annotation))):
            continue
        said = re.findall(r"[A-Za-z]{4,}", api.doc(symbol).split("\n", 1)[0])
        if any(alike(w, a) for w in said if w.lower() != noun for a in asked):
            return symbol
    return ""


def request_lookups(request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Lookup]:
    """The things ``request`` names by key, each with the call that looks it up (at most 3)."""
    out: list[Lookup] = []
    for var, dotted in namespace.items():
        owner = api.locate(dotted) if not dotted.startswith("module:") else None
        if not owner or not re.search(rf"`{re.escape(var)}`", request):
            continue
        methods = [f"{owner}.{m}" for m in api.members(owner) if api.kind(f"{owner}.{m}") == "method"]
        made = {api.returns(m) for m in methods}
        for cls in sorted(c for c in made if c):
            found = getter(api, cls)
            if found is None or not found[0].startswith(owner + "."):
                continue
            maker, noun, example = found
            acting = _acts(api, owner, maker, request, noun)
            for m in named_keys(request, noun, example):
                key = m.group(1)
                if "new" in request[max(0, m.start() - 12) : m.start()].lower():
                    continue  # "a new lot SL-0200": not in the collection yet
                asks = re.split(r"(?<=[.?!])\s", request[m.end() :])[0].rstrip().endswith("?")
                if acting and not asks:
                    continue  # "Put lot SL-0002 in quarantine": ``isolate('SL-0002')`` takes the key itself
                call = f"{var}.{maker.rsplit('.', 1)[-1]}({key!r})"
                if all(x.call != call for x in out):
                    out.append(Lookup(noun, key, call, maker))
    return out[:3]


_FILE = re.compile(r"[`'\"][\w./-]*\.([A-Za-z][A-Za-z0-9]{0,4})[`'\"]|\b([A-Z]{2,5})\s+files?\b")
_PATHS = ("path", "file", "filename", "filepath", "dest", "destination")


def request_files(request: str, api: IndexSymbols) -> list[str]:
    """The documented functions for the files a request names (`field.loft`, 'weak.csv', "every
    CSV file"): those taking a path whose first paragraph of docs names the extension
    (``read_loft(path)``: "Load a ledger from a ``.loft`` file"), at most two per extension."""
    extensions = dict.fromkeys(e.lower() for m in _FILE.finditer(request) for e in m.groups() if e)
    out: list[str] = []
    for ext in extensions:
        said = re.compile(rf"(?<![\w-])\.?{re.escape(ext)}\b", re.I)
        found = []
        for symbol, entry in api.entries.items():
            a = api.signature(symbol) if entry.metadata.get("kind_of_symbol") == "function" else None
            takes = a is not None and any(x.arg in _PATHS for x in a.posonlyargs + a.args + a.kwonlyargs)
            if takes and said.search(api.doc(symbol).split("\n\n", 1)[0]) and symbol not in out:
                found.append(symbol)
        out += found[:2]
    return out


def param_makers(symbol: str, api: IndexSymbols) -> list[str]:
    """The documented functions that make what ``symbol``'s parameters take, one per parameter
    where exactly one function returns that class (``log_trial(code, trial)``, "trial: a
    :class:`Trial`": ``germ_count(sown, *, emerged)``, "Record a germination test")."""
    a = api.signature(symbol)
    out: list[str] = []
    for param in (a.posonlyargs + a.args + a.kwonlyargs if a else []):
        if param.arg in ("self", "cls"):
            continue
        for cls in api.taken_classes(symbol, param):
            made = api.functions_returning(cls)
            if len(made) == 1 and made[0] not in out:
                out.append(made[0])
    return out
