//! The close-sdk generator: from Close's pinned spec to the checked-in client.
//!
//! The pipeline, in order, each step a module:
//!
//! 1. [`upstream`]: read the verbatim copy of Close's whole published document in
//!    `openapi/upstream/` (and the per-tag extracts pinned for their examples), each checked
//!    against its recorded sha256.
//!    [`adopted`]: add the few operations Close documents but its whole document lacks (Forms,
//!    ImportUpdate activities), from the pinned extracts, by an explicit allow-list.
//! 2. [`overlay`]: apply the project's per-schema corrections (`openapi/overlay.yaml`, RFC 6902
//!    patches, each with a reason); [`examples`]: carry the pinned per-tag extracts' request and
//!    response examples into the document.
//! 3. [`normalize`]: rewrite the OpenAPI 3.1/3.2 constructs Close uses into OpenAPI 3.0.3, the
//!    only version progenitor reads.
//! 4. [`rules`]: what holds for every operation (operationId prefixes, no `Authorization`
//!    parameter, one error body, date types, names of list envelopes, …); [`renames`]: the
//!    names the SDK gives schemas Close named by accident (`openapi/renames.yaml`);
//!    [`query_types`]: typed query filters (dates, id lists).
//! 5. [`split`] and [`layout`]: one progenitor run per cargo feature ([`features`]) and per set
//!    of features sharing schemas, reshaped into modules of one `Client`; [`operations`]: the
//!    request path's operation table; [`paginate`]: `.paginate()` on every list.
//!
//! [`generate`] runs all of it and returns the files to write; `cargo xtask generate` writes
//! them, `cargo xtask generate --check` compares them with what is checked in (and flags
//! generated files that are no longer produced).
#![forbid(unsafe_code)]

pub mod accessors;
pub mod adopted;
pub mod api_surface;
pub mod change;
pub mod codegen;
pub mod conformance;
pub mod coverage;
pub mod examples;
pub mod features;
pub mod handles;
pub mod json;
pub mod layout;
pub mod mock_examples;
pub mod normalize;
pub mod operations;
pub mod overlay;
pub mod overlay_check;
pub mod paginate;
pub mod query_types;
pub mod renames;
pub mod rules;
pub mod search_query;
pub mod secrets;
pub mod spec_diff;
pub mod spec_update;
pub mod split;
pub mod struct_builders;
pub mod structural_diff;
pub mod upstream;
pub mod wire;
pub mod wire_tests;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The effective spec, relative to the workspace root.
pub const EFFECTIVE_SPEC: &str = "openapi/close.json";
/// The generated client core, relative to the workspace root.
pub const GENERATED_CLIENT: &str = "close-sdk/src/generated/client.rs";
/// The directory of all generated Rust code, relative to the workspace root.
pub const GENERATED_DIR: &str = layout::GENERATED_DIR;
/// The operation table, relative to the workspace root.
pub const GENERATED_OPERATIONS: &str = "close-sdk/src/generated/operations.rs";
/// The overlay, relative to the workspace root.
pub const OVERLAY: &str = "openapi/overlay.yaml";
/// The pinned upstream copies and their provenance, relative to the workspace root.
pub const UPSTREAM_DIR: &str = "openapi/upstream";

/// One file the generator produces: where it goes (relative to the workspace root) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

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
        path: paginate::PAGINATION_TEST.into(),
        contents: paginate::test_source(&spec)?,
    });
    files.push(GeneratedFile {
        path: wire_tests::WIRE_TEST.into(),
        contents: wire_tests::wire_test_source(&spec)?.0,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The generated Rust files under `root` that `generated` does not produce (left over from a
/// feature or shared module that no longer exists), relative to `root`.
pub fn leftover_files(root: &Path, generated: &[GeneratedFile]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut found = Vec::new();
    walk(&root.join(GENERATED_DIR), &mut found);
    let mut left: Vec<PathBuf> = found
        .into_iter()
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .filter(|p| !generated.iter().any(|g| &g.path == p))
        .collect();
    left.sort();
    left
}

/// A checked-in file that differs from what the generator produces now.
#[derive(Debug, Clone)]
pub struct StaleFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// A unified diff from the checked-in text to the generated text (cut to `max_lines`).
    pub diff: String,
}

/// Compares generated files with the files under `root`; returns the ones that differ, each
/// with a unified diff of at most `max_lines` lines.
pub fn stale_files(root: &Path, generated: &[GeneratedFile], max_lines: usize) -> Vec<StaleFile> {
    let mut stale = Vec::new();
    for f in generated {
        let on_disk = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
        if on_disk == f.contents {
            continue;
        }
        let name = f.path.display().to_string();
        let diff = similar::TextDiff::from_lines(&on_disk, &f.contents)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{name} (checked in)"),
                &format!("{name} (generated)"),
            )
            .to_string();
        let total = diff.lines().count();
        let mut cut: String = diff
            .lines()
            .take(max_lines)
            .map(|l| format!("{l}\n"))
            .collect();
        if total > max_lines {
            cut.push_str(&format!("… {} more diff lines\n", total - max_lines));
        }
        stale.push(StaleFile {
            path: f.path.clone(),
            diff: cut,
        });
    }
    for path in leftover_files(root, generated) {
        stale.push(StaleFile {
            diff: format!("{} is no longer generated; delete it\n", path.display()),
            path,
        });
    }
    stale
}
