//! Cutting a page's blocks into articles.
//!
//! Walks the blocks once, in order. A «إقرأ أيضاً» marker alone on its line opens a new
//! article (the site glued another one on); an inline «اقرأ أيضا: headline» is a link and is
//! dropped. A related-list header («مقالات مشابهة») drops the bare headlines after it.
//! Date, source, tag and byline lines become the current article's metadata instead of text;
//! boilerplate lines are dropped. Each article's title is then chosen: the page's own title for
//! the main article, the headline line that opens an appended one.

use crate::boilerplate;
use crate::dates::FoundDate;
use crate::document::{Block, BlockKind, Hints, HtmlPage};
use crate::meta::{self, MetaItem};
use mirsad_model::{Basis, Published};
use mirsad_text::{display, key};
use std::collections::VecDeque;

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
    /// What the page says about itself wins over what its container (feed, WARC, JSONL) says.
    pub fn from_html(mut page: HtmlPage, hints: &Hints) -> Self {
        // Some sites fill the keywords tag with the title cut into words: not tags.
        if let Some(t) = &page.title {
            if page.keywords.len() >= 3 && key(&page.keywords.join(" ")) == key(t) {
                page.keywords.clear();
            }
        }
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
    /// A short credit line under the date naming the site («سام برس»), when the page has one.
    pub outlet: Option<String>,
}

/// How many leading blocks of an article count as its header (title, date, byline area).
const HEADER_BLOCKS: usize = 4;
/// An appended article needs at least this many words of body to be kept.
const MIN_APPENDED_WORDS: usize = 15;

#[derive(Default)]
struct Segment {
    blocks: Vec<(BlockKind, String)>,
    date: Option<FoundDate>,
    sources: Vec<String>,
    tags: Vec<String>,
    author: Option<String>,
    /// Index in `blocks` right after the last date line, to spot an outlet credit under it.
    after_date: Option<usize>,
    outlet: Option<String>,
}

/// Cuts blocks into articles. `clean_body`: the blocks are a corpus body (title given by the
/// container), not a page scrape, so no title line is looked for in the main article.
pub fn cut(blocks: Vec<Block>, page: &PageMeta, clean_body: bool) -> Vec<Cut> {
    let mut segs = vec![Segment::default()];
    let mut related_list = false;
    let mut queue: VecDeque<Block> = blocks.into();
    while let Some(b) = queue.pop_front() {
        let text = display(&b.text);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let Some(seg) = segs.last_mut() else { break };
        if let Some(rest) = boilerplate::read_also_marker(text) {
            related_list = false;
            if rest.is_empty() {
                segs.push(Segment::default());
            } else if let Some(i) = boilerplate::glued_text_start(rest) {
                // headlines glued to text that goes on: keep the text
                queue.push_front(Block::new(b.kind, &rest[i..]));
            }
            continue;
        }
        if boilerplate::is_related_list_header(text) {
            related_list = true;
            continue;
        }
        if related_list {
            if b.kind == BlockKind::ListItem || meta::is_title_like(text) || text.split_whitespace().count() < 3 {
                continue;
            }
            related_list = false;
        }
        if let Some(items) = meta::parse_line(text) {
            for item in items {
                match item {
                    MetaItem::Source(s) => seg.sources.extend(s),
                    MetaItem::Tags(t) => seg.tags.extend(t),
                    MetaItem::Date(d) => {
                        if seg.date.is_none() {
                            seg.date = d;
                        }
                        seg.after_date = Some(seg.blocks.len());
                    }
                    MetaItem::Author(a) => {
                        seg.author.get_or_insert(a);
                    }
                }
            }
            continue;
        }
        if boilerplate::is_junk_line(text) {
            continue;
        }
        let in_header = seg.blocks.len() < HEADER_BLOCKS;
        if in_header {
            // a bare date line in the header area is metadata even when the page's head
            // already gave the date
            if let Some(d) = meta::date_only_line(text) {
                seg.date.get_or_insert(d);
                seg.after_date = Some(seg.blocks.len());
                continue;
            }
        }
        let words = word_count(text);
        let is_sentence = text.ends_with(['.', '!', '?', '؟', '"', '”', '»', ')', '。', '！', '？', '」', '』']);
        if words <= 4 && !is_sentence && seg.after_date == Some(seg.blocks.len()) && seg.outlet.is_none() {
            // a short credit line right under the date line: the site's name
            seg.outlet = Some(text.to_string());
            continue;
        }
        if words <= 2 && !is_sentence && b.kind != BlockKind::Heading && !clean_body {
            // navigation crumbs, section names, lone labels
            continue;
        }
        seg.blocks.push((b.kind, boilerplate::strip_trailing_junk(text).to_string()));
    }

    let mut out = Vec::new();
    for (i, seg) in segs.into_iter().enumerate() {
        if let Some(c) = finish(seg, i == 0, page, clean_body) {
            out.push(c);
        }
    }
    out
}

