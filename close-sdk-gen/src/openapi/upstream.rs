//! The pinned copies of Close's published spec (`openapi/upstream/`) and their provenance.
//!
//! The copies are never edited: `provenance.json` records each file's sha256, and loading fails
//! when a file no longer matches it. `cargo xtask spec update` is the only way to change them.
//!
//! A file's [`Role`] says what it is used for: the **document** (Close's whole OpenAPI document,
//! the one source of operations and schemas), or **examples** (per-tag extracts whose request and
//! response examples are carried into the effective spec, see [`crate::openapi::examples`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::openapi::json::parse_document;

/// Name of the provenance file inside the upstream directory.
pub const PROVENANCE_FILE: &str = "provenance.json";

/// Where the pinned copies come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// What the copies are, in a sentence.
    pub source: String,
    /// One entry per pinned file, merged in this order.
    pub files: Vec<PinnedFile>,
}

/// What a pinned file is used for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The API document itself (several are merged).
    #[default]
    Document,
    /// Evidence only: its request and response examples.
    Examples,
}

impl Role {
    fn is_document(&self) -> bool {
        *self == Role::Document
    }
}

/// One pinned upstream file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedFile {
    /// File name inside the upstream directory.
    pub file: String,
    /// What it is used for (`document` when absent).
    #[serde(default, skip_serializing_if = "Role::is_document")]
    pub role: Role,
    /// Where it was copied from (URL, or repository and path).
    pub origin: String,
    /// The commit of `origin`, when it is a repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// sha256 of the file as copied, lowercase hex.
    pub sha256: String,
    /// The date it was pinned (YYYY-MM-DD).
    pub pinned: String,
}

/// The pinned upstream documents, checked against their provenance.
#[derive(Debug, Clone)]
pub struct Pinned {
    /// The provenance record.
    pub provenance: Provenance,
    /// Each document, parsed, in provenance order.
    pub documents: Vec<(String, Value)>,
    /// Each examples file, parsed, in provenance order.
    pub examples: Vec<(String, Value)>,
}

/// sha256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Pinned {
    /// Loads every file listed in `dir/provenance.json`, failing if one is missing or edited.
    pub fn load(dir: &Path) -> Result<Self> {
        let prov_path = dir.join(PROVENANCE_FILE);
        let text = std::fs::read_to_string(&prov_path)
            .with_context(|| format!("reading {}", prov_path.display()))?;
        let provenance: Provenance = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}", prov_path.display()))?;
        if provenance.files.is_empty() {
            bail!("{} lists no upstream files", prov_path.display());
        }
        let mut documents = Vec::new();
        let mut examples = Vec::new();
        for f in &provenance.files {
            let path: PathBuf = dir.join(&f.file);
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let actual = sha256_hex(&bytes);
            if actual != f.sha256 {
                bail!(
                    "{} has sha256 {actual}, but {} records {}: the pinned copy must stay verbatim \
                     (put corrections in openapi/overlay.yaml; replace copies with `cargo xtask spec update`)",
                    path.display(),
                    PROVENANCE_FILE,
                    f.sha256
                );
            }
            let text = String::from_utf8(bytes)
                .with_context(|| format!("{} is not UTF-8", path.display()))?;
            let parsed = (f.file.clone(), parse_document(&text, &f.file)?);
            match f.role {
                Role::Document => documents.push(parsed),
                Role::Examples => examples.push(parsed),
            }
        }
        if documents.is_empty() {
            bail!("{} pins no document (only examples)", prov_path.display());
        }
        Ok(Self {
            provenance,
            documents,
            examples,
        })
    }

    /// Merges the pinned documents into one (see [`merge_documents`]); examples files are not
    /// part of it.
    pub fn merged(&self) -> Result<Value> {
        merge_documents(&self.documents)
    }

    /// The names of the pinned documents (not the examples files).
    pub fn document_names(&self) -> Vec<&str> {
        self.documents.iter().map(|(n, _)| n.as_str()).collect()
    }
}

