//! The pipeline: from the pinned upstream copies to every generated file, the steps in order
//! (see the crate doc). The top of the generation: it uses [`crate::openapi`], [`crate::codegen`]
//! and [`crate::testgen`]; nothing but [`crate::drift::spec_update`] uses it.

use std::path::Path;

use anyhow::{Context, Result};

use crate::codegen::{layout, operations, secrets};
use crate::files::{GeneratedFile, EFFECTIVE_SPEC, GENERATED_OPERATIONS, OVERLAY, UPSTREAM_DIR};
use crate::openapi::{
    adopted, examples, json, normalize, overlay, query_types, renames, rules, search_query,
    upstream,
};
use crate::testgen::{conformance, mock_examples, pagination, wire};

/// Builds the effective spec (upstream + overlay, normalised to 3.0.3, rules and renames
/// applied) as JSON.
pub fn effective_spec(root: &Path) -> Result<serde_json::Value> {
    let pinned = upstream::Pinned::load(&root.join(UPSTREAM_DIR))?;
    let mut doc = pinned.merged()?;
    adopted::apply(&mut doc, &pinned).context("adopting operations from the pinned extracts")?;
    let overlay = overlay::Overlay::load(&root.join(OVERLAY))?;
    overlay.apply(&mut doc)?;
    examples::graft(&mut doc, &pinned.examples);
    normalize::to_openapi_3_0(&mut doc)?;
    rules::apply(&mut doc)?;
    // After the rules' relaxing, so a response's `s_query` keeps its `nullable`.
    search_query::apply(&mut doc);
    query_types::apply(&mut doc);
    renames::Renames::load(&root.join(renames::RENAMES))?.apply(&mut doc)?;
    Ok(doc)
}

/// Runs the whole pipeline and returns every generated file, byte-identical on every run.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>> {
    let spec = effective_spec(root)?;
    let mut files = vec![GeneratedFile {
        path: EFFECTIVE_SPEC.into(),
        contents: json::to_canonical_string(&spec),
    }];
    let (rust, _) = layout::generated_files(&spec).context("generating the client")?;
    files.extend(rust);
    files.push(GeneratedFile {
        path: GENERATED_OPERATIONS.into(),
        contents: operations::operations_source(&spec)?,
    });
    files.push(secrets::secrets_file(&spec)?);
    files.push(mock_examples::mock_examples_file(&spec)?);
    files.push(GeneratedFile {
        path: conformance::CONFORMANCE_TEST.into(),
        contents: conformance::conformance_source(&spec)?,
    });
    files.push(GeneratedFile {
        path: pagination::PAGINATION_TEST.into(),
        contents: pagination::test_source(&spec)?,
    });
    files.push(GeneratedFile {
        path: wire::WIRE_TEST.into(),
        contents: wire::wire_test_source(&spec)?.0,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
