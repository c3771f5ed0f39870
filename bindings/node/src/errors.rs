//! Failures and how they reach JavaScript.
//!
//! Every entry point runs its body through [`run`]: a failure becomes a JS
//! `Error` (or `TypeError`) carrying a stable `code` string, and a Rust panic
//! becomes an `Error` with code `INTERNAL` instead of unwinding into Node.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{FromNapiValue, JsValue, Object};
use napi::{Env, JsError, JsTypeError};

/// `code` of a `TypeError` for an argument of the wrong type.
pub(crate) const INVALID_ARG_TYPE: &str = "INVALID_ARG_TYPE";
/// `code` of an `Error` for an argument of the right type but a wrong value.
pub(crate) const INVALID_ARG: &str = "INVALID_ARG";
/// `code` of an `Error` for a rule pack that does not parse or compile.
pub(crate) const RULE_PACK: &str = "RULE_PACK";
/// `code` of an `Error` for a bug in empathize (a caught panic).
pub(crate) const INTERNAL: &str = "INTERNAL";

/// Why a call failed, before it is turned into a JS error.
#[derive(Debug)]
pub enum Failure {
    /// An argument has the wrong JS type: `TypeError`, code `INVALID_ARG_TYPE`.
    Type(String),
    /// An argument has a bad value (unknown role, length mismatch…):
    /// `Error`, code `INVALID_ARG`.
    Value(String),
    /// The rule packs do not build: `Error`, code `RULE_PACK`, with the
    /// `rule`, `field`, `line` and `pack` of the core error as properties.
    RulePack(empathize::RulePackError),
    /// A panic inside the library: `Error`, code `INTERNAL`.
    Internal(String),
    /// An error napi already reported (e.g. a getter on an options object
    /// threw): passed through untouched so the original exception surfaces.
    Napi(napi::Error),
}

impl From<napi::Error> for Failure {
    fn from(err: napi::Error) -> Self {
        Failure::Napi(err)
    }
}

impl From<empathize::RulePackError> for Failure {
    fn from(err: empathize::RulePackError) -> Self {
        Failure::RulePack(err)
    }
}

/// The result of the Rust side of an entry point.
pub type Outcome<T> = std::result::Result<T, Failure>;

/// Runs `body`, turning a panic into [`Failure::Internal`].
pub(crate) fn catch<T>(body: impl FnOnce() -> Outcome<T>) -> Outcome<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(outcome) => outcome,
        Err(payload) => Err(Failure::Internal(panic_message(payload.as_ref()))),
    }
}

/// Runs an entry point's body and converts any failure to a JS error.
pub(crate) fn run<T>(env: &Env, body: impl FnOnce() -> Outcome<T>) -> napi::Result<T> {
    catch(body).map_err(|failure| failure.into_js(env))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    };
    format!("internal error in empathize (please report it): {detail}")
}

impl Failure {
    /// Builds the JS error object (on the JS thread) and wraps it so that napi
    /// throws or rejects with exactly that object.
    pub(crate) fn into_js(self, env: &Env) -> napi::Error {
        match self {
            Failure::Napi(err) => err,
            Failure::Type(message) => {
                let error = napi::Error::new(INVALID_ARG_TYPE, message);
                retained(JsTypeError::from(error).into_unknown(*env), |_| Ok(()))
            }
            Failure::Value(message) => plain(env, INVALID_ARG, message, |_| Ok(())),
            Failure::Internal(message) => plain(env, INTERNAL, message, |_| Ok(())),
            Failure::RulePack(err) => {
                let message = format!("invalid rule pack: {err}");
                plain(env, RULE_PACK, message, |obj| {
                    obj.set("rule", err.rule())?;
                    obj.set("field", err.field())?;
                    obj.set("line", err.line().map(|l| l as u32))?;
                    obj.set("pack", err.pack())?;
                    obj.set("detail", err.message())
                })
            }
        }
    }
}

fn plain(
    env: &Env,
    code: &'static str,
    message: String,
    decorate: impl FnOnce(&mut Object<'_>) -> napi::Result<()>,
) -> napi::Error {
    retained(
        JsError::from(napi::Error::new(code, message)).into_unknown(*env),
        decorate,
    )
}

/// Decorates a freshly built JS error and keeps a reference to it inside the
/// returned `napi::Error`, which napi then throws (or rejects with) as is.
fn retained(
    value: napi::Unknown<'_>,
    decorate: impl FnOnce(&mut Object<'_>) -> napi::Result<()>,
) -> napi::Error {
    let decorated = Object::from_unknown(value).and_then(|mut obj| decorate(&mut obj));
    match decorated {
        Ok(()) => napi::Error::from(value.to_unknown()),
        Err(err) => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_failures() {
        let outcome: Outcome<()> = catch(|| panic!("boom"));
        match outcome {
            Err(Failure::Internal(message)) => assert!(message.contains("boom"), "{message}"),
            other => panic!("expected an internal failure, got {other:?}"),
        }
        let outcome: Outcome<()> = catch(|| panic!("{}", String::from("formatted")));
        assert!(matches!(outcome, Err(Failure::Internal(m)) if m.contains("formatted")));
    }

    #[test]
    fn failures_pass_through() {
        let outcome: Outcome<u8> = catch(|| Err(Failure::Value("bad".into())));
        assert!(matches!(outcome, Err(Failure::Value(m)) if m == "bad"));
        assert_eq!(catch(|| Ok(7)).ok(), Some(7));
    }
}
