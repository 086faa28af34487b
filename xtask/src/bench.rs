//! `cargo xtask bench`: runtime benchmarks, build time and generation time.
//!
//! - `bench [--quick] [--json]`: runs the `close-sdk-bench` crate in release mode (it starts its
//!   own loopback server); the flags pass through.
//! - `bench --build-time [--sets default,crm13,full] [--repeat N] [--json]`: clean debug builds
//!   of a minimal downstream binary on close-sdk (path dependency) for each feature set (default
//!   features, a 13-feature CRM app, `full`) beside the same program on reqwest + serde: wall
//!   time, CPU time of cargo's process tree, close-sdk's own unit and the slowest units (from
//!   `cargo build --timings`), dependency counts, and a check that no generator crate reaches a
//!   downstream graph.
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
/// Most repetitions `--repeat` accepts (each is one clean build per program).
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
    /// Clean debug builds of a minimal downstream binary, close-sdk's feature sets vs reqwest.
    #[arg(long, conflicts_with = "generate")]
    build_time: bool,
    /// With --build-time: clean builds of each program (median reported).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=MAX_REPEAT))]
    repeat: u8,
    /// With --build-time: the close-sdk feature sets to build, comma-separated (the reqwest
    /// program is always built beside them).
    #[arg(
        long,
        value_enum,
        value_name = "SET,...",
        value_delimiter = ',',
        default_values_t = [FeatureSet::Default, FeatureSet::Crm13, FeatureSet::Full],
        requires = "build_time"
    )]
    sets: Vec<FeatureSet>,
    /// Warm `cargo xtask generate` time and byte-identical output across runs.
    #[arg(long)]
    generate: bool,
}

/// Runs `bench`.
pub fn run(args: &BenchArgs, root: &Path) -> Result<ExitCode> {
    let repeat = usize::from(args.repeat);
    if args.build_time {
        return build_times(root, &args.sets, repeat, args.json);
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

/// A close-sdk feature set `--build-time` measures (`--sets`); the bare reqwest program is
/// always built beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeatureSet {
    /// close-sdk's default features: memberships, users, organizations, roles, groups and
    /// rustls-ring.
    Default,
    /// A CRM integration's 13 resources (leads, contacts, opportunities, activities, tasks,
    /// custom-fields, lead- and opportunity-statuses, pipelines, users, memberships, webhooks,
    /// events) and rustls-ring, without the defaults.
    Crm13,
    /// `full`: every resource group (and the default rustls-ring).
    Full,
}

/// The resource features of `--sets crm13`: what an integration that works leads through the
/// pipeline uses (records, activities and tasks, statuses and pipelines, its custom fields, the
/// team, and webhooks with the event log to hear of changes).
const CRM13: [&str; 13] = [
    "activities",
    "contacts",
    "custom-fields",
    "events",
    "lead-statuses",
    "leads",
    "memberships",
    "opportunities",
    "opportunity-statuses",
    "pipelines",
    "tasks",
    "users",
    "webhooks",
];

impl FeatureSet {
    fn name(self) -> &'static str {
        match self {
            FeatureSet::Default => "default",
            FeatureSet::Crm13 => "crm13",
            FeatureSet::Full => "full",
        }
    }

    /// The features close-sdk is built with, as the report names them.
    fn features(self) -> Vec<&'static str> {
        match self {
            FeatureSet::Default => vec!["default"],
            FeatureSet::Crm13 => CRM13.iter().copied().chain(["rustls-ring"]).collect(),
            FeatureSet::Full => vec!["default", "full"],
        }
    }

    /// What follows the path in the downstream manifest's close-sdk dependency.
    fn dependency_options(self) -> String {
        match self {
            FeatureSet::Default => String::new(),
            FeatureSet::Crm13 => format!(
                ", default-features = false, features = {:?}",
                self.features()
            ),
            FeatureSet::Full => r#", features = ["full"]"#.to_string(),
        }
    }
}

