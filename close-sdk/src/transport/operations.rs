//! What the request path knows about each operation, looked up in the generated operation table
//! (`generated/operations.rs`): its position (the rate-limit group), its path template (tracing,
//! path safety) and whether repeating it is harmless (retries).

use crate::generated::operations::OPERATIONS;

/// How many operations the generated table holds.
pub(crate) const OPERATION_COUNT: usize = OPERATIONS.len();

/// The position of an operation in the generated operation table.
pub(crate) fn operation_index(operation_id: &str) -> Option<usize> {
    OPERATIONS
        .binary_search_by(|(id, _, _)| (*id).cmp(operation_id))
        .ok()
}

/// The path template of an operation, from the generated operation table.
pub(crate) fn path_template(operation_id: &str) -> &'static str {
    operation_index(operation_id).map_or("?", |i| OPERATIONS[i].2)
}

/// `POST`s that Close documents as idempotent, by operation id.
const IDEMPOTENT_POSTS: [&str; 2] = [
    // "Ensures an active membership for the given email will be provisioned."
    "memberships_create",
    // "If the user is already a member, nothing changes."
    "groups_add_member",
];

/// Whether repeating the operation cannot do anything a single success would not.
pub(crate) fn is_idempotent(method: &reqwest::Method, operation_id: &str) -> bool {
    matches!(
        *method,
        reqwest::Method::GET
            | reqwest::Method::HEAD
            | reqwest::Method::OPTIONS
            | reqwest::Method::PUT
            | reqwest::Method::DELETE
    ) || IDEMPOTENT_POSTS.contains(&operation_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_operation_has_a_template() {
        for (id, method, path) in OPERATIONS {
            assert_eq!(path_template(id), *path);
            assert!(["GET", "PUT", "POST", "DELETE", "PATCH"].contains(method));
        }
        assert_eq!(path_template("no_such_operation"), "?");
        assert!(
            OPERATIONS.windows(2).all(|w| w[0].0 < w[1].0),
            "the table must be sorted by id"
        );
    }

    #[test]
    fn idempotency() {
        use reqwest::Method;
        assert!(is_idempotent(&Method::PUT, "memberships_update"));
        assert!(is_idempotent(&Method::POST, "memberships_create"));
        assert!(!is_idempotent(&Method::POST, "roles_create"));
    }
}
