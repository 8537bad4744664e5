//! A linear pre-pass that keeps html5ever's work linear in the size of the page.
//!
//! html5ever follows the HTML standard's tree builder, whose steps scan the stack of open
//! elements and the list of active formatting elements. Nothing caps either, so nesting makes
//! parsing quadratic (100k nested `<div>`s took 33 s), and so do misnested or unclosed
//! formatting elements (each later paragraph re-creates every one of them) and tags with very
//! many attributes (the tokenizer checks each new attribute against all earlier ones).
//!
//! [`bound`] reads the page once, as the tokenizer does (comments, raw text of `script`,
//! `style`, `textarea`, `title` …, script escapes, foreign content, quoted attribute values),
//! and keeps a model of the open elements (void elements, the usual implied end tags of `p`,
//! `li`, `dd`/`dt`, `option`, headings, table parts; end tags in and out of scope; foreign
//! content and its breakout tags) and of the active formatting elements (markers, Noah's Ark).
//! Beyond the limits it rewrites the page, as browsers cap the DOM's depth:
//! - a start tag that would open an element deeper than [`MAX_DEPTH`] is dropped, and so is
//!   its end tag (the text stays, in the element at the limit);
//! - a formatting element (`b`, `a`, `font` …) that would make more than
//!   [`MAX_FORMATTING`] of them active is dropped, with its end tag;
//! - a tag keeps its first [`MAX_ATTRIBUTES`] attributes.
//!
//! A page within the limits is returned as it is (borrowed), so ordinary pages parse exactly
//! as before. The model approximates the tree builder; where they differ the model opens more
//! elements than html5ever (an implied end tag it does not know), not fewer, except in a
//! few parts of the standard it leaves out (the adoption agency's moves, `select` parsing),
//! so html5ever's stack stays within a small multiple of the limit.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest element kept (browsers attach deeper elements to the one at 512; real pages stay
/// under 100).
pub const MAX_DEPTH: usize = 128;
/// Most active formatting elements (after the last marker) kept.
pub const MAX_FORMATTING: usize = 12;
/// Most attributes kept per tag.
pub const MAX_ATTRIBUTES: usize = 64;

/// `html` with the elements beyond the limits dropped; borrowed when nothing was.
pub fn bound(html: &str) -> Cow<'_, str> {
    let mut p = Pass::new(html);
    p.run();
    match p.out {
        None => Cow::Borrowed(html),
        Some(mut out) => {
            out.push_str(&html[p.copied..]);
            Cow::Owned(out)
        }
    }
}

/// What a tag name is to the tree builder.
#[derive(Clone, Copy, Default)]
struct Class {
    void: bool,
    /// Closes an open `p` (in button scope) when it starts.
    closes_p: bool,
    /// Special in the standard's sense (stops "any other end tag" and `li`'s search).
    special: bool,
    /// Bounds the default scope.
    scope: bool,
    formatting: bool,
    /// Content is raw text or RCDATA: skipped to the matching end tag.
    raw: bool,
    heading: bool,
    /// Ends foreign content when it starts inside `svg`/`math`.
    breakout: bool,
    /// Ends at its end tag only when in scope (block-level end tag rules).
    block_end: bool,
    /// Pushes a marker on the list of active formatting elements.
    marker: bool,
    /// Bounds the list-item scope besides the default scope (`ol`, `ul`).
    list: bool,
    /// Bounds the table scope (`html`, `table`, `template`).
    table: bool,
    /// Special, but does not stop the search of `li`/`dd`/`dt` for an open one.
    loose: bool,
    /// `html`, `head`, `body`, `frameset`: opened once by the tree builder, never nested.
    root: bool,
    /// `caption`, `colgroup`, `tbody`, `thead`, `tfoot`, `tr`, `td`, `th`.
    table_part: bool,
}

