#!/usr/bin/env bash
# What checking the search index at open costs: `mirsad search` on a collection of both JSONL
# corpora (30,352 articles) with the record of verified files in place (a stat per index file)
# and without it (every segment file read and its checksum computed, as after a crash or on the
# first open of a copied directory), and `mirsad check` (everything re-read).
#
#   bash bench/open_bench.sh [DATA_DIR]     (release build; ROUNDS=7 by default, medians)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-$PWD/../shared/data}
ROUNDS=${ROUNDS:-7}
if [ ! -d "$DATA/ant-multisource" ]; then echo "skip: $DATA/ant-multisource not found" >&2; exit 0; fi
cargo build --release -q -p mirsad
BIN=$PWD/target/release/mirsad
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$BIN" ingest "$DATA/ant-multisource" "$DATA/saudinewsnet" --data "$work/d" --no-analysis --quiet >/dev/null 2>&1 || true  # some records are empty: exit 1
echo "index: $(du -sh "$work/d/index" | cut -f1), $(ls "$work/d/index" | wc -l) files"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
warm=(); cold=(); check=()
"$BIN" search النفط --data "$work/d" >/dev/null   # page cache warm, record written
for _ in $(seq "$ROUNDS"); do
    warm+=("$(ms "$BIN" search النفط --data "$work/d")")
    rm -f "$work/d/index.verified"
    cold+=("$(ms "$BIN" search النفط --data "$work/d")")
    check+=("$(ms "$BIN" check --data "$work/d")")
done
w=$(printf '%s\n' "${warm[@]}" | median); c=$(printf '%s\n' "${cold[@]}" | median); k=$(printf '%s\n' "${check[@]}" | median)
echo "search, record in place (stat per file): $w ms"
echo "search, no record (every checksum computed): $c ms ($(awk -v a="$c" -v b="$w" 'BEGIN{printf "%.2f", a/b}') x)"
echo "check (every file re-read, SQLite integrity check): $k ms ($(awk -v a="$k" -v b="$w" 'BEGIN{printf "%.2f", a/b}') x)"
