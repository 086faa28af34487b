//! The CRM part of [`super::MockClose`]: lead and contact custom field definitions, leads with
//! nested contacts, and contacts, kept in memory and answered in Close's documented shapes
//! (`openapi/upstream/examples/close-{leads,contacts,custom-fields-lead}-api-openapi.yml`).

use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{json, Map, Value};

use super::store::{page, Change};
use super::{
    body, close_id, field_error, json_response, lock, seed_of, MockCloseBuilder,
    MOCK_ORGANIZATION_ID, MOCK_USER_ID,
};
use crate::EmailAddress;

/// The status new leads get (Close's documented example, "Potential").
const DEFAULT_STATUS_ID: &str = "stat_1ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk";

/// Which object a custom field belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Object {
    Lead,
    Contact,
}

/// A custom field definition given to the builder.
pub(super) struct FieldSpec {
    object: Object,
    name: String,
    type_: String,
    choices: Vec<String>,
    multiple: bool,
}

impl MockCloseBuilder {
    /// Defines a lead custom field: `type_` is Close's field type (`text`, `number`, `date`,
    /// `datetime`, `choices`, `user`, `contact`, …); `choices` only matters for `choices`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), close_sdk::Error> {
    /// let close = close_sdk::mock::MockClose::builder()
    ///     .lead_custom_field("Industry", "choices", &["SaaS", "Retail"])
    ///     .lead_custom_field("Seats", "number", &[])
    ///     .start()
    ///     .await;
    /// let client = close_sdk::Client::builder().api_key("test").base_url(close.base_url()).build()?;
    /// let fields = client.custom_fields_lead_list().send().await?.into_inner();
    /// assert_eq!(fields.data.unwrap()[0].name.as_deref(), Some("Industry"));
    /// # Ok(()) }
    /// ```
    pub fn lead_custom_field(self, name: &str, type_: &str, choices: &[&str]) -> Self {
        self.custom_field(Object::Lead, name, type_, choices, false)
    }

    /// Like [`MockCloseBuilder::lead_custom_field`], for a field that accepts several values.
    pub fn lead_custom_field_multiple(self, name: &str, type_: &str, choices: &[&str]) -> Self {
        self.custom_field(Object::Lead, name, type_, choices, true)
    }

    /// Defines a contact custom field (see [`MockCloseBuilder::lead_custom_field`]).
    pub fn contact_custom_field(self, name: &str, type_: &str, choices: &[&str]) -> Self {
        self.custom_field(Object::Contact, name, type_, choices, false)
    }

