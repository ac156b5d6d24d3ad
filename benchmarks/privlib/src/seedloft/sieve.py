"""The sieve language: filter expressions over lots, parsed from strings.

``"year<2018 and tag:heirloom"``, ``"taxon~allium or keep=deep"``,
``"not (state=withdrawn or germ<50)"``. See the query language reference for the grammar.

>>> rule = sieve("genus=allium and germ>=70")
>>> [lot.code for lot in rule.select(__import__("seedloft").starter_ledger())]
['SL-0001']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import SieveSyntaxError

NUMERIC_FIELDS = ("year", "grams", "germ")
TEXT_FIELDS = ("code", "taxon", "genus", "site", "keep", "state", "vigour")
OPERATORS = ("<=", ">=", "!=", "=", "<", ">", "~")
_ENUM_VALUES = {
    "keep": ("ambient", "chill", "deep", "cryo"),
    "state": ("shelved", "held", "withdrawn"),
    "vigour": ("robust", "steady", "flagging", "spent"),
}
_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<paren>[()])|(?P<op><=|>=|!=|=|<|>|~)|(?P<tag>tag:[\w.-]+)
    |(?P<quoted>"[^"]*"|'[^']*')|(?P<word>[\w.-]+)""",
    re.VERBOSE,
)
_KEYWORDS = ("and", "or", "not")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise SieveSyntaxError(f"unexpected character {text[pos]!r}", text, pos)
        kind = m.lastgroup or ""
        if kind != "space":
            value = m.group()
            if kind == "word" and value.lower() in _KEYWORDS:
                kind, value = value.lower(), value.lower()
            out.append((kind, value, pos))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.text, self.toks, self.i = text, _tokens(text), 0

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, message: str, pos: int | None = None) -> SieveSyntaxError:
        return SieveSyntaxError(message, self.text, self.peek()[2] if pos is None else pos)

    def parse(self) -> tuple:
        if self.peek()[0] == "end":
            raise self.fail("empty filter")
        node = self.disjunction()
        if self.peek()[0] != "end":
            raise self.fail(f"unexpected {self.peek()[1]!r}")
        return node

    def disjunction(self) -> tuple:
        node = self.conjunction()
        while self.peek()[0] == "or":
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> tuple:
        node = self.unary()
        while self.peek()[0] == "and":
            self.take()
            node = ("and", node, self.unary())
        return node

    def unary(self) -> tuple:
        kind, value, pos = self.take()
        if kind == "not":
            return ("not", self.unary())
        if kind == "paren" and value == "(":
            node = self.disjunction()
            if self.take()[1] != ")":
                raise self.fail("missing ')'", self.toks[self.i - 1][2])
            return node
        if kind == "tag":
            return ("tag", value[4:].lower())
        if kind != "word":
            raise self.fail(f"expected a condition, found {value or 'the end'!r}", pos)
        field = value.lower()
        if field not in NUMERIC_FIELDS + TEXT_FIELDS:
            raise self.fail(f"unknown field {value!r}", pos)
        kind, op, op_pos = self.take()
        if kind != "op":
            raise self.fail(f"expected an operator after {field}", op_pos)
        kind, raw, val_pos = self.take()
        if kind not in ("word", "quoted"):
            raise self.fail("expected a value", val_pos)
        text = raw[1:-1] if kind == "quoted" else raw
        if field in NUMERIC_FIELDS:
            if op == "~":
                raise self.fail(f"'~' needs a text field, not {field}", op_pos)
            try:
                return ("cmp", field, op, float(text))
            except ValueError:
                raise self.fail(f"{field} needs a number", val_pos) from None
        if op in ("<", "<=", ">", ">="):
            raise self.fail(f"{field} is text: use =, != or ~", op_pos)
        if field in _ENUM_VALUES and op != "~" and text.lower() not in _ENUM_VALUES[field]:
            raise self.fail(f"unknown {field} {text!r}", val_pos)
        return ("cmp", field, op, text.lower())


def _value(lot: Any, field: str) -> Any:
    if field == "germ":
        return lot.germ_pct
    if field == "keep":
        return lot.keeping.value
    if field == "state":
        return lot.state.value
    if field == "vigour":
        return lot.vigour.value if lot.vigour is not None else None
    value = getattr(lot, field)
    return value.lower() if isinstance(value, str) else value


