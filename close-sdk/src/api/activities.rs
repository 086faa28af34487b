//! `ActivitiesExt`: the generic activity list, and notes, calls, emails and SMS as plain async
//! calls (the other activity types through the generated builders).

use std::future::Future;

use super::call::{check_email, check_id, check_phone, fields_for, finish, path_id};
use super::pagination::{ListOptions, Paginated};
use crate::types::{
    Activity, CallActivity, CreateCallActivity, CreateEmailActivity, CreateNoteActivity,
    CreateSmsActivity, EmailActivity, NoteActivity, SmsActivity, UpdateNoteActivity,
};
use crate::{Client, DateOrTimestamp, Error};

/// Which activities a list returns: the filters Close documents on `GET /activity/` and on
/// every per-type list, each sent only when set. Date bounds are inclusive (`__gte`/`__lte`).
/// [`ActivityFilter::types`] is for the generic list only.
///
/// ```
/// use close_sdk::{ActivityFilter, Date};
///
/// let calls_and_notes = ActivityFilter::default()
///     .lead_id("lead_x")
///     .types(["Call", "Note"])
///     .date_created_gte(Date::new(2026, 1, 1).unwrap());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityFilter {
    lead_id: Option<String>,
    contact_id: Option<String>,
    user_id: Option<String>,
    types: Vec<String>,
    date_created_gte: Option<DateOrTimestamp>,
    date_created_lte: Option<DateOrTimestamp>,
    activity_at_gte: Option<DateOrTimestamp>,
    activity_at_lte: Option<DateOrTimestamp>,
}

impl ActivityFilter {
    /// Only this lead's activities (`lead_id`).
    #[inline]
    pub fn lead_id(mut self, id: impl Into<String>) -> Self {
        self.lead_id = Some(id.into());
        self
    }

    /// Only this contact's activities (`contact_id`).
    #[inline]
    pub fn contact_id(mut self, id: impl Into<String>) -> Self {
        self.contact_id = Some(id.into());
        self
    }

    /// Only this user's activities (`user_id`).
    #[inline]
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.user_id = Some(id.into());
        self
    }

    /// Only these activity types (`_type`, sent comma-separated: `Note`, `Call`, `Email`,
    /// `SMS`, `Meeting`, …). Generic list only: a per-type list refuses it.
    #[inline]
    pub fn types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Created at or after (`date_created__gte`).
    #[inline]
    pub fn date_created_gte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_created_gte = Some(at.into());
        self
    }

    /// Created at or before (`date_created__lte`).
    #[inline]
    pub fn date_created_lte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_created_lte = Some(at.into());
        self
    }

    /// Happened at or after (`activity_at__gte`).
    #[inline]
    pub fn activity_at_gte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.activity_at_gte = Some(at.into());
        self
    }

    /// Happened at or before (`activity_at__lte`).
    #[inline]
    pub fn activity_at_lte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.activity_at_lte = Some(at.into());
        self
    }

    /// Checks the ids and types before anything is sent; `types` only where `generic`.
    #[inline]
    fn check(&self, operation_id: &str, generic: bool) -> Result<(), Error> {
        check_id(operation_id, "lead_id", self.lead_id.as_deref())?;
        check_id(operation_id, "contact_id", self.contact_id.as_deref())?;
        check_id(operation_id, "user_id", self.user_id.as_deref())?;
        if !generic && !self.types.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "{operation_id} lists one activity type: filter by type on the generic list"
            )));
        }
        for t in &self.types {
            check_id(operation_id, "_type", Some(t))?;
            if t.contains(',') {
                return Err(Error::InvalidRequest(format!(
                    "activity type {t:?} contains a comma"
                )));
            }
        }
        Ok(())
    }
}

/// Sets `filter`'s members (but `types`) on a generated activity list builder `call`; every
/// activity list builder has the same setters.
macro_rules! with_filter {
    ($call:expr, $filter:expr) => {{
        let (mut call, f) = ($call, $filter);
        if let Some(v) = f.lead_id {
            call = call.lead_id(vec![v]);
        }
        if let Some(v) = f.contact_id {
            call = call.contact_id(vec![v]);
        }
        if let Some(v) = f.user_id {
            call = call.user_id(vec![v]);
        }
        if let Some(v) = f.date_created_gte {
            call = call.date_created_gte(v);
        }
        if let Some(v) = f.date_created_lte {
            call = call.date_created_lte(v);
        }
        if let Some(v) = f.activity_at_gte {
            call = call.activity_at_gte(v);
        }
        if let Some(v) = f.activity_at_lte {
            call = call.activity_at_lte(v);
        }
        call
    }};
}

