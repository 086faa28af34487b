//! What the generator writes for testing: tests over loopback for every operation
//! ([`conformance`]), every `.paginate()` ([`pagination`]) and every generated serde impl
//! ([`wire`]), and the documented examples `close_sdk::mock` answers with ([`mock_examples`]).
//! Uses [`crate::codegen`] (names of what it tests), [`crate::openapi`] and [`crate::files`].

pub mod conformance;
pub mod mock_examples;
pub mod pagination;
pub mod wire;
