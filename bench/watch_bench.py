#!/usr/bin/env python3
"""A simulated `mirsad watch` run: 1,000 feed sources on 50 hosts (50 local ports, each a host
of its own to the crawler), each feed listing a few summary-only items whose article pages are
fetched. Round 1 fetches everything; round 2 (--force) polls every feed again, answered by 304
to its ETag. Reports articles ingested per second, the highest request rate seen on any one host
(over any 1 s window: never above 1000 / --delay-ms), peak memory, and the share of 304s.

Usage: python3 bench/watch_bench.py [--hosts 50] [--feeds-per-host 20] [--items 5] [--delay-ms 100]
"""
import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "mirsad")
WORDS = ["المكتبة", "الجسر", "الميناء", "الحديقة", "المستشفى", "المدرسة", "الملعب", "السوق", "المطار", "القطار"]

LOG = []  # (port, path, start, end, status)
LOCK = threading.Lock()


def article(host, feed, item):
    w = WORDS[(host * 7 + feed * 3 + item) % len(WORDS)]
    n = f"{host}-{feed}-{item}"
    return (
        f"<html><head><meta charset='utf-8'><title>خبر {n} عن {w}</title></head><body><article>"
        f"<h1>خبر {n} عن {w} في المدينة</h1>"
        f"<p>افتتحت البلدية مشروع {w} رقم {n} في وسط المدينة صباح اليوم بحضور عدد كبير من السكان، "
        f"وقال رئيس البلدية إن المشروع {n} يخدم آلاف السكان في الأحياء المجاورة.</p>"
        f"<p>وأضاف أن العمل في مشروع {w} استمر ثلاث سنوات، وأن أبوابه ستفتح يوميا من الثامنة صباحا "
        f"حتى العاشرة مساء، مع قاعات وورش للأطفال بحسب الخطة {n}.</p></article></body></html>"
    ).encode()


def make_handler(host, args):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send(self, status, ctype, body, extra=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            start = time.monotonic()
            status = 200
            p = self.path
            port = self.server.server_address[1]
            if p.startswith("/feed/"):
                feed = int(p.split("/")[2].split(".")[0])
                etag = f'"{host}-{feed}-v1"'
                if self.headers.get("If-None-Match") == etag:
                    status = 304
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    items = "".join(
                        f"<item><title>خبر {host}-{feed}-{i}</title><link>http://127.0.0.1:{port}/a/{feed}/{i}/story-{host}-{feed}-{i}</link>"
                        f"<guid>{host}-{feed}-{i}</guid><description>ملخص</description></item>"
                        for i in range(args.items)
                    )
                    body = f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>موقع {host}</title>{items}</channel></rss>".encode()
                    self.send(200, "application/rss+xml", body, [("ETag", etag)])
            elif p.startswith("/a/"):
                parts = p.split("/")
                self.send(200, "text/html; charset=utf-8", article(host, int(parts[2]), int(parts[3])))
            else:
                status = 404
                self.send(404, "text/plain", b"not found")
            with LOCK:
                LOG.append((port, p, start, time.monotonic(), status))

    return H


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client closing an idle keep-alive connection is not news


def run(cmd):
    out = tempfile.NamedTemporaryFile(delete=False)
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd, capture_output=True, text=True)
    secs = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {r.stderr}")
    rss_kb = int(open(out.name).read().split()[-1])
    os.unlink(out.name)
    return r.stdout, secs, rss_kb


def max_rate(entries):
    """Most requests to one host that started within any 1 s window."""
    best = 0
    by_port = {}
    for port, _, start, _, _ in entries:
        by_port.setdefault(port, []).append(start)
    for starts in by_port.values():
        starts.sort()
        j = 0
        for i, s in enumerate(starts):
            while s - starts[j] >= 1.0:
                j += 1
            best = max(best, i - j + 1)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--feeds-per-host", type=int, default=20)
    ap.add_argument("--items", type=int, default=5)
    ap.add_argument("--delay-ms", type=int, default=100)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-p", "mirsad"], cwd=ROOT, check=True, capture_output=True)
    servers = []
    for h in range(args.hosts):
        s = Server(("127.0.0.1", 0), make_handler(h, args))
        threading.Thread(target=s.serve_forever, daemon=True).start()
        servers.append(s)
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "data")
    # Round-robin over hosts, as a real list mixes sites.
    lst = os.path.join(tmp, "sources.txt")
    with open(lst, "w") as f:
        for feed in range(args.feeds_per_host):
            for s in servers:
                f.write(f"http://127.0.0.1:{s.server_address[1]}/feed/{feed}.xml\n")
    sources = args.hosts * args.feeds_per_host
    net = ["--delay-ms", str(args.delay_ms)]
    _, add_secs, _ = run([BIN, "sources", "add", "--file", lst, "--data", data] + net)
    n0 = len(LOG)
    out1, secs1, rss1 = run([BIN, "watch", "--once", "--json", "--no-analysis", "--quiet", "--data", data] + net)
    r1 = json.loads(out1)
    round1 = LOG[n0:]
    n1 = len(LOG)
    out2, secs2, rss2 = run([BIN, "watch", "--once", "--force", "--json", "--no-analysis", "--quiet", "--data", data] + net)
    r2 = json.loads(out2)
    round2 = LOG[n1:]
    polls2 = [e for e in round2 if e[1].startswith("/feed/")]
    limit = 1000.0 / args.delay_ms
    print(f"sources {sources} on {args.hosts} hosts, {args.items} items each, --delay-ms {args.delay_ms} (limit {limit:.0f} requests/s per host)")
    print(f"sources add: {add_secs:.1f} s")
    print(
        f"round 1: {r1['articles_new']} articles in {secs1:.1f} s = {r1['articles_new'] / secs1:.0f} articles/s; "
        f"{len(round1)} requests; max {max_rate(round1)} requests to one host in 1 s; peak RSS {rss1 / 1024:.0f} MB"
    )
    print(
        f"round 2 (--force): {len(polls2)} polls, {sum(1 for e in polls2 if e[4] == 304)} answered 304 "
        f"({100.0 * sum(1 for e in polls2 if e[4] == 304) / max(1, len(polls2)):.1f} %); "
        f"{r2['pages_fetched']} pages fetched again; {secs2:.1f} s; max {max_rate(round2)} requests to one host in 1 s; peak RSS {rss2 / 1024:.0f} MB"
    )
    ok = max_rate(LOG) <= limit
    print("per-host limit respected" if ok else "PER-HOST LIMIT EXCEEDED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
