"""``docprompt doctor``: which backend answers, which models and indexes are there."""

from __future__ import annotations

import click


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def doctor(as_json: bool) -> None:
    """Report the Ollama server, the embedded model, the model cache and the indexes, with each
    index's sources: when they were read and whether their files changed since."""
    import json
    import os

    from ..config import home, models_dir, settings
    from ..errors import DocpromptError
    from ..generate import GeneratorError, embedded, ollama_model
    from ..generate.ollama import list_models, server_available
    from ..store.registry import describe_all

    host = os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434"
    up = server_available()
    ollama_models: list[str] = []
    if up:
        try:
            ollama_models = list_models()
        except GeneratorError as e:
            ollama_models = [f"error: {e}"]
    wanted = ollama_model()
    cache = models_dir() / "gguf"
    weights = settings().generate.weights
    in_use = settings().generate.model or embedded.DEFAULT_MODEL  # what `ask` loads embedded
    packaged = {}
    for name, model in embedded.PACKAGED.items():
        cached = cache / f"{name}.gguf"
        kind = model.fastest if weights == "fastest" else ""
        made = embedded.variant_path(cached, kind) if kind else cached
        if made.is_file():
            state = f"ready ({made})"
        elif cached.is_file():
            state = f"assembled, written as {kind} on first use"
        else:
            try:
                embedded._chunk_file(model.dists[0], model)
                state = "installed, assembled on first use"
            except GeneratorError:
                state = f"not installed: {embedded.INSTALL_HINT}"
        packaged[name] = state
    amx = embedded.available() and embedded.amx_build()
    try:
        from ..generate.base import pick_backend

        backend = pick_backend(None, None)
    except DocpromptError as e:
        backend = f"none ({e})"
    indexes: list[dict] = []
    for name, m in describe_all():
        if isinstance(m, DocpromptError):
            indexes.append({"name": name, "error": str(m)})
        else:
            indexes.append(
                {
                    "name": name,
                    "indexer": m.indexer,
                    "chunks": m.counts.get("chunks", 0),
                    "embedder": m.embedder.name,
                    "built_at": m.built_at.isoformat(),
                    "sources": _sources(name, m),
                }
            )
    report = {
        "home": str(home()),
        "backend": backend,
        "ollama": {"host": host, "up": up, "models": ollama_models, "default_model": wanted},
        "embedded": {"llama_cpp": embedded.available(), "amx": amx, "models": packaged, "model": in_use},
        "indexes": indexes,
    }
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    ok, bad = "[green]✓[/]", "[red]✗[/]"
    from rich.console import Console
    from rich.markup import escape

    c = Console(highlight=False)
    c.print(f"home: {report['home']}")
    c.print(f"backend in use: [bold]{escape(backend)}")
    if up:
        has = wanted in ollama_models or f"{wanted}:latest" in ollama_models
        c.print(
            f"{ok} Ollama at {host}: {len(ollama_models)} models"
            + ("" if has else f"; run `ollama pull {wanted}`")
        )
    else:
        c.print(
            f"{bad} no Ollama server at {host} (start one with `ollama serve`, or use the embedded model)"
        )
    if amx:
        hint = escape(embedded.REBUILD_HINT)
        c.print(f"{bad} llama-cpp-python built with AMX (crashes on this kind of CPU): {hint}")
    elif embedded.available():
        c.print(f"{ok} llama-cpp-python installed")
    else:
        c.print(f"{bad} llama-cpp-python missing: {escape(embedded.INSTALL_HINT)}")
    for name, state in packaged.items():
        c.print(f"  {name}{' (in use)' if name == in_use else ''}: {escape(state)}")
    if not indexes:
        c.print(f"{bad} no indexes: try `docprompt index build tldr --corpus tldr`")
    for ix in indexes:
        if "error" in ix:
            c.print(f"{bad} index {ix['name']}: {escape(ix['error'])}")
        else:
            c.print(f"{ok} index {ix['name']}: {ix['indexer']}, {ix['chunks']:,} chunks, {ix['embedder']}")
            for src in ix["sources"]:
                c.print((f"  {bad} " if "fix" in src else "") + escape(_source_line(src)), soft_wrap=True)


def _sources(index: str, manifest) -> list[dict]:
    """Each source of the index: when it was read and whether its files changed since (a stat
    walk, see docprompt.freshness); a changed one names the command that re-reads it."""
    from ..freshness import check
    from ..sources import sources_of

    out = []
    for source in sources_of(manifest):
        f = check(source, manifest.built_at)
        entry = f.as_dict()
        if f.changed:
            entry["fix"] = f"docprompt index update {index}"
        out.append(entry)
    return out


def _source_line(src: dict) -> str:
    from datetime import datetime

    from ..freshness import ago

    where = ", ".join(src["roots"]) or "no paths"
    read = ago(datetime.fromisoformat(src["read_at"]) if src["read_at"] else None)
    head = f"source {src['name']} ({src['indexer']}: {where}): read {read}"
    if "fix" in src:
        return f"{head}; changed since: {src['detail']}; run `{src['fix']}`"
    return f"    {head}, {src['state']}" + (f" ({src['detail']})" if src["detail"] else "")
