//! `mirsad train-ner`: trains the named-entity tagger of `mirsad-analyze` on the first 5/6 of
//! ANERcorp (the last 1/6 is held out for `mirsad eval ner`) and, with `--extra`, WikiFANE and
//! AQMAR's training part (with `--augment`, each with feature copies of its own), with
//! ANERGazet and the person-name and place gazetteers (`--names`) as features, and writes the
//! gzip-compressed model. With `--self-names`, surnames of persons the model finds in the
//! unlabelled corpus join the gazetteer and the last round is trained again.
//!
//! With `--mine`, training has two rounds: a first tagger that sees only the context of each
//! word scores an unlabelled news corpus, and how name-like each word's contexts are there (see
//! `mirsad_analyze::ner::mined`) becomes features of the second, which is the model. Each
//! round's tagger is the mean of `--bags` perceptrons trained with different shuffle seeds.

use crate::eval::ner::{anercorp_split, Counts};
use anyhow::Context;
use mirsad_analyze::ner::{clusters, corpus, mined, spans, Sentence, Tag, Tagger, Trainer};
use mirsad_model::EntityType;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

pub(crate) mod notes;

#[derive(clap::Args)]
pub struct TrainNerArgs {
    /// Folder holding the shared data sets (reads `ner-anercorp/`).
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "crates/mirsad-analyze/model/ner.bin.gz")]
    pub out: PathBuf,
    /// Passes over the training sentences.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// log2 of the number of feature buckets.
    #[arg(long, default_value_t = 16)]
    pub bits: u32,
    /// Tuning: train on the first 9/10 of the training part only and print F1 on the last
    /// 1/10 (the dev slice) after each epoch; writes no model.
    #[arg(long)]
    pub dev: bool,
    /// Unlabelled news corpus (JSON lines with `title` and `text`) for `--mine` and
    /// `--clusters`.
    #[arg(long, default_value = "ant-multisource/ant_multisource_2018-03_2018-05.jsonl")]
    pub unlabelled: PathBuf,
    /// Number of word clusters (0, the default: no cluster features; on the dev slice 256
    /// clusters gave F1 within ±0.01 of none, so the shipped model has none).
    #[arg(long, default_value_t = 0)]
    pub clusters: usize,
    /// Tuning: k-fold cross-validation on the training part (contiguous folds); prints the
    /// pooled F1 over the folds and writes no model. More entities than the dev slice, so
    /// smaller differences can be told from noise.
    #[arg(long, default_value_t = 0)]
    pub folds: usize,
    /// Mined features: how name-like a context-only first-round tagger finds each word's
    /// contexts across the unlabelled corpus (the shipped model is trained with it).
    #[arg(long)]
    pub mine: bool,
    /// Perceptrons per round, each with its own shuffle seed; the model is the mean of their
    /// averaged weights (steadier than one: single models of different seeds scored 0.656 to
    /// 0.678 on the held-out part, means of five 0.676 to 0.683).
    #[arg(long, default_value_t = 5)]
    pub bags: usize,
    /// Labelled corpora trained on besides ANERcorp's training part, comma-separated:
    /// `wikifane` (`ner-wikifane-gold/`), `aqmar` (`ner-aqmar/train.txt`), or `none`.
    /// Sentences also found in ANERcorp's held-out part are left out.
    #[arg(long, default_value = "wikifane,aqmar")]
    pub extra: String,
    /// Train the extra corpora with per-corpus copies of their features (feature augmentation,
    /// see `Trainer::epoch_domains`) instead of as more of the same text.
    #[arg(long)]
    pub augment: bool,
    /// Read the extra corpora's MISC mentions as `O` (their MISC conventions differ from
    /// ANERcorp's).
    #[arg(long)]
    pub extra_no_misc: bool,
    /// Each epoch passes this many times over ANERcorp's sentences (once over the extra
    /// corpora), weighting the newswire over the Wikipedia text.
    #[arg(long, default_value_t = 1)]
    pub anercorp_copies: usize,
    /// Name gazetteers as features (hashes only in the model), comma-separated: `persons`
    /// (`gazetteer-person-names/names.sqlite3`), `places` (`gazetteer-geonames/`), or `none`.
    #[arg(long, default_value = "persons,places")]
    pub names: String,
    /// Self-training: after the model's round, words the model tags at least this many times in
    /// the unlabelled corpus as the last word of a person's full name become name-gazetteer
    /// entries, and the round is trained again (0: off).
    #[arg(long, default_value_t = 0)]
    pub self_names: u32,
    /// How `--self-names` entries are marked: `whole` (as an ANERGazet person and a word of a
    /// longer one), `part` (only the latter) or `name` (as a person-name unit of the name
    /// gazetteer).
    #[arg(long, value_enum, default_value_t = SelfNamesAs::Part)]
    pub self_names_as: SelfNamesAs,
    /// Read GeoNames' Persian and Urdu spellings of places with Arabic letters (see
    /// `fold_persian`).
    #[arg(long)]
    pub fold_persian: bool,
    /// Person-name units (given names, surnames) seen fewer times than this in the name
    /// gazetteer are left out.
    #[arg(long, default_value_t = 2)]
    pub name_min_count: i64,
    /// Spelling-dictionary features: every Arabic word form of the training corpora, the
    /// unlabelled corpus and (with `--wordfreq`) the frequency list is checked once with
    /// `hunspell -l -d <--hunspell-dict>`, and whether the word, or a neighbour, is rejected
    /// (transliterated foreign names are) becomes a feature. Needs hunspell only when training.
    #[arg(long)]
    pub hunspell: bool,
    /// Hunspell dictionary for `--hunspell` (Debian's hunspell-ar installs `ar`).
    #[arg(long, default_value = "ar")]
    pub hunspell_dict: String,
    /// Word-frequency features: the frequency bucket (half Zipf steps) of the word and of its
    /// key without clitics in wordfreq's Arabic list (`wordfreq-ar/large_ar.msgpack.gz`).
    #[arg(long)]
    pub wordfreq: bool,
    /// Words of the frequency list kept (the most frequent; fewer words, a smaller model).
    #[arg(long, default_value_t = 150_000)]
    pub wordfreq_words: usize,
}

