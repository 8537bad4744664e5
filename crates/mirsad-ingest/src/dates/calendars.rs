//! Non-Gregorian calendars printed on Arabic and Persian news pages: the Saudi Umm al-Qura
//! (lunar Hijri) calendar and the Solar Hijri (Jalali) calendar of Iran and Afghanistan.

use chrono::{Days, NaiveDate};

/// First Hijri year covered by [`UMM_AL_QURA`].
const UQ_FIRST_YEAR: u32 = 1370;
/// 1 Muharram 1370 AH = 1950-10-13 (Modified Chronological Julian Day 33568).
const UQ_FIRST_DAY: (i32, u32, u32) = (1950, 10, 13);

/// Umm al-Qura month lengths, one entry per Hijri year from 1370 to 1500 AH (1950–2077):
/// bit `m` (0 = Muharram … 11 = Dhu al-Hijja) is set when month `m + 1` has 30 days, else 29.
///
/// Generator: the table is R. H. van Gent's Umm al-Qura month-start table (`ummalqura_dat`,
/// Modified Chronological Julian Day of the first day of every month from 1356 to 1500 AH, the
/// table the Umm al-Qura calendar publishes and that most converters embed). For each year `y`
/// and month `m`, `len = start[(y-1356)*12 + m + 1] - start[(y-1356)*12 + m]` (always 29 or 30
/// from 1365 AH on; the earlier table has a 28-day month, hence the start at 1370), and the
/// mask is `sum((len == 30) << m)`. Checked against published pairs: 1 Muharram 1445 =
/// 2023-07-19, 25 Safar 1445 = 2023-09-10, 1 Ramadan 1445 = 2024-03-11, 1 Muharram 1446 =
/// 2024-07-07, 1 Ramadan 1441 = 2020-04-24.
#[rustfmt::skip]
const UMM_AL_QURA: [u16; 131] = [
    0x555, 0xEA5, 0xD2A, 0xAAA, 0xCD5, 0x655, 0x572, 0xDA9, 0x555, 0xAAA, 0x555, 0x52D, 0xA6D, 0x55A,
    0x555, 0x74D, 0xD53, 0xD54, 0x556, 0xD55, 0x2D5, 0xD55, 0xD54, 0xD45, 0x655, 0x52D, 0xA5D, 0x55A,
    0xAD5, 0x6AA, 0xD4B, 0x52A, 0xA57, 0x4AE, 0x976, 0x56C, 0xB55, 0xAAA, 0xA55, 0x4AD, 0x95D, 0x2DA,
    0x5D9, 0xDB2, 0xBA4, 0xB4A, 0xA55, 0x2B5, 0x575, 0xB6A, 0xBD2, 0xBC4, 0xB89, 0xA95, 0x52D, 0x5AD,
    0xB6A, 0x6E4, 0xDC9, 0xD92, 0xAA6, 0x956, 0x2AE, 0x56D, 0x36A, 0xB55, 0xAAA, 0x94D, 0x49D, 0x95D,
    0x2BA, 0x5B5, 0x5AA, 0xD55, 0xA9A, 0x92E, 0x25E, 0x55D, 0xADA, 0x6D4, 0x6A5, 0x54B, 0xA97, 0x54E,
    0xAAE, 0x5AC, 0xBA9, 0xD92, 0xB25, 0x64B, 0xCAB, 0x55A, 0xB55, 0x6D2, 0xEA5, 0xE4A, 0xA95, 0x52D,
    0xAAD, 0x36C, 0x759, 0x6D2, 0x695, 0x52D, 0xA5B, 0x4BA, 0x9BA, 0x3B4, 0xB69, 0xB52, 0xAA6, 0x4B6,
    0x96D, 0x2EC, 0x6D9, 0xDB2, 0xD54, 0xD2A, 0xA56, 0x4AE, 0x96D, 0xD6A, 0xB54, 0xB29, 0xA93, 0x52B,
    0xA57, 0x536, 0xAB5, 0x6AA, 0xE93,
];

fn uq_month_len(year: u32, month: u32) -> Option<u32> {
    let mask = *UMM_AL_QURA.get(year.checked_sub(UQ_FIRST_YEAR)? as usize)?;
    (1..=12).contains(&month).then(|| if mask >> (month - 1) & 1 == 1 { 30 } else { 29 })
}

