"""The one model of a Bash command line: its simple commands, read by a real Bash parser.

``parse(script)`` gives every simple command of ``script`` (in pipelines, lists, ``$(...)``,
``` `...` ```, ``<(...)``, compound commands and the scripts given to ``sh -c`` or ``eval``),
each with its wrappers (``sudo -u root``, ``nice -n 10``, ``timeout 5``, ``env A=1``,
``xargs -0``) taken off, its argv, redirections, the text a here-document or here-string feeds
it, and its place in its pipeline. bashlex does the parsing; what it cannot parse (unbalanced
quotes, ``[[ ]]``, ``case``, arithmetic) goes through a shlex fallback that still splits
pipelines, lists, redirections and here-documents.

tldr's ``{{placeholders}}`` are words of their own here, whatever they hold (``{{a|b}}``).
Safety, verification, ``dp``, the tldr indexer and the evaluation all read commands this way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
OPTION_PLACEHOLDER = re.compile(r"\{\{\[([^\[\]{}]*\|[^\[\]{}]*)\]\}\}")  # {{[-o|--output]}}
_MASK = "DPPH{}X"
_MASKED = re.compile(r"DPPH(\d+)X")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*(\[[^\]]*\])?\+?=")
_FLAG = re.compile(r"^(--?[A-Za-z0-9?#@][\w?#@.+-]*)")

# Words that run the rest of their words as a command: how many operands come before the
# command (timeout's duration), and the options of theirs that take a value.
_WRAPPER_TABLE = """
sudo         0  -u -g -C -D -h -p -r -t -U -T --user --group --host --prompt --role --type
                --other-user --close-from --chdir --command-timeout
doas         0  -u -C
env          0  -u -C -S --unset --chdir --split-string
nice         0  -n --adjustment
ionice       0  -c -n -p -P -u --class --classdata
nohup        0
time         0  -f -o --format --output
timeout      1  -s -k --signal --kill-after
watch        0  -n --interval
xargs        0  -a -d -E -I -L -n -P -s --arg-file --delimiter --eof --max-lines --max-args
                --max-procs --max-chars --process-slot-var
