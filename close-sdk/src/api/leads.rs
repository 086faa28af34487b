//! `LeadsExt`: the Leads operations as plain async calls, and [`NewLead`], a short way to write
//! a lead with its contacts and addresses.

use std::future::Future;

use super::call::{check_id, check_url, fields_for, finish, path_id};
use super::contacts::{check_channels, check_new_contact, NewContact};
use super::pagination::{ListOptions, Paginated};
use crate::types::{CreateLead, CreateLeadAddressesItem, Lead, MergeLeads, UpdateLead};
use crate::{Client, Error};

/// A lead to create: name, URL, description, status, and nested contacts and addresses.
/// Converts into the generated [`CreateLead`] (for custom fields, set members of its `extra`
/// map); everything is checked when it is sent.
///
/// ```
/// use close_sdk::{NewContact, NewLead};
/// use close_sdk::types::{CreateLead, CreateLeadAddressesItem};
///
/// let lead: CreateLead = NewLead::named("Bluth Company")
///     .url("https://bluth.example")
///     .contact(NewContact::named("Gob Bluth").email("gob@bluth.example"))
///     .address(CreateLeadAddressesItem {
///         city: Some("Newport Beach".into()),
///         country: Some("US".into()),
///         ..Default::default()
///     })
///     .into();
/// assert_eq!(lead.contacts.len(), 1);
/// assert_eq!(lead.addresses[0].city.as_deref(), Some("Newport Beach"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewLead(CreateLead);

impl NewLead {
    /// A lead (company) called `name`.
    #[inline]
    pub fn named(name: impl Into<String>) -> Self {
        NewLead(CreateLead {
            name: Some(name.into()),
            ..Default::default()
        })
    }

    /// The lead's web site (`http`/`https`).
    #[inline]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.0.url = Some(url.into());
        self
    }

    /// A description.
    #[inline]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.0.description = Some(description.into());
        self
    }

    /// The lead status (`status_id`); without it Close uses the organization's first status.
    #[inline]
    pub fn status_id(mut self, status_id: impl Into<String>) -> Self {
        self.0.status_id = Some(status_id.into());
        self
    }

    /// Adds a contact, created with the lead.
    #[inline]
    pub fn contact(mut self, contact: NewContact) -> Self {
        self.0.contacts.push(contact.into());
        self
    }

    /// Adds an address.
    #[inline]
    pub fn address(mut self, address: CreateLeadAddressesItem) -> Self {
        self.0.addresses.push(address);
        self
    }
}

impl From<NewLead> for CreateLead {
    #[inline]
    fn from(l: NewLead) -> CreateLead {
        l.0
    }
}

/// The Leads API as one call each, over the generated builders. Input is checked before
/// anything is sent.
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use close_sdk::types::UpdateLead;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let lead = client
///     .create_lead(NewLead::named("Bluth Company").contact(NewContact::named("Gob")))
///     .await?;
/// let update = UpdateLead { description: Patch::Set("Frozen bananas".into()), ..Default::default() };
/// let id = lead.id.as_deref().unwrap_or_default();
/// client.update_lead(id, update).await?;
/// client.leads().delete(id).await?;
/// # Ok(()) }
/// ```
pub trait LeadsExt {
    /// `POST /lead/`: creates the lead with its nested contacts and addresses (a [`NewLead`]
    /// or the generated [`CreateLead`]). The URL, `status_id` and every contact's emails,
    /// phone numbers, URLs are checked first.
    fn create_lead(
        &self,
        lead: impl Into<CreateLead>,
    ) -> impl Future<Output = Result<Lead, Error>> + Send;

    /// `GET /lead/{id}/`: one lead, with its contacts, opportunities and tasks.
    #[deprecated(note = "use `client.leads().get(id)`")]
    fn get_lead(&self, id: &str) -> impl Future<Output = Result<Lead, Error>> + Send;

    /// `GET /lead/`: every lead, fetched `options.page_size` at a time. Close's current
    /// reference documents no filter here (its older `query` parameter is gone; Close points to
    /// the Advanced Filtering API), so none is offered. [`ListOptions::fields`] is sent as
    /// `_fields`: the leads decode with only those members.
    fn list_leads(&self, options: ListOptions) -> Paginated<Lead>;

