//! Named entities: an averaged-perceptron (structured, Viterbi) tagger over BIO tags for
//! PER/LOC/ORG/MISC.
//!
//! Each word token is described by hashed features (its `mirsad_text::key`, light stem,
//! 1–3 letter prefixes and suffixes of the key, clitic starts, neighbouring keys ±2 and stems
//! ±1, digit/Latin shape, gazetteer membership, how name-like the word's contexts are across
//! an unlabelled corpus (see [`mined`]), and — only when the model carries a cluster
//! table, which the shipped one does not — the word clusters of the token and its neighbours,
//! see [`clusters`]; likewise only with word notes, which the shipped model does not carry, a
//! spelling dictionary's verdict on the word and its neighbours and the word's frequency in
//! general text, see [`notes`]) and transition features (previous tag, alone and with the word
//! and the previous word). Every string is hashed once per token; features are those hashes mixed with
//! a per-kind constant by integer arithmetic. Feature hashes index a fixed table of `2^bits`
//! buckets × 9 tags, held as 8-bit weights (the 590 KB table stays in the core's cache:
//! reading it is most of the tagging time). Decoding is Viterbi and never puts `I-X` after
//! anything but `B-X`/`I-X`.
//! Tokens without a letter or digit (punctuation) are not tagged (always `O`) and are not
//! context for their neighbours, so raw text cut by `mirsad_text::tokens` (which drops
//! punctuation) and corpus tokens look the same to the model.
//!
//! The model (weights, hashed gazetteer keys, hashed mined, cluster and word-note tables, never
//! gazetteer or corpus text) is embedded in the binary from `model/ner.bin.gz`; see
//! `model/README.md` for how it was trained.

