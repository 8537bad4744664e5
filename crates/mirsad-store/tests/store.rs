use mirsad_model::{Article, Basis, Precision, Published};
use mirsad_store::{SearchQuery, Store};

fn art(id: &str, title: &str, body: &str, day: &str, outlet: &str) -> Article {
    Article {
        id: id.into(),
        document: format!("{id}.txt"),
        url: None,
        segment: 0,
        title: Some(title.into()),
        body: body.into(),
        published: Some(Published { value: day.parse().unwrap(), precision: Precision::Day, basis: Basis::Explicit }),
        outlet: Some(outlet.into()),
        attribution: vec![],
        keywords: vec!["كوريا الشمالية".into()],
        story: None,
        duplicate_of: None,
        author: None,
        language: Some("ar".into()),
        section: None,
    }
}

fn fixture() -> Vec<Article> {
    vec![
        art(
            "a1",
            "افتتاح المكتبة العامة الجديدة",
            "افتتحت البلدية المكتبة العامة الجديدة في إيران أمس بحضور الوزير.",
            "2024-03-01",
            "صحيفة ألف",
        ),
        art(
            "a2",
            "المستشفى الجديد يستقبل المرضى",
            "بدأ مستشفى المدينة استقبال المرضى في المبنى الجديد، وقالت الإدارة إن المدرسة المجاورة ستغلق.",
            "2024-03-05",
            "صحيفة باء",
        ),
        art(
            "a3",
            "أسعار القمح ترتفع",
            "ارتفعت أسعار القمح في الأسواق للأسبوع الثالث وسط توقعات بتراجع المحصول.",
            "2024-03-10",
            "صحيفة ألف",
        ),
        art(
            "a4",
            "مكتبات المدن تمدد ساعات العمل",
            "قررت مكتبات المدن الكبرى تمديد ساعات العمل خلال الصيف لاستقبال الطلاب.",
            "2024-03-12",
            "صحيفة باء",
        ),
    ]
}

fn ids(store: &Store, q: &str) -> Vec<String> {
    let mut v: Vec<String> = store
        .search(&SearchQuery { text: q.into(), limit: 10, ..Default::default() })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    v.sort();
    v
}

#[test]
fn ingest_is_idempotent_and_updates() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    let first = s.put_batch(&fixture()).unwrap();
    assert_eq!((first.new, first.updated, first.unchanged), (4, 0, 0));
    let again = s.put_batch(&fixture()).unwrap();
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 4));
    let mut changed = fixture();
    changed[2].body.push_str(" وأضاف التجار أن الطلب مرتفع.");
    let upd = s.put_batch(&changed).unwrap();
    assert_eq!((upd.new, upd.updated, upd.unchanged), (0, 1, 3));
    assert_eq!(s.count().unwrap(), 4);
    assert_eq!(s.indexed_count(), 4);
    assert!(s.get("a3").unwrap().unwrap().body.contains("الطلب مرتفع"));
    assert_eq!(ids(&s, "الطلب"), ["a3"]);
    // the same text read through another path is a duplicate
    let mut copy = fixture()[0].clone();
    copy.id = "other-path".into();
    assert_eq!(s.put_batch(&[copy]).unwrap().duplicates, 1);
}

#[test]
fn search_finds_orthographic_variants_and_clitics() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.put_batch(&fixture()).unwrap();
    // alef forms
    assert_eq!(ids(&s, "ايران"), ["a1"]);
    assert_eq!(ids(&s, "إيران"), ["a1"]);
    // yeh / alef maqsura
    assert_eq!(ids(&s, "مستشفي"), ["a2"]);
    // teh marbuta / heh
    assert_eq!(ids(&s, "المدرسه"), ["a2"]);
    // definite article and clitic prefixes
    assert_eq!(ids(&s, "والأسواق"), ["a3"]);
    // ... and inflections: «مكتبات» shares the stem
    assert_eq!(ids(&s, "بالمكتبة"), ["a1", "a4"]);
    // Persian letters
    assert_eq!(ids(&s, "مکتبة"), ["a1", "a4"]);
    // phrase
    assert_eq!(ids(&s, "\"المكتبة العامة\""), ["a1"]);
}

