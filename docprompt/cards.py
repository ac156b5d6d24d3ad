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
    for line in text.splitlines()[1:]:
        s = line.strip()
        if s and not _SKIP_LINES.match(s) and not s.startswith(symbol):
            return first_sentences(s, 160)
    return ""


def api_card(chunk: Chunk) -> str:
    """``qualified.name(signature): first doc line`` for an API entry (``symbol`` metadata); a
    DevDocs entry's own signature line (``DataFrame.groupby(by=None, ...)``) when it has one."""
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
        line = doc_line("\n".join(lines[1:]), last)
    else:
        line = doc_line(chunk.text, symbol)
    if kind in ("class", "enum"):
        # "``DEEP`` the -18 °C freezer and ``CRYO`` liquid nitrogen": what a request says
        # ("stored in the freezer") is often only in the paragraph about the members
        said = next((p for p in chunk.text.split("\n\n") if len(_MEMBER_MENTION.findall(p)) >= 2), "")
        if said and said.strip() not in line:
            line = f"{line} {first_sentences(said.replace('``', ''), 200)}".strip()
    return f"{head}: {line}" if line else head


def import_line(chunk: Chunk) -> str:
    """How to import what an API entry documents: ``from seedloft import Ledger`` for
    ``seedloft.Ledger.pluck``; '' when the entry does not say its module."""
    m = chunk.metadata
    module, symbol = m.get("module"), m.get("symbol") or ""
    if not module or not symbol.startswith(module + ".") or m.get("kind_of_symbol") == "module":
        return f"import {module}" if module and symbol == module else ""
    top = symbol[len(module) + 1 :].split(".")[0]
    return f"from {module} import {top}"
