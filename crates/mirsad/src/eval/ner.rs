//! `mirsad eval ner`: entity-level (exact span and type, CoNLL style) precision, recall and F1
//! per type and micro-averaged over all types, and tagging speed.
//!
//! - `ner-anercorp`: the held-out last 1/6 of ANERcorp (cut at a sentence end; the tagger is
//!   trained on the first 5/6 by `mirsad train-ner`).
//! - `ner-wojood-sample`: `test.txt` only (the tagger never sees Wojood). Wojood's types map to
//!   ours as PERS → PER, GPE and LOC → LOC, ORG → ORG, EVENT → MISC; every other type (NORP,
//!   OCC, FAC, DATE, numbers, WEBSITE, LAW, PRODUCT, LANGUAGE …) is not counted (read as O).
//!   Nested tags: each token takes the first (outermost) of its tags whose type maps.
//!
//! - `ner-cleananercorp`: `cleananercorp_TEST.txt`, the same held-out text with CleanANERcorp's
//!   corrected labels (its cut starts about 45 tokens later).
//! - `ner-aqmar`: `test.txt` (Arabic Wikipedia; AQMAR's MIS read as MISC).
//! - news names: short sentences written here, each naming one of the people, places and
//!   organizations most named in the 2018 news corpora; prints which come out whole with the
//!   right type.
//!
//! `MIRSAD_NER_MODEL=<file>` scores that model file instead of the embedded model.

use super::skip_if_absent;
use anyhow::Context;
use mirsad_analyze::ner::{corpus, spans, Sentence, Tag, Tagger};
use mirsad_model::EntityType;
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

const TYPES: [EntityType; 4] = [EntityType::PER, EntityType::LOC, EntityType::ORG, EntityType::MISC];

/// Entity counts per type: (true positives, predicted, gold).
#[derive(Default)]
pub struct Counts {
    per_type: [(usize, usize, usize); 4],
}

fn ti(t: EntityType) -> usize {
    TYPES.iter().position(|x| *x == t).unwrap()
}

fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 { 0.0 } else { tp as f64 / pred as f64 };
    let r = if gold == 0 { 0.0 } else { tp as f64 / gold as f64 };
    let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f)
}

impl Counts {
    pub fn add(&mut self, gold: &[Tag], pred: &[Tag]) {
        let g: HashSet<_> = spans(gold).into_iter().collect();
        let p: HashSet<_> = spans(pred).into_iter().collect();
        for s in &g {
            self.per_type[ti(s.2)].2 += 1;
        }
        for s in &p {
            self.per_type[ti(s.2)].1 += 1;
            if g.contains(s) {
                self.per_type[ti(s.2)].0 += 1;
            }
        }
    }

    pub fn overall(&self) -> (f64, f64, f64) {
        let sum = self.per_type.iter().fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        prf(sum.0, sum.1, sum.2)
    }

    pub fn print(&self, set: &str) {
        for (i, t) in TYPES.iter().enumerate() {
            let (tp, pred, gold) = self.per_type[i];
            let (p, r, f) = prf(tp, pred, gold);
            println!("ner {set} {t:?}: precision {p:.3} recall {r:.3} f1 {f:.3} (gold {gold}, predicted {pred}, correct {tp})");
        }
        let (p, r, f) = self.overall();
        println!("ner {set} overall: precision {p:.3} recall {r:.3} f1 {f:.3}");
    }
}

/// ANERcorp split into (training part, held-out last 1/6).
pub fn anercorp_split(data: &Path) -> anyhow::Result<(Vec<Sentence>, Vec<Sentence>)> {
    let path = data.join("ner-anercorp/ANERCorp.txt");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut all = corpus::parse_anercorp(&text);
    let cut = corpus::split_at_share(&all, 5, 6);
    let heldout = all.split_off(cut);
    Ok((all, heldout))
}

fn wojood_tag(t: &str) -> Option<Tag> {
    Tag::parse_with(t, |ty| match ty {
        "PERS" => Some(EntityType::PER),
        "GPE" | "LOC" => Some(EntityType::LOC),
        "ORG" => Some(EntityType::ORG),
        "EVENT" => Some(EntityType::MISC),
        _ => None,
    })
}

