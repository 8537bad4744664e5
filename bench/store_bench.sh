#!/usr/bin/env bash
# Ingest throughput and index size, then search latency against SQLite FTS5 on the same
# articles and queries, and how many articles each finds for spelling-variant queries.
# Usage: bash bench/store_bench.sh [DATA_DIR] [ARTICLES]
#   ARTICLES unset: the two JSONL corpora as they are (~31k articles);
#   ARTICLES=1000000: a scaled collection built by bench/scale_corpus.py.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
target=${2:-}
cargo build --release -p mirsad >/dev/null 2>&1
bin=$PWD/target/release/mirsad
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$target" ]; then
  python3 bench/scale_corpus.py "$data" "$target" "$work/scaled.jsonl"
  inputs=("$work/scaled.jsonl")
else
  inputs=("$data/ant-multisource" "$data/saudinewsnet")
fi
/usr/bin/time -f '%e %M' -o "$work/time" "$bin" ingest "${inputs[@]}" --data "$work/data" --quiet >"$work/summary" 2>/dev/null || true
read -r secs rss < <(tail -1 "$work/time")
cat "$work/summary"
n=$(sed -n 's/.*; \([0-9]*\) articles in .*/\1/p' "$work/summary")
echo "ingest: $n articles in $secs s = $(python3 -c "print(round($n/$secs))") articles/s, peak RSS $((rss/1024)) MB"
echo "size: index $(du -sh "$work/data/index" | cut -f1), records $(du -sh "$work/data/mirsad.sqlite" | cut -f1)"
"$bin" bench-search --data "$work/data" --fts5 --runs 20
