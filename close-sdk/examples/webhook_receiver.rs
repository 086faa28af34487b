//! A webhook receiver: verifies Close's deliveries and prints their events.
//!
//! ```text
//! cargo run -p close-sdk --example webhook_receiver                  # demo, no key needed
//! CLOSE_SIGNATURE_KEY=… cargo run -p close-sdk --example webhook_receiver -- --listen 0.0.0.0:8080
//! ```
//!
//! With `CLOSE_SIGNATURE_KEY` (the `signature_key` Close returned when you created the
//! subscription) it listens on `--listen` (default `127.0.0.1:8080`), any path, until stopped.
//! Without it, it runs a demo: a receiver on a free loopback port with a random key, and an
//! embedded sender that posts one genuine delivery and several forged or replayed ones, so both
//! outcomes show in one run. `--tolerance SECS` sets the timestamp window (default 300).
//! Exit status: 0 (the demo saw the expected outcomes), 1 (it did not), 2 (bad arguments).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use close_sdk::webhooks::axum::VerifiedDelivery;
use close_sdk::webhooks::{self, SignatureKey, Verifier, VerifyOptions, WebhookError};
use serde_json::json;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\nusage: webhook_receiver [--listen ADDR] [--tolerance SECS]");
            return ExitCode::from(2);
        }
    };
    let verify = VerifyOptions::default().tolerance(options.tolerance);
    match std::env::var("CLOSE_SIGNATURE_KEY") {
        Ok(hex) => {
            let key = match hex.parse::<SignatureKey>() {
                Ok(k) => k,
                Err(e) => {
                    eprintln!("error: CLOSE_SIGNATURE_KEY: {e}");
                    return ExitCode::from(2);
                }
            };
            serve(options.listen, Verifier::new(key).options(verify)).await
        }
        Err(_) => demo(verify).await,
    }
}

