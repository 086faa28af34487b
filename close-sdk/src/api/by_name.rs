//! By-name lookups on the generated handles: `client.opportunity_statuses().by_name("Active")`,
//! `client.users().by_email(..)`, … — what the generator cannot know (which member is a name, and
//! what to do when two items share it).
//!
//! Every lookup works the same way:
//! - the name is trimmed; a blank one is [`Error::InvalidRequest`] and nothing is sent;
//! - it reads the whole list through the list request's generated `.paginate()`: every page
//!   where Close's list pages, else its one answer (an answer with `has_more: true` there ends
//!   the lookup with `.paginate()`'s [`Error::InvalidResponse`]: it would have missed items);
//! - it compares each item's name, trimmed, with the name **exactly** (case-sensitive, as
//!   Close's UI shows names: "Active" and "active" are different statuses);
//! - it returns `Ok(None)` when nothing matches, the item when one does, and
//!   [`Error::Ambiguous`] with the matches' ids when two or more do: it never picks one.
//!
//! Dropping the future stops it (no request is sent after that, none runs in the background);
//! it sends at most as many requests as the list has pages, within [`Paginated`]'s cap.
//!
//! [`Paginated`]: crate::Paginated

use futures_util::{Stream, StreamExt};

use crate::Error;

/// The name asked for, trimmed; blank is [`Error::InvalidRequest`] naming `what`.
fn wanted<'n>(what: &str, name: &'n str) -> Result<&'n str, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "looking up {what}: the name is blank"
        )));
    }
    Ok(name)
}

/// The email asked for, trimmed; blank or without `@` is [`Error::InvalidRequest`] naming `what`.
#[allow(dead_code)] // unused in a build without users or memberships
fn an_email<'e>(what: &str, email: &'e str) -> Result<&'e str, Error> {
    let email = wanted(what, email)?;
    if !email.contains('@') {
        return Err(Error::InvalidRequest(format!(
            "looking up {what}: {email:?} is not an email address (no `@`)"
        )));
    }
    Ok(email)
}

/// The one item of `items` for which `matches` holds: `None` when none does,
/// [`Error::Ambiguous`] when several do. Reads `items` to the end (or its first error).
async fn the_one<T>(
    what: &'static str,
    name: &str,
    mut items: impl Stream<Item = Result<T, Error>> + Unpin,
    matches: impl Fn(&T) -> bool,
    id: impl Fn(&T) -> Option<&str>,
) -> Result<Option<T>, Error> {
    let (mut first, mut count, mut ids) = (None, 0usize, Vec::new());
    while let Some(item) = items.next().await {
        let item = item?;
        if !matches(&item) {
            continue;
        }
        // An item seen again (offset pages shift when an item is added while they are read) is
        // the same item, not a second match.
        match id(&item) {
            Some(id) if ids.iter().any(|seen| seen == id) => continue,
            Some(id) => ids.push(id.to_owned()),
            None => {}
        }
        count += 1;
        if first.is_none() {
            first = Some(item);
        }
    }
    if count > 1 {
        return Err(Error::Ambiguous {
            what,
            name: name.to_owned(),
            count,
            ids,
        });
    }
    Ok(first)
}

/// Whether `member`, trimmed, is `name`.
#[allow(dead_code)] // unused in a build whose only lookup is users by email
fn named(member: Option<&str>, name: &str) -> bool {
    member.is_some_and(|m| m.trim() == name)
}

/// One `by_name` on one handle, reading the list with its request's `.paginate()`.
macro_rules! by_name {
    (
        feature = $feature:literal,
        handle = $handle:ident,
        call = $call:literal,
        example = $example:literal,
        item = $item:ident,
        what = $what:literal,
        member = $member:ident,
        path = $path:literal
    ) => {
        #[cfg(feature = $feature)]
        impl crate::handles::$handle<'_> {
            #[doc = concat!("The one ", $what, " whose `", stringify!($member), "` is `name`: ")]
            #[doc = concat!("every item of `", $path, "` (its `.paginate()`), compared after trimming, case-sensitive.")]
            ///
            /// `Ok(None)` when none is; [`Error::Ambiguous`](crate::Error::Ambiguous) (with their
            /// ids) when several are; a blank `name` is
            /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) and nothing is sent.
            ///
            /// ```no_run
            /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
            #[doc = concat!("if let Some(found) = client.", $call, ".by_name(\"", $example, "\").await? {")]
            ///     println!("{:?}", found.id);
            /// }
            /// # Ok(())
            /// # }
            /// ```
            pub async fn by_name(self, name: &str) -> Result<Option<crate::types::$item>, Error> {
                let name = wanted($what, name)?;
                let items = self.list().paginate();
                the_one(
                    $what,
                    name,
                    items,
                    |item: &crate::types::$item| named(item.$member.as_deref(), name),
                    |item| item.id.as_deref(),
                )
                .await
            }
        }
    };
}

