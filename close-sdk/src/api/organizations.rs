//! `OrganizationsExt`: the Organizations operations as plain async calls.

use std::future::Future;

use super::call::{finish, path_id};
use crate::types::{Organization, OrganizationMembership, UpdateOrganization};
use crate::{Client, Error, Role};

/// What `_expand` asks for in [`OrganizationsExt::get_organization_with_users`]: Close's
/// documented way to get a nested `user` in each membership instead of `user_…` fields.
pub const EXPAND_MEMBERSHIP_USERS: &str = "memberships__user,inactive_memberships__user";

/// Close's documented maximum number of lead statuses in an update.
const MAX_LEAD_STATUSES: usize = 1000;

/// The Organizations API as one call each, over the generated builders.
///
/// ```no_run
/// use close_sdk::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let me = client.users().get_me().await?;
/// for org in me.organizations.iter().flatten() {
///     let org = client.organizations().get(org.id.as_deref().unwrap_or_default()).await?;
///     for m in org.memberships.iter().flatten() {
///         println!("{:?} {:?} {:?}", m.user_id, m.user_email, m.role_id);
///     }
/// }
/// # Ok(()) }
/// ```
pub trait OrganizationsExt {
    /// `GET /organization/{id}/`: the organization with its active and inactive memberships
    /// (each with `user_…` fields).
    #[deprecated(note = "use `client.organizations().get(id)`")]
    fn get_organization(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Organization, Error>> + Send;

    /// `GET /organization/{id}/?_expand=memberships__user,inactive_memberships__user`: the same,
    /// with each membership's user as a nested [`crate::types::User`] in `user`.
    fn get_organization_with_users(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Organization, Error>> + Send;

    /// `PUT /organization/{id}/`: changes the fields set in `update` (name, currency, the order
    /// of lead statuses, unsubscribe-link settings). `currency` must be a three-letter ISO 4217
    /// code and at most 1000 lead statuses may be sent; both are checked before sending.
    fn update_organization(
        &self,
        id: &str,
        update: UpdateOrganization,
    ) -> impl Future<Output = Result<Organization, Error>> + Send;
}

/// Checks what the spec says about an update's values and Close would refuse.
#[inline]
pub(crate) fn check_update(update: &UpdateOrganization) -> Result<(), Error> {
    if let Some(currency) = update.currency.as_set() {
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Error::InvalidRequest(format!(
                "currency {currency:?} is not a three-letter ISO 4217 code (e.g. USD)"
            )));
        }
    }
    let lead_statuses = update.lead_statuses.as_set().map_or(&[][..], Vec::as_slice);
    if lead_statuses.len() > MAX_LEAD_STATUSES {
        return Err(Error::InvalidRequest(format!(
            "{} lead statuses is more than Close accepts ({MAX_LEAD_STATUSES})",
            lead_statuses.len()
        )));
    }
    if let Some(bad) = lead_statuses.iter().find(|s| {
        s.id.as_deref()
            .is_none_or(|id| path_id("organizations_update", "lead_statuses[].id", id).is_err())
    }) {
        return Err(Error::InvalidRequest(format!(
            "lead status {bad:?} needs the id of an existing status"
        )));
    }
    Ok(())
}

impl OrganizationsExt for Client {
    #[inline]
    async fn get_organization(&self, id: &str) -> Result<Organization, Error> {
        let id = path_id("organizations_get", "id", id)?;
        self.organizations().get(id).await
    }

    #[inline]
    async fn get_organization_with_users(&self, id: &str) -> Result<Organization, Error> {
        let id = path_id("organizations_get", "id", id)?;
        finish(
            self.organizations_get()
                .id(id)
                .expand(EXPAND_MEMBERSHIP_USERS)
                .send()
                .await,
        )
        .await
    }

    #[inline]
    async fn update_organization(
        &self,
        id: &str,
        update: UpdateOrganization,
    ) -> Result<Organization, Error> {
        let id = path_id("organizations_update", "id", id)?;
        check_update(&update)?;
        finish(self.organizations_update().id(id).body(update).send().await).await
    }
}

impl OrganizationMembership {
    /// The membership's role, or `None` when Close returned a role the SDK does not know.
    ///
    /// ```
    /// # let m: close_sdk::types::OrganizationMembership = serde_json::from_str(
    /// #   r#"{"id":"memb_1","user_id":"user_1","role_id":"superuser"}"#).unwrap();
    /// assert_eq!(m.role(), Some(close_sdk::Role::Superuser));
    /// ```
    #[inline]
    pub fn role(&self) -> Option<Role> {
        self.role_id.as_deref()?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::InlineLeadStatusPayload;

    #[test]
    fn updates_are_checked_against_the_spec() {
        let ok = UpdateOrganization {
            currency: crate::Patch::Set("USD".into()),
            ..Default::default()
        };
        assert!(check_update(&ok).is_ok());
        for bad in ["usd", "US", "USDX", "€€€"] {
            let u = UpdateOrganization {
                currency: crate::Patch::Set(bad.into()),
                ..Default::default()
            };
            assert!(check_update(&u).is_err(), "{bad}");
        }
        let status = InlineLeadStatusPayload {
            id: Some("stat_1".into()),
            label: None,
            extra: Default::default(),
        };
        let too_many = UpdateOrganization {
            lead_statuses: crate::Patch::Set(vec![status; 1001]),
            ..Default::default()
        };
        assert!(check_update(&too_many).is_err());
        let no_id = UpdateOrganization {
            lead_statuses: crate::Patch::Set(vec![InlineLeadStatusPayload {
                id: None,
                label: Some("New".into()),
                extra: Default::default(),
            }]),
            ..Default::default()
        };
        assert!(check_update(&no_id).is_err());
    }
}
