#!/usr/bin/env bash
# mirsad vs trafilatura 2.3.1: main-text F1, title and date accuracy, pages/s on one core, peak RSS.
# Same pages, same run, same scoring code (bench/extract_bench.py).
#
#   bash bench/extract_bench.sh [DATA_DIR]      (default: ../shared/data beside the checkout)
#
# Creates .venv-bench/ (gitignored) with trafilatura and its dependencies pinned as resolved
# when this benchmark was written; builds mirsad in release mode; pins both tools to one CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${1:-$ROOT/../shared/data}
VENV=$ROOT/.venv-bench
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

if [ ! -d "$DATA/trafilatura-eval-sample" ]; then
    echo "skip: $DATA/trafilatura-eval-sample not found" >&2
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# trafilatura 2.3.1 and the versions pip resolved for it (lxml_html_clean: justext imports
# lxml.html.clean, which lxml 6 moved out into that package).
"$VENV/bin/pip" install -q --disable-pip-version-check \
    trafilatura==2.3.1 lxml==6.1.3 lxml_html_clean==0.4.6 htmldate==1.11.0 jusText==3.0.2 courlan==1.4.0 \
    dateparser==1.5.0 charset-normalizer==3.5.2 certifi==2026.10.18 urllib3==2.8.0 babel==2.18.0 \
    python-dateutil==4.0.0 pytz==2026.6 regex==2026.11.15 tld==0.13.2 tzdata==2026.6 tzlocal==5.4.5

cargo build --release -p mirsad >&2
MIRSAD=$CARGO_TARGET_DIR/release/mirsad

# One core for both: the last CPU (taskset from util-linux), when it is there.
CPU_ARGS=()
if command -v taskset >/dev/null 2>&1; then
    CPU_ARGS=(--cpu "$(( $(nproc) - 1 ))")
fi
exec "$VENV/bin/python" bench/extract_bench.py --data "$DATA" --mirsad "$MIRSAD" "${CPU_ARGS[@]}"
