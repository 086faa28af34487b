//! Spec drift: what changed between the pinned upstream copy and a new upstream document, and
//! what it means for a *client* built from the pinned copy (`cargo xtask spec diff`).
//!
//! The comparison, in order:
//!
//! 1. **Scope.** Only the operations the SDK covers (the operationIds of the pinned copy, or the
//!    same method and route) are compared; other operations of the new document are listed as
//!    [`NotCovered`].
//! 2. **Normalise** both sides to OpenAPI 3.0.3 ([`crate::openapi::normalize`]); drift reads 3.0 only.
//! 3. **drift** (Oxide's crate) classifies the operation level: operations added and removed,
//!    parameters added, removed, made required or optional, request bodies added, removed, made
//!    required or optional, response statuses added and removed. Its classes are from a server's
//!    point of view (can *old clients* use the new server? can *new clients* use an old one?);
//!    [`from_drift`] maps them to what a client built from the pinned copy sees.
//! 4. **Our own structural comparison** ([`crate::drift::structural_diff`]) does everything below the
//!    operation level, because drift 0.2.0 reports most schema changes as `Unhandled` without
//!    saying which property (a new required request field, an enum value added or removed, a
//!    property added or removed all come out as "object properties changed" / "string schema
//!    changed"), and panics (`todo!`) when a response gains a schema or a media type.
//! 5. **Reconcile**: any schema-level change drift found in an operation where our comparison
//!    found nothing is kept, as [`ChangeKind::Unclassified`], so nothing drift sees is lost.
//! 6. **Overlay** ([`crate::drift::overlay_check`]): corrections that no longer apply to the new
//!    document, or that it now covers itself.
//! 7. **Extracts** ([`extract_only`]): operations the pinned per-tag extracts (role
//!    `examples`) describe that neither the pinned whole document nor the new one has. Close
//!    publishes some endpoints in its per-tag pages before its whole document (Forms, ImportUpdate
//!    activities); they are listed so that the gap stays visible, and disappear from the list
//!    (to show up as [`NotCovered`]) once a new whole document has them. They are not a change
//!    between the two documents, so they never make `spec diff` fail. Each says whether the SDK
//!    has it anyway: generated from the extract ([`crate::openapi::adopted`]), added by the overlay, or
//!    missing.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::drift::change::schema_of;
pub use crate::drift::change::{escape, Change, ChangeKind, ClassifiedBy, Severity};
use crate::drift::overlay_check::{self, OverlayFinding};
use crate::drift::structural_diff;
use crate::openapi::json::parse_document;
use crate::openapi::overlay::Overlay;
use crate::openapi::upstream::{merge_documents, Pinned};

/// The HTTP methods an OpenAPI 3.0 path item can hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation of the new document that the SDK does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCovered {
    /// Always [`Severity::Additive`]: the SDK is not affected.
    pub severity: Severity,
    /// Always [`ChangeKind::OperationAdded`].
    pub kind: ChangeKind,
    /// The operationId (empty when upstream gives none).
    pub operation: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The route, e.g. `/user/{id}/`.
    pub path: String,
    /// JSON pointer to the operation in the new document.
    pub pointer: String,
    /// One line for people.
    pub message: String,
}

/// An operation a pinned per-tag extract describes that no whole document has (see
/// [`extract_only`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtractOnly {
    /// The pinned extract, as named in `provenance.json` (e.g.
    /// `examples/close-forms-api-openapi.yml`).
    pub extract: String,
    /// The operationId in the extract (empty when it gives none).
    pub operation: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The route, e.g. `/form/{id}/`.
    pub path: String,
    /// JSON pointer to the operation in the extract.
    pub pointer: String,
    /// One line for people.
    pub message: String,
    /// `openapi/overlay.yaml` adds this operation to the effective spec (so the SDK has it).
    pub in_overlay: bool,
    /// The generator adopts this operation from the extract ([`crate::openapi::adopted::ADOPTED`]), so
    /// the SDK has it, generated like every other operation.
    pub generated: bool,
}

/// The whole result of a comparison.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Changes to covered operations and the schemas they use, most severe first.
    pub changes: Vec<Change>,
    /// Operations new upstream that the SDK does not cover.
    pub not_covered: Vec<NotCovered>,
    /// Overlay corrections to revisit.
    pub overlay: Vec<OverlayFinding>,
    /// Operations in a pinned extract, not in the whole document (pinned or new): not a change,
    /// never a failure, but not covered by the SDK either.
    pub extract_only: Vec<ExtractOnly>,
    /// Remarks about the comparison itself (e.g. drift could not run); not part of `--format json`.
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// When `spec diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// A `breaking` or `review` change (review counts as breaking).
    Breaking,
    /// Any change that is not `docs`.
    Any,
}