/// How `--self-names` entries are marked in the gazetteer.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SelfNamesAs {
    Whole,
    Part,
    Name,
}

/// The extra labelled corpora named in `--extra`, without sentences of ANERcorp's held-out
/// part (compared by their tokens' keys).
fn read_extra(args: &TrainNerArgs, heldout: &[Sentence]) -> anyhow::Result<Vec<(u8, Sentence)>> {
    let sentence_key = |s: &Sentence| s.tokens.iter().map(|t| mirsad_text::key(t)).collect::<Vec<_>>().join(" ");
    let held: HashSet<String> = heldout.iter().map(sentence_key).collect();
    let mut out = Vec::new();
    for name in args.extra.split(',').map(str::trim).filter(|n| !n.is_empty() && *n != "none") {
        let (path, sentences, domain) = match name {
            "wikifane" => {
                let path = args.data.join("ner-wikifane-gold/WikiFANE_Gold_2014_500K.txt");
                let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                let s = corpus::parse_wikifane(&text).with_context(|| format!("reading {}", path.display()))?;
                (path, s, 1)
            }
            "aqmar" => {
                let path = args.data.join("ner-aqmar/train.txt");
                let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                let s = corpus::parse_conll(&text, corpus::aqmar_type)
                    .with_context(|| format!("reading {}", path.display()))?;
                (path, s, 2)
            }
            other => anyhow::bail!("--extra: unknown corpus `{other}` (known: wikifane, aqmar, none)"),
        };
        let n = sentences.len();
        let kept: Vec<Sentence> = sentences.into_iter().filter(|s| !held.contains(&sentence_key(s))).collect();
        let tokens: usize = kept.iter().map(|s| s.tokens.len()).sum();
        eprintln!(
            "train-ner: {}: {} sentences, {tokens} tokens ({} left out: in the held-out part)",
            crate::shown(&path),
            kept.len(),
            n - kept.len()
        );
        out.extend(kept.into_iter().map(|s| (if args.augment { domain } else { 0 }, s)));
    }
    if args.extra_no_misc {
        for (_, s) in &mut out {
            for t in &mut s.tags {
                if t.kind() == Some(EntityType::MISC) {
                    *t = Tag::O;
                }
            }
        }
    }
    Ok(out)
}

