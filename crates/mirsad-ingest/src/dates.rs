//! Date strings in the forms Arabic news pages use, to calendar dates.
//!
//! Supported (see the tests for one example of each):
//! - ISO 8601 dates and datetimes (`2023-09-11`, `2023-09-11T10:30:00.123+03:00`, `…Z`) and
//!   compact `20230911` (in [`parse_date`] only);
//! - RFC 822/2822 (`Mon, 11 Sep 2023 10:30:00 GMT`, `+0400`) and JavaScript `Date` strings;
//! - numeric `d/m/y`, `y/m/d` with `/`, `-` or `.`: year-first when four digits lead,
//!   day-first otherwise unless the numbers rule it out (second number > 12), two-digit years;
//! - month names in Arabic (Egyptian series, Levantine series, Maghrebi series, the doubled form
//!   `18 أغسطس آب 2023`), English (full, abbreviated, ordinals `11th, September 2023 GMT`),
//!   French, German, Spanish, Portuguese, Italian, Dutch, Turkish, Indonesian, Polish, Russian,
//!   Ukrainian and Persian; day-month-year, month-day-year and year-month-day orders; CJK
//!   `2023年9月11日`;
//! - Eastern Arabic (`٠-٩`) and Persian (`۰-۹`) digits, diacritics, tatweel, direction marks;
//! - Hijri dates on the Umm al-Qura calendar (`25 صفر 1445 هـ`, `1445/02/25هـ`) and Solar
//!   Hijri (Jalali) dates with Persian month names; when a Hijri date is printed beside a
//!   Gregorian one the Gregorian one wins;
//! - a time before or after the date (`الساعة 10:30 صباحا`, `10:30 م`, `10:30 PM`, `10h30`)
//!   with an optional zone (`GMT`, `UTC`, `+03:00`, `+0300`, common abbreviations).
//!
//! Impossible dates (30 February) and years outside 1900–2100 are rejected. Precision is `Day`
//! without a time, `Minute` with hours and minutes, `Second` with seconds.

mod calendars;

pub use calendars::{hijri_to_gregorian, jalali_to_gregorian};

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime};
use mirsad_model::{Basis, DateValue, Precision, Published};
use regex::{Captures, Regex};

/// A date read from a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub offset: Option<FixedOffset>,
    pub precision: Precision,
    /// Byte range of the date expression in the input string.
    pub span: std::ops::Range<usize>,
}

impl FoundDate {
    /// The contract form: `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss][±hh:mm]` with a time.
    /// `None` only for a date the contract cannot write (years are kept within 1900–2100 here).
    pub fn to_published(&self, basis: Basis) -> Option<Published> {
        let mut value = self.date.format("%Y-%m-%d").to_string();
        if let (Some(t), true) = (self.time, self.precision > Precision::Day) {
            let fmt = if self.precision >= Precision::Second { "T%H:%M:%S" } else { "T%H:%M" };
            value.push_str(&t.format(fmt).to_string());
            if let Some(o) = self.offset {
                value.push_str(&o.to_string());
            }
        }
        Some(Published { value: DateValue::parse(&value).ok()?, precision: self.precision, basis })
    }
}

/// How to read an ambiguous numeric date such as `03/04/2023`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayOrder {
    /// `d/m/y` (Arabic, European usage): the default.
    #[default]
    DayFirst,
    /// `m/d/y` (United States usage).
    MonthFirst,
}

/// The calendar a date was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    Gregorian,
    Hijri,
    Jalali,
}

/// Parses a string that is (mostly) a date: meta tag values, feed dates, ISO 8601, RFC 822.
pub fn parse_date(s: &str) -> Option<FoundDate> {
    parse_date_with(s, DayOrder::DayFirst)
}

/// [`parse_date`] with an explicit reading of ambiguous numeric dates.
pub fn parse_date_with(s: &str, order: DayOrder) -> Option<FoundDate> {
    let t = s.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y = t[..4].parse().ok()?;
        let m = t[4..6].parse().ok()?;
        let d = t[6..].parse().ok()?;
        let date = gregorian(y, m, d)?;
        let start = s.len() - s.trim_start().len();
        return Some(FoundDate {
            date,
            time: None,
            offset: None,
            precision: Precision::Day,
            span: start..start + t.len(),
        });
    }
    find_date_with(s, order)
}

/// Finds the first date expression inside running text (a date line, a byline). A Hijri date
/// printed next to a Gregorian one gives way to the Gregorian one.
pub fn find_date(text: &str) -> Option<FoundDate> {
    find_date_with(text, DayOrder::DayFirst)
}

/// [`find_date`] with an explicit reading of ambiguous numeric dates.
pub fn find_date_with(text: &str, order: DayOrder) -> Option<FoundDate> {
    let all = scan(text, order);
    let first = all.first()?;
    if first.calendar != Calendar::Gregorian {
        // A Gregorian date printed beside it (before or after, within a short distance).
        if let Some(g) = all.iter().find(|c| {
            c.calendar == Calendar::Gregorian
                && (c.found.span.start.saturating_sub(first.found.span.end) <= 120
                    || first.found.span.start.saturating_sub(c.found.span.end) <= 120)
        }) {
            return Some(g.found.clone());
        }
    }
    Some(first.found.clone())
}

/// Every date expression in the text, in text order, without overlaps.
pub fn find_all_dates(text: &str) -> Vec<FoundDate> {
    scan(text, DayOrder::DayFirst).into_iter().map(|c| c.found).collect()
}

