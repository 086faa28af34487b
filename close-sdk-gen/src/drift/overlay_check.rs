//! Which overlay corrections (`openapi/overlay.yaml`) a new upstream document makes stale.
//!
//! Each correction is applied to the new document in order, as `cargo xtask generate` would.
//! Two findings:
//!
//! - **no longer applies** (breaking: `spec update` would fail on it): the patch fails, e.g. the
//!   path it moves or replaces is gone. The document is left as it was before that correction
//!   and the next ones are still checked.
//! - **covered upstream** (review: the correction may now be redundant, or may override what
//!   Close now publishes): an `add` whose target exists in the new document but did not exist
//!   in the pinned copy at the same step (e.g. upstream finally publishes the response schema
//!   the overlay adds), or an `add`/`replace` whose value the new document already has.

use serde::Serialize;
use serde_json::Value;

use json_patch::{Patch, PatchOperation};

use crate::drift::change::Severity;
use crate::openapi::overlay::Overlay;

/// What is wrong with a correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OverlayFindingKind {
    /// The patch fails against the new document.
    NoLongerApplies,
    /// The new document already has what the patch adds.
    CoveredUpstream,
}

impl std::fmt::Display for OverlayFindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OverlayFindingKind::NoLongerApplies => "no-longer-applies",
            OverlayFindingKind::CoveredUpstream => "covered-upstream",
        })
    }
}

/// One correction to revisit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverlayFinding {
    /// `breaking` for no-longer-applies, `review` for covered-upstream.
    pub severity: Severity,
    /// What is wrong.
    pub kind: OverlayFindingKind,
    /// The correction's number in the overlay (1-based).
    pub correction: usize,
    /// The first words of its reason.
    pub label: String,
    /// The patch target, a JSON pointer into the new document.
    pub pointer: String,
    /// One line for people.
    pub message: String,
}

/// Checks every correction of `overlay` against `new`, using `old` (the pinned copy) to tell
/// what upstream *newly* covers. Both are documents as published (before normalisation).
pub fn check(old: &Value, new: &Value, overlay: &Overlay) -> Vec<OverlayFinding> {
    let mut old = old.clone();
    let mut new = new.clone();
    let mut out = Vec::new();
    for (i, c) in overlay.corrections.iter().enumerate() {
        let number = i + 1;
        let finding = |severity, kind, pointer: &str, message: String| OverlayFinding {
            severity,
            kind,
            correction: number,
            label: c.label(),
            pointer: pointer.to_string(),
            message,
        };
        // Covered upstream: look before applying, op by op on scratch copies so that later
        // operations of the same correction see the earlier ones applied.
        let (mut o_step, mut n_step) = (old.clone(), new.clone());
        for op in &c.patch.0 {
            let (path, value) = match op {
                PatchOperation::Add(a) => (a.path.as_str(), Some(&a.value)),
                PatchOperation::Replace(r) => (r.path.as_str(), Some(&r.value)),
                _ => (target(op), None),
            };
            let in_new = n_step.pointer(path);
            let in_old = o_step.pointer(path);
            if let PatchOperation::Add(_) = op {
                if !path.ends_with("/-") && in_new.is_some() && in_old.is_none() {
                    out.push(finding(
                        Severity::Review,
                        OverlayFindingKind::CoveredUpstream,
                        path,
                        "upstream now defines this itself; the correction's `add` overwrites it — \
                         check whether the correction is still needed"
                            .into(),
                    ));
                }
            }
            if let (Some(v), Some(have)) = (value, in_new) {
                if in_old != Some(v) && have == v {
                    out.push(finding(
                        Severity::Review,
                        OverlayFindingKind::CoveredUpstream,
                        path,
                        "upstream now has exactly this value; the correction can be dropped".into(),
                    ));
                }
            }
            let one = Patch(vec![op.clone()]);
            let _ = json_patch::patch(&mut o_step, &one);
            let _ = json_patch::patch(&mut n_step, &one);
        }
        if let Err(e) = json_patch::patch(&mut new, &c.patch) {
            out.push(finding(
                Severity::Breaking,
                OverlayFindingKind::NoLongerApplies,
                e.path.as_str(),
                format!(
                    "no longer applies to the new upstream (operation #{}: {}); \
                     `cargo xtask spec update` would fail here",
                    e.operation + 1,
                    e.kind
                ),
            ));
        }
        let _ = json_patch::patch(&mut old, &c.patch);
    }
    out
}

fn target(op: &PatchOperation) -> &str {
    match op {
        PatchOperation::Add(o) => o.path.as_str(),
        PatchOperation::Remove(o) => o.path.as_str(),
        PatchOperation::Replace(o) => o.path.as_str(),
        PatchOperation::Move(o) => o.path.as_str(),
        PatchOperation::Copy(o) => o.path.as_str(),
        PatchOperation::Test(o) => o.path.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OVERLAY: &str = r#"
corrections:
  - reason: add a response schema upstream lacks
    patch:
      - { op: add, path: /paths/~1a~1/get/responses/200/content/application~1json/schema, value: { type: object } }
  - reason: rename A to B
    patch:
      - { op: move, from: /components/schemas/A, path: /components/schemas/B }
"#;

    fn doc(schema: Option<Value>, with_a: bool) -> Value {
        let mut media = json!({"example": {"x": 1}});
        if let Some(s) = schema {
            media["schema"] = s;
        }
        let mut d = json!({"paths": {"/a/": {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/json": media}}}}}}, "components": {"schemas": {}}});
        if with_a {
            d["components"]["schemas"]["A"] = json!({"type": "string"});
        }
        d
    }

    #[test]
    fn the_pinned_copy_against_itself_has_no_findings() {
        let o = Overlay::parse(OVERLAY).unwrap();
        assert!(check(&doc(None, true), &doc(None, true), &o).is_empty());
    }

    #[test]
    fn a_schema_upstream_now_publishes_is_covered_upstream() {
        let o = Overlay::parse(OVERLAY).unwrap();
        let f = check(
            &doc(None, true),
            &doc(Some(json!({"type": "array"})), true),
            &o,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, OverlayFindingKind::CoveredUpstream);
        assert_eq!(f[0].severity, Severity::Review);
        assert_eq!(f[0].correction, 1);
    }

    #[test]
    fn the_same_value_upstream_says_the_correction_can_be_dropped() {
        let o = Overlay::parse(OVERLAY).unwrap();
        let f = check(
            &doc(None, true),
            &doc(Some(json!({"type": "object"})), true),
            &o,
        );
        assert!(
            f.iter().any(|f| f.message.contains("can be dropped")),
            "{f:?}"
        );
    }

    #[test]
    fn a_correction_that_fails_is_named_and_the_rest_still_checked() {
        let o = Overlay::parse(OVERLAY).unwrap();
        let f = check(&doc(None, true), &doc(None, false), &o);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].kind, OverlayFindingKind::NoLongerApplies);
        assert_eq!(f[0].severity, Severity::Breaking);
        assert_eq!(f[0].correction, 2);
        assert_eq!(f[0].label, "rename A to B");
    }
}
