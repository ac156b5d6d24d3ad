"""What kind of value the code holds, by the docs' annotations, against what it should: a
variable the request asks to hold True or False, or a number (``held = bank.isolate('SL-0005')``
stores the ``Accession`` that ``isolate`` returns; ``n = bank.sift('keep=deep')`` stores a list,
whose number is ``len(...)``); an argument of another kind than a built-in parameter takes
(``bank.pluck(Keeping.AMBIENT)`` for ``code: str``); ``len()`` of a number; a dict key in another
case than the docs write it."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, container_parts, dotted, notebook_env, source
from .pyvalues import article, meanings, passed_args, stems

_BOOL = re.compile(r"\b(?:True or False|False or True)\b")
_NUMBER = re.compile(r"\b(?:how many|how much|how old|(?:the|a) number|number of|(?:the|a) count)\b", re.I)
# "how many lots", "the number of shipments": a count of things, a whole number; not of a measure
_COUNT = re.compile(r"\b(?:how many|number of)\s+(\w+)(?:\s+(\w+))?", re.I)
_MEASURES = {
    "g", "gram", "kg", "kilogram", "mg", "litre", "liter", "ml", "metre", "meter", "km", "cm", "mm",
    "percent", "pound", "ounce", "second", "minute", "hour", "mile", "degree", "dollar", "euro",
}  # fmt: skip
_BUILTINS = {
    "len": "int", "sum": "int | float", "int": "int", "float": "float", "round": "int | float",
    "abs": "int | float", "bool": "bool", "str": "str", "repr": "str", "list": "list",
    "sorted": "list", "dict": "dict", "set": "set", "tuple": "tuple", "isinstance": "bool",
    "any": "bool", "all": "bool", "callable": "bool", "hasattr": "bool",
}  # fmt: skip
_NUMBERS = {"int", "float", "complex", "Decimal", "Fraction", "Number", "Real", "Integral", "SupportsFloat"}
_ASKING = "hold have contain there number many does store count total what"
_MEASURED = {"float", "complex", "Decimal", "Fraction", "Real", "SupportsFloat"}
_UNKNOWN = {"", "Any", "object", "Self", "T"}
_SIZED = {"list", "tuple", "set", "frozenset", "dict", "Sequence", "Mapping", "Collection", "str"}


def asked_kind(request: str, name: str) -> str:
    """'bool', 'count' or 'number' when the request asks `name` to hold True or False, a count of
    things ("how many lots", a whole number) or another number ('' when it does not say): the
    sentence that names the variable, or any sentence of a request that asks for one variable
    only ("How many lots ...? Store the number in `n`.")."""
    from .request import requested_variables

    sentences = re.split(r"(?<=[.;?])\s+", request)
    own = " ".join(s for s in sentences if f"`{name}`" in s)
    texts = (own, request if requested_variables(request) == [name] else "")
    for text in texts:
        if _BOOL.search(text):
            return "bool"
        if _NUMBER.search(text):  # "How many lots ...? Store the number in `n`.": what is counted
            counted = [{w.lower() for w in m.groups() if w} for t in texts for m in _COUNT.finditer(t)]
            measured = any(w in _MEASURES or w.removesuffix("s") in _MEASURES for ws in counted for w in ws)
            return "count" if counted and not measured else "number"
    return ""


def _member_annotation(api: IndexSymbols, name: str) -> str:
    """What a property or field of a documented class holds (``frozenset[str]`` for
    ``Accession.tags: frozenset[str] = frozenset()``); '' for methods and the unknown."""
    symbol = api.resolve(name)
    if symbol is None or api.kind(symbol) not in ("property", "attribute"):
        return ""
    meta = api.entries[symbol].metadata
    sig = str(meta.get("signature") or "")
    held = str(meta.get("returns") or "") or (sig[1:].split("=", 1)[0] if sig.startswith(":") else "")
    return held.strip().strip("'\"")


def _class(api: IndexSymbols, annotation: str) -> str:
    """The documented class an annotation names ('' for built-in types and unions)."""
    if not re.fullmatch(r"[\w.]+", annotation) or annotation in _NUMBERS | _SIZED | {"bool", "None"}:
        return ""
    return api.class_named(annotation.rsplit(".", 1)[-1])


def held_annotation(value: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    """The type an expression holds, as the docs annotate it (``Accession``, ``list[Accession]``,
    ``bool``) or as Python defines it (``len(...)``: ``int``; a comparison: ``bool``); ''
    when not known."""
    if isinstance(value, (ast.Compare, ast.BoolOp)) or (
        isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)
    ):
        return "bool"
    if isinstance(value, ast.Constant):
        return "None" if value.value is None else type(value.value).__name__
    kinds = {ast.List: "list", ast.ListComp: "list", ast.Dict: "dict", ast.DictComp: "dict",
             ast.Set: "set", ast.SetComp: "set", ast.Tuple: "tuple", ast.JoinedStr: "str"}  # fmt: skip
    if type(value) in kinds:
        return kinds[type(value)]
    if isinstance(value, ast.Name):
        return env[value.id][1] if env.get(value.id, ("", ""))[0] == "instance" else ""
    if isinstance(value, ast.Subscript):
        return _item(held_annotation(value.value, api, env), isinstance(value.slice, ast.Slice))
    target = dotted(value.func if isinstance(value, ast.Call) else value, env) if isinstance(
        value, (ast.Call, ast.Attribute)
    ) else None  # fmt: skip
    if isinstance(value, ast.Call):
        func = value.func
        one = len(value.args) == 1 and isinstance(func, ast.Name) and func.id not in env
        if one and isinstance(func, ast.Name) and func.id in ("max", "min"):
            return _element(value.args[0], api, env)  # max(bank.sift(...), key=...): one of them
        if isinstance(func, ast.Name) and func.id in _BUILTINS and func.id not in env:
            return _BUILTINS[func.id]
        symbol = api.resolve(target[1]) if target and target[0] in ("symbol", "instance-attr") else None
        if symbol:
            return symbol if api.is_class(symbol) else api.return_annotation(symbol).strip("'\"")
        if isinstance(func, ast.Attribute) and (owner := _class_held(func.value, api, env)):
            return api.return_annotation(f"{owner}.{func.attr}").strip("'\"")
        return ""
    if isinstance(value, ast.Attribute):
        if target and target[0] in ("symbol", "instance-attr") and api.resolve(target[1]):
            owner = target[1].rsplit(".", 1)[0]
            if value.attr.isupper() and target[0] == "symbol" and api.is_class(owner):
                return api.resolve(owner) or ""  # an enum member: Keeping.AMBIENT
            return _member_annotation(api, target[1])
        owner = _class_held(value.value, api, env)
        return _member_annotation(api, f"{owner}.{value.attr}") if owner else ""
    return ""


def _element(iterated: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    """The documented class of what iterating ``iterated`` gives ('' when not known)."""
    if element := container_parts(held_annotation(iterated, api, env))[1]:
        return api.class_named(element) or element
    owner = _class_held(iterated, api, env)
    return api.iterates(owner) if owner else ""


def _item(container: str, sliced: bool) -> str:
    """What indexing a container of that annotation gives: ``int`` from ``dict[str, int]``,
    ``Accession`` from ``list[Accession]``, the list itself from a slice."""
    m = re.fullmatch(r"(\w+)\[(.+)\]", container.replace(" ", ""))
    if not m:
        return ""
    outer, inner = m.group(1), m.group(2)
    if outer in ("dict", "Mapping") and inner.count(",") == 1 and "[" not in inner:
        return "" if sliced else inner.split(",")[1]
    if outer in ("list", "Sequence") and "," not in inner:
        return container if sliced else inner
    return ""


def measured_numbers(code: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``len(bank.tally(...)['deep'])``: ``len`` of what the docs say is a number (the count the
    dict holds), which raises TypeError. The fix uses the number as it is."""
    from . import package_tree

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = notebook_env(namespace, api, modules=False), code.splitlines(), []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"
                and len(node.args) == 1 and "len" not in env):  # fmt: skip
            continue
        held = held_annotation(node.args[0], api, env)
        if held not in ("int", "float", "bool"):
            continue
        text = source(node.args[0], lines)
        number = article(f"`{held}`")
        message = f"`{text or 'the value'}` is already a number ({number}): len() of it raises TypeError"
        # a count is the number asked for; len() of a weight meant to count something else
        fix = span_fix(node, lines, text) if text and held == "int" else None
        message += "; use it as it is" if fix else ""
        out.append(Issue("wrong-kind", "len", message, line=node.lineno, fix=fix))
    return out


