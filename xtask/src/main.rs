//! Project tasks: `cargo xtask <command>`; `cargo xtask help <command>` (or `<command> --help`)
//! says what each takes.
//!
//! - `generate`: write `openapi/close.json` and `close-sdk/src/generated/` from the pinned
//!   upstream spec and the overlay; `--check` fails with a diff if anything checked in is stale.
//! - `spec diff` / `spec update`: spec drift against the pinned copy (see [`spec`]).
//! - `bench`: runtime benchmarks against hand-written reqwest, build and generation times (see
//!   [`bench`] and BENCHMARKS.md).
//! - `coverage`: which operations are reachable under which feature, and which are typed (see
//!   [`coverage`]); writes and checks COVERAGE.md's generated tables.
//! - `api`: close-sdk's public surface against the snapshot `close-sdk-api.txt` (see [`api`]).
//! - `msrv`: no locked dependency of close-sdk needs a newer Rust than its `rust-version` (see
//!   [`msrv`]).
//!
//! Exit codes: 0 success, 1 a check failed (`spec diff` past `--fail-on`, `generate --check` or
//! `coverage --check-readme` stale), 2 bad input (a bad command line, an unreadable file, …).

mod api;
mod bench;
mod coverage;
mod fetch;
mod msrv;
mod spec;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// close-sdk's project tasks.
#[derive(Debug, Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true,
    after_help = "Exit status: 0 success, 1 a check failed, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate openapi/close.json and close-sdk/src/generated/ from openapi/upstream/ and
    /// openapi/overlay.yaml.
    Generate {
        /// Change nothing; exit 1 with a diff if a checked-in file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Spec drift: compare or replace the pinned upstream OpenAPI document.
    #[command(arg_required_else_help = true)]
    Spec {
        #[command(subcommand)]
        command: spec::SpecCommand,
    },
    /// Benchmarks: SDK vs hand-written reqwest, downstream build time, generation time.
    Bench(bench::BenchArgs),
    /// Operations reachable per resource and feature, and which are typed; COVERAGE.md's tables.
    Coverage(coverage::CoverageArgs),
    /// Exit 1 when a locked dependency of close-sdk declares a newer rust-version than
    /// close-sdk's own (its MSRV).
    Msrv,
    /// close-sdk's public surface (hand-written and generated) against close-sdk-api.txt.
    Api(api::ApiArgs),
}

/// The workspace this xtask was built in.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    // A bad command line: clap prints `error: …` and the usage to stderr and exits 2; `--help`
    // and `help <command>` print to stdout and exit 0.
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.command {
        Command::Generate { check } => generate(check),
        Command::Spec { command } => spec::run(command, &root),
        Command::Bench(args) => bench::run(&args, &root),
        Command::Coverage(args) => coverage::run(&args, &root),
        Command::Msrv => msrv::run(&root),
        Command::Api(args) => api::run(&args, &root),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}

fn generate(check: bool) -> anyhow::Result<ExitCode> {
    let root = workspace_root();
    let files = close_sdk_gen::generate(&root)?;
    if check {
        let stale = close_sdk_gen::stale_files(&root, &files, 200);
        if stale.is_empty() {
            println!("generated files are up to date ({} checked)", files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for s in &stale {
            eprintln!("{} is stale:\n{}", s.path.display(), s.diff);
        }
        eprintln!("run `cargo xtask generate` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    for f in &files {
        let path = root.join(&f.path);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == f.contents);
        if !unchanged {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &f.contents)?;
        }
        println!(
            "{} {}",
            if unchanged { "unchanged" } else { "wrote    " },
            f.path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_parses_its_documented_flags() {
        for line in [
            &["generate"][..],
            &["generate", "--check"],
            &["spec", "diff", "--upstream", "a.yml"],
            &[
                "spec",
                "diff",
                "--upstream=a.yml",
                "--format",
                "json",
                "--fail-on=any",
                "--root",
                "/x",
            ],
            &["spec", "update", "--upstream", "a.yml", "--file", "b.yml"],
            &["bench", "--quick", "--json"],
            &["bench", "--build-time", "--repeat", "3"],
            &[
                "bench",
                "--build-time",
                "--sets",
                "default,crm13,full",
                "--json",
            ],
            &["bench", "--build-time", "--sets", "crm13", "--sets", "full"],
            &["bench", "--generate", "--json"],
            &["coverage", "--json"],
            &["coverage", "--check-readme"],
            &["coverage", "--write-readme"],
            &["coverage", "--features-list"],
            &["msrv"],
            &["api"],
            &["api", "--check"],
            &["api", "--write"],
        ] {
            let argv = std::iter::once("xtask").chain(line.iter().copied());
            if let Err(e) = Cli::try_parse_from(argv) {
                panic!("{line:?}: {e}");
            }
        }
    }

    #[test]
    fn bad_lines_are_refused() {
        for line in [
            &["spec", "diff"][..],
            &["spec", "diff", "--upstream", "a", "--upstream", "b"],
            &["spec", "diff", "--upstream", "a", "--format", "xml"],
            &["spec", "update", "--upstream", "a", "--format", "json"],
            &["bench", "--repeat", "0"],
            &["bench", "--repeat", "11"],
            &["bench", "--build-time", "--generate"],
            &["bench", "--build-time", "--sets", "everything"],
            &["bench", "--sets", "full"],
            &["coverage", "--check-readme", "--write-readme"],
            &["api", "--check", "--write"],
            &["generate", "--bogus"],
            &["frobnicate"],
        ] {
            let argv = std::iter::once("xtask").chain(line.iter().copied());
            assert!(Cli::try_parse_from(argv).is_err(), "{line:?}");
        }
    }
}
