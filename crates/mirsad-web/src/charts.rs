//! Charts drawn on the server as inline SVG: a story's articles over time by outlet, its
//! coverage by outlet, an entity's mentions over time and its company, the collection's daily
//! volume. Pure functions from data to markup, so they are tested without a server.
//!
//! The pages carry no script and the Content-Security-Policy blocks inline `style`, so
//! everything is SVG geometry and presentation attributes; colours are classes of `style.css`
//! (`c0`…`c5`, each at least 4.5:1 against the page background, so bars and their legend are
//! readable by the same rule as text).
//!
//! Every chart reads right to left: time runs from the right (earliest) to the left (latest),
//! and labels sit on the right. Each is an `<svg role="img">` with a `<title>` and an
//! `aria-label` that says the data in words, and the numbers follow in a table inside
//! `<details>` for screen readers and copying. A chart of one bar says nothing a sentence does
//! not, so too little data gives no markup at all.

use crate::dates;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike};
use maud::{html, Markup};
use mirsad_model::{DateValue, Precision, TimelineEntry};
use mirsad_store::EntitySummary;

/// Width of every chart in viewBox units. The SVG is as wide as its column (at most the CSS
/// `max-width` of `svg.chart`), so a unit is 0.8 px on a 360 px phone and 1.3 px on a desktop:
/// [`FONT`] stays between about 11 and 18 px.
const W: f64 = 400.0;
/// Label size in viewBox units.
const FONT: f64 = 14.0;
/// Outlets drawn as their own series; the rest are summed as «أخرى».
const MAX_SERIES: usize = 5;
/// Columns of a time chart; older ones are left out (and the title says so).
const MAX_COLUMNS: usize = 120;
/// Bars of a bar chart; the rest are summed in a last bar when they are outlets.
const MAX_BARS: usize = 10;
/// A time span shorter than this is charted per hour.
const HOURLY_BELOW_SECONDS: i64 = 2 * 24 * 3600;
/// A span of up to this many days is charted per day, a longer one per month.
const DAILY_UP_TO_DAYS: i64 = 92;
/// Characters of a bar label drawn in the SVG (the table has the whole name).
const LABEL_CHARS: usize = 18;

/// The name shown for an outlet: its Arabic name ([`crate::outlets::display`]).
pub(crate) fn outlet_label(outlet: Option<&str>) -> String {
    match outlet {
        Some(o) if !o.trim().is_empty() => crate::outlets::display(o),
        _ => "موقع غير معروف".to_string(),
    }
}

/// The grain of a time chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Hour,
    Day,
    Month,
}

impl Unit {
    fn words(self) -> &'static str {
        match self {
            Unit::Hour => "حسب الساعة",
            Unit::Day => "حسب اليوم",
            Unit::Month => "حسب الشهر",
        }
    }
}

/// One column of a time chart: its tick label, its full label and a count per series.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    tick: String,
    full: String,
    counts: Vec<u64>,
}

