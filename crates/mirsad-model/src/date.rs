//! The one date type of the records: a publication or event date as the contract writes it
//! (ISO 8601, from `YYYY` to `YYYY-MM-DDThh:mm:ss.fff±hh:mm`), checked once where it enters
//! (a reader, the write API, a stored record) and always well formed after that, so no caller
//! slices or re-parses a date string by hand.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Precision;

/// Why a date value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub value: String,
    pub reason: &'static str,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The value is shown escaped: it comes from untrusted input.
        write!(
            f,
            "bad date {:?}: {}; want YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][Z|±hh:mm]",
            self.value, self.reason
        )
    }
}

impl std::error::Error for DateError {}

/// A well-formed date value (ASCII digits, a real calendar day and time, a year from 1 to
/// 9999, an offset within ±23:59).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateValue(String);

/// Longest date value accepted (a full timestamp with nanoseconds and an offset is 35 bytes).
const MAX_LEN: usize = 40;

impl DateValue {
    /// Checks `s`. Arabic-Indic and Persian digits are read as ASCII digits, a space between
    /// day and time as `T`; nothing else is changed.
    pub fn parse(s: &str) -> Result<DateValue, DateError> {
        let err = |reason| DateError { value: s.chars().take(MAX_LEN).collect(), reason };
        let s = s.trim();
        if s.len() > MAX_LEN * 2 {
            return Err(err("too long"));
        }
        let mut v = String::with_capacity(s.len());
        for c in s.chars() {
            v.push(match c {
                '\u{660}'..='\u{669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
                '\u{6F0}'..='\u{6F9}' => char::from(b'0' + (c as u32 - 0x6F0) as u8),
                ' ' => 'T',
                c if c.is_ascii() => c,
                _ => return Err(err("only digits, '-', ':', 'T', '.', 'Z' and '+' may appear")),
            });
        }
        if v.len() > MAX_LEN {
            return Err(err("too long"));
        }
        shape(&v).map_err(err)?;
        Ok(DateValue(v))
    }