impl FailOn {
    /// The least severity that fails.
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Breaking => Severity::Review,
            FailOn::Any => Severity::Additive,
        }
    }
}

impl Report {
    /// True when nothing at all changed (docs included). [`Report::extract_only`] is not a
    /// change and does not count.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.not_covered.is_empty() && self.overlay.is_empty()
    }

    /// Every severity in the report: changes, not-covered operations and overlay findings.
    pub fn severities(&self) -> impl Iterator<Item = Severity> + '_ {
        self.changes
            .iter()
            .map(|c| c.severity)
            .chain(self.not_covered.iter().map(|n| n.severity))
            .chain(self.overlay.iter().map(|o| o.severity))
    }

    /// True when some change reaches the `fail_on` level.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.severities().any(|s| s >= fail_on.threshold())
    }

    /// `{"changes": [...], "not_covered": [...], "overlay": [...], "extract_only": [...]}`,
    /// pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report for people and CI logs.
    pub fn to_text(&self) -> String {
        let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
        for s in self.changes.iter().map(|c| c.severity) {
            *counts.entry(s).or_default() += 1;
        }
        let count = |s| counts.get(&s).copied().unwrap_or(0);
        let mut out = format!(
            "spec diff: {} change(s) to covered operations ({} breaking, {} review, {} additive, {} docs); \
             {} new operation(s) not covered; {} overlay correction(s) to revisit; \
             {} operation(s) in a pinned extract, not in the whole document\n",
            self.changes.len(),
            count(Severity::Breaking),
            count(Severity::Review),
            count(Severity::Additive),
            count(Severity::Docs),
            self.not_covered.len(),
            self.overlay.len(),
            self.extract_only.len()
        );
        if !self.changes.is_empty() {
            out.push_str("\nchanges:\n");
        }
        for c in &self.changes {
            let mut whom: Vec<String> = c.operations.clone();
            if let Some(s) = &c.schema {
                whom.push(format!("schema {s}"));
            }
            out.push_str(&format!(
                "  {:<9} {} ({}) {}\n            {}\n",
                c.severity.to_string(),
                c.kind,
                whom.join(", "),
                c.pointer,
                c.message
            ));
        }
        if !self.not_covered.is_empty() {
            out.push_str("\nnot covered by the SDK (new upstream):\n");
        }
        for n in &self.not_covered {
            out.push_str(&format!(
                "  {:<9} {} {} {}: {}\n",
                n.severity.to_string(),
                n.method,
                n.path,
                n.operation,
                n.message
            ));
        }
        if !self.overlay.is_empty() {
            out.push_str("\noverlay (openapi/overlay.yaml):\n");
        }
        for o in &self.overlay {
            out.push_str(&format!(
                "  {:<9} {} correction #{} (\"{}\") {}\n            {}\n",
                o.severity.to_string(),
                o.kind,
                o.correction,
                o.label,
                o.pointer,
                o.message
            ));
        }
        if !self.extract_only.is_empty() {
            out.push_str(
                "\nin a pinned extract, not in the whole document (not covered by the SDK; not a change):\n",
            );
        }
        for e in &self.extract_only {
            out.push_str(&format!(
                "  {:<6} {} {} ({}): {}{}\n",
                e.method,
                e.path,
                e.operation,
                e.extract,
                e.message,
                if e.generated {
                    " (generated: close-sdk-gen adopts it from the extract)"
                } else if e.in_overlay {
                    " (openapi/overlay.yaml adds it)"
                } else {
                    " (missing from the SDK)"
                }
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("\nnote: {n}\n"));
        }
        out
    }
}

/// Parses a new upstream document (YAML or JSON) and checks it is an OpenAPI 3.x document with
/// paths. `what` names it in errors.
pub fn parse_upstream(text: &str, what: &str) -> Result<Value> {
    let doc = parse_document(text, what)?;
    let Some(obj) = doc.as_object() else {
        bail!("{what} is not an OpenAPI document (not an object)");
    };
    let version = obj.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !(version.starts_with("3.0") || version.starts_with("3.1") || version.starts_with("3.2")) {
        bail!("{what} is not an OpenAPI 3.0/3.1/3.2 document (openapi: {version:?})");
    }
    if !obj.get("paths").is_some_and(Value::is_object) {
        bail!("{what} is not an OpenAPI document (no `paths` object)");
    }
    Ok(doc)
}

