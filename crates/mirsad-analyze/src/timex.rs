//! Temporal expressions in Arabic news text, resolved to calendar dates against the article's
//! publication date.
//!
//! Rules (each has a unit test below):
//! - absolute: `15 مارس 2023`, `15/3/2023`, `2023-03-15` (explicit); `15 مارس` without a year
//!   (the year that puts the date nearest the publication date: inferred); `مارس 2023` and
//!   `شهر مارس الماضي`/`المقبل`; `عام 2023`/`العام 2023`/`سنة 2023`/`2023م`;
//! - relative to the publication date: `اليوم` (and `اليوم الاثنين`), `الليلة`, `صباح اليوم`,
//!   `في وقت سابق من اليوم`, `أمس`/`الأمس`/`البارحة`, `أول أمس`, `غدا`, `بعد غد`, a weekday
//!   alone (`يوم الخميس`: the nearest such day up to the publication date; with `المقبل` the next
//!   one, with `الماضي` the previous one), `الأسبوع الماضي`/`المقبل`/`الحالي`, `الشهر
//!   الماضي`/`المقبل`/`الجاري`, `العام الماضي`/`المقبل`/`الجاري`;
//! - ranges: `يومي 18 و19 يونيو`, `من 18 إلى 20 يونيو`, `بين 18 و20 يونيو 2023`.
//!
//! Patterns are written over the matching key's letters and widened to every spelling the key
//! folds (`ا` matches `ا أ إ آ`, `ي` matches `ي ى`, `ه` matches `ه ة`), so they run on the
//! display text and the expression keeps the author's spelling. Hand-written: no crate knows
//! Arabic temporal expressions.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use mirsad_model::{EventBasis, EventDate};
use mirsad_text::months::ARABIC_MONTHS;
use regex::Regex;
use std::sync::LazyLock;

/// One temporal expression found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Timex {
    /// Byte offsets of the expression in the text.
    pub start: usize,
    pub end: usize,
    pub expression: String,
    pub date: EventDate,
}

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("السبت", Weekday::Sat),
    ("الاحد", Weekday::Sun),
    ("الاثنين", Weekday::Mon),
    ("الثلاثاء", Weekday::Tue),
    ("الاربعاء", Weekday::Wed),
    ("الخميس", Weekday::Thu),
    ("الجمعه", Weekday::Fri),
];

/// A key-form pattern widened to every spelling its letters stand for.
fn loose(pattern: &str) -> String {
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            'ا' => out.push_str("[اأإآ]"),
            'ي' => out.push_str("[يى]"),
            'ه' => out.push_str("[هة]"),
            'و' => out.push_str("[وؤ]"),
            ' ' => out.push_str(r"\s+"),
            c => out.push(c),
        }
    }
    out
}

fn alternation(names: impl Iterator<Item = &'static str>) -> String {
    let mut v: Vec<&str> = names.collect();
    v.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    v.iter().map(|n| loose(n)).collect::<Vec<_>>().join("|")
}

fn month_number(name: &str) -> Option<u32> {
    mirsad_text::months::arabic_month(name)
}

fn weekday(name: &str) -> Option<Weekday> {
    let k = mirsad_text::key(name);
    WEEKDAYS.iter().find(|(n, _)| *n == k).map(|&(_, d)| d)
}

/// Arabic word boundaries: the `\b` of the regex crate knows Unicode letters, but a match must
/// also not sit inside a word glued to a clitic we do not allow; `(?:^|[^\w])` keeps it simple.
const B: &str = r"(?:^|[^\w])";
const E: &str = r"(?:[^\w]|$)";