/// One downstream program: a name, the close-sdk feature set it uses (none: the reqwest one),
/// its manifest and its `main.rs`.
struct Downstream {
    name: String,
    set: Option<FeatureSet>,
    manifest: String,
    main: &'static str,
}

/// The programs to build: the same close-sdk program once per feature set, then the reqwest one.
fn downstreams(root: &Path, sets: &[FeatureSet]) -> Vec<Downstream> {
    let sdk_path = root.join("close-sdk");
    let mut programs: Vec<Downstream> = sets
        .iter()
        .map(|&set| {
            let name = format!("with-close-sdk-{}", set.name());
            Downstream {
                manifest: format!(
                    r#"[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
close-sdk = {{ path = {path:?}{options} }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#,
                    path = sdk_path.display().to_string(),
                    options = set.dependency_options(),
                ),
                name,
                set: Some(set),
                main: SDK_MAIN,
            }
        })
        .collect();
    programs.push(Downstream {
        name: "with-reqwest".to_string(),
        set: None,
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
    });
    programs
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

/// User and system CPU seconds of this process's waited-for children, and of theirs in turn
/// (cargo waits for rustc and build scripts, so a build's whole process tree): fields 16 and 17
/// (`cutime`, `cstime`) of `/proc/self/stat`, in clock ticks of 1/100 s (Linux's `USER_HZ`).
/// Cumulative, so a build's figure is the difference around it. `None` without procfs.
fn children_cpu() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 2, the command name, is in parentheses and may hold spaces: count after it.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3.
    let seconds = |field: usize| -> Option<f64> {
        let ticks: u32 = fields.get(field - 3)?.parse().ok()?;
        Some(f64::from(ticks) / 100.0)
    };
    Some((seconds(16)?, seconds(17)?))
}

/// The machine's load averages (1, 5, 15 minutes) from `/proc/loadavg`, if there is one.
fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut words = text.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some([words.next()??, words.next()??, words.next()??])
}

/// How many units `--build-time` lists as the slowest of a build.
const TOP_UNITS: usize = 8;

/// What `cargo build --timings` says of one build.
#[derive(Debug, Clone, PartialEq)]
struct Timings {
    /// Units compiled or run (build scripts count twice: compiled, then run).
    units: usize,
    /// close-sdk's library unit: duration, then its frontend and codegen sections if given.
    close_sdk: Option<(f64, Option<f64>, Option<f64>)>,
    /// The slowest units, slowest first: a label (`name`, or `name [build-script (run)]`, …) and
    /// seconds.
    top: Vec<(String, f64)>,
}

/// Reads the `UNIT_DATA` array of a `cargo build --timings` report (an HTML page whose script
/// holds it as JSON: `const UNIT_DATA = [{"name", "target", "duration", "sections"}, …];`).
fn parse_timings(html: &str) -> Result<Timings> {
    const MARK: &str = "UNIT_DATA = ";
    let at = html
        .find(MARK)
        .context("no UNIT_DATA in the timings report")?;
    // The array is followed by `;` and more script: read one JSON value and stop.
    let units: Vec<serde_json::Value> =
        serde_json::Deserializer::from_str(&html[at + MARK.len()..])
            .into_iter::<Vec<serde_json::Value>>()
            .next()
            .context("UNIT_DATA is empty")?
            .context("UNIT_DATA is not a JSON array of units")?;
    let mut all: Vec<(String, f64)> = Vec::new();
    let mut close_sdk = None;
    for u in &units {
        let name = u["name"].as_str().unwrap_or("?");
        let target = u["target"].as_str().unwrap_or("").trim();
        let duration = u["duration"].as_f64().unwrap_or(0.0);
        if name == "close-sdk" && target.is_empty() {
            // `sections`: `[["frontend", {"start", "end"}], ["codegen", …]]`, or null.
            let section = |wanted: &str| {
                let span = u["sections"]
                    .as_array()?
                    .iter()
                    .find(|s| s.get(0).and_then(|l| l.as_str()) == Some(wanted))?
                    .get(1)?;
                Some(span["end"].as_f64()? - span["start"].as_f64()?)
            };
            close_sdk = Some((duration, section("frontend"), section("codegen")));
        }
        let label = if target.is_empty() {
            name.to_string()
        } else {
            format!("{name} [{}]", target.replace('"', ""))
        };
        all.push((label, duration));
    }
    all.sort_by(|a, b| b.1.total_cmp(&a.1));
    all.truncate(TOP_UNITS);
    Ok(Timings {
        units: units.len(),
        close_sdk,
        top: all,
    })
}

