//! Members that real Close payloads carry are typed fields, not only keys of `extra`.
//!
//! The payloads are the corpus of recorded Close answers (`tests/fixtures/corpus/`, provenance
//! in its `manifest.json`); `openapi/overlay.yaml` types each member below with the payloads it
//! was seen in. Each test reads the recorded value through the typed field, and checks that the
//! member is no longer in `extra`. The last test lists, per type, the keys the corpus still
//! leaves in `extra` with a value, so a member that real payloads carry cannot be left untyped
//! unnoticed: every such key is in `LEFT_IN_EXTRA`, with the reason.

use std::path::Path;

use close_sdk::types as t;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The corpus payload `file` (relative to the corpus directory), as JSON.
fn payload(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/corpus")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"))
}

/// The corpus payload `file` decoded as `T`; it also re-encodes to the same JSON.
fn decode<T: DeserializeOwned + serde::Serialize>(file: &str) -> T {
    let original = payload(file);
    let decoded: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{file} does not decode: {e}"));
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        original,
        "{file} re-encodes differently"
    );
    decoded
}

/// The keys of `extra` that hold a value other than `null`, sorted.
fn valued_keys(extra: &Map<String, Value>) -> Vec<String> {
    let mut keys: Vec<String> = extra
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    keys.sort();
    keys
}

#[test]
fn a_recorded_call_reads_its_answer_time_recording_and_routing_flags_as_fields() {
    let answered: t::CallActivity = decode("activity-call/airbyte-call-outbound-cost-string.json");
    let at = answered
        .date_answered
        .as_ref()
        .expect("date_answered typed");
    assert_eq!(at.as_str(), "2022-11-09T13:57:22.063000+00:00");
    assert_eq!(answered.has_recording, Some(false));
    assert_eq!(answered.is_forwarded, Some(false));
    assert_eq!(answered.is_joinable, Some(false));
    assert_eq!(answered.is_to_group_number, Some(false));
    assert_eq!(answered.coach_legs(), &[] as &[Value]);
    for key in [
        "date_answered",
        "has_recording",
        "is_forwarded",
        "is_joinable",
        "is_to_group_number",
        "coach_legs",
    ] {
        assert!(!answered.extra.contains_key(key), "{key} is still in extra");
    }

    // Unanswered: `date_answered: null` is a `None` that is written back as `null`.
    let voicemail: t::CallActivity = decode("activity-call/airbyte-call-inbound-voicemail.json");
    assert_eq!(voicemail.date_answered, None);
    assert!(voicemail.extra.sent_null("date_answered"));

    let logged: t::CallActivity = decode("activity-call/closex-call-log.json");
    assert_eq!(logged.has_recording, Some(true));
    assert_eq!(logged.quality_info.as_deref(), Some(""));
}

#[test]
fn a_recorded_user_reads_its_email_verification_and_timezone_as_fields() {
    let user: t::User = decode("user/airbyte-user.json");
    assert_eq!(
        user.email_verified_at.as_ref().map(|t| t.as_str()),
        Some("2021-07-13T11:37:23.175000+00:00")
    );
    assert_eq!(user.last_used_timezone.as_deref(), Some("Europe/Kiev"));
    assert!(!user.extra.contains_key("email_verified_at"));

    let listed: t::User = decode("user/closex-user-list-item.json");
    assert_eq!(listed.last_used_timezone.as_deref(), Some("Europe/London"));
    assert_eq!(listed.email_verified_at, None);
}

#[test]
fn a_recorded_organization_reads_its_account_members_as_fields() {
    let org: t::Organization = decode("organization/closex-organization-memberships.json");
    assert_eq!(org.status.as_deref(), Some("trial"));
    assert_eq!(
        org.billing_account_id.as_deref(),
        Some("acct_7RQMJ1xArzziOhGKWf6vGrWmvWsre5RkEyIlHtE82JC")
    );
    assert_eq!(
        org.leads_email.as_deref(),
        Some("nested_dev-w9f6rjtj@leads.close.io")
    );
    assert_eq!(
        org.trial_ends.as_ref().map(|t| t.as_str()),
        Some("2017-10-21T18:27:00+00:00")
    );
    assert_eq!(org.user_count, Some(1));

    // Only this old client's fixture and Close's 2013 documentation show these two lists: they
    // stay in `extra`, kept whole.
    let fields = org.extra.get("lead_custom_fields").expect("kept in extra");
    assert_eq!(fields[0]["name"], "00a. SDA");
    let statuses = org
        .extra
        .get("opportunity_statuses")
        .expect("kept in extra");
    assert_eq!(statuses[2]["type"], "won");

    let member = &org.memberships.as_ref().expect("memberships")[0];
    assert_eq!(member.country.as_deref(), Some("GB"));
    assert_eq!(
        member.default_caller_id.as_deref(),
        Some("phon_uY3oPNLLb0wHAjdGm7wNcegrl2q9JVqTbGjNTpfHcDA")
    );
    assert_eq!(member.is_free, Some(false));
    assert_eq!(member.plan_type.as_deref(), Some("enterprise"));
    assert_eq!(
        member.primary_personal_number.as_deref(),
        Some("phon_uY3oPNLLb0wHAjdGm7wNcegrl2q9JVqTbGjNTpfHcDA")
    );
    assert_eq!(member.record_calls, Some(false));
    assert_eq!(member.role.as_deref(), Some("admin"));
    assert_eq!(member.show_onboarding, Some(false));
    assert_eq!(
        member.user_image.as_deref(),
        Some("https://secure.gravatar.com/avatar/80ef400b8aead5dc890d7aa59631d82f")
    );
    assert_eq!(
        member.user_phone_formatted.as_deref(),
        Some("+1 304-205-1670")
    );
    assert_eq!(member.hangup_recording_url, None);
    assert!(member.extra.sent_null("hangup_recording_url"));

    let inactive = &org.inactive_memberships.as_ref().expect("inactive")[0];
    assert_eq!(inactive.is_free, Some(true));
    assert_eq!(inactive.primary_personal_number, None);
    assert!(inactive.extra.sent_null("primary_personal_number"));

    // Close's 2013 documentation example.
    let documented: t::Organization =
        decode("organization/closex-mock-organization-2013-docs.json");
    assert_eq!(
        documented
            .extra
            .get("opportunity_statuses")
            .and_then(|v| v.as_array())
            .map(Vec::len),
        Some(4)
    );
    assert_eq!(
        documented.memberships.as_ref().expect("memberships")[0].record_calls,
        Some(false)
    );
}

