"""BiLSTM-CRF (char CNN + pretrained frozen word vectors [+ gazetteer bits] [+ corpus-id input]) for ANERcorp.
Dev = last 1/10 of ANERcorp's training part (as `mirsad train-ner --dev`). One thread.
Usage: see argparse below. Held-out (last 1/6) scored only with --heldout (once, final config)."""
import argparse, random, time, math, json, os, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import data

torch.set_num_threads(1)
p = argparse.ArgumentParser()
p.add_argument('--emb', default='emb_w2v_ant_snn.kv')
p.add_argument('--extra', default='none')         # wikifane,aqmar
p.add_argument('--extra-share', type=float, default=0.25)  # share of extra sentences sampled per epoch
p.add_argument('--domain', type=int, default=1)   # corpus-id embedding input (feature augmentation analogue)
p.add_argument('--gaz', type=int, default=1)
p.add_argument('--hidden', type=int, default=100)
p.add_argument('--cdim', type=int, default=30)
p.add_argument('--cfilt', type=int, default=50)
p.add_argument('--tune-emb', type=int, default=0)
p.add_argument('--word-train-dim', type=int, default=0)  # extra trainable word emb for training-vocab words
p.add_argument('--epochs', type=int, default=20)
p.add_argument('--lr', type=float, default=2e-3)
p.add_argument('--drop', type=float, default=0.5)
p.add_argument('--batch', type=int, default=16)
p.add_argument('--seed', type=int, default=1)
p.add_argument('--crf', type=int, default=1)
p.add_argument('--layers', type=int, default=1)
p.add_argument('--full-train', type=int, default=0)  # train on the whole training part (for final held-out run)
p.add_argument('--heldout', type=int, default=0)
p.add_argument('--save', default='')
p.add_argument('--load', default='')
p.add_argument('--resume', default='')
p.add_argument('--patience', type=int, default=5)
p.add_argument('--arch', default='lstm')   # lstm | cnn (one conv layer over word reps, width --win)
p.add_argument('--win', type=int, default=5)
p.add_argument('--ema', type=float, default=0.0)  # evaluate an exponential moving average of the weights
p.add_argument('--emb-scale', type=float, default=1.0)
args = p.parse_args()
print(vars(args), flush=True)
random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)

d = data.load_all()
train = d['train'] if args.full_train else d['tr']
dev = d['dev']
extra = []
for i, name in enumerate(['wikifane', 'aqmar']):
    if name in args.extra.split(','):
        extra += [(s, i + 1) for s in d[name]]

# ---- word vectors (frozen) ----
from gensim.models import KeyedVectors
kv = KeyedVectors.load(args.emb)
W = np.zeros((len(kv) + 2, kv.vector_size), dtype=np.float32)  # 0 pad, 1 unk
W[2:] = args.emb_scale * kv.vectors / (np.linalg.norm(kv.vectors, axis=1, keepdims=True) + 1e-8)
w2i = {w: i + 2 for i, w in enumerate(kv.index_to_key)}


def widx(w):
    return w2i.get(data.norm(w), 1)


# trainable word emb for training-vocab words (count>=2), optional
from collections import Counter
tc = Counter(data.norm(w) for s in train for w in s[0])
for s, _ in extra:
    tc.update(data.norm(w) for w in s[0])
tv = {w: i + 2 for i, w in enumerate(sorted(w for w, c in tc.items() if c >= 2))}

# ---- chars ----
cc = Counter(c for s in train for w in s[0] for c in w)
for s, _ in extra:
    cc.update(c for w in s[0] for c in w)
c2i = {c: i + 2 for i, c in enumerate(sorted(c for c, n in cc.items() if n >= 5))}
MAXC = 20


def cidx(w):
    w = data.DIAC.sub('', w)[:MAXC] or w[:MAXC]
    return [c2i.get(c, 1) for c in w]


# ---- gazetteer bits (ANERGazet, span match, PER/LOC/ORG) ----
gaz = {}
for f, t in [('AlignedPersGazetteer.txt', 0), ('AlignedLocGazetteer.txt', 1), ('AlignedOrgGazetteer.txt', 2)]:
    for line in open(f'{data.D}/ner-anercorp/ANERGazet/{f}', encoding='utf-8'):
        line = line.strip()
        if line and not line.startswith('====') and not line.startswith('****'):
            gaz.setdefault(tuple(data.norm(x) for x in line.split()), set()).add(t)
