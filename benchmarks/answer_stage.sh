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
T="--dataset $DATA/tldr/dev.jsonl --split report --sample $N --backend embedded"
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
