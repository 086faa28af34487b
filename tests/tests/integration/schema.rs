//! JSON Schemas of the SDK's types agree with the effective spec.

use close_sdk::Role;
use serde_json::Value;

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/close.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn role_schema_matches_the_spec_role_id() {
    let spec = spec();
    let spec_schema = &spec["components"]["schemas"]["RoleId"];
    let ours = serde_json::to_value(schemars::schema_for!(Role)).unwrap();
    assert_eq!(ours["type"], spec_schema["type"]);
    assert_eq!(ours["minLength"], spec_schema["minLength"]);
    // Every value Role's schema allows is one the spec allows; the spec's examples parse.
    for example in [
        "admin",
        "superuser",
        "user",
        "restricteduser",
        "role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p",
    ] {
        assert!(example.parse::<Role>().is_ok(), "{example}");
    }
    // The create and update bodies both use it.
    for schema in [
        "CreateMembership",
        "UpdateMembership",
        "BulkUpdateMemberships",
    ] {
        assert_eq!(
            spec["components"]["schemas"][schema]["properties"]["role_id"]["$ref"],
            "#/components/schemas/RoleId",
            "{schema}"
        );
    }
}

#[test]
fn generated_types_emit_json_schemas() {
    let s = serde_json::to_value(schemars::schema_for!(close_sdk::types::Membership)).unwrap();
    // A response type: every member optional (`_fields` may leave any out), unknown members
    // kept (`extra`, flattened: additional properties).
    assert!(s.get("required").is_none(), "{s}");
    assert_eq!(s["properties"].as_object().unwrap().len(), 15);
    let create =
        serde_json::to_value(schemars::schema_for!(close_sdk::types::CreateMembership)).unwrap();
    assert!(
        create["definitions"]["EmailAddress"]["format"] == "email",
        "{create}"
    );
}

#[test]
fn effective_spec_is_openapi_3_0_3_with_one_error_schema() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.0.3");
    let mut operations = 0;
    for (_, item) in spec["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            operations += 1;
            for (status, response) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody"
                    );
                }
            }
        }
    }
    // Close's whole document (286 operations) plus `DELETE /membership/{id}/`, which Close serves
    // but the document lacks (openapi/overlay.yaml), plus the 5 Forms and ImportUpdate operations
    // adopted from the pinned extracts (close-sdk-gen/src/openapi/adopted.rs).
    assert_eq!(operations, 292);
}