/// Words of `text`: whitespace-separated, except that in scripts written without spaces
/// (Chinese, Japanese) each character counts as a word.
fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| {
            let cjk = w.chars().filter(|&c| crate::html::is_cjk(c)).count();
            cjk.max(1)
        })
        .sum()
}

fn finish(mut seg: Segment, main: bool, page: &PageMeta, clean_body: bool) -> Option<Cut> {
    let title = if main {
        match page.title.as_deref().map(meta::clean_title).filter(|t| !t.is_empty()) {
            Some(t) => {
                // the page repeats its title as the first line of the text
                if seg.blocks.len() > 1 && same_title(&seg.blocks[0].1, &t) {
                    seg.blocks.remove(0);
                }
                Some(t)
            }
            None if !clean_body && seg.blocks.len() >= 2 && meta::is_title_like(&seg.blocks[0].1) => {
                Some(meta::clean_title(&seg.blocks.remove(0).1))
            }
            None => None,
        }
    } else {
        // Headlines before the first paragraph: the last one is this article's title, any
        // before it are a list of related links.
        let first_prose = seg.blocks.iter().position(|(_, b)| !meta::is_title_like(b))?;
        let title = first_prose.checked_sub(1).map(|i| meta::clean_title(&seg.blocks[i].1));
        seg.blocks.drain(..first_prose);
        title
    };
    let author = seg.author.clone().or_else(|| if main { page.author.clone() } else { None });
    let (attribution, credited_outlet) = credits(&mut seg, author.as_deref(), page.outlet.as_deref());
    let body = seg.blocks.iter().map(|(_, b)| b.as_str()).collect::<Vec<_>>().join("\n\n");
    let words = word_count(&body);
    if words == 0 || (!main && words < MIN_APPENDED_WORDS) {
        return None;
    }
    let published = match seg.date {
        Some(d) => d.to_published(Basis::Explicit),
        // An appended article is not dated by the page it was glued onto.
        None if main => page.published.clone(),
        None => None,
    };
    let mut keywords = if main { page.keywords.iter().map(|k| display(k.trim())).collect() } else { Vec::new() };
    keywords.extend(seg.tags);
    Some(Cut {
        title,
        body,
        published,
        attribution,
        keywords: dedup_by_key(keywords),
        author,
        outlet: seg.outlet.or(credited_outlet),
    })
}

/// Words of a last line after which the line before it may still be the credit line (a short
/// disclaimer such as «جميع المقالات تمثل رأي كتابها»).
const MAX_CLOSING_LINE_WORDS: usize = 12;

