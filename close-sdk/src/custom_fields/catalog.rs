//! `CustomFieldCatalog`: one object type's custom field definitions, loaded once, resolving
//! names to ids and checking values against each field's type before anything is sent.

use crate::api::call::{finish, path_id};
use crate::transport::path_safety::check_value;
use crate::types::{CustomField, CustomFieldSchemaFieldsItem};
use crate::{Client, Date, Error, Timestamp};

use super::{
    CustomFieldError, CustomFieldId, CustomFieldMap, CustomFieldValue, MULTI_VALUE_SEPARATOR,
};

/// The most pages [`CustomFieldCatalog::load`] requests (10,000 fields at 100 a page); a list
/// longer than that ends the load with [`Error::InvalidRequest`].
pub const MAX_PAGES: u32 = 100;

/// Which object type's custom fields to load.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomFieldObject {
    /// Lead custom fields (`GET /custom_field/lead/`).
    Lead,
    /// Contact custom fields (`GET /custom_field/contact/`).
    Contact,
    /// Opportunity custom fields (`GET /custom_field/opportunity/`).
    Opportunity,
    /// The fields of one custom activity type (`GET /custom_field/activity/`, keeping the
    /// fields whose `custom_activity_type_id` is this id).
    CustomActivity(String),
}

/// One custom field as the catalog knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFieldDefinition {
    /// The field's id.
    pub id: CustomFieldId,
    /// Its name as Close shows it (empty if Close sent none).
    pub name: String,
    /// Its type as Close names it: `text`, `number`, `date`, `datetime`, `choices`, `user`,
    /// `contact`, `hidden`, … (kept as text: a type the SDK does not know is not checked).
    pub field_type: String,
    /// Whether it holds several values (`accepts_multiple_values`).
    pub accepts_multiple_values: bool,
    /// The allowed values of a `choices` field.
    pub choices: Vec<String>,
}

impl CustomFieldDefinition {
    /// Reads a generated definition; `None` when its id is not a custom field id.
    #[inline]
    fn from_generated(field: CustomField) -> Option<Self> {
        Some(CustomFieldDefinition {
            id: field.id?.parse().ok()?,
            name: field.name.unwrap_or_default(),
            field_type: field.type_.unwrap_or_default(),
            accepts_multiple_values: field.accepts_multiple_values.unwrap_or(false),
            choices: field.choices.unwrap_or_default(),
        })
    }

    /// The name for messages: the field's name, or its id if it has none.
    #[inline]
    fn label(&self) -> &str {
        if self.name.is_empty() {
            self.id.as_str()
        } else {
            &self.name
        }
    }
}

/// The custom field definitions of one object type, for resolving names and checking values.
///
/// **Names** are compared after trimming, case-insensitively (Unicode lowercase): "industry"
/// finds "Industry". When two fields' names are equal that way (Close allows "Industry" and
/// "industry" side by side), the name is [ambiguous](CustomFieldError::AmbiguousField) even if
/// one matches exactly: use the id. Wherever a name is taken, an id (`cf_…`) is accepted too;
/// an id matches only that field (two definitions with one id, as in Close's own list example,
/// make it ambiguous).
///
/// **Values** are checked against the field's type, the rules of Close's "Custom Fields" page
/// (<https://developer.close.com/api/resources/custom-fields.md>): a `number` takes a finite
/// number that can be sent exactly, a `date` `YYYY-MM-DD`, a `datetime` a timestamp with an
/// offset, a `choices` field one of its
/// `choices`, `user` and `contact` fields an id (checked with the path-safety rule: no
/// whitespace, separators or dot segments), `text` and `hidden` fields text, and several values
/// only where the field `accepts_multiple_values`. A field of a type the SDK does not know
/// takes any value.
///
/// ```no_run
/// use close_sdk::custom_fields::{CustomFieldCatalog, CustomFieldChanges, CustomFieldObject};
///
/// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
/// let catalog = CustomFieldCatalog::load(&client, CustomFieldObject::Lead).await?;
/// let mut changes = CustomFieldChanges::new();
/// let (id, value) = catalog.parse("Industry", "Cars; IT")?;
/// changes.set(id, value)?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFieldCatalog {
    fields: Vec<CustomFieldDefinition>,
}

