//! `Patch`: one member of an update body, left unchanged, cleared or set.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One member of an update (PUT) body: leave it as it is, clear it, or set it.
///
/// The generated update bodies (`UpdateLead`, `UpdateContact`, …) hold every optional member as
/// a `Patch`: [`Patch::Unchanged`] (the default) leaves the key out, [`Patch::Clear`] sends
/// `null`, [`Patch::Set`] sends the value. Decoding an update body reads an absent key as
/// `Unchanged`, `null` as `Clear` and a value as `Set`. Close's resource pages do not say that a
/// list is cleared with `[]` rather than `null`, so `Clear` sends `null` for lists too;
/// `Patch::Set(Vec::new())` sends `[]`. The generated builders' setters take anything that
/// converts to a `Patch`: a value is `Set` (an empty list too, which sends `[]`), an `Option` is
/// `Set` or `Unchanged`, and `Patch::Clear` clears (`.description(Patch::Clear)`).
///
/// ```
/// use close_sdk::Patch;
/// let name: Patch<String> = "Acme".to_string().into();
/// assert_eq!(name, Patch::Set("Acme".to_string()));
/// let left: Patch<String> = None.into();
/// assert_eq!(left, Patch::Unchanged);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Leave the member as it is (the key is not sent).
    #[default]
    Unchanged,
    /// Clear the member (sends `null`).
    Clear,
    /// Set the member to this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the key is left out.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Self::Unchanged)
    }

    /// The value to set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The value to set, dereferenced (`Patch<String>` → `Option<&str>`), for checks.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_set().map(|v| &**v)
    }

    /// Whether the member is cleared.
    pub fn is_clear(&self) -> bool {
        matches!(self, Self::Clear)
    }

    /// The value to set, if any (`Clear` and `Unchanged` are both `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Set(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    /// `Set(value)`.
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

/// Text sets a text member: `name: "Acme".into()`.
impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Patch::Set(value.to_owned())
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some` is `Set`, `None` is `Unchanged` (so the generated builders' setters still work).
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Self::Set(v),
            None => Self::Unchanged,
        }
    }
}

impl<T, const N: usize> From<[T; N]> for Patch<Vec<T>> {
    /// `Set` of the array's items (so a list setter still takes an array, as it did when it
    /// took `Into<Vec<T>>`).
    fn from(value: [T; N]) -> Self {
        Self::Set(value.into())
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    /// `Set` as its value, otherwise `null` (inside an update body, `Unchanged` writes no key).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set(v) => v.serialize(serializer),
            _ => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// `null` is `Clear`, a value is `Set` (an absent key is `Unchanged`, the default).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Self::Set(v),
            None => Self::Clear,
        })
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Patch<T> {
    fn schema_name() -> String {
        format!("Nullable_{}", T::schema_name())
    }

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <Option<T>>::json_schema(gen)
    }

    fn is_referenceable() -> bool {
        false
    }
}
