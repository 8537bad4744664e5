//! Entities across spellings: the tagger's mentions grouped into one entity per real name.
//!
//! Mentions of one type whose [`mirsad_text::name_key`] is equal are one entity (that key folds
//! hamza/alef/yeh/teh-marbuta forms, Persian letters, `غ`/`ج` for a foreign "g", hyphens and
//! word breaks, doubled letters and the article `ال`). Official long forms of a country's name
//! map to its common name through a small alias table. The entity's name is its most frequent
//! spelling; `variants` lists every spelling seen.

use crate::ner::{Mention, Tagger};
use mirsad_model::{Article, Entity, EntityMention, EntityType};
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

/// Stable id of an entity: its type and key hashed.
pub fn entity_id(kind: EntityType, key: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(format!("{}\u{0}{key}", kind.code()).as_bytes());
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
        let m = cut_unclosed_bracket(m);
        let key = entity_key(&m.text);
        (!key.is_empty()).then(|| Linked {
            entity: entity_id(m.kind, &key),
            text: mirsad_text::display(&m.text),
            kind: m.kind,
            span: in_body.then_some((m.start, m.end)),
        })
    };
    // Tagger noise a name never is is dropped, a Latin acronym typed a body, before linking.
    let tagged = |text: &str, in_body: bool| {
        tagger
            .entities(text)
            .into_iter()
            .filter(|m| !is_counted(text, m) && !is_fragment_or_common_noun(&m.text))
            .map(acronym_is_organization)
            .map(peel_body_clitic)
            .filter_map(move |m| link(m, in_body))
            .collect::<Vec<_>>()
    };
    let mut out: Vec<Linked> = a.title.as_deref().map(|t| tagged(t, false)).unwrap_or_default();
    out.extend(tagged(&a.body, true));
    strip_conjunctions(&mut out);
    link_partial_names(&mut out);
    out
}

/// Nouns that say what kind of body a name is; alone they name none («ميليشيات», «البنك»),
/// key form without «ال».
const BODY_NOUNS: &[&str] = &[
    "ميليشيا",
    "ميليشيات",
    "مليشيا",
    "مليشيات",
    "بنك",
    "مصرف",
    "حركه",
    "تنظيم",
    "جماعه",
    "شركه",
    "وكاله",
    "منظمه",
    "وزاره",
    "مجلس",
    "حزب",
    "صحيفه",
    "قناه",
    "جامعه",
    "لجنه",
    "هييه",
    "قوات",
    "جيش",
    "جريده",
    "مجله",
    "اذاعه",
];

/// A preposition or conjunction glued to a body noun that begins a name is not part of the name
/// («لوكالة الأنباء الألمانية» → «وكالة الأنباء الألمانية», «بوزارة الخارجية», «للجنة …»): the
/// tagger, trained on text that splits such clitics less often than news does, keeps it.
fn peel_body_clitic(mut m: Mention) -> Mention {
    let Some(first) = mirsad_text::tokens(&m.text).next() else { return m };
    if first.as_ptr() != m.text.as_ptr() || mirsad_text::tokens(&m.text).nth(1).is_none() {
        return m;
    }
    let Some(c) = first.chars().next().filter(|c| matches!(c, 'ل' | 'ب' | 'و' | 'ف')) else { return m };
    if BODY_NOUNS.contains(&mirsad_text::key(&first[c.len_utf8()..]).as_str()) {
        m.text.drain(..c.len_utf8());
        m.start += c.len_utf8();
    }
    m
}

/// A one-word mention of fewer than three letters is a piece of a name the tagger cut («بي»,
/// «إس» of «بي بي سي», «داعش إس»); a body noun alone is no name.
fn is_fragment_or_common_noun(text: &str) -> bool {
    let mut words = mirsad_text::tokens(text);
    let (Some(w), None) = (words.next(), words.next()) else { return false };
    if w.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return true;
    }
    let k = mirsad_text::key(w);
    BODY_NOUNS.contains(&k.strip_prefix("ال").unwrap_or(&k))
}

/// A Latin acronym in Arabic text («CNN», «AFP», «FIFA») names a body; the tagger, which reads
/// Arabic words, types it by its neighbours (a dateline's «(CNN)» after the city: a place).
fn acronym_is_organization(mut m: Mention) -> Mention {
    let letters = m.text.chars().filter(|c| !c.is_whitespace()).count();
    if (2..=6).contains(&letters) && m.text.chars().all(|c| c.is_ascii_uppercase() || c == ' ') {
        m.kind = EntityType::ORG;
    }
    m
}

/// Number words a counted noun follows (key form).
const COUNTS: &[&str] =
    &["الف", "الاف", "مليون", "ملايين", "مليوني", "مليار", "مليارات", "ملياري", "تريليون", "المليون", "المليار"];

