"""What small models get wrong in Python against a documented API, found in the code's AST:

- a documented class imported as if it were a module (``from pkg.mod.Class import Class``), or a
  name imported from a module that does not hold it;
- calls that do not fit the documented signature (unknown keyword arguments, too many
  positional ones, missing required ones, strings the docs do not allow), for functions,
  constructors and methods of instances (types followed through constructors, factories'
  return annotations and the variables a notebook or setup already holds): :mod:`.pycalls`;
- methods a documented class does not have, enum members spelled differently, members of the
  built-in values documented functions return, methods iterated without being called; fields
  set on an instance of a frozen class (the changed copy its copy method makes instead);
- a notebook variable made anew, at the top or in passing (``starter_ledger().pluck(...)``);
- the variables the request asks for never assigned; names used before anything assigns them;
- documented classes and functions written again instead of called.

Every issue names the fix (never the name that failed as a suggestion), carries the card of the
symbol that fixes it, and, where the docs determine the answer, a deterministic ``fix``:
``(line, old text, new text)``.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping

from . import Issue
from .api import IndexSymbols
from .failures import never_raised
from .pycalls import call_issues
from .pycompare import compare_issues
from .pycontainers import element_class, iteration_issues, loops, subscript_issues
from .pyexpr import Binding, dotted, notebook_env, source, type_of
from .pymembers import attribute_issues, stored_issues
from .pynames import bound_names, string_constants, undefined_names
from .pyreturns import builtin_returned, elements_for_field


def check(
    code: str,
    api: IndexSymbols,
    *,
    variables: list[str] | tuple[str, ...] = (),
    namespace: Mapping[str, str] | None = None,
) -> list[Issue]:
    tree = ast.parse(code)
    lines = code.splitlines()
    env = notebook_env(namespace or {}, api)
    held = {k: v[1] for k, v in env.items() if v[0] == "instance" and k not in variables}
    assigned_values = {id(n.value) for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AnnAssign))}
    given = set(namespace or {}) | set(dir(builtins))
    known = bound_names(tree) | given
    unbound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in known}
    iterated = {
        id(n.iter) for n in ast.walk(tree) if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension))
    }
    iterated |= {
        id(n.args[0]) for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _ITERATING and n.args
    }  # fmt: skip
    iterated |= {  # compared or computed with: ``lot.overdue < 1``, ``bank.stock + 2``
        id(x) for n in ast.walk(tree)
        if isinstance(n, ast.Compare) and not isinstance(n.ops[0], (ast.Is, ast.IsNot))
        for x in [n.left, *n.comparators]
    } | {id(x) for n in ast.walk(tree) if isinstance(n, ast.BinOp) for x in (n.left, n.right)}  # fmt: skip
    iterated |= {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}  # ``bank.codes[0]``
    constants = string_constants(tree)
    calls = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}  # a called member -> its call
    setting: dict[int, ast.stmt] = {  # an attribute set -> its statement
        id(n.target if isinstance(n, ast.AugAssign) else n.targets[0]): n
        for n in ast.walk(tree)
        if isinstance(n, ast.AugAssign) or (isinstance(n, ast.Assign) and len(n.targets) == 1)
    }
    values: dict[str, tuple[str, str]] = {}  # name -> (built-in value a documented call returned, its symbol)
    issues: list[Issue] = []
    for node in _in_order(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                env[a.asname or a.name.split(".")[0]] = (
                    "module",
                    a.name if a.asname else a.name.split(".")[0],
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            issues += _import_from(node, api, env, lines)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            kind = type_of(node.value, api, env)
            if kind and node in tree.body:
                issues += _replaced(node, kind, held, api, lines)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            returned = builtin_returned(node.value, api, env) if not kind else None
            for t in targets:
                if isinstance(t, ast.Name):
                    if kind:
                        env[t.id] = ("instance", kind)
                    else:
                        env.pop(t.id, None)
                    if returned:
                        values[t.id] = returned
                        if t.id in variables:
                            issues += elements_for_field(node, t.id, returned, api, lines)
                    else:
                        values.pop(t.id, None)
        elif isinstance(node, ast.Call):
            issues += call_issues(node, api, env, lines, unbound, constants, values)
            if node.args == node.keywords == [] and id(node) not in assigned_values:
                issues += _made_inline(node, type_of(node, api, env), held, api, lines)
        elif isinstance(node, ast.Compare):
            issues += compare_issues(node, api, env, lines)
        elif isinstance(node, ast.Subscript):
            issues += subscript_issues(node, api, env, lines)
        elif isinstance(node, (ast.For, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            issues += iteration_issues(node, api, env, lines)
            for over, target, body in loops(node):  # the loop variable holds an element: ``for lot in bank``
                if isinstance(target, ast.Name) and (element := element_class(over, api, env, target, body)):
                    env[target.id] = ("instance", element)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            issues += stored_issues(node, setting.get(id(node)), api, env, lines)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            call = calls.get(id(node))
            issues += attribute_issues(node, api, env, lines, called=call is not None, call=call)
            if id(node) in iterated:
                issues += _uncalled(node, api, env, lines)
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            issues += _redefined(node, api, code)
    issues += _unimported(tree, api, lines, known | set(env))
    issues += never_raised(tree, api, lines, env)
    issues += undefined_names(tree, api, lines, given)
    if any(i.kind == "bad-filter" for i in issues):
        # a filter run inside ``try`` with a handler may be meant to fail (the task's ``year<<2018``)
        tried = {ln for n in ast.walk(tree) if isinstance(n, ast.Try) and n.handlers
                 for b in n.body for ln in range(b.lineno, (b.end_lineno or b.lineno) + 1)}  # fmt: skip
        issues = [i for i in issues if not (i.kind == "bad-filter" and i.line in tried)]
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    assigned |= {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    issues += _unassigned(tree, lines, [v for v in variables if v not in assigned])
    issues += _dropped(tree, api, env, lines, list(variables) if set(variables) <= assigned else [])
    return _unique(issues)


def _in_order(tree: ast.AST):
    """Nodes in source order (statements before the expressions inside the next ones)."""
    nodes = [n for n in ast.walk(tree) if hasattr(n, "lineno")]
    return sorted(nodes, key=lambda n: (n.lineno, n.col_offset, -getattr(n, "end_col_offset", 0)))


def _unique(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for i in issues:
        if (i.kind, i.name, i.line) not in seen:
            seen.add((i.kind, i.name, i.line))
            out.append(i)
    return out


def _import_from(node: ast.ImportFrom, api: IndexSymbols, env: dict, lines: list[str]) -> list[Issue]:
    out: list[Issue] = []
    module = node.module or ""
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    for a in node.names:
        if a.name == "*":
            continue
        full = f"{module}.{a.name}"
        symbol = api.resolve(full)
        env[a.asname or a.name] = ("symbol", symbol or full)
        if api.is_class(module):  # from pkg.mod.Class import Class
            parent = module.rsplit(".", 1)[0]
            fix_to = (
                f"from {parent} import {module.rsplit('.', 1)[1]}"
                if a.name == module.rsplit(".", 1)[1]
                else ""
            )
            what = api.import_of(module) or (fix_to or f"from {parent} import {module.rsplit('.', 1)[1]}")
            msg = f"{module} is a class, not a module: import it with `{what}`"
            out.append(
                Issue(
                    "import-path",
                    module,
                    msg,
                    line=node.lineno,
                    card=api.card(module),
                    fix=(node.lineno, line, line.replace(f"from {module} import", f"from {parent} import"))
                    if fix_to
                    else None,
                )
            )
            env[a.asname or a.name] = ("symbol", module)
        elif symbol is None and module.split(".")[0] in api.roots:
            homes = [
                s for s in api.named(a.name)
                if s.split(".")[0] == module.split(".")[0] and not api.is_class(s.rsplit(".", 1)[0])
            ]  # fmt: skip
            if homes:
                right = api.import_of(homes[0]) or f"from {homes[0].rsplit('.', 1)[0]} import {a.name}"
                new_line = (
                    line.replace(f"from {module} import", f"from {right.split()[1]} import")
                    if len(node.names) == 1
                    else ""
                )
                out.append(
                    Issue(
                        "import-path",
                        full,
                        f"{module} has no {a.name}: import it with `{right}`",
                        line=node.lineno,
                        card=api.card(homes[0]),
                        fix=(node.lineno, line, new_line) if new_line and right.startswith("from") else None,
                    )
                )
                env[a.asname or a.name] = ("symbol", homes[0])
    return out


def _replaced(node: ast.Assign | ast.AnnAssign, kind: str, held: Mapping[str, str], api: IndexSymbols,
              lines: list[str]) -> list[Issue]:  # fmt: skip
    """A notebook variable the request works on, made anew at the top of the code (``bank =
    Ledger()``, ``bank = starter_ledger()``): the request meant the one the notebook holds. The
    fix drops the line."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id not in held:
        return []
    if not api.is_a(held[targets[0].id], kind):  # out = Path(...) for the notebook's PosixPath
        return []
    if not isinstance(node.value, ast.Call):
        return []
    name = targets[0].id
    one_line = node.lineno == node.end_lineno
    return [Issue(
        "replaced-input", name,
        f"`{name}` already holds the notebook's {held[name].rsplit('.', 1)[-1]}: use it as it is, do not "
        "make a new one", line=node.lineno, card=api.card(kind),
        fix=(node.lineno, lines[node.lineno - 1], "") if one_line else None,
    )]  # fmt: skip


