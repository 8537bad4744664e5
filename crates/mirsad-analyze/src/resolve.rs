//! Entities across a whole collection: the per-article entities (one per type and name key,
//! see [`crate::entities`]) resolved to one entity per real-world thing.
//!
//! The analysis of one article cannot know that «ترمب» in one outlet is «ترامب» in another, that
//! «بترامب» is «ترامب» behind a clitic, or that «ترامب» alone means the «دونالد ترامب» the
//! collection names in full. This pass looks at the collection's statistics and decides, with
//! evidence, which surface entities are one:
//!
//! 1. same name key under several types: one entity, typed by the weight of its mentions;
//! 2. a clitic (و ف ب ل ك and their pairs) glued to a name the collection knows better without
//!    it, as the same type, is peeled;
//! 3. a person named by a word that the collection uses mostly as a *first* name («دونالد»,
//!    «محمد») is not an entity of its own: it joins the one full name that dominates its uses,
//!    or is dropped;
//! 4. a person named by the last words of longer names («ترامب», «بن سلمان») joins the full
//!    name that holds most of those names' mentions, when it clearly dominates;
//! 5. transliteration variants (long vowels written or dropped, ط/ت, ص/ث/س, ق/غ/ج, ظ/ذ/ز)
//!    share a consonant skeleton; two names with one skeleton and one type are merged only
//!    when the evidence agrees: they seldom appear in the same article (outlets keep to their
//!    own spelling; two people are named side by side) and the entities around them are alike.
//!
//! The decisions are a function of the collection's statistics alone (evidence is sampled in
//! article-id order), so a collection ingested batch after batch resolves as one ingested at
//! once. No rule names a particular entity.

use crate::entities::{entity_id, entity_key};
use mirsad_model::{ArticleAnalysis, EntityMention, EntityType};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the collection says about one surface entity (the per-article entity of one type and
/// name key).
#[derive(Debug, Clone)]
pub struct SurfaceStat {
    pub id: String,
    pub kind: EntityType,
    /// Its most used spelling.
    pub name: String,
    pub mentions: u64,
}

/// Where the evidence for merging transliteration variants comes from (the store, or the
/// analysis of an input held in memory).
pub trait Evidence {
    /// Up to `limit` articles that mention any of `surfaces`, the smallest ids first.
    fn articles(&self, surfaces: &[&str], limit: usize) -> Vec<String>;
    /// The surface entities an article mentions.
    fn surfaces_in(&self, article: &str) -> Vec<String>;
}

/// The outcome: where each surface entity goes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Resolution {
    /// Surface id → canonical entity id, for every surface that moves; `None`: not an entity
    /// (a first name alone). Surfaces not listed are their own entity with their own type.
    pub alias: HashMap<String, Option<String>>,
    /// The type of every canonical entity whose type differs from some of its surfaces'.
    pub kinds: HashMap<String, EntityType>,
}

impl Resolution {
    /// The entity a surface belongs to (`None`: not an entity).
    pub fn entity<'a>(&'a self, surface: &'a str) -> Option<&'a str> {
        match self.alias.get(surface) {
            Some(to) => to.as_deref(),
            None => Some(surface),
        }
    }

    /// The type of an entity, given the type its surface was tagged with.
    pub fn kind(&self, entity: &str, tagged: EntityType) -> EntityType {
        self.kinds.get(entity).copied().unwrap_or(tagged)
    }
}

/// Articles sampled per side when weighing a transliteration merge.
const SAMPLE: usize = 200;
/// A variant appears beside its head in at most this share of its articles.
const MAX_TOGETHER: f64 = 0.2;
/// Cosine of the neighbouring-entity profiles of a variant and its head, at least.
const MIN_CONTEXT: f64 = 0.3;
/// A part of a name joins the full name holding at least this share of the candidates' mentions.
const DOMINANT: f64 = 0.75;

const CLITICS: &[&str] = &["وب", "ول", "فب", "فل", "وك", "فك", "و", "ف", "ب", "ل", "ك"];

struct Group {
    key: String,
    /// Word keys of the most used spelling.
    words: Vec<String>,
    surfaces: Vec<usize>,
    by_kind: [u64; 4],
    total: u64,
}

impl Group {
    fn kind(&self) -> EntityType {
        // Ties go to the earlier type in PER, LOC, ORG, MISC order.
        let mut best = 0;
        for k in 1..4 {
            if self.by_kind[k] > self.by_kind[best] {
                best = k;
            }
        }
        KINDS[best]
    }
}

