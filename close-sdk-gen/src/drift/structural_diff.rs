//! close-sdk-gen's own comparison of two normalised (OpenAPI 3.0) documents, below the operation
//! level: parameter and body schemas, media types, response schemas, and documentation.
//!
//! drift 0.2.0 classifies operations, parameters, bodies and statuses well (see
//! [`crate::drift::spec_diff`]), but inside schemas it mostly says `Unhandled`: "object properties
//! changed", "object required properties changed", "string schema changed" (which is how an enum
//! value added or removed comes out), without naming the property or value. It also panics when
//! a response gains a schema. This module classifies those itself, from the point of view of a
//! client built from the old document:
//!
//! | change | in a request (the SDK sends it) | in a response (the SDK decodes it) |
//! |---|---|---|
//! | property added | additive; **breaking** if required | additive; review if the old schema had `additionalProperties: false` |
//! | property removed | breaking | breaking |
//! | property made required / optional | breaking / additive | additive / breaking |
//! | type changed | breaking | breaking |
//! | format changed | review | review |
//! | nullable added / removed | additive / breaking | breaking / additive |
//! | enum value added / removed | additive / breaking | **review** / additive |
//! | constraint tightened / loosened | breaking / additive | additive / review |
//! | deprecated, default, readOnly, writeOnly, discriminator | review | review |
//! | description, title, example, externalDocs, `x-` extensions | docs | docs |
//!
//! Every walk is bounded: `$ref` chains by [`MAX_REF_HOPS`], nesting by [`MAX_DEPTH`], and each
//! (old, new) schema pair is compared once per direction.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::drift::change::{escape, Change, ChangeKind, Severity};

/// The longest `$ref` chain followed.
pub const MAX_REF_HOPS: usize = 32;
/// The deepest schema nesting compared.
pub const MAX_DEPTH: usize = 64;

/// Which way a schema travels, seen from the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// The SDK sends it (parameters, request bodies).
    Request,
    /// The SDK decodes it (responses).
    Response,
}

impl Direction {
    fn pick(self, request: Severity, response: Severity) -> Severity {
        match self {
            Direction::Request => request,
            Direction::Response => response,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// Keys that only document a schema.
const DOC_KEYS: [&str; 5] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
];
/// Keys that change behaviour in ways a machine cannot judge.
const REVIEW_KEYS: [&str; 5] = [
    "deprecated",
    "default",
    "readOnly",
    "writeOnly",
    "discriminator",
];
/// Constraints where a larger value is stricter.
const LOWER_BOUNDS: [&str; 5] = [
    "minLength",
    "minimum",
    "minItems",
    "minProperties",
    "multipleOf",
];
/// Constraints where a smaller value is stricter.
const UPPER_BOUNDS: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];
/// Constraints where any change is stricter for some values (and `true` is stricter than absent).
const OTHER_CONSTRAINTS: [&str; 4] = [
    "pattern",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
];

/// Compares one operation (`old_op` in `old`, `new_op` in `new`, both JSON pointers) below the
/// operation level. Operation ids are filled in by the caller.
pub fn compare_operation(old: &Value, new: &Value, old_op: &str, new_op: &str) -> Vec<Change> {
    let mut w = Walk {
        old,
        new,
        out: Vec::new(),
        seen: BTreeSet::new(),
    };
    let (Some(o), Some(n)) = (old.pointer(old_op), new.pointer(new_op)) else {
        return w.out;
    };
    let (o_id, n_id) = (o.get("operationId"), n.get("operationId"));
    if o_id != n_id {
        w.push(
            Severity::Breaking,
            ChangeKind::OperationRenamed,
            new_op,
            format!(
                "operationId changed from {} to {}: the generated method is renamed",
                show(o_id),
                show(n_id)
            ),
        );
    }
    w.docs(
        o,
        n,
        new_op,
        &["summary", "description", "externalDocs", "tags"],
    );
    if o.get("deprecated") != n.get("deprecated") {
        w.push(
            Severity::Review,
            ChangeKind::OperationDeprecated,
            new_op,
            format!(
                "deprecated changed from {} to {}",
                show(o.get("deprecated")),
                show(n.get("deprecated"))
            ),
        );
    }
    w.parameters(old_op, new_op);
    let (ob, nb) = (o.get("requestBody"), n.get("requestBody"));
    if let (Some(ob), Some(nb)) = (ob, nb) {
        let (ob, obp) = resolve(old, ob, &format!("{old_op}/requestBody"));
        let (nb, nbp) = resolve(new, nb, &format!("{new_op}/requestBody"));
        w.content(ob, &obp, nb, &nbp, Direction::Request);
    }
    let empty = Map::new();
    let o_resp = o
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let n_resp = n
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (status, or) in o_resp {
        let Some(nr) = n_resp.get(status) else {
            continue;
        };
        let seg = escape(status);
        let (or, orp) = resolve(old, or, &format!("{old_op}/responses/{seg}"));
        let (nr, nrp) = resolve(new, nr, &format!("{new_op}/responses/{seg}"));
        w.docs(or, nr, &nrp, &["description"]);
        w.content(or, &orp, nr, &nrp, Direction::Response);
    }
    w.out
}

struct Walk<'a> {
    old: &'a Value,
    new: &'a Value,
    out: Vec<Change>,
    seen: BTreeSet<(String, String, Direction)>,
}

