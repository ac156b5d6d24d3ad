#!/usr/bin/env bash
# The trained-retriever table of docs/benchmarks.md: pairs, four trainings, their dev scores.
# Usage: benchmarks/trained_retriever.sh [WORKDIR]   (about 1.5 h on 2 cores once the
# evaluation pools are cached; the first CoNaLa/man-page pools take 15 and 50 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-${TMPDIR:-/tmp}/docprompt-train}
data=${DOCPROMPT_DATA:-../shared/data}
export HF_HUB_OFFLINE=1
mkdir -p "$work"
dp() { echo "+ docprompt $*" >&2; docprompt "$@"; }
pool() {  # the cached evaluation pool a base-model eval of DATASET built
    dp eval retrieval --dataset "$1" --mode sparse --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])'
}

conala_pool=$(pool "$data/conala/dev.jsonl")
man_pool=$(pool "$data/tldr/dev.jsonl")

dp train pairs conala "$data/conala/train.jsonl" -o "$work/conala.jsonl"
dp train pairs tldr "$data/tldr/pages" --index "$man_pool" --exclude "$data/tldr/dev.jsonl" -o "$work/tldr.jsonl"

time dp train retriever --pairs "$work/conala.jsonl" --index "$conala_pool" --out "$work/conala-supervised" --epochs 10 --patience 2
time dp train retriever --synthetic 10000 --index "$conala_pool" --out "$work/conala-synthetic" --epochs 10 --patience 2
time dp train retriever --pairs "$work/conala.jsonl" --tower both --index "$conala_pool" --out "$work/conala-both" --epochs 3 --patience 1
time dp train retriever --pairs "$work/tldr.jsonl" --index "$man_pool" --out "$work/tldr-supervised" --epochs 10 --patience 2
time dp train retriever --synthetic 10000 --index "$man_pool" --out "$work/tldr-synthetic" --epochs 4 --patience 1

# a both-towers model re-embeds the whole pool (~10 min for CoNaLa's)
for model in all-MiniLM-L6-v2 "$work/conala-supervised" "$work/conala-synthetic" "$work/conala-both"; do
    dp eval retrieval --dataset "$data/conala/dev.jsonl" --embedder "$model"
done
for model in all-MiniLM-L6-v2 "$work/tldr-supervised" "$work/tldr-synthetic"; do
    dp eval retrieval --dataset "$data/tldr/dev.jsonl" --embedder "$model"
done
