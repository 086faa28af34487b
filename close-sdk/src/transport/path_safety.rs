//! Path safety: no value may change which endpoint a request reaches.
//!
//! Called from the hooks' `pre` for every request, before anything is sent.

/// Checks that `url`'s path has the shape of `operation_id`'s path template.
///
/// Not yet enforced here (see issue "The request path, rebuilt"): returns `Ok` for now; the
/// extension traits check their ids with `api::call::path_id`.
pub(crate) fn check(_url: &reqwest::Url, _operation_id: &str) -> Result<(), String> {
    Ok(())
}
