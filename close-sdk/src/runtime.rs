//! The one door from generated code into the hand-written crate: everything a generated request
//! type, handle or `.paginate()` calls lives here, and generated code names nothing else of the
//! crate's internals (close-sdk-gen checks the names it emits against this module).
//!
//! Moving a transport file changes this module, never the generator.

use std::future::Future;
use std::ops::RangeInclusive;

pub(crate) use crate::api::pagination::PagePrint;
use crate::api::pagination::{Page, PageRequest, Paginated, DEFAULT_PAGE_SIZE};
use crate::api::request_future::Decode;
use crate::error::RetryRecord;
use crate::transport::hooks::Answer;
use crate::{Client, ClientContext, Error, ResponseFuture, ResponseValue};

// Which of these a build's generated code uses depends on its features.
#[allow(unused_imports)]
pub(crate) use crate::transport::path_safety::encode_path;
#[allow(unused_imports)]
pub(crate) use crate::transport::query::QueryParam;

/// progenitor's generated `Client` requires its hooks to be implemented. Nothing calls them:
/// close-sdk-gen rewrites every generated `send()` to call `runtime::request`, and
/// refuses to generate one it cannot rewrite.
impl progenitor_client::ClientHooks<ClientContext> for Client {}

/// A generated call: the request `build` makes, sent as the operation at `index` of the
/// generated table, its answer made the value by `decode` when its status is in `success` (any
/// other status is the one [`Error`]); `build` is the request's closure, or why the request was
/// refused before anything is sent. Not sent yet: the [`crate::Request`] every builder's
/// `request()` and every plain handle method returns (`send()` and `.await` send it).
#[allow(dead_code)] // unused only in a build with no such operation
#[inline]
pub(crate) fn request<'a, T, F>(
    client: &'a Client,
    index: usize,
    success: RangeInclusive<u16>,
    decode: Decode<T>,
    build: Result<F, Error>,
) -> crate::Request<'a, T>
where
    F: Fn() -> reqwest::Result<reqwest::Request> + Send + Sync + 'a,
{
    crate::Request::new(client, index, success, decode, build)
}

/// The URL of a generated call: the client's base URL, parsed once when the client was built,
/// with `path` (the operation's path, its values already through [`encode_path`]) after the
/// base URL's own path. Nothing is parsed but the path, where formatting the whole URL and
/// parsing it again cost a call ~7 k instructions (BENCHMARKS.md). The URL is then checked
/// against the operation's path template like any other request's
/// ([`crate::transport::path_safety`]).
///
/// A `Client` made with `Client::new_with_client` and a base URL other than its context's
/// (the builder makes both from one URL) has its URL parsed whole, as before; one that does not
/// parse is [`Error::InvalidRequest`], and nothing is sent.
#[allow(dead_code)] // unused only in a build with no resource feature
pub(crate) fn url(client: &Client, path: &str) -> Result<reqwest::Url, Error> {
    use progenitor_client::ClientInfo as _;
    let base = &client.inner().base_url;
    if base.as_str().trim_end_matches('/') == client.baseurl() {
        let full = [base.path().trim_end_matches('/'), path].concat();
        let mut url = base.clone();
        url.set_path(&full);
        return Ok(url);
    }
    reqwest::Url::parse(&[client.baseurl(), path].concat()).map_err(|e| {
        Error::InvalidRequest(format!(
            "the client's base URL and the path of this call do not make a URL: {e}"
        ))
    })
}

/// A success answer decoded as `T`, with its status and headers (the only part of a call
/// compiled per response type).
#[allow(dead_code)] // unused only in a build with no resource feature
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    client: &Client,
    answer: Answer,
    record: RetryRecord,
) -> Result<ResponseValue<T>, Error> {
    crate::transport::hooks::decode_answer(client, answer, record)
}