/// A one-word mention right after a number («مليون ريال», «500 ريال», «ملايين سوري») is the
/// thing counted — a currency or a people — not a name («ريال» the currency was the second
/// most mentioned «organization» of the corpora). A year before a word is not a count.
fn is_counted(text: &str, m: &Mention) -> bool {
    if m.text.split_whitespace().nth(1).is_some() {
        return false;
    }
    // The word just before, with only spaces between.
    let before = text[..m.start].trim_end_matches(' ');
    let prev = before.rsplit(|c: char| !mirsad_text::is_word_char(c)).next().unwrap_or("");
    if prev.is_empty() || before.len() == text[..m.start].len() {
        return false;
    }
    let digits = mirsad_text::ascii_digits(prev);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
        return !year;
    }
    COUNTS.contains(&mirsad_text::key(prev).as_str())
}

/// A name does not open a bracket it does not close: «الإمارات العربية المتحدة (CNN» is the
/// name before the dateline's bracket.
fn cut_unclosed_bracket(mut m: Mention) -> Mention {
    if let Some(at) = m.text.find(['(', '[']).filter(|&at| !m.text[at..].contains([')', ']'])) {
        let kept = m.text[..at].trim_end().len();
        m.end = m.start + kept;
        m.text.truncate(kept);
    }
    m
}

/// The tagger keeps a joined conjunction in the mention («وفلاديمير بوتين»). Whether a leading
/// `و` is the conjunction or the name's own letter («وليد») cannot be told from the word alone,
/// so it is dropped only when the rest of the word is a word of another mention of the article.
fn strip_conjunctions(mentions: &mut [Linked]) {
    if !mentions.iter().any(|m| m.text.starts_with('و')) {
        return;
    }
    let known: std::collections::HashSet<String> = mentions
        .iter()
        .flat_map(|m| mirsad_text::tokens(&m.text).map(mirsad_text::name_key).collect::<Vec<_>>())
        .collect();
    for m in mentions.iter_mut() {
        let Some(rest) = m.text.strip_prefix('و').map(str::to_string) else { continue };
        let first = mirsad_text::tokens(&rest).next().unwrap_or("");
        if first.chars().count() < 2 || !known.contains(&mirsad_text::name_key(first)) {
            continue;
        }
        m.entity = entity_id(m.kind, &entity_key(&rest));
        m.text = rest;
        if let Some((s, e)) = m.span {
            m.span = Some((s + 'و'.len_utf8(), e));
        }
    }
}

/// A person named in full once and by part of the name elsewhere in the same article
/// («فلاديمير بوتين» … «بوتين», «محمد بن سلمان» … «بن سلمان», «كيم جونغ أون» … «كيم») is one
/// entity: a PER mention whose words are the last or the first words of a longer PER mention
/// takes that mention's entity, when every such longer mention in the article is the same
/// entity (two Trumps leave «ترامب» alone).
fn link_partial_names(mentions: &mut [Linked]) {
    let persons: Vec<usize> = (0..mentions.len()).filter(|&i| mentions[i].kind == EntityType::PER).collect();
    let words: Vec<Vec<String>> =
        persons.iter().map(|&i| mirsad_text::tokens(&mentions[i].text).map(mirsad_text::name_key).collect()).collect();
    // Longest names first, so that «كيم جونغ» joins «كيم جونغ أون» before «كيم» looks at both.
    let mut order: Vec<usize> = (0..persons.len()).collect();
    order.sort_by_key(|&p| std::cmp::Reverse(words[p].len()));
    for &p in &order {
        let w = &words[p];
        let mut target: Option<String> = None;
        let mut ambiguous = false;
        for (q, fw) in words.iter().enumerate() {
            // After «بن» («محمد بن سلمان بن عبدالعزيز») comes the father's name: not a part of
            // this person's name to be called by.
            let after_connector = |at: usize| crate::resolve::is_connector(&fw[at - 1]);
            let part = fw.len() > w.len()
                && ((fw[fw.len() - w.len()..] == w[..] && !after_connector(fw.len() - w.len()))
                    || fw[..w.len()] == w[..]);
            if !part {
                continue;
            }
            let id = &mentions[persons[q]].entity;
            match &target {
                Some(t) if t != id => ambiguous = true,
                Some(_) => {}
                None => target = Some(id.clone()),
            }
        }
        if let (Some(t), false) = (target, ambiguous) {
            mentions[persons[p]].entity = t;
        }
    }
}

/// Groups the mentions of many articles (`(article id, its mentions)`) into entities, in order
/// of first mention.
pub fn entities<'a>(mentions: impl IntoIterator<Item = (&'a str, &'a [EntityMention])>) -> Vec<Entity> {
    entities_named(mentions, |_, _| true)
}

