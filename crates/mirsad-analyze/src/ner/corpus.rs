//! Reading labelled corpora (from text already in memory; no I/O here).

use super::{Sentence, Tag};
use mirsad_model::EntityType;

/// Parses ANERcorp: one `TOKEN TAG` per line split at the last space, no blank lines;
/// a sentence ends after a `.`, `!`, `?` or `؟` token. The known glued line
/// (`. Oالإصابة O`: a `.`/`O` line whose newline was lost) is split back into two tokens.
/// Lines whose tag is not a BIO tag are read as `O`.
pub fn parse_anercorp(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut cur = Sentence { tokens: Vec::new(), tags: Vec::new() };
    let push = |cur: &mut Sentence, tok: &str, tag: Tag, out: &mut Vec<Sentence>| {
        cur.tokens.push(tok.to_string());
        cur.tags.push(tag);
        if matches!(tok, "." | "!" | "?" | "؟") {
            out.push(std::mem::replace(cur, Sentence { tokens: Vec::new(), tags: Vec::new() }));
        }
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let Some((tok, tag)) = line.rsplit_once(' ') else { continue };
        let tag = Tag::parse(tag.trim()).unwrap_or(Tag::O);
        let tok = tok.trim();
        if tok.is_empty() {
            continue;
        }
        if let Some((first, rest)) = tok.split_once(' ') {
            if let Some(second) = rest.strip_prefix('O').filter(|s| !s.is_empty()) {
                push(&mut cur, first, Tag::O, &mut out);
                push(&mut cur, second, tag, &mut out);
                continue;
            }
        }
        push(&mut cur, tok, tag, &mut out);
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

/// Index of the first sentence of the held-out part: the first sentence that starts after
/// `num/den` of all tokens (the cut falls at a sentence end). Train on `..cut`, test on `cut..`.
pub fn split_at_share(sentences: &[Sentence], num: usize, den: usize) -> usize {
    let total: usize = sentences.iter().map(|s| s.tokens.len()).sum();
    let target = total * num / den;
    let mut seen = 0;
    for (i, s) in sentences.iter().enumerate() {
        if seen >= target {
            return i;
        }
        seen += s.tokens.len();
    }
    sentences.len()
}

/// A line of a labelled corpus that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("line {line}: expected `TOKEN{sep}TAG`, found {found:?}")]
    Line { line: usize, sep: &'static str, found: String },
    #[error("line {line}: unknown tag {tag:?}")]
    Tag { line: usize, tag: String },
}

/// Tokens of at most this many characters are shown whole in an error; longer ones are cut.
const SHOWN: usize = 60;

fn shown(line: &str) -> String {
    line.chars().take(SHOWN).collect()
}

/// Reads a corpus of `TOKEN TAG` lines (split at the last run of whitespace), a blank line
/// between sentences, BIO tags whose type `kind` maps (`Some(None)`: the mention is read as
/// `O`; `None`: the tag is not a tag of this corpus). Used for AQMAR (`PER LOC ORG MIS`) and
/// CleanANERcorp (ANERcorp's `PERS LOC ORG MISC`).
pub fn parse_conll(
    text: &str,
    kind: impl Fn(&str) -> Option<Option<EntityType>>,
) -> Result<Vec<Sentence>, CorpusError> {
    let mut out = Vec::new();
    let mut cur = Sentence { tokens: Vec::new(), tags: Vec::new() };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::replace(&mut cur, Sentence { tokens: Vec::new(), tags: Vec::new() }));
            }
            continue;
        }
        let Some((tok, tag)) = line.trim().rsplit_once(char::is_whitespace) else {
            return Err(CorpusError::Line { line: n + 1, sep: " ", found: shown(line) });
        };
        let (tok, tag) = (tok.trim(), tag.trim());
        cur.tokens.push(tok.to_string());
        cur.tags.push(bio(tag, &kind).ok_or_else(|| CorpusError::Tag { line: n + 1, tag: shown(tag) })?);
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// A BIO tag whose type `kind` maps; `None` when the tag is not a tag at all or `kind`
/// rejects its type.
fn bio(tag: &str, kind: &impl Fn(&str) -> Option<Option<EntityType>>) -> Option<Tag> {
    if tag == "O" {
        return Some(Tag::O);
    }
    let (bi, ty) = tag.split_once('-')?;
    let t = kind(ty)?;
    match (bi, t) {
        (_, None) => Some(Tag::O),
        ("B", Some(t)) => Some(Tag::B(t)),
        ("I", Some(t)) => Some(Tag::I(t)),
        _ => None,
    }
}

/// AQMAR's types: `PER LOC ORG` as ours, `MIS` as MISC (AQMAR's MIS is wider than ANERcorp's
/// MISC: events, software, chemical elements; [`drop_type`] can leave it out).
pub fn aqmar_type(t: &str) -> Option<Option<EntityType>> {
    match t {
        "PER" => Some(Some(EntityType::PER)),
        "LOC" => Some(Some(EntityType::LOC)),
        "ORG" => Some(Some(EntityType::ORG)),
        "MIS" | "MISC" => Some(Some(EntityType::MISC)),
        _ => None,
    }
}

/// ANERcorp's (and CleanANERcorp's) types.
pub fn anercorp_type(t: &str) -> Option<Option<EntityType>> {
    match t {
        "PERS" | "PER" => Some(Some(EntityType::PER)),
        "LOC" => Some(Some(EntityType::LOC)),
        "ORG" => Some(Some(EntityType::ORG)),
        "MISC" => Some(Some(EntityType::MISC)),
        _ => None,
    }
}

