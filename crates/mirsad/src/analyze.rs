//! `mirsad analyze`.
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// Files, folders (read recursively) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the export object as one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: AnalyzeArgs) -> anyhow::Result<u8> {
    Ok(0)
}
