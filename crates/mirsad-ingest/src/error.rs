use std::fmt;

/// Where a problem was found: a file, or a record inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location(pub String);

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Errors of the readers and extractors. Each names the file or record and the reason, so the
/// CLI can print it and go on with the rest of the input.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{location}: cannot read: {source}")]
    Io {
        location: Location,
        #[source]
        source: std::io::Error,
    },
    #[error("{location}: malformed {format}: {reason}")]
    Malformed { location: Location, format: &'static str, reason: String },
    #[error("{location}: empty input")]
    Empty { location: Location },
    #[error("{location}: {size} bytes is over the limit of {limit} bytes per document")]
    TooLarge { location: Location, size: u64, limit: u64 },
    #[error("{location}: no article text found")]
    NoContent { location: Location },
}

impl IngestError {
    pub fn location(&self) -> &Location {
        match self {
            IngestError::Io { location, .. }
            | IngestError::Malformed { location, .. }
            | IngestError::Empty { location }
            | IngestError::TooLarge { location, .. }
            | IngestError::NoContent { location } => location,
        }
    }

    pub fn malformed(location: impl Into<String>, format: &'static str, reason: impl fmt::Display) -> Self {
        IngestError::Malformed { location: Location(location.into()), format, reason: reason.to_string() }
    }
}