/// Every date expression with the calendar it was written in.
pub fn find_all_dates_with(text: &str, order: DayOrder) -> Vec<(FoundDate, Calendar)> {
    scan(text, order).into_iter().map(|c| (c.found, c.calendar)).collect()
}

// ---------------------------------------------------------------------------------------------
// Normalization

/// Text in the form the patterns expect: ASCII digits, lowercase, Arabic letter variants folded
/// (أ إ آ ٱ → ا, ى ی → ي, ة → ه, ک → ك), diacritics, tatweel and direction marks dropped; with
/// the original byte offset of every normalized byte.
struct Norm {
    text: String,
    /// `map[i]` = byte offset in the original of the character that produced byte `i`;
    /// `map[text.len()]` = the original length.
    map: Vec<usize>,
}

fn normalize(s: &str) -> Norm {
    let mut text = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len() + 1);
    let push = |text: &mut String, map: &mut Vec<usize>, c: char, at: usize| {
        let before = text.len();
        text.push(c);
        map.extend(std::iter::repeat_n(at, text.len() - before));
    };
    for (at, c) in s.char_indices() {
        let folded = match c {
            '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
            '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ى' | 'ی' | 'ې' => Some('ي'),
            'ة' => Some('ه'),
            'ک' => Some('ك'),
            '\u{0640}'
            | '\u{064B}'..='\u{0652}'
            | '\u{0670}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{00AD}' => None,
            '\u{00A0}' | '\u{2009}' | '\u{202F}' => Some(' '),
            '٫' | '٬' => Some(','),
            'ά' | 'Ά' => Some('α'),
            'έ' | 'Έ' => Some('ε'),
            'ή' | 'Ή' => Some('η'),
            'ί' | 'Ί' | 'ϊ' | 'ΐ' => Some('ι'),
            'ό' | 'Ό' => Some('ο'),
            'ύ' | 'Ύ' | 'ϋ' => Some('υ'),
            'ώ' | 'Ώ' => Some('ω'),
            '\u{2010}'..='\u{2015}' => Some('-'),
            c if c.is_uppercase() => {
                for l in c.to_lowercase() {
                    push(&mut text, &mut map, l, at);
                }
                continue;
            }
            c => Some(c),
        };
        if let Some(f) = folded {
            push(&mut text, &mut map, f, at);
        }
    }
    map.push(s.len());
    Norm { text, map }
}

// ---------------------------------------------------------------------------------------------
// Month names (in normalized form)

