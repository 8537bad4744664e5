use super::*;
use mirsad_model::{Basis, Precision, Published};

fn art(id: &str, day: &str, outlet: &str, title: &str, body: &str) -> Article {
    Article {
        title: Some(title.into()),
        published: Some(Published { value: day.parse().unwrap(), precision: Precision::Day, basis: Basis::Explicit }),
        outlet: Some(outlet.into()),
        ..Article::new(id, format!("{id}.txt"), body)
    }
}

const KREMLIN: &str = "أعلن الكرملين اليوم أن الرئيس الروسي فلاديمير بوتين سيستقبل رئيس كوريا الشمالية كيم جونغ أون في موسكو الأسبوع المقبل لبحث التعاون العسكري والاقتصادي بين البلدين، وقال المتحدث باسم الكرملين دميتري بيسكوف إن الزيارة ستشمل محادثات رسمية ومأدبة عشاء.";
const KREMLIN2: &str = "قال المتحدث باسم الكرملين دميتري بيسكوف إن زعيم كوريا الشمالية كيم جونج أون سيزور موسكو الأسبوع المقبل بدعوة من الرئيس بوتين، وأضاف أن المحادثات ستتناول التعاون العسكري والاقتصادي بين موسكو وبيونغ يانغ وأن الزيارة تتضمن مأدبة عشاء رسمية.";
const RAIN: &str = "هطلت أمطار غزيرة على مدينة جدة صباح اليوم وأعلنت إدارة التعليم تعليق الدراسة في المدارس، فيما دعا الدفاع المدني السكان إلى البقاء في منازلهم وتجنب الأودية والسيول حتى تنتهي موجة الأمطار المتوقعة خلال اليومين المقبلين.";
const OIL: &str = "ارتفعت أسعار النفط في الأسواق العالمية اليوم بعد أن قررت منظمة أوبك خفض الإنتاج، وصعد خام برنت إلى أعلى مستوى له منذ أشهر، فيما توقع محللون أن تستمر الأسعار في الارتفاع مع تراجع المخزونات الأمريكية.";

fn run(arts: &mut [Article]) -> Clusterer {
    let mut c = Clusterer::new();
    for a in arts.iter() {
        c.observe(a);
    }
    for a in arts.iter_mut() {
        c.assign(a);
    }
    c
}

#[test]
fn copies_point_at_the_earliest_and_share_its_story() {
    let mut arts = vec![
        art("b", "2023-09-11", "وكالة ب", "الكرملين: كيم يزور موسكو", &format!("{KREMLIN} ")),
        art("a", "2023-09-10", "وكالة أ", "كيم جونغ أون إلى موسكو", KREMLIN),
        art("c", "2023-09-12", "وكالة ج", "زيارة مرتقبة", &format!("{KREMLIN} المصدر: وكالة ج")),
    ];
    let mut c = run(&mut arts);
    // b came first, a is earlier: a becomes the original, b is relabelled.
    assert_eq!(arts[1].duplicate_of, None);
    assert_eq!(arts[2].duplicate_of.as_deref(), Some("a"));
    let ch = c.take_changes();
    assert_eq!(ch.relabels, vec![("b".to_string(), "a".to_string(), arts[0].story.clone())]);
    assert!(arts.iter().all(|a| a.story == arts[0].story));
    assert_eq!(ch.groups.len(), 1);
    assert_eq!(ch.groups[0].original, "a");
}

