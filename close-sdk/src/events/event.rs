//! The event Close returns from its event log and posts to webhooks, typed.
//!
//! Field list from Close's Event Log page ("Event format": `date_created`, `date_updated`,
//! `organization_id`, `user_id`, `request_id`, `api_key_id`, `object_type`, `object_id`,
//! `lead_id`, `action`, `changed_fields`, `data`, `previous_data`, `meta`). Every field but `id`
//! may be missing, `null` or of another shape (it then decodes as its default; a missing
//! `object_type` or `action` as `Other("")`); fields Close adds later are kept in
//! `extra`, and object types and actions the SDK does not know are kept as text.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::Timestamp;

/// One entry of Close's event log: what happened to which object, with its data before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event id (`ev_…`).
    pub id: String,
    /// The kind of object affected (`lead`, `activity.call`, `task.lead`, …); missing, `null`
    /// or not text: `Other("")`.
    #[serde(default, deserialize_with = "lenient")]
    pub object_type: ObjectType,
    /// What happened (`created`, `updated`, `deleted`, `merged`, …); missing, `null` or not
    /// text: `Other("")`.
    #[serde(default, deserialize_with = "lenient")]
    pub action: Action,
    /// The id of the object affected.
    #[serde(default, deserialize_with = "lenient")]
    pub object_id: Option<String>,
    /// The lead the object belongs to, if any (the lead itself for lead events).
    #[serde(default, deserialize_with = "lenient")]
    pub lead_id: Option<String>,
    /// The organization.
    #[serde(default, deserialize_with = "lenient")]
    pub organization_id: Option<String>,
    /// The user who caused the event, or `None` when no user action did.
    #[serde(default, deserialize_with = "lenient")]
    pub user_id: Option<String>,
    /// The request that caused it; events of one request share it.
    #[serde(default, deserialize_with = "lenient")]
    pub request_id: Option<String>,
    /// The API key used, when the change came through the API with a key.
    #[serde(default, deserialize_with = "lenient")]
    pub api_key_id: Option<String>,
    /// When the event was created.
    #[serde(default, deserialize_with = "lenient")]
    pub date_created: Option<Timestamp>,
    /// When it was last updated: Close consolidates quick successive changes to one object into
    /// one event, moving `date_updated` and keeping `date_created`.
    #[serde(default, deserialize_with = "lenient")]
    pub date_updated: Option<Timestamp>,
    /// The fields that changed (for `updated`).
    #[serde(default, deserialize_with = "strings_only")]
    pub changed_fields: Vec<String>,
    /// The object after the change (`null` for deletes; for non-admins only within an hour).
    #[serde(default)]
    pub data: Value,
    /// The changed fields' values before the change (every field for deletes).
    #[serde(default)]
    pub previous_data: Value,
    /// Context: the request's method and path, merge sources, bulk action.
    #[serde(default, deserialize_with = "lenient")]
    pub meta: EventMeta,
    /// Fields the SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Event {
    /// `data` decoded as `T` (e.g. one of the SDK's types), or `None` when it is `null` or absent.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error> {
        decode_object(&self.data)
    }

    /// `previous_data` decoded as `T`, or `None` when it is `null` or absent.
    pub fn previous_data_as<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error> {
        decode_object(&self.previous_data)
    }

    /// Whether `field` is among [`Event::changed_fields`].
    pub fn changed(&self, field: &str) -> bool {
        self.changed_fields.iter().any(|f| f == field)
    }
}

fn decode_object<T: DeserializeOwned>(value: &Value) -> Result<Option<T>, serde_json::Error> {
    match value {
        Value::Null => Ok(None),
        v => T::deserialize(v).map(Some),
    }
}

/// The `meta` of an event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventMeta {
    /// The HTTP method of the request that caused the event.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_method: Option<String>,
    /// The path of that request.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_path: Option<String>,
    /// The bulk action that caused it.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub bulk_action_id: Option<String>,
    /// For a merge: the lead merged away.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub merge_source_lead_id: Option<String>,
    /// For a merge: the lead that remains.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub merge_destination_lead_id: Option<String>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An optional member of the wrong shape (a number for an id, a space-separated or empty date,
