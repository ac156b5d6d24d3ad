"""Repair: first the fixes the docs determine (no model), then one model round per remaining
problem set, shown the failing line, the exact issue and the card of the right symbol.

A repaired answer is kept only when it has fewer problems than the one it replaces, so a repair
never makes an answer worse; at most ``rounds`` model rounds run, within a time budget.
"""

from __future__ import annotations

import re

from .verify import Issue, Report

TEMPLATE_PYTHON = """Checking the code against the library's documentation found problems:
{problems}

Write the whole corrected code."""
TEMPLATE_BASH = """Checking the command against its documentation found problems:
{problems}

Write the corrected command."""


def apply_fixes(code: str, issues: list[Issue]) -> tuple[str, int]:
    """``code`` with every deterministic fix applied (whole lines replaced or dropped, or for
    Bash, line 0, one word replaced), and how many were applied."""
    lines = code.split("\n")
    applied = 0
    for issue in sorted((i for i in issues if i.fix), key=lambda i: -i.fix[0]):  # type: ignore[index]
        line_no, old, new = issue.fix  # type: ignore[misc]
        if line_no == 0:
            pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
            joined = "\n".join(lines)
            if pattern.search(joined) and new != old:
                lines = pattern.sub(new, joined, count=1).split("\n")
                applied += 1
        elif 0 < line_no <= len(lines) and new != old and (new or old.strip()):
            span = slice(line_no - 1, line_no + old.count("\n"))  # an old statement may span lines
            if "\n".join(lines[span]) == old:
                lines[span] = [new] if new else []  # '' drops them
                applied += 1
    return "\n".join(lines), applied


def problems_text(code: str, report: Report, limit: int = 4) -> str:
    """The problems for the model: the failing line, what is wrong, and the right API card."""
    lines = code.split("\n")
    out = []
    for issue in report.issues[:limit]:
        where = ""
        if 0 < issue.line <= len(lines):
            where = f"Line {issue.line}: `{lines[issue.line - 1].strip()}`\n  "
        card = f"\n  Right usage: {issue.card}" if issue.card else ""
        out.append(f"- {where}{issue.message}{card}")
    return "\n".join(out)


def repair_messages(
    messages: list[dict[str, str]],
    code: str,
    report: Report,
    language: str,
    extra: list[str] = (),  # type: ignore[assignment]
) -> list[dict[str, str]]:
    """The conversation that asks the model to fix ``code``."""
    fence = "```" + language
    template = TEMPLATE_BASH if language == "bash" else TEMPLATE_PYTHON
    text = template.format(problems=problems_text(code, report))
    if extra:
        text += "\n\nThe relevant documentation:\n" + "\n\n".join(extra)
    answer = {"role": "assistant", "content": f"{fence}\n{code}\n```"}
    return [*messages, answer, {"role": "user", "content": text}]


def better(new: Report | None, old: Report | None) -> bool:
    """Is ``new`` an improvement (fewer problems)?"""
    if new is None:
        return False
    return old is None or len(new.issues) < len(old.issues)