const KINDS: [EntityType; 4] = [EntityType::PER, EntityType::LOC, EntityType::ORG, EntityType::MISC];

fn kind_index(k: EntityType) -> usize {
    KINDS.iter().position(|&x| x == k).unwrap_or(3)
}

fn word_keys(name: &str) -> Vec<String> {
    mirsad_text::tokens(name).map(mirsad_text::name_key).filter(|w| !w.is_empty()).collect()
}

/// The consonant skeleton of a name: per word, the first letter kept, inner long vowels
/// (not the last letter) dropped, letters that transliterate one foreign sound folded together.
pub fn skeleton(words: &[String]) -> String {
    let mut out = String::new();
    for w in words {
        let len = w.chars().count();
        for (i, c) in w.chars().enumerate() {
            let c = match c {
                'ط' => 'ت',
                'ص' | 'ث' => 'س',
                'ق' | 'غ' => 'ج',
                'ظ' | 'ذ' => 'ز',
                'ض' => 'د',
                c => c,
            };
            if i > 0 && i + 1 < len && matches!(c, 'ا' | 'و' | 'ي') {
                continue;
            }
            if out.ends_with(c) {
                continue;
            }
            out.push(c);
        }
        out.push(' ');
    }
    out.pop();
    out
}

/// Resolves the surfaces of a collection.
pub fn resolve(stats: &[SurfaceStat], ev: &dyn Evidence) -> Resolution {
    // 1. Groups by name key, across types.
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut best_spelling: Vec<(u64, &str)> = Vec::new();
    for (i, s) in stats.iter().enumerate() {
        let key = entity_key(&s.name);
        if key.is_empty() {
            continue;
        }
        let g = *at.entry(key.clone()).or_insert_with(|| {
            groups.push(Group { key, words: Vec::new(), surfaces: Vec::new(), by_kind: [0; 4], total: 0 });
            best_spelling.push((0, ""));
            groups.len() - 1
        });
        let gr = &mut groups[g];
        gr.surfaces.push(i);
        gr.by_kind[kind_index(s.kind)] += s.mentions;
        gr.total += s.mentions;
        if s.mentions > best_spelling[g].0 {
            best_spelling[g] = (s.mentions, &s.name);
        }
    }
    for (g, (_, name)) in groups.iter_mut().zip(&best_spelling) {
        g.words = word_keys(name);
    }
    // parent[g]: Some(Some(h)) joins h, Some(None) is dropped, None is a root.
    let mut parent: Vec<Option<Option<usize>>> = vec![None; groups.len()];

    // 2. Clitics.
    for g in 0..groups.len() {
        let name = best_spelling[g].1;
        for c in CLITICS {
            let Some(rest) = name.strip_prefix(c) else { continue };
            let first = mirsad_text::tokens(rest).next().unwrap_or("");
            if first.chars().count() < 3 {
                continue;
            }
            let Some(&h) = at.get(&entity_key(rest)) else { continue };
            if h != g && groups[h].kind() == groups[g].kind() && groups[h].total >= 2 * groups[g].total {
                parent[g] = Some(Some(h));
                break;
            }
        }
    }

    // 3 and 4. Parts of person names.
    let persons: Vec<usize> = (0..groups.len())
        .filter(|&g| parent[g].is_none() && groups[g].kind() == EntityType::PER && !groups[g].words.is_empty())
        .collect();
    let mut as_last: HashMap<&[String], Vec<usize>> = HashMap::new();
    let mut as_first: HashMap<&str, Vec<usize>> = HashMap::new();
    for &g in &persons {
        let w = &groups[g].words;
        for n in 1..w.len() {
            as_last.entry(&w[w.len() - n..]).or_default().push(g);
        }
        if w.len() > 1 {
            as_first.entry(w[0].as_str()).or_default().push(g);
        }
    }
    let mass = |c: &[usize]| c.iter().map(|&g| groups[g].total).sum::<u64>();
    let top = |c: &[usize]| c.iter().copied().max_by_key(|&g| (groups[g].total, std::cmp::Reverse(g)));
    for &g in &persons {
        let w = &groups[g].words;
        let last = as_last.get(&w[..]).map(Vec::as_slice).unwrap_or(&[]);
        let first = if w.len() == 1 { as_first.get(w[0].as_str()).map(Vec::as_slice).unwrap_or(&[]) } else { &[] };
        if !first.is_empty() && mass(first) > mass(last) {
            // Used mostly as a first name.
            let t = top(first).filter(|&t| groups[t].total as f64 >= DOMINANT * mass(first) as f64);
            parent[g] = Some(t);
        } else if let Some(t) = top(last).filter(|&t| groups[t].total as f64 >= DOMINANT * mass(last) as f64) {
            parent[g] = Some(Some(t));
        }
    }

    // 5. Transliteration variants, by skeleton and type, with evidence.
    let mut by_skeleton: BTreeMap<(String, usize), Vec<usize>> = BTreeMap::new();
    for g in 0..groups.len() {
        if parent[g].is_none() && !groups[g].words.is_empty() {
            by_skeleton.entry((skeleton(&groups[g].words), kind_index(groups[g].kind()))).or_default().push(g);
        }
    }
    let find = |parent: &[Option<Option<usize>>], mut g: usize| -> Option<usize> {
        for _ in 0..parent.len() {
            match parent[g] {
                None => return Some(g),
                Some(None) => return None,
                Some(Some(h)) => g = h,
            }
        }
        Some(g)
    };
    let ids = |g: usize| groups[g].surfaces.iter().map(|&s| stats[s].id.as_str()).collect::<Vec<_>>();
    let surface_group: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, gr)| gr.surfaces.iter().map(move |&s| (stats[s].id.as_str(), g)))
        .collect();
    for (_, mut members) in by_skeleton {
        if members.len() < 2 {
            continue;
        }
        members.sort_by_key(|&g| (std::cmp::Reverse(groups[g].total), g));
        let head = members[0];
        let head_ids = ids(head);
        let head_articles = ev.articles(&head_ids, SAMPLE);
        let head_profile = profile(ev, &head_articles, &surface_group, &parent, head, &find);
        for &g in &members[1..] {
            let articles = ev.articles(&ids(g), SAMPLE);
            if articles.is_empty() {
                continue;
            }
            let own: HashSet<&str> = head_ids.iter().copied().collect();
            let together =
                articles.iter().filter(|a| ev.surfaces_in(a).iter().any(|s| own.contains(s.as_str()))).count();
            if together as f64 > MAX_TOGETHER * articles.len() as f64 {
                continue;
            }
            let p = profile(ev, &articles, &surface_group, &parent, g, &find);
            if cosine(&p, &head_profile) >= MIN_CONTEXT {
                parent[g] = Some(Some(head));
            }
        }
    }

    // The canonical entity of each root: its key and the type its cluster's mentions weigh.
    let mut weight: HashMap<usize, [u64; 4]> = HashMap::new();
    for g in 0..groups.len() {
        if let Some(r) = find(&parent, g) {
            let w = weight.entry(r).or_default();
            for k in 0..4 {
                w[k] += groups[g].by_kind[k];
            }
        }
    }
    let mut out = Resolution::default();
    for (g, gr) in groups.iter().enumerate() {
        let root = find(&parent, g);
        let canonical = root.map(|r| {
            let w = weight[&r];
            let mut best = 0;
            for k in 1..4 {
                if w[k] > w[best] {
                    best = k;
                }
            }
            (entity_id(KINDS[best], &groups[r].key), KINDS[best])
        });
        for &s in &gr.surfaces {
            let surface = &stats[s];
            match &canonical {
                None => {
                    out.alias.insert(surface.id.clone(), None);
                }
                Some((id, kind)) => {
                    if *id != surface.id {
                        out.alias.insert(surface.id.clone(), Some(id.clone()));
                    }
                    if *kind != surface.kind {
                        out.kinds.insert(id.clone(), *kind);
                    }
                }
            }
        }
    }
    out
}

