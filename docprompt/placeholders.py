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
                return as_word(v.text)
        return m.group(0)

    return PLACEHOLDER.sub(sub, command)


def as_word(text: str) -> str:
    """``text`` as one shell word: as it is when it needs no quotes, else quoted."""
    import shlex

    return text if re.fullmatch(r"[\w.@%+~/*:,=+-]+", text) else shlex.quote(text)


def remaining(command: str) -> list[str]:
    """The placeholders still in ``command``, each once."""
    return list(dict.fromkeys(PLACEHOLDER.findall(command)))


# A value-shaped word: a number or range (10, 1-16, +1G, 10:30), a path with a slash, a file or
# host name with an extension (notes.txt, example.com), user@host, a URL.
_SHAPED = re.compile(
    r"[+-]?\d[\w.:,/-]*|(?:~|\.{1,2})?/[\w.@%+~/*-]*[\w*]|[\w-]+(?:\.[\w-]+)*\.[A-Za-z]\w{0,5}"
    r"|[\w.+-]+@[\w.-]+|\w+://\S+"
)
_SYSTEM = re.compile(r"/(?:dev|proc|sys|etc|usr|bin|sbin|lib|var|run|boot|opt)(?:/|$)")
# an unquoted word of a command line: after a blank or the `=` of `--opt=`, up to a blank or an
# operator other than a redirection (the 2 of 2>&1 is a descriptor); placeholders are masked first
_WORD = re.compile(r"(?:(?<=\s)|(?<==))([^\s=|;&<>()'\"`{}$]+)(?=$|[\s|;&)])")


def unsaid(command: str, request: str) -> str:
    """``command`` with each value it makes up (one the request does not give) written as a
    placeholder: ``head -n 10 notes.txt`` for "show the first lines of a file" is ``head -n
    {{10}} {{notes.txt}}``, so ``dp`` asks for them instead of running on a guessed file. A
    value the request gives, a system path (``/dev/null``), 0 and 1, and the command's own
    words stay."""
    said = request.casefold()
    given = {v.text.casefold() for v in request_values(request)}
    masked = PLACEHOLDER.sub(lambda m: "\0" * len(m.group()), command)

    def sub(m: re.Match[str]) -> str:
        word = command[m.start(1) : m.end(1)]
        low = word.casefold()
        if "\0" in m.group(1) or word.startswith("-") or word in ("0", "1") or not _SHAPED.fullmatch(word):
            # a placeholder already, a flag (or a negative number: find -mtime -7), or 0 and 1,
            # which say how (--max-depth=1 for "each folder", -n 1 for "the first") more than what
            return word
        if low in said or low in given or low.lstrip("+-") in said or _SYSTEM.match(word):
            return word
        return "{{" + word + "}}"

    out, last = [], 0
    for m in _WORD.finditer(masked):
        out += [command[last : m.start(1)], sub(m)]
        last = m.end(1)
    return "".join(out) + command[last:]