def documented_keys(code: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``bank.tally(by='keeping')['DEEP']`` where the call's docs write its keys ``'deep'``,
    ``'held'``: a key in another case than every string the docs quote is the one they quote."""
    from . import package_tree

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = notebook_env(namespace, api, modules=False), code.splitlines(), []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call)):
            continue
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        target = dotted(node.value.func, env)
        symbol = api.resolve(target[1]) if target and target[0] in ("symbol", "instance-attr") else None
        if not symbol or not api.return_annotation(symbol).startswith(("dict", "Mapping")):
            continue
        quoted = set(re.findall(r"""(?<![\w])["']([\w -]+)["'](?![\w])""", api.entries[symbol].text))
        same = [q for q in quoted if q.casefold() == key.value.casefold()]
        if key.value in quoted or len(same) != 1:
            continue
        short = symbol.rsplit(".", 1)[-1]
        message = f"`{short}`'s keys are written like {same[0]!r} in its docs, not {key.value!r}"
        out.append(Issue("bad-value", f"{symbol}[]", message, line=node.lineno, card=api.card(symbol),
                         fix=span_fix(key, lines, repr(same[0]))))  # fmt: skip
    return out


def _class_held(value: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    held = held_annotation(value, api, env)
    return held if held and api.is_class(held) else _class(api, held)


def _fits(kind: str, annotation: str, api: IndexSymbols) -> bool:
    parts = {p.strip().split("[", 1)[0].rsplit(".", 1)[-1] for p in annotation.split("|")}
    if parts & _UNKNOWN or any(len(p) == 1 for p in parts):  # unknown, or a type variable
        return True
    if kind == "bool":
        return "bool" in parts
    if kind == "count" and parts <= _MEASURED:  # a weight or a rate where things are counted
        return False
    if parts & _NUMBERS:
        return True
    cls = annotation if api.is_class(annotation) else _class(api, annotation)
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
        elif _member_annotation(api, name) == "bool":
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
    return f"; `x in {text}` says whether it holds x" if annotation.split("[", 1)[0] in _SIZED else ""


def _answered(value: ast.expr, cls: str, name: str, request: str, api: IndexSymbols,
              env: Mapping[str, Binding]) -> str:  # fmt: skip
    """``bank.pluck('SL-0008').usable`` for ``bank.isolate('SL-0008')`` and "Can lot SL-0008
    still be sent or sown?": the object looked up with its owner's one getter (``isolate``
    quarantines the lot it returns), then the one True/False member of its class, or the one
    enum member of one of its fields, whose docs share the request's words ("may be sent or
    sown"; ``LotState.HELD``, "quarantined", for "is it in quarantine?"). '' when the docs do
    not decide."""
    from .pycontainers import getters

    said = stems(request) - stems("store true false") - {name}
    described = [(len(said & stems(text)), member) for member, text in meanings(api, cls).items()]
    if isinstance(value, ast.Attribute) and (told := _told(described)):
        return f"{ast.unparse(value)} is {cls.rsplit('.', 1)[-1]}.{told}"  # lot.state is LotState.HELD
    call = value.value if isinstance(value, ast.Attribute) else value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and len(call.args) == 1):
        return ""
    owner = _class_held(call.func.value, api, env)
    found = getters(owner, api) if owner else []
    if len(found) != 1 or call.keywords or api.returns(f"{owner}.{found[0]}") != cls:
        return ""
    looked_up = f"{ast.unparse(call.func.value)}.{found[0]}({ast.unparse(call.args[0])})"
    scored: list[tuple[int, str]] = []
    for member in _bool_members(api, cls):
        if member.endswith("()") or "(" not in member:  # nothing to pass
            scored.append((len(said & stems(api.doc(f"{cls}{member.split('(')[0]}"))), member.rstrip("()")))
    for field in api.member_list(cls):
        enum = _class(api, _member_annotation(api, f"{cls}.{field}"))
        short = enum.rsplit(".", 1)[-1]
        for constant, text in meanings(api, enum).items() if enum else []:
            scored.append((len(said & stems(text)), f".{field} is {short}.{constant}"))
    best = _told(scored)
    return f"{looked_up}{best}" if best else ""


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
        cls = annotation if api.is_class(annotation) else _class(api, annotation)
        shown = cls.rsplit(".", 1)[-1] if cls else annotation
        holds = "returns" if isinstance(node.value, ast.Call) else "holds"
        fix, hint = None, _bool_hint(api, cls, shown, annotation, text) if kind == "bool" else ""
        if kind == "bool" and cls and (asked := _answered(node.value, cls, name, request, api, env)):
            fix, hint = span_fix(node.value, lines, asked), f": `{asked}` answers the question"
        sized = annotation.split("[", 1)[0] in _SIZED or (cls and "len" in (api.protocols(cls) or {}))
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
    owner = _class_held(obj, api, env) if obj is not None else ""
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


_SCALARS = {"str", "int", "float", "complex", "bytes", "bool"}


def objects_for_scalars(name: str, params: ast.arguments, node: ast.Call, api: IndexSymbols,
                        env: Mapping[str, Binding]) -> list[Issue]:  # fmt: skip
    """A value of another kind passed where a parameter takes only built-in values: a literal of
    another built-in type (``bank.stock(where=0)`` for ``where: str | None``), an object of a
    documented class (``bank.pluck(Keeping.AMBIENT)`` for ``code: str``)."""
    out = []
    for arg, value in passed_args(params, node):
        names = {n.id for n in ast.walk(arg.annotation or ast.Constant(None)) if isinstance(n, ast.Name)}
        names -= {"None", "Optional"}
        if not names or not names <= _SCALARS:
            continue
        if isinstance(value, ast.Constant):
            got = type(value.value).__name__
            widened = got in ("int", "bool") and names & {"int", "float", "complex"}
            if value.value is None or got in names or widened:
                continue
        else:
            held = held_annotation(value, api, env)
            if not held or not api.is_class(held) or any(api.is_a(held, n) for n in names):
                continue
            got = held.rsplit(".", 1)[-1]
        takes = article(" or ".join(sorted(names)))
        message = f"`{name.split('.', 1)[-1]}`'s {arg.arg} takes {takes}, not {article(got)}"
        out.append(Issue("bad-type", f"{name}({arg.arg}=)", message, line=node.lineno, card=api.card(name)))
    return out
