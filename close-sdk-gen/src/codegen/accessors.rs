//! Read accessors on response types: every response member is optional (a response may leave
//! any member out or send `null`), so a list member is an `Option<Vec<T>>` field and its reader
//! would write `.as_deref().unwrap_or_default()` at every step. Each `Option<Vec<T>>` field of
//! a struct reachable from a success response gets `pub fn field(&self) -> &[T]` (empty when
//! absent or `null`), and an `id: Option<String>` gets `pub fn id(&self) -> Option<&str>`.
//!
//! A field is skipped (no accessor, the field stays the way to read it) when its accessor name
//! would be taken: by an inherent method of the type in the same generated module (progenitor's
//! `builder()`), by a method of a trait the hand-written crate implements on generated types
//! ([`TRAIT_METHODS`], where an inherent method would silently shadow the trait's), or when the
//! field name is keyword-mangled (`type_`, `r#ref`), whose accessor name would read wrong.
//! A clash with a hand-written inherent method is a compile error of the crate, so it cannot go
//! unnoticed.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::{Item, ItemStruct};

/// Method names of traits the hand-written crate implements on generated types.
const TRAIT_METHODS: &[(&str, &str)] = &[
    ("members", "close_sdk::custom_fields::CustomFields::members"),
    (
        "custom_fields",
        "close_sdk::custom_fields::CustomFields::custom_fields",
    ),
];

/// The inherent (non-trait) method names of each type in one `types` module.
pub fn inherent_methods(items: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(p) = &*imp.self_ty else {
            continue;
        };
        let Some(last) = p.path.segments.last() else {
            continue;
        };
        let names = out.entry(last.ident.to_string()).or_default();
        for ii in &imp.items {
            if let syn::ImplItem::Fn(f) = ii {
                names.insert(f.sig.ident.to_string());
            }
        }
    }
    out
}

/// The accessors of one struct (after the serde pass, before the markers are stripped), or
/// `None` when it is not a response type or has none; `methods` is [`inherent_methods`].
pub fn accessors(s: &ItemStruct, methods: &BTreeMap<String, BTreeSet<String>>) -> Option<Item> {
    if !crate::codegen::syntax::doc_text(&s.attrs).contains(crate::codegen::marks::MARK_RESPONSE) {
        return None;
    }
    let taken = methods.get(&s.ident.to_string());
    let syn::Fields::Named(named) = &s.fields else {
        return None;
    };
    let mut fns = Vec::new();
    for f in &named.named {
        let Some(ident) = &f.ident else { continue };
        let name = ident.to_string();
        if name.starts_with("r#")
            || name.ends_with('_')
            || taken.is_some_and(|t| t.contains(&name))
            || TRAIT_METHODS.iter().any(|(m, _)| *m == name)
        {
            continue;
        }
        let Some(inner) = crate::codegen::syntax::option_inner(&f.ty) else {
            continue;
        };
        if let Some(elem) = crate::codegen::syntax::generic_inner(&inner, "Vec") {
            let doc = format!("`{name}`, or an empty slice when Close did not send it.");
            fns.push(quote! {
                #[doc = #doc]
                pub fn #ident(&self) -> &[#elem] {
                    self.#ident.as_deref().unwrap_or_default()
                }
            });
        } else if name == "id" && is_string(&inner) {
            fns.push(quote! {
                /// `id`, or `None` when Close did not send it.
                pub fn id(&self) -> Option<&str> {
                    self.id.as_deref()
                }
            });
        }
    }
    if fns.is_empty() {
        return None;
    }
    let ty = &s.ident;
    Some(syn::parse_quote! {
        impl #ty {
            #(#fns)*
        }
    })
}

fn is_string(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    p.path.segments.last().is_some_and(|s| s.ident == "String")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn run(s: ItemStruct, impls: Vec<Item>) -> String {
        let mut items = impls;
        items.push(Item::Struct(s.clone()));
        let item = accessors(&s, &inherent_methods(&items));
        item.map(|i| i.to_token_stream().to_string().replace(' ', ""))
            .unwrap_or_default()
    }

    #[test]
    fn response_lists_get_slices_and_clashes_are_skipped() {
        let mark = crate::codegen::marks::MARK_RESPONSE;
        let s: ItemStruct = syn::parse_quote! {
            #[doc = #mark]
            pub struct Lead {
                pub contacts: ::std::option::Option<::std::vec::Vec<crate::types::Contact>>,
                pub id: ::std::option::Option<::std::string::String>,
                pub builder: ::std::option::Option<::std::vec::Vec<String>>,
                pub members: ::std::option::Option<::std::vec::Vec<String>>,
                pub type_: ::std::option::Option<::std::vec::Vec<String>>,
                pub name: ::std::option::Option<::std::string::String>,
                pub extra: crate::Extra,
            }
        };
        let out = run(
            s.clone(),
            vec![
                syn::parse_quote! { impl Lead { pub fn builder() -> builder::Lead { Default::default() } } },
            ],
        );
        assert!(
            out.contains("pubfncontacts(&self)->&[crate::types::Contact]"),
            "{out}"
        );
        assert!(out.contains("pubfnid(&self)->Option<&str>"), "{out}");
        for skipped in ["fnbuilder", "fnmembers", "fntype_", "fnname", "fnextra"] {
            assert!(!out.contains(skipped), "{skipped}: {out}");
        }
        // A request type (no response mark) gets none.
        let mut req = s;
        req.attrs.clear();
        assert_eq!(run(req, Vec::new()), "");
    }
}
