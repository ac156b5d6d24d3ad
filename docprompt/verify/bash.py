"""Verify a Bash command: every command exists and every flag is defined by its man page.

Flags come from the index (man-page paragraphs carry ``command`` and ``flags`` metadata) or,
for a command the index does not cover, from this machine's own ``man`` page.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from functools import lru_cache

from . import Issue, Report

# Words that run the next word as the command.
WRAPPERS = {"sudo", "time", "nohup", "nice", "env", "xargs", "exec", "command", "builtin", "doas", "watch"}
BUILTINS = {
    "cd",
    "echo",
    "export",
    "read",
    "source",
    ".",
    "alias",
    "unalias",
    "set",
    "unset",
    "eval",
    "exit",
    "return",
    "shift",
    "test",
    "[",
    "[[",
    "printf",
    "pwd",
    "type",
    "hash",
    "ulimit",
    "umask",
    "wait",
    "jobs",
    "fg",
    "bg",
    "kill",
    "trap",
    "true",
    "false",
    "let",
    "local",
    "declare",
    "typeset",
    "readonly",
    "for",
    "while",
    "until",
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "case",
    "esac",
    "in",
    "function",
    "select",
    "{",
    "}",
    "!",
    "history",
    "complete",
    "shopt",
    "getopts",
    "disown",
    "caller",
}
# Commands whose first word after the name is a subcommand with its own page (git-commit(1)).
SUBCOMMAND_PAGES = {"git", "docker", "apt", "apt-get", "systemctl", "ip", "npm", "pip", "cargo", "kubectl"}
_SEPARATORS = {"|", "||", "&&", ";", "&", "|&", "(", ")", ";;", "\n"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
_FLAG = re.compile(r"^(--?[A-Za-z?#@][\w?#@.-]*)")

FlagSource = Callable[[str], "set[str] | None"]


def simple_commands(command: str) -> list[list[str]]:
    """The words of each simple command in a pipeline or list, wrappers (sudo, xargs...) removed."""
    text = _PLACEHOLDER.sub("X", command)
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|&;()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        tokens = text.split()
    out: list[list[str]] = []
    current: list[str] = []
    for tok in tokens:
        if tok in _SEPARATORS or set(tok) <= set("|&;()"):
            if current:
                out.append(current)
            current = []
        else:
            current.append(tok)
    if current:
        out.append(current)
    cleaned = []
    for words in out:
        while words and (_ASSIGNMENT.match(words[0]) or words[0] in WRAPPERS):
            wrapper = words.pop(0)
            # xargs/sudo/env take options of their own before the command
            while wrapper in WRAPPERS and words and words[0].startswith("-"):
                words.pop(0)
        words = [w for w in words if not re.match(r"^\d*[<>]", w)]
        if words:
            cleaned.append(words)
    return cleaned


def flags_used(words: list[str], known: set[str]) -> list[str]:
    """Flags given to a command, ``--opt=x`` as ``--opt``, bundles (``-xzf``) split unless defined whole."""
    out: list[str] = []
    for word in words[1:]:
        if word == "--":
            break
        m = _FLAG.match(word)
        if not m:
            continue
        flag = m.group(1).rstrip(".")
        if flag.startswith("--") or flag in known or len(flag) == 2:
            parts = [flag]
        elif all(f"-{c}" in known for c in flag[1:]):
            parts = [f"-{c}" for c in flag[1:]]
        elif f"-{flag[1]}" in known and not flag[2:].isalpha():
            parts = [f"-{flag[1]}"]  # -n5, -C/tmp: a short flag with its value attached
        else:
            parts = [flag]
        out.extend(p for p in parts if p not in out)
    return out


def _defined(flag: str, known: set[str]) -> bool:
    if flag in known:
        return True
    if flag.startswith("--no-") and "--" + flag[5:] in known:
        return True
    if flag.startswith("--"):  # GNU getopt accepts unambiguous prefixes of long options
        matches = [k for k in known if k.startswith(flag)]
        return len(matches) == 1
    return False


def local_man_flags(command: str) -> frozenset[str] | None:
    """Flags this machine's man page for ``command`` defines; None when it has no page."""
    lines = local_man_lines(command)
    return None if lines is None else frozenset(lines)


def _first_lines(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines()[:2])[:200]


