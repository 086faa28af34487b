//! The checked-in tables against the effective spec they shape (these run the whole spec
//! pipeline, so they live here rather than beside the module each table belongs to).

use std::path::Path;

use close_sdk_gen::openapi::renames::{Renames, RENAMES};

#[test]
fn the_checked_in_renames_apply_to_the_effective_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = close_sdk_gen::effective_spec(&root).unwrap();
    let table = Renames::load(&root.join(RENAMES)).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for r in &table.renames {
        assert!(schemas.contains_key(&r.to), "{} is missing", r.to);
        assert!(!schemas.contains_key(&r.from), "{} is still there", r.from);
    }
}
