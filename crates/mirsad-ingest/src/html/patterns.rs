//! What tags, classes and ids say about an element: general rules, no site-specific ones.

use crate::document::BlockKind;

/// The role of a tag in text layout and scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Never visible text (script, style, form controls, media): the subtree is skipped.
    Skip,
    /// Page furniture by its tag (nav, aside, footer, figcaption): boilerplate subtree.
    Furniture,
    /// Inline element: text flows through it into the enclosing block.
    Inline,
    /// Link: inline, its text counts as link text.
    Link,
    /// Line break: ends the current text run.
    Break,
    /// A paragraph-level element holding text directly (p, h1–h6, li, td, pre …).
    Para(BlockKind, u8),
    /// A container (div, section, article, ul, table …).
    Container,
}

/// Classifies a tag name (lower case, as html5ever gives it).
pub fn tag(name: &str) -> Tag {
    use BlockKind::*;
    match name {
        "a" => Tag::Link,
        "br" | "hr" => Tag::Break,
        "p" => Tag::Para(Paragraph, 0),
        "h1" => Tag::Para(Heading, 1),
        "h2" => Tag::Para(Heading, 2),
        "h3" => Tag::Para(Heading, 3),
        "h4" => Tag::Para(Heading, 4),
        "h5" => Tag::Para(Heading, 5),
        "h6" => Tag::Para(Heading, 6),
        "li" | "dt" | "dd" => Tag::Para(ListItem, 0),
        "blockquote" => Tag::Para(Quote, 0),
        "pre" => Tag::Para(Preformatted, 0),
        "td" | "th" | "caption" => Tag::Para(Other, 0),
        "div" | "section" | "article" | "main" | "body" | "html" | "ul" | "ol" | "dl" | "table" | "tbody" | "thead"
        | "tfoot" | "tr" | "center" | "header" | "details" | "summary" | "address" | "fieldset" | "figure"
        | "hgroup" | "menu" | "form" | "legend" | "dialog" => Tag::Container,
        "nav" | "aside" | "footer" | "figcaption" | "label" => Tag::Furniture,
        "script" | "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object" | "embed" | "canvas"
        | "video" | "audio" | "select" | "option" | "optgroup" | "button" | "input" | "textarea" | "head" | "title"
        | "meta" | "link" | "base" | "img" | "picture" | "source" | "map" | "area" | "datalist" | "output"
        | "progress" | "meter" | "frameset" | "frame" => Tag::Skip,
        _ => Tag::Inline,
    }
}

/// Readability's prior for a candidate container by tag.
pub fn tag_prior(name: &str) -> f32 {
    match name {
        "div" | "article" | "main" => 5.0,
        "section" | "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" | "header" => -5.0,
        _ => 0.0,
    }
}

/// What a class/id token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Negative,
    Positive,
    None,
}

/// Words that mark page furniture in class and id names (English and common transliterations
/// used by Arabic news templates).
const NEGATIVE: &[&str] = &[
    "comment",
    "disqus",
    "respond",
    "reply",
    "replies",
    "share",
    "sharing",
    "social",
    "sociable",
    "related",
    "relacionad",
    "recommend",
    "sidebar",
    "side-bar",
    "widget",
    "footer",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "cookie",
    "consent",
    "gdpr",
    "advert",
    "adsbygoogle",
    "sponsor",
    "promo",
    "popup",
    "modal",
    "banner",
    "pagination",
    "pager",
    "tagcloud",
    "tag-cloud",
    "skip",
    "most-popular",
    "mostpopular",
    "popular",
    "trending",
    "readmore",
    "read-more",
    "more-stories",
    "outbrain",
    "taboola",
    "masthead",
    "toolbar",
    "login",
    "search",
    "caption",
    "credit",
    "copyright",
    "author-bio",
    "authorbio",
    "author-box",
    "about-author",
    "print",
    "rating",
    "rss",
    "shoutbox",
    "follow",
    "whatsapp",
    "facebook",
    "twitter",
    "telegram",
    "linkedin",
    "pinterest",
    "subnav",
    "topbar",
    "dropdown",
    "carousel",
    "slider",
    "ticker",
    "breaking",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "jp-relatedposts",
    "yarpp",
    "crp_related",
    "wp-caption-text",
    "post-tags",
    "tags",
    "meta-tags",
    "entry-tags",
    "keywords",
    "categories",
    "cat-links",
    "tag-links",
    "post-navigation",
    "nav-links",
    "prev-next",
    "next-prev",
    "gallery",
    "thumbnail",
    "sharedaddy",
    "addthis",
    "a2a",
    "feedback",
    "survey",
    "poll",
    "donate",
    "paywall",
    "offer",
    "app-download",
    "install",
];

