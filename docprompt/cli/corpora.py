"""``docprompt corpora list``."""

from __future__ import annotations

import click


@click.group()
def corpora() -> None:
    """Ready-made corpus recipes for `docprompt index build NAME --corpus RECIPE`."""


@corpora.command("list")
def list_() -> None:
    """List the shipped recipes, their indexer and whether their paths exist here."""
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from ..recipes import load, shipped

    table = Table("recipe", "indexer", "paths", "description")
    for name in sorted(shipped()):
        r = load(name)
        paths = [
            p if p == "MANPATH" or Path(p).exists() else f"{p} [red](missing)[/]" for p in r.expanded_paths()
        ]
        table.add_row(name, r.indexer, "\n".join(paths), r.description)
    Console().print(table)