/// A Persian or Urdu spelling of a place name in the letters an Arabic writer would use
/// («پيونگ يانگ» → «بيونغ يانغ»: `پ`→`ب`, `گ`→`غ`, `ک`→`ك`, `ی`→`ي`, `ژ`→`ج`, `چ`→`تش`);
/// a spelling with other letters of those scripts is left as it is (and then filtered out).
fn fold_persian(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'پ' => out.push('ب'),
            'گ' => out.push('غ'),
            'ک' => out.push('ك'),
            'ی' => out.push('ي'),
            'ژ' => out.push('ج'),
            'چ' => out.push_str("تش"),
            c => out.push(c),
        }
    }
    out
}

/// Entries of the name gazetteers named in `--names`, with their gazetteer bit.
fn read_names(args: &TrainNerArgs) -> anyhow::Result<Vec<(u8, String)>> {
    let mut out = Vec::new();
    // Persian and Urdu letters: such a row is not an Arabic spelling.
    let arabic = |s: &str| {
        !s.chars().any(|c| {
            matches!(c, 'پ' | 'گ' | 'ی' | 'ک' | 'چ' | 'ژ' | 'ڈ' | 'ٹ' | 'ں' | 'ہ' | 'ھ' | 'ے' | 'ڑ' | 'ۆ' | 'ێ' | 'ە')
        })
    };
    for name in args.names.split(',').map(str::trim).filter(|n| !n.is_empty() && *n != "none") {
        let before = out.len();
        match name {
            "persons" => {
                let path = args.data.join("gazetteer-person-names/names.sqlite3");
                let db = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .with_context(|| format!("opening {}", path.display()))?;
                let mut rows: Vec<String> = Vec::new();
                let mut q = db
                    .prepare("SELECT arabic_key FROM units WHERE role IN ('given', 'surname') GROUP BY arabic_key HAVING SUM(count) >= ?1")
                    .with_context(|| format!("reading {}", path.display()))?;
                for r in q.query_map([args.name_min_count], |r| r.get::<_, String>(0))? {
                    rows.push(r.with_context(|| format!("reading {}", path.display()))?);
                }
                let mut q = db
                    .prepare("SELECT DISTINCT arabic_key FROM full_names WHERE arabic_key LIKE '% %'")
                    .with_context(|| format!("reading {}", path.display()))?;
                for r in q.query_map([], |r| r.get::<_, String>(0))? {
                    rows.push(r.with_context(|| format!("reading {}", path.display()))?);
                }
                let stop = |w: &str| mirsad_text::is_stopword_key(&mirsad_text::key(w));
                out.extend(
                    rows.into_iter().filter(|w| arabic(w) && !stop(w)).map(|w| (mirsad_analyze::ner::NAME_BIT, w)),
                );
            }
            "places" => {
                let path = args.data.join("gazetteer-geonames/cities15000.json");
                let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                let cities: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))?;
                for city in cities.values() {
                    for alt in city["alternatenames"].as_array().into_iter().flatten().filter_map(|a| a.as_str()) {
                        let alt = if args.fold_persian { fold_persian(alt) } else { alt.to_string() };
                        if alt.chars().any(mirsad_text::is_arabic_letter) && arabic(&alt) {
                            out.push((mirsad_analyze::ner::PLACE_BIT, alt));
                        }
                    }
                }
                let path = args.data.join("gazetteer-geonames/world-cities-ar.csv");
                let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                for line in text.lines().skip(1) {
                    let fields: Vec<&str> = line.split(',').map(|f| f.trim().trim_matches('"')).collect();
                    for f in [fields.first(), fields.get(2)].into_iter().flatten() {
                        if f.chars().any(mirsad_text::is_arabic_letter) {
                            out.push((mirsad_analyze::ner::PLACE_BIT, f.to_string()));
                        }
                    }
                }
            }
            other => anyhow::bail!("--names: unknown gazetteer `{other}` (known: persons, places, none)"),
        }
        eprintln!("train-ner: {} {name} gazetteer entries", out.len() - before);
    }
    Ok(out)
}