stdbuf       0  -i -o -e --input --output --error
exec         0  -a
command      0
builtin      0
chronic      0
unbuffer     0
torsocks     0
proxychains  0  -f
proxychains4 0  -f
busybox      0
toybox       0
"""


def _wrappers(table: str) -> dict[str, tuple[frozenset[str], int]]:
    out: dict[str, tuple[frozenset[str], int]] = {}
    name = ""
    for line in table.strip().splitlines():
        words = line.split()
        if not line.startswith(" "):
            name, operands, words = words[0], int(words[1]), words[2:]
            out[name] = (frozenset(), operands)
        out[name] = (out[name][0] | frozenset(words), out[name][1])
    return out


WRAPPERS = _wrappers(_WRAPPER_TABLE)
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "ash", "csh", "tcsh"})
BUILTINS = frozenset(
    """cd echo export read source . alias unalias set unset eval exit return shift test [ [[ printf
    pwd type hash ulimit umask wait jobs fg bg kill trap true false let local declare typeset readonly
    history complete shopt getopts disown caller : mapfile readarray pushd popd dirs help logout times
    enable suspend compgen bind fc""".split()  # noqa: SIM905 - a table reads better than 56 quoted words
)
# Commands that read their first word as bundled flags without a dash (``tar xzf``).
OLD_STYLE = frozenset({"tar", "ps", "ar"})


@dataclass
class SimpleCommand:
    """One simple command: what runs, as the shell would run it."""

    argv: list[str]  # the command and its words; wrappers and assignments taken off, quotes removed
    wrappers: list[list[str]] = field(default_factory=list)  # each with its own options, outermost first
    assignments: list[str] = field(default_factory=list)  # NAME=value before the command
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (operator, target)
    pipeline: int = 0  # which pipeline of the script it belongs to
    stage: int = 0  # its place in that pipeline (0: first)
    stages: int = 1  # how many commands that pipeline has
    nested: str = ""  # "$()" , "<()", "sh -c", "eval" when it runs inside another command
    parsed: bool = True  # False when the fallback lexer read it
    stdin_text: str | None = None  # what a here-document (<<EOF) or here-string (<<<) feeds it

    @property
    def name(self) -> str:
        return os.path.basename(self.argv[0]) if self.argv else ""

    @property
    def args(self) -> list[str]:
        return self.argv[1:]

    @property
    def is_builtin(self) -> bool:
        return self.name in BUILTINS

    @property
    def is_external(self) -> bool:
        """A program one could look up: not a builtin, a variable, a path to a script or a function."""
        head = self.argv[0] if self.argv else ""
        return bool(head) and not self.is_builtin and not head.startswith(("$", "`", "./", "{{", "("))

    def page_candidates(self) -> list[str]:
        """The man pages that may document this command, most specific first: ``git commit-graph
        write`` -> git-commit-graph, git; ``snap stop`` -> snap-stop, snap."""
        out = []
        if len(self.argv) > 1 and re.fullmatch(r"[a-z][a-z0-9-]*", self.argv[1]):
            out.append(f"{self.name}-{self.argv[1]}")
        return [*out, self.name]

    def words_for(self, page: str) -> list[str]:
        """argv as seen by ``page``: a subcommand's page starts at the subcommand."""
        return self.argv[1:] if page != self.name and page.startswith(self.name + "-") else self.argv

    def flags(self, known: Collection[str] = (), page: str | None = None) -> list[str]:
        """The flags given, in order without duplicates: ``--opt=x`` as ``--opt``; bundles
        (``-xzf``, and ``tar xzf``) split unless ``known`` defines them whole; tldr's
        ``{{[-o|--output]}}`` gives each alternative."""
        return flags_used(self.words_for(page or self.name), known)

    def operands(self) -> list[str]:
        out, ended = [], False
        for w in self.argv[1:]:
            if not ended and w == "--":
                ended = True
            elif ended or not w.startswith("-") or w == "-":
                out.append(w)
        return out


def pipelines(commands: list[SimpleCommand]) -> list[list[SimpleCommand]]:
    """The commands grouped by pipeline, each pipeline in stage order."""
    groups: dict[int, list[SimpleCommand]] = {}
    for cmd in commands:
        groups.setdefault(cmd.pipeline, []).append(cmd)
    return [sorted(g, key=lambda c: c.stage) for g in groups.values()]


def _exec_spans(argv: list[str]) -> list[tuple[int, int]]:
    """Where the commands given to ``find -exec``/``-execdir``/``-ok`` are in find's argv."""
    spans, i = [], 1
    while i < len(argv):
        if argv[i] in ("-exec", "-execdir", "-ok", "-okdir"):
            end = next((j for j in range(i + 1, len(argv)) if argv[j] in (";", "+", "\\;")), len(argv))
            spans.append((i + 1, end))
            i = end
        i += 1
    return spans


def flags_used(words: list[str], known: Collection[str] = (), *, split_unknown: bool = False) -> list[str]:
    """Flags in ``words`` (the command first), see :meth:`SimpleCommand.flags`. A bundle no
    ``known`` flags explain is kept whole, or split with ``split_unknown``."""
    known = set(known)
    out: list[str] = []
    name = os.path.basename(words[0]) if words else ""
    skip = {j for a, b in _exec_spans(words) for j in range(a, b + 1)} if name == "find" else set()
    for i, word in enumerate(words[1:], start=1):
        if word == "--":
            break
        if i in skip:
            continue
        m = OPTION_PLACEHOLDER.fullmatch(word)
        if m:
            for alt in m.group(1).split("|"):
                f = _FLAG.match(alt.strip())
                if f and f.group(1) not in out:
                    out.append(f.group(1))
            continue
        if i == 1 and name in OLD_STYLE and re.fullmatch(r"[A-Za-z]{1,8}", word):
            word = "-" + word  # tar xzf: bundled flags without the dash
        m = _FLAG.match(word)
        if not m:
            continue
        flag = m.group(1).rstrip(".")
        if flag[1].isdigit() and known and flag not in known:
            continue  # a negative number (find -mtime -7), not an option
        if flag.startswith("--") or flag in known or len(flag) == 2:
            parts = [flag]
        elif (known and all(f"-{c}" in known for c in flag[1:])) or (
            split_unknown and not known and flag[1:].isalpha()
        ):
            parts = [f"-{c}" for c in flag[1:]]
        elif f"-{flag[1]}" in known and not flag[2:].isalpha():
            parts = [f"-{flag[1]}"]  # -n5, -C/tmp: a short flag with its value attached
        else:
            parts = [flag]
        out.extend(p for p in parts if p not in out)
    return out


# -- placeholders -------------------------------------------------------------------------------


def placeholders(command: str) -> list[str]:
    """The ``{{placeholders}}`` of a command, in order."""
    return PLACEHOLDER.findall(command)


_ARITHMETIC = re.compile(r"\$\(\((?:[^()]|\([^()]*\))*\)\)")


def _mask(script: str) -> tuple[str, list[str]]:
    """Placeholders and arithmetic expansions as plain words, so nothing inside them splits."""
    found: list[str] = []

    def sub(m: re.Match[str]) -> str:
        found.append(m.group(0))
        return _MASK.format(len(found) - 1)

    return _ARITHMETIC.sub(sub, PLACEHOLDER.sub(sub, script)), found


def _unmask(word: str, found: list[str]) -> str:
    return _MASKED.sub(lambda m: found[int(m.group(1))] if int(m.group(1)) < len(found) else m.group(0), word)


# -- wrappers -----------------------------------------------------------------------------------


def unwrap(words: list[str]) -> tuple[list[str], list[list[str]], list[str]]:
    """(argv, wrappers, assignments) of one simple command's words."""
    words = list(words)
    wrappers: list[list[str]] = []
    assignments: list[str] = []
    while words:
        head = os.path.basename(words[0])
        if _ASSIGNMENT.match(words[0]):
            assignments.append(words.pop(0))
            continue
        if head not in WRAPPERS:
            break
        takes_value, operands = WRAPPERS[head]
        wrapper = [words.pop(0)]
        while words:
            w = words[0]
            if w == "--":
                wrapper.append(words.pop(0))
                break
            if head == "env" and _ASSIGNMENT.match(w):
                wrapper.append(words.pop(0))
                continue
            if head == "nice" and re.fullmatch(r"-\d+", w):
                wrapper.append(words.pop(0))
                continue
            if not w.startswith("-") or w == "-":
                break
            wrapper.append(words.pop(0))
            if w in takes_value and words:  # `-u root`; `-uroot` and `--user=root` carry their value
                wrapper.append(words.pop(0))
        for _ in range(operands):
            if words:
                wrapper.append(words.pop(0))
        wrappers.append(wrapper)
    return words, wrappers, assignments


# -- parsing ------------------------------------------------------------------------------------


def parse(script: str, *, depth: int = 0) -> list[SimpleCommand]:
    """Every simple command of ``script``, in order of appearance (see the module doc)."""
    if not script or not script.strip():
        return []
    from .bashread import read

    masked, found = _mask(script)
    commands = read(masked, found)
    if depth < 3:
        commands = list(_expand_scripts(commands, depth))
    return commands


def _expand_scripts(commands: list[SimpleCommand], depth: int) -> Iterator[SimpleCommand]:
    """Each command, followed by the commands of the script it runs (``sh -c '...'``, ``eval``)."""
    for cmd in commands:
        yield cmd
        script, via = None, ""
        if (cmd.name in SHELLS or cmd.name == "su") and "-c" in cmd.argv[1:]:
            i = cmd.argv.index("-c")
            script, via = (cmd.argv[i + 1] if i + 1 < len(cmd.argv) else None), f"{cmd.name} -c"
        elif cmd.name == "eval" and not all(a.startswith(("$(", "`")) for a in cmd.argv[1:]):
            script, via = " ".join(cmd.argv[1:]), "eval"  # `eval "$(x)"` runs what x prints: unknown
        elif cmd.name == "find":
            for start, end in _exec_spans(cmd.argv):
                argv, wrappers, assignments = unwrap(cmd.argv[start:end])
                if argv:
                    yield SimpleCommand(argv, wrappers, assignments, [], cmd.pipeline, cmd.stage,
                                        cmd.stages, "find -exec", cmd.parsed)  # fmt: skip
        if script:
            for inner in parse(script, depth=depth + 1):
                inner.nested = inner.nested or via
                # pipelines of their own, numbered apart from the outer script's
                inner.pipeline = (cmd.pipeline + 1) * 1000 + inner.pipeline
                inner.parsed = inner.parsed and cmd.parsed
                yield inner
