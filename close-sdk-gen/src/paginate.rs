//! Which operations paginate, and their generated `.paginate()`.
//!
//! The rule: a `GET` with `_skip` and `_limit` query parameters whose success response is a
//! `{data, has_more}` envelope (`data` an array of a named schema) pages through the list by
//! offset. For each such operation [`add`] writes, into the `builder` module of the resource's
//! generated file (next to progenitor's `builder::LeadsList<'a>`, so its private fields are in
//! reach), `impl LeadsList<'_> { pub fn paginate(self) -> crate::Paginated<crate::types::Lead> }`:
//! the builder's other parameters are kept for every page, its `limit` is the page size
//! (`crate::runtime::page_size`), its `skip` the first page's offset
//! (`crate::runtime::first_skip`), and each page is the builder's own `send()` with `_skip` and
//! `_limit` set, through `crate::runtime::output`, so `Paginated`'s guarantees (lazy,
//! cancel-safe, loop-proof) hold for every list.
//!
//! A `GET` whose answer is a `{data}` envelope (`data` an array of a named schema) but which
//! Close documents without `_skip`/`_limit` (statuses, pipelines, webhooks, comments, …) gets
//! the same `.paginate()`, over one request (`crate::runtime::single_page`): the answer's `data`
//! is the stream, and an answer saying `has_more: true` ends it, after its items, with an error
//! instead of silently leaving the rest out. Close's pagination page says "most list endpoints"
//! take `_skip`/`_limit`; where a list's own page does not document them, the SDK does not send
//! them. So every list has one `.paginate()`, and its doc example uses the handle
//! (`client.leads().list().limit(50).paginate()`).
//!
//! Everything else that looks like a list (an operationId with `_list`, `_skip`/`_limit`/
//! `_cursor` parameters, or a `data` envelope) must be in [`NOT_PAGINATED`] with the reason;
//! [`plan`] fails otherwise, and for an entry that no longer applies, so a new list in Close's
//! document is either paginated or explained. Close's cursor lists (`_cursor`/`cursor_next`)
//! would get the same treatment; the document has none today (the event log's `_cursor` is not
//! in it), and [`plan`] fails on the first one so that it is not silently left out.
//!
//! [`test_source`] writes `tests/tests/integration/generated_pagination.rs`: per offset list,
//! three pages over loopback and a server repeating a page; per single-answer list, one request
//! and (where the envelope has `has_more`) an answer saying `has_more: true` (the checks live in
//! `close_sdk_tests::pages`, one generic function each, called through the handles).

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use heck::ToPascalCase;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::coverage::resolve;
use crate::layout::rust_type_name;

/// Where the generated test goes.
pub const PAGINATION_TEST: &str = "tests/tests/integration/generated_pagination.rs";

/// Operations that look like lists but get no `.paginate()`, each with the reason. The
/// generator fails if a list-like operation is neither paginated nor here, or if an entry here
/// paginates (or no longer exists).
pub const NOT_PAGINATED: &[(&str, &str)] = &[
    (
        "events_list",
        "a cursor list (`cursor_next`), but Close's document has no `_cursor` parameter and an \
         undocumented answer; `client.list_events` (events/log.rs) follows the cursor by hand",
    ),
    (
        "reporting_list_activity_metrics",
        "the metrics a report can use, not a list of records: no `_skip`/`_limit`, and no \
         documented `{data}` envelope",
    ),
    (
        "sequences_get",
        "one sequence, not a list (its `_skip`/`_limit` are in Close's document, its answer is \
         no envelope)",
    ),
    (
        "unsubscribed_emails_list",
        "no `_skip`/`_limit`, and the answer is undocumented: Close's page, the document and the \
         catalogues show no example of it, so there is no envelope or item type to give it",
    ),
];

/// How a list's `.paginate()` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// By offset: `_skip`/`_limit` on every request, `has_more` followed.
    Offset,
    /// One request: Close documents no `_skip`/`_limit` for it, so one answer holds the whole
    /// list (`has_more: true` in it ends the stream with an error after its items).
    Single,
}

