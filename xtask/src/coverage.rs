//! `cargo xtask coverage`: operations per resource and feature, typed or not, from
//! `openapi/close.json` (definitions in `close_sdk_gen::report::coverage`); COVERAGE.md's generated
//! tables (README.md points there; it kept the tables until 0.2).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use close_sdk_gen::report::coverage::Coverage;
use close_sdk_gen::EFFECTIVE_SPEC;

/// The file the tables are written into, relative to the workspace root. (The flags keep their
/// `-readme` names: CI and scripts call them.)
const TABLES_FILE: &str = "COVERAGE.md";

/// `coverage` flags. With none: a table per resource and the totals.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Print one JSON object (totals, features, resources, operations) instead of the table.
    #[arg(long, conflicts_with_all = ["check_readme", "write_readme", "features_list"])]
    json: bool,
    /// Exit 1, with a diff, when COVERAGE.md's generated tables are stale.
    #[arg(long, conflicts_with_all = ["write_readme", "features_list"])]
    check_readme: bool,
    /// Rewrite COVERAGE.md's generated tables (between the coverage/features marker comments).
    #[arg(long, conflicts_with = "features_list")]
    write_readme: bool,
    /// Print close-sdk's resource features, one per line (for CI's per-feature checks).
    #[arg(long)]
    features_list: bool,
    /// The workspace to read (default: the one this xtask was built in).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Runs `coverage`.
pub fn run(args: &CoverageArgs, default_root: &Path) -> Result<ExitCode> {
    if args.features_list {
        for f in close_sdk_gen::openapi::features::FEATURES {
            println!("{}", f.name);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let root = args.root.as_deref().unwrap_or(default_root);
    let spec_path = root.join(EFFECTIVE_SPEC);
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| anyhow!("cannot read {}: {e}", spec_path.display()))?;
    let spec: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("cannot parse {}", spec_path.display()))?;
    let coverage = Coverage::of(&spec)?;
    for r in coverage.resources.iter().filter(|r| r.feature.is_none()) {
        eprintln!(
            "note: tag {:?} ({} operations) has no feature in close-sdk-gen/src/openapi/features.rs",
            r.name, r.counts.operations
        );
    }
    if args.json {
        println!(
            "{}",
            close_sdk_gen::openapi::json::to_canonical_string(&coverage.to_json()).trim_end()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !(args.check_readme || args.write_readme) {
        print!("{}", coverage.to_text());
        return Ok(ExitCode::SUCCESS);
    }
    let readme_path = root.join(TABLES_FILE);
    let readme = std::fs::read_to_string(&readme_path)
        .map_err(|e| anyhow!("cannot read {}: {e}", readme_path.display()))?;
    let updated = coverage.update_readme(&readme)?;
    if updated == readme {
        println!("{TABLES_FILE}'s coverage and features tables are up to date");
        return Ok(ExitCode::SUCCESS);
    }
    if args.write_readme {
        std::fs::write(&readme_path, &updated)
            .with_context(|| format!("writing {}", readme_path.display()))?;
        println!("wrote {TABLES_FILE}'s coverage and features tables");
        return Ok(ExitCode::SUCCESS);
    }
    let diff = close_sdk_gen::stale_files(
        root,
        &[close_sdk_gen::GeneratedFile {
            path: TABLES_FILE.into(),
            contents: updated,
        }],
        200,
    );
    for s in &diff {
        eprintln!("{} is stale:\n{}", s.path.display(), s.diff);
    }
    eprintln!("run `cargo xtask coverage --write-readme` and commit the result");
    Ok(ExitCode::FAILURE)
}
