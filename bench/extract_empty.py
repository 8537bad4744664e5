"""Pages of a folder on which trafilatura extracts no text (the peer of the "pages with no text"
line of `mirsad eval extract`).

    .venv-bench/bin/python bench/extract_empty.py ../shared/data/htmldate-mediacloud2020/html

Run `bash bench/extract_bench.sh` once first: it creates .venv-bench with pinned trafilatura.
"""
import os
import sys

import trafilatura

folder = sys.argv[1]
empty = []
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), "rb") as f:
        text = trafilatura.extract(f.read())
    if not text or not text.strip():
        empty.append(name)
print(f"trafilatura: {len(empty)} pages with no text: {' '.join(empty)}")
