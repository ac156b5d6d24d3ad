"""``docprompt index add-source|remove-source``: change an index's set of named sources and
rebuild it; text that did not change keeps its vectors, so only the new source is embedded."""

from __future__ import annotations

import click

from .index import _build_sources, _parse_options, index


def _current(name: str):
    from ..config import BuildSettings
    from ..sources import sources_of
    from ..store import registry

    m = registry.open_index(name).manifest
    return sources_of(m), BuildSettings.model_validate(m.settings)


@index.command("add-source")
@click.argument("name")
@click.argument("spec", metavar="[SOURCE=]INDEXER:PATH[,PATH]")
@click.option(
    "-o",
    "--option",
    "indexer_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="an option of the source's indexer (VALUE read as JSON when it parses); repeatable",
)
def add_source(name, spec, indexer_options):
    """Add a source to the index NAME and rebuild it (only the new text is embedded)."""
    from rich.console import Console

    from ..errors import BadInput
    from ..sources import parse_source

    source = parse_source(spec)
    source = source.model_copy(update={"options": _parse_options(indexer_options)})
    sources, settings = _current(name)
    if source.name in {s.name for s in sources}:
        raise BadInput(
            f"index {name!r} has a source {source.name!r} already: name this one (NEW={spec}) "
            f"or remove that one with `docprompt index remove-source {name} {source.name}`"
        )
    _build_sources(name, [*sources, source], settings, Console(stderr=True))


@index.command("remove-source")
@click.argument("name")
@click.argument("source")
def remove_source(name, source):
    """Remove the source SOURCE from the index NAME and rebuild it (nothing is embedded)."""
    from rich.console import Console

    from ..errors import BadInput

    sources, settings = _current(name)
    names = [s.name for s in sources]
    if source not in names:
        raise BadInput(f"index {name!r} has no source {source!r}; its sources: {', '.join(names)}")
    if len(sources) == 1:
        raise BadInput(
            f"{source!r} is the only source of {name!r}: remove the index with `docprompt index rm {name}`"
        )
    _build_sources(name, [s for s in sources if s.name != source], settings, Console(stderr=True))
