"""Training pairs for the retriever: read from JSONL, made from the shared datasets, or
made from an index's own documents (no labels).

A pair is ``{"query": ..., "positive_ids": [...]}`` (chunk or document ids of the index) or
``{"query": ..., "positive": "text"}``, with an optional ``"group"``: pairs of one group
(one command, one API page) never share a training batch, where each would be the other's
false negative.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import BadInput


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1)
    positive_ids: list[str] = Field(default_factory=list)
    positive: str | None = None
    group: str | None = None

    @model_validator(mode="after")
    def _one_positive(self) -> Pair:
        if not self.query.strip():
            raise ValueError("the query is blank")
        if not self.positive_ids and not (self.positive and self.positive.strip()):
            raise ValueError("a pair needs 'positive_ids' (a non-empty list) or 'positive' (text)")
        return self


def load_pairs(path: str | Path) -> list[Pair]:
    """Pairs from a JSONL file; a bad line is a one-line error naming it."""
    from ..eval.datasets import read_lines

    path = Path(path)
    lines = read_lines(path, "pairs file")
    pairs = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            pairs.append(Pair.model_validate_json(line))
        except ValidationError as e:
            err = e.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            raise BadInput(f"{path}:{n}: {where + ': ' if where else ''}{msg}") from None
    if not pairs:
        raise BadInput(f"pairs file {path} has no pairs")
    return pairs


def write_pairs(pairs: Iterable[Pair], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for pair in pairs:
            f.write(pair.model_dump_json(exclude_defaults=True) + "\n")
            n += 1
    return n


def conala_pairs(dataset: str | Path) -> list[Pair]:
    """CoNaLa-shaped rows: ``nl`` -> its ``oracle_man`` DevDocs ids (rows without any are dropped).

    Grouped by the first API, so the held-out slice asks about functions training never saw,
    as DocPrompting's dev and test splits do.
    """
    from ..eval.datasets import load

    shape, rows = load(dataset)
    if shape != "docs":
        raise BadInput(f"{dataset}: not CoNaLa-shaped (rows need 'oracle_man' doc ids)")
    return [Pair(query=r.nl, positive_ids=r.oracle, group=r.oracle[0]) for r in rows if r.oracle]


def excluded_commands(datasets: Iterable[str | Path]) -> set[str]:
    """The commands of tldr-shaped datasets: never train on what you evaluate."""
    from ..eval.datasets import load

    out: set[str] = set()
    for dataset in datasets:
        shape, rows = load(dataset)
        if shape != "tldr":
            raise BadInput(f"{dataset}: --exclude takes tldr-shaped datasets (rows with cmd_name)")
        out |= {r.cmd_name for r in rows}
    return out


SUMMARY_HEADINGS = ("NAME", "DESCRIPTION")


def tldr_pairs(pages: str | Path, index, exclude: Iterable[str] = ()) -> tuple[list[Pair], dict[str, int]]:
    """Weak supervision as in DocPrompting: a tldr example's description -> its command's
    NAME and first DESCRIPTION paragraphs in the index, and the option paragraphs of the
    flags the example uses. Commands without a man page in the index are skipped.
    """
    from docprompt.indexers.tldr import TldrIndexer

    from ..eval.datasets import command_flags

    by_command = _man_chunks(index)
    stats: dict[str, int] = defaultdict(int)
    pairs = []
    indexer = TldrIndexer([pages], exclude_commands=sorted(set(exclude)))
    for doc in indexer.iter_documents():
        if doc.kind != "example":
            continue
        command = doc.metadata["command"]
        chunks = by_command.get(command)
        if chunks is None:
            stats["examples without a man page"] += 1
            continue
        query = doc.text.split("\n", 1)[0].rstrip(":. ")
        # The man page knows which letters of a bundle like -xzf are flags of their own.
        flags = command_flags(doc.metadata.get("cmd", ""), set(chunks["flags"]))
        positives = list(chunks["summary"])
        for flag in flags:
            positives.extend(chunks["flags"].get(flag, ()))
        positives = list(dict.fromkeys(positives))
        if not positives or not query:
            stats["examples without positives"] += 1
            continue
        stats["pairs"] += 1
        pairs.append(Pair(query=query, positive_ids=positives, group=command))
    stats["excluded pages"] = indexer.skipped["excluded command"]
    return pairs, dict(stats)


def _man_chunks(index) -> dict[str, dict]:
    """Per command: its summary chunk ids (first NAME and DESCRIPTION chunks) and flag -> chunk ids."""
    out: dict[str, dict] = {}
    from ..store.chunks import ANY

    for _, chunk in index.store.chunks(command=ANY, kind="doc"):
        command, heading = chunk.metadata["command"], chunk.metadata.get("heading")
        entry = out.setdefault(command, {"summary": [], "headings": set(), "flags": defaultdict(list)})
        if heading in SUMMARY_HEADINGS and heading not in entry["headings"]:
            entry["headings"].add(heading)
            entry["summary"].append(chunk.id)
        for flag in chunk.metadata.get("flags") or []:
            entry["flags"][flag].append(chunk.id)
    return out


_PROSE = re.compile(r"^[A-Za-z][A-Za-z'’,;:()/ -]*[a-z]")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s")


def first_sentence(text: str) -> str | None:
    """The first line that reads as prose (not a signature, a flag list or code), to its first
    full stop; None when there is none of at least four words."""
    for line in text.splitlines():
        line = line.strip()
        if not _PROSE.match(line) or line.count("(") > 1 or "=" in line or "`" in line:
            continue
        sentence = _SENTENCE_END.split(line + " ", maxsplit=1)[0].strip().rstrip(".")
        if len(sentence.split()) >= 4:
            return sentence
    return None


def synthetic_pairs(index, n: int = 5000, seed: int = 0) -> list[Pair]:
    """Pairs from the index's own chunks, no labels: a doc chunk's first sentence as the query,
    the chunk without that sentence as the positive (so matching is not mere copying); an
    example's description as the query, its code as the positive."""
    from ..chunking import search_text

    rng = random.Random(seed)
    rows = index.store.values("kind", "title", "text", "doc_id")
    rng.shuffle(rows)
    pairs: list[Pair] = []
    for kind, title, text, doc_id in rows:
        if len(pairs) >= n:
            break
        if kind == "example":
            head, _, code = text.partition("\n")
            if len(head.split()) >= 3 and code.strip():
                pairs.append(Pair(query=head.rstrip(":. "), positive=search_text(title, code), group=doc_id))
            continue
        sentence = first_sentence(text)
        if sentence is None:
            continue
        rest = text.replace(sentence, "", 1).strip(" .\n")
        pairs.append(Pair(query=sentence, positive=search_text(title, rest) if rest else title, group=doc_id))
    return pairs


def split_holdout(items: list, share: float, seed: int) -> tuple[list, list]:
    """Hold out ``share`` of the groups (items with a ``group`` attribute), never splitting one."""
    groups: dict[str, list] = defaultdict(list)
    for i, item in enumerate(items):
        groups[item.group or f"#{i}"].append(item)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    n_held = round(len(keys) * share) if share > 0 else 0
    if share > 0 and len(keys) >= 2:
        n_held = min(max(n_held, 1), len(keys) - 1)
    held = set(keys[:n_held])
    train = [x for k in keys if k not in held for x in groups[k]]
    holdout = [x for k in keys if k in held for x in groups[k]]
    return train, holdout