def _test(node: tuple, lot: Any) -> bool:
    head = node[0]
    if head == "and":
        return _test(node[1], lot) and _test(node[2], lot)
    if head == "or":
        return _test(node[1], lot) or _test(node[2], lot)
    if head == "not":
        return not _test(node[1], lot)
    if head == "tag":
        return node[1] in lot.tags
    _, field, op, want = node
    have = _value(lot, field)
    if have is None:
        return False
    if op == "~":
        return want in have
    return {
        "=": have == want, "!=": have != want, "<": have < want,
        "<=": have <= want, ">": have > want, ">=": have >= want,
    }[op]  # fmt: skip


def _show(node: tuple) -> str:
    head = node[0]
    if head in ("and", "or"):
        return f"({_show(node[1])} {head} {_show(node[2])})"
    if head == "not":
        return f"not {_show(node[1])}"
    if head == "tag":
        return f"tag:{node[1]}"
    _, field, op, want = node
    if isinstance(want, float):
        want = f"{want:g}"
    elif not re.fullmatch(r"[\w.-]+", want):
        want = f'"{want}"'
    return f"{field} {op} {want}"


def _fields(node: tuple) -> set[str]:
    if node[0] in ("and", "or"):
        return _fields(node[1]) | _fields(node[2])
    if node[0] == "not":
        return _fields(node[1])
    return {"tag"} if node[0] == "tag" else {node[1]}


class Sieve:
    """A compiled filter expression. Make one with :func:`sieve`.

    Sieves combine with ``&`` (and), ``|`` (or) and ``~`` (not).

    >>> rule = sieve("year<2018") & sieve("tag:red")
    >>> rule.canonical
    '(year < 2018 and tag:red)'
    """

    def __init__(self, text: str, tree: tuple):
        self.text = text
        self._tree = tree

    def __repr__(self) -> str:
        return f"Sieve({self.text!r})"

    @property
    def canonical(self) -> str:
        """The expression in normal form: lower-case fields and keywords, spaced operators,
        every ``and``/``or`` in parentheses.

        >>> sieve("TAXON~Allium AND NOT keep=deep").canonical
        '(taxon ~ allium and not keep = deep)'
        """
        return _show(self._tree)

    @property
    def fields(self) -> frozenset[str]:
        """The fields the expression tests (``tag`` for tag conditions).

        >>> sorted(sieve("year<2018 or tag:red and germ>50").fields)
        ['germ', 'tag', 'year']
        """
        return frozenset(_fields(self._tree))

    def admits(self, lot: Any) -> bool:
        """Whether the lot passes the filter. A lot never tested fails every ``germ`` test."""
        return _test(self._tree, lot)

    def select(self, lots: Iterable[Any]) -> list[Any]:
        """The lots that pass, in the order given."""
        return [lot for lot in lots if self.admits(lot)]

    def __and__(self, other: Sieve) -> Sieve:
        return Sieve(f"({self.text}) and ({other.text})", ("and", self._tree, other._tree))

    def __or__(self, other: Sieve) -> Sieve:
        return Sieve(f"({self.text}) or ({other.text})", ("or", self._tree, other._tree))

    def __invert__(self) -> Sieve:
        return Sieve(f"not ({self.text})", ("not", self._tree))


def sieve(text: str) -> Sieve:
    """Compile a filter expression in the sieve language.

    Args:
        text: e.g. ``"year<2018 and tag:heirloom"``; fields are ``code``, ``taxon``,
            ``genus``, ``site``, ``keep``, ``state``, ``vigour`` (text: ``=``, ``!=``, ``~``)
            and ``year``, ``grams``, ``germ`` (numbers: ``= != < <= > >=``).

    Returns:
        The compiled :class:`Sieve`.

    Raises:
        SieveSyntaxError: the text does not parse; ``.position`` is where.

    >>> sieve("year<<2018")
    Traceback (most recent call last):
    ...
    seedloft.errors.SieveSyntaxError: expected a value at position 5 in 'year<<2018'
    """
    if not isinstance(text, str):
        raise TypeError(f"a filter is a string, not {type(text).__name__}")
    return Sieve(text, _Parser(text).parse())
