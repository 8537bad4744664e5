#!/usr/bin/env python3
"""mirsad MinHash LSH vs datasketch MinHashLSH on the same articles, in the same run.

Run through bench/dedup_bench.sh (it makes the venv, builds mirsad and runs
``mirsad bench-dedup``, which writes the shingle sets and the ground-truth pairs). This script:

- reads ``mirsad bench-dedup``'s stdout summary (its articles/s, recall, precision);
- reads the shingle sets (one JSON line per article, input order: the exact u64 shingle
  hashes mirsad computed from each body) and the brute-force ground truth (pairs among the
  first SAMPLE articles with exact Jaccard >= 0.8);
- datasketch: ``MinHash(num_perm=128)`` per article fed with ``update_batch`` of each u64 as
  8 little-endian bytes, ``MinHashLSH(threshold=0.8, num_perm=128)``; in input order each
  article queries the index and is then inserted, so every pair is examined once, as on the
  mirsad side. A pair counts as found when ``query`` returns it (datasketch does not confirm
  candidates itself). Timed: MinHash construction + update_batch, insert, query, one process
  (what a user gets). Not timed: reading the JSON and turning the ints into bytes.
  datasketch gets pre-shingled input; mirsad is timed from raw body text (shingling included).
"""

import argparse
import json
import sys
import time
from collections import Counter

import datasketch
from datasketch import MinHash, MinHashLSH


def bucket(v: float) -> str:
    if v >= 1.0:
        return "=1.00"
    edges = [0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]
    for lo, hi in zip(edges, edges[1:]):
        if lo <= v < hi:
            return f"[{lo:.2f},{hi:.2f})"
    return "?"


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a or b else 1.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shingles", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--mirsad-summary", required=True, help="mirsad bench-dedup stdout")
    ap.add_argument("--sample", type=int, required=True)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--threshold", type=float, default=0.8)
    args = ap.parse_args()

    summary = None
    with open(args.mirsad_summary, encoding="utf-8") as f:
        for line in f:
            if line.startswith('{"bench_dedup"'):
                summary = json.loads(line)["bench_dedup"]
    if summary is None:
        print("no summary line in mirsad output", file=sys.stderr)
        return 2

    sets = []
    with open(args.shingles, encoding="utf-8") as f:
        for line in f:
            sets.append(json.loads(line)["shingles"])
    truth = {}
    with open(args.truth, encoding="utf-8") as f:
        for line in f:
            i, j, jac = json.loads(line)
            truth[(i, j)] = jac
    n = len(sets)
    m = min(args.sample, n)
    if n != summary["articles"] or len(truth) != summary["truth_pairs"]:
        print("shingle or truth file does not match the mirsad run", file=sys.stderr)
        return 2

    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    found = []
    t_minhash = 0.0
    t_lsh = 0.0
    for i, sh in enumerate(sets):
        if not sh:
            continue
        data = [h.to_bytes(8, "little") for h in sh]  # untimed input preparation
        t0 = time.perf_counter()
        mh = MinHash(num_perm=args.num_perm)
        mh.update_batch(data)
        t1 = time.perf_counter()
        for c in lsh.query(mh):
            found.append((c, i))
        lsh.insert(i, mh)
        t2 = time.perf_counter()
        t_minhash += t1 - t0
        t_lsh += t2 - t1
    secs = t_minhash + t_lsh
    rate = n / secs
    print(
        f"datasketch {datasketch.__version__}: {n} articles in {secs:.2f} s "
        f"(MinHash {t_minhash:.2f} s, LSH insert+query {t_lsh:.2f} s, b={lsh.b} r={lsh.r}) "
        f"= {rate:.0f} articles/s, {len(found)} pairs"
    )

    in_sample = [p for p in found if p[0] < m and p[1] < m]
    hits = sum(1 for p in in_sample if p in truth)
    recall = hits / len(truth) if truth else 1.0
    precision = hits / len(in_sample) if in_sample else 1.0
    print(
        f"datasketch sample: truth {len(truth)} found {len(in_sample)} correct {hits} "
        f"recall {recall:.4f} precision {precision:.4f}"
    )
    found_set = set(in_sample)
    missed = Counter(bucket(v) for p, v in truth.items() if p not in found_set)
    print("datasketch missed, exact Jaccard:", dict(sorted(missed.items())) or "none")
    wrong = Counter(bucket(jaccard(sets[a], sets[b])) for a, b in in_sample if (a, b) not in truth)
    print("datasketch false positives, exact Jaccard:", dict(sorted(wrong.items())) or "none")

    mrate = summary["mirsad_articles_per_s"]
    rows = [
        ("mirsad (from body text, %d threads)" % summary["mirsad_threads"], mrate,
         summary["mirsad_recall"], summary["mirsad_precision"]),
        ("datasketch %s (pre-shingled, 1 process)" % datasketch.__version__, rate, recall, precision),
    ]
    print()
    print(f"articles {n}; ground truth: {len(truth)} pairs with exact Jaccard >= 0.8 among the first {m}")
    print(f"| {'tool':<42} | {'articles/s':>10} | {'ratio':>6} | {'recall':>6} | {'precision':>9} |")
    print(f"|{'-' * 44}|{'-' * 11}:|{'-' * 7}:|{'-' * 7}:|{'-' * 10}:|")
    for name, r, rec, prec in rows:
        print(f"| {name:<42} | {r:>10.0f} | {r / rate:>5.1f}× | {rec:>6.4f} | {prec:>9.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
