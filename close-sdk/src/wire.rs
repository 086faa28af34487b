//! The runtime of the generated serde impls (close-sdk-gen's `wire` pass writes the impls;
//! its module docs hold the rules): map keys borrowed from the input, one field read with
//! `null` remembered, lenient numbers, the catch-all, and the refusal of a catch-all key that
//! names a typed field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::values::extra::Names;
use crate::Extra;

/// What a refused serialisation's message starts with (the request path turns it into
/// [`crate::Error::InvalidRequest`]).
pub(crate) const CLASH: &str = "close-sdk refused the body: ";

/// A map key or string value, borrowed from the input when it can be.
pub(crate) enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied (escaped, or from a source that does not lend).
    Owned(String),
}

impl<'de> Key<'de> {
    /// The text.
    #[inline(always)]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The text, owned.
    pub(crate) fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }

    /// Reads a string (a string enum's value), `expecting` naming it in the error.
    pub(crate) fn deserialize_str<D: Deserializer<'de>>(
        d: D,
        expecting: &'static str,
    ) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor(expecting))
    }
}

struct KeyVisitor(&'static str);

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    #[inline(always)]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor("a map key"))
    }
}

/// Names the key in a value's error.
fn at<E: de::Error>(key: &str, e: E) -> E {
    E::custom(format_args!("`{key}`: {e}"))
}

/// Reads the value of the named key `names[index]` into `slot`. `null` leaves `slot` empty and,
/// with `remember`, is remembered in `extra` (one bit) so that re-encoding writes it back. A key
/// sent twice keeps its last word: a value forgets an earlier remembered `null`, a `null` empties
/// an earlier value.
#[inline(always)]
pub(crate) fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    extra: &mut Extra,
    names: &'static Names,
    index: usize,
    remember: bool,
) -> Result<(), A::Error> {
    match map.next_value::<Option<T>>() {
        Ok(Some(v)) => value(slot, v, extra, index),
        Ok(None) => null(slot, extra, names, index, remember),
        Err(e) => return Err(at(names.0.get(index).copied().unwrap_or("?"), e)),
    }
    Ok(())
}

/// A value for the `index`-th named key: it is set, and a `null` remembered for the same key
/// (sent earlier in the same object) is forgotten.
#[inline(always)]
fn value<T>(slot: &mut Option<T>, v: T, extra: &mut Extra, index: usize) {
    *slot = Some(v);
    extra.forget_null_at(index);
}

/// A `null` for the named key `names[index]`.
#[inline(always)]
fn null<T>(
    slot: &mut Option<T>,
    extra: &mut Extra,
    names: &'static Names,
    index: usize,
    remember: bool,
) {
    *slot = None;
    if remember {
        if let Some(key) = names.0.get(index) {
            extra.remember_null(index, key, names);
        }
    }
}

/// [`field`] for a number: also a numeric string, and (for an integer) an integral float.
#[inline(always)]
pub(crate) fn number<'de, A: MapAccess<'de>, T: Number>(
    map: &mut A,
    slot: &mut Option<T>,
    extra: &mut Extra,
    names: &'static Names,
    index: usize,
    remember: bool,
) -> Result<(), A::Error> {
    match map.next_value_seed(NumberSeed::<T>(PhantomData)) {
        Ok(Some(v)) => value(slot, v, extra, index),
        Ok(None) => null(slot, extra, names, index, remember),
        Err(e) => return Err(at(names.0.get(index).copied().unwrap_or("?"), e)),
    }
    Ok(())
}

/// A key the type does not name: kept in `extra` as it came.
#[inline(always)]
pub(crate) fn other<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut Extra,
) -> Result<(), A::Error> {
    let v: Value = map.next_value()?;
    extra.insert(key.into_string(), v);
    Ok(())
}

/// The error of a catch-all key that names a typed field (or, for an update body, any such
/// key): the body is refused before it is sent.
pub(crate) fn clash<E: serde::ser::Error>(type_name: &str, key: &str) -> E {
    E::custom(format_args!(
        "{CLASH}`extra[\"{key}\"]` names the field `{type_name}::{key}`; set the typed field \
         instead (a catch-all key may only repeat a typed one as `null` while that field is unset \
         and may be null)"
    ))
}

