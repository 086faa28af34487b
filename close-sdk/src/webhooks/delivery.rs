//! A webhook delivery: `{"event": {…}, "subscription_id": "whsub_…"}` (Close's webhooks page).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::events::Event;

/// One webhook delivery: the event and the subscription it matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The event (the same shape the event log returns).
    pub event: Event,
    /// The subscription (`whsub_…`) that matched it.
    /// A value that is not a string decodes as `None`, like the event's optional members.
    #[serde(
        default,
        deserialize_with = "lenient_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub subscription_id: Option<String>,
    /// Top-level fields the SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A string, or `None` for anything else (a number, an object, `null`).
fn lenient_string<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}