/// Merges per-tag extracts of one spec into a single document.
///
/// The first document provides `openapi`, `servers` and `security`; `info.title` becomes
/// "Close API" when there is more than one. `paths`, `tags` and every `components` section are
/// united; the same name defined differently in two extracts is an error, since it would mean
/// the extracts are not from one spec.
pub fn merge_documents(docs: &[(String, Value)]) -> Result<Value> {
    let Some((first_name, first)) = docs.first() else {
        bail!("no upstream documents to merge");
    };
    let mut merged = first.clone();
    if !merged.is_object() {
        bail!("{first_name} is not an OpenAPI document (not an object)");
    }
    for (name, doc) in &docs[1..] {
        let Some(obj) = doc.as_object() else {
            bail!("{name} is not an OpenAPI document (not an object)");
        };
        if let Some(paths) = obj.get("paths") {
            union_into(&mut merged, &["paths"], paths, name)?;
        }
        if let Some(Value::Object(components)) = obj.get("components") {
            for (section, entries) in components {
                union_into(&mut merged, &["components", section], entries, name)?;
            }
        }
        if let Some(Value::Array(tags)) = obj.get("tags") {
            let list = merged
                .as_object_mut()
                .map(|m| m.entry("tags").or_insert_with(|| Value::Array(vec![])));
            if let Some(Value::Array(existing)) = list {
                for t in tags {
                    if !existing.contains(t) {
                        existing.push(t.clone());
                    }
                }
            }
        }
    }
    if docs.len() > 1 {
        if let Some(info) = merged.get_mut("info").and_then(Value::as_object_mut) {
            info.insert("title".into(), Value::String("Close API".into()));
        }
    }
    Ok(merged)
}

fn union_into(target: &mut Value, at: &[&str], entries: &Value, source: &str) -> Result<()> {
    let Value::Object(entries) = entries else {
        bail!("{source}: /{} is not an object", at.join("/"));
    };
    let mut slot = target;
    for key in at {
        let Some(obj) = slot.as_object_mut() else {
            bail!("merged document: /{} is not an object", at.join("/"));
        };
        slot = obj
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    let Some(slot) = slot.as_object_mut() else {
        bail!("merged document: /{} is not an object", at.join("/"));
    };
    for (k, v) in entries {
        match slot.get(k) {
            Some(existing) if existing != v => {
                bail!(
                    "{source} defines /{}/{k} differently from an earlier extract",
                    at.join("/")
                )
            }
            Some(_) => {}
            None => {
                slot.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extracts_merge_paths_components_and_tags() {
        let a = json!({"openapi": "3.2.0", "info": {"title": "A", "version": "1"},
            "paths": {"/a/": {}}, "tags": [{"name": "A"}],
            "components": {"schemas": {"S": {"type": "string"}}, "securitySchemes": {"K": {"type": "http"}}}});
        let b = json!({"openapi": "3.2.0", "info": {"title": "B", "version": "1"},
            "paths": {"/b/": {}}, "tags": [{"name": "B"}],
            "components": {"schemas": {"S": {"type": "string"}, "T": {"type": "integer"}}, "securitySchemes": {"K": {"type": "http"}}}});
        let m = merge_documents(&[("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!(m["info"]["title"], "Close API");
        assert!(m["paths"].get("/a/").is_some() && m["paths"].get("/b/").is_some());
        assert_eq!(m["components"]["schemas"]["T"]["type"], "integer");
        assert_eq!(m["tags"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn conflicting_definitions_are_an_error_naming_the_extract() {
        let a = json!({"paths": {}, "components": {"schemas": {"S": {"type": "string"}}}});
        let b = json!({"paths": {}, "components": {"schemas": {"S": {"type": "integer"}}}});
        let err = merge_documents(&[("a".into(), a), ("b.yml".into(), b)]).unwrap_err();
        assert!(
            err.to_string()
                .contains("b.yml defines /components/schemas/S"),
            "{err}"
        );
    }

    #[test]
    fn an_edited_copy_is_refused() {
        let dir =
            std::env::temp_dir().join(format!("close-sdk-gen-upstream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.yml"), "openapi: 3.2.0\n").unwrap();
        let prov = Provenance {
            source: "test".into(),
            files: vec![PinnedFile {
                file: "x.yml".into(),
                origin: "here".into(),
                commit: None,
                role: Role::Document,
                sha256: sha256_hex(b"something else"),
                pinned: "2026-11-28".into(),
            }],
        };
        std::fs::write(
            dir.join(PROVENANCE_FILE),
            serde_json::to_string(&prov).unwrap(),
        )
        .unwrap();
        let err = Pinned::load(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(err.contains("must stay verbatim"), "{err}");
    }
}
