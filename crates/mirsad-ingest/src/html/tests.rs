//! Fixtures written for these tests (not taken from any data set).

use super::meta::{absolutize, strip_site};
use super::*;
use crate::document::BlockKind;

const ARABIC_PAGE: &str = r##"<!DOCTYPE html>
<html lang="ar" dir="rtl"><head>
<meta charset="utf-8">
<title>وزير الخارجية يبحث مع نظيره التعاون الاقتصادي - شبكة الأخبار اليومية</title>
<meta property="og:site_name" content="شبكة الأخبار اليومية">
<meta property="og:title" content="وزير الخارجية يبحث مع نظيره التعاون الاقتصادي">
<meta name="keywords" content="الخارجية، التعاون, الاقتصاد">
<link rel="canonical" href="/news/2023/09/11/foreign-minister">
</head><body class="single-post has-sidebar">
<header class="site-header"><nav class="main-menu"><ul>
<li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li><li><a href="/economy">اقتصاد</a></li>
</ul></nav></header>
<div class="container">
<div class="content-area">
<article class="post">
<h1 class="entry-title">وزير الخارجية يبحث مع نظيره التعاون الاقتصادي</h1>
<div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
<div class="entry-content">
<p>بحث وزير الخارجية اليوم الاثنين مع نظيره الزائر سبل تعزيز التعاون الاقتصادي بين البلدين، وذلك خلال لقاء عقد في مقر الوزارة.</p>
<p>وأكد الوزير خلال اللقاء أهمية توسيع الشراكة في مجالات الطاقة والنقل والاستثمار، مشيرا إلى أن حجم التبادل التجاري ارتفع خلال العام الماضي.</p>
<h2>اتفاقيات جديدة</h2>
<p>ومن المتوقع أن يوقع الجانبان عددا من الاتفاقيات في الأيام المقبلة، بحسب ما أفادت مصادر دبلوماسية.</p>
<blockquote>نحن نعمل على بناء شراكة طويلة الأمد تخدم مصالح الشعبين، قال الوزير.</blockquote>
</div>
<div class="post-tags">كلمات دلالية: <a href="/tag/1">الخارجية</a> <a href="/tag/2">الاقتصاد</a></div>
<div class="related-posts"><h3>أخبار ذات صلة</h3><ul>
<li><a href="/a">رئيس الوزراء يستقبل وفدا اقتصاديا رفيع المستوى من الدول المجاورة</a></li>
<li><a href="/b">ارتفاع أسعار النفط في الأسواق العالمية مع بداية الأسبوع الحالي</a></li>
</ul></div>
<div id="comments" class="comments-area"><h3>التعليقات</h3><p>تعليق من قارئ: هذا خبر مهم جدا ونتمنى أن تستمر هذه اللقاءات بين البلدين دائما.</p></div>
</article>
</div>
<aside class="sidebar"><h3>الأكثر قراءة</h3><ul><li><a href="/x">خبر أول من الأخبار الأكثر قراءة على الموقع اليوم</a></li></ul></aside>
</div>
<footer class="site-footer"><p>جميع الحقوق محفوظة © 2023 شبكة الأخبار اليومية</p></footer>
<script>var x = "لا تظهر";</script>
</body></html>"##;

const ENGLISH_PAGE: &str = r#"<html lang="en"><head>
<title>Council approves new budget for city parks | The Daily Ledger</title>
<meta name="application-name" content="The Daily Ledger">
<meta name="author" content="Jane Smith">
<meta property="article:tag" content="parks">
<meta property="article:tag" content="budget">
<link rel="canonical" href="https://ledger.example/news/parks-budget">
</head><body>
<div id="nav"><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sports">Sports</a></div>
<div id="main">
 <div class="story">
  <h1>Council approves new budget for city parks</h1>
  <p>The city council on Tuesday approved a budget that doubles spending on public parks, after a debate that lasted well into the night.</p>
  <p>Supporters said the money would repair playgrounds, plant trees and extend opening hours, while critics warned about the cost to taxpayers.</p>
  <ul>
   <li>Playground repairs in twelve neighbourhoods, starting in the spring</li>
   <li>Two thousand new trees along the river path and the old rail line</li>
  </ul>
  <p>The mayor is expected to sign the measure next week.</p>
 </div>
 <div class="newsletter-signup"><p>Sign up for our newsletter to get the latest news in your inbox every morning.</p></div>
 <div class="more"><ul>
  <li><a href="/1">School board names new superintendent after long search</a></li>
  <li><a href="/2">Local bakery wins national award for its sourdough bread</a></li>
  <li><a href="/3">Traffic changes downtown this weekend for the marathon</a></li>
 </ul></div>
