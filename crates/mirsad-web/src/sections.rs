//! Section names as a reader knows them. Corpora and sites file articles under sections in their
//! own words, often English slugs (`sport`, `middleEast`); pages show the Arabic name of the
//! common ones and any other as given.

/// Slugs (compared without case, spaces, `-` and `_`) and the Arabic section name they stand for.
const NAMES: &[(&[&str], &str)] = &[
    (&["sport", "sports"], "رياضة"),
    (&["economy", "business", "finance", "economics"], "اقتصاد"),
    (&["technology", "tech", "science", "scitech"], "علوم وتكنولوجيا"),
    (&["culture", "arts", "art", "entertainment"], "ثقافة وفنون"),
    (&["middleeast", "arabworld", "arab"], "الشرق الأوسط"),
    (&["internationalnews", "world", "international", "worldnews"], "العالم"),
    (&["politics", "political"], "سياسة"),
    (&["health", "medicine"], "صحة"),
    (&["local", "localnews", "national"], "محليات"),
    (&["opinion", "opinions", "editorial"], "رأي"),
];

/// The Arabic name shown for section `s`.
pub(crate) fn display(s: &str) -> String {
    let folded: String = s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    NAMES
        .iter()
        .find(|(slugs, _)| slugs.contains(&folded.as_str()))
        .map_or_else(|| s.trim().to_string(), |(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_get_arabic_names() {
        assert_eq!(display("sport"), "رياضة");
        assert_eq!(display("middleEast"), "الشرق الأوسط");
        assert_eq!(display("internationalNews"), "العالم");
        assert_eq!(display("Middle_East"), "الشرق الأوسط");
        assert_eq!(display("منوعات"), "منوعات");
        assert_eq!(display("weather"), "weather");
    }
}
