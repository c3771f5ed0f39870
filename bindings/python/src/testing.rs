//! Hooks for the test suite and the benchmarks, compiled only with the
//! `testing` feature (the test and bench builds turn it on; released wheels
//! leave it out).

use std::time::Instant;

use empathize as core;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::{input, pool};

/// Seconds to score `texts` `iterations` times natively (no Python objects):
/// the baseline the binding benchmarks compare against. `summary`: the
/// summaries (`score_summary`) instead of the full reports.
#[pyfunction]
#[pyo3(signature = (texts, iterations=1, threads=None, summary=false))]
fn _bench_native(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    iterations: usize,
    threads: Option<&Bound<'_, PyAny>>,
    summary: bool,
) -> PyResult<f64> {
    input::guard(py, || {
        let texts = input::texts(texts, "texts")?;
        let threads = input::threads(threads)?;
        let analyzer = core::Analyzer::new();
        let n = texts.len();
        py.detach(|| {
            pool::run(threads, n, |parallel| {
                let start = Instant::now();
                for _ in 0..iterations {
                    if summary {
                        let summaries: Vec<core::ReplySummary> = if parallel {
                            texts
                                .par_iter()
                                .map(|t| analyzer.score_summary(t))
                                .collect()
                        } else {
                            texts.iter().map(|t| analyzer.score_summary(t)).collect()
                        };
                        std::hint::black_box(summaries);
                    } else {
                        let reports: Vec<core::MessageReport> = if parallel {
                            analyzer.score_batch(&texts)
                        } else {
                            texts.iter().map(|t| analyzer.score(t)).collect()
                        };
                        std::hint::black_box(reports);
                    }
                }
                start.elapsed().as_secs_f64()
            })
        })
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    })
}

/// Panics on the calling thread (or first on a pool worker), to prove that a
/// panic becomes `empathize.InternalError`.
#[pyfunction]
#[pyo3(signature = (in_pool=false))]
fn _test_panic(py: Python<'_>, in_pool: bool) -> PyResult<()> {
    input::guard(py, || {
        if in_pool {
            py.detach(|| {
                pool::run(Some(2), 4, |parallel| {
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

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_bench_native, m)?)?;
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    Ok(())
}
