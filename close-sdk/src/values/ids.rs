//! `IdList`: the ids a list filter takes (`id__in`, `lead_id__in`, activities' `lead_id`, …).

use std::fmt;

/// Ids for a list filter such as `id__in` or `lead_id__in`, sent as the one comma-separated
/// value Close reads (`id__in=lead_a,lead_b`).
///
/// Built from a slice, an array or a `Vec` of `&str` or `String` (or one id), so a generated
/// request's setter takes `&["lead_a", "lead_b"]` as well as a `Vec<String>`:
///
/// ```
/// use close_sdk::IdList;
/// let ids = IdList::from(&["lead_a", "lead_b"]);
/// assert_eq!(ids.to_string(), "lead_a,lead_b");
/// assert_eq!(IdList::from(vec!["lead_a".to_string()]).len(), 1);
/// ```
///
/// Each id is checked when the request is built, by the rule for an id in a path: an id that is
/// empty, contains a comma (Close would read two ids), a path separator, `?`, `#`, `;`,
/// whitespace or a control character, or is a dot segment, is refused with
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest) and nothing is sent; so is an empty
/// list (Close would read no filter at all).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IdList(Vec<String>);

impl IdList {
    /// The ids, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (such a list is refused when sent).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one id.
    pub fn push(&mut self, id: impl Into<String>) {
        self.0.push(id.into());
    }

    /// The ids.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

impl<T: Into<String>> From<Vec<T>> for IdList {
    fn from(ids: Vec<T>) -> Self {
        IdList(ids.into_iter().map(Into::into).collect())
    }
}

impl<T: AsRef<str>> From<&Vec<T>> for IdList {
    fn from(ids: &Vec<T>) -> Self {
        ids.as_slice().into()
    }
}

impl<T: AsRef<str>> From<&[T]> for IdList {
    fn from(ids: &[T]) -> Self {
        IdList(ids.iter().map(|id| id.as_ref().to_string()).collect())
    }
}

impl<T: AsRef<str>, const N: usize> From<&[T; N]> for IdList {
    fn from(ids: &[T; N]) -> Self {
        ids.as_slice().into()
    }
}

impl<T: Into<String>, const N: usize> From<[T; N]> for IdList {
    fn from(ids: [T; N]) -> Self {
        IdList(ids.into_iter().map(Into::into).collect())
    }
}

impl From<&str> for IdList {
    fn from(id: &str) -> Self {
        IdList(vec![id.to_string()])
    }
}

impl From<String> for IdList {
    fn from(id: String) -> Self {
        IdList(vec![id])
    }
}

impl<T: Into<String>> FromIterator<T> for IdList {
    fn from_iter<I: IntoIterator<Item = T>>(ids: I) -> Self {
        IdList(ids.into_iter().map(Into::into).collect())
    }
}

impl From<IdList> for Vec<String> {
    fn from(ids: IdList) -> Self {
        ids.0
    }
}

/// The ids joined with commas, as sent.
impl fmt::Display for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

/// A sequence of the ids, each checked first (see the type's docs); the query encoder
/// (`transport::query`) joins them with commas and refuses an empty list.
impl serde::Serialize for IdList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        for id in &self.0 {
            let refusal = if id.contains(',') {
                Some("contains a comma, which Close reads as a separator".to_string())
            } else {
                crate::transport::path_safety::id_refusal(id)
            };
            if let Some(why) = refusal {
                return Err(S::Error::custom(format!(
                    "the id {:?} {why}",
                    crate::error::truncate(id, 64)
                )));
            }
        }
        self.0.serialize(s)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for IdList {
    fn schema_name() -> String {
        "IdList".into()
    }

    fn json_schema(g: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <Vec<String>>::json_schema(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_from_slices_arrays_and_vecs() {
        let ids = ["a", "b"];
        let expected = IdList(vec!["a".into(), "b".into()]);
        assert_eq!(IdList::from(&ids), expected);
        assert_eq!(IdList::from(&ids[..]), expected);
        assert_eq!(IdList::from(ids), expected);
        assert_eq!(IdList::from(vec!["a", "b"]), expected);
        assert_eq!(
            IdList::from(vec!["a".to_string(), "b".to_string()]),
            expected
        );
        assert_eq!(
            IdList::from(&vec!["a".to_string(), "b".to_string()]),
            expected
        );
        assert_eq!(ids.into_iter().collect::<IdList>(), expected);
        assert_eq!(IdList::from("a").into_vec(), vec!["a".to_string()]);
    }

    #[test]
    fn ids_are_checked_when_serialised() {
        let ok = serde_json::to_value(IdList::from(&["lead_a", "lead_b"])).unwrap();
        assert_eq!(ok, serde_json::json!(["lead_a", "lead_b"]));
        for bad in [
            "a,b", "", "..", "a/b", "a?b", "a#b", "a b", "a\\b", "a;b", "%2e%2e",
        ] {
            let e = serde_json::to_value(IdList::from(&["lead_a", bad])).unwrap_err();
            assert!(e.to_string().contains("the id"), "{bad:?}: {e}");
        }
    }
}
