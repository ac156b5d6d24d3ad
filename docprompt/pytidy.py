"""What is tidied in a Python reply before it is checked: the comment lines that narrate it, the
function a small model wrapped around the snippet asked for, keyword arguments that only repeat a
documented default, and the prints nobody asked for."""

from __future__ import annotations

import re
import textwrap

from .cards import signature_args
from .verify import call_name
from .verify.request import given_variables, requested_variables


def tidied(code: str, request: str, cards: list[str]) -> str:
    """``code`` as the answer stage checks it (each step below, in this order)."""
    code = prints_dropped(function_unwrapped(comments_dropped(code, request), request), request)
    return defaults_dropped(code, cards) if cards else code


_ASKS_FOR_COMMENTS = re.compile(r"\b(?:comment\w*|annotat\w*|explain\w*|document\w*)\b", re.I)
# comment lines that are not narration: a shebang, an encoding, a tool's pragma, a notebook cell
_KEPT_COMMENT = re.compile(r"#!|#.*coding[:=]|#\s*(?:type|noqa|fmt|pragma|pylint|mypy|ruff)\b|#\s*%%")


def comments_dropped(code: str, request: str) -> str:
    """``code`` without the lines that hold only a comment, and an ``else: pass`` that does
    nothing: a small model narrates its answer line by line ("# Assuming df is already defined",
    "# Select two random rows from A", code it thought of and left commented out) where the request
    asked for code. A comment after code on its line stays (it says what that line does), and so
    do pragmas; a request about comments, or code that is only comments, is left as it is."""
    import io
    import tokenize

    if _ASKS_FOR_COMMENTS.search(request):
        return code
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return code
    lines = code.split("\n")
    gone = {t.start[0] for t in tokens if t.type == tokenize.COMMENT and not t.line[: t.start[1]].strip()
            and not _KEPT_COMMENT.match(t.string)}  # fmt: skip
    gone |= _empty_else(code)
    kept = [ln for i, ln in enumerate(lines, 1) if i not in gone]
    if not gone or not any(ln.strip() and not ln.lstrip().startswith("#") for ln in kept):
        return code
    out = "\n".join(kept)
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", out).strip("\n")


