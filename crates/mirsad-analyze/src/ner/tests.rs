use super::corpus::{aqmar_type, parse_anercorp, parse_conll, parse_wikifane, split_at_share, CorpusError};
use super::*;

fn sent(words: &str, tags: &str) -> Sentence {
    let tokens: Vec<String> = words.split(' ').map(String::from).collect();
    let tags: Vec<Tag> = tags.split(' ').map(|t| Tag::parse(t).unwrap()).collect();
    assert_eq!(tokens.len(), tags.len());
    Sentence { tokens, tags }
}

fn fixture() -> Vec<Sentence> {
    vec![
        sent("وصل الوزير سامر خليل إلى عمان أمس", "O O B-PER I-PER O B-LOC O"),
        sent("قال الرئيس نادر حداد في بيروت إن الوضع هادئ", "O O B-PER I-PER O B-LOC O O O"),
        sent("أعلنت شركة النور للطاقة في دمشق عن مشروع جديد", "O B-ORG I-ORG I-ORG O B-LOC O O O"),
        sent("التقى الوزير كريم سالم بنظيره في القاهرة", "O O B-PER I-PER O O B-LOC"),
        sent("قال المتحدث رامي يوسف إن عمان ترحب بالاتفاق", "O O B-PER I-PER O B-LOC O O"),
    ]
}

#[test]
fn trains_on_a_tiny_fixture_and_tags_a_similar_sentence() {
    let mut t = Trainer::new(16, &[]);
    for _ in 0..10 {
        t.epoch(&fixture());
    }
    let tagger = t.averaged();
    let tags = tagger.tag(&["قال", "الوزير", "سامر", "حداد", "في", "القاهرة"]);
    assert_eq!(
        tags,
        vec![Tag::O, Tag::O, Tag::B(EntityType::PER), Tag::I(EntityType::PER), Tag::O, Tag::B(EntityType::LOC)]
    );
    // The model survives a write and a read.
    let again = Tagger::from_bytes(&tagger.to_bytes()).unwrap();
    assert_eq!(again.tag(&["قال", "الوزير", "سامر", "حداد", "في", "القاهرة"]), tags);
}

#[test]
fn features_are_deterministic() {
    let gaz: Gazetteer = [(gazetteer_hash("القاهره"), 2u8)].into_iter().collect();
    let words = ["وقال", "الرئيس", "أحمد", "في", "القاهرة", "2024"];
    let a = prepare(&words, &gaz);
    let b = prepare(&words, &gaz);
    assert_eq!(a.feats, b.feats);
    assert_eq!(a.keys, vec!["وقال", "الرييس", "احمد", "في", "القاهره", "2024"]);
    // The gazetteer hit is a feature of «القاهرة» only.
    let gz = f1(K::Gz1, 1);
    assert!(a.feats(4).contains(&gz));
    assert!(!a.feats(2).contains(&gz));
    // Different spellings of the same word give the same features.
    let c = prepare(&["وقال", "الرئيس", "احمد", "في", "القاهره", "٢٠٢٤"], &gaz);
    assert_eq!(a.feats, c.feats);
}

#[test]
fn spans_follow_conll() {
    use EntityType::*;
    let tags = [Tag::B(PER), Tag::I(PER), Tag::O, Tag::I(LOC), Tag::B(LOC), Tag::B(LOC), Tag::I(ORG)];
    assert_eq!(spans(&tags), vec![(0, 2, PER), (3, 4, LOC), (4, 5, LOC), (5, 6, LOC), (6, 7, ORG)]);
}

#[test]
fn reads_anercorp_lines_and_splits_at_a_sentence_end() {
    let text = "عاد B-PERS\nإلى O\nبغداد B-LOC\n. Oثم O\nسافر O\n. O\nوصل O\n. O\n";
    let s = parse_anercorp(text);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].tokens, vec!["عاد", "إلى", "بغداد", "."]);
    assert_eq!(s[0].tags[0], Tag::B(EntityType::PER));
    assert_eq!(s[1].tokens, vec!["ثم", "سافر", "."]);
    assert_eq!(split_at_share(&s, 5, 6), 2);
}

