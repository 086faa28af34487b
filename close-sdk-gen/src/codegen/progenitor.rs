//! progenitor settings, runs and formatting: one part's document in, a `syn::File` out.

use anyhow::{anyhow, Context, Result};
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::files::HEADER;

/// The Rust type name typify gives a component schema.
pub fn rust_type_name(schema: &str) -> String {
    use heck::ToPascalCase;
    schema
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_pascal_case()
}

/// The generator settings close-sdk uses. Every choice is explained here, next to it.
pub fn settings() -> GenerationSettings {
    let mut s = GenerationSettings::default();
    s
        // Request builders: optional parameters as setters; the body is the type itself
        // (typify's struct builders, which this style turns on, are dropped by
        // `struct_builders`).
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The hand-written `ClientHooks` impl (auth, api-version removal, error-body capture,
        // later retries and tracing) is mandatory: forgetting it is a compile error.
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::ClientContext))
        // Users can emit JSON Schemas of request and response types, as oxide.rs does; behind
        // close-sdk's `schemars` feature (see `gate_json_schema_derives`).
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        // Deterministic map order in generated types and their serialisation.
        .with_map_type("::std::collections::BTreeMap")
        // Hand-written types for the few values whose Rust shape matters most (see
        // `split::CRATE_TYPES`): the role enum (`Role::User`, `Role::Custom(..)`), an open
        // `AutoRecordCalls` enum that decodes future values, and the lenient error body
        // (string-or-object `error`, raw text).
        .with_replacement(
            "RoleId",
            "crate::Role",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        .with_replacement(
            "AutoRecordCalls",
            "crate::AutoRecordCalls",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        .with_replacement("ErrorBody", "crate::ErrorBody", std::iter::empty())
        // A subscription's `signature_key` is a secret: never in `Debug` (webhooks feature).
        .with_replacement(
            "SignatureKey",
            "crate::webhooks::SignatureKey",
            [TypeImpl::FromStr].into_iter(),
        )
        // A subscription's events and status: the hand-written open types, so the generated
        // `WebhookSubscription` is the one `close_sdk::webhooks` names (webhooks feature).
        .with_replacement(
            "SubscriptionEvent",
            "crate::webhooks::SubscriptionEvent",
            std::iter::empty(),
        )
        .with_replacement(
            "SubscriptionStatus",
            "crate::webhooks::SubscriptionStatus",
            std::iter::empty(),
        )
        // `format: email` is otherwise a plain String; this makes the generated builders reject a
        // bad address before anything is sent.
        .with_conversion(
            string_schema("email"),
            "crate::EmailAddress",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        // `format: date-time` would be `chrono::DateTime<Utc>`, which rejects the offset-less
        // timestamps Close also sends (`2019-11-04T11:04:13.014979`); the hand-written
        // `Timestamp` accepts both (naive means UTC) and serialises back what it read.
        .with_conversion(
            string_schema("date-time"),
            "crate::Timestamp",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        // `format: date` would be `chrono::NaiveDate` (chrono is not a dependency); the
        // crate-owned `Date` parses leniently and serialises back what it read.
        .with_conversion(
            string_schema("date"),
            "crate::Date",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        // `date-time | date` unions (filters such as `date_created__gt`), which the rules
        // rewrite to this format: one type instead of an untagged enum of two strings.
        .with_conversion(
            string_schema(crate::openapi::rules::DATE_OR_DATE_TIME),
            "crate::DateOrTimestamp",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        )
        // Id-list query filters (`id__in`, `lead_id__in`, …; `query_types`): built from a
        // slice or a `Vec`, each id checked, sent comma-separated.
        .with_conversion(
            string_schema(crate::openapi::query_types::ID_LIST),
            "crate::IdList",
            [TypeImpl::Display].into_iter(),
        );
    // `s_query` (exports, bulk actions, smart views) and its `sort`: the crate's search types
    // (the rule that marks them is `search_query`).
    crate::openapi::search_query::with_conversions(&mut s);
    s
}

fn string_schema(format: &str) -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some(format.into()),
        ..Default::default()
    }
}

/// Runs progenitor on one part's document with `settings`, turning its panics into errors.
pub fn run_progenitor(
    doc: &Value,
    settings: &GenerationSettings,
    positions: &BTreeMap<String, usize>,
    what: &str,
) -> Result<syn::File> {
    let openapi: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .with_context(|| format!("{what}: not a valid OpenAPI 3.0 document"))?;
    progenitor_impl::validate_openapi(&openapi).map_err(|e| anyhow!("{what}: {e}"))?;
    let mut generator = Generator::new(settings);
    // progenitor panics on some unsupported inputs (e.g. two error schemas for one operation);
    // turn that into an error that says where to look.
    let tokens = catch(|| generator.generate_tokens(&openapi), what)?
        .map_err(|e| anyhow!("progenitor ({what}): {e}"))?;
    let mut file: syn::File = syn::parse2(tokens)
        .with_context(|| format!("progenitor produced code that does not parse ({what})"))?;
    gate_json_schema_derives(&mut file);
    client_debug_by_hand(&mut file);
    crate::codegen::struct_builders::drop(&mut file).with_context(|| what.to_string())?;
    drop_api_version_header(&mut file);
    route_path_encoding(&mut file);
    one_door(&mut file, positions).with_context(|| what.to_string())?;
    mark_untagged_code_blocks_text(&mut file);
    crate::codegen::wire::rewrite_file(&mut file);
    crate::codegen::struct_builders::constructors(&mut file);
    Ok(file)
}

/// Runs progenitor's typed-mock generator on one part's document.
pub fn run_httpmock(doc: &Value, settings: &GenerationSettings, what: &str) -> Result<syn::File> {
    let openapi: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .with_context(|| format!("{what}: not a valid OpenAPI 3.0 document"))?;
    let mut generator = Generator::new(settings);
    let tokens = catch(|| generator.httpmock(&openapi, "crate"), what)?
        .map_err(|e| anyhow!("progenitor httpmock ({what}): {e}"))?;
    let mut file: syn::File = syn::parse2(tokens)
        .with_context(|| format!("progenitor produced mock code that does not parse ({what})"))?;
    crate::codegen::marks::strip_markers(&mut file);
    Ok(file)
}

fn catch<T>(f: impl FnOnce() -> T, what: &str) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        anyhow!(
            "progenitor panicked on {what} ({msg}); check the overlay (e.g. one error schema per operation)"
        )
    })
}

