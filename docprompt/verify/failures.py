"""A request that says what to do when a step fails ("if the lot cannot be used, store its
state"; "abort if both hold a lot with the same code"), answered by code that handles no
failure: the docs of the functions it calls say what they raise, and which of those the
request's words describe."""

from __future__ import annotations

import ast
import re

from . import Issue, call_name, package_tree
from .pyvalues import stems

# "if it is not a valid query", "if the file is malformed", "abort if both hold ..."
_FAILURE = re.compile(
    r"\b(?:abort|fail|refuse|stop)\w*\s+(?:if|when)\b([^.;]*)"
    r"|\b(?:if|when|in case|unless)\b([^.;]*\b(?:not|no|\w+n't|cannot|fails?|invalid|malformed|broken|"
    r"errors?|missing|unknown|wrong|bad)\b[^.;,]*)",
    re.I,
)
_RAISES = re.compile(r"^Raises:\n((?:[ \t]+\S.*\n?)+)", re.M)


def unhandled_failures(code: str, request: str, api) -> list[Issue]:
    """The request says what to do when a step fails and the code catches nothing: the issue
    names what the called functions raise, the one the request's words describe first, with
    that exception's card. Only against a package's own API."""
    said = _FAILURE.search(request)
    tree = package_tree(code, api) if said else None
    if tree is None or any(isinstance(n, ast.Try) and n.handlers for n in ast.walk(tree)):
        return []
    clause = next(g for g in said.groups() if g is not None).strip()  # type: ignore[union-attr]
    raised: dict[str, tuple[str, str]] = {}  # exception -> (the function, what its docs say)
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = call_name(call)
        for symbol in api.named(name)[:1]:
            m = _RAISES.search(api.entries[symbol].text) if symbol in api.entries else None
            for line in m.group(1).splitlines() if m else []:
                exc, _, why = line.strip().partition(":")
                if re.fullmatch(r"[\w.]+", exc) and exc not in raised:
                    raised[exc] = (symbol.rsplit(".", 1)[-1], why.strip())
    if not raised:
        return []
    wanted = stems(clause, shortest=3)

    def overlap(exc: str) -> int:
        cls = api.class_named(exc.rsplit(".", 1)[-1])
        text = f"{raised[exc][1]} {api.card(cls) if cls else ''}".lower()
        return len(wanted & stems(text, shortest=3))

    ranked = sorted(raised, key=lambda e: -overlap(e))
    best = api.class_named(ranked[0].rsplit(".", 1)[-1])
    listed = "; ".join(f"`{raised[e][0]}` raises {e} ({raised[e][1].rstrip('.')})" for e in ranked[:3])
    message = (
        f"the task says what to do {said.group(0).strip()!r} and the code handles no failure: "  # type: ignore[union-attr]
        f"{listed}: catch the one the task means (try/except {ranked[0]})"
    )
    return [Issue("unhandled-failure", ranked[0], message, card=api.card(best) if best else "")]