_ITERATING = {
    "sorted",
    "list",
    "len",
    "set",
    "tuple",
    "sum",
    "max",
    "min",
    "enumerate",
    "reversed",
    "any",
    "all",
}


def _uncalled(
    node: ast.Attribute, api: IndexSymbols, env: Mapping[str, Binding], lines: list[str]
) -> list[Issue]:
    """``sorted(bank.codes)``, ``bank.codes[0]`` or ``lot.overdue < 1`` where ``codes`` and
    ``overdue`` are methods: iterated, indexed, compared or computed with, never called. The fix
    calls it."""
    target = dotted(node, env)
    if target is None and isinstance(node.value, ast.Call) and (owner := type_of(node.value, api, env)):
        target = ("instance-attr", f"{owner}.{node.attr}")  # ``bank.pluck(c).overdue``
    if target is None or target[0] != "instance-attr" or api.kind(target[1]) != "method":
        return []
    line, written = lines[node.lineno - 1] if node.lineno <= len(lines) else "", source(node, lines)
    fix = (node.lineno, line, line.replace(written, written + "()", 1)) if written else None
    short = ".".join(target[1].rsplit(".", 2)[-2:])
    message = f"`{short}` is a method: call it, `{written or node.attr}()`"
    return [Issue("uncalled-method", target[1], message, line=node.lineno, card=api.card(target[1]), fix=fix)]


