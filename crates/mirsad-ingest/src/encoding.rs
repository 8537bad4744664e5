//! Bytes to text: BOM, declared charset (HTTP-equiv / meta charset / XML declaration), else
//! detection with chardetng (pages in windows-1256 still exist).

use encoding_rs::Encoding;

/// Decodes HTML bytes to a string, replacing invalid sequences (never fails).
pub fn decode_html(bytes: &[u8]) -> String {
    let enc = sniff_bom(bytes).or_else(|| declared_charset(bytes)).unwrap_or_else(|| detect(bytes));
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

/// Decodes bytes that should be UTF-8 text; falls back to detection when they are not.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some(enc) = sniff_bom(bytes) {
        return enc.decode(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => detect(bytes).decode(bytes).0.into_owned(),
    }
}

fn sniff_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_bom(bytes).map(|(e, _)| e)
}

/// Looks for `charset=` in the first 4 KiB (meta charset, http-equiv content, XML declaration's
/// `encoding=`), as browsers' prescan does.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    for needle in [&b"charset="[..], &b"encoding="[..]] {
        let mut from = 0;
        while let Some(pos) = find(&lower[from..], needle) {
            let start = from + pos + needle.len();
            let rest = &head[start..];
            let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
            let end = rest
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':' || b == b'.'))
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..end]) {
                // A page that declares UTF-16 but reached us as bytes without a BOM is really
                // ASCII-compatible (the HTML standard says the same).
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    return Some(encoding_rs::UTF_8);
                }
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return encoding_rs::UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(None, chardetng::Utf8Detection::Allow)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_windows_1256() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256
            .encode("<html><head><meta charset=\"windows-1256\"></head><body>مرحبا</body></html>");
        assert!(decode_html(&bytes).contains("مرحبا"));
    }

    #[test]
    fn http_equiv_charset() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256
            .encode("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\"><p>أخبار</p>");
        assert!(decode_html(&bytes).contains("أخبار"));
    }

    #[test]
    fn undeclared_windows_1256_is_detected() {
        let text = "<p>أعلن الكرملين اليوم أن الرئيس سيزور البلاد في الأيام المقبلة بدعوة رسمية من الحكومة</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(text);
        assert_eq!(decode_html(&bytes), text);
    }

    #[test]
    fn invalid_utf8_does_not_fail() {
        let s = decode_text(&[0x66, 0xff, 0xfe, 0x00, 0x67]);
        assert!(!s.is_empty());
    }
}
