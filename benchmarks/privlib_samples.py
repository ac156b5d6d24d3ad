"""Which samples of each private-library task pass: every sample the answer stage drew (after the
docs' fixes) is run through the task's check, beside the answer it picked. Says whether the pick
among samples or the samples themselves lose tasks. docs/benchmarks.md, "Stop 32".

    python benchmarks/privlib_samples.py MODEL tune|report [OUT.json]

Needs the index the privlib runs use (`docprompt index build privlib-src
benchmarks/privlib/src/seedloft --indexer python`) and the embedded model.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from docprompt.eval.answerers import python_path, setup_namespace
from docprompt.eval.tasks import load_tasks, run_answer, select
from docprompt.generate.embedded import EmbeddedGenerator
from docprompt.pipeline import DocPrompt
from docprompt.store.registry import open_index

HERE = Path(__file__).resolve().parent / "privlib"


def main(model: str, split: str, out: str | None = None) -> None:
    src = HERE / "src"
    dp = DocPrompt(open_index("privlib-src"), generator=EmbeddedGenerator(model), language="python")
    rows = []
    for task in select(load_tasks(HERE / "tasks.jsonl"), split):
        context, namespace = setup_namespace(task, src)
        t = time.perf_counter()
        with python_path(src):
            answer = dp.ask(task.request, context=context, namespace=namespace)
        seconds = time.perf_counter() - t
        passed = bool(answer.code) and run_answer(task, answer.code, src).passed
        samples = [
            {"passed": bool(s["code"]) and run_answer(task, s["code"], src).passed, "problem": s["problem"],
             "issues": s["issues"], "code": s["code"]}
            for s in answer.samples
        ]  # fmt: skip
        rows.append({"id": task.id, "passed": passed, "samples": samples, "seconds": round(seconds, 2)})
        marks = " ".join("+" if s["passed"] else (s["problem"] or f"-{s['issues']}") for s in samples)
        print(f"{task.id} {'pass' if passed else 'miss'}  samples: {marks}  {seconds:.1f} s", flush=True)
    if out:
        Path(out).write_text(json.dumps(rows, indent=1))
    any_sample = sum(any(s["passed"] for s in r["samples"]) for r in rows)
    first = sum(bool(r["samples"]) and r["samples"][0]["passed"] for r in rows)
    print(f"answers right {sum(r['passed'] for r in rows)} of {len(rows)}; a sample right {any_sample}; "
          f"the first sample right {first}")  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:4])
