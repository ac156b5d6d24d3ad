"""What small models get wrong in Python against a documented API, found in the code's AST:

- a documented class imported as if it were a module (``from pkg.mod.Class import Class``), or a
  name imported from a module that does not hold it;
- calls that do not fit the documented signature (unknown keyword arguments, too many
  positional ones, missing required ones), for functions, constructors and methods of
  instances (types followed through constructors, factories' return annotations and the
  variables a notebook or setup already holds);
- methods a documented class does not have, and enum members spelled differently;
- the variables the request asks for never assigned;
- documented classes and functions written again instead of called.

Every issue names the fix (never the name that failed as a suggestion), carries the card of the
symbol that fixes it, and, where the docs determine the answer, a deterministic ``fix``:
``(line, old text, new text)``.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping

from . import Issue
from .api import IndexSymbols

Binding = tuple[str, str]  # ("symbol" | "instance" | "module", dotted name)


def check(
    code: str,
    api: IndexSymbols,
    *,
    variables: list[str] | tuple[str, ...] = (),
    namespace: Mapping[str, str] | None = None,
) -> list[Issue]:
    tree = ast.parse(code)
    lines = code.splitlines()
    env: dict[str, Binding] = {}
    for name, value in (namespace or {}).items():
        if value.startswith("module:"):
            env[name] = ("module", value[7:])
        elif symbol := api.locate(value):
            env[name] = ("instance", symbol)
    held = {k: v[1] for k, v in env.items() if v[0] == "instance" and k not in variables}
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
            kind = _type_of(node.value, api, env)
            if kind and node in tree.body:
                issues += _replaced(node, kind, held, api, lines)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    if kind:
                        env[t.id] = ("instance", kind)
                    else:
                        env.pop(t.id, None)
        elif isinstance(node, ast.Call):
            issues += _call(node, api, env, lines)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            issues += _attribute(node, api, env, lines)
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            issues += _redefined(node, api, code)
    issues += _unimported(tree, api, lines, set(env) | set(namespace or {}))
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    assigned |= {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    for var in variables:
        if var not in assigned:
            issues.append(
                Issue("variable-missing", var, f"the code never assigns `{var}`: store the result in `{var}`")
            )
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


def _dotted(node: ast.expr, env: Mapping[str, Binding]) -> Binding | None:
    """What an expression names: a documented symbol, a module, or an instance's class."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in env:
        return None
    kind, base = env[node.id]
    if kind == "instance":
        return ("instance-attr", ".".join([base, *reversed(parts)])) if parts else ("instance", base)
    return ("symbol", ".".join([base, *reversed(parts)]))


def _type_of(value: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str | None:
    if isinstance(value, ast.Name) and env.get(value.id, ("", ""))[0] == "instance":
        return env[value.id][1]
    if not isinstance(value, ast.Call):
        return None
    target = _dotted(value.func, env)
    if target is None:
        # a chain: draft(...).coded(...).seal() -> the last method's return type
        if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Call):
            owner = _type_of(value.func.value, api, env)
            return api.returns(f"{owner}.{value.func.attr}") if owner else None
        return None
    return api.returns(target[1]) if target[0] in ("symbol", "instance-attr") else None


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


def _call(node: ast.Call, api: IndexSymbols, env: Mapping[str, Binding], lines: list[str]) -> list[Issue]:
    target = _dotted(node.func, env)
    if target is None or target[0] == "instance":
        return []
    name = target[1]
    if target[0] == "instance-attr":
        owner, attr = name.rsplit(".", 1)
        if api.resolve(name) is None:
            return _missing_member(owner, attr, node, api, lines, called=True)
    if target[0] == "symbol" and api.on_instances(name) and api.is_class(name.rsplit(".", 1)[0]):
        return _unbound(node, name, api, env, lines)
    params = api.signature(name)
    if (
        params is None
        or any(isinstance(a, ast.Starred) for a in node.args)
        or any(k.arg is None for k in node.keywords)
    ):
        return []
    return _bind(name, params, node, api, lines)


