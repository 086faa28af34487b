//! The searches a CRM integration needs first, one line each.

use serde_json::Number;

use super::condition::{Condition, Moment, TextMode};
use super::field::{Field, ObjectType};
use super::query::Query;
use crate::Timestamp;

impl Query {
    /// Objects of `object_type` whose `date_updated` is on or after `since` (a `moment_range`
    /// from a `fixed_utc` moment).
    ///
    /// ```no_run
    /// use close_sdk::search::{ObjectType, Query};
    /// # async fn run(client: close_sdk::Client, since: close_sdk::Timestamp) -> Result<(), close_sdk::Error> {
    /// let leads = client.search().leads(Query::updated_since(ObjectType::LEAD, &since)).paginate();
    /// # Ok(()) }
    /// ```
    pub fn updated_since(object_type: ObjectType, since: &Timestamp) -> Query {
        Query::field(
            Field::regular(object_type, "date_updated"),
            Condition::on_or_after(Moment::utc(since)),
        )
    }

    /// Contacts whose `title` contains the words of `title` (Close's own first example).
    ///
    /// ```no_run
    /// use close_sdk::search::Query;
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let ceos = client.search().contacts(Query::contact_title("CEO")).paginate();
    /// # Ok(()) }
    /// ```
    pub fn contact_title(title: impl Into<String>) -> Query {
        Query::field(
            Field::contact("title"),
            Condition::text(TextMode::FullWords, title),
        )
    }

    /// Leads in one of the lead statuses `status_ids` (`stat_…`): a `reference` condition on
    /// the lead's `status_id`, `reference_type` `status.lead`.
    pub fn lead_status<I, S>(status_ids: I) -> Query
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Query::field(
            Field::lead("status_id"),
            Condition::reference("status.lead", status_ids),
        )
    }

    /// Leads with an opportunity whose `value` is greater than `value`. The number is sent as
    /// given: the Opportunities API writes `value` in cents, and Close's pages do not say
    /// whether the search reads it in the same unit.
    pub fn has_opportunity_above(value: impl Into<Number>) -> Query {
        Query::has_related(
            ObjectType::LEAD,
            ObjectType::OPPORTUNITY,
            Query::field(Field::opportunity("value"), Condition::greater_than(value)),
        )
    }

    /// Leads in status `status_id` with an opportunity whose `value` is greater than `value`.
    ///
    /// ```no_run
    /// use close_sdk::search::Query;
    /// # async fn run(client: close_sdk::Client) -> Result<(), close_sdk::Error> {
    /// let deals = client.search().leads(Query::in_status_with_opportunity_above("stat_xxx", 500_000)).paginate();
    /// # Ok(()) }
    /// ```
    pub fn in_status_with_opportunity_above(
        status_id: impl Into<String>,
        value: impl Into<Number>,
    ) -> Query {
        Query::and([
            Query::lead_status([status_id.into()]),
            Query::has_opportunity_above(value),
        ])
    }
}
