"""What is tidied in a Python reply before it is checked: the function a small model wrapped
around the snippet asked for, keyword arguments that only repeat a documented default, and the
prints nobody asked for."""

from __future__ import annotations

import re

from .cards import signature_args
from .verify import call_name
from .verify.request import given_variables


def tidied(code: str, request: str, cards: list[str]) -> str:
    """``code`` as the answer stage checks it (each step below, in this order)."""
    code = prints_dropped(function_unwrapped(code, request), request)
    return defaults_dropped(code, cards) if cards else code


def card_defaults(card: str) -> tuple[str, dict[str, str]]:
    """(the name a card documents, its keyword parameters' default values as source text):
    ``("groupby", {"axis": "0", "sort": "True", ...})`` for ``DataFrame.groupby(by=None, axis=0,
    sort=True): Group ...``; ``("", {})`` when its signature does not parse."""
    import ast

    head = card.splitlines()[0].removeprefix("class ") if card else ""
    name, paren, _ = head.partition("(")
    depth, end = 0, -1
    for i in range(len(name), len(head) if paren else 0):
        depth += head[i] in "([{"
        depth -= head[i] in ")]}"
        if depth == 0:
            end = i
            break
    a = signature_args(head[len(name) : end + 1]) if end > 0 else None
    if a is None:
        return "", {}
    positional = a.posonlyargs + a.args
    pairs = list(zip(positional[len(positional) - len(a.defaults) :], a.defaults))
    pairs += [(k, d) for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
    return name.rsplit(".", 1)[-1].strip(), {k.arg: ast.unparse(d) for k, d in pairs}


def defaults_dropped(code: str, cards: list[str]) -> str:
    """``code`` without the keyword arguments that only repeat a documented default, in calls
    that repeat two or more: shown a signature, a small model writes every default of it into
    its call (``df.groupby(by=None, axis=0, level=None, ..., squeeze=NoDefault.no_default)``)."""
    import ast

    defaults: dict[str, dict[str, str]] = {}
    for card in cards:
        name, found = card_defaults(card)
        if name and found:
            defaults.setdefault(name, {}).update(found)
    for _ in range(8 if defaults else 0):  # one call at a time, the code parsed again after each
        try:
            tree = ast.parse(code)
        except SyntaxError:
            return code
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            known = defaults.get(call_name(node), {})
            same = [k for k in node.keywords if k.arg in known and ast.unparse(k.value) == known[k.arg]]
            if len(same) >= 2:
                kept = [a for a in [*node.args, *node.keywords] if a not in same]
                kept.sort(key=lambda a: (getattr(a, "lineno", 0), getattr(a, "col_offset", 0)))
                parts = [ast.get_source_segment(code, x) for x in [node.func, *kept]]
                whole = ast.get_source_segment(code, node, padded=False)
                if None in parts or whole is None:
                    return code
                code = code.replace(whole, f"{parts[0]}({', '.join(parts[1:])})", 1)  # type: ignore[arg-type]
                break
        else:
            return code
    return code


_ASKS_FOR_A_FUNCTION = re.compile(r"\b(?:functions?|def|methods?|lambda|decorator|class|callable)\b", re.I)


def function_unwrapped(code: str, request: str) -> str:
    """A snippet asked for and a function written: the body of a lone function whose parameters
    are all variables the request gives becomes the code (``def reverse_list(array): return
    array[::-1]`` for "reverse a list `array`" -> ``array[::-1]``), its last ``return X`` the
    value ``X`` (assigned where the code then stored the call in a variable). A call of it after
    the definition with those same variables (``print(f(array))``) goes; anything else there,
    several returns, or a request that asks for a function keep the code as it is."""
    import ast
    import textwrap

    if _ASKS_FOR_A_FUNCTION.search(request):
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if len(defs) != 1:
        return code
    f = defs[0]
    params = [a.arg for a in f.args.args]
    if (not params or not set(params) <= set(given_variables(request)) or f.decorator_list
            or f.args.vararg or f.args.kwarg or f.args.kwonlyargs or f.args.posonlyargs):  # fmt: skip
        return code
    target = ""
    for node in tree.body:
        if node in imports or node is f:
            continue
        value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print":
            value = value.args[0] if len(value.args) == 1 else None
        called = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == f.name
        if not called or [ast.unparse(a) for a in value.args] != params or value.keywords:  # type: ignore[union-attr]
            return code
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                return code
            target = node.targets[0].id
    body = f.body[1:] if ast.get_docstring(f, clean=False) is not None else f.body
    returns = [n for n in ast.walk(f) if isinstance(n, ast.Return)]
    if (
        not body
        or returns
        and returns != [body[-1]]
        or any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)) for n in ast.walk(f))
    ):
        return code
    lines = code.split("\n")
    kept = ["\n".join(lines[n.lineno - 1 : n.end_lineno]) for n in imports]
    last = body[-1]
    text = textwrap.dedent(
        "\n".join(lines[body[0].lineno - 1 : last.lineno - 1 if returns else f.end_lineno])
    )
    statement = ast.get_source_segment(code, last) if isinstance(last, ast.Return) and last.value else None
    returned = statement.removeprefix("return").strip() if statement else None  # with its parentheses
    if returned is not None:
        text = (
            text.rstrip("\n") + ("\n" if text.strip() else "") + (f"{target} = " if target else "") + returned
        )
    return "\n".join([*kept, *([""] if kept else []), text.strip("\n")]).strip("\n")


