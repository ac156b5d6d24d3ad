"""Command hit@k of tldr dev's candidate lists, from retrieval alone (no model): the answer
stage's ranking (each command at its first hit) against the man pages' and the tldr pages'
rankings merged, and each command weighed by all its hits (docs/benchmarks.md, "Stop 30: where the
candidate lists lose the right command", "Stop 41: a command weighed by all its hits").

    python benchmarks/tldr_candidates.py POOL [tune|report]

POOL: the index `docprompt eval generate --manpages MAN_DEV --tldr-pages ...` builds for the
runs of benchmarks/answer_stage.sh ($DOCPROMPT_HOME/eval/pool-<hash>).
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from docprompt.eval.datasets import load
from docprompt.eval.generate import split_of
from docprompt.retrieve import Retriever
from docprompt.store.index import Index

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tldr" / "dev.jsonl"
KS = (1, 3, 5, 8, 10, 20)


def in_turn(first: list[str], second: list[str]) -> list[str]:
    out: list[str] = []
    for pair in zip(first + [""] * len(second), second + [""] * len(first)):
        out += [x for x in pair if x and x not in out]
    return out


def main(pool: str, split: str = "tune") -> None:
    shape, rows = load(str(DEV))
    rows = [r for r in rows if split_of(r, shape) == split]
    index = Index(pool)
    retriever = Retriever(index)
    hits_at: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in rows:
        first: dict[str, int] = {}
        man: dict[str, None] = {}
        tldr: dict[str, None] = {}
        weight: dict[str, list[float]] = collections.defaultdict(list)
        for at, hit in enumerate(retriever.retrieve(row.nl, k=150)):
            name = hit.chunk.metadata.get("command")
            if name:
                weight[name].append(1 / (5 + at))
            if name and at < 60:
                first.setdefault(name, len(first))
                (man if hit.chunk.id.startswith("man/") else tldr).setdefault(name, None)
        seen = list(weight)  # first-hit order over the 150, which breaks ties
        by_man, by_tldr = list(man), list(tldr)
        fused = {
            name: (-sum(1 / (1 + o.index(name)) for o in (by_man, by_tldr) if name in o), at)
            for name, at in first.items()
        }
        orders = {
            "the first hit of each command": list(first),
            "man and tldr orders, reciprocal rank": sorted(first, key=fused.__getitem__),
            "in turn, a man page first": in_turn(by_man, by_tldr),
            "in turn, a tldr page first": in_turn(by_tldr, by_man),
            "sum of 1/(5+place) over all its hits of 150": sorted(seen, key=lambda n: -sum(weight[n])),
            "the same over its best 3 hits": sorted(seen, key=lambda n: -sum(sorted(weight[n])[-3:])),
        }
        for key, order in orders.items():
            rank = order.index(row.cmd_name) if row.cmd_name in order else len(order) + 1000
            for k in KS:
                hits_at[key][k] += rank < k
    print(f"{split}: {len(rows)} rows")
    for key, c in hits_at.items():
        print(f"{key:40s}", " ".join(f"@{k}={100 * c[k] / len(rows):.1f}" for k in KS))


if __name__ == "__main__":
    main(*sys.argv[1:])
