//! `SignatureKey`: a subscription's `signature_key`, kept secret.

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretSlice};

/// The key Close signs a subscription's deliveries with: the `signature_key` it returns when the
/// subscription is created, hex-decoded.
///
/// It never appears in `Debug` output (which prints `SignatureKey([REDACTED])`), has no
/// `Display`, and is wiped from memory when dropped. Parse it from the hex text Close returns;
/// [`SignatureKey::expose_hex`] gives that text back when you need to store it.
///
/// ```
/// use close_sdk::webhooks::SignatureKey;
///
/// let key: SignatureKey =
///     "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c".parse().unwrap();
/// assert_eq!(format!("{key:?}"), "SignatureKey([REDACTED])");
/// assert!("not hex".parse::<SignatureKey>().is_err());
/// ```
#[derive(Clone)]
pub struct SignatureKey(SecretSlice<u8>);

impl SignatureKey {
    /// Parses the hex text of a `signature_key` (either case; surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, InvalidSignatureKey> {
        let text = text.trim();
        if text.is_empty() {
            return Err(InvalidSignatureKey("it is empty"));
        }
        let bytes = hex::decode(text).map_err(|e| {
            InvalidSignatureKey(match e {
                hex::FromHexError::OddLength => "it has an odd number of hex digits",
                _ => "it is not hexadecimal",
            })
        })?;
        Ok(SignatureKey(SecretSlice::from(bytes)))
    }

    /// A key from raw bytes (the hex-decoded `signature_key`). Empty keys are refused.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, InvalidSignatureKey> {
        if bytes.is_empty() {
            return Err(InvalidSignatureKey("it is empty"));
        }
        Ok(SignatureKey(SecretSlice::from(bytes)))
    }

    /// The key as lowercase hex, as Close returned it: for storing it somewhere safe.
    pub fn expose_hex(&self) -> String {
        hex::encode(self.0.expose_secret())
    }

    /// The raw key bytes (the HMAC key).
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

impl FromStr for SignatureKey {
    type Err = InvalidSignatureKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignatureKey::from_hex(s)
    }
}

impl fmt::Debug for SignatureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignatureKey([REDACTED])")
    }
}

/// Serialises the key as the hex text Close returned (e.g. to store it): deliberate, unlike
/// `Debug`, which never shows it.
impl serde::Serialize for SignatureKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secrecy::SecretString::from(self.expose_hex()).expose_secret())
    }
}

/// Keys compare in constant time.
impl PartialEq for SignatureKey {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.bytes(), other.bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SignatureKey {
    fn schema_name() -> String {
        "SignatureKey".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

impl<'de> serde::Deserialize<'de> for SignatureKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Held as a secret (wiped on drop) while it is parsed.
        let text = secrecy::SecretString::from(String::deserialize(d)?);
        SignatureKey::from_hex(text.expose_secret()).map_err(serde::de::Error::custom)
    }
}

/// A `signature_key` that is not a non-empty hex string. The message never contains the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidSignatureKey(&'static str);

impl fmt::Display for InvalidSignatureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid webhook signature key: {}", self.0)
    }
}

impl std::error::Error for InvalidSignatureKey {}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "058bfb6a3d8cfdc4da7c3be5901b16ae11da982b46a25fb2cd7016e97a140a1c";

    #[test]
    fn parses_hex_in_either_case_and_gives_it_back_lowercase() {
        let key: SignatureKey = format!("  {}\n", KEY.to_uppercase()).parse().unwrap();
        assert_eq!(key.bytes().len(), 32);
        assert_eq!(key.expose_hex(), KEY);
    }

    #[test]
    fn refuses_empty_odd_and_non_hex_text_without_echoing_it() {
        for bad in ["", "   ", "abc", "zz", "whsec_0123"] {
            let err = SignatureKey::from_hex(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid webhook signature key"), "{err}");
            if !bad.trim().is_empty() {
                assert!(!err.contains(bad.trim()), "{err}");
            }
        }
        assert!(SignatureKey::from_bytes(Vec::new()).is_err());
    }

    #[test]
    fn debug_and_deserialize_errors_never_show_the_key() {
        let key = SignatureKey::from_hex(KEY).unwrap();
        assert!(!format!("{key:?}").contains("058b"));
        let err = serde_json::from_str::<SignatureKey>("\"0123456789abcdefXY\"").unwrap_err();
        assert!(!err.to_string().contains("0123456789"), "{err}");
        let ok: SignatureKey = serde_json::from_str(&format!("\"{KEY}\"")).unwrap();
        assert_eq!(ok.expose_hex(), KEY);
    }
}
