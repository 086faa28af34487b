//! What the request path knows about each operation, looked up in the generated operation table
//! (`generated/operations.rs`, one entry per operation of the enabled features): its position
//! (the rate-limit group), its path template (tracing, path safety) and whether repeating it is
//! harmless (retries; POSTs Close documents as idempotent carry `x-idempotent` in the overlay).

use crate::generated::operations::OPERATIONS;

/// How many operations the generated table holds (those of the enabled features).
pub(crate) const OPERATION_COUNT: usize = OPERATIONS.len();

/// The position of an operation in the generated operation table.
pub(crate) fn operation_index(operation_id: &str) -> Option<usize> {
    OPERATIONS
        .binary_search_by(|op| op.id.cmp(operation_id))
        .ok()
}

/// The path template of an operation, from the generated operation table.
pub(crate) fn path_template(operation_id: &str) -> &'static str {
    operation_index(operation_id).map_or("?", |i| OPERATIONS[i].path)
}

/// Whether repeating the operation cannot do anything a single success would not: the table's
/// answer for a known operation, otherwise whether the method is one HTTP defines as idempotent.
pub(crate) fn is_idempotent(method: &reqwest::Method, operation_id: &str) -> bool {
    match operation_index(operation_id) {
        Some(i) => OPERATIONS[i].idempotent,
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
            assert_eq!(
                op.method != "POST" && op.method != "PATCH",
                op.idempotent || op.method == "POST" || op.method == "PATCH"
            );
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
}
