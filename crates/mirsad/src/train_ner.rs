//! `mirsad train-ner`: trains the named-entity tagger of `mirsad-analyze` on the first 5/6 of
//! ANERcorp (the last 1/6 is held out for `mirsad eval ner`), with ANERGazet membership as
//! features, and writes the gzip-compressed model.

use crate::eval::ner::{anercorp_split, Counts};
use anyhow::Context;
use mirsad_analyze::ner::{corpus, Trainer};
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
