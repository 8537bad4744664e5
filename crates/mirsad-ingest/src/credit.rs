//! Who an article credits: news agencies and outlets named in its byline, dateline and credit
//! lines, normalized to one canonical Arabic name each.
//!
//! Arabic outlets put the credit in a few fixed places:
//! - the byline (a JSONL record's `author`, an HTML author tag): «باريس - د ب أ», «دبي ـ
//!   العربية.نت», ««الاقتصادية» من الرياض», «عكاظ (جدة)», «الوئام - رويترز:»;
//! - a dateline that opens the first paragraph: «اسطنبول - رويترز - …», «الرياض (واس) - …»,
//!   «(أ ف ب) - …», «دبي، الإمارات العربية المتحدة (CNN)-- …»;
//! - a parenthesised credit that closes the last paragraph: «… (رويترز)»;
//! - a standalone first or last line: «فرانس 24/ أ ف ب/ رويترز», «(أ ف ب)», «نقلاً عن …»,
//!   «بحسب وكالة …», «وفقاً لوكالة …» (the «المصدر: …» lines are read by [`crate::meta`]).
//!
//! The parser is written by hand: no crate knows Arabic bylines, and the rules are few and
//! positional. Only what the table [`NAMES`] knows, or a clear «وكالة … للأنباء» form, counts as a
//! credit in a byline or dateline; a person's name or a city there is not one. An agency named
//! inside a sentence («قال مسؤول لرويترز», «حسب رويترز») credits that fact, not the article, and is
//! never read. Names are compared by [`mirsad_text::key`] with spaces and dots removed, so hamza,
//! alef, ya and ta-marbuta spellings and «أ ف ب» / «أ.ف.ب» / «أفب» all meet.

use mirsad_text::{display, key};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a credited name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A news agency: the original source of wire copy.
    Agency,
    /// A newspaper, channel or site.
    Outlet,
}

/// One credited source, by its canonical name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub name: String,
    pub kind: Kind,
}

