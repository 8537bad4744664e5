//! Boilerplate rules for Arabic (and English) news pages: theme and licence notices, comment
//! forms, "back to top", share and accessibility links, ad markers, newsletter and Google News
//! prompts, "read also" markers and related-headline lists.
//!
//! The rules match on the matching key (`mirsad_text::key`) of a line, so one pattern covers
//! the hamza, alef, yeh and teh-marbuta spellings sites use. They are hand-written because
//! readability-style scoring works on DOM structure, and these notices survive inside the
//! main-content block or arrive as plain text with no structure at all.

use mirsad_text::key;

/// Phrases that make a whole short line boilerplate wherever they occur in it (key form).
const JUNK_ANYWHERE: &[&str] = &[
    "theme license is not validated",
    "go to the theme options page",
    "زر الذهاب الي الاعلي",
    "العوده الي الاعلي",
    "الرجوع الي الاعلي",
    "back to top",
    "لن يتم نشر عنوان بريدك الالكتروني",
    "الحقول الالزاميه مشار اليها",
    "your email address will not be published",
    "required fields are marked",
    "انتقل الي اختصارات الوصول",
    "تخطي الي المحتوي",
    "skip to content",
    "skip to main content",
    "google news",
    "اشترك في النشره",
    "النشره البريديه",
    "subscribe to our newsletter",
    "جميع الحقوق محفوظه",
    "all rights reserved",
    "حمل تطبيق",
    "تابعونا علي",
    "تابعوا اخر اخبار",
    "تابعوا اخبار",
    "مادة اعلانيه",
    "ماده اعلانيه",
    "شارك هذا المقال",
    "شارك هذا الخبر",
    "share this article",
    "share on facebook",
    "cookies",
];

/// Lines that are boilerplate when they are exactly one of these (key form).
const JUNK_EXACT: &[&str] = &[
    "اعلان",
    "advertisement",
    "ad",
    "محادثه",
    "شارك",
    "مشاركه",
    "share",
    "tweet",
    "اترك تعليقا",
    "اترك تعليق",
    "اضف تعليق",
    "اضف تعليقك",
    "التعليقات",
    "تعليقات",
    "leave a comment",
    "leave a reply",
    "comments",
    "طباعه",
    "print",
    "اخبار",
    "الرئيسيه",
    "home",
    "اقرا المزيد",
    "read more",
];

/// Line openings of a link back to the article itself («رابط الخبر بصحيفة …: title», «رابط
/// مختصر: URL»), key form: the rest of the line is the title or an address, never news text.
const SELF_LINK_STARTS: &[&str] =
    &["رابط الخبر", "رابط المقال", "رابط مختصر", "الرابط المختصر", "رابط دايم", "permalink", "short link"];

/// Headers that open a list of bare related headlines (key form, matched at line start).
const RELATED_LIST_HEADERS: &[&str] = &[
    "مقالات مشابهه",
    "مقالات ذات صله",
    "اخبار ذات صله",
    "مواضيع ذات صله",
    "مواضيع مشابهه",
    "اخبار متعلقه",
    "الاكثر قراءه",
    "الاكثر مشاهده",
    "المزيد من الاخبار",
    "قد يهمك ايضا",
    "قد يعجبك ايضا",
    "اخترنا لك",
    "related articles",
    "related posts",
    "related stories",
    "more stories",
    "recommended",
    "you may also like",
];

/// Markers after which a site glues another article (key form, matched at line start).
const READ_ALSO_MARKERS: &[&str] =
    &["اقرا ايضا", "اقرا كذلك", "شاهد ايضا", "طالع ايضا", "read also", "see also", "related"];

/// Most words a boilerplate line may have; longer lines are article text that happens to
/// mention a phrase.
const MAX_JUNK_WORDS: usize = 40;

/// True when the whole line is boilerplate.
pub fn is_junk_line(line: &str) -> bool {
    if line.split_whitespace().nth(MAX_JUNK_WORDS).is_some() {
        return false;
    }
    let k = key(line);
    if k.is_empty() {
        return !line.trim().is_empty() && !line.chars().any(char::is_alphanumeric);
    }
    if JUNK_EXACT.contains(&k.as_str()) || SELF_LINK_STARTS.iter().any(|p| k.starts_with(p)) {
        return true;
    }
    let words = k.split(' ').count();
    words <= MAX_JUNK_WORDS && JUNK_ANYWHERE.iter().any(|p| k.contains(p))
}

/// True when the line opens a list of related headlines.
pub fn is_related_list_header(line: &str) -> bool {
    let k = key(line);
    k.split(' ').count() <= 5 && RELATED_LIST_HEADERS.iter().any(|h| k.starts_with(h))
}

/// When the line starts with a "read also" marker, returns the text glued after it (possibly
/// empty). `None` when the line is not such a marker.
pub fn read_also_marker(line: &str) -> Option<&str> {
    let t = line.trim_start();
    // Cheap filter first: most lines do not start with any marker.
    let head: String = t.chars().take(24).collect();
    let head_key = key(&head);
    if !READ_ALSO_MARKERS.iter().any(|m| head_key.starts_with(m)) {
        return None;
    }
    let ends = t.char_indices().skip(1).map(|(i, _)| i).chain(std::iter::once(t.len())).take(30);
    for end in ends {
        if !READ_ALSO_MARKERS.contains(&key(&t[..end]).as_str()) {
            continue;
        }
        // The marker must end at a word boundary, or be a Latin word glued to Arabic text
        // ("Relatedكوريا…").
        let boundary = match t[end..].chars().next() {
            None => true,
            Some(next) => {
                !next.is_alphanumeric() || (t[..end].chars().last().is_some_and(|p| p.is_ascii()) && !next.is_ascii())
            }
        };
        if boundary {
            return Some(
                t[end..].trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '-' | '–' | '|')),
            );
        }
    }
    None
}