#[test]
fn same_event_from_two_outlets_is_one_story_other_events_are_not() {
    let mut arts = vec![
        art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN),
        art("r1", "2023-09-10", "أ", "أمطار غزيرة على جدة وتعليق الدراسة", RAIN),
        art("k2", "2023-09-10", "ب", "بيسكوف: كيم جونج أون يزور موسكو الأسبوع المقبل", KREMLIN2),
        art("o1", "2023-09-11", "ب", "النفط يرتفع بعد قرار أوبك", OIL),
    ];
    let c = run(&mut arts);
    assert_eq!(arts[0].story, arts[2].story, "same Kremlin announcement");
    assert_ne!(arts[0].story, arts[1].story);
    assert_ne!(arts[0].story, arts[3].story);
    assert_ne!(arts[1].story, arts[3].story);
    assert_eq!(arts[2].duplicate_of, None, "a rewrite, not a copy");
    let s = c.story(arts[0].story.as_deref().unwrap()).unwrap();
    assert_eq!(s.size, 2);
    assert_eq!(s.outlets, vec!["أ".to_string(), "ب".to_string()]);
    let keywords = story_record(&s, &[&arts[0], &arts[2]]).keywords;
    assert!(keywords.iter().any(|k| k.contains("كرملين")), "{keywords:?}");
}

#[test]
fn an_old_story_does_not_absorb_a_later_article_with_the_same_names() {
    let mut arts = vec![
        art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN),
        art("k2", "2023-11-20", "ب", "بيسكوف: كيم جونج أون يزور موسكو الأسبوع المقبل", KREMLIN2),
    ];
    run(&mut arts);
    assert_ne!(arts[0].story, arts[1].story);
}

#[test]
fn restored_state_assigns_like_the_original() {
    let mut first = vec![
        art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN),
        art("r1", "2023-09-10", "أ", "أمطار غزيرة على جدة وتعليق الدراسة", RAIN),
    ];
    let mut c = run(&mut first);
    let ch = c.take_changes();
    let mut restored = Clusterer::restore(ch.docs, ch.terms, ch.groups, ch.stories).unwrap();
    let mut later = vec![
        art("k2", "2023-09-11", "ب", "بيسكوف: كيم جونج أون يزور موسكو الأسبوع المقبل", KREMLIN2),
        art("r2", "2023-09-11", "ج", "تعليق الدراسة في جدة", &format!("{RAIN} ")),
    ];
    for a in &later {
        restored.observe(a);
    }
    for a in later.iter_mut() {
        restored.assign(a);
    }
    assert_eq!(later[0].story, first[0].story);
    assert_eq!(later[1].story, first[1].story);
    assert_eq!(later[1].duplicate_of.as_deref(), Some("r1"));
}

#[test]
fn damaged_state_is_a_typed_error() {
    let mut first = vec![
        art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN),
        art("r1", "2023-09-10", "أ", "أمطار غزيرة على جدة وتعليق الدراسة", RAIN),
    ];
    let ch = run(&mut first).take_changes();
    assert_eq!(ch.groups.len(), 2);
    let restore = |groups: Vec<Group>, stories: Vec<StoryState>| {
        Clusterer::restore(ch.docs, ch.terms.clone(), groups, stories).err().expect("damaged state")
    };
    let e = restore(ch.groups[1..].to_vec(), ch.stories.clone());
    assert!(matches!(e, RestoreError::GroupOrder { index: 1, expected: 0 }), "{e}");
    let mut unsigned = ch.groups.clone();
    unsigned[1].signature = None;
    let e = restore(unsigned, ch.stories.clone());
    assert!(matches!(e, RestoreError::NoSignature { index: 1 }), "{e}");
    assert_eq!(e.to_string(), "dedup group 1 has no signature");
    let mut wide = ch.stories.clone();
    wide[0].first_day = i32::MIN;
    let e = restore(ch.groups.clone(), wide);
    assert!(matches!(&e, RestoreError::StorySpan { id, .. } if *id == ch.stories[0].id), "{e}");
}

#[test]
fn merge_keeps_the_heaviest_terms() {
    let a: Vector = (0..50).map(|i| (i * 2, 1.0)).collect();
    let b: Vector = (0..50).map(|i| (i * 2 + 1, 0.5)).chain([(0, 5.0)]).collect::<Vec<_>>();
    let mut b = b;
    b.sort_by_key(|x| x.0);
    let m = merge(&a, &b);
    assert_eq!(m.len(), CENTROID_TERMS);
    assert!(m.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(m[0], (0, 6.0));
}

#[test]
fn prepared_text_work_matches_the_plain_path() {
    let a = art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN);
    let p = prepare(&a);
    assert_eq!(p.signature, text_signature(&a.body));
    let mut words = p.words.clone();
    let mut plain = terms::word_counts(&a);
    words.sort_by(|x, y| x.0.cmp(&y.0));
    plain.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(words, plain);
    assert_eq!(p.signature.unwrap(), minhash::signature(&minhash::shingles(&a.body)));
}