#[test]
fn filters_and_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.put_batch(&fixture()).unwrap();
    let r = s
        .search(&SearchQuery {
            text: "مكتبة".into(),
            from: Some("2024-03-02".into()),
            to: Some("2024-03-12".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].id, "a4");
    assert!(r.hits[0].snippet.contains("<b>"), "{}", r.hits[0].snippet);
    let r = s
        .search(&SearchQuery {
            text: "الجديد".into(),
            outlet: Some("صحيفة باء".into()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["a2"]);
    let r = s.search(&SearchQuery { keyword: Some("کوریا الشمالیة".into()), limit: 10, ..Default::default() }).unwrap();
    assert_eq!(r.total, 4);
    assert!(s
        .search(&SearchQuery { text: "x".into(), from: Some("not a date".into()), limit: 5, ..Default::default() })
        .is_err());
}

#[test]
fn related_articles_exclude_copies() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    let mut arts = fixture();
    let mut copy = arts[0].clone();
    copy.id = "a1-copy".into();
    copy.url = Some("http://other/outlet".into());
    copy.body.push(' ');
    arts.push(copy);
    s.put_batch(&arts).unwrap();
    let rel = s.related("a1", 3).unwrap().unwrap();
    let rel_ids: Vec<&str> = rel.iter().map(|h| h.id.as_str()).collect();
    assert!(!rel_ids.contains(&"a1") && !rel_ids.contains(&"a1-copy"), "{rel_ids:?}");
    assert_eq!(rel_ids.first(), Some(&"a4"), "the other library article is the most related");
    assert!(s.related("missing", 3).unwrap().is_none());
}

#[test]
fn lost_index_is_rebuilt_from_records() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = Store::open(dir.path()).unwrap();
        s.put_batch(&fixture()).unwrap();
    }
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let s = Store::open(dir.path()).unwrap();
    assert_eq!(s.indexed_count(), 4);
    assert_eq!(ids(&s, "القمح"), ["a3"]);
}

#[test]
fn latest_is_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.put_batch(&fixture()).unwrap();
    let l = s.latest(0, 2).unwrap();
    assert_eq!(l.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a4", "a3"]);
    assert_eq!(s.latest(2, 10).unwrap().len(), 2);
    let mut undated = art("a5", "خبر بلا تاريخ", "نص خبر لا يذكر تاريخ نشره.", "2024-03-01", "صحيفة ألف");
    undated.published = None;
    s.put_batch(&[undated]).unwrap();
    let all = s.latest(0, 10).unwrap();
    assert_eq!(all.first().map(|a| a.id.as_str()), Some("a4"));
    assert_eq!(all.last().map(|a| a.id.as_str()), Some("a5"), "undated articles come last");
}

#[test]
fn refresh_sees_another_handles_commits() {
    let dir = tempfile::tempdir().unwrap();
    let reader = Store::open(dir.path()).unwrap();
    {
        let mut writer = Store::open(dir.path()).unwrap();
        writer.put_batch(&fixture()).unwrap();
    }
    assert_eq!(reader.count().unwrap(), 4, "records are visible at once");
    reader.refresh().unwrap();
    assert_eq!(reader.indexed_count(), 4);
    assert_eq!(ids(&reader, "القمح"), ["a3"]);
}

const FLOOD: &str = "هطلت أمطار غزيرة على مدينة جدة صباح اليوم وأعلنت إدارة التعليم تعليق الدراسة في جميع المدارس، فيما دعا الدفاع المدني السكان إلى البقاء في منازلهم وتجنب الأودية والسيول حتى تنتهي موجة الأمطار المتوقعة خلال اليومين المقبلين.";