/// Compares `new` (a full spec or a per-tag extract) with the pinned copy, scoped to the
/// operations the SDK covers, and checks `overlay` against it.
///
/// When the pinned copy is several extracts and `new` holds none of the operations of one of
/// them, that extract is merged into the new side unchanged (so a per-tag extract is compared
/// with its own tag only).
///
/// The operations of the pinned extracts (role `examples`) that neither the pinned document nor
/// `new` has are listed in [`Report::extract_only`].
pub fn diff(pinned: &Pinned, new: &Value, overlay: &Overlay) -> Result<Report> {
    let old = pinned.merged()?;
    let new = new_side(pinned, new);
    let mut report = diff_documents(&old, &new, overlay)?;
    report.extract_only = extract_only(&pinned.examples, &[&old, &new]);
    // What the overlay adds to the pinned document (a correction that no longer applies is
    // reported above, and adds nothing here).
    let mut effective = old;
    for c in &overlay.corrections {
        let _ = json_patch::patch(&mut effective, &c.patch);
    }
    let added: BTreeSet<(String, String)> = operations(&effective)
        .into_iter()
        .map(|o| (route_key(&o.path), o.method.to_uppercase()))
        .collect();
    for e in &mut report.extract_only {
        e.in_overlay = added.contains(&(route_key(&e.path), e.method.clone()));
    }
    // An operation the SDK adopts from an extract, now in the new whole document: the SDK has
    // it, but generation will refuse the stale allow-list entry once this document is pinned.
    for n in &mut report.not_covered {
        let adopted = crate::openapi::adopted::ADOPTED.iter().any(|a| {
            a.method.eq_ignore_ascii_case(&n.method) && route_key(a.path) == route_key(&n.path)
        });
        if adopted {
            n.message.push_str(
                " (the SDK generates it from a pinned extract; when pinning this document, \
                 remove its entry from ADOPTED in close-sdk-gen/src/openapi/adopted.rs)",
            );
        }
    }
    Ok(report)
}

/// The operations of `extracts` (name, document) whose method and route (parameter names
/// aside) none of `wholes` has, sorted by route then method; a route two extracts describe is
/// listed once, for the first.
pub fn extract_only(extracts: &[(String, Value)], wholes: &[&Value]) -> Vec<ExtractOnly> {
    let known: BTreeSet<(String, String)> = wholes
        .iter()
        .flat_map(|w| operations(w))
        .map(|o| (route_key(&o.path), o.method))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (name, doc) in extracts {
        for o in operations(doc) {
            let key = (route_key(&o.path), o.method.clone());
            if known.contains(&key) || !seen.insert(key) {
                continue;
            }
            let generated = crate::openapi::adopted::is_adopted(name, &o.method, &o.path);
            out.push(ExtractOnly {
                extract: name.clone(),
                pointer: o.pointer(),
                message: format!(
                    "in an extract, not in the whole document{}",
                    o.summary
                        .as_deref()
                        .map(|s| format!(": {s}"))
                        .unwrap_or_default()
                ),
                operation: o.id,
                method: o.method.to_uppercase(),
                path: o.path,
                in_overlay: false,
                generated,
            });
        }
    }
    let rank = |m: &str| METHODS.iter().position(|x| x.eq_ignore_ascii_case(m));
    out.sort_by(|a, b| {
        route_key(&a.path)
            .cmp(&route_key(&b.path))
            .then_with(|| rank(&a.method).cmp(&rank(&b.method)))
    });
    out
}

fn new_side(pinned: &Pinned, new: &Value) -> Value {
    if pinned.documents.len() < 2 {
        return new.clone();
    }
    let new_ids: BTreeSet<String> = operations(new).iter().map(Operation::identity).collect();
    let mut docs = vec![("the new document".to_string(), new.clone())];
    for (name, doc) in &pinned.documents {
        if !operations(doc)
            .iter()
            .any(|o| new_ids.contains(&o.identity()))
        {
            docs.push((name.clone(), doc.clone()));
        }
    }
    merge_documents(&docs).unwrap_or_else(|_| new.clone())
}

