//! `FormValues`: a form submission's `values` read through its form's field definitions.
#![cfg(feature = "activities")]

use std::collections::BTreeMap;

use super::{Form, FormFieldDefinition};
use crate::types::{FormSubmissionActivity, FormSubmissionActivityValues};
use crate::Error;

/// One member of a submission's `values`: its key, the form's definition of that key (if the
/// form has one) and the submitted value (`None` when Close sent `null`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormValue<'a> {
    /// The key as Close sent it (a form field id, `formfld_…`).
    pub id: &'a str,
    /// The form's definition of the field; `None` for a key the form does not define (a field
    /// removed since, or a form other than this one): the value is kept, not dropped.
    pub field: Option<&'a FormFieldDefinition>,
    /// What the submitter sent: a string or a boolean (Close's document), `None` for `null`.
    pub value: Option<&'a FormSubmissionActivityValues>,
}

impl<'a> FormValue<'a> {
    /// The field's name, when the form defines the key and names it.
    pub fn name(&self) -> Option<&'a str> {
        self.field.and_then(|f| f.name.as_deref())
    }
}

/// A form submission's `values` (keys `formfld_…`), readable by field name through its
/// form's field definitions. Made by [`Form::field_values`].
///
/// ```
/// use close_sdk::forms::Form;
/// use close_sdk::types::{FormSubmissionActivity, FormSubmissionActivityValues};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let form: Form = serde_json::from_value(serde_json::json!({
///     "id": "form_1",
///     "field_definitions": [{"id": "formfld_1", "name": "Company size", "type": "text", "choices": null}]
/// }))?;
/// let submission: FormSubmissionActivity = serde_json::from_value(serde_json::json!({
///     "_type": "FormSubmission", "form_id": "form_1",
///     "values": {"formfld_1": "11-50", "formfld_gone": true}
/// }))?;
/// let values = form.field_values(&submission)?;
/// assert_eq!(
///     values.get("company size")?,
///     Some(&FormSubmissionActivityValues::String("11-50".into()))
/// );
/// // A key the form does not define is kept.
/// assert_eq!(values.unknown().map(|v| v.id).collect::<Vec<_>>(), ["formfld_gone"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FormValues<'a> {
    form: &'a Form,
    values: Option<&'a BTreeMap<String, Option<FormSubmissionActivityValues>>>,
}

impl Form {
    /// The `values` of `submission` (a Form Submission activity of this form), readable by
    /// this form's field names.
    ///
    /// [`Error::InvalidRequest`] when the submission names another form (`form_id`): this
    /// form's definitions would not name its keys. A submission without `values` (e.g. read
    /// with `_fields`) reads as empty.
    pub fn field_values<'a>(
        &'a self,
        submission: &'a FormSubmissionActivity,
    ) -> Result<FormValues<'a>, Error> {
        if let (Some(theirs), Some(ours)) = (submission.form_id.as_deref(), self.id()) {
            if theirs != ours {
                return Err(Error::InvalidRequest(format!(
                    "the form submission{} is of form {theirs}, not of form {ours}",
                    submission
                        .id
                        .as_deref()
                        .map(|id| format!(" {id}"))
                        .unwrap_or_default()
                )));
            }
        }
        Ok(FormValues {
            form: self,
            values: submission.values.as_ref(),
        })
    }
}

impl<'a> FormValues<'a> {
    /// The value submitted for the field called `name` (as [`Form::field`] finds it: trimmed,
    /// case-insensitive, or its `formfld_…` id).
    ///
    /// `Ok(None)` when the form has no such field, or the submission has no value (or `null`)
    /// for it ([`Form::field`] tells the two apart); [`Error::Ambiguous`] when several fields
    /// answer to `name`; a blank `name` is [`Error::InvalidRequest`].
    pub fn get(&self, name: &str) -> Result<Option<&'a FormSubmissionActivityValues>, Error> {
        let Some(field) = self.form.field(name)? else {
            return Ok(None);
        };
        Ok(field.id().and_then(|id| self.by_id(id)))
    }

    /// The value submitted under the key `id` (`formfld_…`), whether or not the form defines
    /// it.
    pub fn by_id(&self, id: &str) -> Option<&'a FormSubmissionActivityValues> {
        self.values?.get(id)?.as_ref()
    }

    /// Every member of the submission's `values`, in key order, each with the form's
    /// definition of it if any.
    pub fn iter(&self) -> impl Iterator<Item = FormValue<'a>> + '_ {
        let defs = self.form.field_definitions();
        self.values
            .into_iter()
            .flatten()
            .map(move |(id, value)| FormValue {
                id,
                field: defs.iter().find(|d| d.id() == Some(id.as_str())),
                value: value.as_ref(),
            })
    }

    /// The members whose key the form does not define (kept, not dropped).
    pub fn unknown(&self) -> impl Iterator<Item = FormValue<'a>> + '_ {
        self.iter().filter(|v| v.field.is_none())
    }

    /// The form whose definitions name the values.
    pub fn form(&self) -> &'a Form {
        self.form
    }
}
