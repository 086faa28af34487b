//! Onboarding and offboarding whole teams: many rows, bounded concurrency, one outcome per row.
//!
//! Every request goes through the same request path as single calls, so provisioning runs at the
//! rate Close allows (the per-endpoint-group throttle) and retries what is safe to retry — a
//! create is only ever sent again as a retry of the same idempotent create.
//!
//! A run can be dropped at any point (a timeout, `select!`, an aborted task). It spawns nothing
//! and reads rows only as it starts them, at most `concurrency` ahead of what it has yielded, so
//! a dropped run sends nothing more: the rows not yet started are never sent, and the requests
//! in flight are dropped with it (Close may or may not have applied those; their outcomes are
//! lost, so keep what the stream yielded).

use futures_core::Stream;
use futures_util::{stream, StreamExt};

use super::memberships::MembershipsExt;
use crate::types::{Membership, UpdateMembership};
use crate::{Client, Error, Role};

/// The default number of requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// The default number of ids per bulk update request.
pub const DEFAULT_BULK_CHUNK: usize = 100;

/// The outcome of one input row, tagged with the row's position in the input (from 0).
#[derive(Debug)]
pub struct RowOutcome<T> {
    /// Position of the row in the input.
    pub index: usize,
    /// What happened to it.
    pub result: Result<T, Error>,
}

/// The outcome of one bulk-update request: the ids it covered and how many Close updated.
#[derive(Debug)]
pub struct ChunkOutcome {
    /// The membership ids sent in this request.
    pub ids: Vec<String>,
    /// Close's count of updated memberships, or why the request failed.
    pub result: Result<u64, Error>,
}

/// Bulk operations over many memberships.
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use futures_util::StreamExt;
///
/// # async fn run(client: Client) {
/// let team = vec![("ann@salesteam.com", Role::User), ("bob@salesteam.com", Role::Superuser)];
/// let mut outcomes = client.provision_memberships(team, 8);
/// while let Some(row) = outcomes.next().await {
///     match row.result {
///         Ok(m) => println!("row {}: {:?}", row.index, m.id),
///         Err(e) => eprintln!("row {}: {e}", row.index),
///     }
/// }
/// # }
/// ```
pub trait ProvisioningExt {
    /// Creates (or re-activates) a membership for every `(email, role)` row, at most
    /// `concurrency` at a time. Yields exactly one outcome per row, in completion order, each
    /// tagged with its row index. A row whose email is not valid fails without a request; every
    /// role is sent as asked (as [`MembershipsExt::create_membership`] does), and a role Close
    /// refuses on create (Admin) fails with Close's error.
    fn provision_memberships<I, E>(
        &self,
        rows: I,
        concurrency: usize,
    ) -> impl Stream<Item = RowOutcome<Membership>> + Send + '_
    where
        I: IntoIterator<Item = (E, Role)>,
        I::IntoIter: Send + 'static,
        E: AsRef<str> + Send + 'static;

    /// Like [`ProvisioningExt::provision_memberships`], for rows that arrive as a stream (e.g.
    /// read from a file or a queue while earlier rows are being provisioned).
    fn provision_memberships_from_stream<S, E>(
        &self,
        rows: S,
        concurrency: usize,
    ) -> impl Stream<Item = RowOutcome<Membership>> + Send + '_
    where
        S: Stream<Item = (E, Role)> + Send + 'static,
        E: AsRef<str> + Send + 'static;

    /// Deactivates every membership in `ids` (offboarding), at most `concurrency` at a time;
    /// one outcome per id.
    fn deactivate_memberships<I, S>(
        &self,
        ids: I,
        concurrency: usize,
    ) -> impl Stream<Item = RowOutcome<()>> + Send + '_
    where
        I: IntoIterator<Item = S>,
        I::IntoIter: Send + 'static,
        S: AsRef<str> + Send + 'static;

    /// Gives every membership in `ids` the role `role`, through Close's bulk update
    /// (`_params.id__in`), `chunk_size` ids per request, one request at a time. Returns one
    /// outcome per request, so every id is accounted for. Dropped before it finishes, it sends
    /// no further chunk, but the outcomes of the chunks already sent are lost with it.
    fn bulk_update_roles<I, S>(
        &self,
        ids: I,
        role: Role,
        chunk_size: usize,
    ) -> impl std::future::Future<Output = Vec<ChunkOutcome>> + Send
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>;
}

impl ProvisioningExt for Client {
    #[inline]
    fn provision_memberships<I, E>(
        &self,
        rows: I,
        concurrency: usize,
    ) -> impl Stream<Item = RowOutcome<Membership>> + Send + '_
    where
        I: IntoIterator<Item = (E, Role)>,
        I::IntoIter: Send + 'static,
        E: AsRef<str> + Send + 'static,
    {
        self.provision_memberships_from_stream(stream::iter(rows), concurrency)
    }

    #[inline]
    fn provision_memberships_from_stream<S, E>(
        &self,
        rows: S,
        concurrency: usize,
    ) -> impl Stream<Item = RowOutcome<Membership>> + Send + '_
    where
        S: Stream<Item = (E, Role)> + Send + 'static,
        E: AsRef<str> + Send + 'static,
    {
        rows.enumerate()
            .map(move |(index, (email, role))| async move {
                RowOutcome {
                    index,
                    result: self.create_membership(email.as_ref(), role).await,
                }
            })
            .buffer_unordered(concurrency.max(1))
    }

    #[inline]
    fn deactivate_memberships<I, S>(
        &self,
        ids: I,
        concurrency: usize,
    ) -> impl Stream<Item = RowOutcome<()>> + Send + '_
    where
        I: IntoIterator<Item = S>,
        I::IntoIter: Send + 'static,
        S: AsRef<str> + Send + 'static,
    {
        stream::iter(ids)
            .enumerate()
            .map(move |(index, id)| async move {
                RowOutcome {
                    index,
                    result: match super::call::path_id("memberships_delete", "id", id.as_ref()) {
                        Ok(id) => self.memberships().delete(id).await,
                        Err(e) => Err(e),
                    },
                }
            })
            .buffer_unordered(concurrency.max(1))
    }

    #[inline]
    fn bulk_update_roles<I, S>(
        &self,
        ids: I,
        role: Role,
        chunk_size: usize,
    ) -> impl std::future::Future<Output = Vec<ChunkOutcome>> + Send
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids: Vec<String> = ids.into_iter().map(|s| s.as_ref().to_string()).collect();
        let chunks: Vec<Vec<String>> = ids
            .chunks(chunk_size.max(1))
            .map(<[String]>::to_vec)
            .collect();
        async move {
            let mut outcomes = Vec::with_capacity(chunks.len());
            for ids in chunks {
                let update = UpdateMembership {
                    role_id: crate::Patch::Set(role.clone()),
                    ..Default::default()
                };
                let result = self.bulk_update_memberships(&ids, update).await;
                outcomes.push(ChunkOutcome { ids, result });
            }
            outcomes
        }
    }
}
