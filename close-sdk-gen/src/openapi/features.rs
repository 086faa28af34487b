//! Which cargo feature of close-sdk each tag of Close's document belongs to.
//!
//! Close's document groups its 286 operations under 62 tags (`subpackage_leads`,
//! `subpackage_activitiesCalls`, …). close-sdk compiles them in groups, one cargo feature per
//! resource a person would look for (`leads`, `activities`, `custom-fields`, …), so a user pays
//! compile time only for what they enable. This table is the one place that grouping is decided:
//! the generator splits its output by it, and `cargo xtask coverage` reports by it.
//!
//! Tags are written as in the document without the `subpackage_` prefix (`activitiesCalls`).

/// One cargo feature of close-sdk and the document tags it compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    /// The cargo feature name (kebab case, e.g. `custom-fields`).
    pub name: &'static str,
    /// The document tags it covers, without `subpackage_` (e.g. `customFieldsLead`).
    pub tags: &'static [&'static str],
    /// One line saying what the feature gives access to.
    pub doc: &'static str,
}

/// The tag prefix Close's document puts on every tag.
pub const TAG_PREFIX: &str = "subpackage_";

/// The features enabled by default: the resources close-sdk covered before the whole API.
pub const DEFAULT_FEATURES: &[&str] = &["groups", "memberships", "organizations", "roles", "users"];

/// Every resource feature, sorted by name; together they cover the document's 62 tags and the
/// 2 of the operations adopted from extracts (`forms`, `activitiesImportUpdates`,
/// see [`crate::openapi::adopted`]) exactly once.
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "activities",
        tags: &[
            "activities",
            "activitiesCalls",
            "activitiesCreations",
            "activitiesCustomActivities",
            "activitiesEmailThreads",
            "activitiesEmails",
            "activitiesFormSubmissions",
            "activitiesImportUpdates",
            "activitiesLeadMerges",
            "activitiesLeadStatusChanges",
            "activitiesMeetings",
            "activitiesNotes",
            "activitiesOpportunityStatusChanges",
            "activitiesSms",
            "activitiesTaskCompletions",
            "activitiesWhatsappMessages",
            "customActivityTypes",
        ],
        doc: "Activities on leads (calls, emails, email threads, SMS, WhatsApp, meetings, notes, status changes, …) and custom activity types.",
    },
    Feature {
        name: "bulk-actions",
        tags: &[
            "bulkActionsDelete",
            "bulkActionsEdit",
            "bulkActionsEmail",
            "bulkActionsSequenceSubscriptions",
        ],
        doc: "Bulk actions over the leads a search query matches: delete, edit, email, subscribe to a sequence.",
    },
    Feature {
        name: "comments",
        tags: &["comments"],
        doc: "Comments and comment threads on objects.",
    },
    Feature {
        name: "connected-accounts",
        tags: &["connectedAccounts", "sendAs"],
        doc: "Connected email/calendar accounts and Send As associations.",
    },
    Feature {
        name: "contacts",
        tags: &["contacts"],
        doc: "Contacts: the people at a lead.",
    },
    Feature {
        name: "custom-fields",
        tags: &[
            "customFieldSchemas",
            "customFieldsActivity",
            "customFieldsContact",
            "customFieldsCustomObject",
            "customFieldsLead",
            "customFieldsOpportunity",
            "customFieldsShared",
        ],
        doc: "Custom fields of leads, contacts, opportunities, activities and custom objects, shared fields and field schemas.",
    },
    Feature {
        name: "custom-objects",
        tags: &["customObjectTypes", "customObjects"],
        doc: "Custom object types and their instances.",
    },
    Feature {
        name: "dialers",
        tags: &["dialers"],
        doc: "Dialer sessions.",
    },
    Feature {
        name: "events",
        tags: &["events"],
        doc: "The event log: what changed in the organization.",
    },
    Feature {
        name: "exports",
        tags: &["exports"],
        doc: "Exports of leads and opportunities.",
    },
    Feature {
        name: "field-enrichment",
        tags: &["fieldEnrichment"],
        doc: "AI enrichment of a field on a lead or contact.",
    },
    Feature {
        name: "files",
        tags: &["files"],
        doc: "File uploads (signed S3 POSTs).",
    },
    Feature {
        name: "forms",
        tags: &["forms"],
        doc: "Forms (web forms) and their field definitions, which name the values of form submissions.",
    },
    Feature {
        name: "groups",
        tags: &["groups"],
        doc: "Groups of users and their members.",
    },
    Feature {
        name: "integration-links",
        tags: &["integrationLinks"],
        doc: "Integration links shown on leads, contacts and opportunities.",
    },
    Feature {
        name: "lead-statuses",
        tags: &["leadStatuses"],
        doc: "Lead statuses.",
    },
    Feature {
        name: "leads",
        tags: &["leads"],
        doc: "Leads: the companies or organizations you sell to.",
    },
    Feature {
        name: "memberships",
        tags: &["memberships"],
        doc: "Memberships: a user's place in an organization, their role and settings.",
    },
    Feature {
        name: "opportunities",
        tags: &["opportunities"],
        doc: "Opportunities: potential deals on a lead.",
    },
    Feature {
        name: "opportunity-statuses",
        tags: &["opportunityStatuses"],
        doc: "Opportunity statuses.",
    },
    Feature {
        name: "organizations",
        tags: &["organizations"],
        doc: "The organization and its settings.",
    },
    Feature {
        name: "outcomes",
        tags: &["outcomes"],
        doc: "Call and meeting outcomes.",
    },
    Feature {
        name: "phone-numbers",
        tags: &["blockedPhoneNumbers", "phoneNumbers"],
        doc: "Phone numbers of the organization and blocked phone numbers.",
    },
    Feature {
        name: "pipelines",
        tags: &["pipelines"],
        doc: "Opportunity pipelines.",
    },
    Feature {
        name: "playbooks",
        tags: &["playbooks"],
        doc: "Playbooks.",
    },
    Feature {
        name: "reporting",
        tags: &["reporting"],
        doc: "Activity, funnel, sent-email and status-change reports.",
    },
    Feature {
        name: "roles",
        tags: &["roles"],
        doc: "Roles and their permissions.",
    },
    Feature {
        name: "scheduling-links",
        tags: &["schedulingLinks"],
        doc: "Scheduling links for booking meetings.",
    },
    Feature {
        name: "sequences",
        tags: &["sequences"],
        doc: "Sequences (workflows) and their subscriptions.",
    },
    Feature {
        name: "smart-views",
        tags: &["smartViews"],
        doc: "Smart views: saved lead and contact searches.",
    },
    Feature {
        name: "tasks",
        tags: &["tasks"],
        doc: "Tasks.",
    },
    Feature {
        name: "templates",
        tags: &["emailTemplates", "smsTemplates"],
        doc: "Email and SMS templates.",
    },
    Feature {
        name: "unsubscribed-emails",
        tags: &["unsubscribedEmails"],
        doc: "Unsubscribed email addresses.",
    },
    Feature {
        name: "users",
        tags: &["users"],
        doc: "Users: you, and the users of your organizations.",
    },
    Feature {
        name: "webhooks",
        tags: &["webhooks"],
        doc: "Webhook subscriptions.",
    },
];