/// One clean build: wall seconds, CPU seconds (user, sys) of cargo's process tree, and what
/// `--timings` said.
struct Build {
    wall_s: f64,
    cpu_s: Option<(f64, f64)>,
    timings: Option<Timings>,
}

impl Build {
    fn cpu_total(&self) -> Option<f64> {
        self.cpu_s.map(|(u, s)| u + s)
    }

    fn to_json(&self) -> serde_json::Value {
        let t = self.timings.as_ref();
        let sdk = t.and_then(|t| t.close_sdk);
        json!({
            "wall_s": round2(self.wall_s),
            "cpu_s": self.cpu_total().map(round2),
            "user_s": self.cpu_s.map(|c| round2(c.0)),
            "sys_s": self.cpu_s.map(|c| round2(c.1)),
            "units": t.map(|t| t.units),
            "close_sdk_unit_s": sdk.map(|s| round2(s.0)),
            "close_sdk_frontend_s": sdk.and_then(|s| s.1).map(round2),
            "close_sdk_codegen_s": sdk.and_then(|s| s.2).map(round2),
            "top_units": t.map(|t| t.top.iter().map(|(u, s)| json!({"unit": u, "s": s})).collect::<Vec<_>>()),
        })
    }
}

/// Times one clean `cargo build --timings` of the project in `dir` (its target directory is
/// empty: `write_project` replaced the project).
fn clean_build(dir: &Path) -> Result<Build> {
    let cpu_before = children_cpu();
    let started = Instant::now();
    cargo_in(dir, &["build", "--quiet", "--timings"])?;
    let wall_s = started.elapsed().as_secs_f64();
    let cpu_s = match (cpu_before, children_cpu()) {
        (Some(b), Some(a)) => Some((a.0 - b.0, a.1 - b.1)),
        _ => None,
    };
    let report = dir.join("target/cargo-timings/cargo-timing.html");
    let timings = match std::fs::read_to_string(&report) {
        Ok(html) => match parse_timings(&html) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("  {}: {e:#} (unit figures left out)", report.display());
                None
            }
        },
        Err(e) => {
            eprintln!(
                "  reading {}: {e} (unit figures left out)",
                report.display()
            );
            None
        }
    };
    Ok(Build {
        wall_s,
        cpu_s,
        timings,
    })
}