/// The article's credits ([`credit`]), original first: the byline, a dateline or credit line
/// at the top, the «المصدر» lines, a credit line or bracketed credit at the end. Agencies come
/// before outlets (an outlet that credits an agency carries its copy), otherwise the order is
/// the text's. A standalone credit line is taken out of the body; a dateline stays, it opens
/// the article's first sentence. The site that published the page (`outlet`) is not a source of
/// itself: named in the byline, dateline or closing line it is left out (a «المصدر» chain is
/// kept as written, its last link may be the site); when it is not known, an outlet named in the
/// byline or dateline is returned as the outlet instead.
fn credits(seg: &mut Segment, byline: Option<&str>, outlet: Option<&str>) -> (Vec<String>, Option<String>) {
    use crate::credit::{self, Credit, Kind};
    // (credit, where it was read: 0 byline or dateline (may name who published the page),
    // 1 a «المصدر» line, 2 the closing lines)
    let mut found: Vec<(Credit, u8)> = Vec::new();
    if let Some(b) = byline {
        found.extend(credit::from_byline(b).into_iter().map(|c| (c, 0)));
    }
    if let Some(first) = seg.blocks.first().map(|(_, b)| b.clone()) {
        if let Some(cs) = credit::credit_line(&first).filter(|_| seg.blocks.len() > 1) {
            seg.blocks.remove(0);
            found.extend(cs.into_iter().map(|c| (c, 0)));
        } else if let Some((cs, _)) = credit::from_dateline(&first) {
            found.extend(cs.into_iter().map(|c| (c, 0)));
        } else if let Some(c) = credit::dated_dateline(&first) {
            found.push((c, 0));
        }
    }
    found.extend(seg.sources.iter().map(|s| (credit::normalize(s), 1)));
    let mut closing = Vec::new();
    let n = seg.blocks.len();
    let last_short = n >= 1 && word_count(&seg.blocks[n - 1].1) <= MAX_CLOSING_LINE_WORDS;
    for i in (n.saturating_sub(if last_short { 2 } else { 1 })..n).rev() {
        if seg.blocks.len() < 2 {
            break;
        }
        if let Some(cs) = credit::credit_line(&seg.blocks[i].1) {
            seg.blocks.remove(i);
            closing.extend(cs);
            break;
        }
    }
    if closing.is_empty() {
        if let Some(c) = seg.blocks.last().and_then(|(_, b)| credit::trailing_credit(b)) {
            closing.push(c);
        }
    }
    found.extend(closing.into_iter().map(|c| (c, 2)));

    let own = outlet.map(|o| credit::lookup(o).map_or_else(|| credit::fold_name(o), |c| credit::fold_name(&c.name)));
    let own = own.or_else(|| seg.outlet.as_deref().map(credit::fold_name));
    let credited_outlet = if own.is_none() {
        found.iter().find(|(c, at)| *at == 0 && c.kind == Kind::Outlet).map(|(c, _)| c.name.clone())
    } else {
        None
    };
    let own = own.or_else(|| credited_outlet.as_deref().map(credit::fold_name));
    let mut names: Vec<(Kind, String)> = Vec::new();
    for (c, at) in found {
        let k = credit::fold_name(&c.name);
        if k.is_empty()
            || (at != 1 && own.as_deref() == Some(k.as_str()))
            || names.iter().any(|(_, n)| credit::fold_name(n) == k)
        {
            continue;
        }
        names.push((c.kind, c.name));
    }
    // stable: agencies first
    names.sort_by_key(|(kind, _)| *kind != Kind::Agency);
    (names.into_iter().map(|(_, n)| n).collect(), credited_outlet)
}

/// Same title up to spelling and a site or section name on one side: a title-like line whose
/// key equals the title's, or contains it (or is contained in it) at a similar length.
fn same_title(line: &str, title: &str) -> bool {
    if !meta::is_title_like(line) {
        return false;
    }
    let (a, b) = (key(line), key(title));
    let (la, lb) = (a.chars().count(), b.chars().count());
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (la.min(lb) * 10 >= la.max(lb) * 6 && (a.contains(&b) || b.contains(&a)))
}

