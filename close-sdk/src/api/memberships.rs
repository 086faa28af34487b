//! `MembershipsExt`: the Memberships operations as plain async calls.

use std::future::Future;

use reqwest::StatusCode;

use super::call::{finish, path_id};
use crate::types::{
    BulkUpdateMemberships, BulkUpdateMembershipsParams, CreateMembership, Membership, PinnedViews,
    UpdateMembership,
};
use crate::{Client, EmailAddress, Error, Role};

/// The Memberships API as one call each, over the generated builders.
///
/// Input is validated before anything is sent; failures come back as [`Error`].
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use close_sdk::types::UpdateMembership;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let m = client.create_membership("john@salesteam.com", Role::User).await?;
/// let update = UpdateMembership { role_id: Patch::Set(Role::Superuser), ..Default::default() };
/// let id = m.id.as_deref().unwrap_or_default();
/// client.memberships().update(id, update).await?;
/// client.set_pinned_views(id, ["save_LCt6QxYsDbdJfMiIkLjBFJBkJTwS9TufXu3nSkHopXM"]).await?;
/// client.memberships().delete(id).await?;
/// # Ok(()) }
/// ```
pub trait MembershipsExt {
    /// `POST /membership/`: ensures an active membership for `email` with `role`, provisioning
    /// the user if needed.
    ///
    /// The role is sent as given. Close's sources disagree on whether a role granting
    /// `manage_organization` (such as [`Role::Admin`]) may be used here, so Close decides: a
    /// refusal is [`Error::Api`] with status 403 whose `Display` quotes Close's documented reason
    /// ([`ApiError::documented_reason`](crate::ApiError::documented_reason)) after Close's own
    /// message.
    fn create_membership(
        &self,
        email: &str,
        role: Role,
    ) -> impl Future<Output = Result<Membership, Error>> + Send;

    /// `PUT /membership/{id}/`: changes the fields set in `update` (others are left as they are).
    #[deprecated(note = "use `client.memberships().update(id, update)`")]
    fn update_membership(
        &self,
        id: &str,
        update: UpdateMembership,
    ) -> impl Future<Output = Result<Membership, Error>> + Send;

    /// `PUT /membership/`: applies `update` to every membership in `ids`; returns how many
    /// Close updated. Duplicate ids are sent once.
    fn bulk_update_memberships<I, S>(
        &self,
        ids: I,
        update: UpdateMembership,
    ) -> impl Future<Output = Result<u64, Error>> + Send
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>;

    /// `DELETE /membership/{id}/`: deactivates the membership, removing the user from the
    /// organization.
    #[deprecated(note = "use `client.memberships().delete(id)`")]
    fn delete_membership(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// `GET /membership/{id}/pinned_views/`: the ordered Smart View ids pinned for the member.
    fn pinned_views(&self, id: &str) -> impl Future<Output = Result<Vec<String>, Error>> + Send;

    /// `PUT /membership/{id}/pinned_views/`: replaces the whole ordered list; returns the new list.
    fn set_pinned_views<I, S>(
        &self,
        id: &str,
        saved_view_ids: I,
    ) -> impl Future<Output = Result<Vec<String>, Error>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>;
}

/// Close's documented reason for a 403 from `POST /membership/` (the `memberships_create`
/// response in Close's OpenAPI document, `openapi/close.json`).
pub(crate) const CREATE_MEMBERSHIP_FORBIDDEN: &str =
    "Membership creation is not permitted because the \
    requestor cannot manage the organization, the verified domain restriction is disabled, or the \
    requested role grants the `manage_organization` permission.";

/// The comma-separated `id__in` list of a bulk update, validated and de-duplicated.
#[inline]
pub(crate) fn id_list<I, S>(ids: I) -> Result<String, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut seen = std::collections::BTreeSet::new();
    let mut list: Vec<String> = Vec::new();
    for id in ids {
        let id = path_id("memberships_bulk_update", "_params.id__in", id.as_ref())?;
        if id.contains(',') {
            return Err(Error::InvalidRequest(format!(
                "membership id {id:?} contains a comma"
            )));
        }
        if seen.insert(id.to_string()) {
            list.push(id.to_string());
        }
    }
    if list.is_empty() {
        return Err(Error::InvalidRequest("no membership ids to update".into()));
    }
    Ok(list.join(","))
}