def _unbound(node: ast.Call, name: str, api: IndexSymbols, env: Mapping[str, Binding],
             lines: list[str]) -> list[Issue]:  # fmt: skip
    """``Ledger.free_code()``: a method called on its class, not on an instance. The fix calls
    it on the one variable that holds such an instance (the notebook's ``bank``)."""
    owner, method = api.resolve(name.rsplit(".", 1)[0]) or name.rsplit(".", 1)[0], name.rsplit(".", 1)[1]
    first = node.args[0] if node.args else None
    if first is not None and (_dotted(first, env) or ("", ""))[0] == "instance":
        return []  # Ledger.free_code(bank): a method called the long way
    held = [v for v, b in env.items() if b == ("instance", owner)]
    short = owner.rsplit(".", 1)[-1]
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    f = node.func
    one_line = f.lineno == f.end_lineno == node.lineno and f.end_col_offset is not None
    written = line.encode()[f.col_offset : f.end_col_offset].decode() if one_line else ""
    fix = None
    if len(held) == 1 and written:
        fix = (node.lineno, line, line.replace(written, f"{held[0]}.{method}", 1))
    hint = f"call it on `{held[0]}`: `{held[0]}.{method}(...)`" if len(held) == 1 else f"call it on a {short}"
    message = f"`{short}.{method}` is a method of each {short}, not of the class: {hint}"
    return [Issue("unbound-method", name, message, line=node.lineno, card=api.card(name), fix=fix)]


def _bind(
    name: str, params: ast.arguments, node: ast.Call, api: IndexSymbols, lines: list[str]
) -> list[Issue]:
    positional = [a.arg for a in params.posonlyargs + params.args]
    keywords = [a.arg for a in params.args + params.kwonlyargs]
    short = name.split(".", 1)[-1]
    card = api.card(name)
    out: list[Issue] = []
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    if len(node.args) > len(positional) and params.vararg is None:
        # tally('genus') for tally(*, by): one value too many and one keyword it can only be
        free = [a.arg for a in params.kwonlyargs if a.arg not in {k.arg for k in node.keywords}]
        extra = node.args[len(positional) :]
        fix = None
        if len(extra) == 1 and len(free) == 1 and extra[0].lineno == node.lineno:
            raw = line.encode()
            col = extra[0].col_offset
            fix = (node.lineno, line, (raw[:col] + f"{free[0]}=".encode() + raw[col:]).decode())
        hint = f"write `{free[0]}=` before it" if fix else "pass the others by keyword"
        out.append(
            Issue(
                "bad-arguments",
                name,
                f"`{short}` takes at most {len(positional)} positional "
                f"arguments ({', '.join(positional) or 'none'}); {hint}",
                line=node.lineno,
                card=card,
                fix=fix,
            )
        )
    given = set(positional[: len(node.args)])
    unknown: list[tuple[str, Issue]] = []  # (the keyword written, its issue)
    for kw in node.keywords:
        if kw.arg is None or kw.arg in keywords:
            given.add(kw.arg or "")
            continue
        if params.kwarg is not None:
            continue
        close = difflib.get_close_matches(kw.arg, keywords, n=1, cutoff=0.6)
        fix = (
            (node.lineno, line, line.replace(f"{kw.arg}=", f"{close[0]}=", 1))
            if close and f"{kw.arg}=" in line
            else None
        )
        hint = f"write `{close[0]}=`" if close else f"its arguments are: {', '.join(keywords) or 'none'}"
        message = f"`{short}` has no argument named like that: {hint}"
        issue = Issue("unknown-argument", f"{name}({kw.arg}=)", message, line=node.lineno, card=card,
                      fix=fix, suggestions=close)  # fmt: skip
        unknown.append((kw.arg, issue))
        given.add(close[0] if close else kw.arg)
    defaults = len(params.defaults)
    required = positional[: len(positional) - defaults] if defaults else positional
    required += [a.arg for a, d in zip(params.kwonlyargs, params.kw_defaults) if d is None]
    missing = [p for p in required if p not in given]
    wrong = [(arg, i) for arg, i in unknown if not i.suggestions]
    if len(wrong) == 1 and len(missing) == 1:
        # absorb(ledger=other) for absorb(other, *, clash): the one unknown name is the one missing
        (arg, issue), right = wrong[0], missing[0]
        issue.message = f"`{short}` has no argument named like that: write `{right}=`"
        issue.suggestions = [right]
        if f"{arg}=" in line:
            issue.fix = (node.lineno, line, line.replace(f"{arg}=", f"{right}=", 1))
        missing = []
    out += [i for _, i in unknown]
    if missing:
        out.append(
            Issue(
                "missing-argument",
                name,
                f"`{short}` needs {', '.join(missing)}: pass {'it' if len(missing) == 1 else 'them'} too",
                line=node.lineno,
                card=card,
            )
        )
    return out


