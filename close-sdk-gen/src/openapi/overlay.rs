//! The project's corrections to Close's spec: `openapi/overlay.yaml`.
//!
//! The format is a list of corrections, each a one-line `reason` plus a standard RFC 6902 JSON
//! Patch applied with the `json-patch` crate. Corrections apply in order, each atomically, and
//! an error names the correction that no longer applies.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::Value;

use crate::openapi::json::parse_document;

/// The whole overlay file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// The corrections, applied in order.
    pub corrections: Vec<Correction>,
}

/// One correction: why, and the JSON Patch that makes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// One line saying why the upstream is wrong or incomplete here.
    pub reason: String,
    /// The RFC 6902 operations.
    pub patch: json_patch::Patch,
}

impl Correction {
    /// A short label for messages: the first words of the reason.
    pub fn label(&self) -> String {
        let words: Vec<&str> = self.reason.split_whitespace().take(12).collect();
        let mut s = words.join(" ");
        if self.reason.split_whitespace().count() > 12 {
            s.push('…');
        }
        s
    }
}

impl Overlay {
    /// Reads and parses an overlay file (YAML or JSON).
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses overlay text (YAML or JSON).
    pub fn parse(text: &str) -> Result<Self> {
        let value = parse_document(text, "the overlay")?;
        let overlay: Overlay = serde_json::from_value(value)
            .context("the overlay does not have the expected shape")?;
        for (i, c) in overlay.corrections.iter().enumerate() {
            if c.reason.trim().is_empty() {
                bail!("correction #{} has an empty reason", i + 1);
            }
            if c.patch.0.is_empty() {
                bail!(
                    "correction #{} (\"{}\") has no operations",
                    i + 1,
                    c.label()
                );
            }
        }
        Ok(overlay)
    }

    /// Applies every correction in order. On failure the document is left as it was before the
    /// failing correction, and the error names it.
    pub fn apply(&self, doc: &mut Value) -> Result<()> {
        for (i, c) in self.corrections.iter().enumerate() {
            json_patch::patch(doc, &c.patch).with_context(|| {
                format!(
                    "overlay correction #{} (\"{}\") no longer applies to the upstream spec",
                    i + 1,
                    c.label()
                )
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OVERLAY: &str = r#"
corrections:
  - reason: add a schema
    patch:
      - { op: add, path: /components/schemas/B, value: { type: integer } }
  - reason: rename A to C because upstream named it badly
    patch:
      - { op: move, from: /components/schemas/A, path: /components/schemas/C }
"#;

    #[test]
    fn corrections_apply_in_order() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "string"}}}});
        Overlay::parse(OVERLAY).unwrap().apply(&mut doc).unwrap();
        assert_eq!(
            doc,
            json!({"components": {"schemas": {"B": {"type": "integer"}, "C": {"type": "string"}}}})
        );
    }

    #[test]
    fn a_correction_that_no_longer_applies_is_named() {
        let mut doc = json!({"components": {"schemas": {}}});
        let err = Overlay::parse(OVERLAY)
            .unwrap()
            .apply(&mut doc)
            .unwrap_err();
        assert!(
            format!("{err:#}").contains("correction #2 (\"rename A to C"),
            "{err:#}"
        );
        // The first correction applied; the failing one left nothing half-done.
        assert_eq!(
            doc,
            json!({"components": {"schemas": {"B": {"type": "integer"}}}})
        );
    }

    #[test]
    fn reasons_are_required() {
        let err = Overlay::parse("corrections: [{reason: ' ', patch: [{op: remove, path: /a}]}]")
            .unwrap_err();
        assert!(err.to_string().contains("empty reason"));
        assert!(Overlay::parse("corrections: [{patch: [{op: remove, path: /a}]}]").is_err());
    }
}
