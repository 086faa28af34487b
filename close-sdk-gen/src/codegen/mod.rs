//! The client: the effective spec in, the Rust files of `close-sdk/src/generated/` out. Uses
//! [`crate::openapi`] and [`crate::files`], nothing above.
//!
//! [`split`] cuts the spec into parts (one per cargo feature, one per set of features sharing
//! schemas); [`progenitor`] runs progenitor on each part with close-sdk's settings and the syn
//! passes over its output ([`struct_builders`], [`wire`] with [`accessors`], reading the
//! [`marks`] the spec carries for them, with the helpers of [`syntax`]); [`paginate`] adds
//! `.paginate()` to every list; [`handles`] builds `client.leads()`; [`layout`] reshapes the
//! parts into one module tree around one `Client`. [`operations`] and [`secrets`] write the
//! request path's operation table and the secret members.

pub mod accessors;
pub mod handles;
pub mod layout;
pub mod list_envelope;
pub mod marks;
pub mod operations;
pub mod paginate;
pub mod progenitor;
pub mod secrets;
pub mod split;
pub mod struct_builders;
pub mod syntax;
pub mod wire;
