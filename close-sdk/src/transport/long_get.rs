//! Long GET requests: their query goes in a JSON body, as Close documents.
//!
//! Close's "Filter Parameters" page (developer.close.com/api/overview/filter-parameters):
//! filtering by a long list of ids can make a URL "exceed the recommended maximum URL length
//! (2000 characters)"; the parameters "can also be specified in a JSON-encoded dictionary in the
//! request body under the `_params` key", sent as a `POST` with `x-http-method-override: GET`
//! and `content-type: application/json` (`GET /activity/?lead_id=X` ≡ `POST /activity/` with
//! `{"_params": {"lead_id": "X"}}`).
//!
//! [`decide`] is the whole decision, a pure function of the method, the URL and whether there is
//! a body; [`apply`] carries it out on a request. The request path applies it to every attempt
//! just before sending ([`super::hooks`]), after the path check and after the call's throttle
//! group and idempotency were taken from the operation, so a switched request is still that GET
//! operation: same rate-limit group, retried as idempotent, same span (which records
//! `params_in_body = true`). Generated builders, extension traits and raw requests all go
//! through it; none asks for it.
//!
//! # The rules
//!
//! 1. Only `GET`. Anything else is sent as built.
//! 2. A URL of at most [`MAX_URL_LEN`] characters (the whole URL as sent: scheme, host, port,
//!    path, `?` and the percent-encoded query) is sent as built. Close's number is a "recommended
//!    maximum"; a URL *exceeding* it is switched.
//! 3. A longer URL is switched to `POST` with the same path (byte for byte: what the path check
//!    approved is what is sent), no query, the headers `x-http-method-override: GET` and
//!    `content-type: application/json`, and the body `{"_params": {…}}`, unless
//!    - it has no query (nothing to move), or
//!    - it already has a body (nothing to put `_params` next to; no SDK call builds one), or
//!    - a query parameter name is repeated (see below);
//!
//!    then it is sent as built, and a `DEBUG` event says why.
//!
//! # `_params`, where Close's page is silent
//!
//! Close's one example has a single string value. The SDK maps the query it would have sent,
//! pair by pair in order, to **strings**: each name and value percent-decoded once, exactly the
//! text the server would have read from the URL. So a list stays one comma-separated string
//! (`"id__in": "a,b,c"`, as the SDK sends lists in a URL; see [`super::query`]), numbers stay
//! strings (`"_limit": "100"`), and `_fields`, `_skip`, `_limit` move with the filters. This is
//! the conservative reading, and it is how Close's own open-source REST framework
//! (closeio/flask-mongorest) reads `_params`: it takes `_params` *instead of* the query string
//! (so nothing may stay in the URL), documents it as `{"_params": {"status": "active", "_limit":
//! "10"}}` (strings), and splits an `__in` value on commas (a JSON array would not be split). A
//! repeated name has no documented `_params` form (a JSON object holds one value per name), so
//! such a URL is left as it is rather than guessed at; the SDK never repeats a name itself (lists
//! are comma-separated), only a raw request given the same name twice does.

use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};

/// The longest URL sent as a `GET`: Close's "recommended maximum URL length (2000
/// characters)". A GET whose whole URL is longer sends its query as `_params` in a body.
pub(crate) const MAX_URL_LEN: usize = 2000;

/// The header that makes Close read a `POST` as the `GET` it stands for.
const METHOD_OVERRIDE: HeaderName = HeaderName::from_static("x-http-method-override");

/// How a request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// As built.
    AsBuilt,
    /// As built, although its URL is longer than [`MAX_URL_LEN`]: its query cannot be moved.
    KeptLong(&'static str),
    /// As `POST url` with `x-http-method-override: GET` and this JSON body.
    InBody {
        /// The URL without its query.
        url: Url,
        /// `{"_params": {…}}`.
        body: String,
    },
}

/// The decision for a request with `method` and `url`, and a body or not (see the module
/// documentation for the rules).
pub(crate) fn decide(method: &Method, url: &Url, has_body: bool) -> Plan {
    if *method != Method::GET || url.as_str().len() <= MAX_URL_LEN {
        return Plan::AsBuilt;
    }
    if url.query().is_none_or(str::is_empty) {
        return Plan::KeptLong("it has no query to move");
    }
    if has_body {
        return Plan::KeptLong("it already has a body");
    }
    let mut names: Vec<String> = Vec::new();
    let mut body = String::from("{\"_params\":{");
    for (name, value) in url.query_pairs() {
        if names.iter().any(|n| *n == name) {
            return Plan::KeptLong(
                "a query parameter name is repeated, which `_params` (one value per name) cannot \
                 carry",
            );
        }
        if !names.is_empty() {
            body.push(',');
        }
        // A JSON string from any text (Display of a `Value` cannot fail).
        body.push_str(&serde_json::Value::String(name.to_string()).to_string());
        body.push(':');
        body.push_str(&serde_json::Value::String(value.into_owned()).to_string());
        names.push(name.into_owned());
    }
    body.push_str("}}");
    let mut url = url.clone();
    url.set_query(None);
    Plan::InBody { url, body }
}

