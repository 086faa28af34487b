//! Every documented example of the core CRM decodes with the SDK's type for its operation, and
//! loses nothing: leads, contacts, opportunities, tasks, every activity type, custom fields,
//! pipelines, lead and opportunity statuses, smart views and comments.
//!
//! The examples are read from `openapi/close.json` at test time (the per-tag extracts' request
//! and success-response examples, carried in by `cargo xtask generate`), so the test grows by
//! itself when the extracts are updated. An operation's type is the schema its spec `$ref`s;
//! [`decoder`] maps each schema name to the generated type, and an example whose schema has no
//! entry (or no `$ref`, i.e. an untyped body) fails the test. A failure names the operation, the
//! example (request or response, with its status) and the field.

use close_sdk::types as t;
use close_sdk_tests::resources::{first_difference, spec, without_empty};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// The tags (resources) whose examples are checked: the core CRM.
const TAGS: [&str; 32] = [
    "activities",
    "activitiesCalls",
    "activitiesCreations",
    "activitiesCustomActivities",
    "activitiesEmailThreads",
    "activitiesEmails",
    "activitiesFormSubmissions",
    "activitiesLeadMerges",
    "activitiesLeadStatusChanges",
    "activitiesMeetings",
    "activitiesNotes",
    "activitiesOpportunityStatusChanges",
    "activitiesSms",
    "activitiesTaskCompletions",
    "activitiesWhatsappMessages",
    "comments",
    "contacts",
    "customActivityTypes",
    "customFieldSchemas",
    "customFieldsActivity",
    "customFieldsContact",
    "customFieldsCustomObject",
    "customFieldsLead",
    "customFieldsOpportunity",
    "customFieldsShared",
    "leadStatuses",
    "leads",
    "opportunities",
    "opportunityStatuses",
    "pipelines",
    "smartViews",
    "tasks",
];

/// Decodes an example with `T` (naming the field that fails), re-serialises it and compares,
/// ignoring nulls and empty arrays/objects (what the typed value leaves out).
fn check<T: DeserializeOwned + Serialize>(example: &Value) -> Result<(), String> {
    let decoded: T = serde_path_to_error::deserialize(example.clone())
        .map_err(|e| format!("field `{}`: {}", e.path(), e.inner()))?;
    let back = serde_json::to_value(&decoded).map_err(|e| format!("re-serialising: {e}"))?;
    match first_difference(&without_empty(example), &without_empty(&back), "") {
        None => Ok(()),
        Some(d) => Err(format!("decoded with loss: {d}")),
    }
}

type Check = fn(&Value) -> Result<(), String>;