/// The surface statistics of analyses held in memory: `(article id, its mentions)`.
pub fn stats_of<'a>(items: impl IntoIterator<Item = &'a [EntityMention]>) -> Vec<SurfaceStat> {
    let mut by_id: BTreeMap<&str, (EntityType, BTreeMap<&str, u64>)> = BTreeMap::new();
    for ms in items {
        for m in ms {
            *by_id.entry(&m.entity).or_insert_with(|| (m.kind, BTreeMap::new())).1.entry(&m.text).or_default() += 1;
        }
    }
    by_id
        .into_iter()
        .filter_map(|(id, (kind, spellings))| {
            let mentions = spellings.values().sum();
            // Most used spelling; the smallest text among equals.
            let name = spellings.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?.0.to_string();
            Some(SurfaceStat { id: id.to_string(), kind, name, mentions })
        })
        .collect()
}

/// Rewrites one article's analysis to the resolved entities: mentions move to their entity
/// (and its type) or are dropped, quote speakers and event entities follow.
pub fn apply(r: &Resolution, an: &mut ArticleAnalysis) {
    an.mentions.retain_mut(|m| match r.entity(&m.entity) {
        Some(e) => {
            let e = e.to_string();
            m.kind = r.kind(&e, m.kind);
            m.entity = e;
            true
        }
        None => false,
    });
    for q in &mut an.quotes {
        q.speaker = q.speaker.take().and_then(|s| r.entity(&s).map(str::to_string));
    }
    for ev in &mut an.events {
        let mut seen = HashSet::new();
        ev.entities = std::mem::take(&mut ev.entities)
            .into_iter()
            .filter_map(|s| r.entity(&s).map(str::to_string))
            .filter(|e| seen.insert(e.clone()))
            .collect();
    }
}

