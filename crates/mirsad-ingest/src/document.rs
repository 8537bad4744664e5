//! `Document`: one fetched page, file or record before it is cut into articles.

use mirsad_model::Published;

/// The raw content of a document.
#[derive(Debug, Clone)]
pub enum Payload {
    /// Plain text: a scrape copied from a rendered page, or a corpus record's body.
    Text(String),
    /// HTML bytes in whatever encoding the page declared or used.
    Html(Vec<u8>),
}

/// Metadata a container already gives for the document (a JSONL record's fields, a feed item's
/// title and date, a WARC header). Extraction prefers what the page itself states and falls
/// back to these. Serializable so that a queued document keeps them (the PostgreSQL queue).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Hints {
    pub title: Option<String>,
    pub published: Option<Published>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub keywords: Vec<String>,
    /// The section or category the container files the page under (a corpus's category).
    pub section: Option<String>,
    /// The text is already clean main text (a corpus body), not a page scrape: keep every
    /// paragraph and do not look for titles or date lines inside it.
    pub clean_body: bool,
}

/// One unit of input.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path or URL, `path#N` for the N-th record of a multi-record file.
    pub source: String,
    /// The page's own URL when the container knows it.
    pub url: Option<String>,
    pub payload: Payload,
    pub hints: Hints,
}

/// A block of text in reading order: the common shape of a text scrape's lines and an HTML
/// page's main-content elements, so that segmentation and boilerplate rules are written once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading,
    Paragraph,
    ListItem,
    Quote,
    Preformatted,
    /// A table cell row or other text kept from the main content.
    Other,
}

impl Block {
    pub fn new(kind: BlockKind, text: impl Into<String>) -> Self {
        Block { text: text.into(), kind }
    }
}

/// What an HTML page says about itself, plus its main-content blocks.
#[derive(Debug, Clone, Default)]
pub struct HtmlPage {
    pub title: Option<String>,
    pub published: Option<Published>,
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    pub author: Option<String>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
    pub blocks: Vec<Block>,
}
