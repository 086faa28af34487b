//! One handle per resource: `client.leads().get(id).await?`.
//!
//! The table `openapi/handles.yaml` (names are data) says which handle reaches each operation and
//! under which method name; this module checks that it covers every operationId exactly once and
//! generates `close-sdk/src/generated/handles.rs` (`close_sdk::handles`):
//!
//! - one `#[derive(Clone, Copy)]` struct per handle, holding `&Client`; top-level handles are
//!   methods of `Client` (`client.leads()`), sub-handles methods of their parent
//!   (`client.activities().calls()`), each compiled when any feature of the operations it reaches
//!   is on;
//! - one method per operation, named by the table, whose arguments are the operation's required
//!   parameters (path parameters in path order, then required query parameters, then the body),
//!   each handed to progenitor's setter with the setter's own bounds (read from the builder with
//!   syn), returning the builder so optional parameters stay setters;
//! - `IntoFuture` for every builder: `.await` sends it and returns `Result<T, close_sdk::Error>`
//!   through `crate::runtime::value` (status and headers stay reachable through `.send()`);
//! - an operation whose builder would have no setter left (every parameter is an argument) and
//!   no `.paginate()` returns the one generic `close_sdk::Request<'a, T>` instead of its builder
//!   ([`Plan::rewrite_builders`]): a request type with nothing to set was a documentation page
//!   and an `IntoFuture` impl per operation for nothing. progenitor's builder stays, hidden,
//!   for code written against it.
//!
//! The body is an argument whenever an operation has one: Close's document marks none of its 109
//! request bodies `required`, yet progenitor's builders always send one, and a create or update
//! without its body is never what a caller means.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context, Result};
use quote::ToTokens;
use serde::Deserialize;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::codegen::split::PartOutput;
use crate::codegen::split::{cfg_predicate, PartKind};
use crate::openapi::rules::resolve;

/// The builder method progenitor gives a parameter (snake case, no leading `_`, keywords
/// suffixed with `_`).
pub(crate) fn builder_method(name: &str) -> String {
    use heck::ToSnakeCase;
    let snake = name.trim_start_matches('_').to_snake_case();
    match snake.as_str() {
        "type" | "ref" | "self" | "match" | "fn" | "mod" | "use" | "where" | "in" | "as" => {
            format!("{snake}_")
        }
        _ => snake,
    }
}

/// The handle table, relative to the workspace root.
pub const HANDLES_TABLE: &str = "openapi/handles.yaml";
/// The generated handles, relative to the workspace root.
pub const HANDLES_FILE: &str = "close-sdk/src/generated/handles.rs";

/// The table's text, read when the generator is built (so every command that generates sees the
/// same table, whatever directory it runs in).
const TABLE_TEXT: &str = include_str!("../../../openapi/handles.yaml");

/// `openapi/handles.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Every handle by its path (`activities.calls`).
    pub handles: BTreeMap<String, HandleEntry>,
    /// Operations placed by hand, by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationEntry>,
    /// Operations whose body is its one member, by operationId.
    #[serde(default)]
    pub bodies: BTreeMap<String, BodyEntry>,
}

/// An operation whose request body has one member, a required string, and nothing else: the
/// body converts from that member's value (`From<&str>`, `From<String>`, `From<&String>`), and
/// the handle method's argument is named after the member, so
/// `client.groups().add_member(group_id, user_id)` is the call (a built body still works).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyEntry {
    /// The body's one member (`user_id`).
    pub member: String,
    /// Why.
    pub reason: String,
}

/// One handle of the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandleEntry {
    /// What the resource is, one line.
    pub doc: String,
    /// The operationId prefix it owns, if it reaches operations directly.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Why the name is what it is, where that is not obvious.
    #[serde(default)]
    pub reason: Option<String>,
}

/// An operation placed by hand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationEntry {
    /// The handle path.
    pub handle: String,
    /// The method name.
    pub method: String,
    /// Why.
    pub reason: String,
}

/// Where one operation lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The handle path (`activities.calls`).
    pub handle: String,
    /// The method name (`list`).
    pub method: String,
}

impl Place {
    /// The call as a user writes it, without arguments: `leads().get`,
    /// `activities().calls().list`.
    pub fn call(&self) -> String {
        let mut s: String = self.handle.split('.').map(|h| format!("{h}().")).collect();
        s.push_str(&self.method);
        s
    }
}

/// The table checked in with the generator.
pub fn table() -> Result<Table> {
    serde_yaml_ng::from_str(TABLE_TEXT).with_context(|| format!("reading {HANDLES_TABLE}"))
}

fn is_ident(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}

/// The place of every operation in `ids`: the `operations` entry if there is one, else the handle
/// with the longest matching prefix and the rest of the id as the method. Fails, naming what is
/// wrong, unless every id gets exactly one place, no two ids the same one and no method has a
/// sub-handle's name ([`check_all_used`] checks the table has no stale entry).
pub fn assign(table: &Table, ids: &[&str]) -> Result<BTreeMap<String, Place>> {
    for path in table.handles.keys() {
        for seg in path.split('.') {
            if !is_ident(seg) {
                bail!("{HANDLES_TABLE}: handle `{path}`: `{seg}` is not a Rust identifier");
            }
        }
        if let Some((parent, _)) = path.rsplit_once('.') {
            if !table.handles.contains_key(parent) {
                bail!("{HANDLES_TABLE}: handle `{path}` has no parent handle `{parent}`");
            }
        }
    }
    for (id, e) in &table.operations {
        if !table.handles.contains_key(&e.handle) {
            bail!(
                "{HANDLES_TABLE}: `{id}` goes to handle `{}`, which `handles` does not list",
                e.handle
            );
        }
    }
    let mut out = BTreeMap::new();
    for id in ids {
        let place = if let Some(e) = table.operations.get(*id) {
            Place {
                handle: e.handle.clone(),
                method: e.method.clone(),
            }
        } else {
            let best = table
                .handles
                .iter()
                .filter_map(|(h, e)| e.prefix.as_deref().map(|p| (h, p)))
                .filter(|(_, p)| id.starts_with(p))
                .max_by_key(|(_, p)| p.len());
            let Some((handle, prefix)) = best else {
                bail!(
                    "operation `{id}` matches no handle prefix in {HANDLES_TABLE}; add a handle with its prefix or an `operations` entry"
                );
            };
            Place {
                handle: handle.clone(),
                method: id[prefix.len()..].to_string(),
            }
        };
        if !is_ident(&place.method) {
            bail!(
                "operation `{id}`: method `{}` of `{}` is not a Rust identifier; give it an `operations` entry in {HANDLES_TABLE}",
                place.method,
                place.handle
            );
        }
        out.insert(id.to_string(), place);
    }
    let mut seen: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for (id, p) in &out {
        if let Some(other) = seen.insert((&p.handle, &p.method), id) {
            bail!(
                "operations `{other}` and `{id}` both become `{}.{}` in {HANDLES_TABLE}; give one an `operations` entry",
                p.handle,
                p.method
            );
        }
        let child = format!("{}.{}", p.handle, p.method);
        if table.handles.contains_key(&child) {
            bail!(
                "operation `{id}`: method `{}` of `{}` has the name of the sub-handle `{child}` in {HANDLES_TABLE}",
                p.method,
                p.handle
            );
        }
    }
    Ok(out)
}