fn classify(name: &str) -> Class {
    let mut c = Class::default();
    c.void = matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "image"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "frame"
    );
    c.heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    c.closes_p = c.heading
        || matches!(
            name,
            "address"
                | "article"
                | "aside"
                | "blockquote"
                | "center"
                | "details"
                | "dialog"
                | "dir"
                | "div"
                | "dl"
                | "fieldset"
                | "figcaption"
                | "figure"
                | "footer"
                | "header"
                | "hgroup"
                | "main"
                | "menu"
                | "nav"
                | "ol"
                | "p"
                | "search"
                | "section"
                | "summary"
                | "ul"
                | "pre"
                | "listing"
                | "form"
                | "hr"
                | "xmp"
                | "li"
                | "dd"
                | "dt"
                | "plaintext"
        );
    c.scope = matches!(name, "html" | "table" | "td" | "th" | "caption" | "applet" | "marquee" | "object" | "template");
    c.marker = matches!(name, "td" | "th" | "caption" | "applet" | "marquee" | "object" | "template");
    c.formatting = matches!(
        name,
        "a" | "b" | "big" | "code" | "em" | "font" | "i" | "nobr" | "s" | "small" | "strike" | "strong" | "tt" | "u"
    );
    c.raw = matches!(
        name,
        "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript"
    );
    c.special = c.void
        || c.closes_p
        || c.scope
        || c.raw
        || matches!(
            name,
            "body"
                | "button"
                | "colgroup"
                | "frameset"
                | "head"
                | "select"
                | "tbody"
                | "tfoot"
                | "thead"
                | "tr"
                | "plaintext"
        );
    c.list = matches!(name, "ol" | "ul");
    c.table = matches!(name, "html" | "table" | "template");
    c.loose = matches!(name, "address" | "div" | "p" | "li" | "dd" | "dt");
    c.root = matches!(name, "html" | "head" | "body" | "frameset");
    c.table_part = matches!(name, "caption" | "colgroup" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th");
    c.block_end =
        c.closes_p || c.scope || matches!(name, "button" | "select" | "tbody" | "tfoot" | "thead" | "tr" | "colgroup");
    c.breakout = c.heading
        || matches!(
            name,
            "b" | "big"
                | "blockquote"
                | "body"
                | "br"
                | "center"
                | "code"
                | "dd"
                | "div"
                | "dl"
                | "dt"
                | "em"
                | "embed"
                | "head"
                | "hr"
                | "i"
                | "img"
                | "li"
                | "listing"
                | "menu"
                | "meta"
                | "nobr"
                | "ol"
                | "p"
                | "pre"
                | "ruby"
                | "s"
                | "small"
                | "span"
                | "strong"
                | "strike"
                | "sub"
                | "sup"
                | "table"
                | "tt"
                | "u"
                | "ul"
                | "var"
        );
    c
}

const NONE: u32 = u32::MAX;

/// One open element of the model, with the nearest frames of each kind at or below it, so
/// that every scope question is answered in constant time.
#[derive(Clone, Copy)]
struct Frame {
    name: u32,
    foreign: bool,
    /// Index of the previous open frame with the same name.
    prev_same: u32,
    /// Nearest frame (at or below) that bounds the default scope / button scope / list-item
    /// scope / table scope, that is special, that is special other than
    /// `address`/`div`/`p`/`li`/`dd`/`dt`, that is a heading, that is a foreign root.
    scope: u32,
    button: u32,
    list: u32,
    table: u32,
    special: u32,
    block: u32,
    heading: u32,
    foreign_root: u32,
}

/// An entry of the list of active formatting elements.
#[derive(Clone, Copy)]
enum Entry {
    Marker,
    /// Name, attribute hash (for Noah's Ark), and whether its element is open.
    Element {
        name: u32,
        attrs: u64,
        open: bool,
    },
}

/// Known tag names by id.
struct Names {
    ids: HashMap<Box<[u8]>, u32, foldhash::fast::RandomState>,
    strs: Vec<Box<str>>,
    classes: Vec<Class>,
    /// Topmost open frame per name.
    last: Vec<u32>,
    /// Start tags dropped whose end tag is still to come.
    dropped: Vec<u32>,
}

impl Names {
    fn id(&mut self, lower: &[u8]) -> u32 {
        if let Some(&id) = self.ids.get(lower) {
            return id;
        }
        let id = self.classes.len() as u32;
        let s = String::from_utf8_lossy(lower);
        self.classes.push(classify(&s));
        self.strs.push(s.into());
        self.last.push(NONE);
        self.dropped.push(0);
        self.ids.insert(lower.into(), id);
        id
    }
}

/// A tag as read from the page.
struct Tag {
    end: bool,
    name: u32,
    self_closing: bool,
    attrs: u64,
    /// Byte offset just after the last attribute kept, when some were cut.
    cut_at: Option<usize>,
    /// One past the tag's `>`.
    stop: usize,
}

struct Pass<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The rewritten page so far (made on the first change) and how much of `src` it covers.
    out: Option<String>,
    copied: usize,
    names: Names,
    stack: Vec<Frame>,
    formatting: Vec<Entry>,
    /// Elements the tree builder may still re-create for closed formatting elements; past it,
    /// closed ones get an end tag that removes them from its list instead.
    reconstruct_budget: usize,
    /// Where the token being read starts (injected end tags go there).
    at: usize,
    lower: Vec<u8>,
    id_br: u32,
    id_p: u32,
    id_li: u32,
    id_dd: u32,
    id_dt: u32,
    id_a: u32,
    id_tr: u32,
    id_table: u32,
    id_option: u32,
    id_optgroup: u32,
    id_button: u32,
    id_tbody: u32,
    id_thead: u32,
    id_tfoot: u32,
    id_td: u32,
    id_th: u32,
    id_font: u32,
    id_svg: u32,
    id_math: u32,
    id_script: u32,
    id_plaintext: u32,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

