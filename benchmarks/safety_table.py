"""The safety check against a table of commands with their expected verdicts.

Prints precision, recall and F1 for "danger" and for "flagged" (danger or caution), the
confusion matrix, and every command the check rates differently from the table.

    python benchmarks/safety_table.py [--table tests/data/safety_cases.jsonl] [--quiet]

The table (one JSON object a line: level, category, command, and why for the calls that
needed deciding) is the same one tests/test_safety.py runs.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from docprompt.safety import assess

LEVELS = ("safe", "caution", "danger")
TABLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "safety_cases.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(pairs: list[tuple[str, str]], positive: set[str]) -> tuple[float, float, float, int, int, int]:
    tp = sum(e in positive and g in positive for e, g in pairs)
    fp = sum(e not in positive and g in positive for e, g in pairs)
    fn = sum(e in positive and g not in positive for e, g in pairs)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", type=Path, default=TABLE)
    ap.add_argument("--quiet", action="store_true", help="figures only, not each disagreement")
    args = ap.parse_args()
    rows = load(args.table)
    t0 = time.perf_counter()
    got = [assess(row["command"]).level for row in rows]
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(rows))
    pairs = [(row["level"], g) for row, g in zip(rows, got)]
    print(
        f"{len(rows)} commands: " + ", ".join(f"{n} {lvl}" for lvl, n in Counter(e for e, _ in pairs).items())
    )
    print(f"{ms:.2f} ms a command\n")
    print(f"{'':18}{'precision':>10}{'recall':>8}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}")
    for label, positive in (("danger", {"danger"}), ("danger or caution", {"danger", "caution"})):
        p, r, f, tp, fp, fn = scores(pairs, positive)
        print(f"{label:18}{p:>10.3f}{r:>8.3f}{f:>7.3f}{tp:>5}{fp:>5}{fn:>5}")
    exact = sum(e == g for e, g in pairs)
    print(f"{'exact level':18}{exact / len(pairs):>10.3f}  ({exact}/{len(pairs)})\n")
    matrix = Counter(pairs)
    print("expected \\ got " + "".join(f"{lvl:>9}" for lvl in LEVELS))
    for e in LEVELS:
        print(f"{e:15}" + "".join(f"{matrix[(e, g)]:>9}" for g in LEVELS))
    if not args.quiet:
        wrong = [(row, g) for row, g in zip(rows, got) if row["level"] != g]
        if wrong:
            print(f"\n{len(wrong)} disagreements (expected -> got):")
        for row, g in wrong:
            print(f"  [{row['category']}] {row['level']} -> {g}: {row['command']!r}")


if __name__ == "__main__":
    main()
