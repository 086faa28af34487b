//! ISO 8601 / RFC 3339 date-times read and written by hand, over `time`'s calendar types.
//!
//! `time`'s `parsing` and `formatting` features did this before. They cost about a second of
//! every clean build (BENCHMARKS.md, issue 20's sixth round), for a format of a few fixed
//! fields; `time` still checks every component (`Date::from_calendar_date`, `Time::from_hms_nano`,
//! `UtcOffset::from_hms`).
//!
//! Read: a date `YYYY-MM-DD`, `YYYY-DDD` or `YYYY-Www-D` (or the same without dashes, or with a
//! signed six-digit year); `T`, `t` or a space; a time `hh[:mm[:ss]]` (or without colons) whose
//! last part may have a fraction after `.` or `,` (to the nanosecond, rounded down, as `time`'s
//! RFC 3339 reader did; its ISO 8601 reader rounded to the nearest); then
//! `Z`, `z`, `±hh`, `±hh:mm`, `±hhmm` or `±hh:mm:ss`, or nothing (a naive value, read as UTC).
//! A leap second (`:60`) is read as the last nanosecond before it, only where RFC 3339 allows
//! one: with an offset, at 23:59:60 UTC on the last day of a month.
//!
//! Written: RFC 3339 (`2024-01-02T03:04:05.5Z`, `+01:00`), with a signed six-digit year outside
//! 0 to 9999 and `±hh:mm:ss` for an offset with seconds, both of which the reader takes back.

use std::fmt::Write as _;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// The instant `text` names, and whether it had no offset (then read as UTC); `None` if it is
/// not an ISO 8601 date-time (the whole of it: nothing may follow).
pub(crate) fn parse(text: &str) -> Option<(OffsetDateTime, bool)> {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let date = date(&mut c)?;
    if !matches!(c.next()?, b'T' | b't' | b' ') {
        return None;
    }
    let (time, leap) = time_of_day(&mut c)?;
    let offset = if c.done() {
        None
    } else {
        Some(offset(&mut c)?)
    };
    if !c.done() {
        return None;
    }
    let local = PrimitiveDateTime::new(date, time);
    let Some(offset) = offset else {
        // ISO 8601 has no leap second without an offset to place it.
        return (!leap).then(|| (local.assume_utc(), true));
    };
    let at = local.assume_offset(offset);
    if leap {
        // RFC 3339: only the last second of a UTC month can be a leap second (read as
        // 23:59:59.999999999 UTC). An instant whose UTC time is outside `time`'s range is none.
        let utc = at.checked_to_offset(UtcOffset::UTC)?;
        let last_day = utc.date().next_day().is_none_or(|d| d.day() == 1);
        if !(utc.hour() == 23 && utc.minute() == 59 && utc.second() == 59 && last_day) {
            return None;
        }
    }
    Some((at, false))
}

/// `at` as RFC 3339 text (see the module docs for the two cases RFC 3339 cannot write).
pub(crate) fn format(at: OffsetDateTime) -> String {
    let mut s = String::with_capacity(35);
    let year = at.year();
    // `write!` to a `String` cannot fail.
    let _ = if (0..=9999).contains(&year) {
        write!(s, "{year:04}")
    } else {
        let sign = if year < 0 { '-' } else { '+' };
        write!(s, "{sign}{:06}", year.unsigned_abs())
    };
    let _ = write!(
        s,
        "-{:02}-{:02}T{:02}:{:02}:{:02}",
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    let nanos = at.nanosecond();
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        s.push('.');
        s.push_str(digits.trim_end_matches('0'));
    }
    let offset = at.offset();
    if offset.is_utc() {
        s.push('Z');
        return s;
    }
    let (h, m, sec) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    let _ = write!(s, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs());
    if sec != 0 {
        let _ = write!(s, ":{:02}", sec.unsigned_abs());
    }
    s
}