/// Writes one `Patch` field of an update body: nothing, `null` (or the type's clearing value)
/// or the value.
pub(crate) fn write_patch<M: serde::ser::SerializeMap, T: serde::Serialize>(
    map: &mut M,
    key: &'static str,
    patch: &crate::Patch<T>,
) -> Result<(), M::Error> {
    match patch {
        crate::Patch::Unchanged => Ok(()),
        crate::Patch::Clear => map.serialize_entry(key, &Value::Null),
        crate::Patch::Set(v) => map.serialize_entry(key, v),
    }
}

/// For a body that failed to decode (the error path only: a good decode never comes here):
/// `error` again, its message prefixed with the path of the bad value
/// (`contacts[1].emails: …`), read off the JSON text at the position `error` names. Not
/// generic, so no type's decoder is compiled twice for its error path. The caller redacts the
/// result as it did `error`.
#[cold]
#[inline(never)]
pub(crate) fn with_path(json: &[u8], error: serde_json::Error) -> serde_json::Error {
    let inner = error.to_string();
    let closer = if about_container(&inner) {
        Closer::Container
    } else {
        Closer::LastValue
    };
    let path = match json_path_at(json, error.line(), error.column(), closer) {
        Some(path) if !path.is_empty() => path,
        _ => return error,
    };
    // The generated decoders name each key the error passed through (`` `data`: `contacts`:
    // `emails`: … ``): the path says them once, with the indices.
    let mut rest = inner.as_str();
    while let Some((_, after)) = rest
        .strip_prefix('`')
        .and_then(|r| r.split_once("`: "))
        .filter(|(key, _)| path_names(&path, key))
    {
        rest = after;
    }
    de::Error::custom(format_args!("{path}: {rest}"))
}

/// Whether `key` is one of `path`'s keys (`contacts` in `data[3].contacts[0].emails`).
fn path_names(path: &str, key: &str) -> bool {
    !key.is_empty()
        && path
            .split('.')
            .any(|segment| segment.split('[').next() == Some(key))
}

/// Whether a decode error's message (after the `` `key`: `` each named field adds) is one
/// serde puts on a container's closing bracket about the container itself: a missing field, a
/// fixed-size sequence's length.
fn about_container(message: &str) -> bool {
    let mut rest = message;
    while let Some((_, after)) = rest.strip_prefix('`').and_then(|r| r.split_once("`: ")) {
        rest = after;
    }
    rest.starts_with("missing field `") || rest.starts_with("invalid length ")
}

/// What a position on a closing `}` or `]` names, for [`json_path_at`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closer {
    /// The container it closes (serde_json reports a missing field there).
    Container,
    /// The value that ended just before it (serde_json positions an error raised after a
    /// value was read, e.g. a timestamp that does not parse or an untagged enum no variant of
    /// which matches, on the next byte).
    LastValue,
}

/// One open container while [`json_path_at`] walks a document.
enum Open {
    /// An object and the key whose value is being read in it (raw, as written between its
    /// quotes): set at the `:` after the key, so that a key that did not parse (or an error
    /// where a key is due) is never named.
    Object(Option<(usize, usize)>),
    /// An array and the index of the element being read.
    Array(usize),
}

