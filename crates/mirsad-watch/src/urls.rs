//! URL normalization and the keys under which an item counts as seen.

use url::Url;

/// Query parameters that track a reader, not choose a page. Dropped by [`normalize`].
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "ocid",
    "cmpid",
    "ref_src",
    "ref_url",
    "spm",
    "at_medium",
    "at_campaign",
    "at_source",
    "s_cid",
    "twclid",
    "li_fat_id",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wt_mc",
    "ito",
];

fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_") || n.starts_with("pk_") || TRACKING.contains(&n.as_str())
}

/// One spelling per page address: scheme and host lower case and default ports dropped (by
/// the `url` crate's parsing), the fragment removed, tracking parameters removed, and percent
/// escapes upper case with non-ASCII path letters always escaped (an Arabic slug arrives both
/// raw and escaped, in either case of hex).
pub fn normalize(u: &Url) -> Url {
    let mut u = u.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let kept: Vec<(String, String)> =
            u.query_pairs().filter(|(k, _)| !is_tracking(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    let path = upper_escapes(u.path());
    u.set_path(&path);
    if let Some(q) = u.query().map(upper_escapes) {
        u.set_query(Some(&q));
    }
    u
}

/// `%d8%a7` → `%D8%A7`.
fn upper_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            out.push('%');
            out.push((b[i + 1] as char).to_ascii_uppercase());
            out.push((b[i + 2] as char).to_ascii_uppercase());
            i += 3;
        } else {
            // Safe: only ASCII bytes are handled one at a time; a multi-byte char is copied whole.
            let c = s[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Parses an absolute http(s) URL, or a reference relative to `base`, and normalizes it.
/// Anything else (mailto:, javascript:, data:, ftp:) is `None`.
pub fn parse(s: &str, base: Option<&Url>) -> Option<Url> {
    let s = s.trim();
    let u = match base {
        Some(b) => b.join(s).ok()?,
        None => Url::parse(s).ok()?,
    };
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some()).then(|| normalize(&u))
}

/// The key of a normalized URL in the seen table.
pub fn url_key(u: &Url) -> i64 {
    key(&format!("url\u{0}{}", u.as_str()))
}

/// The key of a feed item's GUID (scoped by the feed, since GUIDs are only unique there).
pub fn guid_key(feed: &Url, guid: &str) -> i64 {
    key(&format!("guid\u{0}{}\u{0}{}", feed.host_str().unwrap_or(""), guid.trim()))
}

fn key(s: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes()) as i64
}

/// The host a politeness slot belongs to: host and port.
pub fn host_of(u: &Url) -> String {
    match u.port() {
        Some(p) => format!("{}:{p}", u.host_str().unwrap_or("")),
        None => u.host_str().unwrap_or("").to_string(),
    }
}

/// The registrable part of a host, roughly: the last two labels (three when the second last
/// is a short generic label such as `com` in `alarabiya.com.sa`). For "same site" tests only.
pub fn site_of(u: &Url) -> String {
    if !matches!(u.host(), Some(url::Host::Domain(_))) {
        return u.host_str().unwrap_or("").to_string();
    }
    let host = u.host_str().unwrap_or("").trim_start_matches("www.");
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n >= 3
        && matches!(labels[n - 2], "com" | "net" | "org" | "gov" | "edu" | "co" | "ac")
        && labels[n - 1].len() == 2
    {
        labels[n - 3..].join(".")
    } else if n >= 2 {
        labels[n - 2..].join(".")
    } else {
        host.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        parse(s, None).unwrap().to_string()
    }

    #[test]
    fn variants_of_one_page_normalize_alike() {
        let a = n("https://News.Example.com:443/سياسة/خبر-1?id=5#top");
        assert_eq!(a, n("https://news.example.com/%d8%b3%d9%8a%d8%a7%d8%b3%d8%a9/%D8%AE%D8%A8%D8%B1-1?id=5"));
        assert_eq!(a, n("https://news.example.com/سياسة/خبر-1?utm_source=x&id=5&fbclid=abc&utm_medium=y"));
        assert_eq!(n("http://example.com:80/a?utm_campaign=z"), "http://example.com/a");
        assert_ne!(n("https://example.com/a?id=5"), n("https://example.com/a?id=6"));
    }

    #[test]
    fn only_web_urls_are_parsed() {
        let base = Url::parse("https://example.com/section/").unwrap();
        assert_eq!(parse("../a/b", Some(&base)).unwrap().as_str(), "https://example.com/a/b");
        for s in ["mailto:x@y.z", "javascript:void(0)", "ftp://example.com/x", "data:text/html,hi"] {
            assert!(parse(s, Some(&base)).is_none(), "{s}");
        }
    }

    #[test]
    fn sites() {
        let s = |x: &str| site_of(&Url::parse(x).unwrap());
        assert_eq!(s("https://www.alarabiya.net/x"), "alarabiya.net");
        assert_eq!(s("https://news.example.com.sa/x"), "example.com.sa");
        assert_eq!(s("http://127.0.0.1:8080/x"), "127.0.0.1");
    }
}