</div>
<div class="footer">Copyright The Daily Ledger. All rights reserved. Contact us.</div>
</body></html>"#;

fn body_text(page: &HtmlPage) -> String {
    page.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n")
}

#[test]
fn arabic_page_main_text_and_metadata() {
    let page = extract(ARABIC_PAGE, Some("https://news.example/news/2023/09/11/foreign-minister?ref=home"));
    let text = body_text(&page);
    assert!(text.contains("بحث وزير الخارجية اليوم الاثنين"), "{text}");
    assert!(text.contains("ومن المتوقع أن يوقع الجانبان"), "{text}");
    assert!(text.contains("نحن نعمل على بناء شراكة"), "{text}");
    assert!(text.contains("اتفاقيات جديدة"), "{text}");
    for junk in ["الرئيسية", "فيسبوك", "رئيس الوزراء يستقبل", "تعليق من قارئ", "الأكثر قراءة", "جميع الحقوق", "لا تظهر"]
    {
        assert!(!text.contains(junk), "kept {junk}: {text}");
    }
    assert_eq!(page.title.as_deref(), Some("وزير الخارجية يبحث مع نظيره التعاون الاقتصادي"));
    assert_ne!(page.blocks[0].text, "وزير الخارجية يبحث مع نظيره التعاون الاقتصادي", "title repeated as first block");
    assert_eq!(page.site_name.as_deref(), Some("شبكة الأخبار اليومية"));
    assert_eq!(page.canonical_url.as_deref(), Some("https://news.example/news/2023/09/11/foreign-minister"));
    assert_eq!(page.language.as_deref(), Some("ar"));
    assert_eq!(page.keywords, vec!["الخارجية", "التعاون", "الاقتصاد"]);
    assert!(page.blocks.iter().any(|b| b.kind == BlockKind::Quote));
    assert!(page.blocks.iter().any(|b| b.kind == BlockKind::Heading && b.text == "اتفاقيات جديدة"));
}

#[test]
fn english_page_lists_and_boilerplate() {
    let page = extract(ENGLISH_PAGE, None);
    let text = body_text(&page);
    assert!(text.starts_with("The city council on Tuesday"), "{text}");
    assert!(text.contains("Two thousand new trees"), "content list kept: {text}");
    assert!(text.contains("The mayor is expected to sign"), "{text}");
    for junk in ["Home", "Sign up for our newsletter", "School board", "Copyright"] {
        assert!(!text.contains(junk), "kept {junk}: {text}");
    }
    assert!(page.blocks.iter().any(|b| b.kind == BlockKind::ListItem));
    assert_eq!(page.title.as_deref(), Some("Council approves new budget for city parks"));
    assert_eq!(page.site_name.as_deref(), Some("The Daily Ledger"));
    assert_eq!(page.author.as_deref(), Some("Jane Smith"));
    assert_eq!(page.keywords, vec!["parks", "budget"]);
    assert_eq!(page.canonical_url.as_deref(), Some("https://ledger.example/news/parks-budget"));
}

#[test]
fn title_cleaning() {
    assert_eq!(strip_site("Big news today | Example Site", Some("Example Site"), None), "Big news today");
    assert_eq!(strip_site("Example Site - Big news today", Some("Example Site"), None), "Big news today");
    assert_eq!(strip_site("Storm hits the coast – Herald", None, None), "Storm hits the coast");
    assert_eq!(strip_site("Storm hits the coast - example.com", None, Some("www.example.com")), "Storm hits the coast");
    assert_eq!(strip_site("انخفاض أسعار الذهب اليوم | صدى البلد", Some("صدى البلد"), None), "انخفاض أسعار الذهب اليوم");
    // A dash inside the headline stays when nothing marks a site name.
    assert_eq!(
        strip_site("Left-wing and right-wing parties agree", None, None),
        "Left-wing and right-wing parties agree"
    );
}