/// The agencies and outlets Arabic news credits: canonical Arabic name, kind, and every other
/// spelling seen in credits (Arabic and Latin, abbreviations with or without dots and spaces).
/// Spellings are compared by [`key`] with spaces removed, after an optional generic word is
/// peeled («وكالة», «صحيفة», «قناة», «مكتب», «مراسل», «للأنباء», «الإلكترونية», «أونلاين»), so
/// those need not be listed. An alias that is also a common word or a person's name («فارس»)
/// is listed only with its «وكالة» («وكالة فارس»), which then must be there. City names that are also
/// newspapers («الرياض», «المدينة», «اليوم», «الوطن») are listed only with «صحيفة»: alone, in a
/// byline, they name the place far more often. The Latin ids at the end of some rows are the outlet fields of the
/// corpora (`alarabia`, `skynews`, `was` …), so that an outlet crediting itself is recognised.
pub const NAMES: &[(&str, Kind, &[&str])] = &[
    // International agencies
    ("رويترز", Kind::Agency, &["Reuters", "رويتر"]),
    (
        "فرانس برس",
        Kind::Agency,
        &[
            "أ ف ب",
            "AFP",
            "فرانس بريس",
            "فرانس براس",
            "الصحافة الفرنسية",
            "الوكالة الفرنسية",
            "وكالة الأنباء الفرنسية",
            "Agence France-Presse",
            "France Presse",
        ],
    ),
    (
        "أسوشيتد برس",
        Kind::Agency,
        &[
            "أ ب",
            "AP",
            "الأسوشيتد برس",
            "أسوشييتد برس",
            "أسوشيتيد برس",
            "أسوشيتدبرس",
            "أسوشيتد بريس",
            "Associated Press",
        ],
    ),
    ("د ب أ", Kind::Agency, &["DPA", "الألمانية", "الوكالة الألمانية", "وكالة الأنباء الألمانية"]),
    ("يو بي آي", Kind::Agency, &["UPI", "يونايتد برس", "يونايتد برس إنترناشونال"]),
    ("بلومبرغ", Kind::Agency, &["Bloomberg", "بلومبيرغ", "بلومبرج", "بلومبيرج"]),
    ("الأناضول", Kind::Agency, &["Anadolu", "وكالة الأناضول", "الأناضول التركية"]),
    ("سبوتنيك", Kind::Agency, &["Sputnik"]),
    ("تاس", Kind::Agency, &["TASS", "إيتار تاس", "ايتار-تاس"]),
    ("نوفوستي", Kind::Agency, &["ريا نوفوستي", "RIA Novosti", "RIA"]),
    ("شينخوا", Kind::Agency, &["Xinhua", "شينهوا", "شينخوا الصينية"]),
    ("إرنا", Kind::Agency, &["IRNA", "وكالة الجمهورية الإسلامية للأنباء"]),
    ("وكالة فارس", Kind::Agency, &["Fars"]),
    ("وكالة تسنيم", Kind::Agency, &["Tasnim"]),
    ("يونهاب", Kind::Agency, &["Yonhap"]),
    ("كيودو", Kind::Agency, &["Kyodo"]),
    ("إفي", Kind::Agency, &["EFE", "وكالة إفي"]),
    ("أنسا", Kind::Agency, &["ANSA"]),
    ("وكالة الأنباء المركزية الكورية", Kind::Agency, &["KCNA", "وكالة الأنباء الكورية الشمالية"]),
    // Arab state agencies
    ("واس", Kind::Agency, &["SPA", "وكالة الأنباء السعودية", "was"]),
    ("وام", Kind::Agency, &["WAM", "وكالة أنباء الإمارات", "وكالة الأنباء الإماراتية"]),
    ("قنا", Kind::Agency, &["QNA", "وكالة الأنباء القطرية"]),
    ("كونا", Kind::Agency, &["KUNA", "وكالة الأنباء الكويتية"]),
    ("بنا", Kind::Agency, &["BNA", "وكالة أنباء البحرين"]),
    ("العمانية", Kind::Agency, &["وكالة الأنباء العمانية", "ONA"]),
    ("بترا", Kind::Agency, &["Petra", "وكالة الأنباء الأردنية"]),
    ("سانا", Kind::Agency, &["SANA", "الوكالة العربية السورية للأنباء", "وكالة الأنباء السورية"]),
    ("أ ش أ", Kind::Agency, &["MENA", "وكالة أنباء الشرق الأوسط"]),
    ("واع", Kind::Agency, &["INA", "وكالة الأنباء العراقية"]),
    ("وفا", Kind::Agency, &["WAFA", "وكالة الأنباء الفلسطينية"]),
    ("سبأ", Kind::Agency, &["SABA", "وكالة الأنباء اليمنية"]),
    ("ومع", Kind::Agency, &["MAP", "وكالة المغرب العربي للأنباء"]),
    ("وأج", Kind::Agency, &["APS", "وكالة الأنباء الجزائرية"]),
    ("وات", Kind::Agency, &["TAP", "وكالة تونس أفريقيا للأنباء"]),
    ("سونا", Kind::Agency, &["SUNA", "وكالة السودان للأنباء"]),
    ("الوكالة الوطنية للإعلام", Kind::Agency, &["NNA"]),
    // Outlets
    ("العربية.نت", Kind::Outlet, &["العربية", "العربية نت", "قناة العربية", "Al Arabiya", "alarabiya", "alarabia"]),
    ("سكاي نيوز عربية", Kind::Outlet, &["سكاي نيوز", "Sky News Arabia", "Sky News", "skynews"]),
    ("CNN", Kind::Outlet, &["سي إن إن", "سي ان ان", "CNN بالعربية", "CNN العربية", "CNN Arabic"]),
    ("BBC", Kind::Outlet, &["بي بي سي", "بي بي سي عربي", "BBC عربي", "BBC Arabic", "هيئة الإذاعة البريطانية"]),
    ("فرانس 24", Kind::Outlet, &["France 24", "france24"]),
    ("الجزيرة", Kind::Outlet, &["الجزيرة نت", "Al Jazeera", "aljazeera", "aljazirah"]),
    ("الشرق الأوسط", Kind::Outlet, &["الشرق الأوسط أونلاين", "aawsat", "Asharq Al-Awsat"]),
    ("روسيا اليوم", Kind::Outlet, &["RT", "آر تي", "RT Arabic"]),
    ("الاقتصادية", Kind::Outlet, &["aleqtisadiya"]),
    ("عكاظ", Kind::Outlet, &["okaz"]),
    ("سبق", Kind::Outlet, &["sabq"]),
    ("الوئام", Kind::Outlet, &["alweeam"]),
    ("صحيفة الرياض", Kind::Outlet, &["alriyadh", "جريدة الرياض"]),
    ("صحيفة اليوم", Kind::Outlet, &["alyaum", "جريدة اليوم"]),
    ("صحيفة الوطن", Kind::Outlet, &["alwatan", "جريدة الوطن"]),
    ("صحيفة المدينة", Kind::Outlet, &["almadina", "جريدة المدينة"]),
    ("رأي اليوم", Kind::Outlet, &["3alyoum", "Rai Al Youm"]),
    ("الأهرام", Kind::Outlet, &["بوابة الأهرام", "Ahram"]),
    ("اليوم السابع", Kind::Outlet, &["Youm7"]),
    ("المصري اليوم", Kind::Outlet, &["Almasry Alyoum"]),
    ("صدى البلد", Kind::Outlet, &[]),
    ("العربي الجديد", Kind::Outlet, &[]),
    ("القدس العربي", Kind::Outlet, &[]),
    ("إرم نيوز", Kind::Outlet, &[]),
    ("الميادين", Kind::Outlet, &[]),
    ("البوابة العربية للأخبار التقنية", Kind::Outlet, &["البوابة العربية"]),
    ("نيويورك تايمز", Kind::Outlet, &["New York Times", "نيويورك تايمز الأمريكية"]),
    ("واشنطن بوست", Kind::Outlet, &["Washington Post"]),
    ("الغارديان", Kind::Outlet, &["Guardian", "الجارديان", "غارديان"]),
    ("فايننشال تايمز", Kind::Outlet, &["Financial Times", "فاينانشال تايمز"]),
    ("وول ستريت جورنال", Kind::Outlet, &["Wall Street Journal"]),
];

