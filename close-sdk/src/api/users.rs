//! `UsersExt`: the Users operations as plain async calls, with a paginated user list.

use std::future::Future;

use super::call::{finish, path_id};
use super::pagination::{ListOptions, Paginated};
use crate::types::{Me, User, UserAvailability};
use crate::{Client, Error};

/// The Users API as one call each, over the generated builders.
///
/// Users are read-only here: people join an organization through
/// [`MembershipsExt::create_membership`](crate::MembershipsExt::create_membership).
///
/// ```no_run
/// use close_sdk::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let me = client.users().get_me().await?;
/// println!("I am {:?} in {} organization(s)", me.id, me.organizations.map_or(0, |o| o.len()));
/// for user in client.all_users().await? {
///     println!("{:?} {}", user.id, user.email.unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
pub trait UsersExt {
    /// `GET /me/`: the user the credentials belong to, with their memberships and organizations.
    #[deprecated(note = "use `client.users().get_me()`")]
    fn me(&self) -> impl Future<Output = Result<Me, Error>> + Send;

    /// `GET /user/{id}/`: one user.
    #[deprecated(note = "use `client.users().get(id)`")]
    fn get_user(&self, id: &str) -> impl Future<Output = Result<User, Error>> + Send;

    /// `GET /user/`: every user of your organization, fetched `options.page_size` at a time as
    /// the stream is consumed. `GET /user/` documents no `_fields`, so setting
    /// [`ListOptions::fields`] makes the stream yield [`Error::InvalidRequest`] without a request.
    fn list_users(&self, options: ListOptions) -> Paginated<User>;

    /// `GET /user/`, every page: all users of your organization.
    fn all_users(&self) -> impl Future<Output = Result<Vec<User>, Error>> + Send;

    /// `GET /user/availability/`: each user's status per kind of Close app and the calls they
    /// are on; `organization_id` narrows it to one organization.
    fn user_availability(
        &self,
        organization_id: Option<&str>,
    ) -> impl Future<Output = Result<Vec<UserAvailability>, Error>> + Send;
}

impl UsersExt for Client {
    #[inline]
    async fn me(&self) -> Result<Me, Error> {
        self.users().get_me().await
    }

    #[inline]
    async fn get_user(&self, id: &str) -> Result<User, Error> {
        let id = path_id("users_get", "id", id)?;
        self.users().get(id).await
    }

    #[inline]
    fn list_users(&self, options: ListOptions) -> Paginated<User> {
        if let Err(e) = super::call::fields_for("users_list", &options) {
            return Paginated::failed(e);
        }
        self.users()
            .list()
            .limit(i64::from(options.get_page_size()))
            .paginate()
    }

    #[inline]
    async fn all_users(&self) -> Result<Vec<User>, Error> {
        self.list_users(ListOptions::default()).collect_all().await
    }

    #[inline]
    async fn user_availability(
        &self,
        organization_id: Option<&str>,
    ) -> Result<Vec<UserAvailability>, Error> {
        let mut call = self.users_list_availabilities();
        if let Some(org) = organization_id {
            call = call.organization_id(path_id(
                "users_list_availabilities",
                "organization_id",
                org,
            )?);
        }
        super::call::needed(finish(call.send().await).await?.data, "data")
    }
}
