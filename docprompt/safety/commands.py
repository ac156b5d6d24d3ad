"""The rules for one simple command (its argv, wrappers off): files, disks, permissions,
processes, git, and the machine itself. Each takes the words and gives what it found."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from .paths import (
    Finding,
    Words,
    critical_path,
    is_disk,
    long_flags,
    operands,
    overwritten,
    removed,
    short_flags,
)

_MAYBE_WHOLE = {"*", "/*", "~/*"}


def rm(words: Words) -> list[Finding]:
    flags, longs = short_flags(words), long_flags(words)
    if "--no-preserve-root" in longs:
        return [("danger", "rm --no-preserve-root lets rm delete /")]
    targets = operands(words)
    if not (flags & {"r", "R"} or "--recursive" in longs):
        out = [f for t in targets for f in removed(t, "rm")]
        globs = [t for t in targets if t in _MAYBE_WHOLE]
        return out + ([("caution", f"rm {globs[0]} removes every file it matches")] if globs else [])
    out = []
    for target in targets or ["(whatever the pipe gives it)"]:
        why = critical_path(target)
        if why:
            out.append(("danger", f"rm -r on {why}"))
    if not out:
        force = "f" in flags or "--force" in longs
        out.append(("caution", "deletes recursively" + (" without asking" if force else "")))
    return out


def dd(words: Words) -> list[Finding]:
    for w in words[1:]:
        if w.startswith("of="):
            return overwritten(w[3:], "dd")
    return []


def find(words: Words) -> list[Finding]:
    runs = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-exec", "-execdir", "-ok", "-okdir")]
    if "-delete" not in words and not any(os.path.basename(r) in ("rm", "shred", "srm") for r in runs):
        return []
    for root in words[1:]:
        if root.startswith(("-", "(", "!")):
            break
        why = critical_path(root, depth=1, cwd=False)
        if why:
            return [("danger", f"find deletes what it matches under {why}")]
    return [("caution", "find deletes every file it matches")]


def chmod_chown(words: Words) -> list[Finding]:
    name = os.path.basename(words[0])
    recursive = "R" in short_flags(words) or "--recursive" in long_flags(words)
    ops = operands(words)
    out: list[Finding] = []
    for t in ops[1:]:
        why = critical_path(t, depth=1, cwd=False)
        if why and (recursive or t.rstrip("/") in ("", "~")):
            out.append(
                ("danger", f"{name}{' -R' if recursive else ''} on {why} breaks the system's permissions")
            )
    if (
        not out
        and name == "chmod"
        and recursive
        and ops
        and re.fullmatch(r"0?777|a\+rwx|ugo\+rwx|o\+w", ops[0])
    ):
        out.append(("caution", "chmod -R 777 makes every file world-writable"))
    return out


def git(words: Words) -> list[Finding]:
    sub = next((w for w in words[1:] if not w.startswith("-")), "")
    flags, longs, ops = short_flags(words), long_flags(words), operands(words)
    if sub == "push":
        if "--force" in longs or "f" in flags or any(w.startswith("+") for w in ops[1:]):
            return [("danger", "git push --force rewrites the remote's history: others' commits can be lost")]
        if longs & {"--force-with-lease", "--mirror", "--delete"} or any(w.startswith(":") for w in ops[1:]):
            return [("caution", "git push rewrites or deletes remote refs")]
    if sub == "reset" and "--hard" in longs:
        return [("caution", "git reset --hard throws away uncommitted changes")]
    if sub == "clean" and ("f" in flags or "--force" in longs):
        return [("caution", "git clean deletes untracked files for good")]
    if (sub == "checkout" and ("--" in words or "." in ops[1:])) or (
        sub == "restore" and not ({"--staged", "-S"} & set(words))
    ):
        return [("caution", f"git {sub} throws away uncommitted changes to the files named")]
    if sub in ("filter-branch", "filter-repo"):
        return [("caution", f"git {sub} rewrites every commit of the history it touches")]
    if (sub == "branch" and "D" in flags) or (sub == "stash" and {"clear", "drop"} & set(ops)):
        return [("caution", f"git {sub} deletes work that is not merged or committed anywhere")]
    return []


_LISTING = {"-l", "--list", "print", "-p", "--print", "-d", "--dump", "status", "list", "info"}
_ERASERS = {"blkdiscard", "lvremove", "vgremove", "pvremove", "zpool", "zfs", "cryptsetup", "diskutil"}


def _device(word: str) -> bool:
    """A device, or a tldr placeholder that stands for one (``{{path/to/partition}}``)."""
    return (
        is_disk(word)
        or word.startswith("/dev/")
        or (word.startswith("{{") and bool(re.search(r"dev|partition|drive|disk|sd[a-z]", word)))
    )


def partition(words: Words) -> list[Finding]:
    name = os.path.basename(words[0])
    if {"--help", "--version"} & set(words[1:]):
        return []
    if _LISTING & set(words[1:]) and not name.startswith(("mkfs", "mke2fs", "mkswap")):
        return []
    if name.startswith("mkfs") or name in ("mke2fs", "mkswap", "mkdosfs", "mkntfs"):
        ops = operands(words)
        if ops and not any(_device(o) for o in ops):
            return [("caution", f"{name} formats {ops[-1]}, erasing what is in it")]
        return [("danger", f"{name} formats a device, erasing everything on it")]
    if name == "wipefs":
        if ("a" in short_flags(words) or "--all" in long_flags(words)) and not (
            "n" in short_flags(words) or "--no-act" in long_flags(words)
        ):
            return [("danger", "wipefs erases the filesystem signatures of a device")]
        return []
    if name in _ERASERS:
        sub = next((w for w in words[1:] if not w.startswith("-")), "")
        if name in ("zpool", "zfs") and sub != "destroy":
            return []
        if name == "cryptsetup" and sub not in ("luksFormat", "erase", "luksErase"):
            return []
        if name == "diskutil" and not re.match(r"(erase|zero|secureErase|partitionDisk)", sub):
            return []
        label = f"{name} {sub}" if name in ("zpool", "zfs", "cryptsetup", "diskutil") else name
        return [("danger", f"{label} erases a disk or volume for good")]
    return [("danger", f"{name} repartitions a disk")]


def kill(words: Words) -> list[Finding]:
    ops = operands(words)
    if "-1" in ops or (len(words) > 2 and words[-1] == "-1"):
        return [("danger", "kill -1 signals every process you can reach")]
    if "1" in ops:
        return [("danger", "kill 1 signals init (PID 1): the whole system goes down")]
    return []


def killall(words: Words) -> list[Finding]:
    if {"-l", "--list", "--help", "-V", "--version"} & set(words[1:]):
        return []
    return [("caution", f"{os.path.basename(words[0])} signals every process that matches, not one")]


def mv(words: Words) -> list[Finding]:
    ops = operands(words)
    if len(ops) > 1 and ops[-1] == "/dev/null":
        return [("danger", "mv onto /dev/null destroys the file (and, as root, the device)")]
    for src in ops[:-1]:
        why = critical_path(src, cwd=False, variables=False)
        if why:
            return [("danger", f"mv moves {why} away")]
        found = removed(src, "mv")
        if found and found[0][0] == "danger":
            return found
    return []


def ln(words: Words) -> list[Finding]:
    ops = operands(words)
    force = "f" in short_flags(words) or "--force" in long_flags(words)
    return overwritten(ops[-1], "ln -f") if force and len(ops) > 1 else []


def userdel(words: Words) -> list[Finding]:
    if "r" in short_flags(words) or "--remove" in long_flags(words):
        return [("caution", "userdel -r deletes the user's home directory and mail")]
    return []


def tee(words: Words) -> list[Finding]:
    if "a" in short_flags(words) or "--append" in long_flags(words):
        return [f for t in operands(words) if is_disk(t) for f in overwritten(t, "tee")]
    return [f for t in operands(words) for f in overwritten(t, "tee")]


def cp(words: Words) -> list[Finding]:
    ops = operands(words)
    if len(ops) < 2:
        return []
    if is_disk(ops[-1]):
        return overwritten(ops[-1], "cp")
    if any(src in ("/dev/null", "/dev/zero") for src in ops[:-1]):
        return overwritten(ops[-1], f"cp {ops[0]}")
    return []


def truncate(words: Words) -> list[Finding]:
    sizes = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-s", "--size")]
    sizes += [
        w[2:] if w.startswith("-s") else w.split("=", 1)[1] for w in words if re.match(r"-s\d|--size=", w)
    ]
    if not any(re.fullmatch(r"0+[KMGTkmgt]?B?|<\S*", s) for s in sizes):
        return []
    ops = [o for o in operands(words) if o not in sizes]
    return [f for t in ops for f in overwritten(t, "truncate -s 0")]


def shred(words: Words) -> list[Finding]:
    if {"--help", "--version"} & set(words[1:]):
        return []
    name = os.path.basename(words[0])
    return [("danger", f"{name} overwrites files so they can never be recovered")]


def crontab(words: Words) -> list[Finding]:
    if "r" in short_flags(words):
        return [("danger", "crontab -r deletes all your cron jobs without asking")]
    return []


def rsync(words: Words) -> list[Finding]:
    longs = long_flags(words)
    if not any(w.startswith("--delete") for w in longs) or "--dry-run" in longs or "n" in short_flags(words):
        return []
    ops = operands(words)
    why = critical_path(ops[-1], depth=1, cwd=False) if len(ops) > 1 else None
    if why:
        return [("danger", f"rsync --delete removes everything in {why} that the source lacks")]
    return [("caution", "rsync --delete removes what the source lacks from the destination")]


def power(words: Words) -> list[Finding]:
    name, args = os.path.basename(words[0]), set(words[1:])
    if name in ("init", "telinit") and not args & {"0", "6"}:
        return []
    if name == "systemctl" and not args & {"reboot", "poweroff", "halt", "kexec"}:
        return []
    if name == "shutdown" and args & {"-c", "--help"}:
        return []
    return [("caution", f"{name} stops or restarts the machine")]


RULES: dict[str, Callable[[Words], list[Finding]]] = {
    "rm": rm, "dd": dd, "find": find, "chmod": chmod_chown, "chown": chmod_chown, "chgrp": chmod_chown,
    "git": git, "kill": kill, "killall": killall, "pkill": killall, "mv": mv, "tee": tee, "cp": cp,
    "truncate": truncate, "shred": shred, "srm": shred, "wipe": shred, "crontab": crontab,
    "rsync": rsync, "shutdown": power, "reboot": power, "halt": power, "poweroff": power,
    "init": power, "telinit": power, "systemctl": power, "ln": ln, "userdel": userdel, "deluser": userdel,
    **dict.fromkeys(
        ["wipefs", "mke2fs", "mkswap", "mkdosfs", "mkntfs", "fdisk", "sfdisk", "parted", "gdisk", "sgdisk",
         "cfdisk", *_ERASERS], partition,
    ),
}  # fmt: skip


def rule_for(name: str) -> Callable[[Words], list[Finding]] | None:
    return RULES.get(name) or (partition if name.startswith("mkfs") else None)
