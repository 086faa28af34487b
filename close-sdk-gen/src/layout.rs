//! The files of `close-sdk/src/generated/`: one progenitor run per part ([`crate::split`]),
//! reshaped so that every part shares the one `Client`.
//!
//! | file | what | compiled when |
//! |---|---|---|
//! | `client.rs` | `Client`, its constructors, `ClientInfo` | always |
//! | `shared/<features>.rs` | types reached by several features | any of them is on |
//! | `resources/<feature>.rs` | that feature's types, builders and `impl Client { … }` | the feature is on |
//! | `mocks/<feature>.rs` | typed httpmock `When`/`Then` per operation | `mock` and the feature |
//! | `httpmock.rs` | `MockServerExt`, one method per enabled operation | `mock` |
//! | `operations.rs` | the operation table of the request path | always (entries per feature) |
//! | `mod.rs` | module tree, `types`/`builder` namespaces, per-resource doc modules | always |
//!
//! An inherent `impl Client` may live in any module of the crate, so each resource module adds
//! its operations to the one `Client` (what oxide.rs would need extension traits for). The
//! aggregated `types` and `builder` modules keep the paths users already have
//! (`close_sdk::types::Membership`, `close_sdk::builder::MembershipsCreate`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use quote::ToTokens;
use serde_json::Value;
use syn::{Item, ItemMod};

use crate::codegen::{self, unparse, HEADER};
use crate::split::{self, cfg_predicate, Part, PartKind, CRATE_TYPES};
use crate::GeneratedFile;

/// Where the generated module lives, relative to the workspace root.
pub const GENERATED_DIR: &str = "close-sdk/src/generated";

/// One operation, for docs and tables.
#[derive(Debug, Clone)]
pub struct OperationDoc {
    /// Builder method name (`leads_list`).
    pub id: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// Path template.
    pub path: String,
    /// The document's summary, if any.
    pub summary: String,
}

/// What generating one part produced.
pub struct PartOutput {
    /// The part.
    pub part: Part,
    /// Its module source.
    pub source: String,
    /// The names of the types in its `types` module.
    pub types: BTreeSet<String>,
    /// The modules inside its `types` module (`builder`, `defaults`).
    pub type_modules: BTreeSet<String>,
    /// Its operations, in document order.
    pub operations: Vec<OperationDoc>,
    /// For resources with the `mock` helpers: the `When`/`Then` module source, the trait
    /// method declarations and their implementations.
    pub mock: Option<MockOutput>,
}

/// One resource's typed mocks.
pub struct MockOutput {
    /// `mocks/<feature>.rs`.
    pub source: String,
    /// `MockServerExt` method declarations.
    pub trait_items: Vec<syn::TraitItem>,
    /// Their implementations for `httpmock::MockServer`.
    pub impl_items: Vec<syn::ImplItem>,
}

/// The Rust type name typify gives a component schema.
pub fn rust_type_name(schema: &str) -> String {
    use heck::ToPascalCase;
    schema
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_pascal_case()
}

fn operations_of(doc: &Value) -> Vec<OperationDoc> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for m in crate::rules::METHODS {
            if let Some(op) = item.get(m) {
                out.push(OperationDoc {
                    id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    method: m.to_uppercase(),
                    path: path.clone(),
                    summary: op
                        .get("summary")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                });
            }
        }
    }
    out
}

fn part_settings(part: &Part) -> progenitor_impl::GenerationSettings {
    let mut s = codegen::settings();
    let crate_types: BTreeSet<&str> = CRATE_TYPES.iter().map(|(n, _)| *n).collect();
    for name in &part.foreign {
        if crate_types.contains(name.as_str()) {
            continue;
        }
        // typify looks replacements up by the type name it would give the schema.
        let rust = rust_type_name(name);
        s.with_replacement(&rust, format!("crate::types::{rust}"), std::iter::empty());
    }
    s
}

