"""Placeholders: fill a command's ``{{placeholders}}`` with the values a request gives.

"list the files in the current directory" gives ``.``; "listening on port 8080" gives
``8080``; "files larger than 1G" gives ``+1G`` to ``find -size``. A placeholder the request
gives no value for stays as it is (``{{path/to/file}}``), and ``dp`` asks for it before it
runs anything (as navi does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .shell import PLACEHOLDER

_QUOTED = re.compile(r"""(?<![\w])(['"`])([^'"`\n]{1,200})\1""")
_URL = re.compile(r"\b(?:https?|ftp|ssh|git)://[^\s'\"`]+[^\s'\"`.,;:)]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b")
_PATH = re.compile(
    r"(?<![\w/.~-])((?:~|\.{1,2})?/[\w.@%+~/*-]*|~|\*\.[\w*]+|[\w-]+(?:\.[\w-]+)*\.[A-Za-z][\w]{0,5})(?![\w/])"
)
_PORT = re.compile(r"\bport\s+(\d{1,5})\b", re.I)
_SIZE = re.compile(
    r"\b(larger|bigger|more|greater|smaller|less|over|under|above|below)?\s*(?:than\s+)?(\d+(?:\.\d+)?)\s*([kmgt]i?b?|bytes?)\b",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.:/-])(\d+)(?![\w.:/-])")
_PLACES = {
    r"\b(the\s+)?current\s+(working\s+)?(directory|folder|dir)\b": ".",
    r"\b(this|the\s+present)\s+(directory|folder)\b": ".",
    r"\b(my\s+|the\s+)?home\s+(directory|folder|dir)\b": "~",
    r"\bparent\s+(directory|folder)\b": "..",
    r"\broot\s+(directory|folder)\b": "/",
}  # fmt: skip
_WORDS = set(
    """path file dir directory folder url port size pattern string text number count n pid seconds
    minutes user username host ip address email name archive filename glob extension regex query branch
    package""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Value:
    kind: str  # path | url | email | ip | port | size | number | text
    text: str  # as it goes into the command
    start: int  # where the request says it


def request_values(request: str) -> list[Value]:
    """The concrete values a request gives, in the order it gives them."""
    found: list[Value] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, text: str, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in taken):
            return
        taken.append(span)
        found.append(Value(kind, text, span[0]))

    for m in _QUOTED.finditer(request):
        add("text", m.group(2), m.span())
    for rx, kind in ((_URL, "url"), (_EMAIL, "email"), (_IP, "ip")):
        for m in rx.finditer(request):
            add(kind, m.group(0), m.span())
    for m in _PORT.finditer(request):
        add("port", m.group(1), m.span())
    for m in _SIZE.finditer(request):
        sign = {"larger": "+", "bigger": "+", "more": "+", "greater": "+", "over": "+", "above": "+"}.get(
            (m.group(1) or "").lower(), "-" if m.group(1) else ""
        )
        unit = m.group(3)[0].upper() if m.group(3)[0].lower() in "kmgt" else "c"
        add("size", f"{sign}{m.group(2)}{unit}", m.span())
    for pattern, place in _PLACES.items():
        for m in re.finditer(pattern, request, re.I):
            add("path", place, m.span())
    for m in _PATH.finditer(request):
        text = m.group(1)
        if text.endswith(".") or text.lower() in ("e.g", "i.e", "etc"):
            continue
        add("path", text, m.span())
    for m in _NUMBER.finditer(request):
        add("number", m.group(1), m.span())
    return sorted(found, key=lambda v: v.start)


def _wants(placeholder: str) -> set[str]:
    """The kinds of value a placeholder's name asks for."""
    name = placeholder.strip("{} ").lower()
    words = set(re.split(r"[\W_]+", name)) & _WORDS or set(re.split(r"[\W_]+", name))
    kinds = set()
    if (
        words & {"path", "file", "dir", "directory", "folder", "archive", "filename", "glob", "extension"}
        or "/" in name
    ):
        kinds.add("path")
    if words & {"url"}:
        kinds.add("url")
    if words & {"port"}:
        kinds.add("port")
    if words & {"size"}:
        kinds.add("size")
    if words & {"number", "count", "n", "pid", "seconds", "minutes"}:
        kinds.add("number")
    if words & {"host", "ip", "address"}:
        kinds |= {"ip", "url"}
    if words & {"email", "user", "username"}:
        kinds.add("email")
    if words & {"pattern", "string", "text", "regex", "query", "name", "branch", "package"}:
        kinds.add("text")
    return kinds


def fill(command: str, request: str) -> str:
    """``command`` with each placeholder the request gives a value for replaced by that value
    (each value used once, in the request's order); the others stay as they are."""
    values = list(request_values(request))
    if not values:
        return command

    def sub(m: re.Match[str]) -> str:
        wants = _wants(m.group(0))
        for i, v in enumerate(values):
            if v.kind in wants or (v.kind == "port" and "number" in wants):
                values.pop(i)
                return _quote(v.text)
        return m.group(0)

    return PLACEHOLDER.sub(sub, command)


def _quote(text: str) -> str:
    import shlex

    return text if re.fullmatch(r"[\w.@%+~/*:,=+-]+", text) else shlex.quote(text)


def remaining(command: str) -> list[str]:
    """The placeholders still in ``command``, each once."""
    return list(dict.fromkeys(PLACEHOLDER.findall(command)))
