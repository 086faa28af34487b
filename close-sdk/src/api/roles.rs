//! `RolesExt`: the Roles operations as plain async calls, plus look-up by name.

use std::future::Future;

use super::call::{finish, path_id};
use super::pagination::{ListOptions, Paginated};
use crate::types::{CreateRole, RoleDefinition, RoleName, UpdateRole};
use crate::{Client, Error, Role};

/// Your organization's roles, split by who maintains them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleCatalog {
    /// Roles the system maintains (`editable: false`, e.g. Admin).
    pub predefined: Vec<RoleDefinition>,
    /// Roles your organization defined (`editable` true or not reported).
    pub custom: Vec<RoleDefinition>,
}

/// The Roles API as one call each, over the generated builders.
///
/// A role is assigned through a membership: resolve it here, then pass
/// [`RoleDefinition::role`] to [`MembershipsExt`](crate::MembershipsExt).
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use close_sdk::types::UpdateMembership;
///
/// # async fn run(client: Client, membership_id: &str) -> Result<(), Error> {
/// if let Some(rep) = client.roles().by_name("Sales Rep").await? {
///     let update = UpdateMembership { role_id: rep.role().into(), ..Default::default() };
///     client.memberships().update(membership_id, update).await?;
/// }
/// # Ok(()) }
/// ```
pub trait RolesExt {
    /// `GET /role/`: every role, fetched `options.page_size` at a time as the stream is
    /// consumed. `GET /role/` documents no `_fields`, so setting [`ListOptions::fields`] makes
    /// the stream yield [`Error::InvalidRequest`] without a request.
    fn list_roles(&self, options: ListOptions) -> Paginated<RoleDefinition>;

    /// `GET /role/`, every page.
    fn all_roles(&self) -> impl Future<Output = Result<Vec<RoleDefinition>, Error>> + Send;

    /// `GET /role/`, every page, split into predefined and custom roles.
    fn role_catalog(&self) -> impl Future<Output = Result<RoleCatalog, Error>> + Send;

