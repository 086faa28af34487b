//! The futures of a generated request: [`ResponseFuture`] (`send()`) and [`RequestFuture`]
//! (`.await`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::error::RetryRecord;
use crate::transport::hooks::Answer;
use crate::{Client, Error, ResponseValue};

/// The call's part that is the same for every operation: sent through the client's request
/// path, the answer with a success status, or the one [`Error`].
pub(crate) type Call<'a> =
    Pin<Box<dyn Future<Output = Result<(Answer, RetryRecord), Error>> + Send + 'a>>;

/// How an operation's success answer becomes its value (decoded as `T`, or `()`).
pub(crate) type Decode<T> = fn(&Client, Answer, RetryRecord) -> Result<ResponseValue<T>, Error>;

/// What a generated request's `send()` returns: the request sent through the client's request
/// path, resolving to the decoded value with its status and headers ([`ResponseValue`]).
///
/// One type for every operation: the request path is compiled once, and only the decoding is
/// per response type. It is `Send` and cancel-safe: dropping it mid-way drops the call, and a
/// rate-limit permit it holds goes back. A request the SDK refuses before sending (a setter's
/// value that does not convert, a body that fails its checks) resolves to
/// [`Error::InvalidRequest`] on its first poll, and nothing is sent.
///
/// ```no_run
/// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
/// let answer = client.users().get_me().send().await?;
/// println!("{} {:?}", answer.status(), answer.headers().get("content-type"));
/// let me: close_sdk::types::Me = answer.into_inner();
/// # let _ = me; Ok(()) }
/// ```
#[must_use = "a request is sent only when its future is awaited"]
pub struct ResponseFuture<'a, T> {
    state: State<'a, T>,
}

enum State<'a, T> {
    /// Refused before anything was sent (taken by the first poll).
    Refused(Option<Error>),
    Sending {
        client: &'a Client,
        call: Call<'a>,
        decode: Decode<T>,
    },
}

impl<'a, T> ResponseFuture<'a, T> {
    /// The future of `call`, whose success answer `decode` makes the value.
    pub(crate) fn new(client: &'a Client, call: Call<'a>, decode: Decode<T>) -> Self {
        ResponseFuture {
            state: State::Sending {
                client,
                call,
                decode,
            },
        }
    }

    /// A request refused before anything was sent: resolves to `error`.
    pub(crate) fn refused(error: Error) -> Self {
        ResponseFuture {
            state: State::Refused(Some(error)),
        }
    }
}

impl<T> Future for ResponseFuture<'_, T> {
    type Output = Result<ResponseValue<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let done = match &mut this.state {
            State::Refused(error) => {
                return Poll::Ready(Err(error.take().unwrap_or_else(|| {
                    Error::InvalidRequest(
                        "the request's future was polled after it completed".into(),
                    )
                })))
            }
            State::Sending {
                client,
                call,
                decode,
            } => match call.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(answer) => {
                    answer.and_then(|(answer, record)| decode(client, answer, record))
                }
            },
        };
        // The call is over: its future is dropped now, and a later poll is an error, not a
        // panic.
        this.state = State::Refused(None);
        Poll::Ready(done)
    }
}

impl<T> fmt::Debug for ResponseFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// What `.await` on a request (`client.leads().get(id)`) runs: [`ResponseFuture`] resolving to
/// the decoded value alone. `.send().await` gives the same call with its status and headers
/// ([`ResponseValue`]).
///
/// One type for every operation, `Send` and cancel-safe, as [`ResponseFuture`].
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
    send: ResponseFuture<'a, T>,
}

impl<'a, T> RequestFuture<'a, T> {
    /// `send` (a generated request's `send()`), mapped to its value.
    pub(crate) fn new(send: ResponseFuture<'a, T>) -> Self {
        RequestFuture { send }
    }
}

impl<T> Future for RequestFuture<'_, T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().send)
            .poll(cx)
            .map(|result| result.map(ResponseValue::into_inner))
    }
}

impl<T> fmt::Debug for RequestFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestFuture").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll<T>(future: &mut ResponseFuture<'_, T>) -> Poll<Result<ResponseValue<T>, Error>> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        Pin::new(future).poll(&mut cx)
    }

    /// A finished future polled again says so instead of panicking, refused or sent.
    #[test]
    fn a_finished_future_polled_again_is_an_error_not_a_panic() {
        let mut refused: ResponseFuture<'_, ()> =
            ResponseFuture::refused(Error::InvalidRequest("bad id".into()));
        assert!(
            matches!(poll(&mut refused), Poll::Ready(Err(Error::InvalidRequest(m))) if m == "bad id")
        );
        assert!(
            matches!(poll(&mut refused), Poll::Ready(Err(Error::InvalidRequest(m))) if m.contains("after it completed"))
        );

        let client = Client::builder().api_key("k").build().unwrap();
        let call: Call<'_> = Box::pin(async { Err(Error::InvalidRequest("refused".into())) });
        let mut sent = ResponseFuture::new(&client, call, crate::runtime::empty);
        assert!(
            matches!(poll(&mut sent), Poll::Ready(Err(Error::InvalidRequest(m))) if m == "refused")
        );
        assert!(
            matches!(poll(&mut sent), Poll::Ready(Err(Error::InvalidRequest(m))) if m.contains("after it completed"))
        );
    }
}