#[test]
fn copies_and_stories_survive_reopening_and_earlier_originals_relabel() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        // A copy arrives first, from a later day.
        let s = store.put_batch(&[art("c2", "تعليق الدراسة في جدة", FLOOD, "2024-03-03", "صحيفة باء")]).unwrap();
        assert_eq!(s.new, 1);
    }
    let mut store = Store::open(dir.path()).unwrap();
    let s = store
        .put_batch(&[
            art("c1", "أمطار غزيرة على جدة", FLOOD, "2024-03-02", "صحيفة ألف"),
            art("c3", "السيول في جدة", &format!("{FLOOD} المصدر: واس"), "2024-03-04", "صحيفة جيم"),
        ])
        .unwrap();
    assert_eq!(s.new, 2);
    let c1 = store.get("c1").unwrap().unwrap();
    let c2 = store.get("c2").unwrap().unwrap();
    let c3 = store.get("c3").unwrap().unwrap();
    assert_eq!(c1.duplicate_of, None);
    assert_eq!(c2.duplicate_of.as_deref(), Some("c1"), "relabelled to the earlier original");
    assert_eq!(c3.duplicate_of.as_deref(), Some("c1"));
    assert!(c1.story.is_some() && c1.story == c2.story && c2.story == c3.story);
    let story = store.story(c1.story.as_deref().unwrap()).unwrap().unwrap();
    assert_eq!(story.articles, ["c1", "c2", "c3"]);
    assert_eq!(story.copies.len(), 1);
    assert_eq!(story.copies[0].original, "c1");
    assert_eq!(story.copies[0].outlets, ["صحيفة ألف", "صحيفة باء", "صحيفة جيم"]);
    assert_eq!(store.stories(0, 10).unwrap().len(), 1);
    // Re-reading the same page changes nothing, though the stored copy carries a story.
    let again =
        store.put_batch(&[art("c3", "السيول في جدة", &format!("{FLOOD} المصدر: واس"), "2024-03-04", "صحيفة جيم")]);
    assert_eq!(again.unwrap().unchanged, 1);
}

/// A stand-in for the analysis stage: «المكتبة» in a body is a mention of entity `lib` (spelt
/// as written), each body yields one event on its publication day naming the entities of the
/// article, and «قالت» gives a quote by `lib`.
fn fake_analysis(a: &Article) -> mirsad_model::ArticleAnalysis {
    use mirsad_model::{EntityMention, EntityType, Event, EventBasis, EventDate, Quote};
    let mut an = mirsad_model::ArticleAnalysis::default();
    for spelling in ["المكتبة", "المكتبه"] {
        for _ in a.body.matches(spelling) {
            an.mentions.push(EntityMention { entity: "lib".into(), kind: EntityType::ORG, text: spelling.into() });
        }
    }
    let entities: Vec<String> = an.mentions.first().map(|m| m.entity.clone()).into_iter().collect();
    let day = a.published.as_ref().map(|p| p.value.to_string()).unwrap_or_default();
    an.events.push(Event {
        article: a.id.clone(),
        date: EventDate { start: day, end: None, basis: EventBasis::Explicit },
        expression: "أمس".into(),
        sentence: a.body.clone(),
        entities,
    });
    if a.body.contains("قالت") {
        an.quotes.push(Quote {
            article: a.id.clone(),
            speaker: Some("lib".into()),
            speaker_name: Some("المكتبة".into()),
            text: "ستغلق".into(),
            direct: false,
        });
    }
    an
}

#[test]
fn analyses_are_stored_per_article_and_summarized_per_entity() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(fake_analysis).collect()));
    let mut arts = fixture();
    arts[1].body.push_str(" وقالت المكتبه إنها ستغلق.");
    s.put_batch(&arts).unwrap();

    let a1 = s.analysis("a1").unwrap();
    assert_eq!(a1.mentions.len(), 1);
    assert_eq!(a1.events.len(), 1);
    assert!(s.analysis("a3").unwrap().mentions.is_empty());
    let list = s.entities(None, 0, 10).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id.as_str(), list[0].article_count), ("lib", 2));
    assert_eq!(s.entity_count(Some(mirsad_model::EntityType::ORG)).unwrap(), 1);
    assert_eq!(s.entity_count(Some(mirsad_model::EntityType::PER)).unwrap(), 0);

    let e = s.entity("lib").unwrap().unwrap();
    assert_eq!(e.entity.name, "المكتبة", "the most used spelling");
    assert_eq!(e.entity.variants, ["المكتبة", "المكتبه"]);
    assert_eq!(e.entity.articles, ["a2", "a1"], "newest first");
    let days: Vec<&str> = e.timeline.iter().map(|ev| ev.date.start.as_str()).collect();
    assert_eq!(days, ["2024-03-01", "2024-03-05"], "by event date");
    assert_eq!(e.quotes.len(), 1);
    assert!(!e.stories.is_empty());
    assert!(s.entity("nobody").unwrap().is_none());

    // A story lists the entities and events of its articles.
    let story = s.story(&s.get("a1").unwrap().unwrap().story.unwrap()).unwrap().unwrap();
    assert_eq!(story.entities, ["lib"]);
    assert!(!story.events.is_empty());

    // Replacing an article replaces its rows: a2 no longer mentions the entity.
    let mut changed = arts.clone();
    changed[1].body = "نص جديد بلا ذكر".into();
    assert_eq!(s.put_batch(&changed).unwrap().updated, 1);
    assert!(s.analysis("a2").unwrap().quotes.is_empty());
    let e = s.entity("lib").unwrap().unwrap();
    assert_eq!((e.article_count, e.entity.variants.len(), e.quotes.len()), (1, 1, 0));
    // ... and an entity nobody mentions any more is gone.
    changed[0].body = "نص آخر".into();
    s.put_batch(&changed).unwrap();
    assert!(s.entity("lib").unwrap().is_none());
    assert_eq!(s.entity_count(None).unwrap(), 0);
}

