"""How risky a shell command is to run: ``assess(command) -> Risk(level, reasons)``.

``danger`` is for what cannot be undone or reaches beyond what was asked: removing ``/``, ``~``,
``*`` or a path made of a variable recursively, writing to a disk device, formatting or
repartitioning, fork bombs, running a script fetched from the network or decoded at run time,
opening ``/`` to everyone, emptying or removing the files the system boots and logs in with,
shredding, force-pushing, dropping a database. ``caution`` is for what loses local work but is
often meant (``rm -r build``, ``git reset --hard``, ``find . -delete``, ``docker system prune``,
a firewall flushed, a reboot).

The check reads the command the way the shell splits it (docprompt.shell: quotes, pipelines,
lists, redirections, ``sudo``/``env``/``xargs`` wrappers, the scripts given to ``sh -c``, ``su -c``
and ``eval``), so quoted text (``grep 'rm -rf /' notes``) is not mistaken for a command. What a
command runs is judged too: the literal text piped or here-documented into a shell, an
interpreter or a database client (``echo 'rm -rf /' | sh``, ``cat <<EOF | bash``), the output of
``$(...)`` given to ``eval``, ``sh -c`` or ``source <(...)``, the command ``ssh host`` runs, and
interpreter one-liners (docprompt.safety.code). Text that is downloaded or decoded at run time
(``curl ... | sh``, ``base64 -d | sh``) cannot be judged and is a danger for that reason.

It is a seat belt for reviewing generated commands, not a sandbox: an obfuscated command (a
variable holding the command name, a script file, a string built piece by piece) gets past it.

>>> assess("rm -rf ~").level
'danger'
>>> assess("rm notes.txt").level
'safe'
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from typing import Any

from ..shell import SHELLS, SimpleCommand, parse, pipelines
from . import code as _code
from . import commands as _commands
from . import ops as _ops
from .paths import Finding, Level, Words, is_disk, is_startup, operands, overwritten, short_flags

_ORDER = {"safe": 0, "caution": 1, "danger": 2}


@dataclass(frozen=True)
class Risk:
    level: Level
    reasons: tuple[str, ...] = ()

    @property
    def dangerous(self) -> bool:
        """True when running it should need the command typed back."""
        return self.level == "danger"

    def __bool__(self) -> bool:  # "if assess(cmd):" reads as "is there anything to say"
        return self.level != "safe"

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons)}


_FETCHERS = {"curl", "wget", "fetch", "aria2c", "http", "https", "xh", "lwp-request", "GET"}
_ALWAYS_DECODES = {"gunzip", "zcat", "bunzip2", "bzcat", "unxz", "xzcat", "unzstd", "zstdcat", "uudecode",
                   "rev", "tr", "unlzma", "lzcat"}  # fmt: skip
_DECODE_FLAG = {"base64": "d", "base32": "d", "basenc": "d", "gzip": "d", "bzip2": "d", "xz": "d",
                "zstd": "d", "xxd": "r", "openssl": "d", "gpg": "d"}  # fmt: skip
_SUBSETS = {"tee", "grep", "egrep", "fgrep", "head", "tail", "sort", "uniq"}  # some of the lines, unchanged
_FILTERS = {"sed", "awk", "cut", "dos2unix", "col", "fold", "paste", "column"}  # the text, changed
_FORK_BOMB = re.compile(r"(?<![\w:.])([\w:.]+)\s*\(\)\s*\{[^}]*?\1\s*\|\s*\1\s*&")
_QUOTED = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"")
_SSH_VALUE = set("BbcDEeFIiJLlmOoPpQRSWw")
_PRINTF_SPEC = re.compile(r"%%|%[-+ #0]*\d*(?:\.\d+)?[sbdiqcuxXofeEgG]")
_DEPTH = 3


@dataclass
class _Source:
    """What a command's stdin (or a substitution) holds, as far as it can be known."""

    kind: str  # "text" | "fetched" | "decoded" | "unknown"
    text: str = ""
    how: str = ""  # the fetcher or decoder


def _decoder(words: Words) -> str | None:
    name = os.path.basename(words[0])
    if name in _ALWAYS_DECODES:
        return name
    flag = _DECODE_FLAG.get(name)
    if flag and (flag in short_flags(words) or {"--decode", "--decrypt", "--revert"} & set(words)):
        return f"{name} -{flag}"
    return None


