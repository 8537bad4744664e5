//! Checks of an article record posted to `POST /api/ingest`: every field, with a 400 that
//! names the line and the field. Dates are checked by their type while the record is read
//! (`mirsad_model::DateValue`); this adds presence and size limits, so one request cannot store
//! a record the UI or the store would choke on.

/// Longest id, outlet, attribution or keyword, in characters.
const MAX_SHORT: usize = 256;
/// Longest title, in characters.
const MAX_TITLE: usize = 2_000;
/// Longest document name or URL, in bytes.
const MAX_LOCATION: usize = 4_096;
/// Most attributions or keywords.
const MAX_LIST: usize = 100;

/// The first field of `a` that is not acceptable: `(field, reason)`.
pub(crate) fn article(a: &mirsad_model::Article) -> Result<(), (&'static str, String)> {
    let chars = |s: &str| s.chars().count();
    let short = |field: &'static str, s: &str| -> Result<(), (&'static str, String)> {
        if s.trim().is_empty() {
            return Err((field, "is empty".into()));
        }
        if chars(s) > MAX_SHORT {
            return Err((field, format!("is longer than {MAX_SHORT} characters")));
        }
        Ok(())
    };
    short("id", &a.id)?;
    if a.id.chars().any(|c| c.is_control() || c == '/') {
        return Err(("id", "has a control character or '/'".into()));
    }
    if a.document.len() > MAX_LOCATION {
        return Err(("document", format!("is longer than {MAX_LOCATION} bytes")));
    }
    if let Some(u) = &a.url {
        if u.len() > MAX_LOCATION {
            return Err(("url", format!("is longer than {MAX_LOCATION} bytes")));
        }
        if u.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(("url", "has a space or control character".into()));
        }
    }
    if let Some(t) = &a.title {
        if chars(t) > MAX_TITLE {
            return Err(("title", format!("is longer than {MAX_TITLE} characters")));
        }
    }
    if a.body.trim().is_empty() {
        return Err(("body", "is empty".into()));
    }
    if let Some(o) = &a.outlet {
        short("outlet", o)?;
    }
    for (field, list) in [("attribution", &a.attribution), ("keywords", &a.keywords)] {
        if list.len() > MAX_LIST {
            return Err((field, format!("has more than {MAX_LIST} entries")));
        }
        for s in list {
            short(field, s)?;
        }
    }
    if let Some(l) = &a.language {
        short("language", l)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mirsad_model::Article;

    #[test]
    fn names_the_bad_field() {
        let ok = Article::new("a1", "api", "نص");
        assert!(article(&ok).is_ok());
        let mut a = ok.clone();
        a.id = " ".into();
        assert_eq!(article(&a).unwrap_err().0, "id");
        let mut a = ok.clone();
        a.body = "\n".into();
        assert_eq!(article(&a).unwrap_err().0, "body");
        let mut a = ok.clone();
        a.keywords = vec!["x".repeat(300)];
        assert_eq!(article(&a).unwrap_err().0, "keywords");
        let mut a = ok.clone();
        a.url = Some("https://x.test/a b".into());
        assert_eq!(article(&a).unwrap_err().0, "url");
    }
}
