//! Project tasks: `cargo xtask <command>`.
//!
//! - `generate`: write `openapi/close.json` and `close-sdk/src/generated.rs` from the pinned
//!   upstream spec and the overlay.
//! - `generate --check`: regenerate in memory and fail with a diff if anything checked in is stale.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   regenerate openapi/close.json and close-sdk/src/generated.rs
                       (--check: change nothing, exit 1 with a diff if they are stale)
";

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
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprint!("{USAGE}");
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
