//! Temporal expressions in Arabic news text, resolved to calendar dates against the article's
//! publication date.
//!
//! Rules (each has a unit test below):
//! - absolute: `15 مارس 2023`, `15/3/2023`, `2023-03-15` (explicit); `15 مارس` without a year
//!   (the year that puts the date nearest the publication date: inferred); `مارس 2023` and
//!   `شهر مارس الماضي`/`المقبل`; `عام 2023`/`العام 2023`/`سنة 2023`
//!   (years 1000–2100: history pieces name the 1800s) and `2023م` (1900–2100 only, as `م` also
//!   abbreviates metres);
//! - relative to the publication date: `اليوم` (and `اليوم الاثنين`), `الليلة`, `صباح اليوم`,
//!   `في وقت سابق من اليوم`, `أمس`/`الأمس`/`البارحة`, `أول أمس`, `غدا`, `بعد غد`, a weekday
//!   alone (`يوم الخميس`: the nearest such day up to the publication date; with `المقبل` the next
//!   one, with `الماضي` the previous one), `الأسبوع الماضي`/`المقبل`/`الحالي`, `الشهر
//!   الماضي`/`المقبل`/`الجاري`, `العام الماضي`/`المقبل`/`الجاري`;
//! - ranges: `يومي 18 و19 يونيو`, `من 18 إلى 20 يونيو`, `بين 18 و20 يونيو 2023`;
//! - counted offsets from the publication date: `قبل`/`منذ`/`بعد` + a count + a unit of years,
//!   months, weeks or days (`قبل خمسة أعوام`, `قبل 3 سنوات`, `بعد ثلاثة أيام`, `قبل خمسة وتسعين
//!   عاما`; counts in digits or words 1–19, tens, `مئة`), a dual (`منذ عامين`, `قبل أسبوعين`), a
//!   bare singular after `قبل`/`منذ` (`قبل عام`) only when what follows cannot be the noun's
//!   complement (`قبل عام 2011`, `منذ يوم تأسيسها` are not offsets); never when the count runs
//!   from another event (`قبل ثلاثة أيام من الانتخابات`, `قبل يومين فقط من`). `بعد` counts from
//!   the story's own events far more often than from publication (`أفرج عنه بعد أربع سنوات`,
//!   `وبعد يومين، لقي…`, `بعد 60 عاما` of absence), so it is taken only for days, weeks and
//!   months, without a clitic `و`/`ف`, and when no complement follows (`ينطلق بعد 3 أشهر،`).
//!   The date has the unit's precision (`YYYY`, `YYYY-MM`, a day, or the Saturday-to-Friday week
//!   as a range), basis relative;
//! - centuries as year ranges: `القرن العشرين`/`العشرون`, `القرن الـ19`, `القرن 19`, `القرن
//!   التاسع عشر`, `القرن الحادي والعشرين` (explicit), `القرن الماضي`/`الحالي`/`المقبل` (relative).
//!   The export contract has no century or decade precision (`start`/`end` are `YYYY[-MM[-DD]]`),
//!   so the 20th century is `1900`–`1999`, the popular reading rather than 1901–2000;
//! - decades as year ranges: `الستينيات`/`الستينات` (the 1900s are assumed: inferred; an age
//!   without `من عمره`, `ممثل في مطلع الأربعينات`, is still read as a decade),
//!   `تسعينيات القرن الماضي`, `العقد الأول من القرن الحادي والعشرين`; not an age (`في الستينيات
//!   من عمره`);
//! - seasons as month ranges (spring March–May, summer June–August, autumn September–November,
//!   winter December of the year before to February): `صيف 2020`, `شتاء عام 2021` (explicit),
//!   `الصيف الماضي` (the last one ended before the publication month), `الشتاء المقبل`, `هذا
//!   الصيف`, `شتاء العام الماضي` (the winter of that year) (relative);
//! - halves and quarters as month ranges: `النصف الثاني من 2021`, `الربع الأخير من عام 2022`
//!   (explicit), `الربع الأول من العام`/`من العام الماضي`/`من هذا العام` (relative); not of a
//!   fiscal or school year (`من العام المالي`); of a century as a year range (`النصف الثاني من
//!   القرن العشرين`: `1950`–`1999`);
//! - the present: `الآن`, `حاليا`, `في الوقت الحالي`/`الراهن` resolve to the publication day
//!   (relative): they say when a stated fact holds («يعيش حاليا في…»), which is the
//!   publication day.
//!
//! Left out on purpose: vague past and future references (`مؤخرا`, `سابقا`, `قريبا`, `الأيام
//! الماضية`, `في الأيام المقبلة`, `منذ سنوات`). They name no day, month or year: any date we gave
//! them (the publication day, or a window of invented width) would put the event on a timeline
//! where the text does not, so they get no event. Season, century and half words alone
//! (`الصيف`, `الربيع العربي`, `صفقة القرن`, `النصف الثاني من المباراة`) are not dates either.
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

/// Alternatives, each widened by [`loose`].
fn any(names: &[&str]) -> String {
    names.iter().map(|n| loose(n)).collect::<Vec<_>>().join("|")
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

/// Capacity of the lazy DFA's state cache, per regex and thread. With the default (2 MB) the
/// set of all rules (Unicode word classes, many alternations, Arabic text) kept filling its
/// cache, which is then cleared and rebuilt; with 16 MB it is not (`perf` on the full `analyze`
/// run of docs/BENCHMARKS.md shows the gate's time as DFA steps, no longer as rebuilding).
const DFA_CACHE: usize = 16 << 20;

/// A rule's regex, with the larger DFA cache.
fn rule(name: &str, pattern: &str) -> Regex {
    let built = regex::RegexBuilder::new(pattern).dfa_size_limit(DFA_CACHE).build();
    built.unwrap_or_else(|e| panic!("timex rule {name}: {e}"))
}

/// A rule: one kind of temporal expression, its pattern and how a match becomes a date. Group 1
/// of every pattern is the expression (the boundaries around it are not part of it).
struct Rule {
    /// Names the rule in tests and in the message of a pattern that does not compile.
    name: &'static str,
    /// The pattern, from the pieces several rules share.
    pattern: fn(&Pieces) -> String,
    resolve: Resolve,
}

/// How a rule's match becomes a date (`None`: the match is not taken).
enum Resolve {
    /// Absolute forms; a year-less one may use the publication day when there is one.
    Any(fn(&regex::Captures, &Ctx) -> Option<EventDate>),
    /// Forms relative to the publication day: not even searched for without one.
    Relative(fn(&regex::Captures, &Ctx, NaiveDate) -> Option<EventDate>),
}

/// What a rule's handler may look at besides its captures.
struct Ctx<'t> {
    text: &'t str,
    published: Option<NaiveDate>,
}

