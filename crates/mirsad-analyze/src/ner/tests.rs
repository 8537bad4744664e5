use super::corpus::{parse_anercorp, split_at_share};
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
    let tagger = Tagger::load();
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
    let tagger = Tagger::load();
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
