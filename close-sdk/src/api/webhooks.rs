//! `WebhooksExt`: webhook subscriptions (`/webhook/`) as plain async calls.

use std::future::Future;

use serde::Deserialize;

use progenitor_client::encode_path;

use super::call::path_id;
use super::pagination::{Page, Paginated, DEFAULT_PAGE_SIZE};
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
    /// `GET /webhook/`: the organization's subscriptions, every page: `has_more` is followed
    /// by Close's general offset rule (as for `/role/` and `/group/`): the first request has no
    /// `_skip`/`_limit` (Close's default page), later ones `_skip` = subscriptions received so
    /// far. A page repeating one already received fails the call instead of looping.
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

/// `GET /webhook/` is documented without an example answer: a list, or Close's usual
/// `{"data": [...], "has_more": ...}`, are both accepted.
#[derive(Deserialize)]
#[serde(untagged)]
enum SubscriptionList {
    Page {
        data: Vec<WebhookSubscription>,
        #[serde(default)]
        has_more: bool,
    },
    Bare(Vec<WebhookSubscription>),
}

impl WebhooksExt for Client {
    async fn list_webhooks(&self) -> Result<Vec<WebhookSubscription>, Error> {
        let client = self.clone();
        Paginated::new(DEFAULT_PAGE_SIZE, move |page| {
            let client = client.clone();
            async move {
                let query: Vec<(&'static str, String)> = match page.skip {
                    0 => Vec::new(),
                    skip => vec![("_skip", skip.to_string())],
                };
                let list: SubscriptionList = send(
                    &client,
                    "webhooks_list",
                    reqwest::Method::GET,
                    "/webhook/",
                    &query,
                    None::<&()>,
                )
                .await?;
                Ok(match list {
                    SubscriptionList::Page { data, has_more } => Page {
                        items: data,
                        has_more,
                    },
                    SubscriptionList::Bare(items) => Page {
                        items,
                        has_more: false,
                    },
                })
            }
        })
        .collect_all()
        .await
    }

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
