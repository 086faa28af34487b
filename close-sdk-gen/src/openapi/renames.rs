//! Names as data: `openapi/renames.yaml`, the component schemas the SDK names differently from
//! Close's document, each with its reason.
//!
//! Close's document keeps accidents of its implementation in schema names (a task update is
//! `UpdateNotification`, a note `ActivityBase`, smart views `SavedSearch`, `RoleCreate` beside
//! `CreateLead`). The table renames them to what a person would write, with one convention:
//!
//! - a request body is **Verb + Noun** (`CreateRole`, `UpdateTask`, `BulkUpdateTasks`,
//!   `AddGroupMember`), the verb being the operation's;
//! - a resource is named as Close's documentation names it (`SmartView`, `NoteActivity`);
//! - the item type of a list property ends in `Item` (typify's own suffix for inline items),
//!   never `Items`.
//!
//! The table runs after every rule of [`crate::openapi::rules`] (so an entry may name a list envelope,
//! `SavedSearchList`), on component schema names only. Each rename sets the schema's `title`,
//! rewrites every `$ref`, and records the old name in the schema's [`RENAMED_FROM`] extension,
//! which the code generator reads to emit `#[deprecated] pub type Old = New;` for the old name
//! and for every type typify derives from it (`CreatePhoneNumberRequestCarrierType`, its
//! `Unknown…` twin), so code written against the old names keeps compiling
//! ([`crate::codegen::layout`]).
//!
//! The table is checked on every `cargo xtask generate`: an entry whose `from` names no schema
//! (Close renamed or removed it), whose `to` is taken, that has no reason, or that repeats
//! another fails generation, naming the entry.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::Value;

use crate::openapi::json::parse_document;

/// The rename table, relative to the workspace root.
pub const RENAMES: &str = "openapi/renames.yaml";

/// The schema extension that lists the names a component schema had before the table renamed
/// it (read by the code generator for the deprecated aliases).
pub const RENAMED_FROM: &str = "x-close-sdk-renamed-from";

/// The whole table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renames {
    /// The entries, applied in order.
    pub renames: Vec<Rename>,
}

/// One entry: the document's name, the SDK's name, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// The component schema name in the document (after the overlay and the rules).
    pub from: String,
    /// The name the SDK gives it (also its Rust type name).
    pub to: String,
    /// One line saying why.
    pub reason: String,
}

impl Renames {
    /// Reads and parses the table (YAML or JSON).
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses the table and checks it on its own: every entry has a reason, names are Rust
    /// type names, no name is renamed twice or given twice.
    pub fn parse(text: &str) -> Result<Self> {
        let value = parse_document(text, "the rename table")?;
        let table: Renames = serde_json::from_value(value).context(
            "the rename table does not have the expected shape (`renames: [{from, to, reason}]`)",
        )?;
        let mut froms = BTreeSet::new();
        let mut tos = BTreeSet::new();
        for r in &table.renames {
            let entry = format!("rename `{}` → `{}`", r.from, r.to);
            if r.reason.trim().is_empty() {
                bail!("{entry} has an empty reason");
            }
            if r.from == r.to {
                bail!("{entry} renames a schema to itself");
            }
            let is_type_name = |s: &str| {
                s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && s.chars().all(|c| c.is_ascii_alphanumeric())
            };
            if !is_type_name(&r.to) {
                bail!("{entry}: `{}` is not a Rust type name (PascalCase)", r.to);
            }
            if !froms.insert(r.from.as_str()) {
                bail!("{entry}: `{}` is renamed twice", r.from);
            }
            if !tos.insert(r.to.as_str()) {
                bail!("{entry}: two entries rename to `{}`", r.to);
            }
        }
        Ok(table)
    }

