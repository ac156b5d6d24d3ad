"""Fuzz every indexer with generated malformed inputs (issue #11), over several seeds.

    python benchmarks/fuzz_indexers.py --seeds 0-9 --per-indexer 145

Each seed makes one folder per indexer (files, docs, examples, python, tldr, manpages, devdocs, and
man pages as roff sources rendered by man(1)) of binary, bad UTF-8, UTF-16, huge-line, empty and
broken files, FIFOs, sockets, symlink loops and odd names, builds an index from each under a
timeout and checks: no crash, no hang, every skip counted with a reason and its files named,
every input either indexed or named among the skips, and `docprompt index info NAME --skipped`
listing them. tests/test_fuzz.py runs one seed of this (a little over 1,000 inputs) in CI.
Results are in docs/benchmarks.md ("Fuzzing the indexers").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz import run_seed  # noqa: E402


def seeds(spec: str) -> list[int]:
    lo, _, hi = spec.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0-9", help="a seed or a range, e.g. 0-9")
    ap.add_argument("--per-indexer", type=int, default=145)
    ap.add_argument("--timeout", type=float, default=120, help="seconds one build may take")
    ap.add_argument("--max-bytes", type=int, default=30_000)
    args = ap.parse_args()
    inputs, problems, seconds = 0, 0, Counter()
    reasons: Counter[str] = Counter()
    t = time.perf_counter()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for seed in seeds(args.seeds):
        with tempfile.TemporaryDirectory() as d:
            os.environ["DOCPROMPT_HOME"] = str(Path(d) / "home")
            for o in run_seed(Path(d), seed, args.per_indexer, args.timeout, args.max_bytes):
                inputs += o.inputs
                seconds[o.indexer] += o.seconds
                reasons.update(o.skipped)
                issues = [
                    *([f"crash or hang: {o.error[-800:]}"] if o.error else []),
                    *([f"build failed: {o.one_line_error}"] if o.one_line_error else []),
                    *([f"not accounted for: {o.unaccounted[:5]}"] if o.unaccounted else []),
                    *([f"reasons without names: {o.unnamed_reasons}"] if o.unnamed_reasons else []),
                    *([f"index info --skipped: {o.cli_error}"] if o.cli_error else []),
                ]
                problems += len(issues)
                status = "ok" if not issues else "; ".join(issues)
                print(
                    f"seed {seed} {o.indexer:14s} {o.inputs:4d} inputs {o.documents:5d} docs "
                    f"{o.seconds:6.1f} s  {status}"
                )
    print(f"{inputs} inputs, {problems} problems, {time.perf_counter() - t:.0f} s; load average after: "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    print("build seconds per indexer:", {k: round(v, 1) for k, v in seconds.items()})
    print("skips by reason:", dict(reasons.most_common()))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
