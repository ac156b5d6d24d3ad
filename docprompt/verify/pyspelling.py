"""A word of the request that the code writes in other letters: ``reason='moldy'`` for "because
it is mouldy", ``'color'`` for "colour". The package keeps what it is given, and whatever
reads it later (a check, a search, a person) looks for the request's word.

Only a word (four letters or more) of a string, not an f-string, that the request does not
hold, that no documented entry uses (a documented value is the docs' to choose), and that
exactly one word of the request is close to: the same first letter and a similarity of at least
0.8 (difflib), not a word the code already writes. Only against a package's own API, like the
other request checks."""

from __future__ import annotations

import ast
import re
from difflib import SequenceMatcher

from . import Issue, package_tree, span_fix

_WORD = re.compile(r"[^\W\d_]{4,}")


def respelled_words(code: str, request: str, api) -> list[Issue]:
    """The fix writing the request's word where the code wrote a near spelling of it."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    said = re.sub(r"`[^`]*`", " ", request).casefold()  # names in backticks are the code's, not values
    words = set(_WORD.findall(said))
    written = code.casefold()
    documented = api.documented_words()
    lines = code.splitlines()
    issues = []
    in_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    constants = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in in_fstrings]
    for node, text in [(n, n.value) for n in constants if isinstance(n.value, str)]:
        for m in _WORD.finditer(text):
            value = m.group().casefold()
            if value in said or value in documented:
                continue
            close = [w for w in words if w[0] == value[0] and w not in written
                     and SequenceMatcher(None, value, w).ratio() >= 0.8]  # fmt: skip
            if len(close) != 1:
                continue
            word = _cased(close[0], m.group())
            meant = text[: m.start()] + word + text[m.end() :]
            message = f"the task writes {word!r}: write it so, not {m.group()!r}"
            issues.append(Issue("unused-value", word, message, line=node.lineno,
                                fix=span_fix(node, lines, repr(meant))))  # fmt: skip
            break  # one word a string a round: the fix is the whole string
    return issues


def _cased(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    return word.capitalize() if like[:1].isupper() else word

