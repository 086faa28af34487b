//! Project tasks: `cargo xtask <command>`.
//!
//! - `generate`: write `openapi/close.json` and `close-sdk/src/generated/client.rs` from the pinned
//!   upstream spec and the overlay.
//! - `generate --check`: regenerate in memory and fail with a diff if anything checked in is stale.
//! - `spec diff`: compare a new upstream document with the pinned copy (see [`spec`]).
//! - `spec update`: replace the pinned copy, re-apply the overlay and regenerate.
//! - `bench`: runtime benchmarks against hand-written reqwest, build and generation times (see
//!   [`bench`] and BENCHMARKS.md).

mod bench;
mod fetch;
mod spec;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   regenerate openapi/close.json and close-sdk/src/generated/client.rs
                       (--check: change nothing, exit 1 with a diff if they are stale)
  spec diff --upstream <FILE|URL> [--format text|json] [--fail-on breaking|any]
                       compare a new upstream OpenAPI document with the pinned copy in
                       openapi/upstream/, scoped to the operations the SDK covers; exit 0 when no
                       change reaches --fail-on (default breaking, where review counts as
                       breaking; any = anything but docs), 1 when one does, 2 for bad input
  spec update --upstream <FILE|URL> [--file NAME]
                       replace the pinned copy NAME (default: the only one) with the new document,
                       re-apply openapi/overlay.yaml, regenerate, and list what changed in the
                       SDK's public API; writes nothing unless every step succeeds

  spec commands also take --root DIR (default: this workspace)

  bench [--quick] [--json]
                       run close-sdk-bench in release mode: SDK vs hand-written reqwest over a
                       loopback server (overhead, concurrency, rate-limited provisioning,
                       allocations and CPU per call); --quick for CI, --json for one object
  bench --build-time [--repeat N] [--json]
                       clean debug build of a minimal downstream binary, close-sdk vs reqwest
  bench --generate [--json]
                       warm `cargo xtask generate` time and byte-identical output across runs
";

/// The workspace this xtask was built in.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate(false),
        ["generate", "--check"] => generate(true),
        ["spec", rest @ ..] => spec::run(rest, &workspace_root()),
        ["bench", rest @ ..] => bench::run(rest, &workspace_root()),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprint!("{USAGE}");
            // Exit 2: a command line we do not understand is bad input.
            Ok(ExitCode::from(2))
        }
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
