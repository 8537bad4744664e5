//! Named entities: an averaged-perceptron (structured, Viterbi) tagger over BIO tags for
//! PER/LOC/ORG/MISC.
//!
//! Each word token is described by hashed features (its `mirsad_text::key`, light stem,
//! 1–3 letter prefixes and suffixes of the key, clitic starts, neighbouring keys ±2 and stems
//! ±1, digit/Latin shape, gazetteer membership) and transition features (previous tag, alone
//! and with the word and the previous word). Feature hashes index a fixed table of `2^bits`
//! buckets × 9 tags. Decoding is Viterbi and never puts `I-X` after anything but `B-X`/`I-X`.
//! Tokens without a letter or digit (punctuation) are not tagged (always `O`) and are not
//! context for their neighbours, so raw text cut by `mirsad_text::tokens` (which drops
//! punctuation) and corpus tokens look the same to the model.
//!
//! The model (weights and hashed gazetteer keys, never gazetteer text) is embedded in the
//! binary from `model/ner.bin.gz`; see `model/README.md` for how it was trained.

pub mod corpus;

use mirsad_model::EntityType;
use mirsad_text::{key, stem_key};
use std::collections::HashMap;
use std::io::{Read, Write};

/// One BIO tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    O,
    B(EntityType),
    I(EntityType),
}

/// Number of tags: O plus B/I for the four types.
pub const N_TAGS: usize = 9;
const TYPES: [EntityType; 4] = [EntityType::PER, EntityType::LOC, EntityType::ORG, EntityType::MISC];
/// Index used as "previous tag" before the first token of a sentence.
const START: usize = N_TAGS;

impl Tag {
    pub fn index(self) -> usize {
        match self {
            Tag::O => 0,
            Tag::B(t) => 1 + 2 * type_index(t),
            Tag::I(t) => 2 + 2 * type_index(t),
        }
    }

    pub fn from_index(i: usize) -> Tag {
        match i {
            0 => Tag::O,
            i if i % 2 == 1 => Tag::B(TYPES[(i - 1) / 2]),
            i => Tag::I(TYPES[(i - 2) / 2]),
        }
    }

    pub fn kind(self) -> Option<EntityType> {
        match self {
            Tag::O => None,
            Tag::B(t) | Tag::I(t) => Some(t),
        }
    }

    /// Parses `O`, `B-PER`, `I-LOC` … (`PERS` is accepted for `PER`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (bi, ty) = s.split_once('-')?;
        let ty = match ty {
            "PER" | "PERS" => EntityType::PER,
            "LOC" => EntityType::LOC,
            "ORG" => EntityType::ORG,
            "MISC" => EntityType::MISC,
            _ => return None,
        };
        match bi {
            "B" => Some(Tag::B(ty)),
            "I" => Some(Tag::I(ty)),
            _ => None,
        }
    }
}

fn type_index(t: EntityType) -> usize {
    match t {
        EntityType::PER => 0,
        EntityType::LOC => 1,
        EntityType::ORG => 2,
        EntityType::MISC => 3,
    }
}

/// True when `tag` may follow `prev` (an `I-X` only continues an `X`).
fn allowed(prev: usize, tag: usize) -> bool {
    if tag == 0 || tag % 2 == 1 {
        return true;
    }
    prev < N_TAGS && prev != 0 && prev.div_ceil(2) == tag / 2
}

/// Entity spans of a tag sequence, CoNLL style: `(first, last + 1, type)` in token indices.
/// An `I-X` that does not continue an `X` starts a new entity (as conlleval counts it).
pub fn spans(tags: &[Tag]) -> Vec<(usize, usize, EntityType)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, EntityType)> = None;
    for (i, t) in tags.iter().enumerate() {
        let continues = matches!((t, open), (Tag::I(k), Some((_, o))) if *k == o);
        if continues {
            continue;
        }
        if let Some((s, k)) = open.take() {
            out.push((s, i, k));
        }
        if let Some(k) = t.kind() {
            open = Some((i, k));
        }
    }
    if let Some((s, k)) = open {
        out.push((s, tags.len(), k));
    }
    out
}