impl<'a> Walk<'a> {
    fn push(&mut self, severity: Severity, kind: ChangeKind, pointer: &str, message: String) {
        self.out.push(Change::own(severity, kind, pointer, message));
    }

    /// One docs change listing which of `keys` differ.
    fn docs(&mut self, o: &Value, n: &Value, pointer: &str, keys: &[&str]) {
        let mut changed: Vec<String> = keys
            .iter()
            .filter(|k| o.get(**k) != n.get(**k))
            .map(|k| k.to_string())
            .collect();
        let ext = |v: &Value| -> Vec<(String, Value)> {
            v.as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, _)| k.starts_with("x-"))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        if ext(o) != ext(n) {
            changed.push("x- extensions".into());
        }
        if !changed.is_empty() {
            self.push(
                Severity::Docs,
                ChangeKind::Docs,
                pointer,
                format!("{} changed", changed.join(", ")),
            );
        }
    }

    /// Parameters present on both sides (path-level and operation-level), matched by location
    /// and name; path parameters by position in the route, since their names do not travel.
    fn parameters(&mut self, old_op: &str, new_op: &str) {
        let o = params(self.old, old_op);
        let n = params(self.new, new_op);
        for (key, (op, optr)) in &o {
            let Some((np, nptr)) = n.iter().find(|(k, _)| k == key).map(|(_, v)| v) else {
                continue;
            };
            self.docs(op, np, nptr, &["description", "example", "examples"]);
            if op.get("deprecated") != np.get("deprecated") {
                self.push(
                    Severity::Review,
                    ChangeKind::Deprecated,
                    nptr,
                    format!("parameter `{}`: deprecated changed", key.1),
                );
            }
            for flag in ["style", "explode", "allowEmptyValue", "allowReserved"] {
                if op.get(flag) != np.get(flag) {
                    self.push(
                        Severity::Review,
                        ChangeKind::ParameterChanged,
                        nptr,
                        format!("parameter `{}`: {flag} changed", key.1),
                    );
                }
            }
            if let (Some(os), Some(ns)) = (op.get("schema"), np.get("schema")) {
                self.schema(
                    os,
                    &format!("{optr}/schema"),
                    ns,
                    &format!("{nptr}/schema"),
                    Direction::Request,
                    0,
                );
            }
        }
    }

    /// Media types of a request body or response, and their schemas.
    fn content(&mut self, o: &Value, optr: &str, n: &Value, nptr: &str, dir: Direction) {
        let empty = Map::new();
        let oc = o
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let nc = n
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for mime in oc.keys().filter(|m| !nc.contains_key(*m)) {
            // The SDK sends (or expects) this media type; the API no longer documents it.
            self.push(
                Severity::Breaking,
                ChangeKind::MediaTypeRemoved,
                &format!("{nptr}/content/{}", escape(mime)),
                format!("{} media type {mime} removed", dir.noun()),
            );
        }
        for mime in nc.keys().filter(|m| !oc.contains_key(*m)) {
            self.push(
                Severity::Additive,
                ChangeKind::MediaTypeAdded,
                &format!("{nptr}/content/{}", escape(mime)),
                format!("{} media type {mime} added", dir.noun()),
            );
        }
        for (mime, om) in oc {
            let Some(nm) = nc.get(mime) else {
                continue;
            };
            let omp = format!("{optr}/content/{}", escape(mime));
            let nmp = format!("{nptr}/content/{}", escape(mime));
            self.docs(om, nm, &nmp, &["example", "examples"]);
            match (om.get("schema"), nm.get("schema"), dir) {
                (Some(os), Some(ns), _) => {
                    self.schema(
                        os,
                        &format!("{omp}/schema"),
                        ns,
                        &format!("{nmp}/schema"),
                        dir,
                        0,
                    );
                }
                (None, None, _) => {}
                (None, Some(_), Direction::Response) => self.push(
                    Severity::Additive,
                    ChangeKind::ResponseSchemaAdded,
                    &format!("{nmp}/schema"),
                    format!("upstream now publishes a response schema for {mime}"),
                ),
                (Some(_), None, Direction::Response) => self.push(
                    Severity::Review,
                    ChangeKind::ResponseSchemaRemoved,
                    &format!("{nmp}/schema"),
                    format!("upstream no longer publishes a response schema for {mime}"),
                ),
                (_, _, Direction::Request) => self.push(
                    Severity::Review,
                    ChangeKind::RequestSchemaChanged,
                    &format!("{nmp}/schema"),
                    format!("request schema for {mime} added or removed"),
                ),
            }
        }
    }

    /// Compares two schemas (each possibly a `$ref`) and everything below them.
    fn schema(
        &mut self,
        o: &Value,
        optr: &str,
        n: &Value,
        nptr: &str,
        dir: Direction,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (o, optr) = resolve(self.old, o, optr);
        let (n, nptr) = resolve(self.new, n, nptr);
        // No shortcut on `o == n`: equal text can hold `$ref`s whose targets changed.
        if !self.seen.insert((optr.clone(), nptr.clone(), dir)) {
            return;
        }
        let (optr, nptr) = (optr.as_str(), nptr.as_str());

        self.docs(o, n, nptr, &DOC_KEYS);
        for key in REVIEW_KEYS {
            if o.get(key) != n.get(key) {
                let kind = match key {
                    "deprecated" => ChangeKind::Deprecated,
                    "default" => ChangeKind::DefaultChanged,
                    _ => ChangeKind::CompositionChanged,
                };
                self.push(
                    Severity::Review,
                    kind,
                    nptr,
                    format!(
                        "{key} changed from {} to {}",
                        show(o.get(key)),
                        show(n.get(key))
                    ),
                );
            }
        }

        let (on, nn) = (is_nullable(self.old, o), is_nullable(self.new, n));
        if on != nn {
            let (sev, what) = if nn {
                (dir.pick(Severity::Additive, Severity::Breaking), "now")
            } else {
                (
                    dir.pick(Severity::Breaking, Severity::Additive),
                    "no longer",
                )
            };
            self.push(
                sev,
                ChangeKind::NullableChanged,
                nptr,
                format!("{} value is {what} nullable", dir.noun()),
            );
        }

        // `allOf: [one]` (how normalisation spells a nullable `$ref`) is its member.
        let (ou, oup) = single_all_of(self.old, o, optr);
        let (nu, nup) = single_all_of(self.new, n, nptr);
        if oup != optr || nup != nptr {
            let (oup, nup) = (oup.clone(), nup.clone());
            self.structure(ou, &oup, nu, &nup, dir, depth + 1);
            return;
        }
        self.structure(o, optr, n, nptr, dir, depth);
    }

    /// Type, format, enum, constraints, properties, items and compositions.
    fn structure(
        &mut self,
        o: &Value,
        optr: &str,
        n: &Value,
        nptr: &str,
        dir: Direction,
        depth: usize,
    ) {
        let (ot, nt) = (type_of(o), type_of(n));
        if ot != nt {
            let (sev, kind) = if ot.is_some() && nt.is_some() {
                (Severity::Breaking, ChangeKind::TypeChanged)
            } else {
                (Severity::Review, ChangeKind::CompositionChanged)
            };
            self.push(
                sev,
                kind,
                nptr,
                format!(
                    "{} type changed from {} to {}",
                    dir.noun(),
                    ot.unwrap_or("(untyped)"),
                    nt.unwrap_or("(untyped)")
                ),
            );
            return;
        }
        if o.get("format") != n.get("format") {
            self.push(
                Severity::Review,
                ChangeKind::FormatChanged,
                nptr,
                format!(
                    "{} format changed from {} to {}: the generated Rust type may change",
                    dir.noun(),
                    show(o.get("format")),
                    show(n.get("format"))
                ),
            );
        }
        self.enumeration(o, n, nptr, dir);
        self.constraints(o, n, nptr, dir);
        self.object(o, optr, n, nptr, dir, depth);
        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.schema(
                oi,
                &format!("{optr}/items"),
                ni,
                &format!("{nptr}/items"),
                dir,
                depth + 1,
            );
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            match (
                o.get(key).and_then(Value::as_array),
                n.get(key).and_then(Value::as_array),
            ) {
                (None, None) => {}
                (Some(a), Some(b)) if a.len() == b.len() => {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        self.schema(
                            x,
                            &format!("{optr}/{key}/{i}"),
                            y,
                            &format!("{nptr}/{key}/{i}"),
                            dir,
                            depth + 1,
                        );
                    }
                }
                (a, b) => self.push(
                    Severity::Review,
                    ChangeKind::CompositionChanged,
                    nptr,
                    format!(
                        "{key} changed from {} to {} members",
                        a.map_or(0, Vec::len),
                        b.map_or(0, Vec::len)
                    ),
                ),
            }
        }
    }

    fn enumeration(&mut self, o: &Value, n: &Value, nptr: &str, dir: Direction) {
        let (oe, ne) = (
            o.get("enum").and_then(Value::as_array),
            n.get("enum").and_then(Value::as_array),
        );
        let at = format!("{nptr}/enum");
        match (oe, ne) {
            (None, None) => {}
            (None, Some(_)) => self.push(
                dir.pick(Severity::Breaking, Severity::Additive),
                ChangeKind::EnumAdded,
                &at,
                format!("{} value is now restricted to an enum", dir.noun()),
            ),
            (Some(_), None) => self.push(
                dir.pick(Severity::Additive, Severity::Review),
                ChangeKind::EnumRemoved,
                &at,
                format!(
                    "{} value is no longer restricted to an enum{}",
                    dir.noun(),
                    if dir == Direction::Response {
                        ": the SDK's enum may not decode new values"
                    } else {
                        ""
                    }
                ),
            ),
            (Some(oe), Some(ne)) => {
                for v in ne.iter().filter(|v| !oe.contains(v)) {
                    let (sev, why) = match dir {
                        Direction::Request => (Severity::Additive, ""),
                        Direction::Response => (
                            Severity::Review,
                            ": the SDK may fail to decode it unless the type is open",
                        ),
                    };
                    self.push(
                        sev,
                        ChangeKind::EnumValueAdded,
                        &at,
                        format!("{} enum value {v} added{why}", dir.noun()),
                    );
                }
                for v in oe.iter().filter(|v| !ne.contains(v)) {
                    let (sev, why) = match dir {
                        Direction::Request => (Severity::Breaking, ": the SDK can still send it"),
                        Direction::Response => (Severity::Additive, ""),
                    };
                    self.push(
                        sev,
                        ChangeKind::EnumValueRemoved,
                        &at,
                        format!("{} enum value {v} removed{why}", dir.noun()),
                    );
                }
            }
        }
    }

    fn constraints(&mut self, o: &Value, n: &Value, nptr: &str, dir: Direction) {
        let mut check = |key: &str, stricter: Option<bool>| {
            let Some(stricter) = stricter else { return };
            let sev = if stricter {
                dir.pick(Severity::Breaking, Severity::Additive)
            } else {
                dir.pick(Severity::Additive, Severity::Review)
            };
            self.push(
                sev,
                ChangeKind::ConstraintChanged,
                nptr,
                format!(
                    "{} {key} changed from {} to {} ({})",
                    dir.noun(),
                    show(o.get(key)),
                    show(n.get(key)),
                    if stricter { "stricter" } else { "looser" }
                ),
            );
        };
        for key in LOWER_BOUNDS {
            check(key, compare_bound(o.get(key), n.get(key), |a, b| b > a));
        }
        for key in UPPER_BOUNDS {
            check(key, compare_bound(o.get(key), n.get(key), |a, b| b < a));
        }
        for key in OTHER_CONSTRAINTS {
            let (a, b) = (o.get(key), n.get(key));
            if a != b {
                let looser = b.is_none() || b == Some(&Value::Bool(false));
                check(key, Some(!looser));
            }
        }
    }

    fn object(
        &mut self,
        o: &Value,
        optr: &str,
        n: &Value,
        nptr: &str,
        dir: Direction,
        depth: usize,
    ) {
        let empty = Map::new();
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let np = n
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let (or, nr) = (required(o), required(n));
        let closed = o.get("additionalProperties") == Some(&Value::Bool(false));
        for name in np.keys().filter(|k| !op.contains_key(*k)) {
            let at = format!("{nptr}/properties/{}", escape(name));
            let req = nr.contains(name.as_str());
            let (sev, why) = match dir {
                Direction::Request if req => (
                    Severity::Breaking,
                    "required request property `{}` added: the SDK does not send it",
                ),
                Direction::Request => (Severity::Additive, "optional request property `{}` added"),
                Direction::Response if closed => (
                    Severity::Review,
                    "response property `{}` added, but the old schema had additionalProperties: false (unknown fields may fail to decode)",
                ),
                Direction::Response => (Severity::Additive, "response property `{}` added"),
            };
            self.push(sev, ChangeKind::PropertyAdded, &at, why.replace("{}", name));
        }
        for name in op.keys().filter(|k| !np.contains_key(*k)) {
            let at = format!("{nptr}/properties/{}", escape(name));
            let why = match dir {
                Direction::Request => "the SDK can still send it",
                Direction::Response => "the SDK still expects it",
            };
            self.push(
                Severity::Breaking,
                ChangeKind::PropertyRemoved,
                &at,
                format!("{} property `{name}` removed: {why}", dir.noun()),
            );
        }
        for (name, os) in op {
            let Some(ns) = np.get(name) else {
                continue;
            };
            let seg = escape(name);
            let at = format!("{nptr}/properties/{seg}");
            match (or.contains(name.as_str()), nr.contains(name.as_str())) {
                (false, true) => self.push(
                    dir.pick(Severity::Breaking, Severity::Additive),
                    ChangeKind::PropertyRequired,
                    &at,
                    format!("{} property `{name}` is now required", dir.noun()),
                ),
                (true, false) => self.push(
                    dir.pick(Severity::Additive, Severity::Breaking),
                    ChangeKind::PropertyOptional,
                    &at,
                    format!("{} property `{name}` is no longer required", dir.noun()),
                ),
                _ => {}
            }
            self.schema(
                os,
                &format!("{optr}/properties/{seg}"),
                ns,
                &at,
                dir,
                depth + 1,
            );
        }
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) => self.schema(
                a,
                &format!("{optr}/additionalProperties"),
                b,
                &format!("{nptr}/additionalProperties"),
                dir,
                depth + 1,
            ),
            (a, b) if a != b => self.push(
                Severity::Review,
                ChangeKind::AdditionalPropertiesChanged,
                nptr,
                format!(
                    "additionalProperties changed from {} to {}",
                    show(a),
                    show(b)
                ),
            ),
            _ => {}
        }
    }
}

