//! One answer of `POST /data/search/`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One page of results: `{"data": […], "cursor": …}`, with `count` when counts were asked for.
///
/// Each item of `data` carries `__object_type` (`lead`, `contact`) and the fields asked for
/// with `_fields` (only `id` when none were). `T` is the item type: [`Value`] for any object
/// type, `Lead` or `Contact` (from [`crate::types`]) for typed results.
///
/// ```
/// use close_sdk::search::SearchPage;
/// let page: SearchPage<serde_json::Value> = serde_json::from_value(serde_json::json!({
///     "data": [{"__object_type": "contact", "id": "cont_x"}],
///     "cursor": null
/// })).unwrap();
/// assert_eq!(page.data[0]["id"], "cont_x");
/// assert!(page.cursor.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SearchPage<T> {
    /// The results.
    pub data: Vec<T>,
    /// The cursor of the next page; `None` (or absent) on the last one.
    #[serde(default)]
    pub cursor: Option<String>,
    /// The counts, when the request had `include_counts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Count>,
    /// Members the SDK does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The counts of a search: `{"total": …, "limited": …}`.
///
/// Close's page shows both in its example (`{"limited": 0, "total": 3}` for a request with
/// `results_limit` 0) without defining them; `total` reads as every match, `limited` as the
/// matches within `results_limit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Count {
    /// `total`.
    #[serde(default)]
    pub total: Option<u64>,
    /// `limited`.
    #[serde(default)]
    pub limited: Option<u64>,
    /// Members the SDK does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