_ASKS_TO_PRINT = re.compile(r"\b(?:print\w*|show\w*|display\w*|output\w*|echo\w*|log|report)\b", re.I)
# calls a print may hold and still go: they compute, never act
_PURE_CALLS = {"len", "str", "repr", "sorted", "list", "tuple", "set", "dict", "round", "int", "float",
               "type", "sum", "min", "max", "abs", "format", "bool"}  # fmt: skip


def prints_dropped(code: str, request: str) -> str:
    """``code`` without the ``print(...)`` lines a request that asks for no printing did not want:
    a small model shows off what it made (``print("Site:", lot.site)``, ``print(f"... {e.message}")``)
    with attributes it invents, and the answer fails on a line nobody asked for. A print whose
    arguments call anything but a builtin that computes (``print(bank.dispatch(...))``) stays;
    a block left empty gets ``pass``; code that is only prints stays as it is."""
    import ast

    if _ASKS_TO_PRINT.search(request):
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    lines = code.split("\n")

    def alone(s: ast.stmt) -> bool:  # on lines of its own (not after `if x:` or a `;`)
        tail = lines[s.end_lineno - 1][s.end_col_offset :].strip()  # type: ignore[operator]
        return not lines[s.lineno - 1][: s.col_offset].strip() and (not tail or tail.startswith("#"))

    def printing(s: ast.stmt) -> bool:
        call = s.value if isinstance(s, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print"):
            return False
        calls = [c for c in ast.walk(call) if isinstance(c, (ast.Call, ast.NamedExpr, ast.Await))][1:]
        pure = all(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in _PURE_CALLS
                   for c in calls)  # fmt: skip
        return pure and alone(s)

    dropped: set[int] = set()
    passes: dict[int, str] = {}
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if not isinstance(block, list) or not block or not isinstance(block[0], ast.stmt):
                continue
            gone = [s for s in block if printing(s)]
            for s in gone:
                dropped.update(range(s.lineno, s.end_lineno + 1))
            if gone and len(gone) == len(block) and not isinstance(node, ast.Module):
                passes[block[0].lineno] = " " * block[0].col_offset + "pass"
    if not dropped or all(printing(s) or isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body):
        return code
    out = [passes.get(i, ln) for i, ln in enumerate(lines, 1) if i not in dropped or i in passes]
    return "\n".join(out).strip("\n")