/// A success answer whose body the operation documents as empty: `()` with its status and
/// headers (the body is not read as anything).
#[allow(dead_code)] // unused only in a build with no empty success
pub(crate) fn empty(
    _: &Client,
    answer: Answer,
    _: RetryRecord,
) -> Result<ResponseValue<()>, Error> {
    Ok(ResponseValue::new((), answer.status, answer.headers))
}

/// The input checks of the hand-written calls, for a generated request's JSON body
/// ([`crate::api::body_checks`]): [`Error::InvalidRequest`] naming the field, before anything
/// is sent.
#[allow(dead_code)] // unused only in a build with no JSON body
pub(crate) fn check_body(body: &dyn std::any::Any) -> Result<(), Error> {
    crate::api::body_checks::check_body(body)
}

/// `request` with `body` as its JSON body (reqwest's `RequestBuilder::json`, with only the
/// serialisation generic). A body that cannot be serialised (a catch-all key that names a
/// typed field, …) fails the request's `build()` with the serialiser's message, as reqwest's
/// own `json` does, and nothing is sent.
#[allow(dead_code)] // unused only in a build with no JSON body
pub(crate) fn json<B: serde::Serialize + ?Sized>(
    request: reqwest::RequestBuilder,
    body: &B,
) -> reqwest::RequestBuilder {
    json_bytes(request, serde_json::to_vec(body))
}

/// [`json`]'s part that does not depend on the body's type.
fn json_bytes(
    request: reqwest::RequestBuilder,
    body: Result<Vec<u8>, serde_json::Error>,
) -> reqwest::RequestBuilder {
    match body {
        Ok(bytes) => request
            .header(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            .body(bytes),
        // reqwest's own builder error, carrying the same message.
        Err(e) => request.json(&Unserialisable(e.to_string())),
    }
}

/// A body whose serialisation failed: serialising it fails again with the same message, so
/// reqwest makes its builder error from it.
struct Unserialisable(String);

impl serde::Serialize for Unserialisable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(&self.0))
    }
}

/// A generated request's `send()` result as the decoded value alone (what `.await` on a
/// request gives).
#[allow(dead_code)] // unused only in a build with no resource feature
pub(crate) async fn output<T>(result: Result<ResponseValue<T>, Error>) -> Result<T, Error> {
    result.map(ResponseValue::into_inner)
}

/// What `.await` on a generated request gives: its `send()` future with the decoded value alone
/// (no status and headers).
#[allow(dead_code)] // unused only in a build with no resource feature
pub(crate) fn value<T>(send: ResponseFuture<'_, T>) -> crate::RequestFuture<'_, T> {
    crate::RequestFuture::new(send)
}

/// The page size a list request asked for with its `_limit` setter, checked: absent is
/// [`DEFAULT_PAGE_SIZE`]; below 1 or above `u32::MAX` is [`Error::InvalidRequest`] naming
/// `operation_id`, and nothing is sent.
#[allow(dead_code)] // unused only in a build with no list
pub(crate) fn page_size(operation_id: &str, limit: Option<i64>) -> Result<u32, Error> {
    match limit {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) => u32::try_from(n).ok().filter(|n| *n > 0).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "`_limit` of {operation_id} is {n}; a page holds at least 1 item"
            ))
        }),
    }
}

/// The offset of a list's first page, from its `_skip` setter, checked: absent is 0; below 0 is
/// [`Error::InvalidRequest`] naming `operation_id`, and nothing is sent.
#[allow(dead_code)] // unused only in a build with no list
pub(crate) fn first_skip(operation_id: &str, skip: Option<i64>) -> Result<u64, Error> {
    match skip {
        None => Ok(0),
        Some(n) => u64::try_from(n).map_err(|_| {
            Error::InvalidRequest(format!(
                "`_skip` of {operation_id} is {n}; an offset is at least 0"
            ))
        }),
    }
}

