//! `OpportunitiesExt`: the Opportunities operations as plain async calls, with Close's
//! documented list filters.

use std::future::Future;

use super::call::{check_id, fields_for, finish, path_id};
use super::pagination::{ListOptions, Paginated};
use crate::types::{CreateOpportunity, Opportunity, OpportunityStatusType, UpdateOpportunity};
use crate::{Client, DateOrTimestamp, Error};

/// Which opportunities [`OpportunitiesExt::list_opportunities`] returns: the filters of
/// `GET /opportunity/` in Close's document, each sent only when set. Date bounds are
/// inclusive (`__gte`/`__lte`) and take a date or a timestamp.
///
/// ```
/// use close_sdk::{Date, OpportunityFilter};
/// use close_sdk::types::OpportunityStatusType;
///
/// let won_this_year = OpportunityFilter::default()
///     .status_type(OpportunityStatusType::Won)
///     .date_won_gte(Date::new(2026, 1, 1).unwrap());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpportunityFilter {
    lead_id: Option<String>,
    user_id: Option<String>,
    status_id: Option<String>,
    status_type: Option<OpportunityStatusType>,
    query: Option<String>,
    date_created_gte: Option<DateOrTimestamp>,
    date_created_lte: Option<DateOrTimestamp>,
    date_updated_gte: Option<DateOrTimestamp>,
    date_updated_lte: Option<DateOrTimestamp>,
    date_won_gte: Option<DateOrTimestamp>,
    date_won_lte: Option<DateOrTimestamp>,
}

impl OpportunityFilter {
    /// Only this lead's opportunities (`lead_id`).
    #[inline]
    pub fn lead_id(mut self, id: impl Into<String>) -> Self {
        self.lead_id = Some(id.into());
        self
    }

    /// Only opportunities owned by this user (`user_id`).
    #[inline]
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.user_id = Some(id.into());
        self
    }

    /// Only opportunities in this status (`status_id`).
    #[inline]
    pub fn status_id(mut self, id: impl Into<String>) -> Self {
        self.status_id = Some(id.into());
        self
    }

    /// Only active, won or lost opportunities (`status_type`).
    #[inline]
    pub fn status_type(mut self, status_type: OpportunityStatusType) -> Self {
        self.status_type = Some(status_type);
        self
    }

    /// Close's search query (`query`), as typed in the UI's search box.
    #[inline]
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
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

    /// Updated at or after (`date_updated__gte`).
    #[inline]
    pub fn date_updated_gte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_updated_gte = Some(at.into());
        self
    }

    /// Updated at or before (`date_updated__lte`).
    #[inline]
    pub fn date_updated_lte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_updated_lte = Some(at.into());
        self
    }

    /// Won on or after (`date_won__gte`).
    #[inline]
    pub fn date_won_gte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_won_gte = Some(at.into());
        self
    }

    /// Won on or before (`date_won__lte`).
    #[inline]
    pub fn date_won_lte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_won_lte = Some(at.into());
        self
    }

    /// Checks the ids and the query before anything is sent.
    #[inline]
    fn check(&self) -> Result<(), Error> {
        const OP: &str = "opportunities_list";
        check_id(OP, "lead_id", self.lead_id.as_deref())?;
        check_id(OP, "user_id", self.user_id.as_deref())?;
        check_id(OP, "status_id", self.status_id.as_deref())?;
        if let Some(q) = &self.query {
            if q.trim().is_empty() || q.chars().any(char::is_control) {
                return Err(Error::InvalidRequest(
                    "opportunity query must not be blank or contain control characters".into(),
                ));
            }
        }
        Ok(())
    }
}