/// Generic words peeled off a name before it is looked up again.
const PREFIXES: &[&str] = &["وكاله", "الوكاله", "صحيفه", "جريده", "موقع", "قناه", "شبكه", "مكتب", "مراسل", "مراسله"];
/// A country adjective after a paper's name says where it is from («الأهرام المصرية», «عكاظ
/// السعودية»); it is peeled too, in key form.
const SUFFIXES: &[&str] = &[
    "للانباء",
    "الاخباريه",
    "الاخباري",
    "الالكترونيه",
    "الالكتروني",
    "اونلاين",
    "المصريه",
    "السعوديه",
    "الاماراتيه",
    "الكويتيه",
    "القطريه",
    "البحرينيه",
    "العمانيه",
    "الاردنيه",
    "اللبنانيه",
    "السوريه",
    "العراقيه",
    "اليمنيه",
    "الجزايريه",
    "المغربيه",
    "التونسيه",
    "الليبيه",
    "السودانيه",
    "الفلسطينيه",
    "الامريكيه",
    "الاميركيه",
    "البريطانيه",
    "الفرنسيه",
    "الروسيه",
    "التركيه",
    "الايرانيه",
    "الصينيه",
    "الالمانيه",
];

/// Words that name no source: «وكالات» (agencies, unnamed), «متابعات».
const UNNAMED: &[&str] = &["وكالات", "ووكالات", "الوكالات", "وكالات الانباء", "متابعات", "متابعه", "خاص"];

/// The comparison form of a name: its key with spaces removed.
pub fn fold_name(name: &str) -> String {
    key(name).chars().filter(|c| *c != ' ').collect()
}

fn table() -> &'static HashMap<String, usize> {
    static TABLE: OnceLock<HashMap<String, usize>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for (i, (canonical, _, aliases)) in NAMES.iter().enumerate() {
            for a in std::iter::once(canonical).chain(aliases.iter()) {
                m.entry(fold_name(a)).or_insert(i);
            }
        }
        m
    })
}

/// The table's names of at least [`MIN_FUZZY_CHARS`] letters, folded, with their length and
/// row, in table order.
fn long_names() -> &'static [(String, usize, usize)] {
    static LONG: OnceLock<Vec<(String, usize, usize)>> = OnceLock::new();
    LONG.get_or_init(|| {
        let mut v = Vec::new();
        for (i, (canonical, _, aliases)) in NAMES.iter().enumerate() {
            for a in std::iter::once(canonical).chain(aliases.iter()) {
                let f = fold_name(a);
                let n = f.chars().count();
                if n >= MIN_FUZZY_CHARS {
                    v.push((f, n, i));
                }
            }
        }
        v
    })
}

/// Characters trimmed from a name's ends: quotation marks, brackets, stops, bullets.
const TRIM: &[char] =
    &['«', '»', '"', '“', '”', '\'', '(', ')', '[', ']', '.', '*', ':', '،', ',', '؛', ';', '-', '–', '—'];

