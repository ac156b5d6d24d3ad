"""The API part of a Python prompt written as a stub file (``api_style = "stub"``), for a
package's own API (the python indexer's entries).

A code model has read far more ``.pyi`` files and docstrings than lists of cards: the same
entries (signature, first doc line, the notes on values a parameter takes, a class's members)
shown as Python, each method under its class, each field as an annotation (so it is read, not
called), each function with its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cards import card_doc
from .models import Chunk

_FIELDS = ("property", "attribute", "constant")


@dataclass
class Entry:
    chunk: Chunk
    notes: list[str]  # ``where syntax: e.g. "year<2018"``: said in the docstring
    members: str = ""  # ``members: pluck(code), codes(), ...``: said as a comment in a class


def stub(entries: list[Entry]) -> str:
    """The entries as one stub: classes (with the members among the entries) and functions in
    the order they come, modules as comments."""
    blocks: dict[str, list[str]] = {}  # a class's or a top-level name's lines, in order
    for entry in entries:
        m = entry.chunk.metadata
        symbol, kind = m.get("symbol", ""), m.get("kind_of_symbol", "")
        if kind == "module":
            doc = card_doc(entry.chunk)
            blocks[symbol] = [f"# module {symbol}" + (f": {doc}" if doc else "")]
            if entry.members:
                blocks[symbol].append(f"#   {entry.members}")
        elif kind in ("class", "enum"):
            lines = blocks.setdefault(symbol, [f"class {_short(symbol)}:"])
            lines[1:1] = _class_body(entry)
        elif kind in _FIELDS or kind in ("method", "classmethod", "staticmethod"):
            owner = symbol.rsplit(".", 1)[0]
            if owner in blocks and blocks[owner][0].startswith("class "):
                blocks[owner] += _member(entry, kind)
            elif kind in _FIELDS and "." not in symbol[len(m.get("module", "")) + 1 :]:
                blocks[symbol] = _member(entry, kind, indent="")  # a module-level constant
            else:  # a member whose class has no entry here
                blocks.setdefault(owner, [f"class {_short(owner)}:"]).extend(_member(entry, kind))
        else:
            blocks[symbol] = _function(entry)
    return "\n\n".join("\n".join(lines) for lines in blocks.values())


def _short(symbol: str) -> str:
    return symbol.rsplit(".", 1)[-1]


def _doc(text: str, notes: list[str], indent: str) -> list[str]:
    said = [text, *notes] if text else list(notes)
    if not said:
        return []
    body = [f"{indent}{line}" for line in said[1:]]
    first = said[0].replace('"""', "'''")
    if not body:
        return [f'{indent}"""{first}"""']
    return [f'{indent}"""{first}', *(b.replace('"""', "'''") for b in body), f'{indent}"""']


def _class_body(entry: Entry) -> list[str]:
    lines = _doc(card_doc(entry.chunk), entry.notes, "    ")
    signature = entry.chunk.metadata.get("signature") or ""
    if signature.startswith("("):
        lines.append(f"    def __init__{_with_self(signature, 'self')}: ...")
    if entry.members:
        lines.append(f"    # {entry.members}")
    return lines or ["    ..."]


def _member(entry: Entry, kind: str, indent: str = "    ") -> list[str]:
    m = entry.chunk.metadata
    name, signature = _short(m.get("symbol", "")), (m.get("signature") or "").strip()
    doc = card_doc(entry.chunk)
    if kind in _FIELDS:  # a field is written as one: ``usable: bool``, never a call
        head = f"{indent}{name}{signature if signature.startswith((':', '=')) else ''}"
        head = head.replace(f"{name}=", f"{name} =", 1)
        return [head + (f"  # {doc}" if doc else ""), *(f"{indent}# {n}" for n in entry.notes)]
    # the python indexer files a classmethod as a method; its text opens with what it is
    opens = (entry.chunk.text.split(None, 1) or [""])[0]
    deco = next((d for d in ("classmethod", "staticmethod") if d in (kind, opens)), "")
    receiver = {"classmethod": "cls", "staticmethod": ""}.get(deco, "self")
    lines = [f"{indent}@{deco}"] if deco else []
    lines.append(f"{indent}def {name}{_with_self(signature or '()', receiver)}:")
    body = _doc(doc, entry.notes, indent + "    ")
    return lines + (body or [f"{indent}    ..."])


def _function(entry: Entry) -> list[str]:
    m = entry.chunk.metadata
    name, signature = _short(m.get("symbol", "")), (m.get("signature") or "()").strip()
    if not signature.startswith("("):
        signature = "()"
    body = _doc(card_doc(entry.chunk), entry.notes, "    ")
    chain = [f"    # {entry.members}"] if entry.members else []  # a builder's setters: ``then: .coded(...)``
    return [f"def {name}{signature}:", *(body or ["    ..."]), *chain]


def _with_self(signature: str, receiver: str) -> str:
    """``(code: str) -> X`` with the receiver first: ``(self, code: str) -> X``."""
    if not receiver or not signature.startswith("("):
        return signature
    rest = signature[1:]
    return f"({receiver}{'' if rest.startswith(')') else ', '}{rest}"
