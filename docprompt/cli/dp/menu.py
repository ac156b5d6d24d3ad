"""``dp``'s menu after a command is written: [r]un [e]dit [c]opy e[x]plain [q]uit. Enter quits;
a dangerous command must be typed back before it runs."""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING

import click

from ...cmdref import Lookup, risk_lines

if TYPE_CHECKING:
    from ...pipeline import Answer, DocPrompt
    from ...safety import Risk
    from ...verify import Report

MENU = "[r]un  [e]dit  [c]opy  e[x]plain  [q]uit"
CHOICES = {"r": "run", "run": "run", "e": "edit", "edit": "edit", "c": "copy", "copy": "copy"}
CHOICES |= {"x": "explain", "explain": "explain", "q": "quit", "quit": "quit", "": "quit"}


def tty(stream) -> bool:
    """A terminal; False for a closed stream (``dp ... <&-`` leaves ``sys.stdin`` None)."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def width() -> int:
    import shutil

    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def show(code: str, report: Report | None, evidence: dict[str, str], summary: str, risk: Risk) -> None:
    click.echo()
    click.secho(code, fg="red" if risk.dangerous else None, bold=True)
    if summary:
        click.echo(f"  {summary}")
    pad = max((len(item) for item in evidence), default=0)
    room = max(30, width() - pad - 4)
    for item, line in evidence.items():
        line = line if len(line) <= room else line[: room - 1] + "…"
        click.echo(f"  {click.style(item.ljust(pad), fg='cyan')}  {line}")
    if report is not None:
        for issue in report.issues:
            click.secho(f"  ✗ {issue.message}", fg="red")
        for name in report.unverifiable:
            click.secho(f"  ? `{name}`: no docs define it, not checked", fg="yellow")
        if report.verified and report.checked:
            click.secho("  ✓ every command and flag is in the docs", fg="green")
    for line in risk_lines(risk, click.style, "  "):
        click.echo(line)
    if risk.dangerous:
        click.secho("  running it needs the command typed back", fg="red")


def menu(dp: DocPrompt, answer: Answer, lookup: Lookup) -> int:
    from ...safety import assess

    code, report = answer.code, answer.verification
    evidence = lookup.evidence(code, answer.evidence)
    if answer.repaired:
        click.secho(f"(the first try, `{answer.first_code}`, failed the check; this is the repair)", dim=True)
    while True:
        risk = assess(code)
        show(code, report, evidence, lookup.summary(code), risk)
        choice = choose()
        if choice == "quit":
            return 0
        if choice == "run":
            filled = filled_in(code)
            if filled is None:
                click.secho("not run: each {{placeholder}} needs a value", fg="yellow")
                continue
            if filled != code:
                code, risk = filled, assess(filled)
                click.secho(code, bold=True)
            if risk.dangerous and not typed_back(code):
                click.secho("not run: what you typed is not the command", fg="yellow")
                continue
            return run(code)
        if choice == "copy":
            copy(code)
            return 0
        if choice == "explain":
            explain(answer, code, lookup)
            continue
        new = edit(code)
        if new != code:
            code = new
            report = dp.verify(code, "bash")
            evidence = lookup.evidence(code)


def flush_typeahead() -> None:
    """Drop keys typed while the model was writing, so they cannot answer the menu."""
    if tty(sys.stdin):
        try:
            import termios

            termios.tcflush(sys.stdin, termios.TCIFLUSH)
        except (ImportError, OSError):
            pass


def choose() -> str:
    flush_typeahead()
    while True:
        try:
            raw = click.prompt(f"{MENU} (Enter: quit)", default="", show_default=False, prompt_suffix=" › ")
        except (click.Abort, EOFError, RuntimeError, OSError):  # no stdin at all: quit
            click.echo()
            return "quit"
        choice = CHOICES.get(raw.strip().lower())
        if choice:
            return choice
        click.secho("choose r, e, c, x or q (Enter quits)", fg="yellow")


def filled_in(code: str) -> str | None:
    """``code`` with a value asked for each ``{{placeholder}}`` left in it, as navi asks; None
    when one gets no value (a command with ``{{`` left in it is never run)."""
    from ...placeholders import as_word, remaining

    for placeholder in remaining(code):
        try:
            value = click.prompt(placeholder, default="", show_default=False, prompt_suffix=" = ")
        except (click.Abort, EOFError, RuntimeError, OSError):
            return None
        if not value.strip():
            return None
        code = code.replace(placeholder, as_word(value.strip()))
    return code


def typed_back(code: str) -> bool:
    click.secho("This command is dangerous. Type it exactly to run it (Enter cancels):", fg="red")
    try:
        typed = click.prompt("", default="", show_default=False, prompt_suffix="$ ")
    except (click.Abort, EOFError, RuntimeError, OSError):
        return False
    return bool(typed.strip()) and typed.split() == code.split()


def run(code: str) -> int:
    import subprocess

    click.secho(f"running: bash -c {shlex.quote(code)}", dim=True, err=True)
    sys.stdout.flush()
    status = subprocess.run(["bash", "-c", code]).returncode
    if status:
        click.secho(f"exit status {status}", fg="yellow", err=True)
    return status


def edit(code: str) -> str:
    if tty(sys.stdin) and "\n" not in code:
        try:
            import readline
        except ImportError:
            pass
        else:
            readline.set_startup_hook(lambda: readline.insert_text(code))
            try:
                return input("edit› ").strip() or code
            except EOFError:
                return code
            finally:
                readline.set_startup_hook(None)
    if tty(sys.stdin) and (os.environ.get("VISUAL") or os.environ.get("EDITOR")):
        return (click.edit(code + "\n", extension=".sh") or "").strip() or code
    try:
        return click.prompt("edit", default=code).strip() or code
    except (click.Abort, EOFError, RuntimeError, OSError):
        return code


def copy(code: str) -> None:
    """To the clipboard with pyperclip when it finds one; else the terminal's (OSC 52), and the
    command printed so it can be copied by hand."""
    import base64

    try:
        import pyperclip

        pyperclip.copy(code)
        click.secho("copied to the clipboard", fg="green")
        return
    except Exception:  # noqa: BLE001 - ImportError, or pyperclip's "no clipboard mechanism"
        pass
    if tty(sys.stdout):  # OSC 52: the terminal sets its clipboard (works over ssh in most)
        payload = base64.b64encode(code.encode()).decode()
        sys.stdout.write(f"\033]52;c;{payload}\a")
        sys.stdout.flush()
        click.secho(
            "sent to the terminal's clipboard (OSC 52); if it did not arrive, copy it from here:", dim=True
        )
    click.echo(code)


def explain(answer: Answer, code: str, lookup: Lookup) -> None:
    cols = width()
    shown: set[str] = set()
    for title, text in lookup.paragraphs_for(code):
        shown.add(text.strip())
        click.secho(f"── {title} ".ljust(cols, "─"), fg="cyan")
        click.echo(text.rstrip())
    for hit in answer.cited:
        if hit.chunk.text.strip() in shown:
            continue
        click.secho(f"── {hit.chunk.title or hit.chunk.doc_id} ".ljust(cols, "─"), fg="cyan")
        click.echo(hit.chunk.text.rstrip())
