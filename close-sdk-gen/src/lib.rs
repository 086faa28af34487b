//! The close-sdk generator: from Close's pinned spec to the checked-in client.
//!
//! The pipeline, in order, each step a module:
//!
//! 1. [`upstream`]: read the verbatim copies of Close's published spec in `openapi/upstream/`,
//!    check them against their recorded sha256, and merge the per-tag extracts into one document.
//! 2. [`overlay`]: apply the project's corrections (`openapi/overlay.yaml`, RFC 6902 patches,
//!    each with a reason).
//! 3. [`normalize`]: rewrite the OpenAPI 3.1/3.2 constructs Close uses into OpenAPI 3.0.3, the
//!    only version progenitor reads.
//! 4. [`codegen`]: validate with `openapiv3`, generate with `progenitor-impl`, format with
//!    `prettyplease`.
//!
//! [`generate`] runs all of it and returns the files to write; `cargo xtask generate` writes
//! them, `cargo xtask generate --check` compares them with what is checked in.
#![forbid(unsafe_code)]

pub mod api_surface;
pub mod codegen;
pub mod coverage;
pub mod features;
pub mod json;
pub mod mocks;
pub mod normalize;
pub mod operations;
pub mod overlay;
pub mod overlay_check;
pub mod spec_diff;
pub mod spec_update;
pub mod structural_diff;
pub mod upstream;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The effective spec, relative to the workspace root.
pub const EFFECTIVE_SPEC: &str = "openapi/close.json";
/// The generated client, relative to the workspace root.
pub const GENERATED_CLIENT: &str = "close-sdk/src/generated/client.rs";
/// The operation table, relative to the workspace root.
pub const GENERATED_OPERATIONS: &str = "close-sdk/src/generated/operations.rs";
/// The typed httpmock helpers (close-sdk's `mock` feature), relative to the workspace root.
pub const GENERATED_MOCKS: &str = "close-sdk/src/generated/httpmock.rs";
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

/// Builds the effective spec (upstream + overlay, normalised to 3.0.3) as JSON.
pub fn effective_spec(root: &Path) -> Result<serde_json::Value> {
    let pinned = upstream::Pinned::load(&root.join(UPSTREAM_DIR))?;
    let mut doc = pinned.merged()?;
    let overlay = overlay::Overlay::load(&root.join(OVERLAY))?;
    overlay.apply(&mut doc)?;
    normalize::to_openapi_3_0(&mut doc)?;
    Ok(doc)
}

/// Runs the whole pipeline and returns every generated file, byte-identical on every run.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>> {
    let spec = effective_spec(root)?;
    let spec_text = json::to_canonical_string(&spec);
    let client = codegen::generate_client(&spec).context("generating the client")?;
    Ok(vec![
        GeneratedFile {
            path: EFFECTIVE_SPEC.into(),
            contents: spec_text,
        },
        GeneratedFile {
            path: GENERATED_CLIENT.into(),
            contents: client,
        },
        GeneratedFile {
            path: GENERATED_OPERATIONS.into(),
            contents: operations::operations_source(&spec)?,
        },
        GeneratedFile {
            path: GENERATED_MOCKS.into(),
            contents: mocks::generate_mocks(&spec).context("generating the typed mocks")?,
        },
    ])
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
    stale
}
