//! `cargo xtask msrv`: no dependency of close-sdk in `Cargo.lock` may declare a `rust-version`
//! newer than close-sdk's own.
//!
//! CI has one toolchain (the current stable) and cannot install 1.88, so close-sdk's declared
//! MSRV is checked in the two ways that need no old compiler: clippy's `incompatible_msrv` (a
//! standard-library item stabilised after the MSRV, see `.ci/run`) and this, which reads the
//! locked dependency graph through `cargo metadata`. It follows close-sdk's normal and build
//! dependencies (not dev-dependencies) with the features the workspace enables. What neither
//! check sees: language features and compiler behaviour newer than the MSRV, and dependencies
//! only an unselected feature (another TLS backend) brings in.

use std::process::{Command, ExitCode};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

/// The package whose MSRV is checked.
const PACKAGE: &str = "close-sdk";

/// Runs `msrv`.
pub fn run(root: &std::path::Path) -> Result<ExitCode> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let metadata: Value = serde_json::from_slice(&out.stdout).context("parsing cargo metadata")?;
    let report = check(&metadata)?;
    for (name, version, needs) in &report.too_new {
        eprintln!(
            "{name} {version} needs Rust {needs}, newer than {PACKAGE}'s {}",
            report.msrv
        );
    }
    let (newest, names) = &report.newest;
    println!(
        "{} dependencies of {PACKAGE} checked against its rust-version {}: the newest they need is {} ({})",
        report.checked,
        report.msrv,
        newest,
        names.join(", ")
    );
    if report.too_new.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "raise rust-version in Cargo.toml (and say so in CHANGELOG.md), or hold those dependencies back"
        );
        Ok(ExitCode::FAILURE)
    }
}

/// What [`check`] found.
#[derive(Debug)]
pub struct Report {
    /// close-sdk's declared `rust-version`.
    pub msrv: String,
    /// How many packages (close-sdk excluded) were looked at.
    pub checked: usize,
    /// The highest `rust-version` among them and the packages that declare it.
    pub newest: (String, Vec<String>),
    /// `(name, version, rust-version)` of every dependency that needs a newer Rust.
    pub too_new: Vec<(String, String, String)>,
}

/// Checks `cargo metadata` output: close-sdk's normal and build dependencies, transitively.
pub fn check(metadata: &Value) -> Result<Report> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or_else(|| anyhow!("cargo metadata has no packages"))?;
    let by_id = |id: &str| packages.iter().find(|p| p["id"] == id);
    let root = packages
        .iter()
        .find(|p| p["name"] == PACKAGE && p["source"].is_null())
        .ok_or_else(|| anyhow!("no {PACKAGE} in this workspace"))?;
    let msrv = root["rust_version"]
        .as_str()
        .ok_or_else(|| anyhow!("{PACKAGE} declares no rust-version"))?
        .to_string();
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or_else(|| anyhow!("cargo metadata has no resolve graph"))?;
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id);

    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![root["id"].as_str().unwrap_or_default().to_string()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(n) = node(&id) else { continue };
        for dep in n["deps"].as_array().into_iter().flatten() {
            let runtime = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if runtime {
                if let Some(pkg) = dep["pkg"].as_str() {
                    stack.push(pkg.to_string());
                }
            }
        }
    }

    let mut checked = 0;
    let mut newest: (Vec<u64>, String, Vec<String>) = (Vec::new(), String::new(), Vec::new());
    let mut too_new = Vec::new();
    for id in seen.iter().filter(|id| **id != root["id"]) {
        let Some(p) = by_id(id) else { continue };
        checked += 1;
        let Some(rv) = p["rust_version"].as_str() else {
            continue;
        };
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let version = p["version"].as_str().unwrap_or_default().to_string();
        let key = version_key(rv);
        if key > newest.0 {
            newest = (key.clone(), rv.to_string(), vec![name.clone()]);
        } else if key == newest.0 {
            newest.2.push(name.clone());
        }
        if key > version_key(&msrv) {
            too_new.push((name, version, rv.to_string()));
        }
    }
    newest.2.sort();
    newest.2.dedup();
    Ok(Report {
        msrv,
        checked,
        newest: (newest.1, newest.2),
        too_new,
    })
}

/// `1.88` and `1.88.0` compare equal; missing parts are 0.
fn version_key(v: &str) -> Vec<u64> {
    let mut key: Vec<u64> = v
        .split('.')
        .map(|p| p.trim().parse().unwrap_or(0))
        .collect();
    key.resize(3, 0);
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(dep_rust_version: &str, dev_rust_version: &str) -> Value {
        json!({
            "packages": [
                {"id": "sdk", "name": "close-sdk", "version": "0.1.0", "source": null, "rust_version": "1.88"},
                {"id": "a", "name": "a", "version": "1.0.0", "source": "registry", "rust_version": dep_rust_version},
                {"id": "b", "name": "b", "version": "2.0.0", "source": "registry", "rust_version": null},
                {"id": "t", "name": "t", "version": "0.1.0", "source": "registry", "rust_version": dev_rust_version},
            ],
            "resolve": {"nodes": [
                {"id": "sdk", "deps": [
                    {"pkg": "a", "dep_kinds": [{"kind": null}]},
                    {"pkg": "t", "dep_kinds": [{"kind": "dev"}]},
                ]},
                {"id": "a", "deps": [{"pkg": "b", "dep_kinds": [{"kind": "build"}]}]},
                {"id": "b", "deps": []},
                {"id": "t", "deps": []},
            ]}
        })
    }

    #[test]
    fn a_dependency_newer_than_the_msrv_is_reported_and_dev_dependencies_are_not() {
        let r = check(&metadata("1.88.0", "1.99")).unwrap();
        assert_eq!(r.msrv, "1.88");
        assert_eq!(r.checked, 2);
        assert!(r.too_new.is_empty(), "{r:?}");
        assert_eq!(r.newest, ("1.88.0".to_string(), vec!["a".to_string()]));

        let r = check(&metadata("1.89", "1.0")).unwrap();
        assert_eq!(
            r.too_new,
            [("a".to_string(), "1.0.0".to_string(), "1.89".to_string())]
        );
    }

    #[test]
    fn versions_compare_by_number() {
        assert_eq!(version_key("1.88"), version_key("1.88.0"));
        assert!(version_key("1.100") > version_key("1.99.9"));
    }
}