/// The generated type of each schema the core CRM's operations use.
fn decoder(schema: &str) -> Option<Check> {
    Some(match schema {
        "NoteActivity" => check::<t::NoteActivity>,
        "NoteActivityList" => check::<t::NoteActivityList>,
        "ActivityList" => check::<t::ActivityList>,
        "BulkUpdateTasks" => check::<t::BulkUpdateTasks>,
        "BulkUpdateTasksResult" => check::<t::BulkUpdateTasksResult>,
        "CallActivity" => check::<t::CallActivity>,
        "CallActivityList" => check::<t::CallActivityList>,
        "Comment" => check::<t::Comment>,
        "CommentList" => check::<t::CommentList>,
        "CommentThread" => check::<t::CommentThread>,
        "CommentThreadList" => check::<t::CommentThreadList>,
        "Contact" => check::<t::Contact>,
        "ContactList" => check::<t::ContactList>,
        "CreateCallActivity" => check::<t::CreateCallActivity>,
        "CreateComment" => check::<t::CreateComment>,
        "CreateContact" => check::<t::CreateContact>,
        "CreateCustomActivity" => check::<t::CreateCustomActivity>,
        "CreateCustomActivityType" => check::<t::CreateCustomActivityType>,
        "CreateCustomField" => check::<t::CreateCustomField>,
        "CreateEmailActivity" => check::<t::CreateEmailActivity>,
        "CreateLead" => check::<t::CreateLead>,
        "CreateLeadStatus" => check::<t::CreateLeadStatus>,
        "CreateLeadStatusChangeActivity" => check::<t::CreateLeadStatusChangeActivity>,
        "CreateMeetingIntegration" => check::<t::CreateMeetingIntegration>,
        "CreateNoteActivity" => check::<t::CreateNoteActivity>,
        "CreateOpportunity" => check::<t::CreateOpportunity>,
        "CreateOpportunityStatus" => check::<t::CreateOpportunityStatus>,
        "CreateOpportunityStatusChangeActivity" => {
            check::<t::CreateOpportunityStatusChangeActivity>
        }
        "CreatePipeline" => check::<t::CreatePipeline>,
        "CreateSMSActivity" => check::<t::CreateSmsActivity>,
        "CreateSharedCustomField" => check::<t::CreateSharedCustomField>,
        "CreateSharedCustomFieldAssociation" => check::<t::CreateSharedCustomFieldAssociation>,
        "CreateSmartView" => check::<t::CreateSmartView>,
        "CreateTask" => check::<t::CreateTask>,
        "CreateWhatsAppMessage" => check::<t::CreateWhatsAppMessage>,
        "CreatedActivity" => check::<t::CreatedActivity>,
        "CreatedActivityList" => check::<t::CreatedActivityList>,
        "CustomActivity" => check::<t::CustomActivity>,
        "CustomActivityList" => check::<t::CustomActivityList>,
        "CustomActivityType" => check::<t::CustomActivityType>,
        "CustomActivityTypeList" => check::<t::CustomActivityTypeList>,
        "CustomField" => check::<t::CustomField>,
        "CustomFieldList" => check::<t::CustomFieldList>,
        "CustomFieldSchema" => check::<t::CustomFieldSchema>,
        "EmailActivity" => check::<t::EmailActivity>,
        "EmailActivityList" => check::<t::EmailActivityList>,
        "EmailThreadActivity" => check::<t::EmailThreadActivity>,
        "EmailThreadActivityList" => check::<t::EmailThreadActivityList>,
        "FormSubmissionActivity" => check::<t::FormSubmissionActivity>,
        "FormSubmissionActivityList" => check::<t::FormSubmissionActivityList>,
        "Lead" => check::<t::Lead>,
        "LeadList" => check::<t::LeadList>,
        "LeadMergeActivity" => check::<t::LeadMergeActivity>,
        "LeadMergeActivityList" => check::<t::LeadMergeActivityList>,
        "LeadStatus" => check::<t::LeadStatus>,
        "LeadStatusChangeActivity" => check::<t::LeadStatusChangeActivity>,
        "LeadStatusChangeActivityList" => check::<t::LeadStatusChangeActivityList>,
        "LeadStatusList" => check::<t::LeadStatusList>,
        "MeetingActivity" => check::<t::MeetingActivity>,
        "MeetingActivityList" => check::<t::MeetingActivityList>,
        "MeetingIntegration" => check::<t::MeetingIntegration>,
        "MergeLeads" => check::<t::MergeLeads>,
        "Opportunity" => check::<t::Opportunity>,
        "OpportunityList" => check::<t::OpportunityList>,
        "OpportunityStatus" => check::<t::OpportunityStatus>,
        "OpportunityStatusChangeActivity" => check::<t::OpportunityStatusChangeActivity>,
        "OpportunityStatusChangeActivityList" => check::<t::OpportunityStatusChangeActivityList>,
        "OpportunityStatusList" => check::<t::OpportunityStatusList>,
        "Pipeline" => check::<t::Pipeline>,
        "PipelineList" => check::<t::PipelineList>,
        "SMSActivity" => check::<t::SmsActivity>,
        "SMSActivityList" => check::<t::SmsActivityList>,
        "SmartView" => check::<t::SmartView>,
        "SmartViewList" => check::<t::SmartViewList>,
        "SharedCustomField" => check::<t::SharedCustomField>,
        "SharedCustomFieldAssociation" => check::<t::SharedCustomFieldAssociation>,
        "SharedCustomFieldList" => check::<t::SharedCustomFieldList>,
        "Task" => check::<t::Task>,
        "TaskCompletionActivity" => check::<t::TaskCompletionActivity>,
        "TaskCompletionActivityList" => check::<t::TaskCompletionActivityList>,
        "TaskList" => check::<t::TaskList>,
        "UpdateCallActivity" => check::<t::UpdateCallActivity>,
        "UpdateComment" => check::<t::UpdateComment>,
        "UpdateContact" => check::<t::UpdateContact>,
        "UpdateCustomActivity" => check::<t::UpdateCustomActivity>,
        "UpdateCustomActivityType" => check::<t::UpdateCustomActivityType>,
        "UpdateCustomField" => check::<t::UpdateCustomField>,
        "UpdateCustomFieldSchema" => check::<t::UpdateCustomFieldSchema>,
        "UpdateEmailActivity" => check::<t::UpdateEmailActivity>,
        "UpdateLead" => check::<t::UpdateLead>,
        "UpdateLeadStatus" => check::<t::UpdateLeadStatus>,
        "UpdateMeetingActivity" => check::<t::UpdateMeetingActivity>,
        "UpdateNoteActivity" => check::<t::UpdateNoteActivity>,
        "UpdateTask" => check::<t::UpdateTask>,
        "UpdateOpportunity" => check::<t::UpdateOpportunity>,
        "UpdateOpportunityStatus" => check::<t::UpdateOpportunityStatus>,
        "UpdatePipeline" => check::<t::UpdatePipeline>,
        "UpdateSMSActivity" => check::<t::UpdateSmsActivity>,
        "UpdateSharedCustomField" => check::<t::UpdateSharedCustomField>,
        "UpdateSharedCustomFieldAssociation" => check::<t::UpdateSharedCustomFieldAssociation>,
        "UpdateSmartView" => check::<t::UpdateSmartView>,
        "UpdateWhatsAppMessage" => check::<t::UpdateWhatsAppMessage>,
        "WhatsAppMessageActivity" => check::<t::WhatsAppMessageActivity>,
        "WhatsAppMessageActivityList" => check::<t::WhatsAppMessageActivityList>,
        _ => return None,
    })
}