/// Follows `$ref`s inside `doc`, returning the target and its pointer.
fn resolve<'d>(doc: &'d Value, v: &'d Value, ptr: &str) -> (&'d Value, String) {
    let mut cur = v;
    let mut at = ptr.to_string();
    for _ in 0..MAX_REF_HOPS {
        let Some(r) = cur.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = r.strip_prefix('#').and_then(|t| doc.pointer(t)) else {
            break;
        };
        cur = target;
        at = r.trim_start_matches('#').to_string();
    }
    (cur, at)
}

/// `{allOf: [x]}` with nothing structural beside it is `x` (resolved).
fn single_all_of<'d>(doc: &'d Value, v: &'d Value, ptr: &str) -> (&'d Value, String) {
    match v.get("allOf").and_then(Value::as_array) {
        Some(members) if members.len() == 1 && type_of(v).is_none() && v.get("enum").is_none() => {
            resolve(doc, &members[0], &format!("{ptr}/allOf/0"))
        }
        _ => (v, ptr.to_string()),
    }
}

fn is_nullable(doc: &Value, v: &Value) -> bool {
    if v.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    let (inner, _) = single_all_of(doc, v, "");
    !std::ptr::eq(inner, v) && inner.get("nullable") == Some(&Value::Bool(true))
}