/// Sentences of raw tokens of a JSON-lines news corpus (`title` and `text`).
fn read_unlabelled(path: &std::path::Path) -> anyhow::Result<Vec<Vec<String>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut sentences: Vec<Vec<String>> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("{}", path.display()))?;
        for field in ["title", "text"] {
            for para in v[field].as_str().unwrap_or("").lines() {
                sentences.extend(
                    para.split(['.', '!', '?', '؟'])
                        .map(|s| mirsad_text::tokens(s).map(str::to_string).collect::<Vec<_>>())
                        .filter(|s| !s.is_empty()),
                );
            }
        }
    }
    Ok(sentences)
}

pub fn run(args: TrainNerArgs) -> anyhow::Result<u8> {
    let (train, heldout) = anercorp_split(&args.data)?;
    let extra = read_extra(&args, &heldout)?;
    let names = read_names(&args)?;
    let mut gazetteer = Vec::new();
    for (file, kind) in [
        ("AlignedPersGazetteer.txt", EntityType::PER),
        ("AlignedLocGazetteer.txt", EntityType::LOC),
        ("AlignedOrgGazetteer.txt", EntityType::ORG),
    ] {
        let path = args.data.join("ner-anercorp/ANERGazet").join(file);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with("====") && !line.starts_with("****") {
                gazetteer.push((kind, line.to_string()));
            }
        }
    }
    let (train, dev) = if args.dev {
        let cut = corpus::split_at_share(&train, 9, 10);
        (train[..cut].to_vec(), train[cut..].to_vec())
    } else {
        (train, Vec::new())
    };
    let tokens: usize = train.iter().map(|s| s.tokens.len()).sum();
    eprintln!("train-ner: {} sentences, {tokens} tokens, {} gazetteer entries", train.len(), gazetteer.len());
    let mut fresh = Trainer::new(args.bits, &gazetteer);
    fresh.add_names(names);
    let path = args.data.join(&args.unlabelled);
    let unlabelled = if args.clusters > 0 || args.mine || args.self_names > 0 || args.hunspell {
        read_unlabelled(&path)?
    } else {
        Vec::new()
    };
    if args.clusters > 0 {
        let t = Instant::now();
        let settings = clusters::Settings { k: args.clusters, ..Default::default() };
        let table = clusters::learn(&unlabelled, &settings);
        eprintln!(
            "train-ner: {} word clusters over {} words from {} sentences of {} ({:.1}s)",
            args.clusters,
            table.len(),
            unlabelled.len(),
            crate::shown(&path),
            t.elapsed().as_secs_f64()
        );
        fresh.set_clusters(table);
    }
    let wordfreq_path = args.data.join("wordfreq-ar/large_ar.msgpack.gz");
    let note_sources = notes::Sources::new(
        args.hunspell.then_some(args.hunspell_dict.as_str()),
        args.wordfreq.then_some((wordfreq_path.as_path(), args.wordfreq_words)),
        &unlabelled,
    )?;
    let table = note_sources.notes();
    if !table.is_empty() {
        eprintln!("train-ner: word notes for {} words", table.table.len());
    }
    fresh.set_notes(table);
    if args.folds > 1 {
        return cross_validate(&train, &extra, &fresh, &args, &unlabelled);
    }
    let model = train_model(&with_extra(&train, &extra, &args), &fresh, &args, &unlabelled, &dev);
    if !args.dev {
        let bytes = model.to_bytes();
        std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
        eprintln!("wrote {} ({} bytes)", crate::shown(&args.out), bytes.len());
    }
    Ok(0)
}

/// ANERcorp's sentences `--anercorp-copies` times, then the extra corpora's, each with its
/// corpus number for feature augmentation (0: ANERcorp, or any corpus without `--augment`).
fn with_extra(anercorp: &[Sentence], extra: &[(u8, Sentence)], args: &TrainNerArgs) -> Part {
    let mut out = Part::default();
    for _ in 0..args.anercorp_copies.max(1) {
        out.sentences.extend_from_slice(anercorp);
    }
    out.domains = vec![0; out.sentences.len()];
    for (d, s) in extra {
        out.sentences.push(s.clone());
        out.domains.push(*d);
    }
    out
}

/// Training sentences and the corpus number of each.
#[derive(Default)]
struct Part {
    sentences: Vec<Sentence>,
    domains: Vec<u8>,
}

