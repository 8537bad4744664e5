//! Quote speakers on the two JSONL corpora, scored on `eval/quotes.tsv` (every quote of 48
//! articles with the names of its speaker, labelled by hand; see `eval/README.md`).
//!
//! Both corpora go through `analyze` (so speakers are the entities a user sees). A labelled
//! quote is found when a quote of its article contains the first words of its anchor (compared
//! by matching key). Its speaker is right when the speaker entity's name, or one of its mentions
//! in the article, contains one of the labelled names, or is part of one: its last words (a
//! family name) or two words or more in a row ([`names_match`]).
//! - speaker recall: labelled quotes with a named speaker found with that speaker;
//! - speaker precision: of the quotes mirsad gives a speaker entity in the labelled articles,
//!   those whose speaker is right (a quote that is not labelled, or labelled with no named
//!   speaker, counts against it).

use std::collections::{HashMap, HashSet};
use std::path::Path;

const LABELS: &str = include_str!("../../../../eval/quotes.tsv");

/// Words of an anchor compared with mirsad's quote text.
const ANCHOR_WORDS: usize = 4;

struct Gold {
    url: String,
    at: usize,
    words: usize,
    /// Each name as its key words; empty when the speaker is not named.
    speaker: Vec<Vec<String>>,
}

/// Key words of a name, with «عبد الله» written as one word as «عبدالله» is.
fn key_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in mirsad_text::key(text).split(' ').filter(|w| !w.is_empty()) {
        match out.last_mut() {
            Some(last) if last == "عبد" => last.push_str(w),
            _ => out.push(w.to_string()),
        }
    }
    out
}

fn labels() -> anyhow::Result<(Vec<String>, Vec<Gold>)> {
    let (mut articles, mut quotes) = (Vec::new(), Vec::new());
    for (n, line) in LABELS.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || {
            anyhow::anyhow!("eval/quotes.tsv line {}: expected `article<TAB>url` or `quote<TAB>url<TAB>at<TAB>words<TAB>speaker<TAB>kind`", n + 1)
        };
        match line.split('\t').collect::<Vec<_>>().as_slice() {
            ["article", url] => articles.push(url.to_string()),
            ["quote", url, at, words, speaker, _kind] => quotes.push(Gold {
                url: url.to_string(),
                at: at.parse().map_err(|_| bad())?,
                words: words.parse().map_err(|_| bad())?,
                speaker: if *speaker == "-" { Vec::new() } else { speaker.split('|').map(key_words).collect() },
            }),
            _ => return Err(bad()),
        }
    }
    Ok((articles, quotes))
}

/// The raw bodies of the labelled records, by URL (the anchors are offsets into them).
fn raw_bodies(data: &Path, urls: &HashSet<&str>) -> anyhow::Result<HashMap<String, String>> {
    use anyhow::Context;
    use std::io::BufRead;
    let mut out = HashMap::new();
    for (dir, field) in [("ant-multisource", "text"), ("saudinewsnet", "content")] {
        for entry in std::fs::read_dir(data.join(dir))? {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            let file = std::fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
            for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
                let line = line.with_context(|| format!("{} line {}", path.display(), n + 1))?;
                let v: serde_json::Value =
                    serde_json::from_str(&line).with_context(|| format!("{} line {}", path.display(), n + 1))?;
                if let (Some(url), Some(body)) = (v["url"].as_str(), v[field].as_str()) {
                    if urls.contains(url) && !out.contains_key(url) {
                        out.insert(url.to_string(), body.to_string());
                    }
                }
            }
        }
    }
    Ok(out)
}

/// True when `name` (key words) is one of the labelled names, contains one, is the last words
/// of one (a family name) or two or more words in a row of one («تركي بن عبدالله» of «تركي بن
/// عبدالله الشليل»). A first name alone is not enough.
fn names_match(name: &[String], gold: &[Vec<String>]) -> bool {
    !name.is_empty()
        && gold.iter().any(|g| {
            !g.is_empty()
                && (name.windows(g.len()).any(|w| w == &g[..])
                    || g.ends_with(name)
                    || (name.len() >= 2 && g.windows(name.len()).any(|w| w == name)))
        })
}