/// A named-entity mention in a text; `start`/`end` are byte offsets into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub text: String,
    pub kind: EntityType,
    pub start: usize,
    pub end: usize,
}

// ---------------------------------------------------------------- features

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Hash of a feature: its kind (a short name) and its parts, separated.
fn fh(kind: &str, parts: &[&str]) -> u64 {
    let mut h = fnv(FNV_OFFSET, kind.as_bytes());
    for p in parts {
        h = fnv(h, &[0xff]);
        h = fnv(h, p.as_bytes());
    }
    // Final mix so that low bits (the bucket) depend on every byte.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Hash of a gazetteer entry in key form (words separated by one space).
pub fn gazetteer_hash(entry_key: &str) -> u64 {
    fh("gz", &[entry_key])
}

/// Gazetteer bits: PER, LOC, ORG.
const GZ_NAMES: [&str; 3] = ["PER", "LOC", "ORG"];

/// Keys, stems and static (tag-independent) features of one sentence of word tokens.
struct Prepared {
    keys: Vec<String>,
    feats: Vec<Vec<u64>>,
}

fn char_prefix(s: &str, n: usize) -> Option<&str> {
    let mut it = s.char_indices();
    let end = it.nth(n).map(|(i, _)| i);
    match end {
        Some(e) => Some(&s[..e]),
        None if s.chars().count() == n => Some(s),
        None => None,
    }
}

fn char_suffix(s: &str, n: usize) -> Option<&str> {
    let count = s.chars().count();
    if count < n {
        return None;
    }
    let start = s.char_indices().nth(count - n).map(|(i, _)| i).unwrap_or(0);
    Some(&s[start..])
}

fn shape(raw: &str, k: &str) -> &'static str {
    if k.chars().all(|c| c.is_ascii_digit()) {
        "digits"
    } else if k.chars().any(|c| c.is_ascii_digit()) {
        "hasdigit"
    } else if k.chars().all(|c| c.is_ascii_alphabetic()) {
        if raw.chars().next().is_some_and(|c| c.is_uppercase()) {
            "Latin"
        } else {
            "latin"
        }
    } else if k.chars().any(|c| c.is_ascii_alphabetic()) {
        "mixed"
    } else {
        "arabic"
    }
}

/// The key without a leading conjunction, preposition or article (`و ف ب ل ك ال` and their
/// combinations); suffixes are kept, so names stay whole (light10 would cut «بوتين» to «بوت»).
fn strip_clitics(k: &str) -> &str {
    let mut w = k;
    for p in ["و", "ف"] {
        if let Some(r) = w.strip_prefix(p).filter(|r| r.chars().count() >= 3) {
            w = r;
            break;
        }
    }
    for p in ["بال", "كال", "لل", "ال", "ب", "ل", "ك"] {
        if let Some(r) = w.strip_prefix(p).filter(|r| r.chars().count() >= 3) {
            w = r;
            break;
        }
    }
    w
}

