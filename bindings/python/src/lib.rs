//! Python bindings for `empathize`: the `empathize._native` module.
//!
//! A thin layer: arguments are read from Python ([`input`]), the core does
//! all the work with spans in code points, and reports become objects of the
//! classes generated from the core ([`record`]). The module-level functions
//! of `empathize` are Python over a default `Analyzer`.

mod analyzer;
mod arrow;
mod input;
mod pool;
mod record;
#[cfg(feature = "testing")]
mod testing;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// The result columns of `score_arrow` as a `pyarrow.Schema`.
#[pyfunction]
#[pyo3(name = "arrow_schema")]
fn result_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    input::guard(py, || arrow::py_schema(py))
}

/// The CSS of a score badge (used by `empathize.pandas`).
#[pyfunction]
fn _score_style(score: f64) -> &'static str {
    empathize::html::score_style(score)
}

/// The TOML text of a bundled opt-in pack (e.g. ``"esconv-strategies"``),
/// for ``Analyzer(extra_rules=...)``; ``ValueError`` names the bundled packs
/// for an unknown name.
#[pyfunction]
fn pack(name: &str) -> PyResult<&'static str> {
    empathize::packs::get(name).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "no bundled pack named {name:?}; bundled packs: {}",
            empathize::packs::names().join(", ")
        ))
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let names = |all: Vec<&'static str>| PyTuple::new(py, all);
    m.add(
        "DIMENSIONS",
        names(
            empathize::Dimension::ALL
                .iter()
                .map(|d| d.as_str())
                .collect(),
        )?,
    )?;
    m.add(
        "FLAGS",
        names(empathize::Flag::ALL.iter().map(|f| f.as_str()).collect())?,
    )?;
    m.add(
        "MECHANISMS",
        names(
            empathize::Mechanism::ALL
                .iter()
                .map(|x| x.as_str())
                .collect(),
        )?,
    )?;
    m.add(
        "TIP_CODES",
        names(empathize::ALL_TIPS.iter().map(|t| t.code).collect())?,
    )?;
    m.add_class::<analyzer::PyAnalyzer>()?;
    m.add_class::<record::Native>()?;
    m.add_function(wrap_pyfunction!(result_schema, m)?)?;
    m.add_function(wrap_pyfunction!(pack, m)?)?;
    m.add_function(wrap_pyfunction!(_score_style, m)?)?;
    #[cfg(feature = "testing")]
    testing::register(m)?;
    // Private helpers are importable but not part of `from empathize._native import *`.
    let all = m.index()?;
    for name in all
        .iter()
        .map(|n| n.to_string())
        .filter(|n| n.starts_with('_') && n != "__version__")
        .collect::<Vec<_>>()
    {
        all.call_method1("remove", (name,))?;
    }
    Ok(())
}
