//! Quotes with their speakers: direct speech inside «», “”, "" and indirect speech introduced by
//! a speech verb («قال إن…», «أكد أن…», «أشار إلى أن…», «كتب على تيليجرام: …»).
//!
//! After a speech verb comes the speaker region, up to the words that open the speech («إن/أن»,
//! a colon or an opening quotation mark) and at most [`MAX_REGION`] words. The speaker is the
//! start of that region up to a preposition or time word (`قال وزير الخارجية سيرغي لافروف في
//! مؤتمر صحفي إن…` → «وزير الخارجية سيرغي لافروف»); commas do not end it, so a name in
//! apposition to a title stays with it («المتحدث باسم الكرملين، ديمتري بيسكوف، إنه: …»). A
//! reporting chain names the speaker after «عن» («نقلت الوكالة عن الوزير قوله…»). With no
//! words after the verb the speaker is the name just before it (`لافروف قال:`), the noun a
//! relative pronoun refers to (`لبوتين، الذي قال إن…`), or, most often, the last speaker of
//! the article («وأضاف أن…», «مضيفا أن…», a quotation on its own, the next paragraph): that is
//! how news text refers back to someone already named. A quotation followed by its verb
//! («…»، قال بيسكوف) takes the speaker named after the verb.
//!
//! This module finds the words; [`attribute`] turns them into entities with the article's
//! mentions. Hand-written: no crate parses Arabic reported speech.

use mirsad_model::EntityType;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Who said a quote, as the text tells it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speaker {
    /// The words naming the speaker (byte span).
    Named(usize, usize),
    /// The last speaker goes on («وأضاف أن…», «مضيفا», a quotation on its own).
    Continues,
    /// A pronoun after «عن» («نقلت الوكالة عنه قوله»): the last person mentioned.
    Pronoun,
    /// The subject of the sentence's main verb («وظهر زيدان غاضبا ليؤكد أن…»): the first
    /// person or organization of the sentence, else the last speaker.
    Subject,
}

/// A quote found in a text; offsets are bytes of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub speaker: Speaker,
    pub text: String,
    pub direct: bool,
    pub start: usize,
    pub end: usize,
    /// The rest of the words between the verb and the speech after the speaker's words (byte
    /// span; empty when none): where a name in apposition to a title may stand after a
    /// preposition cut the title («قال المتحدث باسم …، فلان، إن», «لمّح السفير الروسي إلى
    /// بريطانيا، فلان، إلى أن»).
    pub rest: (usize, usize),
    /// A report that is a quote only when its source is a person or body the article names
    /// («واستهدف المركز وفقا للشامي …», not «وفقا للحاجة»).
    pub needs_entity: bool,
}

/// Speech verbs (past and present tense, masculine, feminine and plural), as written; the
/// clitic و/ف is allowed before each.
const VERBS: &[&str] = &[
    "قال",
    "قالت",
    "قالوا",
    "يقول",
    "تقول",
    "أضاف",
    "أضافت",
    "أضافوا",
    "يضيف",
    "تضيف",
    "أكد",
    "أكدت",
    "أكدوا",
    "يؤكد",
    "تؤكد",
    "أوضح",
    "أوضحت",
    "أشار",
    "أشارت",
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
    "أعلن",
    "أعلنت",
    "لفت",
    "لفتت",
    "نقل",
    "نقلت",
    "ردد",
    "رددت",
    "أفاد",
    "أفادت",
    "نفى",
    "نفت",
    "رأى",
    "رأت",
    "يرى",
    "ترى",
    "حذر",
    "حذرت",
    "زعم",
    "زعمت",
    "اعترف",
    "اعترفت",
    "نوه",
    "نوهت",
    "أردف",
    "أردفت",
    "استطرد",
    "استطردت",
    "كشف",
    "كشفت",
    "أبان",
    "أبانت",
    "واصل",
    "واصلت",
    "ختم",
    "ختمت",
    "اختتم",
    "اختتمت",
    "لمح",
    "لمحت",
    "أصر",
    "أصرت",
    "طمأن",
    "طمأنت",
];

/// «بيّن» ("stated") is told from «بين» ("between") by its shadda.
const SHADDA_VERBS: &[&str] = &["بيّن", "بيّنت"];

/// Honorifics that stand for someone already named («وأضاف فضيلته:»), key form.
const HONORIFICS: &[&str] = &["فضيلته", "معاليه", "سموه", "سعادته", "فخامته", "سيادته", "جلالته", "سماحته"];

/// Nouns of media a statement is given to (key form, without «ال»).
const MEDIA: &[&str] =
    &["وكاله", "صحيفه", "قناه", "موقع", "تلفزيون", "اذاعه", "مجله", "شبكه", "جريده", "وكالات", "صحف", "قنوات"];

/// Head nouns of organization names («وزارة الصحة», «لجنة الانضباط والأخلاق»); a speaker
/// written so is an organization even when the tagger missed it. Without «ال», key form.
const ORG_HEADS: &[&str] = &[
    "وزاره",
    "لجنه",
    "موسسه",
    "هييه",
    "منظمه",
    "وكاله",
    "شركه",
    "مجلس",
    "جامعه",
    "نادي",
    "صحيفه",
    "اتحاد",
    "حركه",
    "حزب",
    "جمعيه",
    "مركز",
    "بنك",
    "مصرف",
    "محكمه",
    "رياسه",
    "اداره",
    "مديريه",
    "سفاره",
    "قياده",
    "حكومه",
    "مكتب",
    "بلديه",
    "امانه",
    "غرفه",
    "صندوق",
    "مجموعه",
    "قناه",
    "موقع",
    "جيش",
    "مرصد",
    "شرطه",
    "قوات",
    "خارجيه",
    "تلفزيون",
    "مفوضيه",
    "رابطه",
    "نقابه",
    "بيت",
    "معهد",
];

/// Nouns a place's name follows («مدينة عفرين»), key form without «ال»: no given name.
const PLACE_HEADS: &[&str] = &["مدينه", "بلده", "قريه", "محافظه", "منطقه", "ولايه", "اقليم", "جزيره", "حي", "مخيم"];

/// Participles that continue the current speaker's speech («مضيفا أن…», «قائلا: …»); they never
/// name a speaker.
const PARTICIPLES: &[&str] = &[
    "قائلا",
    "قائلة",
    "مضيفا",
    "مضيفة",
    "مؤكدا",
    "مؤكدة",
    "موضحا",
    "موضحة",
    "مشيرا",
    "مشيرة",
    "معتبرا",
    "معتبرة",
    "لافتا",
    "لافتة",
    "مشددا",
    "مشددة",
    "متابعا",
    "متابعة",
    "محذرا",
    "محذرة",
];

/// Words that open indirect speech after the speaker (key form).
const OPENERS: &[&str] = &["ان", "انه", "انها", "انهم", "اننا", "انني", "اني", "بان", "بانه", "بانها", "بانهم"];

/// A word before «أن» that makes it a conjunction of time or necessity, not speech
/// («أعلن الجيش … بعد أن …»), key form.
const NOT_SPEECH_BEFORE_OPENER: &[&str] =
    &["بعد", "قبل", "منذ", "دون", "بدون", "حتي", "رغم", "يجب", "بد", "لابد", "ما", "الا", "لولا"];

/// Words that end the speaker part of the region (key form): prepositions, time words and the
/// words of a reporting chain.
const CUT: &[&str] = &[
    "الي",
    "عن",
    "عنه",
    "عنها",
    "عنهم",
    "قوله",
    "قولها",
    "قولهم",
    "من",
    "مع",
    "حول",
    "بعد",
    "قبل",
    "لدي",
    "في",
    "خلال",
    "عبر",
    "امام",
    "لـ",
    "ل",
    "حسب",
    "وفق",
    "ايضا",
    "كذلك",
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
    "بيان",
    "تصريح",
    "تصريحات",
    "حديث",
];

/// Words just before a verb that cannot be its speaker (key form).
const NOT_A_SPEAKER: &[&str] = &[
    "ما",
    "كما",
    "مما",
    "لما",
    "حيث",
    "اذ",
    "اذا",
    "عندما",
    "بعدما",
    "حين",
    "حينما",
    "فيما",
    "لكن",
    "ثم",
    "قد",
    "لقد",
    "كان",
    "كانت",
    "من",
    "لم",
    "لن",
    "لا",
    "ان",
    "انه",
    "هو",
    "هي",
    "هم",
    "كذلك",
    "ايضا",
    "وقد",
    "فقد",
];

/// «بالقول», «بقوله» after a verb: the manner of speaking, not its subject (key form).
const SAYING: &[&str] = &["بالقول", "بقوله", "بقولها", "بقولهم"];

/// Words before a verb whose pronoun is its subject («لكنه قال»): the last person named (key
/// form).
const PRONOUN_SUBJECT: &[&str] = &["لكنه", "لكنها", "ولكنه", "ولكنها", "لكنهم", "ولكنهم"];