#[test]
fn prepare_matches_the_separate_shingle_and_word_count_functions() {
    let bodies = [
        "أعلنت الحكومة اليوم عن خطة جديدة للطاقة الشمسية في المدن الكبرى، وقال الوزير إن الخطة تبدأ العام المقبل.",
        "قال الوزير إن خطة الطاقة الشمسية تبدأ في العام المقبل 2025 وتشمل المدن الكبرى والقرى.",
        "Reuters: the plan starts next year — قال الوزير، والوزيرة أيضاً: «الخطة جاهزة».",
    ];
    for (i, body) in bodies.iter().enumerate() {
        let a = art(&format!("a{i}"), "2024-05-01", "x", "خطة الطاقة", body);
        let p = prepare(&a);
        let sh = minhash::shingles(&a.body);
        assert_eq!(p.signature, (!sh.is_empty()).then(|| minhash::signature(&sh)));
        assert_eq!(p.words, terms::word_counts(&a));
        assert!(!p.words.is_empty());
    }
}

#[test]
fn dense_dot_is_the_sorted_merge_dot_to_the_bit() {
    let a: Vector = vec![(1, 0.31), (4, 0.2), (9, 0.77), (12, 0.05)];
    let b: Vector = vec![(0, 0.4), (4, 0.13), (9, 0.61), (11, 0.9), (40, 0.2)];
    let mut dense = vec![0.0; 13];
    for &(t, w) in &a {
        dense[t as usize] = w;
    }
    assert_eq!(dense_dot(&dense, &b).to_bits(), dot(&a, &b).to_bits());
    assert!(dot(&a, &b) > 0.0);
}

#[test]
fn two_stories_of_one_event_merge_and_the_change_names_both() {
    // Two first reports of the Kremlin announcement, each started as its own story (as when
    // their words shared too little), then an article that fits both shows them to be one.
    let mut arts = vec![
        art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN),
        art("k2", "2023-09-10", "ب", "بيسكوف: كيم جونج أون يزور موسكو الأسبوع المقبل", KREMLIN2),
        art("r1", "2023-09-10", "ج", "أمطار غزيرة على جدة وتعليق الدراسة", RAIN),
        art(
            "k3",
            "2023-09-10",
            "د",
            "كيم جونغ أون في موسكو الأسبوع المقبل",
            &format!("{} {}", KREMLIN.split('،').next().unwrap(), KREMLIN2.split('،').nth(1).unwrap()),
        ),
    ];
    let mut c = Clusterer::new();
    for a in &arts {
        c.observe(a);
    }
    let vs: Vec<Vector> = arts.iter().map(|a| c.terms.vector(a)).collect();
    let day = day_of(arts[0].published.as_ref()).unwrap();
    let s1 = c.start(&arts[0], &vs[0], day);
    let s2 = c.start(&arts[1], &vs[1], day);
    let s3 = c.start(&arts[2], &vs[2], day);
    assert_eq!(c.story_count(), 3);
    c.take_changes();
    c.observe(&arts[3]);
    c.assign(&mut arts[3]);
    let ch = c.take_changes();
    assert_eq!(c.stories().len(), 2, "{:?}", ch.merges);
    assert_eq!(ch.merges.len(), 1);
    let (from, into) = &ch.merges[0];
    assert_eq!(arts[3].story.as_ref(), Some(into), "the article names the live story");
    assert_eq!(c.live(s1), c.live(s2));
    assert_eq!(c.live(s3), s3, "the rain is another event");
    let merged = c.story(from).unwrap();
    assert_eq!(&merged.id, into);
    assert_eq!(merged.size, 3);
    assert!(merged.outlets.iter().all(|o| ["أ", "ب", "د"].contains(&o.as_str())) && merged.outlets.len() == 3);
    // The saved changes never resurrect the merged story.
    assert!(ch.stories.iter().all(|s| &s.id != from));
}