/// Formats a file with the generated-code header.
pub fn unparse(file: &syn::File) -> String {
    format!("{HEADER}\n{}", prettyplease::unparse(file))
}

/// Moves `schemars::JsonSchema` out of every `#[derive(..)]` into
/// `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
///
/// progenitor's `with_derive` has no notion of features, and deriving `JsonSchema` on every type
/// costs users who never ask for a schema a second syn and the schemars crates (~4.6 s of CPU in
/// a clean build, measured in BENCHMARKS.md), so the derive is opt-in.
pub fn gate_json_schema_derives(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    struct Gate;
    impl Gate {
        fn attrs(&mut self, attrs: &mut Vec<syn::Attribute>) {
            let is_schema =
                |p: &syn::Path| p.segments.last().is_some_and(|s| s.ident == "JsonSchema");
            if drop_derives(attrs, is_schema) {
                attrs.push(syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]));
            }
        }
    }
    impl VisitMut for Gate {
        fn visit_item_struct_mut(&mut self, i: &mut syn::ItemStruct) {
            self.attrs(&mut i.attrs);
            syn::visit_mut::visit_item_struct_mut(self, i);
        }
        fn visit_item_enum_mut(&mut self, i: &mut syn::ItemEnum) {
            self.attrs(&mut i.attrs);
            syn::visit_mut::visit_item_enum_mut(self, i);
        }
    }
    Gate.visit_file_mut(file);
}

