//! Typed test values built from Close's documented examples: [`fixture`].

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::examples;

/// A value of `T` for a test, starting from Close's documented example of `T`'s schema (the
/// example of the operation that returns it, e.g. `opportunities_get`'s for
/// [`crate::types::Opportunity`]), with your overrides applied. Nothing is invented: a member
/// you do not set has the documented example's value.
///
/// ```
/// # #[cfg(feature = "opportunities")] {
/// use close_sdk::mock::fixture;
/// use close_sdk::types::Opportunity;
///
/// let opp: Opportunity = fixture::<Opportunity>()
///     .with("value", 5000)
///     .with("status_type", "won")
///     .edit(|o| o.note = Some("Signed.".into()))
///     .build();
/// assert_eq!(opp.value, Some(5000));
/// assert_eq!(opp.note.as_deref(), Some("Signed."));
/// assert!(opp.id.unwrap().starts_with("oppo_")); // from the documented example
/// # }
/// ```
///
/// The schema is found by `T`'s name (the generated types are named after their schemas; a list
/// page, [`crate::List<E>`], by `{E}List`, e.g. `UserList`); for a type named otherwise (such as
/// `RoleList`, a `List<RoleDefinition>`), [`Fixture::of_schema`] names the schema.
pub fn fixture<T: DeserializeOwned + Serialize>() -> Fixture<T> {
    Fixture::of_schema(&schema_name(std::any::type_name::<T>()))
}

/// The schema name a Rust type name stands for: its last path segment without generics, or
/// `{E}List` for close-sdk's `List<E>`.
fn schema_name(type_name: &str) -> String {
    let last = |s: &str| s.rsplit("::").next().unwrap_or(s).to_string();
    let (outer, inner) = match type_name.split_once('<') {
        Some((outer, rest)) => (outer, Some(rest.trim_end_matches('>'))),
        None => (type_name, None),
    };
    match inner {
        Some(item)
            if outer
                == std::any::type_name::<crate::List<()>>()
                    .split('<')
                    .next()
                    .unwrap_or_default() =>
        {
            format!("{}List", last(item))
        }
        _ => last(outer),
    }
}

/// One [`Fixture::edit`].
type Edit<T> = Box<dyn FnOnce(&mut T)>;

/// A [`fixture`] being built: overrides by JSON member ([`Fixture::with`]) or on the typed
/// value ([`Fixture::edit`]), then [`Fixture::build`].
pub struct Fixture<T> {
    schema: String,
    value: Result<Value, FixtureError>,
    edits: Vec<Edit<T>>,
    _type: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Fixture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fixture")
            .field("schema", &self.schema)
            .field("edits", &self.edits.len())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Serialize> Fixture<T> {
    /// Starts from the documented example of schema `schema` (e.g. `"Opportunity"`).
    pub fn of_schema(schema: &str) -> Self {
        let value = examples::schema(schema)
            .cloned()
            .ok_or_else(|| FixtureError(format!("Close documents no example of `{schema}`")));
        Fixture {
            schema: schema.to_string(),
            value,
            edits: Vec::new(),
            _type: PhantomData,
        }
    }

    /// Sets the top-level JSON member `key` (as Close names it, e.g. `"status_id"` or
    /// `"custom.cf_…"`) before decoding; `null` clears it.
    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        if let Ok(Value::Object(obj)) = &mut self.value {
            match serde_json::to_value(value) {
                Ok(v) => {
                    obj.insert(key.to_string(), v);
                }
                Err(e) => self.value = Err(FixtureError(format!("`{key}`: {e}"))),
            }
        }
        self
    }

    /// Changes the typed value after decoding.
    pub fn edit(mut self, f: impl FnOnce(&mut T) + 'static) -> Self {
        self.edits.push(Box::new(f));
        self
    }

    /// The value, or why it could not be built (no documented example, an override that does
    /// not decode as `T`).
    pub fn try_build(self) -> Result<T, FixtureError> {
        let value = self.value?;
        let mut typed: T = serde_json::from_value(value)
            .map_err(|e| FixtureError(format!("`{}` does not decode: {e}", self.schema)))?;
        for edit in self.edits {
            edit(&mut typed);
        }
        Ok(typed)
    }

    /// The value.
    ///
    /// # Panics
    ///
    /// When [`Fixture::try_build`] fails: a test helper's misuse, reported with its reason.
    #[track_caller]
    pub fn build(self) -> T {
        match self.try_build() {
            Ok(v) => v,
            Err(e) => panic!("close_sdk::mock::fixture: {e}"),
        }
    }

    /// The value as JSON, after the [`Fixture::with`] overrides and [`Fixture::edit`]s: a
    /// response body for a mock of your own.
    pub fn to_json(self) -> Result<Value, FixtureError> {
        let typed = self.try_build()?;
        serde_json::to_value(typed).map_err(|e| FixtureError(e.to_string()))
    }
}

/// Why a [`Fixture`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError(String);

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixtureError {}

#[cfg(test)]
mod tests {
    use super::schema_name;

    #[test]
    fn list_pages_are_found_by_their_item_type() {
        assert_eq!(schema_name("close_sdk::types::Lead"), "Lead");
        assert_eq!(
            schema_name(std::any::type_name::<crate::List<String>>()),
            "StringList"
        );
        assert_eq!(
            schema_name("alloc::vec::Vec<close_sdk::types::Lead>"),
            "Vec"
        );
    }
}