/// Pages through the `{data, has_more}` list of `operation_id` (named in its errors) with
/// `fetch`, which sends one page's request
/// (`_skip`, `_limit`) and returns its envelope's `data` and `has_more`, the first page at
/// `_skip` = `first_skip` (see [`first_skip`]). [`Paginated`]'s guarantees hold: lazy,
/// cancel-safe, loop-proof (a repeated page is told by `print`: [`PagePrint::ids`] for items
/// with an `id`, [`whole_print`] for the others). An error in either argument is the stream's
/// only item, and nothing is sent.
#[allow(dead_code)] // unused only in a build with no list
pub(crate) fn paginate_from<T, F, Fut>(
    operation_id: &'static str,
    page_size: Result<u32, Error>,
    first_skip: Result<u64, Error>,
    print: PagePrint<T>,
    mut fetch: F,
) -> Paginated<T>
where
    T: Send + 'static,
    F: FnMut(i64, i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Option<Vec<T>>, Option<bool>), Error>> + Send + 'static,
{
    let (page_size, first_skip) = match (page_size, first_skip) {
        (Ok(n), Ok(skip)) => (n, skip),
        (Err(e), _) | (_, Err(e)) => return Paginated::failed(e),
    };
    Paginated::printed(
        page_size,
        first_skip,
        print,
        Some(operation_id),
        move |page: PageRequest| {
            let request = skip_limit(page).map(|(skip, limit)| fetch(skip, limit));
            async move {
                let (data, has_more) = request?.await?;
                Page::from_envelope(data, has_more)
            }
        },
    )
}

