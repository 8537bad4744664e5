#!/usr/bin/env bash
# Ingest throughput and index size, then search latency against SQLite FTS5 on the same
# articles and queries, and how many articles each finds for spelling-variant queries.
# Usage: [KEEP_DATA=DIR] bash bench/store_bench.sh [DATA_DIR] [ARTICLES]
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
# --ack prints each committed batch: the cost of every stretch of the ingest (5,000 articles on
# the corpora, 50,000 on a scaled collection) shows whether it grows with the collection.
stretch=$([ -n "$target" ] && echo 50000 || echo 5000)
/usr/bin/time -f '%e %M' -o "$work/time" "$bin" ingest "${inputs[@]}" --data "$work/data" --quiet --ack 2>/dev/null \
  | python3 bench/ack_stretches.py "$stretch" >"$work/summary" || true
read -r secs rss < <(tail -1 "$work/time")
cat "$work/summary"
n=$(sed -n 's/.*; \([0-9]*\) articles in .*/\1/p' "$work/summary")
echo "ingest: $n articles in $secs s = $(python3 -c "print(round($n/$secs))") articles/s, peak RSS $((rss/1024)) MB"
echo "size: index $(du -sh "$work/data/index" | cut -f1), records $(du -sh "$work/data/mirsad.sqlite" | cut -f1)"
python3 bench/store_sizes.py "$work/data"
"$bin" bench-search --data "$work/data" --fts5 --runs 20
# KEEP_DATA=DIR keeps the collection for further measurements.
if [ -n "${KEEP_DATA:-}" ]; then mv "$work/data" "$KEEP_DATA"; fi
