use mirsad_text::escape_for_display;
use std::fmt;

/// Where a problem was found: a file, or a record inside it. Shown escaped
/// ([`escape_for_display`]): a file name with a line end or a bidi override cannot forge or
/// disguise a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location(pub String);

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_for_display(&self.0))
    }
}

/// Errors of the readers and extractors. Each names the file or record and the reason, so the
/// CLI can print it and go on with the rest of the input. Every part that can hold input
/// (names, reasons quoting a record, OS messages naming a path) is shown escaped.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{location}: cannot read: {}", escape_for_display(&source.to_string()))]
    Io {
        location: Location,
        #[source]
        source: std::io::Error,
    },
    #[error("{location}: malformed {format}: {}", escape_for_display(reason))]
    Malformed { location: Location, format: &'static str, reason: String },
    #[error("{location}: empty input")]
    Empty { location: Location },
    /// `size` is `None` when reading stopped at the limit (decompressed or endless input is
    /// not read to its end just to count it).
    #[error("{location}: {}", too_large(*size, *limit))]
    TooLarge { location: Location, size: Option<u64>, limit: u64 },
    /// A gzip input expanded far more than text does (see `read::gzip`); the rest of it is
    /// skipped.
    #[error("{location}: gzip data expands more than {} times ({expanded} bytes from {compressed}): a compression bomb; the rest of this input is skipped", crate::read::gzip::MAX_RATIO)]
    Bomb { location: Location, expanded: u64, compressed: u64 },
    #[error("{location}: no article text found")]
    NoContent { location: Location },
}

fn too_large(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(size) => format!("{size} bytes is over the limit of {limit} bytes per document"),
        None => format!("over the limit of {limit} bytes per document (reading stopped there)"),
    }
}

impl IngestError {
    pub fn location(&self) -> &Location {
        match self {
            IngestError::Io { location, .. }
            | IngestError::Malformed { location, .. }
            | IngestError::Empty { location }
            | IngestError::TooLarge { location, .. }
            | IngestError::Bomb { location, .. }
            | IngestError::NoContent { location } => location,
        }
    }

    pub fn malformed(location: impl Into<String>, format: &'static str, reason: impl fmt::Display) -> Self {
        IngestError::Malformed { location: Location(location.into()), format, reason: reason.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "news\nmirsad: fake.html: no article text found\u{202E}lmth.txt";

    fn assert_one_safe_line(msg: &str) {
        assert!(!msg.chars().any(|c| c.is_control() || c == '\u{202E}'), "{msg:?}");
        assert!(msg.contains("news\\u{a}mirsad: fake.html") && msg.contains("\\u{202e}lmth.txt"), "{msg}");
    }

    #[test]
    fn every_error_shows_its_location_escaped() {
        let location = || Location(HOSTILE.to_string());
        let errors = [
            IngestError::Io { location: location(), source: std::io::Error::other("gone") },
            IngestError::malformed(HOSTILE, "HTML", "binary data"),
            IngestError::Empty { location: location() },
            IngestError::TooLarge { location: location(), size: Some(10), limit: 5 },
            IngestError::TooLarge { location: location(), size: None, limit: 5 },
            IngestError::Bomb { location: location(), expanded: 100, compressed: 1 },
            IngestError::NoContent { location: location() },
        ];
        for e in &errors {
            assert_one_safe_line(&e.to_string());
        }
    }

    #[test]
    fn reasons_and_os_messages_are_escaped_too() {
        let e = IngestError::malformed("x.warc#3", "WARC record", "bad header `a\r\nb`");
        assert_eq!(e.to_string(), "x.warc#3: malformed WARC record: bad header `a\\u{d}\\u{a}b`");
        let e = IngestError::Io { location: Location("d".into()), source: std::io::Error::other(HOSTILE) };
        assert_one_safe_line(&e.to_string());
    }

    #[test]
    fn a_real_file_with_a_line_end_in_its_name() {
        let dir = std::env::temp_dir().join(format!("mirsad-escape-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("empty\nmirsad: forged.txt");
        std::fs::write(&path, b"").unwrap();
        let out: Vec<_> = crate::read::read(&crate::read::Input::File(path), &Default::default()).collect();
        std::fs::remove_dir_all(&dir).ok();
        let msg = out[0].as_ref().unwrap_err().to_string();
        assert!(msg.ends_with("empty\\u{a}mirsad: forged.txt: empty input"), "{msg}");
        assert!(!msg.contains('\n'));
    }
}