/// The table entry a name stands for, if any: the name as written, else with one generic word
/// peeled at its start and/or end.
pub fn lookup(name: &str) -> Option<Credit> {
    let k = key(name.trim().trim_matches(TRIM));
    if k.is_empty() {
        return None;
    }
    let words: Vec<&str> = k.split(' ').collect();
    let (mut lo, mut hi) = (0, words.len());
    let mut tries = vec![(lo, hi)];
    if hi - lo > 1 && PREFIXES.contains(&words[lo]) {
        lo += 1;
        tries.push((lo, hi));
    }
    if hi - lo > 1 && SUFFIXES.contains(&words[hi - 1]) {
        hi -= 1;
        tries.push((lo, hi));
        tries.push((0, hi));
    }
    let entry = |i: usize| Credit { name: NAMES[i].0.to_string(), kind: NAMES[i].1 };
    let folded: Vec<String> = tries.iter().map(|&(a, b)| words[a..b].concat()).collect();
    if let Some(c) = folded.iter().find_map(|f| table().get(f).map(|&i| entry(i))) {
        return Some(c);
    }
    // one letter off a long name («أسوشيتدر برس»): a typo, not another source
    folded.iter().find_map(|f| {
        let n = f.chars().count();
        if n < MIN_FUZZY_CHARS {
            return None;
        }
        // in table order, so that the same input always gives the same name
        long_names()
            .iter()
            .find(|(alias, m, _)| m.abs_diff(n) <= 1 && one_edit_apart(f, alias))
            .map(|&(_, _, i)| entry(i))
    })
}

/// Names at least this long (letters, spaces removed) match a table name one letter off.
const MIN_FUZZY_CHARS: usize = 10;

/// True when `a` and `b` differ by at most one inserted, deleted or replaced letter.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if prefix == short.len() {
        return true; // equal, or one letter added at the end
    }
    let skip_short = if short.len() == long.len() { prefix + 1 } else { prefix };
    short[skip_short..] == long[prefix + 1..]
}

/// The Arabic name a reader knows a source by: the table's name, or its first alias in Arabic
/// letters when the table's name is Latin («CNN» → «سي إن إن»); `None` when the table does
/// not know `name`.
pub fn arabic_name(name: &str) -> Option<String> {
    let c = lookup(name)?;
    let arabic = |s: &str| s.chars().any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch));
    if arabic(&c.name) {
        return Some(c.name);
    }
    let row = NAMES.iter().find(|(n, _, _)| *n == c.name)?;
    Some(row.2.iter().find(|a| arabic(a)).map_or(c.name, |a| a.to_string()))
}

/// The canonical name of a source as written in a source line: the table's name when it knows
/// it, else the name in display form.
pub fn normalize(name: &str) -> Credit {
    lookup(name).unwrap_or_else(|| Credit { name: display(name.trim().trim_matches(TRIM).trim()), kind: Kind::Outlet })
}

/// True for «وكالة … للأنباء», «وكالة أنباء …», «وكالة الصحافة …»: a news agency named in full
/// that the table does not know (at most six words).
fn is_agency_form(name: &str) -> bool {
    let k = key(name.trim().trim_matches(TRIM));
    let words: Vec<&str> = k.split(' ').collect();
    (2..=6).contains(&words.len())
        && matches!(words[0], "وكاله" | "الوكاله")
        && words[1..].iter().any(|w| matches!(*w, "انباء" | "الانباء" | "للانباء" | "الصحافه" | "للاعلام"))
}

/// A credit named by one piece of a byline, dateline or credit line: a table name or a full
/// agency name; `None` for a place, a person, a date or «وكالات».
pub fn piece_credit(piece: &str) -> Option<Credit> {
    let p = piece.trim().trim_matches(TRIM).trim();
    if p.is_empty() || UNNAMED.contains(&key(p).as_str()) {
        return None;
    }
    lookup(p).or_else(|| is_agency_form(p).then(|| Credit { name: display(p), kind: Kind::Agency }))
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‒' | '―' | '_')
}

/// Splits a byline or dateline into its pieces at dashes, colons, brackets, commas, slashes
/// and quotation marks.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| {
        is_dash(c)
            || matches!(c, ':' | '：' | '(' | ')' | '[' | ']' | '،' | ',' | '/' | '|' | '«' | '»' | '"' | '“' | '”')
    })
    .map(str::trim)
    .filter(|p| !p.is_empty())
}

fn push(out: &mut Vec<Credit>, c: Credit) {
    if !out.contains(&c) {
        out.push(c);
    }
}