/// Compares two whole documents (both as published: 3.0, 3.1 or 3.2): `old` defines the scope.
pub fn diff_documents(old: &Value, new: &Value, overlay: &Overlay) -> Result<Report> {
    let mut report = Report {
        overlay: overlay_check::check(old, new, overlay),
        ..Report::default()
    };

    let old_ops = operations(old);
    let covered_ids: BTreeSet<String> = old_ops.iter().map(Operation::identity).collect();
    let covered_routes: BTreeSet<(String, String)> = old_ops
        .iter()
        .map(|o| (route_key(&o.path), o.method.clone()))
        .collect();
    let in_scope = |o: &Operation| {
        (!o.id.is_empty() && covered_ids.contains(&o.identity()))
            || covered_routes.contains(&(route_key(&o.path), o.method.clone()))
    };
    let new_ops = operations(new);
    for o in new_ops.iter().filter(|o| !in_scope(o)) {
        report.not_covered.push(NotCovered {
            severity: Severity::Additive,
            kind: ChangeKind::OperationAdded,
            operation: o.id.clone(),
            method: o.method.to_uppercase(),
            path: o.path.clone(),
            pointer: o.pointer(),
            message: format!(
                "new upstream, not covered by the SDK{}",
                o.summary
                    .as_deref()
                    .map(|s| format!(": {s}"))
                    .unwrap_or_default()
            ),
        });
    }

    let mut old_n = scoped(old, &old_ops.iter().collect::<Vec<_>>());
    let mut new_n = scoped(
        new,
        &new_ops.iter().filter(|o| in_scope(o)).collect::<Vec<_>>(),
    );
    crate::openapi::normalize::to_openapi_3_0(&mut old_n).context("normalising the pinned copy")?;
    crate::openapi::normalize::to_openapi_3_0(&mut new_n)
        .context("normalising the new document")?;
    // Both must be OpenAPI 3.0 documents that drift (and progenitor) can read.
    serde_json::from_value::<openapiv3::OpenAPI>(new_n.clone())
        .context("the new document is not a valid OpenAPI document after normalisation")?;

    // Operations present on both sides, paired by method and route like drift pairs them.
    let old_scoped = operations(&old_n);
    let new_scoped = operations(&new_n);
    let mut pairs = Vec::new();
    for o in &old_scoped {
        if let Some(n) = new_scoped
            .iter()
            .find(|n| n.method == o.method && route_key(&n.path) == route_key(&o.path))
        {
            pairs.push((o, n));
        }
    }

    let mut own = Vec::new();
    for (o, n) in &pairs {
        let mut found =
            structural_diff::compare_operation(&old_n, &new_n, &o.pointer(), &n.pointer());
        for c in &mut found {
            c.operations = vec![o.id.clone()];
        }
        own.extend(found);
    }

    let drift = run_drift(&old_n, &new_n, &pairs);
    let mut changes = match drift {
        Ok(findings) => {
            let mut changes: Vec<Change> = Vec::new();
            let mut schema_level = Vec::new();
            for f in findings {
                if f.schema_level {
                    schema_level.push(f);
                } else {
                    changes.push(from_drift(&f, &old_scoped, &new_scoped));
                }
            }
            let extra = unclassified(&schema_level, &own, &old_scoped, &new_scoped);
            changes.extend(own);
            changes.extend(extra);
            merge_moves(changes)
        }
        Err(e) => {
            report.notes.push(format!(
                "drift could not compare the documents ({e}); operations added, removed or changed \
                 at the operation level are reported by close-sdk-gen's own comparison only"
            ));
            let mut changes = own;
            changes.extend(fallback_operation_changes(&old_scoped, &new_scoped, &pairs));
            changes
        }
    };
    changes = dedupe(changes);
    changes.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.pointer.cmp(&b.pointer))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.message.cmp(&b.message))
    });
    report.changes = changes;
    Ok(report)
}

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId, empty when there is none.
    pub id: String,
    /// Lowercase method.
    pub method: String,
    /// The route as written.
    pub path: String,
    /// The summary, if any.
    pub summary: Option<String>,
    /// Its first tag, empty when it has none.
    pub tag: String,
}

impl Operation {
    /// What identifies an operation across documents: its first tag and operationId (Close's
    /// whole document reuses ids across tags: `list`, `get`, …).
    pub fn identity(&self) -> String {
        format!("{}\u{0}{}", self.tag, self.id)
    }

    /// JSON pointer to the operation object.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape(&self.path), self.method)
    }
}

/// Every operation of a document, in document order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method).filter(|o| o.is_object()) {
                out.push(Operation {
                    id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    method: method.to_string(),
                    path: path.clone(),
                    summary: op.get("summary").and_then(Value::as_str).map(String::from),
                    tag: op
                        .get("tags")
                        .and_then(Value::as_array)
                        .and_then(|t| t.first())
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                });
            }
        }
    }
    out
}

/// A route with its parameter names blanked: `/a/{id}/` and `/a/{x}/` are the same route.
fn route_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The document with only `keep` operations (path items left empty are dropped).
fn scoped(doc: &Value, keep: &[&Operation]) -> Value {
    let mut out = doc.clone();
    let Some(paths) = out.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    let mut kept = Map::new();
    for (path, item) in std::mem::take(paths) {
        let Value::Object(mut item) = item else {
            continue;
        };
        for method in METHODS {
            if item.contains_key(method)
                && !keep.iter().any(|k| k.path == path && k.method == method)
            {
                item.remove(method);
            }
        }
        if METHODS.iter().any(|m| item.contains_key(*m)) {
            kept.insert(path, Value::Object(item));
        }
    }
    *paths = kept;
    out
}

