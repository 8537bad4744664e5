"""Writes a large JSONL collection built from the two shared corpora, for store benchmarks.

Each pass over the ~31k source records writes every record again with its URL suffixed by
`#copyN` (so ids and content keys differ: a new article, not a duplicate) and its date moved
N*97 days later (so date filters see a spread of years). Bodies get one sentence naming the copy
so that no two copies are the same text.
With --vary (for the story benchmark), copies after the first pass also drop each sentence
with probability 0.3 (seeded per copy and record), so a copy is a rewrite of its source rather
than a near-duplicate: the dedup index grows and every pass is a fresh quarter of news with the
same story structure.
Usage: python3 bench/scale_corpus.py DATA_DIR TARGET_ARTICLES OUT.jsonl [--vary]
"""
import datetime, json, random, re, sys

data, target, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vary = "--vary" in sys.argv[4:]
sources = [f"{data}/ant-multisource/ant_multisource_2018-03_2018-05.jsonl",
           f"{data}/saudinewsnet/saudinewsnet_2015-08-01_2015-08-11.jsonl"]
records = []
for s in sources:
    with open(s, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            body = r.get("text") or r.get("content") or ""
            if not body.strip():
                continue
            date = (r.get("time_iso") or r.get("date_extracted", "")[:10])[:10]
            records.append({"src": r.get("src") or r.get("source"), "url": r["url"], "title": r.get("title", ""),
                            "date": date, "text": body})
n = 0
copy = 0
with open(out, "w", encoding="utf-8") as f:
    while n < target:
        for r in records:
            if n >= target:
                break
            d = datetime.date.fromisoformat(r["date"]) + datetime.timedelta(days=97 * copy)
            text = r["text"]
            if vary and copy > 0:
                rng = random.Random(f"{copy}:{r['url']}")
                parts = re.split(r"(?<=[.!؟?\n])", text)
                kept = [p for p in parts if rng.random() >= 0.3]
                text = "".join(kept) or text
            rec = dict(r, url=f"{r['url']}#copy{copy}", date=d.isoformat(),
                       text=text + f"\nنسخة رقم {copy} من الأرشيف.")
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        copy += 1
print(f"wrote {n} records ({copy} passes) to {out}")