GMAX = max(len(k) for k in gaz)


def gbits(toks):
    n = [data.norm(w) for w in toks]
    out = np.zeros((len(toks), 3), dtype=np.float32)
    for i in range(len(n)):
        for L in range(1, min(GMAX, len(n) - i) + 1):
            ts = gaz.get(tuple(n[i:i + L]))
            if ts:
                for t in ts:
                    out[i:i + L, t] = 1
    return out


def featurize(toks, dom):
    return dict(w=[widx(x) for x in toks], tw=[tv.get(data.norm(x), 1) for x in toks],
                c=[cidx(x) for x in toks], g=gbits(toks) if args.gaz else None, dom=dom)


def repair(tags):
    out, prev = [], 'O'
    for t in tags:
        if t.startswith('I-') and prev[2:] != t[2:]:
            t = 'B-' + t[2:]
        out.append(t); prev = t
    return out


def chunks(s, n=100):
    toks, tags = s
    for i in range(0, len(toks), n):
        yield toks[i:i + n], repair(tags[i:i + n])


t0 = time.time()
TR = [(featurize(t, 0), [data.T2I[x] for x in y]) for s in train for t, y in chunks(s)]
EX = [(featurize(t, dom), [data.T2I[x] for x in y]) for s, dom in extra for t, y in chunks(s)]
DV = [(featurize(s[0], 0), s[1]) for s in dev]
print(f'featurized {len(TR)} train, {len(EX)} extra, {len(DV)} dev chunks in {time.time()-t0:.1f}s; '
      f'emb vocab {len(w2i)}, dev OOV rate {np.mean([i == 1 for f, _ in DV for i in f["w"]]):.3f}', flush=True)

K = len(data.TAGS)
# allowed transitions (BIO)
allowed = torch.ones(K, K, dtype=torch.bool)
for j, tj in enumerate(data.TAGS):
    if tj.startswith('I-'):
        for i, ti in enumerate(data.TAGS):
            if ti[2:] != tj[2:]:
                allowed[i, j] = False
