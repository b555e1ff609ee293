//! A tiny JSON object writer for the `--json` outputs (`status`,
//! `queue-log stats`, `history`, `migrations`...): objects of strings,
//! numbers, booleans, nulls, string arrays and arrays of such objects,
//! escaped per RFC 8259. Not a parser: a dependency would be more code than
//! this.

use std::fmt::Write as _;

/// One JSON value.
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    StrList(Vec<String>),
    /// An array of objects, each already written by `object`.
    Objects(Vec<String>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}

/// A string, quoted and escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{"key": value, ...}` on one line, keys in the order given.
pub fn object(fields: Vec<(&str, Value)>) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&string(k));
        out.push_str(": ");
        match v {
            Value::Str(s) => out.push_str(&string(&s)),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            // JSON has no NaN or infinity.
            Value::Float(f) if f.is_finite() => {
                let _ = write!(out, "{f:.3}");
            }
            Value::Float(_) | Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Value::StrList(l) => {
                out.push('[');
                out.push_str(&l.iter().map(|s| string(s)).collect::<Vec<_>>().join(", "));
                out.push(']');
            }
            Value::Objects(l) => {
                out.push('[');
                out.push_str(&l.join(", "));
                out.push(']');
            }
        }
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_json_requires() {
        assert_eq!(string("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\u0001é\"");
        assert_eq!(
            object(vec![
                ("s", "x".into()),
                ("n", Value::Int(-3)),
                ("f", Value::Float(1.5)),
                ("nan", Value::Float(f64::NAN)),
                ("b", true.into()),
                ("none", Value::from(None::<String>)),
                ("l", Value::StrList(vec!["a".into(), "\"".into()])),
                ("o", Value::Objects(vec![object(vec![("k", 1i64.into())])])),
            ]),
            r#"{"s": "x", "n": -3, "f": 1.500, "nan": null, "b": true, "none": null, "l": ["a", "\""], "o": [{"k": 1}]}"#
        );
    }
}