/// Fails unless every entry of the table is used by `places` (from [`assign`] over every
/// operation): a prefix no operation takes or a handle reaching nothing is a stale entry.
pub fn check_all_used(table: &Table, places: &BTreeMap<String, Place>) -> Result<()> {
    let used_prefixes: BTreeSet<&String> = places
        .iter()
        .filter(|(id, _)| !table.operations.contains_key(*id))
        .map(|(_, p)| &p.handle)
        .collect();
    let out = places;
    for id in table.operations.keys() {
        if !places.contains_key(id) {
            bail!("{HANDLES_TABLE}: `operations` names `{id}`, which is no operationId");
        }
    }
    for (h, e) in &table.handles {
        if e.prefix.is_some() && !used_prefixes.contains(h) {
            bail!(
                "{HANDLES_TABLE}: the prefix of handle `{h}` matches no operation (or only operations placed elsewhere)"
            );
        }
        let reaches = out
            .values()
            .any(|p| p.handle == *h || p.handle.starts_with(&format!("{h}.")));
        if !reaches {
            bail!("{HANDLES_TABLE}: handle `{h}` reaches no operation");
        }
    }
    Ok(())
}

/// One setter of a progenitor builder.
#[derive(Clone)]
struct Setter {
    generics: syn::Generics,
    /// The type of its `value` argument (a generic parameter).
    arg: syn::Type,
}

/// A builder: its setters and the success type of `send()`.
#[derive(Clone)]
struct Builder {
    name: String,
    setters: BTreeMap<String, Setter>,
    output: syn::Type,
    /// Whether it has a `.paginate()`.
    paginated: bool,
}

/// Rewrites the builder module's relative paths for use anywhere in the crate:
/// `types::X` → `crate::types::X`.
struct Absolute;
impl VisitMut for Absolute {
    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        if p.leading_colon.is_none() && p.segments.first().is_some_and(|s| s.ident == "types") {
            p.segments.insert(0, syn::parse_quote!(crate));
        }
        syn::visit_mut::visit_path_mut(self, p);
    }
}

/// Renames a generic parameter.
struct Rename<'a> {
    from: &'a syn::Ident,
    to: &'a syn::Ident,
}
impl VisitMut for Rename<'_> {
    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        if p.leading_colon.is_none() && p.segments.len() == 1 && p.segments[0].ident == *self.from {
            p.segments[0].ident = self.to.clone();
        }
        syn::visit_mut::visit_path_mut(self, p);
    }
    fn visit_type_param_mut(&mut self, t: &mut syn::TypeParam) {
        if t.ident == *self.from {
            t.ident = self.to.clone();
        }
        syn::visit_mut::visit_type_param_mut(self, t);
    }
}

/// The `T` of `crate::ResponseFuture<'a, T>`, what a rewritten `send()` returns.
fn success_type(ret: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = ret else {
        return None;
    };
    // `send()` returns `crate::ResponseFuture<'a, T>` (close-sdk-gen's `one_door`).
    crate::codegen::syntax::generic_inner(ty, "ResponseFuture")
}