/// Receives deliveries until the process is stopped.
async fn serve(addr: SocketAddr, verifier: Verifier) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("receiving Close webhooks on http://{addr}/ (any path); Ctrl-C to stop");
    match axum::serve(listener, app(verifier)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The receiver: every POST is verified; the handler sees only deliveries that passed.
fn app(verifier: Verifier) -> axum::Router {
    axum::Router::new()
        .fallback(on_delivery)
        .with_state(verifier)
}

async fn on_delivery(delivery: Result<VerifiedDelivery, WebhookError>) -> Response {
    match delivery {
        Ok(VerifiedDelivery(d)) => {
            let e = &d.event;
            println!(
                "  receiver: accepted {} {} {} (object {}, lead {}, changed: {})",
                e.id,
                e.object_type,
                e.action,
                e.object_id.as_deref().unwrap_or("-"),
                e.lead_id.as_deref().unwrap_or("-"),
                if e.changed_fields.is_empty() {
                    "-".to_string()
                } else {
                    e.changed_fields.join(",")
                },
            );
            // Answer quickly; do the work elsewhere (Close retries until it gets a 2xx).
            StatusCode::OK.into_response()
        }
        Err(e) => {
            println!("  receiver: refused: {e}");
            e.into_response()
        }
    }
}

/// Runs a receiver with a random key and posts genuine, forged and replayed deliveries to it.
async fn demo(verify: VerifyOptions) -> ExitCode {
    let (Some(key), Some(attacker)) = (demo_key(), demo_key()) else {
        eprintln!("error: could not make a demo key");
        return ExitCode::FAILURE;
    };
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on loopback: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = match listener.local_addr() {
        Ok(a) => format!("http://{a}/close/webhook"),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let receiver = app(Verifier::new(key.clone()).options(verify));
    let server = tokio::spawn(async move { axum::serve(listener, receiver).await });
    println!("demo: no CLOSE_SIGNATURE_KEY, so a receiver with a random key listens on {url}");
    println!(
        "      and this program sends it deliveries the way Close would, and some it would not.\n"
    );

    // reqwest is built without a TLS provider by default (feature `rustls-ring`); a loopback
    // demo needs none, but the builder insists on one being installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    let now = unix_now();
    let body = won_delivery().to_string();
    let cases: Vec<(&str, u16, String, HeaderMap)> = vec![
        (
            "genuine: signed with the subscription's key just now",
            200,
            body.clone(),
            webhooks::signed_headers(&key, &now.to_string(), body.as_bytes()),
        ),
        (
            "forged: the genuine signature on an altered body (\"won\" -> \"lost\")",
            401,
            body.replace("\"won\"", "\"lost\""),
            webhooks::signed_headers(&key, &now.to_string(), body.as_bytes()),
        ),
        (
            "forged: signed with a key that is not the subscription's",
            401,
            body.clone(),
            webhooks::signed_headers(&attacker, &now.to_string(), body.as_bytes()),
        ),
        (
            "replayed: a genuine delivery captured 10 minutes ago",
            401,
            body.clone(),
            webhooks::signed_headers(&key, &(now - 600).to_string(), body.as_bytes()),
        ),
        (
            "unsigned: no close-sig-hash / close-sig-timestamp headers",
            401,
            body.clone(),
            HeaderMap::new(),
        ),
    ];

    let mut as_expected = 0;
    for (what, expected, body, headers) in &cases {
        println!("sender: {what}");
        let sent = client
            .post(&url)
            .header("content-type", "application/json")
            .headers(headers.clone())
            .body(body.clone())
            .send()
            .await;
        let status = match sent {
            Ok(r) => r.status().as_u16(),
            Err(e) => {
                println!("  sender: request failed: {e}\n");
                continue;
            }
        };
        let verdict = if status == *expected {
            as_expected += 1;
            "as expected"
        } else {
            "UNEXPECTED"
        };
        println!("  sender: HTTP {status} ({verdict})\n");
    }
    server.abort();
    println!("{as_expected} of {} outcomes as expected", cases.len());
    if as_expected == cases.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Close's "opportunity won" example delivery (developer.close.com, Webhooks), shortened.
fn won_delivery() -> serde_json::Value {
    json!({
        "event": {
            "id": "ev_2sYKRjcrA79yKxi3S4Crd7",
            "object_type": "opportunity",
            "action": "updated",
            "object_id": "oppo_7H4sjNso7FyBFaeR3RXi5PMJbilfo0c6UPCxsJtEhCO",
            "lead_id": "lead_zwqYhEFwzPyfCErS8uQ77is2wFLvr9BgVi6cTfbFM68",
            "organization_id": "orga_XbVPx5fFbKlYTz9PW5Ih1XDhViV10YihIaEgMEb6fVW",
            "user_id": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA",
            "request_id": "req_4S2L8JTBAA1OUS74SVmfbN",
            "date_created": "2019-01-15T12:48:23.395000",
            "date_updated": "2019-01-15T12:48:23.395000",
            "changed_fields": ["confidence", "date_updated", "status_id", "status_label", "status_type"],
            "previous_data": {"status_type": "active", "confidence": 70, "status_label": "Active"},
            "data": {"status_type": "won", "confidence": 100, "status_label": "Won", "value": 100000},
            "meta": {"request_method": "PUT", "request_path": "/api/v1/opportunity/oppo_7H4sjNso7FyBFaeR3RXi5PMJbilfo0c6UPCxsJtEhCO/"}
        },
        "subscription_id": "whsub_8AmjKCZYT3zI8eZoi4HhFC"
    })
}

/// A random 32-byte key (the size of Close's). Demo only: `fastrand` is not a cryptographic RNG.
fn demo_key() -> Option<SignatureKey> {
    let bytes: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    SignatureKey::from_bytes(bytes).ok()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

struct Options {
    listen: SocketAddr,
    tolerance: Duration,
}

impl Options {
    fn parse(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tolerance: webhooks::DEFAULT_TOLERANCE,
        };
        let mut args = args;
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--listen" => {
                    let v = value()?;
                    options.listen = v
                        .parse()
                        .map_err(|_| format!("--listen: `{v}` is not HOST:PORT"))?;
                }
                "--tolerance" => {
                    let v = value()?;
                    let secs: u64 = v
                        .parse()
                        .map_err(|_| format!("--tolerance: `{v}` is not a number of seconds"))?;
                    options.tolerance = Duration::from_secs(secs);
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(options)
    }
}
