//! Untrusted names and text made safe for one line of a terminal or a log.
//!
//! A file name or a record may hold a line end (which forges a second log line), a terminal
//! control (ESC sequences) or a bidirectional override (which shows the line's characters in
//! another order than they are stored). Every message that prints such a string goes through
//! [`escape_for_display`].

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is shown escaped: C0 and C1 controls and DEL, the bidirectional formatting
/// characters (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
/// U+200E, U+200F and U+061C) and the line and paragraph separators U+2028/U+2029 (line ends
/// to some log viewers).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}'
        )
}

/// `s` with every character of [`needs_escape`] written as `\u{..}` (hex, as Rust writes it);
/// everything else, Arabic included, as it is. Borrowed when nothing needs escaping.
/// Idempotent (the escapes are plain ASCII), so a message built from already escaped parts can
/// be escaped again as a whole without doubling anything; the price is that a name holding the
/// literal text `\u{a}` reads like one holding a line end.
pub fn escape_for_display(s: &str) -> Cow<'_, str> {
    let Some(first) = s.find(needs_escape) else { return Cow::Borrowed(s) };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if needs_escape(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_borrowed_unchanged() {
        for s in ["", "data/أخبار/مقال 1.html", "crawl.warc.gz#12", "كيم جونغ أون"] {
            assert!(matches!(escape_for_display(s), Cow::Borrowed(x) if x == s), "{s}");
        }
    }

    #[test]
    fn line_ends_and_terminal_controls_are_escaped() {
        assert_eq!(escape_for_display("a\nmirsad: forged"), "a\\u{a}mirsad: forged");
        assert_eq!(escape_for_display("x\r\ty"), "x\\u{d}\\u{9}y");
        assert_eq!(escape_for_display("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape_for_display("del\u{7f}"), "del\\u{7f}");
        assert_eq!(escape_for_display("c1\u{85}\u{9b}"), "c1\\u{85}\\u{9b}");
        assert_eq!(escape_for_display("\0"), "\\u{0}");
        assert_eq!(escape_for_display("p\u{2028}q\u{2029}"), "p\\u{2028}q\\u{2029}");
    }

    #[test]
    fn bidi_controls_are_escaped() {
        // "evil\u{202E}lmth.exe" would show as "evilexe.html".
        assert_eq!(escape_for_display("evil\u{202E}lmth.exe"), "evil\\u{202e}lmth.exe");
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(escape_for_display(&format!("a{c}")), format!("a\\u{{{:x}}}", c as u32));
        }
        assert_eq!(escape_for_display("\u{200E}\u{200F}\u{061C}"), "\\u{200e}\\u{200f}\\u{61c}");
        // Arabic letters and joiners that shape them stay as they are.
        assert_eq!(escape_for_display("لا\u{200D}م"), "لا\u{200D}م");
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = escape_for_display("a\n\u{202E}b\\c");
        assert_eq!(once, "a\\u{a}\\u{202e}b\\c");
        assert!(matches!(escape_for_display(&once), Cow::Borrowed(x) if x == once));
    }
}
