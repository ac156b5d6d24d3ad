"""The member a request describes, for a member the code names and the class does not have:
``bank.pluck("SL-0003").germinating`` for "what germination rate was last measured", where
``Accession``'s docs say "germ_pct: the last measured germination rate in percent". The class's
members are read from its docs (an ``Attributes:`` section, each member's own entry); a word
weighs less the more members' docs use it ("germination" is in ``vigour``'s too)."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping

from . import Issue
from .api import IndexSymbols
from .pyvalues import PLAIN_WORDS as _PLAIN
from .pyvalues import one_best, stems
from .request import STORE_CLAUSE

_ATTRIBUTES = re.compile(r"^([ \t]*)Attributes:[ \t]*\n((?:\1[ \t]+\S.*\n?)+)", re.M)
_ITEM = re.compile(r"^([ \t]+)(\w+)(?: \([^)]*\))?:[ \t]*(.+(?:\n\1[ \t]+\S.*)*)", re.M)


def changes_fields(owner: str, attr: str, node: ast.AST, api: IndexSymbols, lines: list[str]) -> bool:
    """``.free_code(grams=2)`` on an ``Accession``: a made-up method given only keyword arguments,
    each a field of the class (its call read from the member's line)."""
    lineno: int = getattr(node, "end_lineno", None) or getattr(node, "lineno", None) or 0
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    m = re.search(rf"\.{re.escape(attr)}\(([^()]*)\)", line)
    passed = re.findall(r"(?:^|,)\s*(\w+)\s*=(?!=)", m.group(1)) if m else []
    parts = [p for p in m.group(1).split(",") if p.strip()] if m else []
    fields = {f for f in api.members(owner) if api.kind(f"{owner}.{f}") == "attribute"}
    return bool(passed) and len(passed) == len(parts) and set(passed) <= fields


def member_docs(api: IndexSymbols, owner: str) -> dict[str, str]:
    """member -> what the docs say it is: the class's ``Attributes:`` section, then each
    member's own entry text after its heading."""
    symbol = api.resolve(owner) or owner
    entry = api.entries.get(symbol)
    docs: dict[str, str] = {}
    text = (entry.text if entry is not None else "") + api.more_text.get(symbol, "")
    if section := _ATTRIBUTES.search(text):
        for m in _ITEM.finditer(section.group(2)):
            docs[m.group(2)] = " ".join(m.group(3).split())
    for member in api.members(symbol):
        if own := api.doc(f"{symbol}.{member}"):
            first = own.split("\n\n")[0]  # its first paragraph: not its Args or examples
            docs[member] = f"{docs.get(member, '')} {first}".strip()
    return docs


def _ranked(api: IndexSymbols, owner: str, request: str) -> tuple[dict[str, str], list[tuple[str, float]]]:
    """(member -> its docs, the members ranked by how well their docs share ``request``'s
    words); a word weighs less the more members' docs use it."""
    said = {m: d for m, d in member_docs(api, owner).items() if m in api.members(owner)}
    docs = {m: stems(f"{d} {m.replace('_', ' ')}") for m, d in said.items()}
    words = re.findall(r"[\w-]+", re.sub(r"`[^`]*`", " ", request))
    asked = stems(" ".join(w for w in words if w.lower() not in _PLAIN))  # plain words, before stemming
    if not docs or not asked:
        return said, []
    df = {w: sum(w in d for d in docs.values()) for w in asked}
    scores = {m: sum(math.log(1 + len(docs) / df[w]) for w in asked & d) for m, d in docs.items()}
    return said, sorted(scores.items(), key=lambda x: -x[1])


def meant_member(issue: Issue, request: str, api: IndexSymbols, code: str) -> Issue:
    """``issue`` (an unknown member read, neither called nor set, with no fix) given the fix to
    the one field whose docs best share the request's words, where one does; else unchanged."""
    owner, _, attr = issue.name.rpartition(".")
    lines = code.splitlines()
    line = lines[issue.line - 1] if 0 < issue.line <= len(lines) else ""
    if issue.kind != "unknown-member" or issue.fix or not owner or re.search(rf"\.{attr}\s*(\(|=[^=])", line):
        return issue  # called, or set: a member the code makes up for its own use
    said, ranked = _ranked(api, owner, STORE_CLAUSE.sub(" ", request))
    meant = one_best([(m, n) for m, n in ranked if api.kind(f"{owner}.{m}") in _FIELDS])  # a value read
    if not meant or f".{attr}" not in line:
        return issue
    short = owner.rsplit(".", 1)[-1]
    what = _plain(said[meant])
    issue.message = f"`{short}` has no `{attr}`: the task asks for `{meant}` ({what})"
    issue.fix, issue.suggestions = (issue.line, line, line.replace(f".{attr}", f".{meant}", 1)), [meant]
    issue.card = api.card(f"{owner}.{meant}") or issue.card
    return issue


def meant_field(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``tier = bank.pluck("SL-0002").state`` for "which storage tier is the lot kept in? Store
    the tier in `tier`": the variable asked for is one field of a documented object, a field
    whose docs share no word with the request, while one other field's docs share the most
    ("keeping: the storage tier"). The request's store clause counts: "store its code in
    `best`" asks for the code. The fix reads that field."""
    from . import asked_assignments
    from .pyexpr import notebook_env, type_of

    env = notebook_env(namespace, api, modules=False)
    lines, out = code.splitlines(), []
    named = _LABEL.sub(" ", request)  # "the lot with code SL-0003": the code names the lot
    for name, node in asked_assignments(code, request, api):
        read = node.value
        if not isinstance(read, ast.Attribute):
            continue
        owner = type_of(read.value, api, env)
        if not owner or api.kind(f"{owner}.{read.attr}") not in _FIELDS:
            continue
        said, ranked = _ranked(api, owner, named)
        ranked = [(m, n) for m, n in ranked if api.kind(f"{owner}.{m}") in _FIELDS]  # fields for a field
        meant, score = one_best(ranked), dict(ranked).get(read.attr, 0.0)
        field = name != read.attr and api.kind(f"{owner}.{name}") in _FIELDS
        if field and re.search(rf"\b{name}\b", re.sub(r"`[^`]*`", " ", named)):
            meant, score = name, 0.0  # "Which genus ...? Store it in `genus`": the field so named
        if not meant or meant == read.attr or score:
            continue
        line = lines[node.lineno - 1] if node.lineno == node.end_lineno else ""
        old = f".{read.attr}"
        fix = (node.lineno, line, line.replace(old, f".{meant}", 1)) if old in line else None
        short, what = owner.rsplit(".", 1)[-1], _plain(said[meant])
        out.append(Issue(
            "other-field", f"{owner}.{read.attr}",
            f"the task asks for `{short}.{meant}` ({what}), not `{read.attr}`", line=node.lineno,
            card=api.card(f"{owner}.{meant}"), suggestions=[meant],
            fix=fix,
        ))  # fmt: skip
    return out


def meant_truth(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``ok = bank.pluck("SL-0008") is not None`` for "Can lot SL-0008 still be sent or sown?
    Store True or False in `ok`" (or its field compared with a class, ``.state != LotUnavailable``,
    never equal): the object exists, which the request did not ask; the one
    field holding True or False whose docs best share the request's words ("usable: Whether the
    lot may be sent or sown") answers it. The fix reads that field."""
    from . import asked_assignments, span_fix
    from .pyasked import asked_kind
    from .pyexpr import code_env, source, type_of
    from .pykinds import member_annotation

    found = asked_assignments(code, request, api)
    env = code_env(ast.parse(code), api, namespace) if found else {}
    lines, out = code.splitlines(), []
    for name, node in found:
        value = node.value
        if isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], ast.IsNot):
            seen = value.left if ast.unparse(value.comparators[0]) == "None" else None
        elif isinstance(value, ast.Call) and ast.unparse(value.func) == "bool" and len(value.args) == 1:
            seen = value.args[0]
        elif _against_a_class(value, api):  # lot.state != LotUnavailable: an exception, never equal
            seen = value.left.value
        else:
            seen = None
        owner = type_of(seen, api, env) if seen is not None and asked_kind(request, name) == "bool" else None
        if not owner or seen is None:
            continue
        said, ranked = _ranked(api, owner, _LABEL.sub(" ", request))
        meant = one_best([(m, n) for m, n in ranked if member_annotation(api, f"{owner}.{m}") == "bool"])
        text = source(seen, lines)
        if not meant or not text:
            continue
        short, what = owner.rsplit(".", 1)[-1], _plain(said[meant])
        out.append(Issue(
            "other-field", f"{owner}.{meant}",
            f"`{ast.unparse(value)}` does not answer it: the task asks `{short}.{meant}` ({what})",
            line=node.lineno, card=api.card(f"{owner}.{meant}"),
            fix=span_fix(value, lines, f"{text}.{meant}"),
        ))  # fmt: skip
    return out


