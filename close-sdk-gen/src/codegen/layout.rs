//! The files of `close-sdk/src/generated/`: one progenitor run per part ([`crate::codegen::split`]),
//! reshaped so that every part shares the one `Client`.
//!
//! | file | what | compiled when |
//! |---|---|---|
//! | `client.rs` | `Client`, its constructors, `ClientInfo` | always |
//! | `types.rs` | `close_sdk::types`: includes `types/<feature>.rs` and `types/shared/<features>.rs` | always (each file under its features) |
//! | `builder.rs` | `close_sdk::builder`: includes `builder/<feature>.rs` | always (each file under its feature) |
//! | `resources/<feature>.rs` | that feature's `impl Client { … }` | the feature is on |
//! | `mocks/<feature>.rs` | typed httpmock `When`/`Then` per operation | `mock` and the feature |
//! | `httpmock.rs` | `MockServerExt`, one method per enabled operation | `mock` |
//! | `operations.rs` | the operation table of the request path | always (entries per feature) |
//! | `mod.rs` | module tree, `types`/`builder` namespaces, per-resource doc modules | always |
//!
//! An inherent `impl Client` may live in any module of the crate, so each resource module adds
//! its operations to the one `Client` (what oxide.rs would need extension traits for). The
//! `types` and `builder` modules keep the paths users already have
//! (`close_sdk::types::Membership`, `close_sdk::builder::MembershipsCreate`), and they are where
//! the items are defined, not re-exports of a private module: `close-sdk/src/lib.rs` declares
//! them (`#[path = "generated/types.rs"] pub mod types;`) and each part's items are `include!`d
//! under its features. rustdoc writes a redirect page at the private path of every re-exported
//! item; defined where they are documented, the 600 of them are gone ([`split_part`]).
//!
//! Each type has one public path besides `close_sdk::types::X`: the module of the resource that
//! owns it (a shared type belongs to the resource whose operations reach it most directly, see
//! [`shared_owners`]). Renamed types (`openapi/renames.yaml`) keep their old names as
//! `#[deprecated]`, doc-hidden aliases ([`deprecated_aliases`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use quote::ToTokens;
use serde_json::Value;
use syn::{Item, ItemMod};

use crate::codegen::progenitor::{self, rust_type_name, unparse};
use crate::codegen::split::{
    self, cfg_predicate, MockOutput, OperationDoc, Part, PartKind, PartOutput, CRATE_TYPES,
};
use crate::files::{GeneratedFile, GENERATED_DIR, HEADER};

