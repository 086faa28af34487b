//! The third side: the same call through a *plain* progenitor client (`plain_client.rs`,
//! generated from `openapi/close.json` with progenitor's defaults and no hooks), set up the way a
//! user of such a client would: a `reqwest::Client` whose default headers carry the
//! `Authorization` and `User-Agent`.
#![forbid(unsafe_code)]

use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, USER_AGENT};

use crate::plain_client::{types, Client, Error};
use crate::BoxError;

/// A plain progenitor client, shared by the calls in flight.
#[derive(Clone)]
pub struct Plain {
    client: Arc<Client>,
}

impl Plain {
    /// A client for `base_url` over `http` (built with [`crate::http_client_builder`]), sending
    /// `authorization` and `user_agent` with every request.
    pub fn new(
        base_url: &str,
        http: reqwest::ClientBuilder,
        authorization: HeaderValue,
        user_agent: HeaderValue,
    ) -> Result<Self, BoxError> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(USER_AGENT, user_agent);
        let http = http.default_headers(headers).build()?;
        Ok(Plain {
            client: Arc::new(Client::new_with_client(base_url, http)),
        })
    }

    /// `POST /membership/` through the generated builder.
    pub async fn create_membership(
        &self,
        email: &str,
    ) -> Result<types::Membership, Error<types::ErrorBody>> {
        let response = self
            .client
            .memberships_create()
            .body_map(|b| b.email(email).role_id("user"))
            .send()
            .await?;
        Ok(response.into_inner())
    }

    /// `GET /membership/{id}/pinned_views/` through the generated builder.
    pub async fn pinned_views(
        &self,
        id: &str,
    ) -> Result<types::PinnedViews, Error<types::ErrorBody>> {
        let response = self
            .client
            .memberships_get_pinned_views()
            .id(id)
            .send()
            .await?;
        Ok(response.into_inner())
    }
}
