"""The operands a command's SYNOPSIS requires (``streamlink [OPTIONS] <URL> [STREAM]``: a URL),
for the answers that give none (``streamlink --hls-live-restart``): such a command cannot run,
and the fix writes a placeholder for each (``{{url}}``), which ``dp`` asks for before it runs.

A synopsis is read only where it is plain: each usage form of the command, bracketed parts
taken off, must leave words that name operands; a form with choices (``{a | b}``, ``-a |
filesystem``), a word not read, or a form that needs no operand says nothing. Words that name a
subcommand (``command``, ``action``) are a subcommand tool's, not an operand to fill."""

from __future__ import annotations

import re

from ..shell import SimpleCommand
from . import Issue

_NAME = re.compile(r"<?([A-Za-z][\w-]*)>?(?:\.\.\.|…)?")
_SUBCOMMANDS = {"command", "commands", "action", "subcommand", "operation", "option", "options", "group",
                "mode", "function", "cmd"}  # fmt: skip
_NO_OPERANDS = {"--help", "-h", "--version", "-V", "-?", "--usage"}


def _forms(synopsis: str, command: str) -> list[str]:
    """Each usage form of ``command``: a line that starts with its name, and the lines that go on
    from it (another program's form, ``enconv ...`` on enca's page, is left out)."""
    forms: list[str] = []
    mine = False
    for line in synopsis.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == command:
            forms.append(line.strip())
            mine = True
        elif mine and (words[0][0] in "[-<{|" or not re.fullmatch(r"[a-z][\w.+-]*", words[0])):
            forms[-1] += " " + line.strip()
        else:
            mine = False
    return forms


def required_operands(synopsis: str, command: str) -> list[str]:
    """The operands every usage form of ``command`` requires, as the shortest form names them
    (``['URL']``); [] where a form needs none or the synopsis is not plain enough to tell."""
    found = []
    for form in _forms(synopsis, command):
        body = form.split(None, 1)[1] if " " in form else ""
        while re.search(r"\[[^\[\]]*\]", body):
            body = re.sub(r"\[[^\[\]]*\]", " ", body)
        if re.search(r"[\[\]{}|]", body):
            return []
        names = []
        for word in body.replace(",", " ").split():
            if word.startswith("-") or word in ("...", "…"):
                continue
            m = _NAME.fullmatch(word)
            if not m or m.group(1).lower() in _SUBCOMMANDS:
                return []
            names.append(m.group(1))
        if not names:
            return []
        found.append(names)
    return min(found, key=len) if found else []


def missing_operands(cmd: SimpleCommand, page: str, synopsis: str, flags: list[str], script: str,
                     alone: bool) -> Issue | None:  # fmt: skip
    """An issue for a command given no operand where its synopsis requires some, fixed with a
    placeholder for each where the command is the script's one line (``alone``); None for a
    command that reads its input from a pipe or redirect, asks for help or its version, is
    checked on a subcommand's page, or whose synopsis does not say."""
    if page != cmd.name or cmd.operands() or cmd.stage > 0 or cmd.stdin_text is not None or cmd.nested:
        return None
    if set(flags) & _NO_OPERANDS or any(op.startswith("<") for op, _ in cmd.redirects):
        return None
    names = required_operands(synopsis, page)
    if not names:
        return None
    holes = " ".join(f"{{{{{n.lower()}}}}}" for n in names)
    line = script.strip()
    fix = (1, line, f"{line} {holes}") if alone and "\n" not in line else None
    message = f"`{page}` needs {' and '.join(names)}, by its synopsis: add {holes}"
    return Issue("missing-operand", page, message, command=page, fix=fix)
