//! `JsonSchema` for the search types generated bodies hold (`s_query`, `sort`), behind the
//! `schemars` feature like every generated type's: JSON objects, described (the query language
//! is open, so no closed schema is claimed for it).

use schemars::r#gen::SchemaGenerator;
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};
use schemars::JsonSchema;

use super::field::Sort;
use super::query::Query;
use super::request::SearchRequest;

fn object(description: &str) -> Schema {
    Schema::Object(SchemaObject {
        instance_type: Some(InstanceType::Object.into()),
        metadata: Some(Box::new(Metadata {
            description: Some(description.into()),
            ..Default::default()
        })),
        ..Default::default()
    })
}

impl JsonSchema for Query {
    fn schema_name() -> String {
        "SearchQuery".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        object(
            "A query of Close's Advanced Filtering language: an object with a `type` \
             (`and`, `or`, `field_condition`, `has_related`, `saved_search`, …).",
        )
    }
}

impl JsonSchema for SearchRequest {
    fn schema_name() -> String {
        "SearchRequest".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        object(
            "An Advanced Filtering search: `query`, and optionally `_fields`, `_limit`, \
             `cursor`, `results_limit`, `include_counts`, `sort`.",
        )
    }
}

impl JsonSchema for Sort {
    fn schema_name() -> String {
        "SearchSort".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        object("A sort key: `{\"direction\": \"asc\" | \"desc\", \"field\": {…}}`.")
    }
}
