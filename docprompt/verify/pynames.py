"""Names in generated Python: what the code binds, the string constants it names, and the
names it reads before anything binds them (see :mod:`.pycheck`)."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping
from typing import TypeGuard

from . import Issue, span_fix
from .api import IndexSymbols

_DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)  # bodies run later, if at all


def _stored(n: ast.AST) -> TypeGuard[ast.Name]:
    return isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)


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


def string_constants(tree: ast.Module) -> dict[str, ast.Constant]:
    """Names bound once in the whole code, at the top, to a string (``season = "AUTUMN"``)."""
    once: dict[str, ast.Constant] = {}
    counts: dict[str, int] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            counts[n.id] = counts.get(n.id, 0) + 1
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            once[stmt.targets[0].id] = stmt.value
    return {k: v for k, v in once.items() if counts.get(k) == 1}


def undefined_names(tree: ast.Module, api: IndexSymbols, lines: list[str], given: set[str]) -> list[Issue]:
    """Names the code reads before any statement binds them, and that the docs do not name
    either (those are :func:`_unimported`'s): ``frozen.csv = export_table(...)``, ``clash=clash_code``
    in the line that assigns ``clash_code``, ``bank.shelve(NEW_lot)`` after ``new_lot = ...``.
    Top-level statements in order: a statement's own assignment targets are bound after it runs,
    what else it binds (loop and comprehension variables, ``with`` targets) in it; a name read in
    a function body may be bound anywhere in the module. A name nothing binds is flagged only
    when written into (``frozen.csv = ...``) or one edit from a bound one: otherwise it may be a
    notebook's function or the user's own variable, which the namespace does not list."""
    anywhere = bound_names(tree) | given
    bound, out, seen = set(given), [], set()
    for stmt in tree.body:
        targets = set()
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for t in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                targets |= {n.id for n in ast.walk(t) if _stored(n)}
        inside = bound_names(stmt) - targets
        deferred = {id(n) for f in ast.walk(stmt) if isinstance(f, _DEFERRED) for n in ast.walk(f)}
        reads = [n for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
        written = {id(t.value) for t in ast.walk(stmt) if isinstance(t, (ast.Attribute, ast.Subscript))
                   and isinstance(t.ctx, ast.Store)}  # fmt: skip
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            reads.append(stmt.target)  # ``n += 1`` reads n first
        for n in reads:
            ok = anywhere if id(n) in deferred else bound | inside
            if n.id in seen or n.id in ok or n.id in api.import_roots or api.named(n.id):
                continue
            known = sorted((bound | inside) - given)  # a loop's own variable too: `lost.code` in `for lot`
            close = [k for k in known if k.casefold() == n.id.casefold()]
            close = close or difflib.get_close_matches(n.id, known, n=1, cutoff=0.8)
            later = n.id in anywhere
            if not (later or close or id(n) in written):
                continue
            seen.add(n.id)
            fix = span_fix(n, lines, close[0]) if close else None
            message = (
                f"`{n.id}` is "
                + ("used before it is assigned" if later else "never defined")
                + (f": write `{close[0]}`" if close else ": assign it first, or use a value the task gives")
            )
            out.append(Issue("undefined-name", n.id, message, line=n.lineno, fix=fix, suggestions=close))
        out += _never_started(stmt, bound, lines)
        bound |= bound_names(stmt)
    return out


def _never_started(stmt: ast.stmt, bound: set[str], lines: list[str]) -> list[Issue]:
    """``n += 1`` inside a loop where nothing set ``n`` before it: the fix starts it at zero (an
    empty list, an empty string) on a line before the statement."""
    if isinstance(stmt, ast.AugAssign):
        return []  # at the top it is read first, and flagged so above
    sets = [n for n in ast.walk(stmt) if isinstance(n, (ast.Assign, ast.AnnAssign))]
    plain = {t.id for n in sets for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
             if isinstance(t, ast.Name)}  # fmt: skip
    out: list[Issue] = []
    seen: set[str] = set()
    for node in (n for n in ast.walk(stmt) if isinstance(n, ast.AugAssign)):
        name = node.target.id if isinstance(node.target, ast.Name) else ""
        if not name or name in bound | plain | seen or not isinstance(node.op, (ast.Add, ast.Sub)):
            continue
        seen.add(name)
        v = node.value
        start = "[]" if isinstance(v, (ast.List, ast.ListComp)) else '""' if isinstance(v, ast.JoinedStr) or (
            isinstance(v, ast.Constant) and isinstance(v.value, str)) else "0"  # fmt: skip
        old = lines[stmt.lineno - 1] if 0 < stmt.lineno <= len(lines) else ""
        at = old[: len(old) - len(old.lstrip())]
        message = f"`{name}` is added to before anything sets it: start it at {start} before the loop"
        fix = (stmt.lineno, old, f"{at}{name} = {start}\n{old}")
        out.append(Issue("undefined-name", name, message, line=node.lineno, fix=fix))
    return out


_FILE_NAME = re.compile(r"(?<![\w/.-])([A-Za-z_][\w-]*(?:\.[A-Za-z]\w{0,4})+)(?![\w-])")


def file_names_as_code(code: str, request: str, api: IndexSymbols,
                       namespace: Mapping[str, str]) -> list[Issue]:  # fmt: skip
    """``new_ledger(harvest.csv)`` for "the CSV file `harvest.csv`": a file name the request
    gives, written as names the code never binds (Python reads an attribute ``csv`` of a variable
    ``harvest``). The fix quotes it: ``'harvest.csv'``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    files = {m.group(1) for m in _FILE_NAME.finditer(request)}
    bound = bound_names(tree) | set(namespace)
    lines, out = code.split("\n"), []
    for node in ast.walk(tree) if files else []:
        if not isinstance(node, ast.Attribute):
            continue
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or (name := ast.unparse(node)) not in files:
            continue
        if root.id in bound or root.id in api.import_roots or api.named(root.id):
            continue
        message = f"`{name}` is the name of a file the task gives, not code: write it as a string, '{name}'"
        fix = span_fix(node, lines, repr(name))
        out.append(Issue("undefined-name", root.id, message, line=node.lineno, fix=fix))
    return out


_QUOTED_FILE = re.compile(r"[`'\"]([\w./-]*\.([A-Za-z][A-Za-z0-9]{0,4}))[`'\"]")


def unused_files(code: str, request: str, api: IndexSymbols) -> list[Issue]:
    """A file the request names (```intake.loft```, 'weak.csv') that no string of the code
    holds: the step that reads or writes it is missing ("Convert `intake.csv` into a catalogue
    file `intake.loft`" answered without writing it). The issue carries the cards of the
    functions taking a path whose docs name its kind."""
    from ..lookups import request_files
    from . import package_tree

    tree = package_tree(code, api)
    if tree is None:
        return []
    strings = " ".join(
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )
    out: list[Issue] = []
    for m in _QUOTED_FILE.finditer(request):
        name, ext = m.groups()
        if name in strings or name in code or "/" in name or any(i.name == name for i in out):
            continue
        takers = request_files(f"`{name}`", api)
        names = " or ".join(f"`{t.rsplit('.', 1)[-1]}`" for t in takers)
        message = f"the task names the file '{name}', which the code never uses" + (
            f": read or write it with {names}" if takers else ": read or write it as the task says"
        )
        out.append(Issue("unused-value", name, message, card="\n".join(api.card(t) for t in takers)))
    return out
