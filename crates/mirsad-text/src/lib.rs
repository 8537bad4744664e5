//! Arabic text rules for mirsad.
//!
//! Two normal forms are kept apart on purpose:
//! - [`display`]: what a reader sees. Canonical (NFC) and clean, but every letter the author
//!   chose is kept, except Persian letter shapes that are Arabic letters in Arabic text.
//! - [`key`]: what matching compares. Folds the spelling variation that Arabic news shows for
//!   the same word (hamza seats, alef forms, final yeh/alef maqsura, teh marbuta/heh,
//!   diacritics, digits), so `أحمد`/`احمد` or `كوريا`/`کوریا` compare equal.
//!
//! These are hand-written because no crate implements Arabic orthographic folding; the Unicode
//! parts (NFC, compatibility decomposition of presentation forms) come from
//! `unicode-normalization`.

use unicode_normalization::char::decompose_compatible;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The text's characters in NFC. Most news text already is NFC; the quick check lets it skip
/// the decompose/recompose pass, the most expensive step of normalization.
fn nfc_chars(text: &str) -> NfcChars<'_> {
    // ASCII and the Arabic block are stable under NFC except for the three combining hamza/madda
    // marks (U+0653..U+0655); checking that is much cheaper than the general quick check.
    let simple = text
        .chars()
        .all(|c| c.is_ascii() || (('\u{0600}'..='\u{06FF}').contains(&c) && !('\u{0653}'..='\u{0655}').contains(&c)));
    if simple || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        NfcChars::Already(text.chars())
    } else {
        NfcChars::Composed(text.nfc())
    }
}

/// The characters of [`nfc_chars`], without boxing (it runs once per token).
enum NfcChars<'a> {
    Already(std::str::Chars<'a>),
    Composed(unicode_normalization::Recompositions<std::str::Chars<'a>>),
}

impl Iterator for NfcChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        match self {
            NfcChars::Already(c) => c.next(),
            NfcChars::Composed(c) => c.next(),
        }
    }
}

/// `char::is_alphanumeric` with fast paths for ASCII and the base Arabic letters, which are
/// nearly all the characters of Arabic news (the general lookup is a binary search).
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        c != '\u{0640}'
    } else {
        c.is_alphanumeric()
    }
}

pub mod escape;
pub mod months;
pub mod name;
pub mod stem;
pub use escape::escape_for_display;
pub use name::name_key;
pub use stem::{is_stopword_key, stem, stem_key, terms};

/// Arabic tatweel (kashida), a purely typographic elongation.
pub const TATWEEL: char = '\u{0640}';