/// Relative pronouns: `X، الذي قال إن…` names X (key form).
const RELATIVE: &[&str] = &["الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "والذي", "والتي"];

/// Most words between a speech verb and the opening of the speech.
const MAX_REGION: usize = 28;
/// Fewest words of a quotation that no speech verb introduces.
const MIN_STRAY_WORDS: usize = 5;
/// Most words of a speaker named after a quotation («…»، قال فلان).
const MAX_SPEAKER_WORDS: usize = 8;

static DIRECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"«([^«»]{2,}?)»|“([^“”"]{2,}?)[”"]|"([^"\n]{2,}?)""#).expect("static regex"));

type Set = HashSet<String, foldhash::fast::FixedState>;

fn keyed(words: &[&str]) -> Set {
    words.iter().map(|w| mirsad_text::key(w)).collect()
}

/// [`VERBS`] and [`PARTICIPLES`] in key form, with and without the clitic و/ف, for one look-up
/// per word.
static VERB_FORMS: LazyLock<Set> = LazyLock::new(|| {
    let mut out = Set::default();
    for k in keyed(VERBS).into_iter().chain(keyed(SHADDA_VERBS)) {
        out.insert(format!("و{k}"));
        out.insert(format!("ف{k}"));
        out.insert(k);
    }
    out
});
static PARTICIPLE_FORMS: LazyLock<Set> = LazyLock::new(|| {
    let mut out = Set::default();
    for k in keyed(PARTICIPLES) {
        out.insert(format!("و{k}"));
        out.insert(k);
    }
    out
});

/// For each base Arabic letter (U+0621..=U+064A): whether a word ending in it can be a speech
/// verb. The key of such a word ends in the letter's folded form, so the table is built from
/// the last letters of the verbs' keys.
static MAY_END: LazyLock<[bool; 0x64B - 0x621]> = LazyLock::new(|| {
    let endings: HashSet<char> =
        VERB_FORMS.iter().chain(PARTICIPLE_FORMS.iter()).filter_map(|k| k.chars().next_back()).collect();
    let mut out = [false; 0x64B - 0x621];
    for (i, slot) in out.iter_mut().enumerate() {
        let c = char::from_u32(0x621 + i as u32).unwrap_or(' ');
        *slot = mirsad_text::key(&c.to_string()).chars().next_back().is_some_and(|k| endings.contains(&k));
    }
    out
});

static OPENER_SET: LazyLock<Set> = LazyLock::new(|| OPENERS.iter().map(|s| s.to_string()).collect());
static CUT_SET: LazyLock<Set> = LazyLock::new(|| CUT.iter().map(|s| s.to_string()).collect());

#[derive(Clone, Copy, PartialEq, Debug)]
enum Verb {
    /// Names its speaker after it («قال الوزير»), before it, or refers back.
    Finite,
    /// Always refers back («مضيفا»).
    Participle,
    /// «لـ» with the present tense («ليؤكد»): says what the sentence's subject did it for.
    Purpose,
}

/// Present-tense speech verbs that «لـ» makes a purpose clause of («ليؤكد أن…»), key form.
const PURPOSE_VERBS: &[&str] =
    &["يقول", "تقول", "يضيف", "تضيف", "يوكد", "توكد", "يوضح", "توضح", "يشير", "تشير", "يعلن", "تعلن", "يكشف", "تكشف"];

/// The kind of speech word, if it is one; `key` is scratch space (every word of every article
/// is checked).
fn speech_verb(word: &str, key: &mut String) -> Option<Verb> {
    if let Some(c) = word.chars().next_back() {
        if ('\u{0621}'..='\u{064A}').contains(&c) && !MAY_END[c as usize - 0x621] {
            return None;
        }
    }
    mirsad_text::key_into(word, key);
    if VERB_FORMS.contains(key.as_str()) {
        if key.ends_with("بين") || key.ends_with("بينت") {
            return word.contains('\u{0651}').then_some(Verb::Finite);
        }
        Some(Verb::Finite)
    } else if PARTICIPLE_FORMS.contains(key.as_str()) {
        Some(Verb::Participle)
    } else {
        None
    }
}

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

/// A list of short items («حمد الحمد، سلطان البيشي، يحيى المسلم»): three or more, separated by
/// commas, none longer than three words.
fn is_list(text: &str) -> bool {
    let items: Vec<&str> = text.split(['،', ',']).collect();
    items.len() >= 3 && items.iter().all(|i| words_in(i) <= 3)
}

/// Words with a letter in them («2 - 1» has none).
fn words_in(text: &str) -> usize {
    mirsad_text::tokens(text).filter(|t| t.chars().any(char::is_alphabetic)).count()
}

/// True when the text between two words ends a sentence; a point alone between them does not
/// («3.5», «دي.زد», «بي.إم.آي»).
fn ends_sentence(gap: &str) -> bool {
    gap != "." && gap.contains(SENTENCE_END)
}

const SENTENCE_END: [char; 6] = ['.', '!', '؟', '?', '\n', '؛'];

fn opens_quote(c: char) -> bool {
    matches!(c, '«' | '“' | '"')
}

/// How the speech opens after the region.
#[derive(Debug, PartialEq)]
enum Opening {
    /// «أن/إن…»: the word index of the opener.
    That(usize),
    /// A colon: the byte after it.
    Colon(usize),
    /// A quotation mark: its byte offset.
    Mark(usize),
}

/// Scans the words after the verb at word `v` up to the opening of the speech. Returns the
/// opening and the index one past the region's last word.
/// A quotation mark opens the speech only where a quotation (`quoted`) starts; «العربية» in
/// «في تصريح لـ«العربية» إن…» is a name.
fn region(text: &str, words: &[(usize, usize)], v: usize, quoted: &dyn Fn(usize) -> bool) -> Option<(Opening, usize)> {
    let mut prev_end = words[v].1;
    let mut key = String::new();
    // An opening mark no closing mark follows in the paragraph.
    let unclosed = |at: usize| {
        let rest = &text[at..];
        let mut cs = rest.chars();
        let close: &[char] = match cs.next() {
            Some('«') => &['»'],
            Some('“') => &['”', '"'],
            _ => &['"', '”'],
        };
        !cs.as_str().contains(close) && !cs.as_str().contains(['«', '“'])
    };
    let gap_opening = |gap: &str, at: usize| -> Option<Option<Opening>> {
        let ends = ends_sentence(gap);
        for (i, c) in gap.char_indices() {
            if c == ':' {
                return Some(Some(Opening::Colon(at + i + 1)));
            }
            if opens_quote(c) && (quoted(at + i) || unclosed(at + i)) {
                return Some(Some(Opening::Mark(at + i)));
            }
            if ends && SENTENCE_END.contains(&c) {
                return Some(None);
            }
        }
        None
    };
    for (j, &(s, e)) in words.iter().enumerate().skip(v + 1) {
        if let Some(o) = gap_opening(&text[prev_end..s], prev_end) {
            return o.map(|o| (o, j));
        }
        mirsad_text::key_into(&text[s..e], &mut key);
        if OPENER_SET.contains(key.as_str()) {
            let before = mirsad_text::key(&text[words[j - 1].0..words[j - 1].1]);
            return (j == v + 1 || !NOT_SPEECH_BEFORE_OPENER.contains(&before.as_str()))
                .then_some((Opening::That(j), j));
        }
        if j - v > MAX_REGION {
            return None;
        }
        prev_end = e;
    }
    gap_opening(&text[prev_end..], prev_end).flatten().map(|o| (o, words.len()))
}

/// True for a word that ends the speaker part of a region. «على» is told from the name «علي»
/// by its spelling.
fn cuts(word: &str, key: &str) -> bool {
    if key == "علي" {
        return word.ends_with('ى');
    }
    // «بالبيان», «بتصريح»: in the statement, not who made it.
    let statement = |k: &str| {
        k.strip_prefix('ب')
            .map(|r| r.strip_prefix("ال").unwrap_or(r))
            .is_some_and(|r| matches!(r, "بيان" | "تصريح" | "تصريحات" | "حديث"))
    };
    CUT_SET.contains(key) || is_addressee(key) || statement(key)
}

/// Verbs of issuing a statement (key form): «وأصدر قادة الاتحاد بيانا عبروا فيه عن "…"».
const ISSUE_VERBS: &[&str] = &["اصدر", "اصدرت", "اصدروا", "واصدر", "واصدرت", "واصدروا", "فاصدر", "فاصدرت"];

/// The body that issued a statement in the sentence of a quotation no verb introduces, its
/// words between the verb and «بيانا» («أصدر قادة الاتحاد الأوروبي بياناً … "…"»).
fn issued_statement(text: &str, words: &[(usize, usize)], at: usize) -> Option<Speaker> {
    let last = words.iter().rposition(|w| w.1 <= at)?;
    let mut first = last;
    while first > 0 && !ends_sentence(&text[words[first - 1].1..words[first].0]) {
        first -= 1;
    }
    let key = |j: usize| mirsad_text::key(&text[words[j].0..words[j].1]);
    let v = (first..=last).rev().find(|&j| ISSUE_VERBS.contains(&key(j).as_str()))?;
    let b = (v + 1..=last.min(v + 1 + MAX_SPEAKER_WORDS)).find(|&j| key(j).starts_with("بيان"))?;
    (b > v + 1).then(|| Speaker::Named(words[v + 1].0, words[b - 1].1))
}

/// «لوكالة», «للصحيفة», «لقناة»: «لـ» with the noun of a medium starts who was spoken to
/// («وقال لوكالة الأنباء الألمانية إن…»), not the speaker. With other bodies «لـ» is part of a
/// title («المتحدث الرسمي لمركز الملك سلمان»).
fn is_addressee(key: &str) -> bool {
    let Some(rest) = key.strip_prefix('ل') else { return false };
    let rest = rest.strip_prefix("ل").or_else(|| rest.strip_prefix("ال")).unwrap_or(rest);
    MEDIA.contains(&rest)
}

/// Who a finite verb's region names: a span, a pronoun after «عن», or `None` when it names no one.
/// After a quotation («…»، قال بيسكوف للصحفيين) a word with «لل» ends the name too; before the
/// speech it is part of a title («المستشار الاقتصادي للبيت الأبيض لاري كودلاو»).
fn speaker_in_region(
    text: &str,
    words: &[(usize, usize)],
    from: usize,
    to: usize,
    after_quote: bool,
) -> Option<Speaker> {
    // «وقال كل من فلان وفلان:»: the speakers are named after «كل من».
    let each = |j: usize, k: &str| words.get(j).is_some_and(|&(s, e)| mirsad_text::key(&text[s..e]) == k);
    let from = if from + 2 < to && each(from, "كل") && each(from + 1, "من") { from + 2 } else { from };
    let keys: Vec<String> = words[from..to].iter().map(|&(s, e)| mirsad_text::key(&text[s..e])).collect();
    // «عن الوزير قوله»: the speaker is between «عن» and «قوله».
    if let Some(a) = keys.iter().position(|k| k == "عن") {
        if let Some(b) = keys[a + 1..].iter().position(|k| k.starts_with("قول")) {
            if b > 0 {
                return Some(Speaker::Named(words[from + a + 1].0, words[from + a + b].1));
            }
        }
    }
    if keys.iter().any(|k| matches!(k.as_str(), "عنه" | "عنها" | "عنهم")) {
        return Some(Speaker::Pronoun);
    }
    let n = (from..to)
        .take_while(|&j| {
            let k = &keys[j - from];
            !(cuts(&text[words[j].0..words[j].1], k) || after_quote && k.starts_with("لل"))
        })
        .count();
    // «وأضاف قائلا:», «وعلق بالقول:», «فضيلته»: the subject is the one already speaking.
    if n >= 1 && (PARTICIPLE_FORMS.contains(keys[0].as_str()) || SAYING.contains(&keys[0].as_str()))
        || n == 1 && HONORIFICS.contains(&keys[0].as_str())
    {
        return Some(Speaker::Continues);
    }
    (n > 0).then(|| Speaker::Named(words[from].0, words[from + n - 1].1))
}

/// The speaker named just before the verb at word `v`: the word before it (`لافروف قال`), the
/// subject of «كان … قد» (`وكان ولي العهد محمد بن سلمان قد صرح`), or the words a relative
/// pronoun refers to (`لبوتين، الذي قال`), or a pronoun (`لكنه قال`). A verb with «و» joins
/// the clause before it, whose last word is not its subject.
fn speaker_before(text: &str, words: &[(usize, usize)], v: usize) -> Option<Speaker> {
    let p = v.checked_sub(1)?;
    let joined = |a: usize, b: usize| text[words[a].1..words[b].0].trim().is_empty();
    if !joined(p, v) {
        return None;
    }
    let k = mirsad_text::key(&text[words[p].0..words[p].1]);
    if k == "قد" {
        // Back to «كان» over at most eight words with nothing but spaces between, or sixteen
        // when a description stands between commas («وكانت شركة …، أكبر شركة …، قد قالت»):
        // the subject is then the words before the first comma.
        let comma = |a: usize, b: usize| matches!(text[words[a].1..words[b].0].trim(), "،" | ",");
        // A point or hyphen inside a name («ايه.بي مولر-ميرسك»).
        let inner = |a: usize, b: usize| {
            let g = &text[words[a].1..words[b].0];
            !g.is_empty() && g.chars().all(|c| c == '.' || c == '-')
        };
        let mut first = p;
        let mut commas = false;
        while first > 0
            && p - first <= if commas { 16 } else { 8 }
            && (joined(first - 1, first) || comma(first - 1, first) || inner(first - 1, first))
        {
            commas |= comma(first - 1, first);
            first -= 1;
            if matches!(
                mirsad_text::key(&text[words[first].0..words[first].1]).as_str(),
                "كان" | "وكان" | "كانت" | "وكانت"
            ) {
                if first + 1 >= p {
                    return None;
                }
                let end = (first + 1..p - 1).find(|&j| comma(j, j + 1)).unwrap_or(p - 1);
                return Some(Speaker::Named(words[first + 1].0, words[end].1));
            }
        }
        return None;
    }
    if text[words[v].0..].starts_with(['و', 'ف']) {
        return None;
    }
    if RELATIVE.contains(&k.as_str()) {
        // Up to three words before the pronoun, back to a punctuation mark other than a comma
        // right before it.
        let q = p.checked_sub(1)?;
        let gap = text[words[q].1..words[p].0].trim();
        if !(gap.is_empty() || gap == "،" || gap == ",") {
            return None;
        }
        let mut first = q;
        while first > 0 && q - first < 2 && text[words[first - 1].1..words[first].0].trim().is_empty() {
            first -= 1;
        }
        return Some(Speaker::Named(words[first].0, words[q].1));
    }
    if PRONOUN_SUBJECT.contains(&k.as_str()) {
        return Some(Speaker::Pronoun);
    }
    let w = &text[words[p].0..words[p].1];
    (!w.starts_with('و') && !NOT_A_SPEAKER.contains(&k.as_str())).then_some(Speaker::Named(words[p].0, words[p].1))
}

/// Where indirect speech starting at byte `from` ends: the end of its sentence, or a comma
/// before another speech word («…، مضيفا أن…»).
fn indirect_end(text: &str, words: &[(usize, usize)], first: usize) -> usize {
    let mut key = String::new();
    let mut end = words[first].1;
    for &(s, e) in &words[first + 1..] {
        let gap = &text[end..s];
        if ends_sentence(gap) {
            return end;
        }
        // «…، مضيفا أن», «… وأضاف أن»; «ومتابعة» (a noun too) only after a comma.
        let w = &text[s..e];
        let comma = gap.contains(['،', ',']);
        // «…، لكن فلانة ردت بالقول …»: another speaker's words start.
        if comma {
            let at = words.iter().position(|&(ws, _)| ws == s).unwrap_or(0);
            if words[at..words.len().min(at + 6)]
                .iter()
                .any(|&(ns, ne)| SAYING.iter().any(|x| text[ns..ne].starts_with(x)))
            {
                return end;
            }
        }
        match speech_verb(w, &mut key) {
            Some(Verb::Finite) if comma || w.starts_with('و') => return end,
            Some(Verb::Participle) if comma => return end,
            _ => {}
        }
        end = e;
    }
    end
}

/// Quotes of a text (one paragraph), in order.
pub fn find(text: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let words = word_spans(text);
    let directs: Vec<(usize, usize, String)> = DIRECT
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let inner = c.get(1).or(c.get(2)).or(c.get(3))?;
            // A quotation worth the name has a few words; «كوريا» in a headline is a mention.
            (words_in(inner.as_str()) >= 3).then(|| (whole.start(), whole.end(), inner.as_str().trim().to_string()))
        })
        .collect();
    let direct_at = |at: usize| directs.iter().find(|d| d.0 == at);
    let mut key = String::new();
    // «…»، قال فلان: the speaker named after the verb that follows a quotation.
    let mut after_quote: Vec<(usize, Speaker)> = Vec::new(); // (direct start, speaker)
    let mut skip_verbs: HashSet<usize> = HashSet::new();
    for d in &directs {
        let Some(v) = words.iter().position(|w| w.0 >= d.1) else { continue };
        let gap = text[d.1..words[v].0].trim();
        if !gap.chars().all(|c| matches!(c, '،' | ','))
            || speech_verb(&text[words[v].0..words[v].1], &mut key) != Some(Verb::Finite)
        {
            continue;
        }
        let mut to = v + 1;
        while to < words.len() && to - v <= MAX_SPEAKER_WORDS && text[words[to - 1].1..words[to].0].trim().is_empty() {
            to += 1;
        }
        after_quote.push((d.0, speaker_in_region(text, &words, v + 1, to, true).unwrap_or(Speaker::Continues)));
        skip_verbs.insert(v);
    }
    let mut consumed_until = 0;
    for (v, &(s, e)) in words.iter().enumerate() {
        if s < consumed_until || skip_verbs.contains(&v) {
            continue;
        }
        // «ردت … بالقول: …»: any verb saying how it was said introduces speech.
        let saying_next = || {
            words[v + 1..words.len().min(v + 3)]
                .iter()
                .any(|&(ns, ne)| SAYING.iter().any(|w| text[ns..ne].starts_with(w)))
        };
        let Some(kind) = speech_verb(&text[s..e], &mut key).or_else(|| {
            if saying_next() && !text[s..e].starts_with("ال") && !SAYING.iter().any(|w| text[s..e].starts_with(w)) {
                mirsad_text::key_into(&text[s..e], &mut key);
                if !mirsad_text::is_stopword_key(&key) && !NOT_A_SPEAKER.contains(&key.as_str()) {
                    return Some(Verb::Finite);
                }
            }
            // Only words with «لـ», «و» or «ف» are read again (every word of every article is).
            if !text[s..e].starts_with(['ل', 'و', 'ف']) {
                return None;
            }
            mirsad_text::key_into(&text[s..e], &mut key);
            let k = key.as_str();
            let opener_next = || {
                words.get(v + 1).is_some_and(|&(ns, ne)| {
                    text[e..ns].trim().is_empty() && OPENER_SET.contains(mirsad_text::key(&text[ns..ne]).as_str())
                })
            };
            if k.strip_prefix("ل").is_some_and(|r| PURPOSE_VERBS.contains(&r)) {
                Some(Verb::Purpose)
            } else if matches!(k, "وبين" | "فبين" | "وبينت" | "فبينت") && opener_next() {
                // Without its shadda «وبين» is "between" unless «أن» follows at once.
                Some(Verb::Finite)
            } else {
                None
            }
        }) else {
            continue;
        };
        let Some((opening, region_end)) = region(text, &words, v, &|at| direct_at(at).is_some()) else { continue };
        let speaker = match kind {
            Verb::Participle => Speaker::Continues,
            Verb::Purpose => Speaker::Subject,
            Verb::Finite => speaker_in_region(text, &words, v + 1, region_end, false)
                .or_else(|| speaker_before(text, &words, v))
                .unwrap_or(Speaker::Continues),
        };
        let rest = match speaker {
            Speaker::Named(_, e) if kind == Verb::Finite && e >= words[v].1 => {
                let end = match opening {
                    Opening::That(j) => words[j].0,
                    Opening::Colon(at) | Opening::Mark(at) => at,
                };
                (e, end.max(e))
            }
            _ => (0, 0),
        };
        let (start, direct) = match opening {
            Opening::Mark(at) => (at, true),
            Opening::Colon(at) => (at + (text[at..].len() - text[at..].trim_start().len()), false),
            Opening::That(j) => {
                let rest = &text[words[j].1..];
                let after = rest.trim_start().strip_prefix(':').map(str::trim_start).unwrap_or(rest.trim_start());
                let at = text.len() - after.len();
                if direct_at(at).is_some() {
                    (at, true)
                } else {
                    (words[j].0, false)
                }
            }
        };
        if let Some(d) = direct_at(start) {
            out.push(Found {
                speaker,
                text: d.2.clone(),
                direct: true,
                start: d.0,
                end: d.1,
                rest,
                needs_entity: false,
            });
            consumed_until = d.1;
        } else if direct {
            // A quotation the verb opens and the paragraph never closes runs to its end
            // («وأضاف “لا أعلم … (في إيران).»).
            let mark = text[start..].chars().next().map_or(1, char::len_utf8);
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let body = text[start + mark..end].trim();
            if words_in(body) >= 4 {
                out.push(Found {
                    speaker,
                    text: body.to_string(),
                    direct: true,
                    start,
                    end,
                    rest,
                    needs_entity: false,
                });
                consumed_until = end;
            }
        } else if !direct {
            let Some(first) = words.iter().position(|w| w.0 >= start) else { continue };
            let end = indirect_end(text, &words, first);
            let body = text[start..end].trim();
            if body.split_whitespace().count() >= 4 {
                out.push(Found {
                    speaker,
                    text: body.to_string(),
                    direct: false,
                    start,
                    end,
                    rest,
                    needs_entity: false,
                });
                consumed_until = end;
            }
        }
    }
    // «ووفقا لموقع "تك كرانش" فإن…», «وبحسب المرصد، فإن…»: the source, then the report.
    for (v, &(s, e)) in words.iter().enumerate() {
        if s < consumed_until && out.iter().any(|q| q.start <= s && s < q.end) {
            continue;
        }
        if !text[s..e].starts_with(['و', 'ب', 'ح', 'ط']) {
            continue;
        }
        mirsad_text::key_into(&text[s..e], &mut key);
        if !ACCORDING_TO.contains(&key.as_str()) {
            continue;
        }
        if let Some(q) = according_to(text, &words, v) {
            if !out.iter().any(|o| o.start < q.end && q.start < o.end) {
                out.push(q);
            }
        }
    }
    // Quotations not introduced by a verb (nor inside another quote). Shorter ones are mostly
    // names, scores and lists («أخيسار سبور التركي», «2 - 1»).
    for d in &directs {
        let said_after = after_quote.iter().any(|a| a.0 == d.0);
        if (said_after || (words_in(&d.2) >= MIN_STRAY_WORDS && !is_list(&d.2)))
            && !out.iter().any(|q| q.start <= d.0 && d.0 < q.end.max(q.start + 1))
        {
            let speaker = after_quote
                .iter()
                .find(|a| a.0 == d.0)
                .map_or_else(|| issued_statement(text, &words, d.0).unwrap_or(Speaker::Continues), |a| a.1);
            out.push(Found {
                speaker,
                text: d.2.clone(),
                direct: true,
                start: d.0,
                end: d.1,
                rest: (0, 0),
                needs_entity: false,
            });
        }
    }
    // «…، وفقا لما ذكرته الشرطة.», «…، بحسب ما أكده موقع …»: the sentence before the source.
    for (v, &(s, e)) in words.iter().enumerate() {
        if !text[s..e].starts_with(['و', 'ب', 'ح', 'ط']) || out.iter().any(|q| q.start <= s && s < q.end) {
            continue;
        }
        mirsad_text::key_into(&text[s..e], &mut key);
        if !ACCORDING_TO.contains(&key.as_str()) {
            continue;
        }
        if let Some(q) = attributed_after(text, &words, v) {
            if !out.iter().any(|o| o.start < q.end && q.start < o.end) {
                out.push(q);
            }
        }
    }
    out.sort_by_key(|q| q.start);
    out
}

/// Words that introduce a source before «فإن» (key form).
const ACCORDING_TO: &[&str] = &["وفقا", "ووفقا", "بحسب", "وبحسب", "حسب", "وحسب", "طبقا", "وطبقا"];

/// «وفقا لـ SOURCE فإن …» (word `v` is «وفقا»): the source names the speaker and the report
/// runs from «فإن» to the end of its sentence. «لما نقلته/ذكرته» before the source is skipped;
/// the «لـ» of the source is not who was spoken to.
fn according_to(text: &str, words: &[(usize, usize)], v: usize) -> Option<Found> {
    let key = |j: usize| mirsad_text::key(&text[words[j].0..words[j].1]);
    let mut from = v + 1;
    if from + 1 < words.len() && key(from) == "لما" {
        from += 2;
    }
    let mut prev_end = words[v].1;
    for j in v + 1..words.len().min(v + 2 + MAX_SPEAKER_WORDS) {
        if ends_sentence(&text[prev_end..words[j].0]) {
            return None;
        }
        if matches!(key(j).as_str(), "فان" | "فانه" | "فانها") {
            if j <= from {
                return None;
            }
            let (s, word_end) = words[from];
            let word = &text[s..word_end];
            // The source without its «لـ» («لموقع» → «موقع», «للتقرير» → «تقرير»).
            let s = if word.starts_with("لل") && word.chars().count() > 4 {
                s + 2 * 'ل'.len_utf8()
            } else if word.starts_with('ل') && word.chars().count() > 3 {
                s + 'ل'.len_utf8()
            } else {
                s
            };
            let start = words[j].0;
            let end = indirect_end(text, words, j);
            let body = text[start..end].trim();
            return (body.split_whitespace().count() >= 4).then(|| Found {
                speaker: Speaker::Named(s, words[j - 1].1),
                text: body.to_string(),
                direct: false,
                start,
                end,
                rest: (0, 0),
                needs_entity: false,
            });
        }
        prev_end = words[j].1;
    }
    None
}

/// Verbs of reporting after «لما/ما» in a source clause («لما ذكرته», «ما أكده»), key form
/// without an object pronoun.
const SOURCE_VERBS: &[&str] = &[
    "ذكر",
    "ذكرت",
    "قال",
    "قالت",
    "اكد",
    "اكدت",
    "افاد",
    "افادت",
    "اعلن",
    "اعلنت",
    "اورد",
    "اوردت",
    "نقل",
    "نقلت",
    "اوضح",
    "اوضحت",
];

/// «…، وفقا لما ذكرته شرطة ويلتشاير في بيان.», «…، بحسب ما أكده موقع "ذا فيرج".», «…، وفقا
/// لوزارة الصحة.» (word `v` is «وفقا»/«بحسب», after a comma): a sentence whose last clause
/// names its source reports what the source said. The report runs from the start of the
/// sentence to the comma; the source is named up to a preposition or time word.
fn attributed_after(text: &str, words: &[(usize, usize)], v: usize) -> Option<Found> {
    let key = |j: usize| mirsad_text::key(&text[words[j].0..words[j].1]);
    let mut p = v.checked_sub(1)?;
    let mut gap = &text[words[p].1..words[v].0];
    if ends_sentence(gap) {
        return None;
    }
    // «…، وذلك بحسب …»: the comma is before «وذلك».
    if p > 0 && gap.trim().is_empty() && key(p) == "وذلك" {
        let g = &text[words[p - 1].1..words[p].0];
        if g.contains(['،', ',']) && !ends_sentence(g) {
            p -= 1;
            gap = g;
        }
    }
    // Inside a sentence, with no comma («واستهدف المركز وفقا للشامي الأسر …»): a source of
    // one word behind «لـ», and the whole sentence is the report.
    let inside = !gap.contains(['،', ',']);
    if inside {
        let next = words.get(v + 1)?;
        let w = &text[next.0..next.1];
        let bare = w.strip_prefix("لل").or_else(|| w.strip_prefix('ل'))?;
        let k = mirsad_text::key(w);
        let at_end = words.get(v + 2).is_none_or(|n| ends_sentence(&text[next.1..n.0]));
        if bare.chars().count() < 3 || at_end || matches!(k.as_str(), "لما" | "ما") || mirsad_text::is_stopword_key(&k)
        {
            return None;
        }
        let (mut first, mut last) = (p, v + 1);
        while first > 0 && !ends_sentence(&text[words[first - 1].1..words[first].0]) {
            first -= 1;
        }
        while last + 1 < words.len() && !ends_sentence(&text[words[last].1..words[last + 1].0]) {
            last += 1;
        }
        let (start, end) = (words[first].0, words[last].1);
        let body = text[start..end].trim();
        if body.split_whitespace().count() < 6
            || (first..=last).any(|j| matches!(key(j).as_str(), "فان" | "فانه" | "فانها"))
        {
            return None;
        }
        let s = next.0;
        return Some(Found {
            speaker: Speaker::Named(s, next.1),
            text: body.to_string(),
            direct: false,
            start,
            end,
            rest: (0, 0),
            needs_entity: true,
        });
    }
    // The clause ends its sentence within a few words (a source introduced by a verb,
    // «لما ذكره …», may be followed by more: «…، قبل اجتماع …»).
    let said = words.get(v + 1).is_some_and(|_| matches!(key(v + 1).as_str(), "لما" | "ما"));
    let most = if said { MAX_REGION } else { MAX_SPEAKER_WORDS + 4 };
    let mut last = v;
    while last + 1 < words.len() && !ends_sentence(&text[words[last].1..words[last + 1].0]) {
        last += 1;
        if last - v > most {
            return None;
        }
    }
    if (v..=last).any(|j| matches!(key(j).as_str(), "فان" | "فانه" | "فانها")) {
        return None;
    }
    let mut from = v + 1;
    // «…، بحسب بياناتها»: the statements of the sentence's subject.
    let own = {
        let k = key(from.min(last));
        let k = k.strip_prefix('ل').unwrap_or(&k).to_string();
        !said
            && from <= last
            && (k.starts_with("بيان") || k.starts_with("تصريح"))
            && (k.ends_with("ها") || k.ends_with("هم") || k.ends_with('ه'))
            && !k.ends_with("ات")
    };
    if !said && !own {
        // Without a verb the source is a body or a person by their title («وفقا لوزارة
        // الصحة», «بحسب المتحدث …»), not a poll or a document («حسب اختيارات القراء»).
        let k = key(from.min(last));
        let k = k.strip_prefix("لل").or_else(|| k.strip_prefix('ل')).unwrap_or(&k);
        let k = bare_key(k);
        if from > last || !(ORG_HEADS.contains(&k.as_str()) || TITLE_NOUNS.contains(&k.as_str())) {
            return None;
        }
    }
    if said {
        if from + 1 > last {
            return None;
        }
        let verb = key(from + 1);
        let bare = verb.trim_end_matches(['ه', 'ا']);
        if !(SOURCE_VERBS.contains(&verb.as_str()) || SOURCE_VERBS.contains(&bare)) {
            return None;
        }
        from += 2;
    }
    if from > last || cuts(&text[words[from].0..words[from].1], &key(from)) && from > v + 1 {
        return None;
    }
    // The sentence: back from the comma to the end of the one before.
    let mut first = p;
    while first > 0 && !ends_sentence(&text[words[first - 1].1..words[first].0]) {
        first -= 1;
    }
    let (start, end) = (words[first].0, words[p].1);
    let body = text[start..end].trim();
    if body.split_whitespace().count() < 4 {
        return None;
    }
    if own {
        // The subject after the sentence's verb: its definite words («وأصدرت اللجنة عددا …»).
        let n = (first + 1..p.min(first + 5)).take_while(|&j| key(j).starts_with("ال")).count();
        return (n > 0).then(|| Found {
            speaker: Speaker::Named(words[first + 1].0, words[first + n].1),
            text: body.to_string(),
            direct: false,
            start,
            end,
            rest: (0, 0),
            needs_entity: false,
        });
    }
    // The first word may carry the «لـ» of «وفقا لـ»: it is not who was spoken to.
    let e = match speaker_in_region(text, words, from + 1, last + 1, false) {
        Some(Speaker::Named(_, e))
            if from < last
                && text[words[from].1..words[from + 1].0]
                    .trim_matches(|c: char| c.is_whitespace() || opens_quote(c))
                    .is_empty() =>
        {
            e
        }
        _ => words[from].1,
    };
    let s = words[from].0;
    // The source without its «لـ» («لوزارة» → «وزارة», «للشرطة» → «شرطة»).
    let word = &text[s..words[from].1];
    let s = if from == v + 1 && word.starts_with("لل") && word.chars().count() > 4 {
        s + 2 * 'ل'.len_utf8()
    } else if from == v + 1 && word.starts_with('ل') && word.chars().count() > 3 {
        s + 'ل'.len_utf8()
    } else {
        s
    };
    Some(Found {
        speaker: Speaker::Named(s, e),
        text: body.to_string(),
        direct: false,
        start,
        end,
        rest: (0, 0),
        needs_entity: false,
    })
}

/// The quotes of an article body, paragraph by paragraph, with offsets in the body.
pub fn find_in_body(body: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut at = 0;
    for p in body.split("\n\n") {
        out.extend(find(p).into_iter().map(|q| Found {
            speaker: match q.speaker {
                Speaker::Named(s, e) => Speaker::Named(s + at, e + at),
                other => other,
            },
            start: q.start + at,
            end: q.end + at,
            rest: (q.rest.0 + at, q.rest.1 + at),
            ..q
        }));
        at += p.len() + 2;
    }
    out
}

/// A speaker the tagger did not mark, to add to the article's mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub text: String,
    pub kind: EntityType,
    pub entity: String,
}

