//! Reading JS arguments, with errors that name the argument.
//!
//! Arguments arrive as `Unknown` so that a value of the wrong type becomes a
//! `TypeError` with code `INVALID_ARG_TYPE` and a message such as
//! "`turns[2].text` must be a string, got number", rather than napi's
//! generic conversion error.

use std::str::FromStr;

use empathize as core;
use napi::bindgen_prelude::{Array, Either, FromNapiValue, Object, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;

use crate::errors::{Failure, Outcome};

/// Options of `new Analyzer(options)`.
#[napi(object, object_to_js = false)]
pub struct AnalyzerOptions {
    /// A rule pack (TOML source) that replaces the default English pack.
    pub rules: Option<String>,
    /// One or more rule packs (TOML sources) added on top of the base pack:
    /// new rules are added, a rule with an existing id replaces it, a
    /// lexicon with an existing name extends it.
    pub extra_rules: Option<Either<String, Vec<String>>>,
    /// Ids of rules to switch off.
    pub disable: Option<Vec<String>>,
}

/// A conversation turn as JS passes it.
#[napi(object, object_to_js = false)]
pub struct Turn {
    /// `"customer"` or `"agent"`; also accepted (any case): `user`, `client`,
    /// `human`, `caller` for the customer and `assistant`, `bot`, `rep`,
    /// `support`, `representative` for the agent.
    #[napi(ts_type = "RoleName")]
    pub role: String,
    /// What they wrote.
    pub text: String,
    /// The agent's id, for per-agent summaries.
    pub agent_id: Option<String>,
    /// Alias of `agentId` (the spelling of the JSON files).
    #[napi(js_name = "agent_id")]
    pub agent_id_snake: Option<String>,
    /// When it was written, kept as given (not interpreted).
    pub timestamp: Option<Either<String, f64>>,
}

impl Turn {
    fn into_core(self, index: usize) -> Outcome<core::Turn> {
        let role = core::Role::from_str(&self.role)
            .map_err(|err| Failure::Value(format!("`turns[{index}].role`: {err}")))?;
        Ok(core::Turn {
            role,
            text: self.text,
            agent_id: self.agent_id.or(self.agent_id_snake),
            timestamp: self.timestamp.map(|t| match t {
                Either::A(s) => s,
                Either::B(n) => n.to_string(),
            }),
        })
    }
}

/// How a value is described in error messages.
fn describe(value: &Unknown<'_>) -> Outcome<&'static str> {
    Ok(match value.get_type()? {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object if value.is_array()? => "array",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::BigInt => "bigint",
        ValueType::External | ValueType::Unknown => "a native value",
    })
}

fn wrong_type(value: &Unknown<'_>, what: impl FnOnce() -> String, expected: &str) -> Failure {
    match describe(value) {
        Ok(got) => Failure::Type(format!("`{}` must be {expected}, got {got}", what())),
        Err(err) => err,
    }
}

fn is_nullish(value: &Unknown<'_>) -> Outcome<bool> {
    Ok(matches!(
        value.get_type()?,
        ValueType::Undefined | ValueType::Null
    ))
}

/// A required string. Lone surrogates are replaced by U+FFFD (one UTF-16
/// unit, like the surrogate), so offsets computed on the result still index
/// the caller's string.
pub(crate) fn string(value: Unknown<'_>, what: impl FnOnce() -> String) -> Outcome<String> {
    if value.get_type()? == ValueType::String {
        Ok(String::from_unknown(value)?)
    } else {
        Err(wrong_type(&value, what, "a string"))
    }
}

/// An optional string: `undefined` and `null` mean absent.
pub(crate) fn optional_string(
    value: Option<Unknown<'_>>,
    what: impl FnOnce() -> String,
) -> Outcome<Option<String>> {
    optional(value, |v| string(v, what))
}

pub(crate) fn array<'env>(
    value: Unknown<'env>,
    what: &str,
    expected: &str,
) -> Outcome<Array<'env>> {
    if value.get_type()? == ValueType::Object && value.is_array()? {
        Ok(Array::from_unknown(value)?)
    } else {
        Err(wrong_type(&value, || what.to_string(), expected))
    }
}

fn element<'env>(array: &Array<'env>, index: u32) -> Outcome<Unknown<'env>> {
    match array.get::<Unknown<'env>>(index)? {
        Some(v) => Ok(v),
        // The array shrank under us (a getter); report it as a hole.
        None => Err(Failure::Value(format!("element {index} disappeared"))),
    }
}