/// Gregorian month names: the Arabic ones (all series, from [`mirsad_text::months`]) first,
/// then [`OTHER_MONTHS`].
static GREGORIAN_MONTHS: LazyLock<Vec<(&'static str, u32)>> =
    LazyLock::new(|| mirsad_text::months::ARABIC_MONTHS.iter().chain(OTHER_MONTHS).copied().collect());

/// Gregorian month names in the other languages of the pages we read.
const OTHER_MONTHS: &[(&str, u32)] = &[
    // Persian names of the Gregorian months.
    ("ژانويه", 1),
    ("فوريه", 2),
    ("اوريل", 4),
    ("مه", 5),
    ("ژوين", 6),
    ("ژوئن", 6),
    ("ژوييه", 7),
    ("ژوئيه", 7),
    ("سپتامبر", 9),
    ("نوامبر", 11),
    ("دسامبر", 12),
    // English.
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // French.
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("janv", 1),
    ("févr", 2),
    ("fevr", 2),
    ("avr", 4),
    ("juil", 7),
    ("déc", 12),
    // German.
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("mär", 3),
    ("okt", 10),
    ("dez", 12),
    // Spanish.
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("dic", 12),
    // Portuguese.
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("fev", 2),
    ("set", 9),
    ("out", 10),
    // Italian.
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    ("gen", 1),
    ("mag", 5),
    ("giu", 6),
    ("lug", 7),
    ("ott", 10),
    // Dutch.
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("mrt", 3),
    // Indonesian / Malay (others shared with Dutch and English).
    ("pebruari", 2),
    ("agustus", 8),
    ("desember", 12),
    ("okt", 10),
    ("des", 12),
    // Turkish.
    ("ocak", 1),
    ("şubat", 2),
    ("subat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("mayis", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("agustos", 8),
    ("eylül", 9),
    ("eylul", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("kasim", 11),
    ("aralık", 12),
    ("aralik", 12),
    // Romanian.
    ("ianuarie", 1),
    ("februarie", 2),
    ("martie", 3),
    ("aprilie", 4),
    ("iunie", 6),
    ("iulie", 7),
    ("septembrie", 9),
    ("octombrie", 10),
    ("noiembrie", 11),
    ("decembrie", 12),
    ("ian", 1),
    ("iun", 6),
    ("iul", 7),
    // Hungarian (year first: `2020. augusztus 24.`).
    ("január", 1),
    ("február", 2),
    ("március", 3),
    ("április", 4),
    ("május", 5),
    ("június", 6),
    ("július", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("október", 10),
    // Czech (genitive).
    ("ledna", 1),
    ("února", 2),
    ("března", 3),
    ("dubna", 4),
    ("května", 5),
    ("června", 6),
    ("července", 7),
    ("srpna", 8),
    ("září", 9),
    ("října", 10),
    ("listopadu", 11),
    ("prosince", 12),
    // Swedish, Danish, Norwegian (others shared with German, Dutch, English).
    ("maj", 5),
    ("augusti", 8),
    ("marts", 3),
    // Greek (genitive).
    ("ιανουαριου", 1),
    ("φεβρουαριου", 2),
    ("μαρτιου", 3),
    ("απριλιου", 4),
    ("μαιου", 5),
    ("ιουνιου", 6),
    ("ιουλιου", 7),
    ("αυγουστου", 8),
    ("σεπτεμβριου", 9),
    ("οκτωβριου", 10),
    ("νοεμβριου", 11),
    ("δεκεμβριου", 12),
    // Polish (genitive, as dates print them).
    ("stycznia", 1),
    ("lutego", 2),
    ("marca", 3),
    ("kwietnia", 4),
    ("maja", 5),
    ("czerwca", 6),
    ("lipca", 7),
    ("sierpnia", 8),
    ("września", 9),
    ("października", 10),
    ("listopada", 11),
    ("grudnia", 12),
    // Russian (genitive and nominative).
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
    ("январь", 1),
    ("февраль", 2),
    ("март", 3),
    ("апрель", 4),
    ("май", 5),
    ("июнь", 6),
    ("июль", 7),
    ("август", 8),
    ("сентябрь", 9),
    ("октябрь", 10),
    ("ноябрь", 11),
    ("декабрь", 12),
    // Ukrainian (genitive).
    ("січня", 1),
    ("лютого", 2),
    ("березня", 3),
    ("квітня", 4),
    ("травня", 5),
    ("червня", 6),
    ("липня", 7),
    ("серпня", 8),
    ("вересня", 9),
    ("жовтня", 10),
    ("листопада", 11),
    ("грудня", 12),
];

const HIJRI_MONTHS: &[(&str, u32)] = &[
    ("محرم", 1),
    ("المحرم", 1),
    ("صفر", 2),
    ("ربيع الاول", 3),
    ("ربيع اول", 3),
    ("ربيع الثاني", 4),
    ("ربيع الاخر", 4),
    ("ربيع ثاني", 4),
    ("جمادي الاولي", 5),
    ("جمادي الاول", 5),
    ("جمادي اولي", 5),
    ("جمادي الثانيه", 6),
    ("جمادي الثاني", 6),
    ("جمادي الاخره", 6),
    ("جمادي الاخر", 6),
    ("جمادي اخره", 6),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
    ("ذو القعده", 11),
    ("ذي القعده", 11),
    ("ذو القعده", 11),
    ("ذو الحجه", 12),
    ("ذي الحجه", 12),
];

const JALALI_MONTHS: &[(&str, u32)] = &[
    ("فروردين", 1),
    ("ارديبهشت", 2),
    ("خرداد", 3),
    ("تير", 4),
    ("مرداد", 5),
    ("امرداد", 5),
    ("شهريور", 6),
    ("مهر", 7),
    ("ابان", 8),
    ("اذر", 9),
    ("دي", 10),
    ("بهمن", 11),
    ("اسفند", 12),
];

fn month_map(table: &[(&str, u32)]) -> HashMap<String, u32> {
    table.iter().map(|&(n, m)| (n.to_string(), m)).collect()
}

/// Regex alternation of the names, longest first so that the longest name wins.
fn alternation(table: &[(&str, u32)]) -> String {
    let mut names: Vec<&str> = table.iter().map(|&(n, _)| n).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    names.iter().map(|n| regex::escape(n).replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
}

static GREG_MAP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| month_map(&GREGORIAN_MONTHS));
static HIJRI_MAP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| month_map(HIJRI_MONTHS));
static JALALI_MAP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| month_map(JALALI_MONTHS));

fn month_of(map: &HashMap<String, u32>, name: &str) -> Option<u32> {
    let key = name.split_whitespace().collect::<Vec<_>>().join(" ");
    map.get(key.trim_end_matches('.')).copied()
}

// ---------------------------------------------------------------------------------------------
// Patterns

/// Separators allowed between the parts of a written-out date.
const SEP: &str = r"[\s,،.\-/]*";
/// Day ordinal suffixes (English, French, Spanish/Portuguese/Italian).
const ORD: &str = r"(?:st|nd|rd|th|er|re|e|ème|eme|º|°|ª|-?го|-е)?";

static RE_ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:t|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?")
        .expect("static regex")
});

static RE_NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{1,4})([/.\-])(\d{1,2})([/.\-])(\d{1,4})").expect("static regex"));

static RE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    let m = alternation(&GREGORIAN_MONTHS);
    Regex::new(&format!(
        r"(\d{{1,2}}){ORD}\.?(?:\s*(?:de|of|th)\b)?{SEP}({m})\b\.?(?:[\s/\-(]*({m})\b\)?)?(?:\s*(?:de|del)\b)?{SEP}(\d{{4}})"
    ))
    .expect("static regex")
});

static RE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    let m = alternation(&GREGORIAN_MONTHS);
    Regex::new(&format!(r"\b({m})\b\.?[\s,]*(\d{{1,2}})(?:st|nd|rd|th)?\b[\s,]*(\d{{4}})")).expect("static regex")
});

static RE_YMD: LazyLock<Regex> = LazyLock::new(|| {
    let m = alternation(&GREGORIAN_MONTHS);
    Regex::new(&format!(r"(\d{{4}})\.?[\s,\-/]*({m})\b\.?[\s,\-/]*(\d{{1,2}})")).expect("static regex")
});

static RE_CJK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?").expect("static regex"));

static RE_HIJRI: LazyLock<Regex> = LazyLock::new(|| {
    let m = alternation(HIJRI_MONTHS);
    Regex::new(&format!(r"(\d{{1,2}}){SEP}({m})\b{SEP}(\d{{4}})(?:\s*(?:ه\b|هـ|هجري\w*|للهجره))?"))
        .expect("static regex")
});