def _empty_else(code: str) -> set[int]:
    """The lines of each ``else: pass`` (on lines of their own) an ``if`` or loop ends with."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    lines = code.split("\n")
    out: set[int] = set()
    for node in ast.walk(tree):
        orelse = getattr(node, "orelse", None)
        if not (isinstance(node, (ast.If, ast.For, ast.While)) and orelse and len(orelse) == 1):
            continue
        body = orelse[0]
        head = body.lineno - 1  # the `else:` line
        if isinstance(body, ast.Pass) and head >= 1 and lines[head - 1].strip() == "else:":
            out |= {head, body.lineno}
    return out


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
    """A snippet asked for and a function written: a lone function, called once at the top of the
    code or never, is replaced by its body (``def reverse_list(array): return array[::-1]`` for
    "reverse a list `array`" -> ``array[::-1]``). Where it was called, its parameters are first
    bound to the call's arguments (``weight = 2``; none for an argument that is the parameter's
    own name) and its last ``return X`` is assigned where the call's value went (``res = X``);
    never called, its parameters must be variables the request gives or unread, and a function named
    after a variable the request asks for is that variable (``def best(): ... return b.code``
    -> ``best = b.code``): the function hid the answer from the notebook. A request that asks
    for a function, several returns, recursion, unpacked arguments, a parameter bound over a
    variable the request names or read by a later argument (``f(2, p)``), or a variable of the
    function the rest of the code reads keep the code as it is."""
    import ast

    if _ASKS_FOR_A_FUNCTION.search(request):
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if len(defs) != 1:
        return code
    f = defs[0]
    a = f.args
    params = [x.arg for x in a.args]
    if f.decorator_list or a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
        return code
    given, asked = set(given_variables(request)), set(requested_variables(request))
    calls = [(n, c) for n in tree.body if n is not f and (c := _call_of(n, f.name)) is not None]
    others = [n for n in tree.body if n is not f and n not in [s for s, _ in calls]]
    recursive = any(isinstance(c, ast.Call) and _names(c.func) == {f.name} for c in ast.walk(f))
    if len(calls) > 1 or recursive or any(f.name in _names(n) for n in others):
        return code
    bindings: list[str] = []
    bound: set[str] = set()  # the parameters given another value than their own name
    if calls:
        where, call = calls[0]
        if (
            where.lineno < f.lineno
            or any(k.arg not in params for k in call.keywords)
            or any(isinstance(x, ast.Starred) for x in call.args)
        ):
            return code
        values = dict(zip(params, call.args)) | {k.arg: k.value for k in call.keywords if k.arg}
        defaults = dict(zip(params[len(params) - len(a.defaults) :], a.defaults))
        if len(call.args) > len(params) or any(p not in values and p not in defaults for p in params):
            return code
        for p in params:
            value = ast.get_source_segment(code, values[p]) if p in values else ast.unparse(defaults[p])
            if value != p:
                if p in given | asked or p in values and _names(values[p]) & bound:
                    return code  # f(2, p): `p = 2` first would change what the second reads
                bindings.append(f"{p} = {value}")
                bound.add(p)
        target = where.targets[0].id if isinstance(where, ast.Assign) else ""  # type: ignore[attr-defined]
    else:
        where = f
        if any(p not in given and p in _names(f) for p in params):
            return code
        target = f.name if f.name in asked else ""
    body = f.body[1:] if ast.get_docstring(f, clean=False) is not None else f.body
    made = {n.id for n in ast.walk(f) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if ((made | bound) - {target}) & set().union(*(_names(n) for n in others)):
        return code  # its variables, at the top, would change what the rest of the code reads
    returns = [n for n in ast.walk(f) if isinstance(n, ast.Return)]
    if (
        not body
        or returns
        and returns != [body[-1]]
        or any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)) for n in ast.walk(f))
    ):
        return code
    lines = code.split("\n")
    last = body[-1]
    stop = last.lineno - 1 if returns else f.end_lineno
    text = textwrap.dedent("\n".join(lines[body[0].lineno - 1 : stop]))
    statement = ast.get_source_segment(code, last) if isinstance(last, ast.Return) and last.value else None
    returned = statement.removeprefix("return").strip() if statement else None  # with its parentheses
    inline = [*bindings, text.strip("\n")] if text.strip() else bindings
    if returned is not None and returned != target:
        inline.append((f"{target} = " if target else "") + returned)
    first = f.lineno  # with the comment lines right above it ("# Define the function")
    while first > 1 and lines[first - 2].lstrip().startswith("#") and not lines[first - 2].startswith("#!"):
        first -= 1
    cut = {**dict.fromkeys(range(first, f.end_lineno + 1), ""),  # type: ignore[operator]
           **dict.fromkeys(range(where.lineno, where.end_lineno + 1), "")}  # type: ignore[operator]  # fmt: skip
    cut[where.lineno] = "\n".join(inline)
    out: list[str] = []
    for i, line in enumerate(lines, 1):
        text = cut.get(i, line)
        if i in cut and not text or not text.strip() and out and not out[-1].strip():
            continue  # the lines it leaves, and a blank line after a blank line
        out.append(text)
    return "\n".join(out).strip("\n")


def _call_of(statement, name: str):
    """The call of ``name`` a top-level statement is: ``f(a)``, ``x = f(a)``, ``print(f(a))``, or
    ``if __name__ == "__main__": f()``; None otherwise."""
    import ast

    main = isinstance(statement, ast.If) and len(statement.body) == 1 and not statement.orelse
    if main and {"__name__", "__main__"} <= set(re.findall(r"\w+", ast.unparse(statement.test))):
        statement = statement.body[0]
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign)) else None
    if isinstance(statement, ast.Assign) and not (
        len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
    ):
        return None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print":
        value = value.args[0] if len(value.args) == 1 and not value.keywords else None
    called = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == name
    return value if called else None


def _names(node) -> set[str]:
    import ast

    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


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