impl MembershipsExt for Client {
    #[inline]
    async fn create_membership(&self, email: &str, role: Role) -> Result<Membership, Error> {
        // The hot path (and every row of `provision_memberships`): the generated request,
        // which any 2xx answers (a POST: close-sdk-gen's `accept_any_2xx`).
        let email: EmailAddress = email.parse().map_err(Error::InvalidRequest)?;
        let body = CreateMembership {
            extra: Default::default(),
            email,
            role_id: role,
        };
        self.memberships_create()
            .body(body)
            .send()
            .await
            .map(crate::ResponseValue::into_inner)
            .map_err(|e| match e {
                Error::Api(mut api) if api.status == StatusCode::FORBIDDEN => {
                    api.documented_reason = Some(CREATE_MEMBERSHIP_FORBIDDEN);
                    Error::Api(api)
                }
                e => e,
            })
    }

    #[inline]
    async fn update_membership(
        &self,
        id: &str,
        update: UpdateMembership,
    ) -> Result<Membership, Error> {
        let id = path_id("memberships_update", "id", id)?;
        self.memberships().update(id, update).await
    }

    #[inline]
    fn bulk_update_memberships<I, S>(
        &self,
        ids: I,
        update: UpdateMembership,
    ) -> impl Future<Output = Result<u64, Error>> + Send
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        // Validate eagerly so the iterator does not need to be `Send`.
        let ids = id_list(ids);
        async move {
            let UpdateMembership {
                auto_record_calls,
                default_caller_id,
                hangup_recording_url,
                may_workflows_impersonate,
                role_id,
                track_email_opens,
                extra,
            } = update;
            // The update's catch-all goes along (the bulk body refuses a key naming a typed member).
            let body = BulkUpdateMemberships {
                extra,
                params: BulkUpdateMembershipsParams {
                    extra: Default::default(),
                    id_in: ids?
                        .parse()
                        .map_err(|e| Error::InvalidRequest(format!("{e}")))?,
                },
                auto_record_calls,
                default_caller_id,
                hangup_recording_url,
                may_workflows_impersonate,
                role_id,
                track_email_opens,
            };
            let result = finish(self.memberships_bulk_update().body(body).send().await).await?;
            super::call::needed(result.count, "count")
        }
    }

    #[inline]
    async fn delete_membership(&self, id: &str) -> Result<(), Error> {
        let id = path_id("memberships_delete", "id", id)?;
        self.memberships().delete(id).await
    }

    #[inline]
    async fn pinned_views(&self, id: &str) -> Result<Vec<String>, Error> {
        let id = path_id("memberships_get_pinned_views", "id", id)?;
        let views = finish(self.memberships_get_pinned_views().id(id).send().await).await?;
        super::call::needed(views.saved_view_ids, "saved_view_ids")
    }

    #[inline]
    fn set_pinned_views<I, S>(
        &self,
        id: &str,
        saved_view_ids: I,
    ) -> impl Future<Output = Result<Vec<String>, Error>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = saved_view_ids.into_iter().map(Into::into).collect();
        let id = path_id("memberships_update_pinned_views", "id", id).map(str::to_string);
        async move {
            let id = id?;
            if let Some(bad) = ids
                .iter()
                .find(|v| v.is_empty() || v.chars().any(char::is_whitespace))
            {
                return Err(Error::InvalidRequest(format!(
                    "saved view id {bad:?} is empty or contains whitespace"
                )));
            }
            let body = PinnedViews {
                extra: Default::default(),
                saved_view_ids: Some(ids),
            };
            let views = finish(
                self.memberships_update_pinned_views()
                    .id(id)
                    .body(body)
                    .send()
                    .await,
            )
            .await?;
            super::call::needed(views.saved_view_ids, "saved_view_ids")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_403_reason_is_the_spec_text() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../../openapi/close.json")).unwrap();
        assert_eq!(
            spec.pointer("/paths/~1membership~1/post/responses/403/description"),
            Some(&serde_json::Value::from(CREATE_MEMBERSHIP_FORBIDDEN))
        );
    }

    #[test]
    fn id_lists_are_validated_and_deduplicated() {
        assert_eq!(
            id_list(["memb_A", "memb_B", "memb_A"]).unwrap(),
            "memb_A,memb_B"
        );
        assert!(id_list(Vec::<String>::new()).is_err());
        assert!(id_list(["memb_A,memb_B"]).is_err());
        assert!(id_list([""]).is_err());
    }
}
