"""Docstring examples: ``Examples`` sections (Google, NumPy, reST), code-block directives and
loose doctest blocks, as the code a reader would copy."""

from __future__ import annotations

import itertools
import re
import textwrap

_GOOGLE = re.compile(r"^(\s*)(?:Examples?|Usage)\s*:\s*$")
_REST = re.compile(r"^(\s*)(?::Examples?:|\.\. rubric:: Examples?|Examples?::)\s*$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
EXAMPLE_HINTS = (">>>", "xample", "Usage", ".. code", ".. sourcecode", ".. doctest", ".. testcode")
_CODE_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode|doctest|testcode)::")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indented_block(lines: list[str], start: int, indent: int) -> int:
    """The end of the block after ``start`` whose lines are blank or indented past ``indent``."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    return end


def docstring_examples(doc: str) -> list[str]:
    """``Examples`` sections (Google, NumPy, reST) and loose doctest or code-block blocks."""
    lines = doc.splitlines()
    found: list[tuple[int, str]] = []
    covered: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        end = i
        if line.strip() in ("Examples", "Example") and i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and not (
                end + 1 < len(lines) and lines[end].strip() and _NUMPY_RULE.match(lines[end + 1])
            ):
                end += 1
            body = lines[i + 2 : end]
        elif (m := _GOOGLE.match(line) or _REST.match(line)) or (m := _CODE_DIRECTIVE.match(line)):
            end = _indented_block(lines, i + 1, len(m.group(1)))
            body = lines[i + 1 : end]
            if _CODE_DIRECTIVE.match(line):  # drop the directive's options (:linenos: ...)
                body = list(itertools.dropwhile(lambda s: not s.strip() or s.strip().startswith(":"), body))
        if end > i:
            text = textwrap.dedent("\n".join(body)).strip()
            if text:
                found.append((i, text))
            covered.update(range(i, end))
            i = end
            continue
        i += 1
    i = 0
    while i < len(lines):
        if i not in covered and lines[i].lstrip().startswith(">>>"):
            end = i
            while end < len(lines) and lines[end].strip() and end not in covered:
                end += 1
            found.append((i, textwrap.dedent("\n".join(lines[i:end])).strip()))
            i = end
            continue
        i += 1
    return [text for _, text in sorted(found)]
