"""``docprompt train pairs|retriever``: fine-tune the embedder on your own pairs."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_SYNTHETIC = 5000


def open_index_arg(value: str):
    """An index by registered name, or by the path of its directory (e.g. an eval pool)."""
    from ..store import registry
    from ..store.index import open_path

    path = Path(value).expanduser()
    if (path / "manifest.json").exists():
        return open_path(path)
    return registry.open_index(value)


@click.group()
def train() -> None:
    """Fine-tune the retriever on (query, positive) pairs, on the CPU."""


@train.command("pairs")
@click.argument("source", type=click.Choice(["conala", "tldr", "synthetic"]))
@click.argument("path", required=False)
@click.option("--index", "index_name", help="index whose chunk ids the pairs name (tldr, synthetic)")
@click.option(
    "--exclude",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="tldr-shaped dataset whose commands are left out (the ones you evaluate on); repeatable",
)
@click.option("-n", "count", type=click.IntRange(1), default=DEFAULT_SYNTHETIC, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="pairs JSONL to write")
def pairs(source, path, index_name, exclude, count, seed, output):
    """Write training pairs: from CoNaLa-shaped rows (PATH: nl -> oracle_man ids), from tldr
    pages (PATH: an example's description -> its command's man paragraphs in --index), or
    from --index's own documents (synthetic: a paragraph's first sentence -> the paragraph).
    """
    from ..errors import BadInput
    from ..train.pairs import conala_pairs, excluded_commands, synthetic_pairs, tldr_pairs, write_pairs

    stats: dict[str, int] = {}
    if source in ("conala", "tldr") and not path:
        raise BadInput(f"`train pairs {source}` needs PATH (the dataset or the tldr pages folder)")
    if source in ("tldr", "synthetic") and not index_name:
        raise BadInput(f"`train pairs {source}` needs --index NAME (the index the pairs point into)")
    if source == "conala":
        made = conala_pairs(path)
    elif source == "tldr":
        made, stats = tldr_pairs(path, open_index_arg(index_name), excluded_commands(exclude))
    else:
        made = synthetic_pairs(open_index_arg(index_name), count, seed)
    if not made:
        raise BadInput(f"no pairs made from {path or index_name}: {stats or 'nothing usable'}")
    n = write_pairs(made, output)
    extra = "".join(f", {v} {k}" for k, v in stats.items() if k != "pairs")
    click.echo(f"wrote {n} pairs to {output}{extra}")


@train.command("retriever")
@click.option("--pairs", "pairs_files", multiple=True, type=click.Path(dir_okay=False), help="pairs JSONL")
@click.option(
    "--synthetic",
    type=click.IntRange(1),
    is_flag=False,
    flag_value=DEFAULT_SYNTHETIC,
    help=f"add N pairs made from the index's own docs (no labels) [{DEFAULT_SYNTHETIC}]",
)
@click.option(
    "--index",
    "index_name",
    required=True,
    help="index the pairs point into (its vectors; its hits for hard negatives)",
)
@click.option("--base", default="all-MiniLM-L6-v2", show_default=True, help="model to start from")
@click.option(
    "--tower",
    type=click.Choice(["query", "both"]),
    default="query",
    show_default=True,
    help="query: train the query encoder only (the index keeps its vectors); both: re-embed all docs after",
)
@click.option("--epochs", type=click.IntRange(1), default=5, show_default=True)
@click.option("--patience", type=click.IntRange(1), default=1, show_default=True, help="epochs without gain")
@click.option("--batch-size", type=click.IntRange(2), default=32, show_default=True)
@click.option("--lr", type=click.FloatRange(0, min_open=True), default=5e-5, show_default=True)
@click.option("--holdout", type=click.FloatRange(0, 0.5), default=0.1, show_default=True)
@click.option("--max-seq-length", type=click.IntRange(16), default=128, show_default=True)
@click.option("--no-hard-negatives", is_flag=True, help="in-batch negatives only")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out", type=click.Path(file_okay=False), help="model folder [$DOCPROMPT_HOME/models/retrievers/INDEX]"
)
def retriever(
    pairs_files,
    synthetic,
    index_name,
    base,
    tower,
    epochs,
    patience,
    batch_size,
    lr,
    holdout,
    max_seq_length,
    no_hard_negatives,
    seed,
    out,
):
    """Fine-tune the embedder contrastively on the CPU; the best epoch on a held-out slice is
    saved as a model folder (with its ONNX query export) for `index build --embedder DIR`.
    """
    from rich.console import Console

    from ..config import models_dir
    from ..errors import BadInput
    from ..progress import RichReporter
    from ..train.pairs import load_pairs, synthetic_pairs
    from ..train.retriever import TrainOptions, train_retriever

    if not pairs_files and not synthetic:
        raise BadInput("give training pairs with --pairs FILE, or --synthetic to make them from the docs")
    console = Console(stderr=True)
    index = open_index_arg(index_name)
    found = [p for f in pairs_files for p in load_pairs(f)]
    if synthetic:
        found += synthetic_pairs(index, synthetic, seed)
    options = TrainOptions(
        base=base,
        tower=tower,
        epochs=epochs,
        patience=patience,
        batch_size=batch_size,
        learning_rate=lr,
        seed=seed,
        hard_negatives=not no_hard_negatives,
        holdout=holdout,
        max_seq_length=max_seq_length,
    )
    target = Path(out) if out else models_dir() / "retrievers" / index.name
    summary = train_retriever(found, index, target, options, RichReporter(console), log=console.print)
    console.print(
        f"[green]trained[/] {target.resolve()}: {summary['train_pairs']} pairs, best epoch "
        f"{summary['best_epoch']}, held-out recall@10 {summary['history'][0].get('holdout_recall@10')} → "
        f"{summary['holdout_recall@10']}, {summary['seconds']:.0f} s"
    )
    click.echo(f"use it: docprompt index build NAME PATH... --embedder {target.resolve()}")