impl CustomFieldCatalog {
    /// Loads the custom fields of `object` with the generated list operation, every page
    /// (at most [`MAX_PAGES`]), 100 a page.
    #[inline]
    pub async fn load(client: &Client, object: CustomFieldObject) -> Result<Self, Error> {
        let fields = client.custom_fields();
        let list = match object {
            CustomFieldObject::Lead => fields.lead().list().paginate(),
            CustomFieldObject::Contact => fields.contact().list().paginate(),
            CustomFieldObject::Opportunity => fields.opportunity().list().paginate(),
            CustomFieldObject::CustomActivity(_) => fields.activity().list().paginate(),
        };
        let mut fields = list
            .at_most_pages(
                MAX_PAGES,
                format!("more than {MAX_PAGES} pages of custom fields; not loading further"),
            )
            .collect_all()
            .await?;
        if let CustomFieldObject::CustomActivity(type_id) = &object {
            fields.retain(|f| f.custom_activity_type_id.as_deref() == Some(type_id.as_str()));
        }
        Ok(Self::from_fields(fields))
    }

    /// Loads the schema of `object_type` (`GET /custom_field_schema/{object_type}/`, one
    /// request): regular **and shared** custom fields, which Close recommends this endpoint for
    /// ("Custom Fields", <https://developer.close.com/api/resources/custom-fields.md>).
    /// `object_type` is Close's name, e.g. `lead`, `contact` or `opportunity` (the values in
    /// Close's example); it is checked like any path id.
    #[inline]
    pub async fn load_schema(client: &Client, object_type: &str) -> Result<Self, Error> {
        let object_type = path_id("custom_field_schemas_get", "object_type", object_type)?;
        let get = client.custom_field_schemas_get().object_type(object_type);
        let schema = finish(get.send().await).await?;
        let fields = crate::api::call::needed(schema.fields, "fields")?
            .into_iter()
            .filter_map(from_schema_item);
        Ok(CustomFieldCatalog {
            fields: fields.collect(),
        })
    }

    /// A catalog of the given definitions (e.g. from `GET /custom_field_schema/{object_type}/`
    /// or your own cache). Definitions whose id is not a custom field id are left out.
    #[inline]
    pub fn from_fields(fields: impl IntoIterator<Item = CustomField>) -> Self {
        CustomFieldCatalog {
            fields: fields
                .into_iter()
                .filter_map(CustomFieldDefinition::from_generated)
                .collect(),
        }
    }

    /// Every definition, in Close's order.
    #[inline]
    pub fn fields(&self) -> &[CustomFieldDefinition] {
        &self.fields
    }

