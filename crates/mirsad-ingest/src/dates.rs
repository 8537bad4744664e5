//! Date strings in the forms Arabic news pages use, to calendar dates.
//! (Owned by the dates work: see the module tests for every supported form.)

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use mirsad_model::{Basis, Precision, Published};

/// A date read from a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub offset: Option<FixedOffset>,
    pub precision: Precision,
    /// Byte range of the date expression in the input string.
    pub span: std::ops::Range<usize>,
}

impl FoundDate {
    /// The contract form: `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss][±hh:mm]` with a time.
    pub fn to_published(&self, basis: Basis) -> Published {
        let mut value = self.date.format("%Y-%m-%d").to_string();
        if let (Some(t), true) = (self.time, self.precision > Precision::Day) {
            let fmt = if self.precision >= Precision::Second { "T%H:%M:%S" } else { "T%H:%M" };
            value.push_str(&t.format(fmt).to_string());
            if let Some(o) = self.offset {
                value.push_str(&o.to_string());
            }
        }
        Published { value, precision: self.precision, basis }
    }
}

/// Parses a string that is (mostly) a date: meta tag values, feed dates, ISO 8601, RFC 822.
pub fn parse_date(_s: &str) -> Option<FoundDate> {
    None
}

/// Finds the first date expression inside running text (a date line, a byline).
pub fn find_date(_text: &str) -> Option<FoundDate> {
    None
}