pub fn run(data: &Path, details: Option<&Path>) -> anyhow::Result<u8> {
    let Some(arts) = super::corpus_articles(data)? else { return Ok(0) };
    let (labelled, gold) = labels()?;
    let urls: HashSet<&str> = labelled.iter().map(String::as_str).collect();
    let raw = raw_bodies(data, &urls)?;
    let tagger = crate::analyze::load_tagger()?;
    let analysis = mirsad_analyze::analyze_all(&tagger, &arts);
    let names: HashMap<&str, &str> = analysis.entities.iter().map(|e| (e.id.as_str(), e.name.as_str())).collect();
    let mut report = String::new();
    let (mut found, mut named, mut right, mut given, mut given_right) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut unlabelled = 0usize;
    for url in &labelled {
        let idx: Vec<usize> = (0..arts.len()).filter(|&i| arts[i].url.as_deref() == Some(url)).collect();
        if idx.is_empty() {
            report.push_str(&format!("article not read: {url}\n"));
        }
        // The article's quotes and, per entity, the names it goes by there.
        let quotes: Vec<&mirsad_model::Quote> = idx.iter().flat_map(|&i| &analysis.articles[i].quotes).collect();
        let mut spelled: HashMap<&str, Vec<Vec<String>>> = HashMap::new();
        for &i in &idx {
            for m in &analysis.articles[i].mentions {
                spelled.entry(m.entity.as_str()).or_default().push(key_words(&m.text));
            }
        }
        let speaker_right = |q: &mirsad_model::Quote, g: &Gold| -> bool {
            let Some(e) = q.speaker.as_deref() else { return false };
            let mut forms = spelled.get(e).cloned().unwrap_or_default();
            forms.extend(names.get(e).map(|n| key_words(n)));
            forms.iter().any(|f| names_match(f, &g.speaker))
        };
        let keyed: Vec<String> = quotes.iter().map(|q| format!(" {} ", mirsad_text::key(&q.text))).collect();
        let mut matched = vec![None::<&Gold>; quotes.len()];
        for g in gold.iter().filter(|g| &g.url == url) {
            let anchor: String = raw.get(url).map_or(String::new(), |b| {
                b.chars().skip(g.at).collect::<String>().split_whitespace().take(g.words).collect::<Vec<_>>().join(" ")
            });
            let anchor_key = mirsad_text::key(&anchor);
            let head: Vec<&str> = anchor_key.split(' ').take(ANCHOR_WORDS).collect();
            let head = format!(" {} ", head.join(" "));
            let hit = keyed.iter().position(|k| !head.trim().is_empty() && k.contains(&head));
            if let Some(i) = hit {
                found += 1;
                matched[i].get_or_insert(g);
            }
            if g.speaker.is_empty() {
                continue;
            }
            named += 1;
            let ok = hit.is_some_and(|i| speaker_right(quotes[i], g));
            right += usize::from(ok);
            if !ok {
                let got = hit.map_or("quote not found".to_string(), |i| {
                    let q = quotes[i];
                    format!(
                        "speaker {} ({})",
                        q.speaker.as_deref().and_then(|e| names.get(e).copied()).unwrap_or("none"),
                        q.speaker_name.as_deref().unwrap_or("-")
                    )
                });
                report.push_str(&format!(
                    "missed: {url} «{anchor}» want {} got {got}\n",
                    g.speaker.iter().map(|n| n.join(" ")).collect::<Vec<_>>().join("|")
                ));
            }
        }
        for (q, g) in quotes.iter().zip(&matched) {
            let Some(e) = q.speaker.as_deref() else { continue };
            given += 1;
            match g {
                Some(g) if speaker_right(q, g) => given_right += 1,
                Some(_) => {}
                None => {
                    unlabelled += 1;
                    let text: String = q.text.chars().take(60).collect();
                    report
                        .push_str(&format!("not labelled: {url} «{text}» speaker {}\n", names.get(e).unwrap_or(&"?")));
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "quotes labelled: {} articles, {} quotes ({named} with a named speaker); {found} found by mirsad",
        labelled.len(),
        gold.len()
    );
    println!("quotes speaker recall {:.3} ({right}/{named})", ratio(right, named));
    println!(
        "quotes speaker precision {:.3} ({given_right}/{given} quotes given a speaker entity; {unlabelled} of them not labelled as quotes)",
        ratio(given_right, given)
    );
    // The most quoted speakers of the collection: a common word here would be a defect.
    let mut quoted: HashMap<&str, usize> = HashMap::new();
    let (mut all, mut with) = (0usize, 0usize);
    for q in analysis.articles.iter().flat_map(|a| &a.quotes) {
        all += 1;
        if let Some(e) = q.speaker.as_deref() {
            with += 1;
            *quoted.entry(e).or_default() += 1;
        }
    }
    let mut top: Vec<(&str, usize)> = quoted.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> =
        top.iter().take(20).map(|(e, n)| format!("{} {n}", names.get(e).copied().unwrap_or("?"))).collect();
    println!("quotes corpora: {all} quotes, {with} with a speaker entity; most quoted: {}", top.join("، "));
    if let Some(path) = details {
        // Speaker words that named no entity, most frequent first: where recall is lost.
        let mut unnamed: HashMap<&str, usize> = HashMap::new();
        for q in analysis.articles.iter().flat_map(|a| &a.quotes).filter(|q| q.speaker.is_none()) {
            *unnamed.entry(q.speaker_name.as_deref().unwrap_or("-")).or_default() += 1;
        }
        let mut unnamed: Vec<(&str, usize)> = unnamed.into_iter().collect();
        unnamed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (name, n) in unnamed.iter().take(300) {
            report.push_str(&format!("no entity: {n} «{name}»\n"));
        }
        std::fs::write(path, report)?;
    }
    Ok(0)
}