/// A mention the speaker may be: its byte span in the body, type and entity.
pub struct Candidate<'a> {
    pub span: (usize, usize),
    pub kind: EntityType,
    pub entity: &'a str,
}

/// Quotes with their speakers as entities, and the organizations named as speakers that the
/// tagger missed (to add to the article's mentions: text, entity id).
///
/// A speaker span names the person or organization mentioned inside it (a person in apposition
/// to a title wins over the body in the title; then the longest); else one the article names
/// elsewhere with those words (`وأضاف قراقع` → «عيسى قراقع»); else, for a bare title («قال
/// الوزير», «قالت الوكالة»), the entity the article introduced with that title («وزير الخارجية
/// سيرغي لافروف») or the organization it is the common noun of («وكالة الأنباء …»); else an
/// organization when the words are one's name («لجنة الانضباط والأخلاق»). A quote that
/// continues takes the last speaker (at the start of an article: the first person or
/// organization of its sentence); «عنه» takes the last person mentioned.
pub fn attribute(
    article: &str,
    body: &str,
    found: Vec<Found>,
    mentions: &[Candidate],
    name_word: &dyn Fn(&str) -> bool,
) -> (Vec<mirsad_model::Quote>, Vec<Added>) {
    // Two-letter names are fragments the tagger cut («إس», «بي»), not speakers.
    let speakers = || {
        mentions.iter().filter(|m| {
            matches!(m.kind, EntityType::PER | EntityType::ORG)
                && body[m.span.0..m.span.1].chars().filter(|c| c.is_alphabetic()).count() >= 3
        })
    };
    let mut last: (Option<String>, Option<String>) = (None, None); // (name, entity)
    let mut added: Vec<Added> = Vec::new();
    let add = |added: &mut Vec<Added>, kind: EntityType, text: String| {
        let id = crate::entities::entity_id(kind, &crate::entities::entity_key(&text));
        if !added.iter().any(|a| a.entity == id) {
            added.push(Added { text, kind, entity: id.clone() });
        }
        id
    };
    let mut said: Vec<(String, String)> = Vec::new(); // (name, entity) of the speakers so far
    let mut out = Vec::with_capacity(found.len());
    for q in found {
        let (name, entity) = match q.speaker {
            Speaker::Continues if last.0.is_some() => last.clone(),
            Speaker::Continues | Speaker::Subject => {
                let sentence = body[..q.start].rfind(['.', '\n', '!', '؟']).map_or(0, |i| i + 1);
                // A dateline's credit «(CNN)» is not the first speaker.
                let credit = |m: &&Candidate| body[..m.span.0].ends_with('(') && body[m.span.1..].starts_with(')');
                // A person of the sentence before a body («شنت صحف نادي برشلونة هجوما على
                // زيدان، بعدما أعلن أن…»).
                let in_sentence =
                    || speakers().filter(|m| !credit(m)).filter(|m| m.span.0 >= sentence && m.span.1 <= q.start);
                let m = in_sentence().find(|m| m.kind == EntityType::PER).or_else(|| in_sentence().next());
                match m {
                    Some(m) => (Some(body[m.span.0..m.span.1].to_string()), Some(m.entity.to_string())),
                    None => last.clone(),
                }
            }
            Speaker::Pronoun => {
                let m = speakers().rev().find(|m| m.kind == EntityType::PER && m.span.1 <= q.start);
                match m {
                    Some(m) => (Some(body[m.span.0..m.span.1].to_string()), Some(m.entity.to_string())),
                    None => last.clone(),
                }
            }
            // «وقال لرويترز إن…»: the words after the verb are who was spoken to; the speaker
            // is the one already speaking.
            Speaker::Named(s, e)
                if speakers().any(|m| {
                    let addressed = m.span.0 > s && m.span.0 <= s + 4 && spoken_to(body, s, m.span.0, name_word);
                    // The tagger kept the «ل» («لرويترز» alone after the verb).
                    let glued = m.span == (s, e)
                        && m.kind == EntityType::ORG
                        && body[s..e].starts_with('ل')
                        && !body[s..e].contains(' ');
                    addressed || glued
                }) =>
            {
                last.clone()
            }
            Speaker::Named(s, e) => {
                let name = body[s..e].trim_matches(|c: char| !mirsad_text::is_word_char(c)).to_string();
                let inside = speakers()
                    .filter(|m| m.span.0 >= s && m.span.1 <= e)
                    .filter(|m| !spoken_to(body, s, m.span.0, name_word))
                    // «مركز الملك سلمان للإغاثة»: a person a body is named after is not its
                    // spokesman.
                    .filter(|m| m.kind != EntityType::PER || !is_eponym(body, s, m.span.0))
                    // A person wins over a body («المتحدث باسم الكرملين، ديمتري بيسكوف»), the first
                    // person over those named in the apposition («جينا هاسبل مرشحة الرئيس …
                    // دونالد ترامب»).
                    .max_by_key(|m| (m.kind == EntityType::PER, std::cmp::Reverse(m.span.0)));
                // A title cut by a preposition, then the person in apposition to it
                // («لمّح السفير الروسي إلى بريطانيا، فلان، إلى أن…»): after a comma or a
                // definite title word («… الشيخ فلان، أن…»).
                let titled = mirsad_text::tokens(&name).next().is_some_and(is_title_word);
                let appos = (titled && inside.is_none_or(|m| m.kind != EntityType::PER))
                    .then(|| {
                        speakers()
                            .filter(|m| m.kind == EntityType::PER && m.span.0 >= q.rest.0 && m.span.1 <= q.rest.1)
                            .find(|m| {
                                let before = body[q.rest.0..m.span.0].trim_end();
                                // The comma, and perhaps a given name the tagger left out.
                                let given = before.rsplit_once(' ').map_or("", |(b, _)| b.trim_end());
                                before.ends_with(['،', ','])
                                    || given.ends_with(['،', ','])
                                    || before.rsplit(' ').next().is_some_and(|w| {
                                        mirsad_text::key(w).starts_with("ال")
                                            && TITLE_NOUNS.contains(&bare_key(w).as_str())
                                    })
                            })
                    })
                    .flatten();
                let inside = appos.or(inside);
                // A given name the tagger cut from the family name that ends the speaker words
                // («المهندس صالح قدح» tagged «صالح»).
                let completed = inside
                    .filter(|m| m.kind == EntityType::PER)
                    .and_then(|m| completed_name(body, m.span, e, name_word))
                    .map(|full| add(&mut added, EntityType::PER, full));
                let entity = completed
                    .or_else(|| inside.map(|m| m.entity.to_string()))
                    .or_else(|| by_name(body, &name, (s, e), mentions, name_word))
                    .or_else(|| Some(add(&mut added, EntityType::PER, introduced_name(body, &name, name_word)?)))
                    .or_else(|| Some(add(&mut added, EntityType::PER, trailing_name(&name, name_word)?)))
                    .or_else(|| by_title(body, &name, s, mentions, &said))
                    .or_else(|| Some(add(&mut added, EntityType::ORG, organization_name(&name)?)))
                    .or_else(|| Some(add(&mut added, EntityType::ORG, introduced_org(body, &name, s)?)));
                (Some(name), entity)
            }
        };
        if q.needs_entity && entity.is_none() {
            continue;
        }
        out.push(mirsad_model::Quote {
            article: article.to_string(),
            speaker: entity.clone(),
            speaker_name: name.clone(),
            text: q.text,
            direct: q.direct,
        });
        if let (Some(n), Some(e)) = (&name, &entity) {
            said.push((n.clone(), e.clone()));
        }
        last = (name, entity);
    }
    (out, added)
}