/// The entities (as currently resolved groups) around a name in a sample of its articles.
fn profile(
    ev: &dyn Evidence,
    articles: &[String],
    surface_group: &HashMap<&str, usize>,
    parent: &[Option<Option<usize>>],
    own: usize,
    find: &dyn Fn(&[Option<Option<usize>>], usize) -> Option<usize>,
) -> HashMap<usize, f64> {
    let mut p: HashMap<usize, f64> = HashMap::new();
    for a in articles {
        let mut seen = HashSet::new();
        for s in ev.surfaces_in(a) {
            let Some(&g) = surface_group.get(s.as_str()) else { continue };
            let Some(r) = find(parent, g) else { continue };
            if g != own && r != own && seen.insert(r) {
                *p.entry(r).or_default() += 1.0;
            }
        }
    }
    p
}

fn cosine(a: &HashMap<usize, f64>, b: &HashMap<usize, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
    let na: f64 = a.values().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.values().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Evidence from analyses held in memory (`mirsad analyze`).
pub struct InMemory<'a> {
    by_surface: HashMap<&'a str, Vec<&'a str>>,
    by_article: HashMap<&'a str, Vec<String>>,
}

impl<'a> InMemory<'a> {
    /// From `(article id, its mentions' surface ids)`.
    pub fn new(items: impl IntoIterator<Item = (&'a str, Vec<&'a str>)>) -> Self {
        let mut by_surface: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut by_article = HashMap::new();
        for (article, surfaces) in items {
            let mut uniq: Vec<&str> = surfaces.clone();
            uniq.sort_unstable();
            uniq.dedup();
            for s in &uniq {
                by_surface.entry(s).or_default().push(article);
            }
            by_article.insert(article, uniq.into_iter().map(str::to_string).collect());
        }
        for v in by_surface.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        InMemory { by_surface, by_article }
    }
}