/// [`entities`], each named by its most used spelling among those `name_of(entity, spelling)`
/// accepts (the spellings of the entity's own name key after resolution, not of a partial name
/// or a clitic form that joined it), else by its most used spelling.
pub fn entities_named<'a>(
    mentions: impl IntoIterator<Item = (&'a str, &'a [EntityMention])>,
    name_of: impl Fn(&str, &str) -> bool,
) -> Vec<Entity> {
    struct Acc<'a> {
        id: &'a str,
        kind: EntityType,
        spellings: Vec<(&'a str, usize)>,
        articles: Vec<&'a str>,
    }
    // Runs once over every mention of the input, after the parallel analysis: entities are kept
    // in order of first mention and found by their (borrowed) id; nothing is cloned until the end.
    let mut at: HashMap<&'a str, usize, foldhash::fast::RandomState> = HashMap::default();
    let mut acc: Vec<Acc<'a>> = Vec::new();
    for (article, ms) in mentions {
        for m in ms {
            let i = *at.entry(m.entity.as_str()).or_insert_with(|| {
                acc.push(Acc { id: &m.entity, kind: m.kind, spellings: Vec::new(), articles: Vec::new() });
                acc.len() - 1
            });
            let e = &mut acc[i];
            match e.spellings.iter_mut().find(|(s, _)| *s == m.text) {
                Some(s) => s.1 += 1,
                None => e.spellings.push((&m.text, 1)),
            }
            if e.articles.last() != Some(&article) {
                e.articles.push(article);
            }
        }
    }
    acc.into_iter()
        .filter_map(|mut a| {
            // Most frequent spelling (of the accepted ones when there are); ties go to the first seen.
            let most = |accept: &dyn Fn(&str) -> bool| {
                a.spellings.iter().filter(|s| accept(s.0)).fold(None::<&(&str, usize)>, |best, s| match best {
                    Some(b) if b.1 >= s.1 => Some(b),
                    _ => Some(s),
                })
            };
            let name = most(&|s| name_of(a.id, s)).or_else(|| most(&|_| true))?;
            a.articles.dedup();
            Some(Entity {
                id: a.id.to_string(),
                name: name.0.to_string(),
                kind: a.kind,
                variants: a.spellings.iter().map(|s| s.0.to_string()).collect(),
                articles: a.articles.into_iter().map(str::to_string).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(text: &str, kind: EntityType) -> EntityMention {
        EntityMention { entity: entity_id(kind, &entity_key(text)), text: text.into(), kind }
    }

    fn span(text: &str, kind: EntityType) -> Linked {
        Linked { entity: entity_id(kind, &entity_key(text)), text: text.into(), kind, span: None }
    }

    #[test]
    fn fragments_body_nouns_and_acronyms() {
        assert!(is_fragment_or_common_noun("بي"));
        assert!(is_fragment_or_common_noun("ميليشيات"));
        assert!(is_fragment_or_common_noun("البنك"));
        assert!(!is_fragment_or_common_noun("البنك الدولي"));
        assert!(!is_fragment_or_common_noun("بي بي سي"));
        assert!(!is_fragment_or_common_noun("ماي"));
        let m = |t: &str| Mention { text: t.into(), kind: EntityType::LOC, start: 0, end: t.len() };
        assert_eq!(acronym_is_organization(m("CNN")).kind, EntityType::ORG);
        assert_eq!(acronym_is_organization(m("Paris")).kind, EntityType::LOC);
        assert_eq!(acronym_is_organization(m("لندن")).kind, EntityType::LOC);
    }

    #[test]
    fn a_clitic_before_a_body_noun_is_peeled() {
        let m = |text: &str| Mention { text: text.into(), kind: EntityType::ORG, start: 10, end: 10 + text.len() };
        let peeled = peel_body_clitic(m("لوكالة الأنباء الألمانية"));
        assert_eq!((peeled.text.as_str(), peeled.start), ("وكالة الأنباء الألمانية", 10 + 'ل'.len_utf8()));
        assert_eq!(peel_body_clitic(m("للجنة الانتخابات")).text, "لجنة الانتخابات");
        assert_eq!(peel_body_clitic(m("بوزارة الخارجية")).text, "وزارة الخارجية");
        for kept in ["وزارة الخارجية", "لبنان", "بنك الكويت", "لوكالة", "ليفربول سيتي"]
        {
            assert_eq!(peel_body_clitic(m(kept)).text, kept);
        }
    }

    #[test]
    fn a_counted_noun_is_no_name() {
        let at = |text: &str, w: &str| {
            let start = text.rfind(w).unwrap();
            Mention { text: w.into(), kind: EntityType::ORG, start, end: start + w.len() }
        };
        for t in ["بلغت الأرباح مليون ريال", "بقيمة 500 ريال", "بقيمة ٥٠٠ ريال", "يعيش فيها ثلاثة ملايين سوري"]
        {
            let w = t.rsplit(' ').next().unwrap();
            assert!(is_counted(t, &at(t, w)), "{t}");
        }
        for t in ["فاز ريال", "في عام 2018 ريال", "مليون، ريال", "مليون ريال مدريد"]
        {
            let w = if t.ends_with("مدريد") { "ريال مدريد" } else { "ريال" };
            assert!(!is_counted(t, &at(t, w)), "{t}");
        }
    }

    #[test]
    fn partial_names_join_the_full_name_of_the_same_article() {
        let mut ms = vec![
            span("فلاديمير بوتين", EntityType::PER),
            span("بوتين", EntityType::PER),
            span("محمد بن سلمان", EntityType::PER),
            span("بن سلمان", EntityType::PER),
            span("بوتين", EntityType::LOC),
            span("كيم جونغ أون", EntityType::PER),
            span("كيم", EntityType::PER),
            span("كيم جونغ", EntityType::PER),
        ];
        link_partial_names(&mut ms);
        assert_eq!(ms[1].entity, ms[0].entity);
        assert_eq!(ms[3].entity, ms[2].entity);
        assert_ne!(ms[4].entity, ms[0].entity, "only persons");
        assert_eq!(ms[6].entity, ms[5].entity, "first name");
        assert_eq!(ms[7].entity, ms[5].entity, "first words");
    }

    #[test]
    fn unclosed_bracket_ends_a_name() {
        let text = "الإمارات العربية المتحدة (CNN";
        let m =
            cut_unclosed_bracket(Mention { text: text.into(), kind: EntityType::LOC, start: 10, end: 10 + text.len() });
        assert_eq!(m.text, "الإمارات العربية المتحدة");
        assert_eq!(m.end, 10 + m.text.len());
        let closed = "حزب الشعب (المعارض)";
        let m =
            cut_unclosed_bracket(Mention { text: closed.into(), kind: EntityType::ORG, start: 0, end: closed.len() });
        assert_eq!(m.text, closed);
    }

    #[test]
    fn joined_conjunction_is_dropped_when_the_name_recurs() {
        let mut ms = vec![
            span("فلاديمير بوتين", EntityType::PER),
            span("وفلاديمير بوتين", EntityType::PER),
            span("وليد", EntityType::PER),
        ];
        ms[1].span = Some((10, 40));
        strip_conjunctions(&mut ms);
        assert_eq!((ms[1].text.as_str(), ms[1].span), ("فلاديمير بوتين", Some((12, 40))));
        assert_eq!(ms[1].entity, ms[0].entity);
        assert_eq!(ms[2].text, "وليد", "no «ليد» elsewhere: kept");
    }

    #[test]
    fn a_father_named_in_a_patronymic_is_not_the_son() {
        let mut ms =
            vec![span("محمد بن سلمان بن عبدالعزيز", EntityType::PER), span("سلمان بن عبدالعزيز", EntityType::PER)];
        let before = ms.clone();
        link_partial_names(&mut ms);
        assert_eq!(ms, before);
    }

    #[test]
    fn partial_name_of_two_people_stays_apart() {
        let mut ms = vec![
            span("دونالد ترامب", EntityType::PER),
            span("إيفانكا ترامب", EntityType::PER),
            span("ترامب", EntityType::PER),
        ];
        let before = ms.clone();
        link_partial_names(&mut ms);
        assert_eq!(ms, before);
    }

    #[test]
    fn spellings_and_long_forms_resolve_to_one_entity() {
        let a = [linked("كيم جونج أون", EntityType::PER), linked("المملكة العربية السعودية", EntityType::LOC)];
        let b = [linked("كيم جونغ أون", EntityType::PER), linked("السعودية", EntityType::LOC)];
        let c = [linked("كيم جونغ-أون", EntityType::PER), linked("كيم جونغ أون", EntityType::PER)];
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
        let a = [linked("الأردن", EntityType::LOC), linked("الأردن", EntityType::ORG)];
        assert_eq!(entities([("a", &a[..])]).len(), 2);
        assert_ne!(entity_id(EntityType::PER, "x"), entity_id(EntityType::LOC, "x"));
    }

    #[test]
    fn tagger_mentions_link_in_an_article() {
        let tagger = Tagger::load().expect("the embedded model loads");
        let a = Article::new("a", "a.txt", "قال الرئيس الروسي فلاديمير بوتين في موسكو إن العلاقات مع الصين قوية.");
        let ms = article_mentions(&tagger, &a);
        assert!(ms.iter().any(|m| m.kind == EntityType::LOC && m.text.contains("موسكو")), "{ms:?}");
        for m in &ms {
            let (s, e) = m.span.unwrap();
            assert_eq!(mirsad_text::display(&a.body[s..e]), m.text);
        }
    }
}
