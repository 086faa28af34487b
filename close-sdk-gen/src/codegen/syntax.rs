//! Small readers of syn syntax that the passes over progenitor's output share: a doc comment's
//! text, the `T` of `Option<T>` or `Vec<T>`.

/// The text of every `#[doc = "…"]` attribute in `attrs`, one line each.
pub fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut out = String::new();
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&s.value());
            }
        }
    }
    out
}

/// `T` of `Option<T>` / `::std::option::Option<T>`.
pub fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
    generic_inner(ty, "Option")
}

/// `T` of `Name<T>` or `Name<'a, T>` (the last path segment named `name`, its first type
/// argument; lifetimes are passed over).
pub fn generic_inner(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}
