//! A generated request and its futures: [`Request`] (what a handle method with no optional
//! parameters returns), [`ResponseFuture`] (`send()`) and [`RequestFuture`] (`.await`).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::ops::RangeInclusive;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::FusedFuture;

use crate::error::RetryRecord;
use crate::transport::hooks::Answer;
use crate::{Client, Error, ResponseValue};

/// The call's part that is the same for every operation: sent through the client's request
/// path, the answer with a success status, or the one [`Error`].
pub(crate) type Call<'a> =
    Pin<Box<dyn Future<Output = Result<(Answer, RetryRecord), Error>> + Send + 'a>>;

/// How an operation's success answer becomes its value (decoded as `T`, or `()`).
pub(crate) type Decode<T> = fn(&Client, Answer, RetryRecord) -> Result<ResponseValue<T>, Error>;

/// Builds one attempt's HTTP request (called again for each retry).
pub(crate) type Build<'a> = dyn Fn() -> reqwest::Result<reqwest::Request> + Send + Sync + 'a;

/// A request to Close, checked and ready to send: what a handle method returns when the
/// operation has no optional parameters (`client.leads().create(body)`,
/// `client.leads().delete(id)`, `client.roles().get(id)`, …), and what any builder's
/// `.request()` gives once its optional parameters are set (`client.leads().get(id).fields("id")`
/// is a builder: `_fields` is optional). `.await` it for the value, or `.send()` it for the
/// value with its status and headers.
///
/// Nothing is sent until it is awaited. One type for every such operation (`T` is what Close
/// answers with); a request the SDK refused (a value that does not convert, a body that fails
/// its checks) resolves to that error when awaited, and nothing is sent. It can be cloned and
/// sent again; its `Debug` names the operation and nothing else. `'a` borrows the [`Client`]
/// (see [`ResponseFuture`] to run one on its own task). It is `IntoFuture`, not a `Future`:
/// `tokio::join!` takes it as it is; `futures::future::join_all` takes
/// `requests.into_iter().map(IntoFuture::into_future)`.
///
/// ```no_run
/// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
/// let request: close_sdk::Request<'_, close_sdk::types::RoleDefinition> =
///     client.roles().get("role_1");
/// assert_eq!(request.operation_id(), "roles_get");
/// let role = request.clone().await?;
/// let answer = request.send().await?; // the same call, with status and headers
/// println!("{:?} {}", role.name, answer.status());
/// # Ok(()) }
/// ```
#[must_use = "a request is sent only when it is awaited"]
pub struct Request<'a, T> {
    client: &'a Client,
    index: usize,
    success: RangeInclusive<u16>,
    decode: Decode<T>,
    build: Result<Arc<Build<'a>>, Arc<Error>>,
}

impl<'a, T> Request<'a, T> {
    /// The request of the operation at `index` of the generated table: sent with `build`'s
    /// requests, its answer the value by `decode` when its status is in `success`; `build` is
    /// why the request was refused when it is an error (nothing is sent).
    pub(crate) fn new<F>(
        client: &'a Client,
        index: usize,
        success: RangeInclusive<u16>,
        decode: Decode<T>,
        build: Result<F, Error>,
    ) -> Self
    where
        F: Fn() -> reqwest::Result<reqwest::Request> + Send + Sync + 'a,
    {
        let build = match build {
            Ok(build) => Ok(Arc::new(build) as Arc<Build<'a>>),
            Err(e) => Err(Arc::new(e)),
        };
        Request {
            client,
            index,
            success,
            decode,
            build,
        }
    }

    /// The operationId in Close's document of the operation this request calls
    /// (`"roles_get"`).
    pub fn operation_id(&self) -> &'static str {
        crate::generated::operations::OPERATIONS
            .get(self.index)
            .map_or("", |op| op.id)
    }

    /// Sends the request: the value with its status and headers ([`ResponseValue`]).
    #[inline]
    pub fn send(self) -> ResponseFuture<'a, T> {
        match self.build {
            Ok(build) => ResponseFuture::new(
                self.client,
                sent(self.client, self.index, self.success, build),
                self.decode,
            ),
            Err(e) => ResponseFuture::refused(Arc::try_unwrap(e).unwrap_or_else(|e| e.reissued())),
        }
    }
}

/// A request's call future, which is not generic: the request path of every operation.
fn sent<'a>(
    client: &'a Client,
    index: usize,
    success: RangeInclusive<u16>,
    build: Arc<Build<'a>>,
) -> Call<'a> {
    Box::pin(
        async move { crate::transport::hooks::send_checked(client, index, success, &*build).await },
    )
}

