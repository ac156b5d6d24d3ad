"""``docprompt index build|update|list|info|rm``."""

from __future__ import annotations

import click


def _settings(base, embedder, chunk_size, chunk_overlap, hnsw_threshold, max_file_bytes=None, entry_text=None,
              **store):  # fmt: skip
    """The recipe's build settings with the options given on the command line on top."""
    from ..config import BuildSettings, validated

    given = {
        "embedder": embedder,
        "chunk_size": chunk_size,
        "chunk_overlap": chunk_overlap,
        "hnsw_threshold": hnsw_threshold,
        "max_file_bytes": max_file_bytes,
        "entry_text": entry_text,
        **store,  # store, uri, collection
    }
    overrides = {k: v for k, v in given.items() if v is not None}
    return validated(BuildSettings, base.model_dump() | overrides, "option")


def _build(name, paths, indexer_name, options, settings, console, token=None):
    """One source: ``indexer_name`` over ``paths`` (the single-indexer form)."""
    from ..models import IndexSource

    source = IndexSource(
        name=indexer_name, indexer=indexer_name, paths=list(paths), options=dict(options or {})
    )
    _build_sources(name, [source], settings, console, token)


def _build_sources(name, sources, settings, console, token=None):
    from ..progress import RichReporter
    from ..sources import build_from_sources
    from ..store import registry

    manifest = build_from_sources(
        registry.path_of(name),
        sources,
        settings=settings,
        name=name,
        reporter=RichReporter(console),
        token=token,
    )
    c = manifest.counts
    where = ""
    if manifest.store == "milvus":
        where = f" into Milvus collection {manifest.collection} at {manifest.uri}"
    console.print(
        f"[green]built[/] {name}{where}: {c['documents']} documents, {c['chunks']} chunks "
        f"({c['embedded']} embedded, {c['reused_vectors']} reused) in {manifest.build_seconds:.1f}s",
        highlight=False,
    )
    if len(manifest.index_sources) > 1:
        for s in manifest.index_sources:
            console.print(f"  {s.name} ({s.indexer}): {s.counts.get('documents', 0)} documents, "
                          f"{s.counts.get('chunks', 0)} chunks", highlight=False)  # fmt: skip
    if manifest.skipped:
        console.print(f"[yellow]skipped[/] {sum(manifest.skipped.values())} inputs:")
        for line in manifest.skip_lines(limit=3):
            console.print(f"  {line}", markup=False, highlight=False)
        console.print(f"  (all of them: docprompt index info {name} --skipped)", style="dim")
    return manifest


build_options = [
    click.option("--embedder", help="embedding model: name, local folder, or ollama:MODEL"),
    click.option(
        "--corpus",
        help="a corpus recipe (.toml file, or a shipped one: see `docprompt corpora list`)",
    ),
    click.option("--indexer", "indexer_name", help="source indexer, by registered name [files]"),
    click.option(
        "--source",
        "source_specs",
        multiple=True,
        metavar="[NAME=]INDEXER:PATH[,PATH]",
        help="a named source (repeatable): e.g. --source python:src/acme --source docs:docs",
    ),
    click.option("--chunk-size", type=int, help="characters per chunk [900]"),
    click.option("--chunk-overlap", type=int, help="characters of overlap [120]"),
    click.option("--hnsw-threshold", type=int, help="use HNSW from this many chunks on [200000]"),
    click.option("--max-file-bytes", type=int, help="skip files larger than this [5000000]"),
    click.option(
        "--entry-text",
        type=click.Choice(["summary", "whole"]),
        help="what an API entry is embedded as: its name and first sentence, or all of it [whole]",
    ),
    click.option("--store", type=click.Choice(["local", "milvus"]), help="where the index lives [local]"),
    click.option("--uri", help="Milvus server URL or Lite .db file [$DOCPROMPT_MILVUS_URI, else milvus.db]"),
    click.option("--collection", help="Milvus collection [docprompt_NAME]"),
    click.option("--token", help="Milvus token (user:password or key) [$DOCPROMPT_MILVUS_TOKEN]"),
    click.option(
        "-o",
        "--option",
        "indexer_options",
        multiple=True,
        metavar="KEY=VALUE",
        help="an indexer option (VALUE read as JSON when it parses, else as text); repeatable",
    ),
]


def _parse_options(pairs) -> dict:
    import json

    from ..errors import BadInput

    out: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"indexer option {pair!r} is not KEY=VALUE")
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


def _with(options):
    def deco(f):
        for opt in reversed(options):
            f = opt(f)
        return f

    return deco


@click.group()
def index() -> None:
    """Build and manage named indexes (under $DOCPROMPT_HOME/indexes)."""


