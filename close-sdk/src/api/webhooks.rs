//! `WebhooksExt`: webhook subscriptions (`/webhook/`) as plain async calls.

use std::future::Future;

use progenitor_client::encode_path;

use super::call::path_id;
use super::request::{send, send_ignoring_body};
use crate::webhooks::{NewSubscription, SubscriptionUpdate, WebhookSubscription};
use crate::{Client, Error};

/// Webhook subscriptions as one call each. The subscription's
/// [`signature_key`](WebhookSubscription::signature_key) is a
/// [`SignatureKey`](crate::webhooks::SignatureKey): give it to
/// [`webhooks::verify`](crate::webhooks::verify) in your receiver.
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use close_sdk::webhooks::{Action, NewSubscription, ObjectType, SubscriptionEvent};
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let sub = client
///     .create_webhook(
///         NewSubscription::new("https://example.com/close")
///             .event(SubscriptionEvent::new(ObjectType::Opportunity, Action::Updated)),
///     )
///     .await?;
/// if let Some(key) = &sub.signature_key {
///     let hex = key.expose_hex(); // store it with your receiver's secrets
/// #   let _ = hex;
/// }
/// # Ok(()) }
/// ```
pub trait WebhooksExt {
    /// `GET /webhook/`: the organization's subscriptions, through
    /// `client.webhooks().list().paginate()`: Close documents no `_skip`/`_limit` for this list,
    /// so it is one request, and an answer saying `has_more: true` is
    /// [`Error::InvalidResponse`] (never a silently short list).
    fn list_webhooks(&self)
        -> impl Future<Output = Result<Vec<WebhookSubscription>, Error>> + Send;

    /// `POST /webhook/`: a new subscription (checked first: an absolute http(s) URL and at least
    /// one event). Its answer carries the `signature_key`.
    fn create_webhook(
        &self,
        subscription: NewSubscription,
    ) -> impl Future<Output = Result<WebhookSubscription, Error>> + Send;

    /// `GET /webhook/{id}/`: one subscription.
    fn get_webhook(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<WebhookSubscription, Error>> + Send;

    /// `PUT /webhook/{id}/`: changes the fields set in `update` (e.g. pauses it).
    fn update_webhook(
        &self,
        id: &str,
        update: SubscriptionUpdate,
    ) -> impl Future<Output = Result<WebhookSubscription, Error>> + Send;

    /// `DELETE /webhook/{id}/`: removes the subscription.
    fn delete_webhook(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

impl WebhooksExt for Client {
    #[inline]
    async fn list_webhooks(&self) -> Result<Vec<WebhookSubscription>, Error> {
        self.webhooks().list().paginate().collect_all().await
    }

    #[inline]
    async fn create_webhook(
        &self,
        subscription: NewSubscription,
    ) -> Result<WebhookSubscription, Error> {
        subscription.validate()?;
        send(
            self,
            "webhooks_create",
            reqwest::Method::POST,
            "/webhook/",
            &[],
            Some(&subscription),
        )
        .await
    }

    #[inline]
    async fn get_webhook(&self, id: &str) -> Result<WebhookSubscription, Error> {
        let id = path_id("webhooks_get", "id", id)?;
        send(
            self,
            "webhooks_get",
            reqwest::Method::GET,
            &format!("/webhook/{}/", encode_path(id)),
            &[],
            None::<&()>,
        )
        .await
    }

    #[inline]
    async fn update_webhook(
        &self,
        id: &str,
        update: SubscriptionUpdate,
    ) -> Result<WebhookSubscription, Error> {
        let id = path_id("webhooks_update", "id", id)?;
        update.validate()?;
        send(
            self,
            "webhooks_update",
            reqwest::Method::PUT,
            &format!("/webhook/{}/", encode_path(id)),
            &[],
            Some(&update),
        )
        .await
    }

    #[inline]
    async fn delete_webhook(&self, id: &str) -> Result<(), Error> {
        let id = path_id("webhooks_delete", "id", id)?;
        send_ignoring_body(
            self,
            "webhooks_delete",
            reqwest::Method::DELETE,
            &format!("/webhook/{}/", encode_path(id)),
        )
        .await
    }
}
