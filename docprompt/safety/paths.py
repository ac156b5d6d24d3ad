"""What a path is to the safety check (the whole filesystem, a home, the current directory, a
system directory, a file the system needs, a startup file, a disk), and the readers of a
command's words that every rule shares."""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["safe", "caution", "danger"]
Finding = tuple[Level, str]
Words = list[str]

SYSTEM_DIRS = {
    "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "mnt", "opt", "proc",
    "root", "run", "sbin", "snap", "srv", "sys", "usr", "var", "media", "System", "Library",
    "Applications", "Users", "private",
}  # fmt: skip
_SHALLOW = {"opt", "srv", "mnt", "media", "snap"}  # /opt/myapp is an app, /opt is everyone's
_CWD = {"*", ".*", "./*", ".", "..", "../*", "./.*", "../..", "../../*"}
_DISK = re.compile(
    r"^/dev/(sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(n\d+)?(p\d+)?|mmcblk\d+(p\d+)?"
    r"|disk\d+(s\d+)?|rdisk\d+(s\d+)?|md\d+|dm-\d+|mapper/.+|loop\d+|sr\d+|mem|kmem|port|nbd\d+"
    r"|(?!(shm|pts|fd|net|input|snd|dri|bus|char|usb)/)[\w-]+/[\w.:-]+"  # /dev/vg0/data
    r"|\{\{.*\}\})$"  # /dev/{{sdX}}
)
_HOMES = r"(~[\w.-]*|\$HOME|\$\{HOME\}|/root|/home/[^/]+|/Users/[^/]+)"
_STARTUP = re.compile(
    _HOMES + r"/(\.bashrc|\.bash_profile|\.profile|\.zshrc|\.zprofile|\.zshenv|\.zlogin|\.bash_login"
    r"|\.bash_logout|\.ssh(/.*)?|\.gnupg(/.*)?|\.gitconfig|\.config/fish/config\.fish)"
)
_VITAL = re.compile(
    r"/etc/(passwd|shadow|group|gshadow|sudoers|sudoers\.d/.+|fstab|crypttab|hosts|hostname|resolv\.conf"
    r"|inittab|ld\.so\.(conf|preload|cache)|pam\.d/.+|ssh/sshd_config|default/grub|login\.defs"
    r"|nsswitch\.conf)|/(boot|bin|sbin|lib|lib32|lib64|libx32|usr/bin|usr/sbin|usr/lib|usr/lib64"
    r"|usr/libexec)/.+"
)
_SYSTEM_FILE = re.compile(r"/(etc|boot|usr|bin|sbin|lib\w*|var/lib|System|Library)/.+")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+|\$\([^)]*\)|`[^`]*`")


def normalize(path: str) -> str:
    """``$HOME`` as ``~``, ``$PWD`` and ``$(pwd)`` as ``.``, ``//`` and ``/./`` folded."""
    p = re.sub(r"^(\$HOME|\$\{HOME\})(?=/|$)", "~", path)
    p = re.sub(r"^(\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)(?=/|$)", ".", p)
    p = re.sub(r"/+", "/", p)
    while "/./" in p:
        p = p.replace("/./", "/")
    return p


def _critical(p: str, depth: int, cwd: bool) -> str | None:
    if not p:
        return None
    p = p.rstrip("/") or "/"
    if p in ("/", "/*", "/.", "/.*"):
        return "the whole filesystem"
    home = re.fullmatch(r"~([\w.-]*)(/(\*|\.|\.\*))?", p)
    if home:
        return f"the home directory of {home.group(1)}" if home.group(1) else "your home directory"
    if p in _CWD:
        return f"everything in the current directory ({p})" if cwd else None
    if p.startswith("/"):
        parts = [x for x in p.split("/") if x]
        if parts and parts[0] in SYSTEM_DIRS and len(parts) <= (1 if parts[0] in _SHALLOW else depth):
            return f"the system directory {p}"
    return None


def critical_path(path: str, depth: int = 2, *, cwd: bool = True, variables: bool = True) -> str | None:
    """Why removing (or opening up) ``path`` recursively would be a disaster, or None: ``/``, a
    home, the current directory (``cwd``), a system directory down to ``depth`` levels
    (``/usr/lib`` is 2), or a path that becomes one of them when its variable comes out empty
    (``"$DIR/"``; ``${DIR:?}`` guards against that). A tldr ``{{placeholder}}`` is a plain name."""
    p = _PLACEHOLDER.sub("x", normalize(path))
    why = _critical(p, depth, cwd)
    if why or not variables or not _VARIABLE.search(p):
        return why
    guarded = re.sub(r"\$\{\w+:\?[^}]*\}", "x", p)
    empty = _VARIABLE.sub("", guarded)
    why = _critical(empty, depth, cwd) if empty != guarded else None
    return f"a path built from a variable ({path}): if it comes out empty, this is {why}" if why else None


def is_disk(path: str) -> bool:
    """A disk, partition, volume or memory device (``{{/dev/sdX}}`` too): writing to it destroys it."""
    if path.startswith("{{/dev/"):
        return True
    return bool(_DISK.match(path)) and path not in ("/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr")


def is_startup(path: str) -> bool:
    """A file the shell, ssh or git reads at every start: emptying it locks you out or breaks them."""
    return bool(_STARTUP.fullmatch(path))


def is_vital(path: str) -> bool:
    """A file the machine needs to boot, log in or run its programs."""
    return bool(_VITAL.fullmatch(normalize(path)))


def is_system_file(path: str) -> bool:
    return bool(_SYSTEM_FILE.fullmatch(normalize(path)))


def overwritten(path: str, by: str) -> list[Finding]:
    """Emptying or overwriting ``path``: a device or a vital or startup file is a danger, another
    system file a caution."""
    if is_disk(path):
        return [("danger", f"{by} writes over the device {path}, destroying what is on it")]
    if path == "/proc/sysrq-trigger":
        return [("danger", "writing to /proc/sysrq-trigger can crash or reboot the machine")]
    if is_startup(path) or is_vital(path):
        return [("danger", f"{by} empties and overwrites {path}")]
    if is_system_file(path):
        return [("caution", f"{by} overwrites the system file {path}")]
    return []


def removed(path: str, by: str) -> list[Finding]:
    """Removing the file ``path`` (not recursively)."""
    if is_vital(path):
        return [("danger", f"{by} removes {path}, which the system needs to boot, log in or run")]
    if is_system_file(path) or is_startup(path):
        return [("caution", f"{by} removes the system file {path}")]
    return []


# -- a command's words ---------------------------------------------------------------------------


def short_flags(words: Words) -> set[str]:
    """Single-letter flags, bundles split (``-rf`` -> r, f), up to ``--``."""
    out: set[str] = set()
    for w in words[1:]:
        if w == "--":
            break
        if w.startswith("-") and not w.startswith("--") and len(w) > 1:
            out.update(w[1:])
    return out


def long_flags(words: Words) -> set[str]:
    out: set[str] = set()
    for w in words[1:]:
        if w == "--":
            break
        if w.startswith("--"):
            out.add(w.split("=", 1)[0])
    return out


def operands(words: Words) -> Words:
    out: Words = []
    ended = False
    for w in words[1:]:
        if not ended and w == "--":
            ended = True
        elif ended or not w.startswith("-") or w == "-":
            out.append(w)
    return out