/// The `.paginate()` of a list Close documents without `_skip`/`_limit`: `fetch` sends its one
/// request (when the stream is first read) and returns the answer's `data` and `has_more`. The
/// items are the stream; an answer with `has_more: true` ends it, after its items, with
/// [`Error::InvalidResponse`] naming `operation_id` ([`more_than_one_answer`]) (the rest cannot be asked for, and a silently short
/// list is worse than an error). Nothing more is sent.
#[allow(dead_code)] // unused only in a build with no such list
pub(crate) fn single_page<T, Fut>(operation_id: &'static str, fetch: Fut) -> Paginated<T>
where
    T: Send + 'static,
    Fut: Future<Output = Result<(Option<Vec<T>>, Option<bool>), Error>> + Send + 'static,
{
    let mut fetch = Some(fetch);
    // One answer cannot repeat: nothing to compare.
    Paginated::printed(
        DEFAULT_PAGE_SIZE,
        0,
        PagePrint::Never,
        Some(operation_id),
        move |_: PageRequest| {
            let first = fetch.take();
            async move {
                let Some(first) = first else {
                    return Err(more_than_one_answer(operation_id));
                };
                let (data, has_more) = first.await?;
                // An empty answer would end the stream before the check below is reached.
                if has_more == Some(true) && data.as_ref().is_none_or(Vec::is_empty) {
                    return Err(more_than_one_answer(operation_id));
                }
                Page::from_envelope(data, Some(has_more.unwrap_or(false)))
            }
        },
    )
}

/// The [`PagePrint`] of a list whose items have no `id`: the page's ends as JSON (compiles the
/// item type's serialiser).
#[allow(unused_imports)] // unused only in a build whose lists all have ids
pub(crate) use crate::api::pagination::whole_print;

/// An item's `id` member as text, for [`PagePrint::Ids`] (`String` or `Option<String>`).
#[allow(dead_code)] // unused only in a build with no list
pub(crate) fn item_id(id: &impl ItemId) -> Option<&str> {
    id.as_item_id()
}

/// An `id` member's types.
pub(crate) trait ItemId {
    /// The id, if the item has one.
    fn as_item_id(&self) -> Option<&str>;
}

impl ItemId for String {
    fn as_item_id(&self) -> Option<&str> {
        Some(self)
    }
}

impl ItemId for Option<String> {
    fn as_item_id(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// The error ending a single-answer list whose answer said `has_more: true`:
/// [`Error::InvalidResponse`] naming the operation and what Close sent. The items that answer
/// held come before it in the stream, so nothing Close sent is dropped.
fn more_than_one_answer(operation_id: &str) -> Error {
    Error::InvalidResponse(format!(
        "{operation_id} answered `has_more: true`, but Close documents no `_skip`/`_limit` for \
         it, so the rest of the list cannot be requested; the items before this error are all \
         that one answer held"
    ))
}

/// A page request as the generated builders' `i64` `_skip` and `_limit`.
fn skip_limit(page: PageRequest) -> Result<(i64, i64), Error> {
    let skip = i64::try_from(page.skip)
        .map_err(|_| Error::InvalidRequest(format!("_skip {} is too large", page.skip)))?;
    Ok((skip, i64::from(page.limit)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::ClientInfo as _;

    /// The URL a call sets its path on is the URL that parsing the whole text would give, for
    /// every base URL the builder accepts and for hostile values as `encode_path` leaves them
    /// (dot segments, encoded separators, a query or fragment mark, a backslash).
    #[test]
    fn a_path_set_on_the_parsed_base_is_the_url_parsing_the_whole_text_gives() {
        let paths = [
            "/membership/",
            "/lead/lead_1/",
            "/lead/../user/",
            "/lead/%2E%2E/",
            "/lead/a%2Fb/",
            "/lead/a?b/",
            "/lead/a#b/",
            "/lead/a\\b/",
            "/lead/a b\u{e9}/",
            "/lead//",
        ];
        for base in [
            "https://api.close.com/api/v1/",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080///",
            "https://example.com/a%20b/v1",
        ] {
            let client = Client::builder()
                .api_key("k")
                .base_url(base)
                .build()
                .unwrap();
            for path in paths {
                let set = url(&client, path).unwrap();
                // What the generated code did before: format the whole URL, parse it.
                let parsed = reqwest::Url::parse(&format!("{}{path}", client.baseurl()));
                // `?` and `#` end the path when the whole text is parsed; a path set is all
                // path (values reach here encoded, so neither is ever in a real one).
                if path.contains(['?', '#']) {
                    assert!(set.query().is_none() && set.fragment().is_none(), "{set}");
                    continue;
                }
                assert_eq!(set, parsed.unwrap(), "{base} + {path}");
            }
        }
    }

    /// A client made by hand with a base URL other than its context's gets the URL of its own
    /// base URL, and one that does not parse is refused before anything is sent.
    #[test]
    fn a_client_made_by_hand_keeps_its_own_base_url() {
        let built = Client::builder().api_key("k").build().unwrap();
        let other = Client::new_with_client(
            "http://127.0.0.1:9/api/v1",
            reqwest::Client::new(),
            built.inner().clone(),
        );
        assert_eq!(
            url(&other, "/lead/").unwrap().as_str(),
            "http://127.0.0.1:9/api/v1/lead/"
        );
        let broken =
            Client::new_with_client("not a url", reqwest::Client::new(), built.inner().clone());
        let e = url(&broken, "/lead/").unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    }

    #[test]
    fn page_sizes_are_checked_before_anything_is_sent() {
        assert_eq!(page_size("leads_list", None).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size("leads_list", Some(7)).unwrap(), 7);
        for bad in [0, -1, i64::MIN, i64::from(u32::MAX) + 1] {
            let e = page_size("leads_list", Some(bad)).unwrap_err();
            assert!(e.to_string().contains("leads_list"), "{e}");
        }
    }

    #[test]
    fn first_skips_are_checked_before_anything_is_sent() {
        assert_eq!(first_skip("leads_list", None).unwrap(), 0);
        assert_eq!(first_skip("leads_list", Some(40)).unwrap(), 40);
        for bad in [-1, i64::MIN] {
            let e = first_skip("leads_list", Some(bad)).unwrap_err();
            assert!(e.to_string().contains("leads_list"), "{e}");
        }
    }
}
