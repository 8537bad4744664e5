//! Dates as an Arabic reader expects them: «الإثنين 11 سبتمبر 2023، 14:05», or «منذ 3 ساعات»
//! for recent items, always inside a `<time>` that bidi cannot reorder.
//!
//! Western digits, as Arabic news sites print them. A time is shown in the offset the outlet
//! gave (what its own page said). "Now" is passed in, so the output is a function of its inputs.

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use maud::{html, Markup};
use mirsad_model::{DateValue, Precision};

const WEEKDAYS: [&str; 7] = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"];
const MONTHS: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

/// Items younger than this are shown relative to now.
const RELATIVE_SECONDS: i64 = 48 * 3600;
/// A time this far ahead of now is clock skew between outlet and server, shown as «الآن».
const SKEW_SECONDS: i64 = 5 * 60;

/// The local wall-clock time of a value: in its own offset, or as written when it has none.
fn local(d: &DateValue) -> Option<NaiveDateTime> {
    match d.datetime() {
        Some(t) => Some(t.naive_local()),
        // `timestamp` reads a time without an offset as UTC, which gives back the wall clock.
        None => DateTime::from_timestamp(d.timestamp(), 0).map(|t| t.naive_utc()),
    }
}

pub(crate) fn month_name(m: u32) -> &'static str {
    MONTHS[(m.clamp(1, 12) - 1) as usize]
}

/// The full Arabic form: weekday, day, month, year and, when known, the time; a month or a
/// year alone when that is all the value says.
pub fn full(d: &DateValue) -> String {
    let Some(t) = local(d) else { return d.as_str().to_string() };
    let day = || {
        let wd = WEEKDAYS[t.weekday().num_days_from_monday() as usize];
        format!("{wd} {} {} {}", t.day(), month_name(t.month()), t.year())
    };
    match d.precision() {
        Precision::Year => t.year().to_string(),
        Precision::Month => format!("{} {}", month_name(t.month()), t.year()),
        Precision::Day => day(),
        Precision::Minute | Precision::Second => format!("{}، {}", day(), t.format("%H:%M")),
    }
}

/// «منذ …» for a value less than two days before `now`, `None` otherwise. A day without a
/// time is «اليوم» or «أمس» by the calendar (UTC), never a count of hours.
pub fn relative(d: &DateValue, now: DateTime<Utc>) -> Option<String> {
    match d.precision() {
        Precision::Year | Precision::Month => None,
        Precision::Day => {
            let days = (now.date_naive() - d.date()?).num_days();
            match days {
                0 => Some("اليوم".into()),
                1 => Some("أمس".into()),
                _ => None,
            }
        }
        Precision::Minute | Precision::Second => {
            let ago = now.timestamp() - d.timestamp();
            match ago {
                _ if ago < -SKEW_SECONDS => None,
                _ if ago < 60 => Some("الآن".into()),
                _ if ago < 3600 => Some(counted(ago / 60, "دقيقة", "دقيقتين", "دقائق")),
                _ if ago < 24 * 3600 => Some(counted(ago / 3600, "ساعة", "ساعتين", "ساعات")),
                _ if ago < RELATIVE_SECONDS => Some("أمس".into()),
                _ => None,
            }
        }
    }
}

/// «منذ» with an Arabic count: one and two have their own forms, 3–10 take the plural, 11
/// and more the singular.
fn counted(n: i64, one: &str, two: &str, plural: &str) -> String {
    match n {
        1 => format!("منذ {one}"),
        2 => format!("منذ {two}"),
        3..=10 => format!("منذ {n} {plural}"),
        _ => format!("منذ {n} {one}"),
    }
}

/// A date as markup: `<time datetime="ISO" dir="rtl">`, relative with the full form as its
/// title when recent. `dir` isolates it (HTML gives any element with `dir` `unicode-bidi:
/// isolate`), so the digits around it never reorder.
pub fn time(d: &DateValue, now: DateTime<Utc>) -> Markup {
    let shown = full(d);
    match relative(d, now) {
        Some(r) => html! { time datetime=(d.as_str()) dir="rtl" title=(shown) { (r) } },
        None => html! { time datetime=(d.as_str()) dir="rtl" { (shown) } },
    }
}