/// The display form: NFC, tatweel and invisible controls removed, Arabic presentation forms
/// decomposed to their letters, Persian `ک`/`ی` (and Urdu/Persian heh shapes) mapped to the
/// Arabic letters, whitespace runs inside a line collapsed to one space. Newlines are kept
/// (collapsed to at most one blank line) so paragraph structure survives.
pub fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut newlines = 0u8;
    for c in nfc_chars(text) {
        for c in expand_presentation(c) {
            let c = match map_display(c) {
                Some(c) => c,
                None => continue,
            };
            if c == '\n' {
                newlines = newlines.saturating_add(1);
                pending_space = false;
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if !out.is_empty() {
                if newlines > 0 {
                    out.push_str(if newlines > 1 { "\n\n" } else { "\n" });
                } else if pending_space {
                    out.push(' ');
                }
            }
            newlines = 0;
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// The matching key of a text: [`display`] rules plus orthographic folding:
/// diacritics removed; `أ إ آ ٱ` → `ا`; `ى` → `ي`; `ة` → `ه`; `ؤ` → `و`; `ئ` → `ي`;
/// Eastern Arabic and Persian digits → ASCII; Latin lower-cased; punctuation becomes a space;
/// whitespace collapsed (newlines too).
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    key_into(text, &mut out);
    out
}

/// [`key`] written into `out` (cleared first), for callers that key many words and can reuse
/// one buffer.
pub fn key_into(text: &str, out: &mut String) {
    out.clear();
    if key_of_plain_word(text, out) {
        return;
    }
    out.clear();
    let mut pending_space = false;
    for c in nfc_chars(text) {
        for c in expand_presentation(c) {
            let Some(c) = map_display(c) else { continue };
            let Some(c) = fold_key(c) else { continue };
            if !is_alnum(c) {
                pending_space = true;
                continue;
            }
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if ('\u{0600}'..='\u{06FF}').contains(&c) {
                out.push(c); // Arabic has no case
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// Calls `f` with the key of each token of `text` (tokens whose key is empty are skipped) and
/// the token itself, keying into one reused buffer: for stages that key every token.
pub fn for_each_key<'a>(text: &'a str, mut f: impl FnMut(&str, &'a str)) {
    let mut k = String::new();
    for tok in tokens(text) {
        key_into(tok, &mut k);
        if !k.is_empty() {
            f(&k, tok);
        }
    }
}

/// The key of a word made only of ASCII letters/digits and base Arabic letters (most words of
/// Arabic news), appended to `out`; `false` (with `out` partly written) sends anything else
/// through the general path. Analyzers key every token, so skipping the NFC check and the
/// per-character mapping chain matters.
fn key_of_plain_word(text: &str, out: &mut String) -> bool {
    for c in text.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => match fold_key(c) {
                Some(c) => out.push(c),
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

/// The matching key of one word; same as [`key`] but for a token already cut.
pub fn word_key(word: &str) -> String {
    key(word)
}

/// Splits a text into word tokens (runs of letters, marks and digits); punctuation and
/// whitespace separate tokens. Tatweel and diacritics stay inside the token they belong to.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c)).filter(|t| !t.is_empty())
}

/// True for characters that belong inside a word: letters, digits, combining marks
/// (Arabic diacritics) and tatweel.
pub fn is_word_char(c: char) -> bool {
    is_alnum(c) || is_arabic_diacritic(c) || c == TATWEEL
}

/// True when the character is an Arabic letter (base Arabic block and its supplements,
/// presentation forms excluded).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}'
        | '\u{06FA}'..='\u{06FC}' | '\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}')
}

/// Share of letters in `text` that are Arabic letters (0.0 when there are no letters).
pub fn arabic_ratio(text: &str) -> f32 {
    let (mut ar, mut all) = (0usize, 0usize);
    for c in text.chars() {
        if is_arabic_letter(c) {
            ar += 1;
            all += 1;
        } else if c.is_ascii() {
            all += usize::from(c.is_ascii_alphabetic());
        } else if c.is_alphabetic() && !is_arabic_diacritic(c) {
            all += 1;
        }
    }
    if all == 0 {
        0.0
    } else {
        ar as f32 / all as f32
    }
}

/// Arabic harakat, tanwin, shadda, sukun, superscript alef and Quranic annotation marks.
pub fn is_arabic_diacritic(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// Maps an Eastern Arabic (U+0660..) or Persian (U+06F0..) digit to its ASCII digit.
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        _ => None,
    }
}

/// Replaces Eastern Arabic and Persian digits with ASCII digits, leaving everything else.
pub fn ascii_digits(text: &str) -> String {
    text.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

/// Arabic presentation forms (U+FB50..U+FDFF, U+FE70..U+FEFF) are legacy glyph codes that
/// old pages still carry; their compatibility decomposition gives the plain letters.
fn expand_presentation(c: char) -> impl Iterator<Item = char> {
    let mut buf: [char; 4] = ['\0'; 4];
    let mut n = 0;
    if matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}') {
        decompose_compatible(c, |d| {
            if n < buf.len() {
                buf[n] = d;
                n += 1;
            }
        });
    } else {
        buf[0] = c;
        n = 1;
    }
    buf.into_iter().take(n)
}

/// Per-character display mapping; `None` drops the character.
fn map_display(c: char) -> Option<char> {
    match c {
        TATWEEL => None,
        // zero-width and bidi controls, BOM, soft hyphen: invisible, break matching.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{061C}' => None,
        '\r' => None,
        '\t' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(' '),
        '\u{2028}' | '\u{2029}' => Some('\n'),
        c if c.is_control() && c != '\n' => None,
        // Persian/Urdu letter shapes used for the Arabic letters.
        '\u{06A9}' | '\u{06AA}' => Some('\u{0643}'), // keheh -> kaf
        '\u{06CC}' | '\u{06D0}' => Some('\u{064A}'), // farsi yeh -> yeh
        '\u{06C1}' | '\u{06BE}' | '\u{06D5}' => Some('\u{0647}'), // heh goal / doachashmee / ae -> heh
        '\u{06C0}' => Some('\u{0629}'),              // heh with yeh above (Persian ezafe) -> teh marbuta
        c => Some(c),
    }
}

/// Per-character folding for matching keys; `None` drops the character.
fn fold_key(c: char) -> Option<char> {
    if is_arabic_diacritic(c) {
        return None;
    }
    if let Some(d) = ascii_digit(c) {
        return Some(d);
    }
    Some(match c {
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => '\u{0627}',
        '\u{0649}' => '\u{064A}',
        '\u{0629}' => '\u{0647}',
        '\u{0624}' => '\u{0648}',
        '\u{0626}' => '\u{064A}',
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_key_like_the_general_path() {
        for w in ["أحمد", "إيران", "مستشفى", "المدرسة", "مؤتمر", "رئيس", "Trump", "COVID19", "آمال"]
        {
            let mut k = String::new();
            assert!(key_of_plain_word(w, &mut k), "{w}");
            assert_eq!(k, key(&format!("{w}\u{0640}")), "{w}");
        }
        assert!(!key_of_plain_word("كوریا", &mut String::new()));
        assert!(!key_of_plain_word("a b", &mut String::new()));
    }

    #[test]
    fn for_each_key_gives_each_tokens_key_and_skips_empty_keys() {
        let text = "قال الرئيسُ ـ Trump، ﻻ ــ 2024";
        let mut got = Vec::new();
        for_each_key(text, |k, tok| got.push((k.to_string(), tok)));
        let want: Vec<(String, &str)> = tokens(text).map(|t| (key(t), t)).filter(|(k, _)| !k.is_empty()).collect();
        assert_eq!(got, want);
        assert!(tokens(text).any(|t| key(t).is_empty()), "the text has a token with an empty key");
    }

    #[test]
    fn key_into_reuses_the_buffer_and_gives_the_key() {
        let mut buf = String::from("left over");
        for w in ["أحمد", "كوریا", "ﻻ", "Trump", "مُحَمَّد", "a b", ""] {
            key_into(w, &mut buf);
            assert_eq!(buf, key(w), "{w}");
        }
    }

    #[test]
    fn display_removes_tatweel_and_controls() {
        assert_eq!(display("الـــعـربية"), "العربية");
        assert_eq!(display("كيم\u{200F} جونغ\u{200C}"), "كيم جونغ");
        assert_eq!(display("\u{FEFF}نص"), "نص");
    }

    #[test]
    fn display_maps_persian_letters() {
        assert_eq!(display("کوریا الشمالیة"), "كوريا الشمالية");
    }

    #[test]
    fn display_keeps_hamza_and_diacritics() {
        assert_eq!(display("أَحمد إلى"), "أَحمد إلى");
    }

    #[test]
    fn display_is_nfc() {
        // alef + combining hamza above composes to U+0623
        assert_eq!(display("\u{0627}\u{0654}"), "\u{0623}");
    }

    #[test]
    fn display_expands_presentation_forms() {
        // FEFB is the lam-alef ligature
        assert_eq!(display("\u{FEFB}"), "\u{0644}\u{0627}");
    }

    #[test]
    fn display_collapses_spaces_keeps_paragraphs() {
        assert_eq!(display("  أ \t ب\n\n\n\nج  "), "أ ب\n\nج");
        assert_eq!(display("أ\nب"), "أ\nب");
    }

    #[test]
    fn key_folds_alef_forms() {
        assert_eq!(key("أحمد"), key("احمد"));
        assert_eq!(key("إبراهيم"), "ابراهيم");
        assert_eq!(key("آسيا"), "اسيا");
    }

    #[test]
    fn key_folds_yeh_and_teh_marbuta() {
        assert_eq!(key("مستشفى"), "مستشفي");
        assert_eq!(key("مدرسة"), "مدرسه");
    }

    #[test]
    fn key_folds_hamza_seats() {
        assert_eq!(key("مؤتمر"), "موتمر");
        assert_eq!(key("رئيس"), "رييس");
    }

    #[test]
    fn key_removes_diacritics() {
        assert_eq!(key("مُحَمَّدٌ"), "محمد");
    }

    #[test]
    fn key_persian_and_arabic_agree() {
        assert_eq!(key("کوریا الشمالیة"), key("كوريا الشمالية"));
    }

    #[test]
    fn key_digits_and_punctuation() {
        assert_eq!(key("عام ٢٠٢٣، (Reuters)"), "عام 2023 reuters");
        assert_eq!(key("۱۴۰۲"), "1402");
    }

    #[test]
    fn key_lowercases_other_scripts() {
        assert_eq!(key("ÉTÉ Москва"), "été москва");
    }

    #[test]
    fn tokens_split_on_punctuation() {
        let t: Vec<_> = tokens("قال: «كيم جونغ-أون»، أمس.").collect();
        assert_eq!(t, ["قال", "كيم", "جونغ", "أون", "أمس"]);
    }

    #[test]
    fn arabic_ratio_counts_letters() {
        assert!(arabic_ratio("مرحبا hello") > 0.4);
        assert_eq!(arabic_ratio("123"), 0.0);
    }
}
