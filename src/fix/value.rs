//! Values: what `--value` or the flag service says a flag serves, and the JavaScript
//! constants the folder computes with.

use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::rules::Uniform;

/// What a flag serves everyone: its on/off state and, for flags with one, its value.
#[derive(Debug, Clone, PartialEq)]
pub struct FlagValue {
    pub enabled: bool,
    pub value: Option<Json>,
}

impl FlagValue {
    /// `on`, `off`, `true`, `false`, or any JSON value (`"blue"`, `3`, `{"a": 1}`): a JSON
    /// value other than a boolean means the flag is on and serves that value.
    pub fn parse(text: &str) -> Result<FlagValue, String> {
        match text.trim() {
            "on" | "true" => return Ok(FlagValue::on_off(true)),
            "off" | "false" => return Ok(FlagValue::on_off(false)),
            _ => {}
        }
        let value: Json = serde_json::from_str(text).map_err(|_| {
            format!(
                "{text:?} is not a flag value: write on, off, or a JSON value (\"blue\" with its quotes, 3, {{\"a\": 1}})"
            )
        })?;
        Ok(FlagValue {
            enabled: true,
            value: Some(value),
        })
    }

    pub fn on_off(enabled: bool) -> FlagValue {
        FlagValue {
            enabled,
            value: None,
        }
    }

    pub fn from_uniform(uniform: &Uniform) -> FlagValue {
        FlagValue {
            enabled: uniform.enabled,
            value: uniform.value.clone().filter(|v| !v.is_null()),
        }
    }

    /// The on/off state as a JavaScript boolean.
    pub fn state(&self) -> JsValue {
        JsValue::Bool(self.enabled)
    }

    /// What a value read returns: the value, or for a flag without one (a boolean flag in
    /// LaunchDarkly, Unleash or GrowthBook), its state.
    pub fn served(&self) -> JsValue {
        match &self.value {
            Some(value) if self.enabled => JsValue::from_json(value),
            _ => JsValue::Bool(self.enabled),
        }
    }

    /// What a value read returns in an SDK where a flag has a state and, separately, a
    /// value that is null when none is set (Flagsmith).
    pub fn value_or_null(&self) -> JsValue {
        match &self.value {
            Some(value) => JsValue::from_json(value),
            None => JsValue::Null,
        }
    }

    /// For people: `on`, `off`, `on, value "blue"`.
    pub fn describe(&self) -> String {
        let state = if self.enabled { "on" } else { "off" };
        match &self.value {
            Some(value) => format!("{state}, value {value}"),
            None => state.to_string(),
        }
    }
}

/// A JavaScript value the folder knows at rewrite time.
#[derive(Debug, Clone, PartialEq)]
pub enum JsValue {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// An object or array, written back as its JSON text.
    Json(Json),
}

impl JsValue {
    pub fn from_json(value: &Json) -> JsValue {
        match value {
            Json::Null => JsValue::Null,
            Json::Bool(b) => JsValue::Bool(*b),
            Json::Number(n) => JsValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => JsValue::String(s.clone()),
            other => JsValue::Json(other.clone()),
        }
    }

    /// JavaScript's ToBoolean.
    pub fn truthy(&self) -> bool {
        match self {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(n) => *n != 0.0 && !n.is_nan(),
            JsValue::String(s) => !s.is_empty(),
            JsValue::Json(_) => true,
        }
    }

    pub fn nullish(&self) -> bool {
        matches!(self, JsValue::Undefined | JsValue::Null)
    }

    /// `===` between two known values; None when it cannot be told (objects compare by
    /// identity).
    pub fn strict_equals(&self, other: &JsValue) -> Option<bool> {
        Some(match (self, other) {
            (JsValue::Json(_), _) | (_, JsValue::Json(_)) => return None,
            (JsValue::Number(a), JsValue::Number(b)) => a == b,
            (a, b) => a == b,
        })
    }

    /// `==`: as `===`, except that null and undefined equal each other.
    pub fn loose_equals(&self, other: &JsValue) -> Option<bool> {
        if self.nullish() && other.nullish() {
            return Some(true);
        }
        if self.nullish() != other.nullish() {
            return Some(false);
        }
        if std::mem::discriminant(self) != std::mem::discriminant(other) {
            // `1 == "1"`: coercions are not worth guessing at.
            return None;
        }
        self.strict_equals(other)
    }

    /// The value as JavaScript source, strings in the file's quote character.
    pub fn to_js(&self, quote: char) -> String {
        match self {
            JsValue::Undefined => "undefined".into(),
            JsValue::Null => "null".into(),
            JsValue::Bool(b) => b.to_string(),
            JsValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            JsValue::Number(n) => n.to_string(),
            JsValue::String(s) => quoted(s, quote),
            JsValue::Json(value) => value.to_string(),
        }
    }
}

/// A string literal in `quote`, escaped.
pub fn quoted(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The quote character most string literals of a file use, for new literals to match.
pub fn preferred_quote(source: &str) -> char {
    let singles = source.matches('\'').count();
    let doubles = source.matches('"').count();
    if singles > doubles {
        '\''
    } else {
        '"'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_states_and_json_values() {
        assert_eq!(FlagValue::parse("on"), Ok(FlagValue::on_off(true)));
        assert_eq!(FlagValue::parse("false"), Ok(FlagValue::on_off(false)));
        let blue = FlagValue::parse("\"blue\"").unwrap();
        assert!(blue.enabled);
        assert_eq!(blue.served(), JsValue::String("blue".into()));
        assert_eq!(
            FlagValue::parse("3").unwrap().served(),
            JsValue::Number(3.0)
        );
        let err = FlagValue::parse("blue").unwrap_err();
        assert!(err.contains("with its quotes"), "{err}");
    }

    #[test]
    fn a_flag_without_a_value_serves_its_state() {
        assert_eq!(FlagValue::on_off(false).served(), JsValue::Bool(false));
        assert_eq!(FlagValue::on_off(true).value_or_null(), JsValue::Null);
    }

    #[test]
    fn truthiness_and_equality_follow_javascript() {
        assert!(!JsValue::String(String::new()).truthy());
        assert!(!JsValue::Number(0.0).truthy());
        assert!(JsValue::Json(serde_json::json!([])).truthy());
        assert_eq!(JsValue::Null.loose_equals(&JsValue::Undefined), Some(true));
        assert_eq!(
            JsValue::Null.strict_equals(&JsValue::Undefined),
            Some(false)
        );
        assert_eq!(
            JsValue::Number(1.0).loose_equals(&JsValue::String("1".into())),
            None
        );
    }

    #[test]
    fn writes_literals_in_the_files_quotes() {
        assert_eq!(JsValue::String("it's".into()).to_js('\''), r"'it\'s'");
        assert_eq!(JsValue::Number(3.0).to_js('"'), "3");
        assert_eq!(JsValue::Number(2.5).to_js('"'), "2.5");
        assert_eq!(
            JsValue::Json(serde_json::json!({"a": 1})).to_js('"'),
            r#"{"a":1}"#
        );
        assert_eq!(preferred_quote("import x from 'y';"), '\'');
    }
}