fn is_ident(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// Whether an item is part of the client core (the `Client` struct and what defines it).
fn is_core_item(item: &Item) -> bool {
    match item {
        Item::Struct(s) => s.ident == "Client",
        Item::Impl(i) => {
            is_ident(&i.self_ty, "Client")
                && (i.trait_.is_some()
                    || i.items
                        .iter()
                        .any(|it| matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "new")))
        }
        Item::Const(c) => c.ident == "_",
        _ => false,
    }
}

fn is_module(item: &Item, name: &str) -> bool {
    matches!(item, Item::Mod(m) if m.ident == name)
}

fn module_items_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|i| match i {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items),
        _ => None,
    })
}

/// The names of the types (structs, enums, aliases) directly in a module.
fn type_names(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The names of the modules directly in a module.
fn module_names(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Reshapes one part's progenitor output for its place in the module tree; returns it with the
/// names of its types and of the modules in its `types` module.
fn reshape(
    mut file: syn::File,
    kind: &PartKind,
) -> Result<(syn::File, BTreeSet<String>, BTreeSet<String>)> {
    if matches!(kind, PartKind::Core) {
        file.items
            .retain(|i| !is_module(i, "builder") && !is_module(i, "prelude"));
        file.items.retain(|i| match i {
            // The core keeps only the constructors' impl, not the empty operations impl.
            Item::Impl(imp) if is_ident(&imp.self_ty, "Client") => is_core_item(i),
            _ => true,
        });
        if let Some(types) = module_items_mut(&mut file, "types") {
            types.retain(|i| is_module(i, "error"));
        }
        return Ok((file, BTreeSet::new(), BTreeSet::new()));
    }
    file.items
        .retain(|i| !is_core_item(i) && !is_module(i, "prelude"));
    if matches!(kind, PartKind::Shared) {
        file.items.retain(|i| match i {
            Item::Impl(imp) => !is_ident(&imp.self_ty, "Client"),
            _ => !is_module(i, "builder"),
        });
    }
    if let PartKind::Resource(feature) = kind {
        // On `Client`'s page each resource's operations are one titled impl block.
        let doc = format!(
            " **{}** (feature `{}`): {} See [`crate::{}`].",
            feature.name,
            feature.name,
            feature.doc,
            crate::split::module_of(feature.name)
        );
        for item in &mut file.items {
            if let Item::Impl(imp) = item {
                if is_ident(&imp.self_ty, "Client") && imp.trait_.is_none() {
                    imp.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                }
            }
        }
    }
    for item in &mut file.items {
        // `pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};` is the
        // core's to export; here it is only in scope for the builders.
        if let Item::Use(u) = item {
            u.vis = syn::Visibility::Inherited;
        }
    }
    file.items.insert(
        0,
        syn::parse_quote! {
            #[allow(unused_imports)]
            use crate::generated::Client;
        },
    );
    let Some(types) = module_items_mut(&mut file, "types") else {
        bail!("progenitor produced no `types` module");
    };
    types.retain(|i| !is_module(i, "error"));
    // typify's default-value helpers are each part's own business, not public API (and public,
    // every part's `defaults` would collide in the `types` namespace).
    for item in types.iter_mut() {
        if let Item::Mod(m) = item {
            if m.ident == "defaults" {
                m.vis = syn::parse_quote!(pub(super));
            }
        }
    }
    types.insert(
        0,
        syn::parse_quote! {
            #[allow(unused_imports)]
            use crate::generated::client::types::error;
        },
    );
    let names = type_names(types);
    let modules = module_names(types);
    Ok((file, names, modules))
}

/// Reshapes a resource's httpmock output: the `operations` module's items become the file, the
/// trait and its impl are returned for the one `MockServerExt`.
fn reshape_mocks(file: syn::File, feature: &str) -> Result<MockOutput> {
    let cfg: syn::Attribute =
        syn::parse_str::<syn::DeriveInput>(&format!("#[cfg(feature = \"{feature}\")] struct X;"))
            .map(|d| d.attrs[0].clone())
            .context("building a cfg attribute")?;
    let mut ops = None;
    let mut trait_items = Vec::new();
    let mut impl_items = Vec::new();
    for item in file.items {
        match item {
            Item::Mod(m) if m.ident == "operations" => ops = m.content.map(|(_, items)| items),
            Item::Trait(t) => {
                for mut ti in t.items {
                    if let syn::TraitItem::Fn(f) = &mut ti {
                        f.attrs.push(cfg.clone());
                    }
                    trait_items.push(ti);
                }
            }
            Item::Impl(i) => {
                for mut ii in i.items {
                    if let syn::ImplItem::Fn(f) = &mut ii {
                        f.attrs.push(cfg.clone());
                    }
                    impl_items.push(ii);
                }
            }
            _ => {}
        }
    }
    let Some(mut items) = ops else {
        bail!("progenitor's httpmock output has no `operations` module");
    };
    fix_array_query_mocks(&mut items);
    let mut file: syn::File = syn::parse_quote! {};
    file.items = items;
    Ok(MockOutput {
        source: unparse(&file),
        trait_items,
        impl_items,
    })
}

/// progenitor's mock `When` methods match a query parameter with `value.to_string()`, which
/// does not compile for array parameters (`&Vec<T>`); match the one comma-separated value the
/// client sends (`transport/query.rs`), each element written as its JSON string or JSON text
/// (items need not implement `Display`; for strings, numbers and enums this is what is sent).
fn fix_array_query_mocks(items: &mut [Item]) {
    use syn::visit_mut::VisitMut;
    struct Elementwise;
    impl VisitMut for Elementwise {
        fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = e {
                let arg_is_value_to_string = call.args.len() == 2
                    && call.args[1].to_token_stream().to_string() == "value . to_string ()";
                if call.method == "query_param" && arg_is_value_to_string {
                    let receiver = &call.receiver;
                    let name = &call.args[0];
                    *e = syn::parse_quote! {
                        #receiver.query_param(#name, value.iter().map(|value| {
                            match ::serde_json::to_value(value) {
                                Ok(::serde_json::Value::String(s)) => s,
                                Ok(other) => other.to_string(),
                                Err(_) => String::new(),
                            }
                        }).collect::<::std::vec::Vec<_>>().join(","))
                    };
                    return;
                }
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }
    struct Fix;
    impl VisitMut for Fix {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            let takes_vec = f.sig.generics.where_clause.as_ref().is_some_and(|w| {
                w.to_token_stream()
                    .to_string()
                    .contains(":: std :: vec :: Vec <")
            });
            if takes_vec {
                Elementwise.visit_block_mut(&mut f.block);
            }
        }
    }
    for item in items {
        Fix.visit_item_mut(item);
    }
}

