//! Generated serde impls instead of derives, for every generated struct with named fields and
//! every generated string enum (a syn pass on progenitor's output; the runtime helpers are
//! close-sdk's `wire` module).
//!
//! The rules, for every struct:
//!
//! - **Catch-all.** Every struct has a public `extra: serde_json::Map` (typify's own, for
//!   schemas with `additionalProperties`, or added): keys the type does not name, and named
//!   keys Close sent as `null`. Decoding is one map visitor dispatching on the key; no
//!   `#[serde(flatten)]` (which buffers every value into serde's `Content`).
//! - **Null.** A named key that arrives as `null` leaves its field `None` and is remembered in
//!   `extra` (one bit per named key, `close_sdk::Extra::nulls`; not a key of its map),
//!   so re-encoding writes it back (a field that is always written, a required nullable one,
//!   writes its own `null` instead). A value sent after a `null` for the same key forgets it.
//! - **Leniency.** Integer and float fields accept numeric strings and (integers) integral
//!   floats; every field accepts `null`. A value of the wrong type still fails, naming the key.
//! - **Encoding.** The written typed fields in declaration order, then `extra`. An `extra` key
//!   that names a typed field is written only when its value is `null`, the typed field is not
//!   written, and the property may be null (every property of a response schema; a request
//!   schema's when the document declares it `nullable`); any other such key fails the
//!   serialisation with a message naming the type and the field, which the request path
//!   reports as `Error::InvalidRequest` before anything is sent. So a body never carries a
//!   key twice, and the only way to send a value for a typed key is the typed field.
//!
//! For every string enum: an `Unknown(Unknown{Enum})` variant decodes a value this SDK does not
//! know and encodes it back (`Unknown{Enum}` is opaque: only decoding builds one, so a known value
//! is never held as unknown); `as_str`, `Display` and `Serialize` write it; `FromStr` and
//! `TryFrom<&str>` stay strict (they take caller input).
//!
//! What the document says that the Rust syntax cannot (which structs are response types,
//! which properties are nullable) reaches this pass as markers in the schemas' descriptions
//! ([`crate::codegen::marks`]).

use std::collections::BTreeSet;

use quote::{format_ident, quote, ToTokens};
use syn::{Item, ItemEnum, ItemStruct};

use crate::codegen::marks::{strip_markers, MARK_NULLABLE, MARK_RESPONSE, MARK_UPDATE};
use crate::codegen::syntax::{doc_text, generic_inner, option_inner};

/// What the pass did to one file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Structs given generated serde impls.
    pub structs: usize,
    /// Of those, structs that got an `extra` field they did not have.
    pub extra_added: usize,
    /// String enums opened with an `Unknown` variant.
    pub enums: usize,
    /// Update bodies whose optional fields became `crate::Patch`.
    pub patches: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Self) {
        self.structs += o.structs;
        self.extra_added += o.extra_added;
        self.enums += o.enums;
        self.patches += o.patches;
    }
}

/// The members of a struct made `Patch`: each with, for a list typify left out when empty,
/// that emptiness predicate.
type PatchedFields = Vec<(syn::Ident, Option<syn::Path>)>;

/// One field of a struct, as the impls need it.
struct FieldInfo {
    ident: syn::Ident,
    key: String,
    ty: syn::Type,
    /// `Option<T>`: its `T`.
    option_of: Option<syn::Type>,
    /// `#[serde(default)]` (a non-`Option` that may be absent).
    default: bool,
    /// `skip_serializing_if = "…"`: the predicate.
    skip_if: Option<syn::Path>,
    /// The document declares it nullable (or the struct is a response type).
    nullable: bool,
    /// The field is a `crate::Patch<T>` (update bodies).
    patch: bool,
}

