//! Choosing the main content: readability-style scores over the flat runs, the best container
//! and its like-looking siblings, then block-level filtering of what is left inside.

use super::flatten::{Flat, Run, FURN_CLASS, FURN_TAG, NONE};
use super::patterns::Tag;
use crate::document::{Block, BlockKind};

/// Per-element text totals over the runs that count.
struct Agg {
    text: Vec<u32>,
    link: Vec<u32>,
    /// Text in runs that read like article paragraphs (long enough, few links).
    good: Vec<u32>,
    /// Text in headings.
    head: Vec<u32>,
}

impl Agg {
    fn density(&self, i: usize) -> f32 {
        let t = self.text[i];
        if t == 0 {
            0.0
        } else {
            self.link[i] as f32 / t as f32
        }
    }
}

fn aggregate(flat: &Flat<'_>, mask: u8) -> Agg {
    let n = flat.els.len();
    let mut text = vec![0u32; n];
    let mut link = vec![0u32; n];
    let mut good = vec![0u32; n];
    let mut head = vec![0u32; n];
    for r in &flat.runs {
        if r.furn & mask != 0 || r.owner == NONE {
            continue;
        }
        let o = r.owner as usize;
        text[o] += r.chars;
        link[o] += r.link_chars;
        if is_good(r) {
            good[o] += r.chars;
        } else if r.kind == BlockKind::Heading {
            head[o] += r.chars;
        }
    }
    for i in (0..n).rev() {
        let p = flat.els[i].parent;
        if p != NONE {
            text[p as usize] += text[i];
            link[p as usize] += link[i];
            good[p as usize] += good[i];
            head[p as usize] += head[i];
        }
    }
    Agg { text, link, good, head }
}

/// A run that reads like a paragraph of prose.
fn is_good(r: &Run) -> bool {
    matches!(r.kind, BlockKind::Paragraph | BlockKind::Quote | BlockKind::Preformatted)
        && r.chars >= 60
        && r.link_chars * 4 < r.chars
}

fn is_para(tag: Tag) -> bool {
    matches!(tag, Tag::Para(..))
}

/// The main-content blocks of the page in reading order.
pub fn main_blocks(flat: &Flat<'_>) -> Vec<Block> {
    let strict = extract_with(flat, FURN_TAG | FURN_CLASS);
    let strict_chars: usize = strict.iter().map(|b| b.text.chars().count()).sum();
    if strict_chars >= 250 {
        return strict;
    }
    let loose = extract_with(flat, FURN_TAG);
    let loose_chars: usize = loose.iter().map(|b| b.text.chars().count()).sum();
    let chosen = if loose_chars > strict_chars * 2 { loose } else { strict };
    if chosen.is_empty() {
        fallback(flat)
    } else {
        chosen
    }
}

/// When the scored passes find nothing (text in table cells or `<br>`-separated runs too
/// short to score, a page whose every container looks like furniture by its class): the
/// runs that read like prose anywhere outside tag-level furniture (navigation, asides,
/// footers), in reading order. A general rule, keyed on no site.
pub(super) fn fallback(flat: &Flat<'_>) -> Vec<Block> {
    let prose = |r: &Run, min: u32| {
        r.furn & FURN_TAG == 0
            && r.kind != BlockKind::Heading
            && weighted_chars(&r.text) >= min
            && r.link_chars * 3 < r.chars
    };
    let mut out: Vec<Block> =
        flat.runs.iter().filter(|r| prose(r, 80)).map(|r| Block::new(r.kind, r.text.clone())).collect();
    if out.is_empty() {
        // Short pages: their longest prose-like run.
        if let Some(r) = flat.runs.iter().filter(|r| prose(r, 30)).max_by_key(|r| weighted_chars(&r.text)) {
            out.push(Block::new(r.kind, r.text.clone()));
        }
    }
    out
}

/// Characters, with those of scripts written without spaces (Han, kana) counted twice: a
/// Chinese sentence says in 20 characters what an alphabetic one says in 40 or more.
pub(crate) fn weighted_chars(text: &str) -> u32 {
    text.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum()
}

/// Han ideographs, kana and their punctuation: scripts that put no spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
}

/// Development aid: the best candidates and the chosen container, one per line.
#[cfg(test)]
pub fn explain(flat: &Flat<'_>) -> String {
    let mut s = String::new();
    for mask in [FURN_TAG | FURN_CLASS, FURN_TAG] {
        let (blocks, trace) = extract_traced(flat, mask);
        let chars: usize = blocks.iter().map(|b| b.text.chars().count()).sum();
        s.push_str(&format!("mask {mask}: {chars} chars\n{trace}"));
    }
    s
}

fn extract_with(flat: &Flat<'_>, mask: u8) -> Vec<Block> {
    extract_traced(flat, mask).0
}

fn describe(flat: &Flat<'_>, i: usize) -> String {
    let e = &flat.els[i];
    format!("#{i} <{} class={:?}>", e.name, e.class.chars().take(60).collect::<String>())
}