fn key_words(text: &str) -> Vec<String> {
    mirsad_text::tokens(text).map(mirsad_text::key).filter(|k| !k.is_empty()).collect()
}

/// «قال فرحاني لفرانس24», «وقال لرويترز», «لـCNN»: a name behind «لـ» is who was spoken to. The
/// mention at `at` (in speaker words starting at `from`) starts with that «ل», or the tagger
/// left the «ل» out of it; a name that begins the speaker words («لافروف») or that the name
/// gazetteer knows («لاري كودلاو») is taken as written.
fn spoken_to(body: &str, from: usize, at: usize, name_word: &dyn Fn(&str) -> bool) -> bool {
    let glued = body[..at].trim_end_matches(mirsad_text::is_word_char);
    let prefix = &body[glued.len()..at];
    let first = mirsad_text::tokens(&body[at..]).next().unwrap_or("");
    matches!(prefix, "ل" | "لـ" | "ول" | "ولـ") || at != from && first.starts_with('ل') && !name_word(first)
}

/// Titles a body is named after a person with («مركز الملك سلمان», «جامعة الأمير سلطان»), key
/// form without «ال».
const EPONYM_TITLES: &[&str] = &["ملك", "امير", "شيخ", "سلطان", "امام", "رييس"];

/// Whether the person mentioned at byte `at` names the body whose head noun comes just before
/// (inside the speaker words starting at `from`).
fn is_eponym(body: &str, from: usize, at: usize) -> bool {
    let mut before: Vec<String> = mirsad_text::tokens(&body[from..at]).map(mirsad_text::key).collect();
    before.reverse();
    before.truncate(2);
    // The body's noun is in construct with the name, so without «ال» («مركز الملك سلمان»); a
    // definite noun ends a title the name is in apposition to («وزير الخارجية سيرغي لافروف»).
    let head = |w: &String| ORG_HEADS.contains(&w.trim_start_matches(['ل', 'ب']));
    let title = |w: &String| EPONYM_TITLES.contains(&w.strip_prefix("ال").unwrap_or(w));
    match before.as_slice() {
        [w, ..] if head(w) => true,
        [t, w] => title(t) && head(w),
        _ => false,
    }
}