by_name! {
    feature = "opportunity-statuses", handle = OpportunityStatuses,
    call = "opportunity_statuses()", example = "Active", item = OpportunityStatus, what = "opportunity statuses",
    member = label, path = "GET /status/opportunity/"
}
by_name! {
    feature = "lead-statuses", handle = LeadStatuses,
    call = "lead_statuses()", example = "Potential", item = LeadStatus, what = "lead statuses",
    member = label, path = "GET /status/lead/"
}
by_name! {
    feature = "pipelines", handle = Pipelines,
    call = "pipelines()", example = "Sales", item = Pipeline, what = "pipelines",
    member = name, path = "GET /pipeline/"
}
by_name! {
    feature = "roles", handle = Roles,
    call = "roles()", example = "Sales Rep", item = RoleDefinition, what = "roles",
    member = name, path = "GET /role/"
}
by_name! {
    feature = "groups", handle = Groups,
    call = "groups()", example = "Support", item = Group, what = "groups",
    member = name, path = "GET /group/"
}
by_name! {
    feature = "smart-views", handle = SmartViews,
    call = "smart_views()", example = "My leads", item = SmartView, what = "smart views",
    member = name, path = "GET /saved_search/"
}
by_name! {
    feature = "activities", handle = CustomActivityTypes,
    call = "custom_activity_types()", example = "Onboarding call", item = CustomActivityType, what = "custom activity types",
    member = name, path = "GET /custom_activity/"
}
by_name! {
    feature = "outcomes", handle = Outcomes,
    call = "outcomes()", example = "Interested", item = Outcome, what = "outcomes",
    member = name, path = "GET /outcome/"
}
by_name! {
    feature = "custom-fields", handle = CustomFieldsLead,
    call = "custom_fields().lead()", example = "Industry", item = CustomField, what = "lead custom fields",
    member = name, path = "GET /custom_field/lead/"
}
by_name! {
    feature = "custom-fields", handle = CustomFieldsContact,
    call = "custom_fields().contact()", example = "Birthday", item = CustomField, what = "contact custom fields",
    member = name, path = "GET /custom_field/contact/"
}
by_name! {
    feature = "custom-fields", handle = CustomFieldsOpportunity,
    call = "custom_fields().opportunity()", example = "Contract length", item = CustomField,
    what = "opportunity custom fields",
    member = name, path = "GET /custom_field/opportunity/"
}
// One list for every custom activity type's fields: a name two types use is ambiguous here
// (the error lists both ids).
by_name! {
    feature = "custom-fields", handle = CustomFieldsActivity,
    call = "custom_fields().activity()", example = "Agenda", item = CustomField,
    what = "activity custom fields (of every custom activity type)",
    member = name, path = "GET /custom_field/activity/"
}
// One list for every custom object type's fields, as above.
by_name! {
    feature = "custom-fields", handle = CustomFieldsCustomObject,
    call = "custom_fields().custom_object()", example = "Serial number", item = CustomField,
    what = "custom object custom fields (of every custom object type)",
    member = name, path = "GET /custom_field/custom_object_type/"
}
by_name! {
    feature = "custom-fields", handle = CustomFieldsShared,
    call = "custom_fields().shared()", example = "Region", item = SharedCustomField, what = "shared custom fields",
    member = name, path = "GET /custom_field/shared/"
}
by_name! {
    feature = "templates", handle = EmailTemplates,
    call = "email_templates()", example = "Follow-up", item = EmailTemplate, what = "email templates",
    member = name, path = "GET /email_template/"
}
by_name! {
    feature = "templates", handle = SmsTemplates,
    call = "sms_templates()", example = "Reminder", item = SmsTemplate, what = "SMS templates",
    member = name, path = "GET /sms_template/"
}

#[cfg(feature = "users")]
impl crate::handles::Users<'_> {
    /// The one user whose `email` is `email`: every page of `GET /user/`, compared after
    /// trimming and **case-insensitively**, the whole address (Unicode lowercase). The domain of
    /// an address is case-insensitive by definition; the local part may be case-sensitive in
    /// principle, but Close (like nearly every mail system) treats `Gob@Bluth.example` and
    /// `gob@bluth.example` as one person, so the SDK does too.
    ///
    /// `Ok(None)` when no user has it; [`Error::Ambiguous`](crate::Error::Ambiguous) (with
    /// their ids) when several do (e.g. two addresses that differ only in case); an `email`
    /// that is blank or has no `@` is [`Error::InvalidRequest`](crate::Error::InvalidRequest)
    /// and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(user) = client.users().by_email("gob@bluth.example").await? {
    ///     println!("{:?}", user.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn by_email(self, email: &str) -> Result<Option<crate::types::User>, Error> {
        let email = an_email("users by email", email)?;
        let wanted_lower = email.to_lowercase();
        the_one(
            "users",
            email,
            self.list().paginate(),
            |user: &crate::types::User| {
                user.email
                    .as_deref()
                    .is_some_and(|e| e.trim().to_lowercase() == wanted_lower)
            },
            |user| user.id.as_deref(),
        )
        .await
    }
}

