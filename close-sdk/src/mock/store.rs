//! The sales part of [`super::MockClose`]: opportunities, tasks, activities (notes, calls,
//! emails, and the status-change and task-completion activities Close records by itself),
//! lead and opportunity statuses, pipelines, webhook subscriptions and the event log, kept in
//! memory as JSON in Close's documented shapes.
//!
//! Sources: the objects' fields are those of Close's documented examples (the per-tag extracts
//! in `openapi/upstream/examples/`, carried into `generated/mock_examples.json`); the statuses
//! and the pipeline a new mock starts with *are* those examples (`lead_statuses_list`,
//! `opportunity_statuses_list`, `pipelines_list`); required members are the `required` lists of
//! `CreateNoteActivity` (`lead_id`), `CreateEmailActivity` (`lead_id`, `status`) and
//! `CreateWebhook` (`url`, `events`); the event format is the Event Log page's ("Event format",
//! see `crate::events`), the delivery envelope `{"event", "subscription_id"}` the webhooks page's.

use std::collections::VecDeque;

use httpmock::HttpMockRequest;
use serde_json::{json, Map, Value};

use super::examples;
use super::{close_id, seed_of, MOCK_ORGANIZATION_ID, MOCK_USER_ID};

/// Close's default page size for list endpoints.
const DEFAULT_LIMIT: usize = 100;
/// The event log's default page size (Close's Event Log page: `_limit` defaults to 50).
const EVENT_LIMIT: usize = 50;
/// The most events the mock keeps (the oldest go first).
pub(super) const MAX_EVENTS: usize = 10_000;
/// The most objects of one kind the mock holds; a create past it answers 400.
const MAX_OBJECTS: usize = 100_000;

/// What a handler answers: status and JSON body (`None`: no body).
pub(super) type Answer = (u16, Option<Value>);

/// The kinds of object the store keeps, each in its own list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Opportunity,
    Task,
    Activity,
    LeadStatus,
    OpportunityStatus,
    Pipeline,
    Webhook,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Opportunity => "oppo",
            Kind::Task => "task",
            Kind::Activity => "acti",
            Kind::LeadStatus | Kind::OpportunityStatus => "stat",
            Kind::Pipeline => "pipe",
            Kind::Webhook => "whsub",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Opportunity => "opportunity",
            Kind::Task => "task",
            Kind::Activity => "activity",
            Kind::LeadStatus => "lead status",
            Kind::OpportunityStatus => "opportunity status",
            Kind::Pipeline => "pipeline",
            Kind::Webhook => "webhook subscription",
        }
    }
}

/// One change, as the event log records it.
pub(super) struct Change {
    pub(super) object_type: String,
    pub(super) action: &'static str,
    pub(super) object_id: String,
    pub(super) lead_id: Option<String>,
    pub(super) data: Value,
    pub(super) previous_data: Value,
    pub(super) changed_fields: Vec<String>,
}

/// A webhook delivery to make: the URL, the subscription's key (hex), the body.
pub(super) struct Outgoing {
    pub(super) url: String,
    pub(super) key_hex: String,
    pub(super) subscription_id: String,
    pub(super) event_id: String,
    pub(super) body: Vec<u8>,
}

/// Everything the sales part holds.
pub(super) struct Store {
    objects: Vec<(Kind, Value)>,
    events: VecDeque<Value>,
    created: u64,
    /// Leads the CRM part knows: id → display name (kept for `lead_name`).
    pub(super) lead_names: Vec<(String, String)>,
}

