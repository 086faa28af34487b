//! Custom fields (issue 12): reading `custom.cf_…` members from Close's documented Lead,
//! Contact and Opportunity examples; changes that serialise to exactly Close's keys
//! (`custom.cf_x`, `.add`, `.remove`, `null`) in the body a `leads_update` sends; the catalog
//! loaded over several pages; name resolution errors; and values refused before anything is
//! sent. All over loopback (httpmock).

use close_sdk::custom_fields::{
    CustomFieldCatalog, CustomFieldChanges, CustomFieldError, CustomFieldId, CustomFieldObject,
    CustomFieldValue, CustomFields,
};
use close_sdk_tests::resources::*;
use close_sdk_tests::*;
use httpmock::prelude::*;
use serde_json::{json, Value};

const SOURCE: &str = "cf_ORxgoOQ5YH1p7lDQzFJ88b4z0j7PLLTRaG66m8bmcKv";
const CHOICES: &str = "cf_nenE344jkwrjyRRezwsf8b4V1MCoXWIDHIStmFavZks";
const TITLE: &str = "cf_j0P7kHmgFTZZnYBFtyPSZ3uQw4dpW8xKcW7Krps8atj";

fn id(s: &str) -> CustomFieldId {
    s.parse().unwrap()
}

/// Serves the documented `GET /lead/` example and returns the first lead, decoded.
async fn documented_lead(server: &MockServer) -> close_sdk::leads::Lead {
    let example = response_example("get", "/lead/");
    let mock = expect_call(server, GET, "/lead/", None, 200, &example).await;
    let list = api_key_client(server).leads_list().send().await.unwrap();
    mock.assert_async().await;
    list.into_inner().data.unwrap().remove(0)
}

#[tokio::test]
async fn documented_lead_and_its_contact_expose_their_custom_fields() {
    let server = MockServer::start_async().await;
    let lead = documented_lead(&server).await;
    let fields = lead.custom_fields();
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert_eq!(
        fields.get(&id(SOURCE)),
        Some(&CustomFieldValue::Text("Website contact form".into()))
    );
    let choices: Vec<_> = fields.get(&id(CHOICES)).unwrap().values().to_vec();
    assert_eq!(
        choices,
        vec!["Choice 1".into(), "Choice 2".into()] as Vec<CustomFieldValue>
    );
    // The nested contact carries its own.
    let contact = &lead.contacts.as_ref().unwrap()[0];
    assert_eq!(
        contact
            .custom_fields()
            .get(&id(TITLE))
            .and_then(|v| v.as_str()),
        Some("CEO")
    );
}

#[tokio::test]
async fn documented_contact_and_opportunity_examples_expose_their_custom_fields() {
    let contact: close_sdk::contacts::Contact =
        serde_json::from_value(response_example("put", "/contact/{id}/")).unwrap();
    assert_eq!(
        contact
            .custom_fields()
            .get(&id(TITLE))
            .and_then(|v| v.as_str()),
        Some("Sales Rep")
    );
    let opportunities = response_example("get", "/opportunity/")["data"].clone();
    let opportunities: Vec<close_sdk::opportunities::Opportunity> =
        serde_json::from_value(opportunities).unwrap();
    let with_custom: Vec<_> = opportunities
        .iter()
        .filter(|o| !o.custom_fields().is_empty())
        .collect();
    assert_eq!(with_custom.len(), 1);
    assert_eq!(
        with_custom[0]
            .custom_fields()
            .get(&id(TITLE))
            .and_then(|v| v.as_str()),
        Some("https://www.example.com/contract.pdf")
    );
}

#[tokio::test]
async fn decode_modify_encode_sends_exactly_closes_keys() {
    let server = MockServer::start_async().await;
    let lead = documented_lead(&server).await;
    let current = lead.custom_fields();

    // Modify: the text field gets a new value, the multi-value field loses one choice and
    // gains one, and a field is cleared.
    let mut changes = CustomFieldChanges::new();
    let old = current
        .get(&id(SOURCE))
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    changes
        .set(id(SOURCE), format!("{old} (imported)"))
        .unwrap()
        .remove(id(CHOICES), CustomFieldValue::Choice("Choice 1".into()))
        .unwrap()
        .add(id(CHOICES), CustomFieldValue::Choice("Choice 3".into()))
        .unwrap()
        .clear(id(TITLE))
        .unwrap();
    let mut update: close_sdk::leads::UpdateLead = serde_json::from_value(json!({})).unwrap();
    changes.apply_to(&mut update.extra);

    let expected = json!({
        format!("custom.{SOURCE}"): "Website contact form (imported)",
        format!("custom.{CHOICES}.remove"): "Choice 1",
        format!("custom.{CHOICES}.add"): "Choice 3",
        format!("custom.{TITLE}"): null,
    });
    let path = format!("/lead/{}/", lead.id.as_deref().unwrap());
    let response = response_example("get", "/lead/")["data"][0].clone();
    let mock = expect_call(&server, PUT, &path, Some(&expected), 200, &response).await;
    api_key_client(&server)
        .leads_update()
        .id(lead.id.clone().unwrap())
        .body(update)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    // `json_body` matches equal JSON; the body must also have no other member.
    assert_eq!(Value::Object(changes.into_map()), expected);
}

