#!/usr/bin/env bash
# Ingest throughput of the two JSONL corpora: the embedded store against PostgreSQL with 1, 2
# and 4 workers, in one run (ratios, not absolute times, are the result), the database's size
# per article, a replica's build time, and search latency on the embedded collection and on the
# 1-worker database's replica. Needs a PostgreSQL server and a role that may create databases:
#   MIRSAD_BENCH_PG=postgres://USER:PASS@127.0.0.1/DB bash bench/pg_bench.sh ../shared/data
# With a second argument ARTICLES (e.g. 1000000) it builds a scaled collection with
# bench/scale_corpus.py and measures one PostgreSQL ingest with 2 workers (no 1/2/4 sweep), the
# database's size, a fresh replica's build time and search on it, then one embedded ingest and
# search on it.
# Temporary data (~30 GB at 1M: the embedded store, the replica, the scaled JSONL; the database
# itself is in the server's data folder) goes under MIRSAD_BENCH_TMP (default TMPDIR or /tmp).
set -euo pipefail
data=${1:-../shared/data}
target=${2:-}
source "$(dirname "$0")/pg_common.sh"
tmp=$(mktemp -d "${MIRSAD_BENCH_TMP:-${TMPDIR:-/tmp}}/mirsad-pg-bench.XXXXXX")
dbs=()
cleanup() {
  local j
  for j in $(jobs -p); do kill "$j" 2>/dev/null || true; done
  for db in "${dbs[@]}"; do drop_db "$db"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }
stage() { echo "# $(date +%T) $*" >&2; }
# A fresh database named $1 (dropped on exit); sets url.
fresh_db() {
  psql "$base" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  dbs+=("$1")
  url=$(db_url "$1")
}

# Queues the inputs into $1 and works the queue off with $2 workers; sets q, w, all (seconds).
pg_ingest() {
  local url=$1 workers=$2 t0 t1 t2 pids=() p failed=0
  shift 2
  $m migrate --data "$url" > /dev/null
  t0=$(now)
  $m ingest --quiet --enqueue --data "$url" "$@" > "$tmp/q.out" 2> "$tmp/q.err" || true
  t1=$(now)
  for w in $(seq "$workers"); do
    $m worker --until-idle --data "$url" --id "w$w" > "$tmp/w$w.out" 2> "$tmp/w$w.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  t2=$(now)
  if [ "$failed" = 1 ]; then
    echo "a worker failed:" >&2
    tail -n 5 "$tmp"/w*.err >&2
    exit 1
  fi
  q=$(echo "$t1 - $t0" | bc); w=$(echo "$t2 - $t1" | bc); all=$(echo "$t2 - $t0" | bc)
}

# Articles and database size of $1; sets n, size.
pg_size() {
  n=$(psql "$1" -tAc "SELECT count(*) FROM articles")
  size=$(psql "$1" -tAc "SELECT pg_database_size(current_database())")
}

# Where the size is: articles (all monthly partitions), the job queue (the queued documents,
# kept as done rows), the id and content key tables.
pg_breakdown() {
  local url=$1
  psql "$url" -tAc "SELECT 'articles ' || (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
                     WHERE inhparent = 'articles'::regclass)
                  || ', jobs ' || pg_total_relation_size('jobs')
                  || ', article_keys ' || pg_total_relation_size('article_keys')
                  || ', content_keys ' || pg_total_relation_size('content_keys') || ' bytes'"
}

# Times `mirsad sync` building a fresh replica of $1 in $2; sets rep (seconds).
build_replica() {
  local t3 t4
  rm -rf "$2"
  t3=$(now); $m sync --quiet --data "$1" --replica "$2" > /dev/null; t4=$(now)
  rep=$(echo "$t4 - $t3" | bc)
}

search() {
  local label=$1
  shift
  "$@" --runs 20 | grep -v ' variants ' | sed "s/^bench-search /  $label: /"
}

if [ -n "$target" ]; then
  stage "scaling the corpora to $target records"
  python3 bench/scale_corpus.py "$data" "$target" "$tmp/scaled.jsonl"
  inputs=("$tmp/scaled.jsonl")
else
  inputs=("$data/ant-multisource" "$data/saudinewsnet")
fi
if [ -n "$target" ]; then
  docs=$(wc -l < "$tmp/scaled.jsonl")
else
  docs=$(cat "$data"/ant-multisource/*.jsonl "$data"/saudinewsnet/*.jsonl | wc -l)
fi
echo "corpora: $docs records"

embedded_ingest() {
  stage "embedded ingest"
  local t0 t1
  t0=$(now)
  $m ingest --quiet --data "$tmp/embedded" "${inputs[@]}" > "$tmp/embedded.out" 2>/dev/null || true
  t1=$(now)
  emb=$(echo "$t1 - $t0" | bc)
  echo "embedded: $(tail -1 "$tmp/embedded.out") in ${emb}s, $(du -sb "$tmp/embedded" | cut -f1) bytes"
}

if [ -n "$target" ]; then
  # PostgreSQL first (the longest part), then the embedded store: a run cut short still has
  # the database's figures.
  db="mirsad_bench_n$target"
  fresh_db "$db"
  stage "PostgreSQL ingest, 2 workers"
  pg_ingest "$url" 2 "${inputs[@]}"
  stage "database size"
  pg_size "$url"
  breakdown=$(pg_breakdown "$url")
  echo "postgres, 2 workers: $n articles; queue ${q}s + work ${w}s = ${all}s; $size bytes, $(echo "$size / $n" | bc) per article, $(echo "$size * 1000000 / $n" | bc) per million articles"
  echo "  of which $breakdown"
  stage "replica build"
  build_replica "$url" "$tmp/replica"
  echo "  a fresh replica synced from it (stories, entities, index): ${rep}s, $(du -sb "$tmp/replica" | cut -f1) bytes"
  stage "search"
  search "postgres replica" env MIRSAD_REPLICA="$tmp/replica" $m bench-search --data "$url"
  drop_db "$db"
  rm -rf "$tmp/replica"
  embedded_ingest
  echo "embedded time / PostgreSQL time: $(echo "scale=2; $emb / $all" | bc)"
  rm -f "$tmp/scaled.jsonl"
  stage "search"
  search embedded $m bench-search --data "$tmp/embedded"
  stage "done"
  exit 0
fi

embedded_ingest

for workers in 1 2 4; do
  db="mirsad_bench_w$workers"
  fresh_db "$db"
  stage "PostgreSQL ingest, $workers workers"
  pg_ingest "$url" "$workers" "${inputs[@]}"
  pg_size "$url"
  echo "postgres, $workers workers: $n articles; queue ${q}s + work ${w}s = ${all}s (embedded/this $(echo "scale=2; $emb / $all" | bc)); $size bytes, $(echo "$size / $n" | bc) per article"
  if [ "$workers" = 1 ]; then
    stage "replica build"
    build_replica "$url" "$tmp/replica"
    echo "  a replica synced from it (stories, entities, index): ${rep}s, $($m stories --data "$tmp/replica" | head -1)"
    stage "search"
    search embedded $m bench-search --data "$tmp/embedded"
    search "postgres replica" env MIRSAD_REPLICA="$tmp/replica" $m bench-search --data "$url"
  fi
  drop_db "$db"
done
stage "done"
