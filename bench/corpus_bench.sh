#!/usr/bin/env bash
# Throughput of `mirsad analyze` (extraction + segmentation, no stories) on the JSONL corpora in
# ../shared/data, on one thread and on all cores, with peak memory.
# Usage: bash bench/corpus_bench.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
cargo build --release -p mirsad >/dev/null 2>&1
bin=./target/release/mirsad
printf '%-18s %-8s %9s %9s %12s %10s\n' corpus threads articles seconds articles/s maxRSS_MB
for corpus in ant-multisource saudinewsnet; do
  [ -d "$data/$corpus" ] || { echo "skip: $data/$corpus not found"; continue; }
  for threads in 1 $(nproc); do
    out=$(mktemp)
    # GNU time: elapsed seconds and max RSS in KB; the analyze exit code 1 (records reported) is fine.
    /usr/bin/time -f '%e %M' -o "$out.time" "$bin" analyze "$data/$corpus" --json --quiet --threads "$threads" >"$out" 2>/dev/null || true
    read -r secs rss < <(tail -1 "$out.time")
    n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['articles']))" "$out")
    python3 -c "import sys; n,s,r=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print('%-18s %-8s %9d %9.2f %12.0f %10.1f' % (sys.argv[4], sys.argv[5], n, s, n/s, r/1024))" "$n" "$secs" "$rss" "$corpus" "$threads"
    rm -f "$out" "$out.time"
  done
done