#[test]
fn embedded_model_finds_a_person_and_a_place() {
    let tagger = Tagger::load().expect("the embedded model loads");
    let text = "قال الرئيس الروسي فلاديمير بوتين في موسكو إن المحادثات ستستمر.";
    let found = tagger.entities(text);
    let per = found.iter().find(|m| m.kind == EntityType::PER).expect("a person");
    assert!(per.text.contains("بوتين"), "{found:?}");
    assert_eq!(&text[per.start..per.end], per.text);
    assert!(found.iter().any(|m| m.kind == EntityType::LOC && m.text == "موسكو"), "{found:?}");
}

#[test]
fn clusters_put_words_with_the_same_neighbours_together_and_survive_the_model_file() {
    let mut sents: Vec<Vec<String>> = Vec::new();
    for _ in 0..10 {
        for name in ["سامر", "كريم"] {
            sents.push(["قال", "الوزير", name, "امس"].map(String::from).to_vec());
        }
        for place in ["بيروت", "دمشق"] {
            sents.push(["وصل", "الى", place, "صباحا"].map(String::from).to_vec());
        }
    }
    let s = clusters::Settings { k: 3, vocab: 100, min_count: 1, contexts: 50, dims: 32, iterations: 5 };
    let table = clusters::learn(&sents, &s);
    assert_eq!(table.len(), 10);
    let of = |w: &str| table[&clusters::cluster_hash(w)];
    assert_eq!(of("سامر"), of("كريم"));
    assert_eq!(of("بيروت"), of("دمشق"));
    let mut t = Trainer::new(12, &[]);
    t.set_clusters(table.clone());
    t.epoch(&fixture());
    let again = Tagger::from_bytes(&t.averaged().to_bytes()).unwrap();
    assert_eq!(again.lex.clusters, table);
}

#[test]
fn cached_tagging_gives_the_tags_of_the_uncached_path() {
    let mut t = Trainer::new(12, &[(EntityType::LOC, "القاهرة".to_string())]);
    // Word notes too: their verdicts reach the neighbours through the cache.
    t.set_notes(small_notes());
    for _ in 0..5 {
        t.epoch(&fixture());
    }
    let a = t.averaged();
    // A second tagger with other weights: the per-thread cache must not mix the two.
    let b = Trainer::new(12, &[]).averaged();
    let sentences: Vec<Vec<&str>> = vec![
        vec!["قال", "الوزير", "سامر", "حداد", "في", "القاهرة", "،", "أمس"],
        vec!["وصل", "الرئيس", "نادر", "خليل", "إلى", "عمان"],
        vec!["قال", "الوزير", "سامر", "حداد", "في", "القاهرة", "،", "أمس"],
        vec!["Reuters", "نقلت", "عن", "شركة", "النور"],
    ];
    for _ in 0..2 {
        for s in &sentences {
            for tagger in [&a, &b, &a] {
                let words: Vec<&str> = s.iter().copied().filter(|w| is_word_key(&token_key(w))).collect();
                let keys = words.iter().map(|w| token_key(w)).collect();
                let prep = prepare_keys(&words, keys, &tagger.lex);
                let uncached: Vec<Tag> = decode(tagger.weights.as_slice(), tagger.bits, &prep, false)
                    .into_iter()
                    .map(Tag::from_index)
                    .collect();
                let cached = tagger.tag(s);
                let cached_words: Vec<Tag> =
                    s.iter().zip(cached).filter(|(w, _)| is_word_key(&token_key(w))).map(|(_, t)| t).collect();
                assert_eq!(cached_words, uncached);
            }
        }
    }
    assert!(a.tag(&sentences[0]).iter().any(|t| *t != Tag::O), "the trained tagger finds something");
}

#[test]
fn integer_viterbi_renormalizes_finite_scores_only() {
    let neg = <[[i8; N_TAGS]] as Rows>::NEG;
    let mut s = [5, neg, 3, -7, neg, 5, 0, 1, 2];
    <[[i8; N_TAGS]] as Rows>::renormalize(&mut s);
    assert_eq!(s, [0, neg, -2, -12, neg, 0, -5, -4, -3]);
}

