//! Cutting a page's blocks into articles.
use crate::document::{Block, Hints, HtmlPage};
use mirsad_model::Published;

/// Page-level metadata that articles start from.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub title: Option<String>,
    pub published: Option<Published>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub keywords: Vec<String>,
    pub canonical_url: Option<String>,
}

impl PageMeta {
    pub fn from_html(page: HtmlPage, hints: &Hints) -> Self {
        PageMeta {
            title: page.title.or_else(|| hints.title.clone()),
            published: page.published.or_else(|| hints.published.clone()),
            outlet: page.site_name.or_else(|| hints.outlet.clone()),
            author: page.author.or_else(|| hints.author.clone()),
            keywords: if page.keywords.is_empty() { hints.keywords.clone() } else { page.keywords },
            canonical_url: page.canonical_url,
        }
    }

    pub fn from_hints(hints: &Hints) -> Self {
        PageMeta {
            title: hints.title.clone(),
            published: hints.published.clone(),
            outlet: hints.outlet.clone(),
            author: hints.author.clone(),
            keywords: hints.keywords.clone(),
            canonical_url: None,
        }
    }
}

/// One article cut out of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cut {
    pub title: Option<String>,
    pub body: String,
    pub published: Option<Published>,
    pub attribution: Vec<String>,
    pub keywords: Vec<String>,
    pub author: Option<String>,
}

pub fn cut(blocks: Vec<Block>, page: &PageMeta, _clean_body: bool) -> Vec<Cut> {
    let body = blocks.into_iter().map(|b| b.text).collect::<Vec<_>>().join("\n\n");
    if body.trim().is_empty() {
        return vec![];
    }
    vec![Cut {
        title: page.title.clone(),
        body,
        published: page.published.clone(),
        keywords: page.keywords.clone(),
        author: page.author.clone(),
        ..Default::default()
    }]
}
