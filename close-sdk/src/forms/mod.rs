//! Forms (feature `forms`): the generated Forms types and builders, and reading a form
//! submission's values by field name.
//!
//! Close's Forms page (<https://developer.close.com/api/resources/forms.md>): "Each field
//! definition (`formfld_xxx`) describes one field on the form — its name, its type, and, for
//! select fields, the available choices. Those same `formfld_xxx` IDs appear as keys in the
//! `values` map on each Form Submission activity, so listing forms is how you turn those raw
//! submission payloads into something human-readable." The Form Submission page
//! (<https://developer.close.com/api/resources/activities/form-submissions.md>): "`values`
//! (object): The submitted form data as key-value pairs. Keys are form field IDs (e.g.
//! `formfld_xxx`), values are the data submitted by the user." All forms endpoints are
//! read-only.
//!
//! [`Form::field`] finds a field definition by name (or id); with feature `activities` too,
//! [`Form::field_values`] reads a [`FormSubmissionActivity`](crate::types::FormSubmissionActivity)'s
//! `values` through the form's definitions ([`FormValues`]).
//!
//! **Names** are compared as custom field names are (`custom_fields::CustomFieldCatalog`): trimmed,
//! case-insensitively (Unicode lowercase); two fields whose names are equal that way make the
//! name [ambiguous](crate::Error::Ambiguous), even if one matches exactly: use the id. An id
//! (`formfld_…`) is accepted wherever a name is.
//!
//! ```
//! use close_sdk::forms::Form;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The form of Close's "Retrieve a Form" example.
//! let form: Form = serde_json::from_value(serde_json::json!({
//!     "id": "form_abc123", "name": "Contact Us",
//!     "field_definitions": [
//!         {"id": "formfld_def456", "name": "name", "type": "text", "choices": null},
//!         {"id": "formfld_defabc", "name": "interest", "type": "select",
//!          "choices": [{"label": "Sales", "value": "sales"}, {"label": "Support", "value": "support"}]}
//!     ]
//! }))?;
//! let interest = form.field("Interest")?.expect("the form has it");
//! assert_eq!(interest.id(), Some("formfld_defabc"));
//! assert!(form.field("company")?.is_none());
//! # Ok(()) }
//! ```

mod values;

// The generated resource module's types and builders, which this module replaces at
// `close_sdk::forms` (as `close_sdk::custom_fields` does for its resource).
pub use crate::generated::by_resource::forms::*;
#[cfg(feature = "activities")]
pub use values::{FormValue, FormValues};

use crate::Error;

/// What ambiguous lookups name in [`Error::Ambiguous`].
const WHAT: &str = "form fields";

impl Form {
    /// The field definition called `name` (trimmed, case-insensitive) or with that id
    /// (`formfld_…`).
    ///
    /// `Ok(None)` when the form has no such field; [`Error::Ambiguous`] (with the fields' ids)
    /// when several fields answer to it; a blank `name` is [`Error::InvalidRequest`].
    pub fn field(&self, name: &str) -> Result<Option<&FormFieldDefinition>, Error> {
        let wanted = name.trim();
        if wanted.is_empty() {
            return Err(Error::InvalidRequest(
                "a form field name must not be blank".into(),
            ));
        }
        let defs = self.field_definitions();
        let by_id: Vec<&FormFieldDefinition> =
            defs.iter().filter(|d| d.id() == Some(wanted)).collect();
        let found = if by_id.is_empty() {
            let folded = wanted.to_lowercase();
            defs.iter()
                .filter(|d| {
                    d.name
                        .as_deref()
                        .is_some_and(|n| n.trim().to_lowercase() == folded)
                })
                .collect()
        } else {
            by_id
        };
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => Err(Error::Ambiguous {
                what: WHAT,
                name: wanted.to_owned(),
                count: many.len(),
                ids: many
                    .iter()
                    .filter_map(|d| d.id().map(str::to_owned))
                    .collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        serde_json::from_value(serde_json::json!({
            "id": "form_1",
            "field_definitions": [
                {"id": "formfld_a", "name": "Company size", "type": "text", "choices": null},
                {"id": "formfld_b", "name": "Email", "type": "email", "choices": null},
                {"id": "formfld_c", "name": "email ", "type": "text", "choices": null}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn fields_are_found_by_trimmed_case_insensitive_name_or_id() {
        let f = form();
        assert_eq!(
            f.field(" company SIZE ").unwrap().and_then(|d| d.id()),
            Some("formfld_a")
        );
        assert_eq!(
            f.field("formfld_c").unwrap().and_then(|d| d.id()),
            Some("formfld_c")
        );
        assert!(f.field("Phone").unwrap().is_none());
        assert!(matches!(f.field("  "), Err(Error::InvalidRequest(_))));
        match f.field("EMAIL") {
            Err(Error::Ambiguous {
                what, count, ids, ..
            }) => {
                assert_eq!((what, count), (WHAT, 2));
                assert_eq!(ids, ["formfld_b", "formfld_c"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