fn prepare(words: &[&str], gaz: &HashMap<u64, u8>) -> Prepared {
    let keys: Vec<String> = words.iter().map(|w| key(w).replace(' ', "")).collect();
    let stems: Vec<String> = keys.iter().map(|k| stem_key(k)).collect();
    let n = words.len();
    let kw = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            &keys[i as usize]
        }
    };
    let st = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            &stems[i as usize]
        }
    };
    let gz_of = |entry: &str| -> u8 { gaz.get(&gazetteer_hash(entry)).copied().unwrap_or(0) };
    let gz_word = |k: &str, stem: &str| -> u8 {
        let mut g = gz_of(k) | gz_of(stem);
        if let Some(r) = k.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
            g |= gz_of(r);
        }
        g
    };
    let mut feats = Vec::with_capacity(n);
    for i in 0..n {
        let ii = i as isize;
        let k = keys[i].as_str();
        let mut f = Vec::with_capacity(40);
        f.push(fh("bias", &[]));
        f.push(fh("w0", &[k]));
        f.push(fh("s0", &[&stems[i]]));
        f.push(fh("n0", &[strip_clitics(k)]));
        f.push(fh("n-1", &[strip_clitics(kw(ii - 1))]));
        f.push(fh("n+1", &[strip_clitics(kw(ii + 1))]));
        for len in 1..=3 {
            if let Some(p) = char_prefix(k, len) {
                f.push(fh("pre", &[p]));
            }
            if let Some(s) = char_suffix(k, len) {
                f.push(fh("suf", &[s]));
            }
        }
        for (cl, name) in [("ال", "al"), ("و", "wa"), ("ب", "bi"), ("ل", "li"), ("وال", "wal"), ("بال", "bal")]
        {
            if k.starts_with(cl) && k.chars().count() > cl.chars().count() + 1 {
                f.push(fh("cl", &[name]));
            }
        }
        f.push(fh("w-1", &[kw(ii - 1)]));
        f.push(fh("w-2", &[kw(ii - 2)]));
        f.push(fh("w+1", &[kw(ii + 1)]));
        f.push(fh("w+2", &[kw(ii + 2)]));
        f.push(fh("s-1", &[st(ii - 1)]));
        f.push(fh("s+1", &[st(ii + 1)]));
        f.push(fh("w-1w0", &[kw(ii - 1), k]));
        f.push(fh("w0w+1", &[k, kw(ii + 1)]));
        f.push(fh("s-1s0", &[st(ii - 1), &stems[i]]));
        for len in 2..=3 {
            if let Some(p) = char_prefix(&stems[i], len) {
                f.push(fh("spre", &[p]));
            }
            if let Some(s) = char_suffix(&stems[i], len) {
                f.push(fh("ssuf", &[s]));
            }
        }
        if let Some(s) = char_suffix(k, 4) {
            f.push(fh("suf4", &[s]));
        }
        f.push(fh("s-1suf2", &[st(ii - 1), char_suffix(k, 2).unwrap_or("")]));
        let sh = shape(words[i], k);
        f.push(fh("shape", &[sh]));
        f.push(fh("shape-len", &[sh, &k.chars().count().min(8).to_string()]));
        // Gazetteer: the word, the word without a clitic (its stem), and two-word entries.
        let g = gz_word(k, &stems[i]);
        let g_next = if i + 1 < n { gz_of(&format!("{k} {}", keys[i + 1])) } else { 0 };
        let g_prev = if i > 0 { gz_of(&format!("{} {k}", keys[i - 1])) } else { 0 };
        let g_left = if i > 0 { gz_word(&keys[i - 1], &stems[i - 1]) } else { 0 };
        let g_right = if i + 1 < n { gz_word(&keys[i + 1], &stems[i + 1]) } else { 0 };
        for (b, name) in GZ_NAMES.iter().enumerate() {
            let bit = 1u8 << b;
            if g_left & bit != 0 {
                f.push(fh("gz-1", &[name]));
            }
            if g_right & bit != 0 {
                f.push(fh("gz+1", &[name]));
            }
        }
        for (b, name) in GZ_NAMES.iter().enumerate() {
            let bit = 1u8 << b;
            if g & bit != 0 {
                f.push(fh("gz1", &[name]));
            }
            if g & (bit << 3) != 0 {
                f.push(fh("gzpart", &[name]));
            }
            if g_next & bit != 0 {
                f.push(fh("gz2b", &[name]));
            }
            if g_prev & bit != 0 {
                f.push(fh("gz2i", &[name]));
            }
        }
        feats.push(f);
    }
    Prepared { keys, feats }
}

const TAG_NAMES: [&str; N_TAGS + 1] = ["O", "BP", "IP", "BL", "IL", "BO", "IO", "BM", "IM", "<s>"];