@index.command("build")
@click.argument("name")
@click.argument("paths", nargs=-1)
@_with(build_options)
def build(
    name, paths, corpus, embedder, indexer_name, source_specs, chunk_size, chunk_overlap, hnsw_threshold,
    max_file_bytes, entry_text, store, uri, collection, token, indexer_options,
):  # fmt: skip
    """Index PATHS (files or folders) as NAME, replacing any index of that name.

    An index is a set of named sources: --source INDEXER:PATH (repeatable; NAME=INDEXER:PATH
    names it), or PATHS with --indexer (one source). With --corpus, the recipe gives the
    sources (its indexer, paths and options, or its [[source]] tables; PATHS, if given, replace
    a one-source recipe's paths). `docprompt index build shell` alone builds the default Bash
    index: this machine's man pages and the tldr pages when found. Chunks whose text did not
    change keep their vectors, so
    rebuilding is cheap. With --store milvus the chunks go to a Milvus collection (a server,
    or a Milvus Lite file) and only the chunks that changed are written.
    """
    from rich.console import Console

    from ..config import BuildSettings
    from ..errors import BadInput
    from ..models import IndexSource
    from ..recipes import SHELL_INDEX, shell_sources
    from ..sources import parse_source
    from ..store.registry import check_name

    check_name(name)
    from ..config import settings

    base: BuildSettings = settings().build
    sources = [parse_source(spec) for spec in source_specs]
    if sources and (paths or indexer_name or corpus):
        raise BadInput("give sources with --source, or PATHS (with --indexer or --corpus), not both")
    if sources and indexer_options:
        raise BadInput(
            "-o applies to one indexer: with --source, put options in a recipe's [[source]] tables"
        )
    if corpus:
        from ..recipes import load

        recipe = load(corpus)
        base = recipe.build
        if recipe.source:
            if paths or indexer_name:
                raise BadInput(f"recipe {corpus!r} names its sources: give no PATHS or --indexer with it")
            sources = recipe.index_sources()
        else:
            if indexer_name and indexer_name != recipe.indexer:
                raise BadInput(
                    f"--indexer {indexer_name} contradicts the recipe's indexer {recipe.indexer!r}"
                )
            paths = paths or tuple(recipe.expanded_paths())
            if not paths:
                example = f"docprompt index build {name} --corpus {corpus} PATH"
                raise BadInput(f"recipe {corpus!r} names no paths: give them, e.g. {example}")
            options = {**recipe.options, **_parse_options(indexer_options)}
            sources = [
                IndexSource(name=recipe.indexer, indexer=recipe.indexer, paths=list(paths), options=options)
            ]
    default_shell = not sources and not paths and name == SHELL_INDEX  # the default Bash index
    if default_shell:
        sources, base = shell_sources()
    if not sources:
        if not paths:
            raise BadInput("give the PATHS to index, --source INDEXER:PATH, or a recipe with --corpus")
        indexer_name = indexer_name or "files"
        sources = [IndexSource(name=indexer_name, indexer=indexer_name, paths=list(paths),
                               options=_parse_options(indexer_options))]  # fmt: skip
    if (uri or collection) and (store or base.store) != "milvus":
        raise BadInput("--uri and --collection are for a Milvus index: add --store milvus")
    given = {"store": store, "uri": uri, "collection": collection}
    chosen = _settings(base, embedder, chunk_size, chunk_overlap, hnsw_threshold, max_file_bytes, entry_text,
                       **given)  # fmt: skip
    console = Console(stderr=True)
    if default_shell:  # long on a machine with many pages: say how long before it starts
        from ..estimate import estimate

        console.print(f"building {name} from {estimate(sources, chosen.onnx_precision).describe()}")
    _build_sources(name, sources, chosen, console, token)


@index.command("copy")
@click.argument("source")
@click.argument("name")
@click.option("--store", type=click.Choice(["local", "milvus"]), required=True, help="the copy's store")
@click.option("--uri", help="Milvus server URL or Lite .db file [$DOCPROMPT_MILVUS_URI, else milvus.db]")
@click.option("--collection", help="Milvus collection [docprompt_NAME]")
@click.option("--token", help="Milvus token (user:password or key) [$DOCPROMPT_MILVUS_TOKEN]")
def copy(source, name, store, uri, collection, token):
    """Copy the index SOURCE (a name or an index folder) as NAME into a store, reusing its
    vectors: e.g. a local index into Milvus, nothing embedded again."""
    from rich.console import Console

    from ..errors import BadInput
    from ..store import registry
    from ..store.copy import copy_index
    from .train import open_index_arg

    registry.check_name(name)
    if (uri or collection) and store != "milvus":
        raise BadInput("--uri and --collection are for a Milvus index: add --store milvus")
    with open_index_arg(source) as src:
        m = copy_index(src, registry.path_of(name), name=name, store=store, uri=uri, collection=collection,
                       token=token)  # fmt: skip
    where = f" (Milvus collection {m.collection} at {m.uri})" if m.store == "milvus" else ""
    Console(stderr=True).print(
        f"[green]copied[/] {source} to {name}{where}: {m.counts['chunks']} chunks in {m.build_seconds:.1f}s",
        highlight=False,
    )