/// Credits in a byline («باريس - د ب أ», ««الاقتصادية» من الرياض», «عكاظ (جدة)»). Places and
/// persons' names are not credits and are skipped.
pub fn from_byline(byline: &str) -> Vec<Credit> {
    let mut out = Vec::new();
    if byline.chars().count() > 120 {
        return out;
    }
    // a tatweel standing alone between words is a dash («دبي ـ العربية.نت»); inside a word it
    // only stretches it, and `display` drops it
    let chars: Vec<char> = byline.chars().collect();
    let dashed: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let spaced = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_none_or(|c| c.is_whitespace());
            if c == mirsad_text::TATWEEL && (spaced(i.checked_sub(1)) || spaced(Some(i + 1))) {
                '-'
            } else {
                c
            }
        })
        .collect();
    let byline = display(&dashed);
    if key(&byline).split(' ').next().is_some_and(|w| PHOTO_CREDIT.contains(&w)) {
        return out;
    }
    for p in pieces(&byline) {
        // ««الاقتصادية» من الرياض», «ماجد الجميل من جنيف»
        for part in p.split(" من ") {
            if let Some(c) = piece_credit(part).or_else(|| glued_agency(part)) {
                push(&mut out, c);
            }
        }
    }
    out
}

/// Words of a byline piece that may hold a place and an agency with no dash between them.
const MAX_GLUED_PIECE_WORDS: usize = 4;
/// Words of a dated dateline («الرياض 24 شوال 1436 هـ الموافق 09 أغسطس 2015 م واس»).
const MAX_DATED_LINE_WORDS: usize = 14;

/// An agency named by the first or last words of a byline piece with no dash between it and a
/// place («برلين رويترز», «أ. ف. ب. إسطنبول»), or at the end of a dated dateline; only
/// agencies, whose names are not places or words of a site's name.
fn glued_agency(piece: &str) -> Option<Credit> {
    let words: Vec<&str> = piece.split_whitespace().collect();
    let dated = piece.chars().any(|c| c.is_numeric()) && words.len() <= MAX_DATED_LINE_WORDS;
    if words.len() > MAX_GLUED_PIECE_WORDS && !dated {
        return None;
    }
    let agency = |ws: &[&str]| lookup(&ws.join(" ")).filter(|c| c.kind == Kind::Agency);
    let tail = (1..words.len()).find_map(|i| agency(&words[i..]));
    if tail.is_some() || dated {
        return tail;
    }
    (1..words.len()).rev().find_map(|i| agency(&words[..i]))
}

/// A first line that is only a dated dateline ending with an agency («الخرطوم 25 شوال 1436 هـ
/// الموافق 10 أغسطس 2015 م واس»).
pub fn dated_dateline(line: &str) -> Option<Credit> {
    let t = line.trim();
    if t.ends_with(['.', '،', ':', '؟', '!']) {
        return None;
    }
    glued_agency(t).filter(|_| t.chars().any(|c| c.is_numeric()))
}

/// Words that open a photo or video credit, not the article's: «تصوير: (أ ف ب)».
const PHOTO_CREDIT: &[&str] = &["تصوير", "الصور", "صوره", "الصوره", "فيديو"];

/// Words a dateline may hold before the text starts.
const MAX_DATELINE_WORDS: usize = 10;
/// Words of one dateline piece (a place «الإمارات العربية المتحدة», a date, a credit).
const MAX_PIECE_WORDS: usize = 5;