struct Rules {
    range: Regex,
    day_month: Regex,
    numeric: Regex,
    month_year: Regex,
    month_rel: Regex,
    year: Regex,
    relative: Regex,
    weekday: Regex,
    period: Regex,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let m = alternation(ARABIC_MONTHS.iter().map(|(n, _)| *n));
    let w = alternation(WEEKDAYS.iter().map(|(n, _)| *n));
    let year = r"(?:(?:من\s+)?(?:لل|ل|ال)?(?:عام|سن[هة])\s+)?(\d{4})\s*م?";
    let r = |s: String| Regex::new(&s).expect("static regex");
    Rules {
        range: r(format!(
            r"{B}((?:{yawmay}|{bayna}|من)\s+(\d{{1,2}})\s*(?:و|-|–|{ila}|{hatta})\s*(\d{{1,2}})\s+({m})(?:\s+{year})?){E}",
            yawmay = loose("يومي"),
            bayna = loose("بين"),
            ila = loose("الي"),
            hatta = loose("حتي"),
        )),
        day_month: r(format!(r"{B}((\d{{1,2}})\s+(?:{shahr}\s+)?({m})(?:\s+{year})?){E}", shahr = loose("من شهر"))),
        numeric: r(format!(r"{B}((\d{{1,2}})[/.](\d{{1,2}})[/.](\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}})){E}")),
        month_year: r(format!(r"{B}((?:{shahr}\s+)?({m})\s+{year}){E}", shahr = loose("شهر"))),
        month_rel: r(format!(
            r"{B}((?:{shahr}\s+)?({m})\s+({past}|{next}|{cur}|{cur2})){E}",
            shahr = loose("شهر"),
            past = loose("الماضي"),
            next = format!("{}|{}", loose("المقبل"), loose("القادم")),
            cur = loose("الجاري"),
            cur2 = loose("الحالي"),
        )),
        year: r(format!(
            r"{B}((?:لل|ل|ال)?(?:{aam}|{sana})\s+(\d{{4}})\s*م?|(\d{{4}})\s*م){E}",
            aam = loose("عام"),
            sana = loose("سنه")
        )),
        relative: r(format!(
            r"{B}(({early}|{before_yesterday}|{yesterday}|{after_tomorrow}|{tomorrow}|{today}|{tonight})(?:\s+({w}))?){E}",
            early = loose("في وقت سابق من اليوم"),
            before_yesterday = format!("{}|{}", loose("اول امس"), loose("اول من امس")),
            yesterday = format!("{}|{}|{}|{}", loose("بالامس"), loose("امس"), loose("الامس"), loose("البارحه")),
            after_tomorrow = loose("بعد غد"),
            tomorrow = format!("{}|{}|{}", loose("غدا"), loose("غداً"), loose("يوم غد")),
            today = format!("{}|{}|{}", loose("صباح اليوم"), loose("مساء اليوم"), loose("اليوم")),
            tonight = loose("الليله"),
        )),
        weekday: r(format!(
            r"{B}((?:{yawm}|{sabah}|{masa}|{layla}\s+)?({w})(?:\s+({past}|{next}))?){E}",
            yawm = format!("{}\\s+", loose("يوم")),
            sabah = format!("{}\\s+", loose("صباح")),
            masa = format!("{}\\s+", loose("مساء")),
            layla = loose("ليله"),
            past = loose("الماضي"),
            next = format!("{}|{}", loose("المقبل"), loose("القادم")),
        )),
        period: r(format!(
            r"{B}(({week}|{month}|{year})\s+({past}|{next}|{cur}|{cur2})|({this_w}|{this_m}|{this_y})){E}",
            week = loose("الاسبوع"),
            month = loose("الشهر"),
            year = format!("{}|{}", loose("العام"), loose("السنه")),
            past = format!("{}|{}", loose("الماضي"), loose("الماضيه")),
            next = format!("{}|{}|{}|{}", loose("المقبل"), loose("القادم"), loose("المقبله"), loose("القادمه")),
            cur = format!("{}|{}", loose("الجاري"), loose("الجاريه")),
            cur2 = format!("{}|{}", loose("الحالي"), loose("الحاليه")),
            this_w = loose("هذا الاسبوع"),
            this_m = loose("هذا الشهر"),
            this_y = format!("{}|{}", loose("هذا العام"), loose("هذه السنه")),
        )),
    }
});

fn num(s: &str) -> Option<u32> {
    mirsad_text::ascii_digits(s).parse().ok()
}

