#!/usr/bin/env bash
# Hostile HTML against an ordinary page of the same size: `mirsad analyze --extract-only` on each
# page written by bench/hostile_html.py, best of 3 runs, and the ratio to the ordinary page.
#
#   bash bench/hostile_html.sh [SIZE_BYTES]      (default 16000000)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-16000000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -p mirsad >&2
MIRSAD=$CARGO_TARGET_DIR/release/mirsad
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 bench/hostile_html.py "$DIR" --size "$SIZE"

best() { # seconds of the fastest of 3 runs
    local b=
    for _ in 1 2 3; do
        local s e t
        s=$(date +%s%N)
        "$MIRSAD" analyze --extract-only --quiet --max-doc-bytes $((SIZE * 2)) "$1" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        t=$(( (e - s) / 1000000 ))
        if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
    done
    echo "$b"
}

base=$(best "$DIR/ordinary.html")
printf '%-22s %8s %6s\n' page ms ratio
printf '%-22s %8s %6s\n' ordinary "$base" 1.00
for f in "$DIR"/*.html; do
    name=$(basename "$f" .html)
    [ "$name" = ordinary ] && continue
    t=$(best "$f")
    printf '%-22s %8s %6s\n' "$name" "$t" "$(awk -v a="$t" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
done