/// The given name mentioned at `span` completed by the one or two words up to the end of the
/// speaker words (`end`), when they read as a family name: no punctuation, a word the name
/// gazetteer knows or one with «ال» that is no title («صالح قدح», «علي السليمي»).
fn completed_name(body: &str, span: (usize, usize), end: usize, name_word: &dyn Fn(&str) -> bool) -> Option<String> {
    let own = &body[span.0..span.1];
    if span.1 >= end || own.split_whitespace().count() != 1 || !name_word(own) || is_title_word(own) {
        return None;
    }
    let rest = &body[span.1..end];
    let words: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
    // One word between the given name and the speech is the family name even when the
    // gazetteer does not know it («المهندس صالح قدح أن…»), unless it may carry a clitic
    // («للصحفيين», «بالقول», «وكازنوف»), reads as a feminine or plural noun («متحدثة»,
    // «حالات») or is a title, a verb or a function word.
    let lone = |w: &str| {
        let k = mirsad_text::key(w);
        family_name(w, &|_| true)
            && !k.starts_with(['و', 'ف', 'ل', 'ب'])
            && !k.ends_with('ه')
            && !k.ends_with("ات")
            && !mirsad_text::is_stopword_key(&k)
            && !is_title_word(w)
            && speech_verb(w, &mut String::new()).is_none()
    };
    let ok = (1..=2).contains(&words.len()) && words.iter().all(|w| family_name(w, name_word))
        || matches!(words[..], [w] if lone(w));
    ok.then(|| format!("{own} {}", words.join(" ")))
}

/// A person named at the end of the speaker words after a title, untagged: «الطالب الجامعي،
/// علي السليمي», «المتحدث الرسمي باسم المركز رأفت الصباغ». Two or three words, the first a name
/// the gazetteer knows without «ال», the others known names or family names with
/// «ال»; before them a comma or a word with «ال» or «لل», and the speaker words start with a title
/// («ال…»).
fn trailing_name(name: &str, name_word: &dyn Fn(&str) -> bool) -> Option<String> {
    if !mirsad_text::key(name).starts_with("ال") {
        return None;
    }
    let words: Vec<&str> = name.split(' ').filter(|w| !w.is_empty()).collect();
    for n in [3, 2] {
        let Some(at) = words.len().checked_sub(n).filter(|&at| at > 0) else { continue };
        let (first, rest) = (words[at], &words[at + 1..]);
        let prev = words[at - 1];
        let prev_ok = prev.ends_with(['،', ',']) || is_definite(&mirsad_text::key(prev));
        let first_ok = first.chars().all(mirsad_text::is_word_char)
            && !mirsad_text::key(first).starts_with("ال")
            && !is_title_word(first)
            && name_word(first);
        let rest_ok = rest.iter().all(|w| family_name(w, name_word));
        if prev_ok && first_ok && rest_ok {
            return Some(words[at..].join(" "));
        }
    }
    None
}

/// The full name of an untagged person the article introduced in apposition, for speaker
/// words that are one word of it: «وذكرت علا» after «رئيسة الجهاز …، علا عوض، في …», «وكان
/// كلوب قد أكد» after «المدرب الألماني، يورغن كلوب، …». The two words stand between commas
/// (or after a title's definite word, before a comma), one of them a name the gazetteer
/// knows without «ال», the other that or a family name; the speaker's word is one of them.
fn introduced_name(body: &str, name: &str, name_word: &dyn Fn(&str) -> bool) -> Option<String> {
    let words = key_words(name);
    let [word] = &words[..] else { return None };
    if word.starts_with("ال") || is_title_word(word) || word.chars().count() < 3 {
        return None;
    }
    let spans = word_spans(body);
    let text = |j: usize| &body[spans[j].0..spans[j].1];
    let gap = |j: usize| &body[spans[j - 1].1..spans[j].0];
    let comma = |g: &str| g.contains(['،', ',']);
    let mut scratch = String::new();
    // Not a title, a function word or a verb; with the gazetteer's word, a name.
    let mut plain = |w: &str, known: bool| {
        let k = mirsad_text::key(w);
        !k.starts_with("ال")
            && !is_title_word(w)
            && !cuts(w, &k)
            && speech_verb(w, &mut scratch).is_none()
            && !PLACE_HEADS.contains(&k.as_str())
            && (!known || name_word(w))
    };
    (1..spans.len().saturating_sub(2)).find_map(|i| {
        // Words i and i + 1, set off before (comma, or a title's definite word) and after.
        let (a, b) = (text(i), text(i + 1));
        let before = comma(gap(i)) || is_definite(&mirsad_text::key(text(i - 1)));
        let after = comma(gap(i + 2)) || gap(i + 2).contains(['(', '-', ':']);
        if !(before && after && gap(i + 1).trim().is_empty()) {
            return None;
        }
        // The speaker's word is either; the other one the gazetteer must know.
        let ok = if mirsad_text::key(a) == *word {
            plain(a, false) && (plain(b, true) || family_name(b, name_word))
        } else {
            mirsad_text::key(b) == *word && plain(a, true) && plain(b, false)
        };
        ok.then(|| format!("{a} {b}"))
    })
}

/// A key with the article, alone or behind «و» or «ل» («الصحة», «والأخلاق», «للإغاثة»).
fn is_definite(key: &str) -> bool {
    ["ال", "وال", "لل"].iter().any(|p| key.starts_with(p))
}

/// A word that can follow a given name as (part of) the family name: one the name gazetteer
/// knows, or one with «ال» that is no title or feminine adjective («السليمي», not «الطبية»);
/// never a word with an object pronoun or an adverb's «ـا» («بلاده», «ردا»), a preposition
/// or time word.
fn family_name(w: &str, name_word: &dyn Fn(&str) -> bool) -> bool {
    let k = mirsad_text::key(w);
    w.chars().all(mirsad_text::is_word_char)
        && !cuts(w, &k)
        && !(w.ends_with('ه') && !w.ends_with("الله") || w.ends_with("ها") || w.ends_with('ا') || w.ends_with("اً"))
        && if k.starts_with("ال") { !is_title_word(w) && !w.ends_with("ية") } else { name_word(w) }
}

/// Titles and roles that follow a name in apposition; they are not a family name. «باسم» is
/// the preposition of «المتحدث باسم …» here, not the given name.
fn is_title_word(w: &str) -> bool {
    let k = bare_key(w);
    k == "باسم" || ORG_HEADS.contains(&k.as_str()) || TITLE_NOUNS.contains(&k.as_str())
}

/// Nouns of roles (key form without «ال»).
const TITLE_NOUNS: &[&str] = &[
    "رييس",
    "وزير",
    "مدير",
    "متحدث",
    "مسوول",
    "مستشار",
    "سفير",
    "امين",
    "نايب",
    "قايد",
    "مدرب",
    "لاعب",
    "عضو",
    "خبير",
    "باحث",
    "محلل",
    "استاذ",
    "طالب",
    "مواطن",
    "ناطق",
    "مبعوث",
    "محافظ",
    "امير",
    "ملك",
    "شيخ",
    "دكتور",
    "مهندس",
];

