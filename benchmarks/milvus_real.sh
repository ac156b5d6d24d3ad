#!/bin/bash
# tldr dev hit@k over one real man-page pool, in the local store and in Milvus Lite (the same
# vectors, copied), for docs/scale-out.md. POOL: an eval pool folder, e.g. the one
#   docprompt eval retrieval --dataset DATA/tldr/dev.jsonl --limit 250 --manpages SUBSET
# builds under $DOCPROMPT_HOME/eval. Usage: benchmarks/milvus_real.sh POOL [DATA] [OUT]
set -euo pipefail
POOL=${1:?give the pool index folder}
DATA=${2:-../shared/data}
OUT=${3:-milvus-real}
mkdir -p "$OUT"
docprompt index copy "$POOL" tldrmil --store milvus --uri "$OUT/tldr.db"
for where in "$POOL" tldrmil; do
  tag=$([ "$where" = tldrmil ] && echo milvus || echo local)
  docprompt eval retrieval --dataset "$DATA/tldr/dev.jsonl" --limit 250 --index "$where" --mode all --json > "$OUT/$tag.json"
done
python3 - "$OUT" <<'PY'
import json, sys
for tag in ("local", "milvus"):
    for r in json.load(open(f"{sys.argv[1]}/{tag}.json"))["results"]:
        print(tag, r["mode"], r["cmd_hit@1"], r["cmd_hit@5"], r["cmd_hit@10"], r["flag_recall@10"], r["latency_ms"]["p50"])
PY
