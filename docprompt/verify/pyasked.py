"""What a request asks a variable to hold, True or False or a count of things (``held =
bank.isolate('SL-0005')`` stores the ``Accession`` that ``isolate`` returns, for "is it in
quarantine? Store True or False in `held`"; ``n = bank.stock()``, grams, for "how many lots"),
and where the docs decide it, what answers the question (``bank.pluck('SL-0005').state is
LotState.HELD``, ``len(bank)``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, container_parts, notebook_env, source
from .pykinds import NUMBERS, SIZED, annotated_class, class_held, held_annotation, member_annotation
from .pyvalues import article, meanings, stems

_BOOL = re.compile(r"\b(?:True or False|False or True)\b")
_NUMBER = re.compile(r"\b(?:how many|how much|how old|(?:the|a) number|number of|(?:the|a) count)\b", re.I)
# "how many lots", "the number of shipments": a count of things, a whole number; not of a measure
_COUNT = re.compile(r"\b(?:how many|number of)\s+(\w+)(?:\s+(\w+))?", re.I)
_MEASURES = {
    "g", "gram", "kg", "kilogram", "mg", "litre", "liter", "ml", "metre", "meter", "km", "cm", "mm",
    "percent", "pound", "ounce", "second", "minute", "hour", "mile", "degree", "dollar", "euro",
}  # fmt: skip
# "for each germination grade", "the number in each": one count per group, a mapping
_GROUPS = re.compile(r"\b(?:for|in|per) (?:each|every)\b|\bper\b|\bbr(?:eak|oken)\b.*\bdown\b", re.I)
_CONTAINER = re.compile(r"\b(?:a|an|one|the)\s+(?:dict|dictionary|mapping|list|set|tuple)\b", re.I)
_ASKING = "hold have contain there number many does store count total what"
_MEASURED = {"float", "complex", "Decimal", "Fraction", "Real", "SupportsFloat"}
_UNKNOWN = {"", "Any", "object", "Self", "T"}


def asked_kind(request: str, name: str) -> str:
    """'bool', 'count' or 'number' when the request asks `name` to hold True or False, a count of
    things ("how many lots", a whole number) or another number ('' when it does not say): the
    sentence that names the variable, or any sentence of a request that asks for one variable
    only ("How many lots ...? Store the number in `n`.")."""
    from .request import naming_sentences, requested_variables

    texts = (naming_sentences(request, name), request if requested_variables(request) == [name] else "")
    if any(_CONTAINER.search(part) for part in re.split(r",|\band\b", texts[0]) if f"`{name}`" in part):
        return ""  # "in `found` a dict from every text to the number of lots it finds"
    for text in texts:
        if _BOOL.search(text):
            return "bool"
        if _GROUPS.search(text):
            return ""
        if _NUMBER.search(text):  # "How many lots ...? Store the number in `n`.": what is counted
            counted = [{w.lower() for w in m.groups() if w} for t in texts for m in _COUNT.finditer(t)]
            measured = any(w in _MEASURES or w.removesuffix("s") in _MEASURES for ws in counted for w in ws)
            return "count" if counted and not measured else "number"
    return ""


def _fits(kind: str, annotation: str, api: IndexSymbols) -> bool:
    parts = {p.strip().split("[", 1)[0].rsplit(".", 1)[-1] for p in annotation.split("|")}
    if parts & _UNKNOWN or any(len(p) == 1 for p in parts):  # unknown, or a type variable
        return True
    if kind == "bool":
        return "bool" in parts
    if kind == "count" and parts <= _MEASURED:  # a weight or a rate where things are counted
        return False
    if parts & NUMBERS:
        return True
    cls = annotation if api.is_class(annotation) else annotated_class(api, annotation)
    return bool(cls) and (api.is_a(cls, "int") or api.is_a(cls, "float") or api.is_a(cls, "IntEnum"))


def _bool_members(api: IndexSymbols, cls: str) -> list[str]:
    out = []
    for member in api.member_list(cls):
        name = f"{cls}.{member}"
        if member.startswith("_"):
            continue
        if api.kind(name) == "method" and api.return_annotation(name) == "bool":
            sig = api.signature(name)
            params = [a.arg for a in (sig.args + sig.kwonlyargs if sig else []) if a.arg != "self"]
            out.append(f".{member}({', '.join(params)})")
        elif member_annotation(api, name) == "bool":
            out.append(f".{member}")
    return out


def _bool_hint(api: IndexSymbols, cls: str, shown: str, annotation: str, text: str) -> str:
    """What would say True or False: the class's members that do, an enum's members to compare
    with, ``in`` for a container."""
    if consts := [m for m in (api.member_list(cls) if cls else []) if m.isupper()]:
        return f"; compare it with one of {shown}'s members: " + ", ".join(f"`{shown}.{m}`" for m in consts)
    if members := _bool_members(api, cls) if cls else []:
        said = ", ".join(f"`{m}`" for m in members)
        return f"; what {article(f'`{shown}`')} says True or False: {said}"
    return f"; `x in {text}` says whether it holds x" if annotation.split("[", 1)[0] in SIZED else ""


def _answered(value: ast.expr, cls: str, name: str, request: str, api: IndexSymbols,
              env: Mapping[str, Binding]) -> str:  # fmt: skip
    """``bank.pluck('SL-0008').usable`` for ``bank.isolate('SL-0008')`` and "Can lot SL-0008
    still be sent or sown?": the object looked up with its owner's one getter (``isolate``
    quarantines the lot it returns), then the one True/False member of its class, or the one
    enum member of one of its fields, whose docs share the request's words ("may be sent or
    sown"; ``LotState.HELD``, "quarantined", for "is it in quarantine?"). '' when the docs do
    not decide."""
    said = stems(request) - stems("store true false") - {name}
    described = [(len(said & stems(text)), member) for member, text in meanings(api, cls).items()]
    if isinstance(value, ast.Attribute) and (told := _told(described)):
        return f"{ast.unparse(value)} is {cls.rsplit('.', 1)[-1]}.{told}"  # lot.state is LotState.HELD
    looked_up = _looked_up(value.value if isinstance(value, ast.Attribute) else value, cls, api, env)
    if not looked_up:
        return ""
    scored: list[tuple[int, str]] = []
    for member in _bool_members(api, cls):
        if member.endswith("()") or "(" not in member:  # nothing to pass
            scored.append((len(said & stems(api.doc(f"{cls}{member.split('(')[0]}"))), member.rstrip("()")))
    for field in api.member_list(cls):
        enum = annotated_class(api, member_annotation(api, f"{cls}.{field}"))
        short = enum.rsplit(".", 1)[-1]
        for constant, text in meanings(api, enum).items() if enum else []:
            scored.append((len(said & stems(text)), f".{field} is {short}.{constant}"))
    best = _told(scored)
    return f"{looked_up}{best}" if best else ""


def _looked_up(call: ast.expr, cls: str, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    """``bank.pluck('SL-0008')`` for ``bank.isolate('SL-0008')``: a call of one argument on an
    owner whose one getter returns ``cls``, made with that getter ('' otherwise)."""
    from .pycontainers import getters

    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and len(call.args) == 1):
        return ""
    owner = class_held(call.func.value, api, env)
    found = getters(owner, api) if owner else []
    if len(found) != 1 or call.keywords or api.returns(f"{owner}.{found[0]}") != cls:
        return ""
    return f"{ast.unparse(call.func.value)}.{found[0]}({ast.unparse(call.args[0])})"


_LINKING = {"as", "with", "the", "a", "an", "by"}


def _labelled(value: ast.expr, request: str, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    """``'heirloom' in bank.pluck('SL-0002').tags`` for ``bank.isolate('SL-0002').tags`` and
    "Is lot SL-0002 labelled heirloom?": a field of strings (``tags: free labels``) whose docs
    share the stem of the request's word before one value ("labelled heirloom"); the object
    looked up with its owner's getter where an action made it. '' when the docs do not decide."""
    from .pymeant import member_docs
    from .pyvalues import stem

    if isinstance(value, ast.BinOp):  # lot.tags & {'heirloom'}
        value = value.left
    if not isinstance(value, ast.Attribute):
        return ""
    owner = class_held(value.value, api, env)
    held = member_annotation(api, f"{owner}.{value.attr}") if owner else ""
    if container_parts(held)[1] != "str":
        return ""
    docs = {d for d in stems(f"{member_docs(api, owner).get(value.attr, '')} {value.attr}") if len(d) >= 4}
    found = set()
    for sentence in re.split(r"[.;?!]", re.sub(r"`[^`]*`", " ", request)):  # a value follows its word
        words = [w for w in re.findall(r"[A-Za-z][\w-]*", sentence) if w.lower() not in _LINKING]
        found |= {
            after.lower() for word, after in zip(words, words[1:])
            if len(s := stem(word)) >= 4 and any(s.startswith(d) or d.startswith(s) for d in docs)
        }  # fmt: skip
    if len(found) != 1:
        return ""
    obj = _looked_up(value.value, owner, api, env) or ast.unparse(value.value)
    return f"{found.pop()!r} in {obj}.{value.attr}"