/// Trains on `part` (both rounds with `--mine`; each round the mean of `--bags` perceptrons),
/// printing the training error per epoch and, when `dev` is not empty, the F1 on it.
fn train_model(
    part: &Part,
    fresh: &Trainer,
    args: &TrainNerArgs,
    unlabelled: &[Vec<String>],
    dev: &[Sentence],
) -> Tagger {
    let bags = |base: &Trainer| -> Vec<Trainer> {
        (0..args.bags.max(1))
            .map(|i| {
                let mut t = base.clone();
                if i > 0 {
                    t.reseed(0x2545_f491_4f6c_dd1d_u64.wrapping_mul(i as u64 + 1));
                }
                t
            })
            .collect()
    };
    let mut base = fresh.clone();
    if args.mine {
        let t = Instant::now();
        let mut first = bags(&fresh.context_only());
        for _ in 0..args.epochs {
            first.par_iter_mut().for_each(|t| {
                t.epoch_domains(&part.sentences, &part.domains);
            });
        }
        let table = mined::mine(&Trainer::averaged_of(&first), unlabelled);
        eprintln!(
            "train-ner: mined {} words from {} unlabelled sentences ({:.1}s)",
            table.len(),
            unlabelled.len(),
            t.elapsed().as_secs_f64()
        );
        base.set_mined(table);
    }
    let mut model = last_round(part, &base, args, dev, &bags);
    if args.self_names > 0 {
        let t = Instant::now();
        let names = self_names(&model, unlabelled, args.self_names);
        eprintln!(
            "train-ner: {} surnames of persons the tagger found in the unlabelled corpus ({:.1}s)",
            names.len(),
            t.elapsed().as_secs_f64()
        );
        // Marked as ANERGazet marks a word of a longer person's name (`--self-names-as part`),
        // or as a name-gazetteer unit (`name`).
        let bit = match args.self_names_as {
            SelfNamesAs::Part => mirsad_analyze::ner::PER_PART_BIT,
            SelfNamesAs::Whole => mirsad_analyze::ner::PER_PART_BIT | mirsad_analyze::ner::PER_BIT,
            SelfNamesAs::Name => mirsad_analyze::ner::NAME_BIT,
        };
        base.add_names(names.into_iter().map(|w| (bit, w)));
        model = last_round(part, &base, args, dev, &bags);
    }
    model
}

/// The model's round: the mean of `--bags` perceptrons trained from `base`.
fn last_round(
    part: &Part,
    base: &Trainer,
    args: &TrainNerArgs,
    dev: &[Sentence],
    bags: &dyn Fn(&Trainer) -> Vec<Trainer>,
) -> Tagger {
    let mut trainers = bags(base);
    for e in 1..=args.epochs {
        let t = Instant::now();
        let errs: Vec<f64> = trainers.par_iter_mut().map(|t| t.epoch_domains(&part.sentences, &part.domains)).collect();
        eprint!("epoch {e}: training error {:.4} ({:.1}s)", errs[0], t.elapsed().as_secs_f64());
        if !dev.is_empty() {
            let model = Trainer::averaged_of(&trainers);
            let mut c = Counts::default();
            for s in dev {
                let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
                c.add(&s.tags, &model.tag(&toks));
            }
            let (p, r, f) = c.overall();
            eprint!(", dev P {p:.3} R {r:.3} F1 {f:.3}");
            if e == args.epochs {
                eprintln!();
                c.print("dev");
            }
        }
        eprintln!();
    }
    Trainer::averaged_of(&trainers)
}

