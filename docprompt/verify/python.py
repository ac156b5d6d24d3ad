"""Verify Python code: every dotted API it takes from an imported module resolves.

Names are looked up in the index's symbol table first (API entries carry ``symbol`` metadata;
DevDocs entries are titled with their dotted name), then by importing in a subprocess with a
timeout, never in the caller's process: the code under test may be a private package.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Mapping

from . import Issue, Report
from .api import IndexSymbols

_RESOLVER = r"""
import importlib, json, sys
out = {}
for name in json.loads(sys.argv[1]):
    if name.startswith("module:"):  # `import a.b` needs a.b to be a module, not an attribute
        try:
            importlib.import_module(name[7:]); out[name] = "ok"
        except Exception:
            out[name] = "no-module"
        continue
    parts = name.split(".")
    obj, found = None, 0
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i])); found = i; break
        except Exception:
            continue
    if obj is None:
        out[name] = "no-module"; continue
    ok = True
    for attr in parts[found:]:
        try:
            obj = getattr(obj, attr)
        except Exception:
            ok = False; break
    out[name] = "ok" if ok else "missing"
print(json.dumps(out))
"""


def used_apis(code: str) -> tuple[list[str], list[str]]:
    """(modules imported, dotted names used through them), in order of appearance.

    ``import numpy as np; np.linalg.norm(x)`` gives (["numpy"], ["numpy.linalg.norm"]);
    ``from os import path`` gives (["os"], ["os.path"]). Raises SyntaxError.
    """
    tree = ast.parse(code)
    aliases: dict[str, str] = {}
    modules: list[str] = []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                modules.append(a.name)
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
            for a in node.names:
                if a.name != "*":
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    names.append(f"{node.module}.{a.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts: list[str] = []
            cur: ast.expr = node
            while isinstance(cur, ast.Attribute):
                parts.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in aliases:
                names.append(".".join([aliases[cur.id], *reversed(parts)]))
    # keep the longest chains only: a.b.c covers a.b
    unique = list(dict.fromkeys(names))
    longest = [n for n in unique if not any(o != n and o.startswith(n + ".") for o in unique)]
    return list(dict.fromkeys(modules)), longest


def resolve_by_import(names: list[str], *, python: str | None = None, timeout: float = 20) -> dict[str, str]:
    """{name: "ok" | "missing" | "no-module" | "error"} from a fresh interpreter."""
    if not names:
        return {}
    try:
        proc = subprocess.run(
            [python or sys.executable, "-c", _RESOLVER, json.dumps(names)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError, IndexError):
        return dict.fromkeys(names, "error")


def verify_python(
    code: str,
    symbols: IndexSymbols | None = None,
    *,
    use_import: bool = True,
    python: str | None = None,
    variables: list[str] | tuple[str, ...] = (),
    namespace: Mapping[str, str] | None = None,
) -> Report:
    """Check ``code``: its imports and dotted names resolve (index, else a fresh interpreter), and,
    against the index's API entries, its calls, members, requested ``variables`` and
    re-definitions (see :mod:`docprompt.verify.pycheck`). ``namespace``: variable -> the dotted
    class of what it already holds (a notebook's variables)."""
    report = Report(language="python")
    aliases = {k: v[7:] for k, v in (namespace or {}).items() if v.startswith("module:")}
    try:
        extra = missing_imports(code, aliases) if aliases else ""
        modules, names = used_apis(f"{code}\n{extra}" if extra else code)  # appended: line numbers stay
    except SyntaxError as e:
        report.issues.append(
            Issue("syntax", "", f"the code does not parse: {e.msg} (line {e.lineno})", line=e.lineno or 0)
        )
        return report
    if symbols is not None:
        from .pycheck import check

        report.issues += check(code, symbols, variables=variables, namespace=namespace)
    elif variables:
        from .pycheck import check_variables

        report.issues += check_variables(code, variables)
    covered = {i.name for i in report.issues if i.kind in ("import-path", "unknown-member")}
    pending = []
    for name in names:
        if symbols is not None and (symbols.knows(name) or symbols.resolve(name)):
            report.checked.append(name)
            report.sources[name] = "index"
        elif not any(name == c or name.startswith(c + ".") for c in covered):
            pending.append(name)
    root_known = {
        m.split(".")[0] for m in modules if symbols is not None and m.split(".")[0] in symbols.roots
    }
    modules = [m for m in modules if m not in covered]
    asked = pending + [f"module:{m}" for m in modules]
    resolved = resolve_by_import(asked, python=python) if use_import and asked else {}
    for mod in modules:
        if resolved.get(f"module:{mod}") == "ok" or (symbols is not None and symbols.knows_module(mod)):
            continue
        if symbols is not None and symbols.reference and mod.split(".")[0] not in root_known:
            report.unverifiable.append(mod)  # a library the reference does not hold
        elif mod.split(".")[0] not in root_known:
            report.issues.append(
                Issue("unknown-module", mod, f"no module named {mod!r} (not in the docs either)")
            )
        elif symbols is not None and symbols.is_class(mod):
            right = symbols.import_of(mod) or f"from {mod.rsplit('.', 1)[0]} import {mod.rsplit('.', 1)[1]}"
            report.issues.append(
                Issue(
                    "import-path",
                    mod,
                    f"{mod} is a class, not a module: import it with `{right}`",
                    card=symbols.card(mod),
                )
            )
        elif "." in mod:  # the package is documented, this submodule is not
            report.issues.append(
                _unknown("unknown-module", mod, symbols, f"{mod} is not a module of the docs")
            )
    bad_modules = {i.name for i in report.issues}
    for name in pending:
        state = resolved.get(name, "error")
        if state == "ok":
            report.checked.append(name)
            report.sources[name] = "import"
        elif state == "missing":
            report.issues.append(_unknown("unknown-api", name, symbols, f"{name} does not exist"))
        elif symbols is not None and name.split(".")[0] in symbols.roots and not symbols.partial(name):
            report.issues.append(_unknown("unknown-api", name, symbols, f"{name} is not in the docs"))
        elif not any(name.startswith(m + ".") or name == m for m in bad_modules):
            report.unverifiable.append(name)
    return report


def _unknown(kind: str, name: str, symbols: IndexSymbols | None, what: str) -> Issue:
    """An unknown name, with the documented names it may have meant (never itself): first the
    same name elsewhere in the package (``pkg.f`` documented as ``pkg.mod.f``), then close ones."""
    last, root = name.rsplit(".", 1)[-1], name.split(".")[0]
    same = [s for s in symbols.named(last) if s.split(".")[0] == root] if symbols is not None else []
    close = same[:2] or [c for c in (symbols.close(name) if symbols is not None else []) if c != name]
    hint = f": use {' or '.join(close[:2])}" if close else ""
    card = symbols.card(close[0]) if symbols is not None and close else ""
    # the one documented name of that last part in the package: replaced wherever written so
    # (``seedloft.sieve.SieveSyntaxError`` -> ``seedloft.SieveSyntaxError``)
    fix = (0, name, same[0]) if len(same) == 1 else None
    return Issue(kind, name, what + hint, suggestions=close, card=card, fix=fix)


def missing_imports(code: str, aliases: Mapping[str, str]) -> str:
    """Import lines for the notebook modules ``code`` uses (``pd.read_csv``) without importing them."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ""
    bound = {
        a.asname or a.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for a in node.names
    }
    used = {
        n.value.id for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
    }
    return "".join(
        f"import {mod}\n" if alias == mod else f"import {mod} as {alias}\n"
        for alias, mod in aliases.items()
        if alias in used and alias not in bound
    )


class PythonVerifier:
    """The verifier registered for ``python``: names against the index's symbols, then imports;
    calls, members and re-definitions against the index's API entries."""

    def __init__(self, index) -> None:
        self.symbols = IndexSymbols(index) if index is not None else None

    def __call__(self, code: str, **context) -> Report:
        return verify_python(code, self.symbols, **context)
