//! `cargo xtask spec diff|update` as CI runs it: exit codes 0 / 1 / 2 and what they say.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The pinned document: Close's whole OpenAPI document.
const PINNED: &str = "close-openapi.yml";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn pinned() -> PathBuf {
    repo_root().join("openapi/upstream").join(PINNED)
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Writes the pinned document with `from` replaced by `to` into a temp file.
fn edited(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(pinned()).unwrap();
    assert!(
        text.contains(from),
        "the pinned copy no longer contains {from:?}"
    );
    let path = dir.join("new.yml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn the_pinned_copy_against_itself_is_clean_and_exits_0() {
    let file = pinned();
    let o = xtask(&["spec", "diff", "--upstream", file.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 change(s)"), "{}", stdout(&o));
    let o = xtask(&[
        "spec",
        "diff",
        "--upstream",
        file.to_str().unwrap(),
        "--fail-on",
        "any",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for list in ["changes", "not_covered", "overlay"] {
        assert_eq!(v[list], serde_json::json!([]), "{list}");
    }
    // Operations only Close's per-tag extracts describe are listed, and do not fail.
    let extract_only = v["extract_only"].as_array().unwrap();
    assert_eq!(extract_only.len(), 14, "{v}");
    assert!(extract_only
        .iter()
        .any(|e| e["method"] == "GET" && e["path"] == "/form/"));
}

#[test]
fn a_breaking_change_exits_1_and_json_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited(
        dir.path(),
        "operationId: get-me",
        "operationId: get-current-user",
    );
    let o = xtask(&[
        "spec",
        "diff",
        "--upstream",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = &v["changes"][0];
    assert_eq!(c["severity"], "breaking");
    assert_eq!(c["kind"], "operation-renamed");
    assert_eq!(c["pointer"], "/paths/~1me~1/get");
    assert!(c["message"].as_str().unwrap().contains("get-current-user"));
}

#[test]
fn docs_only_passes_even_fail_on_any() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited(
        dir.path(),
        "summary: Fetch information about yourself",
        "summary: Fetch information about the current user",
    );
    let file = file.to_str().unwrap();
    let o = xtask(&["spec", "diff", "--upstream", file, "--fail-on", "any"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("1 docs"), "{}", stdout(&o));
}

#[test]
fn an_additive_change_fails_only_with_fail_on_any() {
    let dir = tempfile::tempdir().unwrap();
    // A new optional property on the membership create body.
    let anchor = "    CreateMembership:\n      type: object\n      properties:\n";
    let file = edited(
        dir.path(),
        anchor,
        &format!("{anchor}        signature_html:\n          type: string\n"),
    );
    let file = file.to_str().unwrap();
    let o = xtask(&["spec", "diff", "--upstream", file]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("1 additive"), "{}", stdout(&o));
    let o = xtask(&["spec", "diff", "--upstream", file, "--fail-on", "any"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

#[test]
fn an_unreadable_file_exits_2_saying_so() {
    let o = xtask(&["spec", "diff", "--upstream", "/nonexistent/openapi.yml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read upstream file /nonexistent/openapi.yml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unparsable_document_exits_2_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, why) in [
        ("broken.json", "{\"openapi\": ", "neither JSON nor YAML"),
        (
            "swagger.yml",
            "swagger: '2.0'\npaths: {}\n",
            "not an OpenAPI 3.0/3.1/3.2",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let o = xtask(&["spec", "diff", "--upstream", path.to_str().unwrap()]);
        assert_eq!(code(&o), 2, "{name}");
        assert!(stderr(&o).contains("cannot parse"), "{}", stderr(&o));
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
    }
}

#[test]
fn an_unreachable_url_exits_2_saying_so() {
    // A loopback port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/api/openapi.json");
    let o = xtask(&["spec", "diff", "--upstream", &url]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("cannot fetch {url}: unreachable")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bad_command_line_exits_2() {
    for args in [
        &["spec", "diff"][..],
        &["spec", "diff", "--upstream", "x", "--format", "xml"],
        &["spec", "diff", "--upstream", "x", "--fail-on", "never"],
        &["spec", "diff", "--upstream", "x", "--bogus", "1"],
        &["spec", "frobnicate"],
    ] {
        let o = xtask(args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).starts_with("error:"), "{args:?}: {}", stderr(&o));
    }
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

#[test]
fn update_in_a_scratch_checkout_rewrites_it_and_lists_the_api_change() {
    let real_before = std::fs::read(pinned()).unwrap();
    let root = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("openapi"), &root.path().join("openapi"));
    copy_dir(
        &repo_root().join("close-sdk/src"),
        &root.path().join("close-sdk/src"),
    );
    let inputs = tempfile::tempdir().unwrap();
    let anchor = "    CreateMembership:\n      type: object\n      properties:\n";
    let file = edited(
        inputs.path(),
        anchor,
        &format!("{anchor}        signature_html:\n          type: string\n"),
    );
    let o = xtask(&[
        "spec",
        "update",
        "--upstream",
        file.to_str().unwrap(),
        "--file",
        PINNED,
        "--root",
        root.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("+ types::CreateMembership.signature_html"),
        "{out}"
    );
    assert!(out.contains("wrote openapi/close.json"), "{out}");
    let copy = std::fs::read(root.path().join("openapi/upstream").join(PINNED)).unwrap();
    assert_eq!(copy, std::fs::read(&file).unwrap());
    // The real checkout was not touched (--root decides where `update` writes).
    assert_eq!(std::fs::read(pinned()).unwrap(), real_before);
    assert_ne!(copy, real_before);
}

/// Every command and subcommand, as `help` takes them.
const COMMANDS: [&[&str]; 6] = [
    &["generate"],
    &["spec"],
    &["spec", "diff"],
    &["spec", "update"],
    &["bench"],
    &["coverage"],
];

#[test]
fn every_command_answers_help_with_its_usage_and_exits_0() {
    for command in COMMANDS {
        let usage = format!("Usage: cargo xtask {}", command.join(" "));
        let with_flag: Vec<&str> = command.iter().copied().chain(["--help"]).collect();
        let with_help: Vec<&str> = ["help"]
            .into_iter()
            .chain(command.iter().copied())
            .collect();
        let short: Vec<&str> = command.iter().copied().chain(["-h"]).collect();
        for args in [with_flag, with_help, short] {
            let o = xtask(&args);
            assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
            assert!(stdout(&o).contains(&usage), "{args:?}: {}", stdout(&o));
            assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
        }
    }
}

#[test]
fn help_names_each_flag_of_the_command() {
    for (command, flags) in [
        (&["generate"][..], &["--check"][..]),
        (
            &["spec", "diff"],
            &[
                "--upstream <FILE|URL>",
                "--format",
                "--fail-on",
                "--root <DIR>",
            ],
        ),
        (
            &["spec", "update"],
            &["--upstream <FILE|URL>", "--file <NAME>", "--root <DIR>"],
        ),
        (
            &["bench"],
            &[
                "--quick",
                "--json",
                "--build-time",
                "--repeat <N>",
                "--generate",
            ],
        ),
        (
            &["coverage"],
            &[
                "--json",
                "--check-readme",
                "--write-readme",
                "--features-list",
            ],
        ),
    ] {
        let args: Vec<&str> = command.iter().copied().chain(["--help"]).collect();
        let out = stdout(&xtask(&args));
        for flag in flags {
            assert!(out.contains(flag), "{command:?} --help lacks {flag}: {out}");
        }
    }
}

#[test]
fn top_level_help_lists_every_command() {
    for args in [&["--help"][..], &["help"], &["-h"]] {
        let o = xtask(args);
        assert_eq!(code(&o), 0);
        for command in ["generate", "spec", "bench", "coverage"] {
            assert!(
                stdout(&o).contains(&format!("\n  {command} ")),
                "{args:?}: {}",
                stdout(&o)
            );
        }
    }
}

#[test]
fn no_command_prints_usage_to_stderr_and_exits_2() {
    for args in [
        &[][..],
        &["spec"],
        &["frobnicate"],
        &["generate", "--bogus"],
    ] {
        let o = xtask(args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(
            stderr(&o).contains("Usage: cargo xtask"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
}
