"""What kind of value an expression holds, by the docs' annotations (``held_annotation``: an
``Accession``, a ``list[Accession]``, a ``float``), and the checks that need only that: an
argument of another kind than a built-in parameter takes (``bank.pluck(Keeping.AMBIENT)`` for
``code: str``); ``len()`` of a number; a dict key in another case than the docs write it. What a
request asks a variable to hold is :mod:`.pyasked`'s."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, container_parts, dotted, notebook_env, source
from .pyvalues import article, passed_args

_BUILTINS = {
    "len": "int", "sum": "int | float", "int": "int", "float": "float", "round": "int | float",
    "abs": "int | float", "bool": "bool", "str": "str", "repr": "str", "list": "list",
    "sorted": "list", "dict": "dict", "set": "set", "tuple": "tuple", "isinstance": "bool",
    "any": "bool", "all": "bool", "callable": "bool", "hasattr": "bool",
}  # fmt: skip
NUMBERS = {"int", "float", "complex", "Decimal", "Fraction", "Number", "Real", "Integral", "SupportsFloat"}
SIZED = {"list", "tuple", "set", "frozenset", "dict", "Sequence", "Mapping", "Collection", "str"}


def member_annotation(api: IndexSymbols, name: str) -> str:
    """What a property or field of a documented class holds (``frozenset[str]`` for
    ``Accession.tags: frozenset[str] = frozenset()``); '' for methods and the unknown."""
    symbol = api.resolve(name)
    if symbol is None or api.kind(symbol) not in ("property", "attribute"):
        return ""
    meta = api.entries[symbol].metadata
    sig = str(meta.get("signature") or "")
    held = str(meta.get("returns") or "") or (sig[1:].split("=", 1)[0] if sig.startswith(":") else "")
    return held.strip().strip("'\"")


def annotated_class(api: IndexSymbols, annotation: str) -> str:
    """The documented class an annotation names ('' for built-in types and unions)."""
    if not re.fullmatch(r"[\w.]+", annotation) or annotation in NUMBERS | SIZED | {"bool", "None"}:
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
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.Sub)):
        left = held_annotation(value.left, api, env)  # lot.tags & {'red'}: a set, of a set
        return left if left.split("[", 1)[0] in ("set", "frozenset") else ""
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
        if isinstance(func, ast.Name) and func.id not in env:
            if func.id in ("max", "min") and len(value.args) == 1:
                return _element(value.args[0], api, env)  # max(bank.sift(...), key=...): one of them
            if func.id in _BUILTINS:
                return _BUILTINS[func.id]
        symbol = api.resolve(target[1]) if target and target[0] in ("symbol", "instance-attr") else None
        if symbol:
            return symbol if api.is_class(symbol) else api.return_annotation(symbol).strip("'\"")
        if isinstance(func, ast.Attribute) and (owner := class_held(func.value, api, env)):
            return api.return_annotation(f"{owner}.{func.attr}").strip("'\"")
        return ""
    if isinstance(value, ast.Attribute):
        if target and target[0] in ("symbol", "instance-attr") and api.resolve(target[1]):
            owner = target[1].rsplit(".", 1)[0]
            if value.attr.isupper() and target[0] == "symbol" and api.is_class(owner):
                return api.resolve(owner) or ""  # an enum member: Keeping.AMBIENT
            return member_annotation(api, target[1])
        owner = class_held(value.value, api, env)
        return member_annotation(api, f"{owner}.{value.attr}") if owner else ""
    return ""


def _element(iterated: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    """The documented class of what iterating ``iterated`` gives ('' when not known)."""
    if element := container_parts(held_annotation(iterated, api, env))[1]:
        return api.class_named(element) or element
    owner = class_held(iterated, api, env)
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


def class_held(value: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str:
    held = held_annotation(value, api, env)
    return held if held and api.is_class(held) else annotated_class(api, held)


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


def added_objects(code: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``n += bank.dispatch(...)``, where ``dispatch`` returns a ``Consignment``: an object added
    to a count; the fix makes the call, then counts it (``n += 1``)."""
    from . import package_tree
    from .pyexpr import code_env, type_of

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = code_env(tree, api, namespace), code.split("\n"), []
    for node in (n for n in ast.walk(tree) if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add)):
        made = type_of(node.value, api, env) if isinstance(node.value, ast.Call) else None
        line = lines[node.lineno - 1] if node.lineno == node.end_lineno else ""
        text = source(node.value, lines)
        if not (made and api.is_class(made) and line and text and isinstance(node.target, ast.Name)):
            continue
        at = line[: len(line) - len(line.lstrip())]
        short = made.rsplit(".", 1)[-1]
        message = f"`{node.target.id} += ...` adds {article(short)} to a count: make the call, then count it"
        out.append(Issue("wrong-kind", node.target.id, message, line=node.lineno,
                         fix=(node.lineno, line, f"{at}{text}\n{at}{node.target.id} += 1")))  # fmt: skip
    return out