/// One drift `ChangeInfo`, flattened.
#[derive(Debug, Clone)]
struct DriftFinding {
    class: drift::ChangeClass,
    details: drift::ChangeDetails,
    comparison: drift::ChangeComparison,
    message: String,
    /// Where it is in the new document (JSON pointer).
    pointer: String,
    /// Where it is in the old document (JSON pointer).
    old_pointer: String,
    /// The operations (pointers) through which it was reached.
    endpoints: Vec<String>,
    /// Below a schema (drift's component or an inline `schema`), not at the operation level.
    schema_level: bool,
}

/// drift's pointers are `#`-prefixed and call the request body `request_body`.
fn drift_pointer(base: &str, subpath: &str) -> String {
    let base = base.strip_prefix('#').unwrap_or(base);
    let mut p = if subpath.is_empty() {
        base.to_string()
    } else {
        format!("{base}/{subpath}")
    };
    p = p.replace("/request_body", "/requestBody");
    p
}

/// Runs drift on the normalised, scoped documents.
///
/// drift 0.2.0 panics (`todo!`/`assert!` in `compare_content`) when a request body or response
/// gains or loses a media type, or a media type gains or loses its schema; our own comparison
/// reports those, so they are removed from drift's copies first, and any other panic is caught
/// and turned into an error.
fn run_drift(
    old: &Value,
    new: &Value,
    pairs: &[(&Operation, &Operation)],
) -> Result<Vec<DriftFinding>> {
    let (mut old, mut new) = (old.clone(), new.clone());
    for (o, n) in pairs {
        hide_content_differences(&mut old, &mut new, &o.pointer(), &n.pointer());
    }
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drift::compare(&old, &new)));
    let changes = match result {
        Ok(Ok(changes)) => changes,
        Ok(Err(e)) => bail!("drift: {e:#}"),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            bail!("drift panicked: {msg}");
        }
    };
    let mut out = Vec::new();
    for change in changes {
        let endpoints: Vec<String> = change
            .paths
            .iter()
            .filter_map(|p| p.new.endpoint_base().or_else(|| p.old.endpoint_base()))
            .map(|e| drift_pointer(e, ""))
            .collect();
        let Some(first) = change.paths.first() else {
            continue;
        };
        let at_component =
            first.new.component_base().is_some() || first.old.component_base().is_some();
        let (new_base, _) = first.new.base_and_subpath();
        let (old_base, _) = first.old.base_and_subpath();
        for info in &change.changes {
            let in_schema = |s: &str| s.split('/').any(|seg| seg == "schema");
            out.push(DriftFinding {
                class: info.class,
                details: info.details,
                comparison: first.comparison,
                message: info.message.clone(),
                pointer: drift_pointer(new_base, &info.new_subpath),
                old_pointer: drift_pointer(old_base, &info.old_subpath),
                endpoints: endpoints.clone(),
                schema_level: at_component
                    || in_schema(&info.new_subpath)
                    || in_schema(&info.old_subpath),
            });
        }
    }
    Ok(out)
}

