#!/usr/bin/env python3
"""mirsad vs trafilatura on the same pages, in the same run, scored by the same code.

Run through bench/extract_bench.sh (it makes the venv and builds mirsad). Both tools run on one
CPU core, one after the other, each in its own child process (so each peak RSS is its own):

- trafilatura: ``extract(html_bytes, url=url, output_format="json", with_metadata=True,
  include_comments=False, include_tables=True)`` — the settings of trafilatura's own
  evaluation plus metadata (title, date via htmldate); the text, title and date come from
  that JSON. Timed per call (decoding, parsing, extraction, metadata and date included).
- mirsad: ``mirsad eval extract --data DIR --details FILE`` (one thread); the text, title and
  date per page come from FILE, its pages/s from its stdout (decode + parse + content + date,
  best of 3 passes; trafilatura gets one pass, so the ratio slightly favours trafilatura
  when the machine is quiet and may favour either when it is busy).

Metrics (identical code for both):
- trafilatura-eval-sample: snippet TP/FP/FN/TN summed over pages (whitespace-normalized
  substring match, as trafilatura's tests/eval_common.py), F1 = 2TP/(2TP+FP+FN).
- scrapinghub-aeb: the benchmark's evaluate.py metric (\\w+ tokens, 4-token shingles, per-page
  normalized TP/FP/FN, mean precision over pages with a prediction, mean recall, F1).
- title accuracy on the trafilatura sample: normalized exact match (lower case, runs of
  non-alphanumeric characters to one space).
- date accuracy: exact day; on htmldate-mediacloud2020 a null gold date must give no date;
  on the trafilatura sample only pages with a gold date count.
"""

import argparse
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


def load_sets(data: Path):
    """[(set, page, url, bytes, gold)] for the three data sets (those present)."""
    pages = []
    d = data / "trafilatura-eval-sample"
    if d.exists():
        gold = json.loads((d / "evaldata_sample.json").read_text(encoding="utf-8"))
        for url, item in gold.items():
            p = d / "html" / item["file"]
            if p.exists():
                pages.append(("trafilatura-eval-sample", item["file"], url, p.read_bytes(), item))
    d = data / "scrapinghub-aeb"
    if d.exists():
        gold = json.loads((d / "ground-truth.json").read_text(encoding="utf-8"))
        for pid, item in gold.items():
            p = d / "html" / f"{pid}.html.gz"
            if p.exists():
                pages.append(("scrapinghub-aeb", pid, item.get("url"), gzip.decompress(p.read_bytes()), item))
    d = data / "htmldate-mediacloud2020"
    if d.exists():
        gold = json.loads((d / "eval_mediacloud_2020.json").read_text(encoding="utf-8"))
        for url, item in gold.items():
            p = d / "html" / item["file"]
            if p.exists():
                pages.append(("htmldate-mediacloud2020", item["file"], url, p.read_bytes(), item))
    return pages


# ---------------------------------------------------------------- trafilatura child process


def run_trafilatura(data: Path, out: Path):
    import trafilatura  # noqa: imported here so the parent does not pay for it

    pages = load_sets(data)
    # warm-up: lazy imports and one-time setup are not timed
    trafilatura.extract(b"<html><body><p>warm up text</p></body></html>", output_format="json", with_metadata=True)
    times = {}
    with out.open("w", encoding="utf-8") as f:
        for set_name, page, url, html, _ in pages:
            t0 = time.perf_counter()
            try:
                r = trafilatura.extract(
                    html,
                    url=url,
                    output_format="json",
                    with_metadata=True,
                    include_comments=False,
                    include_tables=True,
                )
                res = json.loads(r) if r else {}
            except Exception as e:  # a crash is a full miss, as in trafilatura's own evaluation
                print(f"trafilatura error on {page}: {e}", file=sys.stderr)
                res = {}
            dt = time.perf_counter() - t0
            n, s, b = times.get(set_name, (0, 0.0, 0))
            times[set_name] = (n + 1, s + dt, b + len(html))
            rec = {"set": set_name, "page": page, "text": res.get("text") or "", "title": res.get("title"),
                   "date": (res.get("date") or None)}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (out.with_suffix(".times.json")).write_text(json.dumps(times))


# ---------------------------------------------------------------- metrics


def norm(text):
    return re.sub(r"\s+", " ", text or "").strip()


def title_key(s):
    return " ".join(re.sub(r"[\W_]+", " ", (s or "").lower()).split())


_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text, n=4):
    toks = _TOKEN_RE.findall(text or "")
    out = []
    for i in range(0, max(1, len(toks) - n + 1)):
        sh = tuple(toks[i:i + n])
        if sh:
            out.append(sh)
    return Counter(out)


