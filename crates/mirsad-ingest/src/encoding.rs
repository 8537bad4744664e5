//! Bytes to text: BOM, declared charset (HTTP-equiv / meta charset / XML declaration), else
//! detection with chardetng (pages in windows-1256 still exist).

use encoding_rs::Encoding;

/// Decodes HTML bytes to a string, replacing invalid sequences (never fails).
pub fn decode_html(bytes: &[u8]) -> String {
    let enc = sniff_bom(bytes)
        .or_else(|| declared_charset(bytes).map(|declared| utf8_despite(declared, bytes)))
        .unwrap_or_else(|| detect(bytes));
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

/// UTF-8 instead of a declared legacy charset when the page is valid UTF-8 with non-ASCII text
/// in it: pages re-saved as UTF-8 keep their old `charset=euc-kr` or `windows-1256`, and text
/// really in those encodings almost never forms valid UTF-8 multi-byte sequences.
fn utf8_despite(declared: &'static Encoding, bytes: &[u8]) -> &'static Encoding {
    if declared != encoding_rs::UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        encoding_rs::UTF_8
    } else {
        declared
    }
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

/// Why bytes are not text at all, when they are not: control bytes (NUL and the other C0
/// controls but tab, line ends and form feed) in more than 1% of the first 64 KiB. Bytes with a
/// UTF-16/UTF-8 BOM are judged after decoding. Text in any ASCII-compatible encoding has next
/// to none of these; executables, images and compressed data have plenty.
pub fn binary_reason(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(64 << 10)];
    let (total, controls) = if let Some(enc) = sniff_bom(head) {
        let (text, _) = enc.decode_with_bom_removal(head);
        (text.chars().count(), text.chars().filter(|&c| is_binary_control(c as u32)).count())
    } else {
        (head.len(), head.iter().filter(|&&b| is_binary_control(u32::from(b))).count())
    };
    (controls > 0 && controls * 100 > total)
        .then(|| format!("binary data, not text ({controls} control bytes in the first {total})"))
}

fn is_binary_control(c: u32) -> bool {
    (c < 0x20 && !matches!(c, 0x09 | 0x0A | 0x0C | 0x0D)) || c == 0x7F
}

/// For text that is UTF-8 but damaged: the offset of the first invalid byte and the number of
/// invalid sequences. `None` for valid UTF-8, text with a BOM, and text in a legacy encoding
/// (windows-1256 Arabic forms almost no valid multi-byte UTF-8 sequences, so it is told apart
/// by comparing well-formed non-ASCII characters with invalid sequences).
pub fn damaged_utf8(bytes: &[u8]) -> Option<(usize, usize)> {
    if sniff_bom(bytes).is_some() {
        return None;
    }
    let first_bad = std::str::from_utf8(bytes).err()?.valid_up_to();
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    (good >= 4 * bad).then_some((first_bad, bad))
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
    fn http_charset_reaches_the_decoder() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode("<p>أخبار</p>");
        let body = with_http_charset("text/html; charset=\"windows-1256\"; x=y", bytes.into_owned());
        assert!(body.starts_with(b"<meta charset=\"windows-1256\">"));
        assert!(decode_html(&body).contains("أخبار"));
        // Not a charset token: left alone.
        assert_eq!(with_http_charset("text/html; charset=\"><script>", b"x".to_vec()), b"x");
        assert_eq!(with_http_charset("text/html", b"x".to_vec()), b"x");
    }

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
    fn binary_is_told_from_text() {
        let mut junk = Vec::new();
        let mut x = 0x2545_f491_u32;
        for _ in 0..4096 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            junk.push((x >> 16) as u8);
        }
        assert!(binary_reason(&junk).is_some());
        assert!(binary_reason("نص عربي\r\n\tسطر ثان\x0c".as_bytes()).is_none());
        let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode("نص عربي قديم");
        assert!(binary_reason(&cp1256).is_none());
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("نص".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(binary_reason(&utf16).is_none());
    }

    #[test]
    fn damaged_utf8_is_told_from_legacy_encodings() {
        let mut bytes = "نص عربي سليم ثم بايت تالف".as_bytes().to_vec();
        bytes.insert(5, 0xFF); // after «نص »
        assert_eq!(damaged_utf8(&bytes), Some((5, 1)));
        let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode("أعلنت البلدية اليوم عن خطة جديدة");
        assert_eq!(damaged_utf8(&cp1256), None);
        assert_eq!(damaged_utf8("سليم".as_bytes()), None);
    }

    #[test]
    fn invalid_utf8_does_not_fail() {
        let s = decode_text(&[0x66, 0xff, 0xfe, 0x00, 0x67]);
        assert!(!s.is_empty());
    }
}

#[cfg(test)]
mod utf8_despite_tests {
    use super::*;

    #[test]
    fn utf8_page_declaring_a_legacy_charset_is_read_as_utf8() {
        let page = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\"><p>코로나19 극복 성금</p>";
        assert!(decode_html(page.as_bytes()).contains("코로나19 극복 성금"));
        // Text really in EUC-KR stays EUC-KR.
        let (euc, _, _) = encoding_rs::EUC_KR.encode("<meta charset=\"euc-kr\"><p>코로나19 극복 성금</p>");
        assert!(std::str::from_utf8(&euc).is_err());
        assert!(decode_html(&euc).contains("코로나19 극복 성금"));
    }
}

/// A body with the charset an HTTP `Content-Type` header names made visible to the page decoder
/// (which reads `<meta charset>`): a page served as windows-1256 often says so only in the header.
/// A charset that is not a plain token (letters, digits, `-`, `_`) is ignored.
pub fn with_http_charset(content_type: &str, body: Vec<u8>) -> Vec<u8> {
    let Some(cs) = content_type.split("charset=").nth(1) else { return body };
    let cs = cs.split(';').next().unwrap_or("").trim().trim_matches(['"', '\'']);
    if cs.is_empty() || cs.len() >= 40 || !cs.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return body;
    }
    let mut with = format!("<meta charset=\"{cs}\">").into_bytes();
    with.extend_from_slice(&body);
    with
}
