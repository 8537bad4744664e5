//! One pre-order walk over the parsed tree: elements with their hints, visible text cut into
//! paragraph-level runs, and the raw metadata the head holds.

use super::patterns::{self, Tag};
use crate::document::BlockKind;
use scraper::Node;

pub const NONE: u32 = u32::MAX;

/// Furniture by tag, ARIA role or inline style (always dropped).
pub const FURN_TAG: u8 = 1;
/// Furniture by class/id words (dropped unless nothing else is left).
pub const FURN_CLASS: u8 = 2;

/// An element that can hold text (skipped subtrees have no entry).
#[derive(Debug)]
pub struct El<'a> {
    pub parent: u32,
    pub name: &'a str,
    pub tag: Tag,
    /// Readability class/id weight.
    pub weight: f32,
    /// Marked as the article body by microdata or a strong class (itemprop=articleBody …).
    pub body_hint: bool,
    /// One past the index of its last descendant element: descendants are `i+1..end`.
    pub end: u32,
    /// The class attribute (for the same-class sibling bonus).
    pub class: &'a str,
}

/// A run of visible text between two paragraph-level boundaries.
#[derive(Debug)]
pub struct Run {
    pub text: String,
    pub kind: BlockKind,
    /// Heading level (1–6) or 0.
    pub level: u8,
    /// The innermost paragraph-level or container element holding the run.
    pub owner: u32,
    pub chars: u32,
    pub link_chars: u32,
    pub commas: u32,
    /// `FURN_*` bits of the enclosing furniture subtrees.
    pub furn: u8,
}

/// Metadata as the page states it, before choosing.
#[derive(Debug, Default)]
pub struct RawMeta {
    pub lang: Option<String>,
    pub title: Option<String>,
    /// `(name or property, lower case; content)` of every `<meta>`.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    pub ld_json: Vec<String>,
}

pub struct Flat<'a> {
    pub els: Vec<El<'a>>,
    pub runs: Vec<Run>,
    pub meta: RawMeta,
}

struct Frame {
    /// Index in `els`, or NONE for elements without an entry.
    el: u32,
    skip: bool,
    link: bool,
    para: Option<(BlockKind, u8)>,
    furn: u8,
}

struct Builder {
    text: String,
    chars: u32,
    link_chars: u32,
    commas: u32,
    space: bool,
}

impl Builder {
    fn push_text(&mut self, s: &str, in_link: bool) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            if matches!(c, '\u{200b}' | '\u{feff}' | '\u{ad}') {
                continue;
            }
            if self.space && !self.text.is_empty() {
                self.text.push(' ');
                self.chars += 1;
            }
            self.space = false;
            self.text.push(c);
            self.chars += 1;
            if in_link {
                self.link_chars += 1;
            }
            if matches!(c, ',' | '،' | '，') {
                self.commas += 1;
            }
        }
    }
}

