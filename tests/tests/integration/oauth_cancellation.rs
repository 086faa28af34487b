//! OAuth refresh and cancellation: a refresh outlives its dropped caller (Close rotates refresh
//! tokens on arrival, so a cancelled refresh would lock the user out), the rotated token is
//! stored and reported, and the `on_token_refresh` callback never stalls calls.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use close_sdk::oauth::{OAuthApp, Tokens};
use close_sdk::prelude::*;
use close_sdk_tests::loopback_server::OAuthServer;
use secrecy::ExposeSecret;

/// Recorded rotated refresh tokens, in callback order.
type Rotated = Arc<Mutex<Vec<String>>>;

/// Tokens `a0`/`r0` that expired 5 s ago.
fn expired() -> Tokens {
    Tokens::new(
        "a0",
        Some("r0".into()),
        Some(SystemTime::now() - Duration::from_secs(5)),
    )
}

/// A client of `server` with expired tokens; the callback sleeps `slow_for` on `slow_token`
/// before recording it.
fn client(server: &OAuthServer, slow_token: &'static str, slow_for: Duration) -> (Client, Rotated) {
    let rotated = Rotated::default();
    let sink = rotated.clone();
    let app = OAuthApp::new("oa2client_test", "client-secret-value")
        .unwrap()
        .endpoints(&server.token_url(), &server.token_url())
        .unwrap();
    let client = Client::builder()
        .base_url(server.server.base_url())
        .oauth(app, expired())
        .on_token_refresh(move |t| {
            let token = t
                .refresh_token
                .as_ref()
                .map(|r| r.expose_secret().to_string())
                .unwrap_or_default();
            if token == slow_token {
                std::thread::sleep(slow_for);
            }
            sink.lock().unwrap().push(token);
        })
        .build()
        .unwrap();
    (client, rotated)
}

