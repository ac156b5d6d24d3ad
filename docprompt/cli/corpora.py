"""``docprompt corpora list`` and ``docprompt corpora fetch tldr|devdocs``."""

from __future__ import annotations

import json

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
@click.argument("corpus", type=click.Choice(["tldr", "devdocs"]))
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.option("--url", help="tldr: the release archive to download [the latest official tldr.zip]")
@click.option(
    "--from",
    "from_",
    metavar="ARCHIVE",
    help="tldr, offline: a tldr-pages archive file (tldr.zip, .tar.gz) to unpack",
)
def fetch(corpus, slugs, url, from_):
    """Download a corpus into $DOCPROMPT_HOME/corpora, recording its version and sha256.

    \b
    tldr: the official release archive; `--corpus tldr` and `dp` then find it.
    devdocs SLUG...: DevDocs' published docs (python~3.12, numpy~2.0); index them with
    `--source devdocs:SLUG` (a slug not fetched yet is fetched by the build itself).
    """
    from ..errors import BadInput

    if corpus == "devdocs":
        if url or from_:
            raise BadInput(
                "--url and --from are for tldr; DevDocs is fetched by slug ($DOCPROMPT_DEVDOCS_URL: a mirror)"
            )
        _fetch_devdocs(slugs)
    elif slugs:
        raise BadInput(
            f"tldr takes no slug (got {slugs[0]!r}); DevDocs does: `corpora fetch devdocs {slugs[0]}`"
        )
    else:
        _fetch_tldr(url, from_)


def _fetch_devdocs(slugs: tuple[str, ...]) -> None:
    from .. import devdocsfetch
    from ..errors import BadInput

    if not slugs:
        raise BadInput("give the DevDocs slugs to fetch: `docprompt corpora fetch devdocs python~3.12`")
    for slug in slugs:
        click.echo(f"downloading DevDocs' {slug} from {devdocsfetch.urls()[0]} …", err=True)
        folder = devdocsfetch.fetch(slug)
        r = devdocsfetch.release(slug) or {}
        entries = len(json.loads((folder / "index.json").read_text())["entries"])
        release = r.get("release") or r.get("version") or "unknown release"
        click.echo(f"DevDocs {slug} ({release}, {entries} entries) in {folder}")
    click.echo(f"index them: docprompt index build NAME {' '.join(f'--source devdocs:{s}' for s in slugs)}")


def _fetch_tldr(url: str | None, from_: str | None) -> None:
    from pathlib import Path

    from ..download import sha256_of
    from ..errors import BadInput
    from ..tldrpages import RELEASE_URL, corpora_dir, release, unpack
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
    r = release() or {}
    count = sum(1 for _ in pages.glob("*/*.md"))
    digest = r.get("sha256", "?")[:12]
    click.echo(f"tldr pages {r.get('version', 'unknown')} ({count} pages, sha256 {digest}) in {pages}")
    click.echo("index them: docprompt index build tldr --corpus tldr")
