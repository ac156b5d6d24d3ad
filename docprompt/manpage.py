"""Man pages as a lower layer: render a roff page with man(1), split a rendered page into
paragraphs the way DocPrompting did (NAME, SYNOPSIS, prose, one paragraph per option entry with
its flag line), and parse the flags an entry defines.

The man-page indexer (discovery, Documents), verification (flags of a command) and ``dp``
(a command's page, explain) all read pages through this module.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_SKIP_HEADINGS = frozenset(
    {"AUTHOR", "AUTHORS", "COPYRIGHT", "COPYING", "LICENSE", "LICENCE", "REPORTING BUGS", "SEE ALSO"}
    | {"COLOPHON", "TRANSLATION", "TRANSLATIONS", "TRANSLATOR", "TRANSLATORS"}
)
_WHOLE_SECTIONS = {"NAME", "SYNOPSIS"}

_OVERSTRIKE = re.compile(r".\x08")
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_HEADER = re.compile(r"\S.*\S\(\w+\)")  # "TAR(1)   GNU TAR Manual   TAR(1)" and the footer line
_FLAG_START = re.compile(r"--?(?:\[no-?\])?[A-Za-z0-9?#@]")
_TAG_FLAG = re.compile(r"(?:^|(?<=[\s,|({/]))(--?)(\[no-?\])?([A-Za-z0-9?#@][\w-]*)")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-"})
_GAP = re.compile(r"\S( {2,})(?=\S)")
# A flag token opening a run-together paragraph: "-i,", "--dirs=[/proc]", not "-rw-r--r--".
_LEAD_FLAG = re.compile(r"--?[A-Za-z0-9?#@](?:\w|-(?!-))*(?:[=\[]\S*)?,?")
_TP_INDENT = 7  # where groff puts a .TP description by default


@dataclass
class Paragraph:
    """One paragraph of a man page: prose, or an entry (an option and its description)."""

    heading: str
    text: str
    subheading: str = ""
    tag: str = ""
    flags: list[str] = field(default_factory=list)


def parse_flags(tag: str) -> list[str]:
    """The flags an option entry's tag line defines: ``-C DIR, --directory=DIR`` -> -C, --directory;
    ``--[no-]verify`` -> --verify, --no-verify; ``-S[<keyid>]`` -> -S."""
    out: list[str] = []
    for dash, neg, name in _TAG_FLAG.findall(tag):
        name = name.rstrip("-")
        if not name:
            continue
        for flag in (dash + name, dash + neg.strip("[]") + name if neg else ""):
            if flag and flag not in out:
                out.append(flag)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _clean_lines(text: str) -> list[str]:
    """The page's lines without overstrike/colour, tabs, and the running header and footer."""
    # groff may set "-" as a hyphen or minus sign (U+2010, U+2011, U+2212): flags need ASCII.
    text = _SGR.sub("", _OVERSTRIKE.sub("", text)).expandtabs().translate(_DASHES)
    lines = [ln.rstrip() for ln in text.splitlines()]
    filled = [i for i, ln in enumerate(lines) if ln]
    for i in filled[:1] + filled[-1:]:
        if _HEADER.fullmatch(lines[i]) and re.search(r"\s{2,}", lines[i]):
            lines[i] = ""
    # Some generators indent the whole page, headings included ("   NAME"): shift it left.
    indents = {_indent(ln) for ln in lines if ln}
    base = min(indents, default=0)
    return [ln[base:] for ln in lines] if base and len(indents) > 1 else lines


@dataclass
class _Block:
    lines: list[str]
    subheading: str
    tag: str = ""
    flaggy: bool = False


def _plain_tag(tag: str) -> bool:
    """A tag that is not a flag (a subcommand, a variable, a file) must look like a label."""
    return len(tag) <= 60 and not tag.endswith((":", ".", ",", ";")) and len(tag.split()) <= 6


def _split_at(line: str, ind: int, col: int) -> tuple[str, str] | None:
    """``TAG  description`` split where the description starts at column ``col``."""
    if len(line) <= col or col - ind < 2 or line[col - 1] != " " or line[col] == " ":
        return None
    head = line[ind:col].strip()
    if not head:
        return None
    # One space only: the tag fills the indent exactly ("-empty File is empty"), so it must be
    # a whole flag, not the first half of "-a, --all".
    if line[col - 2] != " " and (
        not _FLAG_START.match(head) or head.endswith((",", "|")) or line[col] in "-[<{=|"
    ):
        return None
    return head, line[col:]


