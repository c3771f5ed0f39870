//! Small helpers for readable `__repr__` strings and `to_dict()`.

use pyo3::prelude::*;
use pyo3::types::PyString;
use serde::Serialize;

/// Python's `repr` of a string (quotes and escapes as Python prints them).
pub(crate) fn s(py: Python<'_>, text: &str) -> String {
    PyString::new(py, text)
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// An optional string, `None` when absent.
pub(crate) fn opt_s(py: Python<'_>, text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_string(), |t| s(py, t))
}

/// A float, rounded to three decimals for reading.
pub(crate) fn num(x: f64) -> String {
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0');
    let text = text
        .strip_suffix('.')
        .map_or(text.to_string(), |t| format!("{t}.0"));
    if text == "-0.0" {
        "0.0".to_string()
    } else {
        text
    }
}

/// A Python bool.
pub(crate) fn b(x: bool) -> &'static str {
    if x {
        "True"
    } else {
        "False"
    }
}

/// An optional int, `None` when absent.
pub(crate) fn opt_n(x: Option<usize>) -> String {
    x.map_or_else(|| "None".to_string(), |n| n.to_string())
}

/// A list of strings as Python prints it.
pub(crate) fn list<'a>(py: Python<'_>, items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|i| s(py, i)).collect();
    format!("[{}]", items.join(", "))
}

/// `{'name': value, ...}` of the non-zero values.
pub(crate) fn nonzero<N: AsRef<str>>(
    py: Python<'_>,
    pairs: impl IntoIterator<Item = (N, f64)>,
) -> String {
    let items: Vec<String> = pairs
        .into_iter()
        .filter(|(_, v)| *v != 0.0)
        .map(|(n, v)| format!("{}: {}", s(py, n.as_ref()), num(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// The serde form of a Rust value as plain Python data (dicts, lists,
/// str, int, float, bool, None): the same field names as the Rust JSON.
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// The snake_case name a serde unit variant serializes to (`Polarity`,
/// `TermSource`, `TokenKind` have no `as_str`).
pub(crate) fn name_of<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyString>> {
    Ok(to_py(py, value)?.cast_into::<PyString>()?.unbind())
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(0.0), "0.0");
        assert_eq!(num(82.41234), "82.412");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(3.0), "3.0");
        assert_eq!(num(-0.0001), "0.0");
    }
}