def _unescape(text: str) -> str:
    """printf's and echo -e's backslash escapes: \\n, \\t, \\xHH, \\NNN."""

    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0].isdigit():
            return chr(int(e, 8) & 0xFF)
        return {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", "a": "", "e": "\x1b"}.get(e, "\\" + e)

    return re.sub(r"\\(x[0-9a-fA-F]{1,2}|0?[0-7]{1,3}|.)", one, text)


def _printf(fmt: str, args: Words) -> str:
    """What ``printf FMT ARGS...`` prints (the format is used again while arguments are left)."""
    fmt, out = _unescape(fmt), []
    while True:
        pieces, used, pos = [], 0, 0
        for m in _PRINTF_SPEC.finditer(fmt):
            pieces.append(fmt[pos : m.start()])
            pos = m.end()
            if m.group(0) == "%%":
                pieces.append("%")
                continue
            value = args[used] if used < len(args) else ""
            used += 1
            pieces.append(_unescape(value) if m.group(0).endswith("b") else value)
        out.append("".join(pieces) + fmt[pos:])
        args = args[used:]
        if not args or not used:
            return "".join(out)


def _printed(cmd: SimpleCommand) -> str | None:
    """The literal text ``cmd`` writes: echo's and printf's words, or the here-document fed to
    cat; None when it is not known from the command line."""
    args = cmd.argv[1:]
    if cmd.name == "echo":
        opts = []
        while args and re.fullmatch(r"-[neE]+", args[0]):
            opts.append(args.pop(0))
        text = " ".join(args) + ("" if any("n" in o for o in opts) else "\n")
        return _unescape(text) if any("e" in o for o in opts) else text
    if cmd.name == "printf" and args and args[0] != "-v":
        return _printf(args[1] if args[0] == "--" and len(args) > 1 else args[0], args[1:])
    if cmd.name == "cat" and cmd.stdin_text is not None and not [o for o in operands(cmd.argv) if o != "-"]:
        return cmd.stdin_text
    return None


def _output(stages: list[SimpleCommand]) -> _Source:
    """What the last of ``stages`` (a pipeline's first commands) writes."""
    decoded, exact = "", True
    for cmd in reversed(stages):
        if not cmd.argv:
            return _Source("unknown")
        if cmd.name in _FETCHERS:
            return _Source("fetched", how=cmd.name)
        how = _decoder(cmd.argv)
        if how:
            decoded = decoded or how
            if cmd.stdin_text is not None:
                return _Source("decoded", cmd.stdin_text, decoded)
            continue
        text = _printed(cmd)
        if text is not None:
            return (
                _Source("decoded", text, decoded)
                if decoded
                else _Source("text" if exact else "unknown", text)
            )
        if cmd.name in _SUBSETS or (cmd.name == "cat" and not operands(cmd.argv)):
            continue  # judging all of the text errs on the safe side
        if cmd.name in _FILTERS:
            exact = False
            continue
        break
    return _Source("decoded", how=decoded) if decoded else _Source("unknown")


def _stdin_language(cmd: SimpleCommand) -> str | None:
    """What ``cmd`` runs the text on its stdin as: sh, python, perl, ruby, node, php, sql, or None."""
    name, args = cmd.name, cmd.argv[1:]
    if name in SHELLS or name == "su":
        if "-c" in args:  # xargs sh -c: the script is what comes on xargs's stdin
            return "sh" if args[-1] == "-c" and any(w[0] == "xargs" for w in cmd.wrappers) else None
        if name == "su":
            return "sh"
        if "-" in args or "-s" in args or "/dev/stdin" in args:
            return "sh"
        return None if [a for a in args if not a.startswith("-")] else "sh"
    if name in ("source", "."):
        return "sh" if not args or args[0] in ("/dev/stdin", "-") else None
    if name == "crontab":
        return "cron" if operands(cmd.argv) == ["-"] else None
    if name in ("at", "batch"):
        return None if {"-f", "-l", "-r", "-d", "-c", "-V"} & set(args) else "sh"
    if name == "ssh":
        return "sh" if _ssh(cmd.argv)[1] is None else None
    if _ops.reads_statements_from_stdin(cmd.argv):
        return "sql"
    return _code.reads_code_from_stdin(cmd.argv)


def _ssh(words: Words) -> tuple[str, str | None]:
    """(host, the command it runs there or None) of an ssh command line."""
    i = 1
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        w, i = words[i], i + 1
        if w == "--":
            break
        for j, c in enumerate(w[1:], start=1):
            if c in _SSH_VALUE:
                i += 1 if j == len(w) - 1 else 0
                break
    host = words[i] if i < len(words) else ""
    rest = words[i + 1 :]
    return host, (" ".join(rest) if rest else None)


def _judge(text: str, lang: str, by: str, depth: int) -> list[Finding]:
    """What running ``text`` as ``lang`` does."""
    if depth >= _DEPTH:
        return []
    if lang == "sh":
        return _findings(text, depth + 1)
    if lang == "sql":
        return _ops.sql(text, by)
    if lang == "cron":  # each job's command, its schedule taken off
        jobs = [re.sub(r"^(@\w+|(\S+\s+){5})", "", ln.strip()) for ln in text.splitlines()]
        return _findings(
            "\n".join(j for j in jobs if j and not j.startswith("#") and "=" not in j.split()[0]), depth + 1
        )
    return _code.assess_code(text, lang, lambda t: _findings(t, depth + 1))


def _runs(source: _Source, lang: str, runner: str, depth: int, *, piped: bool) -> list[Finding]:
    if source.kind == "fetched":
        if piped:
            return [("danger", f"pipes a download into {runner}: it runs code you have not seen")]
        return [("danger", "runs a script downloaded from the network without showing it to you")]
    if source.kind == "decoded":
        out: list[Finding] = [
            ("danger", f"{runner} runs text decoded at run time ({source.how}): what runs cannot be checked")
        ]
        if source.how.startswith("base64") and source.text.strip():
            try:
                plain = base64.b64decode(source.text.strip(), validate=False).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                plain = ""
            out += [(lvl, f"{why} (decoded from base64)") for lvl, why in _judge(plain, lang, runner, depth)]
        return out
    return _judge(source.text, lang, runner, depth) if source.kind == "text" else []


def _substitutions(word: str) -> list[tuple[int, int, str]]:
    """(start, end, script) of each ``$(...)``, ```...``` and ``<(...)`` in ``word``."""
    out, i = [], 0
    while i < len(word):
        if word.startswith(("$(", "<(", ">("), i) and not word.startswith("$((", i):
            depth, j = 1, i + 2
            while j < len(word) and depth:
                depth += {"(": 1, ")": -1}.get(word[j], 0)
                j += 1
            out.append((i, j, word[i + 2 : j - 1]))
            i = j
        elif word[i] == "`" and "`" in word[i + 1 :]:
            j = word.index("`", i + 1)
            out.append((i, j + 1, word[i + 1 : j]))
            i = j + 1
        else:
            i += 1
    return out


def _resolved(word: str) -> _Source:
    """``word`` with each substitution replaced by what it prints, when that is known."""
    parts, last, how = [], 0, ""
    for start, end, script in _substitutions(word):
        outputs = [_output(p) for p in pipelines([c for c in parse(script) if not c.nested])]
        for kind in ("fetched", "decoded"):
            hit = next((o for o in outputs if o.kind == kind), None)
            if hit:
                return hit
        if not outputs or any(o.kind != "text" for o in outputs):
            how = "unknown"
        parts += [word[last:start], "".join(o.text for o in outputs).rstrip("\n")]
        last = end
    return _Source("unknown") if how else _Source("text", "".join(parts) + word[last:])


def _substituted(cmd: SimpleCommand, depth: int) -> list[Finding]:
    """Words whose substitutions' output ``cmd`` runs: ``eval "$(...)"``, ``sh -c "$(...)"``,
    ``bash <(...)``, ``source <(...)``, ``python -c "$(...)"``, or ``$(...)`` as the command."""
    argv, name = cmd.argv, cmd.name
    lang = _code.language(name)
    runs: list[tuple[str, str]] = []  # (word, language)
    if _substitutions(argv[0]):
        runs.append((" ".join(argv), "sh"))
    elif name == "eval":
        runs.append((" ".join(argv[1:]), "sh"))
    elif name in SHELLS or name in ("source", ".", "su") or lang:
        code_flags = ("-c",) if name in SHELLS or name == "su" else ("-c", "-e", "-E", "-r", "--eval")
        for i, w in enumerate(argv[1:], start=1):
            if (argv[i - 1] in code_flags or w.startswith("<(")) and _substitutions(w):
                runs.append((w, lang or "sh"))
    return [f for word, language in runs for f in _runs(_resolved(word), language, name, depth, piped=False)]


def _stdin(cmd: SimpleCommand, before: list[SimpleCommand]) -> tuple[_Source, bool]:
    """What comes on ``cmd``'s stdin, and whether it comes through a pipe."""
    if cmd.stdin_text is not None:
        return _Source("text", cmd.stdin_text), False
    return _output(before), True


def _startup_text(cmd: SimpleCommand, before: list[SimpleCommand], depth: int) -> list[Finding]:
    """A command written into ~/.bashrc and the like runs at every login: judge it now."""
    targets = [t for op, t in cmd.redirects if op in (">>", ">") and is_startup(t)]
    if cmd.name == "tee":
        targets += [t for t in operands(cmd.argv) if is_startup(t)]
    if not targets:
        return []
    text = _printed(cmd) if cmd.name != "tee" else _stdin(cmd, before)[0].text
    found = _judge(text or "", "sh", cmd.name, depth)
    return [
        (lvl, f"writes a command into {targets[0]} that runs at every login: {why}") for lvl, why in found
    ]


def _command(cmd: SimpleCommand, before: list[SimpleCommand], depth: int) -> list[Finding]:
    out: list[Finding] = []
    for op, target in cmd.redirects:
        if op in (">", ">|", "&>", ">&") or (op in (">>", "&>>") and is_disk(target)):
            out += overwritten(target, "the redirection")
    if not cmd.argv:
        if cmd.wrappers and {"-s", "-i"} & set(cmd.wrappers[-1]):  # sudo -s <<< '...': a root shell
            source, piped = _stdin(cmd, before)
            out += _runs(source, "sh", cmd.wrappers[-1][0], depth, piped=piped)
        return out
    name = cmd.name
    rules = [r for r in (_commands.rule_for(name), _ops.RULES.get(name)) if r] or [_ops.destroy_verb]
    for rule in rules:
        out += rule(cmd.argv)
    lang = _stdin_language(cmd)
    if lang:
        source, piped = _stdin(cmd, before)
        found = _runs(source, lang, name, depth, piped=piped)
        out += [(lvl, f"on {_ssh(cmd.argv)[0]}: {why}") for lvl, why in found] if name == "ssh" else found
    inline = _code.inline_code(cmd.argv)
    if inline and depth < _DEPTH:
        out += _code.assess_code(inline[1], inline[0], lambda t: _findings(t, depth + 1))
    if name == "ssh" and _ssh(cmd.argv)[1]:
        host, remote = _ssh(cmd.argv)
        out += [(lvl, f"on {host}: {why}") for lvl, why in _judge(remote or "", "sh", "ssh", depth)]
    out += _substituted(cmd, depth)
    out += _startup_text(cmd, before, depth)
    return out


def _findings(script: str, depth: int = 0) -> list[Finding]:
    out: list[Finding] = []
    if _FORK_BOMB.search(_QUOTED.sub("''", script)):
        out.append(("danger", "a fork bomb: it multiplies processes until the machine hangs"))
    for pipeline in pipelines(parse(script)):
        for i, cmd in enumerate(pipeline):
            out += _command(cmd, pipeline[:i], depth)
    return out


def assess(command: str, language: str = "bash") -> Risk:
    """The risk of running ``command`` in Bash (or, with ``language``, the Python, Perl, Ruby,
    JavaScript or PHP code ``command`` is), one reason per thing found (no duplicates)."""
    lang = {"bash": "sh", "sh": "sh", "shell": "sh", "javascript": "node", "js": "node"}.get(
        language, language
    )
    code = command or ""
    found = _findings(code) if lang == "sh" else _code.assess_code(code, lang, _findings)
    if not found:
        return Risk("safe")
    level = max((lvl for lvl, _ in found), key=_ORDER.__getitem__)
    reasons = tuple(dict.fromkeys(why for lvl, why in found if lvl == level))
    return Risk(level, reasons)


__all__ = ["Risk", "assess"]
