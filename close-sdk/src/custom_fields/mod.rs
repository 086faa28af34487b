//! Custom fields, typed: ids, values, a read view on the CRM objects, a change builder for
//! create/update bodies, and (feature `custom-fields`) a catalog that resolves field names.
//!
//! Close keeps custom field values on the object itself as `custom.cf_…` members, accepts the
//! same keys on create and update, `custom.cf_….add` / `.remove` to add or remove one value of a
//! field that accepts multiple values, and `null` to clear a field ("Create/Update a lead",
//! <https://developer.close.com/api/resources/leads.md>). The generated types keep those members
//! in their flattened `extra` map; this module reads and writes them.
//!
//! With feature `custom-fields` this module also holds the generated Custom Fields types
//! (`CustomField`, `CustomFieldList`, …, and `builder`), as every resource module does.
//!
//! ```
//! use close_sdk::custom_fields::{CustomFieldChanges, CustomFieldId, CustomFieldValue};
//!
//! # fn main() -> Result<(), close_sdk::custom_fields::CustomFieldError> {
//! let industry: CustomFieldId = "cf_8wtBWsdRU2Fur7GDnEeXQ7ra2Vu7R4hG1SNYdiEhh0F".parse()?;
//! let trial: CustomFieldId = "cf_MakiQgTzKXrcL8sDJbS2lkuUcA2FxZJAW8Q38ARgwWh".parse()?;
//! let mut changes = CustomFieldChanges::new();
//! changes.add(industry.clone(), CustomFieldValue::Choice("IT".into()))?;
//! changes.clear(trial)?;
//! let body = changes.into_map();
//! assert_eq!(body[&format!("custom.{industry}.add")], "IT");
//! # Ok(()) }
//! ```

// Every function of this module is `#[inline]`: compiled by the programs that use custom fields,
// not by every build of close-sdk (~30k lines of LLVM IR in the default build, which has no
// resource with custom fields; see `crate::api`'s docs).
#[cfg(feature = "custom-fields")]
mod catalog;
mod changes;
mod error;
mod id;
mod read;
mod value;

// The generated resource module's types and builders, which this module replaces at
// `close_sdk::custom_fields` (its path before this module existed).
#[cfg(feature = "custom-fields")]
pub use crate::generated::by_resource::custom_fields::*;
#[cfg(feature = "custom-fields")]
pub use catalog::{CustomFieldCatalog, CustomFieldDefinition, CustomFieldObject, MAX_PAGES};
pub use changes::CustomFieldChanges;
pub use error::CustomFieldError;
pub use id::CustomFieldId;
pub use read::{CustomFieldMap, CustomFields};
pub use value::{CustomFieldValue, MULTI_VALUE_SEPARATOR};