#[test]
fn the_bar_rises_with_days_since_the_story_began() {
    // The same retelling joins on the story's day and the next, not a week later, although the
    // window (seven days from the story's last day) would still take it.
    let day0 = art("k1", "2023-09-10", "أ", "الكرملين يعلن زيارة كيم جونغ أون إلى موسكو", KREMLIN);
    let next = art("k2", "2023-09-11", "ب", "بيسكوف: كيم جونج أون يزور موسكو الأسبوع المقبل", KREMLIN2);
    // Half the retelling (not a copy: copies join their original whatever the date).
    let half: String = KREMLIN2.split('،').next().unwrap().to_string();
    let late = art("k3", "2023-09-17", "ب", "بيسكوف: كيم جونج أون يزور موسكو الأسبوع المقبل", &half);
    let mut c = Clusterer::new();
    let mut arts = vec![day0, next, late];
    for a in &arts {
        c.observe(a);
    }
    let sim = c.similarity(&arts[0], &arts[1]);
    for a in arts.iter_mut() {
        c.assign(a);
    }
    assert_eq!(arts[0].story, arts[1].story, "similarity {sim} on the next day");
    assert_ne!(arts[0].story, arts[2].story, "seven days on");
}

#[test]
fn record_keywords_are_words_of_the_text_and_the_title_is_an_early_article() {
    // «سوريا» and «سور» (a wall) share the light stem; the story's articles say «سوريا».
    let body = "أعلنت الحكومة في سوريا اليوم خطة لإعادة بناء سور المدينة القديمة، وقال وزير الثقافة في سوريا إن الخطة تشمل ترميم الأسواق في سوريا وتمويلا من الحكومة لإعادة الإعمار في سوريا.";
    let later = format!("{body} وتابع الوزير أن الحكومة ستعلن تفاصيل الخطة لاحقا.");
    let mut arts = vec![
        art("a1", "2023-09-10", "أ", "سوريا تعلن خطة لترميم المدينة القديمة", body),
        art("a2", "2023-09-13", "ب", "تحليل: ما وراء خطة سوريا لإعادة الإعمار", &later),
    ];
    let stories = cluster_all(&mut arts);
    let s = stories.iter().find(|s| s.articles.len() == 2).expect("one story");
    assert!(s.keywords.contains(&"سوريا".to_string()), "{:?}", s.keywords);
    assert!(!s.keywords.contains(&"سور".to_string()), "{:?}", s.keywords);
    // The analysis three days on joins (it retells the first report) but does not name the story.
    assert_eq!(s.title, "سوريا تعلن خطة لترميم المدينة القديمة");
}

#[test]
fn copies_that_credit_one_agency_are_its_siblings() {
    let mut arts = vec![
        art("a", "2023-09-10", "سكاي", "الكرملين: كيم يزور موسكو", KREMLIN),
        art("b", "2023-09-10", "العربية", "كيم جونغ أون إلى موسكو", &format!("{KREMLIN} ")),
        art("c", "2023-09-11", "موقع", "زيارة مرتقبة", &format!("{KREMLIN}  ")),
    ];
    arts[0].attribution = vec!["رويترز".into()];
    arts[1].attribution = vec!["رويترز".into()];
    let stories = cluster_all(&mut arts[..2]);
    let g = &stories[0].copies[0];
    assert_eq!(g.agency.as_deref(), Some("رويترز"));
    // One member without the credit: a copy like any other.
    let stories = cluster_all(&mut arts);
    assert_eq!(stories[0].copies[0].agency, None);
}

