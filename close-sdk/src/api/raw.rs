//! Raw requests ([`RawRequest`]): any Close endpoint through the same request path as the
//! generated calls.

use std::fmt;

use progenitor_client::ClientInfo;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use super::request::{decode, json_body, send_bytes};
use crate::error::truncate;
use crate::transport::operations::{find_operation, RAW, RAW_IDEMPOTENT};
use crate::transport::path_safety::{check_value, encode_path, has_segments};
use crate::{Client, Error};

/// The methods a raw request may use. `TRACE` (which would echo the `Authorization` header
/// back into a body) and `CONNECT` (a tunnel, not a request) are refused.
const METHODS: [reqwest::Method; 7] = [
    reqwest::Method::GET,
    reqwest::Method::HEAD,
    reqwest::Method::POST,
    reqwest::Method::PUT,
    reqwest::Method::PATCH,
    reqwest::Method::DELETE,
    reqwest::Method::OPTIONS,
];

impl Client {
    /// A request to any endpoint below the base URL, e.g.
    /// `client.request(Method::GET, "lead/{id}/").param("id", id)`: for what the generated
    /// operations get wrong or Close adds before the SDK does. It goes through the same request
    /// path as the generated calls; see [`RawRequest`] for what it accepts.
    #[inline]
    pub fn request(&self, method: reqwest::Method, template: impl Into<String>) -> RawRequest<'_> {
        RawRequest {
            client: self,
            method,
            template: template.into(),
            params: Vec::new(),
            query: Vec::new(),
            body: None,
            idempotent: false,
            invalid: None,
        }
    }
}

/// A raw request being built by [`Client::request`]: any Close endpoint, for what the generated
/// operations get wrong or do not have yet, through the same request path as every generated
/// call (authorization, throttle, retries, [`Error`], tracing, path safety). Nothing is sent
/// until [`send`](RawRequest::send) is awaited.
///
/// ```no_run
/// use close_sdk::{Client, Error, Method};
///
/// # async fn run(client: &Client) -> Result<(), Error> {
/// let lead: serde_json::Value = client
///     .request(Method::GET, "lead/{id}/")
///     .param("id", "lead_xxx")
///     .query("_fields", "id,display_name")
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
///
/// - The template is a path below the base URL: literal segments (letters, digits, `-`, `_`,
///   `.`, `~`) and whole-segment `{name}` placeholders; a leading `/` is optional and a
///   trailing `/` is always sent (Close's paths all end with one). No `..`, no `?` or `#`, no
///   scheme or host: a raw request never leaves the base URL.
/// - Every placeholder needs a [`RawRequest::param`] and every param a placeholder. A value is
///   checked by the rule the generated calls use (not empty, not a dot segment in any spelling,
///   no `/ \ ? # ;`, whitespace or control character) and percent-encoded into its segment.
/// - When the method and template match a generated operation (`GET lead/{lead_id}` matches
///   `leads_get`'s `GET /lead/{id}/`), the request goes as that operation: its rate-limit group,
///   its idempotency and its full path check. Any other raw request goes as `raw_request`: one
///   rate-limit group for all of them, and repeated after a failure only for GET, HEAD,
///   OPTIONS, PUT and DELETE unless declared [`RawRequest::idempotent`].
/// - Mistakes are reported by [`RawRequest::send`] as [`Error::InvalidRequest`], and then
///   nothing is sent.
///
/// `Debug` shows the template and the names of the parameters, never their values or the body.
#[must_use = "nothing is sent until `.send()` is awaited"]
pub struct RawRequest<'a> {
    client: &'a Client,
    method: reqwest::Method,
    template: String,
    params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    idempotent: bool,
    /// The first mistake made while building: `send` reports it and sends nothing.
    invalid: Option<String>,
}

impl fmt::Debug for RawRequest<'_> {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names =
            |pairs: &[(String, String)]| pairs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("template", &self.template)
            .field("params", &names(&self.params))
            .field("query", &names(&self.query))
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("idempotent", &self.idempotent)
            .finish_non_exhaustive()
    }
}

