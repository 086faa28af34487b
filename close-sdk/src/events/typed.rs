//! An event's `data` / `previous_data` as the SDK's own types, where it has one.
//!
//! Which type goes with which `object_type`: `lead` → [`types::Lead`], `contact` →
//! [`types::Contact`], `opportunity` → [`types::Opportunity`], `activity.call` / `.email` /
//! `.sms` / `.form_submission` / `.whatsapp_message` → the activity types, `membership` →
//! [`types::Membership`], `group` → [`types::Group`], each when its resource feature is on.
//! Everything else (tasks, notes, meetings, custom objects, … and object types Close adds later)
//! stays JSON. Deleted objects' `data` is `null`: [`EventData::Absent`].

#[allow(unused_imports)]
use crate::types;
use serde_json::Value;

use super::event::{Event, ObjectType};

/// An event's `data` (or `previous_data`), typed when the SDK has a type for its object.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// `lead`
    #[cfg(feature = "leads")]
    Lead(Box<types::Lead>),
    /// `contact`
    #[cfg(any(feature = "contacts", feature = "leads"))]
    Contact(Box<types::Contact>),
    /// `opportunity`
    #[cfg(any(feature = "leads", feature = "opportunities"))]
    Opportunity(Box<types::Opportunity>),
    /// `activity.call`
    #[cfg(feature = "activities")]
    Call(Box<types::CallActivity>),
    /// `activity.email`
    #[cfg(feature = "activities")]
    Email(Box<types::EmailActivity>),
    /// `activity.sms`
    #[cfg(feature = "activities")]
    Sms(Box<types::SmsActivity>),
    /// `activity.form_submission`
    #[cfg(feature = "activities")]
    FormSubmission(Box<types::FormSubmissionActivity>),
    /// `activity.whatsapp_message`
    #[cfg(feature = "activities")]
    WhatsappMessage(Box<types::WhatsAppMessageActivity>),
    /// `membership`
    #[cfg(any(feature = "memberships", feature = "users"))]
    Membership(Box<types::Membership>),
    /// `group`
    #[cfg(feature = "groups")]
    Group(Box<types::Group>),
    /// An object the SDK has no type for (or whose feature is off), as JSON.
    Json(Value),
    /// No data (`null` or absent, e.g. a deleted object's `data`).
    Absent,
}

impl Event {
    /// `data` as the SDK's type for this object type. Never fails: an object without a type,
    /// and data that does not decode as its type, come back as [`EventData::Json`].
    pub fn typed_data(&self) -> EventData {
        typed(&self.object_type, &self.data).unwrap_or_else(|_| EventData::Json(self.data.clone()))
    }

    /// `data` as the SDK's type, or why it does not decode as that type.
    pub fn try_typed_data(&self) -> Result<EventData, serde_json::Error> {
        typed(&self.object_type, &self.data)
    }

    /// `previous_data` as the SDK's type. For an update it holds only the changed fields (a
    /// partial object: the other members are `None`); for a delete it holds the whole object.
    pub fn typed_previous_data(&self) -> EventData {
        typed(&self.object_type, &self.previous_data)
            .unwrap_or_else(|_| EventData::Json(self.previous_data.clone()))
    }
}

#[allow(unused_macros)]
macro_rules! decode {
    ($variant:ident, $value:expr) => {
        serde_json::from_value($value.clone()).map(|t| EventData::$variant(Box::new(t)))
    };
}

fn typed(object_type: &ObjectType, value: &Value) -> Result<EventData, serde_json::Error> {
    if value.is_null() {
        return Ok(EventData::Absent);
    }
    match object_type {
        #[cfg(feature = "leads")]
        ObjectType::Lead => decode!(Lead, value),
        #[cfg(any(feature = "contacts", feature = "leads"))]
        ObjectType::Contact => decode!(Contact, value),
        #[cfg(any(feature = "leads", feature = "opportunities"))]
        ObjectType::Opportunity => decode!(Opportunity, value),
        #[cfg(feature = "activities")]
        ObjectType::Call => decode!(Call, value),
        #[cfg(feature = "activities")]
        ObjectType::Email => decode!(Email, value),
        #[cfg(feature = "activities")]
        ObjectType::Sms => decode!(Sms, value),
        #[cfg(feature = "activities")]
        ObjectType::FormSubmission => decode!(FormSubmission, value),
        #[cfg(feature = "activities")]
        ObjectType::WhatsappMessage => decode!(WhatsappMessage, value),
        #[cfg(any(feature = "memberships", feature = "users"))]
        ObjectType::Membership => decode!(Membership, value),
        #[cfg(feature = "groups")]
        ObjectType::Group => decode!(Group, value),
        _ => Ok(EventData::Json(value.clone())),
    }
}