fn parse_wojood(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut cur = Sentence { tokens: vec![], tags: vec![] };
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let Some(tok) = parts.next() else {
            if !cur.tokens.is_empty() {
                out.push(std::mem::replace(&mut cur, Sentence { tokens: vec![], tags: vec![] }));
            }
            continue;
        };
        cur.tokens.push(tok.to_string());
        cur.tags.push(parts.find_map(wojood_tag).unwrap_or(Tag::O));
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

fn score(set: &str, tagger: &Tagger, sentences: &[Sentence]) {
    let mut c = Counts::default();
    let toks: Vec<Vec<&str>> = sentences.iter().map(|s| s.tokens.iter().map(String::as_str).collect()).collect();
    let t = Instant::now();
    let tagged: Vec<Vec<Tag>> = toks.iter().map(|t| tagger.tag(t)).collect();
    let first_secs = t.elapsed().as_secs_f64();
    let tokens: usize = sentences.iter().map(|s| s.tokens.len()).sum();
    for (s, pred) in sentences.iter().zip(&tagged) {
        c.add(&s.tags, pred);
    }
    c.print(set);
    // The first pass meets most words for the first time (the tagger's word cache is cold),
    // as a stream meets its rarer words; the repeated passes below are all cache hits.
    println!("ner {set} speed, first pass: {:.0} tokens/s (one thread, tokens given)", tokens as f64 / first_secs);
    // Speed: the whole set tagged again and again until a second has passed (the first pass
    // above warmed up), so that the figure does not depend on one short run.
    let (mut passes, t) = (0usize, Instant::now());
    while passes == 0 || t.elapsed().as_secs_f64() < 1.0 {
        for s in &toks {
            std::hint::black_box(tagger.tag(s));
        }
        passes += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ner {set} speed: {tokens} tokens, {} sentences, {:.0} tokens/s (one thread, tokens given, {passes} passes)",
        sentences.len(),
        (tokens * passes) as f64 / secs
    );
    // The same sentences as raw text (tokens joined by spaces, one sentence a line) through
    // `Tagger::entities`: tokenizing, sentence cutting and mention building included.
    let text: String = toks.iter().map(|t| t.join(" ")).collect::<Vec<_>>().join("\n");
    let (mut passes, t) = (0usize, Instant::now());
    while passes == 0 || t.elapsed().as_secs_f64() < 1.0 {
        std::hint::black_box(tagger.entities(&text));
        passes += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ner {set} speed (entities in raw text): {:.0} tokens/s (one thread, {passes} passes)",
        (tokens * passes) as f64 / secs
    );
}

/// Sentences naming the people, places and organizations most named in the news corpora,
/// with the name and its type (written for this check; the unit test of `mirsad-analyze` holds
/// the same kind of sentences).
pub const NEWS_NAMES: [(&str, &str, EntityType); 11] = [
    ("قال الرئيس الأمريكي دونالد ترامب إن بلاده ستنسحب من الاتفاق .", "ترامب", EntityType::PER),
    ("وأكد ترمب في تغريدة أن المفاوضات مستمرة .", "ترمب", EntityType::PER),
    ("واستقبل الرئيس الروسي فلاديمير بوتين نظيره التركي في موسكو .", "بوتين", EntityType::PER),
    ("وقال بوتن إن روسيا لن تتراجع .", "بوتن", EntityType::PER),
    ("ودعا الرئيس الفرنسي إيمانويل ماكرون إلى وقف إطلاق النار .", "ماكرون", EntityType::PER),
    ("وقال الرئيس التركي رجب طيب أردوغان إن أنقرة لن تقبل بذلك .", "أردوغان", EntityType::PER),
    ("والتقى ولي العهد السعودي الأمير محمد بن سلمان وزير الخارجية الأمريكي .", "محمد بن سلمان", EntityType::PER),
    ("وأطلقت بيونغ يانغ صاروخا جديدا أمس .", "بيونغ يانغ", EntityType::LOC),
    ("وأعلنت سيول أن المحادثات ستجري الشهر المقبل .", "سيول", EntityType::LOC),
    ("وقالت شركة فيسبوك إنها حذفت آلاف الحسابات .", "فيسبوك", EntityType::ORG),
    ("وقال الكرملين إن اللقاء لم يحدد موعده بعد .", "الكرملين", EntityType::ORG),
];

/// The names of [`NEWS_NAMES`] that the tagger finds whole (a mention whose text is the name,
/// or ends with it after a given name) with the right type, and those it does not.
pub fn news_names(tagger: &Tagger) -> (Vec<&'static str>, Vec<String>) {
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for (sentence, name, kind) in NEWS_NAMES {
        let found = tagger.entities(sentence);
        if found.iter().any(|m| m.kind == kind && (m.text == name || m.text.ends_with(&format!(" {name}")))) {
            right.push(name);
        } else {
            let got: Vec<String> = found.iter().map(|m| format!("{}:{:?}", m.text, m.kind)).collect();
            wrong.push(format!(
                "{name} (found {})",
                if got.is_empty() { "nothing".to_string() } else { got.join(", ") }
            ));
        }
    }
    (right, wrong)
}

fn read_conll(path: &Path, kind: fn(&str) -> Option<Option<EntityType>>) -> anyhow::Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    corpus::parse_conll(&text, kind).with_context(|| format!("reading {}", path.display()))
}

pub fn run(data: &Path) -> anyhow::Result<u8> {
    // `MIRSAD_NER_MODEL=path` scores a model file written by `train-ner` instead of the
    // embedded one (no rebuild needed between training and scoring).
    let tagger = crate::analyze::load_tagger()?;
    if !skip_if_absent(&data.join("ner-anercorp/ANERCorp.txt")) {
        let (_, heldout) = anercorp_split(data)?;
        score("anercorp-heldout", &tagger, &heldout);
    }
    let path = data.join("ner-wojood-sample/test.txt");
    if !skip_if_absent(&path) {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        score("wojood-test", &tagger, &parse_wojood(&text));
    }
    let path = data.join("ner-cleananercorp/cleananercorp_TEST.txt");
    if !skip_if_absent(&path) {
        score("cleananercorp-test", &tagger, &read_conll(&path, corpus::anercorp_type)?);
    }
    let path = data.join("ner-aqmar/test.txt");
    if !skip_if_absent(&path) {
        score("aqmar-test", &tagger, &read_conll(&path, corpus::aqmar_type)?);
    }
    let (right, wrong) = news_names(&tagger);
    println!(
        "ner news names: {} of {} with the right type: {}; wrong or missed: {}",
        right.len(),
        NEWS_NAMES.len(),
        right.join(", "),
        if wrong.is_empty() { "none".to_string() } else { wrong.join("; ") }
    );
    Ok(0)
}
