"""How risky a shell command is to run: ``assess(command) -> Risk(level, reasons)``.

``danger`` is for what cannot be undone or reaches beyond what was asked: removing ``/``, ``~``,
``*`` or a path made of a variable recursively, writing to a disk device, formatting or
repartitioning, fork bombs, running a script fetched from the network, opening ``/`` to everyone,
truncating system or startup files, shredding, force-pushing. ``caution`` is for what loses
local work but is often meant (``rm -r build``, ``git reset --hard``, ``find . -delete``).

The check reads the command the way the shell splits it (quotes, pipelines, lists, redirections,
``sudo``/``env``/``xargs`` wrappers, and the script given to ``sh -c`` or ``eval``), so quoted
text (``grep 'rm -rf /' notes``) is not mistaken for a command. It is a seat belt for reviewing
generated commands, not a sandbox: an obfuscated command can get past it.

>>> assess("rm -rf ~").level
'danger'
>>> assess("rm notes.txt").level
'safe'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from .shell import SHELLS

Level = Literal["safe", "caution", "danger"]
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


_INTERPRETERS = set(SHELLS) | {"python", "python2", "python3", "perl", "ruby", "node", "php", "source", "."}
_FETCHERS = {"curl", "wget", "fetch", "aria2c", "http", "https", "xh"}
_SYSTEM_DIRS = {
    "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "mnt", "opt", "proc",
    "root", "run", "sbin", "snap", "srv", "sys", "usr", "var", "media", "System", "Library",
    "Applications", "Users", "private",
}  # fmt: skip
_DISK = re.compile(
    r"^/dev/(sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(n\d+)?(p\d+)?|mmcblk\d+(p\d+)?"
    r"|disk\d+(s\d+)?|rdisk\d+|md\d+|dm-\d+|mapper/.+|loop\d+|sr\d+|mem|kmem|port|nbd\d+)$"
)
_STARTUP = re.compile(
    r"^(~|\$HOME|\$\{HOME\})/(\.bashrc|\.bash_profile|\.profile|\.zshrc|\.zprofile|\.zshenv|\.bash_login"
    r"|\.ssh(/.*)?|\.gnupg(/.*)?|\.gitconfig|\.config/fish/config\.fish)$"
)
_FORK_BOMB = re.compile(r"([\w:.]+)\s*\(\)\s*\{[^}]*?\1\s*\|\s*\1\s*&")
_FETCH_SUBST = re.compile(r"(\$\(|`|<\()\s*(sudo\s+)?(curl|wget|fetch|aria2c)\b")
_RUNS_TEXT = re.compile(r"(^|[\s;&|(])(eval|source|\.|(ba|z|da|k)?sh)(\s|$)")
_QUOTED = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"")

Words = list[str]


@dataclass
class _Segment:
    words: Words  # the command's argv, wrappers taken off (see docprompt.shell)
    redirects: list[tuple[str, str]]  # (operator, target)


def _pipelines(command: str) -> list[list[_Segment]]:
    """The command as pipelines of simple commands, read by the shell model; the scripts given
    to ``sh -c`` and ``eval`` and the commands of ``$(...)`` are pipelines of their own."""
    from .shell import parse, pipelines

    return [[_Segment(c.argv, c.redirects) for c in group] for group in pipelines(parse(command))]


def _short_flags(words: Words) -> set[str]:
    """Single-letter flags, bundles split (``-rf`` -> r, f), up to ``--``."""
    out: set[str] = set()
    for w in words[1:]:
        if w == "--":
            break
        if w.startswith("-") and not w.startswith("--") and len(w) > 1:
            out.update(w[1:])
    return out


def _long_flags(words: Words) -> set[str]:
    out: set[str] = set()
    for w in words[1:]:
        if w == "--":
            break
        if w.startswith("--"):
            out.add(w.split("=", 1)[0])
    return out


def _operands(words: Words) -> Words:
    out: Words = []
    ended = False
    for w in words[1:]:
        if not ended and w == "--":
            ended = True
        elif ended or not w.startswith("-") or w == "-":
            out.append(w)
    return out


def _critical_path(path: str, depth: int = 2) -> str | None:
    """Why removing or rewriting ``path`` recursively would be a disaster, or None. System
    directories count down to ``depth`` levels (``/usr/lib`` is 2)."""
    p = path.rstrip("/") or "/"
    if p in ("/", "/*", "/.", "/.*"):
        return "the whole filesystem"
    if p in ("~", "~/*", "~/.", "$HOME", "${HOME}", "$HOME/*", "${HOME}/*", "~/.*"):
        return "your home directory"
    if p in ("*", ".*", "./*", ".", "./", "..", "../*", "./.*"):
        return f"everything in the current directory ({path})"
    if "$" in p or "`" in p:
        return f"a path built from a variable ({path}): if it comes out empty, this reaches /"
    if p.startswith("/"):
        parts = [x for x in p.split("/") if x]
        if parts and parts[0] in _SYSTEM_DIRS and len(parts) <= depth:
            return f"the system directory {p}"
    return None


# -- the rules, one per command ------------------------------------------------------------------


def _rm(words: Words) -> list[tuple[Level, str]]:
    flags, longs = _short_flags(words), _long_flags(words)
    recursive = bool(flags & {"r", "R"}) or "--recursive" in longs
    if "--no-preserve-root" in longs:
        return [("danger", "rm --no-preserve-root lets rm delete /")]
    if not recursive:
        globs = [t for t in _operands(words) if t in ("*", "/*", "~/*")]
        return [("caution", f"rm {globs[0]} removes every file it matches")] if globs else []
    out: list[tuple[Level, str]] = []
    for target in _operands(words) or ["(whatever the pipe gives it)"]:
        why = _critical_path(target)
        if why:
            out.append(("danger", f"rm -r on {why}"))
    if not out:
        force = "f" in flags or "--force" in longs
        out.append(("caution", "deletes recursively" + (" without asking" if force else "")))
    return out


def _dd(words: Words) -> list[tuple[Level, str]]:
    for w in words[1:]:
        if w.startswith("of=") and w[3:].startswith("/dev/") and w[3:] not in ("/dev/null", "/dev/stdout"):
            return [("danger", f"dd writes raw data to the device {w[3:]}, overwriting what is on it")]
    return []


def _find(words: Words) -> list[tuple[Level, str]]:
    runs = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-exec", "-execdir", "-ok", "-okdir")]
    deletes = "-delete" in words or any(os.path.basename(r) in ("rm", "shred") for r in runs)
    if not deletes:
        return []
    roots = []
    for w in words[1:]:
        if w.startswith(("-", "(", "!")):
            break
        roots.append(w)
    for root in roots:
        why = _critical_path(root, depth=1) if root not in (".", "./") else None
        if why:
            return [("danger", f"find deletes what it matches under {why}")]
    return [("caution", "find deletes every file it matches")]


def _chmod_chown(words: Words) -> list[tuple[Level, str]]:
    name = os.path.basename(words[0])
    recursive = "R" in _short_flags(words) or "--recursive" in _long_flags(words)
    ops = _operands(words)
    targets = ops[1:] if ops else []
    out: list[tuple[Level, str]] = []
    for t in targets:
        why = _critical_path(t)
        if why and (recursive or t.rstrip("/") in ("", "/", "~")):
            flag = " -R" if recursive else ""
            out.append(("danger", f"{name}{flag} on {why} breaks the system's permissions"))
    if not out and name == "chmod" and recursive and ops and re.fullmatch(r"0?777|a\+rwx|ugo\+rwx", ops[0]):
        out.append(("caution", "chmod -R 777 makes every file world-writable"))
    return out


def _git(words: Words) -> list[tuple[Level, str]]:
    sub = next((w for w in words[1:] if not w.startswith("-")), "")
    flags, longs = _short_flags(words), _long_flags(words)
    if sub == "push":
        if "--force" in longs or "f" in flags or any(w.startswith("+") for w in _operands(words)[1:]):
            return [("danger", "git push --force rewrites the remote's history: others' commits can be lost")]
        if "--force-with-lease" in longs or "--mirror" in longs or "--delete" in longs:
            return [("caution", "git push rewrites or deletes remote refs")]
    if sub == "reset" and "--hard" in longs:
        return [("caution", "git reset --hard throws away uncommitted changes")]
    if sub == "clean" and ("f" in flags or "--force" in longs):
        return [("caution", "git clean deletes untracked files for good")]
    return []


def _partition(words: Words) -> list[tuple[Level, str]]:
    name = os.path.basename(words[0])
    listing = {"-l", "--list", "print", "-p", "--print"} & set(words[1:])
    if name in ("fdisk", "sfdisk", "parted", "gdisk", "sgdisk", "cfdisk") and listing:
        return []
    if name.startswith("mkfs") or name in ("mke2fs", "mkswap", "mkdosfs", "mkntfs"):
        return [("danger", f"{name} formats a device, erasing everything on it")]
    if name == "wipefs":
        if "a" in _short_flags(words) or "--all" in _long_flags(words):
            return [("danger", "wipefs erases the filesystem signatures of a device")]
        return []
    return [("danger", f"{name} repartitions a disk")]


def _kill(words: Words) -> list[tuple[Level, str]]:
    if "-1" in _operands(words) or (len(words) > 2 and words[-1] == "-1"):
        return [("danger", "kill -1 signals every process you can reach")]
    return []


def _mv(words: Words) -> list[tuple[Level, str]]:
    ops = _operands(words)
    if ops and ops[-1] == "/dev/null":
        return [("danger", "mv onto /dev/null destroys the file (and, as root, the device)")]
    for src in ops[:-1]:
        why = _critical_path(src)
        if why:
            return [("danger", f"mv moves {why} away")]
    return []


def _writes_to(words: Words) -> list[tuple[Level, str]]:
    """tee/cp onto a disk device, or tee (not appending) onto a system or startup file."""
    name = os.path.basename(words[0])
    appends = "a" in _short_flags(words) or "--append" in _long_flags(words)
    for t in _operands(words)[1 if name == "cp" else 0 :]:
        if _DISK.match(t):
            return [("danger", f"{name} writes over the device {t}")]
        if name == "tee" and not appends and _system_file(t):
            return [("danger", f"tee empties and overwrites {t}")]
    return []


def _system_file(path: str) -> bool:
    return bool(_STARTUP.match(path) or re.match(r"^/(etc|boot|usr|bin|sbin|lib\w*)/", path))


_RULES = {
    "rm": _rm,
    "dd": _dd,
    "find": _find,
    "chmod": _chmod_chown,
    "chown": _chmod_chown,
    "chgrp": _chmod_chown,
    "git": _git,
    "wipefs": _partition,
    "mke2fs": _partition,
    "mkswap": _partition,
    "mkdosfs": _partition,
    "mkntfs": _partition,
    "fdisk": _partition,
    "sfdisk": _partition,
    "parted": _partition,
    "gdisk": _partition,
    "sgdisk": _partition,
    "cfdisk": _partition,
    "kill": _kill,
    "mv": _mv,
    "tee": _writes_to,
    "cp": _writes_to,
}


def _segment_risks(seg: _Segment) -> list[tuple[Level, str]]:
    out: list[tuple[Level, str]] = []
    for op, target in seg.redirects:
        if ">" not in op:
            continue
        if _DISK.match(target):
            out.append(("danger", f"the redirection writes over the device {target}"))
        elif target == "/proc/sysrq-trigger":
            out.append(("danger", "writing to /proc/sysrq-trigger can crash or reboot the machine"))
        elif op in (">", ">|") and _system_file(target):
            out.append(("danger", f"the redirection empties and overwrites {target}"))
    if not seg.words:
        return out
    name = os.path.basename(seg.words[0])
    rule = _RULES.get(name) or (_partition if name.startswith("mkfs") else None)
    if rule:
        out.extend(rule(seg.words))
    if name == "shred":
        out.append(("danger", "shred overwrites files so they can never be recovered"))
    if name == "crontab" and "r" in _short_flags(seg.words):
        out.append(("danger", "crontab -r deletes all your cron jobs without asking"))
    if name in ("shutdown", "reboot", "halt", "poweroff") or (
        name == "systemctl" and set(seg.words[1:]) & {"reboot", "poweroff", "halt"}
    ):
        out.append(("caution", f"{name} stops or restarts the machine"))
    return out


def _reads_stdin_as_code(words: Words) -> bool:
    name = os.path.basename(words[0])
    base = re.sub(r"[\d.]+$", "", name)
    if base not in _INTERPRETERS and name not in _INTERPRETERS:
        return False
    args = words[1:]
    if name in ("source", "."):
        return not args or args[0] in ("/dev/stdin", "-")
    if "-" in args or "-s" in args or "/dev/stdin" in args:
        return True
    if any(a in ("-c", "-m", "-e", "-E", "-r") for a in args):  # code given inline or a module
        return False
    return not [a for a in args if not a.startswith("-")]


def _assess(command: str) -> list[tuple[Level, str]]:
    out: list[tuple[Level, str]] = []
    unquoted = _QUOTED.sub("''", command)
    if _FORK_BOMB.search(unquoted):
        out.append(("danger", "a fork bomb: it multiplies processes until the machine hangs"))
    subst = _FETCH_SUBST.search(command)
    if subst and _RUNS_TEXT.search(_QUOTED.sub(lambda m: m.group(0)[:1] + m.group(0)[-1:], command)):
        out.append(("danger", "runs a script downloaded from the network without showing it to you"))
    for pipeline in _pipelines(command):
        fetched = False
        for seg in pipeline:
            out.extend(_segment_risks(seg))
            if not seg.words:
                continue
            name = os.path.basename(seg.words[0])
            if fetched and _reads_stdin_as_code(seg.words):
                out.append(("danger", f"pipes a download into {name}: it runs code you have not seen"))
            fetched = fetched or name in _FETCHERS
    return out


def assess(command: str) -> Risk:
    """The risk of running ``command`` in Bash, with one reason per thing found (no duplicates)."""
    found = _assess(command or "")
    if not found:
        return Risk("safe")
    level = max((lvl for lvl, _ in found), key=_ORDER.__getitem__)
    reasons = tuple(dict.fromkeys(why for lvl, why in found if lvl == level))
    return Risk(level, reasons)


__all__ = ["Risk", "assess"]