#[test]
fn reanalyze_fills_a_collection_stored_without_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.put_batch(&fixture()).unwrap();
    assert_eq!(s.entity_count(None).unwrap(), 0);
    assert!(s.reanalyze(2, |_| {}).is_err(), "no analyzer set");
    s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(fake_analysis).collect()));
    let mut seen = Vec::new();
    assert_eq!(s.reanalyze(3, |n| seen.push(n)).unwrap(), 4);
    assert_eq!(seen, [3, 4], "progress per batch");
    let e = s.entity("lib").unwrap().unwrap();
    assert_eq!(e.article_count, 1);
    assert_eq!(s.analysis("a3").unwrap().events.len(), 1);
    // Running it again replaces the rows: nothing is counted twice.
    s.reanalyze(10, |_| {}).unwrap();
    assert_eq!(s.entity("lib").unwrap().unwrap().article_count, 1);
    assert_eq!(s.analysis("a3").unwrap().events.len(), 1);
}

/// Mentions as the analysis gives them (surface ids of type and name key), from lines of the
/// body written `name/TYPE`.
fn tagged_analysis(a: &Article) -> mirsad_model::ArticleAnalysis {
    use mirsad_analyze::entities::{entity_id, entity_key};
    use mirsad_model::{EntityMention, EntityType, Quote};
    let mut an = mirsad_model::ArticleAnalysis::default();
    for part in a.body.split('،') {
        let Some((name, kind)) = part.trim().split_once('/') else { continue };
        let kind = EntityType::from_code(kind).expect("type code");
        an.mentions.push(EntityMention { entity: entity_id(kind, &entity_key(name)), kind, text: name.into() });
    }
    if let Some(first) = an.mentions.first() {
        an.quotes.push(Quote {
            article: a.id.clone(),
            speaker: Some(first.entity.clone()),
            speaker_name: Some(first.text.clone()),
            text: "نص".into(),
            direct: true,
        });
    }
    an
}

#[test]
fn entities_resolve_across_the_collection_whatever_the_batches() {
    let mut arts = Vec::new();
    for i in 0..4 {
        let body = format!("دونالد ترامب/PER، واشنطن/LOC، الخبر رقم {i}");
        arts.push(art(&format!("t{i}"), "خبر", &body, "2024-03-01", "صحيفة ألف"));
    }
    arts.push(art("u1", "خبر", "ترامب/LOC، ترامب/LOC، بترامب/LOC", "2024-03-02", "صحيفة باء"));
    arts.push(art("u2", "خبر", "دونالد/PER", "2024-03-03", "صحيفة باء"));
    let ingest = |batches: &[&[Article]]| {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(tagged_analysis).collect()));
        for b in batches {
            s.put_batch(b).unwrap();
            s.resolve_entities().unwrap();
        }
        (dir, s)
    };
    let (_d1, one) = ingest(&[&arts]);
    let (_d2, two) = ingest(&[&arts[..3], &arts[3..]]);
    let list = |s: &Store| s.entities(None, 0, 100).unwrap();
    assert_eq!(list(&one), list(&two), "batch after batch = at once");
    let es = list(&one);
    assert_eq!(es.len(), 2, "{es:?}");
    let trump = es.iter().find(|e| e.name == "دونالد ترامب").expect("one Trump");
    assert_eq!(trump.kind, mirsad_model::EntityType::PER, "the full name's type");
    assert_eq!(trump.article_count, 5, "the surname's article joins, the first name alone does not");
    let rec = one.entity(&trump.id).unwrap().unwrap();
    assert!(rec.entity.variants.contains(&"بترامب".to_string()), "{:?}", rec.entity.variants);
    assert_eq!(rec.quotes.len(), 5);
    assert!(rec.quotes.iter().all(|q| q.speaker.as_deref() == Some(trump.id.as_str())));
    // An article's analysis names the resolved entity; the first name alone is gone.
    let an = one.analysis("u1").unwrap();
    assert!(an.mentions.iter().all(|m| m.entity == trump.id && m.kind == mirsad_model::EntityType::PER));
    assert!(one.analysis("u2").unwrap().mentions.is_empty());
    assert!(one.analysis("u2").unwrap().quotes[0].speaker.is_none());
    // A name search adds the entity's fuller spellings, not the first name it took in.
    let r = one.search(&SearchQuery { text: "ترامب".into(), limit: 10, ..Default::default() }).unwrap();
    assert_eq!(r.spellings, ["دونالد ترامب"]);
    let exact =
        one.search(&SearchQuery { text: "ترامب".into(), limit: 10, exact: true, ..Default::default() }).unwrap();
    assert!(exact.spellings.is_empty());
    assert!(one.name_spellings("النفط").unwrap().is_empty(), "not a name");
    assert!(one.name_spellings("ترامب OR واشنطن").unwrap().is_empty(), "an expression, not a name");
}