/// Features that depend on the previous tag (the transition features of the Viterbi search).
fn tag_features(p1: usize, k: &str, km1: &str, out: &mut Vec<u64>) {
    out.push(fh("t-1", &[TAG_NAMES[p1]]));
    out.push(fh("t-1w0", &[TAG_NAMES[p1], k]));
    out.push(fh("t-1w-1", &[TAG_NAMES[p1], km1]));
}

/// True for a token that gets a tag (it has a letter or a digit once keyed).
fn is_word(token: &str) -> bool {
    key(token).chars().any(|c| c.is_alphanumeric())
}

// ---------------------------------------------------------------- model

/// The tagger: weights and the hashed gazetteer.
pub struct Tagger {
    bits: u32,
    weights: Vec<f32>,
    gazetteer: HashMap<u64, u8>,
}

static EMBEDDED: &[u8] = include_bytes!("../model/ner.bin.gz");

const MAGIC: &[u8; 5] = b"MNER1";

impl Tagger {
    /// The embedded model (`model/ner.bin.gz`). An empty or unreadable embedded file gives a
    /// tagger that finds nothing (only while bootstrapping the first training run).
    pub fn load() -> Tagger {
        Tagger::from_bytes(EMBEDDED).unwrap_or_else(|_| Tagger::empty(10))
    }

    /// A tagger with all weights zero and no gazetteer.
    pub fn empty(bits: u32) -> Tagger {
        Tagger { bits, weights: vec![0.0; (1usize << bits) * N_TAGS], gazetteer: HashMap::new() }
    }

