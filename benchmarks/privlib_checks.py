"""The Python answer stage's checks replayed over stored private-library answers, with no model:
which issues (and fixes) each answer of `docprompt eval tasks --json` runs gets from the code as
it stands, and, between two such replays, what a change to the checks changed (docs/benchmarks.md,
"Stop 40": a new check is kept where it fires on failing answers only).

    python benchmarks/privlib_checks.py replay INDEX OUT.json RUN.json [RUN.json ...]
    python benchmarks/privlib_checks.py diff OLD.json NEW.json

replay: every distinct answer of the runs, and every task's reference solution (category `ref`),
through `Stage._check` over INDEX (e.g. `privlib-src`, built with `--indexer python` from
benchmarks/privlib/src/seedloft); run from the repository root. diff: the answers whose issues
differ, with the issues each side alone has, and how many per category (pass, ref, or the miss).
The old side runs with PYTHONPATH=OLD_TREE (a `git worktree` of the old commit).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TASK_FILES = (  # the tuning tasks, and the fresh half since stop 50 spent it (the third half stays out)
    "benchmarks/privlib/tasks.jsonl",
    "benchmarks/privlib/tasks-more.jsonl",
    "benchmarks/privlib/tasks-fresh.jsonl",
)
SRC = "benchmarks/privlib/src"


def replay(index: str, out: str, runs: list[str]) -> None:
    from docprompt.answer_stage import Stage
    from docprompt.cli.train import open_index_arg
    from docprompt.eval.answerers import python_path, setup_namespace
    from docprompt.eval.tasks import load_tasks
    from docprompt.pipeline import DocPrompt

    dp = DocPrompt(open_index_arg(index), language="python")
    tasks = {t.id: t for f in TASK_FILES for t in load_tasks(f)}
    items = [(tid, "ref", t.solution) for tid, t in tasks.items()]
    for run in runs:
        try:
            answers = json.loads(Path(run).read_text())["tasks"]
        except (OSError, ValueError, KeyError) as e:
            print(f"skipped {run}: not a finished `eval tasks --json` run ({e})", file=sys.stderr)
            continue
        items += [(t["id"], t["category"], t.get("code") or "") for t in answers]
    found: dict[str, list] = {}
    with python_path(SRC):
        for tid, category, code in items:
            key = f"{tid}|{category}|{code}"
            if key in found or tid not in tasks or not code.strip():
                continue
            _, namespace = setup_namespace(tasks[tid], SRC)
            stage = Stage(dp, tasks[tid].request, "python", verify=True, repair=False, temperature=0.0,
                          seed=0, samples=1, on_token=None, namespace=namespace)  # fmt: skip
            report = stage._check(code)
            issues = report.issues if report is not None else []
            found[key] = [[i.kind, i.name, i.message, i.fix[2] if i.fix else None] for i in issues]
    Path(out).write_text(json.dumps(found, indent=0))
    print(f"{len(found)} answers")


def diff(old_path: str, new_path: str) -> None:
    old, new = json.loads(Path(old_path).read_text()), json.loads(Path(new_path).read_text())
    changed: dict[str, int] = {}
    for key in sorted(set(old) & set(new)):
        if old[key] == new[key]:
            continue
        tid, category, code = key.split("|", 2)
        changed[category] = changed.get(category, 0) + 1
        print(f"===== {tid} {category}\n{code.strip()[:600]}")
        print("\n".join(f"  - {i}" for i in old[key] if i not in new[key]))
        print("\n".join(f"  + {i}" for i in new[key] if i not in old[key]))
    print("answers changed, by category:", changed)


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "replay":
        replay(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 4 and sys.argv[1] == "diff":
        diff(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