/// The organization a bare head noun refers back to («وقالت الوزارة», «وأضافت الشركة») when the
/// tagger did not mark it: the last «وزارة …» written before the quote with the words that
/// complete its name, definite ones («وزارة الصحة الفلسطينية», «لجنة الانضباط والأخلاق») or up
/// to two plain ones («شركة توتال», «صحيفة واشنطن بوست»).
fn introduced_org(body: &str, name: &str, before: usize) -> Option<String> {
    let words = key_words(name);
    let [only] = words.as_slice() else { return None };
    let head = only.strip_prefix("ال")?;
    if !(ORG_HEADS.contains(&head) || MEDIA.contains(&head)) {
        return None;
    }
    let text = &body[..body.floor_char_boundary(before)];
    let spans = word_spans(text);
    let key_of = |j: usize| mirsad_text::key(&text[spans[j].0..spans[j].1]);
    let mut scratch = String::new();
    for i in (0..spans.len()).rev() {
        let k = key_of(i);
        if k != head && !crate::resolve::CLITICS.iter().any(|c| k.strip_prefix(c) == Some(head)) {
            continue;
        }
        let mut end = i;
        let mut definite: Option<bool> = None;
        for j in i + 1..spans.len().min(i + 5) {
            if !text[spans[j - 1].1..spans[j].0].trim().is_empty() {
                break;
            }
            let w = &text[spans[j].0..spans[j].1];
            let wk = key_of(j);
            if cuts(w, &wk)
                || OPENER_SET.contains(wk.as_str())
                || RELATIVE.contains(&wk.as_str())
                || speech_verb(w, &mut scratch).is_some()
            {
                break;
            }
            // Definite words go on after one plain word («منظمة حظر الأسلحة الكيميائية»), plain
            // ones never after definite ones; a word with a pronoun («سفارة بلاده») ends it.
            let def = is_definite(&wk);
            let was = definite.replace(def);
            // After two plain words a definite one describes the name («واشنطن بوست الأميركية»).
            if was == Some(true) && !def
                || !def && j - i > 2
                || def && was == Some(false) && j - i > 2
                || w.ends_with('ه')
                || w.ends_with("ها")
            {
                break;
            }
            end = j;
        }
        if end == i {
            return None;
        }
        // The name without the clitic the head was written with («لوزارة» → «وزارة …»).
        let clitic = k.chars().count() - head.chars().count();
        let word = &text[spans[i].0..spans[i].1];
        let start = spans[i].0 + word.char_indices().nth(clitic).map_or(0, |(b, _)| b);
        return Some(text[start..spans[end].1].to_string());
    }
    None
}

/// The person or organization the article names with the speaker's words (at `at..end`; an
/// eponym or the one spoken to there is not one): a mention
/// written whole inside them, or whose last word (the family name) is one of them. A person
/// wins, then the nearest mention before the quote.
fn by_name(
    body: &str,
    name: &str,
    (at, end): (usize, usize),
    mentions: &[Candidate],
    name_word: &dyn Fn(&str) -> bool,
) -> Option<String> {
    // Each word also without a one-letter clitic («لبوتين»).
    let mut words = key_words(name);
    let bare: Vec<String> = words
        .iter()
        .filter_map(|w| {
            let rest = w.strip_prefix(['و', 'ل', 'ب', 'ف'])?;
            (rest.chars().count() >= 3).then(|| rest.to_string())
        })
        .collect();
    // «للشامي»: «لـ» before «الشامي», whose alef the spelling drops.
    let bare: Vec<String> =
        bare.into_iter().chain(words.iter().filter_map(|w| Some(format!("ال{}", w.strip_prefix("لل")?)))).collect();
    words.extend(bare);
    mentions
        .iter()
        .filter(|m| matches!(m.kind, EntityType::PER | EntityType::ORG))
        .filter(|m| {
            let within = m.span.0 >= at && m.span.1 <= end;
            !(within && (is_eponym(body, at, m.span.0) || spoken_to(body, at, m.span.0, name_word)))
        })
        .filter(|m| {
            let mk = key_words(&body[m.span.0..m.span.1]);
            !mk.is_empty()
                && (words.windows(mk.len()).any(|w| w == &mk[..])
                    || (mk.len() >= 2 && mk.last().is_some_and(|l| l.chars().count() >= 3 && words.contains(l))))
        })
        .max_by_key(|m| {
            (m.kind == EntityType::PER, m.span.1 <= at, if m.span.1 <= at { m.span.0 } else { usize::MAX - m.span.0 })
        })
        .map(|m| m.entity.to_string())
}

/// The speaker words as an organization's name: a head noun («وزارة», «اللجنة») and at least
/// one more word, up to a comma.
fn organization_name(name: &str) -> Option<String> {
    let name = name.split(['،', ',']).next()?.trim();
    let words = key_words(name);
    let head = words.first()?;
    let head = head.strip_prefix("ال").unwrap_or(head);
    (words.len() >= 2 && ORG_HEADS.contains(&head)).then(|| name.to_string())
}

/// The entity a bare title refers to, from what comes before `before`: the last person or
/// organization with the title's first words next to it («وزير الخارجية سيرغي لافروف»,
/// «بسام راضي، المتحدث الرسمي…»), else the last speaker or organization whose name starts
/// with the title's noun without «ال» («الوكالة» → «وكالة الأنباء…»).
fn by_title(
    body: &str,
    title: &str,
    before: usize,
    mentions: &[Candidate],
    said: &[(String, String)],
) -> Option<String> {
    let words: Vec<String> = mirsad_text::tokens(title).map(bare_key).collect();
    // Only a definite noun phrase of a few words is a title that refers back: with «ال», or a
    // role noun in construct with a definite noun, directly or through one more noun
    // («وزير الدفاع», «سفير خادم الحرمين الشريفين»; not «مسؤول أميركي», «مسؤول كبير في …»).
    let keys: Vec<String> = mirsad_text::tokens(title).map(mirsad_text::key).collect();
    let construct = match keys.as_slice() {
        [_, second, ..] if second.starts_with("ال") => true,
        [_, second, third, ..] => !second.ends_with('ي') && !second.ends_with("يه") && third.starts_with("ال"),
        _ => false,
    };
    let definite = keys.first().is_some_and(|k| k.starts_with("ال"))
        || construct && words.first().is_some_and(|w| TITLE_NOUNS.contains(&w.as_str()));
    if words.is_empty() || words.len() > 5 || !definite {
        return None;
    }
    let head = &words[..words.len().min(2)];
    let earlier = || {
        mentions.iter().rev().filter(move |m| m.span.1 <= before && matches!(m.kind, EntityType::PER | EntityType::ORG))
    };
    let next_to = |m: &&Candidate| {
        let lead = &body[body.floor_char_boundary(m.span.0.saturating_sub(80))..m.span.0];
        let lead: Vec<String> = mirsad_text::tokens(lead).map(bare_key).collect();
        let tail = &body[m.span.1..body.floor_char_boundary((m.span.1 + 100).min(before))];
        let tail: Vec<String> = mirsad_text::tokens(tail).take(6).map(bare_key).collect();
        // Before the name anywhere among its last words; after it only right after (apposition).
        lead[lead.len().saturating_sub(6)..].windows(head.len()).any(|w| w == head) || tail.starts_with(head)
    };
    if let Some(m) = earlier().find(next_to) {
        return Some(m.entity.to_string());
    }
    let starts_with_noun = |name: &str| mirsad_text::tokens(name).next().is_some_and(|w| bare_key(w) == words[0]);
    said.iter().rev().find(|(name, _)| starts_with_noun(name)).map(|(_, e)| e.clone()).or_else(|| {
        earlier()
            .find(|m| m.kind == EntityType::ORG && starts_with_noun(&body[m.span.0..m.span.1]))
            .map(|m| m.entity.to_string())
    })
}

