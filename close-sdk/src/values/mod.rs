//! Value types that reject bad input before anything is sent and never fail to decode what
//! Close returns.

pub(crate) mod auto_record_calls;
pub(crate) mod date;
pub(crate) mod email;
pub(crate) mod extra;
pub(crate) mod ids;
pub(crate) mod iso8601;
pub(crate) mod list;
pub(crate) mod patch;
pub(crate) mod phone;
pub(crate) mod role;
pub(crate) mod timestamp;
pub(crate) mod tz_offset;
pub(crate) mod web_url;
