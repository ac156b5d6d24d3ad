"""Verify a Bash command: every command exists and every flag is defined by its man page.

Commands are read with the shell model (:mod:`docprompt.shell`): wrappers and their option
values (``sudo -u root``, ``nice -n 10``, ``watch -n 1``, ``timeout 5``) are not commands, and a
subcommand (``git commit-graph write``) is checked against its own page when there is one.
Flags come from the index (man-page paragraphs carry ``command`` and ``flags`` metadata) or,
for a command the index does not cover, from this machine's own ``man`` page. A command whose
flags no page could show is reported as unchecked, never as verified.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from ..manpage import first_lines, installed_page
from ..shell import SimpleCommand, parse
from . import Issue, Report
from .operands import missing_operands

FlagSource = Callable[[str], "set[str] | None"]


def local_man_lines(command: str) -> dict[str, str] | None:
    """{flag: the first lines of the paragraph defining it} from this machine's man page."""
    paragraphs = installed_page(command)
    if paragraphs is None:
        return None
    out: dict[str, str] = {}
    for para in paragraphs:
        for flag in para.flags:
            out.setdefault(flag, first_lines(para.text))
    return out


def local_man_flags(command: str) -> frozenset[str] | None:
    """Flags this machine's man page for ``command`` defines; None when it has no page."""
    lines = local_man_lines(command)
    return None if lines is None else frozenset(lines)


class IndexFlags:
    """Flags per command from an index's man-page paragraphs, read per command when first asked."""

    def __init__(self, index) -> None:
        self.store = index.store
        self.flags: dict[str, set[str] | None] = {}
        self.lines: dict[str, str] = {}  # "tar -x" -> the first lines of the paragraph defining it
        self.synopses: dict[str, str] = {}  # command -> its man page's SYNOPSIS paragraph

    def __call__(self, command: str) -> set[str] | None:
        if command not in self.flags:
            rows = self.store.chunks(command=command, kind="doc")
            if not rows:
                self.flags[command] = None
            else:
                found: set[str] = set()
                for _, chunk in rows:
                    if chunk.metadata.get("heading") == "SYNOPSIS":
                        self.synopses.setdefault(command, chunk.text)
                    flags = chunk.metadata.get("flags") or []
                    found.update(flags)
                    for flag in flags:
                        self.lines.setdefault(f"{command} {flag}", first_lines(chunk.text))
                self.flags[command] = found
        return self.flags[command]


def _defined(flag: str, known: set[str]) -> bool:
    if flag in known:
        return True
    if flag.startswith("--no-") and "--" + flag[5:] in known:
        return True
    if flag.startswith("--"):  # GNU getopt accepts unambiguous prefixes of long options
        matches = [k for k in known if k.startswith(flag)]
        return len(matches) == 1
    return False


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
    import shutil

    report = Report(language="bash")
    lookups: list[tuple[str, FlagSource]] = [("index", s) for s in sources or []]
    if use_local_man:
        lookups.append(("man", lambda c: set(f) if (f := local_man_flags(c)) is not None else None))

    def lookup(page: str) -> tuple[str, set[str]] | None:
        for where, source in lookups:
            flags = source(page)
            if flags:
                return where, flags
        for where, source in lookups:  # a page without option entries still proves the command
            if source(page) is not None:
                return where, set()
        return None

    def find(cmd: SimpleCommand) -> tuple[str, str, set[str]] | None:
        for page in cmd.page_candidates():
            found = lookup(page)
            if found:
                return page, *found
        return None

    commands = parse(command)
    for cmd in commands:
        if not cmd.is_external or "=" in cmd.name:
            continue
        found = find(cmd)
        if found is None:
            if shutil.which(cmd.name):
                report.unverifiable.append(cmd.name)
            else:
                report.issues.append(
                    Issue(
                        "unknown-command",
                        cmd.name,
                        f"`{cmd.name}` is not a command the docs or this machine know",
                    )
                )
            continue
        page, where, known = found
        report.sources[page] = where
        flags = cmd.flags(known, page)
        synopsis = next((s.synopses.get(page, "") for s in sources or [] if hasattr(s, "synopses")), "")
        alone = len(commands) == 1
        if synopsis and (missing := missing_operands(cmd, page, synopsis, flags, command, alone)):
            report.issues.append(missing)
        if not known:
            if flags:  # a page that defines no options cannot vouch for the ones given
                report.unverifiable.append(f"{page} {' '.join(flags)}")
            report.checked.append(page)
            continue
        if not flags:
            report.checked.append(page)
        for flag in flags:
            if _defined(flag, known):
                item = f"{page} {flag}"
                report.checked.append(item)
                line = _evidence(where, sources or [], page, flag)
                if line:
                    report.evidence[item] = line
            else:
                close = difflib.get_close_matches(flag, sorted(known), n=3, cutoff=0.5)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                sure = close and difflib.SequenceMatcher(None, flag, close[0]).ratio() >= 0.85
                issue = Issue("unknown-flag", flag, f"`{page}` has no option {flag}{hint}", page, close)
                issue.fix = (0, flag, close[0]) if sure and flag.startswith("--") else None
                report.issues.append(issue)
    return report


class BashVerifier:
    """The verifier registered for ``bash``: flags against the index, then this machine's man."""

    def __init__(self, index) -> None:
        self.flags = IndexFlags(index) if index is not None else None

    def __call__(self, code: str) -> Report:
        return verify_bash(code, [self.flags] if self.flags is not None else [])