/// A wire story of five paragraphs (written for these tests).
const WIRE: [&str; 5] = [
    "افتتح وزير المياه والكهرباء صباح اليوم محطة جديدة لتحلية مياه البحر على الساحل الشرقي بطاقة إنتاجية تبلغ ستمائة ألف متر مكعب يوميا، في خطوة قال إنها تنهي أزمة الانقطاعات المتكررة التي عانت منها المدن الساحلية خلال فصول الصيف الماضية.",
    "وأوضح الوزير في كلمة خلال حفل الافتتاح أن المحطة أنشئت بتكلفة بلغت ثلاثة مليارات ريال، وأنها تعمل بتقنية التناضح العكسي التي تستهلك طاقة أقل بنحو الثلث مقارنة بالمحطات الحرارية القديمة، كما تعتمد جزئيا على ألواح شمسية أقيمت بجوارها.",
    "وأشار إلى أن المرحلة الأولى من المشروع ستغذي أربع مدن وعشرات القرى عبر شبكة أنابيب يبلغ طولها أكثر من مئتي كيلومتر، على أن تكتمل المرحلة الثانية بنهاية العام المقبل لتصل المياه إلى المناطق الزراعية في الداخل.",
    "من جهته قال رئيس مجلس إدارة الشركة المنفذة إن أعمال البناء استغرقت ثلاثين شهرا وشارك فيها أكثر من أربعة آلاف عامل ومهندس، مضيفا أن نسبة المكون المحلي في المعدات والخدمات تجاوزت أربعين في المئة للمرة الأولى في مشروع بهذا الحجم.",
    "ويأتي افتتاح المحطة ضمن خطة وطنية تهدف إلى رفع الطاقة الإنتاجية لمياه الشرب بنسبة النصف خلال خمس سنوات، وخفض الاعتماد على المياه الجوفية التي تتعرض لاستنزاف متزايد بسبب التوسع العمراني والزراعي في المنطقة.",
];

fn wire_text(paras: &[usize]) -> String {
    paras.iter().map(|&i| WIRE[i]).collect::<Vec<_>>().join("\n")
}

/// The five kinds of partial copy of the issue, each published a day after the original by
/// another outlet, each pointing at it.
#[test]
fn partial_copies_point_at_the_original() {
    let full = wire_text(&[0, 1, 2, 3, 4]);
    let words: Vec<&str> = full.split_whitespace().collect();
    let truncated = words[..words.len() * 6 / 10].join(" ");
    let byline = format!("الرياض - وكالة الأنباء\n{full}\nتابعونا على تويتر وفيسبوك لمتابعة آخر الأخبار");
    let combined = format!("الدمام - خاص\n{}\nتابعونا على تويتر", wire_text(&[0, 1, 3]));
    let copies = [
        ("trunc", "افتتاح محطة تحلية جديدة", truncated),
        ("drop", "افتتاح محطة تحلية جديدة", wire_text(&[0, 1, 3, 4])),
        ("byline", "افتتاح محطة تحلية جديدة", byline),
        ("urgent", "عاجل | افتتاح محطة تحلية جديدة", full.clone()),
        ("combined", "عاجل | افتتاح محطة تحلية", combined),
    ];
    for (id, title, body) in copies {
        let mut arts = vec![
            art("orig", "2024-03-01", "أ", "افتتاح محطة تحلية جديدة على الساحل الشرقي", &full),
            art(id, "2024-03-02", "ب", title, &body),
            art("rain", "2024-03-02", "ج", "أمطار غزيرة على جدة", RAIN),
        ];
        let sk = text_sketch(&body).unwrap();
        let orig = text_sketch(&full).unwrap();
        let j = orig.0.similarity(&sk.0);
        run(&mut arts);
        assert_eq!(arts[1].duplicate_of.as_deref(), Some("orig"), "{id}: jaccard {j} shingles {} of {}", sk.1, orig.1);
        assert_eq!(arts[1].story, arts[0].story, "{id}");
        assert_eq!(arts[2].duplicate_of, None);
    }
    // Without the rule, the truncated repost is not found: resemblance alone misses it.
    let mut arts = vec![
        art("orig", "2024-03-01", "أ", "افتتاح محطة", &full),
        art("trunc", "2024-03-02", "ب", "افتتاح محطة", &words[..words.len() * 6 / 10].join(" ")),
    ];
    let mut c = Clusterer::new();
    c.set_partial_copies(false);
    for a in &arts {
        c.observe(a);
    }
    for a in arts.iter_mut() {
        c.assign(a);
    }
    assert_eq!(arts[1].duplicate_of, None);
}