def _told(scored: list[tuple[int, str]]) -> str:
    """The one candidate that shares the most of the request's words ('' for none or a tie)."""
    best = max((n for n, _ in scored), default=0)
    top = [k for n, k in scored if n == best]
    return top[0] if best and len(top) == 1 else ""


def _assigned_once(tree: ast.Module) -> dict[str, ast.Assign]:
    """The variables the code binds exactly once, each by a plain top-level ``name = value``."""
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    return {
        node.targets[0].id: node
        for node in tree.body
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and counts.get(node.targets[0].id) == 1
    }  # fmt: skip


def asked_kinds(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """A variable the request wants True or False, or a number, that the code binds to something
    else by the docs (a documented class, a string, a list ...)."""
    from . import package_tree
    from .request import requested_variables

    wanted = {v: k for v in requested_variables(request) if (k := asked_kind(request, v))}
    tree = package_tree(code, api) if wanted else None
    if tree is None:
        return []
    env = notebook_env(namespace, api, modules=False)
    lines, out = code.splitlines(), []
    for name, node in _assigned_once(tree).items():
        kind = wanted.get(name, "")
        annotation = held_annotation(node.value, api, env) if kind else ""
        if not annotation or _fits(kind, annotation, api):
            continue
        text = source(node.value, lines) or "the value"
        cls = annotation if api.is_class(annotation) else annotated_class(api, annotation)
        shown = cls.rsplit(".", 1)[-1] if cls else annotation
        holds = "returns" if isinstance(node.value, ast.Call) else "holds"
        fix, hint = None, _bool_hint(api, cls, shown, annotation, text) if kind == "bool" else ""
        asked = _answered(node.value, cls, name, request, api, env) if kind == "bool" and cls else ""
        asked = asked or (_labelled(node.value, request, api, env) if kind == "bool" else "")
        if asked:
            fix, hint = span_fix(node.value, lines, asked), f": `{asked}` answers the question"
        sized = annotation.split("[", 1)[0] in SIZED or (cls and "len" in (api.protocols(cls) or {}))
        if kind != "bool" and sized and annotation != "str" and text != "the value":
            fix = span_fix(node.value, lines, f"len({text})")
            hint = f": how many it holds is len({text})"
        if kind == "count" and not fix and _fits("number", annotation, api):  # a measure, not a count
            hint, counted = _count_hint(node.value, request, api, env)
            fix = span_fix(node.value, lines, counted) if counted else None
            if fix and "#" in fix[1][node.value.end_col_offset :]:  # the comment said what the call was
                fix = (fix[0], fix[1], fix[2].split("#", 1)[0].rstrip())
        want = {"bool": "True or False", "count": "a count of things"}.get(kind, "a number")
        got = article(f"`{shown}`")
        message = f"`{name}` should hold {want} (the request asks for it), but `{text}` {holds} {got}"
        card = api.card(cls) if cls else ""
        out.append(Issue("wrong-kind", name, message + hint, line=node.lineno, card=card, fix=fix))
    return out


def _count_hint(value: ast.expr, request: str, api: IndexSymbols,
                env: Mapping[str, Binding]) -> tuple[str, str]:  # fmt: skip
    """(how the object a measure was taken of counts its elements, the fix where the docs decide)
    for ``bank.stock()`` (grams) where the request asks how many lots: ``len(bank)``, the fix
    when the measure was of all of them (no argument) and the elements' docs name what the
    request counts ("One lot of seed")."""
    obj = value.func.value if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) else None
    owner = class_held(obj, api, env) if obj is not None else ""
    yields = api.iterates(owner) if owner and "len" in (api.protocols(owner) or {}) else ""
    if not yields or obj is None:
        return "", ""
    hint = f"; `len({ast.unparse(obj)})` counts its {yields.rsplit('.', 1)[-1]} objects"
    words = {w.lower() for m in _COUNT.finditer(request) for w in m.groups() if w}
    said = words | {w[:-1] for w in words} | {w[:-3] + "y" for w in words if w.endswith("ies")}
    whole = isinstance(value, ast.Call) and not value.args and not value.keywords
    named = said & set(re.findall(r"[a-z]+", api.doc(yields).split("\n", 1)[0].lower()))
    # every other word of the request is the owner's: no filter is said ("that are angry")
    told = " ".join(f"{c.rsplit('.', 1)[-1]} {api.doc(c).split(chr(10), 1)[0]}" for c in (owner, yields))
    rest = stems(re.sub(r"`[^`]*`", " ", request)) - stems(f"{told} {' '.join(said)}") - stems(_ASKING)
    return hint, f"len({ast.unparse(obj)})" if whole and named and not rest else ""


