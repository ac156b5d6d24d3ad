"""Cards: the few lines a small model needs to choose and use a command or an API.

A command card (``tar: an archiving utility. Tar saves many files together...``) is written by
the man-page and tldr indexers as a ``card`` Document, so that the Bash answer stage can rank
whole commands before it reads their options. An API card (``seedloft.Ledger.pluck(code: str)
-> Accession: Look a lot up by its accession code.``) is built from a Python API entry when a
prompt is assembled.
"""

from __future__ import annotations

import re

from .models import Chunk

_SENTENCE = re.compile(r"(.+?[.!?])(\s|$)")


def first_sentences(text: str, limit: int = 240) -> str:
    """The opening sentences of ``text`` (whitespace squeezed) that fit in ``limit`` characters."""
    text = " ".join(text.split())
    out = ""
    for m in _SENTENCE.finditer(text):
        if out and len(out) + len(m.group(1)) + 1 > limit:
            break
        out = f"{out} {m.group(1)}".strip()
        if len(out) >= limit:
            break
    out = out or text
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def command_card(name: str, summary: str, details: list[str] = (), limit: int = 500) -> str:  # type: ignore[assignment]
    """``name: summary. detail; detail; ...`` within ``limit`` characters."""
    head = f"{name}: {' '.join(summary.split()).rstrip('.')}." if summary else f"{name}."
    rest: list[str] = []
    size = len(head)
    for detail in details:
        piece = first_sentences(detail, 240) if len(details) == 1 else " ".join(detail.split())
        if not piece or size + len(piece) + 2 > limit:
            break
        rest.append(piece)
        size += len(piece) + 2
    sep = " " if len(details) == 1 else "; "
    return head + (" " + sep.join(rest) if rest else "")


# -- Python API cards -----------------------------------------------------------------------------

_SKIP_LINES = re.compile(
    r"^(also importable as:|bases:|inherited from |@|>>>|\.\.\.|module |class |raises:|args:|returns:)", re.I
)
# ``DEEP`` in an enum's docstring: the paragraph that says what its members mean
_MEMBER_MENTION = re.compile(r"``[A-Z][A-Z0-9_]*``")


def doc_line(text: str, symbol: str = "") -> str:
    """The first line of prose in an API entry's text (after its signature line)."""
    lines = [ln.strip() for ln in text.splitlines()[1:]]
    for i, s in enumerate(lines):
        if s and not _SKIP_LINES.match(s) and not s.startswith(symbol):
            paragraph = []  # a sentence may go on on the next line of its paragraph
            for more in lines[i:]:
                if not more or _SKIP_LINES.match(more):
                    break
                paragraph.append(more)
            return first_sentences(plain(" ".join(paragraph)), 160)
    return ""


def api_card(chunk: Chunk) -> str:
    """``qualified.name(signature): first doc line`` for an API entry (``symbol`` metadata); a
    DevDocs entry's own signature line (``DataFrame.groupby(by=None, ...)``) when it has one."""
    head, line = _head_and_line(chunk)
    line = _with_member_meanings(chunk, line)
    return f"{head}: {line}" if line else head


def card_doc(chunk: Chunk) -> str:
    """What an API card says of its entry: the first doc line, and for a class the paragraph
    that says what its members mean."""
    return _with_member_meanings(chunk, _head_and_line(chunk)[1])


def _with_member_meanings(chunk: Chunk, line: str) -> str:
    if chunk.metadata.get("kind_of_symbol", "") in ("class", "enum"):
        # "``DEEP`` the -18 °C freezer and ``CRYO`` liquid nitrogen": what a request says
        # ("stored in the freezer") is often only in the paragraph about the members
        said = next((p for p in chunk.text.split("\n\n") if len(_MEMBER_MENTION.findall(p)) >= 2), "")
        if said and said.strip() not in line:
            line = f"{line} {first_sentences(said.replace('``', ''), 200)}".strip()
    return line


