//! What the request path knows about each operation, looked up in the generated operation table
//! (`generated/operations.rs`, one entry per operation of the enabled features): its position
//! (the rate-limit group), its path template (tracing, path safety) and whether repeating it is
//! harmless (retries; POSTs Close documents as idempotent carry `x-idempotent` in the overlay).
//!
//! Raw requests ([`crate::RawRequest`]) that match a generated operation (method and path
//! template) go as that operation; the others go as [`RAW`] (or [`RAW_IDEMPOTENT`] when the
//! caller declared them idempotent), ids that no generated operation has: they share the
//! throttle's group for "anything else", and `pre` checks their path with the generic rule
//! ([`super::path_safety`]).

use crate::generated::operations::{Operation, OPERATIONS};

/// The operation id of a raw request that matches no generated operation.
pub(crate) const RAW: &str = "raw_request";
/// The operation id of such a raw request that its caller declared idempotent.
pub(crate) const RAW_IDEMPOTENT: &str = "raw_request_idempotent";

/// How many operations the generated table holds (those of the enabled features).
pub(crate) const OPERATION_COUNT: usize = OPERATIONS.len();

/// The position of an operation in the generated operation table.
pub(crate) fn operation_index(operation_id: &str) -> Option<usize> {
    OPERATIONS
        .binary_search_by(|op| op.id.cmp(operation_id))
        .ok()
}

/// Whether `operation_id` is one of the raw requests' ids ([`RAW`], [`RAW_IDEMPOTENT`]).
pub(crate) fn is_raw(operation_id: &str) -> bool {
    operation_id == RAW || operation_id == RAW_IDEMPOTENT
}

/// The generated operation with `method` and a path template of the same shape as `template`:
/// the same literal segments and a placeholder in the same positions (placeholder names and a
/// leading or trailing `/` do not matter).
pub(crate) fn find_operation(method: &str, template: &str) -> Option<&'static Operation> {
    fn shape(template: &str) -> impl Iterator<Item = &str> {
        template.trim_matches('/').split('/').map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "{}"
            } else {
                s
            }
        })
    }
    OPERATIONS
        .iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && shape(op.path).eq(shape(template)))
}

/// The path template of an operation, from the generated operation table (`(raw)` for a raw
/// request that matches no generated operation: its own span records the template).
pub(crate) fn path_template(operation_id: &str) -> &'static str {
    match operation_index(operation_id) {
        Some(i) => OPERATIONS[i].path,
        None if is_raw(operation_id) => "(raw)",
        None => "?",
    }
}

/// Whether repeating the operation cannot do anything a single success would not: the table's
/// answer for a known operation, `true` for a raw request declared idempotent, otherwise
/// whether the method is one HTTP defines as idempotent (GET, HEAD, OPTIONS, PUT, DELETE; not
/// POST or PATCH).
#[cfg(test)]
pub(crate) fn is_idempotent(method: &reqwest::Method, operation_id: &str) -> bool {
    idempotent_at(operation_index(operation_id), method, operation_id)
}

/// [`is_idempotent`] for a caller that has looked the operation up already (`index`: its
/// position in the generated table, `None` when it is not there).
pub(crate) fn idempotent_at(
    index: Option<usize>,
    method: &reqwest::Method,
    operation_id: &str,
) -> bool {
    match index.and_then(|i| OPERATIONS.get(i)) {
        Some(op) => op.idempotent,
        None if operation_id == RAW_IDEMPOTENT => true,
        None => matches!(
            *method,
            reqwest::Method::GET
                | reqwest::Method::HEAD
                | reqwest::Method::OPTIONS
                | reqwest::Method::PUT
                | reqwest::Method::DELETE
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_operation_has_a_template() {
        for op in OPERATIONS {
            assert_eq!(path_template(op.id), op.path);
            assert!(["GET", "PUT", "POST", "DELETE", "PATCH"].contains(&op.method));
            if op.method != "POST" && op.method != "PATCH" {
                assert!(op.idempotent, "{} is a {}: idempotent", op.id, op.method);
            }
        }
        assert_eq!(path_template("no_such_operation"), "?");
        assert!(
            OPERATIONS.windows(2).all(|w| w[0].id < w[1].id),
            "the table must be sorted by id"
        );
    }

    #[cfg(all(feature = "memberships", feature = "groups", feature = "roles"))]
    #[test]
    fn idempotency() {
        use reqwest::Method;
        assert!(is_idempotent(&Method::PUT, "memberships_update"));
        // Both documented as idempotent (`x-idempotent` in the overlay).
        assert!(is_idempotent(&Method::POST, "memberships_create"));
        assert!(is_idempotent(&Method::POST, "groups_add_member"));
        assert!(!is_idempotent(&Method::POST, "roles_create"));
        assert!(!is_idempotent(&Method::POST, "no_such_operation"));
        assert!(is_idempotent(&Method::GET, "no_such_operation"));
    }

    #[test]
    fn raw_requests_are_idempotent_by_method_unless_declared() {
        use reqwest::Method;
        for m in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE] {
            assert!(is_idempotent(&m, RAW), "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent(&m, RAW), "{m}");
            assert!(is_idempotent(&m, RAW_IDEMPOTENT), "{m}");
        }
        // The raw ids can never be taken for a generated operation.
        assert!(operation_index(RAW).is_none() && operation_index(RAW_IDEMPOTENT).is_none());
        assert_eq!(path_template(RAW), "(raw)");
    }

    #[test]
    fn operations_are_found_by_method_and_template_shape() {
        for op in OPERATIONS {
            let found = find_operation(op.method, op.path).map(|o| o.id);
            // Two operations may share a method and shape only if the table has both; the
            // first is found, and it has the same method and shape.
            let first = OPERATIONS
                .iter()
                .find(|o| o.method == op.method && o.path == op.path)
                .map(|o| o.id);
            assert_eq!(found, first, "{} {}", op.method, op.path);
        }
        assert!(find_operation("GET", "no_such_thing/{id}/").is_none());
    }

    #[cfg(feature = "groups")]
    #[test]
    fn a_template_matches_without_slashes_and_with_other_placeholder_names() {
        let id = |m, t| find_operation(m, t).map(|o| o.id);
        assert_eq!(id("GET", "/group/"), Some("groups_list"));
        assert_eq!(id("GET", "group"), Some("groups_list"));
        assert_eq!(id("get", "group/"), Some("groups_list"));
        assert_eq!(id("GET", "group/{group_id}"), Some("groups_get"));
        assert_eq!(
            id("DELETE", "/group/{g}/member/{u}/"),
            Some("groups_remove_member")
        );
        assert_eq!(id("PATCH", "group/{id}/"), None);
        assert_eq!(id("GET", "group/{id}/extra/"), None);
        assert_eq!(id("GET", "group/x/"), None);
    }
}
