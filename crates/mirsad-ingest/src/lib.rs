//! From raw input to clean articles.
//!
//! Data flow: [`read`] turns paths into [`Document`]s (one per page, file or record);
//! [`process`] turns a `Document` into its [`Article`]s: HTML goes through [`html::extract`]
//! (main content as [`Block`]s plus page metadata), text scrapes are split into blocks by
//! [`text`], and both then go through [`segment`], which cuts the blocks into articles,
//! drops boilerplate ([`boilerplate`]) and lifts date, source and tag lines into metadata
//! ([`meta`]). Everything here is a pure function of its input except [`read`].

pub mod boilerplate;
pub mod credit;
pub mod dates;
pub mod document;
pub mod encoding;
pub mod error;
pub mod html;
pub mod html_date;
pub mod meta;
pub mod read;
pub mod segment;
pub mod text;

pub use document::{Block, BlockKind, Document, Hints, HtmlPage, Payload};
pub use error::{IngestError, Location};
use mirsad_model::Article;

/// Turns one document into its articles (segment 0 first). A document with no article text
/// gives `NoContent`.
pub fn process(doc: Document) -> Result<Vec<Article>, IngestError> {
    let Document { source, url, payload, hints } = doc;
    let (blocks, page) = match payload {
        Payload::Html(bytes) => {
            let html = encoding::decode_html(&bytes);
            let mut page = html::extract(&html, url.as_deref());
            let blocks = std::mem::take(&mut page.blocks);
            (blocks, segment::PageMeta::from_html(page, &hints))
        }
        Payload::Text(t) => {
            let blocks = if hints.clean_body { text::body_blocks(&t) } else { text::scrape_blocks(&t) };
            (blocks, segment::PageMeta::from_hints(&hints))
        }
    };
    let url = url.or_else(|| page.canonical_url.clone());
    let cuts = segment::cut(blocks, &page, hints.clean_body);
    if cuts.is_empty() {
        return Err(IngestError::NoContent { location: Location(source) });
    }
    Ok(cuts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let segment = i as u32;
            Article {
                id: article_id(&source, url.as_deref(), segment),
                document: source.clone(),
                url: if segment == 0 { url.clone() } else { None },
                segment,
                language: Some(if mirsad_text::arabic_ratio(&c.body) >= 0.5 { "ar" } else { "other" }.to_string()),
                title: c.title,
                body: c.body,
                published: c.published,
                outlet: page.outlet.clone().or(c.outlet),
                attribution: c.attribution,
                keywords: c.keywords,
                story: None,
                duplicate_of: None,
                author: c.author,
                // The page's section is its main article's: what a page glues on is another's.
                section: if segment == 0 { hints.section.clone() } else { None },
            }
        })
        .collect())
}

/// A stable id from where the article came from: the same page (by URL when known, else by
/// document name) and segment always give the same id, wherever the file was read.
pub fn article_id(source: &str, url: Option<&str>, segment: u32) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(format!("{source}\u{0}{}\u{0}{segment}", url.unwrap_or("")).as_bytes());
    format!("{h:016x}")
}
