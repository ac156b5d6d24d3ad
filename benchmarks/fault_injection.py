"""``kill -9`` builds at random moments, many times (issue #11): the CI test runs 8 trials, this runs
52 (13 aimed at each phase: reading, embedding, writing, swap) and 10 resume trials.

    python benchmarks/fault_injection.py --trials 52 --resumes 10 --seed 0

After every kill the index must answer exactly as the old build (every query, every mode) or, for
a kill after the swap's rename, exactly as the complete new build; every vector left in the
embedding cache must be the embedder's own. A resume trial kills a build while it embeds and
counts what the rebuild embeds again: it must be exactly the paragraphs not yet saved.
Results are in docs/benchmarks.md ("Fault injection").
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

from tests.faults import kill_trials, resume_trial  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=52)
    ap.add_argument("--resumes", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--slow", type=float, default=0.03, help="seconds each slowed step sleeps")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        os.environ["DOCPROMPT_HOME"] = str(Path(d) / "home")
        t = time.perf_counter()
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        report = kill_trials(
            Path(d) / "kills", args.trials, args.seed, args.slow, log=print if args.verbose else None
        )
        print(report.summary())
        table = Counter((t.landed, t.outcome) for t in report.trials)
        print("| killed in | answered as the old build | as the new complete build | neither |")
        print("|---|---|---|---|")
        for phase in ("reading", "embedding", "writing", "swap", "done"):
            row = [table[phase, o] for o in ("old", "new", "mixed")]
            if any(row):
                print(f"| {phase} | {row[0]} | {row[1]} | {row[2]} |")
        for f in report.failures:
            print("FAILURE:", f)
        resumes = []
        for i in range(args.resumes):
            r = resume_trial(Path(d) / f"resume{i}", seed=args.seed + i, slow=args.slow)
            resumes.append(r)
            exact = r.embedded_again == r.chunks - r.saved
            print(
                f"resume {i}: {r.chunks} paragraphs, {r.saved} saved before the kill, {r.embedded_again} "
                f"embedded again ({'exactly the unsaved' if exact else 'WRONG'}); same index: {r.same_index}"
            )
        bad = [r for r in resumes if r.embedded_again != r.chunks - r.saved or not r.same_index]
        print(
            f"{len(report.trials)} kills, {len(report.failures)} failures; {len(resumes)} resumes, "
            f"{len(bad)} wrong; {time.perf_counter() - t:.0f} s; load average after: {os.getloadavg()[0]:.2f}"
        )
    return 1 if report.failures or bad else 0


if __name__ == "__main__":
    sys.exit(main())
