//! [`TokenManager`]: one client's live OAuth tokens, refreshed in a task of their own.
//!
//! A refresh is a spawned tokio task whose outcome every waiting caller shares. Dropping a caller
//! (a timeout, `select!`, an aborted task) never cancels it: Close rotates refresh tokens on
//! arrival, so a refresh cancelled after the request left would leave the client holding a
//! refresh token Close no longer accepts. The task stores the new tokens and hands them to
//! `on_token_refresh` even when every caller has gone.
//!
//! The token lock is a plain mutex held for a few field reads and writes only, never across an
//! await or the user's callback. Callbacks run on tokio's blocking pool (a callback may write a
//! file or a database), one after the other in refresh order. The callers that waited for a
//! refresh return after its callback (so the rotated token has been persisted); calls that
//! start once the new tokens are stored do not wait for it.
//!
//! A refresh that fails while the current token is still valid (an *early* refresh, inside the
//! refresh margin) does not fail the call: the current token is used until it expires, and the
//! next early refresh waits for a backoff so that a token endpoint that is down is not asked once
//! per call.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, FutureExt as _, Shared};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::oneshot;

use super::oauth::{OAuthApp, Tokens};

/// Refresh an access token this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The longest wait between early refresh attempts after failures.
const MAX_EARLY_BACKOFF: Duration = Duration::from_secs(30);
/// How long a call whose token is still valid waits for an early refresh before it goes with
/// the current token (the refresh goes on in its own task). Long enough for a healthy token
/// endpoint, so the call usually returns after `on_token_refresh` has seen the new tokens;
/// short enough that a slow or hung endpoint does not hold calls the API would accept.
const EARLY_REFRESH_WAIT: Duration = Duration::from_millis(500);

/// Called with new tokens after every refresh, to persist the rotated refresh token.
pub(crate) type RefreshCallback = Arc<dyn Fn(&Tokens) + Send + Sync>;

/// The outcome of one refresh, shared by every caller waiting for it.
type RefreshOutcome = Shared<BoxFuture<'static, Result<(), String>>>;

/// The live tokens of one client (shared by its clones).
pub(crate) struct TokenManager {
    app: OAuthApp,
    state: Mutex<State>,
    on_refresh: Option<RefreshCallback>,
}

struct State {
    tokens: Tokens,
    /// The refresh running now, if any: at most one at a time.
    in_flight: Option<RefreshOutcome>,
    /// Failed refreshes in a row.
    failures: u32,
    /// No early refresh before this instant (after a failure).
    early_not_before: Option<Instant>,
    /// Ends when the previous refresh's callback has returned: callbacks run in refresh order.
    previous_callback: Option<oneshot::Receiver<()>>,
}

impl TokenManager {
    pub(crate) fn new(app: OAuthApp, tokens: Tokens, on_refresh: Option<RefreshCallback>) -> Self {
        TokenManager {
            app,
            state: Mutex::new(State {
                tokens,
                in_flight: None,
                failures: 0,
                early_not_before: None,
                previous_callback: None,
            }),
            on_refresh,
        }
    }

    /// The header for the next request. A token that has expired is refreshed first (an error
    /// if that fails); one about to expire is refreshed too, but keeps being used if that fails
    /// or takes longer than [`EARLY_REFRESH_WAIT`].
    pub(crate) async fn header(self: &Arc<Self>) -> Result<HeaderValue, String> {
        let (outcome, early) = {
            let mut state = self.lock();
            let tokens = &state.tokens;
            if tokens.refresh_token.is_none() || !tokens.expires_within(REFRESH_MARGIN) {
                return current_header(tokens);
            }
            let early = !tokens.expires_within(Duration::ZERO);
            let backing_off = state.early_not_before.is_some_and(|at| Instant::now() < at);
            if early && backing_off && state.in_flight.is_none() {
                return current_header(tokens);
            }
            (self.start_or_join(&mut state), early)
        };
        let result = if early {
            match tokio::time::timeout(EARLY_REFRESH_WAIT, outcome).await {
                Ok(result) => result,
                // Still refreshing: the current token is valid; the task finishes on its own.
                Err(_) => return current_header(&self.lock().tokens),
            }
        } else {
            outcome.await
        };
        let state = self.lock();
        match result {
            Ok(()) => current_header(&state.tokens),
            Err(_) if early && !state.tokens.expires_within(Duration::ZERO) => {
                // The refresh task logged the failure.
                current_header(&state.tokens)
            }
            Err(e) => Err(e),
        }
    }

