//! `mirsad eval copies`: are partial copies found, and is nothing else made a copy?
//!
//! - Recall on synthetic copies: a fixed-seed sample of [`SAMPLE`] dated corpus articles of at
//!   least [`MIN_WORDS`] words; for each, five partial copies ([`Kind`]) from an outlet of their
//!   own, dated three hours after the original (a day after when the original has no time).
//!   They are clustered with the two whole corpora; a copy is found when its `duplicate_of` is
//!   its original or its original's own original.
//! - New copies on the real corpora: the corpora are clustered with the partial-copy rule off
//!   and on, and every (copy, original) pair only the rule makes is written to the details
//!   file (default `target/copies-new-pairs.txt`) with the start and end of both texts, for a
//!   person to check a sample.
//! - `eval/stories.tsv`: a labelled article that is a copy of a labelled article of another
//!   story is a false copy; their number is printed (it must be 0).

use anyhow::Context;
use mirsad_model::{Article, DateValue, Published};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

const LABELS: &str = include_str!("../../../../eval/stories.tsv");
/// Originals sampled.
const SAMPLE: usize = 500;
/// Words an original needs.
const MIN_WORDS: usize = 150;
const SEED: u64 = 0x6d69_7273_6164;

/// The kinds of partial copy made of each original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The first paragraphs holding 60 % of the words (the first 60 % of the words of a text of
    /// one paragraph).
    Truncated,
    /// One middle paragraph dropped (of three or more; else the middle sentence-sized fifth of
    /// the words).
    Dropped,
    /// A byline line «دبي - وكالة …» at the start and a «تابعونا على تويتر» line at the end.
    Byline,
    /// «عاجل | » before the title, the body as it is.
    Urgent,
    /// Truncated, with the byline and closing lines and the «عاجل | » title.
    Combined,
}

const KINDS: [Kind; 5] = [Kind::Truncated, Kind::Dropped, Kind::Byline, Kind::Urgent, Kind::Combined];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Truncated => "truncated",
            Kind::Dropped => "paragraph-dropped",
            Kind::Byline => "byline-and-follow-line",
            Kind::Urgent => "urgent-prefix",
            Kind::Combined => "combined",
        }
    }
}

fn paragraphs(body: &str) -> Vec<&str> {
    body.split('\n').map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// The first paragraphs holding at least 60 % of the words; a text of one paragraph is cut
/// after 60 % of its words.
fn truncated(body: &str) -> String {
    let paras = paragraphs(body);
    let total: usize = paras.iter().map(|p| p.split_whitespace().count()).sum();
    let want = (total * 6).div_ceil(10);
    let mut kept = Vec::new();
    let mut n = 0;
    for p in &paras {
        if n >= want {
            break;
        }
        kept.push(*p);
        n += p.split_whitespace().count();
    }
    // One long paragraph (or a last one that overshoots by far): cut by words.
    if kept.len() == 1 || n > total * 8 / 10 {
        let words: Vec<&str> = body.split_whitespace().collect();
        return words[..want].join(" ");
    }
    kept.join("\n\n")
}

fn dropped(body: &str, pick: u64) -> String {
    let paras = paragraphs(body);
    if paras.len() >= 3 {
        let i = 1 + (pick as usize) % (paras.len() - 2);
        return paras.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| *p).collect::<Vec<_>>().join("\n\n");
    }
    let words: Vec<&str> = body.split_whitespace().collect();
    let (a, b) = (words.len() * 2 / 5, words.len() * 3 / 5);
    words[..a].iter().chain(&words[b..]).copied().collect::<Vec<_>>().join(" ")
}

fn with_lines(body: &str) -> String {
    format!("دبي - وكالة الأنباء العربية\n\n{body}\n\nتابعونا على تويتر وفيسبوك لمتابعة آخر الأخبار")
}

fn urgent(title: Option<&str>) -> Option<String> {
    Some(format!("عاجل | {}", title.unwrap_or("")))
}

/// Three hours later (a day later for a value without a time).
fn later(p: &Published) -> Option<Published> {
    let value = match p.value.datetime() {
        Some(t) => DateValue::parse(&(t + chrono::Duration::hours(3)).to_rfc3339()).ok()?,
        None => DateValue::from_day(p.value.date()?.succ_opt()?)?,
    };
    Some(Published { value, ..p.clone() })
}

