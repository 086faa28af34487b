//! An [axum] extractor that verifies a delivery before your handler runs (feature `axum`).
//!
//! Put a [`Verifier`] in your router's state (or anything it can be taken from with
//! [`FromRef`]) and take [`VerifiedDelivery`] as the handler's last argument. A refused request
//! never reaches the handler: it gets `401` (signature, timestamp or their headers), `413` (body
//! over the limit) or `400` (not a delivery), with the reason as text.
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
use super::verify::{Verifier, WebhookError};

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
        let limit = verifier.get_body_limit();
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
            if e.into_inner().is::<http_body_util::LengthLimitError>() {
                WebhookError::BodyTooLarge { limit }
            } else {
                WebhookError::BodyUnreadable
            }
        })?;
        verifier
            .verify(&bytes, &parts.headers)
            .map(VerifiedDelivery)
    }
}

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let status = match &self {
            WebhookError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            e if e.is_unauthenticated() => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}
