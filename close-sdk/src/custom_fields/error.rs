//! `CustomFieldError`: why a custom field id, name, value or change was refused.

use std::fmt;

/// The longest value quoted in an error message; longer ones are cut with `…`.
const MAX_QUOTED: usize = 80;

/// Why a custom field id, name, value or change was refused; nothing was sent.
///
/// `Display` names the field, quotes the value (cut to 80 characters) and says why. Converts
/// into [`crate::Error::InvalidRequest`] with `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomFieldError {
    /// Not a custom field id (`cf_` and ASCII letters and digits).
    InvalidId {
        /// The text given as an id.
        id: String,
    },
    /// No custom field of the catalog's object type has this name or id.
    UnknownField {
        /// The name or id asked for.
        name: String,
    },
    /// Several custom fields answer to this name (compared case-insensitively) or id.
    AmbiguousField {
        /// The name or id asked for.
        name: String,
        /// The ids of the fields it matches (may repeat: Close's own example lists two fields
        /// with one id).
        ids: Vec<String>,
    },
    /// The value does not fit the field's type, choices or multiplicity.
    InvalidValue {
        /// The field's name (or id when the name is unknown).
        field: String,
        /// The value, as text.
        value: String,
        /// Why it does not fit.
        reason: String,
    },
    /// Two changes to one field in one request contradict each other (e.g. set and clear).
    Conflict {
        /// The field's id.
        field: String,
        /// What contradicts what.
        reason: String,
    },
}

impl CustomFieldError {
    /// An [`InvalidValue`](Self::InvalidValue) error.
    #[inline]
    pub(crate) fn invalid(field: &str, value: &str, reason: impl Into<String>) -> Self {
        CustomFieldError::InvalidValue {
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// `value` quoted, cut to [`MAX_QUOTED`] characters.
#[inline]
fn quote(value: &str) -> String {
    if value.chars().count() <= MAX_QUOTED {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(MAX_QUOTED).collect();
        format!("{cut:?}…")
    }
}

impl fmt::Display for CustomFieldError {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomFieldError::InvalidId { id } => write!(
                f,
                "{} is not a custom field id (`cf_` followed by letters and digits)",
                quote(id)
            ),
            CustomFieldError::UnknownField { name } => {
                write!(f, "custom field {}: no such field", quote(name))
            }
            CustomFieldError::AmbiguousField { name, ids } => write!(
                f,
                "custom field {}: ambiguous, matches {} fields ({}); use the id",
                quote(name),
                ids.len(),
                ids.join(", ")
            ),
            CustomFieldError::InvalidValue {
                field,
                value,
                reason,
            } => write!(
                f,
                "custom field {}: value {}: {reason}",
                quote(field),
                quote(value)
            ),
            CustomFieldError::Conflict { field, reason } => {
                write!(f, "custom field {}: {reason}", quote(field))
            }
        }
    }
}

impl std::error::Error for CustomFieldError {}

impl From<CustomFieldError> for crate::Error {
    #[inline]
    fn from(e: CustomFieldError) -> Self {
        crate::Error::InvalidRequest(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_value_and_reason() {
        let e = CustomFieldError::invalid("# of users", "ten", "not a number");
        assert_eq!(
            e.to_string(),
            r##"custom field "# of users": value "ten": not a number"##
        );
        let long = "x".repeat(500);
        let e = CustomFieldError::invalid("Notes", &long, "too long");
        assert!(e.to_string().len() < 200, "{e}");
        let err: crate::Error = e.into();
        assert!(matches!(err, crate::Error::InvalidRequest(_)));
    }
}