/// Generates every part.
pub fn generate_parts(spec: &Value) -> Result<Vec<PartOutput>> {
    // The serde pass reads what the syntax cannot say from markers (`wire::mark`).
    let parts = split::split(&crate::wire::mark(spec))?;
    let mut out = Vec::new();
    for part in parts {
        let what = format!("part `{}`", part.module);
        let settings = part_settings(&part);
        let file = codegen::run_progenitor(&part.doc, &settings, &what)?;
        let (mut file, types, type_modules) =
            reshape(file, &part.kind).with_context(|| what.clone())?;
        crate::paginate::add(&mut file, spec).with_context(|| what.clone())?;
        let mock = match &part.kind {
            PartKind::Resource(f) => {
                let m = codegen::run_httpmock(&part.doc, &settings, &what)?;
                Some(reshape_mocks(m, f.name).with_context(|| what.clone())?)
            }
            _ => None,
        };
        out.push(PartOutput {
            operations: operations_of(&part.doc),
            source: unparse(&file),
            types,
            type_modules,
            mock,
            part,
        });
    }
    check_names(&out)?;
    Ok(out)
}

/// Every type name must be unique across parts (the `types` namespace re-exports them all),
/// and every schema a part takes from another must exist there under the expected name.
fn check_names(parts: &[PartOutput]) -> Result<()> {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for p in parts {
        for t in &p.types {
            if let Some(other) = owner.insert(t, &p.part.module) {
                bail!(
                    "type `{t}` is generated by both `{other}` and `{}`; rename one in openapi/overlay.yaml",
                    p.part.module
                );
            }
        }
    }
    let crate_types: BTreeSet<&str> = CRATE_TYPES.iter().map(|(n, _)| *n).collect();
    for p in parts {
        for f in &p.part.foreign {
            let name = rust_type_name(f);
            if !crate_types.contains(f.as_str()) && !owner.contains_key(name.as_str()) {
                bail!(
                    "part `{}` uses schema `{f}` as `crate::types::{name}`, which no part generates",
                    p.part.module
                );
            }
        }
    }
    Ok(())
}