/// As [`tagged_analysis`], with one event per article on its day naming all its mentions.
fn tagged_with_events(a: &Article) -> mirsad_model::ArticleAnalysis {
    use mirsad_model::{Event, EventBasis, EventDate};
    let mut an = tagged_analysis(a);
    let day = a.published.as_ref().map(|p| p.value.to_string()).unwrap_or_default();
    let mut entities: Vec<String> = an.mentions.iter().map(|m| m.entity.clone()).collect();
    entities.dedup();
    let sentence = a.body.split('،').next().unwrap_or("").to_string();
    an.events.push(Event {
        article: a.id.clone(),
        date: EventDate { start: day, end: None, basis: EventBasis::Explicit },
        expression: "أمس".into(),
        sentence,
        entities,
    });
    an
}

/// Everything a store answers about its entities and analyses.
fn entity_snapshot(s: &Store, articles: &[&str]) -> String {
    let mut out = String::new();
    let list = s.entities(None, 0, 1000).unwrap();
    out += &serde_json::to_string(&list).unwrap();
    for e in &list {
        out += &serde_json::to_string(&s.entity(&e.id).unwrap()).unwrap();
        out += &serde_json::to_string(&s.name_spellings(&e.name).unwrap()).unwrap();
    }
    for a in articles {
        out += &serde_json::to_string(&s.analysis(a).unwrap()).unwrap();
    }
    out
}