fn dedup_by_key(items: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for it in items {
        let k = key(&it);
        if k.is_empty() || seen.contains(&k) {
            continue;
        }
        seen.push(k);
        out.push(it);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::scrape_blocks;

    fn cut_text(t: &str) -> Vec<Cut> {
        cut(scrape_blocks(t), &PageMeta::default(), false)
    }

    const PAGE: &str = "\
موقع تجريبي يعلن عن افتتاح مكتبة جديدة في المدينة
تاريخ النشر: 3rd, March 2024 GMT
أعلنت بلدية المدينة، اليوم الأحد، افتتاح مكتبة عامة جديدة في وسط المدينة تضم آلاف الكتب.
وقال رئيس البلدية إن المكتبة ستفتح أبوابها يوميا من الصباح حتى المساء.
المصدر: وكالة الأنباء المحلية
كلمات دلالية: مكتبة المدينة کتب
إقرأ أيضاً:
افتتاح حديقة جديدة في الحي الشمالي
افتتحت البلدية حديقة عامة جديدة في الحي الشمالي بعد أشهر من العمل المتواصل، وفق ما أعلن المسؤولون.
وأضاف المسؤولون أن الحديقة تضم ملاعب للأطفال وممرات للمشي.
مقالات مشابهة
  • عنوان خبر أول عن المدينة
  • عنوان خبر ثان عن المدينة
زر الذهاب إلى الأعلى
";

    #[test]
    fn cuts_main_and_appended_articles() {
        let cuts = cut_text(PAGE);
        assert_eq!(cuts.len(), 2, "{cuts:#?}");
        let main = &cuts[0];
        assert_eq!(main.title.as_deref(), Some("موقع تجريبي يعلن عن افتتاح مكتبة جديدة في المدينة"));
        assert!(main.body.starts_with("أعلنت بلدية المدينة"));
        assert!(main.body.contains("\n\nوقال رئيس البلدية"));
        assert!(!main.body.contains("المصدر"));
        assert!(!main.body.contains("كلمات دلالية"));
        assert_eq!(main.attribution, ["وكالة الأنباء المحلية"]);
        // without separators, a definite word joins the noun before it
        assert_eq!(main.keywords, ["مكتبة المدينة", "كتب"]);
        let second = &cuts[1];
        assert_eq!(second.title.as_deref(), Some("افتتاح حديقة جديدة في الحي الشمالي"));
        assert!(second.body.starts_with("افتتحت البلدية"));
        assert!(second.body.ends_with("وممرات للمشي."));
        assert!(!second.body.contains("عنوان خبر"), "related headlines dropped");
        assert!(!second.body.contains("الأعلى"));
        assert_eq!(second.published, None, "appended article does not inherit the page date");
    }

    #[test]
    fn outlet_credit_under_date_line() {
        let t = "عنوان الخبر عن زيارة رسمية مرتقبة\nتاريخ النشر: 3rd, March 2024 GMT\nموقع الخبر\nنص الخبر الأول عن الزيارة المرتقبة للوفد.\nالمصدر: وكالة ألف\nالمصدر: موقع الخبر";
        let cuts = cut_text(t);
        assert_eq!(cuts[0].outlet.as_deref(), Some("موقع الخبر"));
        assert_eq!(cuts[0].attribution, ["وكالة ألف", "موقع الخبر"]);
        assert_eq!(cuts[0].body, "نص الخبر الأول عن الزيارة المرتقبة للوفد.");
    }

    fn cut_body(t: &str, author: Option<&str>, outlet: Option<&str>) -> Cut {
        let page = PageMeta { author: author.map(Into::into), outlet: outlet.map(Into::into), ..Default::default() };
        cut(crate::text::body_blocks(t), &page, true).remove(0)
    }

    #[test]
    fn credits_from_byline_dateline_and_closing_lines() {
        // byline agency; the outlet's own name in the byline is not a source
        let c = cut_body("أعلن النادي اليوم تعاقده مع مدرب جديد.", Some("مدريد - د ب أ"), Some("alarabia"));
        assert_eq!(c.attribution, ["د ب أ"]);
        let c = cut_body("أعلن النادي اليوم تعاقده مع مدرب جديد.", Some("دبي - العربية.نت"), Some("alarabia"));
        assert!(c.attribution.is_empty());
        // a person's byline, an agency quoted mid-article: no credit
        let t = "أعلن النادي اليوم تعاقده مع مدرب جديد.\nوقال مسؤول لرويترز إن العقد يمتد عامين.\nوسيبدأ المدرب عمله الأسبوع المقبل.";
        let c = cut_body(t, Some("القاهرة - سمير علي"), Some("موقع ما"));
        assert!(c.attribution.is_empty(), "{:?}", c.attribution);
        // a closing credit line: out of the body, the site's own name dropped, agencies first
        let t = "أعلن النادي اليوم تعاقده مع مدرب جديد.\nفرانس 24/ أ ف ب/ رويترز";
        let c = cut_body(t, None, Some("france24"));
        assert_eq!(c.attribution, ["فرانس برس", "رويترز"]);
        assert_eq!(c.body, "أعلن النادي اليوم تعاقده مع مدرب جديد.");
        // a bracketed credit closing the last paragraph stays in the text
        let c = cut_body("أعلن النادي اليوم تعاقده مع مدرب جديد. (رويترز)", None, None);
        assert_eq!(c.attribution, ["رويترز"]);
        assert!(c.body.ends_with("(رويترز)"));
        // «نقلاً عن» before a closing disclaimer; an agency credited before an outlet chain
        let t = "رأي في مباراة الأمس.\n*نقلاً عن صحيفة المساء\n** جميع المقالات تمثل رأي كتابها.";
        assert_eq!(cut_body(t, None, Some("موقع ما")).attribution, ["صحيفة المساء"]);
        let t = "أعلن النادي اليوم تعاقده مع مدرب جديد.\nالمصدر: موقع باء";
        assert_eq!(cut_body(t, Some("لندن - رويترز"), None).attribution, ["رويترز", "موقع باء"]);
    }

    #[test]
    fn outlet_from_dateline_only_when_unknown() {
        let t = "دبي - العربية.نت: أعلن النادي اليوم تعاقده مع مدرب جديد.";
        let c = cut_body(t, None, None);
        assert_eq!(c.outlet.as_deref(), Some("العربية.نت"));
        assert!(c.attribution.is_empty());
        assert!(c.body.starts_with("دبي - العربية.نت:"), "a dateline is not cut");
        let c = cut_body("اسطنبول - رويترز - أعلن النادي اليوم تعاقده مع مدرب جديد.", None, None);
        assert_eq!(c.outlet, None, "an agency is not the page's site");
        assert_eq!(c.attribution, ["رويترز"]);
        // a known outlet is never replaced
        let c = cut_body(t, None, Some("صحيفة الضفة"));
        assert_eq!(c.outlet, None);
        assert_eq!(c.attribution, ["العربية.نت"]);
    }

    #[test]
    fn page_without_title_line() {
        let t = "أعلنت الوزارة الخميس أن الاجتماع سيعقد الأسبوع المقبل في العاصمة.\n\nوقالت الوزارة في بيان إن جدول الأعمال يشمل ملفات عدة.";
        let cuts = cut_text(t);
        assert_eq!(cuts.len(), 1);
        assert_eq!(cuts[0].title, None);
        assert!(cuts[0].body.contains("\n\n"));
    }

    #[test]
    fn theme_junk_and_nav_before_title() {
        let t = "Jannah Theme License is not validated, Go to the theme options page to validate the license.\nاخبار\n\nالرئيس يزور البلاد لأول مرة منذ سنوات | أخبار السياسة\n\nأعلن المكتب أن الرئيس سيبدأ زيارة يومي الثلاثاء والأربعاء.\n\nاترك تعليقاً\n\nزر الذهاب إلى الأعلى";
        let cuts = cut_text(t);
        assert_eq!(cuts.len(), 1);
        assert_eq!(cuts[0].title.as_deref(), Some("الرئيس يزور البلاد لأول مرة منذ سنوات"));
        assert_eq!(cuts[0].body, "أعلن المكتب أن الرئيس سيبدأ زيارة يومي الثلاثاء والأربعاء.");
    }

    #[test]
    fn inline_read_also_link_does_not_cut() {
        let t = "عنوان الخبر الرئيسي عن الاقتصاد المحلي\nفقرة أولى من الخبر عن نمو الاقتصاد المحلي هذا العام.\nاقرأ أيضا: عنوان خبر آخر لا علاقة له\nفقرة ثانية من الخبر نفسه عن التوقعات.";
        let cuts = cut_text(t);
        assert_eq!(cuts.len(), 1);
        assert!(cuts[0].body.contains("فقرة ثانية"));
        assert!(!cuts[0].body.contains("عنوان خبر آخر"));
    }

    #[test]
    fn glued_related_headlines_keep_following_text() {
        let t = "عنوان الخبر الرئيسي عن الميناء الجديد\nفقرة أولى عن الميناء الجديد الذي افتتح اليوم.\nRelatedعنوان أول عن الميناءعنوان ثان عن السفن الجديدةوبحسب موقع متخصص، فإن السفينة كانت ستنطلق من الرصيف.";
        let cuts = cut_text(t);
        assert_eq!(cuts.len(), 1);
        assert!(cuts[0].body.ends_with("وبحسب موقع متخصص، فإن السفينة كانت ستنطلق من الرصيف."), "{}", cuts[0].body);
        assert!(!cuts[0].body.contains("عنوان أول"));
    }

    #[test]
    fn page_title_repeated_in_text_is_removed() {
        let page = PageMeta {
            title: Some("عنوان المقال الكامل هنا | الموقع".into()), ..Default::default()
        };
        let blocks = scrape_blocks("عنوان المقال الكامل هنا\nنص المقال الأول الطويل بما يكفي.");
        let cuts = cut(blocks, &page, false);
        assert_eq!(cuts[0].title.as_deref(), Some("عنوان المقال الكامل هنا"));
        assert_eq!(cuts[0].body, "نص المقال الأول الطويل بما يكفي.");
    }

    #[test]
    fn body_containing_the_title_is_kept() {
        let page = PageMeta {
            title: Some("كيف نتعامل مع ارتفاع الأسعار؟".into()), ..Default::default()
        };
        let body = "يناقش البرنامج اليوم سؤالا مهما: كيف نتعامل مع ارتفاع الأسعار؟ ويستضيف خبيرين في الاقتصاد.";
        let cuts = cut(scrape_blocks(body), &page, true);
        assert_eq!(cuts[0].body, body);
        let short = PageMeta {
            title: Some("الوزير يلتقي رئيس البلدية لبحث مشاريع المدينة".into()),
            ..Default::default()
        };
        let cuts = cut(scrape_blocks("رئيس البلدية"), &short, true);
        assert_eq!(cuts[0].body, "رئيس البلدية");
        // a one-sentence body that restates the title is the article, not a repeated title
        let page = PageMeta {
            title: Some("مقتل ثلاثة في انفجار جنوب المدينة".into()), ..Default::default()
        };
        let body = "أفادت مصادر طبية بمقتل ثلاثة في انفجار جنوب المدينة.";
        assert_eq!(cut(scrape_blocks(body), &page, true)[0].body, body);
    }

    #[test]
    fn bare_date_lines_in_the_header_are_metadata() {
        let t = "عنوان الخبر عن افتتاح المعرض السنوي للكتاب\nالثلاثاء ٥ مارس ٢٠٢٤\nافتتح المعرض السنوي للكتاب أبوابه أمس بمشاركة مئات الناشرين.";
        let cuts = cut_text(t);
        assert_eq!(cuts[0].body, "افتتح المعرض السنوي للكتاب أبوابه أمس بمشاركة مئات الناشرين.");
        assert_eq!(cuts[0].published.as_ref().map(|p| p.value.as_str()), Some("2024-03-05"));
    }

    #[test]
    fn title_words_as_keywords_are_dropped() {
        let page = HtmlPage {
            title: Some("الوزير يفتتح المعرض الجديد".into()),
            keywords: vec!["الوزير".into(), "يفتتح".into(), "المعرض".into(), "الجديد".into()],
            ..Default::default()
        };
        assert!(PageMeta::from_html(page, &Hints::default()).keywords.is_empty());
        let page = HtmlPage {
            title: Some("الوزير يفتتح المعرض".into()),
            keywords: vec!["ثقافة".into()],
            ..Default::default()
        };
        assert_eq!(PageMeta::from_html(page, &Hints::default()).keywords, ["ثقافة"]);
    }

    #[test]
    fn empty_page_gives_no_article() {
        assert!(cut_text("زر الذهاب إلى الأعلى\nاترك تعليقاً").is_empty());
    }
}