/// The builders of one resource part, by operationId.
fn builders_of(source: &str) -> Result<BTreeMap<String, Builder>> {
    let file = syn::parse_file(source).context("parsing a generated resource")?;
    // operationId → builder struct, from `impl Client { pub fn leads_get(&self) -> builder::LeadsGet<'_> }`.
    let mut struct_of = BTreeMap::new();
    let mut impls: BTreeMap<String, Vec<&syn::ItemImpl>> = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let syn::Type::Path(p) = &*i.self_ty else {
                    continue;
                };
                if !p.path.is_ident("Client") {
                    continue;
                }
                for it in &i.items {
                    let syn::ImplItem::Fn(f) = it else { continue };
                    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                        continue;
                    };
                    let syn::Type::Path(rp) = &**ty else { continue };
                    if let Some(last) = rp.path.segments.last() {
                        struct_of.insert(f.sig.ident.to_string(), last.ident.to_string());
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for it in m.content.iter().flat_map(|(_, items)| items) {
                    if let syn::Item::Impl(i) = it {
                        if let syn::Type::Path(p) = &*i.self_ty {
                            if let Some(last) = p.path.segments.last() {
                                impls.entry(last.ident.to_string()).or_default().push(i);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (id, name) in struct_of {
        // Every impl block of the builder (progenitor's, and `.paginate()`'s).
        let Some(imps) = impls.get(&name) else {
            bail!("`Client::{id}` returns `builder::{name}`, which has no impl");
        };
        let mut setters = BTreeMap::new();
        let mut output = None;
        let mut paginated = false;
        for it in imps.iter().flat_map(|imp| &imp.items) {
            let syn::ImplItem::Fn(f) = it else { continue };
            paginated |= f.sig.ident == "paginate";
            if f.sig.ident == "send" {
                output = success_type(&f.sig.output);
                continue;
            }
            let args: Vec<&syn::FnArg> = f.sig.inputs.iter().collect();
            let [syn::FnArg::Receiver(_), syn::FnArg::Typed(arg)] = args.as_slice() else {
                continue;
            };
            let mut generics = f.sig.generics.clone();
            let mut arg = (*arg.ty).clone();
            Absolute.visit_generics_mut(&mut generics);
            Absolute.visit_type_mut(&mut arg);
            setters.insert(f.sig.ident.to_string(), Setter { generics, arg });
        }
        let Some(mut output) = output else {
            bail!("`builder::{name}` (operation `{id}`) has no `send()` returning `crate::ResponseFuture<'a, T>`");
        };
        Absolute.visit_type_mut(&mut output);
        out.insert(
            id,
            Builder {
                name,
                setters,
                output,
                paginated,
            },
        );
    }
    Ok(out)
}

/// The required parameters of an operation, as setter names: path parameters in path order,
/// required query parameters, then `body` if it has one.
fn required_setters(spec: &Value) -> Result<BTreeMap<String, Vec<String>>> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        bail!("the spec has no paths");
    };
    let mut out = BTreeMap::new();
    for (template, item) in paths {
        for method in crate::openapi::rules::METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                bail!("{} {template} has no operationId", method.to_uppercase());
            };
            let params: Vec<&Value> = op
                .get("parameters")
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
                .collect();
            let mut path_params = Vec::new();
            let mut query = Vec::new();
            for p in params {
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                match p.get("in").and_then(Value::as_str) {
                    Some("path") => {
                        let at = template.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
                        path_params.push((at, builder_method(name)));
                    }
                    Some("query") if p.get("required") == Some(&Value::Bool(true)) => {
                        query.push(builder_method(name));
                    }
                    _ => {}
                }
            }
            path_params.sort();
            let mut setters: Vec<String> = path_params.into_iter().map(|(_, s)| s).collect();
            setters.extend(query);
            if op.get("requestBody").is_some() {
                setters.push("body".to_string());
            }
            out.insert(id.to_string(), setters);
        }
    }
    Ok(out)
}

/// One argument of a handle method.
#[derive(Clone)]
struct Arg {
    /// The setter (and argument) name.
    name: String,
    /// The argument's name in the handle method (the setter's, or a one-member body's member).
    param: String,
    /// The generic parameter's new name.
    generic: syn::Ident,
    /// The setter's generics, renamed.
    generics: syn::Generics,
    /// The type the setter converts into (`TryInto<T>`'s `T`), if it says.
    target: Option<syn::Type>,
}

/// `T` of the first `TryInto<T>` bound in `generics`.
fn try_into_target(generics: &syn::Generics) -> Option<syn::Type> {
    let preds = generics.where_clause.as_ref()?.predicates.iter();
    let bounds = preds.filter_map(|p| match p {
        syn::WherePredicate::Type(t) => Some(t.bounds.iter()),
        _ => None,
    });
    for b in bounds.flatten() {
        let syn::TypeParamBound::Trait(t) = b else {
            continue;
        };
        let Some(last) = t.path.segments.last() else {
            continue;
        };
        if last.ident != "TryInto" {
            continue;
        }
        if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
            for g in &a.args {
                if let syn::GenericArgument::Type(ty) = g {
                    return Some(ty.clone());
                }
            }
        }
    }
    None
}

/// One generated method.
#[derive(Clone)]
struct Method {
    id: String,
    place: Place,
    feature: &'static str,
    http: String,
    path: String,
    summary: String,
    builder: String,
    args: Vec<Arg>,
    output: syn::Type,
    /// Whether it returns the generic `crate::Request` (every parameter is an argument, no
    /// `.paginate()`), not its builder.
    plain: bool,
}

fn pascal(s: &str) -> String {
    use heck::ToPascalCase;
    s.to_pascal_case()
}

/// The struct name of a handle path: `activities.calls` → `ActivitiesCalls`.
pub fn struct_name(handle: &str) -> String {
    handle.split('.').map(pascal).collect()
}

/// What the generator knows of the handles, for the generated file and the resource docs.
pub struct Plan {
    table: Table,
    methods: BTreeMap<String, Method>,
    one_member_bodies: Vec<OneMemberBody>,
}

