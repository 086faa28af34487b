//! Drops the struct builders typify generates next to every type (`types::builder::Lead`), and
//! makes progenitor's request builders hold their body as the type itself.
//!
//! progenitor turns typify's struct builders on whenever the builder interface is chosen, and
//! offers no setting to turn them off. They cost more than they give:
//!
//! - a quarter of the generated source (2.1 MB of 8.4 MB): one builder struct per type, with a
//!   setter, `Default`, `TryFrom<builder>` and `From<type>` per member, all compiled and documented
//!   in every build;
//! - a `struct → builder → struct` round trip in every `.body(..)` call (about 600 instructions
//!   per `create_membership`);
//! - a required member forgotten in `body_map(|b| b.email(..))` is a runtime `String` error; with
//!   a struct literal it is a compile error.
//!
//! Bodies are built as struct literals (`CreateLead { name: Some(..), ..Default::default() }`),
//! with the constructor [`constructors`] gives every struct that has required members
//! (`CreateNoteActivity { note: Some(..), ..CreateNoteActivity::new("lead_1") }`), from the
//! hand-written `NewLead`/`NewContact`, or from JSON; every handle takes the body as an argument. The pass fails generation if progenitor's output stops having the shape it rewrites,
//! so a progenitor upgrade cannot bring the builders back silently.

use anyhow::{bail, Result};
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItem, Item};

/// What the pass removed and rewrote, for the generator's tests and messages.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Struct builders removed from `types::builder`.
    pub struct_builders: usize,
    /// Request builders whose body now holds the type itself.
    pub request_bodies: usize,
}

/// Removes `types::builder`, every `T::builder()`, and rewrites each request builder whose body
/// was a struct builder to hold `Result<types::T, String>` (no `body_map`, no round trip).
pub fn drop(file: &mut syn::File) -> Result<Dropped> {
    let mut dropped = Dropped::default();
    for item in file.items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else {
            continue;
        };
        if m.ident == "types" {
            dropped.struct_builders += drop_type_builders(items);
        } else if m.ident == "builder" {
            dropped.request_bodies += plain_bodies(items)?;
        }
    }
    let left = flat(file);
    if left.contains("types :: builder ::") || left.contains("fn body_map") {
        bail!("a struct builder is still referenced after the pass (progenitor's output changed?)");
    }
    Ok(dropped)
}

/// In `types`: removes the `builder` module and each `pub fn builder()` constructor.
fn drop_type_builders(items: &mut Vec<Item>) -> usize {
    let mut count = 0;
    items.retain(|item| match item {
        Item::Mod(m) if m.ident == "builder" => {
            count = m.content.as_ref().map_or(0, |(_, i)| {
                i.iter().filter(|i| matches!(i, Item::Struct(_))).count()
            });
            false
        }
        _ => true,
    });
    items.retain_mut(|item| {
        let Item::Impl(imp) = item else { return true };
        if imp.trait_.is_some() {
            return true;
        }
        imp.items
            .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "builder"));
        !imp.items.is_empty()
    });
    count
}

/// In the request `builder` module: each struct whose `body` is `Result<types::builder::T, _>`.
fn plain_bodies(items: &mut [Item]) -> Result<usize> {
    let mut rewritten = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        for field in s.fields.iter_mut() {
            let ty = flat(&field.ty);
            if !ty.contains("types :: builder ::") {
                continue;
            }
            if field.ident.as_ref().is_none_or(|i| i != "body") {
                bail!(
                    "`{}`: a struct builder in a member other than `body` ({ty})",
                    s.ident
                );
            }
            field.ty = syn::parse_str(&ty.replace("types :: builder ::", "types ::"))?;
            rewritten.push(s.ident.to_string());
        }
    }
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let name = match &*imp.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let Some(name) = name.filter(|n| rewritten.contains(n)) else {
            continue;
        };
        imp.items
            .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "body_map"));
        let mut seen = Seen::default();
        for i in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = i {
                seen.in_new = f.sig.ident == "new";
                seen.visit_block_mut(&mut f.block);
            }
        }
        if seen
            != (Seen {
                in_new: seen.in_new,
                default: 1,
                from: 1,
                try_from: 1,
            })
        {
            bail!("`{name}`: progenitor's body builder changed shape ({seen:?}); update struct_builders.rs");
        }
    }
    Ok(rewritten.len())
}

