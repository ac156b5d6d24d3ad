"""``docprompt search NAME QUERY``."""

from __future__ import annotations

import click

from ..kinds import Fusion, Mode, choices


def _parse_filters(items: tuple[str, ...]) -> dict[str, list[str]]:
    from ..errors import BadInput

    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadInput(f"bad filter {item!r}: write KEY=VALUE, e.g. kind=example")
        filters.setdefault(key, []).append(value)
    return filters


@click.command()
@click.argument("name")
@click.argument("query")
@click.option("-k", type=click.IntRange(1, 1000), help="hits to show [5]")
@click.option(
    "--mode",
    type=click.Choice(choices(Mode)),
    help="[the index's tuned mode, else hybrid]; two-stage: best pages first, then paragraphs in them",
)
@click.option("--pages", type=click.IntRange(1, 100), help="pages kept by two-stage [5]")
@click.option("--fusion", type=click.Choice(choices(Fusion)), help="[the index's tuned fusion, else rrf]")
@click.option("--sparse-weight", type=click.FloatRange(0, 1), help="[the index's tuned weight, else 0.5]")
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="KEY=VALUE",
    help="filter on kind, language, source or any metadata key (repeatable)",
)
@click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="SOURCE",
    help="only chunks of this named source of the index (repeatable: any of them)",
)
@click.option("--json", "as_json", is_flag=True, help="print hits as JSON")
def search(name, query, k, mode, pages, fusion, sparse_weight, where, source_names, as_json):
    """Search the index NAME; each hit says why it ranked where it did.

    Defaults in [brackets] come from the settings file's [search] table when it has one.
    """
    import json

    from ..config import settings

    conf = settings().search
    written = conf.model_fields_set  # the file's keys win over the index's tuned defaults
    k = conf.k if k is None else k
    mode = mode or (conf.mode if "mode" in written else None)
    fusion = fusion or (conf.fusion if "fusion" in written else None)
    if sparse_weight is None and "sparse_weight" in written:
        sparse_weight = conf.sparse_weight
    from ..retrieve import Retriever, check_query
    from ..store import registry

    check_query(query)
    filters = _parse_filters(where)
    index = registry.open_index(name)
    if source_names:
        from ..sources import SOURCE_KEY, check_sources

        filters[SOURCE_KEY] = check_sources(index.manifest, source_names, name)
    retriever = Retriever(index, mode=mode, fusion=fusion, sparse_weight=sparse_weight, pages=pages)
    hits = retriever.retrieve(query, k=k, filters=filters or None)
    if as_json:
        click.echo(json.dumps([h.model_dump(mode="json") for h in hits], indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.panel import Panel

    console = Console()
    if not hits:
        console.print("no hits")
    for i, h in enumerate(hits, 1):
        text = h.chunk.text if len(h.chunk.text) < 700 else h.chunk.text[:700] + " …"
        console.print(
            Panel(
                text,
                title=f"{i}. {h.chunk.title}  ({h.chunk.id})",
                subtitle=h.explain(),
                title_align="left",
                subtitle_align="right",
                highlight=False,
            )
        )
