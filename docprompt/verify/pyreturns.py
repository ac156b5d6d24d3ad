"""The built-in containers documented calls return (``bank.sift(...) -> list[Accession]``), as the
code stores them: what :mod:`.pycheck` tracks per variable, a list of objects stored under the
plural of their field (``codes = bank.sift(...)``), and the reverse: a field taken from each where
the request asks for the objects."""

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


def unasked_field(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``found = [lot.code for lot in bank.sift(...)]`` for "store the list of lots in `found`":
    the objects a documented call returns, reduced to a field the request never names, where the
    request's word for the variable ("lots") is one of the call's docs ("The lots a filter
    expression admits"). The fix keeps the objects: ``found = bank.sift(...)``."""
    import re

    from .pyvalues import stem, stems
    from .request import requested_variables

    wanted = set(requested_variables(request))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    env: dict[str, Binding] = {}
    for name, value in namespace.items():
        if not value.startswith("module:") and (symbol := api.locate(value)):
            env[name] = ("instance", symbol)
    said, lines, out = stems(request), code.splitlines(), []
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            continue
        name, comp = node.targets[0].id, node.value
        if name not in wanted or not isinstance(comp, ast.ListComp) or len(comp.generators) != 1:
            continue
        loop, elt = comp.generators[0], comp.elt
        if loop.ifs or not isinstance(loop.target, ast.Name) or not isinstance(elt, ast.Attribute):
            continue
        if not (isinstance(elt.value, ast.Name) and elt.value.id == loop.target.id):
            continue
        returned = builtin_returned(loop.iter, api, env)
        target = dotted(loop.iter.func, env) if isinstance(loop.iter, ast.Call) else None
        element = container_parts(returned[0])[1] if returned else ""
        cls = api.class_named(element) if element else ""
        if not (cls and target) or api.kind(f"{cls}.{elt.attr}") not in ("attribute", "property"):
            continue
        if stem(elt.attr) in said or re.search(rf"\b{re.escape(elt.attr)}", request, re.I):
            continue  # "the codes of the lots": the field is asked for
        noun = re.search(rf"(\w+)\s+(?:in|into|as)\s+`{re.escape(name)}`", request)
        if not noun or stem(noun.group(1)) not in stems(api.card(target[1])):
            continue
        iterable = source(loop.iter, lines)
        old = lines[node.lineno - 1] if node.lineno == node.end_lineno else ""
        whole = source(comp, lines)
        fix = (node.lineno, old, old.replace(whole, iterable, 1)) if old and whole and whole in old else None
        short, call = cls.rsplit(".", 1)[-1], target[1].rsplit(".", 1)[-1]
        message = (
            f"`{name}` holds the `{elt.attr}` of each {short} `{call}` returns, which the task does not "
            f"ask for: it asks for the {noun.group(1)} themselves: {name} = {iterable}"
        )
        out.append(Issue("unasked-field", f"{cls}.{elt.attr}", message, line=node.lineno,
                         card=api.card(target[1]), fix=fix))  # fmt: skip
    return out
