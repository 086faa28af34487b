//! Helpers the resource extension traits share: checking path ids and `_fields`, and turning a
//! generated call's result into the SDK's.

use crate::transport::path_safety::check_value;
use crate::Error;

/// A generated call's result without its status and headers (the same as `.await` on a request).
#[allow(unused_imports)] // unused by the builds whose resources have no hand-written calls
pub(crate) use crate::runtime::output as finish;

/// A member of an answer the SDK needs (an id for the next request, a list's items): absent
/// (left out by Close, or by `_fields`) is [`Error::InvalidResponse`] naming it, never a panic
/// or an invented value.
#[allow(dead_code)] // used by the calls of some features only (memberships, users, custom fields)
#[inline]
pub(crate) fn needed<T>(value: Option<T>, what: &str) -> Result<T, Error> {
    value.ok_or_else(|| Error::InvalidResponse(format!("the answer has no `{what}`")))
}

/// Checks an id that goes into a URL path (or an id list) of `operation_id` as `param`, with the
/// request path's own rule and message ([`crate::transport::path_safety`]): not empty, not a
/// dot segment in any spelling, no separator, whitespace or control character.
#[inline]
pub(crate) fn path_id<'a>(operation_id: &str, param: &str, id: &'a str) -> Result<&'a str, Error> {
    check_value(operation_id, param, id).map_err(Error::InvalidRequest)?;
    Ok(id)
}

/// Checks an email address sent as `field` ([`crate::EmailAddress`]'s rule).
#[cfg_attr(
    not(any(feature = "leads", feature = "contacts", feature = "activities")),
    allow(dead_code)
)]
#[inline]
pub(crate) fn check_email(field: &str, email: &str) -> Result<(), Error> {
    email
        .parse::<crate::EmailAddress>()
        .map(drop)
        .map_err(|e| Error::InvalidRequest(format!("{field}: {e}")))
}

/// Checks a phone number sent as `field` ([`crate::PhoneNumber`]'s rule).
#[cfg_attr(
    not(any(feature = "leads", feature = "contacts", feature = "activities")),
    allow(dead_code)
)]
#[inline]
pub(crate) fn check_phone(field: &str, phone: &str) -> Result<(), Error> {
    phone
        .parse::<crate::PhoneNumber>()
        .map(drop)
        .map_err(|e| Error::InvalidRequest(format!("{field}: {e}")))
}

/// Checks a web URL sent as `field` ([`crate::WebUrl`]'s rule).
#[cfg_attr(not(any(feature = "leads", feature = "contacts")), allow(dead_code))]
#[inline]
pub(crate) fn check_url(field: &str, url: &str) -> Result<(), Error> {
    url.parse::<crate::WebUrl>()
        .map(drop)
        .map_err(|e| Error::InvalidRequest(format!("{field}: {e}")))
}

/// Checks an optional id sent in a body or query as `field` of `operation_id`, with the path
/// ids' rule ([`path_id`]): an id with a separator or whitespace is a mistake wherever it goes.
#[cfg_attr(
    not(any(
        feature = "leads",
        feature = "contacts",
        feature = "opportunities",
        feature = "tasks",
        feature = "activities"
    )),
    allow(dead_code)
)]
#[inline]
pub(crate) fn check_id(operation_id: &str, field: &str, id: Option<&str>) -> Result<(), Error> {
    match id {
        Some(id) => path_id(operation_id, field, id).map(drop),
        None => Ok(()),
    }
}

/// The `_fields` value of `options` for the operation `operation_id`: `None` when no fields
/// are asked for; the names checked and joined with commas when the operation documents
/// `_fields` (the generated operation table says which); otherwise an
/// [`Error::InvalidRequest`] naming the operation, before anything is sent. Every property of a
/// response type is optional, so whatever subset Close sends decodes.
#[cfg_attr(not(feature = "full"), allow(dead_code))] // the lists that take `_fields` vary by feature
#[inline]
pub(crate) fn fields_for(
    operation_id: &str,
    options: &super::pagination::ListOptions,
) -> Result<Option<String>, Error> {
    let fields = options.get_fields();
    if fields.is_empty() {
        return Ok(None);
    }
    let documented = crate::generated::operations::OPERATIONS
        .binary_search_by(|op| op.id.cmp(operation_id))
        .ok()
        .and_then(|i| crate::generated::operations::OPERATIONS.get(i))
        .is_some_and(|op| op.fields);
    if !documented {
        return Err(Error::InvalidRequest(format!(
            "`{operation_id}` does not document `_fields`; list without `ListOptions::fields`"
        )));
    }
    fields_param(fields).map(Some)
}

/// The `_fields` value for `fields`: names checked, duplicates dropped, joined with commas as
/// Close expects.
#[cfg_attr(not(feature = "full"), allow(dead_code))] // the lists that take `_fields` vary by feature
#[inline]
pub(crate) fn fields_param(fields: &[String]) -> Result<String, Error> {
    let mut out: Vec<&str> = Vec::new();
    for f in fields.iter().map(String::as_str) {
        if f.is_empty()
            || f.chars()
                .any(|c| c == ',' || c.is_whitespace() || c.is_control())
        {
            return Err(Error::InvalidRequest(format!(
                "field name {f:?} is empty or contains a comma or whitespace"
            )));
        }
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_reject_what_would_change_the_url() {
        for bad in [
            "", "a b", "a/b", "a\n", ".", "..", "%2e%2E", "x\\..", "a?b", "a#b", "..;",
        ] {
            let e = path_id("memberships_update", "id", bad).unwrap_err();
            assert!(
                e.to_string().contains("`id` of memberships_update"),
                "{bad:?}: {e}"
            );
        }
        assert_eq!(path_id("groups_get", "id", "group_x").unwrap(), "group_x");
    }

    #[test]
    fn fields_are_comma_separated_without_duplicates() {
        let f = vec!["name".to_string(), "id".to_string(), "name".to_string()];
        assert_eq!(fields_param(&f).unwrap(), "name,id");
        assert!(fields_param(&["a,b".to_string()]).is_err());
        assert!(fields_param(&["".to_string()]).is_err());
        assert!(fields_param(&["a b".to_string()]).is_err());
    }
}
