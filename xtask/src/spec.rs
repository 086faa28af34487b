//! `cargo xtask spec diff|update`: spec drift against the pinned upstream copy.
//!
//! Exit codes: 0 when nothing reaches `--fail-on`, 1 when something does, 2 for bad input (an
//! unreadable file, an unparsable document, an unreachable URL, a bad command line); every
//! error message says which.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use close_sdk_gen::overlay::Overlay;
use close_sdk_gen::spec_diff::{self, FailOn};
use close_sdk_gen::upstream::Pinned;
use close_sdk_gen::{spec_update, OVERLAY, UPSTREAM_DIR};

use crate::fetch::read_source;

/// Output format of `spec diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

/// The parsed `--flag value` pairs of a spec command.
#[derive(Debug, Default)]
struct Flags {
    upstream: Option<String>,
    format: Option<String>,
    fail_on: Option<String>,
    file: Option<String>,
    root: Option<PathBuf>,
}

impl Flags {
    /// Parses `--name value` and `--name=value`; `allowed` lists the flags the command takes.
    fn parse(args: &[&str], allowed: &[&str]) -> Result<Self> {
        let mut flags = Flags::default();
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (*arg, None),
            };
            if !allowed.contains(&name) && name != "--root" {
                bail!("unexpected argument {arg:?} (see `cargo xtask help`)");
            }
            let value = match inline {
                Some(v) => v,
                None => rest
                    .next()
                    .map(|v| v.to_string())
                    .ok_or_else(|| anyhow!("{name} needs a value"))?,
            };
            let slot = match name {
                "--upstream" => &mut flags.upstream,
                "--format" => &mut flags.format,
                "--fail-on" => &mut flags.fail_on,
                "--file" => &mut flags.file,
                _ => {
                    flags.root = Some(PathBuf::from(value));
                    continue;
                }
            };
            if slot.replace(value).is_some() {
                bail!("{name} given twice");
            }
        }
        Ok(flags)
    }

    fn upstream(&self) -> Result<&str> {
        self.upstream
            .as_deref()
            .ok_or_else(|| anyhow!("--upstream <FILE|URL> is required"))
    }
}

/// Runs `spec <subcommand> <flags>`.
pub fn run(args: &[&str], default_root: &Path) -> Result<ExitCode> {
    match args {
        ["diff", flags @ ..] => {
            let flags = Flags::parse(flags, &["--upstream", "--format", "--fail-on"])?;
            diff(&flags, flags.root.as_deref().unwrap_or(default_root))
        }
        ["update", flags @ ..] => {
            let flags = Flags::parse(flags, &["--upstream", "--file"])?;
            update(&flags, flags.root.as_deref().unwrap_or(default_root))
        }
        _ => bail!(
            "usage: cargo xtask spec diff|update --upstream <FILE|URL> … (see `cargo xtask help`)"
        ),
    }
}

fn diff(flags: &Flags, root: &Path) -> Result<ExitCode> {
    let format = match flags.format.as_deref() {
        None | Some("text") => Format::Text,
        Some("json") => Format::Json,
        Some(other) => bail!("--format must be text or json, not {other:?}"),
    };
    let fail_on = match flags.fail_on.as_deref() {
        None | Some("breaking") => FailOn::Breaking,
        Some("any") => FailOn::Any,
        Some(other) => bail!("--fail-on must be breaking or any, not {other:?}"),
    };
    let source = flags.upstream()?;
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
                flags.fail_on.as_deref().unwrap_or("breaking")
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

fn update(flags: &Flags, root: &Path) -> Result<ExitCode> {
    let source = flags.upstream()?;
    let bytes = read_source(source)?;
    // Say what changed at the spec level first (and refuse bad input before planning).
    let new = load_upstream(source)?;
    let pinned = Pinned::load(&root.join(UPSTREAM_DIR))?;
    let overlay = Overlay::load(&root.join(OVERLAY))?;
    let report = spec_diff::diff(&pinned, &new, &overlay)
        .with_context(|| format!("comparing {source} with the pinned copy"))?;
    print!("{}", report.to_text());

    let plan = spec_update::plan(root, &bytes, source, flags.file.as_deref(), &today())?;
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
    fn flags_take_separate_or_inline_values() {
        let f = Flags::parse(
            &["--upstream", "a.yml", "--format=json", "--root", "/x"],
            &["--upstream", "--format"],
        )
        .unwrap();
        assert_eq!(f.upstream.as_deref(), Some("a.yml"));
        assert_eq!(f.format.as_deref(), Some("json"));
        assert_eq!(f.root.as_deref(), Some(Path::new("/x")));
    }

    #[test]
    fn unknown_missing_and_repeated_flags_are_refused() {
        assert!(Flags::parse(&["--file", "x"], &["--upstream"]).is_err());
        assert!(Flags::parse(&["--upstream"], &["--upstream"]).is_err());
        assert!(Flags::parse(&["--upstream", "a", "--upstream", "b"], &["--upstream"]).is_err());
    }

    #[test]
    fn today_is_an_iso_date() {
        let t = today();
        assert_eq!(t.len(), 10, "{t}");
        assert_eq!(&t[4..5], "-");
        assert_eq!(&t[7..8], "-");
        assert!(t[..4].parse::<u32>().unwrap() >= 2024);
    }
}