start_allowed = torch.tensor([not t.startswith('I-') for t in data.TAGS])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.wemb = nn.Embedding.from_pretrained(torch.tensor(W), freeze=not args.tune_emb, padding_idx=0)
        din = W.shape[1]
        if args.word_train_dim:
            self.temb = nn.Embedding(len(tv) + 2, args.word_train_dim, padding_idx=0)
            din += args.word_train_dim
        self.cemb = nn.Embedding(len(c2i) + 2, args.cdim, padding_idx=0)
        self.conv = nn.Conv1d(args.cdim, args.cfilt, 3, padding=1)
        din += args.cfilt
        if args.gaz:
            din += 3
        if args.domain:
            self.demb = nn.Embedding(3, 8)
            din += 8
        self.drop = nn.Dropout(args.drop)
        if args.arch == 'lstm':
            self.lstm = nn.LSTM(din, args.hidden, num_layers=args.layers, bidirectional=True, batch_first=True,
                                dropout=args.drop if args.layers > 1 else 0)
        else:
            self.wconv = nn.Conv1d(din, 2 * args.hidden, args.win, padding=args.win // 2)
        self.out = nn.Linear(2 * args.hidden, K)
        self.trans = nn.Parameter(torch.zeros(K, K))
        self.start = nn.Parameter(torch.zeros(K))
        self.end = nn.Parameter(torch.zeros(K))

    def emissions(self, batch):
        B = len(batch); T = max(len(f['w']) for f in batch)
        wi = torch.zeros(B, T, dtype=torch.long)
        ti = torch.zeros(B, T, dtype=torch.long)
        mask = torch.zeros(B, T, dtype=torch.bool)
        C = max(len(c) for f in batch for c in f['c'])
        ci = torch.zeros(B, T, C, dtype=torch.long)
        gz = torch.zeros(B, T, 3)
        dm = torch.zeros(B, T, dtype=torch.long)
        for b, f in enumerate(batch):
            n = len(f['w'])
            wi[b, :n] = torch.tensor(f['w']); ti[b, :n] = torch.tensor(f['tw']); mask[b, :n] = True
            for t, c in enumerate(f['c']):
                ci[b, t, :len(c)] = torch.tensor(c)
            if args.gaz:
                gz[b, :n] = torch.from_numpy(f['g'])
            dm[b, :n] = f['dom']
        parts = [self.wemb(wi)]
        if args.word_train_dim:
            parts.append(self.temb(ti))
        ce = self.cemb(ci.view(B * T, C)).transpose(1, 2)        # (BT, cdim, C)
        cv = self.conv(ce)
        cv = cv.masked_fill((ci.view(B * T, 1, C) == 0), -1e4).max(2).values
        cv = torch.where(cv < -1e3, torch.zeros_like(cv), cv)
        parts.append(cv.view(B, T, -1))
        if args.gaz:
            parts.append(gz)
        if args.domain:
            parts.append(self.demb(dm))
        x = self.drop(torch.cat(parts, -1))
        if args.arch == 'lstm':
            lens = mask.sum(1)
            pk = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
            h, _ = self.lstm(pk)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=T)
        else:
            x = x * mask.unsqueeze(2)
            h = torch.relu(self.wconv(x.transpose(1, 2))).transpose(1, 2)
        return self.out(self.drop(h)), mask

    def masked_trans(self):
        return self.trans.masked_fill(~allowed, -1e4), self.start.masked_fill(~start_allowed, -1e4)

    def nll(self, em, mask, y):
        if not args.crf:
            return F.cross_entropy(em[mask], y[mask], reduction='sum')
        tr, st = self.masked_trans()
        B, T, _ = em.shape
        alpha = st + em[:, 0]
        gold = st[y[:, 0]] + em[torch.arange(B), 0, y[:, 0]]
        for t in range(1, T):
            m = mask[:, t]
            na = torch.logsumexp(alpha.unsqueeze(2) + tr.unsqueeze(0), 1) + em[:, t]
            alpha = torch.where(m.unsqueeze(1), na, alpha)
            g = tr[y[:, t - 1], y[:, t]] + em[torch.arange(B), t, y[:, t]]
            gold = gold + g * m
        last = y[torch.arange(B), mask.sum(1) - 1]
        gold = gold + self.end[last]
        Z = torch.logsumexp(alpha + self.end, 1)
        return (Z - gold).sum()

    def decode(self, em, mask):
        if not args.crf:
            return [em[b, :int(mask[b].sum())].argmax(-1).tolist() for b in range(em.shape[0])]
        tr, st = self.masked_trans()
        B, T, _ = em.shape
        score = st + em[:, 0]
        bps = []
        for t in range(1, T):
            s = score.unsqueeze(2) + tr.unsqueeze(0)
            best, bp = s.max(1)
            ns = best + em[:, t]
            m = mask[:, t].unsqueeze(1)
            score = torch.where(m, ns, score)
            bps.append(bp)
        score = score + self.end
        out = []
        for b in range(B):
            n = int(mask[b].sum())
            k = int(score[b].argmax())
            path = [k]
            for t in range(n - 1, 0, -1):
                k = int(bps[t - 1][b, k]); path.append(k)
            out.append(path[::-1])
        return out


def evaluate(net, S, bs=64):
    net.eval()
    c = data.Counts()
    with torch.no_grad():
        for i in range(0, len(S), bs):
            batch = S[i:i + bs]
            em, mask = net.emissions([f for f, _ in batch])
            for (f, gold), pr in zip(batch, net.decode(em, mask)):
                c.add(gold, [data.TAGS[k] for k in pr])
    net.train()
    return c


net = Net()
if args.resume:
    net.load_state_dict(torch.load(args.resume)['state'])
params = [q for q in net.parameters() if q.requires_grad]
print('trainable params', sum(q.numel() for q in params), flush=True)
opt = torch.optim.Adam(params, lr=args.lr)
best, best_ep, best_state, bad = -1, 0, None, 0
ema = {k: v.clone() for k, v in net.state_dict().items()}
log = []
if args.load:
    net.load_state_dict(torch.load(args.load)['state']); args.epochs = 0
    best_state = net.state_dict(); best, best_ep = evaluate(net, DV).overall()[2], 0; best_report = evaluate(net, DV).report('dev')
