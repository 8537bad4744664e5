//! `mirsad eval STAGE`: scores a stage on the labelled data in `--data` and prints one line per
//! figure. A data set that is absent is skipped with a message, so the command also runs on a
//! machine without `../shared`.

pub mod attribution;
pub mod copies;
pub mod dates;
pub mod entities;
pub mod extract;
pub mod ner;
pub mod quotes;
pub mod stories;
pub mod timex;

use std::path::Path;

pub fn run(stage: &str, data: &Path, details: Option<&Path>, without_resolution: bool) -> anyhow::Result<u8> {
    match stage {
        "extract" => extract::run(data, details),
        "stories" => stories::run(data, details),
        "copies" => copies::run(data, details),
        "ner" => ner::run(data),
        "entities" => entities::run(data, details, !without_resolution),
        "quotes" => quotes::run(data, details),
        "timex" => timex::run(data),
        "attribution" => attribution::run(data, details),
        other => anyhow::bail!(
            "unknown eval stage `{other}` (known: extract, stories, copies, ner, entities, quotes, timex, attribution)"
        ),
    }
}

/// Prints the skip message for a data set that is not there; returns true when it is absent.
pub fn skip_if_absent(path: &Path) -> bool {
    if path.exists() {
        false
    } else {
        println!("skip: {} not found (the shared data sets are not beside this checkout)", crate::shown(path));
        true
    }
}

/// The articles of the two JSONL corpora (ANT multi-source, SaudiNewsNet) as `analyze` reads
/// them; `None` (after the skip message) when either is absent.
pub fn corpus_articles(data: &Path) -> anyhow::Result<Option<Vec<mirsad_model::Article>>> {
    let dirs = [data.join("ant-multisource"), data.join("saudinewsnet")];
    if dirs.iter().any(|d| skip_if_absent(d)) {
        return Ok(None);
    }
    let input = crate::analyze::InputArgs {
        fields: vec![],
        max_doc_bytes: 16 << 20,
        threads: None,
        quiet: true,
        hide_errors: true,
    };
    let mut arts = Vec::new();
    crate::analyze::run_pipeline(&dirs, &input, |a| {
        arts.extend(a);
        Ok(())
    })?;
    Ok(Some(arts))
}

/// Reads a gold file holding one JSON object (page or URL → labels), naming the file on error.
pub fn read_json_object(path: &Path) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    use anyhow::Context;
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))
}