/// Builds the plan from the generated parts and the spec.
pub fn plan(parts: &[PartOutput], spec: &Value) -> Result<Plan> {
    let table = table()?;
    let required = required_setters(spec)?;
    let mut ops = Vec::new();
    let mut builders = BTreeMap::new();
    for p in parts {
        let PartKind::Resource(f) = p.part.kind else {
            continue;
        };
        for (id, b) in
            builders_of(&p.source).with_context(|| format!("part `{}`", p.part.module))?
        {
            builders.insert(id, (b, f.name));
        }
        ops.extend(p.operations.iter().cloned());
    }
    let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    let places = assign(&table, &ids)?;
    check_all_used(&table, &places)?;
    for id in table.bodies.keys() {
        if !places.contains_key(id) {
            bail!("{HANDLES_TABLE}: `bodies` names `{id}`, which is no operationId");
        }
    }
    let mut one_member_bodies = Vec::new();
    let mut methods = BTreeMap::new();
    for op in &ops {
        let Some((b, feature)) = builders.get(&op.id) else {
            bail!("operation `{}` has no builder method on `Client`", op.id);
        };
        let mut args = Vec::new();
        for name in required.get(&op.id).into_iter().flatten() {
            let Some(setter) = b.setters.get(name) else {
                bail!(
                    "operation `{}`: its required parameter `{name}` has no setter on its builder",
                    op.id
                );
            };
            let param = match table.bodies.get(&op.id) {
                Some(e) if name == "body" => e.member.clone(),
                _ => name.clone(),
            };
            let generic = syn::Ident::new(&pascal(&param), proc_macro2::Span::call_site());
            let mut generics = setter.generics.clone();
            let params: Vec<syn::Ident> = generics.type_params().map(|t| t.ident.clone()).collect();
            let [from] = params.as_slice() else {
                bail!(
                    "operation `{}`: setter `{name}` has {} type parameters, expected 1",
                    op.id,
                    params.len()
                );
            };
            let syn::Type::Path(tp) = &setter.arg else {
                bail!(
                    "operation `{}`: setter `{name}` takes no generic value",
                    op.id
                );
            };
            if !tp.path.is_ident(from) {
                bail!(
                    "operation `{}`: setter `{name}` takes no generic value",
                    op.id
                );
            }
            Rename { from, to: &generic }.visit_generics_mut(&mut generics);
            let target = try_into_target(&generics);
            args.push(Arg {
                name: name.clone(),
                param,
                generic,
                generics,
                target,
            });
        }
        if let Some(e) = table.bodies.get(&op.id) {
            check_one_member_body(spec, &op.id, &e.member)?;
            let Some(target) = args
                .iter()
                .find(|a| a.name == "body")
                .and_then(|a| a.target.clone())
            else {
                bail!(
                    "{HANDLES_TABLE}: `bodies.{}`: the operation's body setter names no type",
                    op.id
                );
            };
            one_member_bodies.push(OneMemberBody {
                id: op.id.clone(),
                feature,
                member: e.member.clone(),
                target,
            });
        }
        let place = places[&op.id].clone();
        let plain = !b.paginated && b.setters.keys().all(|s| args.iter().any(|a| &a.name == s));
        methods.insert(
            op.id.clone(),
            Method {
                id: op.id.clone(),
                place,
                feature,
                http: op.method.clone(),
                path: op.path.clone(),
                summary: op.summary.clone(),
                builder: b.name.clone(),
                args,
                output: b.output.clone(),
                plain,
            },
        );
    }
    Ok(Plan {
        table,
        methods,
        one_member_bodies,
    })
}

/// A body that converts from its one member's value (a [`BodyEntry`], checked).
struct OneMemberBody {
    id: String,
    feature: &'static str,
    member: String,
    target: syn::Type,
}