/// The rules, in the order their expressions win ties (same start and end). The gate, the
/// regexes and the handlers are all indexed by a rule's place in this one list.
const RULES: &[Rule] = &[
    Rule {
        name: "range",
        pattern: |p| {
            format!(
                r"{B}((?:{yawmay}|{bayna}|من)\s+(\d{{1,2}})\s*(?:و|-|–|{ila}|{hatta})\s*(\d{{1,2}})\s+({m})(?:\s+{year})?){E}",
                m = p.months,
                year = p.year,
                yawmay = loose("يومي"),
                bayna = loose("بين"),
                ila = loose("الي"),
                hatta = loose("حتي"),
            )
        },
        resolve: Resolve::Any(range),
    },
    Rule {
        name: "numeric",
        pattern: |_| format!(r"{B}((\d{{1,2}})[/.](\d{{1,2}})[/.](\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}})){E}"),
        resolve: Resolve::Any(numeric),
    },
    Rule {
        name: "day_month",
        pattern: |p| {
            format!(
                r"{B}((\d{{1,2}})\s+(?:{shahr}\s+)?({m})(?:\s+{year})?){E}",
                m = p.months,
                year = p.year,
                shahr = loose("من شهر")
            )
        },
        resolve: Resolve::Any(day_month),
    },
    Rule {
        name: "month_year",
        pattern: |p| {
            format!(r"{B}((?:{shahr}\s+)?({m})\s+{year}){E}", m = p.months, year = p.year, shahr = loose("شهر"))
        },
        resolve: Resolve::Any(month_year),
    },
    Rule {
        name: "month_rel",
        pattern: |p| {
            format!(
                r"{B}((?:{shahr}\s+)?({m})\s+({past}|{next}|{cur}|{cur2})){E}",
                m = p.months,
                shahr = loose("شهر"),
                past = loose("الماضي"),
                next = any(&["المقبل", "القادم"]),
                cur = loose("الجاري"),
                cur2 = loose("الحالي"),
            )
        },
        resolve: Resolve::Relative(month_rel),
    },
    Rule {
        name: "year",
        pattern: |_| {
            format!(
                r"{B}((?:لل|ل|ال)?(?:{aam}|{sana})\s+(\d{{4}})\s*م?|(\d{{4}})\s*م){E}",
                aam = loose("عام"),
                sana = loose("سنه")
            )
        },
        resolve: Resolve::Any(year),
    },
    Rule {
        name: "relative",
        pattern: |p| {
            format!(
                r"{B}(({early}|{before_yesterday}|{yesterday}|{after_tomorrow}|{tomorrow}|{today}|{tonight})(?:\s+({w}))?){E}",
                w = p.weekdays,
                early = loose("في وقت سابق من اليوم"),
                before_yesterday = any(&["اول امس", "اول من امس"]),
                yesterday = any(&["بالامس", "امس", "الامس", "البارحه"]),
                after_tomorrow = loose("بعد غد"),
                tomorrow = any(&["غدا", "غداً", "يوم غد"]),
                today = any(&["صباح اليوم", "مساء اليوم", "اليوم"]),
                tonight = loose("الليله"),
            )
        },
        resolve: Resolve::Relative(relative_day),
    },
    Rule {
        name: "weekday",
        pattern: |p| {
            format!(
                r"{B}((?:{yawm}|{sabah}|{masa}|{layla}\s+)?({w})(?:\s+({past}|{next}))?){E}",
                w = p.weekdays,
                yawm = loose("يوم "),
                sabah = loose("صباح "),
                masa = loose("مساء "),
                layla = loose("ليله"),
                past = loose("الماضي"),
                next = any(&["المقبل", "القادم"]),
            )
        },
        resolve: Resolve::Relative(weekday_rel),
    },
    Rule {
        name: "period",
        pattern: |_| {
            format!(
                r"{B}(({week}|{month}|{year})\s+({past}|{next}|{cur}|{cur2})|({this_w}|{this_m}|{this_y})){E}",
                week = loose("الاسبوع"),
                month = loose("الشهر"),
                year = any(&["العام", "السنه"]),
                past = any(&["الماضي", "الماضيه"]),
                next = any(&["المقبل", "القادم", "المقبله", "القادمه"]),
                cur = any(&["الجاري", "الجاريه"]),
                cur2 = any(&["الحالي", "الحاليه"]),
                this_w = loose("هذا الاسبوع"),
                this_m = loose("هذا الشهر"),
                this_y = any(&["هذا العام", "هذه السنه"]),
            )
        },
        resolve: Resolve::Relative(period),
    },
    Rule {
        name: "ago",
        pattern: |p| {
            format!(
                r"{B}{clitic}((?P<prep>{preps})\s+(?:(?:{about})\s+)?(?:(?P<n>{number})\s+(?P<unit>{plural})|(?P<dual>{dual}))){E}",
                clitic = CLITIC,
                about = p.about,
                number = p.number,
                preps = alternation_d(&["قبل", "منذ", "بعد"]),
                plural = alternation_d(&[
                    "عاما",
                    "عام",
                    "اعوام",
                    "سنوات",
                    "سنين",
                    "سنه",
                    "شهرا",
                    "شهر",
                    "اشهر",
                    "شهور",
                    "اسبوعا",
                    "اسبوع",
                    "اسابيع",
                    "يوما",
                    "يوم",
                    "ايام",
                ]),
                dual = alternation_d(&["عامين", "سنتين", "شهرين", "اسبوعين", "يومين"]),
            )
        },
        resolve: Resolve::Relative(ago),
    },
    Rule {
        name: "ago_bare",
        pattern: |p| {
            format!(
                r"{B}{clitic}((?P<prep>{qabl_mundh})\s+(?:(?:{about})\s+)?(?P<unit>{singular})){E}",
                clitic = CLITIC,
                about = p.about,
                qabl_mundh = alternation_d(&["قبل", "منذ"]),
                singular = alternation_d(&["عام", "سنه", "شهر", "اسبوع", "يوم"]),
            )
        },
        resolve: Resolve::Relative(ago_bare),
    },
    Rule {
        name: "century",
        pattern: |p| format!(r"{B}{clitic}({century}){E}", clitic = CLITIC, century = p.century),
        resolve: Resolve::Any(century),
    },
    Rule {
        name: "decade",
        pattern: |p| {
            format!(
                r"{B}{clitic}((?:ال)?(?P<tens>{tens10})(?:{yat})(?:\s+(?:{min}\s+)?{century})?){E}",
                clitic = CLITIC,
                century = p.century,
                yat = alternation_d(&["يات", "ات"]),
                tens10 = alternation_d(&["عشرين", "ثلاثين", "اربعين", "خمسين", "ستين", "سبعين", "ثمانين", "تسعين"]),
                min = loose("من"),
            )
        },
        resolve: Resolve::Any(decade),
    },
    Rule {
        name: "decade_ord",
        pattern: |p| {
            format!(
                r"{B}{clitic}({aqd}\s+(?P<ord>{ord1})\s+(?:{min}\s+)?{century}){E}",
                clitic = CLITIC,
                century = p.century,
                ord1 = p.ordinals,
                aqd = loose_d("العقد"),
                min = loose("من"),
            )
        },
        resolve: Resolve::Any(decade_ord),
    },
    Rule {
        name: "season",
        pattern: |p| {
            format!(
                r"{B}{clitic}((?:{fasl}\s+)?(?:(?:ال)?(?P<s1>{seasons})\s+(?:{year_word}\s+)?(?P<y>\d{{4}}|[٠-٩]{{4}})|ال(?P<s2>{seasons})\s+(?P<rel>{rel})|(?P<s3>{seasons})\s+(?:{aam}\s+(?P<yrel>{rel})|(?P<this>{this_year}))|{hatha}\s+ال(?P<s4>{seasons}))){E}",
                clitic = CLITIC,
                rel = p.rel,
                year_word = p.year_word,
                aam = p.aam,
                this_year = p.this_year,
                seasons = alternation_d(&SEASONS.iter().map(|(n, _, _)| *n).collect::<Vec<_>>()),
                fasl = loose_d("فصل"),
                hatha = loose_d("هذا"),
            )
        },
        resolve: Resolve::Any(season),
    },
    Rule {
        name: "part",
        pattern: |p| {
            format!(
                r"{B}{clitic}((?P<kind>{kinds})\s+(?P<ord>{ords})\s+{min}\s+(?:(?:{year_word}\s+)?(?P<y>\d{{4}}|[٠-٩]{{4}})|(?P<this>{this_year})|(?P<cent>{century})|{aam}(?:\s+(?P<rel>{rel}))?)){E}",
                clitic = CLITIC,
                rel = p.rel,
                year_word = p.year_word,
                aam = p.aam,
                this_year = p.this_year,
                century = p.century,
                kinds = alternation_d(&["النصف", "الربع"]),
                ords = alternation_d(&["الاول", "الثاني", "الثالث", "الرابع", "الاخير"]),
                min = loose("من"),
            )
        },
        resolve: Resolve::Any(part),
    },
    Rule {
        name: "present",
        pattern: |_| {
            format!(
                r"{B}{clitic}(ال[آا]ن|{haliyan}|{fi_waqt}\s+(?:{now})){E}",
                clitic = CLITIC,
                haliyan = loose_d("حاليا"),
                fi_waqt = loose_d("في الوقت"),
                now = alternation_d(&["الحالي", "الراهن"]),
            )
        },
        resolve: Resolve::Relative(|_, _, p| Some(date(day_str(p), None, EventBasis::Relative))),
    },
];