/// A position in the text being read.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    /// Takes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.at += 1;
        }
        found
    }

    /// How many ASCII digits follow.
    fn digits_ahead(&self) -> usize {
        self.bytes[self.at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    /// Exactly `n` (at most 9) digits, as a number.
    fn number(&mut self, n: usize) -> Option<u32> {
        let part = self.bytes.get(self.at..self.at + n)?;
        let mut value = 0u32;
        for &b in part {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.at += n;
        Some(value)
    }

    /// Two digits, as a byte.
    fn two(&mut self) -> Option<u8> {
        u8::try_from(self.number(2)?).ok()
    }

    /// `-` in the extended format; nothing in the basic one.
    fn separator(&mut self, extended: bool, b: u8) -> Option<()> {
        (!extended || self.eat(b)).then_some(())
    }
}

/// A calendar, ordinal or week date.
fn date(c: &mut Cursor<'_>) -> Option<Date> {
    let year = match c.peek()? {
        sign @ (b'+' | b'-') => {
            c.at += 1;
            let y = i32::try_from(c.number(6)?).ok()?;
            if sign == b'-' {
                -y
            } else {
                y
            }
        }
        _ => i32::try_from(c.number(4)?).ok()?,
    };
    let extended = c.eat(b'-');
    if c.eat(b'W') {
        let week = c.two()?;
        c.separator(extended, b'-')?;
        let day = match c.number(1)? {
            1 => Weekday::Monday,
            2 => Weekday::Tuesday,
            3 => Weekday::Wednesday,
            4 => Weekday::Thursday,
            5 => Weekday::Friday,
            6 => Weekday::Saturday,
            7 => Weekday::Sunday,
            _ => return None,
        };
        return Date::from_iso_week_date(year, week, day).ok();
    }
    if c.digits_ahead() == 3 {
        let ordinal = u16::try_from(c.number(3)?).ok()?;
        return Date::from_ordinal_date(year, ordinal).ok();
    }
    let month = Month::try_from(c.two()?).ok()?;
    c.separator(extended, b'-')?;
    let day = c.two()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// `hh[:mm[:ss]][.fraction]`, and whether its second was a leap second (`60`, read as `59` and
/// the last nanosecond).
fn time_of_day(c: &mut Cursor<'_>) -> Option<(Time, bool)> {
    let hour = c.two()?;
    let extended = c.peek() == Some(b':');
    // Each part present; the fraction belongs to the last one (`unit`, in seconds).
    let (mut minute, mut second, mut unit) = (0u8, 0u8, 3600u64);
    if c.eat(b':') || (!extended && c.digits_ahead() >= 2) {
        minute = c.two()?;
        unit = 60;
        if c.eat(b':') || (!extended && c.digits_ahead() >= 2) {
            second = c.two()?;
            unit = 1;
        }
    }
    let mut extra_nanos = 0u64;
    if c.eat(b'.') || c.eat(b',') {
        let run = c.digits_ahead();
        if run == 0 {
            return None;
        }
        // Up to 18 digits are kept (a fraction of an hour needs more than 9 for its nanoseconds).
        let kept = run.min(18);
        let mut digits = 0u64;
        for _ in 0..kept {
            digits = digits * 10 + u64::from(c.next()? - b'0');
        }
        c.at += run - kept;
        // The fraction of one `unit` (`digits / 10^kept`), in nanoseconds, rounded down.
        let scale = 10u128.pow(kept as u32);
        let nanos = u128::from(digits) * u128::from(unit) * 1_000_000_000 / scale;
        extra_nanos = u64::try_from(nanos).ok()?;
    }
    let leap = second == 60;
    if leap {
        second = 59;
        extra_nanos = extra_nanos.max(999_999_999);
    }
    // Checked before the carry below, which would read `11:04:75` as 11:05:15.
    if minute > 59 || second > 59 {
        return None;
    }
    // A fraction of an hour or a minute carries into the smaller parts.
    let total =
        u64::from(minute) * 60_000_000_000 + u64::from(second) * 1_000_000_000 + extra_nanos;
    let minute = u8::try_from(total / 60_000_000_000).ok()?;
    let second = u8::try_from(total / 1_000_000_000 % 60).ok()?;
    let nanos = u32::try_from(total % 1_000_000_000).ok()?;
    Time::from_hms_nano(hour, minute, second, nanos)
        .ok()
        .map(|t| (t, leap))
}

/// `Z`, `z`, `±hh`, `±hh:mm`, `±hhmm` or `±hh:mm:ss`.
fn offset(c: &mut Cursor<'_>) -> Option<UtcOffset> {
    let sign: i8 = match c.next()? {
        b'Z' | b'z' => return Some(UtcOffset::UTC),
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    // `UtcOffset` takes up to ±25:59:59, as `time`'s ISO 8601 reader did.
    let hours = c.two()?;
    let (mut minutes, mut seconds) = (0u8, 0u8);
    if c.eat(b':') {
        minutes = c.two()?;
        if c.eat(b':') {
            seconds = c.two()?;
        }
    } else if !c.done() {
        minutes = c.two()?;
    }
    let signed = |v: u8| i8::try_from(v).ok().map(|v| sign * v);
    UtcOffset::from_hms(signed(hours)?, signed(minutes)?, signed(seconds)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        parse(text)
            .map(|(t, _)| t)
            .unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    #[test]
    fn closes_forms_and_rfc_3339() {
        let t = at("2013-02-01T00:54:51.097000+00:00");
        assert_eq!(t.unix_timestamp(), 1_359_680_091);
        assert_eq!(t.nanosecond(), 97_000_000);
        assert_eq!(parse("2019-11-04T11:04:13.014979").map(|p| p.1), Some(true));
        assert_eq!(at("2024-01-02T03:04:05-04:00"), at("2024-01-02T07:04:05Z"));
        assert_eq!(at("2024-01-02t03:04:05z"), at("2024-01-02 03:04:05+00:00"));
    }

    #[test]
    fn iso_8601_variants() {
        let want = at("2024-03-05T10:30:00Z");
        for text in [
            "20240305T103000Z",
            "2024-065T10:30Z",
            "2024065T1030Z",
            "2024-W10-2T10:30:00Z",
            "2024W102T10.5Z",
            "2024-03-05T10:30:00.000+00",
            "2024-03-05T11:30:00+0100",
            "2024-03-05T10:30:00,0Z",
            "+002024-03-05T10:30:00Z",
        ] {
            assert_eq!(at(text), want, "{text}");
        }
        assert_eq!(at("2024-03-05T10:30:15.5Z").nanosecond(), 500_000_000);
        assert_eq!(
            at("2024-03-05T10:30:00.1234567891234Z").nanosecond(),
            123_456_789
        );
    }

    #[test]
    fn refused() {
        for bad in [
            "",
            "2019-13-04T11:04:13",
            "2019-02-30T11:04:13",
            "2019-11-04T25:00:00",
            "2019-11-04T24:00:00",
            "2019-11-04T11:60:00",
            "2019-11-04T11:04:75",
            "2019-11-04T11:59:99Z",
            "20191104T110475Z",
            "2019-11-04T11:61",
            "2019-11-04",
            "11:04:13",
            "2019-11-04T11:04:13+26:00",
            "2019-11-04T11:04:13Zjunk",
            "2019-11-04T11:04:13.",
            "2019-11-04T11:04:13+1",
            "2019-11-04T11:04:60",
            "2019-11-04T11:04:60Z",
            "2019-11-04X11:04:13Z",
            "2019-11-04T11:04:13 ",
            "٢٠١٩-11-04T11:04:13Z",
            "2019-11-04T11:04:13\u{0}",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn leap_seconds_only_at_the_end_of_a_utc_month() {
        let leap = at("2016-12-31T23:59:60Z");
        assert_eq!(leap, at("2016-12-31T23:59:59.999999999Z"));
        assert!(parse("2016-12-31T23:59:60+01:00").is_none());
        assert!(parse("2017-01-01T00:59:60+01:00").is_some());
        assert!(parse("2016-12-30T23:59:60Z").is_none());
        // Not 23:59:60 UTC once the offset's seconds are applied; outside `time`'s range.
        assert!(parse("2016-12-31T23:59:60+00:00:30").is_none());
        assert!(parse("9999-12-31T23:59:60-01:00").is_none());
        assert!(parse("-009999-01-01T00:59:60+01:00").is_none());
    }

    #[test]
    fn written_as_rfc_3339_and_read_back() {
        let cases = [
            ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
            (
                "2024-01-02T03:04:05.500+01:30",
                "2024-01-02T03:04:05.5+01:30",
            ),
            (
                "2024-01-02T03:04:05.000000001-00:30",
                "2024-01-02T03:04:05.000000001-00:30",
            ),
            ("-000001-01-01T00:00:00Z", "-000001-01-01T00:00:00Z"),
        ];
        for (text, written) in cases {
            let t = at(text);
            assert_eq!(format(t), written);
            assert_eq!(at(&format(t)), t);
        }
        let odd = OffsetDateTime::UNIX_EPOCH.to_offset(UtcOffset::from_hms(1, 2, 3).unwrap());
        assert_eq!(format(odd), "1970-01-01T01:02:03+01:02:03");
        assert_eq!(at(&format(odd)), odd);
    }
}

/// The reader and writer against `time`'s (a dev-dependency with its `parsing` and `formatting`
/// features): every text `time` reads is read to the same instant, and every instant RFC 3339
/// can write is written the same.
#[cfg(test)]
mod against_time {
    use proptest::prelude::*;
    use time::format_description::well_known::{Iso8601, Rfc3339};

    use super::*;

    /// What `time` made of `text` before: RFC 3339, else ISO 8601 with an offset, else without.
    fn time_reads(text: &str) -> Option<(OffsetDateTime, bool)> {
        OffsetDateTime::parse(text, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
            .map(|t| (t, false))
            .or_else(|_| {
                PrimitiveDateTime::parse(text, &Iso8601::DEFAULT).map(|t| (t.assume_utc(), true))
            })
            .ok()
    }

    fn piece(options: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        proptest::sample::select(options)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn reads_what_time_reads(
            year in piece(&["2024", "1999", "0000", "9999", "2023", "+002024", "20x4"]),
            date in piece(&["-02-29", "-12-31", "-01-01", "-13-01", "-02-30", "0229", "-060", "-366", "-W09-4", "W094", "-W53-7", "-1-1"]),
            sep in piece(&["T", "t", " "]),
            time in piece(&["23:59:59", "00:00", "12", "1234", "123456", "24:00:00", "23:59:60", "12:3", "12:34:56", "07:08:09"]),
            frac in piece(&["", ".5", ",25", ".000001", ".123456789", ".1234567891", "."]),
            offset in piece(&["", "Z", "z", "+00:00", "-04:00", "+0530", "+05", "-23:59", "+24:00", "+05:3", "+01:00:30"]),
        ) {
            let text = format!("{year}{date}{sep}{time}{frac}{offset}");
            if let Some(before) = time_reads(&text) {
                prop_assert_eq!(parse(&text), Some(before), "{}", text);
            }
        }

        #[test]
        fn writes_what_time_writes(
            secs in 0i64..253_402_300_799,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000, Just(500_000_000u32)],
            offset_minutes in -1439i32..1440,
        ) {
            let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap()
                .replace_nanosecond(nanos).unwrap()
                .to_offset(offset);
            if let Ok(theirs) = t.format(&Rfc3339) {
                prop_assert_eq!(format(t), theirs);
            }
            prop_assert_eq!(parse(&format(t)), Some((t, false)));
        }
    }
}
