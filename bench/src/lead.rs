//! The pagination benchmark's payload: Close's documented Lead, the `GET /lead/` example in
//! Close's OpenAPI extract (`close-leads-api-openapi.yml`: a lead with one contact, two
//! opportunities and lead and contact custom fields, 3.5 KB as compact JSON), and the typed
//! `Lead` both sides decode it into (the properties of the extract's `Lead` schema; custom
//! fields, which the schema does not list, are skipped by serde like any unknown key).
//!
//! Object `i` of the list is the example with its id replaced by a unique id of the same length.
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Close's documented Lead (the extract's `GET /lead/` 200 example, `data[0]`), converted from
/// YAML to JSON.
pub const LEAD_EXAMPLE: &str = r##"{
  "addresses": [],
  "contact_ids": [
    "cont_o0kP3Nqyq0wxr5DLWIEm8mVr6ZpI0AhonKLDG0V5Qjh"
  ],
  "contacts": [
    {
      "created_by": null,
      "custom.cf_j0P7kHmgFTZZnYBFtyPSZ3uQw4dpW8xKcW7Krps8atj": "CEO",
      "date_created": "2013-02-01T00:54:51.331000+00:00",
      "date_updated": "2013-02-06T20:53:01.954000+00:00",
      "display_name": "Bruce Wayne",
      "emails": [
        {
          "email": "thedarkknight@close.com",
          "is_unsubscribed": false,
          "type": "office"
        }
      ],
      "id": "cont_o0kP3Nqyq0wxr5DLWIEm8mVr6ZpI0AhonKLDG0V5Qjh",
      "name": "Bruce Wayne",
      "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
      "phones": [
        {
          "phone": "+16503334444",
          "phone_formatted": "+1 650-333-4444",
          "type": "office"
        }
      ],
      "title": "The Dark Knight",
      "updated_by": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA"
    }
  ],
  "created_by": null,
  "custom.cf_ORxgoOQ5YH1p7lDQzFJ88b4z0j7PLLTRaG66m8bmcKv": "Website contact form",
  "custom.cf_nenE344jkwrjyRRezwsf8b4V1MCoXWIDHIStmFavZks": [
    "Choice 1",
    "Choice 2"
  ],
  "date_created": "2013-02-01T00:54:51.333000+00:00",
  "date_updated": "2013-02-06T20:53:01.977000+00:00",
  "description": "",
  "display_name": "Wayne Enterprises (Sample Lead)",
  "html_url": "https://app.close.com/lead/lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O/",
  "id": "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O",
  "name": "Wayne Enterprises (Sample Lead)",
  "opportunities": [
    {
      "annualized_expected_value": 37500,
      "annualized_value": 50000,
      "confidence": 75,
      "contact_id": null,
      "created_by": null,
      "date_created": "2013-02-01T00:54:51.337000+00:00",
      "date_lost": null,
      "date_updated": "2013-02-01T00:54:51.337000+00:00",
      "date_won": null,
      "expected_value": 37500,
      "id": "oppo_8eB77gAdf8FMy6GsNHEy84f7uoeEWv55slvUjKQZpJt",
      "lead_id": "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O",
      "lead_name": "Wayne Enterprises (Sample Lead)",
      "note": "Bruce needs new software for the Bat Cave.",
      "note_html": "<body><p>Bruce needs new software for the Bat Cave.</p></body>",
      "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
      "pipeline_id": "pipe_04fC628PVB0HjK2Qq5EqEf",
      "pipeline_name": "Sales",
      "status_id": "stat_4ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
      "status_label": "Active",
      "status_type": "active",
      "updated_by": null,
      "user_id": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA",
      "user_name": "John Doe",
      "value": 50000,
      "value_currency": "USD",
      "value_formatted": "$500",
      "value_period": "one_time"
    },
    {
      "annualized_expected_value": 45000,
      "annualized_value": 60000,
      "confidence": 75,
      "contact_id": null,
      "created_by": null,
      "date_created": "2013-02-01T00:54:51.337000+00:00",
      "date_lost": null,
      "date_updated": "2013-02-01T00:54:51.337000+00:00",
      "date_won": null,
      "expected_value": 3750,
      "id": "oppo_klajsdflf8FMy6GsNHEy84f7uoeEWv55slvUjKQZpJt",
      "lead_id": "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O",
      "lead_name": "Wayne Enterprises (Sample Lead)",
      "note": "Bat Cave monthly maintenance cost",
      "note_html": "<body><p>Bat Cave monthly maintenance cost</p></body>",
      "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
      "pipeline_id": "pipe_04fC628PVB0HjK2Qq5EqEf",
      "pipeline_name": "Sales",
      "status_id": "stat_4ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
      "status_label": "Active",
      "status_type": "active",
      "updated_by": null,
      "user_id": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA",
      "user_name": "John Doe",
      "value": 5000,
      "value_currency": "USD",
      "value_formatted": "$50 monthly",
      "value_period": "monthly"
    }
  ],
  "organization_id": "orga_RbREgmiiwcr1w2b4cOnCMQaQPSIFxMqAD2Dh243uxcH",
  "status_id": "stat_1ZdiZqcSIkoGVnNOyxiEY58eTGQmFNG3LPlEVQ4V7Nk",
  "status_label": "Potential",
  "tasks": [],
  "updated_by": "user_N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA",
  "url": null
}"##;