fn doc_lines(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                format!("{indent}///\n")
            } else {
                format!("{indent}/// {l}\n")
            }
        })
        .collect()
}

fn escape_md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The module doc of one resource.
fn resource_doc(p: &PartOutput, feature: &crate::features::Feature) -> String {
    let mut d = format!(
        "{}\n\nCompiled with the `{}` cargo feature{}. Its operations are methods on \
         [`Client`](crate::Client), each returning a builder (in [`builder`](self::builder)); \
         its request and response types are re-exported here and in [`types`](crate::types).\n\n\
         | Method | Request | Summary |\n|---|---|---|\n",
        feature.doc,
        feature.name,
        if crate::features::DEFAULT_FEATURES.contains(&feature.name) {
            " (on by default)"
        } else {
            ""
        }
    );
    for op in &p.operations {
        d.push_str(&format!(
            "| [`{id}`](crate::Client::{id}) | `{} {}` | {} |\n",
            op.method,
            op.path,
            escape_md(&op.summary),
            id = op.id
        ));
    }
    if let Some(first) = p
        .operations
        .iter()
        .find(|o| o.method == "GET")
        .or(p.operations.first())
    {
        d.push_str(&format!(
            "\n```no_run\n# async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {{\n\
             // Set the parameters the operation needs on the builder, then send it.\n\
             let response = match client.{}().send().await {{\n\
             \x20   Ok(response) => response,\n\
             \x20   Err(e) => return Err(close_sdk::Error::from_generated(e).await),\n\
             }};\n\
             println!(\"{{}}\", response.status());\n# Ok(()) }}\n```\n",
            first.id
        ));
    }
    d
}

const ALLOW: &str = "#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all, unused)]";

/// Text of `generated/mod.rs`: module declarations only, each `#[rustfmt::skip]` (so `cargo fmt`
/// leaves every generated file as the generator wrote it), alphabetical as rustfmt keeps them.
fn mod_rs() -> String {
    let mut s = String::from(HEADER);
    s.push_str(
        "\n//! The code close-sdk-gen generates from `openapi/close.json` (never edited by hand; run\n\
         //! `cargo xtask generate`). The file layout is described in close-sdk-gen's `layout`\n\
         //! module.\n\n",
    );
    let decl = |name: &str, vis: &str, allow: bool, cfg: Option<&str>, doc: &str| {
        // A plain comment: the files document themselves (`//!`) where they are public.
        let mut d = format!("// {doc}\n");
        if let Some(c) = cfg {
            d.push_str(&format!("#[cfg({c})]\n"));
        }
        d.push_str("#[rustfmt::skip]\n");
        if allow {
            d.push_str(ALLOW);
            d.push('\n');
        }
        d.push_str(&format!("{vis}mod {name};\n"));
        d
    };
    s.push_str(&decl(
        "builder",
        "pub ",
        true,
        None,
        "The builders every enabled operation returns.",
    ));
    s.push_str(&decl(
        "by_resource",
        "pub ",
        true,
        None,
        "One public module per resource (re-exported at the crate root).",
    ));
    s.push_str(&decl("client", "", true, None, "The `Client` itself."));
    s.push_str(&decl(
        "httpmock",
        "pub(crate) ",
        true,
        Some("feature = \"mock\""),
        "`MockServerExt`: a typed mock per enabled operation.",
    ));
    s.push_str(&decl(
        "mocks",
        "",
        true,
        Some("feature = \"mock\""),
        "Typed `When`/`Then` wrappers, one module per feature.",
    ));
    s.push_str(&decl(
        "operations",
        "pub(crate) ",
        false,
        None,
        "The operation table of the request path.",
    ));
    s.push_str(&decl(
        "resources",
        "",
        true,
        None,
        "One module per feature: its types, builders and `impl Client`.",
    ));
    s.push_str(&decl(
        "shared",
        "",
        true,
        None,
        "Types reached by several features, compiled when any of them is on.",
    ));
    s.push_str(&decl(
        "types",
        "pub ",
        true,
        None,
        "Every request and response type of the enabled features.",
    ));
    s.push_str("\npub use client::{ByteStream, Client, ResponseValue};\n");
    s
}

