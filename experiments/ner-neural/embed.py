"""Pretrain word vectors on unlabelled news (ANT [+ SaudiNewsNet]) + the text of the labelled training corpora
(ANERcorp training part, WikiFANE, AQMAR train; never the held-out part). Words normalised by data.norm."""
import sys, time, logging
from gensim.models import Word2Vec, FastText
import data
logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s')
which = sys.argv[1].split(',')   # ant,snn
kind = sys.argv[2]               # w2v | ft
out = sys.argv[3]
d = data.load_all()
sents = [[data.norm(w) for w in s] for s in data.unlabelled_sentences(which)]
for k in ('train', 'wikifane', 'aqmar'):
    sents += [[data.norm(w) for w in s[0]] for s in d[k]]
print('sentences', len(sents), 'tokens', sum(map(len, sents)), flush=True)
t = time.time()
M = Word2Vec if kind == 'w2v' else FastText
kw = dict(vector_size=100, window=5, min_count=2, workers=1, epochs=5, sg=1, negative=5, sample=1e-4)
if kind == 'ft':
    kw.update(min_n=3, max_n=5, bucket=500000)
m = M(sentences=sents, **kw)
print('trained in', time.time() - t, 'vocab', len(m.wv), flush=True)
m.wv.save(out)
