//! The close-sdk generator: from Close's pinned spec to the checked-in client.
//!
//! The house, one folder a subject, each using only those below it:
//!
//! | module | what | uses |
//! |---|---|---|
//! | [`pipeline`] | [`generate`]: every step below, in order; the files to write | all of the generation |
//! | [`testgen`] | the generated tests (every operation, every `.paginate()`, every serde impl) and the mock's documented examples | `codegen`, `openapi`, `files` |
//! | [`codegen`] | the client: progenitor runs, the syn passes, `.paginate()`, handles, the module tree | `openapi`, `files` |
//! | [`openapi`] | the effective spec: pinned copies, overlay, examples, normalising, rules, renames | — |
//! | [`files`] | where generated files go, their header, comparing them with what is checked in | — |
//! | [`drift`] | `cargo xtask spec diff` / `spec update`: what a new upstream document changes | `openapi`; `spec_update` also `pipeline`, `report` |
//! | [`report`] | coverage and the public API surface of the generated client | `openapi`, `files` |
//!
//! The pipeline, in order:
//!
//! 1. [`openapi::upstream`]: read the verbatim copy of Close's whole published document in
//!    `openapi/upstream/` (and the per-tag extracts pinned for their examples), each checked
//!    against its recorded sha256. [`openapi::adopted`]: add the few operations Close documents
//!    but its whole document lacks (Forms, ImportUpdate activities), from the pinned extracts,
//!    by an explicit allow-list.
//! 2. [`openapi::overlay`]: apply the project's per-schema corrections (`openapi/overlay.yaml`,
//!    RFC 6902 patches, each with a reason); [`openapi::examples`]: carry the pinned per-tag
//!    extracts' request and response examples into the document.
//! 3. [`openapi::normalize`]: rewrite the OpenAPI 3.1/3.2 constructs Close uses into OpenAPI
//!    3.0.3, the only version progenitor reads.
//! 4. [`openapi::rules`]: what holds for every operation (operationId prefixes, no
//!    `Authorization` parameter, one error body, date types, names of list envelopes, …), then
//!    [`openapi::search_query`] (`s_query` typed); [`openapi::query_types`]: typed query filters
//!    (dates, id lists); [`openapi::renames`]: the names the SDK gives schemas Close named by
//!    accident (`openapi/renames.yaml`). The result is `openapi/close.json`.
//! 5. [`codegen::split`] and [`codegen::layout`]: one progenitor run ([`codegen::progenitor`])
//!    per cargo feature ([`openapi::features`]) and per set of features sharing schemas, its
//!    output rewritten by the syn passes ([`codegen::struct_builders`], [`codegen::wire`],
//!    [`codegen::accessors`]) and given `.paginate()` ([`codegen::paginate`]), reshaped into
//!    modules of one `Client` with its handles ([`codegen::handles`]); [`codegen::operations`]:
//!    the request path's operation table; [`codegen::secrets`]: the secret members.
//! 6. [`testgen`]: the tests of what step 5 generated, and `close_sdk::mock`'s examples.
//!
//! [`generate`] runs all of it and returns the files to write; `cargo xtask generate` writes
//! them, `cargo xtask generate --check` compares them with what is checked in ([`stale_files`];
//! it also flags generated files that are no longer produced).
#![forbid(unsafe_code)]

pub mod codegen;
pub mod drift;
pub mod files;
pub mod openapi;
pub mod pipeline;
pub mod report;
pub mod testgen;

pub use files::{
    leftover_files, stale_files, GeneratedFile, StaleFile, EFFECTIVE_SPEC, GENERATED_CLIENT,
    GENERATED_DIR, GENERATED_OPERATIONS, OVERLAY, UPSTREAM_DIR,
};
pub use pipeline::{effective_spec, generate};
