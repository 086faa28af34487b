//! The effective spec (the OpenAPI document): Close's pinned document made into the one `openapi/close.json` that
//! progenitor reads. The ground floor: uses nothing else of the crate.
//!
//! In pipeline order: [`upstream`] (the pinned copies), [`adopted`] (operations taken from the
//! per-tag extracts), [`overlay`] (the project's corrections), [`examples`] (documented
//! examples grafted in), [`normalize`] (OpenAPI 3.1/3.2 to 3.0.3), [`rules`] and
//! [`search_query`] (what holds for every operation and schema), [`query_types`] (typed query
//! filters), [`renames`] (the names the SDK gives schemas). [`features`] says which cargo
//! feature each tag belongs to; [`json`] reads and writes the documents.

pub mod adopted;
pub mod examples;
pub mod features;
pub mod json;
pub mod normalize;
pub mod overlay;
pub mod query_types;
pub mod renames;
pub mod rules;
pub mod search_query;
pub mod upstream;
