"""``dp``: a shell command for a request in plain English, shown with the man page line behind
each flag. Nothing runs until you choose [r]un (Enter quits).

    dp find files larger than 1G modified this week
    dp --explain 'tar xzf a.tgz -C /tmp'     # each flag's defining man line; no model
    dp --page tar                            # a tldr-style page from the index; no model
    dp --print-only "..."                    # just the command (the shell widget uses this)

``docprompt cmd`` is the same command. The docs come from ``--index NAME``, else
``$DOCPROMPT_INDEX``, else the first of shell, man, linux-man, tldr that exists; on a fresh
machine dp offers to build ``shell``: the local man pages and the tldr pages in one index.
Only click and the standard library load with this module: the docs are on screen before the model is loaded.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ...errors import BadInput, DocpromptError
from .menu import MENU as MENU  # re-exported for tests and the shell widget
from .menu import tty, width

if TYPE_CHECKING:
    from ...pipeline import DocPrompt

_T0 = time.perf_counter()
DEFAULT_INDEXES = ("shell", "man", "linux-man", "tldr")


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
    "--index",
    "index_name",
    metavar="NAME",
    help="the docs index, or several as NAME,NAME [$DOCPROMPT_INDEX, shell, man, linux-man, tldr]",
)
@click.option("--backend", help="model backend: auto, ollama, embedded, or a plugin's [auto]")
@click.option("--model", help="Ollama model name, embedded model name or a .gguf path")
@click.option("-k", "k", type=click.IntRange(0, 50), help="docs in the prompt [5]")
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
        from ...cmdref import explain, tldr_page

        index = _existing_index(index_name)
        if mode == "explain":
            click.echo(explain(text, index, width(), style=click.style))
        else:
            others = [i for i in _default_indexes() if index is None or i.path != index.path]
            click.echo(tldr_page(text, index, width(), style=click.style, others=others))
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


def _interactive() -> bool:
    return tty(sys.stdin) and tty(sys.stdout)


def _existing_index(name: str | None):
    """The named index, else the first default one that exists, else None (no offer to build)."""
    from ...multi import open_indexes
    from ...store import registry

    name = name or os.environ.get("DOCPROMPT_INDEX")
    if not name:
        name = next((n for n in DEFAULT_INDEXES if registry.path_of(n).exists()), None)
    return open_indexes(name) if name else None


def pick_index(name: str | None, *, interactive: bool) -> str:
    """``name``, else ``$DOCPROMPT_INDEX``, else the first default that exists; none: offer to build."""
    from ...multi import index_names
    from ...store import registry

    name = name or os.environ.get("DOCPROMPT_INDEX")
    if name:
        for one in index_names(name):
            registry.resolve(one)  # a missing index is a one-line error naming the known ones
        return name
    for default in DEFAULT_INDEXES:
        if registry.path_of(default).exists():
            return default
    return first_use(interactive)


def tldr_pages() -> Path | None:
    """The tldr pages on this machine: a tldr client's cache (the Python client, tealdeer, tlrc)
    or what `docprompt corpora fetch tldr` unpacked (see docprompt.tldrpages)."""
    from ...tldrpages import find_pages

    return find_pages()


def first_use(interactive: bool) -> str:
    """No index yet: build ``shell`` (the local man pages and the tldr pages, in one index) if
    the user agrees."""
    tldr = tldr_pages()
    howto = "`docprompt index build shell`"
    if not interactive:
        raise BadInput(f"no docs index yet: build one with {howto}, or name one with --index")
    from ...estimate import estimate
    from ...recipes import shell_sources

    click.echo("dp answers from an index of docs, and there is none yet.")
    what = "this machine's man pages" + (f" and the tldr pages in {tldr}" if tldr else "")
    click.echo("estimating how long it takes to build …", err=True)
    cost = estimate(shell_sources()[0])
    if not click.confirm(f"Build one now from {what} ({cost.describe()})?", default=True):
        raise BadInput(f"no docs index: build one later with {howto}")
    build_default_indexes(tldr)
    return "shell"


def build_default_indexes(tldr: Path | None) -> None:
    """What `docprompt index build shell` does: the man pages (and the tldr pages when found)
    in one index, with progress bars."""
    from rich.console import Console

    from ...recipes import SHELL_INDEX, shell_sources
    from ..index import _build_sources

    console = Console(stderr=True)
    sources, settings = shell_sources()
    console.print(f"building index [bold]{SHELL_INDEX}[/] from " + " and ".join(s.name for s in sources))
    _build_sources(SHELL_INDEX, sources, settings, console)


# -- asking ---------------------------------------------------------------------------------------


def _load(name: str, backend: str | None, model: str | None, k: int) -> DocPrompt:
    from ...multi import index_names
    from ...pipeline import DocPrompt

    return DocPrompt.load(index_names(name), backend=backend, model=model, k=k, language="bash")


def _print_only(name: str, request: str, backend, model, k) -> NoReturn:
    from ...safety import assess

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
    from ...cmdref import Lookup
    from .menu import menu

    return menu(dp, answer, Lookup(dp.index))


def _default_indexes() -> list:
    """The default indexes that exist (for examples a man index lacks)."""
    from ...store import registry

    out = []
    for name in DEFAULT_INDEXES:
        if registry.path_of(name).exists():
            try:
                out.append(registry.open_index(name))
            except DocpromptError:
                continue
    return out