    /// The role whose name is exactly `name` (trimmed, case-sensitive), from `GET /role/`;
    /// `None` if there is none. Two roles with that name are an [`Error::Ambiguous`] (use the
    /// id).
    #[deprecated(note = "use `client.roles().by_name(name)`")]
    fn role_by_name(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<RoleDefinition>, Error>> + Send;

    /// `GET /role/{id}/`: one role.
    #[deprecated(note = "use `client.roles().get(id)`")]
    fn get_role(&self, id: &str) -> impl Future<Output = Result<RoleDefinition, Error>> + Send;

    /// `POST /role/`: creates a custom role named `name` granting `permissions`.
    fn create_role<I, S>(
        &self,
        name: &str,
        permissions: I,
    ) -> impl Future<Output = Result<RoleDefinition, Error>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>;

    /// `POST /role/` with every field, e.g. lead visibility.
    fn create_role_with(
        &self,
        role: CreateRole,
    ) -> impl Future<Output = Result<RoleDefinition, Error>> + Send;

    /// `PUT /role/{id}/`: changes the fields set in `update` (`permissions` replaces the list).
    fn update_role(
        &self,
        id: &str,
        update: UpdateRole,
    ) -> impl Future<Output = Result<RoleDefinition, Error>> + Send;

    /// `DELETE /role/{id}/`: deletes a custom role. Close refuses while users still have it:
    /// move them to another role first.
    #[deprecated(note = "use `client.roles().delete(id)`")]
    fn delete_role(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Checks permission names: non-empty, no whitespace or commas.
/// Checks a role to create: a name, and permissions Close knows.
#[inline]
pub(crate) fn check_new_role(role: &CreateRole) -> Result<(), Error> {
    if role.name.trim().is_empty() {
        return Err(Error::InvalidRequest("role name must not be blank".into()));
    }
    check_permissions(&role.permissions)
}

/// Checks a role update's permissions.
#[inline]
pub(crate) fn check_role_update(update: &crate::types::UpdateRole) -> Result<(), Error> {
    check_permissions(update.permissions.as_set().map_or(&[], Vec::as_slice))
}

#[inline]
fn check_permissions(permissions: &[String]) -> Result<(), Error> {
    match permissions
        .iter()
        .enumerate()
        .find(|(_, p)| p.is_empty() || p.chars().any(|c| c.is_whitespace() || c == ','))
    {
        Some((i, bad)) => Err(Error::InvalidRequest(format!(
            "permissions[{i}]: permission {bad:?} is empty or contains whitespace or a comma"
        ))),
        None => Ok(()),
    }
}

impl RolesExt for Client {
    #[inline]
    fn list_roles(&self, options: ListOptions) -> Paginated<RoleDefinition> {
        if let Err(e) = super::call::fields_for("roles_list", &options) {
            return Paginated::failed(e);
        }
        self.roles()
            .list()
            .limit(i64::from(options.get_page_size()))
            .paginate()
    }

    #[inline]
    async fn all_roles(&self) -> Result<Vec<RoleDefinition>, Error> {
        self.list_roles(ListOptions::default()).collect_all().await
    }

    #[inline]
    async fn role_catalog(&self) -> Result<RoleCatalog, Error> {
        let (predefined, custom) = self
            .all_roles()
            .await?
            .into_iter()
            .partition(RoleDefinition::is_predefined);
        Ok(RoleCatalog { predefined, custom })
    }

    #[inline]
    async fn role_by_name(&self, name: &str) -> Result<Option<RoleDefinition>, Error> {
        self.roles().by_name(name).await
    }

    #[inline]
    async fn get_role(&self, id: &str) -> Result<RoleDefinition, Error> {
        let id = path_id("roles_get", "id", id)?;
        self.roles().get(id).await
    }

    #[inline]
    fn create_role<I, S>(
        &self,
        name: &str,
        permissions: I,
    ) -> impl Future<Output = Result<RoleDefinition, Error>> + Send
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        // Collected eagerly so the iterator does not need to be `Send`.
        let permissions: Vec<String> = permissions.into_iter().map(Into::into).collect();
        let name = name.parse::<RoleName>();
        async move {
            let name = name.map_err(|e| Error::InvalidRequest(format!("role name: {e}")))?;
            let role = CreateRole {
                extra: Default::default(),
                name,
                permissions,
                visibility_user_lcf_behavior: None,
                visibility_user_lcf_ids: None,
            };
            self.create_role_with(role).await
        }
    }

    #[inline]
    async fn create_role_with(&self, role: CreateRole) -> Result<RoleDefinition, Error> {
        check_new_role(&role)?;
        finish(self.roles_create().body(role).send().await).await
    }

    #[inline]
    async fn update_role(&self, id: &str, update: UpdateRole) -> Result<RoleDefinition, Error> {
        let id = path_id("roles_update", "id", id)?;
        check_role_update(&update)?;
        finish(self.roles_update().id(id).body(update).send().await).await
    }

    #[inline]
    async fn delete_role(&self, id: &str) -> Result<(), Error> {
        let id = path_id("roles_delete", "id", id)?;
        self.roles().delete(id).await
    }
}

impl RoleDefinition {
    /// The role as a membership's `role_id` (a custom role id `role_…`), or `None` when the id
    /// is not one the SDK can send.
    ///
    /// ```
    /// # let r: close_sdk::types::RoleDefinition = serde_json::from_str(
    /// #   r#"{"id":"role_abc","name":"Sales Rep"}"#).unwrap();
    /// assert_eq!(r.role().unwrap().to_string(), "role_abc");
    /// ```
    #[inline]
    pub fn role(&self) -> Option<Role> {
        self.id.as_deref()?.parse().ok()
    }

    /// Whether the system maintains the role (`editable: false`, e.g. Admin).
    #[inline]
    pub fn is_predefined(&self) -> bool {
        self.editable == Some(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_checked() {
        assert!(check_permissions(&["bulk_edit".into(), "export".into()]).is_ok());
        for bad in ["", "bulk edit", "a,b"] {
            assert!(check_permissions(&[bad.to_string()]).is_err(), "{bad:?}");
        }
    }
}