@index.command("update")
@click.argument("name")
def update(name):
    """Re-read every source NAME was built from; only changed chunks are re-embedded."""
    from rich.console import Console

    from ..config import BuildSettings
    from ..sources import sources_of
    from ..store import registry

    m = registry.open_index(name).manifest
    settings = BuildSettings.model_validate(m.settings)
    _build_sources(name, sources_of(m), settings, Console(stderr=True))


@index.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def list_(as_json):
    """List the indexes."""
    import json

    from ..store import registry

    rows = registry.describe_all()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"name": n, "error": str(m)}
                    if isinstance(m, Exception)
                    else {
                        "name": n,
                        "chunks": m.counts.get("chunks"),
                        "embedder": m.embedder.name,
                        "built_at": m.built_at.isoformat(),
                    }
                    for n, m in rows
                ],
                indent=2,
            )
        )
        return
    if not rows:
        click.echo("no indexes yet; build one with `docprompt index build NAME PATH...`")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "chunks", "docs", "embedder", "built")
    for n, m in rows:
        if isinstance(m, Exception):
            table.add_row(n, "-", "-", f"[red]{m}[/]", "-")
        else:
            table.add_row(
                n,
                str(m.counts.get("chunks")),
                str(m.counts.get("documents")),
                m.embedder.name,
                m.built_at.strftime("%Y-%m-%d %H:%M"),
            )
    Console().print(table)


@index.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="print the whole manifest as JSON")
@click.option("--skipped", "show_skipped", is_flag=True, help="list every input the build skipped, by reason")
def info(name, as_json, show_skipped):
    """Show how NAME was built (its manifest)."""
    import json

    from ..store import registry
    from ..store.index import read_manifest

    path = registry.resolve(name)
    m = read_manifest(path)
    if as_json:
        click.echo(json.dumps(m.model_dump(mode="json"), indent=2))
        return
    click.echo(f"name:       {m.name}\npath:       {path}")
    graph = m.embedder.export or m.embedder.backend  # onnx-int8 / onnx-fp32: what embedded it
    click.echo(f"embedder:   {m.embedder.name} ({m.embedder.dim}-d, {graph})")
    if m.store == "milvus":
        click.echo(f"store:      milvus collection {m.collection} at {m.uri}")
        click.echo(f"dense:      milvus {m.dense_index}")
    else:
        click.echo(f"dense:      faiss {m.dense_index}")
    click.echo(f"sparse:     bm25 k1={m.bm25.k1} b={m.bm25.b} {m.bm25.method} tokenizer={m.bm25.tokenizer}")
    click.echo("counts:     " + ", ".join(f"{k}={v}" for k, v in m.counts.items()))
    click.echo(f"inputs:     {len(m.sources)} from {', '.join(m.roots) or '-'} ({m.indexer} indexer)")
    for s in m.index_sources:
        counts = ", ".join(f"{k}={v}" for k, v in s.counts.items())
        opts = f" {json.dumps(s.options)}" if s.options else ""
        click.echo(f"source:     {s.name}: {s.indexer}:{','.join(s.paths)}{opts} ({counts})")
    if m.skipped and show_skipped:
        click.echo("skipped:")
        for reason, n in sorted(m.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"  {n} {reason}")
            for file in m.skipped_files.get(reason, []):
                click.echo(f"    {file}")
            if n > len(m.skipped_files.get(reason, [])) and m.skipped_files.get(reason):
                click.echo(f"    … {n - len(m.skipped_files[reason])} more not recorded")
    elif m.skipped:
        click.echo("skipped:    " + "; ".join(m.skip_lines(limit=3)))
        click.echo(f"            (every file: docprompt index info {name} --skipped)")
    click.echo(
        f"built:      {m.built_at.isoformat()} in {m.build_seconds:.1f}s by docprompt {m.docprompt_version}"
    )


@index.command("rm")
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="do not ask for confirmation")
@click.option("--keep-collection", is_flag=True, help="a Milvus index: keep its collection (others use it)")
def rm(name, yes, keep_collection):
    """Delete the index NAME (a Milvus index: and its collection)."""
    from ..errors import DocpromptError
    from ..store import registry
    from ..store.index import read_manifest

    path = registry.resolve(name)
    try:
        m = read_manifest(path)
    except DocpromptError:
        m = None  # a damaged index is removed all the same
    drop = m is not None and m.store == "milvus" and not keep_collection
    what = f"index {name!r}" + (f" and Milvus collection {m.collection!r} at {m.uri}" if drop and m else "")
    if not yes:
        click.confirm(f"delete {what}?", abort=True)
    if drop and m:
        from ..store.milvus import drop_collection

        drop_collection(m)
    registry.remove(name)
    click.echo(f"removed {name}" + (f" (collection {m.collection} dropped)" if drop and m else ""))


from . import index_sources as _index_sources  # noqa: E402,F401  (add-source, remove-source)
