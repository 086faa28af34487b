//! `TzOffset`: the UTC offset Close reads from the `x-tz-offset` header.

use std::fmt;
use std::str::FromStr;

use reqwest::header::HeaderValue;

use crate::Error;

/// The most negative offset in use anywhere (UTC−12:00), in quarter hours.
const MIN_QUARTERS: i16 = -12 * 4;
/// The most positive offset in use anywhere (UTC+14:00), in quarter hours.
const MAX_QUARTERS: i16 = 14 * 4;

/// A UTC offset for Close's `x-tz-offset` header, which Close applies to date filters
/// (`date_created`, `date_start`, …), reports, relative dates in Advanced Filtering queries
/// ("created today") and scheduled emails and SMS (developer.close.com/api/overview/timezone-offsets).
/// Set it for a client with [`ClientBuilder::tz_offset`](crate::ClientBuilder::tz_offset) or for
/// some calls with [`Client::with_tz_offset`](crate::Client::with_tz_offset).
///
/// Close's page shows whole hours (`-4` for EDT) and half hours as `.5` (`-2.5` for NDT); the
/// value is sent in exactly that form: decimal hours, `-` for west of UTC, no `+`, no trailing
/// zeros (`0`, `5.5`, `-3.5`). Accepted: multiples of a quarter hour (the 45-minute zones, e.g.
/// Nepal's UTC+5:45, are sent as `5.75`; Close's page shows no such example) from UTC−12:00 to
/// UTC+14:00, the offsets in use anywhere. Anything else (a NaN, `4.1`, `-13`) is refused with
/// [`Error::InvalidRequest`], before any request exists.
///
/// ```
/// use close_sdk::TzOffset;
/// # fn main() -> Result<(), close_sdk::Error> {
/// assert_eq!(TzOffset::from_hours(-4.0)?.to_string(), "-4");
/// assert_eq!(TzOffset::from_minutes(-150)?.to_string(), "-2.5");
/// assert_eq!("5.75".parse::<TzOffset>()?.minutes(), 345);
/// assert!(TzOffset::from_hours(4.1).is_err());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TzOffset {
    quarters: i16,
}

impl TzOffset {
    /// UTC itself (`0`).
    pub const UTC: TzOffset = TzOffset { quarters: 0 };

    /// An offset of `hours` (`-4.0`, `-2.5`, `5.75`): finite, a multiple of 0.25, from −12 to
    /// +14.
    pub fn from_hours(hours: f64) -> Result<TzOffset, Error> {
        let quarters = hours * 4.0;
        if !quarters.is_finite() || quarters.fract() != 0.0 {
            return Err(refused(
                &format!("{hours} hours"),
                "a multiple of 0.25 hours",
            ));
        }
        if !(f64::from(MIN_QUARTERS)..=f64::from(MAX_QUARTERS)).contains(&quarters) {
            return Err(refused(&format!("{hours} hours"), RANGE));
        }
        // In range, so it fits.
        Ok(TzOffset {
            quarters: quarters as i16,
        })
    }

    /// An offset of `minutes` (`-240`, `-150`, `345`): a multiple of 15, from −720 to +840.
    pub fn from_minutes(minutes: i32) -> Result<TzOffset, Error> {
        if minutes % 15 != 0 {
            return Err(refused(
                &format!("{minutes} minutes"),
                "a multiple of 15 minutes",
            ));
        }
        match i16::try_from(minutes / 15) {
            Ok(quarters) if (MIN_QUARTERS..=MAX_QUARTERS).contains(&quarters) => {
                Ok(TzOffset { quarters })
            }
            _ => Err(refused(&format!("{minutes} minutes"), RANGE)),
        }
    }

    /// The offset in minutes (`-150` for `-2.5`).
    pub fn minutes(self) -> i32 {
        i32::from(self.quarters) * 15
    }

    /// The header value: [`TzOffset`]'s `Display`, which is digits, `-` and `.` only.
    pub(crate) fn header_value(self) -> HeaderValue {
        HeaderValue::try_from(self.to_string()).unwrap_or(HeaderValue::from_static("0"))
    }
}

/// What the accepted range is, for messages.
const RANGE: &str = "within UTC-12:00 to UTC+14:00";

fn refused(what: &str, rule: &str) -> Error {
    Error::InvalidRequest(format!(
        "x-tz-offset: {what} is not a UTC offset Close can be sent; it must be {rule}"
    ))
}

impl fmt::Display for TzOffset {
    /// Decimal hours as Close's examples write them: `-4`, `-2.5`, `5.75`, `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.quarters < 0 { "-" } else { "" };
        let abs = self.quarters.unsigned_abs();
        let fraction = match abs % 4 {
            1 => ".25",
            2 => ".5",
            3 => ".75",
            _ => "",
        };
        write!(f, "{sign}{}{fraction}", abs / 4)
    }
}

impl FromStr for TzOffset {
    type Err = Error;

    /// Decimal hours (`-4`, `-2.5`, `+5.75`), as [`TzOffset::from_hours`] accepts them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let well_formed = !text.is_empty()
            && text
                .trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.');
        match text.parse::<f64>() {
            Ok(hours) if well_formed && text.len() <= 16 => TzOffset::from_hours(hours),
            _ => Err(refused(
                &format!("{:?}", crate::error::truncate(s, 32)),
                "decimal hours such as -4 or -2.5",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_as_closes_examples() {
        let cases = [
            (-4.0, "-4"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (-0.0, "0"),
            (5.5, "5.5"),
            (5.75, "5.75"),
            (-3.5, "-3.5"),
            (-0.5, "-0.5"),
            (0.25, "0.25"),
            (14.0, "14"),
            (-12.0, "-12"),
            (12.75, "12.75"),
        ];
        for (hours, text) in cases {
            let tz = TzOffset::from_hours(hours).unwrap();
            assert_eq!(tz.to_string(), text, "{hours}");
            assert_eq!(tz.header_value(), text);
            assert_eq!(text.parse::<TzOffset>().unwrap(), tz);
            assert_eq!(TzOffset::from_minutes(tz.minutes()).unwrap(), tz);
        }
        assert_eq!("+5.5".parse::<TzOffset>().unwrap().minutes(), 330);
        assert_eq!(TzOffset::UTC.to_string(), "0");
    }

    #[test]
    fn invalid_offsets_are_refused_saying_why() {
        for hours in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            4.1,
            -2.4,
            0.1,
            14.25,
            -12.25,
            24.0,
            1e300,
            f64::MIN_POSITIVE,
        ] {
            match TzOffset::from_hours(hours) {
                Err(Error::InvalidRequest(msg)) => assert!(msg.contains("x-tz-offset"), "{msg}"),
                other => panic!("{hours}: {other:?}"),
            }
        }
        for minutes in [1, -7, 845, -735, i32::MAX, i32::MIN] {
            assert!(
                matches!(
                    TzOffset::from_minutes(minutes),
                    Err(Error::InvalidRequest(_))
                ),
                "{minutes}"
            );
        }
        for text in [
            "", "-", "abc", "NaN", "inf", "1e1", "4:30", "-4.1", "15", " - 4",
        ] {
            assert!(
                matches!(text.parse::<TzOffset>(), Err(Error::InvalidRequest(_))),
                "{text:?}"
            );
        }
    }
}