/// Clitics a counted offset, century, decade, season, half or present may carry (`وقبل`, `بالقرن`).
const CLITIC: &str = "(?:و|ف|ب|ل|وب|ول|وف)?";

/// Pattern pieces several rules share.
struct Pieces {
    /// Month names of all series, longest first.
    months: String,
    weekdays: String,
    /// An optional `عام`/`سنة` and a four-digit year (group), optionally `م`.
    year: &'static str,
    /// `نحو`, `حوالي`…: an approximate count.
    about: String,
    /// A count in digits or words (1–19, tens, `خمسة وتسعين`).
    number: String,
    /// A century with named groups `cnum`, `cord`, `crel` ([`century_of`]).
    century: String,
    /// Past, next or current markers (`الماضي`, `المقبل`, `الحالي`).
    rel: String,
    year_word: String,
    /// `العام`/`السنة`.
    aam: String,
    this_year: String,
    ordinals: String,
}

impl Pieces {
    fn new() -> Pieces {
        let units = alternation_d(&UNIT_WORDS.iter().map(|(n, _)| *n).collect::<Vec<_>>());
        let tens = alternation_d(&TENS_WORDS.iter().map(|(n, _)| *n).collect::<Vec<_>>());
        let teens = alternation_d(&TEEN_WORDS.iter().chain(UNIT_WORDS).map(|(n, _)| *n).collect::<Vec<_>>());
        let ashar = format!("(?:{})", alternation_d(&["عشر", "عشره"]));
        Pieces {
            months: alternation(ARABIC_MONTHS.iter().map(|(n, _)| *n)),
            weekdays: alternation(WEEKDAYS.iter().map(|(n, _)| *n)),
            year: r"(?:(?:من\s+)?(?:لل|ل|ال)?(?:عام|سن[هة])\s+)?(\d{4})\s*م?",
            about: alternation_d(&["نحو", "حوالي", "زهاء", "قرابه"]),
            number: format!(
                r"\d{{1,4}}|[٠-٩]{{1,4}}|(?:{units})\s+و\s*(?:{tens})|(?:{teens})\s+{ashar}|{tens}|{units}",
            ),
            century: century_pattern(),
            rel: alternation_d(&["الماضي", "الماضيه", "المنصرم", "المقبل", "القادم", "الحالي", "الجاري"]),
            year_word: format!("(?:{})", alternation_d(&["عام", "العام", "سنه", "السنه"])),
            aam: format!("(?:{})", alternation_d(&["العام", "السنه"])),
            this_year: alternation_d(&["هذا العام", "هذه السنه"]),
            ordinals: alternation_d(&ORDINALS.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
        }
    }
}

/// The rules compiled: `gate` holds every rule's pattern in one set, so a single pass over the
/// text tells which rules can match there, and only those run their own (capturing) search. A
/// text matches few of the rules. `regexes[i]` and the gate's pattern `i` are `RULES[i]`'s.
struct Compiled {
    gate: regex::RegexSet,
    regexes: Vec<Regex>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let pieces = Pieces::new();
    let patterns: Vec<String> = RULES.iter().map(|r| (r.pattern)(&pieces)).collect();
    let gate = regex::RegexSetBuilder::new(&patterns).dfa_size_limit(DFA_CACHE).build().expect("static regexes");
    Compiled { gate, regexes: RULES.iter().zip(&patterns).map(|(r, p)| rule(r.name, p)).collect() }
});

