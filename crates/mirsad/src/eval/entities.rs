//! Entity resolution on the two JSONL corpora, scored on `eval/entities.tsv` (spellings of one
//! entity, and entities with close names; labelled by hand, see `eval/README.md`).
//!
//! Both corpora go through `analyze` (tagging, linking, resolution across the collection). A
//! labelled spelling stands for the entity that holds most of the mentions written exactly so;
//! a spelling the tagger never finds is counted apart (it cannot be linked at all).
//! - pair recall: of the pairs of spellings of one entity, those that land on one entity;
//! - wrong merges: of the pairs labelled different, those that land on one entity.

use mirsad_model::EntityType;
use std::collections::HashMap;
use std::path::Path;

/// The labelled set, in the binary so the command runs from any directory.
const LABELS: &str = include_str!("../../../../eval/entities.tsv");

pub struct Labels {
    pub same: Vec<Vec<String>>,
    pub different: Vec<(String, String)>,
}

pub fn labels() -> anyhow::Result<Labels> {
    let mut out = Labels { same: Vec::new(), different: Vec::new() };
    for (n, line) in LABELS.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            ["same", spellings] => out.same.push(spellings.split('|').map(str::to_string).collect()),
            ["different", a, b] => out.different.push((a.to_string(), b.to_string())),
            _ => anyhow::bail!("eval/entities.tsv line {}: expected `same<TAB>a|b…` or `different<TAB>a<TAB>b`", n + 1),
        }
    }
    Ok(out)
}

pub fn run(data: &Path, details: Option<&Path>, resolution: bool) -> anyhow::Result<u8> {
    let Some(arts) = super::corpus_articles(data)? else { return Ok(0) };
    let labels = labels()?;
    let tagger = crate::analyze::load_tagger()?;
    let started = std::time::Instant::now();
    let analysis = if resolution {
        mirsad_analyze::analyze_all(&tagger, &arts)
    } else {
        let per = mirsad_analyze::analyze_articles(&tagger, &arts);
        let entities =
            mirsad_analyze::entities::entities(arts.iter().zip(&per).map(|(a, p)| (a.id.as_str(), &p.mentions[..])));
        mirsad_analyze::Analysis { entities, articles: per }
    };
    let secs = started.elapsed().as_secs_f64();
    // spelling → entity → mentions
    let mut by_text: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for a in &analysis.articles {
        for m in &a.mentions {
            *by_text.entry(m.text.as_str()).or_default().entry(m.entity.as_str()).or_default() += 1;
        }
    }
    let entity_of = |s: &str| -> Option<&str> {
        by_text.get(s)?.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(e, _)| *e)
    };
    let kinds: HashMap<&str, EntityType> = analysis.entities.iter().map(|e| (e.id.as_str(), e.kind)).collect();
    let names: HashMap<&str, &str> = analysis.entities.iter().map(|e| (e.id.as_str(), e.name.as_str())).collect();
    let mut report = String::new();
    let (mut pairs, mut joined, mut spellings, mut found) = (0usize, 0usize, 0usize, 0usize);
    let mut whole = 0usize;
    for group in &labels.same {
        let ids: Vec<Option<&str>> = group.iter().map(|s| entity_of(s)).collect();
        spellings += group.len();
        found += ids.iter().flatten().count();
        let mut group_joined = 0;
        let mut group_pairs = 0;
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                group_pairs += 1;
                if ids[i].is_some() && ids[i] == ids[j] {
                    group_joined += 1;
                }
            }
        }
        pairs += group_pairs;
        joined += group_joined;
        whole += usize::from(group_joined == group_pairs);
        if group_joined < group_pairs {
            let parts: Vec<String> = group
                .iter()
                .zip(&ids)
                .map(|(s, id)| match id {
                    Some(id) => {
                        format!("{s} → {} ({})", names.get(id).unwrap_or(&"?"), kinds.get(id).map_or("?", |k| k.code()))
                    }
                    None => format!("{s} → not found"),
                })
                .collect();
            report.push_str(&format!("split: {}\n", parts.join(" | ")));
        }
    }
    let mut wrong = 0usize;
    let mut both_found = 0usize;
    for (a, b) in &labels.different {
        let (x, y) = (entity_of(a), entity_of(b));
        if x.is_some() && y.is_some() {
            both_found += 1;
        }
        if x.is_some() && x == y {
            wrong += 1;
            report.push_str(&format!("wrong merge: {a} | {b} → {}\n", names.get(x.unwrap_or("")).unwrap_or(&"?")));
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "entities corpora: articles {} entities {} analysis with resolution {:.0} articles/s",
        arts.len(),
        analysis.entities.len(),
        arts.len() as f64 / secs.max(1e-9)
    );
    println!(
        "entities pair recall {:.3} ({joined}/{pairs} pairs of spellings of one entity on one entity; {whole}/{} entities whole; {found}/{spellings} spellings found as mentions)",
        ratio(joined, pairs),
        labels.same.len()
    );
    println!(
        "entities wrong merges {wrong} of {} pairs labelled different ({both_found} with both names found)",
        labels.different.len()
    );
    let top = top_entities(&analysis.entities, 10);
    println!("entities top persons: {}", top.get(&EntityType::PER).map_or(String::new(), |v| v.join("، ")));
    println!("entities top places: {}", top.get(&EntityType::LOC).map_or(String::new(), |v| v.join("، ")));
    println!("entities top organizations: {}", top.get(&EntityType::ORG).map_or(String::new(), |v| v.join("، ")));
    if let Some(path) = details {
        // The hundred most mentioned of each type: what the UI's entity list shows first.
        let top = top_entities(&analysis.entities, 100);
        for (kind, label) in
            [(EntityType::PER, "persons"), (EntityType::LOC, "places"), (EntityType::ORG, "organizations")]
        {
            report.push_str(&format!("top {label}: {}\n", top.get(&kind).map_or(String::new(), |v| v.join("، "))));
        }
        std::fs::write(path, report)?;
    }
    Ok(0)
}

/// The `n` most mentioned entities of each type, by articles.
fn top_entities(entities: &[mirsad_model::Entity], n: usize) -> HashMap<EntityType, Vec<String>> {
    let mut by: HashMap<EntityType, Vec<&mirsad_model::Entity>> = HashMap::new();
    for e in entities {
        by.entry(e.kind).or_default().push(e);
    }
    by.into_iter()
        .map(|(k, mut v)| {
            v.sort_by(|a, b| b.articles.len().cmp(&a.articles.len()).then(a.name.cmp(&b.name)));
            (k, v.into_iter().take(n).map(|e| format!("{} ({})", e.name, e.articles.len())).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn labelled_set_parses_and_is_as_large_as_promised() {
        let l = super::labels().expect("eval/entities.tsv parses");
        assert!(l.same.len() >= 60, "{}", l.same.len());
        assert!(l.same.iter().all(|g| g.len() >= 2));
        assert!(l.different.len() >= 25, "{}", l.different.len());
    }
}