_PART = re.compile(r"\b(?:what|the)\s+(fraction|share|proportion|percentage|ratio)\s+of\b", re.I)


def asked_fractions(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``share = len(bank.sift('keep=chill'))`` for "What fraction of the lots in `bank` is kept in
    the coldroom?": a count where a part of a whole is asked, and no division; where it counts
    what a held object's method selects and the object has a length, the fix divides by it
    (``len(bank.sift('keep=chill')) / len(bank)``; a hundred times that for a percentage)."""
    from . import asked_assignments

    part = _PART.search(request)
    found = asked_assignments(code, request, api) if part else []
    if part is None or len(found) != 1:
        return []
    env, lines = notebook_env(namespace, api, modules=False), code.splitlines()
    name, node = found[0]
    value = node.value
    if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(value)):
        return []
    counted = isinstance(value, ast.Call) and ast.unparse(value.func) == "len" and len(value.args) == 1
    inner = value.args[0] if counted else None
    method = inner.func if isinstance(inner, ast.Call) else None
    whole = method.value if isinstance(method, ast.Attribute) else None
    owner = class_held(whole, api, env) if whole is not None else ""
    text, of = source(value, lines), source(whole, lines) if whole is not None else ""
    asked = part.group(1).lower()
    fix = None
    if owner and "len" in (api.protocols(owner) or {}) and text and of:
        ratio = f"{text} / len({of})"
        fix = span_fix(value, lines, f"100 * {ratio}" if asked == "percentage" else ratio)
    how = f": `{fix[2].split('=', 1)[1].strip()}`" if fix else ": divide the part by the whole"
    message = f"`{name}` should hold a {asked} (the request asks for it), but the code divides nothing{how}"
    return [Issue("wrong-kind", name, message, line=node.lineno, fix=fix)]


_EXISTS = re.compile(
    r"\b(?:is there|are there|exists?|does\s+`(\w+)`\s+(?:hold|have|contain|include))\b", re.I
)


def asked_membership(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """"Is there a lot with code KW-0007 in the catalogue `bank`? Store True or False in
    `present`": a truth value asked of whether a held object, whose class answers ``in``, holds
    the one key the request writes like its getter's keys; code that asks anything else
    (``bank.free_code(prefix='KW-0007') is True``) is fixed to ``'KW-0007' in bank``."""
    from ..lookups import getter, key_shape
    from . import asked_assignments

    said = _EXISTS.search(request)
    if said is None:
        return []
    lines, out = code.split("\n"), []
    for name, node in asked_assignments(code, request, api):
        if asked_kind(request, name) != "bool" or any(
            isinstance(n, ast.Compare) and any(isinstance(o, (ast.In, ast.NotIn)) for o in n.ops)
            for n in ast.walk(node.value)
        ):
            continue
        held = [(v, c) for v, d in namespace.items() if f"`{v}`" in request and (c := api.locate(d))
                and "contains" in (api.protocols(c) or {})]  # fmt: skip
        if len(held) != 1:
            continue
        var, cls = held[0]
        found = getter(api, api.iterates(cls)) if api.iterates(cls) else None
        keys = set(re.findall(rf"\b{key_shape(found[2])}\b", request)) if found else set()
        if len(keys) != 1:
            continue
        text = f"{next(iter(keys))!r} in {var}"
        message = f"the task asks whether `{var}` holds {next(iter(keys))}: {name} = {text}"
        out.append(Issue("asked-membership", name, message, line=node.lineno,
                         fix=span_fix(node.value, lines, text)))  # fmt: skip
    return out