/// Takes `Debug` out of the generated `Client`'s derive: close-sdk writes it by hand
/// (`close-sdk/src/client.rs`), showing the base URL without a user name or password. A
/// `Client` made with `Client::new_with_client` keeps whatever base URL it was given, and the
/// derived `Debug` printed it whole.
pub fn client_debug_by_hand(file: &mut syn::File) {
    for item in &mut file.items {
        if let syn::Item::Struct(s) = item {
            if s.ident == "Client" {
                drop_derives(&mut s.attrs, |p| p.is_ident("Debug"));
            }
        }
    }
}

/// Removes the derives `drop` matches from every `#[derive(..)]` in `attrs`; whether any was.
fn drop_derives(attrs: &mut [syn::Attribute], drop: impl Fn(&syn::Path) -> bool) -> bool {
    use syn::punctuated::Punctuated;
    let mut dropped = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        if !paths.iter().any(&drop) {
            continue;
        }
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !drop(p)).collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        dropped = true;
    }
    dropped
}

/// Routes every query parameter through close-sdk's `QueryParam` (`crate::runtime::QueryParam`:
/// lists as one comma-separated value, as Close documents) and every path parameter through
/// close-sdk's `encode_path` (`crate::runtime::encode_path`) instead of progenitor-client's. progenitor's
/// leaves `\` alone, and the URL standard reads `\` as `/` in http(s) URLs and then resolves dot
/// segments: a builder id like `x\..\victim` reached `/membership/victim/` with the template's
/// shape intact, so the request path's shape check could not see it. Encoding `\` as `%5C`
/// keeps every value in its own segment, where path safety judges it.
pub fn route_path_encoding(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    /// progenitor builds URLs inside `format!`, whose arguments are tokens, not expressions.
    fn route_tokens(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        use proc_macro2::{Group, TokenTree};
        let mut out = proc_macro2::TokenStream::new();
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) if ident == "encode_path" => {
                    out.extend(quote!(crate::runtime::encode_path));
                }
                TokenTree::Group(g) => {
                    let mut routed = Group::new(g.delimiter(), route_tokens(g.stream()));
                    routed.set_span(g.span());
                    out.extend([TokenTree::Group(routed)]);
                }
                other => out.extend([other]),
            }
        }
        out
    }

    struct Route;
    impl VisitMut for Route {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            if let syn::Expr::Path(p) = call.func.as_mut() {
                if p.path.is_ident("encode_path") {
                    p.path = syn::parse_quote!(crate::runtime::encode_path);
                }
                // Lists as one comma-separated value, as Close documents (transport/query.rs).
                let text = quote::ToTokens::to_token_stream(&p.path).to_string();
                if text == "progenitor_client :: QueryParam :: new" {
                    p.path = syn::parse_quote!(crate::runtime::QueryParam::new);
                }
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }

        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            mac.tokens = route_tokens(std::mem::take(&mut mac.tokens));
        }
    }
    Route.visit_file_mut(file);
}

/// Removes the `header_map.append("api-version", …)` statement progenitor puts in every
/// operation: Close defines no such header, and adding it only for the request path to remove it
/// again cost ~1.3k instructions a call (BENCHMARKS.md). The hook still strips it, should a
/// future progenitor add it another way.
pub fn drop_api_version_header(file: &mut syn::File) {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;

    struct Drop;
    impl VisitMut for Drop {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            block.stmts.retain(|stmt| {
                let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
                    return true;
                };
                !(call.method == "append"
                    && call
                        .to_token_stream()
                        .to_string()
                        .contains("\"api-version\""))
            });
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    Drop.visit_file_mut(file);
}