/// Walks the tree once.
pub fn flatten(doc: &scraper::Html) -> Flat<'_> {
    let mut els: Vec<El<'_>> = Vec::with_capacity(1024);
    let mut runs: Vec<Run> = Vec::with_capacity(256);
    let mut meta = RawMeta::default();
    let mut stack: Vec<Frame> = Vec::with_capacity(64);
    let mut b = Builder { text: String::new(), chars: 0, link_chars: 0, commas: 0, space: false };
    // Context derived from the stack, kept incrementally.
    let mut skip_depth = 0u32;
    let mut link_depth = 0u32;
    let mut verdicts: std::collections::HashMap<&str, patterns::ClassVerdict> = std::collections::HashMap::new();

    let flush = |b: &mut Builder, runs: &mut Vec<Run>, stack: &[Frame]| {
        if b.text.is_empty() {
            b.space = false;
            return;
        }
        let mut owner = NONE;
        let mut kind = BlockKind::Paragraph;
        let mut level = 0;
        let mut furn = 0;
        let mut found_para = false;
        let mut quote = false;
        let mut pre = false;
        // A heading that wraps block containers (`<h4><div>…article…</div></h4>`, seen on old
        // templates) is a misused tag: its text is read as paragraphs.
        let mut in_block = false;
        for f in stack.iter().rev() {
            if f.el == NONE {
                continue;
            }
            if owner == NONE {
                owner = f.el;
            }
            if let Some((k, l)) = f.para {
                if !found_para {
                    found_para = true;
                    (kind, level) =
                        if k == BlockKind::Heading && in_block { (BlockKind::Paragraph, 0) } else { (k, l) };
                }
                quote |= k == BlockKind::Quote;
                pre |= k == BlockKind::Preformatted;
            } else if !found_para {
                in_block = true;
            }
            furn |= f.furn;
        }
        if pre {
            kind = BlockKind::Preformatted;
        } else if quote && kind != BlockKind::Heading {
            kind = BlockKind::Quote;
        }
        runs.push(Run {
            text: std::mem::take(&mut b.text),
            kind,
            level,
            owner,
            chars: b.chars,
            link_chars: b.link_chars,
            commas: b.commas,
            furn,
        });
        b.chars = 0;
        b.link_chars = 0;
        b.commas = 0;
        b.space = false;
    };

    // Iterative pre-order walk (no recursion: deeply nested pages must not overflow the stack).
    let mut cur = Some(doc.tree.root());
    let mut down = true;
    while let Some(node) = cur {
        if down {
            'open: {
                match node.value() {
                    Node::Text(t) if skip_depth == 0 => {
                        b.push_text(&t.text, link_depth > 0);
                    }
                    Node::Element(e) => {
                        let name = e.name();
                        if let Some(er) = scraper::ElementRef::wrap(node) {
                            collect_meta(&mut meta, name, e, er);
                        }
                        if skip_depth > 0 {
                            stack.push(Frame { el: NONE, skip: true, link: false, para: None, furn: 0 });
                            skip_depth += 1;
                            break 'open;
                        }
                        let tag = patterns::tag(name);
                        let (mut class, mut id, mut style, mut role, mut itemprop) = ("", "", "", "", "");
                        let mut hidden = false;
                        for (k, v) in e.attrs.iter() {
                            match &*k.local {
                                "class" => class = v,
                                "id" => id = v,
                                "style" => style = v,
                                "role" => role = v,
                                "itemprop" => itemprop = v,
                                "hidden" => hidden = true,
                                "aria-hidden" => hidden |= v.trim().eq_ignore_ascii_case("true") && tag != Tag::Inline,
                                _ => {}
                            }
                        }
                        let is_skip =
                            tag == Tag::Skip || hidden || (!style.is_empty() && patterns::hidden_style(style));
                        if is_skip {
                            stack.push(Frame { el: NONE, skip: true, link: false, para: None, furn: 0 });
                            skip_depth += 1;
                            break 'open;
                        }
                        let structural = matches!(name, "html" | "body" | "main" | "article");
                        // Pages repeat the same class strings: judge each once.
                        let verdict = if class.is_empty() && id.is_empty() {
                            patterns::ClassVerdict::default()
                        } else if id.is_empty() {
                            *verdicts.entry(class).or_insert_with(|| patterns::class_verdict(class, ""))
                        } else {
                            patterns::class_verdict(class, id)
                        };
                        let mut furn = 0;
                        if tag == Tag::Furniture || (!role.is_empty() && patterns::furniture_role(role)) {
                            furn |= FURN_TAG;
                        }
                        if verdict.furniture && !structural {
                            furn |= FURN_CLASS;
                        }
                        let body_hint = itemprop.eq_ignore_ascii_case("articleBody")
                            || itemprop.eq_ignore_ascii_case("text")
                            || role.eq_ignore_ascii_case("main");
                        match tag {
                            Tag::Inline | Tag::Link => {
                                if tag == Tag::Link {
                                    link_depth += 1;
                                }
                                // Inline elements keep no entry, but a furniture class on an inline
                                // wrapper (a share span) still marks its text.
                                if furn != 0 {
                                    flush(&mut b, &mut runs, &stack);
                                }
                                stack.push(Frame { el: NONE, skip: false, link: tag == Tag::Link, para: None, furn });
                                if furn != 0 {
                                    // Give it an entry so the run has an owner with the flag.
                                    let parent = stack.iter().rev().find(|f| f.el != NONE).map_or(NONE, |f| f.el);
                                    let idx = els.len() as u32;
                                    els.push(El {
                                        parent,
                                        name,
                                        tag: Tag::Container,
                                        weight: verdict.weight,
                                        body_hint: false,
                                        end: idx + 1,
                                        class,
                                    });
                                    if let Some(top) = stack.last_mut() {
                                        top.el = idx;
                                    }
                                }
                            }
                            Tag::Break => {
                                flush(&mut b, &mut runs, &stack);
                                stack.push(Frame { el: NONE, skip: false, link: false, para: None, furn: 0 });
                            }
                            _ => {
                                flush(&mut b, &mut runs, &stack);
                                let parent = stack.iter().rev().find(|f| f.el != NONE).map_or(NONE, |f| f.el);
                                let idx = els.len() as u32;
                                els.push(El {
                                    parent,
                                    name,
                                    tag,
                                    weight: verdict.weight,
                                    body_hint,
                                    end: idx + 1,
                                    class,
                                });
                                let para = match tag {
                                    Tag::Para(k, l) => Some((k, l)),
                                    _ => None,
                                };
                                stack.push(Frame { el: idx, skip: false, link: false, para, furn });
                            }
                        }
                    }
                    _ => {}
                }
            }
            if let Some(c) = node.first_child() {
                cur = Some(c);
                continue;
            }
        }
        // Close `node`, then move on.
        'close: {
            if !node.value().is_element() {
                break 'close;
            }
            let Some(f) = stack.pop() else { break 'close };
            if f.skip {
                skip_depth = skip_depth.saturating_sub(1);
                break 'close;
            }
            if f.link {
                link_depth = link_depth.saturating_sub(1);
            }
            let boundary = f.el != NONE;
            if boundary {
                // Flush with the closing element still on the stack.
                stack.push(f);
                flush(&mut b, &mut runs, &stack);
                let f = stack.pop();
                if let Some(f) = f {
                    let end = els.len() as u32;
                    if let Some(e) = els.get_mut(f.el as usize) {
                        e.end = end;
                    }
                }
            }
        }
        if let Some(s) = node.next_sibling() {
            cur = Some(s);
            down = true;
        } else {
            cur = node.parent();
            down = false;
        }
    }
    flush(&mut b, &mut runs, &stack);
    Flat { els, runs, meta }
}