def entry_summary(chunk: Chunk) -> str:
    """An API entry's qualified name and first doc sentence (``seedloft.render_loft`` and "The
    text of a .loft file for the lots given."): what its first chunk is embedded as."""
    symbol = (chunk.metadata.get("symbol") or chunk.title).removesuffix("()")
    line = _head_and_line(chunk)[1]
    return f"{symbol}\n{line}" if line else symbol


def _head_and_line(chunk: Chunk) -> tuple[str, str]:
    m = chunk.metadata
    symbol = m.get("symbol") or chunk.title
    kind = m.get("kind_of_symbol", "")
    signature = m.get("signature") or ""
    head = f"{'class ' if kind == 'class' else ''}{symbol}{signature}"
    lines = chunk.text.strip().splitlines()
    last = symbol.rsplit(".", 1)[-1]
    if not signature and len(lines) > 1 and "(" in lines[1] and last in lines[1].split("(", 1)[0]:
        owner = symbol.rsplit(".", 2)[0] if lines[1].count(".") < symbol.count(".") else ""
        head = (owner + "." if owner and not lines[1].startswith(owner) else "") + " ".join(lines[1].split())
        head = head if len(head) <= 200 else head[:199] + "…"
        return head, doc_line("\n".join(lines[1:]), last)
    return head, doc_line(chunk.text, symbol)


_ROLE = re.compile(r":\w+:`~?(?:[\w.]*\.)?([\w]+)`")


def plain(text: str) -> str:
    """reST markup made plain: ``:class:`~pkg.mod.Sieve``` -> ``Sieve``, double backquotes dropped."""
    return " ".join(_ROLE.sub(r"\1", text).replace("``", "").split())


def param_notes(chunk: Chunk, limit: int = 240) -> list[str]:
    """``name: what it accepts`` for the parameters whose docs show a literal value
    (``query: a filter in the sieve language ("year<2018 and tag:heirloom")``): the syntax of a
    value is what a small model cannot guess from a signature."""
    params = chunk.metadata.get("params") or {}
    return [
        first_sentences(f"{name}: {plain(doc)}", limit)
        for name, doc in params.items()
        if isinstance(doc, str) and shows_values(doc)
    ]


def shows_values(doc: str) -> bool:
    """Whether a parameter's doc gives literal values (``"deep"``, ``keeping``), not only ``None``."""
    return any(v not in ("None", "True", "False") for v in re.findall(r"``([^`]+)``", doc))


def signature_args(signature: str):
    """The parameters of an entry's signature (``(code: str, *, where=None) -> float``) as an
    ``ast.arguments``; None when it is not a parameter list."""
    import ast

    sig = signature.split("->")[0].strip()
    if not sig.startswith("("):
        return None
    try:
        fn = ast.parse(f"def _f{sig}: pass").body[0]
    except SyntaxError:
        return None
    return fn.args if isinstance(fn, ast.FunctionDef) else None


def short_signature(signature: str) -> str:
    """``(code, *, where)`` for ``(code: str, *, where: str | None = None) -> float``: the
    parameter names only ('' when the signature does not parse)."""
    a = signature_args(signature)
    if a is None:
        return ""
    names = [x.arg for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")]
    if a.vararg:
        names.append("*" + a.vararg.arg)
    elif a.kwonlyargs:
        names.append("*")
    names += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        names.append("**" + a.kwarg.arg)
    return f"({', '.join(names)})"


def import_line(chunk: Chunk) -> str:
    """How to import what an API entry documents: ``from seedloft import Ledger`` for
    ``seedloft.Ledger.pluck``; '' when the entry does not say its module."""
    m = chunk.metadata
    module, symbol = m.get("module"), m.get("symbol") or ""
    if not module or not symbol.startswith(module + ".") or m.get("kind_of_symbol") == "module":
        return f"import {module}" if module and symbol == module else ""
    top = symbol[len(module) + 1 :].split(".")[0]
    return f"from {module} import {top}"