#[test]
fn site_name_from_json_ld() {
    let html = r#"<html><head><script type="application/ld+json">
    {"@context":"https://schema.org","@type":"NewsArticle","headline":"Rain expected","publisher":{"@type":"Organization","name":"Weather Desk"},"author":{"@type":"Person","name":"A. Writer"}}
    </script></head><body><p>Rain is expected over the weekend in most northern regions, forecasters said on Friday.</p></body></html>"#;
    let page = extract(html, None);
    assert_eq!(page.site_name.as_deref(), Some("Weather Desk"));
    assert_eq!(page.author.as_deref(), Some("A. Writer"));
    assert_eq!(page.title.as_deref(), Some("Rain expected"));
    assert!(body_text(&page).contains("Rain is expected"));
}

#[test]
fn no_site_name_is_null() {
    let page = extract("<html><head><title>Plain</title></head><body><p>Short page.</p></body></html>", None);
    assert_eq!(page.site_name, None);
    assert_eq!(page.title.as_deref(), Some("Plain"));
    assert_eq!(body_text(&page), "Short page.");
}

#[test]
fn canonical_resolution() {
    assert_eq!(absolutize("/a/b", Some("https://x.example/c/d")), Some("https://x.example/a/b".into()));
    assert_eq!(absolutize("//cdn.example/p", Some("https://x.example/")), Some("https://cdn.example/p".into()));
    assert_eq!(absolutize("e", Some("http://x.example/c/d?q=1")), Some("http://x.example/c/e".into()));
    assert_eq!(absolutize("/a", None), None);
    assert_eq!(absolutize("javascript:void(0)", Some("https://x.example/")), None);
}

#[test]
fn link_lists_dropped_inside_article() {
    let mut html = String::from("<html><body><div class='article'>");
    for i in 0..4 {
        html.push_str(&format!(
            "<p>Paragraph number {i} of the story, with enough words, commas, and detail to count as text.</p>"
        ));
    }
    html.push_str("<ul>");
    for i in 0..6 {
        html.push_str(&format!("<li><a href='/{i}'>Another headline on the site number {i}</a></li>"));
    }
    html.push_str("</ul></div></body></html>");
    let page = extract(&html, None);
    let text = body_text(&page);
    assert!(text.contains("Paragraph number 0") && text.contains("Paragraph number 3"), "{text}");
    assert!(!text.contains("Another headline"), "{text}");
}

#[test]
fn br_separated_text_and_hidden_parts() {
    let html = "<html><body><div id='x'>First line of a long text that goes on, and on, for a while here.<br><br>Second line, also long enough to be a real paragraph of the article text.<span style='display:none'>HIDDEN</span></div></body></html>";
    let page = extract(html, None);
    assert_eq!(page.blocks.len(), 2, "{:?}", page.blocks);
    assert!(!body_text(&page).contains("HIDDEN"));
}

#[test]
fn malformed_and_empty_input() {
    for html in ["", "<", "<html><body><div><p>unclosed <b>bold <i>text", "<<<>>>&&&;;", "<p>\u{0}\u{feff}</p>"] {
        let page = extract(html, Some("not a url"));
        assert!(page.blocks.iter().all(|b| !b.text.trim().is_empty()));
    }
    let page = extract(
        "<html><body><div><p>unclosed paragraph with enough text, and commas, to be scored as content here",
        None,
    );
    assert!(body_text(&page).contains("unclosed paragraph"));
    // Deep nesting does not overflow the stack.
    let deep = "<div>".repeat(5000) + "deep text, with a comma, that is long enough to count" + &"</div>".repeat(5000);
    let page = extract(&deep, None);
    assert!(body_text(&page).contains("deep text"));
}

/// `MIRSAD_EXPLAIN=page.html cargo test -p mirsad-ingest explain -- --ignored --nocapture`
#[test]
#[ignore]
fn explain() {
    let Some(path) = std::env::var_os("MIRSAD_EXPLAIN") else { return };
    let bytes = std::fs::read(path).unwrap_or_default();
    let html = crate::encoding::decode_html(&bytes);
    let doc = parse(&html);
    let flat = flatten::flatten(&doc);
    println!("{}", content::explain(&flat));
    for b in extract_from_doc(&doc, None).blocks {
        println!("{:?}: {}", b.kind, b.text.chars().take(100).collect::<String>());
    }
}