impl Column {
    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// A dated count: a day or a moment, which series, how many.
struct Dated {
    when: DateValue,
    series: usize,
    n: u64,
}

/// The columns of a time chart over `items` with `series` series: per hour when the span is
/// under two days and every item has a time, per day up to [`DAILY_UP_TO_DAYS`], per month
/// beyond; every step between the first and the last item is a column (a quiet day is a gap
/// the reader should see). Items with only a year or a month are left out. Returns the unit
/// and the columns (the newest [`MAX_COLUMNS`]) and whether older ones were cut.
fn columns(items: &[Dated], series: usize) -> Option<(Unit, Vec<Column>, bool)> {
    let dated: Vec<&Dated> = items
        .iter()
        .filter(|d| matches!(d.when.precision(), Precision::Day | Precision::Minute | Precision::Second))
        .collect();
    let lo = dated.iter().map(|d| d.when.timestamp()).min()?;
    let hi = dated.iter().map(|d| d.when.timestamp()).max()?;
    let timed = dated.iter().all(|d| d.when.precision() != Precision::Day);
    let days = |d: &Dated| d.when.date();
    let (first_day, last_day) =
        (dated.iter().filter_map(|d| days(d)).min()?, dated.iter().filter_map(|d| days(d)).max()?);
    let unit = if timed && hi - lo < HOURLY_BELOW_SECONDS {
        Unit::Hour
    } else if (last_day - first_day).num_days() < DAILY_UP_TO_DAYS {
        Unit::Day
    } else {
        Unit::Month
    };
    // Hours are read in the offset of the earliest item that has one (the story's first report):
    // the outlets of one story mostly share a region, and one clock keeps the axis straight.
    let offset = dated
        .iter()
        .min_by_key(|d| d.when.timestamp())
        .and_then(|d| d.when.datetime())
        .map_or(0, |t| i64::from(t.offset().local_minus_utc()));
    let key = |d: &Dated| -> Option<i64> {
        match unit {
            Unit::Hour => Some((d.when.timestamp() + offset).div_euclid(3600)),
            Unit::Day => d.when.date().map(|x| i64::from(x.num_days_from_ce())),
            Unit::Month => d.when.date().map(|x| i64::from(x.year()) * 12 + i64::from(x.month0())),
        }
    };
    let keys: Vec<i64> = dated.iter().filter_map(|d| key(d)).collect();
    let (kmin, kmax) = (*keys.iter().min()?, *keys.iter().max()?);
    let span = usize::try_from(kmax - kmin + 1).ok()?;
    let cut = span > MAX_COLUMNS;
    let kmin = if cut { kmax - MAX_COLUMNS as i64 + 1 } else { kmin };
    let mut cols: Vec<Column> = (kmin..=kmax).map(|k| label(unit, k, series)).collect::<Option<_>>()?;
    for d in &dated {
        let Some(k) = key(d) else { continue };
        if k < kmin {
            continue;
        }
        if let Some(c) = usize::try_from(k - kmin).ok().and_then(|i| cols.get_mut(i)) {
            if let Some(slot) = c.counts.get_mut(d.series) {
                *slot += d.n;
            }
        }
    }
    Some((unit, cols, cut))
}

/// An empty column for the key `k` of `unit`, with its labels.
fn label(unit: Unit, k: i64, series: usize) -> Option<Column> {
    let counts = vec![0; series];
    match unit {
        Unit::Hour => {
            let t = DateTime::from_timestamp(k.checked_mul(3600)?, 0)?.naive_utc();
            let v = DateValue::parse(&t.format("%Y-%m-%dT%H:%M").to_string()).ok()?;
            // Midnight names its day, so that a chart over two days says which hours are which.
            let tick = if t.hour() == 0 { day_tick(t.date()) } else { format!("{:02}:00", t.hour()) };
            Some(Column { tick, full: dates::full(&v), counts })
        }
        Unit::Day => {
            let d = NaiveDate::from_num_days_from_ce_opt(i32::try_from(k).ok()?)?;
            Some(Column { tick: day_tick(d), full: dates::full(&DateValue::from_day(d)?), counts })
        }
        Unit::Month => {
            let (y, m) = (i32::try_from(k.div_euclid(12)).ok()?, k.rem_euclid(12) as u32 + 1);
            let full = format!("{} {y}", dates::month_name(m));
            Some(Column { tick: full.clone(), full, counts })
        }
    }
}

/// «11 سبتمبر»: the short label of a day on an axis.
fn day_tick(d: NaiveDate) -> String {
    format!("{} {}", d.day(), dates::month_name(d.month()))
}

/// A round number at least `n` (1, 2 or 5 times a power of ten), the top of an axis.
fn nice_max(n: u64) -> u64 {
    let mut p = 1u64;
    loop {
        for m in [1, 2, 5] {
            if let Some(v) = p.checked_mul(m) {
                if v >= n {
                    return v;
                }
            }
        }
        match p.checked_mul(10) {
            Some(q) => p = q,
            None => return n,
        }
    }
}

/// Up to `max` entries of «label: n», then «…»: the data in words for `aria-label`.
fn in_words<'a>(items: impl Iterator<Item = (&'a str, u64)>, max: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for (i, (l, n)) in items.enumerate() {
        if i == max {
            out.push("…".into());
            break;
        }
        out.push(format!("{l}: {n}"));
    }
    out.join("، ")
}