/// Self-training of the name gazetteer: the words (keys) that `model` tags at least
/// `min_count` times in the unlabelled corpus as the last word of a person's name of two
/// words or more («دونالد ترامب»), or finds untagged right after a person's name of one word,
/// in at least 1 of 20 of their occurrences. A news text
/// names a person in full once and by surname after, and the surname alone is what a
/// tagger trained on older text misses.
fn self_names(model: &Tagger, unlabelled: &[Vec<String>], min_count: u32) -> Vec<String> {
    use std::collections::HashMap;
    let counts = unlabelled
        .par_chunks(512)
        .map(|chunk| {
            let mut c: HashMap<String, (u32, u32)> = HashMap::new();
            for s in chunk {
                let toks: Vec<&str> = s.iter().map(String::as_str).collect();
                let tags = model.tag(&toks);
                for t in &toks {
                    c.entry(mirsad_text::key(t)).or_default().0 += 1;
                }
                for (a, b, kind) in spans(&tags) {
                    if kind != EntityType::PER {
                        continue;
                    }
                    if b - a >= 2 {
                        c.entry(mirsad_text::key(toks[b - 1])).or_default().1 += 1;
                    } else if let Some(next) = toks.get(b).filter(|_| tags[b] == Tag::O) {
                        // A given name tagged alone: the word after it is most often the
                        // surname the tagger did not know («دونالد ترمب»).
                        if next.chars().any(mirsad_text::is_arabic_letter) {
                            c.entry(mirsad_text::key(next)).or_default().1 += 1;
                        }
                    }
                }
            }
            c
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, v) in b {
                let e = a.entry(k).or_default();
                e.0 += v.0;
                e.1 += v.1;
            }
            a
        });
    if std::env::var_os("MIRSAD_SHOW_SELF_NAMES").is_some() {
        let mut all: Vec<_> = counts.iter().filter(|(_, v)| v.1 >= 3).collect();
        all.sort_by_key(|(_, v)| std::cmp::Reverse(v.1));
        for (k, (total, last)) in all {
            eprintln!("self name candidate: {k} {last} of {total}");
        }
    }
    let mut out: Vec<String> = counts
        .into_iter()
        .filter(|(k, (total, last))| {
            *last >= min_count && *last * 20 >= *total && !mirsad_text::is_stopword_key(k) && k.chars().count() >= 3
        })
        .map(|(k, _)| k)
        .collect();
    out.sort();
    if std::env::var_os("MIRSAD_SHOW_SELF_NAMES").is_some() {
        eprintln!("self names: {}", out.join(" "));
    }
    out
}

/// `--folds k`: trains on all contiguous folds of the training part but one, tags that one,
/// and pools the counts. Also prints the recall on gold entities whose words the fold's
/// training part has as a name / has some of / has none of.
fn cross_validate(
    train: &[Sentence],
    extra: &[(u8, Sentence)],
    fresh: &Trainer,
    args: &TrainNerArgs,
    unlabelled: &[Vec<String>],
) -> anyhow::Result<u8> {
    let cuts: Vec<usize> = (0..=args.folds).map(|i| corpus::split_at_share(train, i, args.folds)).collect();
    let mut pooled = Counts::default();
    // (gold, found) for names seen whole in training, with some word seen, with none seen.
    let mut seen = [(0usize, 0usize); 3];
    for f in 0..args.folds {
        let (a, b) = (cuts[f], cuts[f + 1]);
        let part: Vec<Sentence> = train[..a].iter().chain(&train[b..]).cloned().collect();
        let model = train_model(&with_extra(&part, extra, args), fresh, args, unlabelled, &[]);
        let names: HashSet<&[String]> =
            part.iter().flat_map(|s| spans(&s.tags).into_iter().map(|(a, b, _)| &s.tokens[a..b])).collect();
        let words: HashSet<&str> = part.iter().flat_map(|s| s.tokens.iter().map(String::as_str)).collect();
        let mut c = Counts::default();
        for s in &train[a..b] {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let pred = model.tag(&toks);
            c.add(&s.tags, &pred);
            pooled.add(&s.tags, &pred);
            let found: HashSet<_> = spans(&pred).into_iter().collect();
            for span in spans(&s.tags) {
                let name = &s.tokens[span.0..span.1];
                let class = if names.contains(name) {
                    0
                } else if name.iter().any(|t| words.contains(t.as_str())) {
                    1
                } else {
                    2
                };
                seen[class].0 += 1;
                seen[class].1 += usize::from(found.contains(&span));
            }
        }
        let (p, r, f1) = c.overall();
        eprintln!("fold {}: P {p:.3} R {r:.3} F1 {f1:.3}", f + 1);
    }
    pooled.print("cv");
    for (label, (gold, found)) in ["seen as a name", "some word seen", "no word seen"].iter().zip(seen) {
        println!("ner cv recall, {label} in training: {:.3} ({found} of {gold})", found as f64 / gold.max(1) as f64);
    }
    Ok(0)
}