impl Store {
    pub(super) fn new() -> Self {
        let mut store = Store {
            objects: Vec::new(),
            events: VecDeque::new(),
            created: 0,
            lead_names: Vec::new(),
        };
        // The organization a new mock stands for: Close's documented statuses and pipeline.
        for (op, kind) in [
            ("lead_statuses_list", Kind::LeadStatus),
            ("opportunity_statuses_list", Kind::OpportunityStatus),
            ("pipelines_list", Kind::Pipeline),
        ] {
            if let examples::Documented::Example(_, list) = examples::operation(op) {
                for item in list["data"].as_array().into_iter().flatten() {
                    let mut item = item.clone();
                    if kind == Kind::Pipeline {
                        // A pipeline's statuses are the opportunity statuses that name it.
                        if let Some(obj) = item.as_object_mut() {
                            obj.remove("statuses");
                        }
                    }
                    store.objects.push((kind, item));
                }
            }
        }
        store
    }

    fn next_id(&mut self, kind: Kind) -> String {
        self.created += 1;
        let id = close_id(kind.prefix(), seed_of(kind.prefix()) ^ self.created);
        match kind {
            // Close's pipeline and subscription ids are shorter (`pipe_04fC628PVB0HjK2Qq5EqEf`).
            Kind::Pipeline | Kind::Webhook => id[..kind.prefix().len() + 23].to_string(),
            _ => id,
        }
    }

