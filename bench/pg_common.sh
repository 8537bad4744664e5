# Shared by the PostgreSQL benchmarks (sourced): the server, the binary measured, and making
# and dropping databases beside the one in the URL.
#   MIRSAD_BENCH_PG (else MIRSAD_TEST_PG): a URL whose role may create databases.
#   MIRSAD_BIN: a built binary to measure (else this checkout's, built now), so that a long run
#   is not disturbed by later builds.
base=${MIRSAD_BENCH_PG:-${MIRSAD_TEST_PG:?set MIRSAD_BENCH_PG to a PostgreSQL URL whose role may create databases}}
if [ -n "${MIRSAD_BIN:-}" ]; then
  m=$MIRSAD_BIN
else
  cargo build --release -q -p mirsad
  m=./target/release/mirsad
fi
pg_head=${base%/*}
pg_query=""
[[ "$base" == *\?* ]] && pg_query="?${base#*\?}"

# The URL of database $1 on the same server, with the base URL's options.
db_url() { echo "$pg_head/$1$pg_query"; }

# Drops database $1; an autovacuum worker on its new tables may refuse a non-superuser's
# FORCE for a moment, so it tries again.
drop_db() {
  local i
  for i in 1 2 3 4 5; do
    psql "$base" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" 2>/dev/null && return
    sleep 2
  done
  echo "could not drop database $1" >&2
}