fn make_copy(o: &Article, kind: Kind, n: usize, pick: u64) -> Option<Article> {
    let (title, body) = match kind {
        Kind::Truncated => (o.title.clone(), truncated(&o.body)),
        Kind::Dropped => (o.title.clone(), dropped(&o.body, pick)),
        Kind::Byline => (o.title.clone(), with_lines(&o.body)),
        Kind::Urgent => (urgent(o.title.as_deref()), o.body.clone()),
        Kind::Combined => (urgent(o.title.as_deref()), with_lines(&truncated(&o.body))),
    };
    let mut a = Article::new(format!("copy{n}-{}", kind.name()), format!("synthetic#{n}"), body);
    a.title = title;
    a.published = Some(later(o.published.as_ref()?)?);
    a.outlet = Some("نسخ تجريبية".into());
    Some(a)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

pub fn run(data: &Path, details: Option<&Path>) -> anyhow::Result<u8> {
    let Some(arts) = super::corpus_articles(data)? else { return Ok(0) };
    synthetic(&arts)?;
    real(&arts, details)?;
    Ok(0)
}

fn synthetic(arts: &[Article]) -> anyhow::Result<()> {
    // Candidates: dated articles of enough words; the sample is drawn by a fixed seed.
    let mut pool: Vec<usize> = (0..arts.len())
        .filter(|&i| arts[i].published.is_some() && arts[i].body.split_whitespace().count() >= MIN_WORDS)
        .collect();
    let mut rng = Rng(SEED);
    for i in (1..pool.len()).rev() {
        pool.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    pool.truncate(SAMPLE);
    pool.sort_unstable();
    let mut all: Vec<Article> = arts.to_vec();
    // (copy index in `all`, original index, kind)
    let mut made: Vec<(usize, usize, Kind)> = Vec::new();
    for (n, &o) in pool.iter().enumerate() {
        let pick = rng.next();
        for kind in KINDS {
            if let Some(c) = make_copy(&arts[o], kind, n, pick) {
                made.push((all.len(), o, kind));
                all.push(c);
            }
        }
    }
    let started = std::time::Instant::now();
    mirsad_cluster::cluster_all(&mut all);
    let secs = started.elapsed().as_secs_f64();
    let mut per_kind: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    for &(c, o, kind) in &made {
        let orig = &all[o];
        let target = orig.duplicate_of.as_deref().unwrap_or(orig.id.as_str());
        let found = all[c].duplicate_of.as_deref() == Some(target);
        let e = per_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += usize::from(found);
    }
    for (kind, (n, found)) in &per_kind {
        println!("copies synthetic {}: copies {n} found {found} recall {:.3}", kind.name(), *found as f64 / *n as f64);
    }
    let (n, found) = per_kind.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "copies synthetic all: originals {} copies {n} found {found} recall {:.3} (clustered with {} corpus articles in {secs:.1} s)",
        pool.len(),
        found as f64 / n as f64,
        arts.len()
    );
    Ok(())
}

fn real(arts: &[Article], details: Option<&Path>) -> anyhow::Result<()> {
    let mut without = arts.to_vec();
    mirsad_cluster::cluster_all_with(&mut without, false);
    let mut with = arts.to_vec();
    mirsad_cluster::cluster_all_with(&mut with, true);
    let by_id: HashMap<&str, &Article> = with.iter().map(|a| (a.id.as_str(), a)).collect();
    let (before, after) = (
        without.iter().filter(|a| a.duplicate_of.is_some()).count(),
        with.iter().filter(|a| a.duplicate_of.is_some()).count(),
    );
    // Pairs only the rule makes: a copy whose original differs from the one without the rule.
    let new_pairs: Vec<(&Article, &Article)> = with
        .iter()
        .zip(&without)
        .filter(|(w, wo)| w.duplicate_of.is_some() && w.duplicate_of != wo.duplicate_of)
        .filter_map(|(w, _)| Some((w, *by_id.get(w.duplicate_of.as_deref()?)?)))
        .collect();
    let lost =
        with.iter().zip(&without).filter(|(w, wo)| wo.duplicate_of.is_some() && w.duplicate_of.is_none()).count();
    let same_outlet = new_pairs.iter().filter(|(c, o)| c.outlet == o.outlet).count();
    println!(
        "copies corpora: articles {} copies without containment {before} with {after} new pairs {} (same outlet {same_outlet}) copies lost {lost}",
        arts.len(),
        new_pairs.len()
    );
    let path = details.map(Path::to_path_buf).unwrap_or_else(|| Path::new("target").join("copies-new-pairs.txt"));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?);
    let mut rng = Rng(SEED ^ 1);
    let mut order: Vec<usize> = (0..new_pairs.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    let clip = |s: &str, head: bool| -> String {
        let chars: Vec<char> = s.chars().filter(|c| *c != '\n').collect();
        let n = chars.len().min(300);
        if head {
            chars[..n].iter().collect()
        } else {
            chars[chars.len() - n..].iter().collect()
        }
    };
    for (k, &i) in order.iter().enumerate() {
        let (c, o) = new_pairs[i];
        let words = |a: &Article| a.body.split_whitespace().count();
        let (inside, kept, j) = exact(c, o);
        writeln!(
            f,
            "## pair {k}: copy {} ({} words) → original {} ({} words); exact: copy inside original {inside:.2}, original kept {kept:.2}, jaccard {j:.2}",
            c.id,
            words(c),
            o.id,
            words(o)
        )?;
        for (name, a) in [("copy", c), ("original", o)] {
            writeln!(
                f,
                "{name}: {} · {} · {}",
                a.outlet.as_deref().unwrap_or("-"),
                a.published.as_ref().map_or("-", |p| p.value.as_str()),
                a.title.as_deref().unwrap_or("(no title)")
            )?;
            writeln!(f, "  start: {}", clip(&a.body, true))?;
            writeln!(f, "  end:   {}", clip(&a.body, false))?;
        }
        writeln!(f)?;
    }
    // Copies without the rule that are none with it (what the rule costs).
    writeln!(f, "# copies without the rule, none with it")?;
    for (w, wo) in with.iter().zip(&without).filter(|(w, wo)| wo.duplicate_of.is_some() && w.duplicate_of.is_none()) {
        let Some(o) = by_id.get(wo.duplicate_of.as_deref().unwrap_or("")) else { continue };
        let (inside, kept, j) = exact(w, o);
        writeln!(
            f,
            "lost: {} {} → {} {} {} ; inside {inside:.2} kept {kept:.2} jaccard {j:.2}",
            w.id,
            w.published.as_ref().map_or("-", |p| p.value.as_str()),
            o.id,
            o.published.as_ref().map_or("-", |p| p.value.as_str()),
            o.duplicate_of.as_deref().unwrap_or("(original)")
        )?;
    }
    f.flush()?;
    println!("copies new pairs: {} (shuffled by a fixed seed; check the first 50 by hand)", crate::shown(&path));
    labelled(&with)
}

/// Exact shares of word 3-shingles: the copy's inside the original, the original's kept by
/// the copy, and their Jaccard.
fn exact(copy: &Article, original: &Article) -> (f64, f64, f64) {
    let (c, o) = (mirsad_cluster::minhash::shingles(&copy.body), mirsad_cluster::minhash::shingles(&original.body));
    let set: std::collections::HashSet<u64> = o.iter().copied().collect();
    let shared = c.iter().filter(|h| set.contains(h)).count() as f64;
    let share = |n: usize| if n == 0 { 0.0 } else { shared / n as f64 };
    (share(c.len()), share(o.len()), mirsad_cluster::minhash::jaccard(&c, &o))
}

/// Copies across labelled stories of `eval/stories.tsv`.
fn labelled(arts: &[Article]) -> anyhow::Result<()> {
    let mut label_of_url: HashMap<&str, &str> = HashMap::new();
    for line in LABELS.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        if let [url, label] = line.split('\t').collect::<Vec<_>>().as_slice() {
            label_of_url.insert(url, label);
        }
    }
    let label: HashMap<&str, &str> = arts
        .iter()
        .filter(|a| a.segment == 0)
        .filter_map(|a| Some((a.id.as_str(), *label_of_url.get(a.url.as_deref()?)?)))
        .collect();
    let (mut within, mut across) = (0, 0);
    for a in arts {
        let (Some(&l), Some(o)) = (label.get(a.id.as_str()), a.duplicate_of.as_deref()) else { continue };
        match label.get(o) {
            Some(&m) if m == l => within += 1,
            Some(_) => {
                across += 1;
                println!("copies labelled: false copy {} → {} (different labelled stories)", a.id, o);
            }
            None => {}
        }
    }
    println!(
        "copies labelled: labelled articles {} copies of a labelled article of the same story {within} of another story {across}",
        label.len()
    );
    Ok(())
}