/// text for `meta`) decodes as its default: a verified delivery is never lost over a field the
/// receiver may not even read. (The member's raw value is not kept.)
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + serde::de::DeserializeOwned,
{
    let value = Value::deserialize(d)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// `changed_fields`: the strings of a list (anything else in it is skipped), a lone string as a
/// list of one; anything else: empty.
fn strings_only<'de, D>(d: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        Value::String(s) => vec![s],
        _ => Vec::new(),
    })
}

/// Defines an open enum: known values as variants, anything else kept in `Other`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )* }
        $(prefixed { $(#[$pmeta:meta])* $pvariant:ident = $prefix:literal })?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Eq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            $( $(#[$pmeta])* $pvariant(String), )?
            /// A value the SDK does not know (kept as sent).
            Other(String),
        }

        impl $name {
            /// The value as Close writes it.
            pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
                match self {
                    $( $name::$variant => std::borrow::Cow::Borrowed($text), )*
                    $( $name::$pvariant(sub) => std::borrow::Cow::Owned(format!("{}{}", $prefix, sub)), )?
                    $name::Other(s) => std::borrow::Cow::Borrowed(s),
                }
            }

            /// Reads Close's text; never fails (unknown text becomes `Other`).
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )*
                    $( t if t.len() > $prefix.len() && t.starts_with($prefix) => {
                        $name::$pvariant(t[$prefix.len()..].to_string())
                    } )?
                    other => $name::Other(other.to_string()),
                }
            }
        }

        /// `Other("")`: what a missing or unreadable value decodes as.
        impl Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.as_str())
            }
        }

        /// Values compare by their text, so `Other("lead")` equals `Lead`.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<str>::deserialize(d)?;
                Ok($name::parse(&text))
            }
        }
    };
}

open_enum! {
    /// The kind of object an event is about, from Close's "List of Event Types" page.
    ///
    /// ```
    /// use close_sdk::events::ObjectType;
    /// assert_eq!(ObjectType::parse("activity.call"), ObjectType::Call);
    /// assert_eq!(ObjectType::parse("task.lead"), ObjectType::Task("lead".into()));
    /// assert_eq!(ObjectType::parse("hologram"), ObjectType::Other("hologram".into()));
    /// assert_eq!(ObjectType::Call.as_str(), "activity.call");
    /// ```
    ObjectType {
        /// `lead`
        Lead = "lead",
        /// `contact`
        Contact = "contact",
        /// `opportunity`
        Opportunity = "opportunity",
        /// `activity.email`
        Email = "activity.email",
        /// `activity.email_thread`
        EmailThread = "activity.email_thread",
        /// `activity.call`
        Call = "activity.call",
        /// `activity.sms`
        Sms = "activity.sms",
        /// `activity.whatsapp_message`
        WhatsappMessage = "activity.whatsapp_message",
        /// `activity.note`
        Note = "activity.note",
        /// `activity.meeting`
        Meeting = "activity.meeting",
        /// `activity.form_submission`
        FormSubmission = "activity.form_submission",
        /// `activity.lead_status_change`
        LeadStatusChange = "activity.lead_status_change",
        /// `activity.opportunity_status_change`
        OpportunityStatusChange = "activity.opportunity_status_change",
        /// `activity.task_completed`
        TaskCompleted = "activity.task_completed",
        /// `activity.custom_activity`
        CustomActivity = "activity.custom_activity",
        /// `unsubscribed_email`
        UnsubscribedEmail = "unsubscribed_email",
        /// `import`
        Import = "import",
        /// `export.lead`
        ExportLead = "export.lead",
        /// `export.opportunity`
        ExportOpportunity = "export.opportunity",
        /// `bulk_action.delete`
        BulkDelete = "bulk_action.delete",
        /// `bulk_action.edit`
        BulkEdit = "bulk_action.edit",
        /// `bulk_action.email`
        BulkEmail = "bulk_action.email",
        /// `bulk_action.sequence_subscription`
        BulkSequenceSubscription = "bulk_action.sequence_subscription",
        /// `custom_fields.lead`
        CustomFieldsLead = "custom_fields.lead",
        /// `custom_fields.contact`
        CustomFieldsContact = "custom_fields.contact",
        /// `custom_fields.opportunity`
        CustomFieldsOpportunity = "custom_fields.opportunity",
        /// `custom_fields.activity`
        CustomFieldsActivity = "custom_fields.activity",
        /// `custom_fields.custom_object`
        CustomFieldsCustomObject = "custom_fields.custom_object",
        /// `custom_fields.shared`
        CustomFieldsShared = "custom_fields.shared",
        /// `custom_activity_type`
        CustomActivityType = "custom_activity_type",
        /// `custom_object_type`
        CustomObjectType = "custom_object_type",
        /// `custom_object`
        CustomObject = "custom_object",
        /// `status.lead`
        LeadStatus = "status.lead",
        /// `status.opportunity`
        OpportunityStatus = "status.opportunity",
        /// `membership`
        Membership = "membership",
        /// `group`
        Group = "group",
        /// `saved_search`
        SavedSearch = "saved_search",
        /// `phone_number`
        PhoneNumber = "phone_number",
        /// `email_template`
        EmailTemplate = "email_template",
        /// `sms_template`
        SmsTemplate = "sms_template",
        /// `sequence`
        Sequence = "sequence",
        /// `sequence_subscription`
        SequenceSubscription = "sequence_subscription",
        /// `comment`
        Comment = "comment",
        /// `comment_thread`
        CommentThread = "comment_thread",
        /// `lead_merge`
        LeadMerge = "lead_merge",
    }
    prefixed {
        /// `task.<subtype>` (e.g. `task.lead`), holding the subtype.
        Task = "task."
    }
}

