//! Metadata lines.