/// Fails unless the request body of operation `id` in `spec` is an object whose only member is
/// `member`, a required string (what [`BodyEntry`] may say of it).
fn check_one_member_body(spec: &Value, id: &str, member: &str) -> Result<()> {
    let paths = spec.get("paths").and_then(Value::as_object);
    let op = paths
        .into_iter()
        .flat_map(|p| p.values())
        .flat_map(|item| {
            crate::openapi::rules::METHODS
                .iter()
                .filter_map(|m| item.get(*m))
        })
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id));
    let schema = op
        .and_then(|op| op.pointer("/requestBody/content/application~1json/schema"))
        .and_then(|raw| resolve(spec, raw));
    let Some(schema) = schema else {
        bail!("{HANDLES_TABLE}: `bodies.{id}`: the operation has no JSON request body");
    };
    let members: Vec<&String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.keys())
        .collect();
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|m| m == member));
    let string = schema
        .pointer(&format!("/properties/{member}/type"))
        .and_then(Value::as_str)
        == Some("string");
    let nullable = schema
        .pointer(&format!("/properties/{member}/nullable"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if members != [member] || !required || !string || nullable {
        bail!(
            "{HANDLES_TABLE}: `bodies.{id}`: the body must have exactly one member, `{member}`, a \
             required non-null string; it has {members:?} (required: {required}, string: \
             {string}, nullable: {nullable})"
        );
    }
    Ok(())
}

/// `crate::…` → `close_sdk::…`, for doc examples (which are another crate).
fn public_path(ty: &syn::Type) -> String {
    struct Public;
    impl VisitMut for Public {
        fn visit_path_mut(&mut self, p: &mut syn::Path) {
            if p.leading_colon.is_none() && p.segments.first().is_some_and(|s| s.ident == "crate") {
                p.segments[0].ident = syn::Ident::new("close_sdk", proc_macro2::Span::call_site());
            }
            syn::visit_mut::visit_path_mut(self, p);
        }
    }
    let mut ty = ty.clone();
    Public.visit_type_mut(&mut ty);
    tokens(&ty)
}

/// Tokens as compact text (`::std::string::String`, not `:: std :: string :: String`).
fn tokens(t: &impl ToTokens) -> String {
    let file: syn::File = match syn::parse_str(&format!("type X = {};", t.to_token_stream())) {
        Ok(f) => f,
        Err(_) => return t.to_token_stream().to_string(),
    };
    let text = prettyplease::unparse(&file);
    text.trim()
        .trim_start_matches("type X = ")
        .trim_end_matches(';')
        .to_string()
}

fn is_unit(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
}

impl Plan {
    /// Rewrites each request builder's doc in the parts' sources: progenitor's "Builder for
    /// [`Client::leads_list`]" names a `#[doc(hidden)]` method; the doc names the handle call
    /// instead. Fails when a builder's doc is not progenitor's (its wording changed).
    ///
    /// Each builder's `new(client)` is `#[doc(hidden)]`: its handle method builds it, a user
    /// never does, and an undocumented constructor on every request page only misleads.
    pub fn rewrite_builder_docs(&self, parts: &mut [PartOutput]) -> Result<()> {
        const NEW: &str = "\n        pub fn new(client: &'a super::Client) -> Self {";
        const HIDDEN_NEW: &str =
            "\n        #[doc(hidden)]\n        pub fn new(client: &'a super::Client) -> Self {";
        for p in parts.iter_mut() {
            if !matches!(p.part.kind, PartKind::Resource(_)) {
                continue;
            }
            let news = p.source.matches(NEW).count();
            if news != p.operations.len() {
                bail!(
                    "part `{}`: {news} builder constructors `new(client)` for {} operations",
                    p.part.module,
                    p.operations.len()
                );
            }
            p.source = p.source.replace(NEW, HIDDEN_NEW);
            for op in &p.operations {
                let Some(m) = self.methods.get(&op.id) else {
                    bail!("operation `{}` is not in the handle plan", op.id);
                };
                let id = &m.id;
                let old = format!(
                    "/**Builder for [`Client::{id}`]\n\n[`Client::{id}`]: super::Client::{id}*/"
                );
                let new = format!(
                    "///The request of [`client.{call}({args})`](crate::handles::{h}::{method}); optional parameters are its setters, `.await` it or `.send()` it.",
                    call = m.place.call(),
                    args = m.args.iter().map(|a| a.param.as_str()).collect::<Vec<_>>().join(", "),
                    h = struct_name(&m.place.handle),
                    method = m.place.method,
                );
                if p.source.matches(&old).count() != 1 {
                    bail!(
                        "part `{}`: the doc of `builder::{}` is not progenitor's \"Builder for [`Client::{id}`]\"",
                        p.part.module,
                        m.builder
                    );
                }
                p.source = p.source.replace(&old, &new);
            }
        }
        Ok(())
    }

    /// Gives every builder `request() -> crate::Request<'a, T>` (the body its `send()` had,
    /// through `crate::runtime::request`; `send()` becomes `self.request().send()`), so a request
    /// with its optional parameters set is a `Request` like any other; and hides the builder of
    /// every plain operation ([`Method::plain`]), whose handle method returns that `Request`
    /// directly (a builder with nothing to set needs no page of its own). The builders and
    /// `Client::{id}()` stay, so code written against them keeps compiling.
    pub fn rewrite_builders(&self, parts: &mut [PartOutput]) -> Result<()> {
        for p in parts.iter_mut() {
            if !matches!(p.part.kind, PartKind::Resource(_)) {
                continue;
            }
            let all: BTreeMap<String, &Method> = p
                .operations
                .iter()
                .filter_map(|op| self.methods.get(&op.id))
                .map(|m| (m.builder.clone(), m))
                .collect();
            let mut file = syn::parse_file(&p.source)
                .with_context(|| format!("parsing part `{}`", p.part.module))?;
            let mut hidden = BTreeSet::new();
            let mut requests = BTreeSet::new();
            for item in &mut file.items {
                let syn::Item::Mod(m) = item else { continue };
                if m.ident != "builder" {
                    continue;
                }
                let Some((_, items)) = &mut m.content else {
                    continue;
                };
                for it in items.iter_mut() {
                    match it {
                        syn::Item::Struct(st)
                            if all.get(&st.ident.to_string()).is_some_and(|m| m.plain) =>
                        {
                            st.attrs.retain(|a| !a.path().is_ident("doc"));
                            st.attrs.insert(0, syn::parse_quote!(#[doc(hidden)]));
                            hidden.insert(st.ident.to_string());
                        }
                        syn::Item::Impl(imp) if imp.trait_.is_none() => {
                            let syn::Type::Path(tp) = &*imp.self_ty else {
                                continue;
                            };
                            let Some(last) = tp.path.segments.last() else {
                                continue;
                            };
                            let name = last.ident.to_string();
                            let Some(m) = all.get(&name) else { continue };
                            let mut request = None;
                            for f in imp.items.iter_mut() {
                                let syn::ImplItem::Fn(f) = f else { continue };
                                if f.sig.ident != "send" {
                                    continue;
                                }
                                let mut r = f.clone();
                                r.sig.ident = syn::parse_quote!(request);
                                let out = &m.output;
                                r.sig.output = syn::parse_quote!(-> crate::Request<'a, #out>);
                                r.attrs.retain(|a| !a.path().is_ident("doc"));
                                let doc = if m.plain {
                                    "The request, not sent yet (what the handle method returns)."
                                } else {
                                    "The request with the parameters set so far, not sent yet: one \
                                     [`Request`](crate::Request) type for every operation (to store, clone \
                                     or pass to code that takes any request)."
                                };
                                r.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                                let mut doors = DoorCalls(0);
                                doors.visit_block_mut(&mut r.block);
                                if doors.0 != 1 {
                                    bail!(
                                        "part `{}`: `builder::{name}::send()` calls `crate::runtime::request` {} times, expected once",
                                        p.part.module,
                                        doors.0
                                    );
                                }
                                f.block = syn::parse_quote!({ self.request().send() });
                                request = Some(r);
                            }
                            // `.paginate()` is in an impl block of its own.
                            let Some(r) = request else { continue };
                            if !requests.insert(name.clone()) {
                                bail!(
                                    "part `{}`: `builder::{name}` has two `send()`",
                                    p.part.module
                                );
                            }
                            imp.items.push(syn::ImplItem::Fn(r));
                        }
                        _ => {}
                    }
                }
            }
            let missing: Vec<&String> = all
                .iter()
                .filter(|(b, m)| (m.plain && !hidden.contains(*b)) || !requests.contains(*b))
                .map(|(b, _)| b)
                .collect();
            if !missing.is_empty() {
                bail!(
                    "part `{}`: no builder struct or `send()` for {missing:?}",
                    p.part.module
                );
            }
            p.source = crate::codegen::progenitor::unparse(&file);
        }
        Ok(())
    }

    /// Where an operation lives, if it is in the plan.
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.methods.get(id).map(|m| &m.place)
    }

    /// What an operation's handle method returns, as a doc link: the one `Request`, or its
    /// builder.
    pub fn returns_link(&self, id: &str) -> String {
        match self.methods.get(id) {
            Some(m) if m.plain => "[`Request`](crate::Request)".to_string(),
            Some(m) => format!("[`{b}`](crate::builder::{b})", b = m.builder),
            None => String::new(),
        }
    }

    /// The argument names of an operation's handle method.
    pub fn arg_names(&self, id: &str) -> Vec<String> {
        self.methods
            .get(id)
            .map(|m| m.args.iter().map(|a| a.param.clone()).collect())
            .unwrap_or_default()
    }

    /// The handles in table order (parents before children).
    fn handles(&self) -> impl Iterator<Item = (&String, &HandleEntry)> {
        self.table.handles.iter()
    }

    fn children<'s>(&'s self, handle: &'s str) -> impl Iterator<Item = &'s String> + 's {
        self.table.handles.keys().filter(move |h| {
            h.rsplit_once('.')
                .is_some_and(|(parent, _)| parent == handle)
        })
    }

    fn methods_of<'s>(&'s self, handle: &'s str) -> impl Iterator<Item = &'s Method> + 's {
        self.methods
            .values()
            .filter(move |m| m.place.handle == handle)
    }

    /// The features of every operation a handle reaches, sorted.
    fn features(&self, handle: &str) -> Vec<&'static str> {
        let below = format!("{handle}.");
        let set: BTreeSet<&'static str> = self
            .methods
            .values()
            .filter(|m| m.place.handle == handle || m.place.handle.starts_with(&below))
            .map(|m| m.feature)
            .collect();
        set.into_iter().collect()
    }

    /// The top-level handles reaching operations of `feature`.
    pub fn top_handles_of(&self, feature: &str) -> Vec<String> {
        let set: BTreeSet<String> = self
            .methods
            .values()
            .filter(|m| m.feature == feature)
            .filter_map(|m| m.place.handle.split('.').next().map(str::to_string))
            .collect();
        set.into_iter().collect()
    }

    /// A short example of a handle (a call to its `list`, else `get`, else its first method,
    /// else one of its sub-handle's), as a `no_run` doc test.
    pub fn example(&self, handle: &str) -> String {
        let below = format!("{handle}.");
        let mut candidates: Vec<&Method> = self.methods_of(handle).collect();
        if candidates.is_empty() {
            candidates = self
                .methods
                .values()
                .filter(|m| m.place.handle.starts_with(&below))
                .collect();
        }
        let rank = |m: &Method| match m.place.method.as_str() {
            "list" => 0,
            "get" => 1,
            _ => 2 + m.args.len(),
        };
        candidates.sort_by_key(|m| (rank(m), m.place.handle.len(), m.id.clone()));
        let Some(m) = candidates.first() else {
            return String::new();
        };
        let mut params = String::new();
        let mut args = Vec::new();
        for a in &m.args {
            let is_string = a
                .target
                .as_ref()
                .is_some_and(|t| tokens(t) == "::std::string::String");
            if is_string {
                args.push(format!("{:?}", a.name));
            } else if let Some(t) = &a.target {
                params.push_str(&format!(", {}: {}", a.name, public_path(t)));
                args.push(a.name.clone());
            } else {
                return String::new();
            }
        }
        let call = format!("client.{}({}).await?", m.place.call(), args.join(", "));
        let body = if is_unit(&m.output) {
            format!("{call};\n")
        } else {
            format!("let value = {call};\nprintln!(\"{{value:?}}\");\n")
        };
        format!(
            "```no_run\n# async fn run(client: close_sdk::Client{params}) -> Result<(), close_sdk::Error> {{\n{body}# Ok(())\n# }}\n```\n"
        )
    }

    /// The Rust source of `close-sdk/src/generated/handles.rs`.
    pub fn source(&self) -> Result<String> {
        let mut s = String::from(
            "//! One handle per resource: `client.leads().get(id).await?`.\n\
             //!\n\
             //! Each handle borrows the [`Client`](crate::Client) and has one method per operation of its\n\
             //! resource, named by its verb (`list`, `get`, `create`, `update`, `delete`, …). The\n\
             //! operation's required parameters are the method's arguments; it returns the request's\n\
             //! builder (in [`builder`](crate::builder)), where the optional parameters are setters,\n\
             //! or, for an operation with none, the one generic [`Request`](crate::Request).\n\
             //! `.await` on a request sends it and returns `Result<T, close_sdk::Error>`; its `.send()`\n\
             //! returns the [`ResponseValue`](crate::ResponseValue) with the status and headers.\n\
             //!\n\
             //! ```no_run\n\
             //! # #[cfg(feature = \"leads\")]\n\
             //! # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {\n\
             //! let lead = client.leads().get(\"lead_…\").await?;\n\
             //! let page = client.leads().list().limit(10).await?;\n\
             //! # let _ = (lead, page);\n\
             //! # Ok(())\n\
             //! # }\n\
             //! ```\n\
             //!\n\
             //! Generated by close-sdk-gen/src/codegen/handles.rs from `openapi/handles.yaml`.\n\n",
        );
        // `Client`'s top-level handles.
        s.push_str(
            "/// **Handles**: one per resource, each compiled with its cargo feature. See\n\
             /// [`handles`](crate::handles).\n\
             impl crate::Client {\n",
        );
        for (h, e) in self.handles().filter(|(h, _)| !h.contains('.')) {
            let name = struct_name(h);
            s.push_str(&format!(
                "/// {doc}\n///\n/// See [`{name}`].\n#[cfg({cfg})]\npub fn {h}(&self) -> {name}<'_> {{\n{name} {{ client: self }}\n}}\n",
                doc = e.doc,
                cfg = cfg_predicate(&self.features(h)),
            ));
        }
        s.push_str("}\n\n");
        for (h, e) in self.handles() {
            s.push_str(&self.handle_source(h, e)?);
        }
        for m in self.methods.values().filter(|m| !m.plain) {
            s.push_str(&format!(
                "#[cfg(feature = {feature:?})]\n\
                 impl<'a> ::std::future::IntoFuture for crate::builder::{b}<'a> {{\n\
                 type Output = ::std::result::Result<{out}, crate::Error>;\n\
                 type IntoFuture = crate::RequestFuture<'a, {out}>;\n\
                 #[inline]\n\
                 fn into_future(self) -> Self::IntoFuture {{\n\
                 crate::runtime::value(self.send())\n\
                 }}\n}}\n",
                feature = m.feature,
                b = m.builder,
                out = tokens(&m.output),
            ));
        }
        for b in &self.one_member_bodies {
            let m = &self.methods[&b.id];
            let ty = tokens(&b.target);
            let field = builder_method(&b.member);
            let doc = format!(
                "/// The body of [`client.{call}(..)`](crate::handles::{h}::{method}) from its one member, `{member}`.\n",
                call = m.place.call(),
                h = struct_name(&m.place.handle),
                method = m.place.method,
                member = b.member,
            );
            for (from, value) in [
                ("&str", "value.to_string()"),
                ("::std::string::String", "value"),
                ("&::std::string::String", "value.clone()"),
            ] {
                s.push_str(&format!(
                    "#[cfg(feature = {feature:?})]\n\
                     impl ::std::convert::From<{from}> for {ty} {{\n\
                     {doc}fn from(value: {from}) -> Self {{\n\
                     Self {{ {field}: {value}, extra: crate::Extra::default() }}\n\
                     }}\n}}\n",
                    feature = b.feature,
                ));
            }
        }
        let file = syn::parse_file(&s).context("parsing the generated handles")?;
        Ok(crate::codegen::progenitor::unparse(&file))
    }

    fn handle_source(&self, h: &str, e: &HandleEntry) -> Result<String> {
        let name = struct_name(h);
        let features = self.features(h);
        let cfg = cfg_predicate(&features);
        let reached = match h.rsplit_once('.') {
            None => format!("[`client.{h}()`](crate::Client::{h})"),
            Some((parent, last)) => format!(
                "`client.{}()` ([`{}::{last}`])",
                h.replace('.', "().").as_str(),
                struct_name(parent)
            ),
        };
        let feature_text = match features.as_slice() {
            [one] => format!("the `{one}` cargo feature"),
            many => format!(
                "any of the cargo features {}",
                many.iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut s = format!(
            "/// {doc}\n///\n/// Reached with {reached}; compiled with {feature_text}.\n///\n{example}#[cfg({cfg})]\n#[derive(Clone, Copy)]\npub struct {name}<'a> {{\n/// The client (crate code reaches other handles through it, e.g. a lookup over two resources).\npub(crate) client: &'a crate::Client,\n}}\n\n\
             #[cfg({cfg})]\nimpl ::std::fmt::Debug for {name}<'_> {{\nfn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n// The client holds credentials: the handle shows only its name.\nf.debug_struct({name:?}).finish_non_exhaustive()\n}}\n}}\n\n\
             #[cfg({cfg})]\nimpl<'a> {name}<'a> {{\n",
            doc = e.doc,
            example = doc_comment(&self.example(h)),
        );
        for child in self.children(h) {
            let ce = &self.table.handles[child];
            let last = child.rsplit('.').next().unwrap_or(child);
            let cname = struct_name(child);
            let child_features = self.features(child);
            let gate = if child_features == features {
                String::new()
            } else {
                format!("#[cfg({})]\n", cfg_predicate(&child_features))
            };
            s.push_str(&format!(
                "/// {doc}\n///\n/// See [`{cname}`].\n{gate}pub fn {last}(self) -> {cname}<'a> {{\n{cname} {{ client: self.client }}\n}}\n",
                doc = ce.doc,
            ));
        }
        for m in self.methods_of(h) {
            let gate = if features.len() == 1 {
                String::new()
            } else {
                format!("#[cfg(feature = {:?})]\n", m.feature)
            };
            let mut generics = Vec::new();
            let mut preds = Vec::new();
            let mut params = Vec::new();
            let mut call = format!("self.client.{}()", m.id);
            for a in &m.args {
                generics.push(a.generic.to_string());
                if let Some(w) = &a.generics.where_clause {
                    preds.extend(w.predicates.iter().map(tokens_of_pred));
                }
                for tp in a.generics.type_params() {
                    if !tp.bounds.is_empty() {
                        preds.push(format!("{}: {}", tp.ident, tokens_of_bounds(&tp.bounds)));
                    }
                }
                params.push(format!("{}: {}", a.param, a.generic));
                call.push_str(&format!(".{}({})", a.name, a.param));
            }
            let generics = if generics.is_empty() {
                String::new()
            } else {
                format!("<{}>", generics.join(", "))
            };
            let where_ = if preds.is_empty() {
                String::new()
            } else {
                format!("where {}", preds.join(", "))
            };
            let summary = if m.summary.is_empty() {
                String::new()
            } else {
                format!(": {}", m.summary.trim_end_matches('.'))
            };
            let args_doc = if m.args.is_empty() {
                String::new()
            } else {
                format!(
                    " Arguments: {}.",
                    m.args
                        .iter()
                        .map(|a| if a.param == a.name {
                            format!("`{}`", a.name)
                        } else {
                            format!(
                                "`{}` (its text converts into the body, [`{1}`](crate::types::{1}); a built body works too)",
                                a.param,
                                a.target.as_ref().map(|t| tokens(t).replace("crate::types::", "")).unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            // A plain operation's method returns the builder's `request()`, the others the builder.
            let (returns, returns_doc) = if m.plain {
                call.push_str(".request()");
                (
                    format!("crate::Request<'a, {}>", tokens(&m.output)),
                    "Returns the [`Request`](crate::Request): `.await` it for the result, or `.send()`\n/// it for the status and headers too.".to_string(),
                )
            } else {
                (
                    format!("crate::builder::{}<'a>", m.builder),
                    format!("Returns the request ([`{b}`](crate::builder::{b})): set its optional\n/// parameters, then `.await` it for the result, or `.send()` it for the status and headers too.", b = m.builder),
                )
            };
            s.push_str(&format!(
                "/// `{http} {path}`{summary}.\n///\n/// Operation `{id}`.{args_doc} {returns_doc}\n{gate}pub fn {method}{generics}(self{comma}{params}) -> {returns} {where_} {{\n{call}\n}}\n",
                http = m.http,
                path = m.path,
                id = m.id,
                method = m.place.method,
                comma = if params.is_empty() { "" } else { ", " },
                params = params.join(", "),
            ));
        }
        s.push_str("}\n\n");
        Ok(s)
    }
}

/// Counts the calls of `crate::runtime::request` (the one door every `send()` body ends in);
/// it changes nothing (syn's `visit-mut` is the walker the generator has).
struct DoorCalls(usize);
impl VisitMut for DoorCalls {
    fn visit_path_mut(&mut self, p: &mut syn::Path) {
        let names: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if names == ["crate", "runtime", "request"] {
            self.0 += 1;
        }
        syn::visit_mut::visit_path_mut(self, p);
    }
}

fn tokens_of_pred(p: &syn::WherePredicate) -> String {
    p.to_token_stream().to_string()
}

fn tokens_of_bounds(
    b: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::token::Plus>,
) -> String {
    b.to_token_stream().to_string()
}

fn doc_comment(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "///\n".to_string()
            } else {
                format!("/// {l}\n")
            }
        })
        .collect()
}

/// The generated file.
pub fn handles_file(plan: &Plan) -> Result<crate::files::GeneratedFile> {
    Ok(crate::files::GeneratedFile {
        path: HANDLES_FILE.into(),
        contents: plan.source()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_of(yaml: &str) -> Table {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    #[test]
    fn the_table_places_every_operation_exactly_once() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../close-sdk/src/generated/operations.rs"
        ))
        .unwrap();
        let ids: Vec<&str> = text
            .split("id: \"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(ids.len(), 292, "the operation table's ids");
        let table = table().unwrap();
        let places = assign(&table, &ids).unwrap();
        check_all_used(&table, &places).unwrap();
        assert_eq!(places.len(), ids.len());
        let distinct: BTreeSet<(&str, &str)> = places
            .values()
            .map(|p| (p.handle.as_str(), p.method.as_str()))
            .collect();
        assert_eq!(
            distinct.len(),
            ids.len(),
            "one (handle, method) per operation"
        );
        let at = |id: &str| places[id].call();
        assert_eq!(at("leads_get"), "leads().get");
        assert_eq!(at("activities_calls_list"), "activities().calls().list");
        assert_eq!(at("activities_list"), "activities().list");
        assert_eq!(
            at("custom_fields_lead_create"),
            "custom_fields().lead().create"
        );
        assert_eq!(at("bulk_actions_edit_get"), "bulk_actions().edit().get");
        assert_eq!(
            at("opportunity_statuses_list"),
            "opportunity_statuses().list"
        );
        assert_eq!(
            at("memberships_get_pinned_views"),
            "memberships().get_pinned_views"
        );
        assert_eq!(
            at("scheduling_links_list_shared"),
            "scheduling_links().shared().list"
        );
        assert_eq!(
            at("custom_field_schemas_get"),
            "custom_fields().schemas().get"
        );
    }

    #[test]
    fn an_operation_without_a_handle_is_named() {
        let t = table_of("handles:\n  leads:\n    doc: Leads.\n    prefix: leads_\n");
        let e = assign(&t, &["leads_get", "contacts_get"]).unwrap_err();
        assert!(
            e.to_string()
                .contains("`contacts_get` matches no handle prefix"),
            "{e}"
        );
    }

    #[test]
    fn a_clash_is_named() {
        let t = table_of(
            "handles:\n  leads:\n    doc: Leads.\n    prefix: leads_\noperations:\n  leads_fetch:\n    handle: leads\n    method: get\n    reason: r\n",
        );
        let e = assign(&t, &["leads_get", "leads_fetch"]).unwrap_err();
        assert!(e.to_string().contains("both become `leads.get`"), "{e}");
    }

    #[test]
    fn a_method_named_like_a_sub_handle_is_a_clash() {
        let t = table_of(
            "handles:\n  a:\n    doc: A.\n    prefix: a_\n  a.calls:\n    doc: C.\n    prefix: a_calls_\n",
        );
        let e = assign(&t, &["a_calls", "a_calls_list"]).unwrap_err();
        assert!(e.to_string().contains("sub-handle `a.calls`"), "{e}");
    }

    #[test]
    fn unused_entries_are_refused() {
        let t = table_of(
            "handles:\n  leads:\n    doc: Leads.\n    prefix: leads_\n  tasks:\n    doc: T.\n    prefix: tasks_\n",
        );
        let places = assign(&t, &["leads_get"]).unwrap();
        assert!(check_all_used(&t, &places).is_err());
        let t = table_of(
            "handles:\n  leads:\n    doc: Leads.\n    prefix: leads_\noperations:\n  nope:\n    handle: leads\n    method: x\n    reason: r\n",
        );
        let places = assign(&t, &["leads_get"]).unwrap();
        assert!(check_all_used(&t, &places).is_err());
    }

    #[test]
    fn a_one_member_body_is_checked_against_the_spec() {
        let spec = serde_json::json!({
            "paths": {"/group/{group_id}/member/": {"post": {
                "operationId": "groups_add_member",
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/AddGroupMember"}}}}
            }}},
            "components": {"schemas": {
                "AddGroupMember": {"type": "object", "required": ["user_id"],
                    "properties": {"user_id": {"type": "string"}}},
            }}
        });
        check_one_member_body(&spec, "groups_add_member", "user_id").unwrap();
        // Another member than the body's one.
        let e = check_one_member_body(&spec, "groups_add_member", "group_id").unwrap_err();
        assert!(e.to_string().contains("exactly one member"), "{e}");
        let mut two = spec.clone();
        two["components"]["schemas"]["AddGroupMember"]["properties"]["role"] =
            serde_json::json!({"type": "string"});
        assert!(check_one_member_body(&two, "groups_add_member", "user_id").is_err());
        let mut optional = spec.clone();
        optional["components"]["schemas"]["AddGroupMember"]["required"] = serde_json::json!([]);
        assert!(check_one_member_body(&optional, "groups_add_member", "user_id").is_err());
        let mut number = spec.clone();
        number["components"]["schemas"]["AddGroupMember"]["properties"]["user_id"] =
            serde_json::json!({"type": "integer"});
        assert!(check_one_member_body(&number, "groups_add_member", "user_id").is_err());
        assert!(check_one_member_body(&spec, "nope", "user_id").is_err());
    }

    #[test]
    fn the_longest_prefix_wins() {
        let t = table_of(
            "handles:\n  a:\n    doc: A.\n    prefix: a_\n  a.calls:\n    doc: C.\n    prefix: a_calls_\n",
        );
        let p = assign(&t, &["a_list", "a_calls_list"]).unwrap();
        assert_eq!(p["a_list"].call(), "a().list");
        assert_eq!(p["a_calls_list"].call(), "a().calls().list");
    }
}
