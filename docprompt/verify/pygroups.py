"""The groups a request counts or lists things by ("How many lots are there for each germination
grade (robust, steady, ...)?", "Break the lots down by where they are stored") and the choice of
a documented parameter that makes them: ``tally(by=...)`` takes "one of ``keeping``, ``state``,
..., ``vigour``"; the grades are ``Vigour``'s, the field ``vigour`` holds one, so ``by='vigour'``
is the fix where the code passes another or leaves the default (``keeping``)."""

from __future__ import annotations

import ast
import re

from . import Issue, one_symbol, package_tree
from .pyexpr import keyword_fix

_GROUPED = re.compile(r"\b(?:for (?:each|every)|in each|per|by)\b([^.;?!]*)", re.I)


def _words(cls: str, text: str) -> set[str]:
    """The stems of ``text``, less the name of the class of the things grouped."""
    from .pyvalues import stems

    return stems(text) - stems(cls.rsplit(".", 1)[-1])


def _said(api, element: str, members, choice: str) -> str:
    """What the docs say of a choice: its name, the element's field it names, and that field's
    enum (its docs, its members and what the docs call them)."""
    from ..conditions import _link
    from .pykinds import annotated_class

    field = _link(choice, members) if members else ""
    doc, annotation = members.get(field, ("", "")) if field else ("", "")
    said = [choice, field.replace("_", " "), doc]
    enum = annotated_class(api, annotation.split("|")[0].strip()) if annotation else ""
    if enum and any(api.kind(f"{enum}.{m}") == "attribute" for m in api.member_list(enum)):
        said += [api.doc(enum), " ".join(api.member_list(enum))]
    return " ".join(said).replace("_", " ")


def _meant(api, owner: str, choices: list[str], grouped: str) -> str:
    """The one choice the request's grouping words name by the docs' words for it ('' when none
    or no clear one)."""
    from ..conditions import _members

    element = api.iterates(owner) if owner else ""
    members = _members(api, element) if element else {}
    words = _words(element or owner, grouped)
    scores = sorted(((len(words & _words(element or owner, _said(api, element, members, c))), c)
                     for c in choices), reverse=True)  # fmt: skip
    if not scores or scores[0][0] < 2 or (len(scores) > 1 and scores[1][0] * 2 >= scores[0][0]):
        return ""
    return scores[0][1]


def ungrouped_calls(code: str, request: str, api) -> list[Issue]:
    """Issues for the calls of a documented function whose parameter chooses among listed values
    (``by: one of ``keeping``, ...``) that pass another value than the one the request's groups
    name (or leave a default that is not it)."""
    from .pyvalues import _one_of, defaults_of, passed_args

    grouped = " ".join(m.group(1) for m in _GROUPED.finditer(re.sub(r"`[^`]*`", " ", request)))
    tree = package_tree(code, api) if grouped.strip() else None
    if tree is None:
        return []
    lines, issues = code.split("\n"), []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api)
        a = api.signature(symbol) if symbol else None
        if a is None or symbol is None:
            continue
        owner = symbol.rsplit(".", 1)[0] if api.kind(symbol) == "method" else ""
        given = defaults_of(a) | {arg.arg: v for arg, v in passed_args(a, call)}
        for param in [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]:
            choices = _one_of(api, symbol, param)
            meant = _meant(api, owner, choices, grouped) if choices else ""
            passed = given.get(param)
            if not meant or not isinstance(passed, ast.Constant) or passed.value == meant:
                continue
            fix = keyword_fix(call, lines, param, repr(meant))
            method = symbol.rsplit(".", 1)[-1]
            message = f"the task groups by {meant}: pass `{param}={meant!r}` to `{method}`"
            issues.append(Issue("bad-value", f"{symbol}:{param}", message, line=call.lineno,
                                card=api.card(symbol), fix=fix))  # fmt: skip
    return issues

