//! Reports over the spec and the generated client: [`coverage`] (which of Close's operations
//! close-sdk reaches, under which feature, how typed) and [`api_surface`] (the public API of the
//! generated client and what changed in it). Uses [`crate::openapi`] and [`crate::files`].

pub mod api_surface;
pub mod coverage;