impl<'a> Pass<'a> {
    fn new(src: &'a str) -> Self {
        let mut names = Names {
            ids: HashMap::default(),
            strs: Vec::new(),
            classes: Vec::new(),
            last: Vec::new(),
            dropped: Vec::new(),
        };
        let mut id = |n: &str| names.id(n.as_bytes());
        let id_html = id("html");
        let id_br = id("br");
        let (id_p, id_li, id_dd, id_dt, id_a, id_tr, id_table) =
            (id("p"), id("li"), id("dd"), id("dt"), id("a"), id("tr"), id("table"));
        let (id_option, id_optgroup, id_button, id_tbody, id_thead, id_tfoot) =
            (id("option"), id("optgroup"), id("button"), id("tbody"), id("thead"), id("tfoot"));
        let (id_td, id_th, id_font, id_svg, id_math, id_script, id_plaintext) =
            (id("td"), id("th"), id("font"), id("svg"), id("math"), id("script"), id("plaintext"));
        let mut p = Pass {
            id_br,
            src,
            bytes: src.as_bytes(),
            pos: 0,
            out: None,
            copied: 0,
            names,
            stack: Vec::with_capacity(64),
            formatting: Vec::new(),
            reconstruct_budget: src.len() / 64 + 1024,
            at: 0,
            lower: Vec::new(),
            id_p,
            id_li,
            id_dd,
            id_dt,
            id_a,
            id_tr,
            id_table,
            id_option,
            id_optgroup,
            id_button,
            id_tbody,
            id_thead,
            id_tfoot,
            id_td,
            id_th,
            id_font,
            id_svg,
            id_math,
            id_script,
            id_plaintext,
        };
        // `html` is always open at the bottom (a scope boundary for every scope).
        p.push(id_html, false);
        p
    }

    // ------------------------------------------------------------------ output