/// A date string from a record that is not a [`DateValue`] yet (an event date, a story
/// reference); shown as given when it does not parse.
pub fn time_str(s: &str, now: DateTime<Utc>) -> Markup {
    match DateValue::parse(s) {
        Ok(d) => time(&d, now),
        Err(_) => html! { time dir="ltr" { (s) } },
    }
}

/// Like [`time`] but always the full form: for dates of events, where «منذ» would be about
/// the reader, not the event.
pub fn time_full(s: &str) -> Markup {
    match DateValue::parse(s) {
        Ok(d) => html! { time datetime=(d.as_str()) dir="rtl" { (full(&d)) } },
        Err(_) => html! { time dir="ltr" { (s) } },
    }
}

/// A span of days, compact as a reader writes it: «11–14 سبتمبر 2023» within a month,
/// «30 أغسطس – 2 سبتمبر 2023» within a year, both dates in full otherwise; one day is [`time`]
/// (relative when recent). The whole span is one isolated run, so bidi cannot split it.
pub fn span(first: &DateValue, last: &DateValue, now: DateTime<Utc>) -> Markup {
    let day = |d: &DateValue| d.date().and_then(DateValue::from_day);
    let (Some(f), Some(l)) = (day(first), day(last)) else {
        return html! { span.range dir="rtl" { (time(first, now)) " – " (time(last, now)) } };
    };
    let (fd, ld) = (f.date(), l.date());
    let (Some(fd), Some(ld)) = (fd, ld) else { return time(&f, now) };
    if fd == ld {
        return time(&f, now);
    }
    let (fd, ld, f, l) = if fd <= ld { (fd, ld, f, l) } else { (ld, fd, l, f) };
    let (first_text, last_text) = if fd.year() == ld.year() && fd.month() == ld.month() {
        (fd.day().to_string(), format!("{} {} {}", ld.day(), month_name(ld.month()), ld.year()))
    } else if fd.year() == ld.year() {
        (
            format!("{} {}", fd.day(), month_name(fd.month())),
            format!("{} {} {}", ld.day(), month_name(ld.month()), ld.year()),
        )
    } else {
        let whole = |d: chrono::NaiveDate| format!("{} {} {}", d.day(), month_name(d.month()), d.year());
        (whole(fd), whole(ld))
    };
    let sep = if first_text.contains(' ') { " – " } else { "–" };
    html! {
        span.range dir="rtl" {
            // A day number alone is no date to read by itself: only a part that names its month
            // is a <time> of its own.
            @if first_text.contains(' ') {
                time datetime=(f.as_str()) { (first_text) }
            } @else {
                span title=(full(&f)) { (first_text) }
            }
            (sep) time datetime=(l.as_str()) { (last_text) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> DateValue {
        DateValue::parse(s).expect("test date")
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test instant").with_timezone(&Utc)
    }

    #[test]
    fn spans_are_compact() {
        let now = at("2030-01-01T00:00:00Z");
        let text = |a: &str, b: &str| {
            let m = span(&d(a), &d(b), now).into_string();
            // the visible text, tags dropped
            let mut out = String::new();
            let mut tag = false;
            for c in m.chars() {
                match c {
                    '<' => tag = true,
                    '>' => tag = false,
                    c if !tag => out.push(c),
                    _ => {}
                }
            }
            out
        };
        assert_eq!(text("2023-09-11T14:05:00+03:00", "2023-09-14"), "11–14 سبتمبر 2023");
        assert_eq!(text("2023-08-30", "2023-09-02T10:00:00Z"), "30 أغسطس – 2 سبتمبر 2023");
        assert_eq!(text("2022-12-30", "2023-01-02"), "30 ديسمبر 2022 – 2 يناير 2023");
        assert_eq!(text("2023-09-14", "2023-09-11"), "11–14 سبتمبر 2023");
        assert_eq!(text("2023-09-11T01:00:00Z", "2023-09-11T20:00:00Z"), "الإثنين 11 سبتمبر 2023");
    }

    #[test]
    fn full_dates_name_the_weekday_and_month() {
        // 11 September 2023 was a Monday; 29 February 2024 a Thursday; 1 January 2000 a Saturday.
        assert_eq!(full(&d("2023-09-11T14:05+03:00")), "الإثنين 11 سبتمبر 2023، 14:05");
        assert_eq!(full(&d("2023-09-11")), "الإثنين 11 سبتمبر 2023");
        assert_eq!(full(&d("2024-02-29")), "الخميس 29 فبراير 2024");
        assert_eq!(full(&d("2000-01-01T00:00:30Z")), "السبت 1 يناير 2000، 00:00");
        assert_eq!(full(&d("2023-12")), "ديسمبر 2023");
        assert_eq!(full(&d("2023")), "2023");
        // The outlet's own offset is kept: 23:30 in Riyadh is still the 11th there.
        assert_eq!(full(&d("2023-09-11T23:30+03:00")), "الإثنين 11 سبتمبر 2023، 23:30");
        assert_eq!(full(&d("2023-09-11T23:30")), "الإثنين 11 سبتمبر 2023، 23:30");
    }

    #[test]
    fn every_month_has_its_name() {
        let names: Vec<String> = (1..=12).map(|m| full(&d(&format!("2023-{m:02}")))).collect();
        assert_eq!(names[3], "أبريل 2023");
        assert_eq!(names[7], "أغسطس 2023");
        assert_eq!(names[9], "أكتوبر 2023");
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), 12);
    }

    #[test]
    fn recent_times_are_relative() {
        let now = at("2023-09-11T15:00:00+03:00");
        let r = |s: &str| relative(&d(s), now);
        assert_eq!(r("2023-09-11T14:59:40+03:00").as_deref(), Some("الآن"));
        assert_eq!(r("2023-09-11T14:59+03:00").as_deref(), Some("منذ دقيقة"));
        assert_eq!(r("2023-09-11T14:58+03:00").as_deref(), Some("منذ دقيقتين"));
        assert_eq!(r("2023-09-11T14:55+03:00").as_deref(), Some("منذ 5 دقائق"));
        assert_eq!(r("2023-09-11T14:15+03:00").as_deref(), Some("منذ 45 دقيقة"));
        assert_eq!(r("2023-09-11T14:00+03:00").as_deref(), Some("منذ ساعة"));
        assert_eq!(r("2023-09-11T12:00+03:00").as_deref(), Some("منذ 3 ساعات"));
        // The same instant written in another offset.
        assert_eq!(r("2023-09-11T09:00Z").as_deref(), Some("منذ 3 ساعات"));
        assert_eq!(r("2023-09-10T16:00+03:00").as_deref(), Some("منذ 23 ساعة"));
        assert_eq!(r("2023-09-10T14:00+03:00").as_deref(), Some("أمس"));
        assert_eq!(r("2023-09-09T15:00:01+03:00").as_deref(), Some("أمس"));
        assert_eq!(r("2023-09-09T15:00+03:00"), None, "two days old is a full date");
        assert_eq!(r("2023-09-11T15:03+03:00").as_deref(), Some("الآن"), "clock skew");
        assert_eq!(r("2023-09-12T15:00+03:00"), None, "the future is a full date");
        // Days by the calendar.
        assert_eq!(r("2023-09-11").as_deref(), Some("اليوم"));
        assert_eq!(r("2023-09-10").as_deref(), Some("أمس"));
        assert_eq!(r("2023-09-09"), None);
        assert_eq!(r("2023-09"), None);
    }

    #[test]
    fn markup_is_isolated_and_keeps_the_full_date_as_title() {
        let now = at("2023-09-11T15:00:00Z");
        let m = time(&d("2023-09-11T12:00Z"), now).into_string();
        assert_eq!(
            m,
            r#"<time datetime="2023-09-11T12:00Z" dir="rtl" title="الإثنين 11 سبتمبر 2023، 12:00">منذ 3 ساعات</time>"#
        );
        let old = time(&d("2020-05-01"), now).into_string();
        assert_eq!(old, r#"<time datetime="2020-05-01" dir="rtl">الجمعة 1 مايو 2020</time>"#);
        assert_eq!(time_str("not a date", now).into_string(), r#"<time dir="ltr">not a date</time>"#);
    }
}
