"""``dp``: a shell command for a request in plain English, shown with the man page line behind
each flag. Nothing runs until you choose [r]un (Enter quits).

    dp find files larger than 1G modified this week
    dp --explain 'tar xzf a.tgz -C /tmp'     # each flag's defining man line; no model
    dp --page tar                            # a tldr-style page from the index; no model
    dp --print-only "..."                    # just the command (the shell widget uses this)

``docprompt cmd`` is the same command. The docs come from ``--index NAME``, else
``$DOCPROMPT_INDEX``, else the first of man, linux-man, tldr that exists; on a fresh machine dp
offers to build one from the local man pages. Only click and the standard library load with
this module: the docs are on screen before the model is loaded.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..errors import BadInput, DocpromptError

if TYPE_CHECKING:
    from ..pipeline import Answer, DocPrompt
    from ..safety import Risk
    from ..verify import Report

_T0 = time.perf_counter()
DEFAULT_INDEXES = ("man", "linux-man", "tldr")
MENU = "[r]un  [e]dit  [c]opy  e[x]plain  [q]uit"
CHOICES = {"r": "run", "run": "run", "e": "edit", "edit": "edit", "c": "copy", "copy": "copy"}
CHOICES |= {"x": "explain", "explain": "explain", "q": "quit", "quit": "quit", "": "quit"}
TLDR_PLACES = (
    "../shared/data/tldr/pages",
    "~/.local/share/tldr/pages",
    "~/.cache/tldr/pages",
    "~/.tldr/cache/pages",
    "~/.cache/tealdeer/tldr-pages/pages",
)


class _Command(click.Command):
    """User errors as one line on stderr (exit 2, or 1 with --print-only); Ctrl-C as exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DocpromptError as e:
            prefix = "dp: " if ctx.params.get("print_only") else "error: "
            click.secho(f"{prefix}{e}", fg="red", err=True)
            sys.exit(1 if ctx.params.get("print_only") else 2)
        except KeyboardInterrupt:
            click.secho("interrupted; nothing was run", fg="yellow", err=True)
            sys.exit(130)


@click.command(
    "cmd",
    cls=_Command,
    context_settings={"ignore_unknown_options": True, "help_option_names": ["-h", "--help"]},
)
@click.argument("request", nargs=-1, required=True)
@click.option(
    "--explain", "mode", flag_value="explain", help="explain REQUEST, an existing command, flag by flag"
)
@click.option("--page", "mode", flag_value="page", help="show a tldr-style page for the command REQUEST")
@click.option("--print-only", is_flag=True, help="print only the command (for scripts and the shell widget)")
@click.option(
    "--index", "index_name", metavar="NAME", help="the docs index [$DOCPROMPT_INDEX, man, linux-man, tldr]"
)
@click.option("--backend", type=click.Choice(["auto", "ollama", "embedded"]), help="model backend [auto]")
@click.option("--model", help="Ollama model name, embedded model name or a .gguf path")
@click.option("-k", "k", type=click.IntRange(0, 50), default=5, show_default=True, help="docs in the prompt")
def cmd(request, mode, print_only, index_name, backend, model, k):
    """A shell command for REQUEST, with the man page line behind each flag; then
    [r]un / [e]dit / [c]opy / e[x]plain / [q]uit. Enter quits: nothing runs unless you choose it.

    \b
      dp find files larger than 1G modified this week
      dp --explain 'tar xzf a.tgz -C /tmp'
      dp --page tar
      eval "$(docprompt shell-init bash)"    # Ctrl-G on the prompt line
    """
    text = " ".join(request).strip()
    if not text:
        raise BadInput("say what the command should do, e.g. dp find files larger than 1G")
    if mode:  # no model: the index if there is one, else this machine's man pages
        index = _existing_index(index_name)
        show = explain_command if mode == "explain" else tldr_page
        click.echo(show(text, index, _width()))
        return
    name = pick_index(index_name, interactive=not print_only and _interactive())
    if print_only:
        _print_only(name, text, backend, model, k)
    code = _ask(name, text, backend, model, k)
    sys.exit(code)


