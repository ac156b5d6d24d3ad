"""A change to the Bash write prompt, measured on only the rows whose prompt it changes
(docs/benchmarks.md, "Stop 36"). The other rows of a run get byte-identical prompts and so the
same answers; answering just the changed ones, with the old code and the new, costs minutes
where a whole run costs an hour.

    python benchmarks/tldr_rows.py changed POOL RUN.json ROWS.json [--old OLD.prompts.json]
    python benchmarks/tldr_rows.py answer POOL MODEL ROWS.json OUT.json [-s KEY=VALUE ...]
    python benchmarks/tldr_rows.py compare OLD.json NEW.json
    python benchmarks/tldr_rows.py reverify POOL RUN.json
    python benchmarks/tldr_rows.py unsaid RUN.json

changed: the write prompt of each request of an `eval generate --json` run (RUN.json), for the
command that run chose, saved as ROWS.prompts.json; with `--old OLD.prompts.json` (the same
command run first under the old code), ROWS.json lists the requests whose prompt differs.
answer: each request of ROWS.json answered as `eval generate` does (seed 0) over POOL (the
run's $DOCPROMPT_HOME/eval/pool-<hash>). compare: exact match and token F1, old against new,
row by row. The old code runs with PYTHONPATH=OLD_TREE (a `git worktree` of the old commit).
reverify: a run's answers verified again and given the fixes the docs determine (a new
deterministic fix changes the final answer only, no model call): each changed row, and the
paper's metrics before and after.
unsaid: a run's answers with the values they make up written as placeholders
(``placeholders.unsaid``, a deterministic step after the model): each changed row, and the
metrics before and after.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from docprompt.eval import metrics

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tldr" / "dev.jsonl"


def changed(pool: str, run: str, rows: str, old: str = "") -> None:
    from docprompt.bash_answer import CommandFirst
    from docprompt.retrieve import Retriever
    from docprompt.store.index import Index

    index = Index(Path(pool))
    stage = CommandFirst(index, Retriever(index), None)
    prompts = {}
    for p in json.loads(Path(run).read_text())["predictions"]:
        name = (p.get("command") or {}).get("chosen")
        if name:
            ctx = stage.context(p["nl"], name, stage._card(name))
            prompts[p["nl"]] = stage.messages(p["nl"], ctx)[-1]["content"]
    Path(rows).with_suffix(".prompts.json").write_text(json.dumps(prompts, indent=1))
    before = json.loads(Path(old).read_text()) if old else {}
    differ = [nl for nl, text in prompts.items() if before.get(nl) != text]
    Path(rows).write_text(json.dumps(differ, indent=1))
    print(f"{len(differ)} of {len(prompts)} prompts differ")


def answer(pool: str, model: str, rows: str, out: str, stages: dict) -> None:
    from docprompt.generate import get_generator
    from docprompt.pipeline import DocPrompt
    from docprompt.store.index import Index

    refs = {json.loads(line)["nl"]: json.loads(line)["cmd"] for line in DEV.open()}
    dp = DocPrompt(Index(Path(pool)), generator=get_generator("embedded", model), language="bash", **stages)
    got = []
    for nl in json.loads(Path(rows).read_text()):
        t = time.perf_counter()
        ans = dp.ask(nl, language="bash", docs=True, verify=True, repair=True, seed=0)
        pred = ans.code.replace("\n", " ")
        got.append({"nl": nl, "reference": refs[nl], "prediction": pred, "command": ans.command,
                    "seconds": round(time.perf_counter() - t, 2)})  # fmt: skip
        print(json.dumps(got[-1]), flush=True)
    Path(out).write_text(json.dumps(got, indent=1))


def compare(old: str, new: str) -> None:
    a = {r["nl"]: r for r in json.loads(Path(old).read_text())}
    b = {r["nl"]: r for r in json.loads(Path(new).read_text())}
    both = [nl for nl in b if nl in a]
    em = {k: sum(metrics.exact_match(r[nl]["prediction"], r[nl]["reference"]) for nl in both)
          for k, r in (("old", a), ("new", b))}  # fmt: skip
    f1 = {nl: (metrics.token_f1(a[nl]["prediction"], a[nl]["reference"]),
               metrics.token_f1(b[nl]["prediction"], b[nl]["reference"])) for nl in both}  # fmt: skip
    print(json.dumps({
        "rows": len(both), "same_answer": sum(a[nl]["prediction"] == b[nl]["prediction"] for nl in both),
        "exact_match": em, "token_f1_sum_change": round(sum(n - o for o, n in f1.values()), 3),
        "won": sum(n > o for o, n in f1.values()), "lost": sum(n < o for o, n in f1.values()),
    }))  # fmt: skip


def reverify(pool: str, run: str) -> None:
    from docprompt.repair import apply_fixes
    from docprompt.store.registry import open_path
    from docprompt.verify.bash import IndexFlags, verify_bash

    flags = IndexFlags(open_path(pool))
    rows = json.loads(Path(run).read_text())["predictions"]
    before = [r["prediction"] for r in rows]
    after = [apply_fixes(p, verify_bash(p, [flags], use_local_man=False).issues)[0] for p in before]
    _compared(before, after, [r["reference"] for r in rows])


def unsaid_run(run: str) -> None:
    from docprompt.placeholders import unsaid

    rows = json.loads(Path(run).read_text())["predictions"]
    before = [r["prediction"] for r in rows]
    after = [unsaid(p, r["nl"]) for p, r in zip(before, rows)]
    _compared(before, after, [r["reference"] for r in rows])


def _compared(before: list[str], after: list[str], refs: list[str]) -> None:
    for old, new, ref in zip(before, after, refs):
        if old != new:
            print(json.dumps({"old": old, "new": new, "reference": ref}))
    a, b = metrics.bash_metrics(before, refs), metrics.bash_metrics(after, refs)
    changed = sum(old != new for old, new in zip(before, after))
    print(json.dumps({k: [round(a[k], 2), round(b[k], 2)] for k in a} | {"changed": changed}))


def main(argv: list[str]) -> None:
    stages = {}
    while "-s" in argv:
        i = argv.index("-s")
        key, value = argv[i + 1].split("=", 1)
        stages[key] = json.loads(value) if value[:1] in "0123456789tf[" else value
        del argv[i : i + 2]
    old = ""
    if "--old" in argv:
        i = argv.index("--old")
        old = argv[i + 1]
        del argv[i : i + 2]
    what, args = (argv[0], argv[1:]) if argv else ("", [])
    if what == "changed" and len(args) == 3:
        changed(args[0], args[1], args[2], old=old)
    elif what == "answer" and len(args) == 4:
        answer(args[0], args[1], args[2], args[3], stages=stages)
    elif what == "compare" and len(args) == 2:
        compare(*args)
    elif what == "reverify" and len(args) == 2:
        reverify(*args)
    elif what == "unsaid" and len(args) == 1:
        unsaid_run(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
