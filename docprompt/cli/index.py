"""``docprompt index build|update|list|info|rm``."""

from __future__ import annotations

import click


def _settings(embedder, chunk_size, chunk_overlap, hnsw_threshold):
    from ..config import BuildSettings, validated

    given = {
        "embedder": embedder,
        "chunk_size": chunk_size,
        "chunk_overlap": chunk_overlap,
        "hnsw_threshold": hnsw_threshold,
    }
    return validated(BuildSettings, {k: v for k, v in given.items() if v is not None}, "option")


def _build(name, paths, indexer_name, settings, console):
    from ..indexers import get_indexer
    from ..progress import RichReporter
    from ..store import registry
    from ..store.build import build_index

    path = registry.path_of(name)
    indexer = get_indexer(indexer_name)(paths, max_file_bytes=settings.max_file_bytes)
    manifest = build_index(
        path,
        indexer.iter_documents(),
        name=name,
        indexer=indexer_name,
        roots=indexer.roots,
        skipped=indexer.skipped,
        settings=settings,
        reporter=RichReporter(console),
    )
    c = manifest.counts
    console.print(
        f"[green]built[/] {name}: {c['documents']} documents, {c['chunks']} chunks "
        f"({c['embedded']} embedded, {c['reused_vectors']} reused) in {manifest.build_seconds:.1f}s"
    )
    if manifest.skipped:
        why = ", ".join(f"{n} {r}" for r, n in sorted(manifest.skipped.items()))
        console.print(f"[yellow]skipped[/] {sum(manifest.skipped.values())} files: {why}")


build_options = [
    click.option("--embedder", help="embedding model: name, local folder, or ollama:MODEL"),
    click.option(
        "--indexer",
        "indexer_name",
        default="files",
        show_default=True,
        help="source indexer, by registered name",
    ),
    click.option("--chunk-size", type=int, help="characters per chunk [900]"),
    click.option("--chunk-overlap", type=int, help="characters of overlap [120]"),
    click.option("--hnsw-threshold", type=int, help="use HNSW from this many chunks on [200000]"),
]


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
@click.argument("paths", nargs=-1, required=True)
@_with(build_options)
def build(name, paths, embedder, indexer_name, chunk_size, chunk_overlap, hnsw_threshold):
    """Index PATHS (files or folders) as NAME, replacing any index of that name.

    Chunks whose text did not change keep their vectors, so rebuilding is cheap.
    """
    from rich.console import Console

    from ..store.registry import check_name

    check_name(name)
    settings = _settings(embedder, chunk_size, chunk_overlap, hnsw_threshold)
    _build(name, list(paths), indexer_name, settings, Console(stderr=True))


@index.command("update")
@click.argument("name")
def update(name):
    """Re-read the sources NAME was built from; only changed chunks are re-embedded."""
    from rich.console import Console

    from ..config import BuildSettings
    from ..store import registry

    manifest = registry.open_index(name).manifest
    settings = BuildSettings.model_validate(manifest.settings)
    _build(name, manifest.roots, manifest.indexer, settings, Console(stderr=True))


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
def info(name, as_json):
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
    click.echo(f"embedder:   {m.embedder.name} ({m.embedder.dim}-d, {m.embedder.backend})")
    click.echo(f"dense:      faiss {m.dense_index}")
    click.echo(f"sparse:     bm25 k1={m.bm25.k1} b={m.bm25.b} {m.bm25.method} tokenizer={m.bm25.tokenizer}")
    click.echo("counts:     " + ", ".join(f"{k}={v}" for k, v in m.counts.items()))
    click.echo(f"sources:    {len(m.sources)} from {', '.join(m.roots) or '-'} ({m.indexer} indexer)")
    if m.skipped:
        click.echo("skipped:    " + ", ".join(f"{n} {r}" for r, n in sorted(m.skipped.items())))
    click.echo(
        f"built:      {m.built_at.isoformat()} in {m.build_seconds:.1f}s by docprompt {m.docprompt_version}"
    )


@index.command("rm")
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="do not ask for confirmation")
def rm(name, yes):
    """Delete the index NAME."""
    from ..store import registry

    registry.resolve(name)
    if not yes:
        click.confirm(f"delete index {name!r}?", abort=True)
    registry.remove(name)
    click.echo(f"removed {name}")