#[test]
fn incremental_resolution_gives_the_entities_of_the_full_recount() {
    let day = |i: usize| format!("2024-03-{:02}", 1 + i % 28);
    let mut arts: Vec<Article> = Vec::new();
    // Each body ends in its own words: the same text twice would be a duplicate, not stored.
    let mut add = |id: String, body: &str, i: usize, outlet: &str| {
        arts.push(art(&id, "خبر", &format!("{body}، الخبر {id}"), &day(i), outlet));
    };
    // 1. A surname alone, typed two ways, with a clitic form; one outlet spells it «ترمب».
    add("b00".into(), "ترامب/PER، واشنطن/LOC، الكونغرس/ORG", 0, "صحيفة ألف");
    add("b01".into(), "ترامب/LOC، بترامب/LOC، واشنطن/LOC", 1, "صحيفة ألف");
    add("b02".into(), "ترمب/PER، واشنطن/LOC، الكونغرس/ORG", 2, "صحيفة باء");
    // 2. The full name arrives and takes the surname in; a first name alone.
    for i in 0..4 {
        add(format!("b1{i}"), "دونالد ترامب/PER، واشنطن/LOC، الكونغرس/ORG", 3 + i, "صحيفة ألف");
    }
    add("b14".into(), "دونالد/PER، باريس/LOC", 7, "صحيفة باء");
    // 3. More of the variant spelling, a first name of many people.
    for i in 0..3 {
        add(format!("b2{i}"), "ترمب/PER، واشنطن/LOC، الكونغرس/ORG، ترمب/PER", 8 + i, "صحيفة باء");
    }
    add("b23".into(), "محمد/PER، محمد بن سلمان/PER، محمد بن زايد/PER، محمد مرسي/PER", 11, "صحيفة جيم");
    let batches: [&[Article]; 3] = [&arts[..3], &arts[3..8], &arts[8..]];
    // 4. Then the full name is rewritten out of its articles, and the variant spelling out of
    // one: the surname and the first name stand alone again and entities shrink.
    let mut changed: Vec<Article> = arts[3..7].to_vec();
    for a in &mut changed {
        a.body = format!("باريس/LOC، الإليزيه/ORG، نص جديد {}", a.id);
    }
    let mut rewritten = arts[8].clone();
    rewritten.body = "واشنطن/LOC، نص جديد".into();
    changed.push(rewritten);
    let ids: Vec<&str> = arts.iter().map(|a| a.id.as_str()).collect();

    let open = || {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(tagged_with_events).collect()));
        (dir, s)
    };
    let (_d1, mut incremental) = open();
    let (_d2, mut full) = open();
    let mut steps: Vec<&[Article]> = batches.to_vec();
    steps.push(&changed);
    let mut snapshots = Vec::new();
    for (n, b) in steps.iter().enumerate() {
        incremental.put_batch(b).unwrap();
        incremental.resolve_entities().unwrap();
        full.put_batch(b).unwrap();
        full.resolve_entities_fully().unwrap();
        let snap = entity_snapshot(&incremental, &ids);
        assert_eq!(snap, entity_snapshot(&full, &ids), "after step {n}");
        snapshots.push(snap);
    }
    // The steps moved surfaces into entities and out again (else the test shows nothing): the
    // surname alone joins the full name once it arrives; once the full name is gone, the first
    // name stands alone and the surname joins its other spelling.
    let names = |snap: &str| -> Vec<String> {
        let list: Vec<mirsad_store::EntitySummary> =
            serde_json::from_str(&snap[..snap.find(']').unwrap() + 1]).unwrap();
        list.into_iter().map(|e| e.name).collect()
    };
    let has = |step: usize, name: &str| names(&snapshots[step]).iter().any(|n| n == name);
    assert!(has(0, "ترامب") && !has(1, "ترامب") && has(1, "دونالد ترامب") && !has(1, "دونالد"));
    assert!(!has(3, "دونالد ترامب") && has(3, "دونالد") && !has(3, "ترامب"));
    let variant = incremental.entities(None, 0, 100).unwrap().into_iter().find(|e| e.name == "ترمب").unwrap();
    assert!(incremental.entity(&variant.id).unwrap().unwrap().entity.variants.contains(&"ترامب".to_string()));
    // Analyzing again (same analyses) changes nothing; nor does resolving again.
    incremental.reanalyze(4, |_| {}).unwrap();
    incremental.resolve_entities().unwrap();
    assert_eq!(entity_snapshot(&incremental, &ids), snapshots[3]);
    // A store given the final articles at once ends with the same entities.
    let (_d3, mut once) = open();
    let mut last: Vec<Article> = arts.clone();
    for c in &changed {
        *last.iter_mut().find(|a| a.id == c.id).unwrap() = c.clone();
    }
    once.put_batch(&last).unwrap();
    once.resolve_entities().unwrap();
    let without_stories = |s: &Store| -> Vec<String> {
        let list = s.entities(None, 0, 1000).unwrap();
        let mut out = vec![serde_json::to_string(&list).unwrap()];
        for e in &list {
            let mut r = s.entity(&e.id).unwrap().unwrap();
            r.stories.clear();
            r.entity.articles.sort();
            out.push(serde_json::to_string(&r.entity).unwrap());
            out.push(serde_json::to_string(&r.variant_counts).unwrap());
        }
        out
    };
    assert_eq!(without_stories(&incremental), without_stories(&once));
}

/// A wire story of four paragraphs (written for this test).
const PLANT: [&str; 4] = [
    "افتتح وزير المياه صباح اليوم محطة جديدة لتحلية مياه البحر على الساحل الشرقي بطاقة تبلغ ستمائة ألف متر مكعب يوميا، في خطوة قال إنها تنهي أزمة الانقطاعات المتكررة في المدن الساحلية خلال الصيف.",
    "وأوضح الوزير في كلمة خلال الحفل أن المحطة أنشئت بتكلفة ثلاثة مليارات ريال، وأنها تعمل بتقنية التناضح العكسي التي تستهلك طاقة أقل بنحو الثلث من المحطات الحرارية القديمة.",
    "وأشار إلى أن المرحلة الأولى ستغذي أربع مدن وعشرات القرى عبر شبكة أنابيب طولها مئتا كيلومتر، على أن تكتمل المرحلة الثانية بنهاية العام المقبل لتصل المياه إلى المناطق الزراعية.",
    "ويأتي افتتاح المحطة ضمن خطة وطنية لرفع إنتاج مياه الشرب بنسبة النصف خلال خمس سنوات، وخفض الاعتماد على المياه الجوفية التي تتعرض لاستنزاف متزايد بسبب التوسع العمراني.",
];

