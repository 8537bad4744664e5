//! Quotes with their speakers: direct speech inside «», “”, "" and indirect speech introduced by
//! a speech verb («قال إن…», «أكد أن…», «أضاف…», «كتب على…»).
//!
//! The speaker is the run of words between the speech verb and «إن/أن», a colon or the opening
//! quotation mark (`قال وزير الخارجية سيرغي لافروف إن…` → «وزير الخارجية سيرغي لافروف»), or the
//! name just before a verb that follows it (`لافروف قال:`). A verb with no words after it
//! (`وأضاف: «…»`, `وتابع أن…`) continues the last speaker of the article, which is how news
//! text refers back to someone already named. Hand-written: no crate parses Arabic reported
//! speech.

use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A quote found in a text; offsets are bytes of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub speaker_name: Option<String>,
    pub text: String,
    pub direct: bool,
    pub start: usize,
    pub end: usize,
}

/// Speech verbs in key form (past tense, masculine and feminine), with the clitic و/ف allowed.
const VERBS: &[&str] = &[
    "قال",
    "قالت",
    "اضاف",
    "اضافت",
    "اكد",
    "اكدت",
    "اوضح",
    "اوضحت",
    "اشار",
    "اشارت",
    "صرح",
    "صرحت",
    "تابع",
    "تابعت",
    "كتب",
    "كتبت",
    "ذكر",
    "ذكرت",
    "اعتبر",
    "اعتبرت",
    "شدد",
    "شددت",
    "اعلن",
    "اعلنت",
    "لفت",
    "لفتت",
    "نقل",
    "نقلت",
    "يقول",
    "تقول",
    "يضيف",
    "تضيف",
    "ردد",
    "رددت",
];

/// Words that end a speaker run (key form).
const STOP: &[&str] = &[
    "الي",
    "عن",
    "عنه",
    "عنها",
    "عنهم",
    "قوله",
    "قولها",
    "من",
    "مع",
    "حول",
    "بعد",
    "قبل",
    "لدي",
    "ان",
    "انه",
    "انها",
    "انهم",
    "في",
    "خلال",
    "عبر",
    "علي",
    "امام",
    "لـ",
    "ل",
    "بان",
    "بانه",
    "حسب",
    "وفق",
    "اليوم",
    "امس",
    "مساء",
    "صباح",
    "يوم",
    "الاحد",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
];

/// Words between a speaker and the speech (key form).
const BRIDGE: &[&str] = &["عنه", "عنها", "عنهم", "قوله", "قولها", "قولهم", "ايضا", "كذلك"];

const MAX_SPEAKER_WORDS: usize = 8;

static DIRECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"«([^«»]{2,}?)»|“([^“”]{2,}?)”|"([^"\n]{2,}?)""#).expect("static regex"));

fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if mirsad_text::is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// [`VERBS`] and their forms with the clitic و/ف, for one look-up per word.
static VERB_FORMS: LazyLock<HashSet<String, foldhash::fast::FixedState>> =
    LazyLock::new(|| VERBS.iter().flat_map(|v| [v.to_string(), format!("و{v}"), format!("ف{v}")]).collect());

/// True when the word is a speech verb, with or without the clitic و/ف. `key` is scratch space
/// (every word of every article is checked).
fn is_speech_verb(word: &str, key: &mut String) -> bool {
    if !may_end_a_verb(word) {
        return false;
    }
    mirsad_text::key_into(word, key);
    VERB_FORMS.contains(key.as_str())
}

/// Last letters of the [`VERBS`] (checked by a test).
const VERB_ENDINGS: &[char] = &['ل', 'ت', 'ف', 'د', 'ح', 'ر', 'ع', 'ب', 'ن'];

/// A cheap test that rejects most words before keying: the key of a word ending in a base
/// Arabic letter ends in that letter or its folded form (alef, ya, ha and waw forms), and no
/// folded form is a verb ending; so such a word is a verb only if that letter ends a verb.
/// Words ending otherwise (marks, tatweel, other scripts) pass to the full check.
fn may_end_a_verb(word: &str) -> bool {
    match word.chars().next_back() {
        Some(c @ ('\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')) => VERB_ENDINGS.contains(&c),
        _ => true,
    }
}

/// The speaker run after a verb ending at `verb_end`: words up to a stop word, punctuation or
/// a quotation mark. Returns the name and where the run ended.
fn speaker_after(text: &str, verb_end: usize) -> (Option<String>, usize) {
    let rest = &text[verb_end..];
    let mut words: Vec<(usize, usize)> = Vec::new();
    for (s, e) in word_spans(rest) {
        // Punctuation or a quote mark between words ends the run.
        let gap = &rest[words.last().map_or(0, |w| w.1)..s];
        if gap.chars().any(|c| !c.is_whitespace()) {
            break;
        }
        let k = mirsad_text::key(&rest[s..e]);
        if STOP.contains(&k.as_str()) || words.len() == MAX_SPEAKER_WORDS {
            break;
        }
        words.push((s, e));
    }
    match (words.first(), words.last()) {
        (Some(f), Some(l)) => (Some(rest[f.0..l.1].to_string()), verb_end + l.1),
        _ => (None, verb_end),
    }
}

/// Quotes of a text, in order. `last_speaker` carries the speaker across calls (paragraphs).
pub fn find(text: &str, last_speaker: &mut Option<String>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let words = word_spans(text);
    let directs: Vec<(usize, usize, String)> = DIRECT
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let inner = c.get(1).or(c.get(2)).or(c.get(3))?;
            // A quotation worth the name has a few words; «كوريا» in a headline is a mention.
            (inner.as_str().split_whitespace().count() >= 3)
                .then(|| (whole.start(), whole.end(), inner.as_str().trim().to_string()))
        })
        .collect();
    let mut consumed_until = 0;
    let mut key = String::new();
    for (i, &(s, e)) in words.iter().enumerate() {
        if s < consumed_until {
            continue;
        }
        if !is_speech_verb(&text[s..e], &mut key) {
            continue;
        }
        let (mut name, run_end) = speaker_after(text, e);
        // «قال رئيس الوزراء إن…» names the speaker; «لافروف قال:» names it just before the verb;
        // «وأضاف أن…» and «وقال: «…»» refer back to the last speaker.
        if name.is_none() && i > 0 {
            let (ps, pe) = words[i - 1];
            if text[pe..s].trim().is_empty() && !text[ps..pe].starts_with('و') {
                name = Some(text[ps..pe].to_string());
            }
        }
        let speaker = name.clone().or_else(|| last_speaker.clone());
        let mut after = text[run_end..].trim_start();
        // «نقلت الوكالة عنه قوله إن…»: skip the words that bridge the speaker and the speech.
        for _ in 0..3 {
            let first = after.split_whitespace().next().unwrap_or("");
            if !BRIDGE.contains(&mirsad_text::key(first).as_str()) || first.is_empty() {
                break;
            }
            after = after[first.len()..].trim_start();
        }
        let after_at = text.len() - after.len();
        // Direct quote right after the verb (and its speaker), maybe after a colon.
        let colon_skip = after.strip_prefix(':').map(str::trim_start).unwrap_or(after);
        let direct_at = text.len() - colon_skip.len();
        if let Some(d) = directs.iter().find(|d| d.0 == direct_at) {
            out.push(Found { speaker_name: speaker.clone(), text: d.2.clone(), direct: true, start: d.0, end: d.1 });
            consumed_until = d.1;
        } else {
            // Indirect speech: «إن/أن …» up to the end of the sentence.
            let k_after: String = after.split_whitespace().next().map(mirsad_text::key).unwrap_or_default();
            if matches!(k_after.as_str(), "ان" | "انه" | "انها" | "انهم" | "بان" | "بانه") {
                let content = &text[after_at..];
                let stop = content.find(['.', '!', '؟', '?', '\n']).unwrap_or(content.len());
                let body = content[..stop].trim();
                if body.split_whitespace().count() >= 4 {
                    out.push(Found {
                        speaker_name: speaker.clone(),
                        text: body.to_string(),
                        direct: false,
                        start: after_at,
                        end: after_at + stop,
                    });
                    consumed_until = after_at + stop;
                }
            }
        }
        if speaker.is_some() {
            *last_speaker = speaker;
        }
    }
    // Direct quotes not introduced by a verb (nor inside another quote): the last speaker.
    for d in &directs {
        if !out.iter().any(|q| q.start <= d.0 && d.0 < q.end.max(q.start + 1)) {
            out.push(Found {
                speaker_name: last_speaker.clone(),
                text: d.2.clone(),
                direct: true,
                start: d.0,
                end: d.1,
            });
        }
    }
    out.sort_by_key(|q| q.start);
    out
}