#[test]
fn a_very_long_sentence_is_tagged_whole() {
    let tagger = Tagger::load().expect("the embedded model loads");
    let words: Vec<&str> = ["قال", "الرئيس", "الأمريكي", "دونالد", "ترامب", "في", "واشنطن"].repeat(30_000);
    let tags = tagger.tag(&words);
    assert_eq!(tags.len(), words.len());
    // The same window far into the sentence is tagged as near its start.
    assert_eq!(tags[7..14], tags[words.len() - 14..words.len() - 7]);
}

#[test]
fn mined_frequency_buckets_have_their_bounds() {
    assert_eq!([1, 2, 3, 4, 10, 30, 100].map(mined::count_bucket), [1, 2, 2, 3, 4, 5, 6]);
}

#[test]
fn mining_ranks_words_by_how_name_like_their_contexts_are() {
    let mut first = Trainer::new(16, &[]).context_only();
    for _ in 0..10 {
        first.epoch(&fixture());
    }
    let first = first.averaged();
    // Context-only: a word never seen in training gets its scores from its neighbours alone.
    assert_eq!(first.tag(&["قال", "الوزير", "زيد", "في", "عمان"])[2], Tag::B(EntityType::PER));
    // «زيد» stands where names stand (after «الوزير»/«المتحدث») in every sentence; «مشروع»
    // and «جديد» never; «وزيد» pools with «زيد» (words are counted by their key without clitics).
    let corpus: Vec<Vec<String>> =
        ["قال الوزير زيد إن مشروع جديد", "التقى الوزير زيد في مشروع جديد", "قال المتحدث وزيد إن مشروع جديد"]
            .iter()
            .map(|s| s.split(' ').map(String::from).collect())
            .collect();
    let table = mined::mine(&first, &corpus);
    let per = type_index(EntityType::PER);
    let bucket = |w: &str| table.get(&mined::word_hash(w)).map_or(0, |&c| mined::unpack(c, per).0);
    // Top of the 6 words seen twice or more for persons (bucket 5), seen 3 times (frequency
    // bucket 2).
    let code = table.get(&mined::word_hash("زيد")).copied().expect("«زيد» is in the table");
    assert_eq!(mined::unpack(code, per), (5, 2));
    assert!(bucket("مشروع") < 5 && bucket("جديد") < 5);
    // The table is kept in the model file, and its features are the word's.
    let mut second = Trainer::new(16, &[]);
    second.set_mined(table.clone());
    for _ in 0..10 {
        second.epoch(&fixture());
    }
    let again = Tagger::from_bytes(&second.averaged().to_bytes()).unwrap();
    assert_eq!(again.lex.mined, table);
    assert!(!again.lex.context_only);
    let mut own = Vec::new();
    describe("زيد", "زيد", &again.lex, &mut own);
    assert!(own.contains(&f2(K::Mn, per as u64, 5)));
    own.clear();
    describe("ساعة", "ساعة", &again.lex, &mut own);
    assert!(own.contains(&f1(K::Mn, NOT_MINED)));
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(raw).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// The decompressed bytes of a small model with every section filled: gazetteer, weights,
/// cluster table, mined table and word notes.
fn small_model_raw() -> Vec<u8> {
    let mut t = Trainer::new(8, &[(EntityType::LOC, "عمان".to_string())]);
    t.set_clusters([(7u32, 3u16), (900, 1)].into_iter().collect());
    t.set_mined([(11u32, 0x1234u16), (70_000, 5)].into_iter().collect());
    t.set_notes(small_notes());
    t.epoch(&fixture());
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&t.averaged().to_bytes()[..]).read_to_end(&mut raw).expect("our own gzip");
    raw
}

/// Word notes with both sources: «سامر» rejected and rare, «قال» accepted and frequent.
fn small_notes() -> notes::Notes {
    let mut n = notes::Notes::default();
    n.add_verdict(&token_key("سامر"), false);
    n.add_verdict(&token_key("قال"), true);
    n.add_frequency(&token_key("قال"), 12);
    n.add_frequency(&token_key("سامر"), 3);
    n
}