/// Waits (at most 5 s) until the callback has recorded `n` tokens; returns them.
async fn rotated_after(rotated: &Rotated, n: usize) -> Vec<String> {
    for _ in 0..100 {
        if rotated.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    rotated.lock().unwrap().clone()
}

#[tokio::test]
async fn a_refresh_survives_its_caller_timing_out_during_a_token_endpoint_stall() {
    let server = OAuthServer::start().await;
    server.set_token_delay(Duration::from_millis(500));
    let (client, rotated) = client(&server, "", Duration::ZERO);
    let dropped =
        tokio::time::timeout(Duration::from_millis(200), client.pinned_views("memb_1")).await;
    assert!(dropped.is_err(), "the caller should have timed out");
    let next = tokio::time::timeout(Duration::from_secs(2), client.pinned_views("memb_1")).await;
    assert!(matches!(next, Ok(Ok(_))), "{next:?}");
    assert_eq!(server.api_authorizations(), ["Bearer a1"]);
    assert_eq!(server.presented_refresh_tokens(), ["r0"]);
    assert_eq!(rotated_after(&rotated, 1).await, ["r1"]);
}

#[tokio::test]
async fn a_refresh_is_stored_and_reported_when_every_caller_has_gone() {
    let server = OAuthServer::start().await;
    server.set_token_delay(Duration::from_millis(300));
    let (client, rotated) = client(&server, "", Duration::ZERO);
    let dropped =
        tokio::time::timeout(Duration::from_millis(100), client.pinned_views("memb_1")).await;
    assert!(dropped.is_err());
    // Nobody calls again: the refresh finishes on its own and reports the rotated token.
    assert_eq!(rotated_after(&rotated, 1).await, ["r1"]);
    client.pinned_views("memb_1").await.unwrap();
    assert_eq!(server.presented_refresh_tokens(), ["r0"]);
    assert_eq!(server.api_authorizations(), ["Bearer a1"]);
}

/// How a caller is dropped.
#[derive(Debug, Clone, Copy)]
enum Cancel {
    /// `tokio::time::timeout` with this many milliseconds.
    Timeout(u64),
    /// `JoinHandle::abort` after this many milliseconds.
    Abort(u64),
}

#[tokio::test]
async fn dropping_the_caller_anywhere_neither_wedges_nor_resends_a_stale_refresh_token() {
    let cases = [
        (Cancel::Timeout(0), 300),
        (Cancel::Timeout(1), 300),
        (Cancel::Timeout(5), 300),
        (Cancel::Timeout(50), 300),
        // Fires while the token endpoint stalls (it rotated on arrival).
        (Cancel::Timeout(200), 600),
        (Cancel::Abort(0), 300),
        (Cancel::Abort(50), 300),
    ];
    for (cancel, token_delay_ms) in cases {
        let server = OAuthServer::start().await;
        server.set_token_delay(Duration::from_millis(token_delay_ms));
        let (client, rotated) = client(&server, "", Duration::ZERO);
        match cancel {
            Cancel::Timeout(ms) => {
                let r =
                    tokio::time::timeout(Duration::from_millis(ms), client.pinned_views("memb_1"))
                        .await;
                assert!(r.is_err(), "{cancel:?}: finished before the drop");
            }
            Cancel::Abort(ms) => {
                let c = client.clone();
                let task = tokio::spawn(async move { c.pinned_views("memb_1").await });
                tokio::time::sleep(Duration::from_millis(ms)).await;
                task.abort();
                assert!(task.await.is_err_and(|e| e.is_cancelled()), "{cancel:?}");
            }
        }
        // The follow-up waits at most for the rest of the token endpoint's delay.
        let started = Instant::now();
        let next =
            tokio::time::timeout(Duration::from_secs(3), client.pinned_views("memb_1")).await;
        assert!(matches!(next, Ok(Ok(_))), "{cancel:?}: {next:?}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{cancel:?}: follow-up took {:?}",
            started.elapsed()
        );
        assert_eq!(server.presented_refresh_tokens(), ["r0"], "{cancel:?}");
        assert_eq!(server.api_authorizations(), ["Bearer a1"], "{cancel:?}");
        assert_eq!(rotated_after(&rotated, 1).await, ["r1"], "{cancel:?}");
    }
}

/// Two workers: a callback run on a worker (blocking it) would not stall the test's own loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_on_token_refresh_callback_does_not_stall_other_calls() {
    let server = OAuthServer::start().await;
    let (client, rotated) = client(&server, "r1", Duration::from_secs(3));
    // This call refreshes; it returns once the callback has the rotated token.
    let c = client.clone();
    let refreshing = tokio::spawn(async move { c.pinned_views("memb_1").await });
    for _ in 0..100 {
        if server.presented_refresh_tokens().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The new tokens are stored and the callback sleeps: other calls go ahead.
    let started = Instant::now();
    for _ in 0..3 {
        let r = tokio::time::timeout(Duration::from_secs(10), client.pinned_views("memb_1")).await;
        assert!(matches!(r, Ok(Ok(_))), "{r:?}");
    }
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "calls waited for the callback: {:?}",
        started.elapsed()
    );
    assert!(
        rotated.lock().unwrap().is_empty(),
        "the callback is still sleeping"
    );
    let r = tokio::time::timeout(Duration::from_secs(10), refreshing).await;
    assert!(matches!(r, Ok(Ok(Ok(_)))), "{r:?}");
    assert_eq!(
        *rotated.lock().unwrap(),
        ["r1"],
        "returned after the callback"
    );
    assert_eq!(server.api_authorizations(), ["Bearer a1"; 4]);
    assert_eq!(server.presented_refresh_tokens(), ["r0"]);
}

#[tokio::test]
async fn callbacks_arrive_in_refresh_order_even_when_the_first_is_slow() {
    let server = OAuthServer::start().await;
    // The first refresh's tokens expire at once, so the next call refreshes again.
    server.set_expires_in(&[0, 3600]);
    let (client, rotated) = client(&server, "r1", Duration::from_secs(1));
    let c = client.clone();
    let first = tokio::spawn(async move { c.pinned_views("memb_1").await });
    for _ in 0..100 {
        if server.presented_refresh_tokens().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // While r1's callback sleeps, a second refresh rotates to r2; its callback comes second.
    let second = tokio::time::timeout(Duration::from_secs(10), client.pinned_views("memb_1")).await;
    assert!(matches!(second, Ok(Ok(_))), "{second:?}");
    let first = tokio::time::timeout(Duration::from_secs(10), first).await;
    assert!(matches!(first, Ok(Ok(Ok(_)))), "{first:?}");
    assert_eq!(server.presented_refresh_tokens(), ["r0", "r1"]);
    assert_eq!(rotated_after(&rotated, 2).await, ["r1", "r2"]);
}
