//! Spec drift: what changed between the pinned upstream copy and a new one, and what it means
//! for the client (`cargo xtask spec diff` / `spec update`).
//!
//! [`change`] is what a diff reports; [`structural_diff`] compares two normalised documents
//! below the operation level; [`overlay_check`] says which overlay corrections a new document
//! makes stale; [`spec_diff`] puts them together; [`spec_update`] replaces a pinned copy and
//! regenerates. Uses [`crate::openapi`]; only [`spec_update`] uses the [`crate::pipeline`] and
//! [`crate::report::api_surface`].

pub mod change;
pub mod overlay_check;
pub mod spec_diff;
pub mod spec_update;
pub mod structural_diff;
