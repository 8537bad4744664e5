//! `mirsad train-ner`: trains the named-entity tagger of `mirsad-analyze` on the first 5/6 of
//! ANERcorp (the last 1/6 is held out for `mirsad eval ner`), with ANERGazet membership as
//! features, and writes the gzip-compressed model.
//!
//! With `--mine`, training has two rounds: a first tagger that sees only the context of each
//! word scores an unlabelled news corpus, and how name-like each word's contexts are there (see
//! `mirsad_analyze::ner::mined`) becomes features of the second, which is the model. Each
//! round's tagger is the mean of `--bags` perceptrons trained with different shuffle seeds.

use crate::eval::ner::{anercorp_split, Counts};
use anyhow::Context;
use mirsad_analyze::ner::{clusters, corpus, mined, spans, Sentence, Tagger, Trainer};
use mirsad_model::EntityType;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

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
    let (train, _heldout) = anercorp_split(&args.data)?;
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
    let path = args.data.join(&args.unlabelled);
    let unlabelled = if args.clusters > 0 || args.mine { read_unlabelled(&path)? } else { Vec::new() };
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
    if args.folds > 1 {
        return cross_validate(&train, &fresh, &args, &unlabelled);
    }
    let model = train_model(&train, &fresh, &args, &unlabelled, &dev);
    if !args.dev {
        let bytes = model.to_bytes();
        std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
        eprintln!("wrote {} ({} bytes)", crate::shown(&args.out), bytes.len());
    }
    Ok(0)
}

/// Trains on `part` (both rounds with `--mine`; each round the mean of `--bags` perceptrons),
/// printing the training error per epoch and, when `dev` is not empty, the F1 on it.
fn train_model(
    part: &[Sentence],
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
                t.epoch(part);
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
    let mut trainers = bags(&base);
    for e in 1..=args.epochs {
        let t = Instant::now();
        let errs: Vec<f64> = trainers.par_iter_mut().map(|t| t.epoch(part)).collect();
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

/// `--folds k`: trains on all contiguous folds of the training part but one, tags that one,
/// and pools the counts. Also prints the recall on gold entities whose words the fold's
/// training part has as a name / has some of / has none of.
fn cross_validate(
    train: &[Sentence],
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
        let model = train_model(&part, fresh, args, unlabelled, &[]);
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