@lru_cache(maxsize=256)
def local_man_paragraphs(command: str) -> tuple | None:
    """This machine's man page for ``command``, split as the man indexer splits pages (its
    ``Paragraph``s: heading, text, flags); None when there is no page."""
    if not shutil.which("man") or not re.fullmatch(r"[\w.+-]+", command):
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("MANOPT", "MAN_KEEP_FORMATTING", "MANROFFOPT")}
    env.update(MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    try:
        proc = subprocess.run(
            ["man", "--no-hyphenation", "--no-justification", command],
            capture_output=True,
            env=env,
            timeout=15,
        )
        from docprompt.indexers.manpages import split_page
    except (OSError, subprocess.SubprocessError, ImportError):
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    text = re.sub(r".\x08", "", proc.stdout.decode("utf-8", "replace"))
    return tuple(split_page(text))


def local_man_lines(command: str) -> dict[str, str] | None:
    """{flag: the first lines of the paragraph defining it} from this machine's man page."""
    paragraphs = local_man_paragraphs(command)
    if paragraphs is None:
        return None
    out: dict[str, str] = {}
    for para in paragraphs:
        for flag in para.flags:
            out.setdefault(flag, _first_lines(para.text))
    return out


class IndexFlags:
    """Flags per command from an index's man-page paragraphs (read once per index)."""

    def __init__(self, index) -> None:
        self.flags: dict[str, set[str]] = {}
        self.commands: set[str] = set()
        self.lines: dict[str, str] = {}  # "tar -x" -> the first lines of the paragraph defining it
        sql = "SELECT metadata, text FROM chunks WHERE kind = 'doc' AND metadata LIKE '%\"command\"%'"
        for meta, text in index.store.con.execute(sql):
            m = json.loads(meta)
            cmd = m.get("command")
            if not cmd:
                continue
            self.commands.add(cmd)
            if m.get("flags"):
                self.flags.setdefault(cmd, set()).update(m["flags"])
                first = _first_lines(text)
                for flag in m["flags"]:
                    self.lines.setdefault(f"{cmd} {flag}", first)

    def __call__(self, command: str) -> set[str] | None:
        if command in self.flags:
            return self.flags[command]
        return set() if command in self.commands else None


def _evidence(where: str, sources: list[FlagSource], command: str, flag: str) -> str:
    if where == "man":
        return (local_man_lines(command) or {}).get(flag, "")
    for source in sources:
        line = getattr(source, "lines", {}).get(f"{command} {flag}")
        if line:
            return line
    return ""


def verify_bash(
    command: str, sources: list[FlagSource] | None = None, *, use_local_man: bool = True
) -> Report:
    """Check each simple command of ``command`` against the flag sources, then the local man pages."""
    report = Report(language="bash")
    lookups: list[tuple[str, FlagSource]] = [("index", s) for s in sources or []]
    if use_local_man:
        lookups.append(("man", lambda c: set(f) if (f := local_man_flags(c)) is not None else None))

    def lookup(cmd: str) -> tuple[str, set[str]] | None:
        for where, source in lookups:
            flags = source(cmd)
            if flags:
                return where, flags
        for where, source in lookups:  # a page without option entries still proves the command
            if source(cmd) is not None:
                return where, set()
        return None

    for words in simple_commands(command):
        name = os.path.basename(words[0])
        if name in BUILTINS or words[0].startswith(("./", "$", "`")) or "=" in name:
            continue
        args = words
        found = None
        if name in SUBCOMMAND_PAGES and len(words) > 1 and not words[1].startswith("-"):
            found = lookup(f"{name}-{words[1]}")
            if found:
                name, args = f"{name}-{words[1]}", words[1:]
        found = found or lookup(name)
        if found is None:
            if shutil.which(name):
                report.unverifiable.append(name)
            else:
                report.issues.append(
                    Issue("unknown-command", name, f"`{name}` is not a command the docs or this machine know")
                )
            continue
        where, known = found
        report.sources[name] = where
        if not known:
            report.checked.append(name)
            continue
        for flag in flags_used(args, known):
            if _defined(flag, known):
                item = f"{name} {flag}"
                report.checked.append(item)
                line = _evidence(where, sources or [], name, flag)
                if line:
                    report.evidence[item] = line
            else:
                close = difflib.get_close_matches(flag, sorted(known), n=3, cutoff=0.5)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                report.issues.append(
                    Issue("unknown-flag", flag, f"`{name}` has no option {flag}{hint}", name, close)
                )
    return report