/// The example's lead id; every occurrence (`id`, `html_url`, the opportunities' `lead_id`) is
/// replaced by object `i`'s id.
const EXAMPLE_ID: &str = "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O";

/// The fields the `_fields` measurement asks for.
pub const PROJECTED_FIELDS: [&str; 3] = ["id", "display_name", "status_label"];

/// A lead as the extract's `Lead` schema describes it (nullable members are `Option`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[allow(dead_code)] // decoded as an SDK would, not all read
pub struct Lead {
    pub id: String,
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: String,
    pub description: Option<String>,
    pub html_url: String,
    pub organization_id: String,
    pub status_id: String,
    #[serde(default)]
    pub status_label: String,
    pub url: Option<String>,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub date_created: String,
    pub date_updated: String,
    pub contact_ids: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<Value>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
    #[serde(default)]
    pub tasks: Vec<Value>,
}

/// A contact of a lead.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub title: Option<String>,
    pub organization_id: Option<String>,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub date_created: Option<String>,
    pub date_updated: Option<String>,
    #[serde(default)]
    pub emails: Vec<ContactEmail>,
    #[serde(default)]
    pub phones: Vec<ContactPhone>,
}

/// An email address of a contact.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContactEmail {
    pub email: String,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub is_unsubscribed: Option<bool>,
}

/// A phone number of a contact.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContactPhone {
    pub phone: String,
    pub phone_formatted: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

/// An opportunity of a lead.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: String,
    pub lead_id: Option<String>,
    pub lead_name: Option<String>,
    pub organization_id: Option<String>,
    pub contact_id: Option<String>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub pipeline_id: Option<String>,
    pub pipeline_name: Option<String>,
    pub status_id: Option<String>,
    pub status_label: Option<String>,
    pub status_type: Option<String>,
    pub confidence: Option<i64>,
    pub value: Option<i64>,
    pub value_currency: Option<String>,
    pub value_formatted: Option<String>,
    pub value_period: Option<String>,
    pub expected_value: Option<i64>,
    pub annualized_value: Option<i64>,
    pub annualized_expected_value: Option<i64>,
    pub note: Option<String>,
    pub note_html: Option<String>,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub date_created: Option<String>,
    pub date_updated: Option<String>,
    pub date_won: Option<String>,
    pub date_lost: Option<String>,
}

/// What a `_fields=id,display_name,status_label` list returns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeadSummary {
    pub id: String,
    pub display_name: String,
    pub status_label: String,
}

/// One page of a list, as Close answers it.
#[derive(Debug, Deserialize)]
pub struct ListPage<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}

