//! `cargo xtask spec update`: replace one pinned upstream copy, re-apply the overlay, regenerate
//! everything, and say what changed in the SDK's public API.
//!
//! [`plan`] does all the work in a scratch copy of `openapi/` and returns every file to write;
//! nothing in the tree changes unless it all succeeded. [`apply`] then writes the files next to
//! their targets first and renames them into place, so a failed write leaves the tree as it was.

use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::files::{GeneratedFile, UPSTREAM_DIR};
use crate::openapi::upstream::{sha256_hex, Pinned, Provenance, PROVENANCE_FILE};
use crate::report::api_surface::{self, SurfaceDiff};

/// Everything an update would write, and what it does to the SDK.
#[derive(Debug, Clone)]
pub struct UpdatePlan {
    /// The pinned file that is replaced (a name inside `openapi/upstream/`).
    pub file: String,
    /// sha256 of the new copy.
    pub sha256: String,
    /// Whether the new copy is byte-identical to the pinned one.
    pub unchanged_copy: bool,
    /// Every file to write, relative to the workspace root.
    pub writes: Vec<GeneratedFile>,
    /// What changed in the generated client's public API.
    pub api: SurfaceDiff,
}

/// Plans replacing a pinned copy with `new_bytes` (fetched from `origin`, pinned on `today`,
/// `YYYY-MM-DD`). `file` names the pinned file it replaces; it may be left out when only one
/// file is pinned. Fails, writing nothing, if the document is not OpenAPI 3.x, if an overlay
/// correction no longer applies (the error names it) or if generation fails.
pub fn plan(
    root: &Path,
    new_bytes: &[u8],
    origin: &str,
    file: Option<&str>,
    today: &str,
) -> Result<UpdatePlan> {
    let text = std::str::from_utf8(new_bytes).with_context(|| format!("{origin} is not UTF-8"))?;
    let upstream_dir = root.join(UPSTREAM_DIR);
    let pinned = Pinned::load(&upstream_dir)?;
    // Only documents are replaced here; examples files are evidence, changed by hand.
    let names: Vec<&str> = pinned.document_names();
    let target = match (file, names.as_slice()) {
        (Some(f), _) if names.contains(&f) => f.to_string(),
        (Some(f), _) => bail!(
            "{f} is not a pinned file (pinned: {}); --file names the copy in {UPSTREAM_DIR}/ to replace",
            names.join(", ")
        ),
        (None, [only]) => only.to_string(),
        (None, _) => bail!(
            "{} files are pinned ({}); say which one this replaces with --file NAME",
            names.len(),
            names.join(", ")
        ),
    };
    let new_doc = crate::drift::spec_diff::parse_upstream(text, origin)?;
    // With several per-tag documents pinned, each must keep to its tags; Close's whole document
    // may gain tags (generation then asks for their cargo feature in features.rs).
    if pinned.documents.len() > 1 {
        if let Some((_, old_doc)) = pinned.documents.iter().find(|(n, _)| *n == target) {
            check_same_tags(old_doc, &new_doc, &target, origin)?;
        }
    }
    let old_bytes = std::fs::read(upstream_dir.join(&target))
        .with_context(|| format!("reading {UPSTREAM_DIR}/{target}"))?;
    let sha256 = sha256_hex(new_bytes);

    let mut provenance: Provenance = pinned.provenance.clone();
    for f in provenance.files.iter_mut().filter(|f| f.file == target) {
        f.origin = origin.to_string();
        f.commit = None;
        f.sha256 = sha256.clone();
        f.pinned = today.to_string();
    }
    let provenance_text = format!(
        "{}\n",
        serde_json::to_string_pretty(&provenance).context("serialising provenance")?
    );

    // Regenerate in a scratch copy of openapi/ so the real tree is untouched until the end.
    let scratch = tempfile::tempdir().context("creating a scratch directory")?;
    copy_dir(&root.join("openapi"), &scratch.path().join("openapi"), 0)?;
    let scratch_upstream = scratch.path().join(UPSTREAM_DIR);
    std::fs::write(scratch_upstream.join(&target), new_bytes)?;
    std::fs::write(scratch_upstream.join(PROVENANCE_FILE), &provenance_text)?;
    let generated = crate::pipeline::generate(scratch.path())
        .with_context(|| format!("regenerating with the new {target}; nothing was written"))?;

    let old_surface = api_surface::surface_of(&api_surface::checked_in(root))
        .context("reading the current generated client")?;
    let api = api_surface::diff(&old_surface, &api_surface::surface_of(&generated)?);

    let mut writes = vec![
        GeneratedFile {
            path: Path::new(UPSTREAM_DIR).join(&target),
            contents: text.to_string(),
        },
        GeneratedFile {
            path: Path::new(UPSTREAM_DIR).join(PROVENANCE_FILE),
            contents: provenance_text,
        },
    ];
    writes.extend(generated);
    Ok(UpdatePlan {
        unchanged_copy: old_bytes == new_bytes,
        file: target,
        sha256,
        writes,
        api,
    })
}

/// Writes a plan's files under `root`: each to a temporary file beside its target first, then
/// all renamed into place. If any temporary write fails, the temporaries are removed and nothing
/// changed. Returns the paths written (relative to `root`).
pub fn apply(root: &Path, plan: &UpdatePlan) -> Result<Vec<PathBuf>> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for f in &plan.writes {
        let target = root.join(&f.path);
        let mut tmp = target.clone().into_os_string();
        tmp.push(".spec-update.tmp");
        let tmp = PathBuf::from(tmp);
        // A generated file may be new and its folder not exist yet (in a checkout that does
        // not hold it); create the folder rather than fail.
        let written = match tmp.parent() {
            Some(dir) => {
                std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&tmp, &f.contents))
            }
            None => std::fs::write(&tmp, &f.contents),
        };
        if let Err(e) = written {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("writing {}; nothing changed", tmp.display()));
        }
        staged.push((tmp, target));
    }
    for (tmp, target) in &staged {
        std::fs::rename(tmp, target)
            .with_context(|| format!("moving {} into place", target.display()))?;
    }
    Ok(plan.writes.iter().map(|f| f.path.clone()).collect())
}

/// The pinned copies are per-tag extracts, and whatever is pinned is generated: refuse a new
/// document with operations tagged outside the replaced file's tags (e.g. Close's full spec),
/// which would silently grow the SDK to every operation in it.
fn check_same_tags(old: &Value, new: &Value, target: &str, origin: &str) -> Result<()> {
    let old_tags = operation_tags(old);
    let foreign: BTreeSet<String> = operation_tags(new)
        .into_iter()
        .filter(|t| !old_tags.contains(t))
        .collect();
    if !foreign.is_empty() {
        bail!(
            "{origin} has operations tagged {} but {target} only covers {}: pin a per-tag extract \
             (the same tags as {target}), not the full spec; `spec diff` compares full specs fine",
            foreign.into_iter().collect::<Vec<_>>().join(", "),
            old_tags.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

fn operation_tags(doc: &Value) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in crate::drift::spec_diff::METHODS {
            let list = item
                .get(method)
                .and_then(|o| o.get("tags"))
                .and_then(Value::as_array);
            tags.extend(
                list.into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(String::from),
            );
        }
    }
    tags
}

/// Copies a directory tree (bounded depth; files and directories only).
fn copy_dir(from: &Path, to: &Path, depth: usize) -> Result<()> {
    if depth > 8 {
        bail!("{} is nested too deeply", from.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &dest, depth + 1)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &dest)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