/// One operation that paginates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetList {
    /// Offset or single answer.
    pub paging: Paging,
    /// The operationId (`leads_list`).
    pub id: String,
    /// The path template (`/lead/`).
    pub template: String,
    /// progenitor's builder (`LeadsList`).
    pub builder: String,
    /// The Rust name of the envelope's item type (`Lead`, in `crate::types`).
    pub item: String,
    /// Whether the envelope's `data` is an `Option` in the generated type.
    pub data_optional: bool,
    /// Whether the envelope's `has_more` is an `Option` in the generated type.
    pub has_more_optional: bool,
    /// Whether the envelope has a `has_more` member at all (a single-answer list may not).
    pub has_more: bool,
    /// `(location, name, builder method)` of each required parameter.
    pub required: Vec<(String, String, String)>,
}

/// The success response's JSON schema of `op`, resolved.
fn success_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<(&'a Value, &'a Value)> {
    let (_, response) = op
        .get("responses")
        .and_then(Value::as_object)?
        .iter()
        .find(|(code, _)| code.starts_with('2'))?;
    let raw = response.pointer("/content/application~1json/schema")?;
    Some((raw, resolve(spec, raw)?))
}

fn parameters<'a>(spec: &'a Value, item: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            item.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .filter_map(|p| resolve(spec, p))
        .collect()
}

/// Whether a member of a response object is an `Option` in typify's output (not required, or
/// nullable).
fn optional(object: &Value, member: &str) -> bool {
    let required = object
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|m| m == member));
    let nullable = object
        .pointer(&format!("/properties/{member}/nullable"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    !required || nullable
}

/// The operations that paginate, sorted by operationId. Fails for a list-like operation that is
/// neither paginated nor in [`NOT_PAGINATED`], and (with `every_entry_exists`, for the whole
/// document) for an entry of [`NOT_PAGINATED`] that is missing or paginates.
pub fn plan(spec: &Value, every_entry_exists: bool) -> Result<Vec<OffsetList>> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    let excused: BTreeSet<&str> = NOT_PAGINATED.iter().map(|(id, _)| *id).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut unexplained = Vec::new();
    for (template, item) in paths {
        for method in crate::rules::METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                bail!("{} {template} has no operationId", method.to_uppercase());
            };
            seen.insert(id.to_string());
            let params = parameters(spec, item, op);
            let query: BTreeSet<&str> = params
                .iter()
                .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
                .filter_map(|p| p.get("name").and_then(Value::as_str))
                .collect();
            let envelope = success_schema(spec, op).map(|(_, s)| s);
            let member =
                |name: &str| envelope.and_then(|e| e.pointer(&format!("/properties/{name}")));
            let offset = method == "get"
                && query.contains("_skip")
                && query.contains("_limit")
                && member("data").is_some()
                && member("has_more").is_some();
            // A `{data}` list Close documents without `_skip`/`_limit`: one answer is the list.
            let single = method == "get"
                && !query.contains("_skip")
                && !query.contains("_limit")
                && !query.contains("_cursor")
                && member("data").and_then(|d| d.get("type")) == Some(&Value::from("array"));
            let cursor = query.contains("_cursor") && member("cursor_next").is_some();
            let list_like = id.ends_with("_list")
                || id.contains("_list_")
                || query.contains("_skip")
                || query.contains("_limit")
                || query.contains("_cursor")
                || member("data").is_some();
            if excused.contains(id) {
                if offset || cursor || single {
                    bail!("{id} paginates now; remove it from NOT_PAGINATED in close-sdk-gen/src/paginate.rs");
                }
                continue;
            }
            if cursor {
                bail!("{id} is a cursor list (`_cursor`, `cursor_next`); close-sdk-gen/src/paginate.rs generates offset pagination only: teach it cursors, or list {id} in NOT_PAGINATED with the reason");
            }
            if !offset && !single {
                if list_like {
                    unexplained.push(id.to_string());
                }
                continue;
            }
            let (Some(envelope), Some(data)) = (envelope, member("data")) else {
                continue;
            };
            let Some(item_name) = data
                .get("items")
                .and_then(Value::as_object)
                .and_then(crate::rules::ref_name)
            else {
                bail!("{id}: the items of its `data` are not a named schema; name them (openapi/overlay.yaml) so `.paginate()` can say its item type");
            };
            // In the handle's argument order: path parameters in path order, then query.
            let mut required = Vec::new();
            for p in &params {
                if p.get("required") == Some(&Value::Bool(true)) {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                    let at = p.get("in").and_then(Value::as_str).unwrap_or_default();
                    let position = match at {
                        "path" => template.find(&format!("{{{name}}}")).unwrap_or(usize::MAX),
                        _ => usize::MAX,
                    };
                    required.push((
                        position,
                        at.to_string(),
                        name.to_string(),
                        crate::handles::builder_method(name),
                    ));
                }
            }
            required.sort_by_key(|(position, ..)| *position);
            let required = required
                .into_iter()
                .map(|(_, at, name, method)| (at, name, method))
                .collect();
            out.push(OffsetList {
                paging: if offset {
                    Paging::Offset
                } else {
                    Paging::Single
                },
                id: id.to_string(),
                template: template.clone(),
                builder: id.to_pascal_case(),
                item: rust_type_name(item_name),
                data_optional: optional(envelope, "data"),
                has_more_optional: optional(envelope, "has_more"),
                has_more: member("has_more").is_some(),
                required,
            });
        }
    }
    if !unexplained.is_empty() {
        bail!(
            "these operations look like lists but neither paginate (a GET with `_skip`, `_limit` and a `{{data, has_more}}` answer) nor are in NOT_PAGINATED (close-sdk-gen/src/paginate.rs) with a reason: {}",
            unexplained.join(", ")
        );
    }
    if every_entry_exists {
        if let Some((id, _)) = NOT_PAGINATED.iter().find(|(id, _)| !seen.contains(*id)) {
            bail!("NOT_PAGINATED names {id}, which the document no longer has; remove it");
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The named fields of `builder::<name>` in `builder`'s items.
fn builder_fields(builder: &[syn::Item], name: &str) -> Option<Vec<syn::Ident>> {
    builder.iter().find_map(|i| match i {
        syn::Item::Struct(s) if s.ident == name => match &s.fields {
            syn::Fields::Named(f) => Some(f.named.iter().filter_map(|f| f.ident.clone()).collect()),
            _ => None,
        },
        _ => None,
    })
}

/// The handle call of every operation of `spec` (`leads().list`), from the handle table.
fn handle_calls(spec: &Value) -> Result<std::collections::BTreeMap<String, String>> {
    let mut ids = Vec::new();
    for item in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in crate::rules::METHODS {
            if let Some(id) = item
                .get(method)
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str)
            {
                ids.push(id);
            }
        }
    }
    let places = crate::handles::assign(&crate::handles::table()?, &ids)?;
    Ok(places
        .into_iter()
        .map(|(id, place)| (id, place.call()))
        .collect())
}

