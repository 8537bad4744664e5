//! Reading labelled corpora (from text already in memory; no I/O here).

use super::{Sentence, Tag};

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