/// Ad markers and share words glued to the end of a paragraph («… "عمل إجرامي". اعلان»).
pub fn strip_trailing_junk(line: &str) -> &str {
    let mut s = line.trim_end();
    loop {
        let Some((head, last)) = s.rsplit_once(' ') else { return s };
        let k = key(last);
        let head_t = head.trim_end();
        let ends_sentence = head_t.ends_with(['.', '!', '?', '؟', '"', '”', '»', ')']);
        if ends_sentence && matches!(k.as_str(), "اعلان" | "advertisement" | "شارك" | "share") {
            s = head_t;
        } else {
            return s;
        }
    }
}

/// Common words that open an Arabic news sentence with the conjunction wa-. Used to find
/// where real text resumes in a run of headlines glued together without separators.
const SENTENCE_OPENERS: &[&str] = &[
    "بحسب",
    "قال",
    "قالت",
    "اضاف",
    "اضافت",
    "اكد",
    "اكدت",
    "ذكر",
    "ذكرت",
    "اشار",
    "اشارت",
    "اوضح",
    "اوضحت",
    "في",
    "من",
    "كان",
    "كانت",
    "تم",
    "يأتي",
    "تاتي",
    "ياتي",
    "اعلن",
    "اعلنت",
    "وفق",
    "وفقا",
    "يذكر",
    "لفت",
    "لفتت",
    "نقل",
    "نقلت",
    "افاد",
    "افادت",
    "جاء",
    "على",
    "علي",
    "مع",
    "هذا",
    "قد",
    "لم",
];

/// In a line of glued related headlines followed by article text, the byte offset where the
/// article text starts: the first «و» + sentence opener after which the rest reads as prose
/// (ends with sentence punctuation and is long enough).
pub fn glued_text_start(line: &str) -> Option<usize> {
    let mut best = None;
    for (i, c) in line.char_indices() {
        if c != 'و' || i == 0 {
            continue;
        }
        let rest = &line[i + c.len_utf8()..];
        let word: String = rest.chars().take_while(|c| mirsad_text::is_word_char(*c)).collect();
        let wk = key(&word);
        if !SENTENCE_OPENERS.iter().any(|o| key(o) == wk) {
            continue;
        }
        let tail = line[i..].trim_end();
        if tail.chars().count() >= 40 && tail.ends_with(['.', '!', '؟', '?', '"', '”', '»']) {
            best = Some(i);
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_and_navigation_junk() {
        assert!(is_junk_line(
            "Jannah Theme License is not validated, Go to the theme options page to validate the license."
        ));
        assert!(is_junk_line("زر الذهاب إلى الأعلى"));
        assert!(is_junk_line("اترك تعليقاً"));
        assert!(is_junk_line("لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"));
        assert!(is_junk_line("انتقل إلى اختصارات الوصولشارك هذا المقالمحادثة"));
        assert!(is_junk_line("مادة اعلانية تابعوا آخر أخبار الموقع عبر Google News"));
        assert!(is_junk_line("إعلان"));
        assert!(is_junk_line("رابط الخبر بصحيفة المدينة: الوزارة تعلن نتائج القبول"));
        assert!(is_junk_line("رابط دائم: https://example.com/a/1"));
        assert!(!is_junk_line("ونشر رابط الخبر على حسابه في تويتر قبل أن يحذفه."));
        assert!(is_junk_line("* * *"));
    }

    #[test]
    fn article_sentences_are_not_junk() {
        assert!(!is_junk_line("أعلن الكرملين اليوم أن الرئيس سيزور المنطقة."));
        assert!(!is_junk_line("وقالت الشركة إن إعلان النتائج سيتم الأسبوع المقبل."));
        // a long paragraph that mentions a phrase stays
        let long = "تابعوا أخبار ".to_string() + &"كلمة ".repeat(50);
        assert!(!is_junk_line(&long));
    }

    #[test]
    fn related_headers() {
        assert!(is_related_list_header("مقالات مشابهة"));
        assert!(is_related_list_header("أخبار ذات صلة"));
        assert!(!is_related_list_header("مقالات مشابهة ظهرت في الصحف خلال الأسبوع الماضي عن الموضوع نفسه"));
    }

    #[test]
    fn read_also_markers() {
        assert_eq!(read_also_marker("إقرأ أيضاً:"), Some(""));
        assert_eq!(read_also_marker("اقرأ أيضا: عنوان خبر آخر"), Some("عنوان خبر آخر"));
        assert_eq!(read_also_marker("Relatedعنوان أول"), Some("عنوان أول"));
        assert_eq!(read_also_marker("Related"), Some(""));
        assert_eq!(read_also_marker("اقرأ"), None);
        assert_eq!(read_also_marker("Relatedness matters"), None);
        assert_eq!(read_also_marker("قال المتحدث"), None);
    }

    #[test]
    fn trailing_ad_marker() {
        assert_eq!(strip_trailing_junk("وصف ما حدث بأنه \"عمل سيئ\". اعلان"), "وصف ما حدث بأنه \"عمل سيئ\".");
        assert_eq!(strip_trailing_junk("نص عادي عن إعلان"), "نص عادي عن إعلان");
    }

    #[test]
    fn finds_text_after_glued_headlines() {
        let line =
            "عنوان أول عن المدينةعنوان ثان عن الطائرة المبكروبحسب موقع متخصص، فإن السفينة كانت ستنطلق من الرصيف.";
        let i = glued_text_start(line).unwrap();
        assert!(line[i..].starts_with("وبحسب موقع"));
        assert_eq!(glued_text_start("عنوان وعنوان آخر بلا نهاية"), None);
    }
}
