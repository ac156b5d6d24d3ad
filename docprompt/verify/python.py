"""Verify Python code: every dotted API it takes from an imported module resolves.

Names are looked up in the index's symbol table first (API entries carry ``symbol`` metadata;
DevDocs entries are titled with their dotted name), then by importing in a subprocess with a
timeout, never in the caller's process: the code under test may be a private package.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import subprocess
import sys

from . import Issue, Report

_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")

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


class IndexSymbols:
    """Dotted names an index knows: ``symbol``/``aliases`` metadata and dotted titles."""

    def __init__(self, index) -> None:
        self.names: set[str] = set()
        self.modules: set[str] = set()  # known to be modules (python indexer's "module" metadata)
        from ..store.chunks import ANY

        for (title,) in index.store.values("title"):
            if title and _DOTTED.match(title.removesuffix("()")):
                self.names.add(title.removesuffix("()"))
        for _, chunk in index.store.chunks(symbol=ANY):
            m = chunk.metadata
            self.names.add(m["symbol"])
            if isinstance(m.get("module"), str):
                self.modules.add(m["module"])
            self.names.update(a for a in m.get("aliases") or [] if isinstance(a, str))
        self.roots = {n.split(".")[0] for n in self.names}

    def knows(self, name: str) -> bool:
        return name in self.names

    def knows_module(self, name: str) -> bool:
        """A module by the index's own account, or (no module info, e.g. DevDocs) any known name."""
        return name in self.modules if self.modules else name in self.names

    def close(self, name: str) -> list[str]:
        prefix = name.rsplit(".", 1)[0] + "."
        same_owner = [n for n in self.names if n.startswith(prefix)] or list(self.names)
        return difflib.get_close_matches(name, same_owner, n=3, cutoff=0.6)


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
    code: str, symbols: IndexSymbols | None = None, *, use_import: bool = True, python: str | None = None
) -> Report:
    report = Report(language="python")
    try:
        modules, names = used_apis(code)
    except SyntaxError as e:
        report.issues.append(Issue("syntax", "", f"the code does not parse: {e.msg} (line {e.lineno})"))
        return report
    pending = []
    for name in names:
        if symbols is not None and symbols.knows(name):
            report.checked.append(name)
            report.sources[name] = "index"
        else:
            pending.append(name)
    root_known = {
        m.split(".")[0] for m in modules if symbols is not None and m.split(".")[0] in symbols.roots
    }
    asked = pending + [f"module:{m}" for m in modules]
    resolved = resolve_by_import(asked, python=python) if use_import and asked else {}
    for mod in modules:
        if resolved.get(f"module:{mod}") == "ok" or (symbols is not None and symbols.knows_module(mod)):
            continue
        if mod.split(".")[0] not in root_known:
            report.issues.append(
                Issue("unknown-module", mod, f"no module named {mod!r} (not in the docs either)")
            )
        elif "." in mod:  # the package is documented, this submodule is not
            close = symbols.close(mod) if symbols is not None else []
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            issue = Issue("unknown-module", mod, f"{mod} is not a module{hint}", suggestions=close)
            report.issues.append(issue)
    bad_modules = {i.name for i in report.issues}
    for name in pending:
        state = resolved.get(name, "error")
        if state == "ok":
            report.checked.append(name)
            report.sources[name] = "import"
        elif state == "missing":
            close = symbols.close(name) if symbols is not None else []
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            report.issues.append(
                Issue("unknown-api", name, f"{name} does not exist{hint}", suggestions=close)
            )
        elif symbols is not None and name.split(".")[0] in symbols.roots:
            close = symbols.close(name)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            report.issues.append(
                Issue("unknown-api", name, f"{name} is not in the docs{hint}", suggestions=close)
            )
        elif not any(name.startswith(m + ".") or name == m for m in bad_modules):
            report.unverifiable.append(name)
    return report


class PythonVerifier:
    """The verifier registered for ``python``: names against the index's symbols, then imports."""

    def __init__(self, index) -> None:
        self.symbols = IndexSymbols(index) if index is not None else None

    def __call__(self, code: str) -> Report:
        return verify_python(code, self.symbols)
