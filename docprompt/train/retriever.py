"""Contrastive fine-tuning of the embedder on (query, positive) pairs, on the CPU.

DocPrompting trains its retriever with InfoNCE. ``tower="query"`` (the default) trains the
query encoder only, against the index's own vectors: a softmax over every chunk
(`towers.QueryTower`). ``tower="both"`` trains one encoder for both sides with sentence-transformers'
MultipleNegativesRankingLoss, in-batch negatives plus one hard negative per pair mined from
the index's hybrid results (`towers.BothTowers`). A slice of the pairs (whole groups) is held out;
its recall@10 after each epoch decides whether to go on, and the best epoch is saved.

The output folder is a sentence-transformers model (``docprompt index build --embedder DIR``)
with its ONNX query export in ``onnx/`` and ``docprompt-train.json`` saying how it was made.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..embed.st import TRAIN_FILE
from ..errors import BadInput
from ..progress import Reporter, Silent
from .pairs import Pair, split_holdout


@dataclass
class TrainOptions:
    base: str = "all-MiniLM-L6-v2"
    tower: str = "query"  # "query": only queries are re-encoded; "both": the index must be rebuilt
    epochs: int = 5
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup: float = 0.1
    seed: int = 0
    hard_negatives: bool = True
    mine_k: int = 20
    holdout: float = 0.1
    patience: int = 1
    max_seq_length: int = 128
    scale: float = 20.0


@dataclass
class Example:
    query: str
    positives: list[str]  # texts, as embedded (title + text)
    negatives: list[str] = field(default_factory=list)
    group: str = ""
    rows: list[int] = field(default_factory=list)  # the positives' rows in the index
    text_positive: str | None = None  # a positive given as text, not in the index
    doc_ids: set[str] = field(default_factory=set)
    commands: set[str] = field(default_factory=set)  # man pages: all of the right page is relevant


def resolve(pairs: list[Pair], index) -> tuple[list[Example], dict[str, int]]:
    """Pairs with their positives as the texts the index embeds; ids the index lacks are
    counted, and a pair none of whose ids is known is dropped."""
    from ..chunking import search_text

    ids = sorted({i for p in pairs for i in p.positive_ids})
    found: dict[str, tuple[str, str, str | None, int]] = {}  # id -> (text, doc_id, command, row)
    columns = ("id", "doc_id", "title", "text", "command", "position", "row")
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = set(index.store.values(*columns, id=part)) | set(index.store.values(*columns, doc_id=part))
        for chunk_id, doc_id, title, text, command, _, row in sorted(rows, key=lambda r: -r[5]):
            entry = (search_text(title, text), doc_id, command or None, row)
            found[chunk_id] = entry
            found[doc_id] = entry  # a document id stands for its first chunk
    stats = {"pairs": len(pairs), "unknown ids": 0, "dropped pairs": 0}
    examples = []
    for i, p in enumerate(pairs):
        ex = Example(p.query, [p.positive] if p.positive else [], text_positive=p.positive)
        for pid in p.positive_ids:
            if pid in found:
                text, doc_id, command, row = found[pid]
                ex.positives.append(text)
                ex.rows.append(row)
                ex.doc_ids.add(doc_id)
                if command:
                    ex.commands.add(command)
            else:
                stats["unknown ids"] += 1
        if not ex.positives:
            stats["dropped pairs"] += 1
            continue
        ex.positives = list(dict.fromkeys(ex.positives))
        ex.group = p.group or ",".join(sorted(ex.doc_ids)) or f"#{i}"
        ex.doc_ids.add(ex.group)  # a synthetic pair's group is its chunk's document
        examples.append(ex)
    if stats["dropped pairs"] > len(pairs) / 2:
        some = [i for i in ids if i not in found][:3]
        raise BadInput(
            f"{stats['dropped pairs']} of {len(pairs)} pairs name no id of index {index.name!r} "
            f"(e.g. {', '.join(some)}); train against the index the ids come from"
        )
    return examples, stats


def mine(examples: list[Example], index, k: int, reporter: Reporter) -> None:
    """Hard negatives: the index's top hybrid hits for the query that are not a positive, not
    of a positive's document and not of a positive's command (another paragraph of the right
    man page is no negative)."""
    from ..chunking import search_text
    from ..retrieve import Retriever

    retriever = Retriever(index, mode="hybrid")
    with reporter.task(f"mining hard negatives ({len(examples)} queries)", total=len(examples)) as advance:
        for ex in examples:
            positives = set(ex.positives)
            for h in retriever.retrieve(ex.query, k=k):
                text = search_text(h.chunk.title, h.chunk.text)
                if text in positives or h.chunk.doc_id in ex.doc_ids:
                    continue
                if h.chunk.metadata.get("command") in ex.commands:
                    continue
                ex.negatives.append(text)
            advance(1)


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffled batches in which no group and no positive text appears twice (each would be a
    false negative of the other); a clashing example waits for the next batch."""
    pending = examples[:]
    rng.shuffle(pending)
    out: list[list[Example]] = []
    while pending:
        batch: list[Example] = []
        later: list[Example] = []
        groups: set[str] = set()
        texts: set[str] = set()
        for ex in pending:
            if len(batch) < size and ex.group not in groups and not texts & set(ex.positives):
                batch.append(ex)
                groups.add(ex.group)
                texts.update(ex.positives)
            else:
                later.append(ex)
        out.append(batch)
        pending = later
    return [b for b in out if len(b) > 1]