def _made_inline(node: ast.Call, kind: str | None, held: Mapping[str, str], api: IndexSymbols,
                 lines: list[str]) -> list[Issue]:  # fmt: skip
    """``projected_germ(starter_ledger().pluck(...))`` where the notebook's ``bank`` is the one
    Ledger the request works on: a new one made in passing. The fix uses the variable."""
    holders = [name for name, cls in held.items() if cls == kind]
    if len(holders) != 1:
        return []
    name, line, written = holders[0], lines[node.lineno - 1], source(node, lines)
    return [Issue(
        "replaced-input", name,
        f"`{written or 'the call'}` makes a new {str(kind).rsplit('.', 1)[-1]}: use the notebook's `{name}`",
        line=node.lineno, card=api.card(str(kind)),
        fix=(node.lineno, line, line.replace(written, name, 1)) if written else None,
    )]  # fmt: skip


def _redefined(node, api: IndexSymbols, code: str) -> list[Issue]:
    homes = [
        s
        for s in api.named(node.name)
        if api.kind(s) in ("class", "function", "enum", "exception", "dataclass")
    ]
    if not homes or node.name.startswith("_"):
        return []
    right = api.import_of(homes[0]) or homes[0]
    return [
        Issue(
            "reimplemented",
            node.name,
            f"the code defines its own `{node.name}`: the library has it, "
            f"use it ({right}) instead of writing it",
            line=node.lineno,
            card=api.card(homes[0]),
        )
    ]


def check_variables(code: str, variables: list[str] | tuple[str, ...]) -> list[Issue]:
    """Only the requested-variables check (no documented API to check against)."""
    tree = ast.parse(code)
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return _unassigned(tree, code.splitlines(), [v for v in variables if v not in assigned])