/// A module file of `mod` declarations, each under its parts' `cfg`.
fn mod_list(doc: &str, parts: &[&PartOutput]) -> String {
    let mut s = format!("{HEADER}\n//! {doc}\n\n");
    for p in parts {
        s.push_str(&format!(
            "#[cfg({})]\npub mod {};\n",
            cfg_predicate(&p.part.features),
            p.part.module
        ));
    }
    s
}

fn path_of(p: &PartOutput) -> String {
    let dir = if p.part.kind == PartKind::Shared {
        "shared"
    } else {
        "resources"
    };
    format!("{dir}::{}", p.part.module)
}

fn cfg_of(p: &PartOutput) -> String {
    format!("#[cfg({})]", cfg_predicate(&p.part.features))
}

/// Text of `generated/types.rs`: every type of the enabled features in one namespace (the path
/// users have always had: `close_sdk::types::Membership`).
fn types_rs(with_types: &[&PartOutput]) -> String {
    let mut s = format!(
        "{HEADER}\n//! Every request and response type of the enabled features (each resource module also\n\
         //! re-exports its own).\n\npub use super::client::types::error;\n"
    );
    for p in with_types {
        s.push_str(&format!(
            "{}\npub use super::{}::types::*;\n",
            cfg_of(p),
            path_of(p)
        ));
    }
    s.push_str(
        "\n/// Builders for the struct types (`types::builder::Lead::default().name(..)`).\npub mod builder {\n",
    );
    for p in with_types
        .iter()
        .filter(|p| p.type_modules.contains("builder"))
    {
        s.push_str(&format!(
            "    {}\n    pub use super::super::{}::types::builder::*;\n",
            cfg_of(p),
            path_of(p)
        ));
    }
    s.push_str("}\n");
    s
}

/// Text of `generated/builder.rs`: the builders of every enabled operation.
fn builder_rs(resources: &[&PartOutput]) -> String {
    let mut s = format!(
        "{HEADER}\n//! The builders every enabled operation returns (`Client::leads_list` → `LeadsList`).\n\n"
    );
    for p in resources {
        s.push_str(&format!(
            "{}\npub use super::resources::{}::builder::*;\n",
            cfg_of(p),
            p.part.module
        ));
    }
    s
}

/// Text of `generated/by_resource.rs`: one documented public module per resource.
fn by_resource_rs(resources: &[&PartOutput], shared: &[&PartOutput]) -> String {
    let mut s = format!(
        "{HEADER}\n//! One public module per resource, re-exported at the crate root: its operations\n\
         //! (documented here, methods on `Client`), its types and its builders.\n\n"
    );
    for p in resources {
        let PartKind::Resource(feature) = p.part.kind else {
            continue;
        };
        s.push_str(&doc_lines(&resource_doc(p, feature), ""));
        s.push_str(&format!("{}\npub mod {} {{\n", cfg_of(p), p.part.module));
        if !p.types.is_empty() {
            s.push_str(&format!(
                "    #[doc(inline)]\n    pub use crate::generated::resources::{}::types::*;\n",
                p.part.module
            ));
        }
        for sp in shared {
            if sp.part.features.contains(&feature.name) && !sp.types.is_empty() {
                s.push_str(&format!(
                    "    #[doc(inline)]\n    pub use crate::generated::shared::{}::types::*;\n",
                    sp.part.module
                ));
            }
        }
        s.push_str(&format!(
            "    /// The builders this resource's operations return.\n    pub mod builder {{\n        pub use crate::generated::resources::{}::builder::*;\n    }}\n}}\n\n",
            p.part.module
        ));
    }
    s
}

