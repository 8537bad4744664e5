#!/usr/bin/env bash
# The server loop against the one it replaced (axum::serve), in one run on loopback:
# 1. throughput: wrk (Debian package) -t2 -c16 -d10s on the home page and a search, old and new
#    servers alternating for 3 rounds (median requests/s of each, and the ratio new/old);
# 2. slowloris: N sockets that send a partial request head and then one byte a second, under an
#    open-file limit (`ulimit -n`); meanwhile 20 normal requests one after another (5 s client
#    timeout each): how many are answered, their median latency; then SIGTERM while the sockets
#    stay open, and the time to exit.
# Usage: bash bench/serve_hardening_bench.sh [SHARED_DATA_DIR] [OLD_REV]
#   OLD_REV (default c089f4b, the last commit with axum::serve) is built from `git archive` in a
#   temporary folder with this target dir; set OLD_BIN=path to use a built binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
old_rev=${2:-c089f4b}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${OLD_BIN:-}" ]; then
  mkdir "$work/old-src"
  git archive "$old_rev" | tar -x -C "$work/old-src"
  (cd "$work/old-src" && CARGO_TARGET_DIR="$OLDPWD/target" cargo build --release -j 2 -p mirsad >/dev/null 2>&1)
  cp target/release/mirsad "$work/mirsad-old"
  OLD_BIN=$work/mirsad-old
fi
cargo build --release -j 2 -p mirsad >/dev/null 2>&1
NEW_BIN=$PWD/target/release/mirsad

"$NEW_BIN" ingest "$data/ant-multisource" "$data/saudinewsnet" --data "$work/data" --no-analysis --quiet >/dev/null 2>&1 || true

# start BIN NOFILE: starts `serve` under `ulimit -n NOFILE`, sets $pid and $base.
start() {
  rm -f "$work/url"
  (ulimit -n "$2"; exec "$1" serve --data "$work/data" --addr 127.0.0.1:0) >"$work/url" 2>"$work/serve.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q http "$work/url" 2>/dev/null && break; sleep 0.1; done
  base=$(grep -o 'http://[0-9.:]*' "$work/url" | head -1)
}
stop() { kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }

q=$(python3 -c "import urllib.parse; print(urllib.parse.quote('النفط'))")
echo "== throughput (requests/s; wrk -t2 -c16 -d10s)"
for round in 1 2 3; do
  for which in old new; do
    bin=$OLD_BIN; [ "$which" = new ] && bin=$NEW_BIN
    start "$bin" "$(ulimit -Hn)"
    for path in "/" "/api/search?q=$q"; do
      rps=$(wrk -t2 -c16 -d10s "$base$path" | awk '/Requests\/sec/ {print $2}')
      echo "$which $path $rps" | tee -a "$work/rps"
    done
    stop
  done
done
python3 - "$work/rps" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
for path in dict.fromkeys(r[1] for r in rows):
    med = {w: statistics.median(float(r[2]) for r in rows if r[0] == w and r[1] == path) for w in ("old", "new")}
    print(f"{path}: old {med['old']:.0f}, new {med['new']:.0f}, new/old {med['new'] / med['old']:.3f}")
PY

cat >"$work/slowloris.py" <<'PY'
# slowloris.py BASE N: N partial heads trickling a byte a second; 20 normal requests meanwhile.
import asyncio, statistics, sys, time, urllib.parse
base, n = sys.argv[1], int(sys.argv[2])
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
async def slow(stop):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        w.write(b"GET / HTTP/1.1\r\nHost: t\r\nX-a: ")
        while not stop.is_set():
            await asyncio.sleep(1)
            w.write(b"a")
            await w.drain()
    except Exception:
        pass
async def normal():
    t = time.monotonic()
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        w.write(b"GET /api/articles?limit=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(r.read(), 5)
        return data.startswith(b"HTTP/1.1 200"), time.monotonic() - t
    except Exception:
        return False, time.monotonic() - t
async def main():
    stop = asyncio.Event()
    tasks = [asyncio.create_task(slow(stop)) for _ in range(n)]
    await asyncio.sleep(3)
    results = [await normal() for _ in range(20)]
    ok = [t for good, t in results if good]
    p50 = f"{statistics.median(ok) * 1000:.1f} ms" if ok else "-"
    print(f"{sum(g for g, _ in results)}/20 answered, median {p50}", flush=True)
    # Keep the sockets open while the caller sends SIGTERM and waits up to 15 s.
    await asyncio.sleep(20)
    stop.set()
asyncio.run(main())
PY
for spec in "300 256" "2000 $(ulimit -Hn)"; do
  set -- $spec
  echo "== $1 slowloris sockets, ulimit -n $2"
  for which in old new; do
    bin=$OLD_BIN; [ "$which" = new ] && bin=$NEW_BIN
    start "$bin" "$2"
    python3 "$work/slowloris.py" "$base" "$1" >"$work/probe" &
    probe=$!
    for _ in $(seq 300); do [ -s "$work/probe" ] && break; sleep 0.1; done
    t0=$(date +%s.%N)
    kill -TERM "$pid"
    exited=no
    # Exited: gone, or a zombie not yet waited for.
    for _ in $(seq 150); do
      state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
      if [ "$state" = Z ] || [ "$state" = gone ]; then exited=yes; break; fi
      sleep 0.1
    done
    t1=$(date +%s.%N)
    if [ $exited = yes ]; then
      took=$(python3 -c "print(f'{$t1 - $t0:.1f} s')")
    else
      took="not within 15 s"
    fi
    echo "$which: $(cat "$work/probe"); SIGTERM: exit $took"
    stop
    wait "$probe" 2>/dev/null || true
  done
done