fn serde_args(attrs: &[syn::Attribute]) -> Vec<syn::Meta> {
    use syn::punctuated::Punctuated;
    let mut out = Vec::new();
    for a in attrs {
        if a.path().is_ident("serde") {
            if let Ok(list) =
                a.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            {
                out.extend(list);
            }
        }
    }
    out
}

fn lit_str(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn is_number(ty: &syn::Type) -> bool {
    let t = ty.to_token_stream().to_string().replace(' ', "");
    matches!(
        t.as_str(),
        "i64"
            | "i32"
            | "i16"
            | "i8"
            | "u64"
            | "u32"
            | "u16"
            | "u8"
            | "f64"
            | "f32"
            | "::std::num::NonZeroU64"
            | "std::num::NonZeroU64"
    )
}

fn serde_to_schemars(attrs: &mut [syn::Attribute]) {
    for a in attrs.iter_mut() {
        if a.path().is_ident("serde") {
            let inner = match &a.meta {
                syn::Meta::List(l) => l.tokens.clone(),
                _ => continue,
            };
            *a = syn::parse_quote!(#[cfg_attr(feature = "schemars", serde(#inner))]);
        }
    }
}

fn drop_serde_derives(attrs: &mut [syn::Attribute], also: &[&str]) {
    use syn::punctuated::Punctuated;
    for a in attrs.iter_mut() {
        if !a.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) =
            a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| {
                let last = p
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                !(last == "Serialize" || last == "Deserialize" || also.contains(&last.as_str()))
            })
            .collect();
        *a = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.to_token_stream()
                .to_string()
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == name)
    })
}

/// Rewrites one `types` module: serde impls for its structs and string enums, `extra` added
/// where missing (and to the builders), update bodies' optional fields made `crate::Patch`.
pub fn rewrite_types(items: &mut Vec<Item>) -> Counts {
    let mut counts = Counts::default();
    let mut new_items = Vec::new();
    let mut added_extra = BTreeSet::new();
    let mut patched: Vec<(String, PatchedFields)> = Vec::new();
    let methods = crate::codegen::accessors::inherent_methods(items);
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let syn::Fields::Named(_) = &s.fields else {
                    continue;
                };
                if !derives(&s.attrs, "Deserialize") && !derives(&s.attrs, "Serialize") {
                    continue;
                }
                let (impls, added, patches) = rewrite_struct(s);
                new_items.extend(crate::codegen::accessors::accessors(s, &methods));
                counts.structs += 1;
                if added {
                    counts.extra_added += 1;
                    added_extra.insert(s.ident.to_string());
                }
                if !patches.is_empty() {
                    counts.patches += 1;
                    patched.push((s.ident.to_string(), patches));
                }
                new_items.extend(impls);
            }
            Item::Enum(e) => {
                if let Some(impls) = rewrite_enum(e) {
                    counts.enums += 1;
                    new_items.extend(impls);
                }
            }
            _ => {}
        }
    }
    // Display impls of opened enums: replaced by the ones `rewrite_enum` made.
    let opened: BTreeSet<String> = new_items
        .iter()
        .filter_map(|i| match i {
            Item::Impl(imp)
                if imp
                    .trait_
                    .as_ref()
                    .is_some_and(|t| t.0.segments.last().is_some_and(|s| s.ident == "Display")) =>
            {
                Some(imp.self_ty.to_token_stream().to_string())
            }
            _ => None,
        })
        .collect();
    items.retain(|i| match i {
        Item::Impl(imp) => {
            let is_display = imp
                .trait_
                .as_ref()
                .is_some_and(|t| t.0.segments.last().is_some_and(|s| s.ident == "Display"));
            !(is_display && opened.contains(&imp.self_ty.to_token_stream().to_string()))
        }
        _ => true,
    });
    items.extend(new_items);
    for item in items.iter_mut() {
        if let Item::Mod(m) = item {
            if m.ident == "builder" {
                if let Some((_, b)) = &mut m.content {
                    patch_builders(b, &added_extra, &patched);
                }
            }
        }
    }
    counts
}

