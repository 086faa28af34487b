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
#[inline]
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
#[inline]
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
#[inline]
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
#[inline]
fn named(member: Option<&str>, name: &str) -> bool {
    member.is_some_and(|m| m.trim() == name)
}

/// The one item of `items` whose `name_of` is `name` (see the module docs): trims and checks
/// `name`, then reads `items` to the end.
#[allow(dead_code)] // unused in a build whose only lookups are by email or by user
#[inline]
async fn lookup<T>(
    what: &'static str,
    name: &str,
    items: impl Stream<Item = Result<T, Error>> + Unpin,
    name_of: impl Fn(&T) -> Option<&str>,
    id: impl Fn(&T) -> Option<&str>,
) -> Result<Option<T>, Error> {
    let name = wanted(what, name)?;
    the_one(what, name, items, |item| named(name_of(item), name), id).await
}

#[cfg(feature = "opportunity-statuses")]
impl crate::handles::OpportunityStatuses<'_> {
    /// The one of the opportunity statuses whose `label` is `name`: every item of
    /// `GET /status/opportunity/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.opportunity_statuses().by_name("Active").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(
        self,
        name: &str,
    ) -> Result<Option<crate::types::OpportunityStatus>, Error> {
        let items = self.list().paginate();
        lookup(
            "opportunity statuses",
            name,
            items,
            |i| i.label.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "lead-statuses")]
impl crate::handles::LeadStatuses<'_> {
    /// The one of the lead statuses whose `label` is `name`: every item of
    /// `GET /status/lead/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.lead_statuses().by_name("Potential").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::LeadStatus>, Error> {
        let items = self.list().paginate();
        lookup(
            "lead statuses",
            name,
            items,
            |i| i.label.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "pipelines")]
impl crate::handles::Pipelines<'_> {
    /// The one of the pipelines whose `name` is `name`: every item of
    /// `GET /pipeline/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.pipelines().by_name("Sales").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::Pipeline>, Error> {
        let items = self.list().paginate();
        lookup(
            "pipelines",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "roles")]
impl crate::handles::Roles<'_> {
    /// The one of the roles whose `name` is `name`: every item of
    /// `GET /role/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.roles().by_name("Sales Rep").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::RoleDefinition>, Error> {
        let items = self.list().paginate();
        lookup(
            "roles",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "groups")]
impl crate::handles::Groups<'_> {
    /// The one of the groups whose `name` is `name`: every item of
    /// `GET /group/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.groups().by_name("Support").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::Group>, Error> {
        let items = self.list().paginate();
        lookup(
            "groups",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "smart-views")]
impl crate::handles::SmartViews<'_> {
    /// The one of the smart views whose `name` is `name`: every item of
    /// `GET /saved_search/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.smart_views().by_name("My leads").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::SmartView>, Error> {
        let items = self.list().paginate();
        lookup(
            "smart views",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "activities")]
impl crate::handles::CustomActivityTypes<'_> {
    /// The one of the custom activity types whose `name` is `name`: every item of
    /// `GET /custom_activity/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_activity_types().by_name("Onboarding call").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(
        self,
        name: &str,
    ) -> Result<Option<crate::types::CustomActivityType>, Error> {
        let items = self.list().paginate();
        lookup(
            "custom activity types",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "outcomes")]
impl crate::handles::Outcomes<'_> {
    /// The one of the outcomes whose `name` is `name`: every item of
    /// `GET /outcome/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.outcomes().by_name("Interested").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::Outcome>, Error> {
        let items = self.list().paginate();
        lookup(
            "outcomes",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "custom-fields")]
impl crate::handles::CustomFieldsLead<'_> {
    /// The one of the lead custom fields whose `name` is `name`: every item of
    /// `GET /custom_field/lead/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_fields().lead().by_name("Industry").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::CustomField>, Error> {
        let items = self.list().paginate();
        lookup(
            "lead custom fields",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "custom-fields")]
impl crate::handles::CustomFieldsContact<'_> {
    /// The one of the contact custom fields whose `name` is `name`: every item of
    /// `GET /custom_field/contact/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_fields().contact().by_name("Birthday").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::CustomField>, Error> {
        let items = self.list().paginate();
        lookup(
            "contact custom fields",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "custom-fields")]