def _unassigned(tree: ast.Module, lines: list[str], missing: list[str]) -> list[Issue]:
    """An issue per requested variable never assigned; where only one is missing and the code
    ends in a value it drops (``bank.isolate("SL-0002")`` for "store the updated lot in `lot`",
    ``bank.codes()[-3:]`` for "store the last three codes in `codes`"), the fix stores that value."""
    issues = [Issue("variable-missing", v, f"the code never assigns `{v}`: store the result in `{v}`")
              for v in missing]  # fmt: skip
    last = tree.body[-1] if tree.body else None
    bare = (ast.Constant, ast.Name)  # nothing computed: no result to store
    if len(missing) == 1 and isinstance(last, ast.Expr) and not isinstance(last.value, bare):
        called = last.value.func if isinstance(last.value, ast.Call) else None
        if (
            last.lineno == last.end_lineno
            and not last.col_offset
            and not (isinstance(called, ast.Name) and called.id == "print")
        ):
            line = lines[last.lineno - 1]
            issues[0].fix = (last.lineno, line, f"{missing[0]} = {line}")
    return issues


def _dropped(tree: ast.Module, api: IndexSymbols, env: dict[str, Binding], lines: list[str],
             wanted: list[str]) -> list[Issue]:  # fmt: skip
    """The code ends in a call of the package's API whose documented result it drops, and the one
    variable the request asks for holds what came before it: ``lot = bank.sift(...)[0]`` then
    ``bank.log_trial(...)`` (which returns the updated lot) for "store the updated lot in `lot`".
    The fix stores the call's value. Not where the variable holds another documented class."""
    last = tree.body[-1] if tree.body else None
    call = last.value if isinstance(last, ast.Expr) else None
    if len(wanted) != 1 or api.reference or not isinstance(call, ast.Call):
        return []
    made = type_of(call, api, env)
    held = env.get(wanted[0])
    if not made or (held and held[1] != made) or call.lineno != call.end_lineno or call.col_offset:
        return []
    line = lines[call.lineno - 1]
    short = made.rsplit(".", 1)[-1]
    article = "an" if short[:1] in "AEIOU" else "a"
    message = f"the last call returns {article} {short}, which the code drops: store it in `{wanted[0]}`"
    return [Issue("dropped-result", wanted[0], message, line=call.lineno, card=api.card(made),
                  fix=(call.lineno, line, f"{wanted[0]} = {line}"))]  # fmt: skip


def _unimported(tree: ast.AST, api: IndexSymbols, lines: list[str], bound: set[str]) -> list[Issue]:
    """Documented names the code uses but never imports (``seedloft.x(...)`` with no ``import
    seedloft``; a bare ``grams_for(...)``): the import line the docs give is the fix. ``bound``:
    the names the code, the notebook and the builtins bind."""
    first = lines[0] if lines else ""
    out, seen = [], set()
    for n in ast.walk(tree):
        if not isinstance(n, ast.Name) or not isinstance(n.ctx, ast.Load) or n.id in bound or n.id in seen:
            continue
        seen.add(n.id)
        homes: list[str] = []
        if n.id in api.import_roots:
            line = f"import {n.id}"
        else:
            homes = [s for s in api.named(n.id) if "." in s and _importable_from(s.rsplit(".", 1)[0], s, api)]
            line = f"from {homes[0].rsplit('.', 1)[0]} import {n.id}" if homes else ""
            if homes and api.kind(homes[0]) != "module":
                line = api.import_of(homes[0]) or line  # where the docs say to import it from
        if line:
            fix = (1, first, f"{line}\n{first}") if lines else None
            card = api.card(homes[0]) if n.id not in api.import_roots else ""
            message = f"`{n.id}` is used but never imported: add `{line}`"
            out.append(Issue("missing-import", n.id, message, line=n.lineno, card=card, fix=fix))
    return out


def _importable_from(parent: str, symbol: str, api: IndexSymbols) -> bool:
    """Whether ``from parent import name`` can find a documented ``symbol``: not when the parent
    is a class (by kind, or by a CapWords name: ``pandas.DataFrame``) or the name is relative to
    a reference's library (DevDocs' numpy ``nditer.value``); a reference does not say which names
    are modules, so from one only a top-level package counts (``from collections import deque``)."""
    last = parent.rsplit(".", 1)[-1].lstrip("_")
    if not parent or api.is_class(parent) or last[:1].isupper() or symbol in api.relative:
        return False
    return parent in api.import_roots or not api.from_reference(symbol)