fn extract_traced(flat: &Flat<'_>, mask: u8) -> (Vec<Block>, String) {
    let mut trace = String::new();
    let els = &flat.els;
    let n = els.len();
    if n == 0 {
        return (Vec::new(), trace);
    }
    let agg = aggregate(flat, mask);

    // Readability-style content scores.
    let mut score = vec![0f32; n];
    let mut touched = vec![false; n];
    for r in &flat.runs {
        if r.furn & mask != 0 || r.owner == NONE || r.chars < 25 {
            continue;
        }
        if !matches!(r.kind, BlockKind::Paragraph | BlockKind::Quote | BlockKind::Preformatted | BlockKind::Other) {
            continue;
        }
        let owner = r.owner as usize;
        let target = if is_para(els[owner].tag) { els[owner].parent } else { r.owner };
        let s = 1.0 + r.commas.min(20) as f32 + (r.chars as f32 / 100.0).floor().min(3.0);
        let mut cur = target;
        let mut level = 0;
        while cur != NONE && level < 5 {
            let c = cur as usize;
            if !touched[c] {
                touched[c] = true;
                // Tag and class hints count fully only for elements with some text.
                let prior =
                    super::patterns::tag_prior(els[c].name) + els[c].weight + if els[c].body_hint { 30.0 } else { 0.0 };
                score[c] = prior * (agg.text[c] as f32 / 250.0).min(1.0);
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[c] += s / div;
            cur = els[c].parent;
            level += 1;
        }
    }
    let mut fin = vec![f32::MIN; n];
    let mut best: Option<usize> = None;
    for i in 0..n {
        if !touched[i] {
            continue;
        }
        fin[i] = score[i] * (1.0 - agg.density(i));
        if best.is_none_or(|b| fin[i] > fin[b]) {
            best = Some(i);
        }
    }

    let mut selected = vec![false; n];
    match best {
        None => {
            // No paragraph worth scoring: keep everything that is not furniture.
            if let Some(s) = selected.first_mut() {
                *s = true;
            }
        }
        Some(top) => {
            if cfg!(test) {
                let mut order: Vec<usize> = (0..n).filter(|&i| touched[i]).collect();
                order.sort_by(|&a, &b| fin[b].total_cmp(&fin[a]));
                for &i in order.iter().take(8) {
                    trace.push_str(&format!(
                        "  cand {:.1} (raw {:.1}, text {}, ld {:.2}) {}\n",
                        fin[i],
                        score[i],
                        agg.text[i],
                        agg.density(i),
                        describe(flat, i)
                    ));
                }
            }
            let top = refine_top(flat, &agg, &fin, top);
            let top = extend_top(flat, &agg, top);
            if cfg!(test) {
                let mut a = top;
                while a != NONE as usize {
                    trace.push_str(&format!(
                        "  up text {} good {} link {} {}\n",
                        agg.text[a],
                        agg.good[a],
                        agg.link[a],
                        describe(flat, a)
                    ));
                    let p = els[a].parent;
                    if p == NONE {
                        break;
                    }
                    a = p as usize;
                }
                trace.push_str(&format!("  top {}\n", describe(flat, top)));
            }
            selected[top] = true;
            include_siblings(flat, &agg, &fin, top, &mut selected, mask);
        }
    }

    // Inside the selection: drop link-dense containers and furniture.
    let mut inside = vec![false; n];
    let mut dense = vec![false; n];
    for i in 0..n {
        let p = els[i].parent;
        let pin = p != NONE && inside[p as usize];
        inside[i] = selected[i] || pin;
        if !inside[i] {
            continue;
        }
        let pdense = p != NONE && dense[p as usize];
        dense[i] = pdense || (!selected[i] && link_dense(els[i].tag, els[i].name, agg.text[i], agg.density(i)));
    }
    // Runs inside the selection: kept, or dropped (link-dense, furniture, link lines).
    let mut states: Vec<(usize, bool)> = Vec::new();
    for (i, r) in flat.runs.iter().enumerate() {
        if r.owner == NONE {
            continue;
        }
        let o = r.owner as usize;
        if !inside[o] {
            continue;
        }
        let keep = r.furn & mask == 0 && !dense[o] && keep_run(r);
        states.push((i, keep));
    }
    // A lead-in (heading, short label) whose next non-lead-in run was dropped, or that ends
    // the selection, goes too: "Related stories", "Read also:", "Tags" over a dropped list.
    let mut keep_lead = vec![true; states.len()];
    let mut next_kept = false; // the end of the selection counts as dropped content
    for k in (0..states.len()).rev() {
        let (i, keep) = states[k];
        let r = &flat.runs[i];
        if keep && lead_in(r) {
            keep_lead[k] = next_kept;
        } else {
            next_kept = keep;
        }
    }
    let mut out = Vec::new();
    for (k, &(i, keep)) in states.iter().enumerate() {
        if keep && keep_lead[k] {
            let r = &flat.runs[i];
            out.push(Block::new(r.kind, r.text.clone()));
        }
    }
    (out, trace)
}

fn link_dense(tag: Tag, name: &str, text: u32, density: f32) -> bool {
    if text == 0 {
        return false;
    }
    match tag {
        Tag::Container => match name {
            "ul" | "ol" | "dl" | "menu" => density > 0.4,
            "table" | "tr" | "tbody" => density > 0.5,
            _ => density > 0.5 && text < 2000,
        },
        Tag::Para(BlockKind::ListItem, _) => density > 0.5,
        _ => false,
    }
}

/// A heading or a short line that introduces what follows rather than saying something.
fn lead_in(r: &Run) -> bool {
    r.kind == BlockKind::Heading || (r.chars <= 50 && !r.text.contains(['.', '!', '؟', '。']))
}

fn keep_run(r: &Run) -> bool {
    let ld = if r.chars == 0 { 0.0 } else { r.link_chars as f32 / r.chars as f32 };
    if ld > 0.6 && r.chars < 300 && r.kind != BlockKind::Heading {
        return false;
    }
    true
}

/// Moves the top candidate up when its best rivals share an ancestor with it, or when it is
/// the only content of its parent.
fn refine_top(flat: &Flat<'_>, agg: &Agg, fin: &[f32], top: usize) -> usize {
    let els = &flat.els;
    let top_score = fin[top];
    // Top 5 other candidates.
    let mut others: Vec<usize> = (0..els.len()).filter(|&i| i != top && fin[i] > f32::MIN).collect();
    others.sort_by(|&a, &b| fin[b].total_cmp(&fin[a]));
    others.truncate(5);
    let strong: Vec<usize> = others.into_iter().filter(|&i| fin[i] >= top_score * 0.75).collect();
    let mut cur = top;
    if strong.len() >= 3 {
        let mut a = els[top].parent;
        while a != NONE {
            let ai = a as usize;
            if els[ai].name == "body" || els[ai].name == "html" {
                break;
            }
            let within = strong.iter().filter(|&&s| s > ai && (s as u32) < els[ai].end).count();
            if within >= 3 {
                cur = ai;
                break;
            }
            a = els[ai].parent;
        }
    }
    // Climb while the parent holds nothing else.
    loop {
        let p = els[cur].parent;
        if p == NONE {
            break;
        }
        let pi = p as usize;
        if els[pi].name == "body" || els[pi].name == "html" {
            break;
        }
        if agg.text[pi] <= agg.text[cur] + agg.text[cur] / 20 + 10 {
            cur = pi;
        } else {
            break;
        }
    }
    cur
}

/// Climbs from the chosen container while each parent adds mostly paragraph text: articles
/// whose paragraphs sit in separate wrappers.
fn extend_top(flat: &Flat<'_>, agg: &Agg, top: usize) -> usize {
    let els = &flat.els;
    let mut cur = top;
    loop {
        let p = els[cur].parent;
        if p == NONE {
            break;
        }
        let pi = p as usize;
        if els[pi].name == "body" || els[pi].name == "html" {
            break;
        }
        let added = agg.text[pi] - agg.text[cur];
        let added_good = agg.good[pi] - agg.good[cur];
        let added_link = agg.link[pi] - agg.link[cur];
        let added_head = agg.head[pi] - agg.head[cur];
        // The page's own marking of its main part (main, article) is followed when it adds
        // little link text.
        let semantic = matches!(els[pi].name, "main" | "article") || els[pi].body_hint;
        let semantic_ok = semantic && added_link * 5 < added && agg.text[pi] * 2 <= agg.text[cur] * 3;
        if added == 0
            || semantic_ok
            || (added_good > 0 && added_good * 10 >= (added - added_head) * 9 && added_link * 8 < added)
        {
            cur = pi;
        } else {
            break;
        }
    }
    cur
}

fn include_siblings(flat: &Flat<'_>, agg: &Agg, fin: &[f32], top: usize, selected: &mut [bool], _mask: u8) {
    let els = &flat.els;
    let parent = els[top].parent;
    if parent == NONE {
        return;
    }
    let top_score = fin[top].max(0.0);
    let threshold = (top_score * 0.2).max(10.0);
    let pi = parent as usize;
    let mut i = pi + 1;
    let end = els[pi].end as usize;
    while i < end {
        let e = &els[i];
        let next = e.end as usize;
        if i != top && e.parent == parent {
            let mut bonus = 0.0;
            if !e.class.is_empty() && e.class == els[top].class {
                bonus = top_score * 0.2;
            }
            let keep = if fin[i] > f32::MIN && fin[i] + bonus >= threshold {
                true
            } else if matches!(e.tag, Tag::Para(BlockKind::Paragraph, _)) {
                let t = agg.text[i];
                let ld = agg.density(i);
                (t > 80 && ld < 0.25) || (t > 0 && t <= 80 && ld == 0.0 && ends_sentence(flat, i))
            } else {
                false
            };
            if keep {
                selected[i] = true;
            }
        }
        i = next.max(i + 1);
    }
}

fn ends_sentence(flat: &Flat<'_>, el: usize) -> bool {
    flat.runs
        .iter()
        .rev()
        .find(|r| r.owner as usize == el)
        .and_then(|r| r.text.chars().last())
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '؟' | '۔' | '…'))
}