#[test]
fn recorded_roles_custom_fields_and_contact_emails_read_their_extra_members_as_fields() {
    let role: t::RoleDefinition = decode("role/airbyte-role-admin.json");
    let created = role.date_created.as_ref().expect("date_created typed");
    assert_eq!(created.as_str(), "0001-01-01T00:00:00");
    assert!(created.is_naive());
    assert_eq!(
        role.organization_id.as_deref(),
        Some("orga_ya3w9oMjeLtWe7zFGZr63Dz8ruBbjybG0EIUdUXaESi")
    );

    let field: t::CustomField = decode("custom-field/airbyte-lead-field-user.json");
    assert_eq!(field.is_shared, Some(false));

    let kind: t::CustomActivityType =
        decode("custom-activity-type/airbyte-custom-activity-type.json");
    let first = &kind.fields.as_ref().expect("fields")[0];
    assert_eq!(first.is_shared, Some(false));
    assert_eq!(first.back_reference_is_visible, None);
    assert!(first.extra.sent_null("back_reference_is_visible"));
    assert!(first.extra.sent_null("referenced_custom_type_id"));

    let lead: t::Lead = decode("lead/hull-lead-create.json");
    let email = &lead.contacts.as_ref().expect("contacts")[0]
        .emails
        .as_ref()
        .expect("emails")[0];
    assert_eq!(email.email_lower.as_deref(), Some("gob@example.com"));
    assert!(email.extra.is_empty());
}

/// Keys the corpus still leaves in `extra` with a value, per type, and why.
const LEFT_IN_EXTRA: &[(&str, &str, &str)] = &[
    (
        "Lead",
        "custom",
        "the custom field dict Close deprecates (developer.close.com/api/resources/leads); the \
         same values come as `custom.FIELD_ID` keys",
    ),
    (
        "Organization",
        "lead_custom_fields",
        "only an old client's fixture (closex) shows it, not today's organization reference; \
         typing it would compile `CustomField` into every build with `organizations`",
    ),
    (
        "Organization",
        "opportunity_statuses",
        "only an old client's fixture (closex) and Close's 2013 documentation show it; typing it \
         would compile `OpportunityStatus` into every build with `organizations`",
    ),
];

/// Whether `key` is a custom field value (`custom.cf_…`, `custom.lcf_…`), which `extra` holds by
/// design.
fn is_custom_field(key: &str) -> bool {
    key.starts_with("custom.")
}

/// The top-level keys that `T` leaves in `extra` for the corpus payloads of `kind`.
fn left_in_extra<T: DeserializeOwned>(
    kind: &str,
    extra: fn(&T) -> &Map<String, Value>,
) -> Vec<String> {
    let manifest = payload("manifest.json");
    let mut keys = Vec::new();
    for entry in manifest.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        if entry["type"].as_str() != Some(kind) {
            continue;
        }
        let value: T = serde_json::from_value(payload(file))
            .unwrap_or_else(|e| panic!("{file} does not decode: {e}"));
        for key in valued_keys(extra(&value)) {
            if !is_custom_field(&key) && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys.sort();
    keys
}

#[test]
fn no_member_the_corpus_carries_with_a_value_is_left_in_extra_without_a_reason() {
    let checks: Vec<(&str, Vec<String>)> = vec![
        (
            "CallActivity",
            left_in_extra::<t::CallActivity>("CallActivity", |v| &v.extra),
        ),
        ("User", left_in_extra::<t::User>("User", |v| &v.extra)),
        (
            "Organization",
            left_in_extra::<t::Organization>("Organization", |v| &v.extra),
        ),
        (
            "RoleDefinition",
            left_in_extra::<t::RoleDefinition>("RoleDefinition", |v| &v.extra),
        ),
        (
            "CustomField",
            left_in_extra::<t::CustomField>("CustomField", |v| &v.extra),
        ),
        (
            "CustomActivityType",
            left_in_extra::<t::CustomActivityType>("CustomActivityType", |v| &v.extra),
        ),
        (
            "Contact",
            left_in_extra::<t::Contact>("Contact", |v| &v.extra),
        ),
        ("Lead", left_in_extra::<t::Lead>("Lead", |v| &v.extra)),
    ];
    let mut unexplained = Vec::new();
    for (ty, keys) in checks {
        for key in keys {
            if !LEFT_IN_EXTRA.iter().any(|(t, k, _)| *t == ty && *k == key) {
                unexplained.push(format!("{ty}.{key}"));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "members real payloads carry, still only in extra (type them in openapi/overlay.yaml, \
         or list them in LEFT_IN_EXTRA with the reason): {unexplained:?}"
    );
}
