//! Typed httpmock helpers for every operation (progenitor's `Generator::httpmock`), generated into
//! `close-sdk/src/generated/httpmock.rs` behind close-sdk's `mock` feature.

use anyhow::{anyhow, Context, Result};
use progenitor_impl::Generator;
use serde_json::Value;

/// The Rust source of the typed mocks for `spec`.
pub fn generate_mocks(spec: &Value) -> Result<String> {
    let openapi: openapiv3::OpenAPI = serde_json::from_value(spec.clone())
        .context("the effective spec is not a valid OpenAPI 3.0 document")?;
    let mut generator = Generator::new(&crate::codegen::settings());
    let tokens = generator
        .httpmock(&openapi, "crate")
        .map_err(|e| anyhow!("progenitor httpmock: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).context("progenitor produced mock code that does not parse")?;
    Ok(format!(
        "{}\n{}",
        crate::codegen::HEADER,
        prettyplease::unparse(&file)
    ))
}
