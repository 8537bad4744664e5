#!/usr/bin/env bash
# Server throughput under wrk (Debian package) on loopback: the home page, a search through the
# JSON API, an article page. Each for 10 s with 2 threads and 16 connections; prints requests/s,
# latency and the count of non-2xx/3xx answers and socket errors.
# Usage: bash bench/serve_bench.sh [SHARED_DATA_DIR]   (ingests both JSONL corpora first)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -p mirsad >/dev/null 2>&1
bin=$PWD/target/release/mirsad
work=$(mktemp -d)
"$bin" ingest "$data/ant-multisource" "$data/saudinewsnet" --data "$work/data" --quiet >/dev/null 2>&1 || true
"$bin" serve --data "$work/data" --addr 127.0.0.1:0 >"$work/url" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q http "$work/url" 2>/dev/null && break; sleep 0.2; done
base=$(grep -o 'http://[0-9.:]*' "$work/url" | head -1)
id=$(curl -s "$base/api/articles?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['articles'][0]['id'])")
q=$(python3 -c "import urllib.parse; print(urllib.parse.quote('النفط'))")
for path in "/" "/api/search?q=$q" "/articles/$id"; do
  echo "== GET $path"
  wrk -t2 -c16 -d10s --latency "$base$path" | grep -E "Requests/sec|Non-2xx|Socket errors|50%|99%|requests in"
done
# A mix of searches, so no single query's cached pages flatter the figure: single words in
# several spellings, two-word queries, a quoted phrase, a date filter and an outlet filter.
python3 - "$work/mix.lua" <<'PY'
import sys, urllib.parse as u
qs = ["q=النفط", "q=السعودية", "q=وزير الخارجية", "q=\"أسعار النفط\"", "q=الامطار",
      "q=إيران&from=2015-01-01&to=2015-12-31", "q=التعليم&limit=20", "q=مستشفى", "q=كرة القدم",
      "q=الرياض&offset=10"]
enc = ['"/api/search?' + "&".join(k + "=" + u.quote(v) for k, v in (p.split("=", 1) for p in q.split("&"))) + '"' for q in qs]
open(sys.argv[1], "w").write("local paths = {" + ", ".join(enc) + "}\nlocal i = 0\n"
    "request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
PY
echo "== GET /api/search (10 different queries in turn)"
wrk -t2 -c16 -d10s --latency -s "$work/mix.lua" "$base" | grep -E "Requests/sec|Non-2xx|Socket errors|50%|99%|requests in"
