//! What a spec diff reports: one [`Change`] with its [`Severity`] and [`ChangeKind`], shared by
//! the drift-based comparison (`spec_diff`), close-sdk-gen's own structural comparison
//! (`structural_diff`) and the overlay check (`overlay_check`).

use std::fmt;

use serde::Serialize;

/// How much a change matters to a client built from the pinned copy. Ordered from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Descriptions, summaries, titles, examples only.
    Docs,
    /// Something new the SDK does not use yet; nothing it does stops working.
    Additive,
    /// Cannot be decided mechanically (e.g. a value added to a response enum: the SDK may or may
    /// not decode it). Counts as breaking for `--fail-on breaking`.
    Review,
    /// Something the SDK sends or decodes no longer matches the API.
    Breaking,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Docs => "docs",
            Severity::Additive => "additive",
            Severity::Review => "review",
            Severity::Breaking => "breaking",
        })
    }
}

/// What kind of change it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    OperationMoved,
    OperationRenamed,
    OperationDeprecated,
    ParameterAdded,
    ParameterRemoved,
    ParameterRequired,
    ParameterOptional,
    ParameterChanged,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequired,
    RequestBodyOptional,
    RequestSchemaChanged,
    MediaTypeAdded,
    MediaTypeRemoved,
    ResponseStatusAdded,
    ResponseStatusRemoved,
    ResponseSchemaAdded,
    ResponseSchemaRemoved,
    PropertyAdded,
    PropertyRemoved,
    PropertyRequired,
    PropertyOptional,
    TypeChanged,
    FormatChanged,
    NullableChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumAdded,
    EnumRemoved,
    ConstraintChanged,
    AdditionalPropertiesChanged,
    CompositionChanged,
    DefaultChanged,
    Deprecated,
    Docs,
    /// drift found a difference our own comparison did not classify.
    Unclassified,
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = serde_json::to_value(self).unwrap_or_default();
        f.write_str(v.as_str().unwrap_or("?"))
    }
}

/// Who decided the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassifiedBy {
    /// Oxide's `drift` crate (its class, mapped to a client's view).
    Drift,
    /// close-sdk-gen's own structural comparison.
    CloseSdkGen,
}

/// One change between the pinned copy and the new document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How much it matters to the SDK.
    pub severity: Severity,
    /// What kind of change.
    pub kind: ChangeKind,
    /// JSON pointer into the new document (for a removal: where the removed item was).
    pub pointer: String,
    /// One line for people.
    pub message: String,
    /// The covered operations it affects (operationIds).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    /// The component schema it is in, when it is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Who classified it.
    pub classified_by: ClassifiedBy,
}

impl Change {
    /// A change found by close-sdk-gen's own comparison.
    pub fn own(severity: Severity, kind: ChangeKind, pointer: &str, message: String) -> Self {
        Self {
            severity,
            kind,
            pointer: pointer.to_string(),
            message,
            operations: Vec::new(),
            schema: schema_of(pointer),
            classified_by: ClassifiedBy::CloseSdkGen,
        }
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The component schema a pointer is in: `/components/schemas/X/...` → `X`.
pub(crate) fn schema_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    Some(unescape(rest.split('/').next().unwrap_or(rest)))
}