/// The quotes of an article (body paragraphs in order; the speaker carries over).
pub fn quotes(a: &mirsad_model::Article) -> Vec<mirsad_model::Quote> {
    let mut last = None;
    a.body
        .split("\n\n")
        .flat_map(|p| find(p, &mut last))
        .map(|q| mirsad_model::Quote {
            article: a.id.clone(),
            speaker: None,
            speaker_name: q.speaker_name,
            text: q.text,
            direct: q.direct,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Found> {
        find(text, &mut None)
    }

    #[test]
    fn the_ending_filter_lets_every_verb_form_through() {
        for v in VERBS {
            assert!(VERB_ENDINGS.contains(&v.chars().next_back().unwrap()), "{v}");
        }
        // No letter the key folds (alef, ya, ta marbuta, hamza forms) folds into an ending.
        for c in ['أ', 'إ', 'آ', 'ى', 'ة', 'ؤ', 'ئ'] {
            let k = mirsad_text::key(&c.to_string());
            assert!(!VERB_ENDINGS.contains(&k.chars().next().unwrap()), "{c}");
        }
        let mut k = String::new();
        for w in ["قال", "وقالت", "فأضاف", "أكّد", "وأوضحـت", "صرّح", "وتابعَ", "أعلن", "يقول"]
        {
            assert!(may_end_a_verb(w), "{w}");
            assert!(is_speech_verb(w, &mut k), "{w}");
        }
        for w in ["الرئيس", "مدينة", "قالوا", "كتاب", "أمس"] {
            assert!(!is_speech_verb(w, &mut k), "{w}");
        }
        assert!(!may_end_a_verb("مدينة") && !may_end_a_verb("الرئيس"));
    }

    #[test]
    fn indirect_speech_with_named_speaker() {
        let q = run("قال وزير الخارجية الروسي سيرغي لافروف إن بلاده مستعدة للحوار مع جميع الأطراف.");
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].speaker_name.as_deref(), Some("وزير الخارجية الروسي سيرغي لافروف"));
        assert!(q[0].text.starts_with("إن بلاده مستعدة"), "{}", q[0].text);
        assert!(!q[0].direct);
    }

    #[test]
    fn direct_quote_after_colon_and_continuation() {
        let mut last = None;
        let q = find(
            "وقال المتحدث باسم الكرملين دميتري بيسكوف: «الزيارة ستتم في موعدها المحدد». وأضاف أن المحادثات ستتناول التعاون الاقتصادي بين البلدين.",
            &mut last,
        );
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(q[0].direct);
        assert_eq!(q[0].text, "الزيارة ستتم في موعدها المحدد");
        assert_eq!(q[0].speaker_name.as_deref(), Some("المتحدث باسم الكرملين دميتري بيسكوف"));
        assert!(!q[1].direct);
        assert_eq!(q[1].speaker_name.as_deref(), Some("المتحدث باسم الكرملين دميتري بيسكوف"), "أضاف refers back");
    }

    #[test]
    fn speaker_before_the_verb_and_feminine_verbs() {
        let q = run("الوزيرة قالت: «لن نتراجع عن هذا القرار أبدا»");
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].speaker_name.as_deref(), Some("الوزيرة"));
        let q = run("أكدت وزارة الصحة أن عدد الإصابات تراجع خلال الأسبوع الماضي.");
        assert_eq!(q[0].speaker_name.as_deref(), Some("وزارة الصحة"));
    }

    #[test]
    fn reporting_chains_stop_the_speaker_run() {
        let q = run("نقلت الوكالة الرسمية عنه قوله إن المفاوضات ستستأنف الأسبوع المقبل في جنيف.");
        assert_eq!(q[0].speaker_name.as_deref(), Some("الوكالة الرسمية"), "{q:?}");
    }

    #[test]
    fn short_quoted_words_are_not_quotes() {
        assert!(run("زار الوفد «الرياض» أمس").is_empty());
        assert!(run("وصل الوفد إلى المدينة صباح اليوم.").is_empty());
    }

    #[test]
    fn a_stray_quote_takes_the_last_speaker() {
        let mut last = Some("بيسكوف".to_string());
        let q = find("«نحن مستعدون لكل الاحتمالات المطروحة»", &mut last);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker_name.as_deref(), Some("بيسكوف"));
    }
}
