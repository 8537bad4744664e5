//! Entities across spellings: the tagger's mentions grouped into one entity per real name.
//!
//! Mentions of one type whose [`mirsad_text::name_key`] is equal are one entity (that key folds
//! hamza/alef/yeh/teh-marbuta forms, Persian letters, `غ`/`ج` for a foreign "g", hyphens and
//! word breaks, doubled letters and the article `ال`). Official long forms of a country's name
//! map to its common name through a small alias table. The entity's name is its most frequent
//! spelling; `variants` lists every spelling seen.

use crate::ner::{Mention, Tagger};
use mirsad_model::{Article, Entity, EntityType};
use std::collections::HashMap;

/// Official long forms → the common name (both as written; compared by name key).
const ALIASES: &[(&str, &str)] = &[
    ("المملكة العربية السعودية", "السعودية"),
    ("الولايات المتحدة الأمريكية", "الولايات المتحدة"),
    ("الولايات المتحدة الأميركية", "الولايات المتحدة"),
    ("جمهورية كوريا الشعبية الديمقراطية", "كوريا الشمالية"),
    ("جمهورية كوريا الشعبية الديموقراطية", "كوريا الشمالية"),
    ("جمهورية كوريا", "كوريا الجنوبية"),
    ("الإمارات العربية المتحدة", "الإمارات"),
    ("دولة الإمارات العربية المتحدة", "الإمارات"),
    ("جمهورية مصر العربية", "مصر"),
    ("روسيا الاتحادية", "روسيا"),
    ("الاتحاد الروسي", "روسيا"),
    ("المملكة المتحدة", "بريطانيا"),
    ("الجمهورية الإسلامية الإيرانية", "إيران"),
    ("جمهورية إيران الإسلامية", "إيران"),
    ("الجمهورية العربية السورية", "سوريا"),
    ("المملكة الأردنية الهاشمية", "الأردن"),
    ("جمهورية العراق", "العراق"),
    ("دولة الكويت", "الكويت"),
    ("دولة قطر", "قطر"),
    ("سلطنة عمان", "عمان"),
    ("مملكة البحرين", "البحرين"),
    ("المملكة المغربية", "المغرب"),
    ("الجمهورية التونسية", "تونس"),
    ("جمهورية الصين الشعبية", "الصين"),
];

/// The key under which mentions are grouped: the name key, long forms replaced by the common
/// name's key.
pub fn entity_key(name: &str) -> String {
    static MAP: std::sync::LazyLock<HashMap<String, String>> = std::sync::LazyLock::new(|| {
        ALIASES.iter().map(|(long, short)| (mirsad_text::name_key(long), mirsad_text::name_key(short))).collect()
    });
    let k = mirsad_text::name_key(name);
    MAP.get(&k).cloned().unwrap_or(k)
}

fn type_code(t: EntityType) -> &'static str {
    match t {
        EntityType::PER => "PER",
        EntityType::LOC => "LOC",
        EntityType::ORG => "ORG",
        EntityType::MISC => "MISC",
    }
}

/// Stable id of an entity: its type and key hashed.
pub fn entity_id(kind: EntityType, key: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(format!("{}\u{0}{key}", type_code(kind)).as_bytes());
    format!("e{:015x}", h >> 4)
}

/// A mention resolved to its entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub entity: String,
    pub text: String,
    pub kind: EntityType,
    /// Byte offsets in the article body; `None` for a mention in the title.
    pub span: Option<(usize, usize)>,
}

/// The mentions of one article (title and body), each with its entity id.
pub fn article_mentions(tagger: &Tagger, a: &Article) -> Vec<Linked> {
    let link = |m: Mention, in_body: bool| {
        let key = entity_key(&m.text);
        (!key.is_empty()).then(|| Linked {
            entity: entity_id(m.kind, &key),
            text: mirsad_text::display(&m.text),
            kind: m.kind,
            span: in_body.then_some((m.start, m.end)),
        })
    };
    let mut out: Vec<Linked> = Vec::new();
    if let Some(t) = &a.title {
        out.extend(tagger.entities(t).into_iter().filter_map(|m| link(m, false)));
    }
    out.extend(tagger.entities(&a.body).into_iter().filter_map(|m| link(m, true)));
    out
}

