"""Whether the model's own draft (no docs) could answer the tldr rows whose command has no page in
the pool: for each row of a stored `docprompt eval generate --json` run, the draft the answer
stage writes with ``draft = true``, its command, whether the pool has a page for it, and where the
run's answer and the draft name the reference's command (``cmd_match``, as cmd_acc counts it).
docs/benchmarks.md, "Stop 51".

    python benchmarks/tldr_drafts.py POOL RUN.json MODEL OUT.json

POOL: the index the run used ($DOCPROMPT_HOME/eval/pool-<hash>, as benchmarks/answer_stage.sh
builds it); MODEL: an embedded model name (qwen2.5-coder-0.5b).
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path


def main(pool_dir: str, run_file: str, model: str, out: str) -> None:
    from docprompt.bash_answer import CommandFirst, command_of
    from docprompt.eval.metrics import cmd_match
    from docprompt.generate.embedded import EmbeddedGenerator
    from docprompt.retrieve import Retriever
    from docprompt.store.index import open_path

    pool = open_path(Path(pool_dir))
    cf = CommandFirst(pool, Retriever(pool), EmbeddedGenerator(model))
    rows = []
    for p in json.loads(Path(run_file).read_text())["predictions"]:
        draft = cf.draft(p["nl"])
        drafted = command_of(draft)
        rows.append({"nl": p["nl"], "reference": p["reference"], "draft": draft, "drafted": drafted,
                     "has_page": bool(drafted) and pool.store.has(command=drafted),
                     "answer_right": cmd_match(p["prediction"] or "", p["reference"]),
                     "draft_right": bool(drafted) and cmd_match(draft, p["reference"])})  # fmt: skip
    Path(out).write_text(json.dumps(rows, indent=1))
    kinds = collections.Counter(
        ("draft's command has a page" if r["has_page"] else "no page for the draft's command",
         "answer right" if r["answer_right"] else "answer wrong",
         "draft right" if r["draft_right"] else "draft wrong")
        for r in rows
    )  # fmt: skip
    for key, n in sorted(kinds.items()):
        print(f"{n:4d}  {', '.join(key)}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
