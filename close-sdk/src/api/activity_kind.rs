//! [`TypedActivity`]: an [`Activity`] of the generic list (`client.activities().list()`) as the
//! typed struct of its kind (`CallActivity`, `NoteActivity`, …), through
//! [`Activity::into_kind`].
//!
//! The conversion re-reads the activity's JSON (its typed members and its catch-all
//! [`Extra`](crate::Extra), written back as they came) as the kind's struct, so nothing Close
//! sent is lost: members the kind's struct does not type travel in its own `extra`, and the
//! typed value encodes to the JSON the generic list answered (the corpus test
//! `activity_kinds.rs` checks this on real payloads). Which struct a kind has is the table of
//! Close's per-kind endpoints (`/activity/call/` answers `CallActivity`, …); a kind without one
//! (a kind this SDK does not know, or no `_type`) stays an [`Activity`].

use crate::types::{
    Activity, ActivityKind, CallActivity, CreatedActivity, CustomActivity, EmailActivity,
    EmailThreadActivity, FormSubmissionActivity, ImportUpdateActivity, LeadMergeActivity,
    LeadStatusChangeActivity, MeetingActivity, NoteActivity, OpportunityStatusChangeActivity,
    SmsActivity, TaskCompletionActivity, WhatsAppMessageActivity,
};
use crate::Error;

/// An activity as the typed struct of its kind (from [`Activity::into_kind`]); match on it to
/// get the `CallActivity`, `NoteActivity`, … out of the arm.
///
/// ```
/// use close_sdk::types::Activity;
/// use close_sdk::TypedActivity;
///
/// # fn run(activity: Activity) -> Result<(), close_sdk::Error> {
/// // `activity` from `client.activities().list().paginate()`
/// match activity.into_kind()? {
///     TypedActivity::Call(call) => println!("a call of {:?} s", call.duration),
///     TypedActivity::Note(note) => println!("a note: {:?}", note.id),
///     other => println!("another kind: {other:?}"),
/// }
/// # Ok(()) }
/// let call: Activity = serde_json::from_value(serde_json::json!({
///     "_type": "Call", "id": "acti_1", "duration": 90, "disposition": "answered"
/// }))
/// .unwrap();
/// run(call).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TypedActivity {
    /// `_type: "Call"` (`/activity/call/`).
    Call(CallActivity),
    /// `_type: "Created"` (`/activity/created/`).
    Created(CreatedActivity),
    /// `_type: "CustomActivity"` (`/activity/custom/`).
    Custom(CustomActivity),
    /// `_type: "Email"` (`/activity/email/`).
    Email(EmailActivity),
    /// `_type: "EmailThread"` (`/activity/emailthread/`).
    EmailThread(EmailThreadActivity),
    /// `_type: "FormSubmission"` (`/activity/form_submission/`).
    FormSubmission(FormSubmissionActivity),
    /// `_type: "ImportUpdate"` (`/activity/import_update/`).
    ImportUpdate(ImportUpdateActivity),
    /// `_type: "LeadMerge"` (`/activity/lead_merge/`).
    LeadMerge(LeadMergeActivity),
    /// `_type: "LeadStatusChange"` (`/activity/status_change/lead/`).
    LeadStatusChange(LeadStatusChangeActivity),
    /// `_type: "Meeting"` (`/activity/meeting/`).
    Meeting(MeetingActivity),
    /// `_type: "Note"` (`/activity/note/`).
    Note(NoteActivity),
    /// `_type: "OpportunityStatusChange"` (`/activity/status_change/opportunity/`).
    OpportunityStatusChange(OpportunityStatusChangeActivity),
    /// `_type: "SMS"` (`/activity/sms/`).
    Sms(SmsActivity),
    /// `_type: "TaskCompleted"` (`/activity/task_completed/`).
    TaskCompleted(TaskCompletionActivity),
    /// `_type: "WhatsAppMessage"` (`/activity/whatsapp_message/`).
    WhatsAppMessage(WhatsAppMessageActivity),
    /// A kind without a struct of its own (a kind this SDK does not know, or no `_type`): the
    /// activity as it came.
    Other(Activity),
}

/// `activity`'s JSON read as `T`; a member `T` types differently from what Close sent is
/// [`Error::Decode`] with that JSON (redacted and cut as every undecodable answer is).
fn reread<T: serde::de::DeserializeOwned>(activity: &Activity) -> Result<T, Error> {
    let value = serde_json::to_value(activity).map_err(|e| Error::decode(b"", e))?;
    serde_json::from_value(value.clone()).map_err(|e| {
        let body = serde_json::to_vec(&value).unwrap_or_default();
        Error::decode(&body, e)
    })
}