ep = 0
for ep in range(1, args.epochs + 1):
    t0 = time.time()
    items = TR[:]
    if EX:
        items += random.sample(EX, int(len(EX) * args.extra_share))
    random.shuffle(items)
    # bucket by length for speed
    items.sort(key=lambda it: len(it[0]['w']) + random.random() * 8)
    batches = [items[i:i + args.batch] for i in range(0, len(items), args.batch)]
    random.shuffle(batches)
    tot, ntok = 0.0, 0
    for batch in batches:
        em, mask = net.emissions([f for f, _ in batch])
        T = em.shape[1]
        y = torch.zeros(len(batch), T, dtype=torch.long)
        for b, (_, yy) in enumerate(batch):
            y[b, :len(yy)] = torch.tensor(yy)
        loss = net.nll(em, mask, y)
        opt.zero_grad()
        (loss / len(batch)).backward()
        nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        if args.ema:
            with torch.no_grad():
                for k, v in net.named_parameters():
                    if v.requires_grad:
                        ema[k].mul_(args.ema).add_(v, alpha=1 - args.ema)
        tot += loss.item(); ntok += int(mask.sum())
    ttrain = time.time() - t0
    if args.ema:
        cur = {k: v.clone() for k, v in net.state_dict().items()}
        net.load_state_dict(ema)
    c = evaluate(net, DV)
    P, R, F1 = c.overall()
    print(f'epoch {ep}: loss/tok {tot/ntok:.4f} ({ntok} tok, {ttrain:.0f}s train, {ntok/ttrain:.0f} tok/s) dev P {P:.3f} R {R:.3f} F1 {F1:.3f}', flush=True)
    log.append(dict(ep=ep, P=P, R=R, F1=F1, secs=ttrain))
    if F1 > best:
        best, best_ep, bad = F1, ep, 0
        best_state = {k: v.clone() for k, v in net.state_dict().items()}
        best_report = c.report('dev')
        if args.save:
            torch.save(dict(state=best_state, args=vars(args), epoch=ep, dev=F1), args.save)
    if args.ema:
        net.load_state_dict(cur)
    if F1 >= best:
        pass
    else:
        bad += 1
        if bad >= args.patience and not args.full_train:
            break
if not args.full_train:
    print(f'BEST dev F1 {best:.3f} at epoch {best_ep}\n{best_report}', flush=True)
    net.load_state_dict(best_state)
else:
    print(f'full-train: using the last epoch ({ep})')

# ---- inference speed on one thread (dev sentences, batch 1 and batch 32, tokens given) ----
net.eval()
ntok = sum(len(f['w']) for f, _ in DV)
for bs in (1, 32):
    t0 = time.time()
    with torch.no_grad():
        for i in range(0, len(DV), bs):
            batch = DV[i:i + bs]
            em, mask = net.emissions([f for f, _ in batch])
            net.decode(em, mask)
    print(f'speed (torch, 1 thread, batch {bs}): {ntok/(time.time()-t0):.0f} tokens/s', flush=True)

if args.save:
    torch.save(dict(state=net.state_dict(), args=vars(args)), args.save)
if args.heldout:
    HO = [(featurize(s[0], 0), s[1]) for s in d['held']]
    c = evaluate(net, HO)
    print('HELDOUT (scored once)\n' + c.report('heldout'), flush=True)

if args.load:
    # recall on dev by whether ANERcorp's training slice has the gold name whole / some word / no word
    seen_names = set(); seen_words = set()
    for toks, tags in train:
        for a, b, t in data.spans(tags):
            seen_names.add(' '.join(toks[a:b])); seen_words.update(toks[a:b])
    net.eval(); cat = {'name seen': [0, 0], 'some word seen': [0, 0], 'no word seen': [0, 0]}
    with torch.no_grad():
        for i in range(0, len(DV), 64):
            batch = DV[i:i + 64]
            em, mask = net.emissions([f for f, _ in batch])
            for (f, gold), pr, s in zip(batch, net.decode(em, mask), dev[i:i + 64]):
                ps = set(data.spans([data.TAGS[k] for k in pr]))
                for a, b, t in data.spans(gold):
                    name = ' '.join(s[0][a:b])
                    k = 'name seen' if name in seen_names else ('some word seen' if any(w in seen_words for w in s[0][a:b]) else 'no word seen')
                    cat[k][1] += 1; cat[k][0] += (a, b, t) in ps
    for k, (tp, n) in cat.items():
        print(f'dev recall, {k}: {tp/n:.3f} ({n} gold)')