/// A per-type list, paginated: `$list` is the generated list request of operation `$op`.
macro_rules! typed_list {
    ($op:literal, $list:expr, $filter:expr, $options:expr) => {{
        let (filter, options): (ActivityFilter, ListOptions) = ($filter, $options);
        // The per-type lists do not document `_fields`: asking for fields is refused.
        if let Err(e) = fields_for($op, &options).and_then(|_| filter.check($op, false)) {
            return Paginated::failed(e);
        }
        with_filter!($list.limit(i64::from(options.get_page_size())), filter).paginate()
    }};
}

/// The generic activity list and notes, calls, emails and SMS as one call each, over the
/// generated builders. Input is checked before anything is sent.
///
/// ```no_run
/// use close_sdk::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let note = client.add_note("lead_x", "Asked for a quote").await?;
/// let mut recent = client.list_activities(
///     ActivityFilter::default().lead_id("lead_x").types(["Note", "Call"]),
///     ListOptions::default(),
/// );
/// while let Some(activity) = recent.next().await {
///     println!("{:?}", activity?.type_);
/// }
/// client.activities().notes().delete(note.id.as_deref().unwrap_or_default()).await?;
/// # Ok(()) }
/// ```
pub trait ActivitiesExt {
    /// `GET /activity/`: activities of every type matching `filter`, newest first, fetched
    /// `options.page_size` at a time. [`ListOptions::fields`] is sent as `_fields`.
    fn list_activities(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<Activity>;

    /// `POST /activity/note/`: a note on a lead (`note` plain text, or `note_html`).
    fn create_note(
        &self,
        note: CreateNoteActivity,
    ) -> impl Future<Output = Result<NoteActivity, Error>> + Send;

    /// `POST /activity/note/`: a plain-text note on lead `lead_id`.
    fn add_note(
        &self,
        lead_id: &str,
        text: &str,
    ) -> impl Future<Output = Result<NoteActivity, Error>> + Send;

    /// `GET /activity/note/{id}/`: one note.
    #[deprecated(note = "use `client.activities().notes().get(id)`")]
    fn get_note(&self, id: &str) -> impl Future<Output = Result<NoteActivity, Error>> + Send;

    /// `GET /activity/note/`: notes matching `filter` (no `types`).
    fn list_notes(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<NoteActivity>;

    /// `PUT /activity/note/{id}/`: changes the members set in `update`.
    fn update_note(
        &self,
        id: &str,
        update: UpdateNoteActivity,
    ) -> impl Future<Output = Result<NoteActivity, Error>> + Send;

    /// `DELETE /activity/note/{id}/`: deletes the note.
    #[deprecated(note = "use `client.activities().notes().delete(id)`")]
    fn delete_note(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// `POST /activity/call/`: logs a call (e.g. one made outside Close); `phone` is checked.
    fn create_call(
        &self,
        call: CreateCallActivity,
    ) -> impl Future<Output = Result<CallActivity, Error>> + Send;

    /// `GET /activity/call/{id}/`: one call.
    #[deprecated(note = "use `client.activities().calls().get(id)`")]
    fn get_call(&self, id: &str) -> impl Future<Output = Result<CallActivity, Error>> + Send;

    /// `GET /activity/call/`: calls matching `filter` (no `types`).
    fn list_calls(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<CallActivity>;

    /// `DELETE /activity/call/{id}/`: deletes the call.
    #[deprecated(note = "use `client.activities().calls().delete(id)`")]
    fn delete_call(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// `POST /activity/email/`: an email activity (a draft, a sent email to log, or one for
    /// Close to send, by `status`); `to`, `cc` and `bcc` addresses are checked.
    fn create_email(
        &self,
        email: CreateEmailActivity,
    ) -> impl Future<Output = Result<EmailActivity, Error>> + Send;

    /// `GET /activity/email/{id}/`: one email.
    #[deprecated(note = "use `client.activities().emails().get(id)`")]
    fn get_email(&self, id: &str) -> impl Future<Output = Result<EmailActivity, Error>> + Send;

    /// `GET /activity/email/`: emails matching `filter` (no `types`).
    fn list_emails(&self, filter: ActivityFilter, options: ListOptions)
        -> Paginated<EmailActivity>;

    /// `DELETE /activity/email/{id}/`: deletes the email.
    #[deprecated(note = "use `client.activities().emails().delete(id)`")]
    fn delete_email(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// `POST /activity/sms/`: an SMS activity (to log, or for Close to send, by `status`);
    /// `local_phone` and `remote_phone` are checked.
    fn create_sms(
        &self,
        sms: CreateSmsActivity,
    ) -> impl Future<Output = Result<SmsActivity, Error>> + Send;

    /// `GET /activity/sms/{id}/`: one SMS.
    #[deprecated(note = "use `client.activities().sms().get(id)`")]
    fn get_sms(&self, id: &str) -> impl Future<Output = Result<SmsActivity, Error>> + Send;

    /// `GET /activity/sms/`: SMS matching `filter` (no `types`).
    fn list_sms(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<SmsActivity>;

    /// `DELETE /activity/sms/{id}/`: deletes the SMS.
    #[deprecated(note = "use `client.activities().sms().delete(id)`")]
    fn delete_sms(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Checks an email activity to create: its lead and contact ids and its addresses.
#[inline]
pub(crate) fn check_new_email(email: &CreateEmailActivity) -> Result<(), Error> {
    const OP: &str = "activities_emails_create";
    path_id(OP, "lead_id", &email.lead_id)?;
    check_id(OP, "contact_id", email.contact_id.as_deref())?;
    check_emails("to", email.to.as_ref())?;
    check_emails("cc", email.cc.as_ref())?;
    check_emails("bcc", email.bcc.as_ref())
}

/// A call as `create_call` checks it: its ids and its phone number.
#[inline]
pub(crate) fn check_new_call(call: &CreateCallActivity) -> Result<(), Error> {
    const OP: &str = "activities_calls_create";
    check_id(OP, "lead_id", call.lead_id.as_deref())?;
    check_id(OP, "contact_id", call.contact_id.as_deref())?;
    match &call.phone {
        Some(phone) => check_phone("phone", phone),
        None => Ok(()),
    }
}

/// An SMS as `create_sms` checks it: its ids and its phone numbers.
#[inline]
pub(crate) fn check_new_sms(sms: &CreateSmsActivity) -> Result<(), Error> {
    const OP: &str = "activities_sms_create";
    check_id(OP, "lead_id", sms.lead_id.as_deref())?;
    check_id(OP, "contact_id", sms.contact_id.as_deref())?;
    for (field, phone) in [
        ("local_phone", &sms.local_phone),
        ("remote_phone", &sms.remote_phone),
    ] {
        if let Some(phone) = phone {
            check_phone(field, phone)?;
        }
    }
    Ok(())
}

/// An email update as a new email is checked: its contact id and its addresses (`to`, `cc`,
/// `bcc`, each named by index).
#[inline]
pub(crate) fn check_email_update(update: &crate::types::UpdateEmailActivity) -> Result<(), Error> {
    check_id(
        "activities_emails_update",
        "contact_id",
        update.contact_id.as_deref(),
    )?;
    for (field, addresses) in [("to", &update.to), ("cc", &update.cc), ("bcc", &update.bcc)] {
        for (i, address) in addresses.as_set().into_iter().flatten().enumerate() {
            check_email(&format!("{field}[{i}]"), address)?;
        }
    }
    Ok(())
}

/// Checks a list of addresses (`to`, `cc`, `bcc`).
#[inline]
fn check_emails(field: &str, emails: Option<&Vec<String>>) -> Result<(), Error> {
    for (i, e) in emails.into_iter().flatten().enumerate() {
        check_email(&format!("{field}[{i}]"), e)?;
    }
    Ok(())
}

impl ActivitiesExt for Client {
    #[inline]
    fn list_activities(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<Activity> {
        let fields = match fields_for("activities_list", &options)
            .and_then(|f| filter.check("activities_list", true).map(|()| f))
        {
            Ok(f) => f,
            Err(e) => return Paginated::failed(e),
        };
        let mut call = self
            .activities()
            .list()
            .limit(i64::from(options.get_page_size()));
        if let Some(fields) = fields {
            call = call.fields(fields);
        }
        if !filter.types.is_empty() {
            call = call.type_(filter.types.clone());
        }
        with_filter!(call, filter).paginate()
    }

    #[inline]
    async fn create_note(&self, note: CreateNoteActivity) -> Result<NoteActivity, Error> {
        path_id("activities_notes_create", "lead_id", &note.lead_id)?;
        check_id(
            "activities_notes_create",
            "contact_id",
            note.contact_id.as_deref(),
        )?;
        finish(self.activities_notes_create().body(note).send().await).await
    }

    #[inline]
    async fn add_note(&self, lead_id: &str, text: &str) -> Result<NoteActivity, Error> {
        let note = CreateNoteActivity {
            extra: Default::default(),
            activity_at: None,
            attachments: None,
            contact_id: None,
            created_by_id: None,
            date_created: None,
            lead_id: lead_id.to_string(),
            note: Some(text.to_string()),
            note_html: None,
            organization_id: None,
            pinned: None,
            title: None,
            user_id: None,
        };
        self.create_note(note).await
    }

    #[inline]
    async fn get_note(&self, id: &str) -> Result<NoteActivity, Error> {
        let id = path_id("activities_notes_get", "id", id)?;
        self.activities().notes().get(id).await
    }

    #[inline]
    fn list_notes(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<NoteActivity> {
        typed_list!(
            "activities_notes_list",
            self.activities().notes().list(),
            filter,
            options
        )
    }

    #[inline]
    async fn update_note(
        &self,
        id: &str,
        update: UpdateNoteActivity,
    ) -> Result<NoteActivity, Error> {
        let id = path_id("activities_notes_update", "id", id)?;
        check_id(
            "activities_notes_update",
            "contact_id",
            update.contact_id.as_deref(),
        )?;
        finish(
            self.activities_notes_update()
                .id(id)
                .body(update)
                .send()
                .await,
        )
        .await
    }

    #[inline]
    async fn delete_note(&self, id: &str) -> Result<(), Error> {
        let id = path_id("activities_notes_delete", "id", id)?;
        self.activities().notes().delete(id).await
    }

    #[inline]
    async fn create_call(&self, call: CreateCallActivity) -> Result<CallActivity, Error> {
        check_new_call(&call)?;
        finish(self.activities_calls_create().body(call).send().await).await
    }

    #[inline]
    async fn get_call(&self, id: &str) -> Result<CallActivity, Error> {
        let id = path_id("activities_calls_get", "id", id)?;
        self.activities().calls().get(id).await
    }

    #[inline]
    fn list_calls(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<CallActivity> {
        typed_list!(
            "activities_calls_list",
            self.activities().calls().list(),
            filter,
            options
        )
    }

    #[inline]
    async fn delete_call(&self, id: &str) -> Result<(), Error> {
        let id = path_id("activities_calls_delete", "id", id)?;
        self.activities().calls().delete(id).await
    }

    #[inline]
    async fn create_email(&self, email: CreateEmailActivity) -> Result<EmailActivity, Error> {
        check_new_email(&email)?;
        finish(self.activities_emails_create().body(email).send().await).await
    }

    #[inline]
    async fn get_email(&self, id: &str) -> Result<EmailActivity, Error> {
        let id = path_id("activities_emails_get", "id", id)?;
        self.activities().emails().get(id).await
    }

    #[inline]
    fn list_emails(
        &self,
        filter: ActivityFilter,
        options: ListOptions,
    ) -> Paginated<EmailActivity> {
        typed_list!(
            "activities_emails_list",
            self.activities().emails().list(),
            filter,
            options
        )
    }

    #[inline]
    async fn delete_email(&self, id: &str) -> Result<(), Error> {
        let id = path_id("activities_emails_delete", "id", id)?;
        self.activities().emails().delete(id).await
    }

    #[inline]
    async fn create_sms(&self, sms: CreateSmsActivity) -> Result<SmsActivity, Error> {
        check_new_sms(&sms)?;
        finish(self.activities_sms_create().body(sms).send().await).await
    }

    #[inline]
    async fn get_sms(&self, id: &str) -> Result<SmsActivity, Error> {
        let id = path_id("activities_sms_get", "id", id)?;
        self.activities().sms().get(id).await
    }

    #[inline]
    fn list_sms(&self, filter: ActivityFilter, options: ListOptions) -> Paginated<SmsActivity> {
        typed_list!(
            "activities_sms_list",
            self.activities().sms().list(),
            filter,
            options
        )
    }

    #[inline]
    async fn delete_sms(&self, id: &str) -> Result<(), Error> {
        let id = path_id("activities_sms_delete", "id", id)?;
        self.activities().sms().delete(id).await
    }
}
