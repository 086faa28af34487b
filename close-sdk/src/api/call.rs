//! Helpers the resource extension traits share: checking path ids and `_fields`, and turning a
//! generated call's result into the SDK's.

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

/// Checks an id that goes into a URL path: non-empty, no whitespace, control characters or `/`.
pub(crate) fn path_id<'a>(what: &str, id: &'a str) -> Result<&'a str, Error> {
    if id.is_empty() {
        return Err(Error::InvalidRequest(format!("{what} must not be empty")));
    }
    if id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        return Err(Error::InvalidRequest(format!(
            "{what} {id:?} contains whitespace or `/`"
        )));
    }
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
        for bad in ["", "a b", "a/b", "a\n"] {
            assert!(path_id("id", bad).is_err(), "{bad:?}");
        }
        assert_eq!(path_id("id", "group_x").unwrap(), "group_x");
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