/// Which of our types a WikiFANE fine class is (Alotaibi & Lee 2014's 50 classes):
///
/// - PER: the person classes (Politician, Artist, Scientist, Athlete, Businessperson, Engineer,
///   Lawyer, Police, Religious_PER, Other_PER).
/// - LOC: geopolitical entities and natural places (Nation, Population-Center,
///   State-or-Province, County-or-District, GPE-Cluster, Continent, Water-Body,
///   Land-Region-Natural, Celestial).
/// - ORG: the organization classes (Government, Commercial, Educational, Media,
///   Non-Governmental, Sports, Religious_ORG, Entertainment, Medical-Science).
/// - MISC: `Group` (peoples, nationalities, religions: «العرب», «المسلمين»), the class nearest
///   to ANERcorp's MISC.
/// - `None` (read as `O`): facilities (Building-Grounds, Airport, Path, Subarea-Facility),
///   vehicles (Air, Land, Water), weapons, products (Book, Movie, Sound, Software, Hardware,
///   Food, Drug, Plant, Chemical): ANERcorp tags such names inconsistently, mostly not at all.
pub fn wikifane_type(t: &str) -> Option<Option<EntityType>> {
    use EntityType::*;
    Some(match t {
        "Politician" | "Artist" | "Scientist" | "Athlete" | "Businessperson" | "Engineer" | "Lawyer" | "Police"
        | "Religious_PER" | "Other_PER" => Some(PER),
        "Nation"
        | "Population-Center"
        | "State-or-Province"
        | "County-or-District"
        | "GPE-Cluster"
        | "Continent"
        | "Water-Body"
        | "Land-Region-Natural"
        | "Celestial" => Some(LOC),
        "Government" | "Commercial" | "Educational" | "Media" | "Non-Governmental" | "Sports" | "Religious_ORG"
        | "Entertainment" | "Medical-Science" => Some(ORG),
        "Group" => Some(MISC),
        "Building-Grounds" | "Airport" | "Path" | "Subarea-Facility" | "Air" | "Land" | "Water" | "Projectile"
        | "Shooting" | "Blunt" | "Exploding" | "Sharp" | "Nuclear" | "Book" | "Movie" | "Sound" | "Software"
        | "Hardware" | "Food" | "Drug" | "Plant" | "Chemical" => None,
        _ => return None,
    })
}

/// Clitics WikiFANE splits off a word that are glued back, so that its tokens look like
/// ANERcorp's and raw text's: conjunctions and prepositions before the word, pronouns after
/// it. (`ك` and `ي` are left alone: they are both prefixes and suffixes, or words.)
const WIKIFANE_PREFIXES: [&str; 4] = ["و", "ف", "ل", "ب"];
const WIKIFANE_SUFFIXES: [&str; 8] = ["ه", "ها", "هم", "هما", "هن", "نا", "كم", "كما"];

/// Reads WikiFANE (`TOKEN<TAB>TAG` lines, blank line between sentences, a BOM, CRLF, U+200E
/// marks before most tokens), maps its fine classes with [`wikifane_type`] and glues split
/// clitics back onto their word (a glued token takes the word's tag).
pub fn parse_wikifane(text: &str) -> Result<Vec<Sentence>, CorpusError> {
    let mut out = Vec::new();
    let mut cur = Sentence { tokens: Vec::new(), tags: Vec::new() };
    let mut prefix = String::new();
    let finish = |cur: &mut Sentence, prefix: &mut String, out: &mut Vec<Sentence>| {
        if !prefix.is_empty() {
            cur.tokens.push(std::mem::take(prefix));
            cur.tags.push(Tag::O);
        }
        if !cur.tokens.is_empty() {
            out.push(std::mem::replace(cur, Sentence { tokens: Vec::new(), tags: Vec::new() }));
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line: String = line.chars().filter(|c| !matches!(c, '\u{feff}' | '\u{200e}' | '\u{200f}' | '\r')).collect();
        if line.trim().is_empty() {
            finish(&mut cur, &mut prefix, &mut out);
            continue;
        }
        let Some((tok, tag)) = line.split_once('\t') else {
            return Err(CorpusError::Line { line: n + 1, sep: "<TAB>", found: shown(&line) });
        };
        let (tok, tag) = (tok.trim(), tag.trim());
        let tag = bio(tag, &wikifane_type).ok_or_else(|| CorpusError::Tag { line: n + 1, tag: shown(tag) })?;
        if tok.is_empty() {
            continue;
        }
        let is_word = tok.chars().any(char::is_alphanumeric);
        if WIKIFANE_SUFFIXES.contains(&tok) && prefix.is_empty() && tag == Tag::O {
            if let Some(last) = cur.tokens.last_mut().filter(|t| t.chars().any(char::is_alphabetic)) {
                last.push_str(tok);
                continue;
            }
        }
        if WIKIFANE_PREFIXES.contains(&tok) && tag == Tag::O {
            prefix.push_str(tok);
            continue;
        }
        if !prefix.is_empty() && !is_word {
            // A clitic before punctuation: keep it as a token of its own.
            cur.tokens.push(std::mem::take(&mut prefix));
            cur.tags.push(Tag::O);
        }
        cur.tokens.push(format!("{}{tok}", std::mem::take(&mut prefix)));
        cur.tags.push(tag);
    }
    finish(&mut cur, &mut prefix, &mut out);
    Ok(out)
}