static RE_JALALI: LazyLock<Regex> = LazyLock::new(|| {
    let m = alternation(JALALI_MONTHS);
    Regex::new(&format!(r"(\d{{1,2}}){SEP}({m})\b(?:\s+ماه)?{SEP}(\d{{4}})")).expect("static regex")
});

/// A Hijri marker right after a numeric date (`1445/02/25 هـ`).
static RE_HIJRI_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:ه\b|ه\s*ق|هجري|للهجره)").expect("static regex"));

const WEEKDAYS: &str = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun|الاثنين|الإثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles|jueves|viernes|sábado|domingo";

/// A time right after a date: `, 10:30`, `T10:30:00Z`, ` - الساعه 10:30 صباحا`, `at 10:30 pm GMT`.
static RE_TIME_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:\s|[,،|@\-–—/()]|t|at\b|um\b|a las\b|alle\b|às\b|à\b|a\b|في|الساعه|الساعة|الموافق|h\b|{WEEKDAYS})*?(\d{{1,2}})(?::|h)(\d{{2}})(?::(\d{{2}})(?:[.,]\d+)?)?(?:\s*(a\.?m\.?|p\.?m\.?|صباحا|صباح|مساء|ظهرا|عصرا|ليلا|فجرا|ص|م)(?:\s|$|[^\w]))?\s*(?:(z|utc|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|cet|cest|eet|eest|bst|msk|wib|ist)\b)?\s*([+-]\d{{2}}(?::?\d{{2}})?)?"
    ))
    .expect("static regex")
});

/// A time right before a date: `10:30 ص - `, `10:30 am, Monday `.
static RE_TIME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?\s*(a\.?m\.?|p\.?m\.?|صباحا|صباح|مساء|ظهرا|عصرا|ليلا|فجرا|ص|م)?\s*(?:(z|utc|gmt)\b)?(?:\s|[,،|\-–—/]|{WEEKDAYS})*$"
    ))
    .expect("static regex")
});

// ---------------------------------------------------------------------------------------------
// Scanning

#[derive(Debug, Clone)]
struct Candidate {
    found: FoundDate,
    calendar: Calendar,
}

fn gregorian(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn num(c: &Captures, i: usize) -> Option<u32> {
    c.get(i)?.as_str().parse().ok()
}

fn prev_char(s: &str, at: usize) -> Option<char> {
    s[..at].chars().next_back()
}

fn next_char(s: &str, at: usize) -> Option<char> {
    s[at..].chars().next()
}

/// The match does not start or end inside a longer number.
fn digit_bounded(s: &str, start: usize, end: usize) -> bool {
    !prev_char(s, start).is_some_and(|c| c.is_ascii_digit()) && !next_char(s, end).is_some_and(|c| c.is_ascii_digit())
}

/// A numeric date inside a longer dotted or dashed run (version numbers, IP addresses, phone
/// numbers) is not a date.
fn numeric_isolated(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().rev().take(2).collect::<Vec<_>>();
    let after = s[end..].chars().take(2).collect::<Vec<_>>();
    let sep = |c: &char| matches!(c, '.' | '/' | '-' | ':');
    let bad_before = before.len() == 2 && sep(&before[0]) && before[1].is_ascii_digit();
    let bad_after = after.len() == 2 && sep(&after[0]) && after[1].is_ascii_digit();
    !bad_before && !bad_after
}

fn two_digit_year(y: u32) -> i32 {
    if y < 70 {
        2000 + y as i32
    } else {
        1900 + y as i32
    }
}

/// Whether the text has a digit (ASCII, Eastern Arabic or Persian): every date form needs one.
pub fn has_digit(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c) || ('\u{06F0}'..='\u{06F9}').contains(&c))
}

/// Hour, minute and maybe second, when the date pattern itself captured a time.
type PatternTime = (u32, u32, Option<u32>);

