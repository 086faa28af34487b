//! `ContactsExt`: the Contacts operations as plain async calls, and [`NewContact`], a short
//! way to write the common contact (also nested in a new lead).

use super::call::{check_email, check_id, check_phone, check_url};
use crate::types::{
    CreateContact, CreateContactEmailsItem, CreateContactPhonesItem, CreateContactUrlsItem,
};
use crate::Error;

/// A contact to create: a name, a title, and emails, phone numbers and URLs, each checked when
/// it is sent. Converts into the generated [`CreateContact`] (for custom fields, set members of
/// its `extra` map).
///
/// ```
/// use close_sdk::NewContact;
/// use close_sdk::types::CreateContact;
///
/// let contact: CreateContact = NewContact::named("Gob Bluth")
///     .title("Magician")
///     .email("gob@example.com")
///     .phone_of_type("+1 415-555-2671", "mobile")
///     .into();
/// assert_eq!(contact.emails[0].email.as_deref(), Some("gob@example.com"));
/// assert_eq!(contact.emails[0].type_, None); // sent without `type`: Close picks its default
/// assert_eq!(contact.phones[0].type_.as_deref(), Some("mobile"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewContact(CreateContact);

impl NewContact {
    /// A contact called `name`.
    #[inline]
    pub fn named(name: impl Into<String>) -> Self {
        NewContact(CreateContact {
            name: Some(name.into()),
            ..Default::default()
        })
    }

    /// The contact's job title.
    #[inline]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.0.title = Some(title.into());
        self
    }

    /// The lead the contact belongs to (not needed when nested in a new lead).
    #[inline]
    pub fn lead_id(mut self, lead_id: impl Into<String>) -> Self {
        self.0.lead_id = Some(lead_id.into());
        self
    }

    /// Adds an email address, sent without a `type`.
    #[inline]
    pub fn email(self, email: impl Into<String>) -> Self {
        self.push_email(email.into(), None)
    }

    /// Adds an email address of `kind` (Close's examples use `office`, `home`, `other`).
    #[inline]
    pub fn email_of_type(self, email: impl Into<String>, kind: impl Into<String>) -> Self {
        self.push_email(email.into(), Some(kind.into()))
    }

    #[inline]
    fn push_email(mut self, email: String, type_: Option<String>) -> Self {
        self.0.emails.push(CreateContactEmailsItem {
            extra: Default::default(),
            email: Some(email),
            type_,
        });
        self
    }

    /// Adds a phone number ([`crate::PhoneNumber`]'s shapes), sent without a `type`.
    #[inline]
    pub fn phone(self, phone: impl Into<String>) -> Self {
        self.push_phone(phone.into(), None)
    }

    /// Adds a phone number of `kind` (Close's examples use `office`, `mobile`, `home`, …).
    #[inline]
    pub fn phone_of_type(self, phone: impl Into<String>, kind: impl Into<String>) -> Self {
        self.push_phone(phone.into(), Some(kind.into()))
    }

    #[inline]
    fn push_phone(mut self, phone: String, type_: Option<String>) -> Self {
        self.0.phones.push(CreateContactPhonesItem {
            extra: Default::default(),
            phone: Some(phone),
            type_,
        });
        self
    }

    /// Adds a web URL (`http`/`https`), sent without a `type`.
    #[inline]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.0.urls.push(CreateContactUrlsItem {
            extra: Default::default(),
            url: Some(url.into()),
            type_: None,
        });
        self
    }
}

impl From<NewContact> for CreateContact {
    #[inline]
    fn from(c: NewContact) -> CreateContact {
        c.0
    }
}

/// Checks the emails, phone numbers and URLs of a contact list item (`what` names it in
/// errors, e.g. `contacts[0]`): each must be present and well-formed.
#[inline]
pub(crate) fn check_channels<'a>(
    what: &str,
    emails: impl Iterator<Item = Option<&'a String>>,
    phones: impl Iterator<Item = Option<&'a String>>,
    urls: impl Iterator<Item = Option<&'a String>>,
) -> Result<(), Error> {
    for (kind, values, check) in [
        (
            "emails",
            emails.collect::<Vec<_>>(),
            check_email as fn(&str, &str) -> Result<(), Error>,
        ),
        ("phones", phones.collect(), check_phone),
        ("urls", urls.collect(), check_url),
    ] {
        for (i, value) in values.into_iter().enumerate() {
            let field = format!("{what}{kind}[{i}]");
            match value {
                Some(v) => check(&field, v)?,
                None => {
                    return Err(Error::InvalidRequest(format!("{field} has no value")));
                }
            }
        }
    }
    Ok(())
}

/// Checks a contact to create: its lead id, emails, phone numbers and URLs. `what` prefixes
/// field names in errors (`""`, or `contacts[2].` when nested in a lead).
#[inline]
pub(crate) fn check_new_contact(
    operation_id: &str,
    what: &str,
    contact: &CreateContact,
) -> Result<(), Error> {
    check_id(
        operation_id,
        &format!("{what}lead_id"),
        contact.lead_id.as_deref(),
    )?;
    check_channels(
        what,
        contact.emails.iter().map(|e| e.email.as_ref()),
        contact.phones.iter().map(|p| p.phone.as_ref()),
        contact.urls.iter().map(|u| u.url.as_ref()),
    )
}

