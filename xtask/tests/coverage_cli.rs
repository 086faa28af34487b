//! `cargo xtask coverage` as CI and a maintainer run it: JSON keys, the feature list, and
//! COVERAGE.md's generated tables checked and rewritten in a scratch checkout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch checkout with the effective spec and COVERAGE.md, and the `--root` to pass.
fn scratch() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("openapi")).unwrap();
    for file in ["openapi/close.json", "COVERAGE.md"] {
        std::fs::copy(repo_root().join(file), dir.path().join(file)).unwrap();
    }
    let root = dir.path().to_str().unwrap().to_string();
    (dir, root)
}

#[test]
fn json_has_stable_keys_and_counts_every_operation_of_the_spec() {
    let o = xtask(&["coverage", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("openapi/close.json")).unwrap(),
    )
    .unwrap();
    let in_spec: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .iter()
            .filter(|m| item.get(**m).is_some())
            .count()
        })
        .sum();
    let totals = &v["totals"];
    let keys: Vec<&str> = totals
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "features",
            "no_request_body",
            "no_response_body",
            "operations",
            "reachable",
            "resources",
            "typed_request",
            "typed_response"
        ]
    );
    assert_eq!(totals["operations"], in_spec);
    assert_eq!(v["operations"].as_array().unwrap().len(), in_spec);
    for op in v["operations"].as_array().unwrap() {
        for key in [
            "id", "method", "path", "resource", "feature", "request", "response",
        ] {
            assert!(op.get(key).is_some(), "{op} lacks {key}");
        }
        for key in ["request", "response"] {
            assert!(
                ["none", "typed", "untyped"].contains(&op[key].as_str().unwrap()),
                "{op}"
            );
        }
    }
    assert!(totals["typed_request"].as_u64() <= totals["operations"].as_u64());
}

#[test]
fn the_table_ends_with_the_totals() {
    let o = xtask(&["coverage"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("resource "), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        last.contains(" operations, ") && last.contains("typed response"),
        "{out}"
    );
}

#[test]
fn features_list_is_every_feature_once() {
    let o = xtask(&["coverage", "--features-list"]);
    assert_eq!(o.status.code(), Some(0));
    let listed: Vec<String> = text(&o.stdout).lines().map(String::from).collect();
    let expected: Vec<String> = close_sdk_gen::openapi::features::FEATURES
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    assert_eq!(listed, expected);
    for name in ["memberships", "users", "groups", "roles", "organizations"] {
        assert!(listed.iter().any(|l| l == name), "{name}");
    }
}

#[test]
fn a_stale_readme_fails_the_check_until_rewritten() {
    let (dir, root) = scratch();
    let readme = dir.path().join("COVERAGE.md");
    // Fresh tables first (the checked-in COVERAGE.md may lag a spec change; CI checks that one).
    let o = xtask(&["coverage", "--write-readme", "--root", &root]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = xtask(&["coverage", "--check-readme", "--root", &root]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("up to date"));

    // A hand edit inside the generated table.
    let original = std::fs::read_to_string(&readme).unwrap();
    let edited = original.replacen("| **total** |", "| **all** |", 1);
    assert_ne!(edited, original, "COVERAGE.md has no totals row");
    std::fs::write(&readme, &edited).unwrap();
    let o = xtask(&["coverage", "--check-readme", "--root", &root]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("COVERAGE.md is stale"), "{err}");
    assert!(err.contains("-| **all** |"), "{err}");
    assert!(err.contains("cargo xtask coverage --write-readme"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&readme).unwrap(),
        edited,
        "--check-readme wrote"
    );

    let o = xtask(&["coverage", "--write-readme", "--root", &root]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), original);
    let o = xtask(&["coverage", "--check-readme", "--root", &root]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_readme_without_markers_or_spec_is_bad_input() {
    let (dir, root) = scratch();
    std::fs::write(dir.path().join("COVERAGE.md"), "# Coverage\n").unwrap();
    let o = xtask(&["coverage", "--check-readme", "--root", &root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("error: COVERAGE.md has no <!-- features:start -->"),
        "{}",
        text(&o.stderr)
    );

    std::fs::write(dir.path().join("openapi/close.json"), "{ not json").unwrap();
    let o = xtask(&["coverage", "--root", &root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("cannot parse"),
        "{}",
        text(&o.stderr)
    );
}
