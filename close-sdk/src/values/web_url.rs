//! `WebUrl`: a lead's or contact's web address, checked before it is sent.

use std::fmt;
use std::str::FromStr;

/// The most characters a URL may have (browsers and servers commonly stop near 2,000).
pub(crate) const MAX_URL_LEN: usize = 2048;

/// An absolute `http` or `https` URL with a host, as Close stores on a lead (`url`) or a
/// contact (`urls[].url`).
///
/// Parsed with the `url` crate (WHATWG rules); refused: another scheme (`javascript:`,
/// `ftp:`, …), no host, whitespace or control characters anywhere, more than 2048
/// characters. The text is sent exactly as given (the parser's normalised form, e.g. an added
/// trailing `/`, is not substituted).
///
/// ```
/// use close_sdk::WebUrl;
/// assert_eq!("https://acme.com".parse::<WebUrl>().unwrap().as_str(), "https://acme.com");
/// assert!("javascript:alert(1)".parse::<WebUrl>().is_err());
/// assert!("acme.com".parse::<WebUrl>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebUrl(String);

impl WebUrl {
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for WebUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check(s)
            .map_err(|why| format!("URL {:?} {why}", crate::error::truncate(&quoted(s), 60)))?;
        Ok(WebUrl(s.to_string()))
    }
}

/// `s` as an error may quote it: a password in its user info (`https://user:secret@host/`)
/// is left out, as a credential never reaches a message.
fn quoted(s: &str) -> std::borrow::Cow<'_, str> {
    let Some((scheme, rest)) = s.split_once("://") else {
        return s.into();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return s.into();
    };
    let user = rest[..at].split(':').next().unwrap_or_default();
    format!("{scheme}://{user}:<redacted>@{}", &rest[at + 1..]).into()
}

/// Why `s` is not a web URL, if it is not one.
fn check(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("is empty".into());
    }
    if s.chars().count() > MAX_URL_LEN {
        return Err(format!("is longer than {MAX_URL_LEN} characters"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains whitespace or a control character".into());
    }
    let url = reqwest::Url::parse(s).map_err(|e| format!("is not an absolute URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("has scheme `{}`, not http or https", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    Ok(())
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for WebUrl {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for WebUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<WebUrl> for String {
    fn from(u: WebUrl) -> String {
        u.0
    }
}

impl serde::Serialize for WebUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for WebUrl {
    /// Lenient: whatever text Close returns is kept; only what is sent is checked.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(WebUrl(String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_urls_are_kept_as_given() {
        for ok in [
            "https://acme.com",
            "http://acme.com/about?x=1#team",
            "https://xn--bcher-kva.example/",
            "https://bücher.example/path",
            "https://127.0.0.1:8443/",
        ] {
            assert_eq!(ok.parse::<WebUrl>().unwrap().as_str(), ok);
        }
    }

    #[test]
    fn other_schemes_relative_urls_and_odd_text_are_refused() {
        for (bad, why) in [
            ("", "empty"),
            ("acme.com", "not an absolute URL"),
            ("/about", "not an absolute URL"),
            ("javascript:alert(1)", "scheme `javascript`"),
            ("ftp://acme.com/", "scheme `ftp`"),
            ("mailto:john@acme.com", "scheme `mailto`"),
            ("https://acme.com/a b", "whitespace"),
            (" https://acme.com", "whitespace"),
            ("https://acme.com/\n", "whitespace"),
            ("https://", "not an absolute URL"),
        ] {
            let e = bad.parse::<WebUrl>().unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
        let long = format!("https://acme.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(long.parse::<WebUrl>().unwrap_err().contains("longer than"));
    }
}
