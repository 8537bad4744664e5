//! Main-content extraction from HTML: title, site name, canonical URL and the main text as blocks.

use crate::document::{Block, BlockKind, HtmlPage};

/// Extracts the page's metadata and main-content blocks from decoded HTML.
pub fn extract(html: &str, url: Option<&str>) -> HtmlPage {
    let doc = scraper::Html::parse_document(html);
    let published = crate::html_date::page_date(&doc, url);
    let title = doc
        .select(&scraper::Selector::parse("title").expect("static selector"))
        .next()
        .map(|t| t.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    let mut blocks = Vec::new();
    if let Ok(sel) = scraper::Selector::parse("p") {
        for p in doc.select(&sel) {
            let t = p.text().collect::<String>();
            if !t.trim().is_empty() {
                blocks.push(Block::new(BlockKind::Paragraph, t.trim()));
            }
        }
    }
    HtmlPage { title, published, blocks, ..Default::default() }
}