def _against_a_class(value: ast.expr, api: IndexSymbols) -> bool:
    """``x.field == Name`` (or ``!=``) where the name is a documented class, not a value of one."""
    if not isinstance(value, ast.Compare) or len(value.ops) != 1 or not isinstance(value.left, ast.Attribute):
        return False
    if not isinstance(value.ops[0], (ast.Eq, ast.NotEq)):
        return False
    other = value.comparators[0]
    name = other.id if isinstance(other, ast.Name) else other.attr if isinstance(other, ast.Attribute) else ""
    return any(api.is_class(s) for s in api.named(name)) if name and not name.isupper() else False


_WRAPS = {"frozenset": "frozenset({{{}}})", "set": "{{{}}}", "list": "[{}]", "tuple": "({},)"}


def copied_fields(code: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``lot.but(label='seedsaver')`` where ``but`` is the class's copy method (``**changes``) and
    the class has no field ``label``: the one field whose name or docs hold the word ("tags: free
    labels") is meant; the fix names it, and gives one string to a field of many in their kind
    (``tags=frozenset({'seedsaver'})``)."""
    from . import package_tree, span_fix
    from .pyexpr import notebook_env, type_of
    from .pykinds import member_annotation
    from .pyvalues import stem

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = notebook_env(namespace, api, modules=False), code.splitlines(), []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
        owner = type_of(call.func.value, api, env)  # type: ignore[attr-defined]
        if not owner or api.copier(owner) != call.func.attr:  # type: ignore[attr-defined]
            continue
        docs = {m: d for m, d in member_docs(api, owner).items() if api.kind(f"{owner}.{m}") == "attribute"}
        for kw in (k for k in call.keywords if k.arg and k.arg not in docs):
            word = stem(str(kw.arg).lower())
            said = {m: {stem(w) for w in re.findall(r"[a-z]+", f"{m} {d}".lower())} for m, d in docs.items()}
            meant = [m for m, words in said.items() if word in words]
            if len(meant) != 1:
                continue
            field, value = meant[0], ast.unparse(kw.value)
            kind = member_annotation(api, f"{owner}.{field}").split("[", 1)[0]
            if kind in _WRAPS and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                value = _WRAPS[kind].format(value)
            short, what = owner.rsplit(".", 1)[-1], _plain(docs[field])
            out.append(Issue(
                "unknown-argument", f"{owner}.{kw.arg}",
                f"`{short}` has no field `{kw.arg}`: the field is `{field}` ({what}): `{field}={value}`",
                line=kw.value.lineno, card=api.card(f"{owner}.{field}"),
                fix=span_fix(kw, lines, f"{field}={value}"),
            ))  # fmt: skip
    return out


_FIELDS = ("attribute", "property")
_LABEL = re.compile(r"\b[A-Za-z]+\s+(?=[\"']?[A-Z]*-?\d)")  # a word that labels a value given


def _plain(doc: str) -> str:
    """A member's docs as a message quotes them: the first sentence, roles made plain
    (``a :class:`~seedloft.kinds.Keeping``` -> ``a Keeping``)."""
    plain = re.sub(r":\w+:`~?(?:[\w.]*\.)?(\w+)`", r"\1", doc)
    return re.split(r"(?<!\be\.g)(?<!\bi\.e)\. ", plain)[0].rstrip(".")
