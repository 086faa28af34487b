//! [`List`]: Close's list envelope, `{"data": [...], "has_more": bool}`, one generic type for
//! every list answer of that shape (`ContactList`, `UserList`, … are aliases of it).

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::values::extra::{Extra, Names};

/// One page of a list Close answers with `{"data": [...], "has_more": bool}`: `ContactList`
/// is `List<Contact>`, `UserList` is `List<User>`, and so on for every list of that shape.
///
/// As every generated type it decodes whatever Close sends: an absent or `null` member is
/// `None` (a `null` is written back as it came), and keys it does not name are kept in
/// [`extra`](List::extra). To read every page, call `.paginate()` on the list request instead.
///
/// ```
/// # #[cfg(feature = "users")] {
/// let page: close_sdk::types::UserList =
///     serde_json::from_str(r#"{"data": [{"id": "user_1"}], "has_more": false, "cursor": null}"#)?;
/// assert_eq!(page.len(), 1);
/// for user in &page {
///     println!("{:?}", user.id);
/// }
/// assert_eq!(page.has_more, Some(false));
/// assert!(page.extra.contains_key("cursor"));
/// # }
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct List<T> {
    /// The page's items.
    pub data: Option<Vec<T>>,
    /// Whether Close has more items after this page.
    pub has_more: Option<bool>,
    /// Keys this type does not name (a map), and which named keys Close sent as `null`; both are
    /// written back as they came (see [`Extra`]).
    pub extra: Extra,
}

impl<T> List<T> {
    /// `data`, or an empty slice when Close did not send it.
    pub fn data(&self) -> &[T] {
        self.data.as_deref().unwrap_or_default()
    }

    /// The page's items, moved out (empty when Close sent no `data`).
    pub fn into_data(self) -> Vec<T> {
        self.data.unwrap_or_default()
    }

    /// The page's items, in order (`for item in &page` does the same).
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data().iter()
    }

    /// How many items the page holds.
    pub fn len(&self) -> usize {
        self.data().len()
    }

    /// Whether the page holds no item.
    pub fn is_empty(&self) -> bool {
        self.data().is_empty()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_data().into_iter()
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            data: None,
            has_more: None,
            extra: Extra::default(),
        }
    }
}

/// The typed keys of [`List`], in declaration order (remembered `null`s are indices).
static LIST_WIRE_KEYS: Names = Names(&["data", "has_more"]);

/// The name the list's errors use for it: `List<User>`.
fn name<T>() -> String {
    crate::error::short_type_name(std::any::type_name::<List<T>>())
}

/// What the generator says of the item type of each list alias (`RoleDefinition` for
/// `RoleList = List<RoleDefinition>`): the alias's name and documentation, which the JSON Schema
/// of `List<T>` takes (the schema's name is Close's, not derived from the item type's).
#[doc(hidden)]
pub trait ListItem {
    /// The alias's name (`"RoleList"`).
    const LIST: &'static str;
    /// The alias's documentation (the schema's description).
    const DOC: &'static str;
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        for (k, v) in self.extra.iter() {
            let clash = match k.as_str() {
                "data" => !(v.is_null() && self.data.is_none()),
                "has_more" => !(v.is_null() && self.has_more.is_none()),
                _ => false,
            };
            if clash {
                return Err(crate::wire::clash::<S::Error>(&name::<T>(), k));
            }
        }
        let mut map = serializer.serialize_map(None)?;
        if let Some(v) = &self.data {
            map.serialize_entry("data", v)?;
        } else if self.extra.null_at(0, "data", &LIST_WIRE_KEYS) {
            map.serialize_entry("data", &())?;
        }
        if let Some(v) = &self.has_more {
            map.serialize_entry("has_more", v)?;
        } else if self.extra.null_at(1, "has_more", &LIST_WIRE_KEYS) {
            map.serialize_entry("has_more", &())?;
        }
        for (k, v) in self.extra.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Visit<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list object (`{\"data\": [...], \"has_more\": ...}`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
                let mut extra = Extra::default();
                let mut data: Option<Vec<T>> = None;
                let mut has_more: Option<bool> = None;
                while let Some(key) = map.next_key::<crate::wire::Key<'de>>()? {
                    match key.as_str() {
                        "data" => crate::wire::field(
                            &mut map,
                            &mut data,
                            &mut extra,
                            &LIST_WIRE_KEYS,
                            0,
                            true,
                        )?,
                        "has_more" => crate::wire::field(
                            &mut map,
                            &mut has_more,
                            &mut extra,
                            &LIST_WIRE_KEYS,
                            1,
                            true,
                        )?,
                        _ => crate::wire::other(&mut map, key, &mut extra)?,
                    }
                }
                Ok(List {
                    data,
                    has_more,
                    extra,
                })
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The schema of a list alias (`RoleList`): the one its members describe, with the alias's name
/// and description ([`ListItem`]).
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema + ListItem> schemars::JsonSchema for List<T> {
    fn schema_name() -> String {
        T::LIST.to_string()
    }

    fn json_schema(generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        // What `List<T>` reads and writes (no doc comment: schemars would make it the schema's
        // description, which is the alias's).
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Members<T> {
            /// The page's items.
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<Vec<T>>,
            /// Whether Close has more items after this page.
            #[serde(skip_serializing_if = "Option::is_none")]
            has_more: Option<bool>,
            #[serde(flatten)]
            extra: Extra,
        }
        let mut schema = Members::<T>::json_schema(generator).into_object();
        let doc = T::DOC.trim();
        schema.metadata().description = (!doc.is_empty()).then(|| doc.to_string());
        schema.into()
    }
}