def _entry_at(lines: list[str], i: int, ind: int) -> tuple[str, list[str], int] | None:
    """If an entry (``.TP``-style tag and indented description) starts at line ``i``, its tag,
    its description lines so far, and the index of the next line to read."""
    n, line = len(lines), lines[i]
    content = line[ind:]
    flaggy = bool(_FLAG_START.match(content))
    # Several tag lines stacked over one description (BSD ``-L`` forms, ``.TQ``).
    if flaggy and not _GAP.search(content):
        j = i
        while (
            j + 1 < n
            and j - i < 8
            and lines[j + 1].strip()
            and _indent(lines[j + 1]) == ind
            and _FLAG_START.match(lines[j + 1][ind:])
            and not _GAP.search(lines[j + 1][ind:])
        ):
            j += 1
        if j > i and j + 1 < n and lines[j + 1].strip() and _indent(lines[j + 1]) > ind:
            return "\n".join(ln.strip() for ln in lines[i : j + 1]), [], j + 1
    nxt = lines[i + 1] if i + 1 < n else ""
    after = lines[i + 2] if i + 2 < n else ""
    # A tag, a blank line, then its description (x11vnc, cvs); a one-line entry ("-v   verbose")
    # is followed by a blank line too, but has its description on its own line.
    lone_tag = flaggy and not _GAP.search(content) and len(content.split()) <= 4
    if lone_tag and not nxt.strip() and after.strip() and _indent(after) > ind:
        return content.strip(), [], i + 1
    if nxt.strip() and _indent(nxt) > ind:
        col = _indent(nxt)
        # The description may start on the tag line, aligned with the lines below it.
        split = _split_at(line, ind, col)
        tag, desc = (split[0], [" " * col + split[1]]) if split else (content.strip(), [])
        if not flaggy and not _plain_tag(tag):
            return None
        return tag, desc, i + 1
    if flaggy and (not nxt.strip() or (_indent(nxt) == ind and _FLAG_START.match(nxt[ind:]))):
        # A one-line entry ("-v     verbose") followed by a blank line or the next entry.
        gap = _GAP.search(content)
        col = ind + gap.end() if gap and gap.start() < 60 else ind + _TP_INDENT
        split = _split_at(line, ind, col)
        if split and not split[0].endswith(".") and len(split[0].split()) <= 3:
            return split[0], [" " * col + split[1]], i + 1
    return None


def _blocks(body: list[str]) -> list[_Block]:
    """A section's body as prose blocks (split at blank lines) and entries."""
    out: list[_Block] = []
    prose: list[str] = []
    entry: _Block | None = None
    entry_ind = -1
    sub = ""
    prev_blank = True
    closed_at = -1  # indentation of an entry that the current line has just closed
    row_ind = -1  # indentation of the previous line when it was prose starting with a flag

    def flush_prose() -> None:
        if prose:
            out.append(_Block(list(prose), sub))
            prose.clear()

    i = 0
    while i < len(body):
        line = body[i]
        if not line.strip():
            if entry is not None:
                entry.lines.append("")
            else:
                flush_prose()
            prev_blank, i = True, i + 1
            continue
        ind = _indent(line)
        if entry is not None:
            if ind > entry_ind:
                entry.lines.append(line)
                prev_blank, i = False, i + 1
                continue
            out.append(entry)
            entry, closed_at = None, entry_ind
        if 0 < ind < 5 and not prose and len(line) <= 80 and not _FLAG_START.match(line[ind:]):
            flush_prose()
            sub = line.strip()
            prev_blank, closed_at, i = True, -1, i + 1
            continue
        flaggy = bool(_FLAG_START.match(line[ind:]))
        # An entry starts after a blank line, where an entry at its indentation just ended, or
        # in a table of one-line entries after a row that did not parse (a very long tag).
        try_entry = prev_blank or closed_at == ind or (flaggy and row_ind == ind)
        found = _entry_at(body, i, ind) if try_entry else None
        closed_at = -1
        if found:
            flush_prose()
            tag, desc, i = found
            entry = _Block(desc, sub, tag, bool(_FLAG_START.match(tag)))
            entry_ind = ind
        else:
            prose.append(line)
            i += 1
        row_ind = ind if flaggy else -1
        prev_blank = False
    if entry is not None:
        out.append(entry)
    flush_prose()
    return out


def _squeeze(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text)


def _entry_text(block: _Block) -> str:
    """Tag line(s), then the description indented by four spaces."""
    lines = block.lines
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    base = min((_indent(ln) for ln in lines if ln.strip()), default=0)
    desc = "\n".join("    " + ln[base:] if ln.strip() else "" for ln in lines)
    return f"{block.tag}\n{_squeeze(desc)}" if desc else block.tag


def _lead_tag(block: _Block, base: int) -> str:
    """The flags a prose paragraph opens with, at the section's own indentation, when a page
    runs an option and its description together ("-h, --help[=false] help for gdu")."""
    first = block.lines[0]
    if _indent(first) != base or not _FLAG_START.match(first[base:]):
        return ""
    tokens: list[str] = []
    for token in first.split():
        if not (_LEAD_FLAG.fullmatch(token) or (tokens and token == "|")):
            break
        tokens.append(token)
    return " ".join(tokens)


