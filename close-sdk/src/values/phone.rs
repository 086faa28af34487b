//! `PhoneNumber`: a contact's or an SMS's phone number, checked before it is sent.

use std::fmt;
use std::str::FromStr;

/// The most characters a phone number may have (an E.164 number is at most 16 with its `+`;
/// the rest is room for spacing and an extension).
pub(crate) const MAX_PHONE_LEN: usize = 64;

/// A phone number in one of the shapes Close documents and normalises itself: E.164
/// (`+14155552671`) or a written form (`+1 (415) 555-2671`, `415.555.2671`), optionally with an
/// extension (`x123`, `ext. 123`, `#123`).
///
/// Lenient where Close's pages are silent: digits with spaces, `( ) - . /`, a leading `+`, and
/// 3 to 20 digits before the extension. Refused: empty text, control characters, letters other
/// than the extension marker, a `+` anywhere but first, and more than 64
/// characters. The text is sent as given (Close stores the E.164 form and the formatted one).
///
/// ```
/// use close_sdk::PhoneNumber;
/// assert!("+14155552671".parse::<PhoneNumber>().is_ok());
/// assert!("+1 (415) 555-2671 ext. 12".parse::<PhoneNumber>().is_ok());
/// assert!("call me".parse::<PhoneNumber>().is_err());
/// assert!("".parse::<PhoneNumber>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The number as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PhoneNumber {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check(s)
            .map_err(|why| format!("phone number {:?} {why}", crate::error::truncate(s, 40)))?;
        Ok(PhoneNumber(s.to_string()))
    }
}

/// Why `s` is not a phone number, if it is not one.
fn check(s: &str) -> Result<(), &'static str> {
    if s.trim().is_empty() {
        return Err("is empty");
    }
    if s.chars().count() > MAX_PHONE_LEN {
        return Err("is too long");
    }
    if s.chars().any(char::is_control) {
        return Err("contains a control character");
    }
    let (number, extension) = split_extension(s);
    if let Some(ext) = extension {
        let ext = ext.trim();
        if ext.is_empty() || !ext.bytes().all(|b| b.is_ascii_digit()) {
            return Err("has an extension that is not digits");
        }
    }
    let number = number.trim();
    let mut digits = 0;
    for (i, c) in number.char_indices() {
        match c {
            '0'..='9' => digits += 1,
            '+' if i == 0 => {}
            '+' => return Err("has a `+` that is not first"),
            ' ' | '(' | ')' | '-' | '.' | '/' => {}
            _ => return Err("contains a character that is not part of a phone number"),
        }
    }
    if !(3..=20).contains(&digits) {
        return Err("does not have 3 to 20 digits");
    }
    Ok(())
}

/// The number and the extension after `x`, `ext`, `ext.` or `#` (any case), if there is one.
fn split_extension(s: &str) -> (&str, Option<&str>) {
    let lower = s.to_ascii_lowercase();
    for marker in ["ext.", "ext", "x", "#"] {
        if let Some(at) = lower.find(marker) {
            // `to_ascii_lowercase` keeps byte offsets, so `at` is a boundary in `s` too.
            return (&s[..at], Some(&s[at + marker.len()..]));
        }
    }
    (s, None)
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

impl serde::Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PhoneNumber {
    /// Lenient: whatever text Close returns is kept (Close may hold numbers entered before any
    /// check); only what is sent is checked.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(PhoneNumber(String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_and_written_shapes_are_accepted() {
        for ok in [
            "+14155552671",
            "+1 415-555-2671",
            "+1 (415) 555-2671",
            "415.555.2671",
            "0044 20 7946 0958",
            "+44 20/7946 0958",
            "+1 415 555 2671 x123",
            "+1 415 555 2671 ext. 9",
            "+1 415 555 2671 EXT 9",
            "555-2671#12",
            "911",
        ] {
            assert!(ok.parse::<PhoneNumber>().is_ok(), "{ok:?}");
            assert_eq!(ok.parse::<PhoneNumber>().unwrap().as_str(), ok);
        }
    }

    #[test]
    fn everything_else_is_refused_with_the_reason() {
        for (bad, why) in [
            ("", "is empty"),
            ("   ", "is empty"),
            ("+1 415\n555", "control character"),
            ("+1 415\u{0}555", "control character"),
            ("1-800-FLOWERS", "not part of a phone number"),
            ("+1 +415", "`+` that is not first"),
            ("12", "3 to 20 digits"),
            ("123456789012345678901", "3 to 20 digits"),
            ("+1 415 555 2671 x", "extension"),
            ("+1 415 555 2671 x12a", "extension"),
            ("+1 415 555 2671 x 1 x 2", "extension"),
            ("١٢٣٤٥", "not part of a phone number"),
        ] {
            let e = bad.parse::<PhoneNumber>().unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
        let long = "1".repeat(MAX_PHONE_LEN + 1);
        assert!(long
            .parse::<PhoneNumber>()
            .unwrap_err()
            .contains("too long"));
        let huge = "9".repeat(1_000_000);
        let e = huge.parse::<PhoneNumber>().unwrap_err();
        assert!(e.len() < 200, "the message quotes a prefix only");
    }

    #[test]
    fn decoding_keeps_what_close_sent() {
        let p: PhoneNumber = serde_json::from_str("\"not checked\"").unwrap();
        assert_eq!(p.as_str(), "not checked");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"not checked\"");
    }
}
