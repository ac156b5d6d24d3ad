#!/usr/bin/env bash
# The answer-stage benchmarks of docs/benchmarks.md ("Answers", issues #13 and #14), in order of
# cost. Run from the repository root with the venv active; figures go to $OUT (JSON per run).
# Models: Qwen2.5-Coder 0.5B (docprompt[local]) and 1.5B (docprompt[local-large]), embedded.
set -euo pipefail
OUT=${OUT:-bench-out}
DATA=${DATA:-../shared/data}
N=${N:-400}
mkdir -p "$OUT"
run() { local name=$1; shift; echo "== $name"; docprompt eval generate --json "$@" > "$OUT/$name.json"; }

# Private library (benchmarks/privlib): its source and its docs folder, one index of both.
docprompt index build privlib-src benchmarks/privlib/src/seedloft --indexer python
docprompt index build privlib-docs benchmarks/privlib/docs --indexer docs
for model in qwen2.5-coder-0.5b qwen2.5-coder-1.5b; do
  for split in tune report; do
    t="docprompt eval tasks --tasks benchmarks/privlib/tasks.jsonl --src benchmarks/privlib/src --split $split --backend embedded --model $model --json"
    $t --index privlib-src --docs none > "$OUT/privlib-$model-$split-nodocs.json"
    $t --index privlib-src --no-verify > "$OUT/privlib-$model-$split-docs.json"
    $t --index privlib-src > "$OUT/privlib-$model-$split-verify.json"
    $t --index privlib-src -s samples=3 > "$OUT/privlib-$model-$split-samples3.json"
    $t --index privlib-docs > "$OUT/privlib-$model-$split-docsfolder.json"
  done
done

# tldr dev, report half (commands never tuned on), N rows; each stage's ablation for 0.5B.
# The pool of docs/benchmarks.md: the man pages of the dev set's commands (MAN_DEV, made here
# from the tarball) and the tldr pages; the whole 1,775-page tarball works too, at ~6x the
# embedding time. fp32 lets earlier pools' vectors be reused; drop it to embed with int8.
MAN_DEV=${MAN_DEV:-$OUT/man-dev}
if [ ! -d "$MAN_DEV" ]; then
  mkdir -p "$MAN_DEV.all" "$MAN_DEV" && tar -xzf "$DATA/manpages/manpages.tar.gz" -C "$MAN_DEV.all"
  python3 - "$DATA/tldr/dev.jsonl" "$MAN_DEV.all" "$MAN_DEV" <<'PY'
import json, shutil, sys
from pathlib import Path
cmds = {json.loads(line)["cmd_name"] for line in open(sys.argv[1])}
for page in Path(sys.argv[2]).rglob("*.txt"):
    if page.name.rsplit(".", 2)[0] in cmds:
        shutil.copy(page, sys.argv[3])
PY
fi
T="--dataset $DATA/tldr/dev.jsonl --split report --sample $N --backend embedded --manpages $MAN_DEV"
T="$T --tldr-pages $DATA/tldr/pages --onnx-precision fp32"
run tldr-05-format   $T --model qwen2.5-coder-0.5b -s command_first=false -s fill_placeholders=false
run tldr-05-cmdfirst $T --model qwen2.5-coder-0.5b -s fill_placeholders=false
run tldr-05-full     $T --model qwen2.5-coder-0.5b
run tldr-05-samples3 $T --model qwen2.5-coder-0.5b -s samples=3
run tldr-15-format   $T --model qwen2.5-coder-1.5b -s command_first=false -s fill_placeholders=false
run tldr-15-full     $T --model qwen2.5-coder-1.5b

# CoNaLa dev, report half: docs against no docs, both models.
C="--dataset $DATA/conala/dev.jsonl --split report --backend embedded --max-tokens 256"
for model in qwen2.5-coder-0.5b qwen2.5-coder-1.5b; do
  run "conala-$model-none" $C --model $model --docs none
  run "conala-$model-docs" $C --model $model
done