fn operations_of(doc: &Value) -> Vec<OperationDoc> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for m in crate::openapi::rules::METHODS {
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
    let mut s = progenitor::settings();
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
    if let PartKind::Resource(_) = kind {
        // The handles (`client.leads().get(id)`, generated by `handles.rs`) are the documented
        // way in; these builder methods stay for the hand-written layer and older code, off
        // `Client`'s page (the block and each method, so no empty titled block remains).
        for item in &mut file.items {
            if let Item::Impl(imp) = item {
                if is_ident(&imp.self_ty, "Client") && imp.trait_.is_none() {
                    imp.attrs.insert(0, syn::parse_quote!(#[doc(hidden)]));
                    for it in &mut imp.items {
                        if let syn::ImplItem::Fn(f) = it {
                            f.attrs.insert(0, syn::parse_quote!(#[doc(hidden)]));
                        }
                    }
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
    let parts = split::split(&crate::codegen::marks::mark(spec))?;
    let positions = crate::codegen::operations::positions(spec)?;
    let mut out = Vec::new();
    for part in parts {
        let what = format!("part `{}`", part.module);
        let settings = part_settings(&part);
        let file = progenitor::run_progenitor(&part.doc, &settings, &positions, &what)?;
        let (mut file, mut types, type_modules) =
            reshape(file, &part.kind).with_context(|| what.clone())?;
        if let Some(items) = module_items_mut(&mut file, "types") {
            crate::codegen::list_envelope::adopt(items).with_context(|| what.clone())?;
        }
        let aliases = deprecated_aliases(&part, &types);
        add_aliases(&mut file, &aliases);
        types.extend(aliases.iter().map(|(old, _)| old.clone()));
        crate::codegen::paginate::add(&mut file, spec).with_context(|| what.clone())?;
        let mock = match &part.kind {
            PartKind::Resource(f) => {
                let m = progenitor::run_httpmock(&part.doc, &settings, &what)?;
                Some(reshape_mocks(m, f.name).with_context(|| what.clone())?)
            }
            _ => None,
        };
        out.push(PartOutput {
            operations: operations_of(&part.doc),
            source: unparse(&file),
            types,
            type_modules,
            aliases: aliases.into_iter().collect(),
            mock,
            part,
        });
    }
    check_names(&out)?;
    Ok(out)
}

/// The deprecated aliases a part keeps for the names `openapi/renames.yaml` replaced, as
/// `(old, new)` Rust type names: each renamed schema's old name, and the old name of every type
/// typify derived from it (an inline member's `{Parent}{Member}` type, an open enum's
/// `Unknown{Enum}`), so code written against the old names keeps compiling.
fn deprecated_aliases(part: &Part, types: &BTreeSet<String>) -> Vec<(String, String)> {
    let schemas = part.doc.pointer("/components/schemas");
    // (new Rust name, old Rust names) of every renamed schema the part generates.
    let mut renamed: Vec<(String, Vec<String>)> = Vec::new();
    let mut components = BTreeSet::new();
    for c in &part.owned {
        components.insert(rust_type_name(c));
        let old = schemas
            .and_then(|s| s.get(c))
            .map(crate::openapi::renames::renamed_from)
            .unwrap_or_default();
        if !old.is_empty() {
            renamed.push((
                rust_type_name(c),
                old.iter().map(|o| rust_type_name(o)).collect(),
            ));
        }
    }
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (new, olds) in &renamed {
        for old in olds {
            out.insert(old.clone(), new.clone());
        }
    }
    for t in types {
        if components.contains(t) {
            continue;
        }
        // The longest renamed schema name the derived type starts with is its parent.
        let parent = renamed
            .iter()
            .filter(|(new, _)| t.len() > new.len() && t.starts_with(new.as_str()))
            .max_by_key(|(new, _)| new.len());
        if let Some((new, olds)) = parent {
            for old in olds {
                out.insert(format!("{old}{}", &t[new.len()..]), t.clone());
            }
        }
    }
    let unknown: Vec<(String, String)> = out
        .iter()
        .filter(|(_, new)| types.contains(&format!("Unknown{new}")))
        .map(|(old, new)| (format!("Unknown{old}"), format!("Unknown{new}")))
        .collect();
    out.extend(unknown);
    // An old name that is (again) a real type is not an alias.
    out.into_iter()
        .filter(|(old, new)| !types.contains(old) && types.contains(new))
        .collect()
}

/// Adds `#[deprecated] pub type Old = New;` to a part's `types` module.
fn add_aliases(file: &mut syn::File, aliases: &[(String, String)]) {
    let Some(types) = module_items_mut(file, "types") else {
        return;
    };
    for (old, new) in aliases {
        let (old_id, new_id) = (
            syn::Ident::new(old, proc_macro2::Span::call_site()),
            syn::Ident::new(new, proc_macro2::Span::call_site()),
        );
        let note = format!("renamed to `{new}`");
        types.push(syn::parse_quote! {
            #[doc(hidden)]
            #[deprecated(note = #note)]
            pub type #old_id = #new_id;
        });
    }
}

/// Every type name must be unique across parts (the `types` namespace re-exports them all),
/// and every schema a part takes from another must exist there under the expected name.
fn check_names(parts: &[PartOutput]) -> Result<()> {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for p in parts {
        for t in &p.types {
            if let Some(other) = owner.insert(t, &p.part.module) {
                bail!(
                    "type `{t}` is generated by both `{other}` and `{}`; rename one in openapi/renames.yaml",
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

/// The module doc of one resource: the handles that reach it, its operations as handle calls, and
/// an example.
fn resource_doc(
    p: &PartOutput,
    feature: &crate::openapi::features::Feature,
    plan: &crate::codegen::handles::Plan,
) -> String {
    let handles = plan.top_handles_of(feature.name);
    let reached = handles
        .iter()
        .map(|h| {
            format!(
                "[`client.{h}()`](crate::Client::{h}) ([`handles::{}`](crate::handles::{}))",
                crate::codegen::handles::struct_name(h),
                crate::codegen::handles::struct_name(h)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut d = format!(
        "{}\n\nCompiled with the `{}` cargo feature{}. Reached with {reached}: each operation is a \
         method of a handle returning its request (a builder, re-exported here from \
         [`builder`](crate::builder), or the one [`Request`](crate::Request) when the operation \
         has no optional parameter), which you `.await` for a `Result<T, close_sdk::Error>`. \
         Its request and response types are re-exported here and in [`types`](crate::types) (a \
         type several resources use is re-exported by the one whose operations return or take \
         it).\n\n\
         | Call | HTTP | Returns | Summary |\n|---|---|---|---|\n",
        feature.doc,
        feature.name,
        if crate::openapi::features::DEFAULT_FEATURES.contains(&feature.name) {
            " (on by default)"
        } else {
            ""
        }
    );
    for op in &p.operations {
        let Some(place) = plan.place(&op.id) else {
            continue;
        };
        let (parent, method) = (&place.handle, &place.method);
        d.push_str(&format!(
            "| [`{call}({args})`](crate::handles::{s}::{method}) | `{} {}` | {} | {} |\n",
            op.method,
            op.path,
            plan.returns_link(&op.id),
            escape_md(&op.summary),
            call = place.call(),
            args = plan.arg_names(&op.id).join(", "),
            s = crate::codegen::handles::struct_name(parent),
        ));
    }
    if let Some(first) = handles.first() {
        d.push('\n');
        d.push_str(&plan.example(first));
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
        "by_resource",
        "pub ",
        true,
        None,
        "One public module per resource (re-exported at the crate root).",
    ));
    s.push_str(&decl(
        "client",
        "pub(crate) ",
        true,
        None,
        "The `Client` itself.",
    ));
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
        "One module per feature: its `impl Client`.",
    ));
    s.push_str(
        "\n// `types`, `builder` and `handles` are declared by the crate root (their items are defined\n\
         // where they are documented).\n\
         pub use client::{ByteStream, Client, ResponseValue};\n",
    );
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

fn cfg_of(p: &PartOutput) -> String {
    format!("#[cfg({})]", cfg_predicate(&p.part.features))
}

/// Text of `generated/types.rs`: every type of the enabled features in one namespace (the path
/// users have always had: `close_sdk::types::Membership`).
fn types_rs(with_types: &[&PartOutput]) -> String {
    let mut s = format!(
        "{HEADER}\n//! Every request and response type of the enabled features (each resource module also\n\
         //! re-exports its own).\n\npub use crate::generated::client::types::error;\n"
    );
    for p in with_types {
        s.push_str(&format!(
            "{}\ninclude!(\"{}\");\n",
            cfg_of(p),
            types_chunk_path(p)
        ));
    }
    s
}

/// Where a part's types are, relative to `generated/` (`types/leads.rs`,
/// `types/shared/contacts_leads.rs`).
fn types_chunk_path(p: &PartOutput) -> String {
    match p.part.kind {
        PartKind::Shared => format!("types/shared/{}.rs", p.part.module),
        _ => format!("types/{}.rs", p.part.module),
    }
}

/// Text of `generated/builder.rs`: the builders of every enabled operation.
fn builder_rs(resources: &[&PartOutput]) -> String {
    let mut s = format!(
        "{HEADER}\n//! The requests every enabled operation builds (`client.leads().list()` → `LeadsList`); `.await` one to send it.\n\n\
         #[allow(unused_imports)]\nuse crate::types;\n\
         #[allow(unused_imports)]\nuse progenitor_client::{{encode_path, ByteStream, ClientHooks, ClientInfo, Error, OperationInfo, RequestBuilderExt, ResponseValue}};\n"
    );
    for p in resources {
        s.push_str(&format!(
            "{}\ninclude!(\"builder/{}.rs\");\n",
            cfg_of(p),
            p.part.module
        ));
    }
    s
}

/// A part's source split for the files it is written to: its `types` module's items (for
/// `close_sdk::types`), its `builder` module's items (for `close_sdk::builder`, with the names of
/// its public and hidden builders), and what is left (`impl Client`), which reaches the two
/// modules through `use crate::types;` and `use crate::builder;`. The modules' own `use` items
/// are dropped: the including module has them once.
struct SplitPart {
    rest: String,
    types: Option<String>,
    builder: Option<String>,
    builders: Vec<String>,
    hidden_builders: Vec<String>,
}

/// Whether `a` is `#[doc(hidden)]`.
fn is_doc_hidden(a: &syn::Attribute) -> bool {
    a.path().is_ident("doc")
        && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "hidden")
}

fn split_part(p: &PartOutput) -> Result<SplitPart> {
    let mut file =
        syn::parse_file(&p.source).with_context(|| format!("parsing part `{}`", p.part.module))?;
    let mut types = None;
    let mut builder = None;
    let mut builders = Vec::new();
    let mut hidden_builders = Vec::new();
    let mut rest = Vec::new();
    for item in file.items.drain(..) {
        match item {
            Item::Mod(m) if m.ident == "types" || m.ident == "builder" => {
                let items: Vec<Item> = m
                    .content
                    .map(|(_, items)| items)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|i| !matches!(i, Item::Use(_)))
                    .collect();
                if m.ident == "builder" {
                    for i in &items {
                        if let Item::Struct(st) = i {
                            if st.attrs.iter().any(is_doc_hidden) {
                                hidden_builders.push(st.ident.to_string());
                            } else {
                                builders.push(st.ident.to_string());
                            }
                        }
                    }
                }
                let mut chunk = syn::parse_file("").context("an empty file")?;
                chunk.items = items;
                let text = unparse(&chunk);
                let slot = if m.ident == "types" {
                    &mut types
                } else {
                    &mut builder
                };
                *slot = Some(text);
                let ident = m.ident;
                rest.push(syn::parse_quote! {
                    #[allow(unused_imports)]
                    use crate::#ident;
                });
            }
            other => rest.push(other),
        }
    }
    file.items = rest;
    Ok(SplitPart {
        rest: unparse(&file),
        types,
        builder,
        builders,
        hidden_builders,
    })
}

/// The component schema a generated type comes from: the schema of that name, else the one
/// whose name it extends (`CreateContactEmailsItem` → `CreateContact`, `UnknownCallStatus` →
/// `CallStatus`).
fn schema_of_type<'a>(part: &'a Part, ty: &str) -> Option<&'a String> {
    let by_rust: BTreeMap<String, &String> =
        part.owned.iter().map(|c| (rust_type_name(c), c)).collect();
    let ty = if by_rust.contains_key(ty) {
        ty
    } else {
        ty.strip_prefix("Unknown").unwrap_or(ty)
    };
    if let Some(c) = by_rust.get(ty) {
        return Some(c);
    }
    by_rust
        .iter()
        .filter(|(r, _)| ty.starts_with(r.as_str()))
        .max_by_key(|(r, _)| r.len())
        .map(|(_, c)| *c)
}

/// The resource each type of a shared part belongs to, by type name.
///
/// **One public path per type.** Every generated type is public at `close_sdk::types::X`. A
/// resource module (`close_sdk::leads`) re-exports the types its feature alone generates and,
/// of the types several features share, those it *owns*: a shared type belongs to the feature
/// whose operations reach its schema in the fewest `$ref` steps (a request or response body is
/// step 0, its members step 1, …), ties going to the first feature of the shared part (the
/// features' order in `features.rs`). So `Opportunity` is `close_sdk::opportunities::Opportunity`
/// (an opportunities response), not also `close_sdk::leads::Opportunity` (a member of `Lead`).
/// A type derived from a schema (an inline member's type, an open enum's `Unknown…`, a
/// deprecated alias) goes with that schema.
fn shared_owners(spec: &Value, shared: &[&PartOutput]) -> Result<BTreeMap<String, &'static str>> {
    // Steps from each feature's operations to every schema they reach.
    let mut steps: BTreeMap<&'static str, BTreeMap<String, usize>> = BTreeMap::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let direct_refs = |v: &Value| {
        let mut out = BTreeSet::new();
        collect_schema_refs(v, &mut out);
        out
    };
    let features = split::feature_of_operations(spec)?;
    let mut starts: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for ((path, method), f) in &features {
        if let Some(op) = spec.pointer(&format!(
            "/paths/{}/{method}",
            path.replace('~', "~0").replace('/', "~1")
        )) {
            starts.entry(f.name).or_default().extend(direct_refs(op));
        }
    }
    for (f, start) in starts {
        let dist = steps.entry(f).or_default();
        let mut frontier: Vec<String> = start.into_iter().collect();
        let mut depth = 0;
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for n in frontier {
                if dist.contains_key(&n) {
                    continue;
                }
                dist.insert(n.clone(), depth);
                if let Some(s) = schemas.and_then(|s| s.get(&n)) {
                    next.extend(direct_refs(s).into_iter().filter(|x| !dist.contains_key(x)));
                }
            }
            frontier = next;
            depth += 1;
        }
    }
    let mut owners = BTreeMap::new();
    for p in shared {
        for ty in &p.types {
            // A deprecated alias goes with the type it names.
            let named = p.aliases.get(ty).unwrap_or(ty);
            let schema = schema_of_type(&p.part, named);
            let owner = p
                .part
                .features
                .iter()
                .enumerate()
                .min_by_key(|(i, f)| {
                    let d = schema
                        .and_then(|s| steps.get(*f).and_then(|m| m.get(s)))
                        .copied()
                        .unwrap_or(usize::MAX);
                    (d, *i)
                })
                .map(|(_, f)| *f);
            if let Some(owner) = owner {
                owners.insert(ty.clone(), owner);
            }
        }
    }
    Ok(owners)
}

fn collect_schema_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(n) = crate::openapi::rules::ref_name(o) {
                out.insert(n.to_string());
            }
            for (k, x) in o {
                if k != "$ref" {
                    collect_schema_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_schema_refs(x, out)),
        _ => {}
    }
}

/// Text of `generated/by_resource.rs`: one documented public module per resource, re-exporting
/// its own types and the shared types it owns ([`shared_owners`]).
fn by_resource_rs(
    resources: &[&PartOutput],
    shared: &[&PartOutput],
    owners: &BTreeMap<String, &'static str>,
    plan: &crate::codegen::handles::Plan,
    split: &BTreeMap<(bool, String), SplitPart>,
) -> String {
    let mut s = format!(
        "{HEADER}\n//! One public module per resource, re-exported at the crate root: its operations\n\
         //! (documented here, methods of its handles in `handles`), its types and its builders.\n\n"
    );
    for p in resources {
        let PartKind::Resource(feature) = p.part.kind else {
            continue;
        };
        s.push_str(&doc_lines(&resource_doc(p, feature, plan), ""));
        s.push_str(&format!("{}\npub mod {} {{\n", cfg_of(p), p.part.module));
        // Its types, by name, as links to their one page in `close_sdk::types`: inlining them
        // here too documented every type twice (a fifth of `cargo doc`'s output).
        let mut names: Vec<&str> = p
            .types
            .iter()
            .filter(|t| !p.aliases.contains_key(*t))
            .map(String::as_str)
            .collect();
        for sp in shared {
            if sp.part.features.contains(&feature.name) {
                names.extend(
                    sp.types
                        .iter()
                        .filter(|t| owners.get(*t) == Some(&feature.name))
                        .map(String::as_str),
                );
            }
        }
        names.sort_unstable();
        if !names.is_empty() {
            s.push_str(&format!(
                "    #[doc(no_inline)]\n    pub use crate::types::{{{}}};\n",
                names.join(", ")
            ));
        }
        // Deprecated old names stay reachable here (hidden, as in `types`).
        let aliases: Vec<&str> = p.aliases.keys().map(String::as_str).collect();
        if !aliases.is_empty() {
            s.push_str(&format!(
                "    #[doc(hidden)]\n    #[allow(deprecated)]\n    pub use crate::types::{{{}}};\n",
                aliases.join(", ")
            ));
        }
        // Its builders, as links to their pages in `close_sdk::builder`; the `builder` submodule
        // of earlier versions stays for code that names it, without a page of its own.
        let (builders, hidden) = split
            .get(&(false, p.part.module.clone()))
            .map(|sp| (&sp.builders[..], &sp.hidden_builders[..]))
            .unwrap_or_default();
        let uses = |indent: &str, attr: &str, names: &[String]| {
            if names.is_empty() {
                String::new()
            } else {
                format!(
                    "{indent}#[doc({attr})]\n{indent}pub use crate::builder::{{{}}};\n",
                    names.join(", ")
                )
            }
        };
        s.push_str(&uses("    ", "no_inline", builders));
        s.push_str("    /// The builders this resource's operations return (documented in [`crate::builder`]).\n    #[doc(hidden)]\n    pub mod builder {\n");
        s.push_str(&uses("        ", "no_inline", builders));
        s.push_str(&uses("        ", "hidden", hidden));
        s.push_str("    }\n}\n\n");
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
    let mut parts = generate_parts(spec)?;
    let plan = crate::codegen::handles::plan(&parts, spec)?;
    plan.rewrite_builder_docs(&mut parts)?;
    plan.rewrite_builders(&mut parts)?;
    // By (shared?, module name): the key keeps a shared part and a resource apart.
    let mut split = BTreeMap::new();
    for p in parts.iter().filter(|p| p.part.kind != PartKind::Core) {
        split.insert(
            (p.part.kind == PartKind::Shared, p.part.module.clone()),
            split_part(p)?,
        );
    }
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
            contents: by_resource_rs(
                &resources,
                &shared,
                &shared_owners(spec, &shared)?,
                &plan,
                &split,
            ),
        },
        crate::codegen::handles::handles_file(&plan)?,
        GeneratedFile {
            path: dir.join("resources").join("mod.rs"),
            contents: mod_list("One module per feature: its `impl Client`.", &resources),
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
        let sp = split.get(&(p.part.kind == PartKind::Shared, p.part.module.clone()));
        if let Some(types) = sp.and_then(|sp| sp.types.clone()) {
            files.push(GeneratedFile {
                path: dir.join(types_chunk_path(p)),
                contents: types,
            });
        }
        if let Some(builder) = sp.and_then(|sp| sp.builder.clone()) {
            files.push(GeneratedFile {
                path: dir.join("builder").join(format!("{}.rs", p.part.module)),
                contents: builder,
            });
        }
        let (path, contents) = match (&p.part.kind, sp) {
            (PartKind::Core, _) => (dir.join("client.rs"), p.source.clone()),
            // A shared part is only types.
            (PartKind::Shared, _) => continue,
            (PartKind::Resource(_), Some(sp)) => (
                dir.join("resources").join(format!("{}.rs", p.part.module)),
                sp.rest.clone(),
            ),
            (PartKind::Resource(_), None) => bail!("part `{}` was not split", p.part.module),
        };
        files.push(GeneratedFile { path, contents });
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(owned: &[&str], doc: Value) -> Part {
        Part {
            kind: PartKind::Shared,
            module: "phone_numbers".into(),
            features: vec!["phone-numbers"],
            doc,
            owned: owned.iter().map(|s| s.to_string()).collect(),
            foreign: BTreeSet::new(),
        }
    }

    #[test]
    fn renamed_types_and_what_typify_derives_from_them_keep_their_old_names() {
        let doc = json!({"components": {"schemas": {
            "CreatePhoneNumber": {"x-close-sdk-renamed-from": ["CreatePhoneNumberRequest"]},
            "CreatePhoneNumberCarrierType": {"x-close-sdk-renamed-from": ["CreatePhoneNumberRequestCarrierType"]},
            "PhoneNumber": {}
        }}});
        let p = part(
            &[
                "CreatePhoneNumber",
                "CreatePhoneNumberCarrierType",
                "PhoneNumber",
            ],
            doc,
        );
        let types: BTreeSet<String> = [
            "CreatePhoneNumber",
            "CreatePhoneNumberCarrierType",
            "UnknownCreatePhoneNumberCarrierType",
            "CreatePhoneNumberSharingItem",
            "PhoneNumber",
        ]
        .map(String::from)
        .into();
        let aliases: BTreeMap<String, String> =
            deprecated_aliases(&p, &types).into_iter().collect();
        let expect: BTreeMap<String, String> = [
            ("CreatePhoneNumberRequest", "CreatePhoneNumber"),
            (
                "CreatePhoneNumberRequestCarrierType",
                "CreatePhoneNumberCarrierType",
            ),
            (
                "UnknownCreatePhoneNumberRequestCarrierType",
                "UnknownCreatePhoneNumberCarrierType",
            ),
            (
                "CreatePhoneNumberRequestSharingItem",
                "CreatePhoneNumberSharingItem",
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into();
        assert_eq!(aliases, expect);
    }

    #[test]
    fn a_derived_type_goes_with_its_schema() {
        let p = part(&["Contact", "CallStatus", "ContactPhone"], json!({}));
        assert_eq!(
            schema_of_type(&p, "Contact").map(String::as_str),
            Some("Contact")
        );
        assert_eq!(
            schema_of_type(&p, "ContactPhonesItem").map(String::as_str),
            Some("ContactPhone")
        );
        assert_eq!(
            schema_of_type(&p, "UnknownCallStatus").map(String::as_str),
            Some("CallStatus")
        );
        assert_eq!(schema_of_type(&p, "Other"), None);
    }
}