/// `n` lead custom field definitions shaped like the documented list example, distinct ids
/// and names.
fn definitions(n: usize) -> Vec<Value> {
    let template = response_example("get", "/custom_field/lead/")["data"][1].clone();
    (0..n)
        .map(|i| {
            let mut f = template.clone();
            f["id"] = json!(format!("cf_field{i}"));
            f["name"] = json!(format!("Field {i}"));
            f
        })
        .collect()
}

#[tokio::test]
async fn catalog_loads_every_page_once() {
    let server = MockServer::start_async().await;
    let mocks = mock_pages(&server, "/custom_field/lead/", &definitions(250), 100).await;
    let catalog = CustomFieldCatalog::load(&api_key_client(&server), CustomFieldObject::Lead)
        .await
        .unwrap();
    assert_eq!(mocks.len(), 3);
    for m in &mocks {
        m.assert_async().await;
    }
    assert_eq!(catalog.fields().len(), 250);
    assert_eq!(catalog.id_for("field 249").unwrap().as_str(), "cf_field249");
    let (_, value) = catalog.parse("Field 0", "it; cars").unwrap();
    assert_eq!(value.to_json(), json!(["IT", "Cars"]));
}

#[tokio::test]
async fn catalog_of_a_custom_activity_type_keeps_only_its_fields() {
    let server = MockServer::start_async().await;
    let mut fields = definitions(3);
    fields[0]["custom_activity_type_id"] = json!("actitype_a");
    fields[1]["custom_activity_type_id"] = json!("actitype_b");
    let mocks = mock_pages(&server, "/custom_field/activity/", &fields, 100).await;
    let catalog = CustomFieldCatalog::load(
        &api_key_client(&server),
        CustomFieldObject::CustomActivity("actitype_a".into()),
    )
    .await
    .unwrap();
    mocks[0].assert_async().await;
    let names: Vec<_> = catalog.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Field 0"]);
}

/// The catalog of Close's documented `GET /custom_field/lead/` example, served over loopback.
async fn documented_catalog(server: &MockServer) -> CustomFieldCatalog {
    let fields = response_example("get", "/custom_field/lead/")["data"]
        .as_array()
        .unwrap()
        .clone();
    let mocks = mock_pages(server, "/custom_field/lead/", &fields, 100).await;
    let catalog = CustomFieldCatalog::load(&api_key_client(server), CustomFieldObject::Lead)
        .await
        .unwrap();
    mocks[0].assert_async().await;
    catalog
}