impl<'a, T> IntoFuture for Request<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = RequestFuture<'a, T>;

    #[inline]
    fn into_future(self) -> Self::IntoFuture {
        RequestFuture::new(self.send())
    }
}

impl<T> Clone for Request<'_, T> {
    fn clone(&self) -> Self {
        Request {
            client: self.client,
            index: self.index,
            success: self.success.clone(),
            decode: self.decode,
            build: self.build.clone(),
        }
    }
}

/// Names the operation only: the request's values, its body and the client's credentials are
/// not shown.
impl<T> fmt::Debug for Request<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Request");
        d.field("operation", &self.operation_id());
        if self.build.is_err() {
            d.field("refused", &true);
        }
        d.finish_non_exhaustive()
    }
}

/// What a generated request's `send()` returns: the request sent through the client's request
/// path, resolving to the decoded value with its status and headers ([`ResponseValue`]).
///
/// One type for every operation: the request path is compiled once, and only the decoding is
/// per response type. It is `Send` and cancel-safe: dropping it mid-way drops the call, and a
/// rate-limit permit it holds goes back. A request the SDK refuses before sending (a setter's
/// value that does not convert, a body that fails its checks) resolves to
/// [`Error::InvalidRequest`] on its first poll, and nothing is sent. Once resolved it is fused
/// ([`FusedFuture`]): polled again, it stays pending and sends nothing.
///
/// `'a` borrows the [`Client`]. To run a request on its own task, move a clone of the client
/// (cheap: clones share the connection pool and rate-limit state) into the task:
///
/// ```no_run
/// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
/// let task = tokio::spawn({
///     let client = client.clone();
///     async move { client.users().get_me().send().await }
/// });
/// let me = task.await.expect("the task ran")?.into_inner();
/// # let _ = me; Ok(()) }
/// ```
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
    /// Refused before anything was sent: the first poll's answer.
    Refused(Error),
    /// Resolved: polled again, the future stays pending ([`FusedFuture`]).
    Done,
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
            state: State::Refused(error),
        }
    }
}

impl<T> Future for ResponseFuture<'_, T> {
    type Output = Result<ResponseValue<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let done = match &mut this.state {
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
            State::Refused(_) | State::Done => {
                match std::mem::replace(&mut this.state, State::Done) {
                    State::Refused(error) => Err(error),
                    _ => return Poll::Pending,
                }
            }
        };
        // The call is over: its future is dropped now, and a later poll finds the future
        // fused (pending, never a panic, never a second answer).
        this.state = State::Done;
        Poll::Ready(done)
    }
}

/// A resolved `ResponseFuture` is fused: polled again it stays pending, so `select!` in a loop
/// and `futures`' combinators can poll it after it resolved.
impl<T> FusedFuture for ResponseFuture<'_, T> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done)
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
/// One type for every operation, `Send`, cancel-safe and fused, and borrowing the [`Client`]
/// (`'a`), as [`ResponseFuture`] (whose docs show how to spawn one).
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

/// Fused as [`ResponseFuture`] is.
impl<T> FusedFuture for RequestFuture<'_, T> {
    fn is_terminated(&self) -> bool {
        self.send.is_terminated()
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

    /// A resolved future polled again stays pending (fused), refused or sent: no panic, no
    /// second answer, and nothing that says a sent request was not sent.
    #[test]
    fn a_resolved_future_polled_again_is_fused() {
        let mut refused: ResponseFuture<'_, ()> =
            ResponseFuture::refused(Error::InvalidRequest("bad id".into()));
        assert!(!refused.is_terminated());
        assert!(
            matches!(poll(&mut refused), Poll::Ready(Err(Error::InvalidRequest(m))) if m == "bad id")
        );
        assert!(refused.is_terminated());
        assert!(poll(&mut refused).is_pending());

        let client = Client::builder().api_key("k").build().unwrap();
        let call: Call<'_> = Box::pin(async { Err(Error::InvalidRequest("refused".into())) });
        let mut sent =
            RequestFuture::new(ResponseFuture::new(&client, call, crate::runtime::empty));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(matches!(
            Pin::new(&mut sent).poll(&mut cx),
            Poll::Ready(Err(Error::InvalidRequest(m))) if m == "refused"
        ));
        assert!(sent.is_terminated());
        assert!(Pin::new(&mut sent).poll(&mut cx).is_pending());
    }
}