def _attribute(
    node: ast.Attribute, api: IndexSymbols, env: Mapping[str, Binding], lines: list[str]
) -> list[Issue]:
    target = _dotted(node, env)
    if target is None or target[0] != "symbol" or api.resolve(target[1]) is not None:
        return []
    owner, attr = target[1].rsplit(".", 1)
    if not api.is_class(owner):
        return []
    return _missing_member(owner, attr, node, api, lines, called=False)


def _missing_member(
    owner: str, attr: str, node: ast.AST, api: IndexSymbols, lines: list[str], *, called: bool
) -> list[Issue]:
    members = sorted(api.members(owner))
    if not members:
        return []
    lowered = {m.lower(): m for m in members}
    close = (
        [lowered[attr.lower()]]
        if attr.lower() in lowered
        else difflib.get_close_matches(attr, members, n=1, cutoff=0.75)
    )
    if not close and not called:
        return []  # an attribute the docs do not list may still be set by the constructor
    short = (api.resolve(owner) or owner).rsplit(".", 1)[-1]
    lineno = getattr(node, "lineno", 0)
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    fix = (
        (lineno, line, line.replace(f".{attr}", f".{close[0]}", 1)) if close and f".{attr}" in line else None
    )
    hint = f"use `{short}.{close[0]}`" if close else f"its members are: {', '.join(members[:20])}"
    return [
        Issue(
            "unknown-member",
            f"{owner}.{attr}",
            f"`{short}` has no member named like that: {hint}",
            line=lineno,
            card=api.card(f"{owner}.{close[0]}") if close else api.card(owner),
            fix=fix,
            suggestions=close,
        )
    ]


def _replaced(node: ast.Assign | ast.AnnAssign, kind: str, held: Mapping[str, str], api: IndexSymbols,
              lines: list[str]) -> list[Issue]:  # fmt: skip
    """A notebook variable the request works on, made anew at the top of the code (``bank =
    Ledger()``, ``bank = starter_ledger()``): the request meant the one the notebook holds. The
    fix drops the line."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or held.get(targets[0].id) != kind:
        return []
    if not isinstance(node.value, ast.Call):
        return []
    name = targets[0].id
    one_line = node.lineno == node.end_lineno
    return [Issue(
        "replaced-input", name,
        f"`{name}` already holds the notebook's {kind}: use it as it is, do not make a new one",
        line=node.lineno, card=api.card(kind),
        fix=(node.lineno, lines[node.lineno - 1], "") if one_line else None,
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
    return [
        Issue("variable-missing", v, f"the code never assigns `{v}`: store the result in `{v}`")
        for v in variables
        if v not in assigned
    ]


def bound_names(tree: ast.AST) -> set[str]:
    """Every name the code binds anywhere: assignments, imports, definitions, arguments, loop and
    ``with``/``except`` targets, comprehension variables."""
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, ast.arg):
            out.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out |= set(n.names)
    return out


def _unimported(tree: ast.AST, api: IndexSymbols, lines: list[str], known: set[str]) -> list[Issue]:
    """Documented names the code uses but never imports (``seedloft.x(...)`` with no ``import
    seedloft``; a bare ``grams_for(...)``): the import line the docs give is the fix."""
    import builtins

    bound = bound_names(tree) | known | set(dir(builtins))
    first = lines[0] if lines else ""
    out, seen = [], set()
    for n in ast.walk(tree):
        if not isinstance(n, ast.Name) or not isinstance(n.ctx, ast.Load) or n.id in bound or n.id in seen:
            continue
        seen.add(n.id)
        homes: list[str] = []
        if n.id in api.roots:
            line = f"import {n.id}"
        else:
            homes = [s for s in api.named(n.id) if not api.is_class(s.rsplit(".", 1)[0])]
            line = f"from {homes[0].rsplit('.', 1)[0]} import {n.id}" if homes else ""
            if homes and api.kind(homes[0]) != "module":
                line = api.import_of(homes[0]) or line  # where the docs say to import it from
        if line:
            fix = (1, first, f"{line}\n{first}") if lines else None
            card = api.card(homes[0]) if n.id not in api.roots else ""
            message = f"`{n.id}` is used but never imported: add `{line}`"
            out.append(Issue("missing-import", n.id, message, line=n.lineno, card=card, fix=fix))
    return out
