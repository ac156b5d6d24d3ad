"""What a request tells the code to do to the things a variable holds, and the documented method
that does it: "Quarantine every lot of `bank` harvested before 2015 ..." asks for
``Ledger.isolate`` ("Quarantine a lot ..."), which code that only counts those lots never calls.

A clause's first word is the action ("Quarantine every lot", "then send 2 g ..."), or, after a
verb of placing, where it puts them ("Put lot SL-0007 of `bank` in quarantine"). It asks for a
method of a class the notebook holds whose docs begin with that verb, or whose name is it
("Withdraw the lots ..." -> ``withdraw``); where two methods could be meant, the request decides
nothing and nothing is said."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, one_symbol, package_tree
from .api import IndexSymbols
from .pyexpr import source
from .pyvalues import alike, stems

_CLAUSES = re.compile(r"[.;:?!]\s+|,\s*(?:and\s+)?(?:then\s+)?|\bthen\s+|\band\s+(?=[a-z]+\s)")
_PLACING = re.compile(r"(?:put|move|place|set|turn)\b.*?\b(?:in|into|under)\s+(?:the\s+)?([A-Za-z]+)", re.I)
_NOT_VERBS = {"the", "a", "an", "how", "whether", "what", "which", "whose", "total", "years", "all", "one"}
# verbs too common to ask for one method ("add them all to `bank`" may merge a catalogue)
_COMMON = {
    "add", "make", "get", "set", "put", "take", "give", "use", "keep", "find", "store", "check", "look",
    "count", "list", "show", "load", "read", "write", "save", "start", "build", "run",
}  # fmt: skip


def _actions(request: str) -> list[str]:
    """The verbs the request's clauses begin with, and the places its placing clauses put things
    ("quarantine" for "Put lot SL-0007 ... in quarantine")."""
    return [verb for verb, _ in _acted(request)]


def _acted(request: str) -> list[tuple[str, str]]:
    """(verb, the rest of its clause: what it acts on) for ``_actions``."""
    text = re.sub(r"`[^`]*`", "x", request)
    found = []
    for clause in _CLAUSES.split(text):
        clause = clause.strip()
        placed = _PLACING.match(clause)
        if placed:
            found.append((placed.group(1).lower(), clause))
        elif (m := re.match(r"([A-Za-z]+)\s", clause)) and not re.fullmatch(r"\w{4,}ing", m.group(1)):
            found.append((m.group(1).lower(), clause[m.end() :]))  # "counting lots ..." acts on nothing
    return found


def _acts_on(api: IndexSymbols, symbol: str, verb: str, rest: str) -> bool:
    """The clause's words after its verb share one with the method's docs ("record the
    character offset" is no ``log_trial``, "Record a germination test on a lot")."""
    plain = stems("the and for its from with each every all that this any one", 3) | stems(verb, 3)
    docs = stems(f"{api.doc(symbol)} {symbol.rsplit('.', 1)[-1]}", 3)
    return bool((stems(rest, 3) - plain) & (docs - plain))


def _doers(api: IndexSymbols, owner: str, verb: str) -> set[str]:
    """The methods of ``owner`` that do ``verb``: its name, or the first word of its docs."""
    out = set()
    for member in api.members(owner):
        symbol = f"{owner}.{member}"
        if member.startswith("_") or api.kind(symbol) not in ("method", "function"):
            continue
        first = (re.findall(r"[A-Za-z]+", api.doc(symbol)) or [""])[0].lower()
        if alike(verb, member) or (first not in _NOT_VERBS and alike(verb, first)):
            out.add(symbol)
    return out


def undone_actions(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """Issues for the actions the request asks of a held object's documented methods that the
    code never calls."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    located = {n: api.locate(d) for n, d in namespace.items() if not d.startswith("module:")}
    held = {n: c for n, c in located.items() if c and api.is_class(c) and f"`{n}`" in request}
    called = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    called |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    issues: list[Issue] = []
    for verb, rest in _acted(request):
        for name, owner in held.items() if verb not in _COMMON else ():
            doers = _doers(api, owner, verb)
            symbol = next(iter(doers)) if len(doers) == 1 else ""
            if not symbol or not _acts_on(api, symbol, verb, rest):
                continue
            method = symbol.rsplit(".", 1)[-1]
            if method in called or any(i.name == symbol for i in issues):
                continue
            message = f"the task says to {verb}: call `{name}.{method}(...)`, which the code never calls"
            fix = _loop_fix(tree, code, name, owner, symbol, api) or _thrown_fix(
                tree, code, name, symbol, request, api, namespace
            )
            issues.append(Issue("undone-action", symbol, message, card=api.card(symbol), fix=fix))
    return issues


def _thrown_fix(tree: ast.Module, code: str, name: str, symbol: str, request: str, api: IndexSymbols,
               namespace: Mapping[str, str]) -> tuple[int, str, str] | None:  # fmt: skip
    """ "Record a germination test on lot SL-0002 of `bank` ..." answered with the test made and
    thrown away (``germ_count(60, emerged=45)`` as a statement): the method the request asks
    for takes the lot's key and such an object, so the fix passes both
    (``bank.log_trial('SL-0002', germ_count(60, emerged=45))``)."""
    from ..lookups import getter, named_keys
    from .pyexpr import code_env, type_of

    a = api.signature(symbol)
    params = [x for x in (a.posonlyargs + a.args if a else []) if x.arg not in ("self", "cls")]
    found = getter(api, api.iterates(symbol.rsplit(".", 1)[0]))
    keys = {m.group(1) for m in named_keys(request, found[1], found[2])} if found else set()
    if len(params) != 2 or len(keys) != 1:
        return None
    env, lines = code_env(tree, api, namespace), code.split("\n")
    for stmt in tree.body:
        made = type_of(stmt.value, api, env) if isinstance(stmt, ast.Expr) else None
        taken = api.taken_classes(symbol, params[1])
        if made and stmt.lineno == stmt.end_lineno and any(api.is_a(made, c) for c in taken):
            old = lines[stmt.lineno - 1]
            call = f"{name}.{symbol.rsplit('.', 1)[-1]}({next(iter(keys))!r}, {old.strip()})"
            return stmt.lineno, old, old[: len(old) - len(old.lstrip())] + call
    return None


_INTO = re.compile(r"\b([a-z]+)\s+(?:it|them|the \w+|this \w+)\s+(?:to|into|in)\s+`(\w+)`", re.I)


def unadded_objects(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """ "Describe a new lot ...; add it to `bank`" answered by code that makes the lot
    (``new_lot = draft(...).seal()``) and never uses it: the one method of the held variable's
    class that takes such an object and whose docs begin with the request's verb ("Add a lot to
    the ledger") is called on it after the line that makes it (``bank.shelve(new_lot)``)."""
    from .pyexpr import code_env, type_of

    tree = package_tree(code, api)
    said = _INTO.search(request) if tree is not None else None
    owner = api.locate(namespace.get(said.group(2), "")) if said else None
    if tree is None or said is None or not owner:
        return []
    env, lines, out = code_env(tree, api, namespace), code.split("\n"), []
    reads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for stmt in tree.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        if not isinstance(target, ast.Name) or target.id in reads or stmt.lineno != stmt.end_lineno:
            continue
        made = type_of(stmt.value, api, env) or ""
        takers = [d for d in _doers(api, owner, said.group(1).lower()) if _takes(api, d, made)]
        method = takers[0].rsplit(".", 1)[-1] if len(takers) == 1 else ""
        if not made or not method or f"{said.group(2)}.{method}(" in ast.unparse(stmt.value):
            # ``carrot = bank.shelve(draft(...).seal())``: made and added in one
            continue
        call = f"{said.group(2)}.{takers[0].rsplit('.', 1)[-1]}({target.id})"
        old = lines[stmt.lineno - 1]
        message = f"the task says to {said.group(1).lower()} it to `{said.group(2)}`: `{call}`, not done"
        out.append(Issue("undone-action", takers[0], message, line=stmt.lineno, card=api.card(takers[0]),
                         fix=(stmt.lineno, old, f"{old}\n{call}")))  # fmt: skip
    return out


def thrown_results(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``bank.dispatch(...)`` as a statement, then ``sent = bank`` for "keep the shipment record
    in `sent`": the asked variable holds the notebook's object itself, and the documented object
    the call returned (a ``Consignment``, another class than the variable's) is thrown away. The
    fix stores the call's value: ``sent = bank.dispatch(...)``."""
    from . import asked_assignments
    from .pyvalues import stems
    from .request import naming_sentences

    lines, out = code.split("\n"), []
    tree = package_tree(code, api)
    for name, node in asked_assignments(code, request, api) if tree is not None else []:
        given = node.value.id if isinstance(node.value, ast.Name) else ""
        owner = api.locate(namespace.get(given, "")) if given and f"`{given}`" in request else None
        if not owner or given == name or lines[node.lineno - 1].strip() != f"{name} = {given}":
            continue
        before = [s for s in tree.body if s.lineno < node.lineno and isinstance(s, ast.Expr)]
        calls = [s.value for s in before if s.lineno == s.end_lineno and not s.col_offset]
        func = calls[-1].func if calls and isinstance(calls[-1], ast.Call) else None
        if not (isinstance(func, ast.Attribute) and ast.unparse(func.value) == given):
            continue
        method = f"{owner}.{func.attr}"
        made = api.returns(method)
        if not made or not api.is_class(made) or made == owner:
            continue
        # the sentence naming the variable names what the call returns ("the shipment record"),
        # not the notebook's object ("the updated ledger")
        said = stems(naming_sentences(request, name)) - {name.lower()} - _PLAIN
        if not said & (_described(api, made) - _described(api, owner)):
            continue
        first = lines[func.lineno - 1]
        span = lines[func.lineno - 1 : node.lineno]
        fixed = "\n".join([f"{name} = {first}", *span[1:-1]])
        short, call = made.rsplit(".", 1)[-1], method.rsplit(".", 1)[-1]
        message = (f"`{name} = {given}` stores `{given}` itself; the {short} `{given}.{call}(...)` returns "
                   f"is thrown away: {name} = {given}.{call}(...)")  # fmt: skip
        out.append(Issue("thrown-result", method, message, line=node.lineno, card=api.card(method),
                         fix=(func.lineno, "\n".join(span), fixed)))  # fmt: skip
    return out


def stored_actions(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``left = bank.dispatch('SL-0007', ...)`` for "Send 30 g of lot SL-0007 of `bank` ...,
    then store how many grams that lot has left in `left`": the asked variable holds the record
    the action returns (a ``Consignment``), where its clause asks for something after the action
    and names nothing of the record. Where the clause names one field of the thing the call took
    by its key ("grams"), the fix makes the call, then reads that field of the thing looked up
    again: ``bank.dispatch(...)`` then ``left = bank.pluck('SL-0007').grams``."""
    from ..lookups import getter
    from . import asked_assignments

    lines, out = code.split("\n"), []
    verbs = [v for v in _actions(request) if v not in _COMMON]
    for name, node in asked_assignments(code, request, api) if verbs else []:
        call = node.value
        func = call.func if isinstance(call, ast.Call) else None
        given = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        owner = api.locate(namespace.get(given, "")) if given and f"`{given}`" in request else None
        if not owner or not isinstance(func, ast.Attribute) or node.lineno != node.end_lineno:
            continue
        method, made = f"{owner}.{func.attr}", api.returns(f"{owner}.{func.attr}")
        clause = next((c for c in _CLAUSES.split(request) if f"`{name}`" in c), "")
        words = stems(re.sub(r"`[^`]*`", " ", clause)) - _PLAIN
        if not made or made == owner or not api.is_class(made) or words & _described(api, made):
            continue
        if not any(method in _doers(api, owner, v) for v in verbs if not clause.lower().startswith(v)):
            continue
        thing, said = api.iterates(owner), re.findall(r"[a-z_]{4,}", re.sub(r"`[^`]*`", " ", clause.lower()))
        found = getter(api, thing) if thing else None
        key = call.args[0] if isinstance(call, ast.Call) and call.args else None
        fields = sorted(f for f in api.members(thing) if api.kind(f"{thing}.{f}") in ("attribute", "property")
                        and any(alike(f, w) for w in said)) if thing else []  # fmt: skip
        short, act = made.rsplit(".", 1)[-1], source(call, lines)
        ours = found and found[0].startswith(owner + ".")
        if not (ours and found and key is not None and len(fields) == 1 and act):
            continue  # the clause names no one thing of what the action took
        line = lines[node.lineno - 1]
        at = line[: len(line) - len(line.lstrip())]
        looked = f"{given}.{found[0].rsplit('.', 1)[-1]}({ast.unparse(key)}).{fields[0]}"
        fix = (node.lineno, line, f"{at}{act}\n{at}{name} = {looked}")
        message = (f"`{name}` holds the {short} `{given}.{func.attr}(...)` returns, but the task asks for "
                   f"the {fields[0]} after it: make the call, then `{name} = {looked}`")  # fmt: skip
        out.append(Issue("stored-action", method, message, line=node.lineno, card=api.card(method), fix=fix))
    return out


_PLAIN = {"from", "with", "that", "this", "into", "another", "other", "what", "which"}


def _described(api: IndexSymbols, cls: str) -> set[str]:
    """The word stems of a class's name and first doc line ("Consignment: A record of seed sent")."""
    from .pyvalues import stems

    return stems(f"{cls.rsplit('.', 1)[-1]} {api.doc(cls).split(chr(10), 1)[0]}")


def _takes(api: IndexSymbols, method: str, cls: str) -> bool:
    """Whether ``method``'s first parameter is annotated with ``cls`` (by its last name)."""
    first = api.first_param(method)
    return (
        first is not None
        and first.annotation is not None
        and ast.unparse(first.annotation).rsplit(".", 1)[-1] == cls.rsplit(".", 1)[-1]
    )


def constant_in_loop(code: str, request: str, api: IndexSymbols,
                     namespace: Mapping[str, str]) -> list[Issue]:  # fmt: skip
    """``for lot in bank.sift('tag:red'): bank.dispatch('SL-0001', ...)``: inside a loop over
    documented things, a string the request does not give passed to a parameter named as a field
    of the thing (``code``) is that field of each (``lot.code``)."""
    from . import span_fix
    from .pycontainers import element_class
    from .pyexpr import code_env
    from .pyvalues import passed_args

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = code_env(tree, api, namespace), code.split("\n"), []
    for loop in (n for n in ast.walk(tree) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)):
        if isinstance(loop.iter, ast.Name) and namespace.get(loop.iter.id, "") in _SEQUENCES:
            out += _each_given(loop, request, api, lines)
            continue
        element = element_class(loop.iter, api, env)
        fields = api.members(element) if element else set()
        for call in (n for s in loop.body for n in ast.walk(s) if isinstance(n, ast.Call)):
            symbol = one_symbol(call, api)
            a = api.signature(symbol) if symbol else None
            for arg, value in passed_args(a, call) if a else []:
                text = value.value if isinstance(value, ast.Constant) else None
                if arg.arg in fields and isinstance(text, str) and text not in request:
                    each = f"{ast.unparse(loop.target)}.{arg.arg}"
                    message = f"{text!r} is one thing's, the same each time round: pass `{each}`"
                    out.append(Issue("copied-value", text, message, line=value.lineno,
                                     fix=span_fix(value, lines, each)))  # fmt: skip
    return out


_SEQUENCES = {"builtins.list", "builtins.tuple", "builtins.set"}


def _each_given(loop: ast.For, request: str, api: IndexSymbols, lines: list[str]) -> list[Issue]:
    """``for text in queries: ... bank.sift('keep=deep')``, the loop over a list the notebook
    holds passing no call its variable: the one string the request does not give, passed to a
    documented call's string parameter, is each element (the 0.5B copies the list's first)."""
    from . import span_fix
    from .pyvalues import passed_args

    assert isinstance(loop.target, ast.Name)
    each, found = loop.target.id, []
    calls = [n for s in loop.body for n in ast.walk(s) if isinstance(n, ast.Call) and one_symbol(n, api)]
    passed = [a for c in calls for a in [*c.args, *(k.value for k in c.keywords)]]
    if any(isinstance(n, ast.Name) and n.id == each for a in passed for n in ast.walk(a)):
        return []  # the element goes to the library (``skipped.append(code)`` does not count)
    for call in calls:
        symbol = one_symbol(call, api)
        a = api.signature(symbol) if symbol else None
        for arg, value in passed_args(a, call) if a else []:
            text = value.value if isinstance(value, ast.Constant) else None
            said = arg.annotation is not None and re.search(r"\bstr\b", ast.unparse(arg.annotation))
            if isinstance(text, str) and said and text not in request:
                found.append((value, text))
    if len(found) != 1:
        return []
    ((value, text),) = found
    message = f"{text!r} is the same each time round: pass `{each}`, the loop's element"
    return [Issue("copied-value", text, message, line=value.lineno, fix=span_fix(value, lines, each))]


def unused_package(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """The request names the package ("in seedloft's text format", "With seedloft, ...") and the
    code uses nothing of it: no import, no documented name, no variable holding one of its objects.
    The answer did the work by hand (parsed the text itself)."""
    tree = package_tree(code, api)
    words = set(re.findall(r"[A-Za-z_]\w*", re.sub(r"`[^`]*`", " ", request)))
    named = sorted(words & api.import_roots)
    if tree is None or not named:
        return []
    held = {n for n, d in namespace.items() if api.locate(d) or d.startswith("module:")}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names} | {n.module.split(".")[0] for n in ast.walk(tree)
                                  if isinstance(n, ast.ImportFrom) and n.module}  # fmt: skip
    if used & (held | api.import_roots) or any(api.named(u) for u in used):
        return []
    message = f"the code uses nothing of {named[0]}: do it with its documented functions shown above"
    return [Issue("reimplemented", named[0], message)]


def _loop_fix(
    tree: ast.Module, code: str, name: str, owner: str, symbol: str, api: IndexSymbols
) -> tuple[int, str, str] | None:
    """Where the method takes one thing by a field of it (``isolate(code)``) and a statement
    selects the things (``n = len(bank.sift('year<2015'))``), the loop that does it to each,
    before that statement: ``for lot in bank.sift('year<2015'):\n    bank.isolate(lot.code)``."""
    from ..conditions import element_of, noun_of

    a = api.signature(symbol)
    if a is None:
        return None
    required = [x.arg for x in (a.posonlyargs + a.args)[: len(a.posonlyargs + a.args) - len(a.defaults)]]
    required = [r for r in required if r not in ("self", "cls")]
    if len(required) != 1 or any(d is None for d in a.kw_defaults):
        return None
    lines = code.split("\n")
    for stmt in tree.body:
        for call in ast.walk(stmt):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == name):  # fmt: skip
                continue
            selector = f"{owner}.{call.func.attr}"
            element = element_of(api, selector)
            if not element or required[0] not in api.members(element) or stmt.lineno != stmt.end_lineno:
                continue
            one = noun_of(api, selector)[:-1] or "item"
            old = lines[stmt.lineno - 1]
            act = f"{name}.{symbol.rsplit('.', 1)[-1]}({one}.{required[0]})"
            return stmt.lineno, old, f"for {one} in {ast.unparse(call)}:\n    {act}\n{old}"
    return None