impl<'a> RawRequest<'a> {
    /// The value of the template's placeholder `{name}`: checked like the generated calls'
    /// path parameters and percent-encoded into its segment.
    #[inline]
    pub fn param(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.params.push((name.into(), value.to_string()));
        self
    }

    /// A query parameter `name=value` (form-encoded). Giving the same name twice sends it
    /// twice; for a list, Close expects one comma-separated value: use
    /// [`query_list`](Self::query_list). A GET whose URL would pass Close's 2,000 characters
    /// sends its query as `_params` in a body instead, like every call, unless a name is given
    /// twice (`_params` holds one value per name): then it is sent as a long URL.
    #[inline]
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        let name = name.into();
        if name.is_empty() {
            self.refuse("a query parameter name is empty".into());
        }
        self.query.push((name, value.to_string()));
        self
    }

    /// A multi-valued query parameter, sent the way Close documents lists: one parameter whose
    /// value is the items joined with commas (`id__in=a,b`, `_fields=id,name`). An empty list,
    /// an empty item or an item containing a comma cannot be expressed that way and is refused
    /// (an empty `id__in` might read as "no filter").
    #[inline]
    pub fn query_list<I>(mut self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let name = name.into();
        match crate::transport::query::join_list(&name, values.into_iter().map(|v| v.to_string())) {
            Ok(joined) => self.query(name, joined),
            Err(why) => {
                self.refuse(why);
                self
            }
        }
    }

    /// A JSON request body (with `Content-Type: application/json`). A value that cannot be
    /// serialised is reported by `send`.
    #[inline]
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match json_body(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(why) => self.refuse(why),
        }
        self
    }

    /// Declares that sending this request twice does no more than sending it once (e.g. a POST
    /// that Close documents as idempotent), so that it is repeated after a failure where the
    /// server may have acted (a 5xx, a timeout, a dropped connection). GET, HEAD, OPTIONS, PUT
    /// and DELETE are idempotent already; a POST or PATCH is not unless declared. A declared
    /// request that matches a generated operation not idempotent itself goes as `raw_request`.
    #[inline]
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Sends the request and decodes a 2xx body as `T` (`serde_json::Value` takes anything; an
    /// empty body reads as `null`, so `()` and `Option<_>` accept a `204`). A mistake in the
    /// request is an [`Error::InvalidRequest`] and nothing is sent; anything else fails as a
    /// generated call would ([`Error::Api`] with Close's message for a 4xx, …).
    #[inline]
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (operation_id, path) = self.prepare().map_err(Error::InvalidRequest)?;
        let span = tracing::debug_span!(
            "close.raw",
            method = %self.method,
            template = %self.template,
            operation_id,
        );
        let RawRequest {
            client,
            method,
            query,
            body,
            ..
        } = self;
        let bytes = send_bytes(client, operation_id, method, &path, &query[..], body)
            .instrument(span)
            .await?;
        decode(&bytes)
    }

    /// Keeps the first mistake.
    #[inline]
    fn refuse(&mut self, why: String) {
        self.invalid.get_or_insert(why);
    }

    /// The operation id to send as and the encoded path, or why the request cannot be sent.
    #[inline]
    fn prepare(&self) -> Result<(&'static str, String), String> {
        if let Some(why) = &self.invalid {
            return Err(format!("{}: {why}", self.label()));
        }
        if !METHODS.contains(&self.method) {
            return Err(format!(
                "{}: the method is not one a raw request may use (GET, HEAD, POST, PUT, PATCH, \
                 DELETE, OPTIONS)",
                self.label()
            ));
        }
        let segments = parse_template(&self.template)?;
        let placeholders: Vec<&str> = segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(name) => Some(*name),
                Segment::Literal(_) => None,
            })
            .collect();
        for (i, (name, _)) in self.params.iter().enumerate() {
            if !placeholders.contains(&name.as_str()) {
                return Err(format!(
                    "{}: `{}` is not a placeholder of the template",
                    self.label(),
                    truncate(name, 64)
                ));
            }
            if self.params[..i].iter().any(|(n, _)| n == name) {
                return Err(format!("{}: `{name}` is given twice", self.label()));
            }
        }
        let mut path = String::new();
        let mut expected: Vec<&str> = Vec::with_capacity(segments.len());
        for segment in &segments {
            path.push('/');
            match segment {
                Segment::Literal(literal) => {
                    path.push_str(literal);
                    expected.push(literal);
                }
                Segment::Param(name) => {
                    let value = self
                        .params
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                        .ok_or_else(|| format!("{}: `{name}` has no value", self.label()))?;
                    check_value(&self.label(), name, value)?;
                    path.push_str(&encode_path(value));
                    expected.push(value);
                }
            }
        }
        path.push('/');
        // What the URL parser will make of it: still these segments, below the base URL.
        let base = self.client.baseurl();
        let kept = reqwest::Url::parse(&format!("{base}{path}"))
            .is_ok_and(|url| has_segments(&url, base, &expected));
        if !kept {
            return Err(format!(
                "{}: the URL would not have the template's shape (a value was read as a dot \
                 segment or a path separator)",
                self.label()
            ));
        }
        let operation = find_operation(self.method.as_str(), &self.template);
        let operation_id = match operation {
            Some(op) if op.idempotent || !self.idempotent => op.id,
            _ if self.idempotent => RAW_IDEMPOTENT,
            _ => RAW,
        };
        Ok((operation_id, path))
    }

    /// `GET lead/{id}/`, for messages.
    #[inline]
    fn label(&self) -> String {
        format!("{} {}", self.method, truncate(&self.template, 100))
    }
}

