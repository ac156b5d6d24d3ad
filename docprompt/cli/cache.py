"""``docprompt cache info|clear``: the embedding cache builds keep their vectors in."""

from __future__ import annotations

import click


@click.group("cache")
def cache() -> None:
    """The embedding cache (under $DOCPROMPT_HOME/cache/embeddings): every paragraph a build
    embeds is saved there, so a killed build resumes and nothing is embedded twice."""


@cache.command("info")
@click.option("--json", "as_json", is_flag=True, help="print it as JSON")
def info(as_json: bool) -> None:
    """Where the cache is, its cap, and one line per embedder it holds vectors of."""
    import json

    from ..store import embcache

    rows = [embcache.describe(f) for f in embcache.files()]
    total = sum(f["MB"] for f in rows)
    cap = embcache.max_bytes() / 1e6
    if as_json:
        click.echo(json.dumps({"folder": str(embcache.cache_dir()), "cap_MB": cap, "files": rows}, indent=2))
        return
    click.echo(f"folder:  {embcache.cache_dir()}")
    click.echo(f"size:    {total:.1f} MB of {cap:.0f} MB (DOCPROMPT_EMBED_CACHE_MB; 0 turns it off)")
    for f in rows:
        click.echo(f"  {f['vectors']:>9} vectors  {f['MB']:>8.1f} MB  used {f['last_used']}  {f['embedder']}")


@cache.command("clear")
@click.option("--embedder", "contains", help="only the vectors of embedders whose identity contains this")
@click.option("-y", "--yes", is_flag=True, help="do not ask")
def clear(contains: str | None, yes: bool) -> None:
    """Delete the cached vectors (indexes keep theirs; the next build embeds again)."""
    from ..store import embcache

    what = f"the cached vectors of embedders matching {contains!r}" if contains else "every cached vector"
    if not yes and not click.confirm(f"delete {what} in {embcache.cache_dir()}?", default=False):
        return
    gone = embcache.clear(contains)
    n = sum(f.vectors for f in gone)
    click.echo(f"deleted {n} vectors of {len(gone)} embedder(s), {sum(f.bytes for f in gone) / 1e6:.1f} MB")