    /// The one field named (or with the id) `name_or_id`; see the type's docs for the rules.
    #[inline]
    pub fn definition(&self, name_or_id: &str) -> Result<&CustomFieldDefinition, CustomFieldError> {
        let by_id: Vec<&CustomFieldDefinition> = match name_or_id.parse::<CustomFieldId>() {
            Ok(id) => self.fields.iter().filter(|f| f.id == id).collect(),
            Err(_) => Vec::new(),
        };
        let matches = if by_id.is_empty() {
            let wanted = name_or_id.trim().to_lowercase();
            self.fields
                .iter()
                .filter(|f| !wanted.is_empty() && f.name.trim().to_lowercase() == wanted)
                .collect()
        } else {
            by_id
        };
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(CustomFieldError::UnknownField {
                name: name_or_id.to_string(),
            }),
            many => Err(CustomFieldError::AmbiguousField {
                name: name_or_id.to_string(),
                ids: many.iter().map(|f| f.id.to_string()).collect(),
            }),
        }
    }

    /// The id of the field named `name` (or with that id).
    #[inline]
    pub fn id_for(&self, name: &str) -> Result<CustomFieldId, CustomFieldError> {
        Ok(self.definition(name)?.id.clone())
    }

    /// The value of the field `name_or_id` in `map` (an object's
    /// [`custom_fields`](super::CustomFields::custom_fields)), read by the field's type
    /// ([`typed`](Self::typed)); `Ok(None)` when the object has no value for it.
    #[inline]
    pub fn value_in(
        &self,
        map: &CustomFieldMap,
        name_or_id: &str,
    ) -> Result<Option<CustomFieldValue>, CustomFieldError> {
        let def = self.definition(name_or_id)?;
        Ok(map.get(&def.id).map(|v| typed(def, v)))
    }

    /// `value` read by field `id`'s declared type: a date string as [`CustomFieldValue::Date`],
    /// a choice as [`CustomFieldValue::Choice`], … A value that does not fit (or a field the
    /// catalog does not know) is returned as it is.
    #[inline]
    pub fn typed(&self, id: &CustomFieldId, value: &CustomFieldValue) -> CustomFieldValue {
        match self.fields.iter().find(|f| f.id == *id) {
            Some(def) => typed(def, value),
            None => value.clone(),
        }
    }

    /// Checks `value` for field `name_or_id` and returns the id and the value to send (text
    /// given for any field is parsed as [`parse`](Self::parse) does, so text for a multi-value
    /// field is split on [`MULTI_VALUE_SEPARATOR`]; another single value for a multi-value
    /// field becomes a one-item list).
    #[inline]
    pub fn value_for(
        &self,
        name_or_id: &str,
        value: impl Into<CustomFieldValue>,
    ) -> Result<(CustomFieldId, CustomFieldValue), CustomFieldError> {
        let def = self.definition(name_or_id)?;
        let value = value.into();
        let checked = match value {
            CustomFieldValue::List(items) => {
                if !def.accepts_multiple_values {
                    return Err(CustomFieldError::invalid(
                        def.label(),
                        &CustomFieldValue::List(items).describe(),
                        "the field takes one value, not a list",
                    ));
                }
                let items = items.into_iter().map(|v| check_one(def, v));
                CustomFieldValue::List(items.collect::<Result<_, _>>()?)
            }
            // Text is parsed as `parse` does: split on the separator.
            CustomFieldValue::Text(text) => parse_text(def, &text)?,
            single if def.accepts_multiple_values => {
                CustomFieldValue::List(vec![check_one(def, single)?])
            }
            single => check_one(def, single)?,
        };
        Ok((def.id.clone(), checked))
    }

    /// Checks one value to [`add`](super::CustomFieldChanges::add) to or
    /// [`remove`](super::CustomFieldChanges::remove) from multi-value field `name_or_id`.
    #[inline]
    pub fn item_for(
        &self,
        name_or_id: &str,
        value: impl Into<CustomFieldValue>,
    ) -> Result<(CustomFieldId, CustomFieldValue), CustomFieldError> {
        let def = self.definition(name_or_id)?;
        let value = value.into();
        if !def.accepts_multiple_values {
            return Err(CustomFieldError::invalid(
                def.label(),
                &value.describe(),
                "`.add`/`.remove` need a field that accepts multiple values",
            ));
        }
        if let CustomFieldValue::List(_) = value {
            return Err(CustomFieldError::invalid(
                def.label(),
                &value.describe(),
                "`.add`/`.remove` take one value",
            ));
        }
        Ok((def.id.clone(), check_one(def, value)?))
    }

    /// Parses `text` (e.g. a CSV cell) for field `name_or_id` by the field's type: a number
    /// (`42`, `-3.5`; no thousands separators), a date `YYYY-MM-DD` ([`crate::Date`]), a
    /// timestamp with an offset ([`crate::Timestamp`]; `Z` or `±hh:mm`, a naive time is
    /// refused), one of a `choices` field's choices (an exact match wins, else the one
    /// case-insensitive match, sent as Close spells it; several such matches are ambiguous),
    /// a user or contact id, or text as it is. A number that a 64-bit integer or float cannot
    /// hold exactly is refused rather than rounded.
    /// For a field that accepts multiple values the text is split on
    /// [`MULTI_VALUE_SEPARATOR`] (`;`), each part trimmed, empty parts dropped. Surrounding
    /// whitespace is trimmed except for text fields; an empty cell is refused for every type
    /// but text (leave the field out, or [`clear`](super::CustomFieldChanges::clear) it).
    #[inline]
    pub fn parse(
        &self,
        name_or_id: &str,
        text: &str,
    ) -> Result<(CustomFieldId, CustomFieldValue), CustomFieldError> {
        let def = self.definition(name_or_id)?;
        Ok((def.id.clone(), parse_text(def, text)?))
    }
}

