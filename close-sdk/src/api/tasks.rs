//! `TasksExt`: the Tasks operations as plain async calls, with Close's documented list filters.

use std::future::Future;

use super::call::{check_id, fields_for, finish, path_id};
use super::pagination::{ListOptions, Paginated};
use crate::types::{CreateTask, Task, UpdateTask};
use crate::{Client, DateOrTimestamp, Error};

/// Which tasks [`TasksExt::list_tasks`] returns: filters of `GET /task/` in Close's document,
/// each sent only when set. Date bounds are inclusive (`__gte`/`__lte`).
///
/// ```
/// use close_sdk::TaskFilter;
///
/// let open_on_lead = TaskFilter::default().lead_id("lead_x").is_complete(false);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    lead_id: Option<String>,
    assigned_to: Option<String>,
    is_complete: Option<bool>,
    task_type: Option<String>,
    date_gte: Option<DateOrTimestamp>,
    date_lte: Option<DateOrTimestamp>,
}

impl TaskFilter {
    /// Only this lead's tasks (`lead_id`).
    #[inline]
    pub fn lead_id(mut self, id: impl Into<String>) -> Self {
        self.lead_id = Some(id.into());
        self
    }

    /// Only tasks assigned to this user (`assigned_to`).
    #[inline]
    pub fn assigned_to(mut self, user_id: impl Into<String>) -> Self {
        self.assigned_to = Some(user_id.into());
        self
    }

    /// Only complete (`true`) or incomplete (`false`) tasks (`is_complete`).
    #[inline]
    pub fn is_complete(mut self, complete: bool) -> Self {
        self.is_complete = Some(complete);
        self
    }

    /// Only tasks of this type (`_type`, e.g. `lead`, `incoming_email`, `missed_call`).
    #[inline]
    pub fn task_type(mut self, task_type: impl Into<String>) -> Self {
        self.task_type = Some(task_type.into());
        self
    }

    /// Due on or after (`date__gte`).
    #[inline]
    pub fn date_gte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_gte = Some(at.into());
        self
    }

    /// Due on or before (`date__lte`).
    #[inline]
    pub fn date_lte(mut self, at: impl Into<DateOrTimestamp>) -> Self {
        self.date_lte = Some(at.into());
        self
    }

    /// Checks the ids and the type before anything is sent.
    #[inline]
    fn check(&self) -> Result<(), Error> {
        check_id("tasks_list", "lead_id", self.lead_id.as_deref())?;
        check_id("tasks_list", "assigned_to", self.assigned_to.as_deref())?;
        check_id("tasks_list", "_type", self.task_type.as_deref())
    }
}

/// The Tasks API as one call each, over the generated builders. Input is checked before
/// anything is sent.
///
/// ```no_run
/// use close_sdk::prelude::*;
/// use close_sdk::types::{CreateTask, UpdateTask};
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let new = CreateTask {
///     lead_id: Some("lead_x".into()),
///     text: Some("Call back".into()),
///     ..Default::default()
/// };
/// let task = client.create_task(new).await?;
/// let done = UpdateTask { is_complete: Patch::Set(true), ..Default::default() };
/// let id = task.id.as_deref().unwrap_or_default();
/// client.update_task(id, done).await?;
/// let open = client
///     .list_tasks(TaskFilter::default().is_complete(false), ListOptions::default())
///     .collect_all()
///     .await?;
/// client.tasks().delete(id).await?;
/// # Ok(()) }
/// ```
pub trait TasksExt {
    /// `POST /task/`: creates the task; its ids are checked first.
    fn create_task(&self, task: CreateTask) -> impl Future<Output = Result<Task, Error>> + Send;

    /// `GET /task/{id}/`: one task.
    #[deprecated(note = "use `client.tasks().get(id)`")]
    fn get_task(&self, id: &str) -> impl Future<Output = Result<Task, Error>> + Send;

    /// `GET /task/`: the tasks matching `filter`, fetched `options.page_size` at a time, the
    /// filter sent with every page. [`ListOptions::fields`] is sent as `_fields`.
    fn list_tasks(&self, filter: TaskFilter, options: ListOptions) -> Paginated<Task>;

    /// `PUT /task/{id}/`: changes the members set in `update` (Close's document names the
    /// task update body `UpdateTask`).
    fn update_task(
        &self,
        id: &str,
        update: UpdateTask,
    ) -> impl Future<Output = Result<Task, Error>> + Send;

    /// `DELETE /task/{id}/`: deletes the task.
    #[deprecated(note = "use `client.tasks().delete(id)`")]
    fn delete_task(&self, id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

impl TasksExt for Client {
    #[inline]
    async fn create_task(&self, task: CreateTask) -> Result<Task, Error> {
        check_id("tasks_create", "lead_id", task.lead_id.as_deref())?;
        check_id("tasks_create", "contact_id", task.contact_id.as_deref())?;
        check_id("tasks_create", "assigned_to", task.assigned_to.as_deref())?;
        finish(self.tasks_create().body(task).send().await).await
    }

    #[inline]
    async fn get_task(&self, id: &str) -> Result<Task, Error> {
        let id = path_id("tasks_get", "id", id)?;
        self.tasks().get(id).await
    }

    #[inline]
    fn list_tasks(&self, filter: TaskFilter, options: ListOptions) -> Paginated<Task> {
        let fields =
            match fields_for("tasks_list", &options).and_then(|f| filter.check().map(|()| f)) {
                Ok(f) => f,
                Err(e) => return Paginated::failed(e),
            };
        let mut call = self
            .tasks()
            .list()
            .limit(i64::from(options.get_page_size()));
        if let Some(fields) = fields {
            call = call.fields(fields);
        }
        if let Some(v) = filter.lead_id {
            call = call.lead_id(v);
        }
        if let Some(v) = filter.assigned_to {
            call = call.assigned_to(v);
        }
        if let Some(v) = filter.is_complete {
            call = call.is_complete(v.to_string());
        }
        if let Some(v) = filter.task_type {
            call = call.type_(v);
        }
        if let Some(v) = filter.date_gte {
            call = call.date_gte(v);
        }
        if let Some(v) = filter.date_lte {
            call = call.date_lte(v);
        }
        call.paginate()
    }

    #[inline]
    async fn update_task(&self, id: &str, update: UpdateTask) -> Result<Task, Error> {
        let id = path_id("tasks_update", "id", id)?;
        check_id("tasks_update", "lead_id", update.lead_id.as_deref())?;
        check_id("tasks_update", "assigned_to", update.assigned_to.as_deref())?;
        finish(self.tasks_update().id(id).body(update).send().await).await
    }

    #[inline]
    async fn delete_task(&self, id: &str) -> Result<(), Error> {
        let id = path_id("tasks_delete", "id", id)?;
        self.tasks().delete(id).await
    }
}
