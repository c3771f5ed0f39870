//! `empathize._native`: the Python bindings of the `empathize` crate.
//!
//! Thin by design: every function reads Python arguments into Rust values,
//! calls the core, converts byte offsets to code points (`ToUnit`) and wraps
//! the Rust report in a frozen class that converts fields when they are
//! read. No scoring logic lives here. The pure-Python package `empathize`
//! (in `python/empathize/`) re-exports this module.
//!
//! Threads and fork safety are described in `pool.rs` and in the docstring
//! of `Analyzer`.

mod analyzer;
mod arrow;
mod conversation;
mod input;
mod parts;
mod pool;
mod reports;
mod repr;
mod tokens;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use analyzer::default_analyzer;

/// Scores an agent reply with the default analyzer; with ``customer``, the
/// customer message it answers is the context.
#[pyfunction]
#[pyo3(signature = (text, customer=None))]
fn score(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    customer: Option<&Bound<'_, PyAny>>,
) -> PyResult<reports::MessageReport> {
    input::guard(py, || {
        analyzer::score(py, default_analyzer(py), text, customer)
    })
}

/// Scores an agent ``reply`` to a ``customer`` message with the default analyzer.
#[pyfunction]
fn score_reply(
    py: Python<'_>,
    customer: &Bound<'_, PyAny>,
    reply: &Bound<'_, PyAny>,
) -> PyResult<reports::MessageReport> {
    input::guard(py, || {
        analyzer::score_reply(py, default_analyzer(py), customer, reply)
    })
}

/// Scores many replies in parallel (GIL released) with the default
/// analyzer; see ``Analyzer.score_many``.
#[pyfunction]
#[pyo3(signature = (texts, customers=None, threads=None))]
fn score_many(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    customers: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<reports::MessageReport>> {
    input::guard(py, || {
        analyzer::score_many(py, default_analyzer(py), texts, customers, threads)
    })
}

/// Scores an Arrow string column with the default analyzer; see
/// ``Analyzer.score_arrow``.
#[pyfunction]
#[pyo3(signature = (texts, customers=None, threads=None))]
fn score_arrow<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    customers: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    input::guard(py, || {
        arrow::score_arrow(py, default_analyzer(py), texts, customers, threads)
    })
}

/// The ``pyarrow.Schema`` of ``score_arrow`` results: ``score``, the
/// thirteen dimensions (``float64``), ``flags`` and ``tips``
/// (``list<string>``), the three EPITOME levels (``int8``); every column
/// nullable (a null text gives a row of nulls).
#[pyfunction]
#[pyo3(name = "arrow_schema")]
fn result_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    input::guard(py, || arrow::py_schema(py))
}

/// Reads a customer message with the default analyzer: distress, emotions,
/// escalation, repetition.
#[pyfunction]
fn analyze_customer(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<reports::CustomerReport> {
    input::guard(py, || {
        analyzer::analyze_customer(py, default_analyzer(py), text)
    })
}

/// Analyzes a conversation with the default analyzer; see
/// ``Analyzer.analyze_conversation``.
#[pyfunction]
fn analyze_conversation(
    py: Python<'_>,
    turns: &Bound<'_, PyAny>,
) -> PyResult<conversation::ConversationReport> {
    input::guard(py, || {
        analyzer::analyze_conversation(py, default_analyzer(py), turns)
    })
}

/// Inline CSS colouring a score cell like the HTML reports' score badge
/// (used by ``empathize.pandas.styled``).
#[pyfunction]
fn _score_style(score: f64) -> &'static str {
    empathize::html::score_style(score)
}

/// Splits text into tokens (code-point offsets) with the default analyzer.
#[pyfunction]
fn tokenize(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<tokens::Token>> {
    input::guard(py, || analyzer::tokenize(py, default_analyzer(py), text))
}

/// Bench helper, not API: times ``iterations`` runs of the native Rust
/// ``Analyzer::score_batch`` over ``texts`` with the default analyzer, in
/// the pool ``score_many`` uses, creating no Python objects. Returns the
/// total seconds.
#[pyfunction]
#[pyo3(signature = (texts, iterations=1, threads=None))]
fn _bench_native(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    iterations: usize,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    input::guard(py, || {
        analyzer::bench_native(py, default_analyzer(py), texts, iterations, threads)
    })
}

/// The TOML text of a bundled opt-in pack, for ``Analyzer(extra_rules=[...])``.
///
/// ``esconv-strategies`` is learned from ESConv (CC BY-NC 4.0): for
/// non-commercial use only. Raises ``ValueError`` for an unknown name.
#[pyfunction]
fn pack(name: &str) -> PyResult<&'static str> {
    empathize::packs::get(name).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "no bundled pack named {name:?}; bundled packs: {}",
            empathize::packs::names().join(", ")
        ))
    })
}

/// Test helper, not API: panics in Rust, to prove the panic surfaces as
/// ``empathize.InternalError`` and not as a crash or ``PanicException``.
#[pyfunction]
#[pyo3(signature = (in_pool=false))]
fn _test_panic(py: Python<'_>, in_pool: bool) -> PyResult<()> {
    input::guard(py, || {
        if in_pool {
            // A panic on a rayon worker travels back to the caller.
            py.detach(|| {
                pool::run(Some(2), 4, |parallel| {
                    use rayon::prelude::*;
                    let boom = |i: usize| {
                        if i == 3 {
                            panic!("test panic on a worker thread");
                        }
                    };
                    if parallel {
                        (0..4).into_par_iter().for_each(boom);
                    } else {
                        (0..4).for_each(boom);
                    }
                })
            })
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        }
        panic!("test panic")
    })
}

/// Native core of the ``empathize`` package (Rust, via pyo3). Import from
/// ``empathize`` rather than from here.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The vocabulary of reports, from the core (so column lists cannot drift).
    let names = |all: Vec<&'static str>| PyTuple::new(m.py(), all);
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
    m.add_class::<reports::MessageReport>()?;
    m.add_class::<reports::CustomerReport>()?;
    m.add_class::<parts::Match>()?;
    m.add_class::<parts::Tip>()?;
    m.add_class::<parts::Dimensions>()?;
    m.add_class::<parts::Emotions>()?;
    m.add_class::<parts::Epitome>()?;
    m.add_class::<parts::SentenceStrategy>()?;
    m.add_class::<parts::Evidence>()?;
    m.add_class::<parts::ScoreTerm>()?;
    m.add_class::<parts::ReplyContext>()?;
    m.add_class::<tokens::Token>()?;
    m.add_class::<tokens::RuleInfo>()?;
    m.add_class::<conversation::ConversationReport>()?;
    m.add_class::<conversation::TurnReport>()?;
    m.add_class::<conversation::MissedOpportunity>()?;
    m.add_class::<conversation::Repetition>()?;
    m.add_class::<conversation::AgentSummary>()?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(score_reply, m)?)?;
    m.add_function(wrap_pyfunction!(score_many, m)?)?;
    m.add_function(wrap_pyfunction!(score_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(result_schema, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_customer, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_conversation, m)?)?;
    m.add_function(wrap_pyfunction!(tokenize, m)?)?;
    m.add_function(wrap_pyfunction!(pack, m)?)?;
    m.add_function(wrap_pyfunction!(_bench_native, m)?)?;
    m.add_function(wrap_pyfunction!(_score_style, m)?)?;
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    // Helpers are importable but not part of `from empathize._native import *`.
    let all = m.index()?;
    for private in ["_bench_native", "_test_panic", "_score_style"] {
        all.call_method1("remove", (private,))?;
    }
    Ok(())
}