impl Activity {
    /// This activity as the typed struct of its kind ([`TypedActivity`]), losing nothing: what
    /// the kind's struct does not type stays in its `extra`. An activity whose kind has no
    /// struct is [`TypedActivity::Other`].
    ///
    /// Fails ([`Error::Decode`]) only where fetching the activity from its kind's own endpoint
    /// would: a member the kind's struct types (e.g. a number) holding something else.
    pub fn into_kind(self) -> Result<TypedActivity, Error> {
        // Exhaustive on purpose: a kind added to `ActivityKind` must be placed here.
        Ok(match &self.type_ {
            Some(ActivityKind::Call) => TypedActivity::Call(reread(&self)?),
            Some(ActivityKind::Created) => TypedActivity::Created(reread(&self)?),
            Some(ActivityKind::CustomActivity) => TypedActivity::Custom(reread(&self)?),
            Some(ActivityKind::Email) => TypedActivity::Email(reread(&self)?),
            Some(ActivityKind::EmailThread) => TypedActivity::EmailThread(reread(&self)?),
            Some(ActivityKind::FormSubmission) => TypedActivity::FormSubmission(reread(&self)?),
            Some(ActivityKind::LeadMerge) => TypedActivity::LeadMerge(reread(&self)?),
            Some(ActivityKind::LeadStatusChange) => TypedActivity::LeadStatusChange(reread(&self)?),
            Some(ActivityKind::Meeting) => TypedActivity::Meeting(reread(&self)?),
            Some(ActivityKind::Note) => TypedActivity::Note(reread(&self)?),
            Some(ActivityKind::OpportunityStatusChange) => {
                TypedActivity::OpportunityStatusChange(reread(&self)?)
            }
            Some(ActivityKind::Sms) => TypedActivity::Sms(reread(&self)?),
            Some(ActivityKind::TaskCompleted) => TypedActivity::TaskCompleted(reread(&self)?),
            Some(ActivityKind::WhatsAppMessage) => TypedActivity::WhatsAppMessage(reread(&self)?),
            Some(ActivityKind::ImportUpdate) => TypedActivity::ImportUpdate(reread(&self)?),
            Some(ActivityKind::Unknown(_)) | None => TypedActivity::Other(self),
        })
    }
}

impl TypedActivity {
    /// The activity's JSON as Close sent it (what the generic list answered).
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            TypedActivity::Call(a) => serde_json::to_value(a),
            TypedActivity::Created(a) => serde_json::to_value(a),
            TypedActivity::Custom(a) => serde_json::to_value(a),
            TypedActivity::Email(a) => serde_json::to_value(a),
            TypedActivity::EmailThread(a) => serde_json::to_value(a),
            TypedActivity::FormSubmission(a) => serde_json::to_value(a),
            TypedActivity::ImportUpdate(a) => serde_json::to_value(a),
            TypedActivity::LeadMerge(a) => serde_json::to_value(a),
            TypedActivity::LeadStatusChange(a) => serde_json::to_value(a),
            TypedActivity::Meeting(a) => serde_json::to_value(a),
            TypedActivity::Note(a) => serde_json::to_value(a),
            TypedActivity::OpportunityStatusChange(a) => serde_json::to_value(a),
            TypedActivity::Sms(a) => serde_json::to_value(a),
            TypedActivity::TaskCompleted(a) => serde_json::to_value(a),
            TypedActivity::WhatsAppMessage(a) => serde_json::to_value(a),
            TypedActivity::Other(a) => serde_json::to_value(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_travel_and_other_kinds_stay_activities() {
        let sent = json!({
            "_type": "Note", "id": "acti_1", "note": "Met", "not_in_any_schema": {"a": [1, 2]},
            "contact_id": null
        });
        let activity: Activity = serde_json::from_value(sent.clone()).unwrap();
        let typed = activity.into_kind().unwrap();
        let TypedActivity::Note(note) = &typed else {
            panic!("{typed:?}")
        };
        assert_eq!(note.id.as_deref(), Some("acti_1"));
        assert_eq!(typed.to_json().unwrap(), sent);

        let import = json!({"_type": "ImportUpdate", "id": "a"});
        let a: Activity = serde_json::from_value(import.clone()).unwrap();
        let typed = a.into_kind().unwrap();
        assert!(matches!(typed, TypedActivity::ImportUpdate(_)), "{typed:?}");
        assert_eq!(typed.to_json().unwrap(), import);

        for other in [json!({"_type": "Zzz"}), json!({})] {
            let a: Activity = serde_json::from_value(other.clone()).unwrap();
            let typed = a.into_kind().unwrap();
            assert!(matches!(typed, TypedActivity::Other(_)), "{typed:?}");
            assert_eq!(typed.to_json().unwrap(), other);
        }
    }
}
