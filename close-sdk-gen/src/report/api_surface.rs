//! The public API of a generated client, and what changed in it between two versions.
//!
//! `cargo xtask spec update` uses this to say what a new upstream spec does to the SDK: items
//! added, removed and changed. An item is a `pub` struct (and each of its `pub` fields), enum
//! (and each variant), function, method in an inherent `impl`, type alias, const or trait, and
//! each trait implemented for a type (`impl Trait for Type`), keyed by its module path.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

/// Each public item, keyed by path (e.g. `types::Membership.role_id`), with its signature.
pub type Surface = BTreeMap<String, String>;

/// What changed between two surfaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurfaceDiff {
    /// Items only in the new surface, with their signatures.
    pub added: Vec<(String, String)>,
    /// Items only in the old surface, with their signatures.
    pub removed: Vec<(String, String)>,
    /// Items in both whose signature changed: (path, old, new).
    pub changed: Vec<(String, String, String)>,
}

impl SurfaceDiff {
    /// True when the public API did not change.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// A listing for people: one line per item, `+`, `-` or `~`.
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return "public API of the generated client: unchanged\n".into();
        }
        let mut out = format!(
            "public API of the generated client: {} added, {} removed, {} changed\n",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        );
        for (path, sig) in &self.removed {
            out.push_str(&format!("  - {path}: {sig}\n"));
        }
        for (path, old, new) in &self.changed {
            out.push_str(&format!("  ~ {path}: {old}  =>  {new}\n"));
        }
        for (path, sig) in &self.added {
            out.push_str(&format!("  + {path}: {sig}\n"));
        }
        out
    }
}

/// The public items of a Rust source file.
pub fn surface(source: &str) -> Result<Surface> {
    surface_in(source, "")
}

/// The public items of one generated file whose items live in module `prefix` (`handles`).
fn surface_in(source: &str, prefix: &str) -> Result<Surface> {
    let file = syn::parse_file(source).context("the generated client does not parse")?;
    let mut out = Surface::new();
    items(&file.items, prefix, &mut out);
    Ok(out)
}

/// The module a generated API file's items are public in, relative to the crate root ("" for
/// the ones re-exported at the `types`/`builder`/`Client` level).
fn module_of_file(path: &std::path::Path) -> &'static str {
    let Ok(rel) = path.strip_prefix(crate::files::GENERATED_DIR) else {
        return "";
    };
    match rel.components().next().and_then(|c| c.as_os_str().to_str()) {
        _ if rel == std::path::Path::new("handles.rs") => "handles",
        // `types/<part>.rs` and `builder/<part>.rs` hold the items of `close_sdk::types` and
        // `close_sdk::builder` (included there).
        Some("types") => "types",
        Some("builder") => "builder",
        _ => "",
    }
}

/// Whether a generated file (path relative to the workspace root) holds public client API: the
/// client core, shared types, resource modules and handles; not the module tree, the operation
/// table or the test mocks.
pub fn is_api_file(path: &std::path::Path) -> bool {
    let Ok(rel) = path.strip_prefix(crate::files::GENERATED_DIR) else {
        return false;
    };
    let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
    rel.extension().is_some_and(|e| e == "rs")
        && (rel == std::path::Path::new("client.rs")
            || rel == std::path::Path::new("handles.rs")
            || matches!(first, Some("types") | Some("builder") | Some("resources")))
}

/// The public items of the generated client spread over several files (each file's items as if
/// at the crate's `types`/`builder`/`Client` level, which is where the module tree re-exports
/// them).
pub fn surface_of(files: &[crate::files::GeneratedFile]) -> Result<Surface> {
    let mut out = Surface::new();
    for f in files.iter().filter(|f| is_api_file(&f.path)) {
        let one = surface_in(&f.contents, module_of_file(&f.path))
            .with_context(|| format!("reading {}", f.path.display()))?;
        out.extend(one);
    }
    Ok(out)
}

/// The generated client's API files as checked in under `root`.
pub fn checked_in(root: &std::path::Path) -> Vec<crate::files::GeneratedFile> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
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
    let mut paths = Vec::new();
    walk(&root.join(crate::files::GENERATED_DIR), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(root).ok()?.to_path_buf();
            if !is_api_file(&rel) {
                return None;
            }
            let contents = std::fs::read_to_string(&p).ok()?;
            Some(crate::files::GeneratedFile {
                path: rel,
                contents,
            })
        })
        .collect()
}

/// Compares two surfaces.
pub fn diff(old: &Surface, new: &Surface) -> SurfaceDiff {
    let mut d = SurfaceDiff::default();
    for (k, v) in new {
        match old.get(k) {
            None => d.added.push((k.clone(), v.clone())),
            Some(o) if o != v => d.changed.push((k.clone(), o.clone(), v.clone())),
            Some(_) => {}
        }
    }
    for (k, v) in old {
        if !new.contains_key(k) {
            d.removed.push((k.clone(), v.clone()));
        }
    }
    d
}

fn is_pub(v: &Visibility) -> bool {
    matches!(v, Visibility::Public(_))
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}::{name}")
    }
}