/// Renders pages of a list of `total` leads without holding the list: the example, compacted
/// (all of it, or only some fields), cut at its id so each object is three copies.
#[derive(Debug, Clone)]
pub struct Pages {
    total: u64,
    /// The compact example, split where its id goes.
    full: Vec<String>,
    projected: Vec<String>,
}

impl Pages {
    /// The renderer for a list of `total` leads.
    pub fn new(total: u64) -> Result<Pages, serde_json::Error> {
        let example: Value = serde_json::from_str(LEAD_EXAMPLE)?;
        let projected: serde_json::Map<String, Value> = PROJECTED_FIELDS
            .iter()
            .filter_map(|f| Some((f.to_string(), example.get(*f)?.clone())))
            .collect();
        let split = |v: &Value| -> Result<Vec<String>, serde_json::Error> {
            Ok(serde_json::to_string(v)?
                .split(EXAMPLE_ID)
                .map(str::to_string)
                .collect())
        };
        Ok(Pages {
            total,
            full: split(&example)?,
            projected: split(&Value::Object(projected))?,
        })
    }

    /// The body of `GET ?_skip=skip&_limit=limit` (with `_fields` when `projected`).
    pub fn page(&self, skip: u64, limit: u64, projected: bool) -> Vec<u8> {
        let end = skip.saturating_add(limit).min(self.total);
        let pieces = if projected {
            &self.projected
        } else {
            &self.full
        };
        let object_len: usize = pieces.iter().map(String::len).sum::<usize>() + 48 * pieces.len();
        let count = end.saturating_sub(skip) as usize;
        let mut out = Vec::with_capacity(32 + count * (object_len + 1));
        out.extend_from_slice(b"{\"data\":[");
        for i in skip..end {
            if i > skip {
                out.push(b',');
            }
            let id = lead_id(i);
            for (n, piece) in pieces.iter().enumerate() {
                if n > 0 {
                    out.extend_from_slice(id.as_bytes());
                }
                out.extend_from_slice(piece.as_bytes());
            }
        }
        out.extend_from_slice(b"],\"has_more\":");
        out.extend_from_slice(if end < self.total {
            b"true}"
        } else {
            b"false}"
        });
        out
    }
}

/// Object `i`'s id: `lead_` and 43 characters, as long as Close's.
pub fn lead_id(i: u64) -> String {
    format!("lead_{i:043}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_decode_and_cover_the_list_once() {
        let pages = Pages::new(250).unwrap();
        let mut ids = Vec::new();
        let mut skip = 0;
        for _ in 0..10 {
            let page: ListPage<Lead> =
                serde_json::from_slice(&pages.page(skip, 100, false)).unwrap();
            skip += page.data.len() as u64;
            ids.extend(page.data.iter().map(|l| l.id.clone()));
            assert!(page
                .data
                .iter()
                .all(|l| l.html_url.ends_with(&format!("{}/", l.id))));
            assert_eq!(page.data[0].contacts.len(), 1);
            assert_eq!(page.data[0].opportunities.len(), 2);
            if !page.has_more {
                break;
            }
        }
        assert_eq!(ids.len(), 250);
        assert_eq!(ids[249], lead_id(249));
        let projected: ListPage<LeadSummary> =
            serde_json::from_slice(&pages.page(0, 100, true)).unwrap();
        assert_eq!(projected.data.len(), 100);
        assert_eq!(projected.data[7].id, lead_id(7));
        assert!(pages.page(0, 100, true).len() * 10 < pages.page(0, 100, false).len());
    }

    #[test]
    fn the_example_has_custom_fields_and_contacts() {
        assert!(LEAD_EXAMPLE.contains("\"custom.cf_"));
        assert_eq!(lead_id(0).len(), EXAMPLE_ID.len());
        let lead: Lead = serde_json::from_str(LEAD_EXAMPLE).unwrap();
        assert_eq!(lead.id, EXAMPLE_ID);
    }
}
