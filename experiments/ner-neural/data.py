"""Corpus readers matching mirsad's (crates/mirsad-analyze/src/ner/corpus.rs) and the CoNLL scorer
(crates/mirsad/src/eval/ner.rs + ner::spans)."""
import json, os, re, unicodedata

D = os.environ.get('MIRSAD_SHARED_DATA', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data'))
TYPES = ['PER', 'LOC', 'ORG', 'MISC']
TAGS = ['O'] + [f'{b}-{t}' for t in TYPES for b in 'BI']
T2I = {t: i for i, t in enumerate(TAGS)}


def _tag(tag, kind):
    if tag == 'O':
        return 'O'
    if '-' not in tag:
        return None
    bi, ty = tag.split('-', 1)
    t = kind(ty)
    if t is None:
        return None
    if t == '':
        return 'O'
    if bi not in ('B', 'I'):
        return None
    return f'{bi}-{t}'


def anercorp_type(t):
    return {'PERS': 'PER', 'PER': 'PER', 'LOC': 'LOC', 'ORG': 'ORG', 'MISC': 'MISC'}.get(t)


def aqmar_type(t):
    return {'PER': 'PER', 'LOC': 'LOC', 'ORG': 'ORG', 'MIS': 'MISC', 'MISC': 'MISC'}.get(t)


WF = {}
for c in 'Politician Artist Scientist Athlete Businessperson Engineer Lawyer Police Religious_PER Other_PER'.split():
    WF[c] = 'PER'
for c in 'Nation Population-Center State-or-Province County-or-District GPE-Cluster Continent Water-Body Land-Region-Natural Celestial'.split():
    WF[c] = 'LOC'
for c in 'Government Commercial Educational Media Non-Governmental Sports Religious_ORG Entertainment Medical-Science'.split():
    WF[c] = 'ORG'
WF['Group'] = 'MISC'
for c in 'Building-Grounds Airport Path Subarea-Facility Air Land Water Projectile Shooting Blunt Exploding Sharp Nuclear Book Movie Sound Software Hardware Food Drug Plant Chemical'.split():
    WF[c] = ''


def parse_anercorp(text):
    out, toks, tags = [], [], []

    def push(tok, tag):
        toks.append(tok); tags.append(tag)
        if tok in ('.', '!', '?', '؟'):
            out.append((toks[:], tags[:])); toks.clear(); tags.clear()
    for line in text.split('\n'):
        line = line.rstrip('\r')
        if ' ' not in line:
            continue
        tok, tag = line.rsplit(' ', 1)
        tag = _tag(tag.strip(), anercorp_type) or 'O'
        tok = tok.strip()
        if not tok:
            continue
        if ' ' in tok:
            first, rest = tok.split(' ', 1)
            if rest.startswith('O') and len(rest) > 1:
                push(first, 'O'); push(rest[1:], tag); continue
        push(tok, tag)
    if toks:
        out.append((toks, tags))
    return out


def split_at_share(sents, num, den):
    total = sum(len(s[0]) for s in sents)
    target = total * num // den
    seen = 0
    for i, s in enumerate(sents):
        if seen >= target:
            return i
        seen += len(s[0])
    return len(sents)


def parse_conll(text, kind):
    out, toks, tags = [], [], []
    for line in text.split('\n'):
        line = line.lstrip('\ufeff').rstrip('\r')
        if not line.strip():
            if toks:
                out.append((toks, tags)); toks, tags = [], []
            continue
        tok, tag = line.strip().rsplit(None, 1)
        toks.append(tok.strip()); tags.append(_tag(tag.strip(), kind))
        assert tags[-1] is not None, line
    if toks:
        out.append((toks, tags))
    return out


PRE = ['و', 'ف', 'ل', 'ب']
SUF = ['ه', 'ها', 'هم', 'هما', 'هن', 'نا', 'كم', 'كما']


def parse_wikifane(text):
    out, toks, tags = [], [], []
    prefix = ''

    def finish():
        nonlocal toks, tags, prefix
        if prefix:
            toks.append(prefix); tags.append('O'); prefix = ''
        if toks:
            out.append((toks, tags)); toks, tags = [], []
    for line in text.split('\n'):
        line = ''.join(c for c in line if c not in '\ufeff\u200e\u200f\r')
        if not line.strip():
            finish(); continue
        tok, tag = line.split('\t', 1)
        tok, tag = tok.strip(), tag.strip()
        tag = _tag(tag, lambda t: WF.get(t))
        assert tag is not None
        if not tok:
            continue
        is_word = any(c.isalnum() for c in tok)
        if tok in SUF and not prefix and tag == 'O':
            if toks and any(c.isalpha() for c in toks[-1]):
                toks[-1] += tok; continue
        if tok in PRE and tag == 'O':
            prefix += tok; continue
        if prefix and not is_word:
            toks.append(prefix); tags.append('O'); prefix = ''
        toks.append(prefix + tok); tags.append(tag); prefix = ''
    finish()
    return out


def spans(tags):
    """Same as mirsad_analyze::ner::spans? (checked below in check_spans) -- CoNLL: I- after O or
    other type starts a new span."""
    out, start, ty = [], None, None
    for i, t in enumerate(list(tags) + ['O']):
        if t == 'O' or t.startswith('B-') or (t.startswith('I-') and t[2:] != ty):
            if start is not None:
                out.append((start, i, ty))
            start, ty = (i, t[2:]) if t != 'O' else (None, None)
    return out


class Counts:
    def __init__(self):
        self.c = {t: [0, 0, 0] for t in TYPES}

    def add(self, gold, pred):
        g = set(spans(gold)); p = set(spans(pred))
        for s in g:
            self.c[s[2]][2] += 1
        for s in p:
            self.c[s[2]][1] += 1
            if s in g:
                self.c[s[2]][0] += 1

    @staticmethod
    def prf(tp, pr, go):
        p = tp / pr if pr else 0.0
        r = tp / go if go else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def overall(self):
        s = [sum(v[i] for v in self.c.values()) for i in range(3)]
        return self.prf(*s)

    def report(self, name):
        lines = []
        for t in TYPES:
            p, r, f = self.prf(*self.c[t])
            lines.append(f'{name} {t}: P {p:.3f} R {r:.3f} F1 {f:.3f} (gold {self.c[t][2]}, pred {self.c[t][1]}, tp {self.c[t][0]})')
        p, r, f = self.overall()
        lines.append(f'{name} overall: P {p:.3f} R {r:.3f} F1 {f:.3f}')
        return '\n'.join(lines)


def load_all():
    text = open(f'{D}/ner-anercorp/ANERCorp.txt', encoding='utf-8').read()
    allS = parse_anercorp(text)
    cut = split_at_share(allS, 5, 6)
    train, held = allS[:cut], allS[cut:]
    dcut = split_at_share(train, 9, 10)
    tr, dev = train[:dcut], train[dcut:]
    heldkeys = {' '.join(s[0]) for s in held}
    wf = [s for s in parse_wikifane(open(f'{D}/ner-wikifane-gold/WikiFANE_Gold_2014_500K.txt', encoding='utf-8').read()) if ' '.join(s[0]) not in heldkeys]
    aq = [s for s in parse_conll(open(f'{D}/ner-aqmar/train.txt', encoding='utf-8').read(), aqmar_type) if ' '.join(s[0]) not in heldkeys]
    return dict(train=train, held=held, tr=tr, dev=dev, wikifane=wf, aqmar=aq)


# ---------- normalisation for word-embedding lookup ----------
DIAC = re.compile('[\u064b-\u065f\u0670\u0640]')


def norm(w):
    w = DIAC.sub('', w)
    w = w.replace('أ', 'ا').replace('إ', 'ا').replace('آ', 'ا').replace('ى', 'ي').replace('ة', 'ه')
    w = re.sub(r'\d', '0', w)
    w = re.sub(r'[٠-٩]', '0', w)
    return w.lower()


TOKRE = re.compile(r'\w+|[^\w\s]')


def tokenize(text):
    return TOKRE.findall(DIAC.sub('', text))


def unlabelled_sentences(which=('ant', 'snn')):
    if 'ant' in which:
        for line in open(f'{D}/ant-multisource/ant_multisource_2018-03_2018-05.jsonl', encoding='utf-8'):
            v = json.loads(line)
            for f in ('title', 'text'):
                for para in (v.get(f) or '').split('\n'):
                    t = tokenize(para)
                    if t:
                        yield t
    if 'snn' in which:
        for line in open(f'{D}/saudinewsnet/saudinewsnet_2015-08-01_2015-08-11.jsonl', encoding='utf-8'):
            v = json.loads(line)
            for f in ('title', 'content'):
                for para in (v.get(f) or '').split('\n'):
                    t = tokenize(para)
                    if t:
                        yield t


if __name__ == '__main__':
    d = load_all()
    for k, v in d.items():
        ents = sum(len(spans(s[1])) for s in v)
        print(k, len(v), 'sents', sum(len(s[0]) for s in v), 'tokens', ents, 'entities')