fn items(list: &[Item], prefix: &str, out: &mut Surface) {
    for item in list {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                let path = join(prefix, &s.ident.to_string());
                out.insert(path.clone(), format!("struct{}", tokens(&s.generics)));
                if let Fields::Named(named) = &s.fields {
                    for f in named.named.iter().filter(|f| is_pub(&f.vis)) {
                        if let Some(id) = &f.ident {
                            out.insert(format!("{path}.{id}"), tokens(&f.ty));
                        }
                    }
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let path = join(prefix, &e.ident.to_string());
                out.insert(path.clone(), format!("enum{}", tokens(&e.generics)));
                for v in &e.variants {
                    out.insert(format!("{path}::{}", v.ident), tokens(&v.fields));
                }
            }
            Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(join(prefix, &f.sig.ident.to_string()), tokens(&f.sig));
            }
            Item::Type(t) if is_pub(&t.vis) => {
                let path = join(prefix, &t.ident.to_string());
                // A list envelope (`LeadList = crate::List<Lead>`, codegen/list_envelope.rs) is
                // the struct it was, members and all: `page.data`, `page.has_more`.
                match crate::codegen::syntax::generic_inner(&t.ty, "List") {
                    Some(elem) if tokens(&t.ty).starts_with("crate :: List <") => {
                        out.insert(path.clone(), "struct".to_string());
                        let data: syn::Type =
                            syn::parse_quote!(::std::option::Option<::std::vec::Vec<#elem>>);
                        let has_more: syn::Type = syn::parse_quote!(::std::option::Option<bool>);
                        let extra: syn::Type = syn::parse_quote!(crate::Extra);
                        out.insert(format!("{path}.data"), tokens(&data));
                        out.insert(format!("{path}.has_more"), tokens(&has_more));
                        out.insert(format!("{path}.extra"), tokens(&extra));
                    }
                    _ => {
                        out.insert(path, tokens(&t.ty));
                    }
                }
            }
            Item::Const(c) if is_pub(&c.vis) => {
                out.insert(join(prefix, &c.ident.to_string()), tokens(&c.ty));
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                out.insert(join(prefix, &t.ident.to_string()), "trait".into());
            }
            Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    items(inner, &join(prefix, &m.ident.to_string()), out);
                }
            }
            Item::Impl(i) => {
                // `impl crate::Client` (the handles) adds to `Client`, wherever it is written.
                let self_ty = tokens(&i.self_ty);
                let ty = match self_ty.strip_prefix("crate :: ") {
                    Some(at_root) => at_root.to_string(),
                    None => join(prefix, &self_ty),
                };
                match &i.trait_ {
                    Some((trait_path, _)) => {
                        out.insert(
                            format!("impl {} for {ty}", tokens(trait_path)),
                            "impl".into(),
                        );
                    }
                    None => {
                        for f in &i.items {
                            if let ImplItem::Fn(f) = f {
                                if is_pub(&f.vis) {
                                    out.insert(format!("{ty}::{}", f.sig.ident), tokens(&f.sig));
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
pub mod types {
    pub struct Membership { pub id: String, pub seats: i64, secret: u8 }
    pub enum Status { Active, Inactive }
    impl From<&Membership> for Membership { fn from(m: &Membership) -> Self { todo!() } }
    struct Private;
}
pub struct Client;
impl Client {
    pub fn memberships_get(&self) -> u8 { 0 }
    fn hidden(&self) {}
}
"#;

    const NEW: &str = r#"
pub mod types {
    pub struct Membership { pub id: String, pub seats: String, pub role: String }
    pub enum Status { Active, Inactive, Pending }
}
pub struct Client;
impl Client {
    pub fn memberships_get(&self) -> u8 { 0 }
    pub fn users_get(&self) -> u8 { 0 }
}
"#;

    #[test]
    fn private_items_are_not_part_of_the_surface() {
        let s = surface(OLD).unwrap();
        assert!(s.contains_key("types::Membership.seats"));
        assert!(!s.contains_key("types::Membership.secret"));
        assert!(!s.contains_key("types::Private"));
        assert!(!s.contains_key("Client::hidden"));
        assert!(s.contains_key("impl From < & Membership > for types::Membership"));
    }

    #[test]
    fn added_removed_and_changed_items_are_listed() {
        let d = diff(&surface(OLD).unwrap(), &surface(NEW).unwrap());
        let added: Vec<&str> = d.added.iter().map(|(k, _)| k.as_str()).collect();
        let removed: Vec<&str> = d.removed.iter().map(|(k, _)| k.as_str()).collect();
        let changed: Vec<&str> = d.changed.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(
            added,
            [
                "Client::users_get",
                "types::Membership.role",
                "types::Status::Pending"
            ]
        );
        assert_eq!(
            removed,
            ["impl From < & Membership > for types::Membership"]
        );
        assert_eq!(changed, ["types::Membership.seats"]);
        assert!(d
            .to_text()
            .contains("~ types::Membership.seats: i64  =>  String"));
    }

    #[test]
    fn the_same_source_has_no_changes() {
        let s = surface(NEW).unwrap();
        assert!(diff(&s, &s).is_empty());
    }
}