#[test]
fn word_notes_survive_the_model_file_and_a_model_without_them_keeps_the_old_format() {
    let raw = small_model_raw();
    assert_eq!(&raw[..5], b"MNER8");
    let t = Tagger::from_bytes(&gzip(&raw)).expect("an intact model");
    assert_eq!(t.lex.notes.sources, notes::SPELLING | notes::FREQUENCY);
    assert_eq!(notes::unpack(t.lex.notes.get(&token_key("سامر"))), (notes::REJECTED, 3));
    assert_eq!(notes::unpack(t.lex.notes.get(&token_key("قال"))), (notes::ACCEPTED, 12));
    // Without notes the file is an `MNER7` model, which this reader still reads.
    let mut old = Trainer::new(8, &[]);
    old.epoch(&fixture());
    let bytes = old.averaged().to_bytes();
    let mut raw7 = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut raw7).expect("our own gzip");
    assert_eq!(&raw7[..5], b"MNER7");
    assert!(Tagger::from_bytes(&bytes).expect("an MNER7 model").lex.notes.is_empty());
}

#[test]
fn the_embedded_model_loads_whole() {
    let tagger = Tagger::load().expect("the embedded model loads");
    assert!(!tagger.lex.gazetteer.is_empty() && !tagger.lex.mined.is_empty());
    assert!(tagger.weights.iter().any(|row| row.iter().any(|w| *w != 0)));
}

#[test]
fn damaged_models_are_errors_that_name_the_part() {
    let raw = small_model_raw();
    let intact = Tagger::from_bytes(&gzip(&raw)).expect("an intact model");
    assert_eq!(intact.lex.clusters.get(&900), Some(&1));
    assert_eq!(intact.lex.mined.get(&11), Some(&0x1234));

    assert!(matches!(Tagger::from_bytes(b"not a model"), Err(ModelError::Gzip(_))));
    assert!(Tagger::from_bytes(b"").is_err(), "an empty file is no model");
    // Every cut is an error (mostly "cut short"; a cut count may also exceed what is left).
    for n in 0..raw.len() {
        match Tagger::from_bytes(&gzip(&raw[..n])) {
            Err(ModelError::Truncated { .. } | ModelError::Count { .. }) => {}
            other => panic!("cut at {n} of {}: {:?}", raw.len(), other.map(|_| "a model")),
        }
    }
    let last = Tagger::from_bytes(&gzip(&raw[..raw.len() - 1])).err().expect("cut");
    assert!(last.to_string().starts_with("word notes: cut short at byte"), "{last}");

    let mut bad = raw.clone();
    bad[0] = b'X';
    assert!(matches!(Tagger::from_bytes(&gzip(&bad)), Err(ModelError::Magic { .. })));
    let mut bad = raw.clone();
    bad[5] = 30;
    assert!(matches!(Tagger::from_bytes(&gzip(&bad)), Err(ModelError::TableBits(30))));
    let mut bad = raw.clone();
    bad.push(0);
    assert!(matches!(Tagger::from_bytes(&gzip(&bad)), Err(ModelError::Trailing { left: 1 })));

    // Header, then a gazetteer count of 2^40: refused before anything is reserved.
    let mut huge = raw[..6].to_vec();
    put_varint(&mut huge, 1 << 40);
    let e = Tagger::from_bytes(&gzip(&huge)).err().expect("a huge count");
    assert!(matches!(e, ModelError::Count { section: "gazetteer", count: 1099511627776, .. }), "{e}");

    // No gazetteer, a scale, one weight far beyond the 2^8 × 9 table.
    let mut far = raw[..6].to_vec();
    put_varint(&mut far, 0);
    far.extend_from_slice(&1f32.to_le_bytes());
    put_varint(&mut far, 1);
    put_varint(&mut far, 256 * N_TAGS as u64);
    far.push(1);
    let e = Tagger::from_bytes(&gzip(&far)).err().expect("a weight out of the table");
    assert!(matches!(e, ModelError::OutOfRange { section: "weights", value: 2304, .. }), "{e}");
}

#[test]
fn changed_bytes_never_panic() {
    let raw = small_model_raw();
    for i in 0..raw.len() {
        for v in [0x00, 0x80, 0xff] {
            let mut b = raw.clone();
            b[i] = v;
            let _ = Tagger::from_bytes(&gzip(&b));
        }
    }
}

