//! The code close-sdk-gen generates from `openapi/close.json` (never edited by hand; run
//! `cargo xtask generate`).
//!
//! - `client.rs`: progenitor's typed client, builders and types.
//! - `operations.rs`: every operation's id, method and path template, for the request path.
//! - `httpmock.rs`: typed httpmock helpers per operation (feature `mock`).

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, rustdoc::all, unused)]
mod client;
#[rustfmt::skip]
pub(crate) mod operations;
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, clippy::pedantic, unused)]
pub(crate) mod httpmock;

pub use client::*;