/// The Opportunities API as one call each, over the generated builders. Input is checked
/// before anything is sent.
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use close_sdk::types::{CreateOpportunity, UpdateOpportunity};
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let new = CreateOpportunity {
///     lead_id: Some("lead_x".into()),
///     value: Some(50_000),
///     ..Default::default()
/// };
/// let opp = client.create_opportunity(new).await?;
/// let update = UpdateOpportunity { confidence: Patch::Set(80), ..Default::default() };
/// let id = opp.id.as_deref().unwrap_or_default();
/// client.update_opportunity(id, update).await?;
/// let on_lead = client
///     .list_opportunities(OpportunityFilter::default().lead_id("lead_x"), ListOptions::default())
///     .collect_all()
///     .await?;
/// client.opportunities().delete(id).await?;
/// # Ok(()) }
/// ```
pub trait OpportunitiesExt {
    /// `POST /opportunity/`: creates the opportunity; its ids are checked first.
    fn create_opportunity(
        &self,
        opportunity: CreateOpportunity,
    ) -> impl Future<Output = Result<Opportunity, Error>> + Send;

    /// `GET /opportunity/{id}/`: one opportunity.
    #[deprecated(note = "use `client.opportunities().get(id)`")]
    fn get_opportunity(&self, id: &str) -> impl Future<Output = Result<Opportunity, Error>> + Send;

    /// `GET /opportunity/`: the opportunities matching `filter`, fetched `options.page_size` at
    /// a time, the filter sent with every page. [`ListOptions::fields`] is sent as `_fields`.
    fn list_opportunities(
        &self,
        filter: OpportunityFilter,
        options: ListOptions,
    ) -> Paginated<Opportunity>;

    /// `PUT /opportunity/{id}/`: changes the members set in `update` (custom fields go in its
    /// `extra` map).
    fn update_opportunity(
        &self,
        id: &str,
        update: UpdateOpportunity,
    ) -> impl Future<Output = Result<Opportunity, Error>> + Send;

    /// `DELETE /opportunity/{id}/`: deletes the opportunity.
    #[deprecated(note = "use `client.opportunities().delete(id)`")]
    fn delete_opportunity(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

impl OpportunitiesExt for Client {
    #[inline]
    async fn create_opportunity(
        &self,
        opportunity: CreateOpportunity,
    ) -> Result<Opportunity, Error> {
        const OP: &str = "opportunities_create";
        check_id(OP, "lead_id", opportunity.lead_id.as_deref())?;
        check_id(OP, "contact_id", opportunity.contact_id.as_deref())?;
        check_id(OP, "status_id", opportunity.status_id.as_deref())?;
        check_id(OP, "pipeline_id", opportunity.pipeline_id.as_deref())?;
        check_id(OP, "user_id", opportunity.user_id.as_deref())?;
        finish(self.opportunities_create().body(opportunity).send().await).await
    }

    #[inline]
    async fn get_opportunity(&self, id: &str) -> Result<Opportunity, Error> {
        let id = path_id("opportunities_get", "id", id)?;
        self.opportunities().get(id).await
    }

    #[inline]
    fn list_opportunities(
        &self,
        filter: OpportunityFilter,
        options: ListOptions,
    ) -> Paginated<Opportunity> {
        let fields = match fields_for("opportunities_list", &options)
            .and_then(|f| filter.check().map(|()| f))
        {
            Ok(f) => f,
            Err(e) => return Paginated::failed(e),
        };
        let mut call = self
            .opportunities()
            .list()
            .limit(i64::from(options.get_page_size()));
        if let Some(fields) = fields {
            call = call.fields(fields);
        }
        if let Some(v) = filter.lead_id {
            call = call.lead_id(v);
        }
        if let Some(v) = filter.user_id {
            call = call.user_id(v);
        }
        if let Some(v) = filter.status_id {
            call = call.status_id(v);
        }
        if let Some(v) = filter.status_type {
            call = call.status_type(v);
        }
        if let Some(v) = filter.query {
            call = call.query(v);
        }
        if let Some(v) = filter.date_created_gte {
            call = call.date_created_gte(v);
        }
        if let Some(v) = filter.date_created_lte {
            call = call.date_created_lte(v);
        }
        if let Some(v) = filter.date_updated_gte {
            call = call.date_updated_gte(v);
        }
        if let Some(v) = filter.date_updated_lte {
            call = call.date_updated_lte(v);
        }
        if let Some(v) = filter.date_won_gte {
            call = call.date_won_gte(v);
        }
        if let Some(v) = filter.date_won_lte {
            call = call.date_won_lte(v);
        }
        call.paginate()
    }

    #[inline]
    async fn update_opportunity(
        &self,
        id: &str,
        update: UpdateOpportunity,
    ) -> Result<Opportunity, Error> {
        let id = path_id("opportunities_update", "id", id)?;
        check_id("opportunities_update", "lead_id", update.lead_id.as_deref())?;
        check_id(
            "opportunities_update",
            "status_id",
            update.status_id.as_deref(),
        )?;
        finish(self.opportunities_update().id(id).body(update).send().await).await
    }

    #[inline]
    async fn delete_opportunity(&self, id: &str) -> Result<(), Error> {
        let id = path_id("opportunities_delete", "id", id)?;
        self.opportunities().delete(id).await
    }
}