/// Checks a contact update (see `ContactsExt::update_contact`).
#[cfg(feature = "contacts")]
#[inline]
pub(crate) fn check_contact_update(update: &crate::types::UpdateContact) -> Result<(), Error> {
    check_id("contacts_update", "lead_id", update.lead_id.as_deref())?;
    check_channels(
        "",
        update
            .emails
            .as_set()
            .into_iter()
            .flatten()
            .map(|e| e.email.as_ref()),
        update
            .phones
            .as_set()
            .into_iter()
            .flatten()
            .map(|p| p.phone.as_ref()),
        update
            .urls
            .as_set()
            .into_iter()
            .flatten()
            .map(|u| u.url.as_ref()),
    )
}

#[cfg(feature = "contacts")]
pub use ext::{ContactFilter, ContactsExt};

#[cfg(feature = "contacts")]
mod ext {
    use std::future::Future;

    use super::check_new_contact;
    use crate::api::call::{check_id, fields_for, finish, path_id};
    use crate::api::pagination::{ListOptions, Paginated};
    use crate::types::{Contact, CreateContact, UpdateContact};
    use crate::{Client, Error};

    /// Which contacts [`ContactsExt::list_contacts`] returns: Close documents one filter,
    /// `lead_id`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ContactFilter {
        lead_id: Option<String>,
    }

    impl ContactFilter {
        /// Only the contacts of this lead (`lead_id`).
        #[inline]
        pub fn lead_id(mut self, lead_id: impl Into<String>) -> Self {
            self.lead_id = Some(lead_id.into());
            self
        }
    }

    /// The Contacts API as one call each, over the generated builders. Input is checked before
    /// anything is sent.
    ///
    /// ```no_run
    /// use close_sdk::prelude::*;
    /// use close_sdk::types::UpdateContact;
    ///
    /// # async fn run(client: Client) -> Result<(), Error> {
    /// let new = NewContact::named("Gob Bluth").lead_id("lead_x").email("gob@example.com");
    /// let contact = client.create_contact(new).await?;
    /// let update = UpdateContact { title: Patch::Set("Magician".into()), ..Default::default() };
    /// let id = contact.id.as_deref().unwrap_or_default();
    /// client.update_contact(id, update).await?;
    /// let on_lead = client
    ///     .list_contacts(ContactFilter::default().lead_id("lead_x"), ListOptions::default())
    ///     .collect_all()
    ///     .await?;
    /// client.contacts().delete(id).await?;
    /// # Ok(()) }
    /// ```
    pub trait ContactsExt {
        /// `POST /contact/`: creates the contact (a [`super::NewContact`] or the generated
        /// [`CreateContact`]); emails, phone numbers, URLs and `lead_id` are checked first.
        fn create_contact(
            &self,
            contact: impl Into<CreateContact>,
        ) -> impl Future<Output = Result<Contact, Error>> + Send;

        /// `GET /contact/{id}/`: one contact.
        #[deprecated(note = "use `client.contacts().get(id)`")]
        fn get_contact(&self, id: &str) -> impl Future<Output = Result<Contact, Error>> + Send;

        /// `GET /contact/`: the contacts matching `filter`, fetched `options.page_size` at a
        /// time. [`ListOptions::fields`] is sent as `_fields`: the contacts decode with only
        /// those members.
        fn list_contacts(&self, filter: ContactFilter, options: ListOptions) -> Paginated<Contact>;

        /// `PUT /contact/{id}/`: changes the members set in `update` (custom fields go in its
        /// `extra` map); emails, phone numbers, URLs and `lead_id` are checked first.
        fn update_contact(
            &self,
            id: &str,
            update: UpdateContact,
        ) -> impl Future<Output = Result<Contact, Error>> + Send;

        /// `DELETE /contact/{id}/`: deletes the contact.
        #[deprecated(note = "use `client.contacts().delete(id)`")]
        fn delete_contact(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;
    }

    impl ContactsExt for Client {
        #[inline]
        fn create_contact(
            &self,
            contact: impl Into<CreateContact>,
        ) -> impl Future<Output = Result<Contact, Error>> + Send {
            let contact = contact.into();
            async move {
                check_new_contact("contacts_create", "", &contact)?;
                finish(self.contacts_create().body(contact).send().await).await
            }
        }

        #[inline]
        async fn get_contact(&self, id: &str) -> Result<Contact, Error> {
            let id = path_id("contacts_get", "id", id)?;
            self.contacts().get(id).await
        }

        #[inline]
        fn list_contacts(&self, filter: ContactFilter, options: ListOptions) -> Paginated<Contact> {
            let fields = match fields_for("contacts_list", &options).and_then(|f| {
                check_id("contacts_list", "lead_id", filter.lead_id.as_deref()).map(|()| f)
            }) {
                Ok(f) => f,
                Err(e) => return Paginated::failed(e),
            };
            let mut list = self
                .contacts()
                .list()
                .limit(i64::from(options.get_page_size()));
            if let Some(fields) = fields {
                list = list.fields(fields);
            }
            if let Some(lead_id) = filter.lead_id {
                list = list.lead_id(lead_id);
            }
            list.paginate()
        }

        #[inline]
        async fn update_contact(&self, id: &str, update: UpdateContact) -> Result<Contact, Error> {
            let id = path_id("contacts_update", "id", id)?;
            super::check_contact_update(&update)?;
            finish(self.contacts_update().id(id).body(update).send().await).await
        }

        #[inline]
        async fn delete_contact(&self, id: &str) -> Result<(), Error> {
            let id = path_id("contacts_delete", "id", id)?;
            self.contacts().delete(id).await
        }
    }
}
