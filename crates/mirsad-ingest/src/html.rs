//! Main-content extraction from HTML: title, site name, canonical URL and the main text as blocks.
//!
//! The page is parsed once with `scraper` (html5ever), after [`bound::bound`] has cut what
//! would make the parser's work grow faster than the page (nesting beyond a depth, runaway
//! formatting elements, tags with very many attributes); the tree is then read in one pre-order
//! walk ([`flatten`]) that collects the page's metadata and cuts the visible text into
//! paragraph-level runs, each tied to the element that holds it. Scoring works on that flat
//! list and on per-element aggregates, never on copies of the tree:
//!
//! 1. [`content`]: a readability-style score (text length, commas, class/id hints, link
//!    density) picks the element that holds the article, plus its siblings that look like more
//!    of the same; blocks inside boilerplate subtrees (navigation, share bars, comments,
//!    related-link lists, captions, ads) and link-dense lists are dropped.
//! 2. [`meta`]: title (og:title / h1 / `<title>` with the site-name suffix removed), site
//!    name, canonical URL, author, keywords, language.
//! 3. The publication date comes from [`crate::html_date::page_date`] on the same tree.

mod bound;
mod content;
mod flatten;
mod meta;
mod patterns;
#[cfg(test)]
mod tests;

use crate::document::HtmlPage;

pub use bound::{bound, MAX_ATTRIBUTES, MAX_DEPTH, MAX_FORMATTING};
pub(crate) use content::is_cjk;

/// Extracts the page's metadata and main-content blocks from decoded HTML.
pub fn extract(html: &str, url: Option<&str>) -> HtmlPage {
    extract_from_doc(&parse(html), url)
}

/// Parses decoded HTML (html5ever, as browsers do; never fails), in time linear in its size
/// ([`bound`]).
pub fn parse(html: &str) -> scraper::Html {
    scraper::Html::parse_document(&bound::bound(html))
}

/// Same as [`extract`] on a tree that is already parsed (lets callers share the tree with
/// other readers).
pub fn extract_from_doc(doc: &scraper::Html, url: Option<&str>) -> HtmlPage {
    let mut page = extract_content(doc, url);
    page.published = crate::html_date::page_date(doc, url);
    page
}

/// Everything but the publication date: metadata and main-content blocks.
pub fn extract_content(doc: &scraper::Html, url: Option<&str>) -> HtmlPage {
    let flat = flatten::flatten(doc);
    let info = meta::page_meta(&flat, url);
    let mut blocks = content::main_blocks(&flat);
    if let (Some(first), Some(title)) = (blocks.first(), info.title.as_deref()) {
        if first.kind == crate::document::BlockKind::Heading && meta::same_title(&first.text, title) {
            blocks.remove(0);
        }
    }
    HtmlPage {
        title: info.title,
        published: None,
        site_name: info.site_name,
        canonical_url: info.canonical_url,
        author: info.author,
        keywords: info.keywords,
        language: info.language,
        blocks,
    }
}
