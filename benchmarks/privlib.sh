#!/usr/bin/env bash
# The private-library benchmark (benchmarks/privlib/README.md): can a small local model write
# correct code for seedloft, a library it has never seen? Builds the API index (the source, read
# with ast) and the docs index (the Markdown guides), checks that every task's own solution passes,
# then scores the report split with no docs, with docs retrieved from each index, and with
# verification + one repair round on top.
# Usage: benchmarks/privlib.sh [MODEL] [BACKEND] [WORKDIR]
#   defaults: qwen2.5-coder-0.5b, embedded, ${TMPDIR:-/tmp}/docprompt-privlib; ~32 answers per
#   condition, 5 conditions (the 0.5B model takes a few seconds an answer on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-qwen2.5-coder-0.5b}
backend=${2:-embedded}
work=${3:-${TMPDIR:-/tmp}/docprompt-privlib}
priv=benchmarks/privlib
export HF_HUB_OFFLINE=1
mkdir -p "$work"
dp() { echo "+ docprompt $*" >&2; docprompt "$@"; }

dp index build privlib-src "$priv/src/seedloft" --indexer python
dp index build privlib-docs "$priv/docs" --indexer docs
dp eval tasks --tasks "$priv/tasks.jsonl" --src "$priv/src" --reference   # every task solvable: 100 %

run() {  # NAME INDEX DOCS VERIFY
    dp eval tasks --tasks "$priv/tasks.jsonl" --src "$priv/src" --split report --index "$2" --docs "$3" \
        "$4" --backend "$backend" --model "$model" --json > "$work/$1.json"
}
run none privlib-src none --no-verify
run src privlib-src retrieved --no-verify
run src-verify privlib-src retrieved --verify
run docs privlib-docs retrieved --no-verify
run docs-verify privlib-docs retrieved --verify

python3 - "$work" "$model" <<'PY'
import json, sys
from pathlib import Path
work, model = Path(sys.argv[1]), sys.argv[2]
print(f"| condition ({model}) | pass@1 | easy | medium | hard | n | median s | p95 s | failures |")
print("|---|---|---|---|---|---|---|---|---|")
for name in ("none", "src", "src-verify", "docs", "docs-verify"):
    r = json.loads((work / f"{name}.json").read_text())
    p = r["pass_at_1"]
    cells = ["-" if p[k] is None else f"{p[k]:.1f}" for k in ("all", "easy", "medium", "hard")]
    fails = ", ".join(f"{k} {v}" for k, v in r["failures"].items())
    print(f"| {name} | {' | '.join(cells)} | {r['n']} | {r['seconds']['median']:.1f} | {r['seconds']['p95']:.1f} | {fails} |")
PY