    /// `PUT /lead/{id}/`: changes the members set in `update` (custom fields go in its `extra`
    /// map). The URL, `status_id` and nested contacts' emails and phones are checked first.
    fn update_lead(
        &self,
        id: &str,
        update: UpdateLead,
    ) -> impl Future<Output = Result<Lead, Error>> + Send;

    /// `DELETE /lead/{id}/`: deletes the lead with its contacts, opportunities, tasks and
    /// activities.
    #[deprecated(note = "use `client.leads().delete(id)`")]
    fn delete_lead(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// `POST /lead/merge/`: merges lead `source` into lead `destination` (as the UI's Merge
    /// Leads does); returns Close's answer as JSON.
    fn merge_leads(
        &self,
        source: &str,
        destination: &str,
    ) -> impl Future<Output = Result<serde_json::Map<String, serde_json::Value>, Error>> + Send;
}

/// Checks a lead to create (see [`LeadsExt::create_lead`]).
#[inline]
pub(crate) fn check_new_lead(lead: &CreateLead) -> Result<(), Error> {
    if let Some(url) = &lead.url {
        check_url("url", url)?;
    }
    check_id("leads_create", "status_id", lead.status_id.as_deref())?;
    for (i, contact) in lead.contacts.iter().enumerate() {
        check_new_contact("leads_create", &format!("contacts[{i}]."), contact)?;
    }
    Ok(())
}

/// Checks a lead update (see [`LeadsExt::update_lead`]).
#[inline]
pub(crate) fn check_update(update: &UpdateLead) -> Result<(), Error> {
    if let Some(url) = update.url.as_set() {
        check_url("url", url)?;
    }
    check_id("leads_update", "status_id", update.status_id.as_deref())?;
    for (i, contact) in update.contacts.as_set().into_iter().flatten().enumerate() {
        check_channels(
            &format!("contacts[{i}]."),
            contact.emails.iter().map(|e| e.email.as_ref()),
            contact.phones.iter().map(|p| p.phone.as_ref()),
            std::iter::empty(),
        )?;
    }
    Ok(())
}

impl LeadsExt for Client {
    #[inline]
    fn create_lead(
        &self,
        lead: impl Into<CreateLead>,
    ) -> impl Future<Output = Result<Lead, Error>> + Send {
        let lead = lead.into();
        async move {
            check_new_lead(&lead)?;
            finish(self.leads_create().body(lead).send().await).await
        }
    }

    #[inline]
    async fn get_lead(&self, id: &str) -> Result<Lead, Error> {
        let id = path_id("leads_get", "id", id)?;
        self.leads().get(id).await
    }

    #[inline]
    fn list_leads(&self, options: ListOptions) -> Paginated<Lead> {
        let fields = match fields_for("leads_list", &options) {
            Ok(f) => f,
            Err(e) => return Paginated::failed(e),
        };
        let mut list = self
            .leads()
            .list()
            .limit(i64::from(options.get_page_size()));
        if let Some(fields) = fields {
            list = list.fields(fields);
        }
        list.paginate()
    }

    #[inline]
    async fn update_lead(&self, id: &str, update: UpdateLead) -> Result<Lead, Error> {
        let id = path_id("leads_update", "id", id)?;
        check_update(&update)?;
        finish(self.leads_update().id(id).body(update).send().await).await
    }

    #[inline]
    async fn delete_lead(&self, id: &str) -> Result<(), Error> {
        let id = path_id("leads_delete", "id", id)?;
        self.leads().delete(id).await
    }

    #[inline]
    async fn merge_leads(
        &self,
        source: &str,
        destination: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
        let source = path_id("leads_merge", "source", source)?;
        let destination = path_id("leads_merge", "destination", destination)?;
        if source == destination {
            return Err(Error::InvalidRequest(
                "a lead cannot be merged into itself".into(),
            ));
        }
        let body = MergeLeads {
            extra: Default::default(),
            source: Some(source.to_string()),
            destination: Some(destination.to_string()),
        };
        finish(self.leads_merge().body(body).send().await).await
    }
}
