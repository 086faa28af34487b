//! `cargo xtask api [--check | --write]`: close-sdk's public surface, hand-written and generated,
//! against the snapshot checked in as `close-sdk-api.txt`.
//!
//! No semver checker fits CI here (`cargo install cargo-semver-checks` alone takes longer than
//! CI's whole budget on its 2 cores, see BENCHMARKS.md, "CI cost"), so every change to the public
//! surface must show up as a diff of this file instead, where a reviewer sees it and the
//! CHANGELOG can name it. The items are `close_sdk_gen::report::api_surface`'s (structs and their pub
//! fields, enums and variants, functions, inherent methods, type aliases, consts, traits, trait
//! impls), plus what the SDK's hand-written layer adds: `pub use` re-exports and the methods of
//! public traits (the extension traits). Generated items are keyed as the crate re-exports them
//! (`types::Membership.role_id`); hand-written ones by their file's module
//! (`api::leads::LeadsExt::create_lead`).
//!
//! The surface is syntactic: every `pub` item in `close-sdk/src`, whatever its `cfg` (so every
//! feature at once), including `pub` items of private modules that are not re-exported. It
//! says *that* the surface changed, not whether the change is breaking.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use close_sdk_gen::report::api_surface::{self, Surface};
use quote::ToTokens;
use syn::{Item, TraitItem, Visibility};

/// The snapshot, relative to the workspace root.
pub const SNAPSHOT: &str = "close-sdk-api.txt";
/// close-sdk's sources, relative to the workspace root.
const SOURCES: &str = "close-sdk/src";

/// `api` flags. With none: print the surface.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// Exit 1, with the items added, removed and changed, when the snapshot is stale.
    #[arg(long, conflicts_with = "write")]
    check: bool,
    /// Rewrite the snapshot.
    #[arg(long)]
    write: bool,
}

/// Runs `api`.
pub fn run(args: &ApiArgs, root: &Path) -> Result<ExitCode> {
    let surface = surface(root)?;
    let text = render(&surface);
    let path = root.join(SNAPSHOT);
    if args.write {
        std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {SNAPSHOT} ({} items)", surface.len());
        return Ok(ExitCode::SUCCESS);
    }
    if !args.check {
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old == text {
        println!("{SNAPSHOT} is up to date ({} items)", surface.len());
        return Ok(ExitCode::SUCCESS);
    }
    let diff = api_surface::diff(&parse(&old), &surface);
    eprintln!(
        "close-sdk's public surface differs from {SNAPSHOT}: {} added, {} removed, {} changed",
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len()
    );
    for (p, s) in diff.removed.iter().take(100) {
        eprintln!("  - {p}: {s}");
    }
    for (p, old, new) in diff.changed.iter().take(100) {
        eprintln!("  ~ {p}: {old}  =>  {new}");
    }
    for (p, s) in diff.added.iter().take(100) {
        eprintln!("  + {p}: {s}");
    }
    eprintln!(
        "if the change is meant, run `cargo xtask api --write`, commit {SNAPSHOT}, and say in \
         CHANGELOG.md what users see (a removed or changed item is a breaking change)"
    );
    Ok(ExitCode::FAILURE)
}

/// The whole surface: the generated client's (as `spec update` reports it) and the hand-written
/// layer's.
pub fn surface(root: &Path) -> Result<Surface> {
    let mut out = api_surface::surface_of(&api_surface::checked_in(root))?;
    let src = root.join(SOURCES);
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap_or(&file);
        if rel.starts_with("generated") || file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let module = module_of(rel);
        let prefixed = |k: &str| {
            if module.is_empty() {
                k.to_string()
            } else {
                format!("{module}::{k}")
            }
        };
        for (k, v) in
            api_surface::surface(&source).with_context(|| format!("{}", file.display()))?
        {
            out.insert(prefixed(&k), v);
        }
        let parsed = syn::parse_file(&source).with_context(|| format!("{}", file.display()))?;
        extras(&parsed.items, &module, &mut out);
    }
    Ok(out)
}

/// `pub use` re-exports and the methods of public traits, which `api_surface` leaves out.
fn extras(items: &[Item], prefix: &str, out: &mut Surface) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}::{name}")
        }
    };
    for item in items {
        match item {
            Item::Use(u) if is_pub(&u.vis) => {
                out.insert(join(&format!("use {}", tokens(&u.tree))), "use".into());
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                let path = join(&t.ident.to_string());
                out.insert(
                    path.clone(),
                    format!(
                        "trait{}{}",
                        tokens(&t.generics),
                        if t.supertraits.is_empty() {
                            String::new()
                        } else {
                            format!(" : {}", tokens(&t.supertraits))
                        }
                    ),
                );
                for ti in &t.items {
                    if let TraitItem::Fn(f) = ti {
                        out.insert(format!("{path}::{}", f.sig.ident), tokens(&f.sig));
                    }
                }
            }
            Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    extras(inner, &join(&m.ident.to_string()), out);
                }
            }
            _ => {}
        }
    }
}

fn is_pub(v: &Visibility) -> bool {
    matches!(v, Visibility::Public(_))
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// `lib.rs` → ``, `api/mod.rs` → `api`, `api/leads.rs` → `api::leads`.
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// One item a line: `path<TAB>signature`, sorted (a `Surface` is ordered).
pub fn render(surface: &Surface) -> String {
    let mut s = String::from(
        "# close-sdk's public surface: `cargo xtask api --write` writes it, CI checks it.\n",
    );
    for (k, v) in surface {
        s.push_str(&format!("{k}\t{v}\n"));
    }
    s
}

/// Reads [`render`]'s output back.
pub fn parse(text: &str) -> Surface {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_come_from_file_paths() {
        assert_eq!(module_of(Path::new("lib.rs")), "");
        assert_eq!(module_of(Path::new("api/mod.rs")), "api");
        assert_eq!(module_of(Path::new("api/leads.rs")), "api::leads");
    }

    #[test]
    fn re_exports_and_trait_methods_are_items() {
        let file: syn::File = syn::parse_str(
            "pub use crate::x::{A, B};\nuse private::C;\n\
             pub trait LeadsExt: Send { fn create_lead(&self, l: NewLead) -> Lead; }\n\
             trait Hidden { fn no(&self); }",
        )
        .unwrap();
        let mut out = Surface::new();
        extras(&file.items, "api::leads", &mut out);
        let keys: Vec<&str> = out.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "api::leads::LeadsExt",
                "api::leads::LeadsExt::create_lead",
                "api::leads::use crate :: x :: { A , B }",
            ]
        );
    }

    #[test]
    fn the_snapshot_reads_back() {
        let mut s = Surface::new();
        s.insert("types::Lead.id".into(), "String".into());
        s.insert("Client::leads_list".into(), "fn leads_list (& self)".into());
        assert_eq!(parse(&render(&s)), s);
    }
}