/// An earlier-published copy that arrives after its later copy still becomes the original,
/// and the truncated text is relabelled to point at it; the other way round (a short text
/// first, a long one holding it later) nothing is a copy.
#[test]
fn the_earlier_text_is_the_original_whatever_the_order_of_arrival() {
    let full = wire_text(&[0, 1, 2, 3, 4]);
    let short = wire_text(&[0, 1, 2]);
    let mut arts = vec![
        art("short", "2024-03-02", "ب", "محطة تحلية", &short),
        art("full", "2024-03-01", "أ", "محطة تحلية", &full),
    ];
    let mut c = run(&mut arts);
    assert_eq!(arts[1].duplicate_of, None);
    let ch = c.take_changes();
    assert_eq!(ch.relabels, vec![("short".to_string(), "full".to_string(), arts[0].story.clone())]);
    // A short report first, a fuller one later: the later adds two paragraphs (40 % new text).
    let mut arts = vec![
        art("short", "2024-03-01", "ب", "محطة تحلية", &short),
        art("full", "2024-03-02", "أ", "محطة تحلية", &full),
    ];
    let mut c = run(&mut arts);
    assert_eq!(arts[1].duplicate_of, None);
    assert!(c.take_changes().relabels.is_empty());
}

/// An analysis that quotes one paragraph of the wire story is not a copy of it, nor is the
/// wire paragraph alone a copy of the analysis (it keeps too little of it).
#[test]
fn an_analysis_quoting_a_paragraph_is_not_a_copy() {
    let analysis = format!(
        "يرى خبراء في قطاع المياه أن التوسع في محطات التحلية لا يكفي وحده لمواجهة العجز المائي المتفاقم، إذ تبقى كلفة التشغيل مرتفعة وتبقى المحطات عرضة للأعطال وللتلوث البحري في مياه الخليج.\n{}\nويقول أستاذ الهندسة البيئية في إحدى الجامعات إن الأهم هو إصلاح شبكات التوزيع التي يضيع فيها ما يقارب ربع المياه المنتجة قبل أن تصل إلى المنازل، وإن تسعير المياه بشكل يعكس كلفتها الحقيقية سيشجع على الترشيد.\nويضيف أن تجارب دول أخرى في المنطقة أظهرت أن الاستثمار في إعادة تدوير مياه الصرف الصحي للري أقل كلفة بكثير من التحلية، وأن الجمع بين الحلول هو الطريق الوحيد لضمان الأمن المائي على المدى البعيد.",
        WIRE[1]
    );
    let mut arts = vec![
        art("wire", "2024-03-01", "أ", "افتتاح محطة تحلية", &wire_text(&[0, 1, 2, 3, 4])),
        art("analysis", "2024-03-03", "ب", "هل تكفي التحلية؟", &analysis),
    ];
    run(&mut arts);
    assert_eq!(arts[1].duplicate_of, None);
    // The quoted paragraph alone after the analysis: inside it, but keeps a fifth of it.
    let mut arts = vec![
        art("analysis", "2024-03-01", "ب", "هل تكفي التحلية؟", &analysis),
        art("para", "2024-03-02", "أ", "محطة التحلية", &format!("{} {}", WIRE[1], WIRE[1])),
    ];
    run(&mut arts);
    assert_eq!(arts[1].duplicate_of, None);
}

#[test]
fn partial_copy_rule_by_hand() {
    // 100 shingles inside 160: J = 100 / 160.
    assert!(partial_copy(100.0 / 160.0, 100, 160));
    // The long one is not a copy of the short one.
    assert!(!partial_copy(100.0 / 160.0, 160, 100));
    // Keeps a third of the original.
    assert!(!partial_copy(100.0 / 300.0, 100, 300));
    // Too short to judge, or size unknown (saved by an older version).
    assert!(!partial_copy(30.0 / 60.0, 30, 60));
    assert!(!partial_copy(0.6, 100, 0));
}