#[test]
fn reads_wikifane_maps_its_classes_and_glues_clitics_back() {
    // BOM, U+200E marks, CRLF, split clitics (و before a word, ها after one), fine classes.
    let text = "\u{feff}\u{200e}زار\tO\r\n\u{200e}و\tO\r\n\u{200e}الرئيس\tO\r\n\u{200e}سامر\tB-Politician\r\n\
                \u{200e}خليل\tI-Politician\r\n\u{200e}مدينة\tO\r\n\u{200e}عمان\tB-Population-Center\r\n\
                \u{200e}و\tO\r\n\u{200e}مطار\tB-Airport\r\n\u{200e}ها\tO\r\n\u{200e}.\tO\r\n\r\n\
                \u{200e}قال\tO\r\n\u{200e}العرب\tB-Group\r\n";
    let s = parse_wikifane(text).expect("a well-formed corpus");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].tokens, vec!["زار", "والرئيس", "سامر", "خليل", "مدينة", "عمان", "ومطارها", "."]);
    use EntityType::*;
    assert_eq!(
        s[0].tags,
        vec![Tag::O, Tag::O, Tag::B(PER), Tag::I(PER), Tag::O, Tag::B(LOC), Tag::O, Tag::O],
        "airports are not counted"
    );
    assert_eq!(s[1].tags, vec![Tag::O, Tag::B(MISC)]);
    // A line without a tab and an unknown class are errors naming the line.
    let e = parse_wikifane("قال\tO\nسامر B-Politician\n").unwrap_err();
    assert!(matches!(e, CorpusError::Line { line: 2, .. }), "{e}");
    let e = parse_wikifane("قال\tO\n\nسامر\tB-Wizard\n").unwrap_err();
    assert!(matches!(e, CorpusError::Tag { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("B-Wizard"), "{e}");
}

#[test]
fn reads_aqmar_sentences_and_refuses_bad_lines() {
    let s = parse_conll("وصل O\nسامر B-PER\nخليل I-PER\n\nإلى O\nعمان B-LOC\nمع O\nالبوتاسيوم B-MIS\n", aqmar_type)
        .expect("a well-formed corpus");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].tags, vec![Tag::O, Tag::B(EntityType::PER), Tag::I(EntityType::PER)]);
    assert_eq!(s[1].tags[3], Tag::B(EntityType::MISC));
    assert!(matches!(parse_conll("وصل O\nسامر\n", aqmar_type), Err(CorpusError::Line { line: 2, .. })));
    assert!(matches!(parse_conll("وصل X-PER\n", aqmar_type), Err(CorpusError::Tag { line: 1, .. })));
    assert!(matches!(parse_conll("وصل B-GPE\n", aqmar_type), Err(CorpusError::Tag { line: 1, .. })));
}

#[test]
fn name_gazetteer_entries_are_features_of_one_and_two_words() {
    let mut t = Trainer::new(16, &[]);
    t.add_names([(NAME_BIT, "سامر".to_string()), (PLACE_BIT, "بيونغ يانغ".to_string())]);
    let lex = &t.model.lex;
    let words = ["قال", "سامر", "في", "بيونغ", "يانغ"];
    let keys = words.iter().map(|w| token_key(w)).collect();
    let p = prepare_keys(&words, keys, lex);
    assert!(p.feats(1).contains(&f1(K::Gz1, 6)), "a person-name unit");
    assert!(!p.feats(2).contains(&f1(K::Gz1, 6)));
    assert!(p.feats(2).contains(&f1(K::GzM1, 6)), "the word before is a name");
    assert!(p.feats(3).contains(&f1(K::Gz2b, 7)) && p.feats(4).contains(&f1(K::Gz2i, 7)), "a two-word place");
}