fn type_of(v: &Value) -> Option<&str> {
    match v.get("type").and_then(Value::as_str) {
        Some(t) => Some(t),
        None if v.get("properties").is_some() => Some("object"),
        None if v.get("items").is_some() => Some("array"),
        None => None,
    }
}

fn required(v: &Value) -> BTreeSet<&str> {
    v.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `Some(true)` when the bound got stricter, `Some(false)` looser, `None` unchanged.
fn compare_bound(
    a: Option<&Value>,
    b: Option<&Value>,
    stricter: fn(f64, f64) -> bool,
) -> Option<bool> {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (None, None) => None,
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(x), Some(y)) if x == y => None,
        (Some(x), Some(y)) => Some(stricter(x, y)),
    }
}

/// A parameter: its (location, name) key, the resolved parameter object and its pointer.
type Param<'d> = ((String, String), (&'d Value, String));

/// Parameters of an operation (path-level first), keyed by (location, name) — path parameters
/// by their position in the route — with their pointers.
fn params<'d>(doc: &'d Value, op_ptr: &str) -> Vec<Param<'d>> {
    let Some((item_ptr, _method)) = op_ptr.rsplit_once('/') else {
        return Vec::new();
    };
    let route = item_ptr
        .rsplit('/')
        .next()
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .unwrap_or_default();
    let route_params: Vec<&str> = route
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    let mut out: Vec<Param<'d>> = Vec::new();
    for base in [item_ptr.to_string(), op_ptr.to_string()] {
        let list = doc
            .pointer(&format!("{base}/parameters"))
            .and_then(Value::as_array);
        for (i, p) in list.into_iter().flatten().enumerate() {
            let (p, ptr) = resolve(doc, p, &format!("{base}/parameters/{i}"));
            let loc = p
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let key_name = if loc == "path" {
                route_params
                    .iter()
                    .position(|r| *r == name)
                    .map_or(name.clone(), |i| format!("#{i}"))
            } else {
                name
            };
            let key = (loc, key_name);
            // Operation-level parameters override path-level ones of the same key.
            out.retain(|(k, _)| *k != key);
            out.push((key, (p, ptr)));
        }
    }
    out
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}
