"""Code-examples indexer: Python scripts, shell scripts and Jupyter notebooks as ``example`` Documents.

A small ``.py`` file is one example; a large one is split into its top-level functions and classes
(each with the imports it uses) plus the rest of the script. A notebook yields one example per code
cell, described by the markdown cell(s) above it. Outputs are ignored; nbformat is not needed.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from docprompt.models import Document

from ._base import FormatOptions, FormatTreeIndexer
from ._fs import read_text
from ._outline import DESCRIPTION_CHARS, describe, normalize_language

FORMATS = {".py": "python", ".ipynb": "notebook", ".sh": "shell", ".bash": "shell"}
DEFAULT_EXCLUDE = ("__pycache__", "node_modules", "site-packages", "dist-packages")
#: A short one-line cell with no markdown of its own (``df.head()``) joins the example before it.
SHORT_CELL_CHARS = 20
_CELL_MAGICS = {
    "bash": "bash", "sh": "bash", "script": "bash", "html": "html", "javascript": "javascript",
    "js": "javascript", "sql": "sql", "latex": "latex", "markdown": "markdown", "ruby": "ruby",
    "perl": "perl",
}  # fmt: skip
_CODING = re.compile(r"^#.*coding[:=]")
_LICENSE = re.compile(r"copyright|licen[sc]e|spdx|all rights reserved|^[-=#*\s]*$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_]\w*")


def leading_comments(text: str) -> str:
    """The comment block a script opens with (after a shebang and coding line), licence lines left out."""
    out: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if not out and (s.startswith("#!") or _CODING.match(s) or not s):
            continue
        if not s.startswith("#"):
            break
        s = s.lstrip("#").strip()
        if not _LICENSE.search(s):
            out.append(s)
    return "\n".join(out).strip()


def _summary(description: str) -> str:
    first = description.strip().split("\n\n")[0]
    return " ".join(first.split())[:120]


@dataclass
class _Unit:
    """One example inside a file."""

    anchor: str  # "" for the whole file
    code: str
    title: str
    description: str
    language: str
    metadata: dict[str, Any]


class ExamplesOptions(FormatOptions):
    indexer: ClassVar[str] = "examples"
    formats: ClassVar[dict[str, str]] = FORMATS
    default_exclude: ClassVar[tuple[str, ...]] = DEFAULT_EXCLUDE

    split_chars: int = Field(default=3000, ge=200, description="a longer .py file is split per definition")


class CodeExamplesIndexer(FormatTreeIndexer):
    """Yields ``example`` Documents from the ``.py``, ``.sh`` and ``.ipynb`` files under the paths.

    A Python file up to ``split_chars`` characters (or one that does not parse) is one example,
    its module docstring or leading comments its description; a larger one yields one example per
    top-level function or class (``<root name>/<path>#<name>``, with the imports it uses) and one
    for the remaining script code (``#__main__``). A notebook yields ``<root name>/<path>#ex<N>`` for
    its N-th code cell, with the markdown cell(s) above it as the description and its markdown
    headings as the title path. Unreadable, binary, non-UTF-8, empty and oversized files and
    invalid notebooks are skipped and counted in ``skipped``; symlinks out of a root are not followed.

    Options: ``extensions`` (default .py .ipynb .sh .bash), ``exclude`` (glob patterns for names or
    relative paths), ``split_chars``.
    """

    name = "examples"
    Options = ExamplesOptions
    options: ExamplesOptions

    def iter_documents(self) -> Iterator[Document]:
        for root, file, rel, fmt in self.sources():
            text = read_text(root, file, self.skipped, self.max_file_bytes)
            if text is None:
                continue
            try:
                units = self._units(file, text, fmt)
            except Exception:  # a reader's failure on one file must not stop the build
                self.skipped.add("invalid notebook" if fmt == "notebook" else f"unreadable {fmt}", file)
                continue
            if units is None:
                continue
            units = [u for u in units if u.code.strip()]
            if not units:
                self.skipped.add("no code", file)
            file_id = f"{root.name}/{rel}"
            for unit in units:
                yield Document(
                    id=f"{file_id}#{unit.anchor}" if unit.anchor else file_id,
                    text=unit.code,
                    source=str(file),
                    kind="example",
                    language=unit.language,
                    title=unit.title,
                    uri=file.as_uri() + (f"#L{unit.metadata['line']}" if "line" in unit.metadata else ""),
                    metadata={"path": rel, "page": file_id, "format": fmt, **unit.metadata},
                    paragraphs=[unit.code],
                )

    def _units(self, file: Path, text: str, fmt: str) -> list[_Unit] | None:
        if fmt == "notebook":
            return self._notebook(file, text)
        if fmt == "python":
            return self._python(file, text)
        description = leading_comments(text)
        meta: dict[str, Any] = {"description": description}
        return [_Unit("", text.strip(), _summary(description) or file.name, description, "bash", meta)]

    # --- Python files -------------------------------------------------------------------------

    def _python(self, file: Path, text: str) -> list[_Unit]:
        try:
            tree: ast.Module | None = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # Python 2, a template: indexed whole
            tree = None
        docstring = ast.get_docstring(tree) if tree is not None else None
        description = (docstring or leading_comments(text)).strip()
        module_title = _summary(description) or file.stem
        defs = [] if tree is None else [n for n in tree.body if isinstance(n, _DEFS)]
        if tree is None or len(text) <= self.options.split_chars or not defs:
            whole = {"description": describe(description, DESCRIPTION_CHARS), "symbol": ""}
            return [_Unit("", text.strip(), module_title, description, "python", whole)]
        lines = text.splitlines()
        imports: list[tuple[set[str], str]] = []
        covered: set[int] = set()
        for node in tree.body:
            if isinstance(node, _IMPORTS):
                names = {(a.asname or a.name).split(".")[0] for a in node.names}
                imports.append((names, _segment(lines, node.lineno, node.end_lineno)))
        units: list[_Unit] = []
        seen: dict[str, int] = {}
        for node in defs:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            while start > 1 and lines[start - 2].lstrip().startswith("#"):  # comments just above
                start -= 1
            end = node.end_lineno or node.lineno
            covered.update(range(start, end + 1))
            code = _segment(lines, start, end)
            words = set(_WORD.findall(code))
            used = [seg for names, seg in imports if names & words]
            if used:
                code = "\n".join(used) + "\n\n\n" + code
            own = ast.get_docstring(node) or leading_comments(_segment(lines, start, node.lineno))
            seen[node.name] = seen.get(node.name, 0) + 1
            anchor = node.name if seen[node.name] == 1 else f"{node.name}-{seen[node.name] - 1}"
            meta: dict[str, Any] = {"description": describe(own or description), "symbol": node.name}
            meta["line"] = start
            units.append(_Unit(anchor, code, f"{module_title} > {node.name}", own, "python", meta))
        # What is left (imports, constants, the ``if __name__ == "__main__":`` block) is the script.
        doc_node = tree.body[0] if docstring is not None else None
        if doc_node is not None:
            covered.update(range(doc_node.lineno, (doc_node.end_lineno or doc_node.lineno) + 1))
        script_nodes = [n for n in tree.body if n is not doc_node and not isinstance(n, (*_DEFS, *_IMPORTS))]
        script = "\n".join(line for i, line in enumerate(lines, 1) if i not in covered)
        script = re.sub(r"\n{3,}", "\n\n", script).strip()
        if script_nodes and script:
            meta = {"description": describe(description), "symbol": "", "line": 1}
            units.append(_Unit("__main__", script, module_title, description, "python", meta))
        return units

    # --- notebooks ----------------------------------------------------------------------------

    def _notebook(self, file: Path, text: str) -> list[_Unit] | None:
        from ._markdown import markdown_blocks

        try:
            nb = json.loads(text)
        except ValueError:
            nb = None
        if not isinstance(nb, dict):
            self.skipped.add("invalid notebook", file)
            return None
        cells = nb.get("cells")
        if cells is None and isinstance(nb.get("worksheets"), list) and nb["worksheets"]:
            sheet = nb["worksheets"][0]  # nbformat 3
            cells = sheet.get("cells") if isinstance(sheet, dict) else None
        if not isinstance(cells, list):
            self.skipped.add("invalid notebook", file)
            return None
        nb_meta = _dict(nb.get("metadata"))
        kernel, info = _dict(nb_meta.get("kernelspec")), _dict(nb_meta.get("language_info"))
        language = normalize_language(str(kernel.get("language") or info.get("name") or "python"))
        stack: list[tuple[int, str]] = []
        pending: list[str] = []
        units: list[_Unit] = []
        n = 0
        for index, cell in enumerate(cells):
            if not isinstance(cell, dict):
                continue
            source = _cell_source(cell.get("source", cell.get("input")))
            kind = cell.get("cell_type")
            if kind in ("markdown", "heading"):
                if kind == "heading":  # nbformat 3
                    level = cell.get("level")
                    source = "#" * (level if isinstance(level, int) and 1 <= level <= 6 else 1) + " " + source
                prose = []
                for level, text in markdown_blocks(source):
                    if level and text.strip():
                        while stack and stack[-1][0] >= level:
                            stack.pop()
                        stack.append((level, " ".join(text.split())))
                    elif not level:
                        prose.append(text)
                pending.append("\n".join(prose))
                continue
            if kind != "code":
                continue
            n += 1
            code = source.strip("\n").rstrip()
            if not code.strip():
                continue
            description = describe("\n".join(pending))
            if (
                units
                and not pending
                and "\n" not in code
                and len(code) < SHORT_CELL_CHARS
                and units[-1].metadata["cells"][-1] == index - 1
            ):
                units[-1].code += "\n" + code
                units[-1].metadata["cells"].append(index)
                continue
            pending = []
            cell_language = language
            first = code.lstrip().split("\n", 1)[0]
            if first.startswith("%%"):
                magic = first[2:].split()
                if magic and magic[0] in _CELL_MAGICS:
                    cell_language = _CELL_MAGICS[magic[0]]
            headings = [h for _, h in stack]
            title = " > ".join(headings) or file.stem
            lead = "\n".join(p for p in (headings[-1] if headings else "", description) if p)
            unit_meta: dict[str, Any] = {"description": description, "cells": [index]}
            unit_meta.update(heading=headings[-1] if headings else "", headings=headings)
            units.append(
                _Unit(
                    f"ex{n}",
                    f"{lead}\n\n{code}" if lead else code,
                    title,
                    description,
                    cell_language,
                    unit_meta,
                )
            )
        return units


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_IMPORTS = (ast.Import, ast.ImportFrom)


def _segment(lines: list[str], start: int, end: int | None) -> str:
    return "\n".join(lines[start - 1 : end or start])


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _cell_source(source: object) -> str:
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""