fn scan(text: &str, order: DayOrder) -> Vec<Candidate> {
    if !has_digit(text) {
        return Vec::new();
    }
    let norm = normalize(text);
    let s = norm.text.as_str();
    // (start, end, date, calendar, time captured by the pattern itself)
    let mut raw: Vec<(usize, usize, NaiveDate, Calendar, Option<PatternTime>)> = Vec::new();

    let has_letters = s.chars().any(|c| c.is_alphabetic());
    let has_arabic = s.chars().any(|c| ('\u{0620}'..='\u{06FF}').contains(&c));
    let has_cjk = s.contains(['年', '년']);
    let has_dash = s.contains('-');

    for c in RE_ISO.captures_iter(if has_dash { s } else { "" }) {
        let Some(m) = c.get(0) else { continue };
        if !digit_bounded(s, m.start(), m.end()) {
            continue;
        }
        let (Some(y), Some(mo), Some(d)) = (num(&c, 1), num(&c, 2), num(&c, 3)) else { continue };
        let Some(date) = gregorian(y as i32, mo, d) else { continue };
        let time = match (num(&c, 4), num(&c, 5)) {
            (Some(h), Some(mi)) => Some((h, mi, num(&c, 6))),
            _ => None,
        };
        let end = if time.is_some() { m.end() } else { c.get(3).map_or(m.end(), |g| g.end()) };
        raw.push((m.start(), end, date, Calendar::Gregorian, time));
    }

    for c in RE_NUMERIC.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        if !digit_bounded(s, m.start(), m.end()) || !numeric_isolated(s, m.start(), m.end()) {
            continue;
        }
        let (Some(sep1), Some(sep2)) = (c.get(2), c.get(4)) else { continue };
        if sep1.as_str() != sep2.as_str() {
            continue;
        }
        let (Some(ga), Some(gc)) = (c.get(1), c.get(5)) else { continue };
        let (Some(a), Some(b), Some(cc)) = (num(&c, 1), num(&c, 3), num(&c, 5)) else { continue };
        let hijri_mark = RE_HIJRI_MARK.is_match(&s[m.end()..]);
        let found = if ga.as_str().len() == 4 {
            if gc.as_str().len() != 2 && gc.as_str().len() != 1 {
                None
            } else if hijri_mark || (1300..1600).contains(&a) {
                hijri_to_gregorian(a, b, cc).map(|d| (d, Calendar::Hijri))
            } else {
                gregorian(a as i32, b, cc).map(|d| (d, Calendar::Gregorian))
            }
        } else if ga.as_str().len() <= 2 {
            let year_4 = gc.as_str().len() == 4;
            if !year_4 && gc.as_str().len() != 2 {
                continue;
            }
            let (day, month) = if a > 12 {
                (a, b)
            } else if b > 12 {
                (b, a)
            } else {
                match order {
                    DayOrder::DayFirst => (a, b),
                    DayOrder::MonthFirst => (b, a),
                }
            };
            if year_4 && (hijri_mark || (1300..1600).contains(&cc)) {
                hijri_to_gregorian(cc, month, day).map(|d| (d, Calendar::Hijri))
            } else {
                let y = if year_4 { cc as i32 } else { two_digit_year(cc) };
                gregorian(y, month, day).map(|d| (d, Calendar::Gregorian))
            }
        } else {
            None
        };
        if let Some((date, cal)) = found {
            raw.push((m.start(), m.end(), date, cal, None));
        }
    }

    for c in RE_DMY.captures_iter(if has_letters { s } else { "" }) {
        let Some(m) = c.get(0) else { continue };
        if !digit_bounded(s, m.start(), m.end()) {
            continue;
        }
        let (Some(d), Some(mn), Some(y)) = (num(&c, 1), c.get(2), num(&c, 4)) else { continue };
        let Some(mo) = month_of(&GREG_MAP, mn.as_str()) else { continue };
        if let Some(date) = gregorian(y as i32, mo, d) {
            raw.push((m.start(), m.end(), date, Calendar::Gregorian, None));
        }
    }

    for c in RE_MDY.captures_iter(if has_letters { s } else { "" }) {
        let Some(m) = c.get(0) else { continue };
        if !digit_bounded(s, m.start(), m.end()) {
            continue;
        }
        let (Some(mn), Some(d), Some(y)) = (c.get(1), num(&c, 2), num(&c, 3)) else { continue };
        let Some(mo) = month_of(&GREG_MAP, mn.as_str()) else { continue };
        if let Some(date) = gregorian(y as i32, mo, d) {
            raw.push((m.start(), m.end(), date, Calendar::Gregorian, None));
        }
    }

    for c in RE_YMD.captures_iter(if has_letters { s } else { "" }) {
        let Some(m) = c.get(0) else { continue };
        if !digit_bounded(s, m.start(), m.end()) {
            continue;
        }
        let (Some(y), Some(mn), Some(d)) = (num(&c, 1), c.get(2), num(&c, 3)) else { continue };
        let Some(mo) = month_of(&GREG_MAP, mn.as_str()) else { continue };
        if let Some(date) = gregorian(y as i32, mo, d) {
            raw.push((m.start(), m.end(), date, Calendar::Gregorian, None));
        }
    }

    for c in RE_CJK.captures_iter(if has_cjk { s } else { "" }) {
        let Some(m) = c.get(0) else { continue };
        if !digit_bounded(s, m.start(), m.end()) {
            continue;
        }
        let (Some(y), Some(mo), Some(d)) = (num(&c, 1), num(&c, 2), num(&c, 3)) else { continue };
        if let Some(date) = gregorian(y as i32, mo, d) {
            raw.push((m.start(), m.end(), date, Calendar::Gregorian, None));
        }
    }

    for (re, map, cal) in [(&*RE_HIJRI, &*HIJRI_MAP, Calendar::Hijri), (&*RE_JALALI, &*JALALI_MAP, Calendar::Jalali)] {
        if !has_arabic {
            break;
        }
        for c in re.captures_iter(s) {
            let Some(m) = c.get(0) else { continue };
            if !digit_bounded(s, m.start(), m.end()) {
                continue;
            }
            let (Some(d), Some(mn), Some(y)) = (num(&c, 1), c.get(2), num(&c, 3)) else { continue };
            let Some(mo) = month_of(map, mn.as_str()) else { continue };
            let date = match cal {
                Calendar::Hijri => hijri_to_gregorian(y, mo, d),
                _ => jalali_to_gregorian(y, mo, d),
            };
            if let Some(date) = date.filter(|d| (1900..=2100).contains(&d.year())) {
                raw.push((m.start(), m.end(), date, cal, None));
            }
        }
    }

    // Earliest first; at the same start the longest; then drop overlaps.
    raw.sort_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
    let mut out: Vec<Candidate> = Vec::new();
    let mut last_end = 0;
    for (start, end, date, calendar, time) in raw {
        if start < last_end {
            continue;
        }
        let mut end = end;
        let mut start_ext = start;
        let mut t: Option<(NaiveTime, Option<FixedOffset>, bool)> = None;
        if let Some((h, mi, sec)) = time {
            if let Some(nt) = NaiveTime::from_hms_opt(h, mi, sec.unwrap_or(0)) {
                t = Some((nt, None, sec.is_some()));
            }
            // Zone after the ISO time.
            if let Some((_, off, e)) = time_after(s, end, true) {
                if let Some(x) = t.as_mut() {
                    x.1 = off;
                }
                end = e;
            }
        } else if let Some((tm, off, e)) = time_after(s, end, false) {
            t = Some((tm.0, off, tm.1));
            end = e;
        } else if let Some((tm, off, st)) = time_before(s, start, last_end) {
            t = Some((tm.0, off, tm.1));
            start_ext = st;
        }
        last_end = end;
        let precision = match t {
            Some((_, _, true)) => Precision::Second,
            Some(_) => Precision::Minute,
            None => Precision::Day,
        };
        let span = norm.map[start_ext]..norm.map[end.min(norm.map.len() - 1)];
        out.push(Candidate {
            found: FoundDate { date, time: t.map(|x| x.0), offset: t.and_then(|x| x.1), precision, span },
            calendar,
        });
    }
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