    /// Reads a model written by [`Tagger::to_bytes`] (gzip-compressed).
    pub fn from_bytes(gz: &[u8]) -> Result<Tagger, String> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut raw).map_err(|e| format!("model: {e}"))?;
        let mut r = Reader { b: &raw, i: 0 };
        if r.take(5)? != MAGIC {
            return Err("model: bad magic".into());
        }
        let bits = u32::from(r.take(1)?[0]);
        if !(8..=24).contains(&bits) {
            return Err("model: bad table size".into());
        }
        let ngaz = r.varint()? as usize;
        let mut gazetteer = HashMap::with_capacity(ngaz);
        for _ in 0..ngaz {
            let h = u64::from_le_bytes(r.take(8)?.try_into().unwrap());
            gazetteer.insert(h, r.take(1)?[0]);
        }
        let scale = f32::from_le_bytes(r.take(4)?.try_into().unwrap());
        let nw = r.varint()? as usize;
        let mut weights = vec![0.0f32; (1usize << bits) * N_TAGS];
        let mut idx = 0usize;
        for _ in 0..nw {
            idx += r.varint()? as usize;
            let q = i16::from_le_bytes(r.take(2)?.try_into().unwrap());
            *weights.get_mut(idx).ok_or("model: weight index out of range")? = f32::from(q) * scale;
        }
        Ok(Tagger { bits, weights, gazetteer })
    }

    /// Writes the model: weights quantized to 16 bits, zeros left out, gzip-compressed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(self.bits as u8);
        let mut gz: Vec<(&u64, &u8)> = self.gazetteer.iter().collect();
        gz.sort();
        put_varint(&mut out, gz.len() as u64);
        for (h, m) in gz {
            out.extend_from_slice(&h.to_le_bytes());
            out.push(*m);
        }
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        out.extend_from_slice(&scale.to_le_bytes());
        let q: Vec<(usize, i16)> = self
            .weights
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let q = (w / scale).round() as i16;
                (q != 0).then_some((i, q))
            })
            .collect();
        put_varint(&mut out, q.len() as u64);
        let mut last = 0usize;
        for (i, v) in q {
            put_varint(&mut out, (i - last) as u64);
            last = i;
            out.extend_from_slice(&v.to_le_bytes());
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&out).expect("writing to memory");
        enc.finish().expect("writing to memory")
    }

    fn scores(&self, feats: &[u64], extra: &[u64], out: &mut [f32; N_TAGS]) {
        *out = [0.0; N_TAGS];
        let mask = (1u64 << self.bits) - 1;
        for f in feats.iter().chain(extra) {
            let base = (f & mask) as usize * N_TAGS;
            for (o, w) in out.iter_mut().zip(&self.weights[base..base + N_TAGS]) {
                *o += w;
            }
        }
    }

    /// Tags one sentence of tokens. Punctuation tokens get `O`.
    pub fn tag(&self, tokens: &[&str]) -> Vec<Tag> {
        let idx: Vec<usize> = (0..tokens.len()).filter(|&i| is_word(tokens[i])).collect();
        let words: Vec<&str> = idx.iter().map(|&i| tokens[i]).collect();
        let prep = prepare(&words, &self.gazetteer);
        let best = self.decode(&prep);
        let mut out = vec![Tag::O; tokens.len()];
        for (j, &i) in idx.iter().enumerate() {
            out[i] = Tag::from_index(best[j]);
        }
        out
    }

    /// Best tag sequence (Viterbi over first-order transitions; `I-X` only after `B-X`/`I-X`).
    fn decode(&self, prep: &Prepared) -> Vec<usize> {
        let n = prep.keys.len();
        if n == 0 {
            return Vec::new();
        }
        let mut delta = vec![[f32::NEG_INFINITY; N_TAGS]; n];
        let mut back = vec![[0u8; N_TAGS]; n];
        let mut emit = [0f32; N_TAGS];
        let mut trans = [0f32; N_TAGS];
        let mut extra = Vec::with_capacity(3);
        for i in 0..n {
            self.scores(&prep.feats[i], &[], &mut emit);
            let km1 = if i > 0 { prep.keys[i - 1].as_str() } else { "<s>" };
            let prevs = if i == 0 { START..START + 1 } else { 0..N_TAGS };
            for p in prevs {
                let base = if i == 0 { 0.0 } else { delta[i - 1][p] };
                if base == f32::NEG_INFINITY {
                    continue;
                }
                extra.clear();
                tag_features(p, &prep.keys[i], km1, &mut extra);
                self.scores(&[], &extra, &mut trans);
                for t in 0..N_TAGS {
                    let v = base + emit[t] + trans[t];
                    if allowed(p, t) && v > delta[i][t] {
                        delta[i][t] = v;
                        back[i][t] = p as u8;
                    }
                }
            }
        }
        let mut t = (0..N_TAGS).fold(0, |b, t| if delta[n - 1][t] > delta[n - 1][b] { t } else { b });
        let mut out = vec![0; n];
        for i in (0..n).rev() {
            out[i] = t;
            t = usize::from(back[i][t]);
        }
        out
    }

    /// Entity mentions in raw text: sentences end at `. ! ? ؟` and newlines; words are
    /// `mirsad_text::tokens`.
    pub fn entities(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        let base = text.as_ptr() as usize;
        let mut sentence: Vec<(usize, usize)> = Vec::new();
        let mut last_end = 0usize;
        let flush = |sentence: &mut Vec<(usize, usize)>, out: &mut Vec<Mention>| {
            if sentence.is_empty() {
                return;
            }
            let toks: Vec<&str> = sentence.iter().map(|&(s, e)| &text[s..e]).collect();
            let tags = self.tag(&toks);
            for (a, b, kind) in spans(&tags) {
                let (start, end) = (sentence[a].0, sentence[b - 1].1);
                out.push(Mention { text: text[start..end].to_string(), kind, start, end });
            }
            sentence.clear();
        };
        for t in mirsad_text::tokens(text) {
            let start = t.as_ptr() as usize - base;
            let gap = &text[last_end..start];
            if gap.contains(['.', '!', '?', '؟', '\n']) {
                flush(&mut sentence, &mut out);
            }
            sentence.push((start, start + t.len()));
            last_end = start + t.len();
        }
        flush(&mut sentence, &mut out);
        out
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let s = self.b.get(self.i..self.i + n).ok_or("model: truncated")?;
        self.i += n;
        Ok(s)
    }
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("model: bad varint".into())
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

// ---------------------------------------------------------------- training

/// One training or test sentence: tokens and their gold tags.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub tags: Vec<Tag>,
}