/// The path (`contacts[1].emails`, `[0].id`) of the value at serde_json's error position
/// (`line` and `column` as its errors count them, from 1), found by one pass over the text up
/// to that byte: every container opened and not yet closed there, with the key or index being
/// read in it (`?` for a key not yet followed by its `:`, or one that does not read as UTF-8
/// text with JSON escapes: a key serde_json failed on is never quoted). A position on a closing
/// `}` or `]` names what `closer` says. `None` for a position outside the text or at the top
/// level.
pub(crate) fn json_path_at(
    json: &[u8],
    line: usize,
    column: usize,
    closer: Closer,
) -> Option<String> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        json.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    let at = line_start + column.saturating_sub(1);
    let mut stack: Vec<Open> = Vec::new();
    // The last string read where a key is due: the key once its `:` follows.
    let mut pending: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < at.min(json.len()) {
        match json[i] {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < json.len() && json[end] != b'"' {
                    end += if json[end] == b'\\' { 2 } else { 1 };
                }
                // A string in an object where a key is due is the key (once its `:` follows).
                if let Some(Open::Object(_)) = stack.last() {
                    if key_due(json, i) {
                        pending = Some((start, end.min(json.len())));
                    }
                }
                i = end + 1;
                continue;
            }
            b'{' => stack.push(Open::Object(None)),
            b'[' => stack.push(Open::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Open::Object(key)) = stack.last_mut() {
                    *key = pending.take();
                }
            }
            b',' => match stack.last_mut() {
                Some(Open::Array(n)) => *n += 1,
                Some(Open::Object(key)) => *key = None,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    // serde_json puts an error at the end of the text on its last byte: a key's `:` there is
    // read.
    if let (Some(b':'), Some(Open::Object(key)), Some(p)) =
        (json.get(at), stack.last_mut(), pending)
    {
        *key = Some(p);
    }
    if closer == Closer::Container && matches!(json.get(at), Some(b'}' | b']')) {
        stack.pop();
    }
    let mut path = String::new();
    for open in &stack {
        match open {
            Open::Array(n) => path.push_str(&format!("[{n}]")),
            Open::Object(Some((start, end))) => {
                if !path.is_empty() {
                    path.push('.');
                }
                // An escaped key reads as Close meant it; one that does not read is not quoted
                // (its raw text may spell a secret the redaction would not recognise).
                let key = json
                    .get(*start..*end)
                    .and_then(|raw| std::str::from_utf8(raw).ok())
                    .and_then(|raw| serde_json::from_str::<String>(&format!("\"{raw}\"")).ok());
                path.push_str(key.as_deref().unwrap_or("?"));
            }
            Open::Object(None) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push('?');
            }
        }
    }
    Some(path)
}

/// Whether the string starting at `quote` is in a key's place: the last non-blank byte before
/// it opens an object or ends a member (`{` or `,`).
fn key_due(json: &[u8], quote: usize) -> bool {
    json[..quote]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b','))
}

/// A number type a generated field may have.
pub(crate) trait Number: Sized {
    /// From a JSON integer.
    fn from_i64(v: i64) -> Option<Self>;
    /// From a JSON unsigned integer.
    fn from_u64(v: u64) -> Option<Self>;
    /// From a JSON float.
    fn from_f64(v: f64) -> Option<Self>;
    /// What the field is, for errors.
    const WHAT: &'static str;

    /// Whether the type is an integer (a numeric string must then be exactly integral).
    const INTEGER: bool = true;

    /// From a numeric string. For an integer type the text must be exactly integral (digits,
    /// then optionally `.` and zeros): it is never rounded through an `f64`.
    fn from_text(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(v) = s.parse::<i64>() {
            return Self::from_i64(v);
        }
        if let Ok(v) = s.parse::<u64>() {
            return Self::from_u64(v);
        }
        if Self::INTEGER {
            let (int, frac) = s.split_once('.')?;
            if frac.is_empty() || !frac.bytes().all(|b| b == b'0') {
                return None;
            }
            if let Ok(v) = int.parse::<i64>() {
                return Self::from_i64(v);
            }
            return int.parse::<u64>().ok().and_then(Self::from_u64);
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Self::from_f64(v),
            _ => None,
        }
    }
}

/// 2^53: from here on not every integer is an `f64`, so a JSON float this large may have been
/// rounded from a non-integral text, and whether it was integral cannot be known.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// `v` as an integer when it is integral and below 2^53 in magnitude (a larger float is refused:
/// its integrality cannot be known).
fn integral(v: f64) -> Option<i128> {
    // Every f64 in this range converts to i128 exactly; the casts are range-checked.
    (v.is_finite() && v.fract() == 0.0 && v.abs() < EXACT).then_some(v as i128)
}

macro_rules! int_number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            const WHAT: &'static str = concat!("an integer (", stringify!($t), ")");
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                integral(v).and_then(|i| <$t>::try_from(i).ok())
            }
        }
    )*};
}
int_number!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Number for f64 {
    const WHAT: &'static str = "a number";
    const INTEGER: bool = false;
    #[allow(clippy::cast_precision_loss)]
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    #[allow(clippy::cast_precision_loss)]
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl Number for f32 {
    const WHAT: &'static str = "a number";
    const INTEGER: bool = false;
    #[allow(clippy::cast_precision_loss)]
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f32)
    }
    #[allow(clippy::cast_precision_loss)]
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f32)
    }
    #[allow(clippy::cast_possible_truncation)]
    fn from_f64(v: f64) -> Option<Self> {
        Some(v as f32)
    }
}

