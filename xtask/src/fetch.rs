//! Reading an upstream document from a file or a URL, with errors that say which failed.

use std::time::Duration;

use anyhow::{anyhow, Result};

/// The largest document accepted from a URL (Close's full spec is a few MB).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// True when `source` is an `http://` or `https://` URL.
pub fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// The bytes of `source`: a GET for a URL, otherwise a file read.
pub fn read_source(source: &str) -> Result<Vec<u8>> {
    if is_url(source) {
        fetch(source)
    } else {
        std::fs::read(source).map_err(|e| anyhow!("cannot read upstream file {source}: {e}"))
    }
}

fn fetch(url: &str) -> Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(Duration::from_secs(120)))
        .user_agent(concat!("close-sdk-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header(
            "Accept",
            "application/json, application/yaml;q=0.9, */*;q=0.1",
        )
        .call()
        .map_err(|e| match e {
            ureq::Error::StatusCode(code) => {
                anyhow!("cannot fetch {url}: the server answered HTTP {code}")
            }
            other => anyhow!("cannot fetch {url}: unreachable ({other})"),
        })?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(|e| anyhow!("cannot fetch {url}: reading the body failed ({e})"))
}
