//! `cargo xtask bench`: runtime benchmarks, build time and generation time.
//!
//! - `bench [--quick] [--json]`: runs the `close-sdk-bench` crate in release mode (it starts its
//!   own loopback server); the flags pass through.
//! - `bench --build-time [--repeat N] [--json]`: clean debug build of a minimal downstream binary
//!   on close-sdk (default features, path dependency) against the same program on reqwest + serde,
//!   with dependency counts and a check that no generator crate reaches the downstream graph.
//! - `bench --generate [--json]`: `cargo xtask generate` warm time, and whether the output is
//!   byte-identical across runs and to the checked-in files.
//!
//! Figures are reported, never asserted: the machines are shared and noisy.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

/// Crates that belong to the generator side and must never reach a user's build.
const GENERATOR_CRATES: [&str; 4] = ["progenitor", "progenitor-impl", "typify", "typify-impl"];
/// Most repetitions `--repeat` accepts (each is two clean builds).
const MAX_REPEAT: i64 = 10;

/// `bench` flags. With neither `--build-time` nor `--generate`: the runtime benchmarks.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Runtime benchmarks: fewer iterations, for CI.
    #[arg(long)]
    quick: bool,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
    /// Clean debug build of a minimal downstream binary, close-sdk vs reqwest.
    #[arg(long, conflicts_with = "generate")]
    build_time: bool,
    /// With --build-time: clean builds of each program (median reported).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=MAX_REPEAT))]
    repeat: u8,
    /// Warm `cargo xtask generate` time and byte-identical output across runs.
    #[arg(long)]
    generate: bool,
}

/// Runs `bench`.
pub fn run(args: &BenchArgs, root: &Path) -> Result<ExitCode> {
    let repeat = usize::from(args.repeat);
    if args.build_time {
        return build_times(root, repeat, args.json);
    }
    if args.generate {
        return generate_times(root, args.json);
    }
    // The runtime benchmarks take --quick and --json themselves.
    let mut passthrough: Vec<&str> = Vec::new();
    if args.quick {
        passthrough.push("--quick");
    }
    if args.json {
        passthrough.push("--json");
    }
    let status = Command::new(cargo())
        .current_dir(root)
        .args(["run", "--release", "--package", "close-sdk-bench", "--"])
        .args(&passthrough)
        .status()
        .context("running cargo")?;
    Ok(exit_code(status.code()))
}

/// The cargo that runs this xtask.
fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn exit_code(code: Option<i32>) -> ExitCode {
    match code {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1).max(1)),
        None => ExitCode::FAILURE,
    }
}

/// The build directory cargo uses for this workspace.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// One downstream program: a name, its manifest and its `main.rs`.
struct Downstream {
    name: &'static str,
    manifest: String,
    main: &'static str,
}

fn downstreams(root: &Path) -> Vec<Downstream> {
    let sdk_path = root.join("close-sdk");
    vec![
        Downstream {
            name: "with-close-sdk",
            manifest: format!(
                r#"[package]
name = "with-close-sdk"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
close-sdk = {{ path = {path:?} }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#,
                path = sdk_path.display().to_string()
            ),
            main: SDK_MAIN,
        },
        Downstream {
            name: "with-reqwest",
            manifest: r#"[package]
name = "with-reqwest"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

# reqwest's defaults minus aws-lc (close-sdk's default TLS is rustls with ring, so both sides
# compile the same TLS stack) and minus system-proxy, which close-sdk does not enable either.
[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "charset", "http2", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#
            .to_string(),
            main: RAW_MAIN,
        },
    ]
}

const SDK_MAIN: &str = r#"use close_sdk::prelude::*;

#[tokio::main]
async fn main() -> Result<(), close_sdk::Error> {
    let client = Client::from_env()?;
    let email = std::env::args().nth(1).unwrap_or_else(|| "john@salesteam.com".into());
    let m = client.create_membership(&email, Role::User).await?;
    println!("{:?} {:?}", m.id, m.role_id);
    Ok(())
}
"#;

const RAW_MAIN: &str = r#"use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct CreateMembership<'a> {
    email: &'a str,
    role_id: &'a str,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Membership {
    auto_record_calls: Option<String>,
    default_caller_id: Option<String>,
    hangup_recording_url: Option<String>,
    id: String,
    is_free: Option<bool>,
    may_workflows_impersonate: Option<bool>,
    onboarding_status: Option<String>,
    organization_id: String,
    #[serde(default)]
    permissions_granted: Vec<String>,
    primary_personal_number: Option<String>,
    role: Option<String>,
    role_id: String,
    track_email_opens: Option<bool>,
    user_id: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = std::env::var("CLOSE_API_KEY")?;
    let base = std::env::var("CLOSE_BASE_URL").unwrap_or_else(|_| "https://api.close.com/api/v1".into());
    let email = std::env::args().nth(1).unwrap_or_else(|| "john@salesteam.com".into());
    let http = reqwest::Client::builder().build()?;
    let m: Membership = http
        .post(format!("{}/membership/", base.trim_end_matches('/')))
        .basic_auth(key, None::<&str>)
        .json(&CreateMembership { email: &email, role_id: "user" })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{:?} {:?}", m.id, m.role_id);
    Ok(())
}
"#;

/// Writes a downstream project under `dir` (replacing what was there), with the workspace's
/// lock file so both resolve the versions the workspace uses without touching the index.
fn write_project(root: &Path, dir: &Path, d: &Downstream) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("Cargo.toml"), &d.manifest)?;
    std::fs::write(dir.join("src/main.rs"), d.main)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    Ok(())
}

