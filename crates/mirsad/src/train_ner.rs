//! `mirsad train-ner`: trains the named-entity tagger of `mirsad-analyze` on the first 5/6 of
//! ANERcorp (the last 1/6 is held out for `mirsad eval ner`), with ANERGazet membership as
//! features, and writes the gzip-compressed model.

use crate::eval::ner::{anercorp_split, Counts};
use anyhow::Context;
use mirsad_analyze::ner::{clusters, corpus, Trainer};
use mirsad_model::EntityType;
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
    /// Word clusters learned from this unlabelled news corpus (JSON lines with `title` and
    /// `text`) as features; `--clusters 0` for none.
    #[arg(long, default_value = "ant-multisource/ant_multisource_2018-03_2018-05.jsonl")]
    pub unlabelled: PathBuf,
    /// Number of word clusters (0, the default: no cluster features; on the dev slice 256
    /// clusters gave F1 within ±0.01 of none, so the shipped model has none).
    #[arg(long, default_value_t = 0)]
    pub clusters: usize,
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
    let mut trainer = Trainer::new(args.bits, &gazetteer);
    if args.clusters > 0 {
        let t = Instant::now();
        let path = args.data.join(&args.unlabelled);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
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
        let settings = clusters::Settings { k: args.clusters, ..Default::default() };
        let table = clusters::learn(&sentences, &settings);
        eprintln!(
            "train-ner: {} word clusters over {} words from {} sentences of {} ({:.1}s)",
            args.clusters,
            table.len(),
            sentences.len(),
            path.display(),
            t.elapsed().as_secs_f64()
        );
        trainer.set_clusters(table);
    }
    for e in 1..=args.epochs {
        let t = Instant::now();
        let err = trainer.epoch(&train);
        eprint!("epoch {e}: training error {:.4} ({:.1}s)", err, t.elapsed().as_secs_f64());
        if args.dev {
            let model = trainer.averaged();
            let mut c = Counts::default();
            for s in &dev {
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
    if !args.dev {
        let bytes = trainer.averaged().to_bytes();
        std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
        eprintln!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    }
    Ok(0)
}
