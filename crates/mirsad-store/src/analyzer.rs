//! The Arabic analyzer for tantivy: matching key (hamza/alef/yeh/teh-marbuta folding,
//! diacritics and tatweel removed, Persian letters mapped), stopwords dropped, light10 stem.
//! A query word therefore finds its orthographic variants and its clitic/suffix forms.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the analyzer is registered in the index.
pub const ARABIC: &str = "mirsad_arabic";

#[derive(Clone, Default)]
pub struct ArabicTokenizer;

pub struct ArabicTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ArabicTokenizer {
    type TokenStream<'a> = ArabicTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ArabicTokenStream {
        ArabicTokenStream { tokens: analyze(text), next: 0 }
    }
}

/// The index terms of `text` with their byte offsets in it (for highlighting).
pub fn analyze(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut position = 0;
    let mut push = |from: usize, to: usize, out: &mut Vec<Token>| {
        let k = mirsad_text::key(&text[from..to]);
        if k.is_empty() || mirsad_text::is_stopword_key(&k) {
            return;
        }
        let stem = mirsad_text::stem_key(&k);
        out.push(Token { offset_from: from, offset_to: to, position, text: stem.to_string(), position_length: 1 });
        if let Some(alt) = lam_lam_reading(&k).filter(|a| a != stem) {
            out.push(Token { offset_from: from, offset_to: to, position, text: alt, position_length: 1 });
        }
        position += 1;
    };
    for (i, c) in text.char_indices() {
        if mirsad_text::is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            push(s, i, &mut out);
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut out);
    }
    out
}

/// The second reading of a word written with «لل»: the preposition ل before ال merges with
/// it (ل + البيت → «للبيت», which light10 stems right), but before a noun that itself starts
/// with ل the article's lam merges too (ل + اللاعبين → «للاعبين»), so the stem is the noun's
/// with its ل. Both stems are indexed at the word's position, and a query word of this shape
/// asks for either; the one reading that is not a real word rarely matches anything.
/// Hand-written: it is a rule of Arabic spelling no stemmer crate applies.
fn lam_lam_reading(key: &str) -> Option<String> {
    let rest = key.strip_prefix("لل")?;
    // «لله» (to God) and short words have no second reading worth indexing.
    if rest.chars().count() < 2 {
        return None;
    }
    Some(mirsad_text::stem_key(&format!("ال{}", &key["ل".len()..])).to_string())
}

/// Version of the analysis above: stored with the index, which is rebuilt when it changes.
/// Raise it whenever `analyze` gives other terms for the same text.
pub const VERSION: u32 = 2;

impl TokenStream for ArabicTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(t: &str) -> Vec<String> {
        analyze(t).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn variants_give_the_same_terms() {
        assert_eq!(terms("الأسواق"), terms("والاسواق"));
        assert_eq!(terms("إيران"), terms("ايران"));
        assert_eq!(terms("مستشفى"), terms("مستشفي"));
        assert_eq!(terms("المدرسة"), terms("مدرسه"));
        assert_eq!(terms("کوریا"), terms("كوريا"));
        assert_eq!(terms("بالمكتبة"), terms("مكتبة"));
    }

    #[test]
    fn lam_lam_has_both_readings_at_one_position() {
        // ل + اللاعبين and ل + البيت: each shares a term with the form with ال.
        let players = analyze("للاعبين");
        assert_eq!(players.len(), 2);
        assert_eq!(players[0].position, players[1].position);
        assert!(terms("للاعبين").contains(&terms("اللاعبين")[0]), "{:?}", terms("للاعبين"));
        assert!(terms("للبيت").contains(&terms("البيت")[0]), "{:?}", terms("للبيت"));
        assert_eq!(terms("لله"), terms("لله")[..1]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "قال الوزير: «المكتبة»";
        for t in analyze(text) {
            assert!(!text[t.offset_from..t.offset_to].is_empty());
        }
        assert_eq!(terms(text), ["قال", "وزير", "مكتب"]);
    }

    #[test]
    fn stream_walks_all_tokens() {
        let mut tok = ArabicTokenizer;
        let mut s = tok.token_stream("في المدينة الجديدة");
        let mut n = 0;
        while s.advance() {
            n += 1;
        }
        assert_eq!(n, 2);
    }
}