/// Credits in a dateline that opens the first paragraph: a run of short pieces (places, dates,
/// credits) joined by dashes, colons or brackets, ended by a dash or colon after which the text
/// goes on. `None` when the paragraph has no such opening with a credit.
/// Returns the credits and the byte length of the dateline.
pub fn from_dateline(paragraph: &str) -> Option<(Vec<Credit>, usize)> {
    let mut words = 0;
    let mut prev_space = true;
    for (i, c) in paragraph.char_indices() {
        if c.is_whitespace() {
            prev_space = true;
            continue;
        }
        if prev_space && !is_dash(c) && !matches!(c, ':' | '(' | ')') {
            words += 1;
        }
        prev_space = false;
        if words > MAX_DATELINE_WORDS {
            return None;
        }
        // the dateline ends at a dash or colon («الرياض (واس) -», «(CNN)--»); a bracket alone
        // does not end it («قالت وكالة أنباء الصين الجديدة (شينخوا) إن …» is a sentence)
        if !(is_dash(c) || matches!(c, ':' | '：')) {
            continue;
        }
        let end = i;
        // a hyphen inside a word («جونغ-أون») does not end a dateline
        if is_dash(c)
            && paragraph[..i].chars().next_back().is_some_and(char::is_alphanumeric)
            && paragraph[i + c.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let head = &paragraph[..end];
        let rest =
            paragraph[end..].trim_start_matches(|c: char| c.is_whitespace() || is_dash(c) || matches!(c, ':' | '：'));
        if rest.is_empty() {
            return None;
        }
        let ps: Vec<&str> = pieces(head).collect();
        if ps.iter().any(|p| p.split_whitespace().count() > MAX_PIECE_WORDS) {
            return None;
        }
        // the credit opens or closes the dateline («واس - الرياض:», «اسطنبول - رويترز -»)
        let mut out = Vec::new();
        for p in [ps.first(), ps.last()].into_iter().flatten() {
            if let Some(c) = piece_credit(p) {
                push(&mut out, c);
            }
        }
        if !out.is_empty() {
            return Some((out, paragraph.len() - rest.len()));
        }
    }
    None
}

/// Lead words of a standalone credit line, in key form, and whether the name after them may be
/// any name (as after «المصدر:») or must be a known agency or outlet. «وفقاً» and «طبقاً» take
/// the name with «ل» glued on («وفقاً لوكالة …», «وفقاً لـ رويترز»).
const LEADS: &[(&str, bool)] = &[
    ("نقلا عن", true),
    ("نقلا من", true),
    ("منقول عن", true),
    ("بحسب", false),
    ("حسب", false),
    ("عن", false),
    ("وفقا", false),
    ("طبقا", false),
];

/// Most words of a standalone credit line.
const MAX_CREDIT_LINE_WORDS: usize = 9;

/// Reads a line that is only a credit: «(رويترز)», «فرانس 24/ أ ف ب/ رويترز», «نقلاً عن صحيفة
/// …», «بحسب وكالة رويترز». `None` when the line says anything else.
pub fn credit_line(line: &str) -> Option<Vec<Credit>> {
    let t = display(line.trim().trim_start_matches(['*', '-', '–', '—', '•', ' ']).trim());
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_CREDIT_LINE_WORDS {
        return None;
    }
    let keys: Vec<String> = words.iter().map(|w| key(w)).collect();
    for (lead, any_name) in LEADS {
        let lead: Vec<&str> = lead.split(' ').collect();
        if keys.len() <= lead.len() || keys[..lead.len()].iter().zip(&lead).any(|(k, l)| k != l) {
            continue;
        }
        let mut names = words[lead.len()..].join(" ");
        if matches!(lead[0], "وفقا" | "طبقا") {
            let rest = names.strip_prefix('ل')?;
            names = rest.trim_start().to_string();
        }
        let mut out = Vec::new();
        for p in pieces(&names) {
            let c = piece_credit(p).or_else(|| any_name.then(|| normalize(p)))?;
            push(&mut out, c);
        }
        return (!out.is_empty()).then_some(out);
    }
    // a line of credits only
    let mut out = Vec::new();
    for p in pieces(&t) {
        push(&mut out, piece_credit(p)?);
    }
    (!out.is_empty()).then_some(out)
}

/// A parenthesised credit that closes a paragraph: «… في العاصمة. (رويترز)», «…ـ (أ ف ب)».
pub fn trailing_credit(paragraph: &str) -> Option<Credit> {
    let t = paragraph.trim_end().trim_end_matches(['.', '،', ' ']);
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let name = &inner[open + 1..];
    let before = inner[..open].trim();
    if name.split_whitespace().count() > MAX_PIECE_WORDS || before.is_empty() {
        return None;
    }
    // «… وفقا لوكالة الأنباء الإماراتية (وام).»: the bracket spells out a source the last
    // sentence names, it does not credit the article
    let k = key(before);
    let last: Vec<&str> = k.split(' ').rev().take(ATTRIBUTION_WINDOW).collect();
    if last.iter().any(|w| ATTRIBUTION_WORDS.contains(w)) {
        return None;
    }
    piece_credit(name)
}

/// Words before a closing bracket looked at for an attribution phrase.
const ATTRIBUTION_WINDOW: usize = 6;
/// Words (key form) of a phrase that names the source of one sentence.
const ATTRIBUTION_WORDS: &[&str] = &[
    "وكاله",
    "لوكاله",
    "الانباء",
    "انباء",
    "حسب",
    "بحسب",
    "حسبما",
    "وفقا",
    "طبقا",
    "ذكرت",
    "نقلت",
    "قالت",
    "افادت",
    "اوردت",
    "نقلا",
    "عن",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn names(cs: &[Credit]) -> Vec<&str> {
        cs.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn arabic_names_of_outlet_ids() {
        assert_eq!(arabic_name("skynews").as_deref(), Some("سكاي نيوز عربية"));
        assert_eq!(arabic_name("CNN").as_deref(), Some("سي إن إن"));
        assert_eq!(arabic_name("alriyadh").as_deref(), Some("صحيفة الرياض"));
        assert_eq!(arabic_name("no-such-outlet"), None);
        // a city alone is not the paper named after it
        assert_eq!(lookup("الرياض"), None);
    }

    #[test]
    fn spellings_meet() {
        for s in ["رويترز", "وكالة رويترز", "Reuters", "REUTERS", "وكالة رويترز للأنباء", "(رويترز)"]
        {
            assert_eq!(lookup(s).map(|c| c.name), Some("رويترز".into()), "{s}");
        }
        for s in ["أ ف ب", "أ.ف.ب", "ا ف ب", "أ. ف. ب", "AFP", "فرانس برس", "وكالة فرانس برس", "وكالة الصحافة الفرنسية"]
        {
            assert_eq!(lookup(s).map(|c| c.name), Some("فرانس برس".into()), "{s}");
        }
        for s in ["د ب أ", "د.ب.أ", "DPA", "الوكالة الألمانية"] {
            assert_eq!(lookup(s).map(|c| c.name), Some("د ب أ".into()), "{s}");
        }
        assert_eq!(lookup("وكالة الانباء السعودية").map(|c| c.name), Some("واس".into()));
        assert_eq!(lookup("العربية.نت").map(|c| (c.name, c.kind)), Some(("العربية.نت".into(), Kind::Outlet)));
        assert_eq!(lookup("العربيه نت").map(|c| c.name), Some("العربية.نت".into()));
        assert_eq!(lookup("اسوشيتد برس").map(|c| c.name), Some("أسوشيتد برس".into()));
        assert_eq!(lookup("الأهرام المصرية").map(|c| c.name), Some("الأهرام".into()));
        assert_eq!(lookup("صحيفة عكاظ السعودية").map(|c| c.name), Some("عكاظ".into()));
        assert_eq!(lookup("الوكالة الألمانية").map(|c| c.name), Some("د ب أ".into()));
        // «فارس» alone is a person's name
        assert_eq!(lookup("فارس"), None);
        assert_eq!(lookup("وكالة فارس").map(|c| c.name), Some("وكالة فارس".into()));
        assert_eq!(lookup("القاهرة"), None);
    }

    #[test]
    fn one_letter_off() {
        assert!(one_edit_apart("اسوشيتدربرس", "اسوشيتدبرس"));
        assert!(one_edit_apart("اسوشيتدبرس", "اسوشيتدبرس"));
        assert!(one_edit_apart("اسوشيتدبرص", "اسوشيتدبرس"));
        assert!(!one_edit_apart("اسوشيتدبرصص", "اسوشيتدبرس"));
        assert!(!one_edit_apart("ابسوشيتدبرص", "اسوشيتدبرس"));
    }

    #[test]
    fn bylines() {
        assert_eq!(names(&from_byline("باريس - د ب أ")), ["د ب أ"]);
        assert_eq!(names(&from_byline("دبي ـ العربية.نت")), ["العربية.نت"]);
        assert_eq!(names(&from_byline("الوئام - رويترز:")), ["الوئام", "رويترز"]);
        assert_eq!(names(&from_byline("«الاقتصادية» من الرياض")), ["الاقتصادية"]);
        assert_eq!(names(&from_byline("عكاظ (جدة)")), ["عكاظ"]);
        assert_eq!(names(&from_byline("برلين رويترز")), ["رويترز"]);
        assert_eq!(names(&from_byline("سمير علي، أ ف ب عدن")), ["فرانس برس"]);
        assert_eq!(names(&from_byline("الرياض 24 شوال 1436 هـ الموافق 09 أغسطس 2015 م واس")), ["واس"]);
        assert!(from_byline("تصوير: (أ ف ب)").is_empty());
        assert!(from_byline("مصر العربية").is_empty());
        assert_eq!(names(&from_byline("موسكو – أسوشيتدر برس")), ["أسوشيتد برس"]);
        assert_eq!(names(&from_byline("القاهرة - الأسوشيتد برس")), ["أسوشيتد برس"]);
        assert_eq!(names(&from_byline("القاهرة - (أ.ف.ب)")), ["فرانس برس"]);
        assert_eq!(names(&from_byline("وكالة أنباء الجزر للأنباء - الميناء")), ["وكالة أنباء الجزر للأنباء"]);
        // a person, a city, unnamed agencies: no credit
        assert!(from_byline("القاهرة - سمير علي").is_empty());
        assert!(from_byline("سمير علي").is_empty());
        assert!(from_byline("الرياض").is_empty());
        assert!(from_byline("العربية.نت - وكالات").iter().all(|c| c.name == "العربية.نت"));
        assert!(from_byline("سمير علي من جنيف").is_empty());
    }

    #[test]
    fn datelines() {
        let d = |t: &str| from_dateline(t).map(|(c, n)| (names(&c).join("+"), t[n..].to_string()));
        assert_eq!(
            d("اسطنبول - رويترز - قال مسؤول إن الاجتماع انتهى."),
            Some(("رويترز".into(), "قال مسؤول إن الاجتماع انتهى.".into()))
        );
        assert_eq!(
            d("الرياض (واس) - أعلنت الوزارة اليوم عن خطة."),
            Some(("واس".into(), "أعلنت الوزارة اليوم عن خطة.".into()))
        );
        assert_eq!(
            d("(أ ف ب) - أعلنت الشرطة توقيف رجل."),
            Some(("فرانس برس".into(), "أعلنت الشرطة توقيف رجل.".into()))
        );
        assert_eq!(
            d("مدينة الشاطئ، الدولة البعيدة (CNN)-- قال الوزير إن الطريق مفتوح."),
            Some(("CNN".into(), "قال الوزير إن الطريق مفتوح.".into()))
        );
        assert_eq!(
            d("دبي - العربية.نت: قال الوزير إن الطريق مفتوح."),
            Some(("العربية.نت".into(), "قال الوزير إن الطريق مفتوح.".into()))
        );
        // a city only, a quote that names an agency, a hyphenated name
        assert_eq!(d("اسطنبول - قال مسؤول إن الاجتماع انتهى."), None);
        assert_eq!(d("قال مسؤول لرويترز - في اتصال هاتفي - إن الاجتماع انتهى."), None);
        assert_eq!(d("قال كيم جونغ-أون لرويترز إن الاجتماع انتهى."), None);
        assert_eq!(d("وأضاف: «نعمل مع رويترز» في كل المدن."), None);
        assert_eq!(d("قالت وكالة الأنباء (شينخوا) إن الطائرة جاهزة - بحسب الشركة."), None);
    }

    #[test]
    fn credit_lines() {
        let l = |t: &str| credit_line(t).map(|c| names(&c).join("+"));
        assert_eq!(l("(رويترز)"), Some("رويترز".into()));
        assert_eq!(l("فرانس 24/ أ ف ب/ رويترز"), Some("فرانس 24+فرانس برس+رويترز".into()));
        assert_eq!(l("*نقلا عن صحيفة المساء الرياضية"), Some("صحيفة المساء الرياضية".into()));
        assert_eq!(l("نقلاً عن وكالة رويترز"), Some("رويترز".into()));
        assert_eq!(l("بحسب وكالة أ.ف.ب"), Some("فرانس برس".into()));
        assert_eq!(l("وفقاً لوكالة الأناضول"), Some("الأناضول".into()));
        assert_eq!(l("وفقا لـ رويترز"), Some("رويترز".into()));
        // sentences, unknown names after «بحسب», a city
        assert_eq!(l("وقال مسؤول لرويترز إن الاجتماع انتهى."), None);
        assert_eq!(l("بحسب ما أوردت رويترز عن مصدر في الوزارة."), None);
        assert_eq!(l("بحسب الشرطة"), None);
        assert_eq!(l("القاهرة"), None);
        assert_eq!(l("// انتهى //"), None);
    }

    #[test]
    fn dated_datelines() {
        assert_eq!(
            dated_dateline("الخرطوم 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس").map(|c| c.name),
            Some("واس".into())
        );
        assert_eq!(dated_dateline("قتل 25 شخصا في هجوم بحسب واس."), None);
        assert_eq!(dated_dateline("الخرطوم 25 شوال 1436 هـ"), None);
    }

    #[test]
    fn trailing_credits() {
        assert_eq!(trailing_credit("وانتهى الاجتماع دون اتفاق. (رويترز)").map(|c| c.name), Some("رويترز".into()));
        assert_eq!(trailing_credit("وانتهى الاجتماع دون اتفاق (أ ف ب)."), Some(lookup("أ ف ب").unwrap()));
        // brackets that hold something else
        assert_eq!(trailing_credit("وبلغ عدد السكان مليونا (تقريبا)"), None);
        assert_eq!(trailing_credit("(رويترز)"), None);
        assert_eq!(trailing_credit("وانعطفت الطائرة بسرعة، وفقا لوكالة الأنباء الإماراتية (وام)."), None);
    }
}