#[test]
fn partial_copies_are_found_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        store.put_batch(&[art("full", "افتتاح محطة تحلية", &PLANT.join("\n\n"), "2024-03-01", "صحيفة ألف")]).unwrap();
    }
    {
        let mut store = Store::open(dir.path()).unwrap();
        let trunc = PLANT[..3].join("\n\n");
        store.put_batch(&[art("trunc", "عاجل | افتتاح محطة تحلية", &trunc, "2024-03-02", "صحيفة باء")]).unwrap();
        assert_eq!(store.get("trunc").unwrap().unwrap().duplicate_of.as_deref(), Some("full"));
    }
    let mut store = Store::open(dir.path()).unwrap();
    // A copy of the truncated repost with a byline, found through its alias entry or the original.
    let again = format!("الدمام - واس\n\n{}", PLANT[..3].join("\n\n"));
    store.put_batch(&[art("again", "محطة تحلية", &again, "2024-03-03", "صحيفة جيم")]).unwrap();
    let a = store.get("again").unwrap().unwrap();
    assert_eq!(a.duplicate_of.as_deref(), Some("full"));
    assert_eq!(a.story, store.get("full").unwrap().unwrap().story);
}

/// Several connections opening one fresh collection at once all succeed: switching the new
/// database to WAL fails at once ("database is locked") for all but one of them unless the
/// open retries.
#[test]
fn many_opens_of_a_fresh_collection_at_once_all_succeed() {
    for _ in 0..5 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (dir, barrier) = (dir.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open(&dir).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
    }
}

#[test]
fn entity_articles_lists_them_all_newest_first_up_to_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(fake_analysis).collect()));
    let mut arts = fixture();
    arts[2].body.push_str(" قرب المكتبة.");
    s.put_batch(&arts).unwrap();
    let all = s.entity_articles("lib", 100).unwrap().unwrap();
    assert_eq!(all, s.entity("lib").unwrap().unwrap().entity.articles, "the same order as the entity record");
    assert_eq!(all.len() as u64, s.entity("lib").unwrap().unwrap().article_count);
    assert_eq!(s.entity_articles("lib", 1).unwrap().unwrap(), all[..1]);
    assert_eq!(s.entity_articles("lib", usize::MAX).unwrap().unwrap(), all, "no limit past i64");
    assert!(s.entity_articles("nobody", 10).unwrap().is_none());
}

#[test]
fn search_ranked_ranks_as_search_does_without_reading_articles() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    s.put_batch(&fixture()).unwrap();
    let q = SearchQuery { text: "المكتبة".into(), limit: 10, ..Default::default() };
    let hits = s.search(&q).unwrap();
    let (total, ranked) = s.search_ranked(&q).unwrap();
    assert_eq!(total, hits.total);
    let ids: Vec<&str> = ranked.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, hits.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>());
    for ((_, score), h) in ranked.iter().zip(&hits.hits) {
        assert_eq!(*score, h.score);
    }
    let (total, page) = s.search_ranked(&SearchQuery { offset: 1, limit: 1, ..q.clone() }).unwrap();
    assert_eq!((total, page.len()), (hits.total, 1));
    assert_eq!(page[0].0, ids[1]);
    // The filters and the parser's checks are those of search.
    let (_, dated) = s.search_ranked(&SearchQuery { from: Some("2024-03-05".into()), ..q.clone() }).unwrap();
    assert!(dated.len() < ranked.len());
    assert!(s.search_ranked(&SearchQuery::default()).is_err(), "nothing to search for");
}

/// Two entities per article from words of its body: «المكتبة» (lib) and «المدينة» / «المدن» (city).
fn two_entities(a: &Article) -> mirsad_model::ArticleAnalysis {
    use mirsad_model::{EntityMention, EntityType};
    let mut an = mirsad_model::ArticleAnalysis::default();
    for (word, id, kind) in
        [("المكتبة", "lib", EntityType::ORG), ("المدينة", "city", EntityType::LOC), ("المدن", "city", EntityType::LOC)]
    {
        if a.body.contains(word) {
            an.mentions.push(EntityMention { entity: id.into(), kind, text: word.into() });
        }
    }
    an
}

