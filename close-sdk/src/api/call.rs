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

/// Checks an id that goes into a URL path (or an id list) of `operation_id` as `param`, with the
/// request path's own rule and message ([`crate::transport::path_safety`]): not empty, not a
/// dot segment in any spelling, no separator, whitespace or control character.
pub(crate) fn path_id<'a>(operation_id: &str, param: &str, id: &'a str) -> Result<&'a str, Error> {
    check_value(operation_id, param, id).map_err(Error::InvalidRequest)?;
    Ok(id)
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