    fn all(&self, kind: Kind) -> impl Iterator<Item = &Value> {
        self.objects
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, v)| v)
    }

    fn position(&self, kind: Kind, id: &str) -> Option<usize> {
        self.objects
            .iter()
            .position(|(k, v)| *k == kind && v["id"] == id)
    }

    fn get(&self, kind: Kind, id: &str) -> Option<&Value> {
        self.position(kind, id).map(|i| &self.objects[i].1)
    }

    fn lead_name(&self, lead_id: &Value) -> Value {
        let id = lead_id.as_str().unwrap_or_default();
        self.lead_names
            .iter()
            .find(|(l, _)| l == id)
            .map_or(Value::Null, |(_, name)| json!(name))
    }

    /// The events so far, newest first.
    pub(super) fn events(&self) -> impl Iterator<Item = &Value> {
        self.events.iter().rev()
    }

    /// Records a change in the event log; returns the event.
    pub(super) fn record(&mut self, change: Change, method: &str, path: &str) -> Value {
        self.created += 1;
        let seed = seed_of("ev") ^ self.created;
        let now = now();
        let event = json!({
            "action": change.action,
            "api_key_id": null,
            "changed_fields": change.changed_fields,
            "data": change.data,
            "date_created": now,
            "date_updated": now,
            "id": close_id("ev", seed)[..25].to_string(),
            "lead_id": change.lead_id,
            "meta": {"request_method": method, "request_path": format!("/api/v1{path}")},
            "object_id": change.object_id,
            "object_type": change.object_type,
            "organization_id": MOCK_ORGANIZATION_ID,
            "previous_data": change.previous_data,
            "request_id": close_id("req", seed)[..26].to_string(),
            "user_id": MOCK_USER_ID,
        });
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event.clone());
        event
    }

    /// The deliveries `event` causes: one per active subscription with a matching
    /// `{object_type, action}` (extra filters are not evaluated).
    pub(super) fn deliveries(&self, event: &Value) -> Vec<Outgoing> {
        self.all(Kind::Webhook)
            .filter(|s| s["status"] == "active")
            .filter(|s| {
                s["events"].as_array().into_iter().flatten().any(|e| {
                    e["object_type"] == event["object_type"] && e["action"] == event["action"]
                })
            })
            .map(|s| {
                let subscription_id = s["id"].as_str().unwrap_or_default().to_string();
                let body = json!({"event": event, "subscription_id": subscription_id});
                Outgoing {
                    url: s["url"].as_str().unwrap_or_default().to_string(),
                    key_hex: s["signature_key"].as_str().unwrap_or_default().to_string(),
                    event_id: event["id"].as_str().unwrap_or_default().to_string(),
                    subscription_id,
                    body: body.to_string().into_bytes(),
                }
            })
            .collect()
    }

    /// Answers operation `op` if the store models it; `None` otherwise. `changes` receives what
    /// the event log must record.
    pub(super) fn handle(
        &mut self,
        op: &str,
        req: &HttpMockRequest,
        changes: &mut Vec<Change>,
    ) -> Option<Answer> {
        use Kind::*;
        let id = || id_segment(req);
        let activity = |t: &'static str| Some(t);
        Some(match op {
            "opportunities_create" => self.create(Opportunity, None, req, changes),
            "opportunities_list" => self.list(Opportunity, None, req),
            "opportunities_get" => self.fetch(Opportunity, None, &id()),
            "opportunities_update" => self.update(Opportunity, None, &id(), req, changes),
            "opportunities_delete" => self.delete(Opportunity, None, &id(), changes),
            "tasks_create" => self.create(Task, None, req, changes),
            "tasks_list" => self.list(Task, None, req),
            "tasks_get" => self.fetch(Task, None, &id()),
            "tasks_update" => self.update(Task, None, &id(), req, changes),
            "tasks_delete" => self.delete(Task, None, &id(), changes),
            "activities_list" => self.list(Activity, None, req),
            "activities_notes_create" => self.create(Activity, activity("Note"), req, changes),
            "activities_notes_list" => self.list(Activity, activity("Note"), req),
            "activities_notes_get" => self.fetch(Activity, activity("Note"), &id()),
            "activities_notes_update" => {
                self.update(Activity, activity("Note"), &id(), req, changes)
            }
            "activities_notes_delete" => self.delete(Activity, activity("Note"), &id(), changes),
            "activities_calls_create" => self.create(Activity, activity("Call"), req, changes),
            "activities_calls_list" => self.list(Activity, activity("Call"), req),
            "activities_calls_get" => self.fetch(Activity, activity("Call"), &id()),
            "activities_calls_update" => {
                self.update(Activity, activity("Call"), &id(), req, changes)
            }
            "activities_calls_delete" => self.delete(Activity, activity("Call"), &id(), changes),
            "activities_emails_create" => self.create(Activity, activity("Email"), req, changes),
            "activities_emails_list" => self.list(Activity, activity("Email"), req),
            "activities_emails_get" => self.fetch(Activity, activity("Email"), &id()),
            "activities_emails_update" => {
                self.update(Activity, activity("Email"), &id(), req, changes)
            }
            "activities_emails_delete" => self.delete(Activity, activity("Email"), &id(), changes),
            "activities_opportunity_status_changes_list" => {
                self.list(Activity, activity("OpportunityStatusChange"), req)
            }
            "activities_lead_status_changes_list" => {
                self.list(Activity, activity("LeadStatusChange"), req)
            }
            "activities_task_completions_list" => {
                self.list(Activity, activity("TaskCompleted"), req)
            }
            "lead_statuses_create" => self.create(LeadStatus, None, req, changes),
            "lead_statuses_list" => self.list(LeadStatus, None, req),
            "lead_statuses_update" => self.update(LeadStatus, None, &id(), req, changes),
            "lead_statuses_delete" => self.delete(LeadStatus, None, &id(), changes),
            "opportunity_statuses_create" => self.create(OpportunityStatus, None, req, changes),
            "opportunity_statuses_list" => self.list(OpportunityStatus, None, req),
            "opportunity_statuses_update" => {
                self.update(OpportunityStatus, None, &id(), req, changes)
            }
            "opportunity_statuses_delete" => self.delete(OpportunityStatus, None, &id(), changes),
            "pipelines_create" => self.create(Pipeline, None, req, changes),
            "pipelines_list" => self.list(Pipeline, None, req),
            "pipelines_update" => self.update(Pipeline, None, &id(), req, changes),
            "pipelines_delete" => self.delete(Pipeline, None, &id(), changes),
            "webhooks_create" => self.create(Webhook, None, req, changes),
            "webhooks_list" => self.list(Webhook, None, req),
            "webhooks_get" => self.fetch(Webhook, None, &id()),
            "webhooks_update" => self.update(Webhook, None, &id(), req, changes),
            "webhooks_delete" => self.delete(Webhook, None, &id(), changes),
            "events_list" => self.list_events(req),
            "events_get" => match self.events.iter().find(|e| e["id"] == id().as_str()) {
                Some(e) => (200, Some(e.clone())),
                None => not_found("event"),
            },
            _ => return None,
        })
    }

    /// The stored object as Close returns it (pipelines with their statuses).
    fn render(&self, kind: Kind, v: &Value) -> Value {
        let mut out = v.clone();
        if kind == Kind::Pipeline {
            out["statuses"] = self
                .all(Kind::OpportunityStatus)
                .filter(|s| s["pipeline_id"] == v["id"])
                .map(|s| json!({"id": s["id"], "label": s["label"], "type": s["type"]}))
                .collect();
        }
        out
    }

    fn create(
        &mut self,
        kind: Kind,
        activity: Option<&'static str>,
        req: &HttpMockRequest,
        changes: &mut Vec<Change>,
    ) -> Answer {
        let Some(Value::Object(input)) = body(req) else {
            return field_error("", "Expected a JSON object.");
        };
        let required: &[&str] = match (kind, activity) {
            (Kind::Activity, Some("Note")) => &["lead_id"],
            (Kind::Activity, Some("Email")) => &["lead_id", "status"],
            (Kind::Webhook, _) => &["url", "events"],
            (Kind::LeadStatus | Kind::OpportunityStatus, _) => &["label"],
            (Kind::Pipeline, _) => &["name"],
            _ => &[],
        };
        if let Some(missing) = required
            .iter()
            .find(|k| input.get(**k).is_none_or(Value::is_null))
        {
            return field_error(missing, "This field is required.");
        }
        if self.all(kind).count() >= MAX_OBJECTS {
            return field_error("", "MockClose holds too many objects of this kind.");
        }
        let id = self.next_id(kind);
        let now = now();
        let mut obj = Map::new();
        for (k, v) in &input {
            // What the server decides is not taken from the body.
            if !matches!(k.as_str(), "id" | "organization_id" | "statuses") {
                obj.insert(k.clone(), v.clone());
            }
        }
        let mut put = |k: &str, v: Value| {
            obj.insert(k.to_string(), v);
        };
        put("id", json!(id));
        put("organization_id", json!(MOCK_ORGANIZATION_ID));
        if !matches!(kind, Kind::LeadStatus | Kind::OpportunityStatus) {
            put("created_by", json!(MOCK_USER_ID));
            put("updated_by", json!(MOCK_USER_ID));
            put("date_created", json!(now));
            put("date_updated", json!(now));
        }
        if let Some(t) = activity {
            put("_type", json!(t));
            put(
                "activity_at",
                input.get("activity_at").cloned().unwrap_or(json!(now)),
            );
            put("user_id", json!(MOCK_USER_ID));
            put("source", json!("api"));
            put("users", json!([]));
        }
        let mut obj = Value::Object(obj);
        match kind {
            Kind::Opportunity => {
                let status = input
                    .get("status_id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| {
                        // Close's example organization's first opportunity status ("Active").
                        self.all(Kind::OpportunityStatus)
                            .next()
                            .and_then(|s| s["id"].as_str().map(str::to_string))
                    })
                    .unwrap_or_default();
                if let Err(e) = self.apply_status(&mut obj, &status) {
                    return e;
                }
                obj["lead_name"] = self.lead_name(&obj["lead_id"]);
                obj["user_id"] = input.get("user_id").cloned().unwrap_or(json!(MOCK_USER_ID));
                for k in ["contact_id", "note", "value", "value_period", "confidence"] {
                    if obj.get(k).is_none() {
                        obj[k] = Value::Null;
                    }
                }
            }
            Kind::Task => {
                let t = input.get("_type").cloned().unwrap_or(json!("lead"));
                obj["_type"] = t;
                obj["is_complete"] = input.get("is_complete").cloned().unwrap_or(json!(false));
                obj["assigned_to"] = input
                    .get("assigned_to")
                    .cloned()
                    .unwrap_or(json!(MOCK_USER_ID));
                obj["lead_name"] = self.lead_name(&obj["lead_id"]);
            }
            Kind::OpportunityStatus => {
                if obj.get("type").is_none() {
                    obj["type"] = json!("active");
                }
                if obj.get("pipeline_id").is_none() {
                    let first = self.all(Kind::Pipeline).next().map(|p| p["id"].clone());
                    obj["pipeline_id"] = first.unwrap_or(Value::Null);
                }
            }
            Kind::Pipeline => {
                // Statuses given with a new pipeline are created in it.
                for s in input
                    .get("statuses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let sid = self.next_id(Kind::OpportunityStatus);
                    self.objects.push((
                        Kind::OpportunityStatus,
                        json!({
                            "id": sid, "label": s["label"], "organization_id": MOCK_ORGANIZATION_ID,
                            "pipeline_id": id, "type": s.get("type").cloned().unwrap_or(json!("active")),
                        }),
                    ));
                }
            }
            Kind::Webhook => {
                obj["counters"] = json!({});
                obj["health_status"] = json!("healthy");
                obj["latest_error"] = Value::Null;
                obj["pause_reason"] = Value::Null;
                obj["recent_consecutive_fail_buckets_cnt"] = json!(0);
                obj["signature_key"] = json!(signature_key(seed_of(&id)));
                obj["status"] = json!("active");
                if obj.get("verify_ssl").is_none() {
                    obj["verify_ssl"] = json!(true);
                }
            }
            _ => {}
        }
        self.objects.push((kind, obj.clone()));
        if let Some(object_type) = object_type(kind, &obj) {
            changes.push(Change {
                object_type,
                action: "created",
                object_id: id,
                lead_id: lead_of(&obj),
                data: obj.clone(),
                previous_data: json!({}),
                changed_fields: Vec::new(),
            });
        }
        (200, Some(self.render(kind, &obj)))
    }

    /// Sets an opportunity's status and what Close derives from it (label, type, pipeline).
    fn apply_status(&self, opp: &mut Value, status_id: &str) -> Result<(), Answer> {
        let Some(status) = self.get(Kind::OpportunityStatus, status_id) else {
            return Err(field_error("status_id", "Unknown opportunity status."));
        };
        let pipeline = self.get(Kind::Pipeline, status["pipeline_id"].as_str().unwrap_or(""));
        opp["status_id"] = json!(status_id);
        opp["status_label"] = status["label"].clone();
        opp["status_type"] = status["type"].clone();
        opp["pipeline_id"] = status["pipeline_id"].clone();
        opp["pipeline_name"] = pipeline.map_or(Value::Null, |p| p["name"].clone());
        let today = crate::Timestamp::from(time::OffsetDateTime::now_utc()).to_string();
        let today = today.get(..10).unwrap_or_default().to_string();
        match status["type"].as_str() {
            Some("won") if opp["date_won"].is_null() => opp["date_won"] = json!(today),
            Some("lost") if opp["date_lost"].is_null() => opp["date_lost"] = json!(today),
            _ => {}
        }
        for k in ["date_won", "date_lost"] {
            if opp.get(k).is_none() {
                opp[k] = Value::Null;
            }
        }
        Ok(())
    }

    fn fetch(&self, kind: Kind, activity: Option<&str>, id: &str) -> Answer {
        match self.get(kind, id) {
            Some(v) if activity.is_none_or(|t| v["_type"] == t) => {
                (200, Some(self.render(kind, v)))
            }
            _ => not_found(kind.noun()),
        }
    }

    fn list(&self, kind: Kind, activity: Option<&str>, req: &HttpMockRequest) -> Answer {
        let filters: Vec<(String, String)> = req
            .query_params()
            .into_iter()
            .filter(|(k, _)| !k.starts_with('_') || k.starts_with("_type"))
            .collect();
        let all: Vec<Value> = self
            .all(kind)
            .filter(|v| activity.is_none_or(|t| v["_type"] == t))
            .filter(|v| {
                // Repeated parameters are alternatives (`_type=Note&_type=Call`).
                filters.iter().all(|(k, _)| {
                    filters
                        .iter()
                        .filter(|(k2, _)| k2 == k)
                        .any(|(_, want)| matches(v, k, want))
                })
            })
            // Close lists activities newest first.
            .map(|v| self.render(kind, v))
            .collect();
        let all = if kind == Kind::Activity {
            all.into_iter().rev().collect()
        } else {
            all
        };
        let total = all.len();
        let mut page = page(req, all);
        if kind == Kind::Opportunity {
            page["total_results"] = json!(total);
        }
        (200, Some(page))
    }

    fn update(
        &mut self,
        kind: Kind,
        activity: Option<&str>,
        id: &str,
        req: &HttpMockRequest,
        changes: &mut Vec<Change>,
    ) -> Answer {
        let Some(i) = self
            .position(kind, id)
            .filter(|i| activity.is_none_or(|t| self.objects[*i].1["_type"] == t))
        else {
            return not_found(kind.noun());
        };
        let Some(Value::Object(input)) = body(req) else {
            return field_error("", "Expected a JSON object.");
        };
        let before = self.objects[i].1.clone();
        let mut after = before.clone();
        for (k, v) in &input {
            if !matches!(
                k.as_str(),
                "id" | "organization_id" | "statuses" | "signature_key" | "_type"
            ) {
                after[k] = v.clone();
            }
        }
        if kind == Kind::Opportunity {
            if let Some(status) = input.get("status_id").and_then(Value::as_str) {
                if let Err(e) = self.apply_status(&mut after, status) {
                    return e;
                }
            }
        }
        let changed: Vec<String> = after
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, v)| before.get(k.as_str()) != Some(v))
            .map(|(k, _)| k.clone())
            .collect();
        if !changed.is_empty() && kind != Kind::LeadStatus && kind != Kind::OpportunityStatus {
            after["updated_by"] = json!(MOCK_USER_ID);
            after["date_updated"] = json!(now());
        }
        self.objects[i].1 = after.clone();
        if changed.is_empty() {
            return (200, Some(self.render(kind, &after)));
        }
        if let Some(object_type) = object_type(kind, &after) {
            let previous: Map<String, Value> = changed
                .iter()
                .map(|k| (k.clone(), before.get(k).cloned().unwrap_or(Value::Null)))
                .collect();
            changes.push(Change {
                object_type,
                action: "updated",
                object_id: id.to_string(),
                lead_id: lead_of(&after),
                data: after.clone(),
                previous_data: Value::Object(previous),
                changed_fields: changed.clone(),
            });
        }
        // What Close records by itself: a status change activity, a task completion.
        if kind == Kind::Opportunity && changed.iter().any(|c| c == "status_id") {
            let t = "OpportunityStatusChange";
            let extra = json!({
                "opportunity_id": id,
                "old_status_id": before["status_id"], "old_status_label": before["status_label"],
                "old_status_type": before["status_type"],
                "new_status_id": after["status_id"], "new_status_label": after["status_label"],
                "new_status_type": after["status_type"],
                "opportunity_value": after["value"], "opportunity_value_currency": after.get("value_currency"),
            });
            self.system_activity(t, &after, extra, changes);
        }
        if kind == Kind::Task
            && changed.iter().any(|c| c == "is_complete")
            && after["is_complete"] == true
        {
            let extra = json!({"task_id": id, "task_text": after.get("text")});
            self.system_activity("TaskCompleted", &after, extra, changes);
        }
        (200, Some(self.render(kind, &after)))
    }

    /// An activity Close creates by itself (status change, task completion).
    fn system_activity(
        &mut self,
        t: &'static str,
        on: &Value,
        extra: Value,
        changes: &mut Vec<Change>,
    ) {
        let id = self.next_id(Kind::Activity);
        let now = now();
        let mut act = json!({
            "_type": t, "activity_at": now, "contact_id": null, "created_by": MOCK_USER_ID,
            "date_created": now, "date_updated": now, "id": id, "lead_id": on["lead_id"],
            "organization_id": MOCK_ORGANIZATION_ID, "updated_by": MOCK_USER_ID,
            "user_id": MOCK_USER_ID,
        });
        for (k, v) in extra.as_object().into_iter().flatten() {
            act[k] = v.clone();
        }
        self.objects.push((Kind::Activity, act.clone()));
        if let Some(object_type) = object_type(Kind::Activity, &act) {
            changes.push(Change {
                object_type,
                action: "created",
                object_id: id,
                lead_id: lead_of(&act),
                data: act,
                previous_data: json!({}),
                changed_fields: Vec::new(),
            });
        }
    }

    fn delete(
        &mut self,
        kind: Kind,
        activity: Option<&str>,
        id: &str,
        changes: &mut Vec<Change>,
    ) -> Answer {
        let Some(i) = self
            .position(kind, id)
            .filter(|i| activity.is_none_or(|t| self.objects[*i].1["_type"] == t))
        else {
            return not_found(kind.noun());
        };
        let (_, gone) = self.objects.remove(i);
        if kind == Kind::Pipeline {
            self.objects
                .retain(|(k, v)| !(*k == Kind::OpportunityStatus && v["pipeline_id"] == id));
        }
        if let Some(object_type) = object_type(kind, &gone) {
            changes.push(Change {
                object_type,
                action: "deleted",
                object_id: id.to_string(),
                lead_id: lead_of(&gone),
                data: Value::Null,
                previous_data: gone,
                changed_fields: Vec::new(),
            });
        }
        (200, Some(json!({})))
    }

    /// `GET /event/`: newest first, filtered, `_limit` with `_cursor` paging.
    fn list_events(&self, req: &HttpMockRequest) -> Answer {
        let params = req.query_params();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let bound = |k: &str| get(k).and_then(|v| v.parse::<crate::Timestamp>().ok());
        let (gt, gte, lt, lte) = (
            bound("date_updated__gt"),
            bound("date_updated__gte"),
            bound("date_updated__lt"),
            bound("date_updated__lte"),
        );
        let matching: Vec<&Value> = self
            .events()
            .filter(|e| {
                [
                    "object_type",
                    "object_id",
                    "lead_id",
                    "action",
                    "user_id",
                    "request_id",
                ]
                .iter()
                .all(|k| get(k).is_none_or(|want| e[*k] == want))
            })
            .filter(|e| {
                let Ok(t) = e["date_updated"]
                    .as_str()
                    .unwrap_or_default()
                    .parse::<crate::Timestamp>()
                else {
                    return false;
                };
                gt.as_ref().is_none_or(|b| t > *b)
                    && gte.as_ref().is_none_or(|b| t >= *b)
                    && lt.as_ref().is_none_or(|b| t < *b)
                    && lte.as_ref().is_none_or(|b| t <= *b)
            })
            .collect();
        let skip = get("_cursor")
            .and_then(|c| c.strip_prefix("mock_"))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let limit = get("_limit")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(EVENT_LIMIT)
            .max(1);
        let data: Vec<&Value> = matching.iter().skip(skip).take(limit).copied().collect();
        let end = skip.saturating_add(limit);
        let next = (matching.len() > end).then(|| format!("mock_{end}"));
        let previous = (skip > 0).then(|| format!("mock_{}", skip.saturating_sub(limit)));
        (
            200,
            Some(json!({"data": data, "cursor_next": next, "cursor_previous": previous})),
        )
    }
}

