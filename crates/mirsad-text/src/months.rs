//! Arabic names of the Gregorian months, in [`crate::key`] form, with a lookup.
//!
//! Three series are in use across Arabic news: the Egyptian/Gulf one (`يناير`, `فبراير`, …,
//! from the French/English names), the Levantine/Iraqi one (`كانون الثاني`, `شباط`, …, from the
//! Syriac names) and the Maghrebi one (`جانفي`, `فيفري`, … in Algeria and Tunisia, `يوليوز`,
//! `غشت`, `شتنبر` … in Morocco). Two-word Levantine names also appear without the article
//! (`تشرين اول`). Date parsing in `mirsad-ingest` and temporal expressions in `mirsad-analyze`
//! share this one table.

/// Month names in key form and their numbers; each series in calendar order.
pub const ARABIC_MONTHS: &[(&str, u32)] = &[
    // Egyptian/Gulf series.
    ("يناير", 1),
    ("فبراير", 2),
    ("مارس", 3),
    ("ابريل", 4),
    ("مايو", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("اغسطس", 8),
    ("اغسطوس", 8),
    ("سبتمبر", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
    // Levantine series.
    ("كانون الثاني", 1),
    ("كانون ثاني", 1),
    ("شباط", 2),
    ("اذار", 3),
    ("نيسان", 4),
    ("ايار", 5),
    ("حزيران", 6),
    ("تموز", 7),
    ("اب", 8),
    ("ايلول", 9),
    ("تشرين الاول", 10),
    ("تشرين اول", 10),
    ("تشرين الثاني", 11),
    ("تشرين ثاني", 11),
    ("كانون الاول", 12),
    ("كانون اول", 12),
    // Maghrebi series (Algeria/Tunisia, then the Moroccan forms).
    ("جانفي", 1),
    ("فيفري", 2),
    ("افريل", 4),
    ("ماي", 5),
    ("جوان", 6),
    ("جويليه", 7),
    ("يوليوز", 7),
    ("اوت", 8),
    ("غشت", 8),
    ("شتنبر", 9),
    ("نونبر", 11),
    ("دجنبر", 12),
];

/// The month number of an Arabic month name in any spelling [`crate::key`] folds (`أغسطس`,
/// `آب`, `تشرين  الأول` with any spacing); `None` for anything else.
pub fn arabic_month(name: &str) -> Option<u32> {
    let k = crate::key(name);
    ARABIC_MONTHS.iter().find(|(n, _)| *n == k).map(|&(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_and_spelling() {
        assert_eq!(arabic_month("أغسطس"), Some(8));
        assert_eq!(arabic_month("آب"), Some(8));
        assert_eq!(arabic_month("تشرين  الأول"), Some(10));
        assert_eq!(arabic_month("تشرين أول"), Some(10));
        assert_eq!(arabic_month("جويلية"), Some(7));
        assert_eq!(arabic_month("شتنبر"), Some(9));
        assert_eq!(arabic_month("إبريل"), Some(4));
        assert_eq!(arabic_month("تشرين"), None);
        assert_eq!(arabic_month("السبت"), None);
    }

    #[test]
    fn table_is_in_key_form() {
        for (n, m) in ARABIC_MONTHS {
            assert_eq!(crate::key(n), *n);
            assert!((1..=12).contains(m));
        }
    }
}
