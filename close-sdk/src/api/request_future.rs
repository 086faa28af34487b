//! The future `.await` on a generated request gives.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{Error, ResponseValue};

/// What `.await` on a request (`client.leads().get(id)`) runs: the request sent through the
/// client's request path, resolving to the decoded value alone. `.send().await` gives the same
/// call with its status and headers ([`ResponseValue`]).
///
/// One type for every operation, so no operation compiles a future of its own. It is `Send`
/// and cancel-safe: dropping it mid-way drops the call, and a rate-limit permit it holds goes
/// back.
///
/// ```no_run
/// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
/// let future: close_sdk::RequestFuture<'_, close_sdk::types::Me> =
///     std::future::IntoFuture::into_future(client.users().get_me());
/// let me = future.await?;
/// # let _ = me; Ok(()) }
/// ```
#[must_use = "a request is sent only when its future is awaited"]
pub struct RequestFuture<'a, T> {
    send: Pin<Box<dyn Future<Output = Result<ResponseValue<T>, Error>> + Send + 'a>>,
}

impl<'a, T> RequestFuture<'a, T> {
    /// The future of `send` (a generated request's `send()`), mapped to its value.
    pub(crate) fn new(
        send: impl Future<Output = Result<ResponseValue<T>, Error>> + Send + 'a,
    ) -> Self {
        RequestFuture {
            send: Box::pin(send),
        }
    }
}

impl<T> Future for RequestFuture<'_, T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.send
            .as_mut()
            .poll(cx)
            .map(|result| result.map(ResponseValue::into_inner))
    }
}

impl<T> fmt::Debug for RequestFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestFuture").finish_non_exhaustive()
    }
}
