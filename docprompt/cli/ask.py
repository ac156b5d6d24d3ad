"""``docprompt ask``: write a command or code for a request, grounded in an index, then verify it."""

from __future__ import annotations

import click

from ..kinds import Language, choices


@click.command("ask")
@click.argument("name")
@click.argument("request")
@click.option("--lang", type=click.Choice(choices(Language)), help="language [from the index's sources]")
@click.option("--backend", help="model backend: auto, ollama, embedded, or a plugin's [auto]")
@click.option("--model", help="Ollama model name, embedded model name or a .gguf path")
@click.option("-k", "k", type=click.IntRange(0, 50), help="docs in the prompt [5]")
@click.option("--examples", type=click.IntRange(0, 20), help="few-shot examples in the prompt [3]")
@click.option("--verify/--no-verify", default=None, help="check flags / APIs against the docs [verify]")
@click.option("--no-repair", is_flag=True, help="verify, but do not ask the model to fix what fails")
@click.option("--max-tokens", type=click.IntRange(16, 4096), help="longest answer, in tokens [256]")
@click.option("--template", type=click.Path(exists=True, dir_okay=False), help="a prompt template TOML")
@click.option("--show-prompt", is_flag=True, help="print the prompt sent to the model")
@click.option("--json", "as_json", is_flag=True, help="print the Answer as JSON (no streaming)")
def ask(
    name,
    request,
    lang,
    backend,
    model,
    k,
    examples,
    verify,
    no_repair,
    max_tokens,
    template,
    show_prompt,
    as_json,
):
    """Ask for code: REQUEST in plain English, answered from index NAME (or several, NAME,NAME:
    their hits fused by rank, the answer verified against all of them).

    \b
      docprompt ask man "extract a gzipped archive into /tmp"
      docprompt ask mylib "load the customers and bill the overdue ones" --lang python
      docprompt ask man,tldr "show which process listens on port 8080"

    The answer streams, then how risky it is to run (⚠ DANGER / careful, with the reasons) and
    the docs it rests on: for Bash, the man page line behind each flag. Nothing is run.
    """
    import json
    import sys

    from rich.console import Console
    from rich.markup import escape

    from ..pipeline import DocPrompt
    from ..retrieve import check_query
    from ..safety import assess

    check_query(request)
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    from ..multi import index_names

    dp = DocPrompt.load(
        index_names(name),
        backend=backend,
        model=model,
        k=k,
        examples=examples,
        template=template,
        max_tokens=max_tokens,
    )

    def show(built) -> None:
        err.rule("prompt")
        err.print("\n\n".join(f"<{m['role']}>\n{m['content']}" for m in built), markup=False)
        err.rule()

    def stream(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    if verify is None:
        from ..config import resolve

        verify = resolve("generate").verify
    answer = dp.ask(
        request,
        language=lang,
        verify=verify,
        repair=not no_repair,
        on_prompt=show if show_prompt else None,
        on_token=None if as_json else stream,
    )
    risk = assess(answer.code, language=answer.language)
    if as_json:
        click.echo(json.dumps({**answer.to_dict(), "risk": risk.to_dict()}, indent=2))
        return
    out.print()
    out.rule(f"[bold]{answer.language}")
    out.print(answer.code or "[red](the model gave no code)", markup=not answer.code)
    label, colour = ("DANGER", "bold red") if risk.dangerous else ("careful", "yellow")
    for why in risk.reasons:
        out.print(f"[{colour}]⚠ {label}: {escape(why)}")
    report = answer.verification
    if report is not None:
        if report.verified:
            out.print(f"[green]✓ {report.summary()}")
        elif report.ok:
            out.print(f"[yellow]? {report.summary()}")
        else:
            out.print(f"[red]✗ {report.summary()}")
        if answer.repaired:
            out.print(f"[yellow]repaired from: {answer.first_code}")
    for item, line in answer.evidence.items():
        out.print(f"  [cyan]{item}[/]: {line}", markup=True)
    if answer.cited:
        # a page and its command card share a title: name each doc once
        titles = dict.fromkeys(h.chunk.title or h.chunk.doc_id for h in answer.cited)
        out.print("[dim]docs:[/] " + ", ".join(titles))
    t = answer.timings
    err.print(
        f"[dim]{answer.backend}:{answer.model} · retrieve {t.get('retrieve_s', 0):.2f}s · "
        f"generate {t.get('generate_s', 0):.1f}s · total {t.get('total_s', 0):.1f}s"
    )