/// Words that mark the article body.
const POSITIVE: &[&str] = &[
    "article", "content", "entry", "post", "story", "body", "text", "main", "blog", "news", "detail", "artikel",
    "inhalt", "beitrag", "page", "single", "column", "hentry", "prose", "rich",
];

/// Tokens that are negative by themselves only when they are the whole token.
const NEGATIVE_WHOLE: &[&str] =
    &["hidden", "ad", "ads", "nav", "share", "tags", "tag", "meta", "top", "bottom", "aside", "extra"];

fn alternation(words: &[&str]) -> regex::Regex {
    let pat = words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|");
    // The word lists are static and escaped: this cannot fail.
    regex::Regex::new(&pat).unwrap_or_else(|_| regex::Regex::new("$^").expect("static regex"))
}

fn negative_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| alternation(NEGATIVE))
}

fn positive_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| alternation(POSITIVE))
}

fn token_hint(tok: &str) -> Hint {
    if NEGATIVE_WHOLE.contains(&tok) {
        return Hint::Negative;
    }
    let parts_neg = tok.split(['-', '_']).any(|p| p == "ad" || p == "ads" || p == "nav");
    if parts_neg || negative_re().is_match(tok) {
        return Hint::Negative;
    }
    if positive_re().is_match(tok) {
        return Hint::Positive;
    }
    Hint::None
}

/// The verdict on an element's class and id.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClassVerdict {
    /// A boilerplate subtree: some token is negative and none positive.
    pub furniture: bool,
    /// Readability-style weight (±25 per kind of hint found).
    pub weight: f32,
}

/// Judges the class and id attribute values (any case).
pub fn class_verdict(class: &str, id: &str) -> ClassVerdict {
    let mut neg = false;
    let mut pos = false;
    let mut buf = String::new();
    for tok in class.split_ascii_whitespace().chain(id.split_ascii_whitespace()) {
        if tok.len() > 64 {
            continue;
        }
        buf.clear();
        buf.push_str(tok);
        buf.make_ascii_lowercase();
        match token_hint(&buf) {
            Hint::Negative => neg = true,
            Hint::Positive => pos = true,
            Hint::None => {}
        }
    }
    let mut weight = 0.0;
    if neg {
        weight -= 25.0;
    }
    if pos {
        weight += 25.0;
    }
    ClassVerdict { furniture: neg && !pos, weight }
}

/// ARIA roles that mark page furniture.
pub fn furniture_role(role: &str) -> bool {
    matches!(
        role.trim().to_ascii_lowercase().as_str(),
        "navigation"
            | "complementary"
            | "contentinfo"
            | "banner"
            | "search"
            | "menu"
            | "menubar"
            | "dialog"
            | "alert"
            | "alertdialog"
            | "toolbar"
            | "tablist"
    )
}

/// Inline style that hides the element.
pub fn hidden_style(style: &str) -> bool {
    let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    s.contains("display:none") || s.contains("visibility:hidden")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_tokens() {
        assert!(class_verdict("share-buttons", "").furniture);
        assert!(class_verdict("comments-area", "").furniture);
        assert!(!class_verdict("entry-content has-sidebar", "").furniture);
        assert!(class_verdict("ad", "").furniture);
        assert!(!class_verdict("header", "").furniture);
        assert!(class_verdict("", "related-posts").furniture);
        assert!(class_verdict("article-body", "").weight > 0.0);
        assert!(!class_verdict("download", "").furniture);
    }

    #[test]
    fn hidden() {
        assert!(hidden_style("display: none;"));
        assert!(!hidden_style("color: red"));
    }
}
