//! Python arguments to Rust values, with the errors the Python API promises:
//! `TypeError` for a wrong type, `ValueError` naming the code-point position
//! of a lone surrogate, and every panic turned into an exception.

use std::any::Any;
use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};

use empathize as core;
use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMapping, PyString, PyTuple, PyType};

/// The name of the Python type of `obj`, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}

/// Reads a `str` argument. `what` names it in errors (`text`, `texts[3]`).
///
/// The text borrows from the Python string when the interpreter allows it
/// (3.10+ builds); the abi3-py39 wheel gets a fresh UTF-8 copy.
pub(crate) fn text<'a>(
    obj: &'a Bound<'_, PyAny>,
    what: &dyn Fn() -> String,
) -> PyResult<Cow<'a, str>> {
    let s = obj.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{} must be str, not {}", what(), type_name(obj)))
    })?;
    s.to_cow().map_err(|e| surrogate_error(obj.py(), e, what))
}

/// Reads an optional `str` argument (`None` allowed).
pub(crate) fn opt_text<'a>(
    obj: Option<&'a Bound<'_, PyAny>>,
    what: &dyn Fn() -> String,
) -> PyResult<Option<Cow<'a, str>>> {
    match obj {
        Some(o) if !o.is_none() => text(o, what).map(Some),
        _ => Ok(None),
    }
}

/// Turns the `UnicodeEncodeError` of a string holding lone surrogates into a
/// `ValueError` that says where the bad code point is.
fn surrogate_error(py: Python<'_>, err: PyErr, what: &dyn Fn() -> String) -> PyErr {
    if !err.is_instance_of::<PyUnicodeEncodeError>(py) {
        return err;
    }
    let value = err.value(py);
    let start = value.getattr("start").and_then(|s| s.extract::<usize>());
    let code = value
        .getattr("object")
        .and_then(|o| o.get_item(start.as_ref().map_or(0, |s| *s)))
        .and_then(|c| c.call_method1("encode", ("utf-16-le", "surrogatepass")))
        .and_then(|b| b.extract::<Vec<u8>>())
        .ok()
        .filter(|b| b.len() == 2)
        .map(|b| format!(" (U+{:04X})", u16::from_le_bytes([b[0], b[1]])));
    let message = match start {
        Ok(pos) => format!(
            "{}: lone surrogate at position {pos}{}; the text is not valid Unicode \
             (repair it, e.g. with .encode('utf-16', 'surrogatepass').decode('utf-16', 'replace'))",
            what(),
            code.unwrap_or_default()
        ),
        Err(_) => format!("{}: the text is not valid Unicode (lone surrogate)", what()),
    };
    let new = PyValueError::new_err(message);
    new.set_cause(py, Some(err));
    new
}

/// Iterates a Python iterable of items, refusing a bare `str`/`bytes` (which
/// is iterable, but surely a mistake for "many texts").
pub(crate) fn iterate<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
    what: &str,
) -> PyResult<(Bound<'py, PyAny>, usize)> {
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
        || obj.is_instance_of::<PyDict>()
    {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an iterable of {what}, not {}",
            type_name(obj)
        )));
    }
    let hint = obj.len().unwrap_or(0);
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be an iterable of {what}, not {}",
            type_name(obj)
        ))
    })?;
    Ok((iter.into_any(), hint))
}

/// Copies an iterable of `str` into Rust strings.
pub(crate) fn texts(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    let (iter, hint) = iterate(obj, name, "str")?;
    let mut out = Vec::with_capacity(hint);
    for (i, item) in iter.try_iter()?.enumerate() {
        let item = item?;
        out.push(text(&item, &|| format!("{name}[{i}]"))?.into_owned());
    }
    Ok(out)
}

/// Copies an iterable of `str | None` into Rust strings.
pub(crate) fn optional_texts(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Option<String>>> {
    let (iter, hint) = iterate(obj, name, "str or None")?;
    let mut out = Vec::with_capacity(hint);
    for (i, item) in iter.try_iter()?.enumerate() {
        let item = item?;
        out.push(opt_text(Some(&item), &|| format!("{name}[{i}]"))?.map(Cow::into_owned));
    }
    Ok(out)
}

/// A keyword flag such as ``summary=``: a ``bool`` (``None`` or absent
/// mean ``False``); anything else is a ``TypeError``, so that
/// ``summary="no"`` cannot pass for ``True``.
pub(crate) fn flag(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<bool> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(false),
        Some(o) => o
            .cast::<pyo3::types::PyBool>()
            .map(|b| b.is_true())
            .map_err(|_| {
                PyTypeError::new_err(format!("{name} must be bool, not {}", type_name(o)))
            }),
    }
}

/// Reads the `threads` argument: `None` (all cores) or a positive int.
pub(crate) fn threads(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let n: i64 = obj.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "threads must be int or None, not {}",
            type_name(obj)
        ))
    })?;
    if n < 1 {
        return Err(PyValueError::new_err(format!(
            "threads must be at least 1 (or None for all cores), got {n}"
        )));
    }
    Ok(Some(n as usize))
}

