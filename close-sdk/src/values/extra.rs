//! `Extra`: the catch-all every generated type has.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde_json::{Map, Value};

/// What a generated type holds beyond its typed members: the keys it does not name (a
/// `serde_json::Map`, which `Extra` derefs to), and which of its named keys Close sent as
/// `null` ([`Extra::nulls`]). Both are written back when the value is encoded, so decoding and
/// encoding loses nothing.
///
/// When sending, a key of the map that names a typed member is refused
/// ([`crate::Error::InvalidRequest`], before anything is sent): the only way to send a value for
/// a typed key is its field. Outside update bodies, a `null` for a member that is not set and
/// may be null is let through (that is how a remembered `null` is written back). An update body
/// (`UpdateLead`, …) refuses every such key, `null` included: to clear a member, set its
/// [`crate::Patch`] field to `Patch::Clear` (the builders' setters take it too:
/// `.description(Patch::Clear)`).
///
/// [`Extra::remove`], [`Extra::clear`] and [`Extra::is_empty`] see the remembered `null`s too:
/// removing a key, or clearing, forgets its `null`, so it is not written back.
///
/// Limitation: a value in the map is a `serde_json::Value` as serde_json builds it without its
/// `arbitrary_precision` feature (which this SDK does not enable: it would change `Number` for
/// every crate that shares serde_json). An integer beyond the `u64`/`i64` range under an unknown
/// key is therefore kept as an `f64` and written back rounded (`1.2345678901234568e29`). Floats
/// are parsed exactly (`float_roundtrip`), so they are written back as they came.
///
/// ```
/// let lead: close_sdk::types::Lead =
///     serde_json::from_str(r#"{"id":"lead_1","url":null,"custom.cf_1":"x"}"#).unwrap();
/// assert_eq!(lead.url, None);
/// assert_eq!(lead.extra.nulls().collect::<Vec<_>>(), ["url"]);
/// assert_eq!(lead.extra["custom.cf_1"], "x");
/// assert_eq!(
///     serde_json::to_string(&lead).unwrap(),
///     r#"{"id":"lead_1","url":null,"custom.cf_1":"x"}"#
/// );
/// ```
#[derive(Clone, Default)]
pub struct Extra {
    map: Map<String, Value>,
    /// Bit `i`: the `i`-th of `names` arrived as `null`.
    nulls: u64,
    /// The named keys of the type that decoded this (set with the first `null`).
    names: Option<&'static Names>,
}

/// The named keys of a generated type, in declaration order (a remembered `null` is an index).
#[doc(hidden)]
#[derive(Debug)]
pub struct Names(pub &'static [&'static str]);

impl Extra {
    /// The named keys Close sent as `null` (their fields are `None`), in declaration order.
    pub fn nulls(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.names
            .map_or(&[][..], |n| n.0)
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && self.nulls & (1 << i) != 0)
            .map(|(_, n)| *n)
    }

    /// Whether Close sent the named key `key` as `null`.
    pub fn sent_null(&self, key: &str) -> bool {
        self.nulls().any(|n| n == key)
    }

    /// Removes the key `key`: from the map, and a remembered `null` for it (so it is no longer
    /// written back). Returns the map's value; a remembered `null` alone returns `None`.
    /// (`Extra` derefs to its map; this shadows the map's `remove` so that a remembered `null`
    /// can be forgotten.)
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        if let Some(i) = self.names.and_then(|n| n.0.iter().position(|k| *k == key)) {
            self.forget_null_at(i);
        }
        self.map.remove(key)
    }

    /// Empties the map and forgets every remembered `null`: an empty `Extra` writes nothing.
    pub fn clear(&mut self) {
        self.map.clear();
        self.nulls = 0;
    }

    /// Whether there is nothing to write back: no key in the map and no remembered `null`.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.nulls == 0
    }

    /// The keys the type does not name.
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// Remembers that the `index`-th of `names` arrived as `null` (one bit; a type with more
    /// than 64 named keys keeps the rest in the map).
    #[inline(always)]
    #[cfg_attr(not(feature = "full"), allow(dead_code))] // called by generated code only
    pub(crate) fn remember_null(&mut self, index: usize, key: &'static str, names: &'static Names) {
        if index < 64 {
            self.names = Some(names);
            self.nulls |= 1 << index;
        } else {
            self.map.insert(key.to_owned(), Value::Null);
        }
    }

    /// Forgets a remembered `null` for the `index`-th named key (a value arrived after it).
    #[inline(always)]
    pub(crate) fn forget_null_at(&mut self, index: usize) {
        if index < 64 {
            self.nulls &= !(1 << index);
        }
    }

    /// Whether the `index`-th of `names` arrived as `null` (and is not also a key of the map).
    #[inline(always)]
    #[cfg_attr(not(feature = "full"), allow(dead_code))] // called by generated code only
    pub(crate) fn null_at(&self, index: usize, key: &str, names: &'static Names) -> bool {
        index < 64
            && self.nulls & (1 << index) != 0
            && self.names.is_some_and(|n| std::ptr::eq(n, names))
            && !self.map.contains_key(key)
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        &self.map
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.map
    }
}

impl From<Map<String, Value>> for Extra {
    /// Unnamed keys, no remembered `null`s.
    fn from(map: Map<String, Value>) -> Self {
        Extra {
            map,
            ..Extra::default()
        }
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other && self.nulls().eq(other.nulls())
    }
}

impl fmt::Debug for Extra {
    /// The map with the values of secret members ([`crate::SECRET_MEMBERS`], at any depth)
    /// redacted: `Debug` of a typed answer is what a log line shows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = Value::Object((**self).clone());
        crate::redact::json(&mut shown);
        let Value::Object(shown) = shown else {
            return f.write_str("{}");
        };
        if self.nulls().next().is_none() {
            return shown.fmt(f);
        }
        f.debug_struct("Extra")
            .field("map", &shown)
            .field("nulls", &self.nulls().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Extra {
    fn schema_name() -> String {
        <Map<String, Value>>::schema_name()
    }

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <Map<String, Value>>::json_schema(gen)
    }

    fn is_referenceable() -> bool {
        false
    }
}