/// Finds the temporal expressions of `text`; relative and year-less ones need `published`.
/// Overlapping matches keep the earliest-starting, then longest.
pub fn find(text: &str, published: Option<NaiveDate>) -> Vec<Timex> {
    let compiled = &*COMPILED;
    // Most sentences have no date: `is_match` stops early and skips the slower overlapping
    // search that tells which rules match.
    if !compiled.gate.is_match(text) {
        return Vec::new();
    }
    let ctx = Ctx { text, published };
    let mut found: Vec<Timex> = Vec::new();
    for i in compiled.gate.matches(text).iter() {
        let resolve = &RULES[i].resolve;
        if matches!(resolve, Resolve::Relative(_)) && published.is_none() {
            continue;
        }
        for c in compiled.regexes[i].captures_iter(text) {
            let d = match resolve {
                Resolve::Any(f) => f(&c, &ctx),
                Resolve::Relative(f) => published.and_then(|p| f(&c, &ctx, p)),
            };
            if let (Some(m), Some(date)) = (c.get(1), d) {
                found.push(Timex { start: m.start(), end: m.end(), expression: m.as_str().to_string(), date });
            }
        }
    }
    // A stable sort: equal spans keep the order of `RULES`.
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

fn range(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    let (d1, d2, mo) = (num(&c[2])?, num(&c[3])?, month_number(&c[4])?);
    let d = match c.get(5).and_then(|y| num(y.as_str())).filter(|y| plausible_year(*y)) {
        Some(y) => NaiveDate::from_ymd_opt(y as i32, mo, d1)
            .zip(NaiveDate::from_ymd_opt(y as i32, mo, d2))
            .map(|(a, b)| date(day_str(a), Some(day_str(b)), EventBasis::Explicit)),
        None => x.published.and_then(|p| infer_year(mo, d1, p)).and_then(|a| {
            NaiveDate::from_ymd_opt(a.year(), mo, d2).map(|b| date(day_str(a), Some(day_str(b)), EventBasis::Inferred))
        }),
    };
    d.filter(|d| d.end.as_deref() >= Some(d.start.as_str()))
}

fn numeric(c: &regex::Captures, _: &Ctx) -> Option<EventDate> {
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
    d.filter(|d| plausible_year(d.year() as u32)).map(|d| date(day_str(d), None, EventBasis::Explicit))
}

fn day_month(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    let (day, mo) = (num(&c[2])?, month_number(&c[3])?);
    match c.get(4).and_then(|y| num(y.as_str())).filter(|y| plausible_year(*y)) {
        Some(y) => NaiveDate::from_ymd_opt(y as i32, mo, day).map(|d| date(day_str(d), None, EventBasis::Explicit)),
        None => x.published.and_then(|p| infer_year(mo, day, p)).map(|d| date(day_str(d), None, EventBasis::Inferred)),
    }
}

fn month_year(c: &regex::Captures, _: &Ctx) -> Option<EventDate> {
    let (mo, y) = (month_number(&c[2])?, num(&c[3])?);
    plausible_year(y).then(|| date(month_str(y as i32, mo), None, EventBasis::Explicit))
}

fn month_rel(c: &regex::Captures, _: &Ctx, p: NaiveDate) -> Option<EventDate> {
    let mo = month_number(&c[2])?;
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
    Some(date(month_str(y, mo), None, EventBasis::Relative))
}

fn year(c: &regex::Captures, _: &Ctx) -> Option<EventDate> {
    // After `عام`/`سنة` any year since 1000 is a year (history pieces name the 1800s); a bare
    // `2002م` keeps the narrow range, as `م` also abbreviates metres.
    let y = match (c.get(2), c.get(3)) {
        (Some(y), _) => num(y.as_str()).filter(|y| (1000..=2100).contains(y)),
        (_, Some(y)) => num(y.as_str()).filter(|y| plausible_year(*y)),
        _ => None,
    };
    y.map(|y| date(format!("{y:04}"), None, EventBasis::Explicit))
}

fn relative_day(c: &regex::Captures, _: &Ctx, p: NaiveDate) -> Option<EventDate> {
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
    Some(date(day_str(d), None, EventBasis::Relative))
}

fn weekday_rel(c: &regex::Captures, _: &Ctx, p: NaiveDate) -> Option<EventDate> {
    let wd = weekday(&c[2])?;
    let from_p =
        |d: NaiveDate| (d.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64).rem_euclid(7);
    let d = match c.get(3).map(|x| x.as_str()) {
        Some(x) if is_next(x) => p + Duration::days((7 - from_p(p)).rem_euclid(7).max(1)),
        Some(_) => p - Duration::days(if from_p(p) == 0 { 7 } else { from_p(p) }),
        None => p - Duration::days(from_p(p)),
    };
    Some(date(day_str(d), None, EventBasis::Relative))
}

fn period(c: &regex::Captures, _: &Ctx, p: NaiveDate) -> Option<EventDate> {
    let k = mirsad_text::key(c.get(1)?.as_str());
    let by: i32 = if c.get(3).is_some_and(|x| is_past(x.as_str())) {
        -1
    } else if c.get(3).is_some_and(|x| is_next(x.as_str())) {
        1
    } else {
        0
    };
    Some(if k.contains("الاسبوع") {
        // Weeks run Saturday to Friday, as in most Arab countries.
        let start = p - Duration::days(p.weekday().days_since(Weekday::Sat) as i64) + Duration::weeks(by as i64);
        date(day_str(start), Some(day_str(start + Duration::days(6))), EventBasis::Relative)
    } else if k.contains("الشهر") {
        let (y, m) = shift_month(p.year(), p.month(), by);
        date(month_str(y, m), None, EventBasis::Relative)
    } else {
        date(format!("{:04}", p.year() + by), None, EventBasis::Relative)
    })
}

// ---------------------------------------------------------------------------------------------
// Counted offsets, centuries and decades, seasons, halves and quarters, the present.

/// Like [`loose`], and a diacritic may follow any letter (`عاماً`, `عامًا`).
fn loose_d(pattern: &str) -> String {
    let mut out = String::new();
    for c in pattern.chars() {
        if c == ' ' {
            out.push_str(r"\s+");
        } else {
            out.push_str(&loose(&c.to_string()));
            out.push_str("[\u{064B}-\u{0652}]*");
        }
    }
    out
}

fn alternation_d(names: &[&str]) -> String {
    let mut v = names.to_vec();
    v.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    v.iter().map(|n| loose_d(n)).collect::<Vec<_>>().join("|")
}

/// Cardinal number words 1–10 in key form (masculine and feminine forms).
const UNIT_WORDS: &[(&str, u32)] = &[
    ("واحد", 1),
    ("واحده", 1),
    ("اثنين", 2),
    ("اثنان", 2),
    ("اثنتين", 2),
    ("اثنتان", 2),
    ("ثلاثه", 3),
    ("ثلاث", 3),
    ("اربعه", 4),
    ("اربع", 4),
    ("خمسه", 5),
    ("خمس", 5),
    ("سته", 6),
    ("ست", 6),
    ("سبعه", 7),
    ("سبع", 7),
    ("ثمانيه", 8),
    ("ثماني", 8),
    ("ثمان", 8),
    ("تسعه", 9),
    ("تسع", 9),
    ("عشره", 10),
    ("عشر", 10),
];

/// The first words of 11 and 12 (`أحد عشر`, `اثنتي عشرة`); 13–19 use the unit words.
const TEEN_WORDS: &[(&str, u32)] = &[("احد", 1), ("احدي", 1), ("اثنا", 2), ("اثني", 2), ("اثنتا", 2), ("اثنتي", 2)];

const TENS_WORDS: &[(&str, u32)] = &[
    ("عشرين", 20),
    ("عشرون", 20),
    ("ثلاثين", 30),
    ("ثلاثون", 30),
    ("اربعين", 40),
    ("اربعون", 40),
    ("خمسين", 50),
    ("خمسون", 50),
    ("ستين", 60),
    ("ستون", 60),
    ("سبعين", 70),
    ("سبعون", 70),
    ("ثمانين", 80),
    ("ثمانون", 80),
    ("تسعين", 90),
    ("تسعون", 90),
    ("مئه", 100),
    ("مائه", 100),
];

/// Ordinals 1–10 in key form, for centuries, decades, halves and quarters.
const ORDINALS: &[(&str, u32)] = &[
    ("الاول", 1),
    ("الحادي", 1),
    ("الثاني", 2),
    ("الثالث", 3),
    ("الرابع", 4),
    ("الخامس", 5),
    ("السادس", 6),
    ("السابع", 7),
    ("الثامن", 8),
    ("التاسع", 9),
    ("العاشر", 10),
];

fn lookup(table: &[(&str, u32)], k: &str) -> Option<u32> {
    table.iter().find(|(n, _)| *n == k).map(|&(_, v)| v)
}

/// The value of a count written in digits or in words: 1–10, 11–19, tens, `خمسة وتسعين`, 100.
fn count_value(s: &str) -> Option<u32> {
    let k = mirsad_text::key(s);
    if k.bytes().all(|b| b.is_ascii_digit()) {
        return k.parse().ok();
    }
    let w: Vec<&str> = k.split(' ').collect();
    match w.as_slice() {
        [one] => lookup(UNIT_WORDS, one).or_else(|| lookup(TENS_WORDS, one)),
        [u, ten] if ten.starts_with('و') => {
            Some(lookup(UNIT_WORDS, u)? + lookup(TENS_WORDS, &ten['و'.len_utf8()..]).filter(|t| *t < 100)?)
        }
        [u, "و", ten] => Some(lookup(UNIT_WORDS, u)? + lookup(TENS_WORDS, ten).filter(|t| *t < 100)?),
        [u, "عشر" | "عشره"] => {
            Some(10 + lookup(TEEN_WORDS, u).or_else(|| lookup(UNIT_WORDS, u).filter(|v| *v < 10))?)
        }
        _ => None,
    }
}

/// The value of an ordinal 1–29 in key form (`التاسع عشر`, `الحادي والعشرين`, `العشرين`).
fn ordinal_value(k: &str) -> Option<u32> {
    let w: Vec<&str> = k.split(' ').collect();
    match w.as_slice() {
        ["العشرين" | "العشرون"] => Some(20),
        [o] => lookup(ORDINALS, o).filter(|v| *v != 1 || *o == "الاول"),
        [o, "عشر"] => lookup(ORDINALS, o).filter(|v| *v < 10).map(|v| v + 10),
        [o, "والعشرين" | "والعشرون"] => lookup(ORDINALS, o).filter(|v| *v < 10).map(|v| v + 20),
        [o, "و", "العشرين" | "العشرون"] => lookup(ORDINALS, o).filter(|v| *v < 10).map(|v| v + 20),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Year,
    Month,
    Week,
    Day,
}

/// The unit of a counted noun and, for a dual (`عامين`) or a bare singular, the count it
/// carries itself.
fn unit_of(word: &str) -> Option<(Unit, Option<u32>)> {
    let k = mirsad_text::key(word);
    let dual = ["عامين", "سنتين", "شهرين", "اسبوعين", "يومين"].contains(&k.as_str());
    let unit = if k.starts_with("عام") || k.starts_with("اعوام") || k.starts_with("سن") {
        Unit::Year
    } else if k.starts_with("شهر") || k.starts_with("اشهر") || k.starts_with("شهور") {
        Unit::Month
    } else if k.starts_with("اسبوع") || k.starts_with("اسابيع") {
        Unit::Week
    } else if k.starts_with("يوم") || k.starts_with("ايام") {
        Unit::Day
    } else {
        return None;
    };
    let singular = ["عام", "سنه", "شهر", "اسبوع", "يوم"].contains(&k.as_str());
    Some((
        unit,
        if dual {
            Some(2)
        } else if singular {
            Some(1)
        } else {
            None
        },
    ))
}

/// The date `n` units before (negative `n`: after) the publication day, at the unit's
/// precision; a week is the Saturday-to-Friday week holding the day.
fn shifted(p: NaiveDate, unit: Unit, n: i64) -> Option<EventDate> {
    Some(match unit {
        Unit::Year => date(format!("{:04}", i64::from(p.year()) - n), None, EventBasis::Relative),
        Unit::Month => {
            let (y, m) = shift_month(p.year(), p.month(), i32::try_from(-n).ok()?);
            date(month_str(y, m), None, EventBasis::Relative)
        }
        Unit::Day => date(day_str(p.checked_sub_signed(Duration::try_days(n)?)?), None, EventBasis::Relative),
        Unit::Week => {
            let d = p.checked_sub_signed(Duration::try_weeks(n)?)?;
            let start = d - Duration::days(d.weekday().days_since(Weekday::Sat) as i64);
            date(day_str(start), Some(day_str(start + Duration::days(6))), EventBasis::Relative)
        }
    })
}

/// The key of the word right after byte `end` of `text`, past `فقط`/`تقريبا` (empty at the
/// end of the text or before punctuation).
fn next_key(text: &str, end: usize) -> String {
    let mut rest = &text[end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace());
        let len =
            rest.find(|c: char| !(c.is_alphanumeric() || mirsad_text::is_arabic_diacritic(c))).unwrap_or(rest.len());
        let k = mirsad_text::key(&rest[..len]);
        if k != "فقط" && k != "تقريبا" {
            return k;
        }
        rest = &rest[len..];
    }
}

/// Words that may follow a bare singular `قبل عام` / `منذ شهر` when it means «a year ago»:
/// anything else is most likely the noun's complement (`منذ يوم تأسيسها`, `قبل عام 2011`,
/// `منذ شهر رمضان`, `قبل يوم الخميس`).
const AFTER_BARE: &[&str] = &[
    "",
    "ان",
    "انه",
    "انها",
    "انهم",
    "في",
    "الي",
    "فقط",
    "تقريبا",
    "واحد",
    "واحده",
    "كامل",
    "حين",
    "عندما",
    "حيث",
    "ثم",
    "لكن",
    "ولكن",
    "اي",
    "او",
    "قال",
    "قالت",
];

/// Seasons in key form with their months (winter: December of the year before to February).
const SEASONS: &[(&str, u32, u32)] = &[("ربيع", 3, 5), ("صيف", 6, 8), ("خريف", 9, 11), ("شتاء", 12, 2)];

/// The months of a season of year `y`, as (year, month) pairs.
fn season_range(season: usize, y: i32) -> ((i32, u32), (i32, u32)) {
    let (_, a, b) = SEASONS[season];
    if a > b {
        ((y - 1, a), (y, b))
    } else {
        ((y, a), (y, b))
    }
}

fn month_range(a: (i32, u32), b: (i32, u32), basis: EventBasis) -> EventDate {
    date(month_str(a.0, a.1), Some(month_str(b.0, b.1)), basis)
}

/// `-1`, `1` or `0` for a past, next or current marker (`الماضي`, `المقبل`, `الحالي`).
fn direction(word: &str) -> i32 {
    if is_past(word) || mirsad_text::key(word).starts_with("المنصرم") {
        -1
    } else if is_next(word) {
        1
    } else {
        0
    }
}

/// A century: `القرن العشرين`, `القرن الـ19`, `القرن 19`, `القرن التاسع عشر`, `القرن
/// الحادي والعشرين`, `القرن الماضي`/`الحالي`/`المقبل`. Named groups `cnum`, `cord`, `crel`.
fn century_pattern() -> String {
    let ord1 = alternation_d(&ORDINALS.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    format!(
        r"{qarn}\s+(?:(?:ال(?:ـ+|-)?\s*)?(?P<cnum>\d{{1,2}}|[٠-٩]{{1,2}})|(?P<cord>(?:{ord1})\s+(?:و\s*)?(?:{ishrin})|(?:{ord1})\s+{ashar}|{ishrin}|(?:{ord1}))|(?P<crel>{rel}))",
        qarn = loose_d("القرن"),
        ishrin = alternation_d(&["العشرين", "العشرون"]),
        ashar = loose_d("عشر"),
        rel = alternation_d(&["الماضي", "المنصرم", "الحالي", "الجاري", "المقبل", "القادم"]),
    )
}

/// The century (1-based) a century pattern's captures name, and how it is known.
fn century_of(c: &regex::Captures, p: Option<NaiveDate>) -> Option<(i32, EventBasis)> {
    if let Some(n) = c.name("cnum") {
        return num(n.as_str()).map(|n| (n as i32, EventBasis::Explicit));
    }
    if let Some(o) = c.name("cord") {
        return ordinal_value(&mirsad_text::key(o.as_str())).map(|n| (n as i32, EventBasis::Explicit));
    }
    let by = direction(c.name("crel")?.as_str());
    p.map(|p| (p.year() / 100 + 1 + by, EventBasis::Relative))
}

fn ago(c: &regex::Captures, x: &Ctx, p: NaiveDate) -> Option<EventDate> {
    let whole = c.get(1)?;
    if ["من", "علي", "عن"].contains(&next_key(x.text, whole.end()).as_str()) {
        return None; // «قبل ثلاثة أيام من الانتخابات»: counted from another event.
    }
    let (unit, n) = match (c.name("n"), c.name("unit"), c.name("dual")) {
        (Some(n), Some(u), _) => (unit_of(u.as_str())?.0, count_value(n.as_str())?),
        (_, _, Some(d)) => match unit_of(d.as_str())? {
            (unit, Some(n)) => (unit, n),
            _ => return None,
        },
        _ => return None,
    };
    if n == 0 || n > 2000 {
        return None;
    }
    let after = mirsad_text::key(&c["prep"]).starts_with("بعد");
    if after {
        // «بعد» counts from publication far less often than from the story's own events:
        // «أفرج عنه بعد أربع سنوات», «وبعد يومين، لقي…», «بعد 60 عاما» (of absence),
        // «بعد 5 أيام حافلة». Only a count of days, weeks or months that stands alone,
        // not a story's next step (a clitic `و`/`ف`), is taken.
        let clitic = x.text[..whole.start()].ends_with(['و', 'ف']);
        let next = next_key(x.text, whole.end());
        if matches!(unit, Unit::Year) || clitic || !(AFTER_BARE.contains(&next.as_str()) || next == "ضد") {
            return None;
        }
    }
    shifted(p, unit, if after { -i64::from(n) } else { i64::from(n) })
}

fn ago_bare(c: &regex::Captures, x: &Ctx, p: NaiveDate) -> Option<EventDate> {
    if !AFTER_BARE.contains(&next_key(x.text, c.get(1)?.end()).as_str()) {
        return None;
    }
    match unit_of(&c["unit"])? {
        (unit, Some(1)) => shifted(p, unit, 1),
        _ => None,
    }
}

fn century(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    let (n, basis) = century_of(c, x.published).filter(|(n, _)| (1..=22).contains(n))?;
    let y = (n - 1) * 100;
    Some(date(format!("{y:04}"), Some(format!("{:04}", y + 99)), basis))
}

fn decade(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    let end = c.get(1)?.end();
    let next = next_key(x.text, end);
    let after = mirsad_text::key(&x.text[end..].chars().take(16).collect::<String>());
    if next == "من" && after.contains("عمر") {
        return None; // «في الستينيات من عمره»: an age.
    }
    let tens = lookup(TENS_WORDS, &mirsad_text::key(&c["tens"]))?;
    let (century, basis) = if c.name("cnum").or(c.name("cord")).or(c.name("crel")).is_some() {
        century_of(c, x.published)?
    } else {
        (20, EventBasis::Inferred)
    };
    let y = (century - 1) * 100 + tens as i32;
    Some(date(format!("{y:04}"), Some(format!("{:04}", y + 9)), basis))
}

fn decade_ord(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    let k = lookup(ORDINALS, &mirsad_text::key(&c["ord"]))?;
    let (century, basis) = century_of(c, x.published)?;
    let y = (century - 1) * 100 + (k as i32 - 1) * 10;
    Some(date(format!("{y:04}"), Some(format!("{:04}", y + 9)), basis))
}

fn season(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    let name = ["s1", "s2", "s3", "s4"].iter().find_map(|g| c.name(g))?;
    let k = mirsad_text::key(name.as_str());
    let s = SEASONS.iter().position(|(n, _, _)| *n == k)?;
    if let Some(y) = c.name("y") {
        return num(y.as_str()).filter(|y| plausible_year(*y)).map(|y| {
            let (a, b) = season_range(s, y as i32);
            month_range(a, b, EventBasis::Explicit)
        });
    }
    let p = x.published?;
    let pm = (p.year(), p.month());
    let (a, b) = if let Some(yr) = c.name("yrel") {
        season_range(s, p.year() + direction(yr.as_str()))
    } else if c.name("this").is_some() {
        season_range(s, p.year())
    } else {
        let dir = c.name("rel").map_or(0, |x| direction(x.as_str()));
        let occ: Vec<_> = (p.year() - 1..=p.year() + 2).map(|y| season_range(s, y)).collect();
        let pick = match dir {
            -1 => occ.iter().rev().find(|(_, b)| *b < pm),
            1 => occ.iter().find(|(a, _)| *a > pm),
            _ => occ.iter().find(|(a, b)| *a <= pm && pm <= *b).or(occ.iter().find(|(a, _)| a.0 == p.year())),
        };
        *pick?
    };
    Some(month_range(a, b, EventBasis::Relative))
}

fn part(c: &regex::Captures, x: &Ctx) -> Option<EventDate> {
    if ["y", "this", "rel", "cent"].iter().all(|g| c.name(g).is_none()) {
        let next = next_key(x.text, c.get(1)?.end());
        if next.starts_with("المالي") || next.starts_with("الدراسي") || next.starts_with("الهجري") {
            return None; // a fiscal or school year does not start in January.
        }
    }
    let half = mirsad_text::key(&c["kind"]) == "النصف";
    let ord = mirsad_text::key(&c["ord"]);
    let n = if ord == "الاخير" {
        if half {
            2
        } else {
            4
        }
    } else {
        lookup(ORDINALS, &ord).filter(|n| *n <= if half { 2 } else { 4 })?
    };
    if c.name("cent").is_some() {
        // «النصف الثاني من القرن العشرين»: years 50 or 25 at a time.
        let (century, basis) = century_of(c, x.published).filter(|(n, _)| (1..=22).contains(n))?;
        let span = if half { 50 } else { 25 };
        let y = (century - 1) * 100 + (n as i32 - 1) * span;
        return Some(date(format!("{y:04}"), Some(format!("{:04}", y + span - 1)), basis));
    }
    let (year, basis) = if let Some(y) = c.name("y") {
        (num(y.as_str()).filter(|y| plausible_year(*y))? as i32, EventBasis::Explicit)
    } else {
        let p = x.published?;
        (p.year() + c.name("rel").map_or(0, |x| direction(x.as_str())), EventBasis::Relative)
    };
    let len = if half { 6 } else { 3 };
    let first = (n - 1) * len + 1;
    Some(month_range((year, first), (year, first + len - 1), basis))
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

    /// One example per rule, in the order of `RULES`: adding a rule needs an example here.
    const EXAMPLES: &[(&str, &str)] = &[
        ("range", "يومي 18 و19 يونيو"),
        ("numeric", "15/3/2021"),
        ("day_month", "15 مارس 2021"),
        ("month_year", "مارس 2021"),
        ("month_rel", "مارس الماضي"),
        ("year", "عام 1998"),
        ("relative", "أمس"),
        ("weekday", "يوم الخميس"),
        ("period", "الأسبوع الماضي"),
        ("ago", "قبل خمسة أعوام"),
        ("ago_bare", "قبل عام"),
        ("century", "القرن العشرين"),
        ("decade", "الستينيات"),
        ("decade_ord", "العقد الأول من القرن الحادي والعشرين"),
        ("season", "صيف 2020"),
        ("part", "النصف الثاني من 2021"),
        ("present", "حاليا"),
    ];

    #[test]
    fn each_rule_resolves_its_example_through_its_own_gate_slot() {
        let names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        assert_eq!(names, EXAMPLES.iter().map(|(n, _)| *n).collect::<Vec<_>>());
        let compiled = &*COMPILED;
        assert_eq!(compiled.gate.len(), RULES.len());
        assert_eq!(compiled.regexes.len(), RULES.len());
        let p = pub_day().expect("a date");
        for (i, (rule, (name, text))) in RULES.iter().zip(EXAMPLES).enumerate() {
            assert_eq!(compiled.gate.patterns()[i], compiled.regexes[i].as_str(), "{name}");
            assert!(compiled.gate.matches(text).matched(i), "{name}: the gate misses {text}");
            let c = compiled.regexes[i].captures(text).unwrap_or_else(|| panic!("{name}: no match in {text}"));
            assert_eq!(c.get(1).map(|m| m.as_str()), Some(*text), "{name}: group 1");
            let ctx = Ctx { text, published: Some(p) };
            let d = match rule.resolve {
                Resolve::Any(f) => f(&c, &ctx),
                Resolve::Relative(f) => f(&c, &ctx, p),
            };
            assert!(d.is_some(), "{name}: {text} gives no date");
            assert_eq!(one(text).0, *text, "{name}");
        }
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
        assert_eq!(one("في العام 1887 قام").1, d("1887", None, EventBasis::Explicit));
        assert_eq!(one("احتلال مصر عام 1882.").1, d("1882", None, EventBasis::Explicit));
        assert!(find("سباق 1500م", pub_day()).is_empty(), "metres");
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
    // Bytes, not chars: the ASCII marks never occur inside a multi-byte character, and `؟`
    // (U+061F) is the pair D8 9F, which only that character encodes.
    let mut i = 0;
    while i < bytes.len() {
        let len = match bytes[i] {
            b'\n' | b'!' | b'?' => 1,
            0xD8 if bytes.get(i + 1) == Some(&0x9F) => 2,
            b'.' => {
                let before = i > 0 && bytes[i - 1].is_ascii_digit();
                let after = bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                usize::from(!(before && after))
            }
            _ => 0,
        };
        if len > 0 {
            let s = text[start..i + len].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + len;
        }
        i += len.max(1);
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
    fn sentences_split_at_marks_but_not_inside_numbers() {
        assert_eq!(
            sentences("قال الوزير إن النمو بلغ 2.5 في المئة. هل يستمر؟ نعم!\nسطر جديد?  "),
            ["قال الوزير إن النمو بلغ 2.5 في المئة.", "هل يستمر؟", "نعم!", "سطر جديد?"]
        );
        assert_eq!(sentences("؟؟ . \n"), ["؟", "؟", "."]);
        assert!(sentences("").is_empty());
        assert_eq!(sentences("بلا نهاية"), ["بلا نهاية"]);
    }

    #[test]
    fn events_carry_sentence_and_resolve_against_publication() {
        let a = Article {
            published: Some(Published {
                value: "2023-09-11".parse().unwrap(),
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

#[cfg(test)]
mod more_tests {
    use super::*;

    /// Published on Monday 2023-09-11.
    fn all(text: &str) -> Vec<(String, EventDate)> {
        find(text, NaiveDate::from_ymd_opt(2023, 9, 11)).into_iter().map(|t| (t.expression, t.date)).collect()
    }

    fn one(text: &str) -> (String, EventDate) {
        let f = all(text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        f[0].clone()
    }

    fn d(start: &str, end: Option<&str>, basis: EventBasis) -> EventDate {
        EventDate { start: start.into(), end: end.map(Into::into), basis }
    }

    fn rel(start: &str, end: Option<&str>) -> EventDate {
        d(start, end, EventBasis::Relative)
    }

    #[test]
    fn counted_units_before_and_after_publication() {
        assert_eq!(one("وقعت الحرب قبل خمسة أعوام في المنطقة"), ("قبل خمسة أعوام".into(), rel("2018", None)));
        assert_eq!(one("انتقل قبل 3 سنوات").1, rel("2020", None));
        assert_eq!(one("ومنذ عامين يعيش هناك"), ("منذ عامين".into(), rel("2021", None)));
        assert_eq!(one("قبل ٣ أشهر").1, rel("2023-06", None));
        assert_eq!(one("منذ شهرين").1, rel("2023-07", None));
        // 2023-08-28 falls in the Saturday-to-Friday week from 2023-08-26.
        assert_eq!(one("قبل أسبوعين").1, rel("2023-08-26", Some("2023-09-01")));
        assert_eq!(one("تعلن النتائج بعد ثلاثة أيام").1, rel("2023-09-14", None));
        assert_eq!(one("قبل يومين").1, rel("2023-09-09", None));
        assert_eq!(one("بعد عشرة أيام").1, rel("2023-09-21", None));
        assert_eq!(one("قبل خمسة وتسعين عاماً").1, rel("1928", None));
        assert_eq!(one("قبل ثلاثة عشر عاما").1, rel("2010", None));
        assert_eq!(one("المونديال الذي ينطلق بعد 3 أشهر، في").1, rel("2023-12", None));
        assert_eq!(one("قبل نحو ستة أشهر").1, rel("2023-03", None));
        assert_eq!(one("غادر قبل عام.").1, rel("2022", None));
        assert_eq!(one("قال منذ شهر إن").1, rel("2023-08", None));
        assert_eq!(one("قبل أسبوع واحد").1, rel("2023-09-02", Some("2023-09-08")));
    }

    #[test]
    fn counted_units_need_the_publication_day_and_a_free_standing_count() {
        assert!(find("قبل خمسة أعوام", None).is_empty());
        // Counted from another event, not from publication.
        assert!(all("قبل ثلاثة أيام من الانتخابات").is_empty());
        assert!(all("بعد عامين على الحرب").is_empty());
        // A bare singular followed by its complement is not «a year ago».
        assert_eq!(one("قبل عام 2011"), ("عام 2011".into(), d("2011", None, EventBasis::Explicit)));
        assert!(all("منذ يوم تأسيسها").is_empty());
        assert!(all("منذ شهر رمضان").is_empty());
        assert_eq!(one("قبل يوم الخميس").0, "يوم الخميس");
        assert!(all("يوما بعد يوم").is_empty());
        assert!(all("بعد عام من الحرب").is_empty());
        assert!(all("خمسة أعوام من العمل").is_empty());
        assert!(all("منذ سنوات طويلة").is_empty());
        // «بعد» mostly counts from the story's own events: years, a clitic, a complement.
        assert!(all("اعتقل في 2006 وأفرج عنه بعد أربع سنوات في إطار اتفاق").is_empty());
        assert!(all("عاد إلى ربع النهائي بعد 60 عاما.").is_empty());
        assert!(all("وبعد يومين، لقي طياران حتفهما").is_empty());
        assert!(all("أتت تغريدته بعد 5 أيام حافلة").is_empty());
        assert!(all("أقيل بعد 7 أسابيع فقط على تعيينه").is_empty());
        assert!(all("قبل يومين فقط من الموعد").is_empty());
        assert!(all("قبل خمسة لاعبين").is_empty());
    }

    #[test]
    fn centuries_are_year_ranges() {
        let c20 = d("1900", Some("1999"), EventBasis::Explicit);
        assert_eq!(one("في القرن العشرين"), ("القرن العشرين".into(), c20.clone()));
        assert_eq!(one("مطلع القرن العشرون").1, c20);
        assert_eq!(one("في القرن الـ19").1, d("1800", Some("1899"), EventBasis::Explicit));
        assert_eq!(one("في القرن 19").1, d("1800", Some("1899"), EventBasis::Explicit));
        assert_eq!(one("أواخر القرن التاسع عشر").1, d("1800", Some("1899"), EventBasis::Explicit));
        assert_eq!(one("القرن الحادي والعشرين").1, d("2000", Some("2099"), EventBasis::Explicit));
        assert_eq!(one("في القرن الماضي").1, rel("1900", Some("1999")));
        assert_eq!(one("في القرن الثامن").1, d("0700", Some("0799"), EventBasis::Explicit));
    }

    #[test]
    fn century_words_without_an_ordinal_are_not_dates() {
        assert!(all("صفقة القرن").is_empty());
        assert!(all("دول القرن الأفريقي").is_empty());
        assert!(all("منذ ربع قرن").is_empty());
        assert!(all("مباراة القرن الكروية").is_empty());
    }

    #[test]
    fn decades() {
        assert_eq!(one("في الستينيات").1, d("1960", Some("1969"), EventBasis::Inferred));
        assert_eq!(one("منذ السبعينات").1, d("1970", Some("1979"), EventBasis::Inferred));
        assert_eq!(one("في تسعينيات القرن الماضي"), ("تسعينيات القرن الماضي".into(), rel("1990", Some("1999"))));
        assert_eq!(one("ثمانينات القرن التاسع عشر").1, d("1880", Some("1889"), EventBasis::Explicit));
        assert_eq!(one("العقد الأول من القرن الحادي والعشرين").1, d("2000", Some("2009"), EventBasis::Explicit));
        assert!(all("وهو في الستينيات من عمره").is_empty(), "an age");
        assert!(all("رجل في الخمسينات من العمر يسكن في شارع طويل جدا").is_empty(), "an age, long text after");
        assert_eq!(one("في الثمانينات من القرن الماضي وما تلاها من أحداث").1, rel("1980", Some("1989")));
        assert!(all("العقد الأول").is_empty(), "no century, no decade");
    }

    #[test]
    fn seasons() {
        assert_eq!(one("في صيف 2020"), ("صيف 2020".into(), d("2020-06", Some("2020-08"), EventBasis::Explicit)));
        assert_eq!(one("شتاء عام 2021").1, d("2020-12", Some("2021-02"), EventBasis::Explicit));
        // Published in September: the last summer is that of 2023, the next winter starts in December.
        assert_eq!(one("الصيف الماضي").1, rel("2023-06", Some("2023-08")));
        assert_eq!(one("الشتاء المقبل").1, rel("2023-12", Some("2024-02")));
        assert_eq!(one("الربيع الماضي").1, rel("2023-03", Some("2023-05")));
        assert_eq!(one("الخريف الحالي").1, rel("2023-09", Some("2023-11")));
        assert_eq!(one("شتاء العام الماضي").1, rel("2021-12", Some("2022-02")));
        assert_eq!(one("صيف هذا العام").1, rel("2023-06", Some("2023-08")));
        assert_eq!(one("هذا الصيف").1, rel("2023-06", Some("2023-08")));
    }

    #[test]
    fn season_words_alone_are_not_dates() {
        assert!(all("ثورات الربيع العربي").is_empty());
        assert!(all("في خريف العمر").is_empty());
        assert!(all("تمتد فصل الصيف").is_empty());
        assert!(all("ولد ربيع في القرية").is_empty());
    }

    #[test]
    fn halves_and_quarters() {
        assert_eq!(one("النصف الثاني من 2021").1, d("2021-07", Some("2021-12"), EventBasis::Explicit));
        assert_eq!(one("خلال الربع الأخير من عام 2022").1, d("2022-10", Some("2022-12"), EventBasis::Explicit));
        assert_eq!(one("الربع الأول من العام").1, rel("2023-01", Some("2023-03")));
        assert_eq!(one("في النصف الأول من العام المقبل").1, rel("2024-01", Some("2024-06")));
        assert_eq!(one("الربع الثالث من العام الماضي").1, rel("2022-07", Some("2022-09")));
        assert_eq!(one("بالنصف الأول من هذا العام").1, rel("2023-01", Some("2023-06")));
        assert!(all("النصف الثاني من المباراة").is_empty());
        assert!(all("الربع الأول من العام المالي").is_empty(), "a fiscal year");
        assert!(all("النصف الثالث من العام").is_empty());
        assert!(all("الربع الأول").is_empty());
        assert_eq!(one("النصف الثاني من القرن العشرين").1, d("1950", Some("1999"), EventBasis::Explicit));
        assert_eq!(one("الربع الأول من القرن الماضي").1, rel("1900", Some("1924")));
    }

    #[test]
    fn the_present_is_the_publication_day() {
        assert_eq!(one("يعيش حالياً في باريس"), ("حالياً".into(), rel("2023-09-11", None)));
        assert_eq!(one("حتى الآن").1, rel("2023-09-11", None));
        assert_eq!(one("والان").1, rel("2023-09-11", None));
        assert_eq!(one("في الوقت الراهن").1, rel("2023-09-11", None));
        assert!(all("قال آلان جوبيه").is_empty(), "a name");
        assert!(all("الانتخابات الحالية").is_empty());
    }

    #[test]
    fn vague_references_are_left_alone() {
        for text in ["وصل مؤخرا", "خلال الأيام الماضية", "في الأيام المقبلة", "قريبا", "سابقا", "منذ سنوات"]
        {
            assert!(all(text).is_empty(), "{text}");
        }
    }
}

/// A publication year for an article that states none, from its own text (`basis: inferred`):
/// where it counts years since an event it also dates («لأول مرة منذ 24 عاما» beside «زيارته
/// الأخيرة في يوليو 2000»), that event's year plus the count, unless the article reports a later
/// date. `None` when the article has a date or its text does not allow one.
pub fn infer_published(a: &mirsad_model::Article) -> Option<mirsad_model::Published> {
    /// Farthest a date may stand after a count of years in its sentence (bytes, about ten words).
    const NEAR_BYTES: usize = 120;
    use mirsad_model::{Basis, DateValue, Published};
    if a.published.is_some() {
        return None;
    }
    // A far anchor turns a counted offset into «anchor minus N years», so N can be read back.
    const ANCHOR_YEAR: i32 = 2200;
    let anchor = NaiveDate::from_ymd_opt(ANCHOR_YEAR, 1, 1)?;
    let text = format!("{}\n{}", a.title.as_deref().unwrap_or(""), a.body);
    let sentences = sentences(&text);
    let year_of = |s: &str| s.get(..4).and_then(|y| y.parse::<i32>().ok());
    // (sentence, byte, start, in a «last time» sentence) of every absolute date, and
    // (sentence, byte, years, «for the first time in») of every count of years.
    let mut dated: Vec<(usize, usize, String, bool)> = Vec::new();
    let mut elapsed: Vec<(usize, usize, i32, bool)> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let last_time = ["آخر", "الأخيرة", "الأخير", "الاخيرة", "الاخير"].iter().any(|w| s.contains(w));
        for t in find(s, None) {
            if t.date.basis == EventBasis::Explicit {
                dated.push((i, t.start, t.date.start, last_time));
            }
        }
        for t in find(s, Some(anchor)) {
            let counted = t.date.basis == EventBasis::Relative
                && ["منذ", "قبل"].iter().any(|w| t.expression.contains(w))
                && ["عام", "سن", "اعوام", "أعوام"].iter().any(|w| t.expression.contains(w));
            if let (true, Some(y)) = (counted, year_of(&t.date.start)) {
                // «منذ عام» (about a year) is too loose to date anything.
                if y < ANCHOR_YEAR - 1 {
                    let lead = &s[s.floor_char_boundary(t.start.saturating_sub(40))..t.start];
                    let first_time =
                        ["لأول مرة", "لاول مرة", "للمرة الأولى", "للمرة الاولى"].iter().any(|w| lead.contains(w));
                    elapsed.push((i, t.start, ANCHOR_YEAR - y, first_time));
                }
            }
        }
    }
    let latest = dated.iter().map(|(_, _, d, _)| d.as_str()).max();
    // A count of years pairs with a date written just after it in its sentence («منذ تسع
    // سنوات، وأجريت آخر انتخابات عام 2009»); «for the first time in N years» pairs with the
    // date of «the last time» anywhere in the article («لأول مرة منذ 24 عاما» … «وكانت آخر
    // زيارة في يوليو 2000»). A date further away, or before the count, is of another event
    // as often as not (measured on the corpora: `mirsad eval timex`).
    let years: Vec<i32> = elapsed
        .iter()
        .filter_map(|&(i, at, n, first_time)| {
            let near = dated
                .iter()
                .filter(|(j, b, _, _)| *j == i && *b > at && *b - at <= NEAR_BYTES)
                .min_by_key(|(_, b, _, _)| b - at);
            // A month at least: «the last time» dated only by a year is too often another event.
            let last = || {
                dated
                    .iter()
                    .filter(|(_, _, d, last_time)| first_time && *last_time && d.len() >= 7)
                    .min_by_key(|(j, _, _, _)| (j.abs_diff(i), *j))
            };
            let (_, _, d, _) = near.or_else(last)?;
            Some(year_of(d)? + n)
        })
        .filter(|y| (1900..ANCHOR_YEAR).contains(y))
        .collect();
    // Counts that disagree leave the article undated.
    let (lo, hi) = (years.iter().min().copied(), years.iter().max().copied());
    let counted_year = match (lo, hi) {
        (Some(lo), Some(hi)) if hi - lo <= 1 => Some(hi),
        _ => None,
    };
    // The latest date reported alone is only a lower bound (an article on a bridge's opening
    // dates the start of its works three years before): it is not taken as the date, but a
    // counted year must not fall before it.
    let y = counted_year?;
    if latest.and_then(year_of).is_some_and(|l| l > y) {
        return None;
    }
    Some(Published::new(DateValue::parse(&format!("{y:04}")).ok()?, Basis::Inferred))
}

/// Gives an article that states no publication date the one its text allows
/// ([`infer_published`]); every intake path (files, the write API) calls it before analysis, so
/// year-less event dates resolve against it.
pub fn date_if_undated(a: &mut mirsad_model::Article) {
    if a.published.is_none() {
        a.published = infer_published(a);
    }
}

#[cfg(test)]
mod infer_tests {
    use super::infer_published;
    use mirsad_model::{Article, Basis};

    #[test]
    fn an_undated_article_takes_the_year_it_counts_to() {
        let a = Article::new("a", "a.txt", "وقعت الاتفاقية في 3 مارس 2019، ثم عدلت في 12 مايو 2021.");
        assert!(infer_published(&a).is_none(), "the dates it reports are only a lower bound");
        let b = Article::new("b", "b.txt", "يزور الرئيس البلاد لأول مرة منذ 24 عاما. وكانت زيارته الأخيرة في يوليو 2000.");
        let p = infer_published(&b).expect("counted");
        assert_eq!((p.value.as_str(), p.basis), ("2024", Basis::Inferred));
        let c = Article::new("c", "c.txt", "قال الوزير إن العمل مستمر.");
        assert!(infer_published(&c).is_none());
    }
}