type TimeOf = ((NaiveTime, bool), Option<FixedOffset>, usize);

/// Reads a time (and zone) that follows a date at `at`; with `zone_only`, only the zone of a
/// time already read (`…T10:30:00` + `Z`/`+03:00`).
fn time_after(s: &str, at: usize, zone_only: bool) -> Option<TimeOf> {
    let window = &s[at..ceil_boundary(s, at + 64)];
    if zone_only {
        static RE_ZONE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\s*(?:(z|utc|gmt)\b|z)?\s*([+-]\d{2}(?::?\d{2})?)?").expect("static regex"));
        let c = RE_ZONE.captures(window)?;
        let m = c.get(0)?;
        if m.as_str().trim().is_empty() {
            return None;
        }
        let off = zone(
            c.get(1).map(|g| g.as_str()).or_else(|| m.as_str().trim().starts_with('z').then_some("z")),
            c.get(2).map(|g| g.as_str()),
        );
        let midnight = NaiveTime::from_hms_opt(0, 0, 0)?;
        return Some(((midnight, false), off, at + m.end()));
    }
    let c = RE_TIME_AFTER.captures(window)?;
    let m = c.get(0)?;
    let h = num(&c, 1)?;
    let mi = num(&c, 2)?;
    let sec = num(&c, 3);
    let h = twelve_hour(h, c.get(4).map(|g| g.as_str()))?;
    let t = NaiveTime::from_hms_opt(h, mi, sec.unwrap_or(0))?;
    let off = zone(c.get(5).map(|g| g.as_str()), c.get(6).map(|g| g.as_str()));
    let mut end = at + m.end();
    // Do not swallow trailing blanks.
    end -= s[at..end].len() - s[at..end].trim_end().len();
    Some(((t, sec.is_some()), off, end))
}

/// Reads a time that precedes a date starting at `at`, not reaching back before `floor`.
fn time_before(s: &str, at: usize, floor: usize) -> Option<TimeOf> {
    let from = floor_boundary(s, at.saturating_sub(48)).max(floor);
    let from = ceil_boundary(s, from);
    let window = &s[from..at];
    let c = RE_TIME_BEFORE.captures(window)?;
    let m = c.get(0)?;
    if prev_char(window, m.start()).is_some_and(|ch| ch.is_ascii_digit() || ch == ':') {
        return None;
    }
    let h = twelve_hour(num(&c, 1)?, c.get(4).map(|g| g.as_str()))?;
    let sec = num(&c, 3);
    let t = NaiveTime::from_hms_opt(h, num(&c, 2)?, sec.unwrap_or(0))?;
    let off = zone(c.get(5).map(|g| g.as_str()), None);
    Some(((t, sec.is_some()), off, from + m.start()))
}

fn twelve_hour(h: u32, marker: Option<&str>) -> Option<u32> {
    let Some(mk) = marker else { return (h < 24).then_some(h) };
    if !(1..=12).contains(&h) {
        return (h < 24).then_some(h);
    }
    let pm = match mk {
        "مساء" | "م" | "عصرا" => true,
        // Night: 10 ليلا is 22:00, 2 ليلا is 02:00.
        "ليلا" => h >= 6 && h != 12,
        // Noon: 12 ظهرا is 12:00, 1 ظهرا is 13:00.
        "ظهرا" => h <= 5 || h == 12,
        m => m.starts_with('p'),
    };
    Some(match (pm, h) {
        (true, 12) => 12,
        (true, h) => h + 12,
        (false, 12) => 0,
        (false, h) => h,
    })
}