def shingle_match(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for k in set(t) | set(p):
        tc, pc = t.get(k, 0), p.get(k, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def aeb_f1(counts):
    def mean(v):
        return sum(v) / len(v) if v else 0.0

    prec = [1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0]
    rec = [1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0]
    p, r = mean(prec), mean(rec)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def score(results, pages):
    """results: {(set, page): record}. Returns {metric: value}."""
    m = {}
    tp = fp = fn = tn = 0
    t_ok = t_n = 0
    d_ok = d_n = 0
    aeb = []
    hd_ok = hd_n = 0
    for set_name, page, url, _, gold in pages:
        r = results.get((set_name, page), {})
        text = norm(r.get("text"))
        if set_name == "trafilatura-eval-sample":
            for w in gold.get("with", []):
                if norm(w) in text:
                    tp += 1
                else:
                    fn += 1
            for w in gold.get("without", []):
                if norm(w) in text:
                    fp += 1
                else:
                    tn += 1
            if title_key(gold.get("title")):
                t_n += 1
                t_ok += title_key(r.get("title")) == title_key(gold.get("title"))
            if gold.get("date"):
                d_n += 1
                d_ok += (r.get("date") or "")[:10] == gold["date"][:10]
        elif set_name == "scrapinghub-aeb":
            aeb.append(shingle_match(gold.get("articleBody", ""), r.get("text") or ""))
        else:
            hd_n += 1
            g = gold.get("date")
            got = (r.get("date") or None)
            hd_ok += (got[:10] if got else None) == (g[:10] if g else None)
    if tp + fp + fn:
        m["F1 trafilatura-eval-sample (151 pages)"] = 2 * tp / (2 * tp + fp + fn)
        m["  precision"] = tp / (tp + fp) if tp + fp else 0.0
        m["  recall"] = tp / (tp + fn) if tp + fn else 0.0
    if aeb:
        f, p, r = aeb_f1(aeb)
        m["F1 scrapinghub-aeb (181 pages)"] = f
        m["  precision "] = p
        m["  recall "] = r
    if t_n:
        m["title accuracy trafilatura-eval-sample"] = t_ok / t_n
    if hd_n:
        m["date accuracy htmldate-mediacloud2020"] = hd_ok / hd_n
    if d_n:
        m["date accuracy trafilatura-eval-sample"] = d_ok / d_n
    return m


def wait_rss(proc):
    """Waits for a child; returns (returncode, peak RSS in MB)."""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, ru.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared" / "data")
    ap.add_argument("--mirsad", type=Path, required=False)
    ap.add_argument("--work", type=Path, default=Path("/tmp/mirsad-extract-bench"))
    ap.add_argument("--cpu", type=int, default=None, help="pin both tools to this CPU")
    ap.add_argument("--child-trafilatura", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child_trafilatura:
        run_trafilatura(args.data, args.child_trafilatura)
        return

    args.work.mkdir(parents=True, exist_ok=True)
    pin = ["taskset", "-c", str(args.cpu)] if args.cpu is not None else []
    env = dict(os.environ, RAYON_NUM_THREADS="1")

    # mirsad
    m_details = args.work / "mirsad.jsonl"
    cmd = pin + [str(args.mirsad), "eval", "extract", "--data", str(args.data), "--details", str(m_details)]
    print("running:", " ".join(cmd), file=sys.stderr)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    m_stdout = proc.stdout.read()
    rc, m_rss = wait_rss(proc)
    if rc != 0:
        sys.exit(f"mirsad failed ({rc})")
    m_speed = {}
    for line in m_stdout.splitlines():
        mm = re.match(r"extract (\S+) speed (\d+) pages/s", line)
        if mm:
            m_speed[mm.group(1)] = float(mm.group(2))

    # trafilatura
    t_details = args.work / "trafilatura.jsonl"
    cmd = pin + [sys.executable, __file__, "--data", str(args.data), "--child-trafilatura", str(t_details)]
    print("running:", " ".join(cmd), file=sys.stderr)
    proc = subprocess.Popen(cmd, env=env)
    rc, t_rss = wait_rss(proc)
    if rc != 0:
        sys.exit(f"trafilatura run failed ({rc})")
    t_times = json.loads(t_details.with_suffix(".times.json").read_text())

    pages = load_sets(args.data)

    def read(p):
        out = {}
        for line in p.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            out[(r["set"], r["page"])] = r
        return out

    ms = score(read(m_details), pages)
    ts = score(read(t_details), pages)

    import importlib.metadata as md

    tv = md.version("trafilatura")
    print(f"\n{'metric':44} {'mirsad':>10} {'trafilatura ' + tv:>18}")
    for k in ms:
        print(f"{k:44} {ms[k]:10.3f} {ts.get(k, float('nan')):18.3f}")
    t_all_n = sum(v[0] for v in t_times.values())
    t_all_s = sum(v[1] for v in t_times.values())
    rows = []
    for set_name, (n, secs, _) in t_times.items():
        rows.append((set_name, m_speed.get(set_name), n / secs if secs else 0.0))
    rows.append(("all", m_speed.get("all"), t_all_n / t_all_s if t_all_s else 0.0))
    for set_name, mv, tvv in rows:
        label = f"pages/s {set_name}"
        ratio = f"  ({mv / tvv:.1f}x)" if mv and tvv else ""
        print(f"{label:44} {mv or float('nan'):10.0f} {tvv:18.1f}{ratio}")
    print(f"{'peak RSS MB (whole run, pages held in memory)':44} {m_rss:10.0f} {t_rss:18.0f}")


if __name__ == "__main__":
    main()
