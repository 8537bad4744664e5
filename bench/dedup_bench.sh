#!/usr/bin/env bash
# mirsad MinHash LSH vs datasketch 2.0.0 MinHashLSH: near-duplicate pairs (exact Jaccard >= 0.8
# of word 3-shingle sets) on the same articles, same run: articles/s, recall, precision.
#
#   bash bench/dedup_bench.sh [DATA_DIR] [SAMPLE]   (defaults: ../shared/data beside the checkout, 8000)
#
# Creates .venv-bench/ (gitignored) with datasketch and its dependencies pinned as resolved
# when this benchmark was written; builds mirsad in release mode. mirsad runs on all cores
# (timed from raw body text); datasketch runs in one process on the shingle sets mirsad wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${1:-$ROOT/../shared/data}
SAMPLE=${2:-8000}
VENV=$ROOT/.venv-bench
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

for d in ant-multisource saudinewsnet; do
    if [ ! -d "$DATA/$d" ]; then
        echo "skip: $DATA/$d not found" >&2
        exit 0
    fi
done

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check datasketch==2.0.0 numpy==2.4.6 scipy==1.17.1

cargo build --release -p mirsad >&2
MIRSAD=$CARGO_TARGET_DIR/release/mirsad

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$MIRSAD" bench-dedup "$DATA/ant-multisource" "$DATA/saudinewsnet" --quiet --sample "$SAMPLE" \
    --shingles-out "$TMP/shingles.jsonl" --truth-out "$TMP/truth.jsonl" 2>"$TMP/mirsad.err" | tee "$TMP/mirsad.txt"
# Records the pipeline rejects (empty bodies and the like) are counted in the "input" line.
echo "mirsad: $(wc -l <"$TMP/mirsad.err") input records rejected (messages not shown)"
echo
"$VENV/bin/python" bench/dedup_bench.py --shingles "$TMP/shingles.jsonl" --truth "$TMP/truth.jsonl" \
    --mirsad-summary "$TMP/mirsad.txt" --sample "$SAMPLE"