    /// Adds `text` before `src[at..]`.
    fn inject(&mut self, at: usize, text: &str) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.src.len()));
        out.push_str(&self.src[self.copied..at]);
        out.push_str(text);
        self.copied = at;
    }

    /// Leaves out `src[from..to]` (a dropped tag or its cut attributes).
    fn skip(&mut self, from: usize, to: usize) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.src.len()));
        out.push_str(&self.src[self.copied..from]);
        self.copied = to;
    }

    // ------------------------------------------------------------------ model

    fn top(&self) -> &Frame {
        // `html` is never popped.
        &self.stack[self.stack.len() - 1]
    }

    fn class(&self, name: u32) -> Class {
        self.names.classes[name as usize]
    }

    fn push(&mut self, name: u32, foreign: bool) {
        let i = self.stack.len() as u32;
        let c = self.class(name);
        let below = self.stack.last().copied();
        let inherit = |f: fn(&Frame) -> u32| below.as_ref().map_or(NONE, f);
        let pick = |yes: bool, f: fn(&Frame) -> u32| if yes { i } else { inherit(f) };
        let html_scope = c.scope && !foreign;
        let frame = Frame {
            name,
            foreign,
            prev_same: self.names.last[name as usize],
            scope: pick(html_scope, |f| f.scope),
            button: pick(html_scope || name == self.id_button, |f| f.button),
            list: pick(html_scope || (!foreign && c.list), |f| f.list),
            table: pick(!foreign && c.table, |f| f.table),
            special: pick(c.special && !foreign, |f| f.special),
            block: pick(c.special && !foreign && !c.loose, |f| f.block),
            heading: pick(c.heading && !foreign, |f| f.heading),
            foreign_root: pick(foreign && !below.is_some_and(|b| b.foreign), |f| f.foreign_root),
        };
        self.names.last[name as usize] = i;
        self.stack.push(frame);
    }

    fn lower_name(&self, name: u32) -> &str {
        &self.names.strs[name as usize]
    }

    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        if let Some(f) = self.stack.pop() {
            self.names.last[f.name as usize] = f.prev_same;
            // A formatting element closed without its end tag stays in the list, closed.
            for e in self.formatting.iter_mut().rev() {
                match e {
                    Entry::Marker => break,
                    Entry::Element { name, open, .. } if *name == f.name && *open => {
                        *open = false;
                        break;
                    }
                    _ => {}
                }
            }
        }
    }

    /// Pops frames until the one at `index` is popped.
    fn pop_through(&mut self, index: u32) {
        while self.stack.len() > index as usize && self.stack.len() > 1 {
            self.pop();
        }
    }

    fn last(&self, name: u32) -> u32 {
        self.names.last[name as usize]
    }

    fn present(&self, name: u32) -> bool {
        self.last(name) != NONE
    }

    /// `name` is open above every frame of the kind `bound` picks from the top frame.
    fn in_scope(&self, name: u32, bound: fn(&Frame) -> u32) -> bool {
        let at = self.last(name);
        at != NONE && {
            let b = bound(self.top());
            b == NONE || at >= b
        }
    }

    fn clear_formatting_to_marker(&mut self) {
        while let Some(e) = self.formatting.pop() {
            if matches!(e, Entry::Marker) {
                break;
            }
        }
    }

    fn active_after_marker(&self) -> usize {
        self.formatting.iter().rev().take_while(|e| !matches!(e, Entry::Marker)).count()
    }

    /// Re-opens the closed active formatting elements before text or a start tag, as the
    /// tree builder does.
    fn reconstruct(&mut self) {
        let Some(Entry::Element { open: false, .. }) = self.formatting.last() else { return };
        let mut first = self.formatting.len() - 1;
        while first > 0 {
            match self.formatting[first - 1] {
                Entry::Element { open: false, .. } => first -= 1,
                _ => break,
            }
        }
        let count = self.formatting.len() - first;
        if count > self.reconstruct_budget {
            // Each re-created element costs the tree builder a scan of its stack and one more
            // node; a page that keeps closing and re-opening them (`<p><b><i>…</p><p>x`)
            // would multiply its size. End tags remove them from the tree builder's list.
            let mut ends = String::new();
            for e in self.formatting.drain(first..).rev() {
                if let Entry::Element { name, .. } = e {
                    ends.push_str("</");
                    ends.push_str(&self.names.strs[name as usize]);
                    ends.push('>');
                }
            }
            self.inject(self.at, &ends);
            return;
        }
        self.reconstruct_budget -= count;
        for k in first..self.formatting.len() {
            if let Entry::Element { name, .. } = self.formatting[k] {
                self.push(name, false);
                if let Entry::Element { open, .. } = &mut self.formatting[k] {
                    *open = true;
                }
            }
        }
    }

    /// Removes the active entry of `name` after the last marker; whether there was one.
    fn remove_active(&mut self, name: u32) -> bool {
        for k in (0..self.formatting.len()).rev() {
            match self.formatting[k] {
                Entry::Marker => return false,
                Entry::Element { name: n, .. } if n == name => {
                    self.formatting.remove(k);
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// Closes the topmost `name` the way an end tag in scope does; whether it was open.
    fn close_if_open(&mut self, name: u32, bound: fn(&Frame) -> u32) -> bool {
        if self.in_scope(name, bound) {
            self.pop_through(self.last(name));
            true
        } else {
            false
        }
    }

    fn in_foreign(&self) -> bool {
        self.top().foreign
    }

    fn foreign_open(&self) -> bool {
        self.top().foreign_root != NONE
    }

    /// A start tag: whether to keep it, and updates the model.
    fn start(&mut self, tag: &Tag) -> bool {
        let name = tag.name;
        let c = self.class(name);
        if self.in_foreign() {
            let font_breaks = name == self.id_font && tag.attrs & FONT_BREAKOUT != 0;
            if c.breakout || font_breaks {
                while self.in_foreign() && self.stack.len() > 1 {
                    self.pop();
                }
            } else {
                if !tag.self_closing {
                    if self.stack.len() >= MAX_DEPTH {
                        return false;
                    }
                    self.push(name, true);
                }
                return true;
            }
        }
        if c.root {
            return true;
        }
        if c.void {
            self.reconstruct();
            return true;
        }
        // Implied end tags.
        if c.closes_p {
            self.close_if_open(self.id_p, |f| f.button);
        }
        if name == self.id_li {
            let at = self.last(self.id_li);
            if at != NONE && (self.top().block == NONE || at > self.top().block) {
                self.pop_through(at);
            }
        } else if name == self.id_dd || name == self.id_dt {
            let at = self.last(self.id_dd).max_or(self.last(self.id_dt));
            if at != NONE && (self.top().block == NONE || at > self.top().block) {
                self.pop_through(at);
            }
        } else if c.heading {
            if self.class(self.top().name).heading && !self.top().foreign {
                self.pop();
            }
        } else if name == self.id_option || name == self.id_optgroup {
            if self.top().name == self.id_option {
                self.pop();
            }
            if name == self.id_optgroup && self.top().name == self.id_optgroup {
                self.pop();
            }
        } else if name == self.id_button {
            self.close_if_open(self.id_button, |f| f.scope);
        } else if name == self.id_a && self.remove_active(self.id_a) {
            let at = self.last(self.id_a);
            if at != NONE && (self.top().special == NONE || at > self.top().special) {
                self.pop_through(at);
            }
        }
        // Table parts only count inside a table; the tree builder adds the implied ones.
        if c.table_part {
            if !self.present(self.id_table) {
                return true; // ignored by the tree builder
            }
            let table = self.last(self.id_table);
            let above = |p: &Self, n: u32| p.last(n) != NONE && p.last(n) > table;
            if name == self.id_td || name == self.id_th {
                for cell in [self.id_td, self.id_th] {
                    if above(self, cell) {
                        self.pop_through(self.last(cell));
                    }
                }
                if !above(self, self.id_tr) {
                    if !(above(self, self.id_tbody) || above(self, self.id_thead) || above(self, self.id_tfoot)) {
                        if !self.fits() {
                            return false;
                        }
                        self.push(self.id_tbody, false);
                    }
                    if !self.fits() {
                        return false;
                    }
                    self.push(self.id_tr, false);
                }
            } else if name == self.id_tr {
                if above(self, self.id_tr) {
                    self.pop_through(self.last(self.id_tr));
                }
                if !(above(self, self.id_tbody) || above(self, self.id_thead) || above(self, self.id_tfoot)) {
                    if !self.fits() {
                        return false;
                    }
                    self.push(self.id_tbody, false);
                }
            } else if name == self.id_tbody || name == self.id_thead || name == self.id_tfoot {
                for s in [self.id_tbody, self.id_thead, self.id_tfoot] {
                    if above(self, s) {
                        self.pop_through(self.last(s));
                    }
                }
            }
        } else if !c.raw && !c.closes_p && name != self.id_svg && name != self.id_math {
            // As the tree builder: block-level start tags do not re-open formatting elements
            // (the text inside them does).
            self.reconstruct();
        }
        if c.formatting {
            if self.active_after_marker() >= MAX_FORMATTING {
                return false;
            }
            // Noah's Ark: at most three identical entries after the last marker.
            let mut same = 0;
            let mut earliest = None;
            for k in (0..self.formatting.len()).rev() {
                match self.formatting[k] {
                    Entry::Marker => break,
                    Entry::Element { name: n, attrs, .. } if n == name && attrs == tag.attrs => {
                        same += 1;
                        earliest = Some(k);
                    }
                    _ => {}
                }
            }
            if same >= 3 {
                if let Some(k) = earliest {
                    self.formatting.remove(k);
                }
            }
        }
        if !self.fits() {
            return false;
        }
        let foreign = name == self.id_svg || name == self.id_math;
        if foreign && tag.self_closing {
            return true;
        }
        self.push(name, foreign);
        if c.formatting {
            self.formatting.push(Entry::Element { name, attrs: tag.attrs, open: true });
        }
        if c.marker {
            self.formatting.push(Entry::Marker);
        }
        true
    }

    fn fits(&self) -> bool {
        self.stack.len() < MAX_DEPTH
    }

    /// An end tag: updates the model (always kept unless its start tag was dropped).
    fn end(&mut self, name: u32) {
        let c = self.class(name);
        if self.in_foreign() {
            let at = self.last(name);
            let root = self.top().foreign_root;
            if at != NONE && root != NONE && at >= root {
                self.pop_through(at);
                return;
            }
        }
        if c.root || name == self.id_br {
            return;
        }
        if name == self.id_p {
            self.close_if_open(self.id_p, |f| f.button);
        } else if name == self.id_li {
            self.close_if_open(self.id_li, |f| f.list);
        } else if c.heading {
            let h = self.top().heading;
            let scope = self.top().scope;
            if h != NONE && (scope == NONE || h >= scope) {
                self.pop_through(h);
            }
        } else if c.formatting {
            if self.remove_active(name) {
                let at = self.last(name);
                if at != NONE && (self.top().special == NONE || at > self.top().special) {
                    self.pop_through(at);
                }
                // else: the adoption agency moves things around; the model keeps its frames
            } else {
                self.any_other_end(name);
            }
        } else if c.block_end || name == self.id_dd || name == self.id_dt {
            let bound: fn(&Frame) -> u32 = if c.scope && !c.marker || name == self.id_tr || name == self.id_tbody {
                |f| f.table
            } else {
                |f| f.scope
            };
            if self.close_if_open(name, bound) && c.marker {
                self.clear_formatting_to_marker();
            }
        } else {
            self.any_other_end(name);
        }
    }

    fn any_other_end(&mut self, name: u32) {
        let at = self.last(name);
        if at != NONE && (self.top().special == NONE || at >= self.top().special) {
            self.pop_through(at);
        }
    }

    // ------------------------------------------------------------------ tokenizer

    fn run(&mut self) {
        let n = self.bytes.len();
        while self.pos < n {
            let Some(lt) = memchr::memchr(b'<', &self.bytes[self.pos..]) else {
                self.text(self.pos, n);
                break;
            };
            let lt = self.pos + lt;
            self.text(self.pos, lt);
            self.pos = lt;
            self.at = lt;
            let next = self.bytes.get(lt + 1).copied();
            match next {
                Some(b'!') => self.markup_declaration(lt),
                Some(b'?') => self.pos = self.find_gt(lt + 2),
                Some(b'/') => match self.bytes.get(lt + 2) {
                    Some(b) if b.is_ascii_alphabetic() => self.tag(lt, true),
                    Some(b'>') => self.pos = lt + 3,
                    Some(_) => self.pos = self.find_gt(lt + 2),
                    None => self.pos = n,
                },
                Some(b) if b.is_ascii_alphabetic() => self.tag(lt, false),
                _ => {
                    self.text(lt, lt + 1);
                    self.pos = lt + 1;
                }
            }
        }
    }

    /// Text between tags: the tree builder re-opens closed formatting elements for it.
    fn text(&mut self, from: usize, to: usize) {
        self.at = from;
        if to > from && !self.in_foreign() {
            self.reconstruct();
        }
    }

    /// One past the next `>` at or after `from`, or the end.
    fn find_gt(&self, from: usize) -> usize {
        match memchr::memchr(b'>', self.bytes.get(from..).unwrap_or(&[])) {
            Some(i) => from + i + 1,
            None => self.bytes.len(),
        }
    }

    /// One past the end of a comment whose text starts at `from`: the first `-->` or `--!>`.
    fn comment_end(&self, from: usize) -> usize {
        let b = self.bytes;
        let mut i = from;
        while let Some(j) = memchr::memchr(b'-', b.get(i..).unwrap_or(&[])) {
            let at = i + j;
            if b.get(at + 1) == Some(&b'-') {
                match b.get(at + 2) {
                    Some(b'>') => return at + 3,
                    Some(b'!') if b.get(at + 3) == Some(&b'>') => return at + 4,
                    _ => {}
                }
            }
            i = at + 1;
        }
        b.len()
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        memchr::memmem::find(self.bytes.get(from..)?, needle).map(|i| from + i)
    }

    fn markup_declaration(&mut self, lt: usize) {
        let rest = &self.bytes[lt..];
        if rest.starts_with(b"<!--") {
            // `<!-->` and `<!--->` end at once; otherwise at `-->` (or `--!>`), or the end.
            self.pos = self.comment_end(lt + 2);
        } else if self.in_foreign() && rest.starts_with(b"<![CDATA[") {
            self.pos = self.find(lt + 9, b"]]>").map_or(self.bytes.len(), |i| i + 3);
        } else {
            self.pos = self.find_gt(lt + 2);
        }
    }

    /// Reads a tag at `lt` (`<` or `</` then a letter), applies it, and skips raw text after
    /// a raw-text start tag.
    fn tag(&mut self, lt: usize, end: bool) {
        let Some(tag) = self.read_tag(lt, end) else {
            // The file ends inside the tag: the tokenizer drops it.
            self.pos = self.bytes.len();
            return;
        };
        self.pos = tag.stop;
        if tag.end {
            let d = &mut self.names.dropped[tag.name as usize];
            if *d > 0 {
                *d -= 1;
                self.skip(lt, tag.stop);
                return;
            }
            self.end(tag.name);
            if let Some(cut) = tag.cut_at {
                self.skip(cut, tag.stop - 1);
            }
            return;
        }
        let keep = self.start(&tag);
        if !keep {
            self.names.dropped[tag.name as usize] += 1;
            self.skip(lt, tag.stop);
            return;
        }
        if let Some(cut) = tag.cut_at {
            // Keep `<name attr…` up to the last kept attribute, then the tag's own end.
            let close = if tag.self_closing { tag.stop - 2 } else { tag.stop - 1 };
            self.skip(cut, close);
        }
        let c = self.class(tag.name);
        if tag.name == self.id_plaintext && !self.foreign_open() {
            self.pos = self.bytes.len();
        } else if c.raw && !self.foreign_open() {
            self.raw_text(tag.name);
            // The end tag (if any) closes the element.
            self.pop_named(tag.name);
        }
    }

    fn pop_named(&mut self, name: u32) {
        let at = self.last(name);
        if at != NONE {
            self.pop_through(at);
        }
    }

    /// Skips the content of a raw-text element up to (not including) its end tag.
    fn raw_text(&mut self, name: u32) {
        let name_bytes: Vec<u8> = self.lower_name(name).as_bytes().to_vec();
        if name == self.id_script {
            self.script_data();
            return;
        }
        let mut from = self.pos;
        while let Some(j) = memchr::memchr(b'<', self.bytes.get(from..).unwrap_or(&[])) {
            let i = from + j;
            if self.bytes.get(i + 1) == Some(&b'/') && self.is_end_tag_of(i, &name_bytes) {
                self.pos = i;
                return;
            }
            from = i + 1;
        }
        self.pos = self.bytes.len();
    }

    /// `</name` at `i`, followed by whitespace, `/` or `>` (case-insensitive).
    fn is_end_tag_of(&self, i: usize, name: &[u8]) -> bool {
        let b = self.bytes;
        let s = i + 2;
        b.len() > s + name.len()
            && b[s..s + name.len()].eq_ignore_ascii_case(name)
            && matches!(b[s + name.len()], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
    }

    /// Script data with its escaped and double-escaped states (`<!--<script>…</script>-->`).
    fn script_data(&mut self) {
        let b = self.bytes;
        let n = b.len();
        #[derive(PartialEq)]
        enum S {
            Data,
            Escaped,
            Double,
        }
        let mut s = S::Data;
        let mut i = self.pos;
        while i < n {
            let Some(j) = memchr::memchr2(b'<', b'-', &b[i..]) else { break };
            i += j;
            if b[i] == b'-' {
                if b[i..].starts_with(b"-->") {
                    s = S::Data;
                    i += 3;
                } else {
                    i += 1;
                }
                continue;
            }
            if s == S::Data && b[i..].starts_with(b"<!--") {
                s = S::Escaped;
                // `<!--` and `-->` may share dashes: `<!-->` stays escaped per the standard
                i += 4;
                continue;
            }
            if s != S::Double && self.is_end_tag_of(i, b"script") {
                self.pos = i;
                return;
            }
            if s == S::Escaped && b.len() > i + 7 && b[i + 1..i + 7].eq_ignore_ascii_case(b"script") {
                if matches!(b[i + 7], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>') {
                    s = S::Double;
                }
            } else if s == S::Double && self.is_end_tag_of(i, b"script") {
                s = S::Escaped;
            }
            i += 1;
        }
        self.pos = n;
    }

    /// Reads the tag at `lt`; `None` when the input ends inside it.
    fn read_tag(&mut self, lt: usize, end: bool) -> Option<Tag> {
        let b = self.bytes;
        let n = b.len();
        let mut i = lt + if end { 2 } else { 1 };
        let name_start = i;
        while i < n && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        self.lower.clear();
        self.lower.extend(b[name_start..i].iter().map(u8::to_ascii_lowercase));
        let lower = std::mem::take(&mut self.lower);
        let name = self.names.id(&lower);
        let is_font = name == self.id_font;
        // Only formatting elements need their attributes compared (Noah's Ark).
        let hashed = !end && self.class(name).formatting;
        self.lower = lower;
        let mut count = 0usize;
        let mut attrs = 0u64;
        // End of the last attribute kept, once there is one more than the limit.
        let mut kept_end = 0usize;
        let mut self_closing = false;
        loop {
            while i < n && is_ws(b[i]) {
                i += 1;
            }
            if i >= n {
                return None;
            }
            match b[i] {
                b'>' => {
                    let cut_at = (count > MAX_ATTRIBUTES).then_some(kept_end);
                    return Some(Tag { end, name, self_closing, attrs, cut_at, stop: i + 1 });
                }
                b'/' => {
                    i += 1;
                    if i < n && b[i] == b'>' {
                        self_closing = true;
                        let cut_at = (count > MAX_ATTRIBUTES).then_some(kept_end);
                        return Some(Tag { end, name, self_closing, attrs, cut_at, stop: i + 1 });
                    }
                    continue;
                }
                _ => {}
            }
            // An attribute name (a leading `=` belongs to it).
            let an = i;
            i += 1;
            while i < n && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let attr_name = &b[an..i];
            let mut j = i;
            while j < n && is_ws(b[j]) {
                j += 1;
            }
            let mut value: &[u8] = &[];
            if j < n && b[j] == b'=' {
                j += 1;
                while j < n && is_ws(b[j]) {
                    j += 1;
                }
                if j >= n {
                    return None;
                }
                match b[j] {
                    q @ (b'"' | b'\'') => {
                        let close = memchr::memchr(q, &b[j + 1..])?;
                        value = &b[j + 1..j + 1 + close];
                        j = j + 1 + close + 1;
                    }
                    b'>' => {}
                    _ => {
                        let vs = j;
                        while j < n && !is_ws(b[j]) && b[j] != b'>' {
                            j += 1;
                        }
                        value = &b[vs..j];
                    }
                }
                i = j;
            }
            count += 1;
            if count <= MAX_ATTRIBUTES {
                if hashed {
                    attrs = attrs.wrapping_add(attr_hash(attr_name, value));
                }
                if is_font && FONT_ATTRS.iter().any(|a| attr_name.eq_ignore_ascii_case(a)) {
                    attrs |= FONT_BREAKOUT;
                }
                kept_end = i;
            }
        }
    }
}

/// The attributes of `font` that make it leave foreign content.
const FONT_ATTRS: [&[u8]; 3] = [b"color", b"face", b"size"];
/// A bit of the attribute hash reserved for "font with a breakout attribute".
const FONT_BREAKOUT: u64 = 1;

/// An order-independent hash of one attribute (Noah's Ark compares sets of attributes).
fn attr_hash(name: &[u8], value: &[u8]) -> u64 {
    let mut h = xxhash_rust::xxh3::xxh3_64(name);
    h ^= xxhash_rust::xxh3::xxh3_64(value).rotate_left(17);
    h & !FONT_BREAKOUT
}

trait MaxOr {
    fn max_or(self, other: u32) -> u32;
}

impl MaxOr for u32 {
    /// The larger of two indices where `NONE` means absent.
    fn max_or(self, other: u32) -> u32 {
        match (self == NONE, other == NONE) {
            (true, _) => other,
            (_, true) => self,
            _ => self.max(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unchanged(html: &str) {
        assert!(matches!(bound(html), Cow::Borrowed(_)), "changed: {html}");
    }

    /// Depth of the deepest element html5ever builds.
    fn parsed_depth(html: &str) -> usize {
        let doc = scraper::Html::parse_document(html);
        doc.tree.root().descendants().map(|n| n.ancestors().count()).max().unwrap_or(0)
    }

    #[test]
    fn ordinary_markup_is_left_alone() {
        unchanged(
            "<!DOCTYPE html><html><head><title>a < b</title></head><body><p>one<p>two<ul><li>a<li>b</ul></body></html>",
        );
        unchanged("<table><tr><td>1<td>2<tr><td>3</table><p>x <b>y</b> <a href='/z'>z</a>");
        unchanged("<svg><path d='M0 0'/><g><circle r=1 /></g></svg><math><mi>x</mi></math>");
        unchanged(&format!(
            "<div {}>x</div>",
            (0..MAX_ATTRIBUTES).map(|i| format!("a{i}=1")).collect::<Vec<_>>().join(" ")
        ));
        // Markup inside comments, scripts, styles and textareas is text to the parser.
        let inner = "<div>".repeat(MAX_DEPTH * 4);
        unchanged(&format!("<!-- {inner} --><script>var s = '{inner}';</script><style>/*{inner}*/</style>"));
        unchanged(&format!("<textarea>{inner}</textarea><title>{inner}</title><xmp>{inner}</xmp>"));
        unchanged(&format!("<script><!--<script>{inner}</script>{inner}--></script><p>after"));
        // Implied end tags keep long flat pages shallow.
        unchanged(&"<p>para ".repeat(MAX_DEPTH * 4));
        unchanged(&format!("<ul>{}</ul>", "<li>item ".repeat(MAX_DEPTH * 4)));
        unchanged(&format!("<select>{}</select>", "<option>o".repeat(MAX_DEPTH * 4)));
        unchanged(&format!("<dl>{}</dl>", "<dt>t<dd>d".repeat(MAX_DEPTH * 4)));
        unchanged(&format!("<table>{}</table>", "<tr><td>a<td>b".repeat(MAX_DEPTH * 4)));
        unchanged(&"<p><b>bold</p><p>still bold".repeat(64));
        unchanged(&"<a href=1>one <a href=2>two ".repeat(MAX_DEPTH * 4));
        unchanged(&format!("{}x{}", "<div>".repeat(MAX_DEPTH - 2), "</div>".repeat(MAX_DEPTH - 2)));
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit_and_the_text_kept() {
        let n = 20_000;
        let deep = "نص عميق في الصفحة، تحت عشرين ألف عنصر متداخل، يبقى كما هو في النتيجة.";
        let after = "وهذه فقرة بعد العناصر المتداخلة كلها، وهي أيضا جزء من نص المقال.";
        let html = format!("<body>{}<p>{deep}</p>{}<p>{after}</p>", "<div>".repeat(n), "</div>".repeat(n));
        let out = bound(&html);
        assert!(out.len() < html.len() / 10, "{} bytes left", out.len());
        // `<p>` would be deeper than the limit: its text stays in the element at the limit.
        assert!(out.contains(&format!(">{deep}</div>")) && out.ends_with(&format!("<p>{after}</p>")));
        assert!(parsed_depth(&out) <= MAX_DEPTH + 4);
        let text = crate::html::extract(&html, None).blocks.into_iter().map(|b| b.text).collect::<Vec<_>>();
        assert_eq!(text, [deep, after]);
    }

    #[test]
    fn other_deep_shapes_stay_within_the_limit() {
        let shapes = [
            "<ul><li>".repeat(5000),
            "<table><tr><td>".repeat(5000),
            "<span>".repeat(5000),
            "<b>".repeat(5000),
            format!("<svg>{}", "<g>".repeat(5000)),
            format!("<svg><style>{}", "<div>".repeat(5000)),
            "<div><span></div>".repeat(5000),
            (0..5000).map(|i| format!("<font color={i}>")).collect(),
        ];
        for html in &shapes {
            let depth = parsed_depth(&bound(html));
            assert!(depth <= MAX_DEPTH + MAX_FORMATTING + 8, "{depth} for {}…", &html[..40]);
        }
    }

    #[test]
    fn dropped_start_tags_take_their_end_tags_along() {
        let html = format!("{}x{}<p>y</p>", "<section>".repeat(MAX_DEPTH + 10), "</section>".repeat(MAX_DEPTH + 10));
        let out = bound(&html);
        assert_eq!(out.matches("<section>").count(), out.matches("</section>").count());
        assert!(out.ends_with("</section><p>y</p>"));
    }

    #[test]
    fn attributes_beyond_the_limit_are_cut() {
        let attrs: Vec<String> = (0..1000).map(|i| format!("a{i}=\"v>{i}\"")).collect();
        let html = format!("<div {} class=late>x</div><br {}/>", attrs.join(" "), attrs.join(" "));
        let out = bound(&html);
        let doc = scraper::Html::parse_document(&out);
        let div = doc.select(&scraper::Selector::parse("div").unwrap()).next().unwrap();
        assert_eq!(div.value().attrs().count(), MAX_ATTRIBUTES);
        assert_eq!(div.value().attr("a63"), Some("v>63"));
        assert_eq!(div.text().collect::<String>(), "x");
        assert!(out.contains("a63=\"v>63\"/>"), "the self-closing slash stays");
    }

    #[test]
    fn runaway_formatting_elements_are_bounded() {
        // Distinct formatting elements left open, then closed and re-created in every paragraph.
        let fmt: String = (0..50).map(|i| format!("<b id={i}>")).collect();
        let html = format!("<p>{fmt}x{}", "</p><p>x".repeat(5000));
        let out = bound(&html);
        let doc = scraper::Html::parse_document(&out);
        let elements = doc.tree.root().descendants().filter(|n| n.value().is_element()).count();
        // Without the bound every paragraph would hold 50 re-created <b>s (250 000 elements).
        assert!(elements < 5000 * 4, "{elements} elements");
        let x = doc.root_element().text().filter(|t| *t == "x").count();
        assert_eq!(x, 5001, "every paragraph's text is kept");
    }
}
