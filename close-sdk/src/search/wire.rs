//! How the search types meet JSON: the exact-round-trip rule for typed kinds, explicit `null`s
//! kept apart from absent members, and Close's small string vocabularies with a fallback.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// `value` as `T` if, and only if, `T` gives back exactly `value` when serialised again
/// (compared as JSON values, so member order does not matter). Anything `T` would drop, add or
/// change (an unknown member, a number written differently, a shape it does not know) makes
/// this `None`, and the caller keeps the JSON as it came. So reading and writing a query never
/// changes it, whatever Close adds to the language.
pub(crate) fn exactly<T: DeserializeOwned + Serialize>(value: &Value) -> Option<T> {
    let typed: T = serde_json::from_value(value.clone()).ok()?;
    let again = serde_json::to_value(&typed).ok()?;
    (again == *value).then_some(typed)
}

/// For `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>` member: an
/// absent member stays `None` (through `default`), a `null` one becomes `Some(None)`, so an
/// explicit `null` is written back as `null`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A text `"type"` member, which every query, condition, field and moment has.
pub(crate) fn type_of(value: &Value) -> Option<&str> {
    value.as_object()?.get("type")?.as_str()
}

/// Close's small vocabularies (text modes, sort directions, …): the values the SDK knows as
/// variants, anything else kept as `Other` so that reading a query Close wrote never fails on a
/// word the SDK has not learnt.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the SDK does not know, sent and kept as it is.
            Other(String),
        }

        impl $name {
            /// The word Close uses.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )*
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::from(s.as_str()))
            }
        }
    };
}
pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize, Deserialize)]
    struct Pair {
        a: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        b: Option<u8>,
    }

    #[test]
    fn only_exact_round_trips_are_typed() {
        assert!(exactly::<Pair>(&json!({"a": 1})).is_some());
        assert!(exactly::<Pair>(&json!({"a": 1, "b": 2})).is_some());
        // Dropped member, explicit null, other number spelling, other shape.
        assert!(exactly::<Pair>(&json!({"a": 1, "c": 3})).is_none());
        assert!(exactly::<Pair>(&json!({"a": 1, "b": null})).is_none());
        assert!(exactly::<Pair>(&json!({"a": 1.0})).is_none());
        assert!(exactly::<Pair>(&json!([1])).is_none());
    }

    #[test]
    fn present_tells_null_from_absent() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "present")]
            x: Option<Option<u8>>,
        }
        let absent: Holder = serde_json::from_value(json!({})).unwrap();
        let null: Holder = serde_json::from_value(json!({"x": null})).unwrap();
        let set: Holder = serde_json::from_value(json!({"x": 4})).unwrap();
        assert_eq!((absent.x, null.x, set.x), (None, Some(None), Some(Some(4))));
    }
}