/// The feature that compiles `tag` (with or without the `subpackage_` prefix), if any.
pub fn feature_of_tag(tag: &str) -> Option<&'static Feature> {
    let tag = tag.strip_prefix(TAG_PREFIX).unwrap_or(tag);
    FEATURES.iter().find(|f| f.tags.contains(&tag))
}

/// The feature called `name`, if any.
pub fn feature_named(name: &str) -> Option<&'static Feature> {
    FEATURES.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_sorted_and_tags_unique() {
        let names: Vec<_> = FEATURES.iter().map(|f| f.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            names, sorted,
            "FEATURES must be sorted by name, no duplicates"
        );
        let mut tags: Vec<_> = FEATURES.iter().flat_map(|f| f.tags.iter()).collect();
        let n = tags.len();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), n, "a tag belongs to one feature only");
        // 62 document tags, and two adopted from extracts (`crate::openapi::adopted`).
        assert_eq!(n, 64);
    }

    #[test]
    fn lookup_accepts_both_spellings() {
        assert_eq!(
            feature_of_tag("activitiesCalls").map(|f| f.name),
            Some("activities")
        );
        assert_eq!(
            feature_of_tag("subpackage_customFieldsLead").map(|f| f.name),
            Some("custom-fields")
        );
        assert_eq!(feature_of_tag("nope"), None);
        for d in DEFAULT_FEATURES {
            assert!(feature_named(d).is_some(), "{d}");
        }
    }
}
