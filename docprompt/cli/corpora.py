"""``docprompt corpora list``."""

from __future__ import annotations

import click


@click.group()
def corpora() -> None:
    """Ready-made corpus recipes for `docprompt index build NAME --corpus RECIPE`."""


@corpora.command("list")
def list_() -> None:
    """List the shipped recipes, their indexer and whether their paths exist here."""
    from rich.console import Console
    from rich.table import Table

    from ..recipes import load, shipped

    table = Table("recipe", "indexer", "paths", "description")
    for name in sorted(shipped()):
        r = load(name)
        if r.source:
            paths = [f"{s.name or s.indexer}: {', '.join(_where(p) for p in s.paths)}" for s in r.source]
            indexer = "+".join(s.indexer for s in r.source)
        else:
            paths = [_where(p) for p in r.expanded_paths()] or ["[yellow](give the paths)[/]"]
            indexer = r.indexer
        table.add_row(name, indexer, "\n".join(paths), r.description)
    Console().print(table)


def _where(path: str) -> str:
    """A recipe path as `corpora list` shows it: what it stands for here, or that it is missing."""
    from pathlib import Path

    from ..tldrpages import FOUND, find_pages

    if path == "MANPATH":
        return path
    if path == FOUND:
        found = find_pages()
        return f"{path}: {found}" if found else f"{path} [red](none here: docprompt corpora fetch tldr)[/]"
    return path if Path(path).exists() else f"{path} [red](missing)[/]"


@corpora.command("fetch")
@click.argument("corpus", type=click.Choice(["tldr"]))
@click.option("--url", help="the release archive to download [the latest official tldr.zip]")
@click.option(
    "--from",
    "from_",
    metavar="ARCHIVE",
    help="offline: a tldr-pages archive file (tldr.zip, .tar.gz) to unpack",
)
def fetch(corpus, url, from_):
    """Download the tldr pages (the official release archive) into $DOCPROMPT_HOME/corpora/tldr,
    recording their version and sha256; `--corpus tldr` and `dp` then find them."""
    from pathlib import Path

    from ..errors import BadInput
    from ..tldrpages import RELEASE_URL, corpora_dir, sha256_of, unpack
    from ..tldrpages import fetch as download

    if url and from_:
        raise BadInput("give --url or --from, not both")
    if from_:
        archive = Path(from_).expanduser()
        if not archive.is_file():
            raise BadInput(f"no archive file {from_}: give a tldr.zip or .tar.gz of the tldr pages")
        pages = unpack(
            archive, corpora_dir(), {"archive": str(archive.resolve()), "sha256": sha256_of(archive)}
        )
    else:
        click.echo(f"downloading {url or RELEASE_URL} …", err=True)
        pages = download(url or RELEASE_URL)
    from ..tldrpages import release

    r = release() or {}
    count = sum(1 for _ in pages.glob("*/*.md"))
    digest = r.get("sha256", "?")[:12]
    click.echo(f"tldr pages {r.get('version', 'unknown')} ({count} pages, sha256 {digest}) in {pages}")
    click.echo("index them: docprompt index build tldr --corpus tldr")
