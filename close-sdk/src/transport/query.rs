//! Query parameters the way Close documents them. The generated builders send every query
//! parameter through [`QueryParam`] (close-sdk-gen routes progenitor's calls here).
//!
//! Close documents its multi-valued query parameters as **one comma-separated value**:
//! `?_fields=id,display_name` (developer.close.com/api/overview/fields), "a comma-separated list
//! of one or more `custom.FIELD_ID` identifiers" (…/resources/leads), `id__in` as
//! "the comma-separated ids" (…/resources/memberships/bulk-update), and Close's own document
//! describes its array parameters as "(comma-separated)". No page shows repeated keys, which is
//! what progenitor sends for an array (`a=x&a=y`), and a server that reads one value would
//! silently apply only the first. So a list of scalars goes as `name=x,y`; an element that
//! contains a comma (which Close would read as two) and an empty list (which would read as no
//! filter at all) are refused before anything is sent. Everything else is serialised exactly
//! as progenitor does.
//!
//! The generator types the filters (`close-sdk-gen/src/openapi/query_types.rs`): a date filter takes a
//! [`DateOrTimestamp`](crate::DateOrTimestamp), sent as its text (`2026-01-31` or
//! `2026-01-31T08:00:00+00:00`, the `+` percent-encoded); an id list an
//! [`IdList`](crate::IdList), whose ids are each checked by the path-safety id rule and sent
//! comma-separated; a documented enum its open enum type (a list of them comma-separated).

use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// One query parameter of a generated builder.
pub(crate) struct QueryParam<'a, T> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T> QueryParam<'a, T> {
    /// The parameter `name` with `value` (progenitor-client's signature).
    pub(crate) fn new(name: &'a str, value: &'a T) -> Self {
        QueryParam { name, value }
    }
}

impl<T: Serialize> Serialize for QueryParam<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::to_value(self.value) {
            Ok(Value::Array(items)) if items.iter().all(is_scalar) => {
                return comma_separated(self.name, &items)
                    .map_err(S::Error::custom)?
                    .serialize(s);
            }
            Ok(_) => {}
            // A value that refuses itself (an `IdList` holding an id that is not one): the
            // message names the parameter, and nothing is sent.
            Err(e) => {
                return Err(S::Error::custom(format!(
                    "query parameter `{}`: {e}",
                    self.name
                )))
            }
        }
        progenitor_client::QueryParam::new(self.name, self.value).serialize(s)
    }
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// `[(name, "x,y")]` for a list of scalars, or why it cannot be sent.
fn comma_separated<'a>(name: &'a str, items: &[Value]) -> Result<[(&'a str, String); 1], String> {
    let texts = items.iter().map(|item| match item {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    Ok([(name, join_list(name, texts)?)])
}

/// The one comma-separated value Close reads for a list query parameter, or why it cannot be
/// sent: an empty list (no filter at all) and an empty item or one containing a comma are
/// refused. Used by the generated builders and by `RawRequest::query_list`.
pub(crate) fn join_list(
    name: &str,
    items: impl IntoIterator<Item = String>,
) -> Result<String, String> {
    let mut joined = String::new();
    let mut any = false;
    for text in items {
        if text.contains(',') || text.is_empty() {
            return Err(format!(
                "a value of query parameter `{name}` is empty or contains a comma, which Close \
                 reads as a separator: {:?}",
                crate::error::truncate(&text, 64)
            ));
        }
        if any {
            joined.push(',');
        }
        joined.push_str(&text);
        any = true;
    }
    if !any {
        return Err(format!(
            "query parameter `{name}` is an empty list, which Close would read as no filter at all"
        ));
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<T: Serialize>(name: &str, value: &T) -> Result<String, String> {
        crate::transport::http_client::http_client(
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(1),
        )
        .map_err(|e| e.to_string())?
        .get("http://localhost/")
        .query(&QueryParam::new(name, value))
        .build()
        .map(|r| r.url().query().unwrap_or_default().to_string())
        .map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn lists_of_scalars_are_one_comma_separated_value() {
        let ids = Some(vec!["acti_a".to_string(), "acti_b".to_string()]);
        assert_eq!(query("id__in", &ids).unwrap(), "id__in=acti_a%2Cacti_b");
        assert_eq!(query("n", &vec![1, 2]).unwrap(), "n=1%2C2");
        // Scalars and absent values as progenitor sends them.
        assert_eq!(query("lead_id", &Some("lead_1")).unwrap(), "lead_id=lead_1");
        assert_eq!(query("lead_id", &None::<String>).unwrap(), "");
        assert_eq!(query("_limit", &100).unwrap(), "_limit=100");
    }

    #[test]
    fn typed_filters_go_as_close_reads_them() {
        let date: crate::DateOrTimestamp = crate::Date::new(2026, 1, 31).unwrap().into();
        assert_eq!(
            query("date__gte", &Some(date)).unwrap(),
            "date__gte=2026-01-31"
        );
        let at: crate::DateOrTimestamp = "2026-01-31T08:00:00+00:00".parse().unwrap();
        assert_eq!(
            query("date_created__gt", &Some(at)).unwrap(),
            "date_created__gt=2026-01-31T08%3A00%3A00%2B00%3A00"
        );
        let ids = Some(crate::IdList::from(&["lead_a", "lead_b"]));
        assert_eq!(
            query("lead_id__in", &ids).unwrap(),
            "lead_id__in=lead_a%2Clead_b"
        );
    }

    #[test]
    fn an_id_list_holding_a_hostile_id_is_refused_naming_the_parameter() {
        for bad in ["a,b", "../x", "a/b", "a?b=1", "a#b", "a b", ""] {
            let ids = Some(crate::IdList::from(&["lead_a", bad]));
            let e = query("lead_id__in", &ids).unwrap_err();
            assert!(e.contains("`lead_id__in`"), "{bad:?}: {e}");
        }
        let e = query("id__in", &Some(crate::IdList::default())).unwrap_err();
        assert!(e.contains("empty list"), "{e}");
    }

    #[test]
    fn empty_lists_and_values_with_commas_are_refused() {
        let e = query("id__in", &Vec::<String>::new()).unwrap_err();
        assert!(e.contains("empty list"), "{e}");
        let e = query("id__in", &vec!["a,b".to_string()]).unwrap_err();
        assert!(e.contains("comma"), "{e}");
    }
}