#[test]
fn read_also_marker_kept_before_glued_article_and_author_box_dropped() {
    let html = r#"<html><body><div class="entry-content">
<p>أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية، تشمل قروضا ميسرة ومعدات حديثة.</p>
<p>وقال المتحدث باسم الوزارة إن الخطة ستنفذ على ثلاث مراحل خلال العامين المقبلين، بحسب البيان الرسمي.</p>
<p><strong>إقرأ أيضاً:</strong></p>
<p>ارتفعت أسعار الذهب في الأسواق المحلية خلال تعاملات اليوم، وسط ترقب لقرارات البنك المركزي بشأن الفائدة.</p>
<div class="related-box"><h4>Read also:</h4><ul><li><a href="/1">Another story on the same site</a></li><li><a href="/2">Yet another story</a></li></ul></div>
<div class="author-info"><p>Jane Doe is a reporter covering agriculture and the economy for the site since 2010.</p></div>
<div class="editorial-disclaimer"><p>The views expressed in this column are the author's own and not those of the publisher.</p></div>
</div></body></html>"#;
    let page = extract(html, None);
    let text = body_text(&page);
    assert!(text.contains("إقرأ أيضاً:"), "{text}");
    assert!(text.contains("ارتفعت أسعار الذهب"), "{text}");
    for junk in ["Read also", "Another story", "Jane Doe", "views expressed"] {
        assert!(!text.contains(junk), "kept {junk}: {text}");
    }
}

#[test]
fn fallback_takes_prose_outside_tag_furniture() {
    let p1 = "Первый абзац новости о награждении лучших журналистов области, который идёт в ячейке таблицы.";
    let p2 = "Второй абзац с подробностями церемонии, тоже достаточно длинный, чтобы читаться как текст.";
    let html = format!(
        "<body><nav><p>{p1} (меню)</p></nav><table><tr><td>{p1}<br>{p2}</td></tr></table>\
         <p><a href=/1>{p1}</a></p></body>"
    );
    let doc = scraper::Html::parse_document(&html);
    let flat = super::flatten::flatten(&doc);
    let blocks = super::content::fallback(&flat);
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    // not the navigation copy, not the link
    assert_eq!(texts, [p1, p2]);
}

#[test]
fn chinese_article_is_extracted_and_kept_by_segmentation() {
    let p = "台北市政府今天宣布，將在明年啟動新的公共交通計畫，預計投入大量經費改善捷運與公車路線。";
    let html = format!(
        "<html><head><title>新聞標題</title></head><body><article><p>{p}</p><p>{p}</p></article></body></html>"
    );
    let doc = crate::Document {
        source: "zh.html".into(),
        url: None,
        payload: crate::Payload::Html(html.into_bytes()),
        hints: Default::default(),
    };
    let arts = crate::process(doc).expect("the Chinese paragraphs are article text");
    assert!(arts[0].body.contains("台北市政府今天宣布"), "{:?}", arts[0].body);
}

#[test]
fn heading_wrapping_block_content_is_read_as_paragraphs() {
    let p1 = "أعلنت البلدية اليوم عن حملة تبرعات جديدة لدعم الأسر المتضررة من الأزمة، بمشاركة عدد من الشركات.";
    let p2 = "وقال رئيس البلدية إن الأموال ستوزع بشفافية على المستحقين خلال الأسابيع المقبلة.";
    let html = format!(
        "<html><body><h1><span>عنوان الخبر</span></h1><h4><div class=\"m_img\"></div>\
         <div class=\"m_cont\">{p1}<br><br>{p2}</div></h4></body></html>"
    );
    let doc = scraper::Html::parse_document(&html);
    let flat = super::flatten::flatten(&doc);
    let kind = |t: &str| flat.runs.iter().find(|r| r.text == t).map(|r| r.kind);
    assert_eq!(kind(p1), Some(BlockKind::Paragraph));
    assert_eq!(kind(p2), Some(BlockKind::Paragraph));
    // a heading whose text is inline stays a heading
    assert_eq!(kind("عنوان الخبر"), Some(BlockKind::Heading));
}
