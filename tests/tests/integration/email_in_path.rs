//! `DELETE /unsubscribe/email/{email_address}/` (`unsubscribed_emails_delete`) puts an email
//! address in the path (issue 18). `/ ? # ;` and `%` are all legal in an address's local part.
//!
//! Decided: `?`, `#` and `;` are sent percent-encoded (`%3F`, `%23`, `%3B`); a server that
//! decodes the path before routing (Close's Python stack does) still finds them inside the one
//! segment, so they cannot change which endpoint is reached. `/` and `\` cannot be sent: a server
//! that decodes `%2F` (or `%5C`) before routing reads a path separator, so the request could
//! reach another route; they are refused before anything is sent, with a message saying why.

use std::time::Duration;

use close_sdk::prelude::*;
use close_sdk::RetryPolicy;
use close_sdk_tests::loopback_server::{LoopbackServer, Reply};
use close_sdk_tests::API_KEY;
use serde_json::json;

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
        .with_retry_policy(RetryPolicy::none())
}

/// `s` with each `%XX` decoded once.
fn decode_once(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Addresses whose local part holds `?`, `#`, `;` (and the other specials of RFC 5322's
/// `atext`) reach the one endpoint, in one segment that decodes to the address.
#[tokio::test]
async fn addresses_with_query_fragment_or_semicolon_characters_are_sent_in_their_segment() {
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let client = client(&server.base_url());
    let addresses = [
        "a?b@example.com",
        "a#b@example.com",
        "a;b@example.com",
        "?#;@example.com",
        "o'brien+tag@example.com",
        "x!$&*=^_`{|}~@example.com",
        "50%off@example.com",
    ];
    for address in addresses {
        let sent = client
            .unsubscribed_emails_delete()
            .email_address(address)
            .send()
            .await;
        assert!(sent.is_ok(), "{address}: {sent:?}");
    }
    let lines = server.request_lines();
    assert_eq!(lines.len(), addresses.len(), "{lines:#?}");
    for (line, address) in lines.iter().zip(addresses) {
        let target = line
            .split(' ')
            .nth(1)
            .unwrap_or_else(|| panic!("a request line: {line}"));
        let segment = target
            .strip_prefix("/unsubscribe/email/")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("{address}: sent to {target}"));
        assert!(
            !segment.contains(['/', '?', '#', ';', '\\']),
            "{address}: the segment {segment} holds a raw delimiter"
        );
        assert_eq!(
            decode_once(segment),
            address,
            "{address}: the segment decodes to another value"
        );
    }
}

/// `/` and `\` (legal in a quoted local part, `"a/b"@example.com`; `/` even unquoted) would be
/// read as a path separator by a server that decodes the path before routing: refused, nothing
/// sent, and the error says why.
#[tokio::test]
async fn addresses_with_a_path_separator_are_refused_with_the_reason() {
    let server = LoopbackServer::start(|_| Reply::json(200, &json!({}))).await;
    let client = client(&server.base_url());
    for address in [
        "a/b@example.com",
        "\"a\\b\"@example.com",
        "../lead@example.com",
        "a%2Fb@example.com",
    ] {
        let e = client
            .unsubscribed_emails_delete()
            .email_address(address)
            .send()
            .await
            .map(drop)
            .expect_err("refused");
        let e = e;
        let text = e.to_string();
        assert!(
            matches!(e, close_sdk::Error::InvalidRequest(_)),
            "{address}: {e:?}"
        );
        assert!(
            text.contains("email_address") && text.contains("path separator"),
            "{address}: the message does not say why: {text}"
        );
    }
    assert_eq!(server.requests(), 0, "nothing is sent");
}
