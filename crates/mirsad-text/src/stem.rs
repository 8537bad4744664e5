//! Light stemming and stopwords for Arabic search and similarity.
//!
//! The stemmer is Larkey's *light10* (the one Lucene's `ArabicStemmer` implements): strip one
//! conjunction or definite-article clitic (`ال وال بال كال فال لل و`) and then common suffixes
//! (`ها ان ات ون ين يه ه ي`), never leaving fewer than two letters. It works on matching keys
//! (see [`crate::key`]), where teh marbuta is already heh and alef maqsura already yeh, so each
//! rule has one spelling. No crate provides it; it is short enough to keep here with its tests.

use crate::key;

/// Prefix clitics, checked in this order; the first that fits is removed.
const PREFIXES: &[&str] = &["ال", "وال", "بال", "كال", "فال", "لل", "و"];
/// Suffixes, each removed in turn when the word ends with it.
const SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// Stems one word given in key form (`mirsad_text::key` of a single token). Light stemming only
/// cuts affixes, so the stem is a slice of the word (no allocation per token).
pub fn stem_key(word: &str) -> &str {
    // Works on byte slices: every affix is whole characters, so cutting at an affix boundary
    // stays on a char boundary. Lengths are counted in characters, as light10 states them.
    let mut w = word;
    let mut len = w.chars().count();
    for p in PREFIXES {
        let plen = p.chars().count();
        // «و» alone needs a longer word: «ورد» (rose) keeps its first letter.
        let min_rest = if *p == "و" { 3 } else { 2 };
        if len >= plen + min_rest && w.starts_with(p) {
            w = &w[p.len()..];
            len -= plen;
            break;
        }
    }
    for s in SUFFIXES {
        let slen = s.chars().count();
        if len >= slen + 2 && w.ends_with(s) {
            w = &w[..w.len() - s.len()];
            len -= slen;
        }
    }
    w
}

/// Stems a word in any spelling (keys it first).
pub fn stem(word: &str) -> String {
    stem_key(&key(word)).to_string()
}

/// Function words that carry no topic, in key form.
const STOPWORDS: &[&str] = &[
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "ان",
    "او",
    "ام",
    "ثم",
    "لا",
    "ما",
    "لم",
    "لن",
    "قد",
    "مع",
    "بين",
    "حتي",
    "عند",
    "منذ",
    "خلال",
    "بعد",
    "قبل",
    "فوق",
    "تحت",
    "حول",
    "دون",
    "ضد",
    "عبر",
    "لدي",
    "لدى",
    "نحو",
    "كل",
    "بعض",
    "غير",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هولاء",
    "اولئك",
    "هنا",
    "هناك",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللواتي",
    "هو",
    "هي",
    "هم",
    "هن",
    "هما",
    "انا",
    "نحن",
    "انت",
    "انتم",
    "كان",
    "كانت",
    "كانوا",
    "يكون",
    "تكون",
    "ليس",
    "ليست",
    "لكن",
    "لكن",
    "بل",
    "اذا",
    "اذ",
    "لو",
    "كما",
    "كي",
    "لان",
    "انه",
    "انها",
    "انهم",
    "وان",
    "وقد",
    "ولا",
    "وهو",
    "وهي",
    "وفي",
    "ومن",
    "وما",
    "ولم",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "عليه",
    "عليها",
    "اليه",
    "اليها",
    "به",
    "بها",
    "له",
    "لها",
    "لهم",
    "عنه",
    "عنها",
    "التي",
    "ايضا",
    "اي",
    "كيف",
    "متي",
    "اين",
    "هل",
    "سوف",
    "حيث",
    "وذلك",
    "ذلك",
    "تم",
    "يتم",
    "عام",
    "اكثر",
    "اقل",
    "جدا",
    "فقط",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "يا",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "and",
    "or",
    "is",
    "are",
    "was",
    "for",
    "on",
    "with",
    "by",
    "at",
    "from",
];

/// True when the key-form word is a stopword.
pub fn is_stopword_key(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect()).contains(word)
}

/// Index terms of a text: tokens keyed, stopwords dropped, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in crate::tokens(text) {
        let k = key(t);
        if k.is_empty() || is_stopword_key(&k) {
            continue;
        }
        out.push(stem_key(&k).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_article_clitics() {
        for w in ["المكتبة", "والمكتبة", "بالمكتبة", "كالمكتبة", "فالمكتبة", "مكتبة"]
        {
            assert_eq!(stem(w), "مكتب", "{w}");
        }
        assert_eq!(stem("للمكتبة"), "مكتب");
    }

    #[test]
    fn conjunction_needs_a_long_enough_word() {
        assert_eq!(stem("وقال"), "قال");
        assert_eq!(stem("ورد"), "ورد");
    }

    #[test]
    fn suffixes() {
        assert_eq!(stem("المعلمون"), "معلم");
        assert_eq!(stem("المعلمين"), "معلم");
        assert_eq!(stem("معلمات"), "معلم");
        assert_eq!(stem("كتابها"), "كتاب");
        assert_eq!(stem("مدرستها"), "مدرست");
    }

    #[test]
    fn never_below_two_letters() {
        assert_eq!(stem("ان"), "ان");
        assert_eq!(stem("اله"), "ال");
        assert_eq!(stem("به"), "به");
    }

    #[test]
    fn spelling_variants_share_a_stem() {
        assert_eq!(stem("الأسواق"), stem("الاسواق"));
        assert_eq!(stem("مستشفى"), stem("مستشفي"));
        assert_eq!(stem("کوریا"), stem("كوريا"));
    }

    #[test]
    fn terms_drop_stopwords() {
        assert_eq!(terms("قال الوزير في المؤتمر إن الاقتصاد"), vec!["قال", "وزير", "موتمر", "اقتصاد"]);
    }
}