/// One documented example: where it is, its schema and the example.
struct Example {
    place: String,
    schema: Option<String>,
    value: Value,
}

/// The JSON example of a request body or response, with its schema's `$ref` name.
fn example_of(holder: &Value, place: String) -> Option<Example> {
    let media = holder.get("content")?.get("application/json")?;
    let value = media.get("example")?.clone();
    let schema = media
        .get("schema")
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string);
    Some(Example {
        place,
        schema,
        value,
    })
}

/// Every request and success-response example of the core CRM's operations.
fn examples() -> Vec<Example> {
    let spec = spec();
    let mut out = Vec::new();
    let Some(paths) = spec["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let tag = op["tags"][0].as_str().unwrap_or_default();
            if !TAGS.contains(&tag.trim_start_matches("subpackage_")) {
                continue;
            }
            let id = op["operationId"].as_str().unwrap_or_default();
            let name = format!("{id} ({} {path})", method.to_uppercase());
            if let Some(e) = example_of(&op["requestBody"], format!("{name}, request example")) {
                out.push(e);
            }
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
                let place = format!("{name}, {status} response example");
                if let Some(e) = example_of(response, place) {
                    out.push(e);
                }
            }
        }
    }
    out
}

#[test]
fn every_documented_core_crm_example_decodes_without_loss() {
    let examples = examples();
    let responses = examples
        .iter()
        .filter(|e| e.place.contains("response example"))
        .count();
    // The extracts carry 108 response examples for these tags today; far fewer means the
    // examples were not found, and the test would pass without checking anything.
    assert!(responses >= 100, "only {responses} response examples found");
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|e| {
            let result = match e.schema.as_deref() {
                None => Err("its schema is not a named type (an untyped body)".to_string()),
                Some(s) => match decoder(s) {
                    None => Err(format!("schema `{s}` has no entry in `decoder`")),
                    Some(check) => check(&e.value).map_err(|m| format!("as `{s}`: {m}")),
                },
            };
            result.err().map(|m| format!("{}: {m}", e.place))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} documented examples fail:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}

#[test]
fn a_lossy_decode_names_the_field() {
    // Members a type does not name are kept (its `extra`), so nothing is lost to report; a
    // member of the wrong type fails, naming it.
    let example = serde_json::json!({"id": "stat_1", "label": "Potential", "colour": "red"});
    assert!(check::<t::CreateLeadStatus>(&example).is_ok());
    let err = check::<t::Task>(&serde_json::json!({"id": 5}))
        .err()
        .unwrap_or_default();
    assert!(err.contains("`id`"), "{err}");
}