#[test]
fn other_corpora_train_their_own_copies_and_the_model_keeps_none() {
    // The same words labelled by another convention in corpus 1: its copies take the
    // difference, so the tagged corpus's convention still wins.
    let ours = fixture();
    let mut theirs = fixture();
    for s in &mut theirs {
        for t in &mut s.tags {
            if *t == Tag::B(EntityType::LOC) {
                *t = Tag::B(EntityType::ORG);
            }
        }
    }
    let all: Vec<Sentence> = ours.iter().chain(&theirs).cloned().collect();
    let domains: Vec<u8> = ours.iter().map(|_| 0).chain(theirs.iter().map(|_| 1)).collect();
    let mut t = Trainer::new(16, &[]);
    for _ in 0..10 {
        t.epoch_domains(&all, &domains);
    }
    assert!(!t.dom_weights.is_empty());
    let tagger = t.averaged();
    assert_eq!(tagger.tag(&["وصل", "الوزير", "إلى", "القاهرة"])[3], Tag::B(EntityType::LOC));
    // The copies stay in the trainer: the model file is the size of one without them.
    let mut plain = Trainer::new(16, &[]);
    plain.epoch(&ours);
    assert_eq!(tagger.weights.len(), plain.averaged().weights.len());
}

/// Sentences written for this test, each naming one of the people, places and organizations
/// most named in the 2018 news corpora, with the name and the type it must get.
const NEWS_NAMES: [(&str, &str, EntityType); 11] = [
    ("وقال الرئيس الأمريكي دونالد ترامب للصحفيين إن الاجتماع كان مثمرا.", "ترامب", EntityType::PER),
    ("وكتب الرئيس الأمريكي دونالد ترمب على تويتر أن العقوبات ستبقى.", "ترمب", EntityType::PER),
    ("وأجرى الرئيس فلاديمير بوتين اتصالا هاتفيا بالمستشارة الألمانية.", "بوتين", EntityType::PER),
    ("وأكد الرئيس الروسي فلاديمير بوتن أن بلاده سترد.", "بوتن", EntityType::PER),
    ("واستقبل الرئيس الفرنسي إيمانويل ماكرون رئيس الوزراء اللبناني في باريس.", "ماكرون", EntityType::PER),
    ("وانتقد الرئيس رجب طيب أردوغان الموقف الأوروبي.", "أردوغان", EntityType::PER),
    ("ووصل ولي العهد الأمير محمد بن سلمان إلى لندن في زيارة رسمية.", "محمد بن سلمان", EntityType::PER),
    ("وتوجه الوفد الكوري الجنوبي إلى بيونغ يانغ صباح اليوم.", "بيونغ يانغ", EntityType::LOC),
    ("وعاد الوفد إلى سيول بعد انتهاء القمة.", "سيول", EntityType::LOC),
    ("وقالت شركة فيسبوك إنها ستغير سياسة الخصوصية.", "فيسبوك", EntityType::ORG),
    ("وقال المتحدث باسم الكرملين إن موسكو ترفض الاتهامات.", "الكرملين", EntityType::ORG),
];

#[test]
fn the_shipped_model_types_the_most_named_news_names() {
    let tagger = Tagger::load().expect("the embedded model loads");
    let mut wrong = Vec::new();
    for (sentence, name, kind) in NEWS_NAMES {
        let found = tagger.entities(sentence);
        let right = found.iter().any(|m| m.kind == kind && (m.text == name || m.text.ends_with(&format!(" {name}"))));
        if !right {
            wrong.push(format!("{name} as {kind:?} in «{sentence}»: found {found:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn names_never_run_across_separating_punctuation() {
    assert!(separates("، "));
    assert!(separates(": "));
    assert!(separates(" («"));
    assert!(!separates(" "));
    assert!(!separates("-"));
    assert!(!separates("\u{200c}"));
    let tagger = Tagger::load().expect("the embedded model loads");
    // Names side by side, with and without a separator between them.
    let text =
        "وقال الرئيس الأمريكي دونالد ترامب، فلاديمير بوتين: نيمار جونيور، ليونيل ميسي «أنطونيو غوتيريش» كيم جونغ-أون";
    let found = tagger.entities(text);
    assert!(found.iter().any(|m| m.text.contains("ترامب")), "{found:?}");
    for m in &found {
        assert!(!m.text.chars().any(|c| matches!(c, '،' | ':' | '«' | '»')), "{found:?}");
    }
    assert!(found.iter().any(|m| m.text == "كيم جونغ-أون"), "{found:?}");
}
