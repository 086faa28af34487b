//! `EmailAddress`: the `format: email` strings of the spec, validated before sending.

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Schema, SchemaObject};

/// An email address that passed RFC 5322 validation (by the `email_address` crate) and has a
/// domain with at least one dot.
///
/// ```
/// use close_sdk::EmailAddress;
/// assert!("john@salesteam.com".parse::<EmailAddress>().is_ok());
/// assert!("john@".parse::<EmailAddress>().is_err());
/// assert!("john@localhost".parse::<EmailAddress>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The address as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EmailAddress {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if is_plain_address(s) {
            // Accepted by the full check below as well (see `is_plain_address`), without its
            // allocations; only the address itself is copied.
            return Ok(EmailAddress(s.to_string()));
        }
        if s.is_empty() {
            return Err("email must not be empty".into());
        }
        let parsed = email_address::EmailAddress::from_str(s)
            .map_err(|e| format!("`{s}` is not a valid email address ({e})"))?;
        // Close provisions users in an organization's verified domains: a dotless domain (or an
        // IP literal) can never qualify.
        let domain = parsed.domain();
        if !domain.contains('.') || domain.starts_with('[') {
            return Err(format!(
                "`{s}` is not a valid email address (the domain needs a dot)"
            ));
        }
        Ok(EmailAddress(s.to_string()))
    }
}

/// The common shape, checked in one pass without allocating: an ASCII dot-atom local part of at
/// most 64 bytes, `@`, and a domain of at most 254 bytes made of at least two dot-separated
/// labels of 1 to 63 ASCII letters, digits and inner hyphens.
///
/// Every address it accepts is one `email_address` accepts (RFC 5322, the crate's default
/// options) and has a domain with a dot, so it is only a shortcut: anything else (quoted local
/// parts, display names, non-ASCII, IP literals, …) goes through the full check.
fn is_plain_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.len() > 254 {
        return false;
    }
    // Atoms of `atext` joined by single dots.
    let mut after_dot = true;
    for c in local.bytes() {
        match c {
            b'.' if after_dot => return false,
            b'.' => after_dot = true,
            c if is_atext(c) => after_dot = false,
            _ => return false,
        }
    }
    if after_dot {
        return false;
    }
    // Labels of letters, digits and inner hyphens, joined by single dots.
    let (mut labels, mut len, mut last) = (1usize, 0usize, b'.');
    for c in domain.bytes() {
        match c {
            b'.' if len == 0 || last == b'-' => return false,
            b'.' => (labels, len) = (labels + 1, 0),
            b'-' if len > 0 => len += 1,
            c if c.is_ascii_alphanumeric() => len += 1,
            _ => return false,
        }
        if len > 63 {
            return false;
        }
        last = c;
    }
    len > 0 && last != b'-' && labels >= 2
}

/// RFC 5322 `atext`, ASCII only.
fn is_atext(c: u8) -> bool {
    matches!(c,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'/' | b'='
        | b'?' | b'^' | b'_' | b'`' | b'{' | b'|' | b'}' | b'~')
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for EmailAddress {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<&String> for EmailAddress {
    type Error = String;
    fn try_from(s: &String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl serde::Serialize for EmailAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for EmailAddress {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for EmailAddress {
    fn schema_name() -> String {
        "EmailAddress".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        Schema::Object(SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("email".into()),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for s in [
            "john@salesteam.com",
            "a.b+tag@sub.example.co.uk",
            "o'neil@example.org",
        ] {
            assert_eq!(s.parse::<EmailAddress>().unwrap().as_str(), s);
        }
    }

    /// The full check alone (what `from_str` did before the shortcut).
    fn full_check(s: &str) -> bool {
        email_address::EmailAddress::from_str(s).is_ok_and(|p| {
            let d = p.domain();
            d.contains('.') && !d.starts_with('[')
        })
    }

    proptest::proptest! {
        #[test]
        fn the_shortcut_accepts_only_what_the_full_check_accepts(
            s in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~@ <>\"\\\\\\[\\]()-]{0,40}|[a-z0-9.-]{1,70}@[a-z0-9.-]{1,70}|[a-z.]{0,3}@[a-z0-9-]{0,64}(\\.[a-z0-9-]{0,64}){0,5}"
        ) {
            if is_plain_address(&s) {
                proptest::prop_assert!(full_check(&s), "{s:?}");
            }
            // And `from_str` agrees with the full check either way.
            proptest::prop_assert_eq!(s.parse::<EmailAddress>().is_ok(), full_check(&s), "{:?}", s);
        }
    }

    #[test]
    fn the_shortcut_covers_ordinary_addresses_and_their_limits() {
        for s in [
            "john@salesteam.com",
            "a.b+tag@sub.example.co.uk",
            "o'neil@example.org",
        ] {
            assert!(is_plain_address(s), "{s}");
        }
        let local64 = format!("{}@example.com", "a".repeat(64));
        let local65 = format!("{}@example.com", "a".repeat(65));
        assert!(is_plain_address(&local64) && full_check(&local64));
        assert!(!is_plain_address(&local65) && !full_check(&local65));
        let label63 = format!("a@{}.com", "b".repeat(63));
        let label64 = format!("a@{}.com", "b".repeat(64));
        assert!(is_plain_address(&label63) && full_check(&label63));
        assert!(!is_plain_address(&label64) && !full_check(&label64));
        let long_domain = format!("a@{}", vec!["c".repeat(62); 5].join("."));
        assert!(!is_plain_address(&long_domain) && !full_check(&long_domain));
        for s in [
            "a@b",
            "a@-b.com",
            "a@b-.com",
            "a@b..com",
            ".a@b.com",
            "a.@b.com",
            "a@[1.2.3.4]",
        ] {
            assert!(!is_plain_address(s), "{s}");
        }
        // Not the shortcut's, but still valid: the full check decides.
        for s in [
            "\"john doe\"@example.com",
            "John <john@example.com>",
            "jöhn@example.com",
        ] {
            assert!(!is_plain_address(s));
            assert_eq!(s.parse::<EmailAddress>().is_ok(), full_check(s), "{s}");
        }
    }

    #[test]
    fn rejects_non_addresses() {
        for s in [
            "",
            "john",
            "john@",
            "@example.com",
            "john@@example.com",
            "john @example.com",
            "john@localhost",
            " john@example.com",
        ] {
            assert!(
                s.parse::<EmailAddress>().is_err(),
                "{s:?} should be rejected"
            );
        }
    }
}
