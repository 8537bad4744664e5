//! `mirsad build-background`: writes the background document-frequency table of
//! `mirsad_cluster::background` from wordfreq's Arabic list.

use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct BuildBackgroundArgs {
    /// Folder holding the shared data sets (reads `wordfreq-ar/large_ar.msgpack.gz`).
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Where to write the table.
    #[arg(long, default_value = "crates/mirsad-cluster/data/background.tsv.gz")]
    pub out: PathBuf,
}

pub fn run(args: BuildBackgroundArgs) -> anyhow::Result<u8> {
    let path = args.data.join("wordfreq-ar/large_ar.msgpack.gz");
    let words = crate::train_ner::notes::read_wordfreq(&path, usize::MAX)?;
    let n = words.len();
    let rows = mirsad_cluster::background::build(words);
    let mut text = String::new();
    for (stem, per_million) in &rows {
        text.push_str(stem);
        text.push('\t');
        text.push_str(&per_million.to_string());
        text.push('\n');
    }
    let file = std::fs::File::create(&args.out).with_context(|| format!("writing {}", crate::shown(&args.out)))?;
    // No file name or time in the gzip header: the same list gives the same bytes.
    let mut gz = flate2::GzBuilder::new().mtime(0).write(file, flate2::Compression::best());
    gz.write_all(text.as_bytes())
        .and_then(|_| gz.finish().map(drop))
        .with_context(|| format!("writing {}", crate::shown(&args.out)))?;
    eprintln!("build-background: {n} word forms → {} stems in {}", rows.len(), crate::shown(&args.out));
    Ok(0)
}