def other_objects(name: str, params: ast.arguments, node: ast.Call, api: IndexSymbols,
                  env: Mapping[str, Binding], lines: list[str]) -> list[Issue]:  # fmt: skip
    """An object of one documented class passed where a parameter takes another: a builder not
    finished (``shelve(jar('plums').filled(300))`` for ``jar: Jar``: the fix calls the one method
    of the builder that returns a ``Jar`` and takes nothing, ``.close()``), or what the call
    would make (``new_ledger(catalogue)`` for ``*lots: Accession``, ``catalogue`` already a
    ``Ledger``: the fix keeps the value)."""
    pairs = passed_args(params, node)
    out = []
    for arg, value in pairs:
        classes = api.taken_classes(name, arg)
        held = class_held(value, api, env) if classes else ""
        if held and any(api.is_a(held, c) for c in classes):
            continue  # what the parameter takes (``depth(node.parent)``, a Node too)
        if isinstance(value, ast.Attribute) and (whole := _whole(name, arg, value, classes, api, env, lines)):
            out.append(Issue("bad-type", f"{name}({arg.arg}=)", whole, line=node.lineno, card=api.card(name),
                             fix=span_fix(value, lines, source(value.value, lines))))  # fmt: skip
            continue
        if not held:
            continue
        got, short, text = held.rsplit(".", 1)[-1], name.split(".", 1)[-1], source(value, lines)
        message = f"`{short}`'s {arg.arg} takes {article(' or '.join(c.rsplit('.', 1)[-1] for c in classes))}"
        message += f", not {article(got)}"
        fix = None
        finish = [m for m in api.member_list(held) if api.returns(f"{held}.{m}") in classes
                  and _no_arguments(api.signature(f"{held}.{m}"))]  # fmt: skip
        if len(finish) == 1 and text:
            fix = span_fix(value, lines, f"{text}.{finish[0]}()")
            message += f": finish it with `.{finish[0]}()`"
        elif len(node.args) == 1 and not node.keywords and text and api.returns(name) == api.resolve(held):
            fix = span_fix(node, lines, text)
            message += f": `{text}` is already the {got} the call would make"
        card = api.card(name)
        out.append(Issue("bad-type", f"{name}({arg.arg}=)", message, line=node.lineno, card=card, fix=fix))
    return out


def _whole(name: str, arg: ast.arg, value: ast.Attribute, classes: list[str], api: IndexSymbols,
           env: Mapping[str, Binding], lines: list[str]) -> str:  # fmt: skip
    """``log_trial(code, germ_count(...).rate)`` for ``trial``, a Trial: a field of an object of
    the class the parameter takes, passed in its place; the message (the fix passes the object),
    '' when it is not that."""
    whole = class_held(value.value, api, env)
    text = source(value.value, lines) if whole else ""
    if not text or not any(api.is_a(whole, c) for c in classes):
        return ""
    got, short = whole.rsplit(".", 1)[-1], name.split(".", 1)[-1]
    return f"`{short}`'s {arg.arg} takes {article(got)} itself, not its `{value.attr}`: pass {text}"


def _no_arguments(params: ast.arguments | None) -> bool:
    """A method that takes nothing but itself (its defaults aside)."""
    if params is None:
        return False
    positional = params.posonlyargs + params.args
    itself = 1 if positional and positional[0].arg == "self" else 0
    required_kw = any(d is None for d in params.kw_defaults)
    return len(positional) - len(params.defaults) - itself <= 0 and not required_kw


def stored_input(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``plan = bank`` for "Make a regrowing plan for `bank` ... store the plan in `plan`": the
    variable asked holds the input itself, of another class than the one its name says (the one
    documented class whose name holds the variable's: ``SowingPlan`` for ``plan``); where one
    documented function makes that class from the input's, with nothing else required, the fix
    calls it: ``plan = regrow_plan(bank)``."""
    from . import asked_assignments
    from .pyvalues import stems

    lines, out = code.split("\n"), []
    named: dict[str, set[str]] = {}
    for name, node in asked_assignments(code, request, api):
        given = node.value.id if isinstance(node.value, ast.Name) else ""
        owner = api.locate(namespace.get(given, "")) if given and f"`{given}`" in request else None
        if not owner or name == given:
            continue
        # each class by the words of its name (``SowingPlan``: sowing, plan), read once
        named = named or {s: stems(" ".join(re.findall(r"[A-Z][a-z]+", s.rsplit(".", 1)[-1])), 3)
                          for s in api.entries if api.is_class(s)}  # fmt: skip
        words = stems(name.replace("_", " "), 3)
        classes = [s for s, parts in named.items() if s != owner and words & parts]
        if len(classes) != 1:
            continue
        makers = [f for f in api.functions_returning(classes[0]) if _takes_first(api, f, owner)]
        if len(makers) != 1:
            continue
        call = f"{makers[0].rsplit('.', 1)[-1]}({given})"
        short = classes[0].rsplit(".", 1)[-1]
        message = f"`{name}` holds `{given}` itself; the task asks for {article(short)}: {name} = {call}"
        out.append(Issue("stored-input", name, message, line=node.lineno, card=api.card(makers[0]),
                         fix=span_fix(node.value, lines, call)))  # fmt: skip
    return out


def _takes_first(api: IndexSymbols, function: str, cls: str) -> bool:
    """``function``'s first parameter takes ``cls`` and every other one has a default."""
    a = api.signature(function)
    params = (a.posonlyargs + a.args) if a else []
    if not params or a is None or len(a.defaults) < len(params) - 1:
        return False
    required_kw = [k for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]
    return not required_kw and any(api.is_a(cls, c) for c in api.taken_classes(function, params[0]))
