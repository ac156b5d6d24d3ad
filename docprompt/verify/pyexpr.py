"""What an expression of the answer names and holds, as the Python checks read it: a documented
symbol, a module or an instance (``dotted``), the documented class it holds (``type_of``), the
parts of a container annotation, and its source text."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from .api import IndexSymbols

Binding = tuple[str, str]  # ("symbol" | "instance" | "module", dotted name)

_ONE_KIND = re.compile(r"(?:list|tuple|set|frozenset)\[(\w+)(?:,\.\.\.)?\]")


def container_parts(annotation: str) -> tuple[str, str]:
    """(``list``, ``Accession``) for ``list[Accession]``: an annotation's outer name, and the
    class of its elements when it is a container of one kind ('' otherwise)."""
    one = _ONE_KIND.fullmatch(annotation.replace(" ", ""))
    return re.split(r"[\[\s|]", annotation, maxsplit=1)[0], one.group(1) if one else ""


def dotted(node: ast.expr, env: Mapping[str, Binding]) -> Binding | None:
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


def type_of(value: ast.expr, api: IndexSymbols, env: Mapping[str, Binding]) -> str | None:
    """The documented class an expression holds: a notebook instance, what a call returns (its
    return annotation, a constructor's class), followed along a chain of calls."""
    if isinstance(value, ast.Name) and env.get(value.id, ("", ""))[0] == "instance":
        return env[value.id][1]
    if not isinstance(value, ast.Call):
        return None
    target = dotted(value.func, env)
    if target is None:
        # a chain: draft(...).coded(...).seal() -> the last method's return type
        if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Call):
            owner = type_of(value.func.value, api, env)
            return api.returns(f"{owner}.{value.func.attr}") if owner else None
        return None
    return api.returns(target[1]) if target[0] in ("symbol", "instance-attr") else None


def source(node: ast.AST, lines: list[str]) -> str:
    """The text of ``node`` when it is written on one line of ``lines`` ('' otherwise); AST
    columns count UTF-8 bytes."""
    lineno, end = getattr(node, "lineno", 0), getattr(node, "end_col_offset", None)
    if not 0 < lineno <= len(lines) or getattr(node, "end_lineno", None) != lineno or end is None:
        return ""
    return lines[lineno - 1].encode()[node.col_offset : end].decode()  # type: ignore[attr-defined]


def keyword_fix(call: ast.Call, lines: list[str], name: str, value: str) -> tuple[int, str, str] | None:
    """The fix that passes ``name=value`` to a call on one line: in place of the value it
    passes, or after its last argument; None for a call over several lines."""
    from . import span_fix

    given = [k.value for k in call.keywords if k.arg == name]
    if given:
        return span_fix(given[0], lines, value)
    text = source(call, lines)
    comma = ", " if call.args or call.keywords else ""
    return span_fix(call, lines, f"{text[:-1]}{comma}{name}={value})") if text.endswith(")") else None


def notebook_env(namespace: Mapping[str, str], api: IndexSymbols, *,
                 modules: bool = True) -> dict[str, Binding]:  # fmt: skip
    """What a notebook's variables hold, as the checks bind names: ``("instance", class)`` for
    a value of a documented class, ``("module", name)`` for a module (unless ``modules`` is
    false); a variable of no documented class is left out."""
    env: dict[str, Binding] = {}
    for name, value in namespace.items():
        if value.startswith("module:"):
            if modules:
                env[name] = ("module", value[7:])
        elif symbol := api.locate(value):
            env[name] = ("instance", symbol)
    return env


def code_env(tree: ast.Module, api: IndexSymbols, namespace: Mapping[str, str]) -> dict[str, Binding]:
    """:func:`notebook_env`, and what the code's own top-level assignments bind a name to where
    the docs say (``shelf = bank``: a ``Ledger`` too; ``lot = bank.pluck(...)``: an ``Accession``),
    after the package's modules and the documented names it imports."""
    env = notebook_env(namespace, api)
    env |= {root: ("module", root) for root in api.import_roots if root not in env}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                if len(found := api.named(a.name)) == 1:
                    env[a.asname or a.name] = ("symbol", found[0])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            held = type_of(node.value, api, env)
            if held and isinstance(node.targets[0], ast.Name):
                env[node.targets[0].id] = ("instance", held)
    return env