/// A Python class of `empathize._errors`, imported once.
fn error_class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<Bound<'py, PyType>> {
    cell.import(py, "empathize._errors", name).cloned()
}

/// `empathize.RulePackError` from the core's error.
pub(crate) fn rule_pack_error(py: Python<'_>, err: &empathize::RulePackError) -> PyErr {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let build = || -> PyResult<PyErr> {
        let class = error_class(py, &CLASS, "RulePackError")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("rule", err.rule())?;
        kwargs.set_item("field", err.field())?;
        kwargs.set_item("line", err.line())?;
        kwargs.set_item("pack", err.pack())?;
        kwargs.set_item("detail", err.message())?;
        let value = class.call((err.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

/// `empathize.InternalError`: a bug in empathize surfaced as an exception
/// instead of a crash.
pub(crate) fn internal_error(py: Python<'_>, message: &str) -> PyErr {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let text = format!("internal error in empathize (please report it): {message}");
    match error_class(py, &CLASS, "InternalError").and_then(|c| c.call1((text.clone(),))) {
        Ok(value) => PyErr::from_value(value),
        Err(_) => pyo3::exceptions::PyRuntimeError::new_err(text),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "panic"
    }
}

/// Runs an entry point; a Rust panic becomes `empathize.InternalError`
/// (a `RuntimeError`) rather than pyo3's `PanicException`, which derives
/// from `BaseException` and slips past `except Exception`.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(internal_error(py, panic_message(payload.as_ref()))),
    }
}

// ---------------------------------------------------------------------------
// Conversation turns: dicts or (role, text) pairs.

/// Reads one optional string field of a turn (`agent_id`, `timestamp`):
/// `None` stays `None`, a `str` is taken as is, anything else as `str(x)`
/// (ids are often ints, timestamps often `datetime`).
fn loose_text(
    value: Option<Bound<'_, PyAny>>,
    what: &dyn Fn() -> String,
) -> PyResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) if v.is_instance_of::<PyString>() => Ok(Some(text(&v, what)?.into_owned())),
        Some(v) => {
            let s = v.str()?;
            Ok(Some(text(s.as_any(), what)?.into_owned()))
        }
    }
}

fn role(value: &Bound<'_, PyAny>, i: usize) -> PyResult<core::Role> {
    let name = text(value, &|| format!("turns[{i}] role"))?;
    name.parse::<core::Role>()
        .map_err(|e| PyValueError::new_err(format!("turns[{i}]: {e}")))
}

/// One turn from a mapping `{role, text, agent_id?, timestamp?}` (other keys
/// are ignored) or a `(role, text)` pair.
fn turn(item: &Bound<'_, PyAny>, i: usize) -> PyResult<core::Turn> {
    let text_of = |v: &Bound<'_, PyAny>| -> PyResult<String> {
        Ok(text(v, &|| format!("turns[{i}] text"))?.into_owned())
    };
    if item.is_instance_of::<PyTuple>() || item.is_instance_of::<PyList>() {
        let len = item.len()?;
        if len != 2 {
            return Err(PyValueError::new_err(format!(
                "turns[{i}] must be a (role, text) pair, got {len} items"
            )));
        }
        return Ok(core::Turn {
            role: role(&item.get_item(0)?, i)?,
            text: text_of(&item.get_item(1)?)?,
            agent_id: None,
            timestamp: None,
        });
    }
    let is_mapping = item.is_instance_of::<PyDict>() || item.cast::<PyMapping>().is_ok();
    if !is_mapping {
        return Err(PyTypeError::new_err(format!(
            "turns[{i}] must be a dict {{'role', 'text', 'agent_id'?, 'timestamp'?}} \
             or a (role, text) tuple, not {}",
            type_name(item)
        )));
    }
    let get = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        if item.contains(key)? {
            Ok(Some(item.get_item(key)?))
        } else {
            Ok(None)
        }
    };
    let required = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        get(key)?.ok_or_else(|| PyValueError::new_err(format!("turns[{i}] has no '{key}'")))
    };
    Ok(core::Turn {
        role: role(&required("role")?, i)?,
        text: text_of(&required("text")?)?,
        agent_id: loose_text(get("agent_id")?, &|| format!("turns[{i}] agent_id"))?,
        timestamp: loose_text(get("timestamp")?, &|| format!("turns[{i}] timestamp"))?,
    })
}

/// Reads the turns of a conversation from any iterable.
pub(crate) fn turns(obj: &Bound<'_, PyAny>) -> PyResult<Vec<core::Turn>> {
    let (iter, hint) = iterate(obj, "turns", "turns (dicts or (role, text) tuples)")?;
    let mut out = Vec::with_capacity(hint);
    for (i, item) in iter.try_iter()?.enumerate() {
        out.push(turn(&item?, i)?);
    }
    Ok(out)
}