/// Sends every operation through the one door into the hand-written crate,
/// `crate::runtime::request`, instead of progenitor's `pre`, `exec`, `post` and status match,
/// and makes `send()` a plain function: one request type (`crate::Request<'a, T>`) and one future
/// type for every operation, with the error built once, from what the request path read
/// (`handles.rs` then makes this body the builder's `request()` and `send()` its
/// `self.request().send()`). It checks what it can before anything is sent (setter
/// conversions, the URL, the body's checks: a refusal is the request's `Err`) and hands
/// `request` a closure that builds the request (sent as built the first time,
/// built again only for a retry), the operation's position in the generated operation table
/// (`index`: operationId → position, so nothing is looked up at run time), its success statuses
/// and how the answer becomes the value (`crate::runtime::decode` or `crate::runtime::empty`).
/// No operation has an `async` body of its own: its state machine, `Send` proofs and drop glue
/// were a fifth of close-sdk's front end with `full` (BENCHMARKS.md). Every `send()` must have
/// one of progenitor's two shapes: anything else is an error, so a progenitor change cannot
/// silently fall back to another path. Returns how many were rewritten.
///
/// Each rewritten `send()` is `#[inline]`: the request's closure and the response type's decoder
/// are compiled in the crate that calls it, not for all 292 operations in close-sdk's own unit,
/// so a build pays for the operations it uses. `into_future` and `paginate` are `#[inline]` for
/// the same reason.
pub fn one_door(file: &mut syn::File, index: &BTreeMap<String, usize>) -> Result<usize> {
    use syn::visit_mut::VisitMut;

    struct Door<'a> {
        index: &'a BTreeMap<String, usize>,
        count: usize,
        failed: Vec<String>,
    }
    impl VisitMut for Door<'_> {
        fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
            if f.sig.ident == "send" && f.sig.asyncness.is_some() {
                match door_block(&mut f.block, self.index) {
                    Ok(()) => match future_type(&f.sig.output) {
                        Some(output) => {
                            self.count += 1;
                            f.sig.asyncness = None;
                            f.sig.output = output;
                            f.attrs.push(syn::parse_quote!(#[inline]));
                        }
                        None => self.failed.push(format!(
                            "{}: a return type that is not Result<ResponseValue<T>, E>",
                            flat(&f.sig.output)
                        )),
                    },
                    Err(e) => self.failed.push(e),
                }
            }
            syn::visit_mut::visit_impl_item_fn_mut(self, f);
        }
    }
    let mut door = Door {
        index,
        count: 0,
        failed: Vec::new(),
    };
    door.visit_file_mut(file);
    if !door.failed.is_empty() {
        return Err(anyhow!(
            "{} generated send() bodies have a shape close-sdk-gen does not know (did \
             progenitor change?): {}",
            door.failed.len(),
            door.failed.join("; ")
        ));
    }
    Ok(door.count)
}