/// The event log's `object_type` for a stored object (`None`: Close lists no event for it).
fn object_type(kind: Kind, v: &Value) -> Option<String> {
    Some(match kind {
        Kind::Opportunity => "opportunity".into(),
        Kind::Task => format!("task.{}", v["_type"].as_str().unwrap_or("lead")),
        Kind::Activity => {
            let t = match v["_type"].as_str().unwrap_or_default() {
                "Note" => "note",
                "Call" => "call",
                "Email" => "email",
                "OpportunityStatusChange" => "opportunity_status_change",
                "LeadStatusChange" => "lead_status_change",
                "TaskCompleted" => "task_completed",
                _ => return None,
            };
            format!("activity.{t}")
        }
        Kind::LeadStatus => "status.lead".into(),
        Kind::OpportunityStatus => "status.opportunity".into(),
        Kind::Pipeline | Kind::Webhook => return None,
    })
}

fn lead_of(v: &Value) -> Option<String> {
    v["lead_id"].as_str().map(str::to_string)
}

/// Whether stored object `v` passes query filter `key=want`: `field` or `field__in`, equal to
/// one of the comma-separated values. Bounds and other operators are not evaluated.
fn matches(v: &Value, key: &str, want: &str) -> bool {
    let text = |f: &Value| match f {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(f.to_string()),
        _ => None,
    };
    let field = key.strip_suffix("__in").unwrap_or(key);
    if field.contains("__") || v.get(field).is_none() {
        return true;
    }
    text(&v[field]).is_some_and(|t| want.split(',').any(|w| w == t))
}

