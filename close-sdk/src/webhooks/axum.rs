//! An [axum] extractor that verifies a delivery before your handler runs (feature `axum`).
//!
//! Put a [`Verifier`] in your router's state (or anything it can be taken from with
//! [`FromRef`]) and take [`VerifiedDelivery`] as the handler's last argument. A refused request
//! never reaches the handler: it gets `401` (signature, timestamp or their headers; a request
//! without them is refused before its body is read), `413` (body over the router's
//! `DefaultBodyLimit` — axum's default is 2 MB — or the verifier's own limit) or `400` (not a
//! delivery), with the reason as text.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use close_sdk::webhooks::{axum::VerifiedDelivery, SignatureKey, Verifier};
//!
//! async fn on_event(VerifiedDelivery(delivery): VerifiedDelivery) -> &'static str {
//!     println!("{} {}", delivery.event.object_type, delivery.event.action);
//!     "ok"
//! }
//!
//! # fn app(key: SignatureKey) -> Router {
//! Router::new().route("/close/webhook", post(on_event)).with_state(Verifier::new(key))
//! # }
//! ```

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::delivery::Delivery;
use super::verify::{Verifier, WebhookError, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// A delivery whose signature and timestamp checked out, decoded.
#[derive(Debug, Clone)]
pub struct VerifiedDelivery(pub Delivery);

impl<S> FromRequest<S> for VerifiedDelivery
where
    S: Send + Sync,
    Verifier: FromRef<S>,
{
    type Rejection = WebhookError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        // Without Close's signature headers the request is refused unread.
        let headers = req.headers().clone();
        for header in [SIGNATURE_HEADER, TIMESTAMP_HEADER] {
            if !headers.contains_key(header) {
                return Err(WebhookError::MissingHeader(header));
            }
        }
        // Read like axum's own body extractors: the router's `DefaultBodyLimit` applies (413).
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    WebhookError::BodyOverFrameworkLimit
                } else {
                    WebhookError::BodyUnreadable
                }
            })?;
        verifier.verify(&bytes, &headers).map(VerifiedDelivery)
    }
}

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let status = match &self {
            WebhookError::BodyTooLarge { .. } | WebhookError::BodyOverFrameworkLimit => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            e if e.is_unauthenticated() => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}