impl ObjectType {
    /// Whether this is an activity (`activity.…`).
    pub fn is_activity(&self) -> bool {
        self.as_str().starts_with("activity.")
    }
}

open_enum! {
    /// What happened to the object, from Close's "List of Event Types" page.
    ///
    /// ```
    /// use close_sdk::events::Action;
    /// assert_eq!(Action::parse("merged"), Action::Merged);
    /// assert_eq!(Action::parse("teleported").as_str(), "teleported");
    /// ```
    Action {
        /// `created`
        Created = "created",
        /// `updated`
        Updated = "updated",
        /// `deleted`
        Deleted = "deleted",
        /// `merged` (leads)
        Merged = "merged",
        /// `completed` (tasks, calls, meetings, imports, exports, bulk actions)
        Completed = "completed",
        /// `sent` (emails, SMS)
        Sent = "sent",
        /// `answered` (calls)
        Answered = "answered",
        /// `scheduled` (meetings)
        Scheduled = "scheduled",
        /// `started` (meetings)
        Started = "started",
        /// `canceled` (meetings)
        Canceled = "canceled",
        /// `activated` (memberships)
        Activated = "activated",
        /// `deactivated` (memberships)
        Deactivated = "deactivated",
        /// `reverting` (imports)
        Reverting = "reverting",
        /// `reverted` (imports)
        Reverted = "reverted",
        /// `paused` (bulk actions)
        Paused = "paused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_round_trip_known_prefixed_and_unknown_values() {
        for text in [
            "lead",
            "activity.call",
            "task.email_followup",
            "status.opportunity",
            "x.y",
        ] {
            let t = ObjectType::parse(text);
            assert_eq!(t.as_str(), text);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<ObjectType>(&json).unwrap(), t);
        }
        assert_eq!(
            ObjectType::parse("task."),
            ObjectType::Other("task.".into())
        );
        assert_eq!(ObjectType::Other("lead".into()), ObjectType::Lead);
        assert!(ObjectType::Call.is_activity() && !ObjectType::Lead.is_activity());
        assert_eq!(Action::parse(""), Action::Other(String::new()));
    }

    #[test]
    fn a_minimal_event_decodes_and_nulls_become_defaults() {
        let e: Event = serde_json::from_str(
            r#"{"id":"ev_1","object_type":"lead","action":"deleted","changed_fields":null,
                "meta":null,"data":null,"new_field":1}"#,
        )
        .unwrap();
        assert!(e.changed_fields.is_empty() && e.meta == EventMeta::default());
        assert_eq!(e.data_as::<Value>().unwrap(), None);
        assert_eq!(e.extra.get("new_field"), Some(&Value::from(1)));
        let odd: Event =
            serde_json::from_str(r#"{"id":"ev_2","action":null,"object_type":{"x":1}}"#).unwrap();
        assert_eq!((odd.action, odd.object_type), Default::default());
    }
}