    /// After a 401 for `rejected`: refresh (unless another request already did since `rejected`
    /// was sent) and return the header to retry with.
    pub(crate) async fn after_unauthorized(
        self: &Arc<Self>,
        rejected: Option<&HeaderValue>,
    ) -> Option<HeaderValue> {
        let outcome = {
            let mut state = self.lock();
            let current = current_header(&state.tokens).ok();
            if current.is_some() && current.as_ref() != rejected {
                return current;
            }
            self.start_or_join(&mut state)
        };
        match outcome.await {
            Ok(()) => current_header(&self.lock().tokens).ok(),
            Err(e) => {
                tracing::warn!(error = %e, "could not refresh the OAuth token after a 401");
                None
            }
        }
    }

    /// The current access and refresh tokens and the app's client secret (for the redaction of
    /// errors; never logged).
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        let state = self.lock();
        let mut secrets = vec![state.tokens.access_token.clone()];
        secrets.extend(state.tokens.refresh_token.clone());
        secrets.push(self.app.client_secret());
        secrets
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; recover the data if something ever did.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The refresh in flight, or a new one spawned now.
    fn start_or_join(self: &Arc<Self>, state: &mut State) -> RefreshOutcome {
        if let Some(outcome) = &state.in_flight {
            return outcome.clone();
        }
        let Some(refresh_token) = state.tokens.refresh_token.clone() else {
            return failed("the access token expired and there is no refresh token");
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return failed("OAuth token refresh needs a tokio runtime");
        };
        let (done, outcome) = oneshot::channel();
        let outcome: RefreshOutcome = outcome
            .map(|r| r.unwrap_or_else(|_| Err("the OAuth token refresh was interrupted".into())))
            .boxed()
            .shared();
        state.in_flight = Some(outcome.clone());
        runtime.spawn(self.clone().refresh(refresh_token, done));
        outcome
    }

    /// The refresh task: asks the token endpoint and stores the answer (from then on, new calls
    /// use it without waiting), runs the callback (after the previous refresh's), then wakes the
    /// callers that waited for this refresh: when they return, the rotated refresh token has
    /// been handed to the callback.
    async fn refresh(
        self: Arc<Self>,
        refresh_token: SecretString,
        done: oneshot::Sender<Result<(), String>>,
    ) {
        // Clears `in_flight` if this task is dropped before it finishes (runtime shutdown).
        let mut guard = InFlightGuard(Some(&self));
        let result = self
            .app
            .refresh(&refresh_token)
            .await
            .map_err(|e| format!("OAuth token refresh failed: {e}"));
        let callback_turn = {
            let mut state = self.lock();
            state.in_flight = None;
            match &result {
                Ok(fresh) => {
                    state.tokens = fresh.clone();
                    state.failures = 0;
                    state.early_not_before = None;
                    tracing::debug!(expires_at = ?fresh.expires_at, "refreshed the OAuth access token");
                    self.on_refresh.as_ref().map(|_| {
                        let (finished, turn) = oneshot::channel::<()>();
                        (state.previous_callback.replace(turn), finished)
                    })
                }
                Err(e) => {
                    state.failures = state.failures.saturating_add(1);
                    state.early_not_before = Instant::now().checked_add(backoff(state.failures));
                    tracing::warn!(
                        error = %e,
                        "OAuth token refresh failed; a still-valid access token stays in use"
                    );
                    None
                }
            }
        };
        guard.0 = None;
        let outcome = result.as_ref().map(|_| ()).map_err(Clone::clone);
        if let (Ok(fresh), Some((previous, finished)), Some(callback)) =
            (result, callback_turn, self.on_refresh.clone())
        {
            if let Some(previous) = previous {
                let _ = previous.await;
            }
            if tokio::task::spawn_blocking(move || callback(&fresh))
                .await
                .is_err()
            {
                tracing::warn!("the on_token_refresh callback panicked");
            }
            drop(finished);
        }
        let _ = done.send(outcome);
    }
}

/// Clears the manager's `in_flight` when dropped while still armed.
struct InFlightGuard<'a>(Option<&'a TokenManager>);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if let Some(manager) = self.0 {
            manager.lock().in_flight = None;
        }
    }
}

/// The wait before the next early refresh after `failures` failures in a row: 1 s, 2 s, 4 s, …
/// up to [`MAX_EARLY_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    Duration::from_secs(1u64 << exponent).min(MAX_EARLY_BACKOFF)
}

fn failed(message: &str) -> RefreshOutcome {
    futures_util::future::ready(Err(message.to_string()))
        .boxed()
        .shared()
}

fn current_header(tokens: &Tokens) -> Result<HeaderValue, String> {
    super::credentials::bearer_header(tokens.access_token.expose_secret())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_refresh_backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(6), MAX_EARLY_BACKOFF);
        assert_eq!(backoff(u32::MAX), MAX_EARLY_BACKOFF);
    }
}
