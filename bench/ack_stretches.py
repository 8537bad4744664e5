"""Reads `mirsad ingest --ack` output on stdin and prints the cost of each stretch of STRETCH
articles (wall-clock microseconds per article read, duplicates included); other lines pass
through. Usage: mirsad ingest ... --ack | python3 bench/ack_stretches.py [STRETCH]
"""
import sys, time

stretch = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
start = last_t = time.monotonic()
last_n, mark, n = 0, stretch, 0
for line in sys.stdin:
    now = time.monotonic()
    if line.startswith("ack "):
        n = int(line.split()[1])
        if n >= mark:
            print(f"stretch {last_n:>9,} - {n:>9,}: {1e6 * (now - last_t) / (n - last_n):6.0f} µs/article", flush=True)
            last_t, last_n, mark = now, n, (n // stretch + 1) * stretch
        continue
    print(line, end="", flush=True)
now = time.monotonic()
print(f"after the last acknowledged batch (entity resolution, index): {now - last_t:.1f} s; total {now - start:.1f} s")
