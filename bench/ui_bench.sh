#!/usr/bin/env bash
# Page throughput of the web UI under wrk (Debian package) on loopback: the home page, the
# biggest story, the entity in most articles, the story list and a search page. Each for 10 s
# with 2 threads and 16 connections; prints a markdown table of requests/s, p50 and p99 per
# page, and the count of non-2xx/3xx answers and socket errors (which should be 0).
# Usage: bash bench/ui_bench.sh [SHARED_DATA_DIR]   (ingests the ANT multi-source corpus first)
# MIRSAD_BIN=path uses that binary instead of building target/release/mirsad.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
corpus="$data/ant-multisource"
if [ ! -d "$corpus" ]; then
  echo "ui_bench: skipped: no ANT corpus at $corpus (give the shared data directory as the first argument)"
  exit 0
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ -n "${MIRSAD_BIN:-}" ]; then
  bin=$MIRSAD_BIN
else
  cargo build --release -p mirsad >/dev/null 2>&1
  bin=$PWD/target/release/mirsad
fi
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" ingest "$corpus" --data "$work/data" --quiet >/dev/null 2>&1
# Two servers on the one collection: as shipped (answers reused while the collection is
# unchanged) and with --no-page-cache (every answer computed anew: the cost of a first visit).
"$bin" serve --data "$work/data" --addr 127.0.0.1:0 >"$work/url" 2>/dev/null &
pid=$!
"$bin" serve --data "$work/data" --addr 127.0.0.1:0 --no-page-cache >"$work/url2" 2>/dev/null &
pid2=$!
trap '[ -n "$pid" ] && kill "$pid" "$pid2" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q http "$work/url" 2>/dev/null && grep -q http "$work/url2" 2>/dev/null && break; sleep 0.2; done
base=$(grep -o 'http://[0-9.:]*' "$work/url" | head -1)
cold=$(grep -o 'http://[0-9.:]*' "$work/url2" | head -1)
[ -n "$base" ] && [ -n "$cold" ] || { echo "ui_bench: the servers did not start" >&2; exit 1; }

# The biggest story (the list is ordered by day, so ask for ever smaller minimum sizes until
# one answers) and the entity named in most articles (the entity list's first).
story=$(python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
for n in (500, 200, 100, 50, 20, 10, 5, 2, 1):
    v = json.load(urllib.request.urlopen(f"{base}/api/stories?min_articles={n}&limit=100"))
    if v["stories"]:
        s = max(v["stories"], key=lambda s: len(s["articles"]))
        print(s["id"], len(s["articles"]))
        break
PY
)
entity=$(curl -s "$base/api/entities?limit=1" |
  python3 -c "import json,sys; e=json.load(sys.stdin)['entities'][0]; print(e['id'], e['article_count'])")
q=$(python3 -c "import urllib.parse; print(urllib.parse.quote('كوريا الشمالية'))")
set -- $story; story_id=$1; story_size=$2
set -- $entity; entity_id=$1; entity_articles=$2
echo "Corpus: $(curl -s "$base/api/articles?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['total'])") articles;" \
  "story $story_id ($story_size articles); entity $entity_id ($entity_articles articles)."
echo "wrk -t2 -c16 -d10s --latency, loopback, $(nproc) CPUs."
echo
# 100 stories of at least 3 articles and the 100 entities in most articles, for the rotations.
curl -s "$base/api/stories?min_articles=3&sort=largest&limit=100" |
  python3 -c "import json,sys; [print('/stories/' + s['id']) for s in json.load(sys.stdin)['stories']]" >"$work/stories.txt"
curl -s "$base/api/entities?limit=100" |
  python3 -c "import json,sys; [print('/entities/' + e['id']) for e in json.load(sys.stdin)['entities']]" >"$work/entities.txt"
cat >"$work/rotate.lua" <<'LUA'
-- Each request asks for the next path of the file named by PATHS, in turn.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA

run() { # label, url, [lua script]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c16 -d10s --latency -s "$3" "$2"); else out=$(wrk -t2 -c16 -d10s --latency "$2"); fi
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
  echo "| $1 | $rps | $p50 | $p99 | $bad |"
}

echo "| page | requests/s | p50 | p99 | errors |"
echo "|---|---:|---:|---:|---:|"
for server in "$base" "$cold"; do
  tag=""; [ "$server" = "$cold" ] && tag=" (no page cache)"
  for path in "/" "/stories/$story_id" "/entities/$entity_id" "/stories" "/search?q=$q"; do
    label=$path
    case $path in /search*) label="/search?q=كوريا الشمالية" ;; /stories/*) label="/stories/{biggest}" ;; /entities/*) label="/entities/{most mentioned}" ;; esac
    run "\`$label\`$tag" "$server$path"
  done
  PATHS="$work/stories.txt" run "100 story pages in turn$tag" "$server" "$work/rotate.lua"
  PATHS="$work/entities.txt" run "100 entity pages in turn$tag" "$server" "$work/rotate.lua"
done
