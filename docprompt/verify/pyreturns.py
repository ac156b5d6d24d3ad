"""The built-in containers documented calls return (``bank.sift(...) -> list[Accession]``), as the
code stores them: what :mod:`.pycheck` tracks per variable, and a list of objects stored under the
plural of their field (``codes = bank.sift(...)``)."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from . import Issue
from .api import IndexSymbols
from .pycalls import Binding, container_parts, dotted, source

_CONTAINERS = ("list", "tuple", "set", "frozenset", "dict")


def builtin_returned(value: ast.expr, api: IndexSymbols,
                     env: Mapping[str, Binding]) -> tuple[str, str] | None:  # fmt: skip
    """(``list[Accession]``, ``sift``) for ``bank.sift(...)``: the built-in container a
    documented call returns, by its return annotation."""
    if not isinstance(value, ast.Call):
        return None
    target = dotted(value.func, env)
    if target is None or target[0] not in ("symbol", "instance-attr"):
        return None
    annotation = api.return_annotation(target[1])
    base = container_parts(annotation)[0]
    return (annotation, target[1].rsplit(".", 1)[-1]) if base in _CONTAINERS else None


def elements_for_field(node: ast.Assign | ast.AnnAssign, name: str, returned: tuple[str, str],
                       api: IndexSymbols, lines: list[str]) -> list[Issue]:  # fmt: skip
    """``codes = bank.sift(...)``, a ``list[Accession]`` stored under the plural of a field of
    its elements (``Accession.code``): the request asked for the field; the fix takes it from
    each element."""
    annotation, call = returned
    element = container_parts(annotation)[1]
    cls = api.class_named(element) if element else ""
    field = name[:-1] if name.endswith("s") else ""
    entry = api.entries.get(f"{cls}.{field}") if cls and field else None
    if entry is None or entry.metadata.get("kind_of_symbol") not in ("attribute", "property"):
        return []
    short = cls.rsplit(".", 1)[-1]
    item = short.lower()
    old = lines[node.lineno - 1] if node.lineno == node.end_lineno else ""
    value = source(node.value, lines) if node.value is not None else ""
    new = old.replace(value, f"[{item}.{field} for {item} in {value}]", 1) if value and value in old else ""
    return [Issue(
        "element-field", f"{cls}.{field}",
        f"`{name}` holds the {short} objects `{call}` returns, not their `{field}`: "
        f"[{item}.{field} for {item} in {value}]",
        line=node.lineno, card=api.card(f"{cls}.{field}"), fix=(node.lineno, old, new) if new else None,
    )]  # fmt: skip
