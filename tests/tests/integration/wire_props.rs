//! Issue 19 and 18 over the generated serde impls: the support of the generated property tests
//! (`generated_wire.rs`), the regressions named in issue 19, `_fields` over loopback, and the
//! exact JSON of updates.

use std::collections::BTreeSet;
use std::fmt;

use close_sdk_tests::resources::{request_example, response_example, spec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Cases per type.
const CASES: u32 = 64;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A small deterministic generator driven by proptest's seed.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// How deep the mutations of an example go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Every object, at any depth (through arrays).
    All,
    /// The top-level object only (the type contains a hand-written type that keeps required
    /// members: `webhooks::SubscriptionEvent`).
    TopLevel,
}

/// `value` with, in every object (as deep as `depth` says), each key kept, removed or set to
/// `null` as `mix` decides.
fn mutate(value: &Value, mix: &mut Mix, depth: Depth) -> Value {
    match value {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, v) in o {
                match mix.next() % 5 {
                    0 => {}
                    1 => {
                        out.insert(k.clone(), Value::Null);
                    }
                    _ if depth == Depth::TopLevel => {
                        out.insert(k.clone(), v.clone());
                    }
                    _ => {
                        out.insert(k.clone(), mutate(v, mix, depth));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(a) if depth == Depth::All => {
            Value::Array(a.iter().map(|v| mutate(v, mix, depth)).collect())
        }
        other => other.clone(),
    }
}

/// JSON equality where numbers compare by value (`180` and `180.0` are one number: a float
/// member re-encodes an integral example as a float).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Decodes `input` as `T` and encodes it again: it must decode, and give back `input` exactly.
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, input: &Value) -> Result<(), String> {
    let typed: T = serde_json::from_value(input.clone())
        .map_err(|e| format!("{what}: {input} does not decode: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("{what}: does not encode: {e}"))?;
    if same(&back, input) {
        Ok(())
    } else {
        Err(format!("{what}: {input}\nre-encodes as {back}"))
    }
}

/// The property over a response type with a documented example: the example, and the example
/// with any keys removed or set to `null` (at any depth), decode and re-encode exactly.
pub fn response_roundtrip<T: DeserializeOwned + Serialize>(
    op: &str,
    method: &str,
    path: &str,
    depth: Depth,
) {
    let example = response_example(method, path);
    if let Err(e) = round_trip::<T>(op, &example) {
        panic!("{e}");
    }
    let result = runner().run(&any::<u64>(), |seed| {
        let mutated = mutate(&example, &mut Mix(seed | 1), depth);
        round_trip::<T>(op, &mutated).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A top-level object's keys, failing on a repeated one (what `serde_json::Value` would hide).
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut seen = BTreeSet::new();
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let _: serde::de::IgnoredAny = map.next_value()?;
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(format!("key `{k}` repeated")));
                    }
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

fn extra_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z:/. ]{0,12}".prop_map(Value::from),
        Just(json!("javascript:alert(1)")),
        Just(json!({"nested": true})),
        Just(json!([1, "x"])),
    ]
}

/// The hostile-caller property of a request type with a catch-all: for arbitrary `extra` keys
/// (every typed key name among them) and values, serialising either fails naming a typed field
/// it was given, or gives an object without a repeated key in which every typed key carries what
/// the typed field carries (or `null` while that field is unset).
pub fn hostile_extra<T: DeserializeOwned + Serialize>(
    op: &str,
    base: Value,
    typed: &[&str],
    extra_of: fn(&mut T) -> &mut Map<String, Value>,
) {
    let start: T = serde_json::from_value(base.clone())
        .unwrap_or_else(|e| panic!("{op}: the base body {base} does not decode: {e}"));
    let plain = serde_json::to_value(&start).unwrap_or_else(|e| panic!("{op}: {e}"));
    let mut names: Vec<String> = typed.iter().map(|s| s.to_string()).collect();
    names.push("custom.cf_1".into());
    names.push("not_typed".into());
    let extras = prop::collection::vec((prop::sample::select(names), extra_value()), 0..6);
    let result = runner().run(&extras, |extras| {
        let mut value: T = serde_json::from_value(plain.clone())
            .map_err(|e| TestCaseError::fail(format!("{op}: {e}")))?;
        for (k, v) in &extras {
            extra_of(&mut value).insert(k.clone(), v.clone());
        }
        let bytes = match serde_json::to_vec(&value) {
            Ok(b) => b,
            Err(e) => {
                let msg = e.to_string();
                let named = extras
                    .iter()
                    .any(|(k, _)| typed.contains(&k.as_str()) && msg.contains(&format!("::{k}`")));
                prop_assert!(
                    named,
                    "{}: refused without naming a typed field: {}",
                    op,
                    msg
                );
                return Ok(());
            }
        };
        let keys: Keys = serde_json::from_slice(&bytes).map_err(|e| {
            TestCaseError::fail(format!("{op}: {e}: {}", String::from_utf8_lossy(&bytes)))
        })?;
        let sent: Value =
            serde_json::from_slice(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for k in &keys.0 {
            if !typed.contains(&k.as_str()) {
                continue;
            }
            match plain.get(k) {
                Some(v) => prop_assert_eq!(&sent[k], v, "{}: `{}` is not the typed field's", op, k),
                None => prop_assert!(
                    sent[k].is_null(),
                    "{}: `{}` sent {} from extra",
                    op,
                    k,
                    sent[k]
                ),
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The exact JSON of one `Patch` member of an update body, decoded from JSON: absent is
/// `Unchanged` (no key), `null` is `Clear` (`null`), a value is `Set` (the value).
pub fn patch_member<T: DeserializeOwned + Serialize>(
    op: &str,
    base: Value,
    key: &str,
    set: Option<Value>,
) {
    let Value::Object(base) = base else {
        panic!("{op}: base is not an object");
    };
    let mut cases = vec![(base.clone(), "unchanged")];
    let mut cleared = base.clone();
    cleared.insert(key.to_string(), Value::Null);
    cases.push((cleared, "clear"));
    if let Some(v) = set {
        let mut with = base.clone();
        with.insert(key.to_string(), v);
        cases.push((with, "set"));
    }
    for (input, what) in cases {
        let input = Value::Object(input);
        if let Err(e) = round_trip::<T>(&format!("{op}.{key} ({what})"), &input) {
            panic!("{e}");
        }
    }
}

/// The request schema of `method path`.
fn request_schema(method: &str, path: &str) -> Value {
    spec()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
}

/// A body of `method path` that decodes as `T`: the documented example when it does, else the
/// smallest body the schema allows completed with the example's non-null members.
pub fn request_base<T: DeserializeOwned>(method: &str, path: &str) -> Value {
    let example = request_example(method, path);
    if example.is_object() && serde_json::from_value::<T>(example.clone()).is_ok() {
        return example;
    }
    let mut base = close_sdk_tests::conformance::minimal_value(&request_schema(method, path), 0);
    if let (Value::Object(b), Value::Object(given)) = (&mut base, &example) {
        for (k, v) in given {
            if !v.is_null() {
                let mut trial = b.clone();
                trial.insert(k.clone(), v.clone());
                if serde_json::from_value::<T>(Value::Object(trial)).is_ok() {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
    }
    base
}

/// The smallest body of `method path` (its required members only).
pub fn request_minimal(method: &str, path: &str) -> Value {
    close_sdk_tests::conformance::minimal_value(&request_schema(method, path), 0)
}

// ---------------------------------------------------------------------------------------------
// Issue 19's named regressions.
// ---------------------------------------------------------------------------------------------

mod regressions {
    use super::*;
    use close_sdk::types as t;

    /// The documented example of `GET path` with `key` removed from the object at `pointer`.
    fn without(path: &str, pointer: &str, key: &str) -> Value {
        let mut v = response_example("get", path);
        if let Some(Value::Object(o)) = v.pointer_mut(pointer) {
            assert!(
                o.remove(key).is_some() || pointer.is_empty(),
                "{path}{pointer} has no `{key}`"
            );
        }
        v
    }

    fn decodes_exactly<T: DeserializeOwned + Serialize>(what: &str, v: &Value) {
        if let Err(e) = round_trip::<T>(what, v) {
            panic!("{e}");
        }
    }

    #[test]
    fn a_list_of_leads_with_a_contact_email_without_is_unsubscribed_decodes() {
        let mut page = response_example("get", "/lead/");
        let email = page
            .pointer_mut("/data/0/contacts/0/emails/0")
            .and_then(Value::as_object_mut)
            .expect("the example has a contact email");
        email.remove("is_unsubscribed");
        decodes_exactly::<t::LeadList>("leads", &page);
    }

    #[test]
    fn objects_without_the_keys_older_accounts_omit_decode() {
        let call = without("/activity/call/{id}/", "", "outcome_id");
        decodes_exactly::<t::CallActivity>("call without outcome_id", &call);
        let sms = without("/activity/sms/{id}/", "", "users");
        decodes_exactly::<t::SmsActivity>("SMS without users", &sms);
        let email = without("/activity/email/{id}/", "", "followup_sequence_add_cc_bcc");
        decodes_exactly::<t::EmailActivity>("email without followup_sequence_add_cc_bcc", &email);
        let lead = without("/lead/{id}/", "", "contact_ids");
        decodes_exactly::<t::Lead>("lead without contact_ids", &lead);
        let lead: t::Lead = serde_json::from_value(lead).unwrap();
        assert_eq!(
            lead.contact_ids, None,
            "absent is observable, never an invented []"
        );
        let address = without("/lead/{id}/", "/addresses/0", "label");
        decodes_exactly::<t::Lead>("address without label", &address);
        let opp = without("/opportunity/{id}/", "", "annualized_expected_value");
        decodes_exactly::<t::Opportunity>("opportunity without annualized_expected_value", &opp);
        let view = without("/saved_search/{id}/", "", "description");
        decodes_exactly::<t::SmartView>("smart view without description", &view);
        let mut me = response_example("get", "/me/");
        if let Some(Value::Array(numbers)) = me.get_mut("phone_numbers") {
            if let Some(Value::Object(n)) = numbers.first_mut() {
                n.remove("id");
            } else {
                numbers.push(json!({"number": "+16505551234"}));
            }
        }
        decodes_exactly::<t::Me>("/me/ phone number without id", &me);
    }

    #[test]
    fn a_price_sent_as_a_numeric_string_decodes_and_is_sent_back_as_a_number() {
        let mut n = response_example("get", "/phone_number/{id}/");
        n["last_billed_price"] = json!("1.15");
        let typed: t::PhoneNumber = serde_json::from_value(n).unwrap();
        assert_eq!(typed.last_billed_price, Some(1.15));
        assert_eq!(
            serde_json::to_value(&typed).unwrap()["last_billed_price"],
            json!(1.15)
        );
        let mut task = response_example("get", "/task/{id}/");
        task["voicemail_duration"] = json!(180.0);
        let typed: t::Task = serde_json::from_value(task).unwrap();
        assert_eq!(typed.voicemail_duration, Some(180));
    }

    #[test]
    fn a_key_not_sent_never_reads_as_empty_zero_or_false() {
        let lead: t::Lead = serde_json::from_value(json!({"id": "lead_1"})).unwrap();
        assert_eq!(lead.display_name, None);
        assert_eq!(lead.addresses, None);
        let email: t::ContactEmail =
            serde_json::from_value(json!({"email": "a@b.example"})).unwrap();
        assert_eq!(email.is_unsubscribed, None);
    }

    #[test]
    fn keys_the_types_do_not_name_round_trip() {
        let mut task = response_example("get", "/task/{id}/");
        task["due_date"] = json!("2024-05-01");
        decodes_exactly::<t::Task>("Task.due_date", &task);
        let mut user = response_example("get", "/user/{id}/");
        user["email_verified_at"] = json!("2024-05-01T10:00:00Z");
        user["last_used_timezone"] = json!("Europe/Prague");
        decodes_exactly::<t::User>("User", &user);
        let mut role = response_example("get", "/role/{id}/");
        role["date_created"] = json!("2024-05-01T10:00:00Z");
        role["date_updated"] = json!(null);
        role["organization_id"] = json!("orga_1");
        decodes_exactly::<t::RoleDefinition>("RoleDefinition", &role);
        let envelope =
            json!({"from": [{"email": "a@b.example", "name": "A"}], "is_autoreply": false});
        decodes_exactly::<t::ActivityEnvelope>("ActivityEnvelope.is_autoreply", &envelope);
        let create = json!({"lead_id": "lead_1", "text": "call", "due_date": "2024-05-01"});
        decodes_exactly::<t::CreateTask>("CreateTask.due_date", &create);
        let mut email = request_example("post", "/activity/email/");
        email["direction"] = json!("outgoing");
        decodes_exactly::<t::CreateEmailActivity>("CreateEmailActivity.direction", &email);
    }

    #[test]
    fn an_unknown_enum_value_decodes_and_is_sent_back() {
        let mut opp = response_example("get", "/opportunity/{id}/");
        opp["status_type"] = json!("postponed");
        let typed: t::Opportunity = serde_json::from_value(opp.clone()).unwrap();
        assert_eq!(
            typed.status_type.as_ref().map(|s| s.to_string()).as_deref(),
            Some("postponed")
        );
        assert_eq!(serde_json::to_value(&typed).unwrap(), opp);
        assert!(
            "postponed".parse::<t::OpportunityStatusType>().is_err(),
            "FromStr stays strict"
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_still_fails_naming_the_key() {
        let err = serde_json::from_value::<t::Lead>(json!({"id": "lead_1", "addresses": "x"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`addresses`"), "{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Updates: unchanged / clear / set, exact JSON.
// ---------------------------------------------------------------------------------------------

mod updates {
    use super::*;
    use close_sdk::types::{UpdateContact, UpdateLead, UpdateOpportunity};
    use close_sdk::Patch;

    #[test]
    fn an_update_says_what_to_leave_clear_and_set() {
        let nothing = UpdateLead::default();
        assert_eq!(serde_json::to_string(&nothing).unwrap(), "{}");
        let update = UpdateLead {
            addresses: Patch::Clear,
            description: Patch::Clear,
            name: Patch::Set("Acme".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"addresses":null,"description":null,"name":"Acme"}"#
        );
        let decoded: UpdateLead =
            serde_json::from_str(r#"{"addresses":null,"name":"Acme","url":"https://a.example"}"#)
                .unwrap();
        assert_eq!(decoded.addresses, Patch::Clear);
        assert_eq!(decoded.description, Patch::Unchanged);
        assert_eq!(decoded.name, Patch::Set("Acme".into()));
        let opp = UpdateOpportunity {
            value: Patch::Clear,
            confidence: Patch::Set(50),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&opp).unwrap(),
            r#"{"confidence":50,"value":null}"#
        );
        let contact = UpdateContact {
            emails: Patch::Set(Vec::new()),
            title: Patch::Clear,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&contact).unwrap(),
            r#"{"emails":[],"title":null}"#
        );
    }

    #[test]
    fn a_catch_all_key_naming_a_typed_member_is_refused() {
        let mut update = UpdateLead {
            url: Patch::Set("https://ok.example".into()),
            ..Default::default()
        };
        update
            .extra
            .insert("url".into(), json!("javascript:alert(1)"));
        let err = serde_json::to_string(&update).unwrap_err().to_string();
        assert!(err.contains("UpdateLead::url"), "{err}");
        // Not even a null: `Patch::Clear` is how an update clears.
        update.url = Patch::Unchanged;
        update.extra.insert("url".into(), Value::Null);
        assert!(serde_json::to_string(&update).is_err());
        // Custom fields and other unnamed keys go as they are.
        update.extra.clear();
        update.extra.insert("custom.cf_1".into(), json!("x"));
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"custom.cf_1":"x"}"#
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Over loopback: a smuggled key is refused before sending; `_fields` with 1, 2 and 5 fields.
// ---------------------------------------------------------------------------------------------

mod loopback {
    use super::*;
    use close_sdk::types::{UpdateContact, UpdateLead};
    use close_sdk::{
        ActivitiesExt, ActivityFilter, ContactFilter, ContactsExt, Error, LeadsExt, ListOptions,
        OpportunitiesExt, OpportunityFilter, Patch,
    };
    use close_sdk_tests::api_key_client;
    use httpmock::prelude::*;

    #[tokio::test]
    async fn a_smuggled_typed_key_is_an_invalid_request_naming_it_and_nothing_is_sent() {
        let server = MockServer::start_async().await;
        let any = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(200).json_body(json!({}));
            })
            .await;
        let client = api_key_client(&server);
        let mut update = UpdateLead {
            url: Patch::Set("https://ok.example".into()),
            ..Default::default()
        };
        update
            .extra
            .insert("url".into(), json!("javascript:alert(1)"));
        match client.update_lead("lead_1", update).await {
            Err(Error::InvalidRequest(m)) => assert!(m.contains("UpdateLead::url"), "{m}"),
            other => panic!("{other:?}"),
        }
        let mut update = UpdateLead::default();
        update.extra.insert("status_id".into(), json!("stat_../x"));
        match client.update_lead("lead_1", update).await {
            Err(Error::InvalidRequest(m)) => assert!(m.contains("status_id"), "{m}"),
            other => panic!("{other:?}"),
        }
        let mut contact = UpdateContact::default();
        contact
            .extra
            .insert("emails".into(), json!([{"email": "not an address"}]));
        match client.update_contact("cont_1", contact).await {
            Err(Error::InvalidRequest(m)) => assert!(m.contains("emails"), "{m}"),
            other => panic!("{other:?}"),
        }
        any.assert_calls_async(0).await;
    }

    #[tokio::test]
    async fn clear_and_remembered_nulls_survive_the_generated_builder() {
        let server = MockServer::start_async().await;
        let put = server
            .mock_async(|when, then| {
                when.method(PUT)
                    .path("/lead/lead_1/")
                    .json_body(json!({"description": null, "name": "Acme"}));
                then.status(200).json_body(json!({"id": "lead_1"}));
            })
            .await;
        let update = UpdateLead {
            description: Patch::Clear,
            name: Patch::Set("Acme".into()),
            ..Default::default()
        };
        let lead = api_key_client(&server)
            .update_lead("lead_1", update)
            .await
            .unwrap();
        put.assert_async().await;
        assert_eq!(lead.id.as_deref(), Some("lead_1"));
        // A body decoded from JSON keeps its nulls through `.body(..)` too.
        let server = MockServer::start_async().await;
        let body =
            json!({"lead_id": "lead_1", "text": "call", "date": null, "due_date": "2024-05-01"});
        let post = server
            .mock_async(|when, then| {
                when.method(POST).path("/task/").json_body(body.clone());
                then.status(200).json_body(json!({"id": "task_1"}));
            })
            .await;
        let task: close_sdk::types::CreateTask = serde_json::from_value(body.clone()).unwrap();
        api_key_client(&server)
            .tasks_create()
            .body(task)
            .send()
            .await
            .unwrap();
        post.assert_async().await;
    }

    /// The first item of `GET path`'s documented example, cut to `fields`.
    fn cut(path: &str, fields: &[&str]) -> Value {
        let example = response_example("get", path);
        let item = &example["data"][0];
        let mut out = Map::new();
        for f in fields {
            if let Some(v) = item.get(*f) {
                out.insert(f.to_string(), v.clone());
            }
        }
        Value::Object(out)
    }

    async fn serve<'a>(
        server: &'a MockServer,
        path: &str,
        fields: &[&str],
        body: Value,
    ) -> httpmock::Mock<'a> {
        let joined = fields.join(",");
        let path = path.to_string();
        server
            .mock_async(move |when, then| {
                when.method(GET)
                    .path(path)
                    .query_param("_fields", joined)
                    .query_param_count("_fields", ".*", 1);
                then.status(200).json_body(body);
            })
            .await
    }

    const SIZES: [usize; 3] = [1, 2, 5];

    #[tokio::test]
    async fn fields_over_loopback_for_leads_contacts_opportunities_and_activities() {
        let lists: [(&str, [&str; 5]); 4] = [
            (
                "/lead/",
                [
                    "id",
                    "display_name",
                    "status_label",
                    "contacts",
                    "date_updated",
                ],
            ),
            (
                "/contact/",
                ["id", "name", "lead_id", "emails", "date_created"],
            ),
            (
                "/opportunity/",
                ["id", "lead_id", "value", "status_type", "confidence"],
            ),
            (
                "/activity/",
                ["id", "_type", "lead_id", "date_created", "user_id"],
            ),
        ];
        for (path, all) in lists {
            for n in SIZES {
                let fields = &all[..n];
                let server = MockServer::start_async().await;
                let item = cut(path, fields);
                let mock = serve(
                    &server,
                    path,
                    fields,
                    json!({"data": [item.clone()], "has_more": false}),
                )
                .await;
                let client = api_key_client(&server);
                let options = ListOptions::default().fields(fields.iter().copied());
                let got: Value = match path {
                    "/lead/" => serde_json::to_value(
                        client.list_leads(options).collect_all().await.unwrap(),
                    ),
                    "/contact/" => serde_json::to_value(
                        client
                            .list_contacts(ContactFilter::default(), options)
                            .collect_all()
                            .await
                            .unwrap(),
                    ),
                    "/opportunity/" => serde_json::to_value(
                        client
                            .list_opportunities(OpportunityFilter::default(), options)
                            .collect_all()
                            .await
                            .unwrap(),
                    ),
                    _ => serde_json::to_value(
                        client
                            .list_activities(ActivityFilter::default(), options)
                            .collect_all()
                            .await
                            .unwrap(),
                    ),
                }
                .unwrap();
                mock.assert_async().await;
                assert_eq!(got, json!([item]), "{path} with {n} fields");
            }
        }
    }

    #[tokio::test]
    async fn fields_over_loopback_for_users() {
        let all = [
            "id",
            "email",
            "first_name",
            "organizations",
            "last_used_timezone",
        ];
        let me = response_example("get", "/me/");
        for n in SIZES {
            let fields = &all[..n];
            let mut body = Map::new();
            for f in fields {
                if let Some(v) = me.get(*f) {
                    body.insert(f.to_string(), v.clone());
                }
            }
            let body = Value::Object(body);
            let server = MockServer::start_async().await;
            let mock = serve(&server, "/me/", fields, body.clone()).await;
            let got = api_key_client(&server)
                .users_get_me()
                .fields(fields.join(","))
                .send()
                .await
                .unwrap()
                .into_inner();
            mock.assert_async().await;
            assert_eq!(
                serde_json::to_value(&got).unwrap(),
                body,
                "/me/ with {n} fields"
            );
        }
        // A list that does not document `_fields` refuses it without a request.
        let server = MockServer::start_async().await;
        let err = close_sdk::UsersExt::list_users(
            &api_key_client(&server),
            ListOptions::default().fields(["id"]),
        )
        .collect_all()
        .await
        .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(ref m) if m.contains("users_list")),
            "{err}"
        );
    }
}