/// Groups the mentions of many articles (`(article id, its mentions)`) into entities, in order
/// of first mention.
pub fn entities<'a>(mentions: impl IntoIterator<Item = (&'a str, &'a [Linked])>) -> Vec<Entity> {
    struct Acc {
        kind: EntityType,
        spellings: Vec<(String, usize)>,
        articles: Vec<String>,
    }
    let mut order: Vec<String> = Vec::new();
    let mut acc: HashMap<String, Acc> = HashMap::new();
    for (article, ms) in mentions {
        for m in ms {
            let e = acc.entry(m.entity.clone()).or_insert_with(|| {
                order.push(m.entity.clone());
                Acc { kind: m.kind, spellings: Vec::new(), articles: Vec::new() }
            });
            match e.spellings.iter_mut().find(|(s, _)| *s == m.text) {
                Some(s) => s.1 += 1,
                None => e.spellings.push((m.text.clone(), 1)),
            }
            if e.articles.last().map(String::as_str) != Some(article) {
                e.articles.push(article.to_string());
            }
        }
    }
    order
        .into_iter()
        .filter_map(|id| {
            let a = acc.remove(&id)?;
            // Most frequent spelling; ties go to the first seen.
            let name = a.spellings.iter().fold(None::<&(String, usize)>, |best, s| match best {
                Some(b) if b.1 >= s.1 => Some(b),
                _ => Some(s),
            })?;
            let mut articles = a.articles;
            articles.dedup();
            Some(Entity {
                id,
                name: name.0.clone(),
                kind: a.kind,
                variants: a.spellings.iter().map(|s| s.0.clone()).collect(),
                articles,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(text: &str, kind: EntityType) -> Linked {
        Linked { entity: entity_id(kind, &entity_key(text)), text: text.into(), kind, span: None }
    }

    #[test]
    fn spellings_and_long_forms_resolve_to_one_entity() {
        let a = vec![linked("كيم جونج أون", EntityType::PER), linked("المملكة العربية السعودية", EntityType::LOC)];
        let b = vec![linked("كيم جونغ أون", EntityType::PER), linked("السعودية", EntityType::LOC)];
        let c = vec![linked("كيم جونغ-أون", EntityType::PER), linked("كيم جونغ أون", EntityType::PER)];
        let es = entities([("a", &a[..]), ("b", &b[..]), ("c", &c[..])]);
        assert_eq!(es.len(), 2, "{es:#?}");
        let kim = &es[0];
        assert_eq!(kim.name, "كيم جونغ أون", "most frequent spelling");
        assert_eq!(kim.variants.len(), 3);
        assert_eq!(kim.articles, ["a", "b", "c"]);
        assert_eq!(es[1].variants, ["المملكة العربية السعودية", "السعودية"]);
    }

    #[test]
    fn same_name_different_type_stays_apart() {
        let a = vec![linked("الأردن", EntityType::LOC), linked("الأردن", EntityType::ORG)];
        assert_eq!(entities([("a", &a[..])]).len(), 2);
        assert_ne!(entity_id(EntityType::PER, "x"), entity_id(EntityType::LOC, "x"));
    }

    #[test]
    fn tagger_mentions_link_in_an_article() {
        let tagger = Tagger::load();
        let a = Article::new("a", "a.txt", "قال الرئيس الروسي فلاديمير بوتين في موسكو إن العلاقات مع الصين قوية.");
        let ms = article_mentions(&tagger, &a);
        assert!(ms.iter().any(|m| m.kind == EntityType::LOC && m.text.contains("موسكو")), "{ms:?}");
        for m in &ms {
            let (s, e) = m.span.unwrap();
            assert_eq!(mirsad_text::display(&a.body[s..e]), m.text);
        }
    }
}