/// `client.leads().list()`, or `client.custom_objects().list("lead_id-1")` with a placeholder
/// value for each required parameter (the handle method's arguments).
fn handle_call(list: &OffsetList, calls: &std::collections::BTreeMap<String, String>) -> String {
    let call = calls
        .get(&list.id)
        .cloned()
        .unwrap_or_else(|| list.id.clone());
    let args: Vec<String> = list
        .required
        .iter()
        .map(|(_, name, _)| format!("{:?}", format!("{name}-1")))
        .collect();
    format!("client.{call}({})", args.join(", "))
}

/// The doc comment of one `.paginate()`.
fn doc(list: &OffsetList, call: &str) -> Vec<String> {
    let mut lines: Vec<String> = match list.paging {
        Paging::Offset => [
            "Every item of the list, fetched page by page as the stream is read: [`limit`](Self::limit)",
            "items a request (default [`DEFAULT_PAGE_SIZE`](crate::pagination::DEFAULT_PAGE_SIZE)), from",
            "[`skip`](Self::skip) on (default 0), every other parameter sent with each page. A `limit`",
            "below 1, a negative `skip` or a setter's failed conversion is the stream's first error, and",
            "nothing is sent. Lazy, cancel-safe and loop-proof: see [`Paginated`](crate::Paginated).",
        ]
        .iter()
        .map(|l| l.to_string())
        .collect(),
        Paging::Single => {
            let mut l: Vec<String> = [
                "Every item of the list, from one request sent when the stream is first read: Close",
                "documents no `_skip`/`_limit` for this list, so one answer holds all of it. A setter's",
                "failed conversion is the stream's only error, and nothing is sent.",
            ]
            .iter()
            .map(|l| l.to_string())
            .collect();
            if list.has_more {
                l.extend(
                    [
                        "An answer saying `has_more: true` ends the stream, after its items, with",
                        "[`Error::InvalidResponse`](crate::Error::InvalidResponse) instead of silently leaving the rest out.",
                    ]
                    .iter()
                    .map(|l| l.to_string()),
                );
            }
            l.push("Lazy and cancel-safe: see [`Paginated`](crate::Paginated).".to_string());
            l
        }
    };
    let limit = match list.paging {
        Paging::Offset => ".limit(50)",
        Paging::Single => "",
    };
    lines.extend([
        String::new(),
        "```no_run".to_string(),
        "# async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {".to_string(),
        format!("let mut items = {call}{limit}.paginate();"),
        "while let Some(item) = items.next().await {".to_string(),
        "    let item = item?;".to_string(),
        "#   let _ = item;".to_string(),
        "}".to_string(),
        "# Ok(()) }".to_string(),
        "```".to_string(),
    ]);
    lines.iter().map(|l| format!(" {l}")).collect()
}