/// Umm al-Qura Hijri date to Gregorian; `None` outside 1370–1500 AH or for a day the month
/// does not have (30 in a 29-day month).
pub fn hijri_to_gregorian(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    if day == 0 || day > uq_month_len(year, month)? {
        return None;
    }
    let mut days: u64 = 0;
    for y in UQ_FIRST_YEAR..year {
        days += (1..=12).filter_map(|m| uq_month_len(y, m)).map(u64::from).sum::<u64>();
    }
    for m in 1..month {
        days += u64::from(uq_month_len(year, m)?);
    }
    days += u64::from(day - 1);
    let (y, m, d) = UQ_FIRST_DAY;
    NaiveDate::from_ymd_opt(y, m, d)?.checked_add_days(Days::new(days))
}

/// Solar Hijri (Jalali) date to Gregorian with the 33-year arithmetic rule (exact for the
/// years news pages print, 1300–1470 SH); `None` for an impossible date.
pub fn jalali_to_gregorian(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    const MONTH_DAYS: [u32; 12] = [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29];
    if !(1300..=1470).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let leap = |y: u32| {
        let jy = u64::from(y - 979);
        // A year is leap when the next year's day count grows by 366.
        let count = |jy: u64| 365 * jy + jy / 33 * 8 + (jy % 33).div_ceil(4);
        count(jy + 1) - count(jy) == 366
    };
    let max = if month == 12 && leap(year) { 30 } else { MONTH_DAYS[(month - 1) as usize] };
    if day > max {
        return None;
    }
    let jy = u64::from(year - 979);
    let mut days = 365 * jy + jy / 33 * 8 + (jy % 33).div_ceil(4);
    days += MONTH_DAYS[..(month - 1) as usize].iter().map(|&d| u64::from(d)).sum::<u64>();
    days += u64::from(day - 1);
    // Day 0 of the count is 1 Farvardin 979 SH = 1600-03-21 (79 days after 1600-01-01).
    NaiveDate::from_ymd_opt(1600, 1, 1)?.checked_add_days(Days::new(days + 79))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn umm_al_qura_known_pairs() {
        assert_eq!(hijri_to_gregorian(1445, 1, 1), d(2023, 7, 19));
        assert_eq!(hijri_to_gregorian(1445, 2, 25), d(2023, 9, 10));
        assert_eq!(hijri_to_gregorian(1445, 9, 1), d(2024, 3, 11));
        assert_eq!(hijri_to_gregorian(1446, 1, 1), d(2024, 7, 7));
        assert_eq!(hijri_to_gregorian(1441, 9, 1), d(2020, 4, 24));
        assert_eq!(hijri_to_gregorian(1439, 11, 19), d(2018, 8, 1));
        assert_eq!(hijri_to_gregorian(1370, 1, 1), d(1950, 10, 13));
    }

    #[test]
    fn umm_al_qura_rejects_impossible() {
        // Muharram 1445 has 29 days (1 Safar = 2023-08-17), Safar 30 (1 Rabi I = 2023-09-16).
        assert_eq!(uq_month_len(1445, 1), Some(29));
        assert_eq!(uq_month_len(1445, 2), Some(30));
        assert_eq!(hijri_to_gregorian(1445, 1, 30), None);
        assert_eq!(hijri_to_gregorian(1445, 3, 1), d(2023, 9, 16));
        assert_eq!(hijri_to_gregorian(1445, 13, 1), None);
        assert_eq!(hijri_to_gregorian(1445, 0, 1), None);
        assert_eq!(hijri_to_gregorian(1501, 1, 1), None);
        assert_eq!(hijri_to_gregorian(1300, 1, 1), None);
    }

    #[test]
    fn jalali_known_pairs() {
        assert_eq!(jalali_to_gregorian(1399, 1, 1), d(2020, 3, 20));
        assert_eq!(jalali_to_gregorian(1399, 6, 3), d(2020, 8, 24));
        assert_eq!(jalali_to_gregorian(1402, 1, 1), d(2023, 3, 21));
        assert_eq!(jalali_to_gregorian(1399, 12, 30), d(2021, 3, 20));
        assert_eq!(jalali_to_gregorian(1400, 12, 30), None);
    }
}