/// Runs cargo in `dir` with its own target directory; fails with cargo's output if it fails.
fn cargo_in(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(cargo())
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "cargo {} in {} failed:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The distinct packages (name and version) in a project's graph, build dependencies and
/// proc macros included (they are compiled too), dev-dependencies excluded.
fn packages(dir: &Path) -> Result<BTreeSet<String>> {
    let tree = cargo_in(
        dir,
        &[
            "tree",
            "--prefix",
            "none",
            "--edges",
            "normal,build",
            "--format",
            "{p}",
        ],
    )?;
    Ok(tree
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect())
}

/// `--build-time`: clean debug builds of both downstream programs, alternating.
fn build_times(root: &Path, repeat: usize, as_json: bool) -> Result<ExitCode> {
    let base = target_dir(root).join("bench-build-time");
    let programs = downstreams(root);
    let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); programs.len()];
    let mut counts = Vec::new();
    let mut generator_crates = Vec::new();
    for round in 0..repeat {
        for (i, d) in programs.iter().enumerate() {
            let dir = base.join(d.name);
            write_project(root, &dir, d)?;
            // Downloads are not build time.
            cargo_in(&dir, &["fetch", "--quiet"])?;
            if round == 0 {
                let pkgs = packages(&dir)?;
                let found: Vec<String> = pkgs
                    .iter()
                    .filter(|p| GENERATOR_CRATES.contains(&p.split(' ').next().unwrap_or("")))
                    .cloned()
                    .collect();
                counts.push(pkgs.len());
                generator_crates.push(found);
            }
            eprintln!("clean debug build of {} ({}/{repeat})", d.name, round + 1);
            let started = Instant::now();
            cargo_in(&dir, &["build", "--quiet"])?;
            seconds[i].push(started.elapsed().as_secs_f64());
        }
    }
    let medians: Vec<f64> = seconds.iter().map(|s| median(s.clone())).collect();
    let ratio = medians[0] / medians[1].max(1e-9);
    let report = json!({
        "profile": "dev (debug), clean target directory, dependencies already downloaded",
        "repeat": repeat,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "with_close_sdk": {
            "build_s": seconds[0], "build_s_median": round2(medians[0]),
            "packages": counts[0], "generator_crates": generator_crates[0],
        },
        "with_reqwest": {
            "build_s": seconds[1], "build_s_median": round2(medians[1]),
            "packages": counts[1], "generator_crates": generator_crates[1],
        },
        "ratio": round2(ratio),
        "target_max_ratio": 1.2,
        "projects": base.display().to_string(),
    });
    if as_json {
        println!("{report}");
    } else {
        println!(
            "clean debug build of a minimal downstream binary ({repeat} run(s) each, median):"
        );
        for (d, (s, n)) in programs.iter().zip(medians.iter().zip(&counts)) {
            println!("  {:<15} {s:>6.1} s  {n} packages", d.name);
        }
        println!("  ratio {ratio:.2} (target <= 1.2)");
        println!(
            "  generator crates in the close-sdk graph: {}",
            if generator_crates[0].is_empty() {
                "none".to_string()
            } else {
                generator_crates[0].join(", ")
            }
        );
        println!("  projects kept in {}", base.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `--generate`: generation timed in process (3 runs, outputs compared byte for byte) and the
/// warm `cargo xtask generate --check` command (which does all the work but writes nothing).
fn generate_times(root: &Path, as_json: bool) -> Result<ExitCode> {
    let mut in_process = Vec::new();
    let mut first: Option<Vec<close_sdk_gen::GeneratedFile>> = None;
    let mut identical = true;
    for _ in 0..3 {
        let started = Instant::now();
        let files = close_sdk_gen::generate(root)?;
        in_process.push(started.elapsed().as_secs_f64());
        match &first {
            None => first = Some(files),
            Some(f) => {
                identical &= f.len() == files.len()
                    && f.iter()
                        .zip(&files)
                        .all(|(a, b)| a.path == b.path && a.contents == b.contents);
            }
        }
    }
    let files = first.unwrap_or_default();
    let matches_checked_in = close_sdk_gen::stale_files(root, &files, 0).is_empty();
    // The command as a developer runs it, warm: one untimed run builds xtask if needed.
    let mut command = Vec::new();
    for i in 0..4 {
        let started = Instant::now();
        let status = Command::new(cargo())
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--package",
                "xtask",
                "--",
                "generate",
                "--check",
            ])
            .stdout(Stdio::null())
            .status()
            .context("running cargo xtask generate --check")?;
        let took = started.elapsed();
        if !status.success() {
            bail!("cargo xtask generate --check failed (are the generated files stale?)");
        }
        if i > 0 {
            command.push(took.as_secs_f64());
        }
    }
    let bytes: Vec<_> = files
        .iter()
        .map(|f| json!({"path": f.path.display().to_string(), "bytes": f.contents.len()}))
        .collect();
    let report = json!({
        "in_process_s": in_process.iter().map(|s| round3(*s)).collect::<Vec<_>>(),
        "command_warm_s": command.iter().map(|s| round3(*s)).collect::<Vec<_>>(),
        "command_warm_s_median": round3(median(command.clone())),
        "identical_across_runs": identical,
        "matches_checked_in": matches_checked_in,
        "files": bytes,
    });
    if as_json {
        println!("{report}");
    } else {
        println!(
            "generation in process: {} s (3 runs); warm `cargo xtask generate --check`: median {:.2} s",
            in_process
                .iter()
                .map(|s| format!("{s:.2}"))
                .collect::<Vec<_>>()
                .join(", "),
            median(command)
        );
        println!(
            "output byte-identical across runs: {identical}; identical to the checked-in files: {matches_checked_in}"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
