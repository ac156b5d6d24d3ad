"""The Bash command choice, offline: on the candidate lists an `eval generate --json` run recorded,
how often each way of choosing picks the right command (docs/benchmarks.md, "Stop 33: the
command chosen by its card's likelihood of the request").

    python benchmarks/tldr_choice.py POOL RUN.json MODEL [--no-draft]

POOL: the index that run used ($DOCPROMPT_HOME/eval/pool-<hash>); RUN.json: its output;
MODEL: the embedded model that scores (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b). Ways:

- model: the whole name's log-probability after the choice prompt `choice = "model"` shows (the
  held greedy choice picks the same name in nearly every row: stop 23);
- channel: log P(request | the candidate's card), less RANK_PRIOR nats per place down the list,
  `choice = "channel"`; card: the likelihood alone (stop 33's channel);
- with --no-draft, the lists are made again from retrieval alone (the first five commands of
  the hits), as `draft = false` makes them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from docprompt.bash_answer import RANK_PRIOR, Candidate, CommandFirst, channel_text, choice_messages
from docprompt.eval.datasets import load
from docprompt.eval.generate import command_hits
from docprompt.generate.embedded import EmbeddedGenerator
from docprompt.retrieve import Retriever
from docprompt.store.index import Index

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tldr" / "dev.jsonl"


def main(pool: str, run: str, model: str, no_draft: bool = False) -> None:
    _, rows = load(DEV)
    by_request = {r.nl: r for r in rows}
    index = Index(pool)
    stage = CommandFirst(index, Retriever(index), None)
    gen = EmbeddedGenerator(model)
    right = {"candidate": 0, "first": 0, "model": 0, "card": 0, "channel": 0}
    answers = json.loads(Path(run).read_text())["predictions"]
    for p in answers:
        row = by_request[p["nl"]]
        recorded = p["command"]
        if no_draft:
            found = stage.candidates(row.nl)
            runs = [stage.typed(c).split()[0] for c in found]
            recorded = {"candidates": [c.name for c in found], "runs": runs}
        names = recorded["candidates"]
        cards = [stage._card(n) for n in names]
        hit = [command_hits(row.cmd_name, {**recorded, "chosen": n})["chosen"] for n in names]
        listed = [Candidate(n, card, i) for i, (n, card) in enumerate(zip(names, cards))]
        prompt, _ = gen._prompt(choice_messages(row.nl, listed), "")  # what `choice = "model"` shows
        model_scores = [gen.score(prompt, n) for n in names]
        alone = [gen.score(channel_text(c), " " + row.nl) for c in cards]
        channel = [score - RANK_PRIOR * i for i, score in enumerate(alone)]
        right["candidate"] += any(hit)
        right["first"] += hit[0] if hit else 0
        right["model"] += hit[model_scores.index(max(model_scores))] if hit else 0
        right["card"] += hit[alone.index(max(alone))] if hit else 0
        right["channel"] += hit[channel.index(max(channel))] if hit else 0
    print(json.dumps({"rows": len(answers), "right": right}))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--no-draft"]
    if len(args) != 3:
        sys.exit(__doc__)
    main(*args, no_draft="--no-draft" in sys.argv)
