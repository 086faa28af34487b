//! Receiving Close's webhooks: signature verification and typed events (feature `webhooks`).
//!
//! Close POSTs every event that matches a subscription to the subscription's URL. Anyone can
//! POST to that URL, so a receiver must check that a delivery was signed with the
//! subscription's key before acting on it. [`verify`] does that and returns the typed
//! [`Delivery`]; it works with any web framework (raw body bytes and an [`http::HeaderMap`]),
//! and `webhooks::axum::VerifiedDelivery` (feature `axum`) does it as an extractor.
//! Subscriptions are created, changed and listed through `client.webhooks()` (`list()`,
//! `create(body)`, `update(id, body)`, …), or with [`crate::WebhooksExt`], which checks a
//! [`NewSubscription`] before sending it; their `signature_key` arrives as a [`SignatureKey`].
//!
//! ```
//! use close_sdk::webhooks::{self, ObjectType, SignatureKey, VerifyOptions};
//!
//! # fn handle(body: &[u8], headers: &http::HeaderMap) -> Result<(), Box<dyn std::error::Error>> {
//! // The `signature_key` Close returned when the subscription was created.
//! let key: SignatureKey = std::env::var("CLOSE_SIGNATURE_KEY")?.parse()?;
//! let delivery = webhooks::verify(body, headers, &key, &VerifyOptions::default())?;
//! if delivery.event.object_type == ObjectType::Opportunity && delivery.event.changed("status_id") {
//!     println!("opportunity {:?} changed status", delivery.event.object_id);
//! }
//! # Ok(()) }
//! ```
//!
//! # What Close documents, and where
//!
//! - Signing, from the "Webhook Signatures" section of Close's webhooks page
//!   (developer.close.com/topics/webhooks/#webhook-signatures, now
//!   developer.close.com/api/resources/webhooks): "The subscription API's POST response includes
//!   a `signature_key` value that will be used to sign Webhooks for the subscription. The
//!   signature and signing timestamp is available in the following two headers of each POST
//!   request to your endpoint": `close-sig-hash` and `close-sig-timestamp` (example values
//!   `aa4fea8d…ee431` and `1544271440`). "The signature in the `close-sig-hash` header is the
//!   sha256 HMAC of the `close-sig-timestamp` and payload concatenated." Its Python example keys
//!   the HMAC with `bytearray.fromhex(key)` (the key hex-decoded), signs
//!   `headers['close-sig-timestamp'] + payload`, compares `hexdigest()` with
//!   `hmac.compare_digest`. Public receivers agree (e.g. `thermondo/closeio`,
//!   `closeio/contrib/django/utils.py`, whose test vector this crate's tests also check).
//! - The timestamp's unit is not stated; the example (`1544271440`) and every public receiver
//!   read Unix seconds. The page says nothing about a tolerance; see below.
//! - Delivery, same page: "Failed deliveries are retried with a retry interval that
//!   exponentially backs off up to every 20 minutes. They will be retried up to 72 hours before
//!   being dropped." "Event ordering is not guaranteed due to event consolidation, parallelism,
//!   and retries." "For `updated` or `deleted` actions, webhooks fire after a consolidation
//!   delay." So a receiver must accept events out of order and more than once (use
//!   [`Event::id`] and [`Event::date_updated`] to de-duplicate).
//! - The envelope: the page's example is `{"event": {…}, "subscription_id": "whsub_…"}`; the
//!   event fields are the Event Log page's "Event format"; object types and actions are the
//!   "List of Event Types" page ([`ObjectType`], [`Action`]). The pages disagree on some
//!   spellings (the Event Log page cites `status_change.opportunity`, the list
//!   `activity.opportunity_status_change`; the OpenAPI example of `GET /event/{id}/` has
//!   `object_type: "note"`), so both enums keep any text they do not know.
//!
//! # The tolerance
//!
//! [`DEFAULT_TOLERANCE`] is 5 minutes either way, configurable ([`VerifyOptions::tolerance`]).
//! Close states none. Five minutes is what Stripe's libraries default to (`DefaultTolerance =
//! 300 * time.Second`) and what public Close receivers use: long enough for clock skew and a slow
//! network, short enough that a captured request cannot be replayed later. Close calls the
//! header the *signing* timestamp "of each POST request", i.e. a retry is signed anew; if your
//! receiver sees refusals for old timestamps, that reading is wrong and a longer tolerance (or the
//! event log) is the fix. Future timestamps are refused by the same margin.
//!
//! Verification never parses the body before the signature and timestamp have passed, and
//! [`SignatureKey`] never appears in `Debug`, `Display` or an error.

#[cfg(feature = "axum")]
pub mod axum;
mod delivery;
mod key;
mod subscription;
mod verify;

pub use crate::events::{Action, Event, EventData, EventMeta, ObjectType};
/// A webhook subscription as Close returns it: the generated type (from `openapi/overlay.yaml`),
/// whose `signature_key` is a [`SignatureKey`] (never in `Debug`), `events` typed
/// [`SubscriptionEvent`]s and `status` the open [`SubscriptionStatus`].
pub use crate::types::WebhookSubscription;
pub use delivery::Delivery;
pub use key::{InvalidSignatureKey, SignatureKey};
pub use subscription::{
    NewSubscription, SubscriptionEvent, SubscriptionStatus, SubscriptionUpdate, WebhookFilter,
};
pub use verify::{
    signature, signed_headers, verify, verify_signature, Verifier, VerifyOptions, WebhookError,
    DEFAULT_BODY_LIMIT, DEFAULT_TOLERANCE, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

// The generated `/webhook/` request and response types and the requests
// `client.webhooks()` returns (`client.webhooks().create(body)`, …).
pub use crate::generated::by_resource::webhooks::*;