/// A word's key without the article: «الوزير» and «وزير» compare equal.
fn bare_key(w: &str) -> String {
    let k = mirsad_text::key(w);
    k.strip_prefix("ال").filter(|r| r.chars().count() >= 2).map(str::to_string).unwrap_or(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte span of `words` (first occurrence) in `body`.
    fn span_in(body: &str, words: &str) -> (usize, usize) {
        let s = body.find(words).unwrap_or_else(|| panic!("{words:?} not in the fixture"));
        (s, s + words.len())
    }

    /// A mention of `words` in `body` linked to `entity`.
    fn mention<'a>(body: &str, words: &str, kind: EntityType, entity: &'a str) -> Candidate<'a> {
        Candidate { span: span_in(body, words), kind, entity }
    }

    fn speaker<'a>(text: &'a str, q: &Found) -> Option<&'a str> {
        match q.speaker {
            Speaker::Named(s, e) => Some(&text[s..e]),
            _ => None,
        }
    }

    #[test]
    fn the_ending_table_lets_every_speech_word_through() {
        let mut k = String::new();
        for w in VERBS.iter().chain(PARTICIPLES) {
            assert!(speech_verb(w, &mut k).is_some(), "{w}");
            assert!(speech_verb(&format!("و{w}"), &mut k).is_some(), "و{w}");
        }
        for w in ["وقالت", "فأضاف", "أكّد", "وأوضحـت", "صرّح", "وتابعَ", "قائلاً", "مضيفةً", "ونفى"]
        {
            assert!(speech_verb(w, &mut k).is_some(), "{w}");
        }
        for w in ["الرئيس", "مدينة", "كتاب", "أمس", "قائد"] {
            assert!(speech_verb(w, &mut k).is_none(), "{w}");
        }
        assert_eq!(speech_verb("مضيفا", &mut k), Some(Verb::Participle));
    }

    #[test]
    fn indirect_speech_with_named_speaker() {
        let t = "قال وزير الخارجية الروسي سيرغي لافروف إن بلاده مستعدة للحوار مع جميع الأطراف.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(speaker(t, &q[0]), Some("وزير الخارجية الروسي سيرغي لافروف"));
        assert!(q[0].text.starts_with("إن بلاده مستعدة"), "{}", q[0].text);
        assert!(q[0].text.ends_with("الأطراف"), "{}", q[0].text);
        assert!(!q[0].direct);
    }

    #[test]
    fn apposition_and_a_direct_quote_after_the_opener() {
        let t = "وقال المتحدث باسم الكرملين، دميتري بيسكوف، إنه: \"الزيارة ستتم في موعدها المحدد\".";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert!(q[0].direct);
        assert_eq!(q[0].text, "الزيارة ستتم في موعدها المحدد");
        assert_eq!(speaker(t, &q[0]), Some("المتحدث باسم الكرملين، دميتري بيسكوف"));
    }

    #[test]
    fn continuations_refer_back() {
        let t = "وقال الوزير: «الزيارة ستتم في موعدها المحدد». وأضاف أن المحادثات ستتناول التعاون الاقتصادي، مشيرا إلى أن الاتفاق سيوقع قريبا جدا.";
        let q = find(t);
        assert_eq!(q.len(), 3, "{q:?}");
        assert_eq!(speaker(t, &q[0]), Some("الوزير"));
        assert_eq!((q[1].speaker, q[2].speaker), (Speaker::Continues, Speaker::Continues), "أضاف and مشيرا refer back");
        assert!(q[1].text.ends_with("التعاون الاقتصادي"), "the participle starts a new quote: {}", q[1].text);
        assert!(q[2].text.starts_with("أن الاتفاق"), "{}", q[2].text);
    }

    #[test]
    fn prepositional_phrases_between_speaker_and_speech() {
        let t = "وكتب الرئيس الأوكراني على قناته في تيليجرام: «لن نتراجع عن هذا القرار أبدا».";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(speaker(t, &q[0]), Some("الرئيس الأوكراني"));
        let t = "وقال وزير المالية في تصريح لـ«العربية» إن العجز سيتراجع خلال العام المقبل.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(speaker(t, &q[0]), Some("وزير المالية"));
        let t = "وأشار رئيس الوزراء، في مؤتمر صحفي، إلى أن الحكومة ستعلن خطتها الجديدة غدا.";
        let q = find(t);
        assert_eq!(speaker(t, &q[0]), Some("رئيس الوزراء"), "{q:?}");
    }

    #[test]
    fn speaker_before_the_verb_or_a_relative_pronoun() {
        let t = "الوزيرة قالت: «لن نتراجع عن هذا القرار أبدا»";
        assert_eq!(speaker(t, &find(t)[0]), Some("الوزيرة"));
        let t = "وبالنسبة لبوتين، الذي قال إن روسيا تخوض معركة طويلة مع الغرب، فإن الزيارة مهمة.";
        let q = find(t);
        assert_eq!(speaker(t, &q[0]), Some("وبالنسبة لبوتين"), "{q:?}");
        let t = "كما قال إن الحكومة ستعلن خطتها الجديدة غدا.";
        assert_eq!(find(t)[0].speaker, Speaker::Continues);
        let t = "وكان ولي العهد محمد بن سلمان قد صرح في مقابلة مع مجلة أمريكية أن بلاده ستغير قوانينها.";
        assert_eq!(speaker(t, &find(t)[0]), Some("ولي العهد محمد بن سلمان"));
        // A verb joined by «و» does not take the last word of the clause before as its subject.
        let t = "وتنفي الحكومة تلك المزاعم وتقول إن الهجمات تستهدف سكانها بلا سبب.";
        assert_eq!(find(t)[0].speaker, Speaker::Continues);
    }

    #[test]
    fn reporting_chains_name_the_source() {
        let t = "ونقلت وكالة رويترز عن وزير النفط قوله إن الإنتاج سيرتفع الشهر المقبل بنسبة كبيرة.";
        assert_eq!(speaker(t, &find(t)[0]), Some("وزير النفط"));
        let t = "ونقلت الوكالة الرسمية عنه قوله إن المفاوضات ستستأنف الأسبوع المقبل في جنيف.";
        assert_eq!(find(t)[0].speaker, Speaker::Pronoun, "عنه refers back");
        let t = "وأضاف فضيلته: أن الرئاسة تستقبل البلاغات على مدار الساعة.";
        assert_eq!(find(t)[0].speaker, Speaker::Continues);
    }

    #[test]
    fn points_inside_names_and_mixed_quotation_marks() {
        let t = "وقال بنك دي.زد الألماني الجمعة إنه سيوقف تعاملاته المالية مع الشركات هناك.";
        let q = find(t);
        assert_eq!(speaker(t, &q[0]), Some("بنك دي.زد الألماني"), "{q:?}");
        let t = "وأضاف “لا أعلم الموعد المحدد بدقة لكن الأمر قريب\".";
        let q = find(t);
        assert!(q[0].direct && q[0].text.starts_with("لا أعلم"), "{q:?}");
        // «ومتابعة» is a noun here: the quote goes on.
        let t = "وأكد الوزير أن الرئاسة العامة وبتوجيهات ومتابعة من القيادة تعمل على الملف.";
        assert!(find(t)[0].text.ends_with("الملف"), "{:?}", find(t));
    }

    #[test]
    fn the_medium_spoken_to_is_not_the_speaker() {
        let t = "وقال لوكالة الأنباء الألمانية إن المفاوضات ستستأنف الأسبوع المقبل.";
        assert_eq!(find(t)[0].speaker, Speaker::Continues);
        let t = "وقال الوزير للصحيفة إن المفاوضات ستستأنف الأسبوع المقبل.";
        assert_eq!(speaker(t, &find(t)[0]), Some("الوزير"));
    }

    #[test]
    fn speaker_after_the_quotation() {
        let t = "«نحن مستعدون لكل الاحتمالات المطروحة»، قال بيسكوف للصحفيين.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(speaker(t, &q[0]), Some("بيسكوف"));
    }

    #[test]
    fn not_speech() {
        assert!(find("زار الوفد «الرياض» أمس").is_empty());
        assert!(find("وصل الوفد إلى المدينة صباح اليوم.").is_empty());
        assert!(find("أعلن الجيش سيطرته على المدينة بعد أن انسحب المسلحون منها ليلا.").is_empty());
        // «علي» the name is not the preposition «على».
        let t = "وقال علي لاريجاني إن المفاوضات ستستمر حتى التوصل إلى اتفاق.";
        assert_eq!(speaker(t, &find(t)[0]), Some("علي لاريجاني"));
        let t = "وقال إن النمو بلغ 3.5 في المئة هذا العام مقارنة بالعام الماضي.";
        assert!(find(t)[0].text.ends_with("الماضي"), "{:?}", find(t));
    }

    #[test]
    fn attribution_to_entities() {
        let body = "وقال وزير الخارجية سيرغي لافروف إن الزيارة مهمة جدا للبلدين.\n\nوقالت وكالة الأنباء المركزية إن الزعيم سيصل غدا إلى موسكو.\n\nوقال الوزير إن المحادثات ستكون صعبة جدا. وأضافت الوكالة أن الوفد يضم عشرة وزراء.";
        let span = |w: &str| span_in(body, w);
        let mentions = [
            Candidate { span: span("سيرغي لافروف"), kind: EntityType::PER, entity: "PER:lavrov" },
            Candidate {
                span: span("وكالة الأنباء المركزية"), kind: EntityType::ORG, entity: "ORG:kcna"
            },
            Candidate { span: span("موسكو"), kind: EntityType::LOC, entity: "LOC:moscow" },
        ];
        let (q, added) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        let who: Vec<Option<&str>> = q.iter().map(|q| q.speaker.as_deref()).collect();
        assert_eq!(who, [Some("PER:lavrov"), Some("ORG:kcna"), Some("PER:lavrov"), Some("ORG:kcna")], "{q:#?}");
        assert_eq!(q[2].speaker_name.as_deref(), Some("الوزير"));
        assert!(added.is_empty());
    }

    #[test]
    fn a_family_name_or_an_organization_the_tagger_missed() {
        let body = "زار عيسى قراقع المستشفى أمس.\n\nوأضاف قراقع أن الأسرى بدأوا إضرابا عن الطعام.\n\nوقالت لجنة الانضباط والأخلاق إن العقوبة نهائية ولا يمكن الطعن فيها.";
        let mentions = [mention(body, "عيسى قراقع", EntityType::PER, "PER:q")];
        let (q, added) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q.len(), 2, "{q:#?}");
        assert_eq!(q[0].speaker.as_deref(), Some("PER:q"));
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].text, "لجنة الانضباط والأخلاق");
        assert_eq!(q[1].speaker.as_ref(), Some(&added[0].entity));
    }

    #[test]
    fn the_first_person_named_is_the_speaker_and_lists_are_no_quotes() {
        let body = "وقالت جينا هاسبل مرشحة الرئيس دونالد ترامب لإدارة الوكالة أمام الكونغرس إن الوكالة لن تعود إلى ذلك البرنامج.";
        let at = |w: &str| span_in(body, w);
        let mentions = [
            Candidate { span: at("جينا هاسبل"), kind: EntityType::PER, entity: "PER:haspel" },
            Candidate { span: at("دونالد ترامب"), kind: EntityType::PER, entity: "PER:trump" },
        ];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q[0].speaker.as_deref(), Some("PER:haspel"), "{q:#?}");
        assert!(find("وضمت القائمة «حمد الحمد، سلطان البيشي، يحيى المسلم، خالد كعبي».").is_empty());
    }

    fn no_names(_: &str) -> bool {
        false
    }

    #[test]
    fn a_source_clause_at_the_end_of_a_sentence() {
        let t = "وقد أصيب خمسة أشخاص في الحادث المروري، وفقا لما ذكرته شرطة المدينة في بيان لها.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:#?}");
        assert_eq!(q[0].text, "وقد أصيب خمسة أشخاص في الحادث المروري");
        assert_eq!(speaker(t, &q[0]), Some("شرطة المدينة"));
        let t = "وارتفع عدد الجرحى إلى مئة شخص منذ الصباح، وفقا لوزارة الصحة.";
        assert_eq!(speaker(t, &find(t)[0]), Some("وزارة الصحة"), "the «لـ» of «وفقا لـ» goes");
        let t = "وتوقف المشروع في العام التالي بدون سبب واضح، بحسب ما أكده موقع \"تك نيوز\".";
        assert_eq!(speaker(t, &find(t)[0]), Some("موقع \"تك نيوز"));
        // A poll or a document is no speaker; a plain «وفقا لـ» inside a sentence is no source.
        assert!(find("وحصلت ثلاثة قمصان على أقل الأصوات في المسابقة، حسب اختيارات القراء.").is_empty());
        // «بحسب بياناتها»: the statements of the sentence's subject.
        let t = "وأصدرت الهيئة عددا من القرارات بحق الأندية، وذلك بحسب بياناتها الرسمية أمس.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:#?}");
        assert_eq!(q[0].text, "وأصدرت الهيئة عددا من القرارات بحق الأندية");
        assert_eq!(speaker(t, &q[0]), Some("الهيئة"));
        let body = "وتوزع المساعدات على الأسر وفقا للحاجة كل شهر في المدينة والقرى.";
        assert!(attribute("a", body, find_in_body(body), &[], &no_names).0.is_empty());
        // Inside a sentence, a source of one word the article names as a person.
        let body =
            "وقال مدير المركز سامي الحربي إن العمل بدأ في المركز منذ شهرين. واستهدف المركز وفقا للحربي الأسر المنتجة في المنطقة كلها.";
        let mentions = [mention(body, "سامي الحربي", EntityType::PER, "PER:h")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q.len(), 2, "{q:#?}");
        assert!(q[1].text.starts_with("واستهدف المركز"));
        assert_eq!(q[1].speaker.as_deref(), Some("PER:h"));
    }

    #[test]
    fn a_person_in_apposition_after_a_title_cut_by_a_preposition() {
        let body = "ولمح السفير الروسي إلى بريطانيا، أكساندر ياكوفلين الخميس، إلى أن التحقيق لم ينته بعد.";
        let at = |w: &str| span_in(body, w);
        let mentions = [
            Candidate { span: at("بريطانيا"), kind: EntityType::LOC, entity: "LOC:uk" },
            Candidate { span: at("ياكوفلين"), kind: EntityType::PER, entity: "PER:y" },
        ];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q[0].speaker.as_deref(), Some("PER:y"), "{q:#?}");
        // Not a person after the cut with no comma or title before him.
        let body = "وقال الوزير في مؤتمر مع نظيره الفرنسي جان لودري إن الاتفاق قريب جدا من التوقيع.";
        let mentions = [mention(body, "جان لودري", EntityType::PER, "PER:j")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_ne!(q[0].speaker.as_deref(), Some("PER:j"), "{q:#?}");
    }

    #[test]
    fn each_of_a_list_and_an_unclosed_quotation() {
        let t = "وقال كل من سالم العتيبي، وفهد القحطاني: إن الزحام يزداد كل يوم في المقر.";
        assert_eq!(speaker(t, &find(t)[0]), Some("سالم العتيبي، وفهد القحطاني"));
        let t = "وقال المدير “لا أعرف الموعد بدقة لكننا سنغلق المكتب (هناك).\nوأعلنت الشركة أرباحها أمس.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:#?}");
        assert!(q[0].direct);
        assert_eq!(q[0].text, "لا أعرف الموعد بدقة لكننا سنغلق المكتب (هناك).");
    }

    #[test]
    fn a_subject_described_between_commas_before_kana_qad() {
        let t = "وكانت شركة دي.إف كارلو-ستين، أكبر شركة للشحن في العالم، قد قالت الخميس إنها ستغلق مكاتبها هناك قريبا.";
        let q = find(t);
        assert_eq!(speaker(t, &q[0]), Some("شركة دي.إف كارلو-ستين"), "{q:#?}");
    }

    #[test]
    fn a_verb_said_with_bilqawl_opens_speech_and_ends_the_speech_before() {
        let t = "وقال المسؤول إن الخطة جاهزة تماما، لكن الوزيرة ردت الثلاثاء بالقول \"لا توجد خطة جاهزة حتى الآن\".";
        let q = find(t);
        assert_eq!(q.len(), 2, "{q:#?}");
        assert_eq!(q[0].text, "إن الخطة جاهزة تماما");
        assert!(q[1].direct);
        assert_eq!(speaker(t, &q[1]), Some("الوزيرة"));
    }

    #[test]
    fn a_statement_issued_names_its_quotation_and_in_the_statement_is_no_speaker() {
        let t = "وبعد اللقاء أصدر قادة الاتحاد الأفريقي بياناً عبروا فيه عن \"التضامن الكامل مع الدولة المضيفة\". وأضافوا بالبيان أن المساعدات ستصل الأسبوع المقبل إلى المنطقة.";
        let q = find(t);
        assert_eq!(q.len(), 2, "{q:#?}");
        assert_eq!(speaker(t, &q[0]), Some("قادة الاتحاد الأفريقي"));
        assert_eq!(q[1].speaker, Speaker::Continues);
    }

    #[test]
    fn a_person_of_the_sentence_before_a_body() {
        let body = "هاجمت صحف نادي الريان المدرب سامي الفهد، بعدما أعلن أن لاعبيه لن يصطفوا لتحية المنافس.";
        let at = |w: &str| span_in(body, w);
        let mentions = [
            Candidate { span: at("نادي الريان"), kind: EntityType::ORG, entity: "ORG:r" },
            Candidate { span: at("سامي الفهد"), kind: EntityType::PER, entity: "PER:s" },
        ];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q[0].speaker.as_deref(), Some("PER:s"), "{q:#?}");
    }

    #[test]
    fn a_bare_head_noun_refers_to_the_body_named_before() {
        let body = "أصدرت وزارة الصحة الفلسطينية بيانا عن الجرحى.\n\nوقالت الوزارة إن عدد الجرحى ارتفع إلى مئة.";
        let (q, added) = attribute("a", body, find_in_body(body), &[], &no_names);
        assert_eq!(added.len(), 1, "{q:#?}");
        assert_eq!(added[0].text, "وزارة الصحة الفلسطينية");
        assert_eq!(q[0].speaker.as_ref(), Some(&added[0].entity));
        // Plain words after a medium's noun, and a clitic on the noun.
        let body = "وفي مقابلة لصحيفة واشنطن بوست الأميركية تحدث عن الخطة. وقالت الصحيفة إن الإدارة تدرس الخيارات.";
        let (_, added) = attribute("a", body, find_in_body(body), &[], &no_names);
        assert_eq!(added[0].text, "صحيفة واشنطن بوست");
        // Nothing named before: no speaker.
        let body = "وقالت الشركة إن الأرباح ارتفعت هذا العام بنسبة كبيرة.";
        let (q, added) = attribute("a", body, find_in_body(body), &[], &no_names);
        assert!(added.is_empty() && q[0].speaker.is_none(), "{q:#?}");
    }

    #[test]
    fn a_given_name_is_completed_by_one_plain_word_before_the_speech() {
        let names = |w: &str| w == "صالح";
        let complete = |body: &str| {
            let mentions = [mention(body, "صالح", EntityType::PER, "PER:saleh")];
            let (q, added) = attribute("a", body, find_in_body(body), &mentions, &names);
            (q[0].speaker.clone(), added.into_iter().map(|a| a.text).collect::<Vec<_>>())
        };
        let (speaker, added) = complete("وأوضح المهندس صالح قدح أن الفعالية تحظى باهتمام الزوار.");
        assert_eq!(added, ["صالح قدح"]);
        assert_eq!(
            speaker,
            Some(crate::entities::entity_id(EntityType::PER, &crate::entities::entity_key("صالح قدح")))
        );
        for body in [
            "وقال صالح للصحفيين إن الفعالية تحظى باهتمام الزوار.",
            "وقال صالح بالقول إن الفعالية تحظى باهتمام الزوار.",
            "وقال صالح أمس إن الفعالية تحظى باهتمام الزوار.",
        ] {
            let (speaker, added) = complete(body);
            assert!(added.is_empty(), "{body}: {added:?}");
            assert_eq!(speaker.as_deref(), Some("PER:saleh"), "{body}");
        }
    }

    #[test]
    fn a_role_in_construct_refers_back_and_an_indefinite_one_does_not() {
        let body = "وقال السفير أحمد قطان إن المنطقة تمر بمرحلة صعبة. \
                    وأكد سفير خادم الحرمين الشريفين أن المملكة لم تسع إلى الحرب.";
        let mentions = [mention(body, "أحمد قطان", EntityType::PER, "PER:qattan")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &|_| false);
        let speakers: Vec<Option<&str>> = q.iter().map(|q| q.speaker.as_deref()).collect();
        assert_eq!(speakers, [Some("PER:qattan"), Some("PER:qattan")], "{q:#?}");
        let said = [("مسؤول الإعلام أحمد قطان".to_string(), "PER:qattan".to_string())];
        assert_eq!(by_title(body, "مسؤول الإعلام", body.len(), &mentions, &said).as_deref(), Some("PER:qattan"));
        for indefinite in ["مسؤول أميركي", "مسؤول كبير في الوزارة", "مسؤول"] {
            assert_eq!(by_title(body, indefinite, body.len(), &mentions, &said), None, "{indefinite}");
        }
    }

    #[test]
    fn a_purpose_clause_and_a_bare_bayyana_before_that() {
        let t = "وظهر زيدان غاضبا في المؤتمر الصحافي ليؤكد أن فريقه لن يحيي برشلونة هذا الموسم.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].speaker, Speaker::Subject);
        assert!(q[0].text.starts_with("أن فريقه"), "{q:?}");
        let s = t.find("زيدان").unwrap();
        let mentions = [Candidate { span: (s, s + "زيدان".len()), kind: EntityType::PER, entity: "PER:zidane" }];
        let (quotes, _) = attribute("a", t, q, &mentions, &|_| false);
        assert_eq!(quotes[0].speaker.as_deref(), Some("PER:zidane"));
        let t = "وبين أن المركز حقق 43 ألف فرصة عمل خلال العام الماضي.";
        assert_eq!(find(t).len(), 1, "{:?}", find(t));
        // «بين» is "between" otherwise.
        assert!(find("وبين الطرفين خلاف قديم على الحدود منذ سنوات طويلة.").is_empty());
    }

    #[test]
    fn according_to_a_source_then_the_report() {
        let t = "ووفقا لموقع \"تك كرانش\" فإن المطورة جان وونغ هي أول من لاحظ الخاصية الجديدة.";
        let q = find(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(speaker(t, &q[0]), Some("موقع \"تك كرانش"));
        assert!(q[0].text.starts_with("فإن المطورة"), "{q:?}");
        let t = "وبحسب المرصد السوري لحقوق الإنسان، فإن الغارات استهدفت ثلاث بلدات في ريف إدلب.";
        assert_eq!(speaker(t, &find(t)[0]), Some("المرصد السوري لحقوق الإنسان"));
        // No «فإن» within the source's few words: no quote.
        assert!(find("ووفقا للخطة الجديدة ستبدأ الأعمال في الشهر المقبل بعد موافقة المجلس.").is_empty());
    }

    #[test]
    fn a_later_speaker_word_is_the_person_introduced_in_apposition() {
        let names = |w: &str| ["علا", "عوض", "يورغن", "وأكد"].contains(&w);
        let body = "وتحدثت رئيسة الجهاز المركزي للإحصاء، علا عوض، في مراسم إعلان النتائج.\n\n\
                    وذكرت علا أن 11 ألف خريج شاركوا في إجراء التعداد.\n\n\
                    وكان المدرب الألماني، يورغن كلوب، قد وصل. وأكد كلوب أن الفريق جاهز للمباراة.";
        let (q, added) = attribute("a", body, find_in_body(body), &[], &names);
        let texts: Vec<&str> = added.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["علا عوض", "يورغن كلوب"], "{q:#?}");
        assert_eq!(q.len(), 2, "{q:#?}");
        assert_eq!(q[0].speaker.as_ref(), Some(&added[0].entity));
        assert_eq!(q[1].speaker.as_ref(), Some(&added[1].entity));
        // A word that is not the name of anyone introduced so stays without an entity.
        let body = "وقال المدير، أحمد، إن العمل مستمر. وأكد كلوب أن الفريق جاهز للمباراة.";
        let (q, added) = attribute("a", body, find_in_body(body), &[], &names);
        assert!(added.is_empty() && q.iter().all(|q| q.speaker.is_none()), "{q:#?} {texts:?}");
    }

    #[test]
    fn an_untagged_name_after_a_title_and_the_body_named_after_a_person() {
        let names = |w: &str| ["علي", "رأفت", "صالح", "قدح", "سلمان"].contains(&w);
        let body = "وقال الطالب الجامعي، علي السليمي، إن المصلين انتظروا طويلا أمام المسجد.";
        let (q, added) = attribute("a", body, find_in_body(body), &[], &names);
        assert_eq!(
            added.iter().map(|a| (a.text.as_str(), a.kind)).collect::<Vec<_>>(),
            [("علي السليمي", EntityType::PER)]
        );
        assert_eq!(q[0].speaker.as_ref(), Some(&added[0].entity));
        // The king a center is named after is not its spokesman.
        let body =
            "وقال المتحدث الرسمي باسم مركز الملك سلمان للإغاثة رأفت الصباغ إن المساعدات وصلت إلى مستحقيها في اليمن.";
        let mentions = [mention(body, "سلمان", EntityType::PER, "PER:salman")];
        let (q, added) = attribute("a", body, find_in_body(body), &mentions, &names);
        assert_eq!(
            added.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(),
            ["رأفت الصباغ"],
            "{q:#?} {:?}",
            find_in_body(body)
        );
        // A given name the tagger cut from its family name.
        let body = "وقال المهندس صالح قدح إن الفعالية تحظى باهتمام الزوار.";
        let mentions = [mention(body, "صالح", EntityType::PER, "PER:saleh")];
        let (_, added) = attribute("a", body, find_in_body(body), &mentions, &names);
        assert_eq!(added.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(), ["صالح قدح"]);
        // Titles and common words stay no one.
        let body = "وقال مسؤول كبير في الوزارة إن القرار نهائي ولا رجعة فيه.";
        let (q, added) = attribute("a", body, find_in_body(body), &[], &names);
        assert!(added.is_empty() && q[0].speaker.is_none(), "{q:#?}");
    }

    #[test]
    fn the_manner_of_speaking_and_a_pronoun_subject_refer_back() {
        let t = "وأضاف قائلا: «لن نقبل بهذا الاتفاق أبدا».";
        assert_eq!(find(t)[0].speaker, Speaker::Continues, "{:?}", find(t));
        let t = "وأضاف بالقول: إن الأمر لا يعنيه في شيء على الإطلاق.";
        assert_eq!(find(t)[0].speaker, Speaker::Continues, "{:?}", find(t));
        let t = "لكنه قال إن الحكومة لن تتراجع عن قرارها الأخير.";
        assert_eq!(find(t)[0].speaker, Speaker::Pronoun, "{:?}", find(t));
    }

    #[test]
    fn the_agency_spoken_to_or_credited_is_not_the_speaker() {
        let body = "وقال لرويترز إن المحادثات ستستأنف الأسبوع المقبل في جنيف.";
        let mentions = [mention(body, "رويترز", EntityType::ORG, "ORG:reuters")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q[0].speaker, None, "{q:#?}");
        let body = "وقال مسؤول عسكري لرويترز إن المحادثات ستستأنف الأسبوع المقبل في جنيف.";
        let mentions = [mention(body, "رويترز", EntityType::ORG, "ORG:reuters")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q[0].speaker, None, "{q:#?}");
        let body = "وقال المستشار الاقتصادي للبيت الأبيض لاري كودلاو إن المحادثات ستستأنف قريبا.";
        let mentions = [mention(body, "لاري كودلاو", EntityType::PER, "PER:k")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &|w| w == "لاري");
        assert_eq!(q[0].speaker.as_deref(), Some("PER:k"), "{q:#?}");
        let body = "دبي (CNN) -- قال إن المحادثات ستستأنف الأسبوع المقبل في جنيف.";
        let mentions = [mention(body, "CNN", EntityType::ORG, "ORG:cnn")];
        let (q, _) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q[0].speaker, None, "{q:#?}");
    }

    #[test]
    fn an_unnamed_source_is_no_entity() {
        let body = "وقال الوزير سيرغي لافروف إن الزيارة مهمة جدا. وقال مصدر مطلع إن الوفد سيصل غدا إلى موسكو.";
        let mentions = [mention(body, "سيرغي لافروف", EntityType::PER, "PER:lavrov")];
        let (q, added) = attribute("a", body, find_in_body(body), &mentions, &no_names);
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].speaker, None, "{q:#?}");
        assert!(added.is_empty());
    }
}