fn text_of(node: scraper::ElementRef<'_>) -> String {
    node.text().collect()
}

fn collect_meta(meta: &mut RawMeta, name: &str, e: &scraper::node::Element, node: scraper::ElementRef<'_>) {
    match name {
        "html" if meta.lang.is_none() => {
            meta.lang =
                e.attr("lang").or_else(|| e.attr("xml:lang")).map(|l| l.trim().to_string()).filter(|l| !l.is_empty());
        }
        "title"
            if meta.title.is_none()
                && !node.ancestors().any(|a| a.value().as_element().is_some_and(|x| x.name() == "svg")) =>
        {
            let t = super::meta::normalize_ws(&text_of(node));
            if !t.is_empty() {
                meta.title = Some(t);
            }
        }
        "meta" => {
            let mut key = None;
            let mut content = None;
            for (k, v) in e.attrs.iter() {
                match &*k.local {
                    "name" | "property" | "itemprop" if key.is_none() => key = Some(v.trim().to_ascii_lowercase()),
                    "content" => content = Some(v.trim().to_string()),
                    _ => {}
                }
            }
            if let (Some(k), Some(c)) = (key, content) {
                if !c.is_empty() && meta.metas.len() < 500 {
                    meta.metas.push((k, c));
                }
            }
        }
        "link" if meta.canonical.is_none() => {
            let rel = e.attr("rel").unwrap_or("");
            if rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("canonical")) {
                meta.canonical = e.attr("href").map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
            }
        }
        "script"
            if e.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                && meta.ld_json.len() < 20 =>
        {
            meta.ld_json.push(text_of(node));
        }
        _ => {}
    }
}