#[tokio::test]
async fn unknown_and_ambiguous_names_are_clear_errors() {
    let server = MockServer::start_async().await;
    let catalog = documented_catalog(&server).await;
    assert_eq!(catalog.fields().len(), 6);
    assert_eq!(
        catalog.id_for("industry").unwrap().as_str(),
        "cf_8wtBWsdRU2Fur7GDnEeXQ7ra2Vu7R4hG1SNYdiEhh0F"
    );
    let e = catalog.id_for("Industries").unwrap_err();
    assert!(matches!(e, CustomFieldError::UnknownField { .. }));
    assert_eq!(e.to_string(), r#"custom field "Industries": no such field"#);
    // Close's own example gives "Trial Due" and "Owner" one id: by name each is found, by id
    // the field is ambiguous.
    let shared = "cf_MakiQgTzKXrcL8sDJbS2lkuUcA2FxZJAW8Q38ARgwWh";
    assert_eq!(catalog.definition("Owner").unwrap().field_type, "user");
    assert_eq!(catalog.definition("trial due").unwrap().field_type, "date");
    let e = catalog.id_for(shared).unwrap_err();
    assert!(
        matches!(&e, CustomFieldError::AmbiguousField { ids, .. } if ids.len() == 2),
        "{e:?}"
    );
    assert!(e.to_string().contains("ambiguous"), "{e}");
    // Into the SDK's error.
    let err: close_sdk::Error = e.into();
    assert!(matches!(err, close_sdk::Error::InvalidRequest(_)));
}

/// Builds an update from CSV-like cells by field name and sends it; nothing is sent if a cell
/// is refused.
async fn update_from_cells(
    client: &close_sdk::Client,
    catalog: &CustomFieldCatalog,
    lead_id: &str,
    cells: &[(&str, &str)],
) -> Result<(), close_sdk::Error> {
    let mut changes = CustomFieldChanges::new();
    for (name, text) in cells {
        let (id, value) = catalog.parse(name, text)?;
        changes.set(id, value)?;
    }
    let mut update: close_sdk::leads::UpdateLead = serde_json::from_value(json!({})).unwrap();
    changes.apply_to(&mut update.extra);
    client
        .leads_update()
        .id(lead_id)
        .body(update)
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn values_that_do_not_fit_the_field_never_reach_the_server() {
    let server = MockServer::start_async().await;
    let catalog = documented_catalog(&server).await;
    let client = api_key_client(&server);
    let update = server
        .mock_async(|when, then| {
            when.method(PUT).path("/lead/lead_1/");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(response_example("get", "/lead/")["data"][0].clone());
        })
        .await;
    for (name, text) in [
        ("# of users", "ten"),
        ("# of users", "1,000"),
        ("Industry", "Boats"),
        ("Trial Due", "31/03/2024"),
        ("Internal Database ID", "x"), // fine, but the next cell is not
    ] {
        let cells = [(name, text), ("# of users", "NaN")];
        let e = update_from_cells(&client, &catalog, "lead_1", &cells)
            .await
            .unwrap_err();
        assert!(matches!(e, close_sdk::Error::InvalidRequest(_)), "{e:?}");
        assert!(e.to_string().contains("custom field"), "{e}");
    }
    assert_eq!(update.calls_async().await, 0);

    // The same path with valid cells does send, with the parsed values.
    let good = [
        ("# of users", "12"),
        ("Industry", "it; Cars"),
        ("Trial Due", "2024-03-31"),
    ];
    update_from_cells(&client, &catalog, "lead_1", &good)
        .await
        .unwrap();
    assert_eq!(update.calls_async().await, 1);
}

#[tokio::test]
async fn sent_body_has_the_parsed_types() {
    let server = MockServer::start_async().await;
    let catalog = documented_catalog(&server).await;
    let expected = json!({
        "custom.cf_v6S011I6MqcbVvB2FA5Nk8dr5MkL8sWuCiG8cUleO9c": 12,
        "custom.cf_8wtBWsdRU2Fur7GDnEeXQ7ra2Vu7R4hG1SNYdiEhh0F": ["IT", "Cars"],
        "custom.cf_vvHHPVktybLXXqKrUF88PLsGm8sh202oMq3XGy6RcBm": " 007 ",
    });
    let response = response_example("get", "/lead/")["data"][0].clone();
    let mock = expect_call(
        &server,
        PUT,
        "/lead/lead_1/",
        Some(&expected),
        200,
        &response,
    )
    .await;
    let cells = [
        ("# of users", " 12 "),
        ("Industry", "it; Cars"),
        ("Internal Database ID", " 007 "),
    ];
    update_from_cells(&api_key_client(&server), &catalog, "lead_1", &cells)
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn catalog_from_the_schema_includes_shared_fields() {
    let server = MockServer::start_async().await;
    let example = response_example("get", "/custom_field_schema/{object_type}/");
    let mock = expect_call(
        &server,
        GET,
        "/custom_field_schema/lead/",
        None,
        200,
        &example,
    )
    .await;
    let catalog = CustomFieldCatalog::load_schema(&api_key_client(&server), "lead")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(catalog.fields().len(), 2);
    // The shared "Owner" field (associated with leads, contacts and an activity type).
    let owner = catalog.definition("owner").unwrap();
    assert_eq!(
        owner.id.as_str(),
        "cf_aU54Bvr6Rw8UBHh7zRboL3PYhbOVJl3XvwgPm3jgaKq"
    );
    assert!(catalog.parse("Owner", "user abc").is_err());
    // A path-changing object type is refused before anything is sent.
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let e = CustomFieldCatalog::load_schema(&api_key_client(&server), "../lead")
        .await
        .unwrap_err();
    assert!(matches!(e, close_sdk::Error::InvalidRequest(_)), "{e:?}");
    assert_eq!(any.calls_async().await, 0);
}