/// Removes, from both copies, media types present on one side only and schemas present on one
/// side only (inline request bodies and responses of one operation pair).
fn hide_content_differences(old: &mut Value, new: &mut Value, old_op: &str, new_op: &str) {
    let mut holders = vec!["requestBody".to_string()];
    if let (Some(o), Some(n)) = (
        old.pointer(&format!("{old_op}/responses"))
            .and_then(Value::as_object),
        new.pointer(&format!("{new_op}/responses"))
            .and_then(Value::as_object),
    ) {
        holders.extend(
            o.keys()
                .filter(|k| n.contains_key(*k))
                .map(|k| format!("responses/{}", escape(k))),
        );
    }
    for holder in holders {
        let op = format!("{old_op}/{holder}/content");
        let np = format!("{new_op}/{holder}/content");
        let (Some(o), Some(n)) = (
            old.pointer(&op).and_then(Value::as_object).cloned(),
            new.pointer(&np).and_then(Value::as_object).cloned(),
        ) else {
            continue;
        };
        for (doc, ptr, mine, theirs) in [(&mut *old, &op, &o, &n), (&mut *new, &np, &n, &o)] {
            let Some(content) = doc.pointer_mut(ptr).and_then(Value::as_object_mut) else {
                continue;
            };
            for (mime, media) in mine {
                match theirs.get(mime) {
                    None => {
                        content.remove(mime);
                    }
                    Some(other)
                        if other.get("schema").is_none() && media.get("schema").is_some() =>
                    {
                        if let Some(m) = content.get_mut(mime).and_then(Value::as_object_mut) {
                            m.remove("schema");
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

fn op_ids_at(ops: &[Operation], pointer: &str) -> Vec<String> {
    ops.iter()
        .filter(|o| {
            let p = o.pointer();
            pointer == p || pointer.starts_with(&format!("{p}/"))
        })
        .map(|o| o.id.clone())
        .collect()
}

/// Maps one operation-level drift finding to a change, from a client's point of view.
///
/// drift asks "can old clients use the new server" (`BackwardIncompatible` when not) and "can
/// new clients use an old server" (`ForwardIncompatible` when not). The SDK is an *old client*
/// of the *new server*, so `BackwardIncompatible`/`Incompatible` are breaking and
/// `ForwardIncompatible` is additive, except where the SDK's own behaviour decides otherwise:
///
/// - a new response status: drift says backward-incompatible (old clients do not expect it).
///   The SDK turns any non-2xx into `close_sdk::Error::Api`, so a new error status is additive;
///   a new 2xx status is review (the generated code may not treat it as success).
/// - a request body removed: drift says forward-incompatible; the SDK still sends one, which
///   the server may ignore or refuse: review.
/// - drift's `Unhandled` here (a `default` response added or removed, a parameter switching
///   between `schema` and `content`): review.
fn from_drift(f: &DriftFinding, old_ops: &[Operation], new_ops: &[Operation]) -> Change {
    use drift::{ChangeClass as C, ChangeComparison as Cmp, ChangeDetails as D};
    let is_param = f.pointer.contains("/parameters/") || f.old_pointer.contains("/parameters/");
    let mut operations = op_ids_at(new_ops, &f.pointer);
    if operations.is_empty() {
        operations = op_ids_at(old_ops, &f.old_pointer);
    }
    let mut pointer = f.pointer.clone();
    let (severity, kind) = match (f.comparison, f.class, f.details) {
        (Cmp::Structural, _, D::Removed) => {
            // Point at where the operation was.
            pointer = f.old_pointer.clone();
            (Severity::Breaking, ChangeKind::OperationRemoved)
        }
        (Cmp::Structural, _, D::Added) => (Severity::Additive, ChangeKind::OperationAdded),
        (Cmp::Input, _, D::Removed) if is_param => {
            (Severity::Breaking, ChangeKind::ParameterRemoved)
        }
        (Cmp::Input, _, D::AddedRequired) if is_param => {
            (Severity::Breaking, ChangeKind::ParameterAdded)
        }
        (Cmp::Input, _, D::Added) if is_param => (Severity::Additive, ChangeKind::ParameterAdded),
        (Cmp::Input, _, D::MoreStrict) if is_param => {
            (Severity::Breaking, ChangeKind::ParameterRequired)
        }
        (Cmp::Input, _, D::LessStrict) if is_param => {
            (Severity::Additive, ChangeKind::ParameterOptional)
        }
        (Cmp::Input, C::Unhandled, _) if is_param => {
            (Severity::Review, ChangeKind::ParameterChanged)
        }
        (Cmp::Input, _, D::Removed) => (Severity::Review, ChangeKind::RequestBodyRemoved),
        (Cmp::Input, _, D::AddedRequired) => (Severity::Breaking, ChangeKind::RequestBodyAdded),
        (Cmp::Input, _, D::Added) => (Severity::Additive, ChangeKind::RequestBodyAdded),
        (Cmp::Input, _, D::MoreStrict) => (Severity::Breaking, ChangeKind::RequestBodyRequired),
        (Cmp::Input, _, D::LessStrict) => (Severity::Additive, ChangeKind::RequestBodyOptional),
        (Cmp::Output, C::BackwardIncompatible, D::Added) => {
            let status = f.message.rsplit(' ').next().unwrap_or("");
            if status.starts_with('2') {
                (Severity::Review, ChangeKind::ResponseStatusAdded)
            } else {
                (Severity::Additive, ChangeKind::ResponseStatusAdded)
            }
        }
        (Cmp::Output, C::ForwardIncompatible, D::Removed) => {
            (Severity::Additive, ChangeKind::ResponseStatusRemoved)
        }
        (_, C::Unhandled, D::Added) => (Severity::Review, ChangeKind::ResponseStatusAdded),
        (_, C::Unhandled, D::Removed) => (Severity::Review, ChangeKind::ResponseStatusRemoved),
        (_, C::Trivial, _) => (Severity::Docs, ChangeKind::Docs),
        (_, class, _) => (severity_of_class(class), ChangeKind::Unclassified),
    };
    Change {
        severity,
        kind,
        schema: schema_of(&pointer),
        pointer,
        message: f.message.clone(),
        operations,
        classified_by: ClassifiedBy::Drift,
    }
}

fn severity_of_class(class: drift::ChangeClass) -> Severity {
    match class {
        drift::ChangeClass::BackwardIncompatible | drift::ChangeClass::Incompatible => {
            Severity::Breaking
        }
        drift::ChangeClass::ForwardIncompatible => Severity::Additive,
        drift::ChangeClass::Trivial => Severity::Docs,
        drift::ChangeClass::Unhandled => Severity::Review,
    }
}

/// drift's schema-level findings that our own comparison has nothing for at the same place
/// (the same pointer, or one inside the other): anything non-docs covers a non-trivial finding,
/// anything at all covers a trivial one.
fn unclassified(
    drift: &[DriftFinding],
    ours: &[Change],
    old_ops: &[Operation],
    new_ops: &[Operation],
) -> Vec<Change> {
    let within = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/"));
    let mut out = Vec::new();
    for f in drift {
        let trivial = f.class == drift::ChangeClass::Trivial;
        let covered = ours.iter().any(|c| {
            (trivial || c.severity > Severity::Docs)
                && (within(&c.pointer, &f.pointer) || within(&f.pointer, &c.pointer))
        });
        if covered {
            continue;
        }
        let ids: BTreeSet<String> = f
            .endpoints
            .iter()
            .flat_map(|e| {
                let mut ids = op_ids_at(new_ops, e);
                ids.extend(op_ids_at(old_ops, e));
                ids
            })
            .collect();
        out.push(Change {
            severity: severity_of_class(f.class),
            kind: ChangeKind::Unclassified,
            schema: schema_of(&f.pointer),
            pointer: f.pointer.clone(),
            message: format!("drift: {} (not classified further)", f.message),
            operations: ids.into_iter().collect(),
            classified_by: ClassifiedBy::Drift,
        });
    }
    out
}

/// An operation removed at one route and added with the same id at another is a move.
fn merge_moves(changes: Vec<Change>) -> Vec<Change> {
    let added: Vec<Change> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::OperationAdded)
        .cloned()
        .collect();
    let mut out = Vec::new();
    let mut moved_ids = BTreeSet::new();
    for c in &changes {
        if c.kind == ChangeKind::OperationRemoved {
            if let Some(a) = added
                .iter()
                .find(|a| a.operations.iter().any(|id| c.operations.contains(id)))
            {
                moved_ids.extend(a.operations.iter().cloned());
                out.push(Change {
                    severity: Severity::Breaking,
                    kind: ChangeKind::OperationMoved,
                    pointer: a.pointer.clone(),
                    message: format!(
                        "operation {} moved from {} to {}",
                        c.operations.join(", "),
                        c.pointer,
                        a.pointer
                    ),
                    operations: a.operations.clone(),
                    schema: None,
                    classified_by: ClassifiedBy::CloseSdkGen,
                });
                continue;
            }
        }
        out.push(c.clone());
    }
    out.retain(|c| {
        !(matches!(
            c.kind,
            ChangeKind::OperationAdded | ChangeKind::OperationRemoved
        ) && c.operations.iter().any(|id| moved_ids.contains(id)))
    });
    out
}

/// Operation-level changes when drift could not run: covered operations that disappeared, and
/// covered ids that appear at another route.
fn fallback_operation_changes(
    old: &[Operation],
    new: &[Operation],
    pairs: &[(&Operation, &Operation)],
) -> Vec<Change> {
    let mut out = Vec::new();
    for o in old {
        if pairs.iter().any(|(p, _)| p.pointer() == o.pointer()) {
            continue;
        }
        let mut c = match new
            .iter()
            .find(|n| !o.id.is_empty() && n.identity() == o.identity())
        {
            Some(n) => Change::own(
                Severity::Breaking,
                ChangeKind::OperationMoved,
                &n.pointer(),
                format!(
                    "operation {} moved from {} to {}",
                    o.id,
                    o.pointer(),
                    n.pointer()
                ),
            ),
            None => Change::own(
                Severity::Breaking,
                ChangeKind::OperationRemoved,
                &o.pointer(),
                format!("the operation {} was removed", o.id),
            ),
        };
        c.operations = vec![o.id.clone()];
        out.push(c);
    }
    out
}

/// One entry per (pointer, kind, message), with the operations united and the worst severity.
fn dedupe(changes: Vec<Change>) -> Vec<Change> {
    let mut by_key: BTreeMap<(String, ChangeKind, String), Change> = BTreeMap::new();
    for c in changes {
        let key = (c.pointer.clone(), c.kind, c.message.clone());
        match by_key.get_mut(&key) {
            Some(existing) => {
                existing.severity = existing.severity.max(c.severity);
                for id in c.operations {
                    if !existing.operations.contains(&id) {
                        existing.operations.push(id);
                    }
                }
                existing.operations.sort();
            }
            None => {
                by_key.insert(key, c);
            }
        }
    }
    by_key.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_ignore_parameter_names() {
        assert_eq!(route_key("/a/{id}/b/{x}/"), "/a/{}/b/{}/");
        assert_eq!(route_key("/a/{id}/"), route_key("/a/{membership_id}/"));
    }

    #[test]
    fn schema_names_come_from_component_pointers() {
        assert_eq!(
            schema_of("/components/schemas/Membership/properties/id").as_deref(),
            Some("Membership")
        );
        assert_eq!(schema_of("/paths/~1a~1/get"), None);
    }

    #[test]
    fn fail_on_breaking_counts_review_and_any_counts_additive_but_not_docs() {
        let with = |s| Report {
            changes: vec![Change::own(s, ChangeKind::Docs, "/x", String::new())],
            ..Report::default()
        };
        assert!(!with(Severity::Docs).fails(FailOn::Any));
        assert!(with(Severity::Additive).fails(FailOn::Any));
        assert!(!with(Severity::Additive).fails(FailOn::Breaking));
        assert!(with(Severity::Review).fails(FailOn::Breaking));
        assert!(with(Severity::Breaking).fails(FailOn::Breaking));
        assert!(!Report::default().fails(FailOn::Any));
    }

    #[test]
    fn json_has_the_four_lists_and_each_change_the_required_fields() {
        let r = Report {
            changes: vec![Change::own(
                Severity::Review,
                ChangeKind::EnumValueAdded,
                "/components/schemas/S/enum",
                "m".into(),
            )],
            notes: vec!["not in json".into()],
            ..Report::default()
        };
        let v: Value = serde_json::from_str(&r.to_json()).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        // (Parsed into a sorted map.)
        assert_eq!(keys, ["changes", "extract_only", "not_covered", "overlay"]);
        let c = &v["changes"][0];
        assert_eq!(c["severity"], "review");
        assert_eq!(c["kind"], "enum-value-added");
        assert_eq!(c["pointer"], "/components/schemas/S/enum");
        assert_eq!(c["schema"], "S");
        assert_eq!(c["message"], "m");
    }

    #[test]
    fn extract_operations_no_whole_document_has_are_listed_once_by_route() {
        let whole = serde_json::json!({"paths": {
            "/membership/{id}/": {"get": {"operationId": "get"}}}});
        let new = serde_json::json!({"paths": {"/form/": {"get": {"operationId": "list"}}}});
        let extracts = vec![
            (
                "examples/m.yml".to_string(),
                serde_json::json!({"paths": {"/membership/{membership_id}/": {
                    "get": {"operationId": "memberships_get"},
                    "delete": {"operationId": "memberships_delete", "summary": "Delete"}}}}),
            ),
            (
                "examples/f.yml".to_string(),
                serde_json::json!({"paths": {
                    "/form/{id}/": {"get": {"operationId": "forms_fetch"}},
                    "/form/": {"get": {"operationId": "forms_list"}}}}),
            ),
            (
                "examples/again.yml".to_string(),
                serde_json::json!({"paths": {"/membership/{x}/": {"delete": {}}}}),
            ),
        ];
        // The pinned whole document has the GET; the new one has `GET /form/`.
        let got = extract_only(&extracts, &[&whole, &new]);
        let lines: Vec<(&str, &str, &str, &str)> = got
            .iter()
            .map(|e| {
                (
                    e.method.as_str(),
                    e.path.as_str(),
                    e.operation.as_str(),
                    e.extract.as_str(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("GET", "/form/{id}/", "forms_fetch", "examples/f.yml"),
                (
                    "DELETE",
                    "/membership/{membership_id}/",
                    "memberships_delete",
                    "examples/m.yml"
                ),
            ]
        );
        assert_eq!(
            got[1].pointer,
            "/paths/~1membership~1{membership_id}~1/delete"
        );
        assert_eq!(
            got[1].message,
            "in an extract, not in the whole document: Delete"
        );
        // Listed in the text and the JSON, but not a change: nothing fails.
        let r = Report {
            extract_only: got,
            ..Report::default()
        };
        assert!(r.is_empty() && !r.fails(FailOn::Any));
        let text = r.to_text();
        assert!(
            text.contains("2 operation(s) in a pinned extract, not in the whole document"),
            "{text}"
        );
        assert!(
            text.contains("  GET    /form/{id}/ forms_fetch (examples/f.yml): in an extract"),
            "{text}"
        );
        let v: Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(v["extract_only"][0]["operation"], "forms_fetch");
    }

    #[test]
    fn non_openapi_input_is_refused_saying_why() {
        let e = parse_upstream("openapi: 2.0\npaths: {}\n", "x.yml").unwrap_err();
        assert!(e.to_string().contains("not an OpenAPI 3.0/3.1/3.2"), "{e}");
        let e = parse_upstream("openapi: 3.0.3\n", "x.yml").unwrap_err();
        assert!(e.to_string().contains("no `paths`"), "{e}");
        let e = parse_upstream("{ not: [valid", "x.yml").unwrap_err();
        assert!(e.to_string().contains("neither JSON nor YAML"), "{e}");
    }
}