/// 64 hex digits (32 bytes), as Close's `signature_key`s are.
fn signature_key(seed: u64) -> String {
    let mut x = seed | 1;
    (0..32)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("{:02x}", (x >> 24) as u8)
        })
        .collect()
}

/// `{data, has_more}` for the `_skip`/`_limit` window of `all`.
pub(super) fn page(req: &HttpMockRequest, all: Vec<Value>) -> Value {
    let params = req.query_params();
    let number = |k: &str, default: usize| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| {
                // A number past usize (all digits) is as far as it goes: no rewinding to 0.
                v.parse::<usize>().ok().or_else(|| {
                    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).then_some(usize::MAX)
                })
            })
            .unwrap_or(default)
    };
    let skip = number("_skip", 0);
    let limit = number("_limit", DEFAULT_LIMIT).max(1);
    let has_more = all.len() > skip.saturating_add(limit);
    let data: Vec<Value> = all.into_iter().skip(skip).take(limit).collect();
    json!({"data": data, "has_more": has_more})
}

fn id_segment(req: &HttpMockRequest) -> String {
    req.uri()
        .path()
        .trim_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn body(req: &HttpMockRequest) -> Option<Value> {
    serde_json::from_slice(req.body_ref()).ok()
}

fn field_error(field: &str, message: &str) -> Answer {
    (
        400,
        Some(json!({"errors": [], "field-errors": {field: message}})),
    )
}

fn not_found(what: &str) -> Answer {
    (
        404,
        Some(json!({"error": format!("The {what} does not exist.")})),
    )
}

fn now() -> String {
    crate::Timestamp::from(time::OffsetDateTime::now_utc()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_keys() {
        let v = json!({"lead_id": "lead_1", "_type": "Note", "is_complete": false});
        assert!(matches(&v, "lead_id", "lead_1") && !matches(&v, "lead_id", "lead_2"));
        assert!(matches(&v, "_type__in", "Call,Note") && !matches(&v, "_type__in", "Call"));
        assert!(matches(&v, "is_complete", "false") && !matches(&v, "is_complete", "true"));
        assert!(matches(&v, "date_created__gt", "2020-01-01"));
        let key = signature_key(7);
        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn a_new_store_holds_closes_documented_statuses_and_pipeline() {
        let s = Store::new();
        assert!(s.all(Kind::LeadStatus).any(|v| v["label"] == "Potential"));
        let pipe = s.all(Kind::Pipeline).next().cloned().unwrap();
        let rendered = s.render(Kind::Pipeline, &pipe);
        assert!(rendered["statuses"]
            .as_array()
            .is_some_and(|a| a.len() >= 3));
    }
}