def main() -> None:
    """The ``dp`` console script."""
    cmd.main(prog_name="dp")


# -- which index ----------------------------------------------------------------------------------


def _tty(stream) -> bool:
    """A terminal; False for a closed stream (``dp ... <&-`` leaves ``sys.stdin`` None)."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def _interactive() -> bool:
    return _tty(sys.stdin) and _tty(sys.stdout)


def _width() -> int:
    import shutil

    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def _existing_index(name: str | None):
    """The named index, else the first default one that exists, else None (no offer to build)."""
    from ..store import registry

    name = name or os.environ.get("DOCPROMPT_INDEX")
    if not name:
        name = next((n for n in DEFAULT_INDEXES if registry.path_of(n).exists()), None)
    return registry.open_index(name) if name else None


def pick_index(name: str | None, *, interactive: bool) -> str:
    """``name``, else ``$DOCPROMPT_INDEX``, else the first default that exists; none: offer to build."""
    from ..store import registry

    name = name or os.environ.get("DOCPROMPT_INDEX")
    if name:
        registry.resolve(name)  # a missing index is a one-line error naming the known ones
        return name
    for default in DEFAULT_INDEXES:
        if registry.path_of(default).exists():
            return default
    return first_use(interactive)


def tldr_pages() -> Path | None:
    """A tldr pages folder on this machine (the shared data set, or a tldr client's cache)."""
    root = Path(__file__).resolve().parents[2]
    places = [
        root.parent / "shared" / "data" / "tldr" / "pages",
        *(Path(p).expanduser() for p in TLDR_PLACES),
    ]
    return next((p.resolve() for p in places if p.is_dir()), None)


def first_use(interactive: bool) -> str:
    """No index yet: build one from the local man pages (and tldr pages) if the user agrees."""
    tldr = tldr_pages()
    steps = ["docprompt index build linux-man --corpus linux-man"]
    if tldr:
        steps.append(f"docprompt index build tldr --corpus tldr {shlex.quote(str(tldr))}")
    howto = " and ".join(f"`{s}`" for s in steps)
    if not interactive:
        raise BadInput(f"no docs index yet: build one with {howto} (a few minutes), or name one with --index")
    click.echo("dp answers from an index of docs, and there is none yet.")
    what = "this machine's man pages" + (" and the tldr pages" if tldr else "")
    if not click.confirm(f"Build one now from {what}? It takes a few minutes", default=True):
        raise BadInput(f"no docs index: build one later with {howto}")
    build_default_indexes(tldr)
    return "linux-man"


def build_default_indexes(tldr: Path | None) -> None:
    """What `docprompt index build linux-man --corpus linux-man` (and tldr) do, with progress bars."""
    from rich.console import Console

    from ..recipes import load
    from .index import _build

    console = Console(stderr=True)
    jobs = [("linux-man", None)] + ([("tldr", [str(tldr)])] if tldr else [])
    for name, paths in jobs:
        recipe = load(name)
        console.print(f"building index [bold]{name}[/]: {recipe.description}")
        _build(name, paths or recipe.expanded_paths(), recipe.indexer, recipe.options, recipe.build, console)


# -- asking ---------------------------------------------------------------------------------------


def _load(name: str, backend: str | None, model: str | None, k: int) -> DocPrompt:
    from ..pipeline import DocPrompt

    return DocPrompt.load(name, backend=backend, model=model, k=k, language="bash")


def _print_only(name: str, request: str, backend, model, k) -> NoReturn:
    from ..safety import assess

    dp = _load(name, backend, model, k)
    answer = dp.ask(request, language="bash")
    if not answer.code:
        click.echo("dp: the model gave no command; say it differently", err=True)
        sys.exit(1)
    report, risk = answer.verification, assess(answer.code)
    if report is not None and not report.ok:
        click.echo(f"dp: check it: {report.summary()}", err=True)
    if risk.dangerous:
        # Commented out: Enter alone does nothing, removing the '#' is the explicit choice.
        click.echo(f"dp: DANGER: {'; '.join(risk.reasons)} (commented out: remove the # to run it)", err=True)
        click.echo("\n".join("# " + line for line in answer.code.splitlines()))
    else:
        click.echo(answer.code)
    sys.exit(0)


def _ask(name: str, request: str, backend, model, k) -> int:
    dp = _load(name, backend, model, k)
    hits = dp.retrieve(request)
    t_docs = time.perf_counter() - _T0
    titles = list(dict.fromkeys(h.chunk.title or h.chunk.doc_id for h in hits))
    click.secho(f"docs ({name}): " + " · ".join(titles) if titles else f"no docs found in {name}", fg="cyan")

    def stream(piece: str) -> None:
        click.secho(piece, dim=True, nl=False)

    answer = dp.ask(request, language="bash", hits=hits, on_token=stream)
    t_cmd = time.perf_counter() - _T0
    click.echo()
    t = answer.timings
    model_s = t.get("generate_s", 0) + t.get("repair_s", 0)
    repair = f", {t['repair_s']:.1f}s of it a repair round" if "repair_s" in t else ""
    click.secho(
        f"{answer.backend}:{answer.model} · docs {t_docs:.2f}s · command {t_cmd:.1f}s "
        f"(model {model_s:.1f}s{repair})",
        dim=True,
        err=True,
    )
    if not answer.code:
        click.secho("the model gave no command; say it differently", fg="red", err=True)
        return 1
    return _menu(dp, answer, Lookup(dp.index))


def _show(code: str, report: Report | None, evidence: dict[str, str], summary: str, risk: Risk) -> None:
    click.echo()
    click.secho(code, fg="red" if risk.dangerous else None, bold=True)
    if summary:
        click.echo(f"  {summary}")
    width = max((len(item) for item in evidence), default=0)
    room = max(30, _width() - width - 4)
    for item, line in evidence.items():
        line = line if len(line) <= room else line[: room - 1] + "…"
        click.echo(f"  {click.style(item.ljust(width), fg='cyan')}  {line}")
    if report is not None:
        for issue in report.issues:
            click.secho(f"  ✗ {issue.message}", fg="red")
        for name in report.unverifiable:
            click.secho(f"  ? `{name}` is on this machine but in no docs: not checked", fg="yellow")
        if report.ok and report.checked:
            click.secho("  ✓ every command and flag is in the docs", fg="green")
    if risk.level != "safe":
        label = "DANGER" if risk.dangerous else "careful"
        for reason in risk.reasons:
            click.secho(
                f"  ⚠ {label}: {reason}", fg="red" if risk.dangerous else "yellow", bold=risk.dangerous
            )
        if risk.dangerous:
            click.secho("  running it needs the command typed back", fg="red")


def _evidence(code: str, report: Report | None, given: dict[str, str], lookup: Lookup) -> dict[str, str]:
    """The man line behind each flag ``code`` uses (bundles like ``tar xzf`` included): looked up
    on the command's page, else the line the pipeline verified it with."""
    from ..verify.bash import flags_used

    items = [item for item in (report.checked if report else []) if " " in item]
    for name, words, page in lookup.commands(code):
        if page is not None:
            items += [f"{name} {flag}" for flag in flags_used(words, set(page.flag_table()))]
    out: dict[str, str] = {}
    for item in dict.fromkeys(items):
        command, flag = item.split(" ", 1)
        line = lookup.flag_line(command, flag) or given.get(item)
        if line:
            out[item] = line
    return out


def _menu(dp: DocPrompt, answer: Answer, lookup: Lookup) -> int:
    from ..safety import assess

    code, report = answer.code, answer.verification
    evidence = _evidence(code, report, answer.evidence, lookup)
    if answer.repaired:
        click.secho(f"(the first try, `{answer.first_code}`, failed the check; this is the repair)", dim=True)
    while True:
        risk = assess(code)
        _show(code, report, evidence, lookup.summary(code), risk)
        choice = _choose()
        if choice == "quit":
            return 0
        if choice == "run":
            if risk.dangerous and not _typed_back(code):
                click.secho("not run: what you typed is not the command", fg="yellow")
                continue
            return _run(code)
        if choice == "copy":
            _copy(code)
            return 0
        if choice == "explain":
            _explain(answer, code, lookup)
            continue
        new = _edit(code)
        if new != code:
            code = new
            report = dp.verify(code, "bash")
            evidence = _evidence(code, report, {}, lookup)


def _flush_typeahead() -> None:
    """Drop keys typed while the model was writing, so they cannot answer the menu."""
    if _tty(sys.stdin):
        try:
            import termios

            termios.tcflush(sys.stdin, termios.TCIFLUSH)
        except (ImportError, OSError):
            pass


def _choose() -> str:
    _flush_typeahead()
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


def _typed_back(code: str) -> bool:
    click.secho("This command is dangerous. Type it exactly to run it (Enter cancels):", fg="red")
    try:
        typed = click.prompt("", default="", show_default=False, prompt_suffix="$ ")
    except click.Abort:
        return False
    return bool(typed.strip()) and typed.split() == code.split()


def _run(code: str) -> int:
    import subprocess

    click.secho(f"running: bash -c {shlex.quote(code)}", dim=True, err=True)
    sys.stdout.flush()
    status = subprocess.run(["bash", "-c", code]).returncode
    if status:
        click.secho(f"exit status {status}", fg="yellow", err=True)
    return status


def _edit(code: str) -> str:
    if _tty(sys.stdin) and "\n" not in code:
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
    if _tty(sys.stdin) and (os.environ.get("VISUAL") or os.environ.get("EDITOR")):
        return (click.edit(code + "\n", extension=".sh") or "").strip() or code
    try:
        return click.prompt("edit", default=code).strip() or code
    except click.Abort:
        return code


def _copy(code: str) -> None:
    import base64
    import shutil
    import subprocess

    tools = [
        (["wl-copy"], bool(os.environ.get("WAYLAND_DISPLAY"))),
        (["xclip", "-selection", "clipboard"], bool(os.environ.get("DISPLAY"))),
        (["xsel", "--clipboard", "--input"], bool(os.environ.get("DISPLAY"))),
        (["pbcopy"], True),
        (["clip.exe"], True),
    ]
    for argv, usable in tools:
        if usable and shutil.which(argv[0]):
            try:
                subprocess.run(argv, input=code.encode(), check=True, timeout=5)
            except (OSError, subprocess.SubprocessError):
                continue
            click.secho(f"copied with {argv[0]}", fg="green")
            return
    if _tty(sys.stdout):  # OSC 52: the terminal sets its clipboard (works over ssh in most)
        payload = base64.b64encode(code.encode()).decode()
        sys.stdout.write(f"\033]52;c;{payload}\a")
        sys.stdout.flush()
        click.secho(
            "sent to the terminal's clipboard (OSC 52); if it did not arrive, copy it from here:", dim=True
        )
    click.echo(code)


def _explain(answer: Answer, code: str, lookup: Lookup) -> None:
    width = _width()
    shown: set[str] = set()
    for title, text in lookup.paragraphs_for(code):
        shown.add(text.strip())
        click.secho(f"── {title} ".ljust(width, "─"), fg="cyan")
        click.echo(text.rstrip())
    for hit in answer.cited:
        if hit.chunk.text.strip() in shown:
            continue
        click.secho(f"── {hit.chunk.title or hit.chunk.doc_id} ".ljust(width, "─"), fg="cyan")
        click.echo(hit.chunk.text.rstrip())


# -- the docs of one command: from the index, else this machine's man -----------------------------


@dataclass
class Para:
    heading: str
    text: str
    flags: list[str]


@dataclass
class Page:
    command: str
    label: str  # "tar(1)"
    where: str  # "index man" | "this machine's man"
    paras: list[Para]
    examples: list[tuple[str, list[str]]] = field(default_factory=list)  # (text, flags)

    def flag_table(self) -> dict[str, Para]:
        table: dict[str, Para] = {}
        for para in self.paras:
            for flag in para.flags:
                table.setdefault(flag, para)
        return table

    def summary(self) -> str:
        """What the command is, in a line: its NAME paragraph, or its tldr description."""
        for para in self.paras:
            first = " ".join(para.text.split())
            if para.heading == "NAME" and " - " in first:
                return first.split(" - ", 1)[1]
            if para.heading == "" and " — " in para.text.splitlines()[0]:
                return para.text.splitlines()[0].split(" — ", 1)[1].strip()
        return ""


def _line(text: str, width: int = 160) -> str:
    """An option paragraph in a line: its flags, then the first sentence of what they do."""
    lines = [" ".join(ln.split()) for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    rest = " ".join(lines[1:])
    sentence = re.match(r"(.*?[.!?])(\s|$)", rest)
    line = lines[0] + (f"  {sentence.group(1) if sentence else rest}" if rest else "")
    return line if len(line) <= width else line[: width - 1] + "…"


def _match(flag: str, table: dict[str, Para]) -> str | None:
    """The defined flag ``flag`` stands for: itself, --no-X for --X, or a unique --prefix."""
    if flag in table:
        return flag
    if flag.startswith("--no-") and "--" + flag[5:] in table:
        return "--" + flag[5:]
    if flag.startswith("--"):
        found = [f for f in table if f.startswith(flag)]
        return found[0] if len(found) == 1 else None
    return None


_SECTION_RANK = {"1": 0, "8": 1, "6": 2}
_PLATFORM_RANK = {"common": 0, "linux": 1}
OLD_STYLE = {"tar", "ps", "ar"}  # take their first word as bundled flags without a dash


class Lookup:
    """The page of each command: from the index (its man or tldr paragraphs), else this
    machine's man page. Reads only the rows of the commands asked for."""

    def __init__(self, index, *, local_man: bool = True) -> None:
        self.index = index
        self.local_man = local_man
        self._pages: dict[str, Page | None] = {}

    def page(self, command: str) -> Page | None:
        if command not in self._pages:
            page = self._from_index(command) if self.index is not None else None
            if (page is None or not page.paras) and self.local_man:
                page = _local_page(command) or page
            self._pages[command] = page
        return self._pages[command]

    def _from_index(self, command: str) -> Page | None:
        import json

        sql = (
            "SELECT doc_id, kind, title, text, metadata FROM chunks WHERE metadata LIKE ? "
            "AND position = 0 ORDER BY doc_id"
        )
        docs: dict[str, list[tuple[str, str, dict]]] = {}
        examples: list[tuple[int, str, list[str]]] = []
        for doc_id, kind, title, text, meta in self.index.store.con.execute(
            sql, (f'%"command": "{command}"%',)
        ):
            m = json.loads(meta)
            if m.get("command") != command:
                continue
            if kind == "example":
                examples.append((_PLATFORM_RANK.get(m.get("platform", ""), 2), text, m.get("flags") or []))
            else:
                docs.setdefault(str(m.get("page") or doc_id), []).append((title, text, m))
        if not docs and not examples:
            return None

        def rank(key: str) -> tuple[int, int, str]:
            m = docs[key][0][2]
            manpage = 0 if "section" in m else 1
            return manpage, _SECTION_RANK.get(str(m.get("section", ""))[:1], 3), key

        best = min(docs, key=rank) if docs else ""
        rows = docs.get(best, [])
        meta = rows[0][2] if rows else {}
        label = f"{command}({meta['section']})" if "section" in meta else (rows[0][0] if rows else command)
        paras = [Para(m.get("heading", ""), text, list(m.get("flags") or [])) for _, text, m in rows]
        shown: dict[str, list[str]] = {}
        for _, text, flags in sorted(examples, key=lambda e: e[0]):
            shown.setdefault(text, flags)
        return Page(command, label, f"index {self.index.name}", paras, list(shown.items()))

    def flag_line(self, command: str, flag: str) -> str | None:
        page = self.page(command)
        table = page.flag_table() if page else {}
        found = _match(flag, table)
        return _line(table[found].text) if found else None

    def commands(self, code: str) -> list[tuple[str, list[str], Page | None]]:
        """(name, words, page) for each simple command of ``code``, subcommand pages resolved."""
        from ..verify.bash import BUILTINS, SUBCOMMAND_PAGES, simple_commands

        out: list[tuple[str, list[str], Page | None]] = []
        for words in simple_commands(code):
            name = os.path.basename(words[0])
            if name in BUILTINS or words[0].startswith(("$", "`", "./")):
                out.append((name, words, None))
                continue
            if name in SUBCOMMAND_PAGES and len(words) > 1 and not words[1].startswith("-"):
                sub = self.page(f"{name}-{words[1]}")
                if sub is not None:
                    out.append((f"{name}-{words[1]}", words[1:], sub))
                    continue
            page = self.page(name)
            if page and name in OLD_STYLE and len(words) > 1 and words[1].isalpha():
                table = page.flag_table()
                if all(f"-{c}" in table for c in words[1]):
                    words = [words[0], "-" + words[1], *words[2:]]
            out.append((name, words, page))
        return out

    def summary(self, code: str) -> str:
        parts = []
        for name, _, page in self.commands(code):
            what = page.summary() if page else ""
            if what and f"{name}: {what}" not in parts:
                parts.append(f"{name}: {what}")
        return " · ".join(parts)

    def paragraphs_for(self, code: str) -> list[tuple[str, str]]:
        """(title, paragraph) defining each flag ``code`` uses, in order."""
        from ..verify.bash import flags_used

        out: list[tuple[str, str]] = []
        for _, words, page in self.commands(code):
            if page is None:
                continue
            table = page.flag_table()
            for flag in flags_used(words, set(table)):
                found = _match(flag, table)
                if found and (item := (f"{page.label} {found}", table[found].text)) not in out:
                    out.append(item)
        return out


def _local_page(command: str) -> Page | None:
    """This machine's man page for ``command``, split the way the man indexer splits pages."""
    from ..verify.bash import local_man_paragraphs

    paras = [Para(p.heading, p.text, list(p.flags)) for p in local_man_paragraphs(command) or ()]
    return Page(command, f"man {command}", "this machine", paras) if paras else None


def explain_command(code: str, index, width: int = 100) -> str:
    """Each simple command of ``code`` with what it is, and each flag with its defining man line."""
    from ..verify.bash import flags_used

    lookup = Lookup(index)
    out = [click.style(code, bold=True)]
    for name, words, page in lookup.commands(code):
        if page is None:
            from ..verify.bash import BUILTINS

            why = (
                f"a shell builtin: see `help {name}`"
                if name in BUILTINS
                else "no man page in the index or here"
            )
            out.append(f"{click.style(name, fg='cyan', bold=True)} — {why}")
            continue
        what = page.summary()
        out.append(
            f"{click.style(name, fg='cyan', bold=True)}" + (f" — {what}" if what else "")
            + click.style(f"  ({page.label}, {page.where})", dim=True)
        )  # fmt: skip
        table = page.flag_table()
        flags = flags_used(words, set(table))
        pad = max((len(f) for f in flags), default=0)
        for flag in flags:
            found = _match(flag, table)
            if found:
                out.append(f"  {flag.ljust(pad)}  {_line(table[found].text, width - pad - 4)}")
            else:
                out.append(click.style(f"  {flag.ljust(pad)}  ✗ not in {page.label}", fg="red"))
    return "\n".join(out)


def tldr_page(command: str, index, width: int = 100) -> str:
    """A tldr-style page: what ``command`` is, its examples, its most used options."""
    import textwrap

    command = command.split()[0]
    page = Lookup(index).page(command)
    where = f"in index {index.name!r} or " if index is not None else ""
    if page is None:
        raise BadInput(f"no page for {command!r} {where}on this machine: check the name")
    examples = page.examples or _examples_elsewhere(command, index.name if index is not None else "")
    examples = examples or _man_examples(page)
    head = click.style(command, bold=True) + (f" — {page.summary()}" if page.summary() else "")
    out = [head, click.style(f"({page.label}, {page.where})", dim=True)]
    prose = [p for p in page.paras if p.heading == "DESCRIPTION" and not p.flags][:1]
    if not prose and page.paras and page.paras[0].heading == "":  # a tldr page: its lines after the title
        prose = [Para("", "\n".join(page.paras[0].text.splitlines()[1:]), [])]
    for p in prose:
        text = " ".join(p.text.split())
        out += ["", textwrap.fill(text[:600] + ("…" if len(text) > 600 else ""), width)]
    if examples:
        out += ["", click.style("Examples", bold=True)]
        for text, _ in examples[:8]:
            what, _, line = text.rpartition("\n")
            what = textwrap.shorten(what, width - 2, placeholder="…") if what else ""
            out += [f"  {what}" if what else "", click.style(f"    {line}", fg="green")]
    table = page.flag_table()
    if table:
        used: dict[str, int] = {}
        for _, flags in examples:
            for f in flags:
                if (found := _match(f, table)) is not None:
                    used[found] = used.get(found, 0) + 1
        options = list(dict.fromkeys(id(p) for p in page.paras if p.flags))
        by_id = {id(p): p for p in page.paras}
        first = {id(table[f]): n for f, n in used.items()}
        generic = {id(table[f]) for f in ("--help", "--version", "--usage") if f in table}
        options.sort(key=lambda i: (-first.get(i, 0), i in generic))
        out += ["", click.style("Options", bold=True)]
        for i in options[:12]:
            out.append(f"  {_line(by_id[i].text, width - 2)}")
        if len(options) > 12:
            out.append(click.style(f"  (+{len(options) - 12} more: man {command})", dim=True))
    return "\n".join(out)


def _man_examples(page: Page) -> list[tuple[str, list[str]]]:
    """(what, command line) from the page's EXAMPLES paragraphs: the first line in each that runs
    the command (after a ``$`` prompt, or indented below the prose), the prose before it."""
    out: list[tuple[str, list[str]]] = []
    for para in page.paras:
        if not para.heading.startswith("EXAMPLE"):
            continue
        lines = para.text.splitlines()
        base = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
        for i, raw in enumerate(lines):
            line = raw.strip()
            prompted = line[:2] in ("$ ", "% ", "# ")
            line = line[2:].strip() if prompted else line
            indented = len(raw) - len(raw.lstrip()) >= base + 4
            runs = line.split(" ", 1)[0] == page.command and " " in line and not line.endswith("\\")
            if runs and (prompted or indented):
                what = " ".join(" ".join(lines[:i]).replace("•", " ").split())
                first = re.match(r"(.*?[.:!?])(\s|$)", what)
                what = first.group(1) if first else what
                out.append((f"{what}\n{line}" if what else line, []))
                break
    return out


def _examples_elsewhere(command: str, current: str) -> list[tuple[str, list[str]]]:
    """Examples for ``command`` from another default index (a man index has none; tldr does)."""
    from ..store import registry

    for name in DEFAULT_INDEXES:
        if name != current and registry.path_of(name).exists():
            try:
                page = Lookup(registry.open_index(name), local_man=False)._from_index(command)
            except DocpromptError:
                continue
            if page and page.examples:
                return page.examples
    return []


if __name__ == "__main__":
    main()