/// An array of strings, read element by element (a batch's texts are read
/// by `texts::strings`).
pub(crate) fn strings(value: Unknown<'_>, what: &str) -> Outcome<Vec<String>> {
    let list = array(value, what, "an array of strings")?;
    let mut out = Vec::with_capacity(list.len() as usize);
    for i in 0..list.len() {
        out.push(string(element(&list, i)?, || format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// An optional array of strings: `undefined` and `null` mean absent.
pub(crate) fn optional_strings(
    value: Option<Unknown<'_>>,
    what: &str,
) -> Outcome<Option<Vec<String>>> {
    optional(value, |v| strings(v, what))
}

/// `read(value)`, or `None` when `value` is absent, `undefined` or `null`.
pub(crate) fn optional<'env, T>(
    value: Option<Unknown<'env>>,
    read: impl FnOnce(Unknown<'env>) -> Outcome<T>,
) -> Outcome<Option<T>> {
    match value {
        Some(v) if !is_nullish(&v)? => read(v).map(Some),
        _ => Ok(None),
    }
}

fn object<'env>(
    value: Unknown<'env>,
    what: impl FnOnce() -> String,
    expected: &str,
) -> Outcome<Object<'env>> {
    if value.get_type()? == ValueType::Object && !value.is_array()? {
        Ok(Object::from_unknown(value)?)
    } else {
        Err(wrong_type(&value, what, expected))
    }
}

fn field<'env>(obj: &Object<'env>, key: &str) -> Outcome<Option<Unknown<'env>>> {
    Ok(obj.get::<Unknown<'env>>(key)?)
}

/// The turns of a conversation.
pub(crate) fn turns(value: Unknown<'_>) -> Outcome<Vec<core::Turn>> {
    let list = array(value, "turns", "an array of turns")?;
    let mut out = Vec::with_capacity(list.len() as usize);
    for i in 0..list.len() {
        let index = i as usize;
        let at = |name: &str| format!("turns[{i}].{name}");
        let obj = object(
            element(&list, i)?,
            || format!("turns[{i}]"),
            "an object {role, text}",
        )?;
        let role = match field(&obj, "role")? {
            Some(v) => string(v, || at("role"))?,
            None => return Err(Failure::Type(format!("`{}` is missing", at("role")))),
        };
        let text = match field(&obj, "text")? {
            Some(v) => string(v, || at("text"))?,
            None => return Err(Failure::Type(format!("`{}` is missing", at("text")))),
        };
        let agent_id = optional_string(field(&obj, "agentId")?, || at("agentId"))?;
        let agent_id_snake = optional_string(field(&obj, "agent_id")?, || at("agent_id"))?;
        let timestamp = match field(&obj, "timestamp")? {
            Some(v) if is_nullish(&v)? => None,
            Some(v) => match v.get_type()? {
                ValueType::String => Some(Either::A(String::from_unknown(v)?)),
                ValueType::Number => Some(Either::B(f64::from_unknown(v)?)),
                _ => return Err(wrong_type(&v, || at("timestamp"), "a string or a number")),
            },
            None => None,
        };
        let turn = Turn {
            role,
            text,
            agent_id,
            agent_id_snake,
            timestamp,
        };
        out.push(turn.into_core(index)?);
    }
    Ok(out)
}

const OPTION_KEYS: [&str; 3] = ["rules", "extraRules", "disable"];

/// The options of `new Analyzer(options)`.
pub(crate) fn analyzer_options(value: Option<Unknown<'_>>) -> Outcome<AnalyzerOptions> {
    let mut options = AnalyzerOptions {
        rules: None,
        extra_rules: None,
        disable: None,
    };
    let Some(value) = value.filter(|v| !matches!(is_nullish(v), Ok(true))) else {
        return Ok(options);
    };
    let obj = object(value, || "options".to_string(), "an object")?;
    for key in Object::keys(&obj)? {
        if !OPTION_KEYS.contains(&key.as_str()) {
            let hint = if key == "extra_rules" {
                " (did you mean `extraRules`?)"
            } else {
                ""
            };
            return Err(Failure::Value(format!(
                "unknown option `{key}`{hint}; expected one of {}",
                OPTION_KEYS.join(", ")
            )));
        }
    }
    options.rules = optional_string(field(&obj, "rules")?, || "options.rules".to_string())?;
    options.extra_rules = match field(&obj, "extraRules")? {
        Some(v) if is_nullish(&v)? => None,
        Some(v) if v.get_type()? == ValueType::String => Some(Either::A(String::from_unknown(v)?)),
        Some(v) if v.get_type()? == ValueType::Object && v.is_array()? => {
            Some(Either::B(strings(v, "options.extraRules")?))
        }
        Some(v) => {
            return Err(wrong_type(
                &v,
                || "options.extraRules".to_string(),
                "a string or an array of strings",
            ))
        }
        None => None,
    };
    options.disable = optional_strings(field(&obj, "disable")?, "options.disable")?;
    Ok(options)
}

/// The options of a scoring call (`score(text, { customer, summary })`,
/// `scoreReply(customer, reply, { summary })`, `scoreMany(texts, { customers,
/// summary })`).
pub(crate) struct ScoringOptions<'env> {
    /// The value of the context key (`customer` / `customers`), if given.
    pub(crate) context: Option<Unknown<'env>>,
    /// `summary: true`: return `ReplySummary` reports.
    pub(crate) summary: bool,
}

/// The options object of a scoring call: the value of its context key
/// `context` (none for `scoreReply`) and `summary` (a boolean; `undefined`
/// and `null` mean `false`). A plain value where the object belongs is the
/// old positional form; its error spells out the new one.
pub(crate) fn scoring_options<'env>(
    value: Option<Unknown<'env>>,
    call: &str,
    context: Option<&str>,
) -> Outcome<ScoringOptions<'env>> {
    let mut options = ScoringOptions {
        context: None,
        summary: false,
    };
    let Some(value) = value.filter(|v| !matches!(is_nullish(v), Ok(true))) else {
        return Ok(options);
    };
    let keys: Vec<&str> = context.into_iter().chain(["summary"]).collect();
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(Failure::Type(format!(
            "`{call}` takes its options as an object: {call}(…, {{ {} }}), got {}",
            keys.join(", "),
            describe(&value)?
        )));
    }
    let obj = Object::from_unknown(value)?;
    for name in Object::keys(&obj)? {
        if !keys.contains(&name.as_str()) {
            let expected: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            return Err(Failure::Value(format!(
                "unknown option `{name}` of `{call}`; expected {}",
                expected.join(" or ")
            )));
        }
    }
    if let Some(key) = context {
        options.context = field(&obj, key)?;
    }
    options.summary = match field(&obj, "summary")? {
        Some(v) if is_nullish(&v)? => false,
        Some(v) if v.get_type()? == ValueType::Boolean => bool::from_unknown(v)?,
        Some(v) => return Err(wrong_type(&v, || "summary".to_string(), "a boolean")),
        None => false,
    };
    Ok(options)
}