/// A segment of a raw request's template.
#[derive(Debug, PartialEq)]
enum Segment<'t> {
    Literal(&'t str),
    Param(&'t str),
}

/// The segments of a template (see the module docs), or why it is refused.
#[inline]
fn parse_template(template: &str) -> Result<Vec<Segment<'_>>, String> {
    let refuse = |why: &str| {
        Err(format!(
            "the raw request template {:?} {why}",
            truncate(template, 100)
        ))
    };
    if template.contains("://") || template.starts_with("//") {
        return refuse("is a URL: give a path below the base URL, e.g. \"lead/{id}/\"");
    }
    if template.contains('?') {
        return refuse("contains '?': give query parameters with .query()");
    }
    if template.contains('#') {
        return refuse("contains '#': a fragment is never sent");
    }
    let path = template.strip_prefix('/').unwrap_or(template);
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return refuse("is empty: name an endpoint, e.g. \"lead/\"");
    }
    let mut segments = Vec::new();
    for segment in path.split('/') {
        if segment.is_empty() {
            return refuse("has an empty segment");
        }
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return refuse("has a placeholder that is not {name} (letters, digits, `_`)");
            }
            if segments.contains(&Segment::Param(name)) {
                return refuse(&format!("has the placeholder {{{name}}} twice"));
            }
            segments.push(Segment::Param(name));
        } else if segment == "." || segment == ".." {
            return refuse("has a dot segment, which would leave the template's path");
        } else if let Some(c) = segment
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
        {
            return refuse(&format!(
                "contains {c:?}: a literal segment has letters, digits, `-`, `_`, `.` and `~` \
                 only; give values with .param()"
            ));
        } else {
            segments.push(Segment::Literal(segment));
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_literal_segments_and_placeholders() {
        use Segment::{Literal as L, Param as P};
        assert_eq!(parse_template("lead/{id}/"), Ok(vec![L("lead"), P("id")]));
        assert_eq!(parse_template("/lead/{id}"), Ok(vec![L("lead"), P("id")]));
        assert_eq!(
            parse_template("activity/status_change/lead/"),
            Ok(vec![L("activity"), L("status_change"), L("lead")])
        );
        assert_eq!(parse_template("a.b~c-d"), Ok(vec![L("a.b~c-d")]));
        for (bad, why) in [
            ("", "empty"),
            ("/", "empty"),
            ("//", "URL"),
            ("../x", "dot segment"),
            ("a/../b", "dot segment"),
            ("a/./b", "dot segment"),
            ("http://evil/", "URL"),
            ("https://evil.example/lead/", "URL"),
            ("//evil/x", "URL"),
            ("a?x=1", "'?'"),
            ("a#x", "'#'"),
            ("a//b", "empty segment"),
            ("%2e%2e/x", "'%'"),
            ("a\\..\\b", "'\\\\'"),
            ("lead/{id}x/", "'{'"),
            ("lead/{}/", "placeholder"),
            ("lead/{a b}/", "placeholder"),
            ("lead/{id}/{id}/", "twice"),
            ("le ad/", "' '"),
            ("lead:x/", "':'"),
            ("lead/\u{FF0E}\u{FF0E}/", "'．'"),
        ] {
            let e = parse_template(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn debug_shows_names_but_never_values_or_the_body() {
        let client = Client::builder().api_key("k").build().unwrap();
        let r = client
            .request(reqwest::Method::POST, "thing/{id}/")
            .param("id", "secret_id")
            .query("token", "secret_query")
            .json(&serde_json::json!({"password": "secret_body"}));
        let shown = format!("{r:?}");
        assert!(
            shown.contains("thing/{id}/") && shown.contains("token"),
            "{shown}"
        );
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn mistakes_are_reported_before_anything_is_built() {
        let client = Client::builder().api_key("k").build().unwrap();
        let prepare = |r: RawRequest<'_>| r.prepare();
        let get = || client.request(reqwest::Method::GET, "lead/{id}/");
        assert!(prepare(get()).unwrap_err().contains("`id` has no value"));
        let e = prepare(get().param("id", "a").param("other", "b")).unwrap_err();
        assert!(e.contains("`other` is not a placeholder"), "{e}");
        let e = prepare(get().param("id", "a").param("id", "b")).unwrap_err();
        assert!(e.contains("given twice"), "{e}");
        let e = prepare(get().param("id", "..")).unwrap_err();
        assert!(
            e.contains("`id` of GET lead/{id}/") && e.contains("dot segment"),
            "{e}"
        );
        let e = prepare(
            get()
                .param("id", "a")
                .query_list("id__in", Vec::<String>::new()),
        )
        .unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = prepare(get().param("id", "a").query_list("id__in", ["a,b"])).unwrap_err();
        assert!(e.contains("comma"), "{e}");
        let e = prepare(client.request(reqwest::Method::TRACE, "lead/")).unwrap_err();
        assert!(e.contains("method"), "{e}");
        let map = std::collections::BTreeMap::from([((1, 2), "x")]);
        let e = prepare(client.request(reqwest::Method::POST, "x/").json(&map)).unwrap_err();
        assert!(e.contains("serialised"), "{e}");
        // What is sent: values encoded into their segments, always a trailing slash.
        let (id, path) = prepare(
            client
                .request(reqwest::Method::GET, "/no_such_thing/{a}/x/{b}")
                .param("b", "é|")
                .param("a", "%41"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (id, path.as_str()),
            (RAW, "/no_such_thing/%2541/x/%C3%A9|/")
        );
    }

    #[test]
    fn the_operation_id_follows_the_table_and_the_declaration() {
        let client = Client::builder().api_key("k").build().unwrap();
        let id = |r: RawRequest<'_>| r.prepare().map(|(id, _)| id);
        use reqwest::Method;
        assert_eq!(id(client.request(Method::GET, "no_such_thing/")), Ok(RAW));
        assert_eq!(id(client.request(Method::POST, "no_such_thing/")), Ok(RAW));
        assert_eq!(
            id(client.request(Method::POST, "no_such_thing/").idempotent()),
            Ok(RAW_IDEMPOTENT)
        );
        #[cfg(feature = "groups")]
        {
            assert_eq!(id(client.request(Method::GET, "group")), Ok("groups_list"));
            assert_eq!(
                id(client.request(Method::POST, "/group/")),
                Ok("groups_create")
            );
            // Declared idempotent, a POST the table says is not goes as a raw request.
            assert_eq!(
                id(client.request(Method::POST, "group/").idempotent()),
                Ok(RAW_IDEMPOTENT)
            );
            // Already idempotent: keeps the operation.
            assert_eq!(
                id(client.request(Method::GET, "group/").idempotent()),
                Ok("groups_list")
            );
        }
    }
}