    /// A day (`None` for years the contract cannot write: before 1 or after 9999).
    pub fn from_day(d: NaiveDate) -> Option<DateValue> {
        use chrono::Datelike;
        (1..=9999).contains(&d.year()).then(|| DateValue(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How much the value says: year, month, day, minute or second.
    pub fn precision(&self) -> Precision {
        shape(&self.0).expect("checked when made").0
    }

    /// The calendar day (`YYYY-MM-DD`) when the value names one.
    pub fn day(&self) -> Option<&str> {
        self.0.get(..10).filter(|_| self.0.len() >= 10)
    }

    /// The day when the value names one, else the whole (coarser) value: what a list shows.
    pub fn day_or_coarser(&self) -> &str {
        self.day().unwrap_or(&self.0)
    }

    /// The calendar day as a date, when the value names one.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.day()?, "%Y-%m-%d").ok()
    }

    /// The instant as seconds since 1970 UTC: the start of the year, month or day for coarser
    /// values; a time without an offset is taken as UTC.
    pub fn timestamp(&self) -> i64 {
        let (_, date, time, offset) = shape(&self.0).expect("checked when made");
        let local = NaiveDateTime::new(date, time.unwrap_or(NaiveTime::MIN));
        local.and_utc().timestamp() - offset.map_or(0, |o| i64::from(o.local_minus_utc()))
    }

    /// The value with its offset, when it has a time and an offset.
    pub fn datetime(&self) -> Option<DateTime<FixedOffset>> {
        let (_, date, time, offset) = shape(&self.0).expect("checked when made");
        NaiveDateTime::new(date, time?).and_local_timezone(offset?).single()
    }
}

impl std::fmt::Display for DateValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for DateValue {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateValue::parse(s)
    }
}

impl AsRef<str> for DateValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for DateValue {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for DateValue {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for DateValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        DateValue::parse(&s).map_err(serde::de::Error::custom)
    }
}

type Shape = (Precision, NaiveDate, Option<NaiveTime>, Option<FixedOffset>);

/// Reads an ASCII value: `YYYY[-MM[-DD[Thh:mm[:ss[.f+]][Z|±hh[:]mm]]]]`.
fn shape(v: &str) -> Result<Shape, &'static str> {
    let b = v.as_bytes();
    let num = |from: usize, len: usize| -> Result<u32, &'static str> {
        let part = b.get(from..from + len).ok_or("cut short")?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err("a digit is missing");
        }
        Ok(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let sep = |at: usize, c: u8| -> Result<(), &'static str> {
        if b.get(at) == Some(&c) {
            Ok(())
        } else {
            Err("separators must be '-' in the date and ':' in the time")
        }
    };
    let year = num(0, 4)?;
    if year == 0 {
        return Err("no year 0");
    }
    if b.len() == 4 {
        return Ok((Precision::Year, NaiveDate::from_ymd_opt(year as i32, 1, 1).ok_or("no such day")?, None, None));
    }
    sep(4, b'-')?;
    let month = num(5, 2)?;
    if !(1..=12).contains(&month) {
        return Err("month out of 01-12");
    }
    if b.len() == 7 {
        return Ok((
            Precision::Month,
            NaiveDate::from_ymd_opt(year as i32, month, 1).ok_or("no such day")?,
            None,
            None,
        ));
    }
    sep(7, b'-')?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, num(8, 2)?).ok_or("no such day")?;
    if b.len() == 10 {
        return Ok((Precision::Day, date, None, None));
    }
    sep(10, b'T')?;
    let (h, m) = (num(11, 2)?, num(14, 2)?);
    sep(13, b':')?;
    let mut at = 16;
    let mut precision = Precision::Minute;
    let mut s = 0;
    let mut nanos = 0;
    if b.get(at) == Some(&b':') {
        s = num(17, 2)?;
        at = 19;
        precision = Precision::Second;
        if b.get(at) == Some(&b'.') {
            let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return Err("fraction of a second needs 1 to 9 digits");
            }
            nanos = num(at + 1, digits)? * 10u32.pow(9 - digits as u32);
            at += 1 + digits;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or("no such time")?;
    let offset = match b.get(at) {
        None => None,
        Some(b'Z') if b.len() == at + 1 => Some(FixedOffset::east_opt(0).expect("zero")),
        Some(&c @ (b'+' | b'-')) => {
            let oh = num(at + 1, 2)?;
            let om_at = if b.get(at + 3) == Some(&b':') { at + 4 } else { at + 3 };
            let om = num(om_at, 2)?;
            if b.len() != om_at + 2 {
                return Err("unexpected characters after the offset");
            }
            if oh > 23 || om > 59 {
                return Err("offset out of range");
            }
            let secs = (oh * 3600 + om * 60) as i32;
            FixedOffset::east_opt(if c == b'-' { -secs } else { secs })
        }
        Some(_) => return Err("unexpected characters after the time"),
    };
    Ok((precision, date, Some(time), offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_contract_shapes() {
        for (v, p) in [
            ("2024", Precision::Year),
            ("2024-02", Precision::Month),
            ("2024-02-29", Precision::Day),
            ("2024-02-29T10:05", Precision::Minute),
            ("2024-02-29T10:05+03:00", Precision::Minute),
            ("2024-02-29T10:05:09Z", Precision::Second),
            ("2024-02-29T10:05:09.123-0430", Precision::Second),
        ] {
            let d = DateValue::parse(v).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((d.as_str(), d.precision()), (v, p));
        }
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for v in [
            "",
            "abc",
            "2024-13-45",
            "2023-02-29",
            "99999-01-01",
            "0000-01-01",
            "2024-01-0éT00:00",
            "2024-01-05T25:00",
            "2024-01-05T10:00+24:00",
            "2024-01-05T10:00Zjunk",
            "2024/01/05",
            "2024-1-5",
            "٢٠٢٤-٠١-٠٥x",
        ] {
            assert!(DateValue::parse(v).is_err(), "{v:?} accepted");
        }
        let e = DateValue::parse("2024-01-0éT00:00").unwrap_err().to_string();
        assert!(e.contains("bad date"), "{e}");
    }

    #[test]
    fn eastern_digits_and_a_space_are_read() {
        assert_eq!(DateValue::parse("٢٠٢٤-٠١-٠٥").unwrap().as_str(), "2024-01-05");
        assert_eq!(DateValue::parse("۲۰۲۴-۰۱-۰۵ 10:00").unwrap().as_str(), "2024-01-05T10:00");
    }

    #[test]
    fn day_timestamp_and_order() {
        let d = DateValue::parse("2024-01-05T02:00+03:00").unwrap();
        assert_eq!(d.day(), Some("2024-01-05"));
        assert_eq!(d.timestamp(), DateValue::parse("2024-01-04T23:00Z").unwrap().timestamp());
        assert_eq!(DateValue::parse("2024-01").unwrap().day(), None);
        assert_eq!(DateValue::parse("1970-01-02").unwrap().timestamp(), 86_400);
    }

    #[test]
    fn deserializing_checks() {
        assert!(serde_json::from_str::<DateValue>("\"2024-13-01\"").is_err());
        assert_eq!(serde_json::from_str::<DateValue>("\"2024-12-01\"").unwrap(), "2024-12-01");
    }
}
