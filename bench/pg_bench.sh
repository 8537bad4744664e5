#!/usr/bin/env bash
# Ingest throughput of the two JSONL corpora: the embedded store against PostgreSQL with 1, 2
# and 4 workers, in one run (ratios, not absolute times, are the result), and the database's
# size per article. Needs a PostgreSQL server and a role that may create databases:
#   MIRSAD_BENCH_PG=postgres://USER:PASS@127.0.0.1/DB bash bench/pg_bench.sh ../shared/data
set -euo pipefail
data=${1:-../shared/data}
base=${MIRSAD_BENCH_PG:-${MIRSAD_TEST_PG:?set MIRSAD_BENCH_PG to a PostgreSQL URL whose role may create databases}}
inputs=("$data/ant-multisource" "$data/saudinewsnet")
cargo build --release -q -p mirsad
m=./target/release/mirsad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
docs=$(cat "$data"/ant-multisource/*.jsonl "$data"/saudinewsnet/*.jsonl | wc -l)
echo "corpora: $docs records"

t0=$(now)
$m ingest --quiet --data "$tmp/embedded" "${inputs[@]}" > "$tmp/embedded.out" 2>/dev/null || true
t1=$(now)
emb=$(echo "$t1 - $t0" | bc)
echo "embedded: $(tail -1 "$tmp/embedded.out") in ${emb}s, $(du -sb "$tmp/embedded" | cut -f1) bytes"

head=${base%/*}
query=""
[[ "$base" == *\?* ]] && query="?${base#*\?}"
for workers in 1 2 4; do
  db="mirsad_bench_w$workers"
  psql "$base" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  url="$head/$db$query"
  $m migrate --data "$url" > /dev/null
  t0=$(now)
  $m ingest --quiet --enqueue --data "$url" "${inputs[@]}" > "$tmp/q.out" 2>/dev/null || true
  t1=$(now)
  for w in $(seq "$workers"); do
    $m worker --until-idle --data "$url" --id "w$w" > "$tmp/w$w.out" 2>/dev/null &
  done
  wait
  t2=$(now)
  n=$(psql "$url" -tAc "SELECT count(*) FROM articles")
  size=$(psql "$url" -tAc "SELECT pg_database_size(current_database())")
  q=$(echo "$t1 - $t0" | bc); w=$(echo "$t2 - $t1" | bc); all=$(echo "$t2 - $t0" | bc)
  echo "postgres, $workers workers: $n articles; queue ${q}s + work ${w}s = ${all}s (embedded/this $(echo "scale=2; $emb / $all" | bc)); $size bytes, $(echo "$size / $n" | bc) per article"
  if [ "$workers" = 1 ]; then
    t3=$(now); $m sync --quiet --data "$url" --replica "$tmp/replica" > /dev/null; t4=$(now)
    echo "  a replica synced from it (stories, entities, index): $(echo "$t4 - $t3" | bc)s, $($m stories --data "$tmp/replica" | head -1)"
  fi
  psql "$base" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
