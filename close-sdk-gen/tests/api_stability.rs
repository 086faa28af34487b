//! Today's public API survives the move to Close's whole document: every item of the generated
//! client as it was before (a listing kept in `fixtures/api-before-whole-document.tsv`, one
//! `path<TAB>signature` line per item, made by `api_surface::surface` from the single generated
//! `client.rs` of the per-tag era) still exists in the checked-in generated code. Signatures
//! changed on purpose since are updated in the fixture: issue 19 made every member of a
//! response type an `Option` and every optional member of an update body a `Patch` (its builder
//! setter taking anything that converts to a `Patch`, so a builder can clear); issue 20 made every
//! builder's `send()` return the crate's one error type, `close_sdk::Error`, and gave
//! `groups_update` its own body `UpdateGroup`; issue 20's size round removed typify's struct
//! builders (`types::builder::*`) and with them the request builders' `body_map` (bodies are
//! struct literals; see `close-sdk-gen/src/codegen/struct_builders.rs`). Types renamed by `openapi/renames.yaml` are
//! compared under their new names (their old names stay as deprecated aliases, which
//! `tests/tests/integration/old_names.rs` compiles against).

use std::path::{Path, PathBuf};

use close_sdk_gen::report::api_surface;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The deprecated aliases of the checked-in generated code (`pub type Old = New;` after a
/// `#[deprecated(note = "renamed to …")]`): old name → new name.
fn renamed() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in api_surface::checked_in(&repo_root()) {
        let mut lines = f.contents.lines().map(str::trim);
        while let Some(line) = lines.next() {
            let Some(new) = line
                .strip_prefix("#[deprecated(note = \"renamed to `")
                .and_then(|r| r.strip_suffix("`\")]"))
            else {
                continue;
            };
            let old = lines
                .next()
                .and_then(|l| l.strip_prefix("pub type "))
                .and_then(|l| l.strip_suffix(&format!(" = {new};")));
            if let Some(old) = old {
                out.push((old.to_string(), new.to_string()));
            }
        }
    }
    out.sort();
    out.dedup();
    // Longest first, so `MembershipBulkUpdateParams` is replaced before `MembershipBulkUpdate`.
    out.sort_by_key(|(old, _)| std::cmp::Reverse(old.len()));
    assert!(
        !out.is_empty(),
        "no deprecated alias found in the generated code"
    );
    out
}

/// Replaces whole-word `old` by `new` in `s`.
fn replace_word(s: &str, old: &str, new: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(old) {
        let before_ok = !rest[..i].chars().next_back().is_some_and(is_word);
        let after_ok = !rest[i + old.len()..].chars().next().is_some_and(is_word);
        out.push_str(&rest[..i]);
        out.push_str(if before_ok && after_ok { new } else { old });
        rest = &rest[i + old.len()..];
    }
    out.push_str(rest);
    out
}

fn before() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api-before-whole-document.tsv"),
    )
    .unwrap();
    let renamed = renamed();
    let rename = |s: &str| {
        renamed
            .iter()
            .fold(s.to_string(), |s, (old, new)| replace_word(&s, old, new))
    };
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, v)| (rename(k), rename(v)))
        .collect()
}

fn now() -> api_surface::Surface {
    api_surface::surface_of(&api_surface::checked_in(&repo_root())).unwrap()
}

#[test]
fn no_item_of_the_generated_api_was_removed() {
    let before = before();
    assert!(
        before.len() > 350,
        "the fixture lists {} items",
        before.len()
    );
    let now = now();
    let removed: Vec<&str> = before
        .iter()
        .filter(|(k, _)| !now.contains_key(k))
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(
        removed.is_empty(),
        "removed from the public API: {removed:#?}"
    );
}

/// The 24 builder methods close-sdk had before the whole API, by name.
const TODAYS_BUILDERS: [&str; 24] = [
    "groups_add_member",
    "groups_create",
    "groups_delete",
    "groups_get",
    "groups_list",
    "groups_remove_member",
    "groups_update",
    "memberships_bulk_update",
    "memberships_create",
    "memberships_delete",
    "memberships_get_pinned_views",
    "memberships_update",
    "memberships_update_pinned_views",
    "organizations_get",
    "organizations_update",
    "roles_create",
    "roles_delete",
    "roles_get",
    "roles_list",
    "roles_update",
    "users_get",
    "users_get_me",
    "users_list",
    "users_list_availabilities",
];

#[test]
fn todays_24_builder_names_are_unchanged() {
    let now = now();
    let before = before();
    for name in TODAYS_BUILDERS {
        let key = format!("Client::{name}");
        let old = before
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str());
        assert!(old.is_some(), "{key} is not in the fixture");
        assert_eq!(now.get(&key).map(String::as_str), old, "{key}");
    }
    let builders = before
        .iter()
        .filter(|(k, _)| {
            k.starts_with("Client::")
                && k.matches("::").count() == 1
                && !k.ends_with("::new")
                && !k.ends_with("::new_with_client")
        })
        .count();
    assert_eq!(builders, 24);
}

/// A signature with type paths reduced to type names (and without trailing commas in generic
/// argument lists): shared types are now named
/// `crate::types::Membership` where they used to be `types::Membership` or `super::Membership`,
/// which is the same type.
///
/// A `send()` that returns `crate::ResponseFuture<'a, T>` is the `async fn send(self) ->
/// Result<ResponseValue<T>, crate::Error>` it was: `.send().await` gives the same `Result`.
fn unqualified(sig: &str) -> String {
    let sig = sig
        .replace("crate :: types :: ", "")
        .replace("types :: ", "")
        .replace("super :: ", "")
        .replace("(self ,)", "(self)")
        // A trailing comma in a generic list is the same type (the generator's token
        // spacing, not a change).
        .replace(" , >", " >");
    match sig
        .strip_prefix("fn send (self) -> crate :: ResponseFuture < 'a , ")
        .and_then(|t| t.strip_suffix(" >"))
    {
        Some(t) => {
            format!("async fn send (self) -> Result < ResponseValue < {t} > , crate :: Error >")
        }
        None => sig,
    }
}

/// No signature changed (up to how a type's path is spelled).
#[test]
fn no_signature_changed() {
    let now = now();
    let changed: Vec<String> = before()
        .into_iter()
        .filter(|(k, v)| now.get(k).is_some_and(|n| unqualified(n) != unqualified(v)))
        .map(|(k, v)| format!("{k}: {v}  =>  {}", now[&k]))
        .collect();
    assert!(changed.is_empty(), "changed: {changed:#?}");
}