/// Text of `generated/httpmock.rs`: one `operations` namespace and one `MockServerExt`.
fn httpmock_rs(parts: &[PartOutput]) -> String {
    let mut ops = String::from(
        "pub mod operations {\n    //! [`When`](::httpmock::When) and [`Then`](::httpmock::Then) wrappers for each\n    //! operation, per enabled feature.\n",
    );
    let mut trait_items = Vec::new();
    let mut impl_items = Vec::new();
    for p in parts {
        let (PartKind::Resource(f), Some(m)) = (&p.part.kind, &p.mock) else {
            continue;
        };
        ops.push_str(&format!(
            "    #[cfg(feature = \"{}\")]\n    pub use crate::generated::mocks::{}::*;\n",
            f.name, p.part.module
        ));
        trait_items.extend(m.trait_items.iter().cloned());
        impl_items.extend(m.impl_items.iter().cloned());
    }
    ops.push_str("}\n");
    let file: syn::File = syn::parse_quote! {
        /// Typed mocks for every enabled operation: `server.leads_list(|when, then| …)`.
        pub trait MockServerExt {
            #(#trait_items)*
        }
        impl MockServerExt for ::httpmock::MockServer {
            #(#impl_items)*
        }
    };
    format!("{HEADER}\n{ops}\n{}", prettyplease::unparse(&file))
}

/// Every file of `close-sdk/src/generated/`, and the parts (for the operation table and docs).
pub fn generated_files(spec: &Value) -> Result<(Vec<GeneratedFile>, Vec<PartOutput>)> {
    let parts = generate_parts(spec)?;
    let dir = PathBuf::from(GENERATED_DIR);
    let shared: Vec<&PartOutput> = parts
        .iter()
        .filter(|p| p.part.kind == PartKind::Shared)
        .collect();
    let resources: Vec<&PartOutput> = parts
        .iter()
        .filter(|p| matches!(p.part.kind, PartKind::Resource(_)))
        .collect();
    let with_types: Vec<&PartOutput> = shared
        .iter()
        .chain(resources.iter())
        .filter(|p| !p.types.is_empty())
        .copied()
        .collect();
    let mut files = vec![
        GeneratedFile {
            path: dir.join("mod.rs"),
            contents: mod_rs(),
        },
        GeneratedFile {
            path: dir.join("types.rs"),
            contents: types_rs(&with_types),
        },
        GeneratedFile {
            path: dir.join("builder.rs"),
            contents: builder_rs(&resources),
        },
        GeneratedFile {
            path: dir.join("by_resource.rs"),
            contents: by_resource_rs(&resources, &shared),
        },
        GeneratedFile {
            path: dir.join("shared").join("mod.rs"),
            contents: mod_list("Types reached by several features.", &shared),
        },
        GeneratedFile {
            path: dir.join("resources").join("mod.rs"),
            contents: mod_list(
                "One module per feature: its types, builders and `impl Client`.",
                &resources,
            ),
        },
        GeneratedFile {
            path: dir.join("mocks").join("mod.rs"),
            contents: mod_list(
                "Typed `When`/`Then` wrappers, one module per feature.",
                &resources,
            ),
        },
    ];
    for p in &parts {
        let path = match p.part.kind {
            PartKind::Core => dir.join("client.rs"),
            PartKind::Shared => dir.join("shared").join(format!("{}.rs", p.part.module)),
            PartKind::Resource(_) => dir.join("resources").join(format!("{}.rs", p.part.module)),
        };
        files.push(GeneratedFile {
            path,
            contents: p.source.clone(),
        });
        if let Some(m) = &p.mock {
            files.push(GeneratedFile {
                path: dir.join("mocks").join(format!("{}.rs", p.part.module)),
                contents: m.source.clone(),
            });
        }
    }
    files.push(GeneratedFile {
        path: dir.join("httpmock.rs"),
        contents: httpmock_rs(&parts),
    });
    Ok((files, parts))
}