pub mod clusters;
pub mod corpus;
pub mod mined;
pub mod notes;

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
        Tag::parse_with(s, |ty| if ty == "PERS" { Some(EntityType::PER) } else { EntityType::from_code(ty) })
    }

    /// Parses `B-X`/`I-X`, mapping the type name `X` with `kind` (corpora name types their own
    /// way); `None` when either part is unknown.
    pub fn parse_with(s: &str, kind: impl Fn(&str) -> Option<EntityType>) -> Option<Tag> {
        let (bi, ty) = s.split_once('-')?;
        let ty = kind(ty)?;
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
const fn allowed(prev: usize, tag: usize) -> bool {
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
//
// Every string a feature looks at (a token's key, stem, clitic-less form, affixes) is hashed
// once per token; a feature is then its kind's constant and those hashes combined by integer
// mixing, so no string is hashed twice and nothing is allocated per feature.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Hash of a string value (a key, stem, affix …).
fn sh(s: &str) -> u64 {
    fnv(FNV_OFFSET, s.as_bytes())
}

/// Final mix so that the low bits (the bucket) depend on every input bit.
#[inline]
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Feature kinds.
#[derive(Clone, Copy)]
enum K {
    Bias = 1,
    W0,
    S0,
    N0,
    Nm1,
    Np1,
    Pre,
    Suf,
    Cl,
    Wm1,
    Wm2,
    Wp1,
    Wp2,
    Sm1,
    Sp1,
    Wm1W0,
    W0Wp1,
    Sm1S0,
    SPre,
    SSuf,
    Suf4,
    Sm1Suf2,
    Shape,
    ShapeLen,
    GzM1,
    GzP1,
    Gz1,
    GzPart,
    Gz2b,
    Gz2i,
    T1,
    T1W0,
    T1Wm1,
    C0,
    Cm1,
    Cp1,
    Cm1C0,
    Mn,
    MnN,
    /// A feature's copy for a training corpus other than the one tagged (see
    /// [`Trainer::epoch_domains`]).
    Dom,
    /// The spelling dictionary's verdict on the word (see [`notes`]), alone and with the
    /// word's frequency bucket; the verdicts on its neighbours.
    Sp,
    SpFq,
    SpM1,
    SpP1,
    /// The frequency bucket of the word (see [`notes`]).
    Fq,
}

/// A feature of one value hash.
#[inline]
fn f1(kind: K, a: u64) -> u64 {
    mix((kind as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ a)
}

/// A feature of two value hashes (order matters).
#[inline]
fn f2(kind: K, a: u64, b: u64) -> u64 {
    mix((kind as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ a ^ b.rotate_left(31).wrapping_mul(0x2545_f491_4f6c_dd1d))
}

/// Hash of a gazetteer entry from the hashes of its words (in key form).
fn gz_hash_words(words: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = 0x6a09_e667_f3bc_c908;
    for w in words {
        h = mix(h ^ w);
    }
    h
}

/// Hash of a gazetteer entry in key form (words separated by one space).
pub fn gazetteer_hash(entry_key: &str) -> u64 {
    gz_hash_words(entry_key.split(' ').map(sh))
}

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(self.0 ^ FNV_OFFSET, bytes);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = u64::from(v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Gazetteer: entry hash → bits (ANERGazet: PER 1, LOC 2, ORG 4, the same << 3 for a word of a
/// longer entry; [`NAME_BIT`] a person's given name, surname or full name and [`PLACE_BIT`] a
/// city or country name from the name gazetteers added by [`Trainer::add_names`]).
type Gazetteer = HashMap<u64, u8, std::hash::BuildHasherDefault<IdHasher>>;

/// Word clusters: [`clusters::cluster_hash`] of a key → cluster number.
pub type Clusters = HashMap<u32, u16, std::hash::BuildHasherDefault<IdHasher>>;

/// Everything besides the weights that the features look up: the gazetteer, and the tables
/// learned from unlabelled text (each empty when the model has none).
#[derive(Clone, Default)]
struct Lexicon {
    gazetteer: Gazetteer,
    clusters: Clusters,
    /// How name-like each word's contexts are across an unlabelled corpus (see [`mined`]).
    mined: mined::Mined,
    /// Spelling-dictionary verdicts and general-text frequencies of words (see [`notes`]).
    notes: notes::Notes,
    /// Features of the context only: of a word's own, just the bias; no feature that pairs
    /// the word with a neighbour; no transition with the word. Only the first training round
    /// of [`mined`] sets it; a model file never carries it.
    context_only: bool,
}

/// Gazetteer bit of a person-name unit or full name (Wikidata names, see [`Trainer::add_names`]).
pub const NAME_BIT: u8 = 1 << 6;
/// Gazetteer bit of an ANERGazet person entry.
pub const PER_BIT: u8 = 1;
/// Gazetteer bit of a word of a longer ANERGazet person entry.
pub const PER_PART_BIT: u8 = 1 << 3;
/// Gazetteer bit of a city or country name (GeoNames, see [`Trainer::add_names`]).
pub const PLACE_BIT: u8 = 1 << 7;
/// The gazetteer bits that mark a whole entry (ANERGazet's three types and the two above).
const WHOLE_BITS: [u64; 5] = [0, 1, 2, 6, 7];

/// [`K::Mn`] value of a word not in the mined table.
const NOT_MINED: u64 = 99;

/// Cluster of a word not in the table, and of the padding before and after a sentence.
const NO_CLUSTER: u64 = 0xffff;
const BOS_CLUSTER: u64 = 0x1_0000;
const EOS_CLUSTER: u64 = 0x1_0001;

/// Keys and static (tag-independent) features of one sentence of word tokens.
struct Prepared {
    keys: Vec<String>,
    /// Hash of each key (for the transition features).
    hk: Vec<u64>,
    /// Features of token `i`: `feats[starts[i]..starts[i + 1]]`.
    feats: Vec<u64>,
    starts: Vec<usize>,
    /// Training only: each feature's copy for another corpus (see [`Trainer::epoch_domains`]),
    /// laid out as `feats`; empty for the corpus the tagger is for.
    dom_feats: Vec<u64>,
}

impl Prepared {
    fn feats(&self, i: usize) -> &[u64] {
        &self.feats[self.starts[i]..self.starts[i + 1]]
    }

    /// Adds each feature's copy for training corpus `domain` (see [`Trainer::epoch_domains`]).
    fn augment(&mut self, domain: u64) {
        self.dom_feats = self.feats.iter().map(|&f| f2(K::Dom, f, domain)).collect();
    }
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
    let mut it = s.char_indices().rev();
    let start = it.nth(n.checked_sub(1)?)?.0;
    Some(&s[start..])
}

/// Shape class of a token: 0 digits, 1 has a digit, 2 Latin capitalized, 3 latin, 4 mixed, 5 Arabic.
fn shape(raw: &str, k: &str) -> u64 {
    let (mut digits, mut latin, mut other) = (0usize, 0usize, 0usize);
    for c in k.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        } else {
            other += 1;
        }
    }
    if digits > 0 && latin == 0 && other == 0 {
        0
    } else if digits > 0 {
        1
    } else if latin > 0 && other == 0 {
        if raw.chars().next().is_some_and(|c| c.is_uppercase()) {
            2
        } else {
            3
        }
    } else if latin > 0 {
        4
    } else {
        5
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

/// The tagger's key of a token: `mirsad_text::key` with inner spaces dropped.
fn token_key(token: &str) -> String {
    let k = key(token);
    if k.contains(' ') {
        k.replace(' ', "")
    } else {
        k
    }
}

/// True for a key that gets a tag (it has a letter or a digit).
fn is_word_key(k: &str) -> bool {
    k.chars().any(|c| c.is_ascii_alphanumeric() || mirsad_text::is_arabic_letter(c) || c.is_alphanumeric())
}

/// Per-token hashes shared by a token's own features and its neighbours'.
#[derive(Clone, Copy)]
struct TokHash {
    /// key, stem, key without clitics
    k: u64,
    s: u64,
    n: u64,
    /// gazetteer bits of the word (its key, its stem, its key without «ال»)
    gz: u8,
    /// word cluster (of the key, else of the key without clitics)
    c: u64,
    /// spelling-dictionary verdict on the key ([`notes::UNCHECKED`] when the model has no
    /// verdicts; [`PAD_VERDICT`] before and after the sentence)
    sp: u8,
}

const CLITICS: [&str; 6] = ["ال", "و", "ب", "ل", "وال", "بال"];

#[cfg(test)]
fn prepare(words: &[&str], gaz: &Gazetteer) -> Prepared {
    let keys: Vec<String> = words.iter().map(|w| token_key(w)).collect();
    prepare_keys(words, keys, &Lexicon { gazetteer: gaz.clone(), ..Lexicon::default() })
}

fn prepare_keys(words: &[&str], keys: Vec<String>, lex: &Lexicon) -> Prepared {
    let n = keys.len();
    let mut th: Vec<TokHash> = Vec::with_capacity(n + 4);
    let mut suf2 = Vec::with_capacity(n);
    let mut own = Vec::with_capacity(n * 24);
    let mut own_starts = Vec::with_capacity(n + 1);
    th.extend(PAD_BEFORE);
    for (w, k) in words.iter().zip(&keys) {
        own_starts.push(own.len());
        let (h, s2) = describe(w, k, lex, &mut own);
        th.push(h);
        suf2.push(s2);
    }
    own_starts.push(own.len());
    th.extend(PAD_AFTER);
    let g2 = two_word_gazetteer(&th, &lex.gazetteer);
    let mut feats = Vec::with_capacity(n * 48);
    let mut starts = Vec::with_capacity(n + 1);
    for i in 0..n {
        starts.push(feats.len());
        feats.extend_from_slice(&own[own_starts[i]..own_starts[i + 1]]);
        context_features(&th, &g2, &suf2, i, lex, &mut feats);
    }
    starts.push(feats.len());
    let hk = th[2..n + 2].iter().map(|t| t.k).collect();
    Prepared { keys, hk, feats, starts, dom_feats: Vec::new() }
}

/// Padding before the first token and after the last (two each: the context reaches ±2).
const PAD_BEFORE: [TokHash; 2] = [PAD_BOS; 2];
const PAD_AFTER: [TokHash; 2] = [PAD_EOS; 2];
const PAD_BOS: TokHash = TokHash { k: BOS, s: BOS, n: BOS, gz: 0, c: BOS_CLUSTER, sp: PAD_VERDICT };
const PAD_EOS: TokHash = TokHash { k: EOS, s: EOS, n: EOS, gz: 0, c: EOS_CLUSTER, sp: PAD_VERDICT };
/// [`TokHash::sp`] of the padding (the three verdicts are 0 to 2).
const PAD_VERDICT: u8 = 3;
/// `sh("<s>")` and `sh("</s>")`, spelled out so that they can be constants.
const BOS: u64 = fnv_const(b"<s>");
const EOS: u64 = fnv_const(b"</s>");

const fn fnv_const(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// The hashes of one word and the features that look at that word alone (pushed onto `own`);
/// returns the hashes and the hash of the key's last two letters (which a context feature pairs
/// with the previous word's stem).
/// Nothing here depends on the neighbours, so the tagger computes it once per distinct word.
fn describe(raw: &str, k: &str, lex: &Lexicon, own: &mut Vec<u64>) -> (TokHash, u64) {
    let (gaz, clusters) = (&lex.gazetteer, &lex.clusters);
    let start = own.len();
    let gz_of = |h: u64| -> u8 { gaz.get(&h).copied().unwrap_or(0) };
    let cluster_of = |k: &str| clusters.get(&clusters::cluster_hash(k)).map(|&c| u64::from(c));
    let stem = stem_key(k);
    let hk = sh(k);
    let hs = sh(stem);
    let mut gz = gz_of(gz_hash_words([hk])) | gz_of(gz_hash_words([hs]));
    if let Some(r) = k.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
        gz |= gz_of(gz_hash_words([sh(r)]));
    }
    let nc = strip_clitics(k);
    let c =
        if clusters.is_empty() { NO_CLUSTER } else { cluster_of(k).or_else(|| cluster_of(nc)).unwrap_or(NO_CLUSTER) };
    let notes = &lex.notes;
    let (sp, fq) = if notes.is_empty() { (notes::UNCHECKED, 0) } else { notes::unpack(notes.get(k)) };
    let th = TokHash { k: hk, s: hs, n: sh(nc), gz, c, sp };
    let f = own;
    f.push(f1(K::Bias, 0));
    f.push(f1(K::W0, hk));
    f.push(f1(K::S0, hs));
    f.push(f1(K::N0, th.n));
    for len in 1..=3 {
        if let Some(p) = char_prefix(k, len) {
            f.push(f1(K::Pre, sh(p)));
        }
        if let Some(s) = char_suffix(k, len) {
            f.push(f1(K::Suf, sh(s)));
        }
    }
    let nchars = k.chars().count();
    for (ci, cl) in CLITICS.iter().enumerate() {
        // Clitics are Arabic letters: two bytes each.
        if k.starts_with(cl) && nchars > cl.len() / 2 + 1 {
            f.push(f1(K::Cl, ci as u64));
        }
    }
    for len in 2..=3 {
        if let Some(p) = char_prefix(stem, len) {
            f.push(f1(K::SPre, sh(p)));
        }
        if let Some(s) = char_suffix(stem, len) {
            f.push(f1(K::SSuf, sh(s)));
        }
    }
    if let Some(s) = char_suffix(k, 4) {
        f.push(f1(K::Suf4, sh(s)));
    }
    if !clusters.is_empty() {
        f.push(f1(K::C0, c));
    }
    if !lex.mined.is_empty() {
        match lex.mined.get(&mined::word_hash(nc)) {
            Some(&code) => {
                for t in 0..4 {
                    let (b, n) = mined::unpack(code, t);
                    if b > 0 {
                        f.push(f2(K::Mn, t as u64, b));
                        f.push(f2(K::MnN, t as u64 * 8 + b, n));
                    }
                }
            }
            // In no type's top 30 %, seen once, or not in the corpus.
            None => f.push(f1(K::Mn, NOT_MINED)),
        }
    }
    if notes.sources & notes::SPELLING != 0 {
        f.push(f1(K::Sp, u64::from(sp)));
        if notes.sources & notes::FREQUENCY != 0 {
            f.push(f2(K::SpFq, u64::from(sp), u64::from(fq)));
        }
    }
    if notes.sources & notes::FREQUENCY != 0 {
        // Only the word as written: the bucket of its key without clitics as well scored the
        // same in cross-validation (0.748 against 0.750).
        f.push(f1(K::Fq, u64::from(fq)));
    }
    let shp = shape(raw, k);
    f.push(f1(K::Shape, shp));
    f.push(f2(K::ShapeLen, shp, nchars.min(8) as u64));
    for b in WHOLE_BITS {
        if gz & (1u8 << b) != 0 {
            f.push(f1(K::Gz1, b));
        }
    }
    for b in 0..3u64 {
        if gz & (1u8 << (b + 3)) != 0 {
            f.push(f1(K::GzPart, b));
        }
    }
    if lex.context_only {
        f.truncate(start + 1);
    }
    (th, sh(char_suffix(k, 2).unwrap_or("")))
}

/// Gazetteer bits of the two-word entry starting at each token; `th` is padded as in
/// [`prepare_keys`] (`th[j + 2]` is token `j`).
fn two_word_gazetteer(th: &[TokHash], gaz: &Gazetteer) -> Vec<u8> {
    let n = th.len() - 4;
    (0..n)
        .map(|i| if i + 1 < n { gaz.get(&gz_hash_words([th[i + 2].k, th[i + 3].k])).copied().unwrap_or(0) } else { 0 })
        .collect()
}

/// The features of token `i` that look at its neighbours (the word's own are [`describe`]'s).
/// `th` is padded (`th[j + 2]` is token `j`); `suf2[j]` is token `j`'s last-two-letters hash.
fn context_features(th: &[TokHash], g2: &[u8], suf2: &[u64], i: usize, lex: &Lexicon, f: &mut Vec<u64>) {
    let clusters = !lex.clusters.is_empty();
    let (m2, m1, c, p1, p2) = (th[i], th[i + 1], th[i + 2], th[i + 3], th[i + 4]);
    f.push(f1(K::Nm1, m1.n));
    f.push(f1(K::Np1, p1.n));
    f.push(f1(K::Wm1, m1.k));
    f.push(f1(K::Wm2, m2.k));
    f.push(f1(K::Wp1, p1.k));
    f.push(f1(K::Wp2, p2.k));
    f.push(f1(K::Sm1, m1.s));
    f.push(f1(K::Sp1, p1.s));
    if !lex.context_only {
        f.push(f2(K::Wm1W0, m1.k, c.k));
        f.push(f2(K::W0Wp1, c.k, p1.k));
        f.push(f2(K::Sm1S0, m1.s, c.s));
        f.push(f2(K::Sm1Suf2, m1.s, suf2[i]));
    }
    if lex.notes.sources & notes::SPELLING != 0 {
        f.push(f1(K::SpM1, u64::from(m1.sp)));
        f.push(f1(K::SpP1, u64::from(p1.sp)));
    }
    if clusters {
        f.push(f1(K::Cm1, m1.c));
        f.push(f1(K::Cp1, p1.c));
        f.push(f2(K::Cm1C0, m1.c, c.c));
    }
    // Gazetteer: the neighbours, and two-word entries starting or ending here.
    let (g_next, g_prev) = match (lex.context_only, i) {
        (true, _) => (0, 0),
        (false, 0) => (g2[i], 0),
        (false, _) => (g2[i], g2[i - 1]),
    };
    for b in WHOLE_BITS {
        let bit = 1u8 << b;
        if m1.gz & bit != 0 {
            f.push(f1(K::GzM1, b));
        }
        if p1.gz & bit != 0 {
            f.push(f1(K::GzP1, b));
        }
        if g_next & bit != 0 {
            f.push(f1(K::Gz2b, b));
        }
        if g_prev & bit != 0 {
            f.push(f1(K::Gz2i, b));
        }
    }
}

/// Features that depend on the previous tag `p1` (the transition features of the Viterbi
/// search), given the hashes of this token's key and the previous token's. The lexicalized
/// ones take the row of the word's hash plus the previous tag, so the rows of all previous
/// tags of one word are adjacent: Viterbi reads them as one block, hashing once per word.
#[inline]
fn tag_features(p1: usize, hk: u64, hkm1: u64, context_only: bool) -> [u64; 3] {
    let p = p1 as u64;
    let [w0, wm1] = transition_blocks(hk, hkm1, context_only);
    [f1(K::T1, p), w0 + p, wm1 + p]
}

/// First rows of a token's two blocks of lexicalized transition rows (previous tag with this
/// word, previous tag with the previous word); the row for previous tag `p` is the first + `p`.
/// Multiples of 16, so two words' blocks are the same or apart, never overlapping in part.
/// `context_only`: every word shares one block of its own (the previous word's stays).
#[inline]
fn transition_blocks(hk: u64, hkm1: u64, context_only: bool) -> [u64; 2] {
    let own = if context_only { BOS } else { hk };
    [f1(K::T1W0, own) & !15, f1(K::T1Wm1, hkm1) & !15]
}

/// May tag `t` follow tag `p` (`p` = `START` before the first token)?
const ALLOWED: [[bool; N_TAGS]; N_TAGS + 1] = {
    let mut a = [[false; N_TAGS]; N_TAGS + 1];
    let mut p = 0;
    while p <= N_TAGS {
        let mut t = 0;
        while t < N_TAGS {
            a[p][t] = allowed(p, t);
            t += 1;
        }
        p += 1;
    }
    a
};

// ---------------------------------------------------------------- model

/// Rows of per-tag weights, one per feature bucket, as the decoder reads them, and the score
/// type they sum into: `f32` while training, `i32` for the 8-bit model (integer sums are exact,
/// and Viterbi then needs no conversions).
trait Rows {
    type Score: Copy + PartialOrd + std::ops::Add<Output = Self::Score>;
    const ZERO: Self::Score;
    /// Below every reachable score: marks an impossible path.
    const NEG: Self::Score;
    fn add(&self, row: usize, out: &mut [Self::Score; N_TAGS]);
    /// Shifts a token's path scores so they cannot run out of range on a long sentence
    /// (integers only; the same shift for every path changes no decision).
    fn renormalize(_scores: &mut [Self::Score; N_TAGS]) {}
}

impl Rows for [[f32; N_TAGS]] {
    type Score = f32;
    const ZERO: f32 = 0.0;
    const NEG: f32 = f32::NEG_INFINITY;
    #[inline]
    fn add(&self, row: usize, out: &mut [f32; N_TAGS]) {
        let r = &self[row];
        for t in 0..N_TAGS {
            out[t] += r[t];
        }
    }
}

impl Rows for [[i8; N_TAGS]] {
    type Score = i32;
    const ZERO: i32 = 0;
    /// A sentence's scores stay far above this: each token adds at most a few hundred rows of
    /// ±127, and Viterbi renormalizes after each token (see [`viterbi`]).
    const NEG: i32 = i32::MIN / 2;
    #[inline]
    fn add(&self, row: usize, out: &mut [i32; N_TAGS]) {
        let r = &self[row];
        for t in 0..N_TAGS {
            out[t] += i32::from(r[t]);
        }
    }
    fn renormalize(scores: &mut [i32; N_TAGS]) {
        let top = scores.iter().copied().max().unwrap_or(0);
        for s in scores.iter_mut().filter(|s| **s != Self::NEG) {
            *s -= top;
        }
    }
}

/// What [`Tagger::tag`] keeps of one word between sentences.
#[derive(Clone, Copy)]
struct Word {
    th: TokHash,
    suf2: u64,
    /// Summed weights of the word's own features.
    emit: [i32; N_TAGS],
}

/// Per-thread cache of [`Word`]s: direct-mapped (the low bits of a 128-bit hash of the raw
/// token pick the slot, a newer word takes it), so a look-up is one memory access and the size
/// is fixed. The hash's high 64 bits are kept and compared, so a word is served another's entry
/// only if two tokens agree on 81 hash bits.
struct WordCache {
    tagger: u64,
    slots: Vec<Slot>,
    /// Scratch space for a word's features.
    own: Vec<u64>,
}

/// One cache slot: a [`Word`] packed into one 64-byte cache line (a look-up is one miss, not
/// two). The emission sums are integers (8-bit weights summed) kept as `i16`.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Slot {
    /// High 64 bits of the token's hash; 0 marks an empty slot.
    tag: u64,
    k: u64,
    s: u64,
    n: u64,
    suf2: u64,
    /// The cluster number in the low 24 bits, the spelling verdict in the high 8.
    c: u32,
    emit: [i16; N_TAGS],
    gz: u8,
    /// False for punctuation (no word, not tagged).
    word: bool,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 64);

const EMPTY_SLOT: Slot = Slot { tag: 0, k: 0, s: 0, n: 0, suf2: 0, c: 0, emit: [0; N_TAGS], gz: 0, word: false };

impl Slot {
    /// The slot of `w` under `tag`; `None` when a sum does not fit in `i16` or the cluster
    /// number in 24 bits (then the word is not cached).
    fn pack(tag: u64, w: Option<Word>) -> Option<Slot> {
        let Some(w) = w else { return Some(Slot { tag, ..EMPTY_SLOT }) };
        let mut emit = [0i16; N_TAGS];
        for (e, &v) in emit.iter_mut().zip(&w.emit) {
            *e = i16::try_from(v).ok()?;
        }
        let th = w.th;
        Some(Slot {
            tag,
            k: th.k,
            s: th.s,
            n: th.n,
            suf2: w.suf2,
            c: u32::try_from(th.c).ok().filter(|c| *c < 1 << 24)? | u32::from(th.sp) << 24,
            emit,
            gz: th.gz,
            word: true,
        })
    }

    fn unpack(&self) -> Option<Word> {
        self.word.then(|| Word {
            th: TokHash {
                k: self.k,
                s: self.s,
                n: self.n,
                gz: self.gz,
                c: u64::from(self.c & 0xff_ffff),
                sp: (self.c >> 24) as u8,
            },
            suf2: self.suf2,
            emit: self.emit.map(i32::from),
        })
    }
}

/// Slots per thread, 64 bytes each: 8 MB. On the two JSONL corpora 2^15 slots served 78 % of
/// the tokens, 2^17 90 % and 2^18 93 %.
const WORD_CACHE_SLOTS: usize = 1 << 17;

thread_local! {
    static WORDS: std::cell::RefCell<WordCache> =
        const { std::cell::RefCell::new(WordCache { tagger: 0, slots: Vec::new(), own: Vec::new() }) };
}

/// Ids of taggers, so that a thread's cache never serves one tagger's sums to another.
static NEXT_TAGGER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_tagger_id() -> u64 {
    NEXT_TAGGER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The tagger: weights and the hashed gazetteer.
pub struct Tagger {
    /// Identifies this tagger's entries in the per-thread word cache.
    id: u64,
    bits: u32,
    /// One row of per-tag weights per feature bucket, quantized to 8 bits (the weight is
    /// `q × scale`; decoding never needs `scale`, as it scales every score alike). A quarter of
    /// the memory of `f32` rows, so the table stays in the core's cache; reading it is most of
    /// the time spent. On the dev slice 8 bits score as 16 did (F1 0.691–0.695 against 0.697).
    weights: Vec<[i8; N_TAGS]>,
    scale: f32,
    lex: Lexicon,
}

static EMBEDDED: &[u8] = include_bytes!("../model/ner.bin.gz");

const MAGIC: &[u8; 5] = b"MNER8";
/// The format before [`MAGIC`]: the same without the word notes (read as a model without
/// them, and still written for a model without them, so such a model's file is unchanged).
const MAGIC_7: &[u8; 5] = b"MNER7";

impl Clone for Tagger {
    /// A copy with its own id (the word cache must not serve one copy's sums to another).
    fn clone(&self) -> Tagger {
        Tagger {
            id: next_tagger_id(),
            bits: self.bits,
            weights: self.weights.clone(),
            scale: self.scale,
            lex: self.lex.clone(),
        }
    }
}

impl Tagger {
    /// The embedded model (`model/ner.bin.gz`). A damaged or empty embedded file is an error,
    /// never a tagger that silently finds nothing.
    pub fn load() -> Result<Tagger, ModelError> {
        Tagger::from_bytes(EMBEDDED)
    }

    /// A tagger with all weights zero and no gazetteer.
    pub fn empty(bits: u32) -> Tagger {
        Tagger {
            id: next_tagger_id(),
            bits,
            weights: vec![[0; N_TAGS]; 1usize << bits],
            scale: 1.0,
            lex: Lexicon::default(),
        }
    }

    /// Reads a model written by [`Tagger::to_bytes`] (gzip-compressed). Damaged bytes give an
    /// error naming the part of the model and the offset, never a panic or a huge allocation.
    pub fn from_bytes(gz: &[u8]) -> Result<Tagger, ModelError> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut raw).map_err(ModelError::Gzip)?;
        let mut r = Reader::new(&raw);
        r.section("header");
        let magic: [u8; 5] = r.array()?;
        if &magic != MAGIC && &magic != MAGIC_7 {
            return Err(ModelError::Magic { found: String::from_utf8_lossy(&magic).into_owned() });
        }
        let bits = u32::from(r.byte()?);
        if !(8..=24).contains(&bits) {
            return Err(ModelError::TableBits(bits));
        }
        r.section("gazetteer");
        let ngaz = r.count(9)?;
        let mut gazetteer = Gazetteer::with_capacity_and_hasher(ngaz, Default::default());
        for _ in 0..ngaz {
            let h = u64::from_le_bytes(r.array()?);
            gazetteer.insert(h, r.byte()?);
        }
        r.section("scale");
        let scale = f32::from_le_bytes(r.array()?);
        r.section("weights");
        let nw = r.count(2)?;
        let mut weights = vec![[0i8; N_TAGS]; 1usize << bits];
        let mut idx = 0u64;
        for _ in 0..nw {
            idx = r.sum(idx)?;
            let q = r.byte()? as i8;
            let i: usize = r.fits(idx)?;
            weights.get_mut(i / N_TAGS).ok_or(r.out_of_range(idx))?[i % N_TAGS] = q;
        }
        r.section("cluster table");
        let nc = r.count(2)?;
        let mut clusters = Clusters::with_capacity_and_hasher(nc, Default::default());
        let mut h = 0u64;
        for _ in 0..nc {
            h = r.sum(h)?;
            let c = r.varint()?;
            clusters.insert(r.fits(h)?, r.fits(c)?);
        }
        let mined = mined::read(&mut r)?;
        let notes = if &magic == MAGIC { notes::read(&mut r)? } else { notes::Notes::default() };
        if r.left() > 0 {
            return Err(ModelError::Trailing { left: r.left() });
        }
        let lex = Lexicon { gazetteer, clusters, mined, notes, context_only: false };
        Ok(Tagger { id: next_tagger_id(), bits, weights, scale, lex })
    }

    /// Writes the model: weights quantized to 8 bits, zeros left out, gzip-compressed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(if self.lex.notes.is_empty() { MAGIC_7 } else { MAGIC });
        out.push(self.bits as u8);
        let mut gz: Vec<(&u64, &u8)> = self.lex.gazetteer.iter().collect();
        gz.sort();
        put_varint(&mut out, gz.len() as u64);
        for (h, m) in gz {
            out.extend_from_slice(&h.to_le_bytes());
            out.push(*m);
        }
        out.extend_from_slice(&self.scale.to_le_bytes());
        let q: Vec<(usize, i8)> =
            self.weights.as_flattened().iter().enumerate().filter(|(_, q)| **q != 0).map(|(i, q)| (i, *q)).collect();
        put_varint(&mut out, q.len() as u64);
        let mut last = 0usize;
        for (i, v) in q {
            put_varint(&mut out, (i - last) as u64);
            last = i;
            out.push(v as u8);
        }
        let mut cl: Vec<(u32, u16)> = self.lex.clusters.iter().map(|(h, c)| (*h, *c)).collect();
        cl.sort();
        put_varint(&mut out, cl.len() as u64);
        let mut last = 0u64;
        for (h, c) in cl {
            put_varint(&mut out, u64::from(h) - last);
            last = u64::from(h);
            put_varint(&mut out, u64::from(c));
        }
        mined::write(&self.lex.mined, &mut out);
        if !self.lex.notes.is_empty() {
            notes::write(&self.lex.notes, &mut out);
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&out).expect("writing to memory");
        enc.finish().expect("writing to memory")
    }

    /// Tags one sentence of tokens. Punctuation tokens get `O`.
    ///
    /// A word's own features (everything but its neighbours) and their summed weights are
    /// computed once per distinct word and thread and kept in a bounded cache: news repeats
    /// its words, so most tokens cost a look-up plus their context features. The weights are
    /// integers, so the cached sums are exact and the tags are those of the uncached path.
    ///
    /// A name never runs across punctuation that separates words (a comma, colon, bracket or
    /// quotation mark between two words ends the span before it; see [`separates`]).
    pub fn tag(&self, tokens: &[&str]) -> Vec<Tag> {
        let (idx, emit, hk) = self.emissions(tokens);
        let breaks: Vec<bool> = idx
            .iter()
            .enumerate()
            .map(|(j, &i)| j > 0 && tokens[idx[j - 1] + 1..i].iter().any(|t| separates(t)))
            .collect();
        let best = viterbi(self.weights.as_slice(), self.bits, emit, &hk, &breaks, self.lex.context_only);
        let mut out = vec![Tag::O; tokens.len()];
        for (j, &i) in idx.iter().enumerate() {
            out[i] = Tag::from_index(best[j]);
        }
        out
    }

    /// The word tokens' indices, emission scores (all features but the transitions) and key
    /// hashes.
    fn emissions(&self, tokens: &[&str]) -> (Vec<usize>, Vec<[i32; N_TAGS]>, Vec<u64>) {
        let mask = (1u64 << self.bits) - 1;
        let mut idx = Vec::with_capacity(tokens.len());
        let mut th: Vec<TokHash> = Vec::with_capacity(tokens.len() + 4);
        let mut suf2 = Vec::with_capacity(tokens.len());
        let mut emit: Vec<[i32; N_TAGS]> = Vec::with_capacity(tokens.len());
        th.extend(PAD_BEFORE);
        WORDS.with_borrow_mut(|cache| {
            if cache.tagger != self.id {
                cache.slots.clear();
                cache.slots.resize(WORD_CACHE_SLOTS, EMPTY_SLOT);
                cache.tagger = self.id;
            }
            for (i, t) in tokens.iter().enumerate() {
                let h = xxhash_rust::xxh3::xxh3_128(t.as_bytes());
                let slot = (h as usize) & (WORD_CACHE_SLOTS - 1);
                // Tag 0 is never stored, so it marks an empty slot.
                let tag = ((h >> 64) as u64).max(1);
                let word = if cache.slots[slot].tag == tag {
                    cache.slots[slot].unpack()
                } else {
                    let w = self.word(t, &mut cache.own, mask);
                    if let Some(packed) = Slot::pack(tag, w) {
                        cache.slots[slot] = packed;
                    }
                    w
                };
                if let Some(w) = word {
                    idx.push(i);
                    th.push(w.th);
                    suf2.push(w.suf2);
                    emit.push(w.emit);
                }
            }
        });
        th.extend(PAD_AFTER);
        let g2 = two_word_gazetteer(&th, &self.lex.gazetteer);
        let mut feats = Vec::with_capacity(24);
        for (i, e) in emit.iter_mut().enumerate() {
            feats.clear();
            context_features(&th, &g2, &suf2, i, &self.lex, &mut feats);
            for f in &feats {
                self.weights.as_slice().add((f & mask) as usize, e);
            }
        }
        let hk: Vec<u64> = th[2..th.len() - 2].iter().map(|t| t.k).collect();
        (idx, emit, hk)
    }

    /// Per word token (index), for each type, how far the best of its `B`/`I` emission
    /// scores stands above `O`'s, in the model's integer units (exact, so sums of them do
    /// not depend on the order of addition).
    pub fn type_margins(&self, tokens: &[&str]) -> Vec<(usize, [i32; 4])> {
        let (idx, emit, _) = self.emissions(tokens);
        idx.into_iter()
            .zip(emit)
            .map(|(i, e)| (i, std::array::from_fn(|t| e[2 * t + 1].max(e[2 * t + 2]) - e[0])))
            .collect()
    }

    /// A token's hashes and the summed weights of its own features; `None` for punctuation.
    fn word(&self, token: &str, own: &mut Vec<u64>, mask: u64) -> Option<Word> {
        let k = token_key(token);
        if !is_word_key(&k) {
            return None;
        }
        own.clear();
        let (th, suf2) = describe(token, &k, &self.lex, own);
        let mut emit = [0i32; N_TAGS];
        for f in own.iter() {
            self.weights.as_slice().add((f & mask) as usize, &mut emit);
        }
        Some(Word { th, suf2, emit })
    }

    /// Whether the gazetteer knows the word as written (its key, no clitic peeled) as a
    /// person's given name, family name or full name.
    pub fn is_person_name(&self, word: &str) -> bool {
        self.lex.gazetteer.get(&gazetteer_hash(&token_key(word))).is_some_and(|b| b & NAME_BIT != 0)
    }

    /// Entity mentions in raw text: sentences end at `. ! ? ؟` and newlines; words are
    /// `mirsad_text::tokens`.
    pub fn entities(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        let base = text.as_ptr() as usize;
        let mut sentence: Vec<(usize, usize)> = Vec::new();
        let mut toks: Vec<&str> = Vec::new();
        let mut last_end = 0usize;
        let mut flush = |sentence: &mut Vec<(usize, usize)>, out: &mut Vec<Mention>| {
            if sentence.is_empty() {
                return;
            }
            toks.clear();
            toks.extend(sentence.iter().map(|&(s, e)| &text[s..e]));
            let tags = self.tag(&toks);
            for (a, b, kind) in spans(&tags) {
                let (start, end) = (sentence[a].0, sentence[b - 1].1);
                out.push(Mention { text: text[start..end].to_string(), kind, start, end });
            }
            sentence.clear();
        };
        for t in mirsad_text::tokens(text) {
            let start = t.as_ptr() as usize - base;
            let gap = &text.as_bytes()[last_end..start];
            if gap.iter().any(|b| matches!(b, b'.' | b'!' | b'?' | b'\n')) || text[last_end..start].contains('؟') {
                flush(&mut sentence, &mut out);
            } else if !sentence.is_empty() && separates(&text[last_end..start]) {
                // The separator goes in as a token of its own, as in a tokenized corpus: not
                // a word, but a name does not run across it.
                sentence.push((last_end, start));
            }
            sentence.push((start, start + t.len()));
            last_end = start + t.len();
        }
        flush(&mut sentence, &mut out);
        out
    }
}

/// Whether the text between two words (a punctuation token of a corpus, or the gap between
/// two words of raw text) separates them so that no name runs across it: any character but
/// spaces, joiners, hyphens, the apostrophe and the full stop of an abbreviation, which do
/// occur inside names («جاي-إن», «أ. ف. ب»; ANERcorp's gold names cross only these).
fn separates(gap: &str) -> bool {
    gap.chars().any(|c| {
        !(c.is_whitespace()
            || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '_' | '\u{640}' | '\'' | '\u{2019}' | '.')
            // Invisible format characters (joiners, direction marks, soft hyphen).
            || matches!(c, '\u{AD}' | '\u{61C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
    })
}

/// Best tag sequence of a prepared sentence.
fn decode<R: Rows + ?Sized>(rows: &R, bits: u32, prep: &Prepared, context_only: bool) -> Vec<usize> {
    // Emission scores of every token first: many independent memory reads in flight.
    let mut emit = vec![[R::ZERO; N_TAGS]; prep.keys.len()];
    let mask = (1u64 << bits) - 1;
    for (i, e) in emit.iter_mut().enumerate() {
        for f in prep.feats(i) {
            rows.add((f & mask) as usize, e);
        }
    }
    viterbi(rows, bits, emit, &prep.hk, &[], context_only)
}

/// Best tag sequence given each token's emission scores and key hash (Viterbi over
/// first-order transitions; `I-X` only after `B-X`/`I-X`, and never at a token whose entry in
/// `breaks` is true, which may be shorter than the sentence). `context_only`: no transition
/// row of the word itself (all words share one).
fn viterbi<R: Rows + ?Sized>(
    rows: &R,
    bits: u32,
    emit: Vec<[R::Score; N_TAGS]>,
    hks: &[u64],
    breaks: &[bool],
    context_only: bool,
) -> Vec<usize> {
    let n = emit.len();
    if n == 0 {
        return Vec::new();
    }
    let mask = (1u64 << bits) - 1;
    // The previous-tag feature alone is the same for every token.
    let t1: [[R::Score; N_TAGS]; N_TAGS + 1] = std::array::from_fn(|p| {
        let mut r = [R::ZERO; N_TAGS];
        rows.add((f1(K::T1, p as u64) & mask) as usize, &mut r);
        r
    });
    let mut back = vec![[0u8; N_TAGS]; n];
    let mut delta = [R::NEG; N_TAGS];
    for i in 0..n {
        // As `tag_features`, with the blocks looked up once per token instead of per `p`.
        let [w0, wm1] = transition_blocks(hks[i], if i > 0 { hks[i - 1] } else { BOS }, context_only);
        let mut next = [R::NEG; N_TAGS];
        let prevs = if i == 0 { START..START + 1 } else { 0..N_TAGS };
        for p in prevs {
            let base = if i == 0 { R::ZERO } else { delta[p] };
            if base == R::NEG {
                continue;
            }
            let pp = p as u64;
            let mut tr = t1[p];
            rows.add(((w0 + pp) & mask) as usize, &mut tr);
            rows.add(((wm1 + pp) & mask) as usize, &mut tr);
            let broken = breaks.get(i).copied().unwrap_or(false);
            for t in 0..N_TAGS {
                let v = base + emit[i][t] + tr[t];
                // `I-X` tags have even indices from 2.
                if ALLOWED[p][t] && !(broken && t > 0 && t % 2 == 0) && v > next[t] {
                    next[t] = v;
                    back[i][t] = p as u8;
                }
            }
        }
        R::renormalize(&mut next);
        delta = next;
    }
    let mut t = (0..N_TAGS).fold(0, |b, t| if delta[t] > delta[b] { t } else { b });
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = t;
        t = usize::from(back[i][t]);
    }
    out
}

/// Why a model file cannot be read. Offsets count bytes of the decompressed model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a gzip stream, or a damaged one: {0}")]
    Gzip(std::io::Error),
    #[error("not a tagger model of this version (starts with {found:?}, expected \"MNER8\" or \"MNER7\")")]
    Magic { found: String },
    #[error("weight table of 2^{0} rows, outside 2^8..2^24")]
    TableBits(u32),
    #[error("{section}: cut short at byte {at} ({needed} bytes needed, {left} left)")]
    Truncated { section: &'static str, at: usize, needed: usize, left: usize },
    #[error("{section}: a number longer than 64 bits at byte {at}")]
    Varint { section: &'static str, at: usize },
    #[error("{section}: {count} entries announced at byte {at}, more than the {left} bytes left can hold")]
    Count { section: &'static str, at: usize, count: u64, left: usize },
    #[error("{section}: value {value} out of range at byte {at}")]
    OutOfRange { section: &'static str, at: usize, value: u64 },
    #[error("{left} bytes after the end of the model")]
    Trailing { left: usize },
}

/// Reads the decompressed model, knowing which part of it it is in for the errors.
struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    section: &'static str,
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8]) -> Reader<'a> {
        Reader { b, i: 0, section: "header" }
    }

    fn section(&mut self, name: &'static str) {
        self.section = name;
    }

    fn left(&self) -> usize {
        self.b.len() - self.i
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let s = self.b.get(self.i..self.i.saturating_add(n)).ok_or(ModelError::Truncated {
            section: self.section,
            at: self.i,
            needed: n,
            left: self.left(),
        })?;
        self.i += n;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn varint(&mut self) -> Result<u64, ModelError> {
        let at = self.i;
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError::Varint { section: self.section, at })
    }

    /// An entry count, checked against what the bytes left can hold (each entry takes at least
    /// `min_entry` bytes), so a damaged count never reserves gigabytes.
    fn count(&mut self, min_entry: usize) -> Result<usize, ModelError> {
        let at = self.i;
        let count = self.varint()?;
        match usize::try_from(count) {
            Ok(n) if n <= self.left() / min_entry => Ok(n),
            _ => Err(ModelError::Count { section: self.section, at, count, left: self.left() }),
        }
    }

    /// `base` plus the next delta-coded varint.
    fn sum(&mut self, base: u64) -> Result<u64, ModelError> {
        let step = self.varint()?;
        base.checked_add(step).ok_or(self.out_of_range(step))
    }

    /// `v` as a narrower integer, or an error at the current offset.
    fn fits<T: TryFrom<u64>>(&self, v: u64) -> Result<T, ModelError> {
        T::try_from(v).map_err(|_| self.out_of_range(v))
    }

    fn out_of_range(&self, value: u64) -> ModelError {
        ModelError::OutOfRange { section: self.section, at: self.i, value }
    }
}

/// Writes a table of 32-bit hashes with a value each: the count, then the hashes in order as
/// varint deltas, each followed by its value as `put` writes it.
fn put_hash_table<V: Copy + Ord>(out: &mut Vec<u8>, mut v: Vec<(u32, V)>, put: impl Fn(&mut Vec<u8>, V)) {
    v.sort_unstable();
    put_varint(out, v.len() as u64);
    let mut last = 0u64;
    for (h, c) in v {
        put_varint(out, u64::from(h) - last);
        last = u64::from(h);
        put(out, c);
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
#[derive(Clone)]
pub struct Trainer {
    /// Bits and gazetteer (its weights stay zero).
    model: Tagger,
    /// The current (not averaged) weights.
    weights: Vec<[f32; N_TAGS]>,
    /// Sum of `c × update` per weight; the average is `w − acc / c`.
    acc: Vec<f64>,
    c: f64,
    seed: u64,
    /// Weights of the other corpora's feature copies (see [`Trainer::epoch_domains`]): a table
    /// of its own, so that they take no bucket from the model's features; training only, never
    /// averaged or kept (empty until a sentence of another corpus is seen).
    dom_weights: Vec<[f32; N_TAGS]>,
}

/// log2 of the rows of [`Trainer`]'s table of feature copies for other corpora.
const DOM_BITS: u32 = 20;

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
            *model.lex.gazetteer.entry(gazetteer_hash(&k.join(" "))).or_insert(0) |= bit;
            if k.len() > 1 {
                // Each word of a longer entry, marked as a part.
                for w in &k {
                    *model.lex.gazetteer.entry(gazetteer_hash(w)).or_insert(0) |= bit << 3;
                }
            }
        }
        let acc = vec![0.0; model.weights.len() * N_TAGS];
        let weights = vec![[0.0; N_TAGS]; model.weights.len()];
        Trainer { model, weights, acc, c: 1.0, seed: 0x9e37_79b9_7f4a_7c15, dom_weights: Vec::new() }
    }

    /// One pass over the sentences in a shuffled (deterministic) order; returns the share of
    /// word tokens tagged wrongly during the pass.
    pub fn epoch(&mut self, sentences: &[Sentence]) -> f64 {
        self.epoch_domains(sentences, &[])
    }

    /// [`Trainer::epoch`] over sentences of several corpora: `domains[i]` is sentence `i`'s
    /// corpus (0, or no entry: the text the tagger is for). Each emission feature of a sentence
    /// of corpus `d > 0` also fires as a copy of its own for `d` (Daumé's feature augmentation,
    /// one-sided): what is particular to another corpus's text and labelling conventions is
    /// learned by the copies, which the tagger never reads, and what the corpora share by the
    /// features themselves.
    pub fn epoch_domains(&mut self, sentences: &[Sentence], domains: &[u8]) -> f64 {
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        for i in (1..order.len()).rev() {
            self.step_seed();
            order.swap(i, (self.seed % (i as u64 + 1)) as usize);
        }
        let (mut wrong, mut total) = (0usize, 0usize);
        for &s in &order {
            let sent = &sentences[s];
            let mut words = Vec::new();
            let mut keys = Vec::new();
            let mut gold = Vec::new();
            for (t, tag) in sent.tokens.iter().zip(&sent.tags) {
                let k = token_key(t);
                if is_word_key(&k) {
                    words.push(t.as_str());
                    keys.push(k);
                    gold.push(tag.index());
                }
            }
            let mut prep = prepare_keys(&words, keys, &self.model.lex);
            match domains.get(s).copied().unwrap_or(0) {
                0 => {}
                d => {
                    prep.augment(u64::from(d));
                    if self.dom_weights.is_empty() {
                        self.dom_weights = vec![[0.0; N_TAGS]; 1 << DOM_BITS];
                    }
                }
            }
            let context_only = self.model.lex.context_only;
            let pred = self.decode_training(&prep, context_only);
            for i in 0..words.len() {
                let (gp, pp) = if i > 0 { (gold[i - 1], pred[i - 1]) } else { (START, START) };
                if gold[i] != pred[i] {
                    wrong += 1;
                    self.update(prep.feats(i), gold[i], 1.0);
                    self.update(prep.feats(i), pred[i], -1.0);
                    if !prep.dom_feats.is_empty() {
                        let dom = &prep.dom_feats[prep.starts[i]..prep.starts[i + 1]];
                        let mask = (1u64 << DOM_BITS) - 1;
                        for f in dom {
                            let row = &mut self.dom_weights[(f & mask) as usize];
                            row[gold[i]] += 1.0;
                            row[pred[i]] -= 1.0;
                        }
                    }
                }
                if gold[i] != pred[i] || gp != pp {
                    let hkm1 = if i > 0 { prep.hk[i - 1] } else { BOS };
                    self.update(&tag_features(gp, prep.hk[i], hkm1, context_only), gold[i], 1.0);
                    self.update(&tag_features(pp, prep.hk[i], hkm1, context_only), pred[i], -1.0);
                }
            }
            total += words.len();
            self.c += words.len() as f64;
        }
        wrong as f64 / total.max(1) as f64
    }

    /// [`decode`] with the current weights, plus the other corpora's feature copies when the
    /// sentence has them.
    fn decode_training(&self, prep: &Prepared, context_only: bool) -> Vec<usize> {
        if prep.dom_feats.is_empty() {
            return decode(self.weights.as_slice(), self.model.bits, prep, context_only);
        }
        let (mask, dmask) = ((1u64 << self.model.bits) - 1, (1u64 << DOM_BITS) - 1);
        let mut emit = vec![[0f32; N_TAGS]; prep.keys.len()];
        for (i, e) in emit.iter_mut().enumerate() {
            let rows = self.weights.as_slice();
            for f in prep.feats(i) {
                rows.add((f & mask) as usize, e);
            }
            for f in &prep.dom_feats[prep.starts[i]..prep.starts[i + 1]] {
                self.dom_weights.as_slice().add((f & dmask) as usize, e);
            }
        }
        viterbi(self.weights.as_slice(), self.model.bits, emit, &prep.hk, &[], context_only)
    }

    fn step_seed(&mut self) {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
    }

    fn update(&mut self, feats: &[u64], tag: usize, by: f32) {
        let mask = (1u64 << self.model.bits) - 1;
        for f in feats {
            let row = (f & mask) as usize;
            self.weights[row][tag] += by;
            self.acc[row * N_TAGS + tag] += self.c * f64::from(by);
        }
    }

    /// The averaged model as it stands, quantized (training can go on afterwards).
    pub fn averaged(&self) -> Tagger {
        Trainer::averaged_of(std::slice::from_ref(self))
    }

    /// Starts the shuffle from another seed (0 is not a seed: it is taken as 1).
    pub fn reseed(&mut self, seed: u64) {
        self.seed = seed.max(1);
    }

    /// The mean of several trainers' averaged weights, quantized. The trainers must share
    /// their settings and lexicon (the first one's are kept); typically they differ only in
    /// their shuffle seed, and the mean is steadier than any one of them.
    pub fn averaged_of(trainers: &[Trainer]) -> Tagger {
        let first = &trainers[0];
        let k = trainers.len() as f64;
        let avg = |r: usize, t: usize| {
            (trainers.iter().map(|x| f64::from(x.weights[r][t]) - x.acc[r * N_TAGS + t] / x.c).sum::<f64>() / k) as f32
        };
        let mut max = 0f32;
        for r in 0..first.weights.len() {
            for t in 0..N_TAGS {
                max = max.max(avg(r, t).abs());
            }
        }
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let weights =
            (0..first.weights.len()).map(|r| std::array::from_fn(|t| (avg(r, t) / scale).round() as i8)).collect();
        Tagger { id: next_tagger_id(), bits: first.model.bits, weights, scale, lex: first.model.lex.clone() }
    }

    /// Adds name-gazetteer entries (set before the first epoch; kept in the model as hashes):
    /// each entry's key (words joined by one space) gets `bit` ([`NAME_BIT`] or [`PLACE_BIT`]).
    /// Entries are matched as one word or as two adjacent words.
    pub fn add_names(&mut self, entries: impl IntoIterator<Item = (u8, String)>) {
        for (bit, entry) in entries {
            let k: Vec<String> = mirsad_text::tokens(&entry).map(key).collect();
            if !k.is_empty() {
                *self.model.lex.gazetteer.entry(gazetteer_hash(&k.join(" "))).or_insert(0) |= bit;
            }
        }
    }

    /// Word clusters to use as features (set before the first epoch; kept in the model).
    pub fn set_clusters(&mut self, clusters: Clusters) {
        self.model.lex.clusters = clusters;
    }

    /// Mined word statistics to use as features (set before the first epoch; kept in the model).
    pub fn set_mined(&mut self, mined: mined::Mined) {
        self.model.lex.mined = mined;
    }

    /// Spelling verdicts and word frequencies to use as features (set before the first epoch;
    /// kept in the model, which then has format `MNER8`).
    pub fn set_notes(&mut self, notes: notes::Notes) {
        self.model.lex.notes = notes;
    }

    /// A trainer of the same settings whose tagger sees only the context of a word, never the
    /// word itself (the first round of [`mined`]).
    pub fn context_only(&self) -> Trainer {
        let mut t = self.clone();
        t.model.lex.context_only = true;
        t
    }
}

#[cfg(test)]
mod tests;