fn zone(name: Option<&str>, numeric: Option<&str>) -> Option<FixedOffset> {
    if let Some(n) = numeric {
        let sign = if n.starts_with('-') { -1 } else { 1 };
        let digits: String = n.chars().filter(|c| c.is_ascii_digit()).collect();
        let h: i32 = digits.get(..2)?.parse().ok()?;
        let m: i32 = digits.get(2..4).and_then(|x| x.parse().ok()).unwrap_or(0);
        if h > 14 || m > 59 {
            return None;
        }
        return FixedOffset::east_opt(sign * (h * 3600 + m * 60));
    }
    let hours = match name? {
        "z" | "utc" | "gmt" => 0.0,
        "edt" => -4.0,
        "est" | "cdt" => -5.0,
        "cst" => -6.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" => -7.0,
        "cet" | "bst" => 1.0,
        "cest" | "eet" => 2.0,
        "eest" | "msk" => 3.0,
        "wib" => 7.0,
        "ist" => 5.5,
        _ => return None,
    };
    FixedOffset::east_opt((hours * 3600.0) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<String> {
        find_date(s).map(|f| f.date.to_string())
    }

    fn published(s: &str) -> Option<String> {
        find_date(s).and_then(|f| f.to_published(Basis::Explicit)).map(|p| p.value.to_string())
    }

    #[test]
    fn ordinal_english_with_gmt() {
        let f = find_date("تاريخ النشر: 3rd, March 2022 GMT").unwrap();
        assert_eq!(f.date.to_string(), "2022-03-03");
        assert_eq!(f.precision, Precision::Day);
    }

    #[test]
    fn egyptian_month_names() {
        assert_eq!(day("القاهرة في 5 إبريل 2021"), Some("2021-04-05".into()));
        assert_eq!(day("نشر 5 أبريل 2021"), Some("2021-04-05".into()));
        assert_eq!(day("17 يونيه 2019 م"), Some("2019-06-17".into()));
        assert_eq!(day("2 يوليه 2019"), Some("2019-07-02".into()));
        assert_eq!(day("30 نوفمبر، 2022"), Some("2022-11-30".into()));
    }

    #[test]
    fn levantine_month_names() {
        assert_eq!(day("بيروت، 9 تشرين الثاني 2020"), Some("2020-11-09".into()));
        assert_eq!(day("14 كانون الأول 2021"), Some("2021-12-14".into()));
        assert_eq!(day("1 آذار 2018"), Some("2018-03-01".into()));
        assert_eq!(day("22 أيلول 2016"), Some("2016-09-22".into()));
    }

    #[test]
    fn doubled_month_names() {
        assert_eq!(day("الجمعة 4 أغسطس آب 2017"), Some("2017-08-04".into()));
        assert_eq!(day("4 آب/أغسطس 2017"), Some("2017-08-04".into()));
        assert_eq!(day("12 شباط (فبراير) 2015"), Some("2015-02-12".into()));
    }

    #[test]
    fn maghrebi_month_names() {
        assert_eq!(day("تونس في 3 جوان 2021"), Some("2021-06-03".into()));
        assert_eq!(day("7 شتنبر 2019"), Some("2019-09-07".into()));
    }

    #[test]
    fn eastern_arabic_and_persian_digits() {
        assert_eq!(day("١٢ مارس ٢٠٢٢"), Some("2022-03-12".into()));
        assert_eq!(day("۱۲/۰۳/۲۰۲۲"), Some("2022-03-12".into()));
        let s = "نشر في ٢٠٢١/٠٧/١٥ مساء";
        let f = find_date(s).unwrap();
        assert_eq!(f.date.to_string(), "2021-07-15");
        assert_eq!(&s[f.span.clone()], "٢٠٢١/٠٧/١٥");
    }

    #[test]
    fn rfc_2822() {
        let f = parse_date("Tue, 06 Mar 2018 14:05:09 GMT").unwrap();
        assert_eq!(f.to_published(Basis::Explicit).unwrap().value, "2018-03-06T14:05:09+00:00");
        assert_eq!(f.precision, Precision::Second);
        assert_eq!(published("Sat, 01 Jun 2019 08:15:00 +0400"), Some("2019-06-01T08:15:00+04:00".into()));
    }

    #[test]
    fn iso_8601() {
        assert_eq!(published("2021-05-04"), Some("2021-05-04".into()));
        assert_eq!(published("2021-05-04T07:08:09Z"), Some("2021-05-04T07:08:09+00:00".into()));
        assert_eq!(published("2021-05-04T07:08:09.123456+03:00"), Some("2021-05-04T07:08:09+03:00".into()));
        assert_eq!(published("2021-05-04T07:08+0200"), Some("2021-05-04T07:08+02:00".into()));
        assert_eq!(published("2021-05-04 07:08:09"), Some("2021-05-04T07:08:09".into()));
        assert_eq!(parse_date("20210504").map(|f| f.date.to_string()), Some("2021-05-04".into()));
    }

    #[test]
    fn numeric_orders() {
        assert_eq!(day("04/05/2021"), Some("2021-05-04".into()));
        assert_eq!(
            find_date_with("04/05/2021", DayOrder::MonthFirst).map(|f| f.date.to_string()),
            Some("2021-04-05".into())
        );
        assert_eq!(day("05/24/2021"), Some("2021-05-24".into()));
        assert_eq!(day("24.05.2021"), Some("2021-05-24".into()));
        assert_eq!(day("2021.05.24"), Some("2021-05-24".into()));
        assert_eq!(day("2021/5/4"), Some("2021-05-04".into()));
        assert_eq!(day("24-05-21"), Some("2021-05-24".into()));
        assert_eq!(day("version 1.2.2021.3"), None);
        assert_eq!(day("24/05-2021"), None);
    }

    #[test]
    fn weekday_prefix_and_arabic_time() {
        let f = find_date("الاثنين 6 مارس 2023 الساعة 10:30 مساءً").unwrap();
        assert_eq!(f.to_published(Basis::Explicit).unwrap().value, "2023-03-06T22:30");
        assert_eq!(f.precision, Precision::Minute);
        assert_eq!(published("السبت 4 فبراير 2023 - 09:15 ص"), Some("2023-02-04T09:15".into()));
        assert_eq!(published("12/01/2022 - 11:05 م"), Some("2022-01-12T23:05".into()));
        assert_eq!(published("الساعة 08:00 صباحا الخميس 3 نوفمبر 2022"), Some("2022-11-03T08:00".into()));
    }

    #[test]
    fn am_pm() {
        assert_eq!(published("June 3, 2020 at 12:15 a.m."), Some("2020-06-03T00:15".into()));
        assert_eq!(published("June 3, 2020 4:45 PM EDT"), Some("2020-06-03T16:45-04:00".into()));
        assert_eq!(published("4:45 pm, Wednesday June 3, 2020"), Some("2020-06-03T16:45".into()));
    }

    #[test]
    fn english_names() {
        assert_eq!(day("Posted on Sept. 9, 2019 by staff"), Some("2019-09-09".into()));
        assert_eq!(day("Updated Dec 1st, 2020"), Some("2020-12-01".into()));
        assert_eq!(day("the 22nd of November 2019"), Some("2019-11-22".into()));
        assert_eq!(day("Mon Feb 26 2018 02:20:10 GMT+0000"), Some("2018-02-26".into()));
    }

    #[test]
    fn european_names() {
        assert_eq!(day("publié le 7 février 2020 à 10h12"), Some("2020-02-07".into()));
        assert_eq!(published("publié le 7 février 2020 à 10h12"), Some("2020-02-07T10:12".into()));
        assert_eq!(day("Stand: 14. März 2021"), Some("2021-03-14".into()));
        assert_eq!(day("14 de agosto de 2020"), Some("2020-08-14".into()));
        assert_eq!(day("3 de março de 2020"), Some("2020-03-03".into()));
        assert_eq!(day("12 settembre 2019"), Some("2019-09-12".into()));
        assert_eq!(day("2 mei 2020"), Some("2020-05-02".into()));
        assert_eq!(day("12 Ağustos 2020 Çarşamba"), Some("2020-08-12".into()));
        assert_eq!(day("5 сентября 2020"), Some("2020-09-05".into()));
        assert_eq!(day("21 вересня 2020"), Some("2020-09-21".into()));
        assert_eq!(day("2020. augusztus 24."), Some("2020-08-24".into()));
        assert_eq!(day("20 septembrie 2020 16:20"), Some("2020-09-20".into()));
        assert_eq!(day("24 Αυγούστου 2020"), Some("2020-08-24".into()));
        assert_eq!(day("2020 Aug 24"), Some("2020-08-24".into()));
        assert_eq!(day("2020年8月24日"), Some("2020-08-24".into()));
    }

    #[test]
    fn hijri_named_months() {
        assert_eq!(day("الأحد 25 صفر 1445 هـ"), Some("2023-09-10".into()));
        assert_eq!(day("1 رمضان 1445هـ"), Some("2024-03-11".into()));
        assert_eq!(day("10 ذو الحجة 1444 هجري"), hijri_to_gregorian(1444, 12, 10).map(|d| d.to_string()));
        assert_eq!(day("5 جمادى الآخرة 1442"), hijri_to_gregorian(1442, 6, 5).map(|d| d.to_string()));
        assert_eq!(day("3 ربيع الأول 1443"), hijri_to_gregorian(1443, 3, 3).map(|d| d.to_string()));
        assert_eq!(day("١ محرم ١٤٤٥ هـ"), Some("2023-07-19".into()));
    }

    #[test]
    fn hijri_numeric_with_marker() {
        assert_eq!(day("1445/02/25هـ"), Some("2023-09-10".into()));
        assert_eq!(day("25/2/1445 هـ"), Some("2023-09-10".into()));
    }

    #[test]
    fn gregorian_preferred_over_hijri() {
        assert_eq!(day("الأحد 25 صفر 1445 هـ الموافق 10 سبتمبر 2023 م"), Some("2023-09-10".into()));
        assert_eq!(day("الخميس 1445/02/22 هـ - 07/09/2023 م"), Some("2023-09-07".into()));
    }

    #[test]
    fn jalali_dates() {
        assert_eq!(day("۳ شهریور ۱۳۹۹"), Some("2020-08-24".into()));
    }

    #[test]
    fn impossible_and_out_of_range() {
        assert_eq!(day("30 فبراير 2020"), None);
        assert_eq!(day("2021-02-29"), None);
        assert_eq!(day("31/04/2021"), None);
        assert_eq!(day("12 March 1850"), None);
        assert_eq!(day("12 March 2150"), None);
        assert_eq!(day("30 محرم 1445"), None);
        assert_eq!(day("no date here 12345"), None);
        assert_eq!(day("1445هـ"), None);
    }

    #[test]
    fn all_dates_in_order() {
        let all = find_all_dates("من 3 مارس 2021 حتى 2021-04-01 ثم 5/6/2021");
        let days: Vec<String> = all.iter().map(|f| f.date.to_string()).collect();
        assert_eq!(days, ["2021-03-03", "2021-04-01", "2021-06-05"]);
    }

    #[test]
    fn span_points_into_original() {
        let s = "حُدِّث: 9 مـايو 2022";
        let f = find_date(s).unwrap();
        assert_eq!(f.date.to_string(), "2022-05-09");
        assert_eq!(&s[f.span.clone()], "9 مـايو 2022");
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in ["", "٫", "12:", "2020-", "ـــ", "31/12/", "99:99 2020-01-01", "\u{200f}١٢:٣٠ م"] {
            let _ = find_date(s);
            let _ = parse_date(s);
        }
    }
}