fn day_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn month_str(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

fn plausible_year(y: u32) -> bool {
    (1900..=2100).contains(&y)
}

/// The year for a day and month written without one: the one that puts the date nearest the
/// publication date (ties go to the past).
fn infer_year(month: u32, day: u32, published: NaiveDate) -> Option<NaiveDate> {
    let py = published.year();
    let mut best: Option<(i64, NaiveDate)> = None;
    for y in [py - 1, py, py + 1] {
        if let Some(d) = NaiveDate::from_ymd_opt(y, month, day) {
            let dist = (d - published).num_days().abs() * 2 + i64::from(d > published);
            if best.is_none_or(|(b, _)| dist < b) {
                best = Some((dist, d));
            }
        }
    }
    best.map(|(_, d)| d)
}

fn shift_month(y: i32, m: u32, by: i32) -> (i32, u32) {
    let idx = y * 12 + m as i32 - 1 + by;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

fn is_past(word: &str) -> bool {
    mirsad_text::key(word).starts_with("الماضي")
}

fn is_next(word: &str) -> bool {
    let k = mirsad_text::key(word);
    k.starts_with("المقبل") || k.starts_with("القادم")
}

fn date(start: String, end: Option<String>, basis: EventBasis) -> EventDate {
    EventDate { start, end, basis }
}

/// Finds the temporal expressions of `text`; relative and year-less ones need `published`.
/// Overlapping matches keep the earliest-starting, then longest.
pub fn find(text: &str, published: Option<NaiveDate>) -> Vec<Timex> {
    let r = &*RULES;
    let mut found: Vec<Timex> = Vec::new();
    let mut push = |m: regex::Match, d: Option<EventDate>| {
        if let Some(date) = d {
            found.push(Timex { start: m.start(), end: m.end(), expression: m.as_str().to_string(), date });
        }
    };
    for c in r.range.captures_iter(text) {
        let (Some(d1), Some(d2), Some(mo)) = (num(&c[2]), num(&c[3]), month_number(&c[4])) else { continue };
        let d = match c.get(5).and_then(|y| num(y.as_str())).filter(|y| plausible_year(*y)) {
            Some(y) => NaiveDate::from_ymd_opt(y as i32, mo, d1)
                .zip(NaiveDate::from_ymd_opt(y as i32, mo, d2))
                .map(|(a, b)| date(day_str(a), Some(day_str(b)), EventBasis::Explicit)),
            None => published.and_then(|p| infer_year(mo, d1, p)).and_then(|a| {
                NaiveDate::from_ymd_opt(a.year(), mo, d2)
                    .map(|b| date(day_str(a), Some(day_str(b)), EventBasis::Inferred))
            }),
        };
        push(c.get(1).expect("group 1"), d.filter(|d| d.end.as_deref() >= Some(d.start.as_str())));
    }
    for c in r.numeric.captures_iter(text) {
        let d = if let (Some(d), Some(m), Some(y)) = (c.get(2), c.get(3), c.get(4)) {
            NaiveDate::from_ymd_opt(
                num(y.as_str()).unwrap_or(0) as i32,
                num(m.as_str()).unwrap_or(0),
                num(d.as_str()).unwrap_or(0),
            )
        } else {
            let g = |i: usize| c.get(i).and_then(|x| num(x.as_str())).unwrap_or(0);
            NaiveDate::from_ymd_opt(g(5) as i32, g(6), g(7))
        };
        push(
            c.get(1).expect("group 1"),
            d.filter(|d| plausible_year(d.year() as u32)).map(|d| date(day_str(d), None, EventBasis::Explicit)),
        );
    }
    for c in r.day_month.captures_iter(text) {
        let (Some(day), Some(mo)) = (num(&c[2]), month_number(&c[3])) else { continue };
        let d = match c.get(4).and_then(|y| num(y.as_str())).filter(|y| plausible_year(*y)) {
            Some(y) => NaiveDate::from_ymd_opt(y as i32, mo, day).map(|d| date(day_str(d), None, EventBasis::Explicit)),
            None => {
                published.and_then(|p| infer_year(mo, day, p)).map(|d| date(day_str(d), None, EventBasis::Inferred))
            }
        };
        push(c.get(1).expect("group 1"), d);
    }
    for c in r.month_year.captures_iter(text) {
        let (Some(mo), Some(y)) = (month_number(&c[2]), num(&c[3])) else { continue };
        push(
            c.get(1).expect("group 1"),
            plausible_year(y).then(|| date(month_str(y as i32, mo), None, EventBasis::Explicit)),
        );
    }
    if let Some(p) = published {
        for c in r.month_rel.captures_iter(text) {
            let Some(mo) = month_number(&c[2]) else { continue };
            let y = if is_past(&c[3]) {
                if mo >= p.month() {
                    p.year() - 1
                } else {
                    p.year()
                }
            } else if is_next(&c[3]) {
                if mo <= p.month() {
                    p.year() + 1
                } else {
                    p.year()
                }
            } else {
                p.year()
            };
            push(c.get(1).expect("group 1"), Some(date(month_str(y, mo), None, EventBasis::Relative)));
        }
    }
    for c in r.year.captures_iter(text) {
        let y = c.get(2).or(c.get(3)).and_then(|y| num(y.as_str())).filter(|y| plausible_year(*y));
        push(c.get(1).expect("group 1"), y.map(|y| date(format!("{y:04}"), None, EventBasis::Explicit)));
    }
    if let Some(p) = published {
        for c in r.relative.captures_iter(text) {
            let k = mirsad_text::key(&c[2]);
            let offset = if k.starts_with("اول") {
                -2
            } else if k.contains("امس") || k.contains("البارحه") {
                -1
            } else if k.starts_with("بعد") {
                2
            } else if k.contains("غد") {
                1
            } else {
                0
            };
            let mut d = p + Duration::days(offset);
            // «أمس الأحد»: the weekday names the day; trust it when it is within a day.
            if let Some(wd) = c.get(3).and_then(|w| weekday(w.as_str())) {
                let back = (d.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64).rem_euclid(7);
                if back <= 1 {
                    d -= Duration::days(back);
                }
            }
            push(c.get(1).expect("group 1"), Some(date(day_str(d), None, EventBasis::Relative)));
        }
        for c in r.weekday.captures_iter(text) {
            let Some(wd) = weekday(&c[2]) else { continue };
            let from_p = |d: NaiveDate| {
                (d.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64).rem_euclid(7)
            };
            let d = match c.get(3).map(|x| x.as_str()) {
                Some(x) if is_next(x) => p + Duration::days((7 - from_p(p)).rem_euclid(7).max(1)),
                Some(_) => p - Duration::days(if from_p(p) == 0 { 7 } else { from_p(p) }),
                None => p - Duration::days(from_p(p)),
            };
            push(c.get(1).expect("group 1"), Some(date(day_str(d), None, EventBasis::Relative)));
        }
        for c in r.period.captures_iter(text) {
            let whole = c.get(1).expect("group 1");
            let k = mirsad_text::key(whole.as_str());
            let by: i32 = if c.get(3).is_some_and(|x| is_past(x.as_str())) {
                -1
            } else if c.get(3).is_some_and(|x| is_next(x.as_str())) {
                1
            } else {
                0
            };
            let d = if k.contains("الاسبوع") {
                // Weeks run Saturday to Friday, as in most Arab countries.
                let start =
                    p - Duration::days(p.weekday().days_since(Weekday::Sat) as i64) + Duration::weeks(by as i64);
                date(day_str(start), Some(day_str(start + Duration::days(6))), EventBasis::Relative)
            } else if k.contains("الشهر") {
                let (y, m) = shift_month(p.year(), p.month(), by);
                date(month_str(y, m), None, EventBasis::Relative)
            } else {
                date(format!("{:04}", p.year() + by), None, EventBasis::Relative)
            };
            push(whole, Some(d));
        }
    }
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Timex> = Vec::new();
    for t in found {
        if out.last().is_some_and(|l| t.start < l.end) {
            continue;
        }
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pub_day() -> Option<NaiveDate> {
        // A Monday.
        NaiveDate::from_ymd_opt(2023, 9, 11)
    }

    fn one(text: &str) -> (String, EventDate) {
        let f = find(text, pub_day());
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        (f[0].expression.clone(), f[0].date.clone())
    }

    fn d(start: &str, end: Option<&str>, basis: EventBasis) -> EventDate {
        EventDate { start: start.into(), end: end.map(Into::into), basis }
    }

    #[test]
    fn full_dates_are_explicit() {
        assert_eq!(one("وقع الحادث في 15 مارس 2021 قرب المدينة").1, d("2021-03-15", None, EventBasis::Explicit));
        assert_eq!(one("في ١٥ آذار عام ٢٠٢١").1, d("2021-03-15", None, EventBasis::Explicit));
        assert_eq!(one("بتاريخ 15/3/2021").1, d("2021-03-15", None, EventBasis::Explicit));
        assert_eq!(one("صدر في 2021-03-15 بيان").1, d("2021-03-15", None, EventBasis::Explicit));
    }

    #[test]
    fn day_and_month_take_the_nearest_year() {
        assert_eq!(one("يعقد المؤتمر في 18 سبتمبر").1, d("2023-09-18", None, EventBasis::Inferred));
        // Published in September: «28 ديسمبر» is nearer in 2022 than in 2023? No: 2023-12-28 is
        // 108 days ahead, 2022-12-28 is 257 days back.
        assert_eq!(one("في 28 ديسمبر").1, d("2023-12-28", None, EventBasis::Inferred));
        let jan = find("في 3 يناير", NaiveDate::from_ymd_opt(2023, 12, 20));
        assert_eq!(jan[0].date, d("2024-01-03", None, EventBasis::Inferred));
        assert!(find("في 18 سبتمبر", None).is_empty(), "no publication date, no guess");
    }

    #[test]
    fn months_and_years() {
        assert_eq!(one("في مارس 2021").1, d("2021-03", None, EventBasis::Explicit));
        assert_eq!(one("منذ شهر مارس الماضي").1, d("2023-03", None, EventBasis::Relative));
        assert_eq!(one("في أكتوبر المقبل").1, d("2023-10", None, EventBasis::Relative));
        assert_eq!(one("في يونيو المقبل").1, d("2024-06", None, EventBasis::Relative));
        assert_eq!(one("تأسست عام 1998").1, d("1998", None, EventBasis::Explicit));
        assert_eq!(one("في العام 2010").1, d("2010", None, EventBasis::Explicit));
        assert_eq!(one("منذ 2002م").1, d("2002", None, EventBasis::Explicit));
        assert!(find("قتل 2002 شخص", pub_day()).is_empty(), "a bare number is not a year");
    }

    #[test]
    fn relative_days() {
        assert_eq!(one("أعلن اليوم الاثنين").1, d("2023-09-11", None, EventBasis::Relative));
        assert_eq!(one("قال أمس إن").1, d("2023-09-10", None, EventBasis::Relative));
        assert_eq!(one("قال الأمس").1, d("2023-09-10", None, EventBasis::Relative));
        assert_eq!(one("وصل أول أمس").1, d("2023-09-09", None, EventBasis::Relative));
        assert_eq!(one("يصل غداً").1, d("2023-09-12", None, EventBasis::Relative));
        assert_eq!(one("في وقت سابق من اليوم").1, d("2023-09-11", None, EventBasis::Relative));
        assert_eq!(one("مساء اليوم").1, d("2023-09-11", None, EventBasis::Relative));
    }

    #[test]
    fn weekdays() {
        assert_eq!(one("التقى يوم الخميس").1, d("2023-09-07", None, EventBasis::Relative));
        assert_eq!(one("يلتقيان الخميس المقبل").1, d("2023-09-14", None, EventBasis::Relative));
        assert_eq!(one("التقى الاثنين الماضي").1, d("2023-09-04", None, EventBasis::Relative));
        assert_eq!(one("الجمعة").1, d("2023-09-08", None, EventBasis::Relative));
    }

    #[test]
    fn periods() {
        // Week of Saturday 2023-09-09; the previous one starts 2023-09-02.
        assert_eq!(one("الأسبوع الماضي").1, d("2023-09-02", Some("2023-09-08"), EventBasis::Relative));
        assert_eq!(one("الأسبوع المقبل").1, d("2023-09-16", Some("2023-09-22"), EventBasis::Relative));
        assert_eq!(one("الشهر الماضي").1, d("2023-08", None, EventBasis::Relative));
        assert_eq!(one("الشهر المقبل").1, d("2023-10", None, EventBasis::Relative));
        assert_eq!(one("العام الماضي").1, d("2022", None, EventBasis::Relative));
        assert_eq!(one("السنة المقبلة").1, d("2024", None, EventBasis::Relative));
        assert_eq!(one("هذا العام").1, d("2023", None, EventBasis::Relative));
    }

    #[test]
    fn ranges() {
        // Published 2023-09-11: June 2023 is nearer than June 2024.
        assert_eq!(one("يومي 18 و19 يونيو").1, d("2023-06-18", Some("2023-06-19"), EventBasis::Inferred));
        let (expr, date) = one("تعقد من 18 إلى 20 سبتمبر 2023 في الرياض");
        assert_eq!(expr, "من 18 إلى 20 سبتمبر 2023");
        assert_eq!(date, d("2023-09-18", Some("2023-09-20"), EventBasis::Explicit));
        assert_eq!(one("بين 5 و7 مايو 2022").1, d("2022-05-05", Some("2022-05-07"), EventBasis::Explicit));
    }

    #[test]
    fn expressions_keep_the_text_and_offsets() {
        let text = "أعلن الكرملين اليوم الاثنين أن الزيارة ستكون الأسبوع المقبل.";
        let f = find(text, pub_day());
        assert_eq!(f.len(), 2, "{f:?}");
        for t in &f {
            assert_eq!(&text[t.start..t.end], t.expression);
        }
        assert_eq!(f[0].expression, "اليوم الاثنين");
        assert_eq!(f[1].expression, "الأسبوع المقبل");
    }
}

/// The dated events of an article: each temporal expression of its body with its sentence.
/// Relative and year-less expressions resolve against the publication day; without one only
/// absolute dates are kept. `entities` is left for the caller (the entity stage knows them).
pub fn events(a: &mirsad_model::Article) -> Vec<mirsad_model::Event> {
    let published =
        a.published.as_ref().and_then(|p| p.day()).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let mut out = Vec::new();
    for sentence in sentences(&a.body) {
        for t in find(sentence, published) {
            out.push(mirsad_model::Event {
                article: a.id.clone(),
                date: t.date,
                expression: t.expression,
                sentence: sentence.to_string(),
                entities: Vec::new(),
            });
        }
    }
    out
}

/// Sentences of a text: split after `.` `!` `?` `؟` and at line breaks, trimmed, empty ones
/// dropped. A dot between digits (`2.5`) does not end a sentence.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let end = match c {
            '\n' | '!' | '?' | '؟' => true,
            '.' => {
                let before = i > 0 && bytes[i - 1].is_ascii_digit();
                let after = bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                !(before && after)
            }
            _ => false,
        };
        if end {
            let s = text[start..i + c.len_utf8()].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + c.len_utf8();
        }
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod event_tests {
    use super::*;
    use mirsad_model::{Article, Basis, Precision, Published};

    #[test]
    fn events_carry_sentence_and_resolve_against_publication() {
        let a = Article {
            published: Some(Published {
                value: "2023-09-11".into(),
                precision: Precision::Day,
                basis: Basis::Explicit,
            }),
            ..Article::new(
                "a",
                "a.txt",
                "قال الوزير أمس إن النمو بلغ 2.5 في المئة. وستعقد القمة يومي 18 و19 أكتوبر.\n\nلا تاريخ هنا",
            )
        };
        let ev = events(&a);
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert_eq!(ev[0].sentence, "قال الوزير أمس إن النمو بلغ 2.5 في المئة.");
        assert_eq!(ev[0].date.start, "2023-09-10");
        assert_eq!(ev[1].date.start, "2023-10-18");
        assert_eq!(ev[1].date.end.as_deref(), Some("2023-10-19"));
        let undated = Article { published: None, ..a };
        assert!(events(&undated).is_empty());
    }
}
