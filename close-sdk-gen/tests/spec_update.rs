//! `spec update` in a scratch copy of the repository layout (openapi/ and the generated client):
//! a good update rewrites everything consistently and reports the API change; a bad one writes
//! nothing.

use std::path::{Path, PathBuf};

use close_sdk_gen::drift::spec_update;
use close_sdk_gen::openapi::upstream::{sha256_hex, Pinned, Provenance, Role};

const DOCUMENT: &str = "close-openapi.yml";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A scratch workspace: openapi/ and close-sdk/src/ copied from this repository.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("openapi"), &dir.path().join("openapi"));
    copy_dir(
        &repo_root().join("close-sdk/src"),
        &dir.path().join("close-sdk/src"),
    );
    dir
}

fn pinned_text(root: &Path) -> String {
    std::fs::read_to_string(root.join("openapi/upstream").join(DOCUMENT)).unwrap()
}

/// The pinned document with one more optional property on the membership create body.
fn with_new_create_field(text: &str) -> String {
    let anchor = "    CreateMembership:\n      type: object\n      properties:\n";
    assert!(text.contains(anchor), "the pinned copy changed shape");
    text.replacen(
        anchor,
        &format!("{anchor}        signature_html:\n          type: string\n"),
        1,
    )
}

fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in [
        "openapi",
        "openapi/upstream",
        "close-sdk/src",
        "close-sdk/src/generated",
        "close-sdk/src/generated/resources",
    ] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn an_update_rewrites_copy_provenance_spec_and_client_and_reports_the_api_change() {
    let dir = scratch();
    let root = dir.path();
    let new_text = with_new_create_field(&pinned_text(root));
    let plan = spec_update::plan(
        root,
        new_text.as_bytes(),
        "https://example.invalid/openapi.yml",
        Some(DOCUMENT),
        "2030-01-02",
    )
    .unwrap();
    assert!(!plan.unchanged_copy);
    let added: Vec<&str> = plan.api.added.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        added.contains(&"types::CreateMembership.signature_html"),
        "{}",
        plan.api.to_text()
    );
    assert!(plan.api.removed.is_empty(), "{}", plan.api.to_text());

    spec_update::apply(root, &plan).unwrap();

    // The new copy is pinned verbatim, with its sha256, origin and date.
    assert_eq!(pinned_text(root), new_text);
    let pinned = Pinned::load(&root.join("openapi/upstream")).unwrap();
    let entry = pinned
        .provenance
        .files
        .iter()
        .find(|f| f.file == DOCUMENT)
        .unwrap();
    assert_eq!(entry.sha256, sha256_hex(new_text.as_bytes()));
    assert_eq!(entry.origin, "https://example.invalid/openapi.yml");
    assert_eq!(entry.pinned, "2030-01-02");
    assert_eq!(entry.commit, None);
    // Everything generated is consistent with it, and no temporary file is left behind.
    let generated = close_sdk_gen::generate(root).unwrap();
    let stale = close_sdk_gen::stale_files(root, &generated, 20);
    assert!(
        stale.is_empty(),
        "{:?}",
        stale.iter().map(|s| &s.path).collect::<Vec<_>>()
    );
    assert!(std::fs::read_to_string(
        root.join(close_sdk_gen::GENERATED_DIR)
            .join("types/memberships.rs")
    )
    .unwrap()
    .contains("signature_html"));
    let leftovers: Vec<_> = snapshot(root)
        .into_iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn an_overlay_correction_that_no_longer_applies_fails_naming_it_and_writes_nothing() {
    let dir = scratch();
    let root = dir.path();
    // Upstream renames the schema the overlay moves to `PinnedViews`.
    let new_text = pinned_text(root).replace("SetPinnedSavedView", "SavedViewIdList");
    let before = snapshot(root);
    let err = spec_update::plan(
        root,
        new_text.as_bytes(),
        "x.yml",
        Some(DOCUMENT),
        "2030-01-02",
    )
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("overlay correction #"), "{msg}");
    assert!(msg.contains("no longer applies"), "{msg}");
    assert!(msg.contains("nothing was written"), "{msg}");
    assert_eq!(snapshot(root), before);
}

#[test]
fn with_several_pinned_files_the_one_replaced_must_be_named() {
    let dir = scratch();
    let root = dir.path();
    let upstream = root.join("openapi/upstream");
    let mut prov: Provenance =
        serde_json::from_str(&std::fs::read_to_string(upstream.join("provenance.json")).unwrap())
            .unwrap();
    if prov
        .files
        .iter()
        .filter(|f| f.role == Role::Document)
        .count()
        < 2
    {
        let mut other = prov.files[0].clone();
        other.file = "copy.yml".into();
        std::fs::copy(
            upstream.join(&prov.files[0].file),
            upstream.join("copy.yml"),
        )
        .unwrap();
        prov.files.push(other);
        std::fs::write(
            upstream.join("provenance.json"),
            serde_json::to_string(&prov).unwrap(),
        )
        .unwrap();
    }
    let text = pinned_text(root);
    let err = spec_update::plan(root, text.as_bytes(), "x.yml", None, "2030-01-02").unwrap_err();
    assert!(err.to_string().contains("--file"), "{err}");
    let err = spec_update::plan(
        root,
        text.as_bytes(),
        "x.yml",
        Some("nope.yml"),
        "2030-01-02",
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a pinned file"), "{err}");
}

#[test]
fn bad_input_is_refused_before_anything_else() {
    let dir = scratch();
    let err = spec_update::plan(
        dir.path(),
        b"swagger: '2.0'\npaths: {}\n",
        "old.yml",
        Some(DOCUMENT),
        "2030-01-02",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("not an OpenAPI 3.0/3.1/3.2"),
        "{err}"
    );
}

#[test]
fn a_document_with_a_tag_of_no_feature_fails_naming_features_rs_and_writes_nothing() {
    let dir = scratch();
    let root = dir.path();
    let mut live: serde_json::Value =
        close_sdk_gen::openapi::json::parse_document(&pinned_text(root), "document").unwrap();
    live["paths"]["/territory/"] = serde_json::json!({"get": {"operationId": "list",
        "tags": ["subpackage_territories"], "responses": {"200": {"description": "ok"}}}});
    let before = snapshot(root);
    let err = spec_update::plan(
        root,
        serde_json::to_string(&live).unwrap().as_bytes(),
        "https://developer.close.com/openapi.json",
        Some(DOCUMENT),
        "2030-01-02",
    )
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("territories"), "{msg}");
    assert!(msg.contains("features.rs"), "{msg}");
    assert_eq!(snapshot(root), before);
}