/// `-> Result<ResponseValue<T>, Error<E>>` becomes `-> crate::ResponseFuture<'a, T>`, or `None`
/// for another return type.
fn future_type(output: &syn::ReturnType) -> Option<syn::ReturnType> {
    use crate::codegen::syntax::generic_inner;
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let t = generic_inner(&generic_inner(ty, "Result")?, "ResponseValue")?;
    Some(syn::parse_quote!(-> crate::ResponseFuture<'a, #t>))
}

/// Token text of anything, spaces removed (for comparing shapes).
fn flat(t: &impl quote::ToTokens) -> String {
    t.to_token_stream().to_string().replace(' ', "")
}

/// Rewrites one `send()` body of progenitor's shape, or says why it cannot.
fn door_block(block: &mut syn::Block, index: &BTreeMap<String, usize>) -> Result<(), String> {
    use syn::visit_mut::VisitMut;
    use syn::{Expr, Pat, Stmt};
    let stmts = &block.stmts;
    let Some(at) = stmts.iter().position(
        |s| matches!(s, Stmt::Local(l) if matches!(&l.pat, Pat::Ident(p) if p.ident == "request")),
    ) else {
        return Err("no `let request`".into());
    };
    // The operation id, from `let info = OperationInfo { operation_id: "…" };`.
    let operation_id = match stmts.get(at + 1) {
        Some(Stmt::Local(info)) => match info.init.as_ref().map(|i| &*i.expr) {
            Some(Expr::Struct(info)) => match info.fields.first().map(|f| &f.expr) {
                Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(id),
                    ..
                })) => id.value(),
                _ => return Err("no operation id".into()),
            },
            _ => return Err("no operation id".into()),
        },
        _ => return Err("no operation id".into()),
    };
    let fail = |why: &str| Err(format!("{operation_id}: {why}"));
    if stmts.len() != at + 7 {
        return fail("not progenitor's statements");
    }
    let tail: Vec<String> = stmts[at + 2..at + 6].iter().map(flat).collect();
    if tail
        != [
            "client.pre(&mutrequest,&info).await?;",
            "letresult=client.exec(request,&info).await;",
            "client.post(&result,&info).await?;",
            "letresponse=result?;",
        ]
    {
        return fail("not progenitor's pre/exec/post");
    }
    let Some(&position) = index.get(&operation_id) else {
        return fail("not in the operation table");
    };
    // The status match: one success arm (JSON or empty), documented error statuses, then
    // everything else. Every status but the success ones becomes the same `crate::Error` (an
    // error status's body decodes as `ErrorBody` there), so the documented ones need no arm.
    let Stmt::Expr(Expr::Match(m), None) = &stmts[at + 6] else {
        return fail("no status match");
    };
    if flat(&m.expr) != "response.status().as_u16()" {
        return fail("no status match");
    }
    let (mut success, mut empty, mut rest) = (None, false, false);
    for arm in &m.arms {
        let body = flat(&arm.body);
        let body = body
            .strip_prefix('{')
            .and_then(|b| b.strip_suffix('}'))
            .unwrap_or(&body);
        if body == "ResponseValue::from_response(response).await" && success.is_none() {
            success = Some(arm.pat.clone());
        } else if body == "Ok(ResponseValue::empty(response))" && success.is_none() {
            success = Some(arm.pat.clone());
            empty = true;
        } else if body == "Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))"
        {
            if !matches!(&arm.pat, Pat::Lit(_)) {
                return fail("an error arm that is not one status");
            }
        } else if flat(&arm.pat) == "_" && body == "Err(Error::UnexpectedResponse(response))" {
            rest = true;
        } else {
            return fail("an unknown match arm");
        }
    }
    let (Some(success), true) = (success, rest) else {
        return fail("no success arm or no catch-all");
    };
    let success: syn::Expr = match success {
        Pat::Lit(status) => syn::parse_quote!(#status..=#status),
        Pat::Range(range) => syn::parse_quote!(#range),
        _ => return fail("a success arm that is not a status or a range"),
    };
    // The request, built by a closure: `url` lent, not moved; the (always empty) header map
    // progenitor adds left out.
    let Stmt::Local(request) = &stmts[at] else {
        return fail("no `let request`");
    };
    let Some(Expr::Try(built)) = request.init.as_ref().map(|i| &*i.expr) else {
        return fail("the request is not built with `?`");
    };
    let Some(chain) = lend_chain((*built.expr).clone()) else {
        return fail("the request chain has an unknown step");
    };
    let header_map_used = stmts.iter().enumerate().any(|(i, s)| {
        i != at && flat(s).contains("header_map") && !flat(s).starts_with("letmutheader_map=")
    });
    if header_map_used {
        return fail("a header is set");
    }
    /// `Error::InvalidRequest` (a setter's failed conversion) names the crate's one error.
    struct OneError;
    impl VisitMut for OneError {
        fn visit_path_mut(&mut self, p: &mut syn::Path) {
            if flat(p) == "Error::InvalidRequest" {
                *p = syn::parse_quote!(crate::Error::InvalidRequest);
            }
            syn::visit_mut::visit_path_mut(self, p);
        }
    }
    let mut out: Vec<Stmt> = stmts[..at]
        .iter()
        .filter(|s| !flat(*s).starts_with("letmutheader_map="))
        .cloned()
        .collect();
    for s in &mut out {
        OneError.visit_stmt_mut(s);
    }
    let Some(url) = out
        .iter_mut()
        .find(|s| flat(*s).starts_with("leturl=format!("))
    else {
        return fail("no `let url = format!(…)`");
    };
    *url = match url_from_base(url) {
        Some(url) => url,
        None => return fail("a URL that is not `format!(\"{}…\", client.baseurl, …)`"),
    };
    // A JSON body goes through the hand-written calls' input checks first (nothing is sent
    // that the SDK knows is invalid, whichever way the body was built).
    if flat(&chain).contains("crate::runtime::json(") {
        out.push(syn::parse_quote! {
            crate::runtime::check_body(&body)?;
        });
    }
    // `let Self { client, … } = self;` stays outside: `client` is the call's. What can refuse
    // the request runs in a closure called at once, whose `Err` the future resolves to.
    if out.is_empty() || !flat(&out[0]).starts_with("letSelf{") {
        return fail("no `let Self { … } = self;` first");
    }
    let prepare: Vec<Stmt> = out.split_off(1);
    let decode: syn::Expr = if empty {
        syn::parse_quote!(crate::runtime::empty)
    } else {
        syn::parse_quote!(crate::runtime::decode)
    };
    out.push(syn::parse_quote! {
        let build = (move || -> ::std::result::Result<_, crate::Error> {
            #(#prepare)*
            ::std::result::Result::Ok(move || #chain)
        })();
    });
    out.push(Stmt::Expr(
        syn::parse_quote!(crate::runtime::request(client, #position, #success, #decode, build)),
        None,
    ));
    block.stmts = out;
    Ok(())
}

/// progenitor's `let url = format!("{}/comment/{}/", client.baseurl, …);` as
/// `let url = crate::runtime::url(client, &format!("/comment/{}/", …))?;` (a path without
/// values is a `&'static str`, nothing formatted): the client's base URL is parsed once, when
/// the client is built, and each call sets only its path, instead of formatting the whole URL
/// and parsing it again per request. `None` when the statement has another shape.
fn url_from_base(stmt: &syn::Stmt) -> Option<syn::Stmt> {
    use syn::punctuated::Punctuated;
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Expr::Macro(m) = &*local.init.as_ref()?.expr else {
        return None;
    };
    let args = m
        .mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.into_iter();
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    }) = args.next()?
    else {
        return None;
    };
    let path = template.value().strip_prefix("{}")?.to_string();
    if !path.starts_with('/') || flat(&args.next()?) != "client.baseurl" {
        return None;
    }
    let rest: Vec<syn::Expr> = args.collect();
    Some(if rest.is_empty() {
        if path.contains(['{', '}']) {
            return None;
        }
        syn::parse_quote!(let url = crate::runtime::url(client, #path)?;)
    } else {
        syn::parse_quote!(let url = crate::runtime::url(client, &format!(#path, #(#rest),*))?;)
    })
}

/// progenitor's request chain (`client.client.METHOD(url)…headers(header_map).build()`) with
/// `url` lent (`url.clone()`, a parsed URL) and `.headers(header_map)` left out, or `None` when it has
/// another shape.
fn lend_chain(expr: syn::Expr) -> Option<syn::Expr> {
    use syn::Expr;
    let Expr::MethodCall(mut call) = expr else {
        return None;
    };
    let receiver = *call.receiver;
    if call.method == "headers" && flat(&call.args) == "header_map" {
        return lend_chain(receiver);
    }
    if ["get", "post", "put", "patch", "delete"].contains(&call.method.to_string().as_str())
        && flat(&receiver) == "client.client"
    {
        if flat(&call.args) != "url" {
            return None;
        }
        call.args = syn::parse_quote!(url.clone());
        call.receiver = Box::new(receiver);
        return Some(Expr::MethodCall(call));
    }
    if call.method == "json" {
        // `crate::runtime::json(…, &body)`: the body serialised by the one generic line, the rest
        // of reqwest's `json` (its header and error handling) compiled once, not per body type.
        let args = &call.args;
        let receiver = lend_chain(receiver)?;
        return Some(syn::parse_quote!(crate::runtime::json(#receiver, #args)));
    }
    if !["header", "query", "build"].contains(&call.method.to_string().as_str()) {
        return None;
    }
    call.receiver = Box::new(lend_chain(receiver)?);
    Some(Expr::MethodCall(call))
}

/// Marks the code blocks in Close's prose (descriptions carried into doc comments) that have no
/// language as `text`: rustdoc would otherwise compile each as a Rust doctest (they are JSON,
/// query syntax, URLs).
pub fn mark_untagged_code_blocks_text(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    struct Mark;
    impl VisitMut for Mark {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            let syn::Meta::NameValue(nv) = &mut attr.meta else {
                return;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) = &mut nv.value
            else {
                return;
            };
            let text = lit.value();
            let marked = mark_fences(&text);
            if marked != text {
                *lit = syn::LitStr::new(&marked, lit.span());
            }
        }
    }
    Mark.visit_file_mut(file);
}

/// `text` with every opening code fence that has no info string given `text`.
pub fn mark_fences(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_block = false;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !in_block && info.trim().is_empty() {
                out.push_str(&line[..line.len() - trimmed.len()]);
                out.push_str("```text");
                in_block = true;
                continue;
            }
            in_block = !in_block;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagged_fences_become_text_and_tagged_ones_stay() {
        let doc =
            "Set it:\n```\n{ \"a\": null }\n```\nthen\n```ignore\nlet x = 1;\n```\n  ```\nb\n  ```";
        assert_eq!(
            mark_fences(doc),
            "Set it:\n```text\n{ \"a\": null }\n```\nthen\n```ignore\nlet x = 1;\n```\n  ```text\nb\n  ```"
        );
    }

    #[test]
    fn path_parameters_go_through_close_sdks_encoder() {
        let mut file: syn::File = syn::parse_quote! {
            fn send() {
                let url = format!("{}/membership/{}/", client.baseurl, encode_path(&id.to_string()));
                let direct = encode_path(&x);
            }
        };
        route_path_encoding(&mut file);
        let out = prettyplease::unparse(&file).replace([' ', '\n'], "");
        assert!(
            out.contains("crate::runtime::encode_path(&id.to_string())"),
            "{out}"
        );
        assert!(out.contains("crate::runtime::encode_path(&x)"), "{out}");
    }

    #[test]
    fn the_api_version_header_is_not_generated() {
        let mut file: syn::File = syn::parse_quote! {
            fn send() {
                let mut header_map = HeaderMap::with_capacity(1usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1.0.0"));
                header_map.append(HeaderName::from_static("x-other"), HeaderValue::from_static("1"));
            }
        };
        drop_api_version_header(&mut file);
        let out = prettyplease::unparse(&file);
        assert!(!out.contains("api-version"), "{out}");
        assert!(out.contains("x-other"), "{out}");
    }

    #[test]
    fn every_send_goes_through_the_one_door() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> A<'a> {
                pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {
                    let Self { client, body } = self;
                    let url = format!("{}/membership/", client.baseurl,);
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                    #[allow(unused_mut)]
                    let mut request = client.client.post(url)
                        .header(ACCEPT, HeaderValue::from_static("application/json"))
                        .json(&body).headers(header_map).build()?;
                    let info = OperationInfo { operation_id: "memberships_create" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        400u16 => { Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)) }
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
            impl<'a> B<'a> {
                pub async fn send(self) -> Result<ResponseValue<()>, Error<E>> {
                    let Self { client } = self;
                    let url = format!("{}/x/", client.baseurl,);
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                    #[allow(unused_mut)]
                    let mut request = client.client.delete(url).headers(header_map).build()?;
                    let info = OperationInfo { operation_id: "x_delete" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200..=299 => Ok(ResponseValue::empty(response)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        };
        let positions = BTreeMap::from([
            ("memberships_create".to_string(), 7usize),
            ("x_delete".to_string(), 9usize),
        ]);
        assert_eq!(one_door(&mut file, &positions).unwrap(), 2);
        let out = prettyplease::unparse(&file).replace([' ', '\n'], "");
        // What can refuse the request runs first, in a closure called at once; the request is
        // built by the closure it returns.
        assert!(
            out.contains(
                "letbuild=(move||->::std::result::Result<_,crate::Error>{leturl=crate::runtime::url(client,\"/membership/\")?;crate::runtime::check_body(&body)?;"
            ),
            "{out}"
        );
        assert!(
            out.contains("::std::result::Result::Ok(move||{crate::runtime::json(client.client.post(url.clone())"),
            "{out}"
        );
        // The base URL is parsed once; only the path is set per call.
        assert!(
            out.contains("leturl=crate::runtime::url(client,\"/membership/\")?;"),
            "{out}"
        );
        assert!(
            out.contains("leturl=crate::runtime::url(client,\"/x/\")?;"),
            "{out}"
        );
        assert!(out.contains(",&body,).build()})})();"), "{out}");
        assert!(
            out.contains(
                "crate::runtime::request(client,7usize,200u16..=200u16,crate::runtime::decode,build,)"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "crate::runtime::request(client,9usize,200..=299,crate::runtime::empty,build)"
            ),
            "{out}"
        );
        // No `async` body per operation: one future type for all.
        assert!(!out.contains("async"), "{out}");
        assert!(!out.contains(".await"), "{out}");
        assert_eq!(out.matches("#[inline]pubfnsend(self)").count(), 2, "{out}");
        assert!(out.contains("->crate::ResponseFuture<'a,T>{"), "{out}");
        assert!(out.contains("->crate::ResponseFuture<'a,()>{"), "{out}");
        assert!(!out.contains("header_map"), "{out}");
        assert!(!out.contains("client.exec("), "{out}");
    }

    #[test]
    fn the_client_debug_is_left_to_the_hand_written_impl() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Debug)]
            pub struct Client { baseurl: String }
            #[derive(Clone, Debug)]
            pub struct Other;
        };
        client_debug_by_hand(&mut file);
        let out = flat(&file);
        assert!(out.contains("#[derive(Clone)]pubstructClient"), "{out}");
        assert!(
            out.contains("#[derive(Clone,Debug)]pubstructOther"),
            "{out}"
        );
    }

    #[test]
    fn a_path_with_values_is_formatted_without_the_base_url() {
        let stmt: syn::Stmt = syn::parse_quote! {
            let url = format!("{}/lead/{}/", client.baseurl, encode_path(&id.to_string()),);
        };
        let out = flat(&url_from_base(&stmt).unwrap());
        assert_eq!(
            out,
            "leturl=crate::runtime::url(client,&format!(\"/lead/{}/\",encode_path(&id.to_string())))?;"
        );
        for other in [
            syn::parse_quote!(let url = format!("{}/lead/", other.baseurl,);),
            syn::parse_quote!(let url = format!("https://x/lead/", client.baseurl,);),
            syn::parse_quote!(let url = format!("{}lead/", client.baseurl,);),
            syn::parse_quote!(let url = client.baseurl.clone();),
        ] {
            assert!(url_from_base(&other).is_none(), "{}", flat(&other));
        }
    }

    #[test]
    fn a_send_of_another_shape_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> A<'a> {
                pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {
                    let Self { client } = self;
                    let url = format!("{}/x/", client.baseurl,);
                    #[allow(unused_mut)]
                    let mut request = client.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "x_get" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::stream(response),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        };
        let positions = BTreeMap::from([("x_get".to_string(), 0usize)]);
        let e = one_door(&mut file, &positions).unwrap_err().to_string();
        assert!(e.contains("x_get: an unknown match arm"), "{e}");
    }

    #[test]
    fn json_schema_derives_become_feature_gated() {
        let mut file: syn::File = syn::parse_quote! {
            mod types {
                #[derive(Clone, schemars::JsonSchema, Debug)]
                pub struct A;
                #[derive(Clone)]
                pub enum B { X }
            }
        };
        gate_json_schema_derives(&mut file);
        let out = prettyplease::unparse(&file);
        assert!(out.contains("#[derive(Clone, Debug)]\n    #[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]\n    pub struct A;"), "{out}");
        assert!(out.contains("#[derive(Clone)]\n    pub enum B"), "{out}");
        assert_eq!(out.matches("cfg_attr").count(), 1, "{out}");
    }
}