/// Adds `.paginate()` to every paginated operation whose builder is in `file`'s `builder`
/// module (one resource's progenitor output); returns how many it added.
pub fn add(file: &mut syn::File, spec: &Value) -> Result<usize> {
    let lists = plan(spec, false)?;
    let Some(builder) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(0);
    };
    let calls = handle_calls(spec)?;
    let mut added = Vec::new();
    for list in &lists {
        let Some(fields) = builder_fields(builder, &list.builder) else {
            continue;
        };
        if list.paging == Paging::Single {
            added.push(single(list, &fields, &handle_call(list, &calls))?);
            continue;
        }
        let has = |n: &str| fields.iter().any(|f| f == n);
        if !(has("client") && has("skip") && has("limit")) {
            bail!(
                "{}: progenitor's builder {} has no `client`, `skip` or `limit` field; close-sdk-gen/src/paginate.rs must follow progenitor",
                list.id,
                list.builder
            );
        }
        let others: Vec<&syn::Ident> = fields
            .iter()
            .filter(|f| *f != "client" && *f != "skip" && *f != "limit")
            .collect();
        let name = format_ident!("{}", list.builder);
        let item: syn::Type = syn::parse_str(&format!("crate::types::{}", list.item))
            .with_context(|| format!("{}: item type {}", list.id, list.item))?;
        let id = &list.id;
        let data = if list.data_optional {
            quote!(list.data)
        } else {
            quote!(::std::option::Option::Some(list.data))
        };
        let has_more = if list.has_more_optional {
            quote!(list.has_more)
        } else {
            quote!(::std::option::Option::Some(list.has_more))
        };
        let doc = doc(list, &handle_call(list, &calls));
        added.push(syn::parse_quote! {
            impl<'a> #name<'a> {
                #(#[doc = #doc])*
                pub fn paginate(self) -> crate::Paginated<#item> {
                    let Self { client, limit, skip, #(#others),* } = self;
                    let page_size = limit
                        .map_err(crate::Error::InvalidRequest)
                        .and_then(|limit| crate::runtime::page_size(#id, limit));
                    let first_skip = skip
                        .map_err(crate::Error::InvalidRequest)
                        .and_then(|skip| crate::runtime::first_skip(#id, skip));
                    let client = ::std::sync::Arc::new(client.clone());
                    crate::runtime::paginate_from(page_size, first_skip, move |skip, limit| {
                        let client = ::std::sync::Arc::clone(&client);
                        #(let #others = #others.clone();)*
                        async move {
                            let request = #name {
                                client: &client,
                                limit: Ok(Some(limit)),
                                skip: Ok(Some(skip)),
                                #(#others),*
                            };
                            let list = crate::runtime::output(request.send().await).await?;
                            Ok((#data, #has_more))
                        }
                    })
                }
            }
        });
    }
    let n = added.len();
    builder.extend(added);
    Ok(n)
}

/// The `.paginate()` of a single-answer list: one request, its `data` as the stream.
fn single(list: &OffsetList, fields: &[syn::Ident], call: &str) -> Result<syn::Item> {
    if !fields.iter().any(|f| f == "client") {
        bail!(
            "{}: progenitor's builder {} has no `client` field; close-sdk-gen/src/paginate.rs must follow progenitor",
            list.id,
            list.builder
        );
    }
    let others: Vec<&syn::Ident> = fields.iter().filter(|f| *f != "client").collect();
    let name = format_ident!("{}", list.builder);
    let item: syn::Type = syn::parse_str(&format!("crate::types::{}", list.item))
        .with_context(|| format!("{}: item type {}", list.id, list.item))?;
    let id = &list.id;
    let data = if list.data_optional {
        quote!(list.data)
    } else {
        quote!(::std::option::Option::Some(list.data))
    };
    let has_more = match (list.has_more, list.has_more_optional) {
        (false, _) => quote!(::std::option::Option::None),
        (true, true) => quote!(list.has_more),
        (true, false) => quote!(::std::option::Option::Some(list.has_more)),
    };
    let doc = doc(list, call);
    Ok(syn::parse_quote! {
        impl<'a> #name<'a> {
            #(#[doc = #doc])*
            pub fn paginate(self) -> crate::Paginated<#item> {
                let Self { client, #(#others),* } = self;
                let client = client.clone();
                crate::runtime::single_page(#id, async move {
                    let request = #name {
                        client: &client,
                        #(#others),*
                    };
                    let list = crate::runtime::output(request.send().await).await?;
                    Ok((#data, #has_more))
                })
            }
        }
    })
}

/// The Rust source of the generated pagination test.
pub fn test_source(spec: &Value) -> Result<String> {
    let mut s = String::from(crate::codegen::HEADER);
    s.push_str(
        "\n//! Every `.paginate()` over loopback, through the handles (generated by\n\
         //! close-sdk-gen/src/paginate.rs). An offset list: three pages (`_skip`/`_limit` sent, items in\n\
         //! order, nothing asked after `has_more: false`) and a server repeating a page (the stream ends\n\
         //! with an error, bounded). A single-answer list: one request without `_skip`/`_limit`, and an\n\
         //! answer saying `has_more: true` (its items, then one error, one request). The checks are in\n\
         //! `close_sdk_tests::pages`.\n\n\
         use close_sdk_tests::pages::{one_answer, one_answer_with_more, repeated_page, three_pages};\n",
    );
    let calls = handle_calls(spec)?;
    for list in plan(spec, true)? {
        let mut path = list.template.clone();
        for (at, name, _) in &list.required {
            let value = format!("{name}-1");
            match at.as_str() {
                "path" => path = path.replacen(&format!("{{{name}}}"), &value, 1),
                "query" => {}
                other => bail!(
                    "{}: required {other} parameter `{name}`; teach close-sdk-gen/src/paginate.rs its value",
                    list.id
                ),
            }
        }
        let call = handle_call(&list, &calls).replacen("client.", "c.", 1);
        let checks: &[&str] = match (list.paging, list.has_more) {
            (Paging::Offset, _) => &["three_pages", "repeated_page"],
            (Paging::Single, true) => &["one_answer", "one_answer_with_more"],
            (Paging::Single, false) => &["one_answer"],
        };
        let (params, limit) = match list.paging {
            Paging::Offset => ("|c, limit|", ".limit(limit)"),
            Paging::Single => ("|c, _|", ""),
        };
        for check in checks {
            s.push_str(&format!(
                "\n#[tokio::test]\nasync fn {id}_{check}() {{\n    {check}({template:?}, {path:?}, {params} {call}{limit}.paginate()).await;\n}}\n",
                id = list.id,
                template = list.template,
            ));
        }
    }
    Ok(s)
}

/// The operations that paginate, for reports.
pub fn paginated_ids(spec: &Value) -> Result<Vec<String>> {
    Ok(plan(spec, true)?.into_iter().map(|l| l.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(extra_params: Value, list_response: Value) -> Value {
        let mut params = vec![
            json!({"in": "query", "name": "_skip", "schema": {"type": "integer"}}),
            json!({"in": "query", "name": "_limit", "schema": {"type": "integer"}}),
        ];
        if let Some(a) = extra_params.as_array() {
            params.extend(a.iter().cloned());
        }
        json!({
            "paths": {"/lead/": {"get": {
                "operationId": "leads_list",
                "parameters": params,
                "responses": {"200": {"content": {"application/json": {"schema": list_response}}}}
            }}},
            "components": {"schemas": {
                "LeadList": {"type": "object", "properties": {
                    "data": {"type": "array", "nullable": true, "items": {"$ref": "#/components/schemas/Lead"}},
                    "has_more": {"type": "boolean"}
                }},
                "Lead": {"type": "object", "properties": {"id": {"type": "string"}}}
            }}
        })
    }

    fn envelope() -> Value {
        json!({"$ref": "#/components/schemas/LeadList"})
    }

    #[test]
    fn a_get_with_skip_limit_and_an_envelope_paginates() {
        let lists = plan(&spec(json!([]), envelope()), false).unwrap();
        assert_eq!(
            lists,
            [OffsetList {
                paging: Paging::Offset,
                id: "leads_list".into(),
                template: "/lead/".into(),
                builder: "LeadsList".into(),
                item: "Lead".into(),
                data_optional: true,
                has_more_optional: true,
                has_more: true,
                required: vec![],
            }]
        );
    }

    #[test]
    fn a_data_envelope_without_skip_and_limit_is_one_answer() {
        let mut s = spec(json!([]), envelope());
        s["paths"]["/lead/"]["get"]["parameters"] = json!([]);
        let lists = plan(&s, false).unwrap();
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].paging, Paging::Single);
        assert!(lists[0].has_more);
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct LeadsList<'a> {
                    client: &'a super::Client,
                    fields: Result<Option<String>, String>,
                }
            }
        };
        assert_eq!(add(&mut file, &s).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("crate::runtime::single_page("), "{text}");
        assert!(text.contains("\"leads_list\""), "{text}");
        assert!(
            text.contains("let Self { client, fields } = self;"),
            "{text}"
        );
        assert!(text.contains("client.leads().list().paginate()"), "{text}");
        assert!(text.contains("has_more: true"), "{text}");
    }

    #[test]
    fn a_list_without_an_envelope_must_be_explained() {
        let e = plan(&spec(json!([]), json!({"type": "object"})), false).unwrap_err();
        assert!(e.to_string().contains("leads_list"), "{e}");
    }

    #[test]
    fn a_cursor_list_is_not_left_out_silently() {
        let mut s = spec(
            json!([{"in": "query", "name": "_cursor", "schema": {"type": "string"}}]),
            envelope(),
        );
        s["components"]["schemas"]["LeadList"]["properties"]["cursor_next"] =
            json!({"type": "string"});
        let e = plan(&s, false).unwrap_err();
        assert!(e.to_string().contains("cursor"), "{e}");
    }

    #[test]
    fn stale_entries_are_errors_for_the_whole_document() {
        let e = plan(&spec(json!([]), envelope()), true).unwrap_err();
        assert!(e.to_string().contains("no longer has"), "{e}");
    }

    #[test]
    fn every_list_in_the_effective_spec_paginates_or_is_explained() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/close.json"),
        )
        .unwrap();
        let spec: Value = serde_json::from_str(&text).unwrap();
        let lists = plan(&spec, true).unwrap();
        assert!(lists.iter().any(|l| l.id == "leads_list"));
    }

    #[test]
    fn the_paginate_impl_keeps_the_other_parameters_for_every_page() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct LeadsList<'a> {
                    client: &'a super::Client,
                    fields: Result<Option<String>, String>,
                    limit: Result<Option<i64>, String>,
                    skip: Result<Option<i64>, String>,
                }
            }
        };
        assert_eq!(add(&mut file, &spec(json!([]), envelope())).unwrap(), 1);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("pub fn paginate(self) -> crate::Paginated<crate::types::Lead>"));
        assert!(text.contains("let fields = fields.clone();"), "{text}");
        assert!(text.contains("crate::runtime::page_size(\"leads_list\", limit)"));
        assert!(text.contains("crate::runtime::first_skip(\"leads_list\", skip)"));
        assert!(
            text.contains("client.leads().list().limit(50).paginate()"),
            "{text}"
        );
    }
}