def _section_paragraphs(heading: str, body: list[str], max_prose_chars: int) -> list[Paragraph]:
    whole = heading.upper() in _WHOLE_SECTIONS
    if whole:
        text = _squeeze(textwrap.dedent("\n".join(body)).strip())
        # A NAME that runs on for pages (a generator's mistake) is split like any section.
        if heading.upper() == "SYNOPSIS" or len(text) <= 4 * max_prose_chars:
            return [Paragraph(heading, text)] if text else []
    out: list[Paragraph] = []
    pending: list[_Block] = []
    base = min((_indent(ln) for ln in body if ln.strip()), default=0)

    def flush() -> None:
        if pending:
            joined = textwrap.dedent("\n\n".join("\n".join(b.lines) for b in pending)).strip()
            out.append(Paragraph(heading, joined, pending[0].subheading))
            pending.clear()

    for block in _blocks(body):
        if block.tag:
            flush()
            flags = parse_flags(block.tag) if block.flaggy else []
            out.append(Paragraph(heading, _entry_text(block), block.subheading, block.tag, flags))
            continue
        lead = "" if whole else _lead_tag(block, base)
        if lead:
            flush()
            text = textwrap.dedent("\n".join(block.lines)).strip()
            out.append(Paragraph(heading, text, block.subheading, lead, parse_flags(lead)))
            continue
        size = sum(len(ln) + 1 for b in pending for ln in b.lines) + sum(len(ln) + 1 for ln in block.lines)
        if pending and (block.subheading != pending[0].subheading or size > max_prose_chars):
            flush()
        pending.append(block)
    flush()
    return out


def split_page(
    text: str, *, skip_headings: Iterable[str] = DEFAULT_SKIP_HEADINGS, max_prose_chars: int = 800
) -> list[Paragraph]:
    """A rendered (plain-text) man page as paragraphs, in page order.

    Section headings start in column 0. NAME and SYNOPSIS are one paragraph each; elsewhere an
    entry (a tag line, or stacked tag lines, over an indented description; a one-line
    ``-v   verbose``; a tag, a blank line and its description) is a paragraph of its own, with
    ``flags`` parsed from a tag that starts with a dash; a prose paragraph that opens with flags
    gets them too; other prose is merged up to ``max_prose_chars`` within one subheading.
    """
    skip = {h.upper() for h in skip_headings}
    sections: list[tuple[str, list[str]]] = []
    for line in _clean_lines(text):
        if line and not line[0].isspace():
            sections.append((line.strip(), []))
        elif sections:
            sections[-1][1].append(line)
    out: list[Paragraph] = []
    for n, (heading, body) in enumerate(sections):
        if n == 0 and " - " in heading and not any(ln.strip() for ln in body):
            # The NAME line without its heading (pages written without ``.SH NAME``).
            heading, body = "NAME", [heading]
        if heading.upper() in _WHOLE_SECTIONS:
            heading = heading.upper()  # "Name", "Synopsis" in some pages
        if heading.upper() not in skip:
            out.extend(_section_paragraphs(heading, body, max_prose_chars))
    return out


# -- rendering ----------------------------------------------------------------------------------

_MAN_ENV_DROP = ("MANOPT", "MAN_KEEP_FORMATTING", "MANROFFOPT")
_MAN_FLAGS = ["--no-hyphenation", "--no-justification"]


def _man_env() -> dict[str, str]:
    """man's environment: 80 columns, UTF-8, no pager, no colour or user options."""
    env = {k: v for k, v in os.environ.items() if k not in _MAN_ENV_DROP}
    env.update(MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    return env


def plain(data: bytes) -> str:
    """man's output as plain text: overstrikes removed and tabs expanded, as ``col -bx`` does."""
    return _OVERSTRIKE.sub("", data.decode("utf-8", "replace")).expandtabs()


def _run_man(args: list[str], stdin: bytes | None, cwd: str | None, timeout: float) -> bytes | None:
    """man's stdout, or None when it fails or runs past ``timeout``. man runs in its own process
    group, so a timeout also ends groff and the rest of man's pipeline."""
    try:
        proc = subprocess.Popen(
            ["man", *_MAN_FLAGS, *args], stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd, env=_man_env(),
            start_new_session=True,
        )  # fmt: skip
    except OSError:
        return None
    try:
        out, _ = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return out if proc.returncode == 0 or out.strip() else None


def render_roff(data: bytes, cwd: str | Path | None = None, timeout: float = 30.0) -> str | None:
    """A roff page's source rendered to plain text with ``man -l -`` (None when man fails);
    raises subprocess.TimeoutExpired past ``timeout``."""
    out = _run_man(["-l", "-"], data, str(cwd) if cwd else None, timeout)
    return plain(out) if out and out.strip() else None


@lru_cache(maxsize=256)
def installed_page(command: str, timeout: float = 15.0) -> tuple[Paragraph, ...] | None:
    """This machine's man page for ``command``, split into paragraphs; None when it has none."""
    if not shutil.which("man") or not re.fullmatch(r"[\w.+-]+", command):
        return None
    try:
        out = _run_man([command], None, None, timeout)
    except subprocess.TimeoutExpired:
        return None
    if not out or not out.strip():
        return None
    return tuple(split_page(plain(out)))


def first_lines(text: str) -> str:
    """The first two lines of a paragraph, joined: how a flag's definition is shown."""
    return " ".join(line.strip() for line in text.strip().splitlines()[:2])[:200]
