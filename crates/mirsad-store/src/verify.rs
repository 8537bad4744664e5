//! Checks that the search index's files are whole (their tantivy footer checksums hold).
//!
//! Segment files never change once written, so a file whose length and modification time are
//! those it had when its checksum last held is not read again: opening a large collection costs
//! a `stat` per file, and only new segments (or damaged ones: any write to a file changes its
//! time) are read in full. The record of verified files lives beside the index, in the data
//! directory, so tantivy's garbage collection never sees it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use tantivy::Index;

/// File in the data directory that records the verified index files.
pub const VERIFIED_FILE: &str = "index.verified";

/// A file's identity for the record: length and modification time in nanoseconds.
type Stamp = (u64, u128);

fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let m = std::fs::metadata(path)?;
    let t = m.modified()?.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    Ok((m.len(), t))
}

/// Why the index is not whole.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0} is missing")]
    Missing(String),
    #[error("{0}: checksum mismatch")]
    Checksum(String),
    #[error("{file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}: {reason}")]
    Unreadable { file: String, reason: String },
}

/// What [`verify`] found.
#[derive(Debug, Default)]
pub struct Verified {
    /// Files of the index's segments.
    pub files: usize,
    /// Files whose checksum was computed (the others were known whole).
    pub checked: usize,
}

/// Checks every file of the committed segments; `all` recomputes every checksum, else only
/// those of files not known whole. Fails on the first damaged or missing file.
pub fn verify(index: &Index, index_dir: &Path, data_dir: &Path, all: bool) -> Result<Verified, VerifyError> {
    let record_path = data_dir.join(VERIFIED_FILE);
    let known: BTreeMap<String, Stamp> = if all {
        BTreeMap::new()
    } else {
        std::fs::read_to_string(&record_path).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
    };
    let metas =
        index.load_metas().map_err(|e| VerifyError::Unreadable { file: "meta.json".into(), reason: e.to_string() })?;
    let ids: HashSet<String> = metas.segments.iter().map(|s| s.id().uuid_string()).collect();
    let mut files: Vec<PathBuf> = Vec::new();
    let dir_error = |source| VerifyError::Io { file: index_dir.display().to_string(), source };
    for entry in std::fs::read_dir(index_dir).map_err(dir_error)? {
        let entry = entry.map_err(dir_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((id, ext)) = name.split_once('.') else { continue };
        if ids.contains(id) && ext != "store.temp" {
            files.push(PathBuf::from(name));
        }
    }
    // Every segment has at least its postings, terms and store.
    for id in &ids {
        for ext in ["idx", "term", "store"] {
            let f = PathBuf::from(format!("{id}.{ext}"));
            if !files.contains(&f) {
                return Err(VerifyError::Missing(f.display().to_string()));
            }
        }
    }
    let mut record = BTreeMap::new();
    let mut out = Verified { files: files.len(), checked: 0 };
    for f in &files {
        let name = f.to_string_lossy().into_owned();
        let st = stamp(&index_dir.join(f)).map_err(|source| VerifyError::Io { file: name.clone(), source })?;
        if known.get(&name) != Some(&st) {
            out.checked += 1;
            match index.directory().validate_checksum(f) {
                Ok(true) => {}
                Ok(false) => return Err(VerifyError::Checksum(name)),
                Err(e) => return Err(VerifyError::Unreadable { file: name, reason: e.to_string() }),
            }
        }
        record.insert(name, st);
    }
    if out.checked > 0 || record.len() != known.len() {
        // Best effort: a reader without write access verifies again next time.
        if let Ok(json) = serde_json::to_string(&record) {
            let tmp = data_dir.join(format!("{VERIFIED_FILE}.{}", std::process::id()));
            if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &record_path).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
    }
    Ok(out)
}