impl Evidence for InMemory<'_> {
    fn articles(&self, surfaces: &[&str], limit: usize) -> Vec<String> {
        let mut all: Vec<&str> =
            surfaces.iter().flat_map(|s| self.by_surface.get(s).into_iter().flatten().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter().take(limit).map(str::to_string).collect()
    }

    fn surfaces_in(&self, article: &str) -> Vec<String> {
        self.by_article.get(article).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(name: &str, kind: EntityType, mentions: u64) -> SurfaceStat {
        SurfaceStat { id: entity_id(kind, &entity_key(name)), kind, name: name.into(), mentions }
    }

    fn id(name: &str, kind: EntityType) -> String {
        entity_id(kind, &entity_key(name))
    }

    /// Articles as lists of (name, type); stats counted from them.
    fn collection(arts: &[&[(&str, EntityType)]]) -> (Vec<SurfaceStat>, Vec<(String, Vec<String>)>) {
        let mut counts: BTreeMap<String, SurfaceStat> = BTreeMap::new();
        let mut items = Vec::new();
        for (i, a) in arts.iter().enumerate() {
            let mut ids = Vec::new();
            for &(n, k) in a.iter() {
                let s = counts.entry(id(n, k)).or_insert_with(|| stat(n, k, 0));
                s.mentions += 1;
                ids.push(id(n, k));
            }
            items.push((format!("a{i:03}"), ids));
        }
        (counts.into_values().collect(), items)
    }

    fn run(arts: &[&[(&str, EntityType)]]) -> Resolution {
        let (stats, items) = collection(arts);
        let ev = InMemory::new(items.iter().map(|(a, ids)| (a.as_str(), ids.iter().map(String::as_str).collect())));
        resolve(&stats, &ev)
    }

    use EntityType::{LOC, ORG, PER};

    #[test]
    fn skeletons_fold_long_vowels_and_borrowed_sounds() {
        let sk = |s: &str| skeleton(&word_keys(s));
        assert_eq!(sk("ترامب"), sk("ترمب"));
        assert_eq!(sk("بوتين"), sk("بوتن"));
        assert_eq!(sk("كيم جونغ أون"), sk("كيم جونج اون"));
        assert_ne!(sk("بشار الأسد"), sk("حافظ الأسد"));
        assert_ne!(sk("عمر"), sk("عمرو"));
    }

    #[test]
    fn variants_from_different_outlets_merge_and_neighbours_named_together_do_not() {
        let mut arts: Vec<Vec<(&str, EntityType)>> = Vec::new();
        for _ in 0..6 {
            arts.push(vec![("ترامب", PER), ("واشنطن", LOC), ("الكونغرس", ORG)]);
        }
        for _ in 0..3 {
            arts.push(vec![("ترمب", PER), ("واشنطن", LOC), ("الكونغرس", ORG)]);
        }
        // two different people with one skeleton, named side by side
        for _ in 0..4 {
            arts.push(vec![("سعد", PER), ("سعيد", PER), ("بيروت", LOC)]);
        }
        let refs: Vec<&[(&str, EntityType)]> = arts.iter().map(Vec::as_slice).collect();
        let r = run(&refs);
        assert_eq!(r.entity(&id("ترمب", PER)), Some(id("ترامب", PER).as_str()));
        assert_eq!(r.entity(&id("سعيد", PER)), Some(id("سعيد", PER).as_str()));
        assert_eq!(r.entity(&id("سعد", PER)), Some(id("سعد", PER).as_str()));
    }

    #[test]
    fn unrelated_contexts_keep_one_skeleton_apart() {
        let mut arts: Vec<Vec<(&str, EntityType)>> = Vec::new();
        for _ in 0..5 {
            arts.push(vec![("سعد", PER), ("بيروت", LOC), ("الحكومة اللبنانية", ORG)]);
        }
        for _ in 0..5 {
            arts.push(vec![("سعيد", PER), ("الرباط", LOC), ("الوداد", ORG)]);
        }
        let refs: Vec<&[(&str, EntityType)]> = arts.iter().map(Vec::as_slice).collect();
        let r = run(&refs);
        assert_eq!(r.entity(&id("سعيد", PER)), Some(id("سعيد", PER).as_str()));
    }

    #[test]
    fn clitics_peel_surnames_join_and_first_names_go() {
        let mut arts: Vec<Vec<(&str, EntityType)>> = Vec::new();
        for _ in 0..5 {
            arts.push(vec![("دونالد ترامب", PER), ("فرنسا", LOC), ("فرنسا", LOC)]);
        }
        arts.push(vec![("ترامب", PER), ("وفرنسا", LOC)]);
        arts.push(vec![("دونالد", PER)]);
        arts.push(vec![("محمد", PER), ("محمد بن سلمان", PER), ("محمد بن زايد", PER), ("محمد مرسي", PER)]);
        arts.push(vec![("ترامب", LOC), ("إيفانكا ترامب", PER)]);
        let refs: Vec<&[(&str, EntityType)]> = arts.iter().map(Vec::as_slice).collect();
        let r = run(&refs);
        let trump = id("دونالد ترامب", PER);
        assert_eq!(r.entity(&id("ترامب", PER)), Some(trump.as_str()));
        assert_eq!(r.entity(&id("ترامب", LOC)), Some(trump.as_str()), "one type by weight");
        assert_eq!(r.entity(&id("وفرنسا", LOC)), Some(id("فرنسا", LOC).as_str()));
        assert_eq!(r.entity(&id("دونالد", PER)), Some(trump.as_str()), "one full name dominates");
        assert_eq!(r.entity(&id("محمد", PER)), None, "a first name of many people is no entity");
        assert_eq!(r.entity(&id("إيفانكا ترامب", PER)), Some(id("إيفانكا ترامب", PER).as_str()));
    }

    #[test]
    fn same_surname_of_two_well_known_people_stays_alone() {
        let mut arts: Vec<Vec<(&str, EntityType)>> = Vec::new();
        for _ in 0..4 {
            arts.push(vec![("رفيق الحريري", PER)]);
            arts.push(vec![("سعد الحريري", PER)]);
        }
        arts.push(vec![("الحريري", PER)]);
        let refs: Vec<&[(&str, EntityType)]> = arts.iter().map(Vec::as_slice).collect();
        let r = run(&refs);
        assert_eq!(r.entity(&id("الحريري", PER)), Some(id("الحريري", PER).as_str()));
        assert_ne!(r.entity(&id("رفيق الحريري", PER)), r.entity(&id("سعد الحريري", PER)));
    }
}