#[test]
fn chart_series_count_days_and_shared_articles() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path()).unwrap();
    assert!(s.daily_volume(90).unwrap().is_empty(), "no dated article, no series");
    s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(two_entities).collect()));
    let mut arts = fixture();
    arts[1].body.push_str(" ونقلت المكتبة كتبها.");
    arts[3].body.push_str(" وقالت المكتبة إنها مستعدة.");
    // An old article outside a 10-day window, and a date far in the future, taken for an error.
    arts.push(art("a5", "قديم", "نص قديم", "2023-01-01", "صحيفة ألف"));
    arts.push(art("a6", "مستقبل", "نص بتاريخ خاطئ", "2999-01-01", "صحيفة ألف"));
    s.put_batch(&arts).unwrap();

    let v = s.daily_volume(12).unwrap();
    assert_eq!(v.len(), 12, "one entry per day, empty days as 0");
    assert_eq!(v[0].0.to_string(), "2024-03-01");
    assert_eq!(v[11].0.to_string(), "2024-03-12", "ends at the newest plausible article");
    let total: u64 = v.iter().map(|d| d.1).sum();
    assert_eq!(total, 4);
    assert_eq!(v[4].1, 1, "2024-03-05");
    assert_eq!(v[1].1, 0);

    assert_eq!(
        s.entity_days("lib").unwrap(),
        [("2024-03-01".to_string(), 1), ("2024-03-05".to_string(), 1), ("2024-03-12".to_string(), 1)]
    );
    let near = s.entity_neighbours("lib", 100, 10).unwrap();
    assert_eq!(near.len(), 1, "itself is not its neighbour");
    assert_eq!((near[0].0.id.as_str(), near[0].1), ("city", 2), "a2 and a4 mention both");
    // The scan is over the newest articles only: a4 (the newest) alone shares one.
    assert_eq!(s.entity_neighbours("lib", 1, 10).unwrap()[0].1, 1);
    assert!(s.entity_neighbours("nobody", 100, 10).unwrap().is_empty());
}

/// Hits of equal score (or equal time) come in one fixed order, whatever order and batches
/// the articles were stored in: two stores of the same articles (a replica and its source,
/// two replicas synced at different moments) answer the same pages, and pages do not overlap.
#[test]
fn equal_scores_come_in_the_same_order_in_any_store() {
    let arts: Vec<Article> = (0..24)
        .map(|i| {
            let id = format!("t{:02}", (i * 7) % 24);
            art(
                &id,
                &format!("نشرة {}", 100 + i),
                &format!("وصلت السفينة {} إلى الميناء", 1000 + i),
                "2024-05-01",
                "صحيفة",
            )
        })
        .collect();
    let one = tempfile::tempdir().unwrap();
    let mut a = Store::open(one.path()).unwrap();
    a.put_batch(&arts).unwrap();
    let other = tempfile::tempdir().unwrap();
    let mut b = Store::open(other.path()).unwrap();
    let mut reversed = arts.clone();
    reversed.reverse();
    for chunk in reversed.chunks(5) {
        b.put_batch(chunk).unwrap();
    }
    let page = |s: &Store, sort: mirsad_store::SearchSort, offset: usize| -> Vec<(String, f32)> {
        let q = SearchQuery { text: "الميناء".into(), limit: 5, offset, sort, ..Default::default() };
        s.search(&q).unwrap().hits.into_iter().map(|h| (h.id, h.score)).collect()
    };
    for sort in [mirsad_store::SearchSort::Relevance, mirsad_store::SearchSort::Newest] {
        let mut whole = Vec::new();
        for offset in [0, 5, 10, 15, 20] {
            let (x, y) = (page(&a, sort, offset), page(&b, sort, offset));
            assert_eq!(x, y, "{sort:?} from {offset}");
            whole.extend(x);
        }
        let mut ids: Vec<&String> = whole.iter().map(|(id, _)| id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 24, "{sort:?}: {whole:?}");
        // Ties there are: most hits share their score with another.
        let tied = whole.iter().filter(|(id, s)| whole.iter().any(|(o, t)| o != id && t == s)).count();
        assert!(tied >= 12, "{sort:?}: {whole:?}");
    }
}