impl Number for std::num::NonZeroU64 {
    const WHAT: &'static str = "a positive integer";
    fn from_i64(v: i64) -> Option<Self> {
        u64::try_from(v).ok().and_then(Self::new)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Self::new(v)
    }
    fn from_f64(v: f64) -> Option<Self> {
        integral(v)
            .and_then(|i| u64::try_from(i).ok())
            .and_then(Self::new)
    }
}

/// Reads a number leniently; `null` is `None`.
struct NumberSeed<T>(PhantomData<T>);

impl<'de, T: Number> DeserializeSeed<'de> for NumberSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Number> Visitor<'de> for NumberSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (or a string of one)", T::WHAT)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        T::from_u64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        T::from_text(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num<T: Number>(json: &str) -> Result<Option<T>, serde_json::Error> {
        let mut d = serde_json::Deserializer::from_str(json);
        NumberSeed::<T>(PhantomData).deserialize(&mut d)
    }

    #[test]
    fn numbers_are_lenient_but_not_lossy() {
        assert_eq!(num::<i64>("180").unwrap(), Some(180));
        assert_eq!(num::<i64>("180.0").unwrap(), Some(180));
        assert_eq!(num::<i64>("\"180\"").unwrap(), Some(180));
        assert_eq!(num::<i64>("null").unwrap(), None);
        assert!(num::<i64>("180.5").is_err());
        assert!(num::<i64>("\"x\"").is_err());
        assert!(num::<i64>("true").is_err());
        assert!(num::<u64>("-1").is_err());
        assert_eq!(num::<f64>("\"1.15\"").unwrap(), Some(1.15));
        assert_eq!(num::<f64>("2").unwrap(), Some(2.0));
        assert!(num::<f64>("\"NaN\"").is_err());
    }

    #[test]
    fn integers_refuse_what_only_rounding_makes_integral() {
        assert_eq!(num::<i64>("\"180.00\"").unwrap(), Some(180));
        assert_eq!(
            num::<i64>("9007199254740991.0").unwrap(),
            Some(9_007_199_254_740_991)
        );
        assert!(num::<i64>("9007199254740993.5").is_err());
        assert!(num::<i64>("9007199254740992.0").is_err());
        assert!(num::<i64>("\"9007199254740993.5\"").is_err());
        assert_eq!(
            num::<i64>("\"9007199254740993.0\"").unwrap(),
            Some(9_007_199_254_740_993)
        );
        assert!(num::<i64>("\"1e3\"").is_err());
        assert!(num::<i64>("\"1.\"").is_err());
        assert!(num::<u64>("\"-1.0\"").is_err());
        assert_eq!(num::<f64>("\"1e3\"").unwrap(), Some(1000.0));
    }

    /// The message [`with_path`] gives for `json` decoded as `T`.
    fn path_message<T: serde::de::DeserializeOwned>(json: &str) -> String {
        let Err(e) = serde_json::from_str::<T>(json) else {
            panic!("{json} decoded");
        };
        with_path(json.as_bytes(), e).to_string()
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        contacts: Vec<Contact>,
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Contact {
        emails: Vec<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        b: u8,
        c: u8,
    }

    #[test]
    fn the_path_names_the_bad_value_as_serde_path_to_error_did() {
        let m = path_message::<Doc>(r#"{"contacts":[{"emails":[]},{"emails":"x"}]}"#);
        assert!(m.starts_with("contacts[1].emails: invalid type"), "{m}");
        let m = path_message::<Doc>(r#"{"contacts":[{"emails":["a",7]}]}"#);
        assert!(m.starts_with("contacts[0].emails[1]: invalid type"), "{m}");
        // A missing field: serde_json points at the object's `}`, the path names the object.
        let m = path_message::<Doc>(r#"{"contacts":[],"inner":{"b":1}}"#);
        assert!(m.starts_with("inner: missing field `c`"), "{m}");
        // Strings holding brackets, commas, colons and escaped quotes are skipped whole.
        let m = path_message::<Doc>(r#"{"note":"a,[{\"b\":}]","contacts":[{"emails":{}}]}"#);
        assert!(m.starts_with("contacts[0].emails: invalid type"), "{m}");
        // Pretty-printed over several lines.
        let m = path_message::<Doc>(
            "{\n  \"contacts\": [\n    {\"emails\": []},\n    {\"emails\": 5}\n  ]\n}",
        );
        assert!(m.starts_with("contacts[1].emails: invalid type"), "{m}");
        // A top-level array.
        let m = path_message::<Vec<Inner>>(r#"[{"b":1,"c":2},{"b":"x","c":2}]"#);
        assert!(m.starts_with("[1].b: invalid type"), "{m}");
    }

    /// A string read whole, then refused (as `Timestamp` does with one that does not parse).
    #[derive(Debug)]
    struct Late;

    impl<'de> serde::Deserialize<'de> for Late {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let _ = String::deserialize(d)?;
            Err(de::Error::custom("refused after reading"))
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Holder {
        #[serde(default)]
        other: Option<u8>,
        #[serde(default)]
        late: Option<Late>,
        #[serde(default)]
        lates: Vec<Late>,
    }

    #[test]
    fn a_value_refused_after_it_was_read_is_named_before_a_closing_bracket() {
        // serde_json positions the error on the byte after the value: here `}` or `]`.
        let m = path_message::<Holder>(r#"{"other":1,"late":"x"}"#);
        assert!(m.starts_with("late: refused after reading"), "{m}");
        let m = path_message::<Vec<Holder>>(r#"[{"other":1},{"lates":["x"]}]"#);
        assert!(m.starts_with("[1].lates[0]: refused after reading"), "{m}");
        // Not followed by a bracket: named as before.
        let m = path_message::<Holder>(r#"{"late":"x" ,"other":1}"#);
        assert!(m.starts_with("late: refused after reading"), "{m}");
        // A missing field still names its object, also behind a named field's prefix.
        assert!(about_container("`contacts`: `inner`: missing field `c`"));
        assert!(!about_container(
            "`date`: `missing field `c`` is not a date"
        ));
    }

    #[test]
    fn a_key_that_did_not_parse_is_never_named() {
        type Map = std::collections::BTreeMap<String, u8>;
        // Where a key is due, the member before is not blamed.
        let m = path_message::<Map>(r#"{"a":1,5:1}"#);
        assert!(m.starts_with("?: key must be a string"), "{m}");
        // A key that does not parse is not quoted (its raw text could spell a secret).
        let m = path_message::<Map>(r#"{"a":1,"s\u0065cret\x":1}"#);
        assert!(m.starts_with("?: invalid escape"), "{m}");
        assert!(!m.contains("cret"), "{m}");
        let mut bytes = br#"{"a":1,"sec"#.to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice(br#"ret":1}"#);
        let e = serde_json::from_slice::<Map>(&bytes).unwrap_err();
        let m = with_path(&bytes, e).to_string();
        assert!(!m.contains("ret"), "{m}");
        // A body cut right after a key's `:`: that key is being read.
        let m = path_message::<std::collections::BTreeMap<String, Inner>>(r#"{"a":"#);
        assert!(m.starts_with("a: EOF while parsing a value"), "{m}");
    }

    #[test]
    fn keys_the_generated_decoders_named_are_said_once() {
        // The generated decoders prefix every key an error passes through; the path says each
        // once, with its index.
        let m = path_message::<Vec<crate::types::Organization>>(
            r#"[{"id":"orga_1"},{"id":"orga_2","memberships":[{"id":"m"},{"id":"n","permissions_granted":"all"}]}]"#,
        );
        assert!(
            m.starts_with("[1].memberships[1].permissions_granted: invalid type"),
            "{m}"
        );
        assert!(!m.contains("`memberships`"), "{m}");
    }

    #[test]
    fn an_escaped_key_is_named_as_close_meant_it() {
        let m = path_message::<std::collections::BTreeMap<String, Inner>>(
            r#"{"a\u0062":{"b":1,"c":"x"}}"#,
        );
        assert!(m.starts_with("ab.c: invalid type"), "{m}");
    }

    #[test]
    fn an_error_with_no_path_keeps_its_message() {
        let e = serde_json::from_str::<Inner>("[1]").unwrap_err();
        let before = e.to_string();
        assert_eq!(with_path(b"[1]", e).to_string(), before);
        // Positions outside the text name nothing (and never panic).
        let c = Closer::Container;
        assert_eq!(json_path_at(b"{}", 9, 1, c), None);
        assert_eq!(json_path_at(b"", 1, 50, c), Some(String::new()));
        assert_eq!(json_path_at(b"{\"a\":[", 1, 100, c), Some("a[0]".into()));
        assert_eq!(json_path_at(b"{\"a\":\"\\", 1, 100, c), Some("a".into()));
    }
}