/// Averaged-perceptron training.
pub struct Trainer {
    model: Tagger,
    /// Sum of `c × update` per weight; the average is `w − acc / c`.
    acc: Vec<f64>,
    c: f64,
    seed: u64,
}

impl Trainer {
    /// `bits`: log2 of the number of feature buckets. `gazetteer`: entries as (PER|LOC|ORG, text).
    pub fn new(bits: u32, gazetteer: &[(EntityType, String)]) -> Trainer {
        let mut model = Tagger::empty(bits);
        for (kind, entry) in gazetteer {
            let bit = match kind {
                EntityType::PER => 1,
                EntityType::LOC => 2,
                EntityType::ORG => 4,
                EntityType::MISC => continue,
            };
            let k: Vec<String> = mirsad_text::tokens(entry).map(key).collect();
            if k.is_empty() {
                continue;
            }
            *model.gazetteer.entry(gazetteer_hash(&k.join(" "))).or_insert(0) |= bit;
            if k.len() > 1 {
                // Each word of a longer entry, marked as a part.
                for w in &k {
                    *model.gazetteer.entry(gazetteer_hash(w)).or_insert(0) |= bit << 3;
                }
            }
        }
        let acc = vec![0.0; model.weights.len()];
        Trainer { model, acc, c: 1.0, seed: 0x9e37_79b9_7f4a_7c15 }
    }

    /// One pass over the sentences in a shuffled (deterministic) order; returns the share of
    /// word tokens tagged wrongly during the pass.
    pub fn epoch(&mut self, sentences: &[Sentence]) -> f64 {
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        for i in (1..order.len()).rev() {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            order.swap(i, (self.seed % (i as u64 + 1)) as usize);
        }
        let (mut wrong, mut total) = (0usize, 0usize);
        let mut extra = Vec::with_capacity(3);
        for &s in &order {
            let sent = &sentences[s];
            let idx: Vec<usize> = (0..sent.tokens.len()).filter(|&i| is_word(&sent.tokens[i])).collect();
            let words: Vec<&str> = idx.iter().map(|&i| sent.tokens[i].as_str()).collect();
            let gold: Vec<usize> = idx.iter().map(|&i| sent.tags[i].index()).collect();
            let prep = prepare(&words, &self.model.gazetteer);
            let pred = self.model.decode(&prep);
            for i in 0..words.len() {
                let (gp, pp) = if i > 0 { (gold[i - 1], pred[i - 1]) } else { (START, START) };
                if gold[i] != pred[i] {
                    wrong += 1;
                    self.update(&prep.feats[i], gold[i], 1.0);
                    self.update(&prep.feats[i], pred[i], -1.0);
                }
                if gold[i] != pred[i] || gp != pp {
                    let km1 = if i > 0 { prep.keys[i - 1].as_str() } else { "<s>" };
                    extra.clear();
                    tag_features(gp, &prep.keys[i], km1, &mut extra);
                    self.update(&extra, gold[i], 1.0);
                    extra.clear();
                    tag_features(pp, &prep.keys[i], km1, &mut extra);
                    self.update(&extra, pred[i], -1.0);
                }
            }
            total += words.len();
            self.c += words.len() as f64;
        }
        wrong as f64 / total.max(1) as f64
    }

    fn update(&mut self, feats: &[u64], tag: usize, by: f32) {
        let mask = (1u64 << self.model.bits) - 1;
        for f in feats {
            let i = (f & mask) as usize * N_TAGS + tag;
            self.model.weights[i] += by;
            self.acc[i] += self.c * f64::from(by);
        }
    }

    /// The averaged model as it stands (training can go on afterwards).
    pub fn averaged(&self) -> Tagger {
        let weights =
            self.model.weights.iter().zip(&self.acc).map(|(w, a)| (f64::from(*w) - a / self.c) as f32).collect();
        Tagger { bits: self.model.bits, weights, gazetteer: self.model.gazetteer.clone() }
    }
}

#[cfg(test)]
mod tests;
