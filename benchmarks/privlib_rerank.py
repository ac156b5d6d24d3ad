"""Which of several sampled answers to keep, measured on the private library: every task's answer
stage draws N samples (the greedy one, then N-1 at temperature 0.7; the docs' fixes applied, no
repair round), each sample is run through the task's check and scored by the model as a
*reviewer*: log P(request | code), how well the code explains the request (Zhang et al., "Coder
Reviewer Reranking for Code Generation", ICML 2023), read in a chat turn that shows the code and
asks what task it does.

Then each way of picking (the stage's own pick, the greedy sample, fewest issues, the reviewer,
the most common code) is scored against the checks: what a selector could buy before it is built
into the answer stage. docs/benchmarks.md, "Stop 51".

    python benchmarks/privlib_rerank.py MODEL OUT.json TASKS.jsonl:SPLIT[:FIRST_ID] ... [--n 5]
    python benchmarks/privlib_rerank.py --summary OUT.json

Needs the index the privlib runs use (`docprompt index build privlib-src
benchmarks/privlib/src/seedloft --indexer python`) and the embedded model.
"""

from __future__ import annotations

import ast
import collections
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent / "privlib"
REVIEW = (
    "Here is Python code:\n```python\n{code}\n```\n"
    "Write the request this code carries out, in one or two sentences."
)


def review_text(gen, code: str) -> str:
    """The chat turn after which the request is scored: the code shown, the assistant's reply open."""
    text, _ = gen._prompt([{"role": "user", "content": REVIEW.format(code=code.strip())}], "")
    return text


def draw(model: str, out: str, specs: list[str], n: int) -> None:
    from docprompt.eval.answerers import python_path, setup_namespace
    from docprompt.eval.tasks import load_tasks, run_answer, select
    from docprompt.generate.embedded import EmbeddedGenerator
    from docprompt.pipeline import DocPrompt
    from docprompt.store.registry import open_index

    src = HERE / "src"
    gen = EmbeddedGenerator(model)
    dp = DocPrompt(open_index("privlib-src"), generator=gen, language="python", samples=n,
                   samples_until="all", repair_rounds=0)  # fmt: skip
    rows = []
    for spec in specs:
        path, split, first = ([*spec.split(":"), "", ""])[:3]
        for task in select(load_tasks(Path(path)), split or "all"):
            if first and task.id < first:
                continue
            context, namespace = setup_namespace(task, src) if task.setup else ("", {})
            t = time.perf_counter()
            with python_path(src):
                answer = dp.ask(task.request, context=context, namespace=namespace)
            seconds = time.perf_counter() - t
            samples = []
            for s in answer.samples:
                code = s["code"] or ""
                passed = bool(code) and run_answer(task, code, src).passed
                usable = bool(code) and not s["problem"]
                reviewer = gen.score(review_text(gen, code), task.request) if usable else None
                samples.append({"code": code, "problem": s["problem"], "issues": s["issues"],
                                "passed": passed, "reviewer": reviewer})  # fmt: skip
            picked = bool(answer.code) and run_answer(task, answer.code, src).passed
            rows.append({"id": task.id, "difficulty": task.difficulty, "picked": picked, "code": answer.code,
                         "samples": samples, "seconds": round(seconds, 2),
                         "score_seconds": round(time.perf_counter() - t - seconds, 2)})  # fmt: skip
            marks = " ".join("+" if s["passed"] else "-" for s in samples)
            print(f"{task.id} {'pass' if picked else 'miss'} [{marks}] {seconds:.1f} s", flush=True)
            Path(out).write_text(json.dumps(rows, indent=1))
    summary(out)


def _norm(code: str) -> str:
    try:
        return ast.dump(ast.parse(code))
    except SyntaxError:
        return code.strip()


def _usable(s: dict) -> bool:
    return bool(s["code"]) and not s["problem"]


def pickers():
    def issues(s):
        return s["issues"] or 0

    def by(key):
        def pick(samples):
            ok = [s for s in samples if _usable(s)]
            return max(ok, key=key) if ok else samples[0]

        return pick

    def vote(tie):
        """The code most usable samples agree on (as the AST reads it); ties broken by ``tie``."""

        def pick(samples):
            ok = [s for s in samples if _usable(s)] or samples
            counts = collections.Counter(_norm(s["code"]) for s in ok)
            return max(ok, key=lambda s: (counts[_norm(s["code"])], tie(ok, s)))

        return pick

    def fewest_then(key):
        def pick(samples):
            ok = [s for s in samples if _usable(s)]
            if not ok:
                return samples[0]
            least = min(issues(s) for s in ok)
            return max((s for s in ok if issues(s) == least), key=key)

        return pick

    return {
        "greedy sample": lambda samples: samples[0],
        "fewest issues, then first": fewest_then(lambda s: 0),
        "reviewer": by(lambda s: s["reviewer"]),
        "fewest issues, then reviewer": fewest_then(lambda s: s["reviewer"]),
        "most common code (vote)": vote(lambda ok, s: -ok.index(s)),
        "vote, ties by reviewer": vote(lambda ok, s: s["reviewer"] if s["reviewer"] is not None else -1e9),
    }


def summary(out: str) -> None:
    rows = json.loads(Path(out).read_text())
    n = len(rows)
    print(
        f"{n} tasks; the stage's own pick {sum(r['picked'] for r in rows)}; "
        f"a sample right {sum(any(s['passed'] for s in r['samples']) for r in rows)}"
    )
    for name, pick in pickers().items():
        right = [r["id"] for r in rows if r["samples"] and pick(r["samples"])["passed"]]
        print(f"  {name:40s} {len(right):3d}  ({100 * len(right) / max(n, 1):.1f} %)")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--summary"]:
        summary(args[1])
    else:
        n = 5
        if "--n" in args:
            i = args.index("--n")
            n = int(args[i + 1])
            del args[i : i + 2]
        if len(args) < 3:
            sys.exit(__doc__)
        draw(args[0], args[1], args[2:], n)
