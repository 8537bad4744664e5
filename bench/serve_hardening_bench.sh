#!/usr/bin/env bash
# The server loop against the one it replaced (axum::serve), in one run on loopback:
# 1. throughput: wrk (Debian package) -t2 -c16 -d8s on the home page and a search, old and new
#    servers alternating for 5 rounds (medians of requests/s and of server CPU time per request,
#    and the ratios new/old);
# 2. slowloris: N sockets that send a partial request head and then one byte a second, under an
#    open-file limit (`ulimit -n`); 5 s later, 20 normal requests one after another from another
#    process (5 s client timeout each): how many are answered, their median latency; then SIGTERM
#    while the sockets stay open, and the time to exit.
# Usage: bash bench/serve_hardening_bench.sh [SHARED_DATA_DIR] [OLD_REV]   (ROUNDS=0 skips part 1)
#   OLD_REV (default c089f4b, the last commit with axum::serve) is built from `git archive` in a
#   temporary folder with this target dir; set OLD_BIN=path to use a built binary instead (and
#   NEW_BIN=path for the new one instead of building this tree).
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
if [ -z "${NEW_BIN:-}" ]; then
  cargo build --release -j 2 -p mirsad >/dev/null 2>&1
  NEW_BIN=$PWD/target/release/mirsad
fi

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
# Server CPU time per request (utime+stime of the server process over the wrk run, from /proc)
# is reported beside requests/s: on a machine shared with other work it varies far less.
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
tck=$(getconf CLK_TCK)
echo "== throughput (wrk -t2 -c16 -d8s; requests/s and server CPU µs per request)"
for round in $(seq "${ROUNDS:-5}"); do
  for which in old new; do
    bin=$OLD_BIN; [ "$which" = new ] && bin=$NEW_BIN
    start "$bin" "$(ulimit -Hn)"
    for path in "/" "/api/search?q=$q"; do
      c0=$(cpu)
      out=$(wrk -t2 -c16 -d8s "$base$path")
      c1=$(cpu)
      rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
      n=$(echo "$out" | awk '/requests in/ {print $1}')
      us=$(python3 -c "print(f'{($c1 - $c0) / $tck / $n * 1e6:.1f}')")
      echo "$which $path $rps $us" | tee -a "$work/rps"
    done
    stop
  done
done
[ -s "$work/rps" ] && python3 - "$work/rps" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
for path in dict.fromkeys(r[1] for r in rows):
    med = lambda w, i: statistics.median(float(r[i]) for r in rows if r[0] == w and r[1] == path)
    ro, rn, co, cn = med("old", 2), med("new", 2), med("old", 3), med("new", 3)
    print(f"{path}: requests/s old {ro:.0f}, new {rn:.0f}, new/old {rn / ro:.3f}; "
          f"CPU µs/request old {co:.1f}, new {cn:.1f}, new/old {cn / co:.3f}")
PY

cat >"$work/slowloris.py" <<'PY'
# slowloris.py BASE N SECONDS: N partial request heads, each trickling a byte a second.
import asyncio, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
n, seconds = int(sys.argv[2]), float(sys.argv[3])
async def slow():
    try:
        r, w = await asyncio.open_connection(u.hostname, u.port)
        w.write(b"GET / HTTP/1.1\r\nHost: t\r\nX-a: ")
        while True:
            await asyncio.sleep(1)
            w.write(b"a")
            await w.drain()
    except Exception:
        pass
async def main():
    tasks = [asyncio.create_task(slow()) for _ in range(n)]
    await asyncio.sleep(seconds)
asyncio.run(main())
PY
cat >"$work/probe.py" <<'PY'
# probe.py BASE: 20 normal requests one after another (5 s timeout each).
import socket, statistics, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
ok = []
for _ in range(20):
    t = time.monotonic()
    try:
        with socket.create_connection((u.hostname, u.port), timeout=5) as s:
            s.settimeout(5)
            s.sendall(b"GET /api/articles?limit=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        if data.startswith(b"HTTP/1.1 200"):
            ok.append(time.monotonic() - t)
    except OSError:
        pass
p50 = f"{statistics.median(ok) * 1000:.1f} ms" if ok else "-"
print(f"{len(ok)}/20 answered, median {p50}")
PY
for spec in "300 256" "2000 $(ulimit -Hn)"; do
  set -- $spec
  echo "== $1 slowloris sockets, ulimit -n $2"
  for which in old new; do
    bin=$OLD_BIN; [ "$which" = new ] && bin=$NEW_BIN
    start "$bin" "$2"
    # The sockets are held through the probe (at most 200 s) and the SIGTERM wait (15 s).
    python3 "$work/slowloris.py" "$base" "$1" 240 &
    slow=$!
    sleep 5
    probe=$(python3 "$work/probe.py" "$base")
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
    echo "$which: $probe; SIGTERM with the sockets open: exit $took"
    stop
    kill "$slow" 2>/dev/null || true
    wait "$slow" 2>/dev/null || true
  done
done
