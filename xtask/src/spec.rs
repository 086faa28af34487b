//! `cargo xtask spec diff|update`: spec drift against the pinned upstream copy.
//!
//! Exit codes: 0 when nothing reaches `--fail-on`, 1 when something does, 2 for bad input (an
//! unreadable file, an unparsable document, an unreachable URL, a bad command line); every
//! error message says which.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use close_sdk_gen::drift::spec_diff::{self, FailOn};
use close_sdk_gen::drift::spec_update;
use close_sdk_gen::openapi::overlay::Overlay;
use close_sdk_gen::openapi::upstream::Pinned;
use close_sdk_gen::{OVERLAY, UPSTREAM_DIR};

use crate::fetch::read_source;

/// The `spec` subcommands.
#[derive(Debug, Subcommand)]
pub enum SpecCommand {
    /// Compare a new upstream OpenAPI document with the pinned copy in openapi/upstream/.
    ///
    /// Scoped to the operations the SDK covers; other new operations are listed as "not
    /// covered". Exit 0 when no change reaches --fail-on, 1 when one does, 2 for bad input (an
    /// unreadable file, an unparsable document, an unreachable URL).
    Diff(DiffArgs),
    /// Replace a pinned copy with a new document, re-apply openapi/overlay.yaml, regenerate, and
    /// list what changed in the SDK's public API.
    ///
    /// Writes nothing unless every step succeeds.
    Update(UpdateArgs),
}

/// Output format of `spec diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per change, grouped by severity.
    Text,
    /// One JSON object: changes, not_covered, overlay, extract_only.
    Json,
}

/// What makes `spec diff` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// A breaking or review change.
    Breaking,
    /// Any change but docs.
    Any,
}

impl FailOnArg {
    fn name(self) -> &'static str {
        match self {
            FailOnArg::Breaking => "breaking",
            FailOnArg::Any => "any",
        }
    }
}

/// `spec diff` flags.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The new document: a file (YAML or JSON; OpenAPI 3.0, 3.1 or 3.2) or an http(s) URL.
    #[arg(long, value_name = "FILE|URL")]
    upstream: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when a change reaches this severity (review counts as breaking).
    #[arg(long, value_enum, default_value_t = FailOnArg::Breaking)]
    fail_on: FailOnArg,
    /// The workspace to read (default: the one this xtask was built in).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// `spec update` flags.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The new document: a file (YAML or JSON) or an http(s) URL.
    #[arg(long, value_name = "FILE|URL")]
    upstream: String,
    /// The pinned copy to replace, a file name in openapi/upstream/ (default: the only one).
    #[arg(long, value_name = "NAME")]
    file: Option<String>,
    /// The workspace to update (default: the one this xtask was built in).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Runs a `spec` subcommand.
pub fn run(command: SpecCommand, default_root: &Path) -> Result<ExitCode> {
    match command {
        SpecCommand::Diff(args) => diff(&args, args.root.as_deref().unwrap_or(default_root)),
        SpecCommand::Update(args) => update(&args, args.root.as_deref().unwrap_or(default_root)),
    }
}

fn diff(args: &DiffArgs, root: &Path) -> Result<ExitCode> {
    let format = args.format;
    let fail_on = match args.fail_on {
        FailOnArg::Breaking => FailOn::Breaking,
        FailOnArg::Any => FailOn::Any,
    };
    let source = args.upstream.as_str();
    let new = load_upstream(source)?;
    let pinned = Pinned::load(&root.join(UPSTREAM_DIR))?;
    let overlay = Overlay::load(&root.join(OVERLAY))?;
    let report = spec_diff::diff(&pinned, &new, &overlay)
        .with_context(|| format!("comparing {source} with the pinned copy"))?;
    match format {
        Format::Json => {
            println!("{}", report.to_json());
            for n in &report.notes {
                eprintln!("note: {n}");
            }
        }
        Format::Text => print!("{}", report.to_text()),
    }
    if report.fails(fail_on) {
        if format == Format::Text {
            println!(
                "\nFAIL: at least one change reaches --fail-on {}",
                args.fail_on.name()
            );
        }
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Reads and parses an upstream document; every error here is bad input (exit 2).
fn load_upstream(source: &str) -> Result<serde_json::Value> {
    let bytes = read_source(source)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("cannot parse {source}: it is not UTF-8 text"))?;
    spec_diff::parse_upstream(&text, source).with_context(|| format!("cannot parse {source}"))
}

fn update(args: &UpdateArgs, root: &Path) -> Result<ExitCode> {
    let source = args.upstream.as_str();
    let bytes = read_source(source)?;
    // Say what changed at the spec level first (and refuse bad input before planning).
    let new = load_upstream(source)?;
    let pinned = Pinned::load(&root.join(UPSTREAM_DIR))?;
    let overlay = Overlay::load(&root.join(OVERLAY))?;
    let report = spec_diff::diff(&pinned, &new, &overlay)
        .with_context(|| format!("comparing {source} with the pinned copy"))?;
    print!("{}", report.to_text());

    let plan = spec_update::plan(root, &bytes, source, args.file.as_deref(), &today())?;
    if plan.unchanged_copy {
        println!(
            "\n{UPSTREAM_DIR}/{} is already this document (sha256 {}); nothing written",
            plan.file, plan.sha256
        );
        return Ok(ExitCode::SUCCESS);
    }
    let written = spec_update::apply(root, &plan)?;
    println!(
        "\nreplaced {UPSTREAM_DIR}/{} with {source} (sha256 {})",
        plan.file, plan.sha256
    );
    for path in written {
        println!("wrote {}", path.display());
    }
    print!("\n{}", plan.api.to_text());
    println!("review with `git diff`, then run `cargo test --workspace`");
    Ok(ExitCode::SUCCESS)
}

/// Today's date (UTC), `YYYY-MM-DD`, for provenance.json.
fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_an_iso_date() {
        let t = today();
        assert_eq!(t.len(), 10, "{t}");
        assert_eq!(&t[4..5], "-");
        assert_eq!(&t[7..8], "-");
        assert!(t[..4].parse::<u32>().unwrap() >= 2024);
    }
}