/// Group sizes are saved and restored: a restored clusterer finds the same partial copies.
#[test]
fn restored_state_finds_partial_copies() {
    let full = wire_text(&[0, 1, 2, 3, 4]);
    let mut first = vec![
        art("orig", "2024-03-01", "أ", "افتتاح محطة تحلية", &full),
        art("r1", "2024-03-01", "أ", "أمطار غزيرة على جدة وتعليق الدراسة", RAIN),
    ];
    let mut c = run(&mut first);
    let ch = c.take_changes();
    assert!(ch.groups.iter().all(|g| g.shingles > 0));
    let mut restored = Clusterer::restore(ch.docs, ch.terms, ch.groups.clone(), ch.stories).unwrap();
    let mut later = vec![
        art("drop", "2024-03-02", "ب", "افتتاح محطة تحلية", &wire_text(&[0, 1, 3, 4])),
        art("trunc", "2024-03-02", "ج", "افتتاح محطة تحلية", &wire_text(&[0, 1, 2])),
    ];
    for a in &later {
        restored.observe(a);
    }
    for a in later.iter_mut() {
        restored.assign(a);
    }
    assert_eq!(later[0].duplicate_of.as_deref(), Some("orig"));
    assert_eq!(later[1].duplicate_of.as_deref(), Some("orig"));
    assert_eq!(later[0].story, first[0].story);
    // A group saved without its size (an older version) is judged by resemblance alone.
    let mut old: Vec<Group> = ch.groups;
    for g in &mut old {
        g.shingles = 0;
    }
    let mut restored = Clusterer::restore(0, Vec::new(), old, Vec::new()).unwrap();
    let mut a = art("trunc", "2024-03-02", "ج", "افتتاح محطة تحلية", &wire_text(&[0, 1, 2]));
    restored.observe(&a);
    restored.assign(&mut a);
    assert_eq!(a.duplicate_of, None);
}

/// A partial copy's text is an alias entry of its group: saved, restored, and a damaged alias
/// is a typed error.
#[test]
fn partial_copies_are_alias_entries_of_their_group() {
    let mut arts = vec![
        art("orig", "2024-03-01", "أ", "افتتاح محطة تحلية", &wire_text(&[0, 1, 2, 3, 4])),
        art("trunc", "2024-03-02", "ب", "افتتاح محطة تحلية", &wire_text(&[0, 1, 2])),
        // A copy of the truncated repost: near-identical to it, found through its entry.
        art("again", "2024-03-03", "ج", "افتتاح محطة تحلية", &format!("{} ", wire_text(&[0, 1, 2]))),
    ];
    let mut c = run(&mut arts);
    assert_eq!(arts[1].duplicate_of.as_deref(), Some("orig"));
    assert_eq!(arts[2].duplicate_of.as_deref(), Some("orig"));
    assert_eq!(c.groups(), 2, "the original and the truncated text; the exact copy adds nothing");
    let ch = c.take_changes();
    assert_eq!(ch.groups.iter().map(|g| g.alias_of).collect::<Vec<_>>(), vec![None, Some(0)]);
    assert!(ch.groups.iter().all(|g| g.original == "orig"));
    let mut restored = Clusterer::restore(ch.docs, ch.terms.clone(), ch.groups.clone(), ch.stories.clone()).unwrap();
    let mut d = art("d", "2024-03-04", "د", "محطة", &format!("{}  ", wire_text(&[0, 1, 2])));
    restored.observe(&d);
    restored.assign(&mut d);
    assert_eq!(d.duplicate_of.as_deref(), Some("orig"));
    let mut bad = ch.groups.clone();
    bad[1].alias_of = Some(1);
    let e = Clusterer::restore(ch.docs, ch.terms, bad, ch.stories).err().expect("damaged alias");
    assert!(matches!(e, RestoreError::Alias { index: 1, of: 1 }), "{e}");
}