/// `s` cut to [`LABEL_CHARS`] characters with «…» when longer.
fn short(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(LABEL_CHARS - 1).collect::<String>())
    }
}

/// Coordinates with one decimal: enough for a 400-unit drawing, and short markup.
fn f(x: f64) -> String {
    format!("{:.1}", x)
}

/// A time chart: one column per step, stacked by series, the earliest at the right, a y axis
/// with three round values on the right, up to five date ticks; the legend (when there is more
/// than one series) and the table follow.
fn time_chart(title: &str, series: &[String], cols: &[Column], note: Option<Markup>) -> Markup {
    if cols.iter().filter(|c| c.total() > 0).count() < 2 {
        return html! {};
    }
    const H: f64 = 190.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = H - 26.0;
    const X0: f64 = 4.0;
    const X1: f64 = W - 34.0;
    let top = nice_max(cols.iter().map(Column::total).max().unwrap_or(0).max(1));
    let y = |v: u64| BOTTOM - (BOTTOM - TOP) * v as f64 / top as f64;
    let slot = (X1 - X0) / cols.len() as f64;
    // A few columns stay columns, not slabs: at most 40 units wide.
    let bar = (slot * 0.8).clamp(0.5, 40.0);
    // Column i (0 the earliest) from the right.
    let left = |i: usize| X1 - (i as f64 + 1.0) * slot + (slot - bar) / 2.0;
    // A tick label is up to about 70 units wide: one per 90 units keeps them apart.
    let ticks = tick_indices(cols.len(), ((X1 - X0) / 90.0) as usize);
    let grid: Vec<u64> = if top >= 2 { vec![0, top / 2, top] } else { vec![0, top] };
    let words = format!(
        "{title}: {}. المجموع {}.",
        in_words(cols.iter().filter(|c| c.total() > 0).map(|c| (c.full.as_str(), c.total())), 40),
        cols.iter().map(Column::total).sum::<u64>()
    );
    let multi = series.len() > 1;
    html! {
        figure.chart {
            figcaption { (title) }
            svg.chart role="img" aria-label=(words) viewBox={ "0 0 " (W) " " (H) } width="100%" font-size=(FONT) {
                title { (title) }
                @for v in grid {
                    line.grid x1=(f(X0)) x2=(f(X1)) y1=(f(y(v))) y2=(f(y(v))) {}
                    text.num x=(f(W - 2.0)) y=(f(y(v) + FONT * 0.35)) text-anchor="end" direction="ltr" { (v) }
                }
                @for (i, c) in cols.iter().enumerate() {
                    @if c.total() > 0 {
                        g {
                            title { (c.full) ": " (c.total()) }
                            @for (s, base, n) in stack(&c.counts) {
                                rect class={ "c" (color(s, series.len())) } x=(f(left(i))) width=(f(bar))
                                    y=(f(y(base + n))) height=(f(y(base) - y(base + n))) {}
                            }
                        }
                    }
                }
                @for i in &ticks {
                    @let x = left(*i) + bar / 2.0;
                    // The labels at the ends grow inwards from their tick (in right-to-left text,
                    // `start` is the right edge), the others are centred on it.
                    @let anchor = if *i == 0 { "start" } else if *i + 1 == cols.len() { "end" } else { "middle" };
                    line.tick x1=(f(x)) x2=(f(x)) y1=(f(BOTTOM)) y2=(f(BOTTOM + 4.0)) {}
                    text.label x=(f(x)) y=(f(H - 6.0)) text-anchor=(anchor) direction="rtl" { (cols[*i].tick) }
                }
            }
            @if multi { (legend(series)) }
            @if let Some(n) = note { p.chart-note { (n) } }
            details.chart-data {
                summary { "البيانات" }
                div.table-wrap {
                    table {
                        thead {
                            tr {
                                th scope="col" { "الفترة" }
                                @if multi { th scope="col" { "المجموع" } }
                                @for s in series { th scope="col" dir="auto" { (s) } }
                            }
                        }
                        tbody {
                            @for c in cols.iter().filter(|c| c.total() > 0) {
                                tr {
                                    th scope="row" { (c.full) }
                                    @if multi { td { (c.total()) } }
                                    @for n in &c.counts { td { (n) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The colour class of series `s` of `n`: the palette in order, the last series grey when it
/// is «أخرى» (more series than [`MAX_SERIES`] were folded into it).
fn color(s: usize, n: usize) -> usize {
    if n > MAX_SERIES && s + 1 == n {
        5
    } else {
        s.min(4)
    }
}

/// The segments of a stacked column: (series, count below it, its count), empty series skipped.
fn stack(counts: &[u64]) -> Vec<(usize, u64, u64)> {
    let mut base = 0;
    let mut out = Vec::new();
    for (s, &n) in counts.iter().enumerate() {
        if n > 0 {
            out.push((s, base, n));
            base += n;
        }
    }
    out
}

/// Which of `n` columns get a date label: the first, the last and evenly between, at most `max`.
fn tick_indices(n: usize, max: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let k = max.min(n).max(1);
    if k == 1 {
        return vec![0];
    }
    let mut v: Vec<usize> = (0..k).map(|j| j * (n - 1) / (k - 1)).collect();
    v.dedup();
    v
}

/// A colour key for the series, in reading order.
fn legend(series: &[String]) -> Markup {
    html! {
        ul.legend {
            @for (s, name) in series.iter().enumerate() {
                li { span class={ "sw c" (color(s, series.len())) } {} span dir="auto" { (name) } }
            }
        }
    }
}

/// One bar of a bar chart.
#[derive(Debug, Clone)]
struct Bar {
    label: String,
    n: u64,
    href: Option<String>,
    /// Drawn in the second colour (the first outlet of a story).
    marked: bool,
}

/// Horizontal bars, the label at the right and the bar growing leftwards, its number at its
/// end; `table_head` names the label and number columns of the table.
fn bar_chart(title: &str, words: &str, bars: &[Bar], table_head: (&str, &str), legend_items: Markup) -> Markup {
    if bars.len() < 2 {
        return html! {};
    }
    const ROW: f64 = 26.0;
    const LABEL_W: f64 = 140.0;
    const NUM_W: f64 = 44.0;
    let h = ROW * bars.len() as f64 + 6.0;
    let max = bars.iter().map(|b| b.n).max().unwrap_or(0).max(1);
    let len = |n: u64| ((W - LABEL_W - NUM_W) * n as f64 / max as f64).max(if n > 0 { 1.0 } else { 0.0 });
    html! {
        figure.chart {
            figcaption { (title) }
            svg.chart role="img" aria-label=(words) viewBox={ "0 0 " (W) " " (f(h)) } width="100%" font-size=(FONT) {
                title { (title) }
                @for (i, b) in bars.iter().enumerate() {
                    @let top = 3.0 + ROW * i as f64;
                    @let row = html! {
                        title { (b.label) ": " (b.n) }
                        text.label x=(f(W - 2.0)) y=(f(top + ROW / 2.0 + FONT * 0.35)) text-anchor="start" direction="rtl" { (short(&b.label)) }
                        rect class={ "c" @if b.marked { "1" } @else { "0" } } x=(f(W - LABEL_W - len(b.n))) y=(f(top + 4.0))
                            width=(f(len(b.n))) height=(f(ROW - 8.0)) {}
                        text.num x=(f(W - LABEL_W - len(b.n) - 4.0)) y=(f(top + ROW / 2.0 + FONT * 0.35)) text-anchor="end" direction="ltr" { (b.n) }
                    };
                    @if let Some(href) = &b.href {
                        a href=(href) { g { (row) } }
                    } @else {
                        g { (row) }
                    }
                }
            }
            (legend_items)
            details.chart-data {
                summary { "البيانات" }
                div.table-wrap {
                    table {
                        thead { tr { th scope="col" { (table_head.0) } th scope="col" { (table_head.1) } } }
                        tbody {
                            @for b in bars {
                                tr {
                                    th scope="row" dir="auto" {
                                        @if let Some(href) = &b.href { a href=(href) { (b.label) } } @else { (b.label) }
                                        @if b.marked { " (الأسبق)" }
                                    }
                                    td { (b.n) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The outlets of a timeline by article count (ties: who published first), the first
/// [`MAX_SERIES`] named and the rest as «أخرى»: the series of the story's time chart.
/// Returns the names and, for each entry, its series.
fn outlet_series(timeline: &[TimelineEntry]) -> (Vec<String>, Vec<usize>) {
    let ranked = outlets_ranked(timeline);
    let named: Vec<&str> = ranked.iter().take(MAX_SERIES).map(|o| o.0.as_str()).collect();
    let mut names: Vec<String> = named.iter().map(|s| s.to_string()).collect();
    if ranked.len() > MAX_SERIES {
        names.push("أخرى".into());
    }
    let of = timeline
        .iter()
        .map(|e| {
            let l = outlet_label(e.outlet.as_deref());
            named.iter().position(|n| *n == l).unwrap_or(MAX_SERIES)
        })
        .collect();
    (names, of)
}

/// (outlet label, articles, earliest timestamp) for each outlet, most articles first, then the
/// earliest, then by name.
fn outlets_ranked(timeline: &[TimelineEntry]) -> Vec<(String, u64, Option<i64>)> {
    let mut out: Vec<(String, u64, Option<i64>)> = Vec::new();
    for e in timeline {
        let l = outlet_label(e.outlet.as_deref());
        let t = e.published.as_ref().map(DateValue::timestamp);
        match out.iter_mut().find(|x| x.0 == l) {
            Some(x) => {
                x.1 += 1;
                x.2 = match (x.2, t) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            None => out.push((l, 1, t)),
        }
    }
    out.sort_by(|a, b| {
        b.1.cmp(&a.1).then_with(|| a.2.unwrap_or(i64::MAX).cmp(&b.2.unwrap_or(i64::MAX))).then_with(|| a.0.cmp(&b.0))
    });
    out
}

/// A story's articles over time, stacked by outlet (the five with most articles, the rest as
/// «أخرى»): per hour when it spans under two days, else per day (per month past three months).
pub fn story_volume(timeline: &[TimelineEntry]) -> Markup {
    let (series, of) = outlet_series(timeline);
    let items: Vec<Dated> = timeline
        .iter()
        .zip(&of)
        .filter_map(|(e, s)| Some(Dated { when: e.published.clone()?, series: *s, n: 1 }))
        .collect();
    let Some((unit, cols, cut)) = columns(&items, series.len()) else { return html! {} };
    let title = format!("مقالات القصة {}", unit.words());
    let offset = match unit {
        Unit::Hour => items.iter().min_by_key(|d| d.when.timestamp()).and_then(|d| d.when.datetime()),
        _ => None,
    };
    let note = (offset.is_some() || cut).then(|| {
        html! {
            @if let Some(off) = offset {
                // The offset in its own left-to-right span, or bidi shows «00:00+».
                "الساعات بتوقيت " span dir="ltr" { (off.format("%:z")) } " (توقيت أول مقالة). "
            }
            @if cut { "آخر " (cols.len()) " فترة فقط." }
        }
    });
    time_chart(&title, &series, &cols, note)
}

/// A story's coverage by outlet: one bar per outlet (the ten with most articles; the rest
/// summed as «أخرى»), the outlet that published first in the second colour.
pub fn story_outlets(timeline: &[TimelineEntry]) -> Markup {
    let ranked = outlets_ranked(timeline);
    let first = ranked.iter().filter(|o| o.2.is_some()).min_by_key(|o| o.2).map(|o| o.0.clone());
    let mut bars: Vec<Bar> = ranked
        .iter()
        .take(MAX_BARS)
        .map(|(o, n, _)| Bar {
            label: o.clone(),
            n: *n,
            href: Some(format!("/search?outlet={}", crate::url_encode(o))),
            marked: first.as_deref() == Some(o.as_str()),
        })
        .collect();
    if ranked.len() > MAX_BARS {
        let rest: u64 = ranked[MAX_BARS..].iter().map(|o| o.1).sum();
        bars.push(Bar {
            label: format!("أخرى ({} مواقع)", ranked.len() - MAX_BARS),
            n: rest,
            href: None,
            marked: first.as_deref().is_some_and(|f| ranked[MAX_BARS..].iter().any(|o| o.0 == f)),
        });
    }
    let title = "مقالات القصة حسب الموقع";
    let mut words = format!("{title}: {}.", in_words(bars.iter().map(|b| (b.label.as_str(), b.n)), MAX_BARS + 1));
    if let Some(f) = &first {
        words.push_str(&format!(" أول من نشر: {f}."));
    }
    let key = html! {
        @if first.is_some() {
            ul.legend {
                li { span.sw.c1 {} "أول من نشر" }
                li { span.sw.c0 {} "بقية المواقع" }
            }
        }
    };
    bar_chart(title, &words, &bars, ("الموقع", "المقالات"), key)
}

/// An entity's articles over time from `(day, articles)` pairs ([`mirsad_store::Store::entity_days`]):
/// per month, per day when they span under three months (per hour never: a day has no time).
pub fn entity_mentions(days: &[(String, u64)]) -> Markup {
    let items: Vec<Dated> =
        days.iter().filter_map(|(d, n)| Some(Dated { when: DateValue::parse(d).ok()?, series: 0, n: *n })).collect();
    let Some((unit, cols, cut)) = columns(&items, 1) else { return html! {} };
    let title = format!("المقالات التي تذكره {}", unit.words());
    let note = cut.then(|| html! { "آخر " (cols.len()) " فترة فقط." });
    time_chart(&title, &["المقالات".to_string()], &cols, note)
}

/// The entities most often in the same articles as an entity, each bar a link to its page.
/// `scanned` is how many of its articles were read (the newest ones) and `of` how many it has:
/// when fewer were read the title says so.
pub fn entity_neighbours(
    near: &[(EntitySummary, u64)],
    scanned: u64,
    of: u64,
    href: impl Fn(&str) -> String,
) -> Markup {
    let bars: Vec<Bar> = near
        .iter()
        .take(MAX_BARS)
        .map(|(e, n)| Bar { label: e.name.clone(), n: *n, href: Some(href(&e.id)), marked: false })
        .collect();
    let title = if scanned < of {
        format!("الأعلام التي تُذكر معه (في أحدث {scanned} مقالة من {of})")
    } else {
        "الأعلام التي تُذكر معه".to_string()
    };
    let words = format!("{title}: {}.", in_words(bars.iter().map(|b| (b.label.as_str(), b.n)), MAX_BARS));
    bar_chart(&title, &words, &bars, ("العلَم", "المقالات المشتركة"), html! {})
}

/// The collection's articles per day, from [`mirsad_store::Store::daily_volume`] (a day per
/// entry, quiet days as 0, oldest first): a column per day, the newest at the left.
///
/// For the home page: `charts::daily_volume(&store.daily_volume(mirsad_store::VOLUME_DAYS)?)`.
pub fn daily_volume(days: &[(NaiveDate, u64)]) -> Markup {
    let items: Vec<Dated> =
        days.iter().filter_map(|(d, n)| Some(Dated { when: DateValue::from_day(*d)?, series: 0, n: *n })).collect();
    // The window is given: chart it per day even past three months, up to MAX_COLUMNS.
    let Some((_, cols, _)) = columns_by_day(&items) else { return html! {} };
    time_chart("المقالات المنشورة حسب اليوم", &["المقالات".to_string()], &cols, None)
}

/// Day columns over `items` (which all name a day), the newest [`MAX_COLUMNS`].
fn columns_by_day(items: &[Dated]) -> Option<(Unit, Vec<Column>, bool)> {
    let first = items.iter().filter_map(|d| d.when.date()).min()?;
    let last = items.iter().filter_map(|d| d.when.date()).max()?;
    let start = first.max(last - Duration::days(MAX_COLUMNS as i64 - 1));
    let mut cols: Vec<Column> = start
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| Some(Column { tick: day_tick(d), full: dates::full(&DateValue::from_day(d)?), counts: vec![0] }))
        .collect::<Option<_>>()?;
    for d in items {
        let Some(day) = d.when.date() else { continue };
        if let Some(c) = usize::try_from((day - start).num_days()).ok().and_then(|i| cols.get_mut(i)) {
            c.counts[0] += d.n;
        }
    }
    Some((Unit::Day, cols, start > first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, when: &str, outlet: &str) -> TimelineEntry {
        TimelineEntry {
            article: id.into(),
            published: Some(DateValue::parse(when).expect("test date")),
            title: None,
            outlet: Some(outlet.into()),
            duplicate_of: None,
        }
    }

    /// The `(x, height)` of every `<rect` in the markup, in order.
    fn rects(m: &str) -> Vec<(f64, f64)> {
        let attr = |r: &str, name: &str| -> f64 {
            let at = r.find(&format!(" {name}=\"")).expect("attribute") + name.len() + 3;
            r[at..at + r[at..].find('"').expect("closing quote")].parse().expect("number")
        };
        m.split("<rect").skip(1).map(|r| (attr(r, "x"), attr(r, "height"))).collect()
    }

    #[test]
    fn too_little_data_gives_no_chart() {
        assert_eq!(story_volume(&[]).into_string(), "");
        assert_eq!(story_outlets(&[]).into_string(), "");
        // One day, one outlet: nothing a sentence does not say.
        let one = [entry("a", "2024-03-01", "ألف"), entry("b", "2024-03-01", "ألف")];
        assert_eq!(story_volume(&one).into_string(), "");
        assert_eq!(story_outlets(&one).into_string(), "");
        assert_eq!(entity_mentions(&[("2024-03-01".into(), 4)]).into_string(), "");
        assert_eq!(daily_volume(&[]).into_string(), "");
        assert_eq!(entity_neighbours(&[], 0, 0, |id| id.to_string()).into_string(), "");
    }

    #[test]
    fn days_run_right_to_left_with_gaps_and_heights_in_proportion() {
        let tl = [
            entry("a", "2024-03-01", "ألف"),
            entry("b", "2024-03-03", "ألف"),
            entry("c", "2024-03-03", "ألف"),
            entry("d", "2024-03-03", "ألف"),
            entry("e", "2024-03-03", "ألف"),
        ];
        let m = story_volume(&tl).into_string();
        assert!(m.contains(r#"<svg class="chart" role="img""#), "{m}");
        assert!(m.contains("<title>مقالات القصة حسب اليوم</title>"));
        assert!(m.contains(r#"viewBox="0 0 400 190" width="100%""#));
        assert!(
            m.contains("aria-label=\"مقالات القصة حسب اليوم: الجمعة 1 مارس 2024: 1، الأحد 3 مارس 2024: 4. المجموع 5.\"")
        );
        assert!(m.contains("<summary>البيانات</summary>") && m.contains("<table>"));
        let r = rects(&m);
        assert_eq!(r.len(), 2, "two days with articles (the 2nd is an empty column)");
        assert!(r[0].0 > r[1].0, "the earliest day is at the right");
        assert!((r[1].1 / r[0].1 - 4.0).abs() < 0.01, "4 articles are 4 times as tall as 1: {r:?}");
        // One series: no legend.
        assert!(!m.contains("legend"));
        assert!(m.contains(">1 مارس<"), "Arabic day ticks");
    }

    #[test]
    fn a_short_story_is_charted_per_hour_in_the_first_reports_offset() {
        let tl = [
            entry("a", "2024-03-01T09:10+03:00", "ألف"),
            entry("b", "2024-03-01T11:50+03:00", "باء"),
            entry("c", "2024-03-01T08:20Z", "باء"),
        ];
        let m = story_volume(&tl).into_string();
        assert!(m.contains("مقالات القصة حسب الساعة"), "{m}");
        assert!(m.contains(r#"بتوقيت <span dir="ltr">+03:00</span>"#), "the offset is isolated");
        // 08:20Z is 11:20 in +03:00: two articles at 11:00.
        assert!(m.contains("الجمعة 1 مارس 2024، 11:00: 2"), "{m}");
        assert!(m.contains(">09:00<"));
        assert!(m.contains("<figcaption>مقالات القصة حسب الساعة</figcaption>"), "a visible caption");
        assert!(m.contains("class=\"legend\""), "two outlets, a legend");
    }

    #[test]
    fn outlets_are_capped_with_others_and_labels_escaped() {
        let mut tl = Vec::new();
        for (i, o) in ["أ", "ب", "ج", "د", "هـ", "و", "<script>"].iter().enumerate() {
            for k in 0..(8 - i) {
                tl.push(entry(&format!("{i}-{k}"), &format!("2024-03-{:02}", 1 + k), o));
            }
        }
        let m = story_volume(&tl).into_string();
        assert!(m.contains(">أخرى<"), "more than five outlets fold into «أخرى»");
        assert!(!m.contains("<script>") && !m.contains("&lt;script&gt;"), "folded into «أخرى»");
        let bars = story_outlets(&tl).into_string();
        assert!(bars.contains("&lt;script&gt;") && !bars.contains("<script>"), "escaped");
        // The first outlet (published 1 March, most articles) is marked.
        assert!(bars.contains("أول من نشر: أ."));
        assert!(bars.contains("(الأسبق)"));
        let r = rects(&bars);
        assert_eq!(r.len(), 7);
    }

    #[test]
    fn bar_lengths_are_proportional() {
        let tl = [
            entry("a", "2024-03-02", "ألف"),
            entry("b", "2024-03-01", "باء"),
            entry("c", "2024-03-02", "ألف"),
            entry("d", "2024-03-03", "ألف"),
        ];
        let m = story_outlets(&tl).into_string();
        let width = |m: &str| -> Vec<f64> {
            m.split("<rect")
                .skip(1)
                .map(|r| {
                    let at = r.find(" width=\"").expect("width") + 8;
                    r[at..at + r[at..].find('"').expect("quote")].parse().expect("number")
                })
                .collect()
        };
        let w = width(&m);
        assert!((w[0] / w[1] - 3.0).abs() < 0.01, "{w:?}");
        assert!(m.contains("أول من نشر: باء."), "باء published first though ألف has more");
        assert!(m.contains(r#"class="c1""#));
    }

    #[test]
    fn entity_charts_and_daily_volume() {
        let days = [("2023-01-15".to_string(), 2), ("2023-06-02".to_string(), 5), ("2023-06-20".to_string(), 1)];
        let m = entity_mentions(&days).into_string();
        assert!(m.contains("حسب الشهر"), "five months: per month");
        assert!(m.contains("يونيو 2023: 6"), "{m}");
        assert_eq!(rects(&m).len(), 2);

        let e = |id: &str, name: &str| EntitySummary {
            id: id.into(),
            name: name.into(),
            kind: mirsad_model::EntityType::PER,
            article_count: 9,
        };
        let near = [(e("x", "زيد"), 4), (e("y", "عمرو & شركاه"), 2)];
        let m = entity_neighbours(&near, 500, 900, |id| format!("/entities/{id}")).into_string();
        assert!(m.contains(r#"<a href="/entities/x">"#));
        assert!(m.contains("عمرو &amp; شركاه"));
        assert!(m.contains("في أحدث 500 مقالة من 900"));

        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test day");
        let v = [(d("2024-01-01"), 3), (d("2024-01-02"), 0), (d("2024-01-03"), 6)];
        let m = daily_volume(&v).into_string();
        assert!(m.contains("المقالات المنشورة حسب اليوم"));
        let r = rects(&m);
        assert_eq!(r.len(), 2);
        assert!(r[0].0 > r[1].0 && (r[1].1 / r[0].1 - 2.0).abs() < 0.01);
    }

    #[test]
    fn round_axis_tops_and_ticks() {
        assert_eq!([1, 2, 3, 7, 10, 11, 240].map(nice_max), [1, 2, 5, 10, 10, 20, 500]);
        assert_eq!(tick_indices(1, 5), [0]);
        assert_eq!(tick_indices(3, 5), [0, 1, 2]);
        assert_eq!(tick_indices(90, 5), [0, 22, 44, 66, 89]);
        assert_eq!(tick_indices(92, 4), [0, 30, 60, 91]);
        assert_eq!(tick_indices(5, 0), [0]);
        assert_eq!(short("اسم قصير"), "اسم قصير");
        assert_eq!(short(&"م".repeat(30)).chars().count(), LABEL_CHARS);
    }
}