/// `--build-time`: clean debug builds of the downstream program for each feature set and of the
/// reqwest program, alternating, each with `--timings`.
fn build_times(root: &Path, sets: &[FeatureSet], repeat: usize, as_json: bool) -> Result<ExitCode> {
    let base = target_dir(root).join("bench-build-time");
    let mut unique: Vec<FeatureSet> = Vec::new();
    for s in sets {
        if !unique.contains(s) {
            unique.push(*s);
        }
    }
    let programs = downstreams(root, &unique);
    let load_before = load_average();
    let mut builds: Vec<Vec<Build>> = programs.iter().map(|_| Vec::new()).collect();
    let mut counts = Vec::new();
    let mut generator_crates = Vec::new();
    for round in 0..repeat {
        for (i, d) in programs.iter().enumerate() {
            let dir = base.join(&d.name);
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
            builds[i].push(clean_build(&dir)?);
        }
    }
    let load_after = load_average();

    let wall: Vec<f64> = builds
        .iter()
        .map(|b| median(b.iter().map(|b| b.wall_s).collect()))
        .collect();
    let cpu: Vec<Option<f64>> = builds
        .iter()
        .map(|b| {
            let v: Vec<f64> = b.iter().filter_map(Build::cpu_total).collect();
            (!v.is_empty()).then(|| median(v))
        })
        .collect();
    let sdk_unit: Vec<Option<f64>> = builds
        .iter()
        .map(|b| {
            let v: Vec<f64> = b
                .iter()
                .filter_map(|b| Some(b.timings.as_ref()?.close_sdk?.0))
                .collect();
            (!v.is_empty()).then(|| median(v))
        })
        .collect();
    // The reqwest program is last.
    let raw = programs.len() - 1;
    let ratio = |i: usize| round2(wall[i] / wall[raw].max(1e-9));
    let cpu_ratio = |i: usize| Some(round2(cpu[i]? / cpu[raw]?.max(1e-9)));

    let report = json!({
        "profile": "dev (debug), clean target directory, dependencies already downloaded, --timings",
        "repeat": repeat,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "programs": programs.iter().enumerate().map(|(i, d)| json!({
            "name": d.name,
            "set": d.set.map(FeatureSet::name),
            "close_sdk_features": d.set.map(FeatureSet::features),
            "packages": counts[i],
            "generator_crates": generator_crates[i],
            "wall_s_median": round2(wall[i]),
            "cpu_s_median": cpu[i].map(round2),
            "close_sdk_unit_s_median": sdk_unit[i].map(round2),
            "wall_ratio_to_reqwest": ratio(i),
            "cpu_ratio_to_reqwest": cpu_ratio(i),
            "runs": builds[i].iter().map(Build::to_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "target_max_ratio_default": 1.16, // issue 20
        "projects": base.display().to_string(),
    });
    if as_json {
        println!("{report}");
        return Ok(ExitCode::SUCCESS);
    }

    let load = |l: Option<[f64; 3]>| {
        l.map(|l| format!("{:.2} {:.2} {:.2}", l[0], l[1], l[2]))
            .unwrap_or_else(|| "n/a".to_string())
    };
    println!(
        "clean debug builds of a minimal downstream binary: {repeat} run(s) each, median; {} cores; \
         load average {} before, {} after",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        load(load_before),
        load(load_after)
    );
    let secs = |s: Option<f64>| s.map_or_else(|| "n/a".to_string(), |s| format!("{s:.1} s"));
    let mut rows: Vec<(String, Vec<String>)> = vec![
        (
            "program".into(),
            programs
                .iter()
                .map(|d| d.set.map_or("reqwest", FeatureSet::name).to_string())
                .collect(),
        ),
        ("wall".into(), wall.iter().map(|w| secs(Some(*w))).collect()),
        (
            "CPU (user + sys)".into(),
            cpu.iter().map(|c| secs(*c)).collect(),
        ),
        (
            "wall / reqwest".into(),
            (0..programs.len())
                .map(|i| format!("{:.2}", ratio(i)))
                .collect(),
        ),
        (
            "CPU / reqwest".into(),
            (0..programs.len())
                .map(|i| cpu_ratio(i).map_or("n/a".into(), |r| format!("{r:.2}")))
                .collect(),
        ),
        (
            "packages".into(),
            counts.iter().map(|n| n.to_string()).collect(),
        ),
        (
            "units".into(),
            builds
                .iter()
                .map(|b| last_timings(b).map_or("n/a".into(), |t| t.units.to_string()))
                .collect(),
        ),
        (
            "close-sdk unit".into(),
            sdk_unit
                .iter()
                .map(|s| s.map_or("-".into(), |s| format!("{s:.1} s")))
                .collect(),
        ),
        (
            "  frontend + codegen".into(),
            builds
                .iter()
                .map(|b| match last_timings(b).and_then(|t| t.close_sdk) {
                    Some((_, Some(f), Some(c))) => format!("{f:.1} + {c:.1} s"),
                    _ => "-".into(),
                })
                .collect(),
        ),
    ];
    for k in 0..TOP_UNITS {
        rows.push((
            if k == 0 {
                "slowest units (last run)".into()
            } else {
                String::new()
            },
            builds
                .iter()
                .map(|b| {
                    last_timings(b)
                        .and_then(|t| t.top.get(k))
                        .map_or(String::new(), |(u, s)| format!("{u} {s:.1}"))
                })
                .collect(),
        ));
    }
    let first = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let width = rows
        .iter()
        .flat_map(|r| r.1.iter().map(String::len))
        .max()
        .unwrap_or(0);
    for (label, cells) in &rows {
        let mut line = format!("  {label:<first$}");
        for c in cells {
            line.push_str(&format!("  {c:<width$}"));
        }
        println!("{}", line.trim_end());
    }
    let found: Vec<&String> = generator_crates.iter().flatten().collect();
    println!(
        "  generator crates in the close-sdk graphs: {}",
        if found.is_empty() {
            "none".to_string()
        } else {
            found
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    println!(
        "  target for default features: wall / reqwest <= 1.16 (issue 20); projects and their --timings \
         reports kept in {}",
        base.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The timings of a program's last build that has them.
fn last_timings(builds: &[Build]) -> Option<&Timings> {
    builds.iter().rev().find_map(|b| b.timings.as_ref())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape `cargo build --timings` writes (cargo 1.95), cut down.
    const REPORT: &str = r#"<script>
DURATION = 41;
const UNIT_DATA = [
  {"i": 76, "name": "quote", "version": "1.0.47", "mode": "todo", "target": " build-script",
   "features": [], "start": 0.15, "duration": 0.13, "sections": null},
  {"i": 7, "name": "close-sdk", "version": "0.2.0", "mode": "todo", "target": "",
   "features": ["default"], "start": 32.01, "duration": 7.34,
   "sections": [["frontend", {"start": 0.0, "end": 4.04}], ["codegen", {"start": 4.04, "end": 7.34}]]},
  {"i": 9, "name": "reqwest", "version": "0.13.1", "mode": "todo", "target": "",
   "features": [], "start": 20.0, "duration": 9.5, "sections": null},
  {"i": 136, "name": "with-close-sdk", "version": "0.0.0", "mode": "todo",
   "target": " with-close-sdk \"bin\"", "features": [], "start": 39.35, "duration": 1.12,
   "sections": null}
];
const CONCURRENCY_DATA = [];
</script>"#;

    #[test]
    fn timings_report_is_read() {
        let t = parse_timings(REPORT).expect("parses");
        assert_eq!(t.units, 4);
        let (unit, frontend, codegen) = t.close_sdk.expect("close-sdk unit");
        assert_eq!(unit, 7.34);
        assert!((frontend.expect("frontend") - 4.04).abs() < 1e-9);
        assert!((codegen.expect("codegen") - 3.30).abs() < 1e-9);
        let labels: Vec<&str> = t.top.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "reqwest",
                "close-sdk",
                "with-close-sdk [with-close-sdk bin]",
                "quote [build-script]"
            ]
        );
    }

    #[test]
    fn a_report_without_unit_data_is_an_error() {
        assert!(parse_timings("<html></html>").is_err());
        assert!(parse_timings("const UNIT_DATA = {};").is_err());
    }

    #[test]
    fn feature_sets_make_valid_dependency_lines() {
        let crm = FeatureSet::Crm13.dependency_options();
        assert!(crm.starts_with(", default-features = false, features = [\"activities\""));
        assert!(crm.ends_with("\"rustls-ring\"]"));
        assert_eq!(FeatureSet::Crm13.features().len(), 14);
        let programs = downstreams(Path::new("/x"), &[FeatureSet::Full]);
        assert_eq!(programs.len(), 2);
        assert!(programs[0]
            .manifest
            .contains(r#"close-sdk = { path = "/x/close-sdk", features = ["full"] }"#));
        assert_eq!(programs[1].name, "with-reqwest");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn children_cpu_grows_with_a_child() {
        let before = children_cpu().expect("procfs");
        // A child that burns a little CPU, waited for.
        let status = Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"])
            .status()
            .expect("sh runs");
        assert!(status.success());
        let after = children_cpu().expect("procfs");
        assert!(
            after.0 + after.1 > before.0 + before.1,
            "{before:?} {after:?}"
        );
    }
}
