#!/usr/bin/env python3
"""B-cubed agreement of the stories of two data directories holding the same articles.

Usage: story_agreement.py DIR_A DIR_B (each made by `mirsad ingest`); A is taken as the truth.
Used to check that ingest batch after batch gives the stories of one big ingest
(docs/QUALITY.md, "Batch after batch").
"""
import collections
import sqlite3
import sys


def stories(d):
    c = sqlite3.connect(f"file:{d}/mirsad.sqlite?mode=ro", uri=True)
    return dict(c.execute("SELECT id, story FROM articles"))


def main():
    a, b = stories(sys.argv[1]), stories(sys.argv[2])
    ids = [i for i in a if i in b]
    if not ids:
        sys.exit("no article in common")
    ca, cb = collections.defaultdict(set), collections.defaultdict(set)
    for i in ids:
        ca[a[i]].add(i)
        cb[b[i]].add(i)
    p = r = 0.0
    for i in ids:
        x, y = ca[a[i]], cb[b[i]]
        inter = len(x & y)
        p += inter / len(y)
        r += inter / len(x)
    p, r = p / len(ids), r / len(ids)
    same = sum(1 for i in ids if ca[a[i]] == cb[b[i]])
    print(
        f"articles {len(ids)} stories {len(ca)} vs {len(cb)} "
        f"bcubed agreement P {p:.4f} R {r:.4f} F1 {2 * p * r / (p + r):.4f} "
        f"identical story-mates {same / len(ids):.4f}"
    )


if __name__ == "__main__":
    main()
