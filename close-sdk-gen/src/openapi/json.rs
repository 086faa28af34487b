//! Reading YAML or JSON documents and writing JSON with a fixed key order.

use anyhow::{Context, Result};
use serde_json::{Map, Value};

/// Parses a document as JSON, or as YAML when it is not JSON.
pub fn parse_document(text: &str, what: &str) -> Result<Value> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(_) => serde_yaml_ng::from_str(text)
            .with_context(|| format!("{what} is neither JSON nor YAML")),
    }
}

/// Returns `value` with every object's keys in sorted order, whatever map type serde_json uses.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&map[k]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Pretty JSON with sorted keys and a final newline: the same bytes for the same document.
pub fn to_canonical_string(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(&sorted(value)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_output_sorts_keys_at_every_level() {
        let v: Value =
            serde_json::from_str(r#"{"b":1,"a":{"z":[{"y":1,"x":2}],"c":null}}"#).unwrap();
        assert_eq!(
            to_canonical_string(&v),
            "{\n  \"a\": {\n    \"c\": null,\n    \"z\": [\n      {\n        \"x\": 2,\n        \"y\": 1\n      }\n    ]\n  },\n  \"b\": 1\n}\n"
        );
    }

    #[test]
    fn yaml_and_json_parse_to_the_same_value() {
        let a = parse_document("a: [1, 'x']\nb: null\n", "t").unwrap();
        let b = parse_document(r#"{"a":[1,"x"],"b":null}"#, "t").unwrap();
        assert_eq!(a, b);
    }
}