/// Rewrites the three places a struct-builder body shows in a request builder's methods.
#[derive(Debug, Default, PartialEq, Eq)]
struct Seen {
    in_new: bool,
    /// `body: Ok(Default::default())` in `new()` → `Err("body was not initialized")`.
    default: usize,
    /// `.map(From::from)` in `body()` (type → builder) → dropped.
    from: usize,
    /// `.and_then(|v| T::try_from(v)…)` in `send()` (builder → type) → dropped.
    try_from: usize,
}

impl VisitMut for Seen {
    fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
        let is_body = matches!(&fv.member, syn::Member::Named(i) if i == "body");
        if self.in_new && is_body && flat(&fv.expr).starts_with("Ok (") {
            fv.expr = syn::parse_quote!(Err("body was not initialized".to_string()));
            self.default += 1;
            return;
        }
        visit_mut::visit_field_value_mut(self, fv);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            let arg = call.args.first().map(flat).unwrap_or_default();
            let drop = (call.method == "map" && arg == "From :: from")
                || (call.method == "and_then" && arg.contains("try_from"));
            if drop {
                if call.method == "map" {
                    self.from += 1;
                } else {
                    self.try_from += 1;
                }
                *expr = (*call.receiver).clone();
                return self.visit_expr_mut(expr);
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// Gives every struct of `types` with required members a `new` taking them (each as
/// `impl Into<T>`), every other member unset: what a struct builder was mostly used for, at no
/// cost until called (the constructor is generic). Run after [`crate::codegen::wire::rewrite_file`], which
/// adds the catch-all and makes update members `Patch`es. Structs with no required member have
/// `Default` instead; a type that already has a `new` keeps it.
pub fn constructors(file: &mut syn::File) -> usize {
    let mut added = 0;
    for item in file.items.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        let Some((_, items)) = m.content.as_mut() else {
            continue;
        };
        let has_new: std::collections::BTreeSet<String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Impl(imp) if imp.trait_.is_none() => {
                    let has = imp
                        .items
                        .iter()
                        .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
                    has.then(|| flat(&imp.self_ty))
                }
                _ => None,
            })
            .collect();
        let has_default: std::collections::BTreeSet<String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Impl(imp)
                    if imp
                        .trait_
                        .as_ref()
                        .is_some_and(|t| flat(&t.1).ends_with("Default")) =>
                {
                    Some(flat(&imp.self_ty))
                }
                _ => None,
            })
            .collect();
        let mut new_items: Vec<Item> = Vec::new();
        for i in items.iter_mut() {
            let Item::Struct(s) = i else { continue };
            let syn::Fields::Named(fields) = &s.fields else {
                continue;
            };
            if !s.generics.params.is_empty() || has_new.contains(&s.ident.to_string()) {
                continue;
            }
            // Optional: an `Option`, a `Patch`, the catch-all, or a member serde defaults when
            // absent (a list with a documented default: `serde(default, …)`, kept for schemars).
            let optional = |f: &syn::Field| {
                let t = flat(&f.ty).replace(' ', "");
                ["::std::option::Option<", "Option<", "crate::Patch<"]
                    .iter()
                    .any(|p| t.starts_with(p))
                    || t == "crate::Extra"
                    || f.attrs.iter().any(|a| {
                        let a = flat(a);
                        a.contains("serde (default")
                            || a.contains(" default ,")
                            || a.contains(" default)")
                    })
            };
            let required: Vec<&syn::Field> = fields.named.iter().filter(|f| !optional(f)).collect();
            if required.is_empty() {
                // Every member optional: `Default` (typify leaves it out of structs with a
                // catch-all map), so `UpdateLead { name: .., ..Default::default() }` works for
                // every such body without a hand-written impl.
                let derived = s
                    .attrs
                    .iter()
                    .any(|a| a.path().is_ident("derive") && flat(a).contains("Default"));
                if !derived && !has_default.contains(&s.ident.to_string()) {
                    s.attrs.push(syn::parse_quote!(#[derive(Default)]));
                    added += 1;
                }
                continue;
            }
            let name = &s.ident;
            let args = required.iter().map(|f| {
                let (id, ty) = (&f.ident, &f.ty);
                quote::quote!(#id: impl ::std::convert::Into<#ty>)
            });
            let inits = fields.named.iter().map(|f| {
                let id = &f.ident;
                if optional(f) {
                    quote::quote!(#id: ::std::default::Default::default())
                } else {
                    quote::quote!(#id: #id.into())
                }
            });
            let names = required
                .iter()
                .filter_map(|f| f.ident.as_ref())
                .map(|i| format!("`{}`", i.to_string().trim_start_matches("r#")))
                .collect::<Vec<_>>()
                .join(", ");
            let doc = format!(
                " The `{name}` with only its required members ({names}) set. Set others with \
                 struct update syntax: `{name} {{ .., ..{name}::new(..) }}`."
            );
            new_items.push(syn::parse_quote! {
                impl #name {
                    #[doc = #doc]
                    #[allow(clippy::too_many_arguments)]
                    pub fn new(#(#args),*) -> Self {
                        Self { #(#inits),* }
                    }
                }
            });
            added += 1;
        }
        items.extend(new_items);
    }
    added
}

fn flat(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_builder_becomes_the_type_and_type_builders_go() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct CreateLead { pub name: Option<String> }
                impl CreateLead {
                    pub fn builder() -> builder::CreateLead { Default::default() }
                }
                impl CreateLead { pub fn name(&self) -> Option<&str> { None } }
                pub mod builder {
                    pub struct CreateLead { name: Result<Option<String>, String> }
                }
            }
            pub mod builder {
                pub struct LeadsCreate<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::CreateLead, String>,
                }
                impl<'a> LeadsCreate<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, body: Ok(::std::default::Default::default()) }
                    }
                    pub fn body<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<types::CreateLead>,
                    {
                        self.body = value.try_into().map(From::from).map_err(|s| format!("{}", s));
                        self
                    }
                    pub fn body_map<F>(mut self, f: F) -> Self
                    where F: std::ops::FnOnce(types::builder::CreateLead) -> types::builder::CreateLead,
                    {
                        self.body = self.body.map(f);
                        self
                    }
                    pub async fn send(self) -> Result<(), crate::Error> {
                        let Self { client, body } = self;
                        let body = body
                            .and_then(|v| types::CreateLead::try_from(v).map_err(|e| e.to_string()))
                            .map_err(crate::Error::InvalidRequest)?;
                        Ok(())
                    }
                }
            }
        };
        let dropped = drop(&mut file).expect("rewrites");
        assert_eq!(
            dropped,
            Dropped {
                struct_builders: 1,
                request_bodies: 1
            }
        );
        let out = flat(&file);
        assert!(!out.contains("builder ()"), "{out}");
        assert!(out.contains("fn name"), "{out}");
        assert!(
            out.contains("body : Result < types :: CreateLead , String >"),
            "{out}"
        );
        assert!(
            out.contains("Err (\"body was not initialized\" . to_string ())"),
            "{out}"
        );
        assert!(!out.contains("From :: from"), "{out}");
        assert!(!out.contains("try_from"), "{out}");
        assert!(!out.contains("body_map"), "{out}");
    }

    #[test]
    fn structs_with_required_members_get_a_constructor() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct CreateNote {
                    pub lead_id: ::std::string::String,
                    pub note: ::std::option::Option<::std::string::String>,
                    pub extra: crate::Extra,
                }
                pub struct UpdateNote { pub note: crate::Patch<String>, pub extra: crate::Extra }
                pub struct ListBody {
                    #[cfg_attr(feature = "schemars", serde(default, skip_serializing_if = "::std::vec::Vec::is_empty"))]
                    pub fields: ::std::vec::Vec<String>,
                }
                pub struct Kept { pub id: String }
                impl Kept { pub fn new() -> Self { todo!() } }
            }
        };
        // One constructor, and `Default` for the two structs with no required member.
        assert_eq!(constructors(&mut file), 3);
        let out = flat(&file).replace(' ', "");
        assert!(
            out.contains("pubfnnew(lead_id:impl::std::convert::Into<::std::string::String>)->Self{Self{lead_id:lead_id.into(),note:::std::default::Default::default(),extra:::std::default::Default::default()}}"),
            "{out}"
        );
        assert!(!out.contains("implUpdateNote"), "{out}");
        assert!(!out.contains("implListBody"), "{out}");
        assert!(
            out.contains("#[derive(Default)]pubstructUpdateNote"),
            "{out}"
        );
        assert!(
            !out.contains("#[derive(Default)]pubstructCreateNote"),
            "{out}"
        );
    }

    #[test]
    fn an_unknown_shape_fails_generation() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct LeadsCreate<'a> { body: Result<types::builder::CreateLead, String> }
                impl<'a> LeadsCreate<'a> {
                    pub fn new() -> Self { Self { body: Ok(Default::default()) } }
                }
            }
        };
        assert!(drop(&mut file).is_err());
    }
}