def holdout_recall(model, held: list[Example], distractors: list[str], k: int = 10) -> float:
    """Mean share of each held-out query's positives among its top k of all candidates."""
    import numpy as np

    candidates = list(dict.fromkeys([t for ex in held for t in ex.positives + ex.negatives] + distractors))
    row = {t: i for i, t in enumerate(candidates)}
    docs = model.encode(candidates, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    queries = model.encode([ex.query for ex in held], batch_size=64, normalize_embeddings=True)
    top = np.argsort(-(queries @ docs.T), axis=1)[:, :k]
    scores = []
    for ex, best in zip(held, top):
        wanted = {row[t] for t in ex.positives}
        scores.append(len(wanted & set(best.tolist())) / len(wanted))
    return round(100 * float(np.mean(scores)), 2)


def train_retriever(
    pairs: list[Pair],
    index,
    out: Path,
    options: TrainOptions | None = None,
    reporter: Reporter | None = None,
    log=print,
) -> dict:
    """Fine-tune ``options.base`` on ``pairs`` (positives resolved in ``index``); write ``out``."""
    options = options or TrainOptions()
    reporter = reporter or Silent()
    out = Path(out).expanduser()
    if out.exists() and any(out.iterdir()) and not (out / TRAIN_FILE).exists():
        raise BadInput(f"{out} exists and is not a docprompt-trained model; give an empty or new --out")
    if options.tower not in ("query", "both"):
        raise BadInput(f"unknown tower {options.tower!r}: use query or both")
    started = time.perf_counter()
    examples, stats = resolve(pairs, index)
    train, held = split_holdout(examples, options.holdout, options.seed)
    if len(train) < 2:
        raise BadInput(f"only {len(train)} usable training pairs; give at least a few dozen")

    import numpy as np
    import torch

    from ..embed.st import SentenceTransformerEmbedder, export_onnx
    from .towers import BothTowers, QueryTower

    rng = random.Random(options.seed)
    torch.manual_seed(options.seed)
    np.random.seed(options.seed)
    torch.set_num_threads(os.cpu_count() or 1)
    model = SentenceTransformerEmbedder(options.base).model
    model.max_seq_length = min(options.max_seq_length, model.max_seq_length)
    if options.tower == "query":
        task: QueryTower | BothTowers = QueryTower(model, index, examples, options)
    else:
        if options.hard_negatives:
            mine(examples, index, options.mine_k, reporter)
        task = BothTowers(model, index, train, options, rng)

    from transformers import get_linear_schedule_with_warmup

    steps_per_epoch = len(task.batches(train, random.Random(options.seed)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.learning_rate)
    total = steps_per_epoch * options.epochs
    schedule = get_linear_schedule_with_warmup(optimizer, int(options.warmup * total), total)

    best_recall = task.recall(held) if held else None
    best_state, best_epoch, bad_epochs = None, 0, 0
    history: list[dict] = [{"epoch": 0, "holdout_recall@10": best_recall}]
    log(f"held-out recall@10 before training: {best_recall}" if held else "no held-out slice: no early stop")
    for epoch in range(1, options.epochs + 1):
        model.train()
        losses = []
        epoch_batches = task.batches(train, rng)
        with reporter.task(f"epoch {epoch}/{options.epochs}", total=len(epoch_batches)) as advance:
            for batch in epoch_batches:
                loss = task.loss(batch, rng)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                losses.append(loss.item())
                advance(1)
        model.eval()
        entry: dict = {"epoch": epoch, "loss": round(float(np.mean(losses)), 4)}
        if held:
            recall = task.recall(held)
            entry["holdout_recall@10"] = recall
            log(f"epoch {epoch}: loss {entry['loss']}, held-out recall@10 {recall}")
            if best_recall is None or recall > best_recall:
                best_recall, best_epoch, bad_epochs = recall, epoch, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                bad_epochs += 1
        else:
            best_epoch = epoch
            log(f"epoch {epoch}: loss {entry['loss']}")
        history.append(entry)
        if held and bad_epochs >= options.patience:
            log(f"stopping early: no gain on the held-out slice for {bad_epochs} epoch(s)")
            break
    if held and best_state is not None:
        model.load_state_dict(best_state)
    elif held:
        log("training never beat the base model on the held-out slice; saving the base weights")

    final = str(out.resolve())
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp))
    export_onnx(SentenceTransformerEmbedder(str(tmp)), tmp / "onnx")
    config = json.loads((tmp / "onnx" / "embedder.json").read_text())
    (tmp / "onnx" / "embedder.json").write_text(json.dumps({**config, "name": final}, indent=2))
    summary = {
        "tower": options.tower,
        # A query tower embeds queries only: documents keep the base model's vectors.
        "documents": options.base if options.tower == "query" else None,
        "base": options.base,
        "index": index.name,
        "options": asdict(options),
        "pairs": stats,
        "train_pairs": len(train),
        "holdout_pairs": len(held),
        "hard_negatives": sum(1 for e in train if e.negatives),
        "best_epoch": best_epoch,
        "holdout_recall@10": best_recall,
        "history": history,
        "seconds": round(time.perf_counter() - started, 1),
        "torch_threads": torch.get_num_threads(),
    }
    (tmp / TRAIN_FILE).write_text(json.dumps(summary, indent=2))
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, out)
    return summary