/// A membership of `GET /organization/{organization_id}/`'s active `memberships` (Close lists an
/// organization's memberships there and nowhere else: "Memberships connect a User with one or
/// more Organizations", developer.close.com/api/resources/memberships; the organization's page
/// documents `memberships` and `inactive_memberships`). `what` names the lookup in errors;
/// `matches` picks the membership.
#[cfg(all(feature = "memberships", feature = "organizations"))]
async fn membership_where(
    client: &crate::Client,
    what: &'static str,
    organization_id: &str,
    key: &str,
    matches: impl Fn(&crate::types::OrganizationMembership) -> bool,
) -> Result<Option<crate::types::OrganizationMembership>, Error> {
    let organization_id = organization_id.trim();
    if organization_id.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "looking up {what}: the organization id is blank"
        )));
    }
    let organization = client.organizations().get(organization_id).await?;
    let active = organization.memberships.unwrap_or_default();
    the_one(
        what,
        key,
        futures_util::stream::iter(active.into_iter().map(Ok)),
        matches,
        |m| m.id.as_deref(),
    )
    .await
}

#[cfg(all(feature = "memberships", feature = "organizations"))]
impl crate::handles::Memberships<'_> {
    /// The active membership of user `user_id` in organization `organization_id` (a user's
    /// organizations are [`User::organizations`](crate::types::User::organizations)): one
    /// request, `GET /organization/{organization_id}/`, whose `memberships` Close lists there
    /// (it documents no filter of memberships by user). Its `id` is what
    /// `client.memberships().update(id, ..)` and `.delete(id)` take.
    ///
    /// `Ok(None)` when the user has no active membership there (a user who left is in the
    /// organization's `inactive_memberships`); [`Error::Ambiguous`](crate::Error::Ambiguous)
    /// if Close lists two for the user; a blank id is
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// use close_sdk::prelude::*;
    /// use close_sdk::types::UpdateMembership;
    ///
    /// let user = client.users().get_me().await?;
    /// let (Some(user_id), Some(org_id)) = (user.id.as_deref(), user.organizations().first()) else {
    ///     return Ok(());
    /// };
    /// if let Some(membership) = client.memberships().by_user(org_id, user_id).await? {
    ///     let change = UpdateMembership { role_id: Patch::Set(Role::Superuser), ..Default::default() };
    ///     client.memberships().update(membership.id.unwrap_or_default(), change).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn by_user(
        self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Option<crate::types::OrganizationMembership>, Error> {
        let user_id = user_id.trim();
        if user_id.is_empty() {
            return Err(Error::InvalidRequest(
                "looking up memberships by user: the user id is blank".into(),
            ));
        }
        membership_where(self.client, "memberships", organization_id, user_id, |m| {
            m.user_id.as_deref() == Some(user_id)
        })
        .await
    }

    /// The active membership in organization `organization_id` of the user whose email is
    /// `email`, compared as [`Users::by_email`](crate::handles::Users::by_email) does (trimmed,
    /// case-insensitive): one request, `GET /organization/{organization_id}/`, whose
    /// memberships carry their user's `user_email`.
    ///
    /// `Ok(None)` when no active membership has it; [`Error::Ambiguous`](crate::Error::Ambiguous)
    /// when several do; a blank id, or an `email` that is blank or has no `@`, is
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let found = client.memberships().by_email("orga_…", "gob@bluth.example").await?;
    /// # let _ = found;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn by_email(
        self,
        organization_id: &str,
        email: &str,
    ) -> Result<Option<crate::types::OrganizationMembership>, Error> {
        let email = an_email("memberships by email", email)?;
        let lower = email.to_lowercase();
        membership_where(self.client, "memberships", organization_id, email, |m| {
            m.user_email
                .as_deref()
                .is_some_and(|e| e.trim().to_lowercase() == lower)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_blank_ones_refused() {
        assert_eq!(wanted("roles", "  Sales Rep \n").unwrap(), "Sales Rep");
        for blank in ["", "   ", "\t\n"] {
            assert!(matches!(
                wanted("roles", blank),
                Err(Error::InvalidRequest(_))
            ));
        }
        assert!(named(Some(" Active "), "Active"));
        assert!(!named(Some("active"), "Active"));
        assert!(!named(None, "Active"));
    }

    #[test]
    fn two_matches_are_ambiguous_and_name_both_ids() {
        let items = [(Some("a"), "Twin"), (None, "Twin"), (Some("c"), "Other")];
        let run = |name: &'static str| {
            let stream = futures_util::stream::iter(items.iter().copied().map(Ok));
            let found = the_one("things", name, stream, move |i| i.1 == name, |i| i.0);
            futures_executor_block_on(found)
        };
        let err = run("Twin").unwrap_err();
        assert!(
            matches!(&err, Error::Ambiguous { count: 2, ids, .. } if ids == &["a"]),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "2 things match \"Twin\" (a); look it up by id instead"
        );
        assert_eq!(run("Other").unwrap(), Some((Some("c"), "Other")));
        assert_eq!(run("None").unwrap(), None);
    }

    fn futures_executor_block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }
}
