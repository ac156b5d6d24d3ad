"""The one thing a request picks by the most or the least of something ("find the one holding the
most seed", "the one that germinates best"), answered by code that takes the first of the list
(``bank.sift('keep=ambient')[0].code``): the numeric field whose docs share the words around the
superlative ("grams: seed weight in store") is the key of a ``max`` (or ``min``) over the list."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, package_tree, span_fix
from .api import IndexSymbols
from .pyexpr import code_env, source, type_of

_MOST = {"most", "best", "largest", "biggest", "heaviest", "highest", "greatest", "longest", "strongest"}
_LEAST = {"least", "fewest", "smallest", "lightest", "lowest", "worst", "shortest", "weakest"}
_SUPERLATIVE = re.compile(rf"\b({'|'.join(sorted(_MOST | _LEAST))})\b", re.I)
_NUMERIC = re.compile(r"(?:int|float)(?: \| None)?")


def _picked(tree: ast.Module) -> list[tuple[ast.Subscript, ast.Call]]:
    """``S[0]`` (or any one constant index) where S is a call, in the code's statements."""
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant)]
    return [(n, n.value) for n in found if isinstance(n.value, ast.Call)]


def _key(api: IndexSymbols, element: str, clause: str) -> str:
    """The one numeric field of ``element`` whose name and docs share the most words with the
    clause, words alike by their first five letters ("germinates", "germination"); '' if none."""
    from .pykinds import member_annotation
    from .pymeant import _PLAIN, member_docs

    asked = {w[:5] for w in re.findall(r"[a-z]{4,}", clause.lower()) if w not in _PLAIN}
    scores = {}
    for member, doc in member_docs(api, element).items():
        if _NUMERIC.fullmatch(member_annotation(api, f"{element}.{member}") or ""):
            said = {w[:5] for w in re.findall(r"[a-z]{4,}", f"{member.replace('_', ' ')} {doc}".lower())}
            scores[member] = len(asked & said)
    ranked = sorted(scores.items(), key=lambda x: -x[1])
    if not ranked or not ranked[0][1] or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return ""
    return ranked[0][0]


def first_for_extreme(code: str, request: str, api: IndexSymbols,
                      namespace: Mapping[str, str]) -> list[Issue]:  # fmt: skip
    """Issues for an item taken by its place from a list the code selects, where the request
    asks for the one with the most or the least of a field: the fix is ``max(S, key=...)``."""
    from ..conditions import element_of, noun_of

    said = _SUPERLATIVE.search(request)
    tree = package_tree(code, api) if said else None
    if tree is None or said is None:
        return []
    start = max(request.rfind(c, 0, said.start()) for c in ".;,") + 1
    ends = [i for c in ".;,?" if (i := request.find(c, said.end())) >= 0]
    clause = request[start : min(ends, default=len(request))]
    pick = "max" if said.group(1).lower() in _MOST else "min"
    env, lines, out = code_env(tree, api, namespace), code.splitlines(), []
    for node, call in _picked(tree):
        func = call.func
        owner = type_of(func.value, api, env) if isinstance(func, ast.Attribute) else None
        selector = f"{owner}.{func.attr}" if owner and isinstance(func, ast.Attribute) else ""
        element = element_of(api, selector) if selector else ""
        key = _key(api, element, clause) if element else ""
        text = source(call, lines)
        if not key or not text:
            continue
        one = noun_of(api, selector)[:-1] or "x"
        best = f"{pick}({text}, key=lambda {one}: {one}.{key})"
        message = (f"`{source(node, lines)}` takes one by its place: the task asks for the one with the "
                   f"{said.group(1).lower()} {key}, `{best}`")  # fmt: skip
        out.append(Issue("other-field", f"{element}.{key}", message, line=node.lineno,
                         card=api.card(f"{element}.{key}"), fix=span_fix(node, lines, best)))  # fmt: skip
    return out
