//! Helpers the resource extension traits share: checking path ids and `_fields`, and turning a
//! generated call's result into the SDK's.

use crate::transport::path_safety::check_value;
use crate::{Error, ResponseValue};

/// Unwraps a generated call's result into the SDK's result.
pub(crate) async fn finish<T>(
    result: Result<ResponseValue<T>, crate::GeneratedError>,
) -> Result<T, Error> {
    match result {
        Ok(v) => Ok(v.into_inner()),
        Err(e) => Err(Error::from_generated(e).await),
    }
}

/// A member of an answer the SDK needs (an id for the next request, a list's items): absent
/// (left out by Close, or by `_fields`) is [`Error::InvalidResponse`] naming it, never a panic
/// or an invented value.
pub(crate) fn needed<T>(value: Option<T>, what: &str) -> Result<T, Error> {
    value.ok_or_else(|| Error::InvalidResponse(format!("the answer has no `{what}`")))
}

/// Checks an id that goes into a URL path (or an id list) of `operation_id` as `param`, with the
/// request path's own rule and message ([`crate::transport::path_safety`]): not empty, not a
/// dot segment in any spelling, no separator, whitespace or control character.
pub(crate) fn path_id<'a>(operation_id: &str, param: &str, id: &'a str) -> Result<&'a str, Error> {
    check_value(operation_id, param, id).map_err(Error::InvalidRequest)?;
    Ok(id)
}

/// Checks an email address sent as `field` ([`crate::EmailAddress`]'s rule).
#[cfg_attr(
    not(any(feature = "leads", feature = "contacts", feature = "activities")),
    allow(dead_code)
)]
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
pub(crate) fn check_phone(field: &str, phone: &str) -> Result<(), Error> {
    phone
        .parse::<crate::PhoneNumber>()
        .map(drop)
        .map_err(|e| Error::InvalidRequest(format!("{field}: {e}")))
}

/// Checks a web URL sent as `field` ([`crate::WebUrl`]'s rule).
#[cfg_attr(not(any(feature = "leads", feature = "contacts")), allow(dead_code))]
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
pub(crate) fn check_id(operation_id: &str, field: &str, id: Option<&str>) -> Result<(), Error> {
    match id {
        Some(id) => path_id(operation_id, field, id).map(drop),
        None => Ok(()),
    }
}

/// Refuses [`ListOptions::fields`](super::pagination::ListOptions::fields) on a list whose items
/// the SDK decodes in full (a partial item would not decode).
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
pub(crate) fn no_fields(options: &super::pagination::ListOptions) -> Result<(), Error> {
    if options.get_fields().is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest(
            "this list does not take `_fields` (its items are decoded in full); use the \
             generated builder for partial objects"
                .into(),
        ))
    }
}

/// The `_fields` value for `fields`: names checked, `required` added first (the typed result
/// needs them to decode), duplicates dropped, joined with commas as Close expects.
#[cfg_attr(not(feature = "groups"), allow(dead_code))]
pub(crate) fn fields_param(fields: &[String], required: &[&str]) -> Result<String, Error> {
    let mut out: Vec<&str> = Vec::new();
    for f in required
        .iter()
        .copied()
        .chain(fields.iter().map(String::as_str))
    {
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
    fn fields_are_comma_separated_with_the_required_ones_first() {
        let f = vec!["name".to_string(), "id".to_string(), "members".to_string()];
        assert_eq!(fields_param(&f, &["id"]).unwrap(), "id,name,members");
        assert!(fields_param(&["a,b".to_string()], &[]).is_err());
        assert!(fields_param(&["".to_string()], &[]).is_err());
        assert!(fields_param(&["a b".to_string()], &[]).is_err());
    }
}