/// `request` as [`decide`] says to send it, and whether its query moved into the body.
pub(crate) fn apply(mut request: reqwest::Request) -> (reqwest::Request, bool) {
    match decide(request.method(), request.url(), request.body().is_some()) {
        Plan::AsBuilt => (request, false),
        Plan::KeptLong(why) => {
            tracing::debug!(
                url_len = request.url().as_str().len(),
                why,
                "GET URL longer than Close's recommended maximum, sent as it is"
            );
            (request, false)
        }
        Plan::InBody { url, body } => {
            *request.method_mut() = Method::POST;
            *request.url_mut() = url;
            let headers = request.headers_mut();
            headers.insert(METHOD_OVERRIDE, HeaderValue::from_static("GET"));
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(body.into());
            (request, true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.close.com/api/v1/activity/";

    /// A GET URL of exactly `len` characters: `BASE?id__in=` then ids of `x`, padded.
    fn url_of_len(len: usize) -> Url {
        let head = format!("{BASE}?id__in=");
        let url = format!("{head}{}", "x".repeat(len - head.len()));
        assert_eq!(url.len(), len);
        Url::parse(&url).unwrap()
    }

    #[test]
    fn switches_only_past_the_limit() {
        for len in [MAX_URL_LEN - 1, MAX_URL_LEN] {
            assert_eq!(
                decide(&Method::GET, &url_of_len(len), false),
                Plan::AsBuilt,
                "{len}"
            );
        }
        let url = url_of_len(MAX_URL_LEN + 1);
        let Plan::InBody { url: to, body } = decide(&Method::GET, &url, false) else {
            panic!("not switched")
        };
        assert_eq!(to.as_str(), BASE);
        let value = "x".repeat(MAX_URL_LEN + 1 - format!("{BASE}?id__in=").len());
        assert_eq!(body, format!(r#"{{"_params":{{"id__in":"{value}"}}}}"#));
    }

    #[test]
    fn other_methods_are_never_switched() {
        let url = url_of_len(5000);
        for m in [
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::HEAD,
        ] {
            assert_eq!(decide(&m, &url, false), Plan::AsBuilt, "{m}");
        }
    }

    #[test]
    fn every_pair_moves_as_the_string_the_server_would_have_read() {
        let ids: Vec<String> = (0..200).map(|i| format!("acti_{i:040}")).collect();
        let url = Url::parse_with_params(
            "http://127.0.0.1:9/api/v1/activity/",
            [
                ("id__in", ids.join(",").as_str()),
                ("_fields", "id,lead_id"),
                ("_limit", "100"),
                ("_skip", "200"),
                ("note", "\"quoted\" & é 50%+1"),
                ("date_created__gte", "2024-01-01T00:00:00+00:00"),
            ],
        )
        .unwrap();
        let Plan::InBody { url: to, body } = decide(&Method::GET, &url, false) else {
            panic!("not switched")
        };
        // Same path, byte for byte; no query.
        assert_eq!(to.path(), url.path());
        assert_eq!(to.as_str(), "http://127.0.0.1:9/api/v1/activity/");
        // Keys in query order, every value a string.
        let expected = format!(
            "{{\"_params\":{{\"id__in\":\"{}\",\"_fields\":\"id,lead_id\",\"_limit\":\"100\",\
             \"_skip\":\"200\",\"note\":\"\\\"quoted\\\" & é 50%+1\",\
             \"date_created__gte\":\"2024-01-01T00:00:00+00:00\"}}}}",
            ids.join(",")
        );
        assert_eq!(body, expected);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["_params"]["note"], "\"quoted\" & é 50%+1");
    }

    #[test]
    fn what_cannot_move_is_sent_as_built() {
        let long = "y".repeat(MAX_URL_LEN);
        let no_query = Url::parse(&format!("{BASE}{long}/")).unwrap();
        assert!(matches!(
            decide(&Method::GET, &no_query, false),
            Plan::KeptLong(_)
        ));
        let empty_query = Url::parse(&format!("{BASE}{long}/?")).unwrap();
        assert!(matches!(
            decide(&Method::GET, &empty_query, false),
            Plan::KeptLong(_)
        ));
        let url = url_of_len(MAX_URL_LEN + 1);
        assert!(matches!(
            decide(&Method::GET, &url, true),
            Plan::KeptLong(_)
        ));
        let repeated = Url::parse(&format!("{BASE}?a=1&b={long}&a=2")).unwrap();
        let Plan::KeptLong(why) = decide(&Method::GET, &repeated, false) else {
            panic!("switched")
        };
        assert!(why.contains("repeated"), "{why}");
    }

    #[test]
    fn applying_makes_the_documented_request() {
        let url = url_of_len(MAX_URL_LEN + 10);
        let mut request = reqwest::Request::new(Method::GET, url);
        request
            .headers_mut()
            .insert("accept", HeaderValue::from_static("application/json"));
        let (sent, moved) = apply(request);
        assert!(moved);
        assert_eq!(sent.method(), Method::POST);
        assert_eq!(sent.url().as_str(), BASE);
        assert_eq!(sent.headers()["x-http-method-override"], "GET");
        assert_eq!(sent.headers()["content-type"], "application/json");
        assert_eq!(sent.headers()["accept"], "application/json");
        let body = sent.body().and_then(|b| b.as_bytes()).unwrap();
        assert!(body.starts_with(b"{\"_params\":{\"id__in\":\"xxx"));
        // A short one is untouched.
        let short = reqwest::Request::new(Method::GET, url_of_len(100));
        let (sent, moved) = apply(short);
        assert!(!moved && sent.method() == Method::GET && sent.body().is_none());
        assert!(sent.headers().get("x-http-method-override").is_none());
    }
}