const EXTRA_DOC: &str = "Keys this type does not name (a map), and which named keys Close sent as `null`; both are written back as they came (see [`crate::Extra`]).";

/// Rewrites one struct; returns its serde impls, whether `extra` was added, and the fields made
/// `Patch` (with their former `Option` type).
fn rewrite_struct(s: &mut ItemStruct) -> (Vec<Item>, bool, PatchedFields) {
    let doc = doc_text(&s.attrs);
    let response = doc.contains(MARK_RESPONSE);
    // An update body that is also a response type (`PinnedViews`) keeps plain `Option`s.
    let update = doc.contains(MARK_UPDATE) && !response;
    drop_serde_derives(&mut s.attrs, &[]);
    // Struct-level serde attributes (`deny_unknown_fields` on two request types) go: every
    // type keeps the keys it does not name.
    s.attrs.retain(|a| !a.path().is_ident("serde"));
    let syn::Fields::Named(named) = &mut s.fields else {
        return (Vec::new(), false, Vec::new());
    };
    let mut fields = Vec::new();
    let mut has_extra = false;
    let mut patches = Vec::new();
    for f in named.named.iter_mut() {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let args = serde_args(&f.attrs);
        let field_doc = doc_text(&f.attrs);
        serde_to_schemars(&mut f.attrs);
        let mut key = ident.to_string().trim_start_matches("r#").to_string();
        let (mut default, mut skip_if, mut flatten) = (false, None, false);
        for a in &args {
            match a {
                syn::Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                    if let Some(k) = lit_str(&nv.value) {
                        key = k;
                    }
                }
                syn::Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    skip_if = lit_str(&nv.value).and_then(|p| syn::parse_str::<syn::Path>(&p).ok());
                }
                syn::Meta::Path(p) if p.is_ident("default") => default = true,
                syn::Meta::NameValue(nv) if nv.path.is_ident("default") => default = true,
                syn::Meta::Path(p) if p.is_ident("flatten") => flatten = true,
                _ => {}
            }
        }
        if flatten && ident == "extra" {
            has_extra = true;
            f.ty = syn::parse_quote!(crate::Extra);
            f.attrs.retain(|a| !a.path().is_ident("doc"));
            f.attrs.insert(0, syn::parse_quote!(#[doc = #EXTRA_DOC]));
            continue;
        }
        let option_of = option_inner(&f.ty);
        let nullable = response || field_doc.contains(MARK_NULLABLE);
        let mut patch = false;
        if update {
            if let Some(pred) = &skip_if {
                // `Option<T>` → `Patch<T>`; a list or map that typify left out when empty →
                // `Patch<Vec<T>>` (an empty list given to the builder is `Set([])`).
                let inner = option_of.clone().unwrap_or_else(|| f.ty.clone());
                let empty = option_of.is_none().then(|| pred.clone());
                patches.push((ident.clone(), empty));
                f.ty = syn::parse_quote!(crate::Patch<#inner>);
                patch = true;
                f.attrs.retain(|a| {
                    !a.to_token_stream()
                        .to_string()
                        .contains("skip_serializing_if")
                });
            }
        }
        fields.push(FieldInfo {
            ident,
            key,
            ty: f.ty.clone(),
            option_of: if patch { None } else { option_of },
            default,
            skip_if,
            nullable,
            patch,
        });
    }
    let added = !has_extra;
    if added {
        let field: syn::Field = syn::Field::parse_named
            .parse2(quote! {
                #[doc = #EXTRA_DOC]
                #[cfg_attr(feature = "schemars", serde(flatten))]
                pub extra: crate::Extra
            })
            .expect("a field parses");
        named.named.push(field);
    }
    let name = &s.ident;
    let keys = keys_static(name);
    let names = fields.iter().map(|f| f.key.as_str());
    let keys_item: Item = syn::parse_quote! {
        /// The typed keys of the struct, in declaration order (remembered `null`s are indices).
        #[allow(non_upper_case_globals)]
        static #keys: crate::values::extra::Names = crate::values::extra::Names(&[#(#names),*]);
    };
    (
        vec![
            keys_item,
            serialize_impl(name, &fields),
            deserialize_impl(name, &fields),
        ],
        added,
        patches,
    )
}

use syn::parse::Parser;

/// The name of the static that lists a struct's typed keys (the indices of remembered nulls).
fn keys_static(name: &syn::Ident) -> syn::Ident {
    format_ident!("{}_WIRE_KEYS", name.to_string().to_uppercase())
}

fn serialize_impl(name: &syn::Ident, fields: &[FieldInfo]) -> Item {
    let type_name = name.to_string();
    let keys = keys_static(name);
    let mut writes = Vec::new();
    let mut arms = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let (ident, key) = (&f.ident, &f.key);
        if f.patch {
            writes.push(quote! {
                crate::wire::write_patch(&mut map, #key, &self.#ident)?;
            });
            // A patch's `extra` twin is never allowed: `Patch::Clear` is how null is sent.
            arms.push(quote! { #key => true, });
            continue;
        }
        let absent = if f.option_of.is_some() {
            if f.skip_if.is_some() {
                quote!(self.#ident.is_none())
            } else {
                quote!(false)
            }
        } else if let Some(p) = &f.skip_if {
            quote!(#p(&self.#ident))
        } else {
            quote!(false)
        };
        match (&f.option_of, &f.skip_if) {
            (Some(_), Some(_)) => writes.push(quote! {
                if let ::std::option::Option::Some(v) = &self.#ident {
                    map.serialize_entry(#key, v)?;
                } else if self.extra.null_at(#i, #key, &#keys) {
                    map.serialize_entry(#key, &())?;
                }
            }),
            (_, Some(p)) => writes.push(quote! {
                if !#p(&self.#ident) {
                    map.serialize_entry(#key, &self.#ident)?;
                } else if self.extra.null_at(#i, #key, &#keys) {
                    map.serialize_entry(#key, &())?;
                }
            }),
            (_, None) => writes.push(quote! {
                map.serialize_entry(#key, &self.#ident)?;
            }),
        }
        if f.nullable {
            arms.push(quote! { #key => !(v.is_null() && #absent), });
        } else {
            arms.push(quote! { #key => true, });
        }
    }
    let check = if arms.is_empty() {
        quote!()
    } else {
        quote! {
            for (k, v) in self.extra.iter() {
                let clash = match k.as_str() {
                    #(#arms)*
                    _ => false,
                };
                if clash {
                    return ::std::result::Result::Err(crate::wire::clash::<S::Error>(#type_name, k));
                }
            }
        }
    };
    syn::parse_quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                #check
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#writes)*
                for (k, v) in self.extra.iter() {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

fn deserialize_impl(name: &syn::Ident, fields: &[FieldInfo]) -> Item {
    let expecting = format!("a `{name}` object");
    let table = keys_static(name);
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let (ident, key) = (&f.ident, &f.key);
        let local = format_ident!("f{}", i);
        let inner = f.option_of.clone().unwrap_or_else(|| f.ty.clone());
        if f.patch {
            locals.push(quote! { let mut #local = crate::Patch::Unchanged; });
            arms.push((key.clone(), quote! { #local = map.next_value()? }));
            inits.push(quote! { #ident: #local, });
            continue;
        }
        // A field that is always written writes its own null: no twin in `extra`.
        let remember = !(f.option_of.is_some() && f.skip_if.is_none());
        let read = if is_number(&inner) {
            quote!(crate::wire::number)
        } else {
            quote!(crate::wire::field)
        };
        locals.push(
            quote! { let mut #local: ::std::option::Option<#inner> = ::std::option::Option::None; },
        );
        arms.push((
            key.clone(),
            quote! { #read(&mut map, &mut #local, &mut extra, &#table, #i, #remember)? },
        ));
        if f.option_of.is_some() {
            inits.push(quote! { #ident: #local, });
        } else if f.default {
            inits.push(quote! { #ident: #local.unwrap_or_default(), });
        } else {
            inits.push(quote! {
                #ident: match #local {
                    ::std::option::Option::Some(v) => v,
                    ::std::option::Option::None => return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::missing_field(#key)),
                },
            });
        }
    }
    let (keys, bodies): (Vec<&String>, Vec<&proc_macro2::TokenStream>) =
        arms.iter().map(|(k, b)| (k, b)).unzip();
    syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visit;
                impl<'de> ::serde::de::Visitor<'de> for Visit {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        let mut extra = crate::Extra::default();
                        #(#locals)*
                        while let ::std::option::Option::Some(key) = map.next_key::<crate::wire::Key<'de>>()? {
                            match key.as_str() {
                                #(#keys => #bodies,)*
                                _ => crate::wire::other(&mut map, key, &mut extra)?,
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#inits)* extra })
                    }
                }
                deserializer.deserialize_map(Visit)
            }
        }
    }
}

/// The wire strings of a string enum's variants, or `None` when it is not one.
fn string_variants(e: &ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    if !derives(&e.attrs, "Deserialize") || e.variants.is_empty() {
        return None;
    }
    if !serde_args(&e.attrs).is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            return None;
        }
        let mut wire = v.ident.to_string();
        for a in serde_args(&v.attrs) {
            if let syn::Meta::NameValue(nv) = &a {
                if nv.path.is_ident("rename") {
                    wire = lit_str(&nv.value)?;
                }
            }
        }
        out.push((v.ident.clone(), wire));
    }
    Some(out)
}

fn rewrite_enum(e: &mut ItemEnum) -> Option<Vec<Item>> {
    let variants = string_variants(e)?;
    let name = e.ident.clone();
    let unknown = if variants.iter().any(|(v, _)| v == "Unknown") {
        format_ident!("UnknownValue")
    } else {
        format_ident!("Unknown")
    };
    drop_serde_derives(&mut e.attrs, &["Copy"]);
    for v in e.variants.iter_mut() {
        serde_to_schemars(&mut v.attrs);
    }
    // The unknown value is an opaque newtype only decoding builds (like
    // `crate::UnknownAutoRecordCalls`): a known value can never be held as unknown, so equality
    // agrees with the wire.
    let opaque = format_ident!("Unknown{}", name);
    let opaque_derives: Vec<&syn::Attribute> = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .collect();
    let opaque_doc = format!(
        "A value of [`{name}`] that Close sent and this SDK does not know (only decoding makes \
         one; [`{opaque}::as_str`] reads it)."
    );
    // The opaque newtype has no doc page (`#[doc(hidden)]`, below): nothing names it, and a page
    // of trait impls each (~50 KB, 60 types) is most of what it would add to the docs; the
    // variant says how to read it.
    let variant_doc = format!(
        "A value this version of the SDK does not know, as Close sent it (decoded, and written \
         back as it came; it cannot be built by hand, and `FromStr` never makes one); \
         [`{name}::as_str`] reads it."
    );
    let variant: syn::Variant = syn::parse_quote! {
        #[doc = #variant_doc]
        #[cfg_attr(feature = "schemars", schemars(skip))]
        #unknown(#opaque)
    };
    e.variants.push(variant);
    let idents: Vec<&syn::Ident> = variants.iter().map(|(i, _)| i).collect();
    let wires: Vec<&String> = variants.iter().map(|(_, w)| w).collect();
    let expecting = format!("a `{name}` string");
    let items: Vec<Item> = vec![
        syn::parse_quote! {
            #[doc = #opaque_doc]
            #[doc(hidden)]
            #(#opaque_derives)*
            pub struct #opaque(::std::string::String);
        },
        syn::parse_quote! {
            impl #opaque {
                /// The value as Close sent it.
                pub fn as_str(&self) -> &str {
                    &self.0
                }
            }
        },
        syn::parse_quote! {
            impl #name {
                /// The wire value.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#idents => #wires,)*
                        Self::#unknown(s) => s.as_str(),
                    }
                }
            }
        },
        syn::parse_quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        },
        syn::parse_quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        },
        syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let key = crate::wire::Key::deserialize_str(deserializer, #expecting)?;
                    ::std::result::Result::Ok(match key.as_str() {
                        #(#wires => Self::#idents,)*
                        _ => Self::#unknown(#opaque(key.into_string())),
                    })
                }
            }
        },
    ];
    Some(items)
}

/// Fits the builders (typify's `builder` module) to the rewritten structs: every builder holds
/// its `extra` as a `crate::Extra` (added where the struct got one; remembered `null`s survive
/// the trip through a builder, which every generated `.body(..)` makes) and each `Patch` member
/// as a `crate::Patch`, its setter taking anything that converts to one (a value is `Set`, an
/// empty list too; an `Option` is `Set` or `Unchanged`; `Patch::Clear` clears), so
/// `struct → builder → struct` loses nothing and a builder can clear.
fn patch_builders(
    items: &mut [Item],
    added: &BTreeSet<String>,
    patched: &[(String, PatchedFields)],
) {
    use syn::visit_mut::VisitMut;
    let extra_ty: syn::Type =
        syn::parse_quote!(::std::result::Result<crate::Extra, ::std::string::String>);
    let patched_of = |name: &str| {
        patched
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.as_slice())
    };
    /// Adds `extra` to the `Self { .. }` literals of a trait impl that lack it.
    struct AddExtra(syn::Expr);
    impl VisitMut for AddExtra {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            if !e.path.is_ident("Self") {
                return syn::visit_mut::visit_expr_struct_mut(self, e);
            }
            let has = e
                .fields
                .iter()
                .any(|f| matches!(&f.member, syn::Member::Named(m) if m == "extra"));
            if !has {
                let v = &self.0;
                e.fields.push(syn::parse_quote!(extra: #v));
            } else {
                for f in e.fields.iter_mut() {
                    if matches!(&f.member, syn::Member::Named(m) if m == "extra")
                        && f.expr.to_token_stream().to_string().contains("Err")
                    {
                        f.expr = self.0.clone();
                    }
                }
            }
        }
    }
    let extra_setter: syn::ImplItem = syn::parse_quote! {
        /// Keys the type does not name (see the type's `extra`).
        pub fn extra<T>(mut self, value: T) -> Self
        where
            T: ::std::convert::TryInto<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
            T::Error: ::std::fmt::Display,
        {
            self.extra = value
                .try_into()
                .map(crate::Extra::from)
                .map_err(|e| format!("error converting supplied value for extra: {e}"));
            self
        }
    };
    for item in items.iter_mut() {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let patches = patched_of(&name);
                let syn::Fields::Named(n) = &mut s.fields else {
                    continue;
                };
                for f in n.named.iter_mut() {
                    let Some(ident) = &f.ident else { continue };
                    if ident == "extra" {
                        f.ty = extra_ty.clone();
                    } else if let Some((_, empty)) =
                        patches.and_then(|p| p.iter().find(|(i, _)| i == ident))
                    {
                        // `Result<Option<T>, String>` / `Result<Vec<T>, String>` → `Result<Patch<T>, String>`.
                        let inner = generic_inner(&f.ty, "Result");
                        let member = match (inner, empty) {
                            (Some(t), None) => option_inner(&t),
                            (Some(t), Some(_)) => Some(t),
                            _ => None,
                        };
                        if let Some(t) = member {
                            f.ty = syn::parse_quote!(::std::result::Result<crate::Patch<#t>, ::std::string::String>);
                        }
                    }
                }
                if added.contains(&name) {
                    let f = syn::Field::parse_named
                        .parse2(quote! { extra: #extra_ty })
                        .expect("a field parses");
                    n.named.push(f);
                }
            }
            Item::Impl(imp) => {
                let self_ty = imp.self_ty.to_token_stream().to_string().replace(' ', "");
                let Some((t, _)) = &imp.trait_ else {
                    // The setters.
                    let patches = patched_of(&self_ty);
                    let mut has_extra = false;
                    for it in imp.items.iter_mut() {
                        let syn::ImplItem::Fn(f) = it else { continue };
                        if f.sig.ident == "extra" {
                            has_extra = true;
                            if let syn::ImplItem::Fn(mine) = &extra_setter {
                                f.block = mine.block.clone();
                            }
                            continue;
                        }
                        let Some((_, empty)) =
                            patches.and_then(|p| p.iter().find(|(i, _)| *i == f.sig.ident))
                        else {
                            continue;
                        };
                        // `T: TryInto<Option<M>>` / `T: TryInto<Vec<X>>` → `T: TryInto<Patch<M>>`
                        // (with `M` = `Vec<X>`): a value is `Set` (an empty list too), an
                        // `Option` is `Set` or `Unchanged`, and `Patch::Clear` clears.
                        if let Some(w) = &mut f.sig.generics.where_clause {
                            for pred in w.predicates.iter_mut() {
                                let syn::WherePredicate::Type(pt) = pred else {
                                    continue;
                                };
                                for b in pt.bounds.iter_mut() {
                                    let syn::TypeParamBound::Trait(tb) = b else {
                                        continue;
                                    };
                                    let Some(seg) = tb.path.segments.last_mut() else {
                                        continue;
                                    };
                                    if seg.ident != "TryInto" {
                                        continue;
                                    }
                                    let syn::PathArguments::AngleBracketed(args) =
                                        &mut seg.arguments
                                    else {
                                        continue;
                                    };
                                    let Some(syn::GenericArgument::Type(arg)) =
                                        args.args.first_mut()
                                    else {
                                        continue;
                                    };
                                    let member = match empty {
                                        None => option_inner(arg),
                                        Some(_) => Some(arg.clone()),
                                    };
                                    if let Some(m) = member {
                                        *arg = syn::parse_quote!(crate::Patch<#m>);
                                    }
                                }
                            }
                        }
                    }
                    if added.contains(&self_ty) && !has_extra {
                        imp.items.push(extra_setter.clone());
                    }
                    continue;
                };
                let last = t
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let (name, value): (String, syn::Expr) = match last.as_str() {
                    "Default" => (self_ty.clone(), syn::parse_quote!(Ok(Default::default()))),
                    "From" => (self_ty.clone(), syn::parse_quote!(Ok(value.extra))),
                    "TryFrom" => (
                        self_ty.trim_start_matches("super::").to_string(),
                        syn::parse_quote!(value.extra?),
                    ),
                    _ => continue,
                };
                if added.contains(&name) || last == "Default" {
                    AddExtra(value).visit_item_impl_mut(imp);
                }
            }
            _ => {}
        }
    }
}

/// Applies [`rewrite_types`] to the `types` module of a progenitor file.
pub fn rewrite_file(file: &mut syn::File) -> Counts {
    let mut counts = Counts::default();
    for item in file.items.iter_mut() {
        if let Item::Mod(m) = item {
            if m.ident == "types" {
                if let Some((_, items)) = &mut m.content {
                    counts += rewrite_types(items);
                }
            }
        }
    }
    strip_markers(file);
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(file: syn::File) -> (String, Counts) {
        let mut file = file;
        let counts = rewrite_file(&mut file);
        (
            prettyplease::unparse(&file).replace([' ', '\n'], ""),
            counts,
        )
    }

    #[test]
    fn structs_get_map_visitor_impls_and_a_catch_all() {
        let doc = format!("A lead {MARK_RESPONSE}");
        let (out, counts) = pass(syn::parse_quote! {
            pub mod types {
                #[doc = #doc]
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Lead {
                    #[serde(rename = "_type", skip_serializing_if = "::std::option::Option::is_none")]
                    pub type_: ::std::option::Option<::std::string::String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub n: ::std::option::Option<i64>,
                }
            }
        });
        assert_eq!(counts.structs, 1);
        assert_eq!(counts.extra_added, 1);
        assert!(!out.contains("#[derive(::serde::Deserialize"), "{out}");
        assert!(out.contains("pubextra:crate::Extra"), "{out}");
        assert!(
            out.contains("staticLEAD_WIRE_KEYS:crate::values::extra::Names=crate::values::extra::Names(&[\"_type\",\"n\"],);"),
            "{out}"
        );
        assert!(
            out.contains("elseifself.extra.null_at(0usize,\"_type\",&LEAD_WIRE_KEYS)"),
            "{out}"
        );
        assert!(
            out.contains(
                "crate::wire::field(&mutmap,&mutf0,&mutextra,&LEAD_WIRE_KEYS,0usize,true,)?"
            ),
            "{out}"
        );
        assert!(
            out.contains("\"n\"=>{crate::wire::number("),
            "integers are lenient: {out}"
        );
        assert!(
            out.contains("\"_type\"=>!(v.is_null()&&self.type_.is_none())"),
            "{out}"
        );
        assert!(
            out.contains("///Alead#[derive"),
            "the marker is gone: {out}"
        );
        assert!(!out.contains("close-sdk:"), "{out}");
    }

    #[test]
    fn a_request_field_not_declared_nullable_refuses_any_twin() {
        let (out, _) = pass(syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct CreateX {
                    pub name: ::std::string::String,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub url: ::std::option::Option<::std::string::String>,
                }
            }
        });
        assert!(out.contains("\"name\"=>true,\"url\"=>true,"), "{out}");
        assert!(out.contains("missing_field(\"name\")"), "{out}");
    }

    #[test]
    fn update_bodies_hold_patches() {
        let doc = format!("Changes {MARK_UPDATE}");
        let (out, counts) = pass(syn::parse_quote! {
            pub mod types {
                #[doc = #doc]
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct UpdateX {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub url: ::std::option::Option<::std::string::String>,
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                }
            }
        });
        assert_eq!(counts.patches, 1);
        assert!(
            out.contains("puburl:crate::Patch<::std::string::String>"),
            "{out}"
        );
        assert!(
            out.contains("pubtags:crate::Patch<::std::vec::Vec<::std::string::String>>"),
            "{out}"
        );
        assert!(
            out.contains("crate::wire::write_patch(&mutmap,\"url\",&self.url)?"),
            "{out}"
        );
    }

    #[test]
    fn string_enums_are_opened_and_stay_strict_on_input() {
        let (out, counts) = pass(syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Status {
                    #[serde(rename = "in-progress")]
                    InProgress,
                }
                impl ::std::fmt::Display for Status {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::InProgress => f.write_str("in-progress") }
                    }
                }
            }
        });
        assert_eq!(counts.enums, 1);
        assert!(out.contains("Unknown(UnknownStatus)"), "{out}");
        assert!(
            out.contains("pubstructUnknownStatus(::std::string::String);"),
            "opaque, no public constructor: {out}"
        );
        assert!(!out.contains("Copy"), "{out}");
        assert!(
            out.contains("\"in-progress\"=>Self::InProgress,_=>Self::Unknown(UnknownStatus(key.into_string()))"),
            "{out}"
        );
        assert_eq!(
            out.matches("impl::std::fmt::DisplayforStatus").count(),
            1,
            "{out}"
        );
    }
}
