//! `GroupsExt`: the Groups operations as plain async calls, plus look-up by name.

use std::future::Future;

use super::call::{fields_for, finish, needed, path_id};
use super::pagination::{ListOptions, Paginated};
use crate::types::{AddGroupMember, CreateGroup, Group, GroupMember, UpdateGroup};
use crate::{Client, Error};

/// The Groups API as one call each, over the generated builders.
///
/// ```no_run
/// use close_sdk::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let support = client.create_group("Support").await?;
/// let me = client.users().get_me().await?;
/// let me_id = me.id.as_deref().unwrap_or_default();
/// client.add_group_member(support.id.as_deref().unwrap_or_default(), me_id).await?;
/// // Or by name, e.g. when provisioning from a spreadsheet:
/// client.add_user_to_group_by_name("Support", me_id).await?;
/// # Ok(()) }
/// ```
pub trait GroupsExt {
    /// `GET /group/`: every group (without members), fetched `options.page_size` at a time as
    /// the stream is consumed. [`ListOptions::fields`] is sent as `_fields`, as asked (the
    /// groups decode with only those members).
    fn list_groups(&self, options: ListOptions) -> Paginated<Group>;

    /// `GET /group/`, every page.
    fn all_groups(&self) -> impl Future<Output = Result<Vec<Group>, Error>> + Send;

    /// The group named exactly `name` (names are unique in an organization), from
    /// `GET /group/`; `None` if there is none. Members are not included: use [`Self::get_group`].
    /// The name is trimmed; two groups with it are [`Error::Ambiguous`].
    #[deprecated(note = "use `client.groups().by_name(name)`")]
    fn group_by_name(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<Group>, Error>> + Send;

    /// `GET /group/{id}/`: one group with its members.
    #[deprecated(note = "use `client.groups().get(id)`")]
    fn get_group(&self, id: &str) -> impl Future<Output = Result<Group, Error>> + Send;

    /// `POST /group/`: creates an empty group; `name` must be unique in the organization.
    fn create_group(&self, name: &str) -> impl Future<Output = Result<Group, Error>> + Send;

    /// `PUT /group/{id}/`: renames the group.
    fn rename_group(
        &self,
        id: &str,
        name: &str,
    ) -> impl Future<Output = Result<Group, Error>> + Send;

    /// `DELETE /group/{id}/`: deletes the group (its users stay in the organization). Close
    /// refuses while saved reports or Smart Views reference it.
    #[deprecated(note = "use `client.groups().delete(id)`")]
    fn delete_group(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// `POST /group/{group_id}/member/`: adds the user; nothing changes if they are a member.
    fn add_group_member(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> impl Future<Output = Result<GroupMember, Error>> + Send;

    /// `DELETE /group/{group_id}/member/{user_id}/`: removes the user; nothing changes if they
    /// are not a member.
    #[deprecated(note = "use `client.groups().remove_member(group_id, user_id)`")]
    fn remove_group_member(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Finds the group named `group_name` (`client.groups().by_name(..)`) and adds the user to it.
    /// No such group is an [`Error::InvalidRequest`], and then nothing is added.
    fn add_user_to_group_by_name(
        &self,
        group_name: &str,
        user_id: &str,
    ) -> impl Future<Output = Result<GroupMember, Error>> + Send;
}

/// Checks a group name: not blank.
#[inline]
fn group_name(name: &str) -> Result<&str, Error> {
    if name.trim().is_empty() {
        return Err(Error::InvalidRequest("group name must not be blank".into()));
    }
    Ok(name)
}

impl GroupsExt for Client {
    #[inline]
    fn list_groups(&self, options: ListOptions) -> Paginated<Group> {
        let fields = match fields_for("groups_list", &options) {
            Ok(f) => f,
            Err(e) => return Paginated::failed(e),
        };
        let mut list = self
            .groups()
            .list()
            .limit(i64::from(options.get_page_size()));
        if let Some(fields) = fields {
            list = list.fields(fields);
        }
        list.paginate()
    }

    #[inline]
    async fn all_groups(&self) -> Result<Vec<Group>, Error> {
        self.list_groups(ListOptions::default()).collect_all().await
    }

    #[inline]
    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, Error> {
        self.groups().by_name(name).await
    }

    #[inline]
    async fn get_group(&self, id: &str) -> Result<Group, Error> {
        let id = path_id("groups_get", "id", id)?;
        self.groups().get(id).await
    }

    #[inline]
    async fn create_group(&self, name: &str) -> Result<Group, Error> {
        let name = group_name(name)?;
        finish(
            self.groups_create()
                .body(CreateGroup::new(name.to_string()))
                .send()
                .await,
        )
        .await
    }

    #[inline]
    async fn rename_group(&self, id: &str, name: &str) -> Result<Group, Error> {
        let id = path_id("groups_update", "id", id)?;
        let name = group_name(name)?;
        finish(
            self.groups_update()
                .id(id)
                .body(UpdateGroup::new(name.to_string()))
                .send()
                .await,
        )
        .await
    }

    #[inline]
    async fn delete_group(&self, id: &str) -> Result<(), Error> {
        let id = path_id("groups_delete", "id", id)?;
        self.groups().delete(id).await
    }

    #[inline]
    async fn add_group_member(&self, group_id: &str, user_id: &str) -> Result<GroupMember, Error> {
        let group_id = path_id("groups_add_member", "group_id", group_id)?;
        let user_id = path_id("groups_add_member", "user_id", user_id)?;
        finish(
            self.groups_add_member()
                .group_id(group_id)
                .body(AddGroupMember::new(user_id.to_string()))
                .send()
                .await,
        )
        .await
    }

    #[inline]
    async fn remove_group_member(&self, group_id: &str, user_id: &str) -> Result<(), Error> {
        let group_id = path_id("groups_remove_member", "group_id", group_id)?;
        let user_id = path_id("groups_remove_member", "user_id", user_id)?;
        self.groups().remove_member(group_id, user_id).await
    }

    #[inline]
    async fn add_user_to_group_by_name(
        &self,
        group_name: &str,
        user_id: &str,
    ) -> Result<GroupMember, Error> {
        let user_id = path_id("groups_add_member", "user_id", user_id)?;
        let Some(group) = self.groups().by_name(group_name).await? else {
            return Err(Error::InvalidRequest(format!(
                "no group named {group_name:?} in this organization"
            )));
        };
        let group_id = needed(group.id, "id")?;
        self.add_group_member(&group_id, user_id).await
    }
}
