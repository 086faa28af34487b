//! Close's list envelope, `{"data": [...], "has_more": bool}`, is one generic type,
//! `close_sdk::List<T>` (hand-written in `close-sdk/src/values/list.rs`, with the same lenient
//! wire rules as every generated type), and each generated struct of exactly that shape is an
//! alias of it: `pub type ContactList = crate::List<Contact>;` (`LeadList`, with its
//! `total_results`, stays a struct).
//!
//! The rule holds for every schema, so it lives here, not in the overlay: a struct whose members
//! are exactly `data: Option<Vec<T>>`, `has_more: Option<bool>` and the catch-all `extra` is
//! replaced by the alias, and its impls (serde, the `data()` accessor) and wire-key table go
//! with it. The item type gets `crate::ListItem` (with `schemars`): the alias's name and doc,
//! which `List<T>`'s JSON Schema takes. Fifty-one structs were each a page of documentation and
//! a serde implementation to compile for the same two members.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};
use quote::ToTokens;
use syn::Item;

/// Replaces every list-envelope struct of a `types` module's `items` by an alias of
/// `crate::List<T>`; returns the names replaced.
pub fn adopt(items: &mut Vec<Item>) -> Result<Vec<String>> {
    // Struct name → its item type `T`.
    let mut lists: BTreeMap<String, syn::Type> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Struct(s) = item {
            if let Some(elem) = envelope_item(s) {
                lists.insert(s.ident.to_string(), elem);
            }
        }
    }
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    // The wire-key tables of their serde impls (`LEADLIST_WIRE_KEYS`).
    let wire_keys: BTreeSet<String> = lists
        .keys()
        .map(|n| format!("{}_WIRE_KEYS", n.to_uppercase()))
        .collect();
    let mut out = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match &item {
            Item::Struct(s) if lists.contains_key(&s.ident.to_string()) => {
                let name = &s.ident;
                let elem = &lists[&s.ident.to_string()];
                let docs: Vec<&syn::Attribute> = s
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("doc") || a.path().is_ident("cfg"))
                    .collect();
                let item = match elem {
                    syn::Type::Path(p) => p
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                let more = format!(
                    " A page of [`{item}`] items: `List<{item}>` (see [`List`](crate::List) for \
                     its members and `data()`); `.paginate()` on the list request reads every page."
                );
                out.push(syn::parse_quote! {
                    #(#docs)*
                    #[doc = ""]
                    #[doc = #more]
                    pub type #name = crate::List<#elem>;
                });
                let list = name.to_string();
                let doc = crate::codegen::syntax::doc_text(&s.attrs)
                    .trim()
                    .to_string();
                out.push(syn::parse_quote! {
                    #[cfg(feature = "schemars")]
                    impl crate::ListItem for #elem {
                        const LIST: &'static str = #list;
                        const DOC: &'static str = #doc;
                    }
                });
            }
            Item::Impl(imp) => {
                let Some(name) = self_name(&imp.self_ty) else {
                    out.push(item);
                    continue;
                };
                if !lists.contains_key(&name) {
                    out.push(item);
                    continue;
                }
                let what = match &imp.trait_ {
                    Some((path, _)) => path.segments.last().map(|s| s.ident.to_string()),
                    None => None,
                };
                match what.as_deref() {
                    Some("Serialize" | "Deserialize") => {}
                    None if only_data_accessor(imp) => {}
                    _ => bail!(
                        "list envelope `{name}` has an impl `crate::List` does not replace: `{}`",
                        imp.to_token_stream()
                            .to_string()
                            .chars()
                            .take(120)
                            .collect::<String>()
                    ),
                }
            }
            Item::Static(st) if wire_keys.contains(&st.ident.to_string()) => {}
            _ => out.push(item),
        }
    }
    *items = out;
    Ok(lists.into_keys().collect())
}

/// `T` when `s` is exactly `{ data: Option<Vec<T>>, has_more: Option<bool>, extra: crate::Extra }`
/// with no generics.
fn envelope_item(s: &syn::ItemStruct) -> Option<syn::Type> {
    if !s.generics.params.is_empty() {
        return None;
    }
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let members: Vec<(String, &syn::Type)> = fields
        .named
        .iter()
        .map(|f| {
            (
                f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(),
                &f.ty,
            )
        })
        .collect();
    let [(d, data), (h, has_more), (e, extra)] = members.as_slice() else {
        return None;
    };
    if (d.as_str(), h.as_str(), e.as_str()) != ("data", "has_more", "extra") {
        return None;
    }
    if compact(has_more) != "::std::option::Option<bool>" || compact(extra) != "crate::Extra" {
        return None;
    }
    let opt = crate::codegen::syntax::generic_inner(data, "Option")?;
    crate::codegen::syntax::generic_inner(&opt, "Vec")
}

/// A type's tokens without spaces.
fn compact(ty: &syn::Type) -> String {
    ty.to_token_stream().to_string().replace(' ', "")
}

/// The last segment of a plain type path.
fn self_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

/// An inherent impl holding only the `data()` accessor (which `List<T>` has).
fn only_data_accessor(imp: &syn::ItemImpl) -> bool {
    imp.items
        .iter()
        .all(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_envelope_becomes_an_alias() {
        let mut items: Vec<Item> = vec![
            syn::parse_quote! {
                ///`LeadList`
                #[derive(Clone, Debug, Default, PartialEq)]
                pub struct LeadList {
                    pub data: ::std::option::Option<::std::vec::Vec<Lead>>,
                    pub has_more: ::std::option::Option<bool>,
                    pub extra: crate::Extra,
                }
            },
            syn::parse_quote! { impl LeadList { pub fn data(&self) -> &[Lead] { todo!() } } },
            syn::parse_quote! { static LEADLIST_WIRE_KEYS: Names = Names(&["data", "has_more"]); },
            syn::parse_quote! { impl ::serde::Serialize for LeadList { } },
            syn::parse_quote! { impl<'de> ::serde::Deserialize<'de> for LeadList { } },
            syn::parse_quote! {
                pub struct CountedList {
                    pub data: ::std::option::Option<::std::vec::Vec<Lead>>,
                    pub has_more: ::std::option::Option<bool>,
                    pub total_results: ::std::option::Option<i64>,
                    pub extra: crate::Extra,
                }
            },
        ];
        assert_eq!(adopt(&mut items).unwrap(), ["LeadList"]);
        let text: Vec<String> = items
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect();
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(
            text[0].contains("pub type LeadList = crate :: List < Lead >"),
            "{}",
            text[0]
        );
        assert!(text[0].contains("doc"), "the doc stays: {}", text[0]);
        assert!(
            text[1].contains("impl crate :: ListItem for Lead"),
            "{}",
            text[1]
        );
        assert!(text[1].contains("\"LeadList\""), "{}", text[1]);
        assert!(text[2].contains("struct CountedList"), "{}", text[2]);
    }

    #[test]
    fn an_impl_list_does_not_replace_is_refused() {
        let mut items: Vec<Item> = vec![
            syn::parse_quote! {
                pub struct LeadList {
                    pub data: ::std::option::Option<::std::vec::Vec<Lead>>,
                    pub has_more: ::std::option::Option<bool>,
                    pub extra: crate::Extra,
                }
            },
            syn::parse_quote! { impl LeadList { pub fn first(&self) -> Option<&Lead> { None } } },
        ];
        assert!(adopt(&mut items).is_err());
    }
}
