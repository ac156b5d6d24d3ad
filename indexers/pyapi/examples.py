"""Docstring examples: ``Examples`` sections (Google, NumPy, reST), code-block directives,
fenced Python blocks and loose doctest blocks, as the code a reader would copy."""

from __future__ import annotations

import doctest
import itertools
import re
import textwrap

_GOOGLE = re.compile(r"^(\s*)(?:Examples?|Usage)\s*:\s*$")
_REST = re.compile(r"^(\s*)(?::Examples?:|\.\. rubric:: Examples?|Examples?::)\s*$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
EXAMPLE_HINTS = (
    ">>>", "xample", "Usage", ".. code", ".. sourcecode", ".. doctest", ".. testcode", "```", "~~~",
)  # fmt: skip
_CODE_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode|doctest|testcode)::")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_PYTHON_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*\{?\s*\.?(?:python3?|py|pycon)\b", re.IGNORECASE)
_PARSER = doctest.DocTestParser()
_BAD_LINE = re.compile(r"line (\d+) of the docstring")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indented_block(lines: list[str], start: int, indent: int) -> int:
    """The end of the block after ``start`` whose lines are blank or indented past ``indent``."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    return end


def _fenced_end(lines: list[str], start: int, fence: str) -> int:
    """The line after the fence that closes the block opened at ``start``."""
    end = start + 1
    while end < len(lines) and lines[end].strip() != fence:
        end += 1
    return min(end + 1, len(lines))


def _unfenced(body: list[str]) -> list[str]:
    """A section's lines without the fence lines around its code (mkdocs-style docstrings)."""
    return [line for line in body if not _FENCE.match(line)]


def _sections(lines: list[str]) -> tuple[list[tuple[int, str]], set[int]]:
    """(first line, code) of each examples section, code directive or fenced Python block, and
    the lines they cover."""
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
            body = _unfenced(lines[i + 2 : end])
        elif (m := _GOOGLE.match(line) or _REST.match(line)) or (m := _CODE_DIRECTIVE.match(line)):
            end = _indented_block(lines, i + 1, len(m.group(1)))
            body = _unfenced(lines[i + 1 : end])
            if _CODE_DIRECTIVE.match(line):  # drop the directive's options (:linenos: ...)
                body = list(itertools.dropwhile(lambda s: not s.strip() or s.strip().startswith(":"), body))
        elif m := _PYTHON_FENCE.match(line):
            end = _fenced_end(lines, i, m.group(2))
            body = lines[i + 1 : end - 1] if lines[end - 1].strip() == m.group(2) else lines[i + 1 : end]
        if end > i:
            text = textwrap.dedent("\n".join(body)).strip()
            if text:
                found.append((i, text))
            covered.update(range(i, end))
            i = end
            continue
        i += 1
    return found, covered


def _doctest_examples(lines: list[str]) -> list[doctest.Example]:
    """The doctest examples in ``lines``, by doctest's own parser; a line it refuses (``>>>x``,
    a continuation indented less than its prompt) is left out and the rest read again."""
    lines = list(lines)
    for _ in range(len(lines)):
        try:
            return [p for p in _PARSER.parse("\n".join(lines)) if isinstance(p, doctest.Example)]
        except ValueError as e:  # "line 3 of the docstring for <string> lacks blank after >>>: ..."
            bad = _BAD_LINE.match(str(e))
            if bad is None or not 0 < int(bad[1]) <= len(lines):
                break
            lines[int(bad[1]) - 1] = ""
    return []


def _doctests(lines: list[str], covered: set[int]) -> list[tuple[int, str]]:
    """(first line, text) of each run of doctest examples outside ``covered``: from an example's
    prompt to the blank or covered line that ends its paragraph (doctest ends its output there)."""
    runs: list[tuple[int, str]] = []
    end = 0
    for ex in _doctest_examples(lines):
        start = ex.lineno
        if start < end or start in covered:
            continue
        end = start + 1
        while end < len(lines) and lines[end].strip() and end not in covered:
            end += 1
        runs.append((start, textwrap.dedent("\n".join(lines[start:end])).strip()))
    return runs


def docstring_examples(doc: str) -> list[str]:
    """``Examples`` sections (Google, NumPy, reST), code-block directives, fenced Python blocks
    and loose doctest blocks, in the order they appear."""
    lines = doc.splitlines()
    found, covered = _sections(lines)
    return [text for _, text in sorted(found + _doctests(lines, covered))]