/// Parses a cell for the field (see [`CustomFieldCatalog::parse`]).
#[inline]
fn parse_text(
    def: &CustomFieldDefinition,
    text: &str,
) -> Result<CustomFieldValue, CustomFieldError> {
    if !def.accepts_multiple_values {
        return parse_one(def, text);
    }
    let parts = text
        .split(MULTI_VALUE_SEPARATOR)
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let items: Vec<_> = parts.map(|p| parse_one(def, p)).collect::<Result<_, _>>()?;
    if items.is_empty() && is_typed(def) {
        return Err(CustomFieldError::invalid(def.label(), text, "empty"));
    }
    Ok(CustomFieldValue::List(items))
}

/// A schema item as a definition; `None` without a valid id. `choices` is read only when it is
/// a list of strings (the schema's examples show only `null`).
#[inline]
fn from_schema_item(item: CustomFieldSchemaFieldsItem) -> Option<CustomFieldDefinition> {
    let choices = match item.choices {
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Some(CustomFieldDefinition {
        id: item.id?.parse().ok()?,
        name: item.name.unwrap_or_default(),
        field_type: item.type_.unwrap_or_default(),
        accepts_multiple_values: item.accepts_multiple_values.unwrap_or(false),
        choices,
    })
}

/// Whether the SDK checks this type's values (text-like and unknown types take any text).
#[inline]
fn is_typed(def: &CustomFieldDefinition) -> bool {
    matches!(
        def.field_type.as_str(),
        "number" | "date" | "datetime" | "choices" | "user" | "contact"
    )
}

/// Parses one value's text by the field's type.
#[inline]
fn parse_one(
    def: &CustomFieldDefinition,
    text: &str,
) -> Result<CustomFieldValue, CustomFieldError> {
    let field = def.label();
    let t = text.trim();
    if is_typed(def) && t.is_empty() {
        return Err(CustomFieldError::invalid(
            field,
            text,
            "empty (leave the field out, or clear it)",
        ));
    }
    let bad = |why: &str| CustomFieldError::invalid(field, text, why);
    Ok(match def.field_type.as_str() {
        "number" => CustomFieldValue::Number(parse_number(t).map_err(|inexact| {
            bad(if inexact {
                "a number that cannot be sent exactly (too many digits for a 64-bit number)"
            } else {
                "not a finite number"
            })
        })?),
        "date" => {
            let date = (t.len() == 10).then(|| t.parse().ok()).flatten();
            CustomFieldValue::Date(date.ok_or_else(|| bad("not a date (YYYY-MM-DD)"))?)
        }
        "datetime" => {
            let at: Timestamp = t
                .parse()
                .map_err(|_| bad("not a date and time (e.g. 2024-03-31T09:30:00+00:00)"))?;
            CustomFieldValue::DateTime(check_offset(def, at)?)
        }
        "choices" => CustomFieldValue::Choice(match_choice(def, t, text)?),
        "user" => CustomFieldValue::User(check_id(def, t, text)?),
        "contact" => CustomFieldValue::Contact(check_id(def, t, text)?),
        _ => CustomFieldValue::Text(text.to_string()),
    })
}

/// A user or contact id, checked with the path-safety rule.
#[inline]
fn check_id(def: &CustomFieldDefinition, id: &str, text: &str) -> Result<String, CustomFieldError> {
    match check_value("custom field", def.label(), id) {
        Ok(()) => Ok(id.to_string()),
        Err(_) => Err(CustomFieldError::invalid(
            def.label(),
            text,
            format!("not a {} id", def.field_type),
        )),
    }
}

/// A date-time to send: one without an offset is refused, since Close's docs do not say which
/// zone a naive time means (decoding what Close returns stays lenient, see [`typed`]).
#[inline]
fn check_offset(def: &CustomFieldDefinition, at: Timestamp) -> Result<Timestamp, CustomFieldError> {
    if at.is_naive() {
        return Err(CustomFieldError::invalid(
            def.label(),
            at.as_str(),
            "a date and time needs an offset, `Z` or `±hh:mm` (e.g. 2024-03-31T09:30:00+00:00)",
        ));
    }
    Ok(at)
}

/// The choice `t` names: an exact match wins; otherwise the one case-insensitive match (Unicode
/// lowercase); several case-insensitive matches and no exact one are ambiguous.
#[inline]
fn match_choice(
    def: &CustomFieldDefinition,
    t: &str,
    text: &str,
) -> Result<String, CustomFieldError> {
    if let Some(exact) = def.choices.iter().find(|c| c.as_str() == t) {
        return Ok(exact.clone());
    }
    let lower = t.to_lowercase();
    let similar: Vec<&String> = def
        .choices
        .iter()
        .filter(|c| c.to_lowercase() == lower)
        .collect();
    let bad = |why: String| CustomFieldError::invalid(def.label(), text, why);
    match similar.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(bad(format!(
            "not one of the field's choices ({})",
            def.choices.join(", ")
        ))),
        several => Err(bad(format!(
            "ambiguous: matches the choices {} apart from case; write one exactly",
            several
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A finite number sent exactly: an integer as `i64` or `u64`, anything else as an `f64` only
/// when that float is the very number written (no precision lost). `Err(true)` when the text
/// is a number that cannot be sent exactly, `Err(false)` when it is not a finite number.
#[inline]
fn parse_number(text: &str) -> Result<serde_json::Number, bool> {
    if let Ok(n) = text.parse::<i64>() {
        return Ok(n.into());
    }
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n.into());
    }
    let written = decimal(text).ok_or(false)?;
    let f: f64 = text.parse().map_err(|_| false)?;
    let n = serde_json::Number::from_f64(f).ok_or(false)?; // too big: infinite
    match decimal(&format!("{f:e}")) {
        Some(sent) if sent == written => Ok(n),
        _ => Err(true),
    }
}

/// A decimal number's value as (negative, significant digits, exponent of the last digit),
/// zeros trimmed so equal numbers compare equal; `None` unless `text` is
/// `[+-]digits[.digits][(e|E)[+-]digits]`.
#[inline]
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let mut exponent = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some((false, String::new(), 0)); // zero, whatever its sign
    }
    let dropped = i64::try_from(significant.len() - trimmed.len()).ok()?;
    exponent = exponent.checked_add(dropped)?;
    Some((negative, trimmed.to_string(), exponent))
}

/// Checks one typed value for the field.
#[inline]
fn check_one(
    def: &CustomFieldDefinition,
    value: CustomFieldValue,
) -> Result<CustomFieldValue, CustomFieldError> {
    use CustomFieldValue as V;
    let wrong = |v: &CustomFieldValue| {
        CustomFieldError::invalid(
            def.label(),
            &v.describe(),
            format!("not a value for a `{}` field", def.field_type),
        )
    };
    match (def.field_type.as_str(), value) {
        (_, v) if v.is_null() => Err(CustomFieldError::invalid(
            def.label(),
            "null",
            "use `clear` to unset a field",
        )),
        (_, v @ V::List(_)) => Err(CustomFieldError::invalid(
            def.label(),
            &v.describe(),
            "a list inside a list",
        )),
        // Text given for any field is parsed by the field's type.
        (_, V::Text(t)) => parse_one(def, &t),
        ("number", v @ V::Number(_)) => Ok(v),
        ("date", V::Date(d)) => match Date::new(d.year(), d.month(), d.day()) {
            Some(d) => Ok(V::Date(d)),
            None => Err(wrong(&V::Date(d))),
        },
        ("datetime", V::DateTime(at)) => Ok(V::DateTime(check_offset(def, at)?)),
        ("choices", V::Choice(c)) => parse_one(def, &c),
        ("user", V::User(id)) => Ok(V::User(check_id(def, &id, &id)?)),
        ("contact", V::Contact(id)) => Ok(V::Contact(check_id(def, &id, &id)?)),
        (_, v) if is_typed(def) || matches!(def.field_type.as_str(), "text" | "hidden") => {
            Err(wrong(&v))
        }
        (_, v) => Ok(v),
    }
}

/// `value` read by the field's type; a value that does not fit is returned as it is.
#[inline]
fn typed(def: &CustomFieldDefinition, value: &CustomFieldValue) -> CustomFieldValue {
    match value {
        CustomFieldValue::List(items) => {
            CustomFieldValue::List(items.iter().map(|v| typed(def, v)).collect())
        }
        // Lenient: a date-time Close returns without an offset is read as UTC.
        CustomFieldValue::Text(t) if def.field_type == "datetime" => t
            .trim()
            .parse()
            .map(CustomFieldValue::DateTime)
            .unwrap_or_else(|_| value.clone()),
        CustomFieldValue::Text(t) if is_typed(def) => {
            parse_one(def, t).unwrap_or_else(|_| value.clone())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> CustomFieldCatalog {
        let fields = json!([
            {"id": "cf_num", "name": "# of users", "type": "number", "accepts_multiple_values": false},
            {"id": "cf_ind", "name": "Industry", "type": "choices", "accepts_multiple_values": true,
             "choices": ["Apparel", "Cars", "Cosmetics", "IT"]},
            {"id": "cf_size", "name": "Size", "type": "choices", "choices": ["S", "M"]},
            {"id": "cf_txt", "name": "Internal Database ID", "type": "text"},
            {"id": "cf_due", "name": "Trial Due", "type": "date"},
            {"id": "cf_at", "name": "Signed at", "type": "datetime"},
            {"id": "cf_own", "name": "Owner", "type": "user"},
            {"id": "cf_con", "name": "Champion", "type": "contact"},
            {"id": "cf_dup1", "name": "Region", "type": "text"},
            {"id": "cf_dup2", "name": "region ", "type": "text"},
            {"id": "cf_new", "name": "Rating", "type": "stars"},
            {"id": "not-an-id", "name": "Broken", "type": "text"},
        ]);
        CustomFieldCatalog::from_fields(serde_json::from_value::<Vec<CustomField>>(fields).unwrap())
    }

    #[test]
    fn names_resolve_case_insensitively_and_collisions_are_ambiguous() {
        let c = catalog();
        assert_eq!(c.id_for("industry").unwrap().as_str(), "cf_ind");
        assert_eq!(c.id_for("  Industry ").unwrap().as_str(), "cf_ind");
        assert_eq!(c.id_for("cf_ind").unwrap().as_str(), "cf_ind");
        let e = c.id_for("Region").unwrap_err();
        assert!(matches!(&e, CustomFieldError::AmbiguousField { ids, .. } if ids.len() == 2));
        assert!(e.to_string().contains("cf_dup1") && e.to_string().contains("use the id"));
        assert_eq!(c.id_for("cf_dup2").unwrap().as_str(), "cf_dup2");
        for unknown in ["Broken", "", "cf_missing", "Industr"] {
            assert!(
                matches!(
                    c.id_for(unknown),
                    Err(CustomFieldError::UnknownField { .. })
                ),
                "{unknown:?}"
            );
        }
    }

    #[test]
    fn cells_parse_by_field_type() {
        let c = catalog();
        let v = |name: &str, text: &str| c.parse(name, text).map(|(_, v)| v.to_json());
        assert_eq!(v("# of users", " 42 ").unwrap(), json!(42));
        assert_eq!(v("# of users", "-3.5").unwrap(), json!(-3.5));
        assert_eq!(v("Industry", "cars; IT;;").unwrap(), json!(["Cars", "IT"]));
        assert_eq!(v("Size", "m").unwrap(), json!("M"));
        assert_eq!(v("Internal Database ID", " a b ").unwrap(), json!(" a b "));
        assert_eq!(v("Internal Database ID", "").unwrap(), json!(""));
        assert_eq!(v("Trial Due", "2024-03-31").unwrap(), json!("2024-03-31"));
        assert_eq!(
            v("Signed at", "2014-11-07T05:06:09.422000+00:00").unwrap(),
            json!("2014-11-07T05:06:09.422000+00:00")
        );
        assert_eq!(v("Owner", "user_abc").unwrap(), json!("user_abc"));
        assert_eq!(v("Rating", "5 stars").unwrap(), json!("5 stars"));
        for (name, bad) in [
            ("# of users", "ten"),
            ("# of users", "1,000"),
            ("# of users", "NaN"),
            ("# of users", "inf"),
            ("# of users", "1e999"),
            ("# of users", ""),
            ("Industry", "Boats"),
            ("Industry", " ; "),
            ("Size", "S; M"),
            ("Trial Due", "31/03/2024"),
            ("Trial Due", "2024-02-30"),
            ("Trial Due", "2024-03-31T10:00:00Z"),
            ("Signed at", "yesterday"),
            ("Owner", "user abc"),
            ("Champion", "../cont_x"),
        ] {
            let e = c.parse(name, bad).unwrap_err();
            assert!(
                matches!(&e, CustomFieldError::InvalidValue { field, .. } if field == name),
                "{name} {bad:?}: {e:?}"
            );
        }
    }

    #[test]
    fn numbers_are_sent_exactly_or_refused() {
        let c = catalog();
        let v = |text: &str| {
            c.parse("# of users", text)
                .map(|(_, v)| v.to_json().to_string())
        };
        for (text, sent) in [
            ("18446744073709551615", "18446744073709551615"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("0.1", "0.1"),
            ("1.50", "1.5"),
            ("2.5e3", "2500.0"),
            ("-0.0", "-0.0"),
            ("9007199254740993.0", ""),
            ("18446744073709551616", ""),
            ("0.10000000000000000001", ""),
        ] {
            match v(text) {
                Ok(got) => assert_eq!(got, sent, "{text}"),
                Err(e) => {
                    assert!(sent.is_empty(), "{text}: {e}");
                    assert!(e.to_string().contains("cannot be sent exactly"), "{e}");
                }
            }
        }
        assert!(v("1.2.3")
            .unwrap_err()
            .to_string()
            .contains("not a finite number"));
        assert!(v("1e999")
            .unwrap_err()
            .to_string()
            .contains("not a finite number"));
    }

    #[test]
    fn naive_date_times_are_refused_but_read_back() {
        let c = catalog();
        for naive in ["2024-03-31T09:30:00", "2024-03-31T09:30:00.5"] {
            let e = c.parse("Signed at", naive).unwrap_err();
            assert!(e.to_string().contains("offset"), "{e}");
            let at: Timestamp = naive.parse().unwrap();
            assert!(c.value_for("Signed at", at).is_err());
        }
        assert!(c.parse("Signed at", "2024-03-31T09:30:00Z").is_ok());
        let id = c.id_for("Signed at").unwrap();
        let read = c.typed(&id, &CustomFieldValue::Text("2024-03-31T09:30:00".into()));
        assert!(matches!(read, CustomFieldValue::DateTime(_)), "{read:?}");
    }

    #[test]
    fn exact_choices_win_and_case_collisions_are_ambiguous() {
        let fields = json!([{"id": "cf_t", "name": "Tier", "type": "choices",
                             "choices": ["Gold", "gold", "Silver"]}]);
        let c = CustomFieldCatalog::from_fields(
            serde_json::from_value::<Vec<CustomField>>(fields).unwrap(),
        );
        let v = |text: &str| c.parse("Tier", text).map(|(_, v)| v.to_json());
        assert_eq!(v("gold").unwrap(), json!("gold"));
        assert_eq!(v("Gold").unwrap(), json!("Gold"));
        assert_eq!(v("silver").unwrap(), json!("Silver"));
        let e = v("GOLD").unwrap_err().to_string();
        assert!(e.contains("ambiguous") && e.contains("`gold`"), "{e}");
    }

    #[test]
    fn typed_values_are_checked() {
        let c = catalog();
        let (id, v) = c.value_for("# of users", 7).unwrap();
        assert_eq!((id.as_str(), v.to_json()), ("cf_num", json!(7)));
        assert_eq!(
            c.value_for("Industry", "IT").unwrap().1.to_json(),
            json!(["IT"])
        );
        assert!(c
            .value_for("# of users", CustomFieldValue::Choice("IT".into()))
            .is_err());
        assert!(c
            .value_for("Size", CustomFieldValue::List(vec!["S".into()]))
            .is_err());
        assert!(c
            .value_for("Owner", CustomFieldValue::Contact("cont_x".into()))
            .is_err());
        assert!(c.value_for("Internal Database ID", 3).is_err());
        assert!(c
            .value_for("Trial Due", CustomFieldValue::Other(json!(null)))
            .is_err());
        assert!(c
            .value_for("Rating", CustomFieldValue::Other(json!(5)))
            .is_ok());
        assert_eq!(
            c.item_for("Industry", "it").unwrap().1.to_json(),
            json!("IT")
        );
        assert!(c.item_for("Size", "S").is_err());
    }

    #[test]
    fn values_read_back_by_type() {
        let c = catalog();
        let id = c.id_for("Trial Due").unwrap();
        let typed = c.typed(&id, &CustomFieldValue::Text("2024-03-31".into()));
        assert!(matches!(typed, CustomFieldValue::Date(_)));
        let odd = CustomFieldValue::Text("soon".into());
        assert_eq!(c.typed(&id, &odd), odd);
    }
}