    fn custom_field(
        mut self,
        object: Object,
        name: &str,
        type_: &str,
        choices: &[&str],
        multiple: bool,
    ) -> Self {
        self.fields.push(FieldSpec {
            object,
            name: name.to_string(),
            type_: type_.to_string(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            multiple,
        });
        self
    }
}

impl super::MockClose {
    /// The leads the mock holds now, as Close would return them from `GET /lead/{id}/`.
    pub fn leads(&self) -> Vec<Value> {
        let crm = lock(&self.shared.crm);
        crm.leads.iter().map(|l| crm.render_lead(l)).collect()
    }
}

impl Crm {
    /// Every lead's id and name, for the objects that show `lead_name`.
    pub(super) fn lead_names(&self) -> Vec<(String, String)> {
        self.leads
            .iter()
            .map(|l| {
                let id = l["id"].as_str().unwrap_or_default().to_string();
                (
                    id,
                    l["display_name"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

/// One defined custom field: its object, its definition as Close returns it.
struct Field {
    object: Object,
    def: Value,
}

impl Field {
    fn id(&self) -> &str {
        self.def["id"].as_str().unwrap_or_default()
    }
}

/// Everything the mock holds.
pub(super) struct Crm {
    fields: Vec<Field>,
    leads: Vec<Value>,
    contacts: Vec<Value>,
    created: u64,
    /// What the event log must record, taken by the caller after each request.
    pub(super) changes: Vec<Change>,
}

impl Crm {
    pub(super) fn new(specs: Vec<FieldSpec>) -> Self {
        let now = now();
        let fields = specs
            .into_iter()
            .map(|s| {
                let object = match s.object {
                    Object::Lead => "lead",
                    Object::Contact => "contact",
                };
                let def = json!({
                    "accepts_multiple_values": s.multiple,
                    "choices": if s.type_ == "choices" { json!(s.choices) } else { Value::Null },
                    "created_by": MOCK_USER_ID,
                    "date_created": now,
                    "date_updated": now,
                    "description": null,
                    "editable_with_roles": [],
                    "id": close_id("cf", seed_of(&format!("{object}/{}", s.name))),
                    "name": s.name,
                    "organization_id": MOCK_ORGANIZATION_ID,
                    "type": s.type_,
                    "updated_by": MOCK_USER_ID,
                });
                Field {
                    object: s.object,
                    def,
                }
            })
            .collect();
        Crm {
            fields,
            leads: Vec::new(),
            contacts: Vec::new(),
            created: 0,
            changes: Vec::new(),
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.created += 1;
        close_id(prefix, seed_of(prefix) ^ self.created)
    }

    fn field(&self, object: Object, id: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.object == object && f.id() == id)
    }

    /// Checks every `custom.…` member of `obj` against the definitions, as Close would.
    fn check_custom(
        &self,
        object: Object,
        obj: &Map<String, Value>,
    ) -> Result<(), HttpMockResponse> {
        for (key, value) in obj {
            let Some(rest) = key.strip_prefix("custom.") else {
                continue;
            };
            let id = rest
                .strip_suffix(".add")
                .or_else(|| rest.strip_suffix(".remove"))
                .unwrap_or(rest);
            let Some(field) = self.field(object, id) else {
                return Err(field_error(key, "Unknown custom field."));
            };
            if let Err(msg) = check_value(&field.def, value) {
                return Err(field_error(key, &msg));
            }
        }
        Ok(())
    }

    /// A contact from a `CreateContact` body, or the 400 Close would answer.
    fn new_contact(
        &mut self,
        input: &Map<String, Value>,
        lead_id: &str,
    ) -> Result<Value, HttpMockResponse> {
        self.check_custom(Object::Contact, input)?;
        let mut emails = Vec::new();
        for e in input
            .get("emails")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let email = e.get("email").and_then(Value::as_str).unwrap_or_default();
            if email.parse::<EmailAddress>().is_err() {
                return Err(field_error("emails", "Enter a valid email address."));
            }
            emails
                .push(json!({"email": email, "is_unsubscribed": false, "type": kind(e, "office")}));
        }
        let mut phones = Vec::new();
        for p in input
            .get("phones")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let raw = p.get("phone").and_then(Value::as_str).unwrap_or_default();
            let Some(phone) = normalize_phone(raw) else {
                return Err(field_error("phones", "Invalid phone number."));
            };
            phones.push(json!({"phone": phone, "type": kind(p, "office")}));
        }
        let urls: Vec<Value> = input
            .get("urls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|u| u.get("url").and_then(Value::as_str).map(|url| (u, url)))
            .map(|(u, url)| json!({"type": kind(u, "url"), "url": url}))
            .collect();
        let name = input.get("name").and_then(Value::as_str);
        let display = name
            .or_else(|| emails.first().and_then(|e| e["email"].as_str()))
            .unwrap_or_default();
        let now = now();
        let mut contact = json!({
            "created_by": MOCK_USER_ID,
            "date_created": now,
            "date_updated": now,
            "display_name": display,
            "emails": emails,
            "id": self.next_id("cont"),
            "lead_id": lead_id,
            "name": name,
            "organization_id": MOCK_ORGANIZATION_ID,
            "phones": phones,
            "title": input.get("title").cloned().unwrap_or(Value::Null),
            "updated_by": MOCK_USER_ID,
            "urls": urls,
        });
        copy_custom(input, &mut contact);
        Ok(contact)
    }

    /// A stored lead with its contacts nested, as `GET /lead/{id}/` returns it.
    fn render_lead(&self, lead: &Value) -> Value {
        let mut out = lead.clone();
        let id = lead["id"].as_str().unwrap_or_default();
        let contacts: Vec<Value> = self
            .contacts
            .iter()
            .filter(|c| c["lead_id"] == id)
            .cloned()
            .collect();
        out["contact_ids"] = contacts.iter().map(|c| c["id"].clone()).collect();
        out["contacts"] = Value::Array(contacts);
        out
    }

    fn lead_index(&self, id: &str) -> Option<usize> {
        self.leads.iter().position(|l| l["id"] == id)
    }

    fn create_lead(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let Some(Value::Object(input)) = body(req) else {
            return field_error("", "Expected a JSON object.");
        };
        if let Err(e) = self.check_custom(Object::Lead, &input) {
            return e;
        }
        let id = self.next_id("lead");
        let mut contacts = Vec::new();
        for c in input
            .get("contacts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Value::Object(c) = c else {
                return field_error("contacts", "Expected a list of contacts.");
            };
            match self.new_contact(c, &id) {
                Ok(contact) => contacts.push(contact),
                Err(e) => return e,
            }
        }
        let addresses: Vec<Value> = input
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|a| {
                let part = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
                json!({
                    "address_1": part("address_1"), "address_2": part("address_2"),
                    "city": part("city"), "country": part("country"), "label": part("label"),
                    "state": part("state"), "zipcode": part("zipcode"),
                })
            })
            .collect();
        let name = input.get("name").cloned().unwrap_or(Value::Null);
        let now = now();
        let mut lead = json!({
            "addresses": addresses,
            "contact_ids": [],
            "created_by": MOCK_USER_ID,
            "date_created": now,
            "date_updated": now,
            "description": input.get("description").and_then(Value::as_str).unwrap_or_default(),
            "display_name": name.as_str().unwrap_or_default(),
            "html_url": format!("https://app.close.com/lead/{id}/"),
            "id": id,
            "name": name,
            "opportunities": [],
            "organization_id": MOCK_ORGANIZATION_ID,
            "status_id": input.get("status_id").and_then(Value::as_str).unwrap_or(DEFAULT_STATUS_ID),
            "status_label": "Potential",
            "tasks": [],
            "updated_by": MOCK_USER_ID,
            "url": input.get("url").cloned().unwrap_or(Value::Null),
        });
        copy_custom(&input, &mut lead);
        self.leads.push(lead);
        for c in &contacts {
            self.changes.push(created("contact", c));
        }
        self.contacts.extend(contacts);
        let stored = self.leads.last().map(|l| self.render_lead(l));
        if let Some(l) = &stored {
            self.changes.push(created("lead", l));
        }
        json_response(200, &stored.unwrap_or_default())
    }

    fn get_lead(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        match self.lead_index(&segment(req, 1)) {
            Some(i) => json_response(200, &self.render_lead(&self.leads[i])),
            None => not_found("lead"),
        }
    }

    fn list_leads(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let all: Vec<Value> = self.leads.iter().map(|l| self.render_lead(l)).collect();
        let total = all.len();
        let mut page = page(req, all);
        page["total_results"] = json!(total);
        json_response(200, &page)
    }

    fn update_lead(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let Some(i) = self.lead_index(&segment(req, 1)) else {
            return not_found("lead");
        };
        let Some(Value::Object(changes)) = body(req) else {
            return field_error("", "Expected a JSON object.");
        };
        if let Err(e) = self.check_custom(Object::Lead, &changes) {
            return e;
        }
        let before = self.leads[i].clone();
        let lead = &mut self.leads[i];
        for (key, value) in changes {
            match key.as_str() {
                "name" | "description" | "url" | "status_id" => lead[&key] = value,
                k if k.starts_with("custom.") => apply_custom(lead, &key, value),
                _ => {}
            }
        }
        if let Some(name) = lead["name"].as_str().map(str::to_string) {
            lead["display_name"] = json!(name);
        }
        let changed: Vec<String> = lead
            .as_object()
            .into_iter()
            .flatten()
            .chain(before.as_object().into_iter().flatten())
            .filter(|(k, _)| before.get(k.as_str()) != lead.get(k.as_str()))
            .map(|(k, _)| k.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !changed.is_empty() {
            lead["date_updated"] = json!(now());
        }
        let out = self.render_lead(&self.leads[i]);
        if !changed.is_empty() {
            let previous: Map<String, Value> = changed
                .iter()
                .map(|k| (k.clone(), before.get(k).cloned().unwrap_or(Value::Null)))
                .collect();
            self.changes.push(Change {
                object_type: "lead".into(),
                action: "updated",
                object_id: out["id"].as_str().unwrap_or_default().to_string(),
                lead_id: out["id"].as_str().map(str::to_string),
                data: out.clone(),
                previous_data: Value::Object(previous),
                changed_fields: changed,
            });
        }
        json_response(200, &out)
    }

    fn delete_lead(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let id = segment(req, 1);
        let Some(i) = self.lead_index(&id) else {
            return not_found("lead");
        };
        let gone = self.render_lead(&self.leads[i]);
        self.leads.remove(i);
        self.contacts.retain(|c| c["lead_id"] != id.as_str());
        self.changes.push(Change {
            object_type: "lead".into(),
            action: "deleted",
            object_id: id.clone(),
            lead_id: Some(id.clone()),
            data: Value::Null,
            previous_data: gone,
            changed_fields: Vec::new(),
        });
        json_response(200, &json!({}))
    }

    fn create_contact(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let Some(Value::Object(input)) = body(req) else {
            return field_error("", "Expected a JSON object.");
        };
        let lead_id = match input.get("lead_id").and_then(Value::as_str) {
            Some(id) if self.lead_index(id).is_some() => id.to_string(),
            Some(_) => return field_error("lead_id", "Lead not found."),
            // Close creates a lead for a contact created without one.
            None => {
                let id = self.next_id("lead");
                let now = now();
                let name = input
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.leads.push(json!({
                    "contact_ids": [], "created_by": MOCK_USER_ID, "date_created": now,
                    "date_updated": now, "description": "", "display_name": name,
                    "html_url": format!("https://app.close.com/lead/{id}/"), "id": id,
                    "name": name, "opportunities": [], "organization_id": MOCK_ORGANIZATION_ID,
                    "status_id": DEFAULT_STATUS_ID, "status_label": "Potential", "tasks": [],
                    "updated_by": MOCK_USER_ID, "url": null,
                }));
                id
            }
        };
        match self.new_contact(&input, &lead_id) {
            Ok(contact) => {
                self.changes.push(created("contact", &contact));
                self.contacts.push(contact.clone());
                json_response(200, &contact)
            }
            Err(e) => e,
        }
    }

    fn get_contact(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let id = segment(req, 1);
        match self.contacts.iter().find(|c| c["id"] == id.as_str()) {
            Some(c) => json_response(200, c),
            None => not_found("contact"),
        }
    }

    fn list_contacts(&mut self, req: &HttpMockRequest) -> HttpMockResponse {
        let lead = query(req, "lead_id");
        let all = self
            .contacts
            .iter()
            .filter(|c| lead.as_ref().is_none_or(|l| c["lead_id"] == l.as_str()))
            .cloned()
            .collect();
        json_response(200, &page(req, all))
    }

    fn list_fields(&mut self, object: Object, req: &HttpMockRequest) -> HttpMockResponse {
        let all = self
            .fields
            .iter()
            .filter(|f| f.object == object)
            .map(|f| f.def.clone())
            .collect();
        json_response(200, &page(req, all))
    }

    fn get_field(&mut self, object: Object, req: &HttpMockRequest) -> HttpMockResponse {
        match self.field(object, &segment(req, 2)) {
            Some(f) => json_response(200, &f.def),
            None => not_found("custom field"),
        }
    }
}

/// Answers a CRM operation (`None`: `op` is not one).
pub(super) fn handle(op: &str, crm: &mut Crm, req: &HttpMockRequest) -> Option<HttpMockResponse> {
    Some(match op {
        "leads_create" => crm.create_lead(req),
        "leads_list" => crm.list_leads(req),
        "leads_get" => crm.get_lead(req),
        "leads_update" => crm.update_lead(req),
        "leads_delete" => crm.delete_lead(req),
        "contacts_create" => crm.create_contact(req),
        "contacts_list" => crm.list_contacts(req),
        "contacts_get" => crm.get_contact(req),
        "custom_fields_lead_list" => crm.list_fields(Object::Lead, req),
        "custom_fields_lead_get" => crm.get_field(Object::Lead, req),
        "custom_fields_contact_list" => crm.list_fields(Object::Contact, req),
        "custom_fields_contact_get" => crm.get_field(Object::Contact, req),
        _ => return None,
    })
}

/// The event-log change for a created lead or contact.
fn created(object_type: &str, v: &Value) -> Change {
    let id = v["id"].as_str().unwrap_or_default().to_string();
    Change {
        object_type: object_type.into(),
        action: "created",
        lead_id: v["lead_id"]
            .as_str()
            .map(str::to_string)
            .or_else(|| Some(id.clone())),
        object_id: id,
        data: v.clone(),
        previous_data: json!({}),
        changed_fields: Vec::new(),
    }
}

/// Checks one custom field value against its definition; `null` always passes (it clears).
fn check_value(def: &Value, value: &Value) -> Result<(), String> {
    let multiple = def["accepts_multiple_values"].as_bool().unwrap_or(false);
    match value {
        Value::Null => Ok(()),
        Value::Array(items) if multiple => items.iter().try_for_each(|v| check_one(def, v)),
        Value::Array(_) => Err("This field accepts a single value.".into()),
        v => check_one(def, v),
    }
}

fn check_one(def: &Value, value: &Value) -> Result<(), String> {
    let text = value.as_str();
    let ok = match def["type"].as_str().unwrap_or_default() {
        "number" => value.is_number() || text.is_some_and(|t| t.trim().parse::<f64>().is_ok()),
        "date" => text.is_some_and(is_date),
        "datetime" => text.is_some_and(|t| t.parse::<crate::Timestamp>().is_ok()),
        "choices" => {
            let choices = def["choices"].as_array();
            text.is_some_and(|t| choices.is_some_and(|c| c.iter().any(|c| c == t)))
        }
        "user" => text.is_some_and(|t| t.starts_with("user_")),
        "contact" => text.is_some_and(|t| t.starts_with("cont_")),
        "text" | "textarea" => value.is_string(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{value} is not a valid {} value.",
            def["type"].as_str().unwrap_or("custom field")
        ))
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    let num = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y, m, d] if num(y, 4) && num(m, 2) && num(d, 2) => {
            let (m, d) = (m.parse().unwrap_or(0u8), d.parse().unwrap_or(0u8));
            (1..=12).contains(&m) && (1..=31).contains(&d)
        }
        _ => false,
    }
}

/// Close stores phone numbers in E.164. The mock accepts `+` and 8 to 15 digits, or 10 digits
/// (read as a US number, like an organization whose default country is the US).
fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let allowed = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    match (allowed, raw.trim_start().starts_with('+'), digits.len()) {
        (true, true, 8..=15) => Some(format!("+{digits}")),
        (true, false, 10) => Some(format!("+1{digits}")),
        _ => None,
    }
}

fn kind<'a>(item: &'a Value, default: &'a str) -> &'a str {
    item.get("type").and_then(Value::as_str).unwrap_or(default)
}

/// Copies the non-null `custom.…` members of a create body onto the stored object.
fn copy_custom(input: &Map<String, Value>, target: &mut Value) {
    for (k, v) in input {
        if k.starts_with("custom.") && !v.is_null() {
            target[k] = v.clone();
        }
    }
}

/// Applies one `custom.cf_…`, `.add` or `.remove` update; `null` clears the field.
fn apply_custom(target: &mut Value, key: &str, value: Value) {
    let (field, op) = match key.rsplit_once('.') {
        Some((f, op @ ("add" | "remove"))) => (f.to_string(), op),
        _ => (key.to_string(), "set"),
    };
    let Some(obj) = target.as_object_mut() else {
        return;
    };
    match (op, value) {
        ("set", Value::Null) => {
            obj.remove(&field);
        }
        ("set", v) => {
            obj.insert(field, v);
        }
        (op, v) => {
            let mut items = match obj.remove(&field) {
                Some(Value::Array(a)) => a,
                Some(Value::Null) | None => Vec::new(),
                Some(one) => vec![one],
            };
            let given = match v {
                Value::Array(a) => a,
                one => vec![one],
            };
            if op == "add" {
                items.extend(given.into_iter().filter(|g| !g.is_null()));
            } else {
                items.retain(|i| !given.contains(i));
            }
            obj.insert(field, Value::Array(items));
        }
    }
}

fn query(req: &HttpMockRequest, key: &str) -> Option<String> {
    req.query_params()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// The `n`th path segment: 1 is the id in `/lead/{id}/`, 2 in `/custom_field/lead/{id}/`.
fn segment(req: &HttpMockRequest, n: usize) -> String {
    req.uri()
        .path()
        .trim_matches('/')
        .split('/')
        .nth(n)
        .unwrap_or_default()
        .to_string()
}

fn not_found(what: &str) -> HttpMockResponse {
    json_response(
        404,
        &json!({"error": format!("The {what} does not exist.")}),
    )
}

fn now() -> String {
    crate::Timestamp::from(time::OffsetDateTime::now_utc()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_dates() {
        assert_eq!(
            normalize_phone("+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            normalize_phone("(800) 444-5555").as_deref(),
            Some("+18004445555")
        );
        assert_eq!(normalize_phone("12345678"), None);
        assert_eq!(normalize_phone("call me"), None);
        assert!(is_date("2026-11-28") && !is_date("2026-13-01") && !is_date("28/11/2026"));
    }

    #[test]
    fn custom_updates_set_add_remove_and_clear() {
        let mut v = json!({"custom.cf_a": ["x"]});
        apply_custom(&mut v, "custom.cf_a.add", json!("y"));
        assert_eq!(v["custom.cf_a"], json!(["x", "y"]));
        apply_custom(&mut v, "custom.cf_a.remove", json!(["x"]));
        assert_eq!(v["custom.cf_a"], json!(["y"]));
        apply_custom(&mut v, "custom.cf_a", Value::Null);
        assert!(v.get("custom.cf_a").is_none());
    }
}