impl crate::handles::CustomFieldsOpportunity<'_> {
    /// The one of the opportunity custom fields whose `name` is `name`: every item of
    /// `GET /custom_field/opportunity/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_fields().opportunity().by_name("Contract length").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::CustomField>, Error> {
        let items = self.list().paginate();
        lookup(
            "opportunity custom fields",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

// One list for every custom activity type's fields: a name two types use is ambiguous here
// (the error lists both ids).
#[cfg(feature = "custom-fields")]
impl crate::handles::CustomFieldsActivity<'_> {
    /// The one of the activity custom fields (of every custom activity type) whose `name` is `name`: every item of
    /// `GET /custom_field/activity/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_fields().activity().by_name("Agenda").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::CustomField>, Error> {
        let items = self.list().paginate();
        lookup(
            "activity custom fields (of every custom activity type)",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

// One list for every custom object type's fields, as above.
#[cfg(feature = "custom-fields")]
impl crate::handles::CustomFieldsCustomObject<'_> {
    /// The one of the custom object custom fields (of every custom object type) whose `name` is `name`: every item of
    /// `GET /custom_field/custom_object_type/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_fields().custom_object().by_name("Serial number").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::CustomField>, Error> {
        let items = self.list().paginate();
        lookup(
            "custom object custom fields (of every custom object type)",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "custom-fields")]
impl crate::handles::CustomFieldsShared<'_> {
    /// The one of the shared custom fields whose `name` is `name`: every item of
    /// `GET /custom_field/shared/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.custom_fields().shared().by_name("Region").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(
        self,
        name: &str,
    ) -> Result<Option<crate::types::SharedCustomField>, Error> {
        let items = self.list().paginate();
        lookup(
            "shared custom fields",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "templates")]
impl crate::handles::EmailTemplates<'_> {
    /// The one of the email templates whose `name` is `name`: every item of
    /// `GET /email_template/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.email_templates().by_name("Follow-up").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::EmailTemplate>, Error> {
        let items = self.list().paginate();
        lookup(
            "email templates",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "templates")]
impl crate::handles::SmsTemplates<'_> {
    /// The one of the SMS templates whose `name` is `name`: every item of
    /// `GET /sms_template/` (its `.paginate()`), compared after trimming, case-sensitive.
    /// `Ok(None)` when none is; [`Error::Ambiguous`] (with their ids) when several are; a blank
    /// `name` is [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// if let Some(found) = client.sms_templates().by_name("Reminder").await? {
    ///     println!("{:?}", found.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub async fn by_name(self, name: &str) -> Result<Option<crate::types::SmsTemplate>, Error> {
        let items = self.list().paginate();
        lookup(
            "SMS templates",
            name,
            items,
            |i| i.name.as_deref(),
            |i| i.id.as_deref(),
        )
        .await
    }
}

#[cfg(feature = "users")]
impl crate::handles::Users<'_> {
    /// The one user whose `email` is `email`: every page of `GET /user/`, compared after
    /// trimming and **case-insensitively**, the whole address (Unicode lowercase). The domain of
    /// an address is case-insensitive by definition; the local part may be case-sensitive in
    /// principle, but Close (like nearly every mail system) treats `Gob@Bluth.example` and
    /// `gob@bluth.example` as one person, so the SDK does too.
    ///
    /// `Ok(None)` when no user has it; [`Error::Ambiguous`] (with
    /// their ids) when several do (e.g. two addresses that differ only in case); an `email`
    /// that is blank or has no `@` is [`Error::InvalidRequest`]
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
    #[inline]
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
#[inline]
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
    /// organization's `inactive_memberships`); [`Error::Ambiguous`]
    /// if Close lists two for the user; a blank id is
    /// [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// use close_sdk::prelude::*;
    /// use close_sdk::types::UpdateMembership;
    ///
    /// let user = client.users().get_me().await?;
    /// let org_id = user.organizations().first().and_then(|o| o.id.as_deref());
    /// let (Some(user_id), Some(org_id)) = (user.id.as_deref(), org_id) else {
    ///     return Ok(());
    /// };
    /// if let Some(membership) = client.memberships().by_user(org_id, user_id).await? {
    ///     let change = UpdateMembership { role_id: Patch::Set(Role::Superuser), ..Default::default() };
    ///     client.memberships().update(membership.id.unwrap_or_default(), change).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
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
    /// `Ok(None)` when no active membership has it; [`Error::Ambiguous`]
    /// when several do; a blank id, or an `email` that is blank or has no `@`, is
    /// [`Error::InvalidRequest`] and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let found = client.memberships().by_email("orga_…", "gob@bluth.example").await?;
    /// # let _ = found;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
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
