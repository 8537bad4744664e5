//! Readers: paths to documents.