    /// Applies every entry to the document; fails, naming the entry, when its `from` is not a
    /// component schema or its `to` already is one.
    pub fn apply(&self, doc: &mut Value) -> Result<()> {
        for r in &self.renames {
            let schemas = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object);
            let exists = |n: &str| schemas.is_some_and(|s| s.contains_key(n));
            if !exists(&r.from) {
                bail!(
                    "{RENAMES}: rename `{}` → `{}`: the document has no schema `{}` any more \
                     (Close renamed or removed it); update or delete the entry",
                    r.from,
                    r.to,
                    r.from
                );
            }
            if exists(&r.to) {
                bail!(
                    "{RENAMES}: rename `{}` → `{}`: the document already has a schema `{}`",
                    r.from,
                    r.to,
                    r.to
                );
            }
            crate::openapi::rules::rename_component(doc, &r.from, &r.to);
            let pointer = format!("/components/schemas/{}", r.to);
            if let Some(Value::Object(s)) = doc.pointer_mut(&pointer) {
                let mut old: Vec<Value> = match s.remove(RENAMED_FROM) {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                };
                old.push(Value::String(r.from.clone()));
                s.insert(RENAMED_FROM.into(), Value::Array(old));
            }
        }
        Ok(())
    }
}

/// The names a component schema had before the table renamed it.
pub fn renamed_from(schema: &Value) -> Vec<String> {
    schema
        .get(RENAMED_FROM)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TABLE: &str = r#"
renames:
  - from: UpdateNotification
    to: UpdateTask
    reason: tasks_update's body.
"#;

    #[test]
    fn a_rename_moves_the_schema_and_every_ref_and_remembers_the_old_name() {
        let mut doc = json!({"paths": {"/task/{id}/": {"put": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/UpdateNotification"}}}}}}},
            "components": {"schemas": {"UpdateNotification": {"title": "UpdateNotification", "type": "object"}}}});
        Renames::parse(TABLE).unwrap().apply(&mut doc).unwrap();
        let s = &doc["components"]["schemas"];
        assert!(s.get("UpdateNotification").is_none());
        assert_eq!(s["UpdateTask"]["title"], "UpdateTask");
        assert_eq!(renamed_from(&s["UpdateTask"]), ["UpdateNotification"]);
        assert_eq!(
            doc["paths"]["/task/{id}/"]["put"]["requestBody"]["content"]["application/json"]
                ["schema"]["$ref"],
            "#/components/schemas/UpdateTask"
        );
    }

    #[test]
    fn an_entry_whose_source_is_gone_fails_with_its_name() {
        let mut doc = json!({"components": {"schemas": {"Task": {"type": "object"}}}});
        let err = Renames::parse(TABLE)
            .unwrap()
            .apply(&mut doc)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`UpdateNotification` → `UpdateTask`") && err.contains("no schema"),
            "{err}"
        );
    }

    #[test]
    fn an_entry_whose_target_is_taken_fails() {
        let mut doc = json!({"components": {"schemas": {
            "UpdateNotification": {"type": "object"}, "UpdateTask": {"type": "object"}}}});
        let err = Renames::parse(TABLE)
            .unwrap()
            .apply(&mut doc)
            .unwrap_err()
            .to_string();
        assert!(err.contains("already has a schema `UpdateTask`"), "{err}");
    }

    #[test]
    fn the_table_is_checked_on_its_own() {
        let bad = |t: &str| Renames::parse(t).unwrap_err().to_string();
        assert!(bad("renames: [{from: A, to: B, reason: ' '}]").contains("empty reason"));
        assert!(bad("renames: [{from: A, to: b_c, reason: x}]").contains("not a Rust type name"));
        assert!(
            bad("renames: [{from: A, to: B, reason: x}, {from: A, to: C, reason: x}]")
                .contains("renamed twice")
        );
        assert!(
            bad("renames: [{from: A, to: C, reason: x}, {from: B, to: C, reason: x}]")
                .contains("two entries rename to `C`")
        );
        assert!(Renames::parse("renames: [{from: A, to: B}]").is_err());
    }
}
