//! Spec drift fixtures: `tests/drift/base.yml` patched by each `tests/drift/cases/<case>.yml`
//! must give exactly the listed changes (severity, kind, pointer), not-covered operations and
//! overlay findings. Plus the pinned copy against itself, and where drift's own verdict differs.

use std::path::{Path, PathBuf};

use close_sdk_gen::drift::spec_diff::{self, ChangeKind, ClassifiedBy, Report, Severity};
use close_sdk_gen::openapi::json::parse_document;
use close_sdk_gen::openapi::overlay::Overlay;
use close_sdk_gen::openapi::upstream::Pinned;
use serde_json::{json, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/drift")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    parse_document(&text, &path.display().to_string()).unwrap()
}

fn base() -> Value {
    read(&fixtures().join("base.yml"))
}

fn fixture_overlay() -> Overlay {
    Overlay::load(&fixtures().join("overlay.yml")).unwrap()
}

fn label<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// Runs one case and checks the report against its expectations; returns the report.
fn run_case(name: &str) -> Report {
    let case = read(&fixtures().join("cases").join(format!("{name}.yml")));
    let patch: json_patch::Patch = serde_json::from_value(case["patch"].clone()).unwrap();
    let old = base();
    let mut new = old.clone();
    json_patch::patch(&mut new, &patch).unwrap();
    let report = spec_diff::diff_documents(&old, &new, &fixture_overlay()).unwrap();
    let context = format!("case {name}:\n{}", report.to_text());

    let mut got: Vec<(String, String, String)> = report
        .changes
        .iter()
        .map(|c| (label(&c.severity), label(&c.kind), c.pointer.clone()))
        .collect();
    let mut want: Vec<(String, String, String)> = case["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["severity"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
                c["pointer"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{context}");

    for c in case["changes"].as_array().unwrap() {
        if let Some(by) = c["classified_by"].as_str() {
            assert!(
                report
                    .changes
                    .iter()
                    .any(|r| r.pointer == c["pointer"] && label(&r.classified_by) == by),
                "{context}\nexpected {} to be classified by {by}",
                c["pointer"]
            );
        }
    }

    let got: Vec<(String, String)> = report
        .not_covered
        .iter()
        .map(|n| (label(&n.severity), n.operation.clone()))
        .collect();
    let want: Vec<(String, String)> = case["not_covered"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|n| {
                    (
                        n["severity"].as_str().unwrap().to_string(),
                        n["operation"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(got, want, "{context}");

    let got: Vec<(String, String, u64)> = report
        .overlay
        .iter()
        .map(|o| (label(&o.severity), label(&o.kind), o.correction as u64))
        .collect();
    let want: Vec<(String, String, u64)> = case["overlay"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|o| {
                    (
                        o["severity"].as_str().unwrap().to_string(),
                        o["kind"].as_str().unwrap().to_string(),
                        o["correction"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(got, want, "{context}");
    report
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run_case(stringify!($name)); })*

        #[test]
        fn every_case_file_has_a_test() {
            let mut files: Vec<String> = std::fs::read_dir(fixtures().join("cases"))
                .unwrap()
                .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            files.sort();
            let mut named = vec![$(stringify!($name).to_string()),*];
            named.sort();
            assert_eq!(files, named);
        }
    };
}

cases!(
    request_field_added,
    request_field_added_required,
    request_field_removed,
    response_field_added,
    response_field_removed,
    response_field_now_optional,
    response_field_now_nullable,
    type_changed,
    response_enum_value_added,
    response_enum_value_removed,
    request_enum_value_added,
    request_enum_value_removed,
    operation_added,
    operation_removed,
    parameter_added_optional,
    parameter_added_required,
    response_status_added,
    docs_only,
    overlay_covered_upstream,
    overlay_no_longer_applies,
);

#[test]
fn the_base_against_itself_has_no_changes() {
    let r = spec_diff::diff_documents(&base(), &base(), &fixture_overlay()).unwrap();
    assert!(r.is_empty(), "{}", r.to_text());
}

#[test]
fn docs_only_changes_pass_even_fail_on_any() {
    let r = run_case("docs_only");
    assert!(!r.fails(spec_diff::FailOn::Any));
    let r = run_case("request_field_added");
    assert!(r.fails(spec_diff::FailOn::Any));
    assert!(!r.fails(spec_diff::FailOn::Breaking));
    let r = run_case("response_enum_value_added");
    assert!(
        r.fails(spec_diff::FailOn::Breaking),
        "review counts as breaking"
    );
}

fn normalised(mut doc: Value) -> Value {
    close_sdk_gen::openapi::normalize::to_openapi_3_0(&mut doc).unwrap();
    doc
}

/// Why close-sdk-gen classifies schema changes itself: for a new required request property,
/// drift 0.2.0 only says `Unhandled`, without naming the property.
#[test]
fn drift_alone_leaves_a_new_required_request_field_unhandled() {
    let old = base();
    let mut new = old.clone();
    let patch: json_patch::Patch = serde_json::from_value(json!([
        { "op": "add", "path": "/components/schemas/CreateMembership/properties/team_id", "value": { "type": "string" } },
        { "op": "add", "path": "/components/schemas/CreateMembership/required/-", "value": "team_id" }
    ]))
    .unwrap();
    json_patch::patch(&mut new, &patch).unwrap();
    let changes = drift::compare(&normalised(old), &normalised(new)).unwrap();
    let classes: Vec<drift::ChangeClass> = changes
        .iter()
        .flat_map(|c| c.changes.iter().map(|i| i.class))
        .collect();
    assert!(!classes.is_empty());
    assert!(
        classes.iter().all(|c| *c == drift::ChangeClass::Unhandled),
        "{classes:?}"
    );
    // …which the report turns into one breaking change, classified by close-sdk-gen.
    let r = run_case("request_field_added_required");
    assert_eq!(r.changes[0].classified_by, ClassifiedBy::CloseSdkGen);
    assert!(
        r.changes[0].message.contains("team_id"),
        "{}",
        r.changes[0].message
    );
}

/// A schema-level difference that close-sdk-gen's comparison does not look at (`not`) is still
/// reported, from drift's finding, rather than lost.
#[test]
fn what_only_drift_sees_is_kept_as_unclassified() {
    let mut old = base();
    old["components"]["schemas"]["Membership"]["properties"]["code"] =
        json!({ "not": { "type": "string" } });
    let mut new = old.clone();
    new["components"]["schemas"]["Membership"]["properties"]["code"] =
        json!({ "not": { "type": "integer" } });
    let r = spec_diff::diff_documents(&old, &new, &fixture_overlay()).unwrap();
    assert_eq!(r.changes.len(), 1, "{}", r.to_text());
    let c = &r.changes[0];
    assert_eq!(c.kind, ChangeKind::Unclassified);
    assert_eq!(c.classified_by, ClassifiedBy::Drift);
    assert_eq!(c.severity, Severity::Breaking, "drift says Incompatible");
    assert!(c
        .pointer
        .starts_with("/components/schemas/Membership/properties/code"));
}

/// Renaming a path parameter changes nothing on the wire; an operationId change renames the
/// generated method.
#[test]
fn an_operation_id_change_is_breaking() {
    let old = base();
    let mut new = old.clone();
    new["paths"]["/membership/{id}/"]["get"]["operationId"] = json!("memberships_retrieve");
    let r = spec_diff::diff_documents(&old, &new, &fixture_overlay()).unwrap();
    let kinds: Vec<ChangeKind> = r.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::OperationRenamed], "{}", r.to_text());
    assert_eq!(r.changes[0].severity, Severity::Breaking);
}

/// A covered operationId that moves to another route is one breaking move, not a removal plus
/// an addition.
#[test]
fn an_operation_moved_to_another_route_is_one_breaking_move() {
    let old = base();
    let mut new = old.clone();
    let op = new["paths"]["/membership/{id}/"]
        .as_object_mut()
        .unwrap()
        .remove("delete")
        .unwrap();
    new["paths"]["/memberships/{id}/"] = json!({ "delete": op });
    let r = spec_diff::diff_documents(&old, &new, &fixture_overlay()).unwrap();
    let kinds: Vec<ChangeKind> = r.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::OperationMoved], "{}", r.to_text());
    assert_eq!(r.changes[0].severity, Severity::Breaking);
    assert!(r.not_covered.is_empty());
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// What CI checks: each pinned upstream file, given as the "new" document, is clean.
#[test]
fn each_pinned_copy_against_the_pinned_copy_gives_no_changes() {
    let root = repo_root();
    let pinned = Pinned::load(&root.join("openapi/upstream")).unwrap();
    let overlay = Overlay::load(&root.join("openapi/overlay.yaml")).unwrap();
    for (name, doc) in &pinned.documents {
        let r = spec_diff::diff(&pinned, doc, &overlay).unwrap();
        assert!(r.is_empty(), "{name}:\n{}", r.to_text());
        assert!(!r.fails(spec_diff::FailOn::Any));
    }
}

/// The operations Close's per-tag extracts describe and its whole document lacks: listed by
/// every `spec diff` against the whole document (here, itself), never as a failure.
#[test]
fn operations_only_in_the_pinned_extracts_are_listed() {
    let root = repo_root();
    let pinned = Pinned::load(&root.join("openapi/upstream")).unwrap();
    let overlay = Overlay::load(&root.join("openapi/overlay.yaml")).unwrap();
    let doc = pinned.merged().unwrap();
    let r = spec_diff::diff(&pinned, &doc, &overlay).unwrap();
    assert!(r.is_empty() && !r.fails(spec_diff::FailOn::Any));
    let got: Vec<String> = r
        .extract_only
        .iter()
        .map(|e| format!("{} {} {} {}", e.method, e.path, e.operation, e.extract))
        .collect();
    let want = [
        "GET /activity/import_update/ activities.import_updates_list examples/close-activities-import-updates-api-openapi.yml",
        "GET /activity/import_update/{id}/ activities.import_updates_get examples/close-activities-import-updates-api-openapi.yml",
        "DELETE /activity/import_update/{id}/ activities.import_updates_delete examples/close-activities-import-updates-api-openapi.yml",
        "GET /export/lead/ exports_list_lead examples/close-exports-api-openapi.yml",
        "GET /export/lead/{id}/ exports_get_lead examples/close-exports-api-openapi.yml",
        "GET /export/opportunity/ exports_list_opportunity examples/close-exports-api-openapi.yml",
        "GET /export/opportunity/{id}/ exports_get_opportunity examples/close-exports-api-openapi.yml",
        "GET /form/ forms_list examples/close-forms-api-openapi.yml",
        "GET /form/{id}/ forms_fetch examples/close-forms-api-openapi.yml",
        "DELETE /membership/{id}/ memberships_delete examples/close-memberships-api-openapi.yml",
        "GET /pipeline/{id}/ pipelines_get examples/close-pipelines-api-openapi.yml",
        "DELETE /sequence_subscription/{id}/ sequences_delete_subscription examples/close-sequences-api-openapi.yml",
        "GET /status/lead/{id}/ lead_statuses_get examples/close-lead-statuses-api-openapi.yml",
        "GET /status/opportunity/{id}/ opportunity_statuses_get examples/close-opportunity-statuses-api-openapi.yml",
    ];
    assert_eq!(got, want, "{}", r.to_text());
    // The one the overlay adds (so the SDK has it) says so.
    let overlaid: Vec<&str> = r
        .extract_only
        .iter()
        .filter(|e| e.in_overlay)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(overlaid, ["/membership/{id}/"]);
    assert!(r
        .to_text()
        .contains("Delete a membership (openapi/overlay.yaml adds it)"));
    // The five the generator adopts from their extracts (close-sdk-gen/src/openapi/adopted.rs) are
    // generated, not missing; the other eight are missing from the SDK.
    let generated: Vec<String> = r
        .extract_only
        .iter()
        .filter(|e| e.generated)
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    assert_eq!(
        generated,
        [
            "GET /activity/import_update/",
            "GET /activity/import_update/{id}/",
            "DELETE /activity/import_update/{id}/",
            "GET /form/",
            "GET /form/{id}/",
        ]
    );
    let text = r.to_text();
    assert!(
        text.contains("GET    /form/ forms_list (examples/close-forms-api-openapi.yml): in an extract, not in the whole document: List Forms (generated: close-sdk-gen adopts it from the extract)"),
        "{text}"
    );
    assert_eq!(text.matches("(missing from the SDK)").count(), 8, "{text}");
    // Once Close's whole document has an operation, it is "not covered" instead.
    let mut live = doc.clone();
    live["paths"]["/form/"] = json!({"get": {"operationId": "list", "summary": "List forms",
        "tags": ["subpackage_forms"], "responses": {"200": {"description": "ok"}}}});
    let r = spec_diff::diff(&pinned, &live, &overlay).unwrap();
    assert_eq!(r.not_covered.len(), 1, "{}", r.to_text());
    assert_eq!(r.not_covered[0].path, "/form/");
    assert!(
        r.not_covered[0]
            .message
            .contains("remove its entry from ADOPTED"),
        "{}",
        r.to_text()
    );
    assert_eq!(r.extract_only.len(), want.len() - 1);
    assert!(r.extract_only.iter().all(|e| e.path != "/form/"));
}

/// A live document with an operation the pinned one lacks lists it as not covered, and every
/// covered operation (all of the pinned document's) stays clean.
#[test]
fn operations_outside_the_sdk_are_listed_as_not_covered() {
    let root = repo_root();
    let pinned = Pinned::load(&root.join("openapi/upstream")).unwrap();
    let overlay = Overlay::load(&root.join("openapi/overlay.yaml")).unwrap();
    let mut full = pinned.merged().unwrap();
    full["paths"]["/territory/"] = json!({"get": {"operationId": "list", "summary": "List territories",
        "tags": ["subpackage_territories"], "responses": {"200": {"description": "ok"}}}});
    let r = spec_diff::diff(&pinned, &full, &overlay).unwrap();
    assert!(
        r.changes.is_empty() && r.overlay.is_empty(),
        "{}",
        r.to_text()
    );
    assert_eq!(r.not_covered.len(), 1);
    assert_eq!(r.not_covered[0].operation, "list");
    assert_eq!(r.not_covered[0].pointer, "/paths/~1territory~1/get");
}

/// `spec diff` against Close's document covers every operation: all of the pinned document's
/// 286 operations are in scope (none is reported as not covered when compared with itself).
#[test]
fn every_operation_of_the_document_is_in_scope() {
    let root = repo_root();
    let pinned = Pinned::load(&root.join("openapi/upstream")).unwrap();
    let doc = pinned.merged().unwrap();
    assert_eq!(spec_diff::operations(&doc).len(), 286);
    let overlay = Overlay::load(&root.join("openapi/overlay.yaml")).unwrap();
    let mut live = doc.clone();
    // A change to an operation of a resource the SDK did not cover before the whole document.
    live["paths"]["/lead/"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "_new_filter", "in": "query", "required": true, "schema": {"type": "string"}}));
    let r = spec_diff::diff(&pinned, &live, &overlay).unwrap();
    assert!(r.not_covered.is_empty(), "{}", r.to_text());
    assert!(
        r.changes
            .iter()
            .any(|c| c.pointer.starts_with("/paths/~1lead~1/get")),
        "{}",
        r.to_text()
    );
    assert!(r.fails(spec_diff::FailOn::Breaking), "{}", r.to_text());
}
