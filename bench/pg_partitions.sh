#!/usr/bin/env bash
# Articles partitioned by month against one unpartitioned table of the same rows, on the
# operations whose cost should follow a month's news and not the archive's size: reading a
# month or a year, the replicas' change feed, lookups by key, a day's upserts into the current
# month, dropping the oldest month (retention), and vacuuming after the day's writes.
#   MIRSAD_BENCH_PG=postgres://USER:PASS@127.0.0.1/DB bash bench/pg_partitions.sh [ROWS] [MONTHS]
# ROWS (default 1000000) synthetic articles (a ~1.3 KB jsonb body each) spread over MONTHS
# (default 120: ten years) in `mirsad migrate`'s `articles` table (a partition per month, as the
# workers make them) and, with the same rows, in `flat` (the same columns, primary key and seq
# index, no partitions). Each query runs 5 times; the median is printed, with the ratio.
set -euo pipefail
rows=${1:-1000000}
months=${2:-120}
source "$(dirname "$0")/pg_common.sh"
db=mirsad_bench_partitions
url=$(db_url $db)
psql "$base" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
trap 'drop_db $db' EXIT
$m migrate --data "$url" > /dev/null
sql() { psql "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }

# Month k (0-based) of the spread, as mirsad writes months (yyyymm), from January 2016.
first=2016
echo "# $(date +%T) $rows rows over $months months"
sql -c "DO \$\$ BEGIN FOR k IN 0..$months - 1 LOOP
          EXECUTE format('CREATE TABLE articles_m%s PARTITION OF articles FOR VALUES FROM (%s) TO (%s)',
                         ($first + k / 12) * 100 + k % 12 + 1, ($first + k / 12) * 100 + k % 12 + 1,
                         ($first + k / 12) * 100 + k % 12 + 2);
        END LOOP; END \$\$"
sql -c "CREATE TABLE flat (LIKE articles INCLUDING DEFAULTS, PRIMARY KEY (month, id))" \
    -c "CREATE INDEX flat_seq ON flat (seq)"
# Rows arrive in seq order with their months mixed (an archive back-filled by several sources);
# the body is ~1.3 KB of hex words that compress about as poorly as news text (TOAST keeps it).
fill() {
  sql -c "INSERT INTO $1 (month, id, content_key, hash, published, outlet, doc, analysis, seq)
          SELECT ($first + k / 12) * 100 + k % 12 + 1, md5(i::text), i, i, NULL, 'outlet ' || (i % 50),
                 jsonb_build_object('id', md5(i::text), 'body', b.body),
                 NULL, i
          FROM generate_series(1, $rows) AS i, LATERAL (SELECT (i::bigint * 7919) % $months AS k) AS s,
               LATERAL (SELECT string_agg(md5(i::text || '-' || j), ' ') AS body FROM generate_series(1, 40) AS j) AS b"
  sql -c "ANALYZE $1"
}
fill articles
fill flat
echo "# $(date +%T) filled: articles $(sql -tAc "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'articles'::regclass"), flat $(sql -tAc "SELECT pg_size_pretty(pg_total_relation_size('flat'))")"

last_k=$((months - 1))
last=$(( (first + last_k / 12) * 100 + last_k % 12 + 1 ))
year_from=$(( (first + last_k / 12) * 100 + 1 ))
oldest=$(( first * 100 + 1 ))
mid=$((rows / 2))

# Median of 5 runs of $2 (with @T@ standing for the table) on table $1, in ms.
timed() {
  local t=$1 q=${2//@T@/$1} i out
  local times=()
  for i in 1 2 3 4 5; do
    out=$(sql -c '\timing on' -c "$q" | grep '^Time:' | tail -1 | awk '{print $2}')
    times+=("$out")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
# Runs $2 once on each table (with @T@ standing for the table), prints both times and the ratio.
once() {
  local label=$1 a f
  a=$(sql -c '\timing on' -c "${2//@T@/articles}" | grep '^Time:' | tail -1 | awk '{print $2}')
  f=$(sql -c '\timing on' -c "${3//@T@/flat}" | grep '^Time:' | tail -1 | awk '{print $2}')
  printf '%s: partitioned %s ms, unpartitioned %s ms (partitioned/unpartitioned %.2f)\n' "$label" "$a" "$f" "$(echo "$a / $f" | bc -l)"
}
both() {
  local label=$1 a f
  a=$(timed articles "$2")
  f=$(timed flat "$2")
  printf '%s: partitioned %s ms, unpartitioned %s ms (partitioned/unpartitioned %.2f)\n' "$label" "$a" "$f" "$(echo "$a / $f" | bc -l)"
}

both "a month's articles (count and body bytes)" "SELECT count(*), sum(length(doc->>'body')) FROM @T@ WHERE month = $last"
both "a year's articles" "SELECT count(*), sum(length(doc->>'body')) FROM @T@ WHERE month BETWEEN $year_from AND $last"
both "the change feed, 1,000 rows from the middle" "SELECT count(*) FROM (SELECT seq, id, doc FROM @T@ WHERE seq > $mid AND seq <= $rows ORDER BY seq LIMIT 1000) x"
both "1,000 lookups by (month, id), one statement each (as the workers read)" "DO \$\$ DECLARE r record; d jsonb; BEGIN
  FOR r IN SELECT ($first + k / 12) * 100 + k % 12 + 1 AS month, md5(i::text) AS id
           FROM generate_series(1, $rows, $((rows / 1000))) AS i, LATERAL (SELECT (i::bigint * 7919) % $months AS k) s LOOP
    EXECUTE 'SELECT doc FROM @T@ WHERE month = \$1 AND id = \$2' INTO d USING r.month, r.id;
  END LOOP; END \$\$"
day=20000
once "a day's $day upserts into the current month" \
  "INSERT INTO @T@ (month, id, content_key, hash, outlet, doc, seq) SELECT $last, 'new' || i, -i, i, 'o', jsonb_build_object('body', repeat('خبر جديد ' || i, 80)), $rows + i FROM generate_series(1, $day) i ON CONFLICT (month, id) DO UPDATE SET doc = EXCLUDED.doc" \
  "INSERT INTO @T@ (month, id, content_key, hash, outlet, doc, seq) SELECT $last, 'new' || i, -i, i, 'o', jsonb_build_object('body', repeat('خبر جديد ' || i, 80)), $rows + i FROM generate_series(1, $day) i ON CONFLICT (month, id) DO UPDATE SET doc = EXCLUDED.doc"
once "vacuum after the day's writes (the current month / the whole table)" "VACUUM (ANALYZE) articles_m$last" "VACUUM (ANALYZE) @T@"
once "retention: the oldest month dropped" "DROP TABLE articles_m$oldest" "DELETE FROM @T@ WHERE month = $oldest"
echo "# $(date +%T) done"
