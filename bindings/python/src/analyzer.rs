//! The `Analyzer` class. The module-level functions of `empathize` are
//! plain Python over a default `Analyzer` (see `__init__.py`).

use std::borrow::Cow;

use empathize as core;
use empathize::OffsetUnit;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use rayon::prelude::*;

use crate::input::{self, guard};
use crate::pool;
use crate::record::{self, Payload};

/// Texts shorter than this (in UTF-8 bytes) are scored without releasing the
/// GIL: scoring them takes a few microseconds, about what releasing and
/// re-taking the GIL costs. Longer texts, batches and conversations always
/// release it.
const DETACH_BYTES: usize = 2048;

fn detach_if<T: Send>(py: Python<'_>, bytes: usize, f: impl FnOnce() -> T + Send) -> T {
    if bytes >= DETACH_BYTES {
        py.detach(f)
    } else {
        f()
    }
}

fn pool_error(e: rayon::ThreadPoolBuildError) -> PyErr {
    PyRuntimeError::new_err(format!("cannot start the empathize thread pool: {e}"))
}

fn named(name: &'static str) -> impl Fn() -> String {
    move || name.to_string()
}

/// A cell of a row as a Python value.
fn cell<'py>(py: Python<'py>, cell: &core::Cell) -> PyResult<Bound<'py, PyAny>> {
    match cell {
        core::Cell::Float(x) => Ok(x.into_pyobject(py)?.into_any()),
        core::Cell::Level(x) => Ok(x.into_pyobject(py)?.into_any()),
        core::Cell::Names(names) => Ok(PyList::new(py, names)?.into_any()),
        _ => Err(PyRuntimeError::new_err("a cell of an unknown kind")),
    }
}

/// `repr()` of a string, as Python writes it.
fn py_repr(py: Python<'_>, text: &str) -> String {
    PyString::new(py, text)
        .repr()
        .map_or_else(|_| format!("{text:?}"), |r| r.to_string())
}

/// The old positional form of an optional context argument fails with the
/// new one spelled out (the context is keyword-only since 0.1).
fn no_positional_context(args: &Bound<'_, PyTuple>, call: &str, keyword: &str) -> PyResult<()> {
    if args.is_empty() {
        return Ok(());
    }
    Err(PyTypeError::new_err(format!(
        "{call} takes {keyword} as a keyword argument: {call}(..., {keyword}=...); \
         positional context was removed so that swapped arguments cannot go unnoticed"
    )))
}

struct Batch {
    texts: Vec<String>,
    customers: Option<Vec<Option<String>>>,
    threads: Option<usize>,
}

impl Batch {
    fn read(
        texts: &Bound<'_, PyAny>,
        customers: Option<&Bound<'_, PyAny>>,
        threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Batch> {
        let texts = input::texts(texts, "texts")?;
        let customers = match customers.filter(|c| !c.is_none()) {
            Some(c) => Some(input::optional_texts(c, "customers")?),
            None => None,
        };
        if let Some(c) = &customers {
            if c.len() != texts.len() {
                return Err(PyValueError::new_err(format!(
                    "customers has {} items but texts has {}",
                    c.len(),
                    texts.len()
                )));
            }
        }
        Ok(Batch {
            texts,
            customers,
            threads: input::threads(threads)?,
        })
    }

    /// Scores every text (GIL released by the caller), in input order.
    fn run(
        &self,
        a: &core::Analyzer,
    ) -> Result<Vec<core::MessageReport>, rayon::ThreadPoolBuildError> {
        self.run_with(|text, customer| match customer {
            Some(c) => a.score_reply(c, text),
            None => a.score(text),
        })
    }

    /// The summary of every text (GIL released by the caller), in input
    /// order: what a row of columns holds, without the report's matches,
    /// evidence and breakdown.
    fn run_summaries(
        &self,
        a: &core::Analyzer,
    ) -> Result<Vec<core::ReplySummary>, rayon::ThreadPoolBuildError> {
        self.run_with(|text, customer| match customer {
            Some(c) => a.score_reply_summary(c, text),
            None => a.score_summary(text),
        })
    }

    /// `score(text, customer)` of every text, in input order.
    fn run_with<R: Send>(
        &self,
        score: impl Fn(&str, Option<&str>) -> R + Sync,
    ) -> Result<Vec<R>, rayon::ThreadPoolBuildError> {
        let one = |i: usize| {
            let customer = self.customers.as_ref().and_then(|c| c[i].as_deref());
            score(&self.texts[i], customer)
        };
        let n = self.texts.len();
        pool::run(self.threads, n, |parallel| {
            if parallel {
                (0..n).into_par_iter().map(one).collect()
            } else {
                (0..n).map(one).collect()
            }
        })
    }
}

/// Scores many replies in parallel with the GIL released.
#[derive(Clone, Default)]
struct Config {
    rules: Option<String>,
    extra_rules: Vec<String>,
    disable: Vec<String>,
    weights: Vec<(String, f64)>,
}

/// A `str` or an iterable of `str`, as a list.
fn one_or_many(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<String>> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(Vec::new()),
        Some(o) if o.is_instance_of::<PyString>() => {
            Ok(vec![input::text(o, &|| name.to_string())?.into_owned()])
        }
        Some(o) => input::texts(o, name),
    }
}

fn read_weights(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, f64)>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let items = obj.call_method0("items").map_err(|_| {
        PyTypeError::new_err(format!(
            "weights must be a mapping of rule id to float, not {}",
            input::type_name(obj)
        ))
    })?;
    let mut out = Vec::new();
    for item in items.try_iter()? {
        let item = item?;
        let (id, weight): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let id = input::text(&id, &named("weights key"))?.into_owned();
        let weight: f64 = weight.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "weights[{id:?}] must be a float, not {}",
                input::type_name(&weight)
            ))
        })?;
        out.push((id, weight));
    }
    Ok(out)
}

/// Compiled rule packs; scores replies, reads customer messages, analyzes
/// conversations.
///
/// ``Analyzer()`` uses the default English pack (compiled once per process,
/// then shared, so it is cheap). ``rules`` replaces that pack with a TOML pack;
/// ``extra_rules`` (a TOML string or a list of them) adds rules on top — a
/// rule with an existing id replaces it; ``disable`` switches rules off by
/// id; ``weights`` (``{rule_id: weight}``) overrides weights. A malformed
/// pack raises :class:`empathize.RulePackError` naming the rule, field and
/// line. Custom packs are compiled when the analyzer is built (with the GIL
/// released): build it once and reuse it.
///
/// An analyzer is immutable and safe to share between threads.
///
/// Threads: ``score_many`` copies its inputs into Rust, releases the GIL and
/// scores on a rayon thread pool owned by empathize (``threads=None``: one
/// worker per core, or ``RAYON_NUM_THREADS``; ``threads=n``: a pool of n
/// workers; ``threads=1``: the calling thread). Single calls on texts longer
/// than 2 KB and conversations also release the GIL, so several Python
/// threads can score at once. Pools are created lazily and tagged with the
/// process id, so after ``os.fork()`` the child builds its own pool instead
/// of waiting on threads that do not exist there; rayon's global pool is
/// never used.
///
/// Analyzers pickle (by their configuration), so they can be sent to worker
/// processes.
#[pyclass(frozen, module = "empathize", name = "Analyzer")]
pub struct PyAnalyzer {
    inner: core::Analyzer,
    config: Config,
}

impl PyAnalyzer {
    /// `text` scored (as a reply to `customer` when given), as a lazy
    /// report, or as a summary when `summary`.
    fn reply<'py>(
        &self,
        py: Python<'py>,
        customer: Option<&str>,
        text: String,
        summary: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes = text.len() + customer.map_or(0, str::len);
        if summary {
            let summary = detach_if(py, bytes, || match customer {
                Some(c) => self.inner.score_reply_summary(c, &text),
                None => self.inner.score_summary(&text),
            });
            return record::lazy(py, Payload::Summary(summary));
        }
        let report = detach_if(py, bytes, || match customer {
            Some(c) => self.inner.score_reply(c, &text),
            None => self.inner.score(&text),
        });
        record::lazy(py, Payload::Reply(report, text))
    }
}

#[pymethods]
impl PyAnalyzer {
    #[new]
    #[pyo3(signature = (rules=None, extra_rules=None, disable=None, weights=None))]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        extra_rules: Option<&Bound<'_, PyAny>>,
        disable: Option<&Bound<'_, PyAny>>,
        weights: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let config = Config {
                rules: input::opt_text(rules, &named("rules"))?.map(|r| r.into_owned()),
                extra_rules: one_or_many(extra_rules, "extra_rules")?,
                disable: one_or_many(disable, "disable")?,
                weights: read_weights(weights)?,
            };
            let mut builder = core::Analyzer::builder().offsets(OffsetUnit::Char);
            if let Some(pack) = &config.rules {
                builder = builder.pack(pack.as_str());
            }
            for extra in &config.extra_rules {
                builder = builder.extra_pack(extra.as_str());
            }
            for id in &config.disable {
                builder = builder.disable(id.as_str());
            }
            for (id, w) in &config.weights {
                builder = builder.weight(id.as_str(), *w);
            }
            let inner = py
                .detach(|| builder.build())
                .map_err(|e| input::rule_pack_error(py, &e))?;
            Ok(PyAnalyzer { inner, config })
        })
    }

    /// Scores an agent reply. Give the customer message it answers as
    /// ``customer=`` (keyword only) to make acknowledgment count when the
    /// customer is upset. ``summary=True`` returns a :class:`ReplySummary`:
    /// the report's fields without ``matches``, ``evidence`` and
    /// ``breakdown``, which are then never built (cheaper).
    #[pyo3(signature = (text, *args, customer=None, summary=None))]
    fn score<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
        customer: Option<&Bound<'py, PyAny>>,
        summary: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            no_positional_context(args, "score", "customer")?;
            let text = input::text(text, &named("text"))?.into_owned();
            let customer = input::opt_text(customer, &named("customer"))?;
            let summary = input::flag(summary, "summary")?;
            self.reply(py, customer.as_deref(), text, summary)
        })
    }

    /// Scores an agent ``reply`` to a ``customer`` message;
    /// ``summary=True`` returns a :class:`ReplySummary`.
    #[pyo3(signature = (customer, reply, *, summary=None))]
    fn score_reply<'py>(
        &self,
        py: Python<'py>,
        customer: &Bound<'py, PyAny>,
        reply: &Bound<'py, PyAny>,
        summary: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let customer = input::text(customer, &named("customer"))?;
            let reply = input::text(reply, &named("reply"))?.into_owned();
            let summary = input::flag(summary, "summary")?;
            self.reply(py, Some(&customer), reply, summary)
        })
    }

    /// Scores many replies in parallel, GIL released; the result keeps the
    /// input order.
    ///
    /// ``texts`` is any iterable of ``str``; ``customers=``, if given, an
    /// iterable of the same length of ``str`` or ``None`` (no context for
    /// that reply). ``threads=``: ``None`` for one worker per core, or a
    /// positive number (``1`` runs on the calling thread).
    /// ``summary=True`` returns :class:`ReplySummary` reports.
    #[pyo3(signature = (texts, *args, customers=None, threads=None, summary=None))]
    fn score_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
        customers: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
        summary: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            no_positional_context(args, "score_many", "customers")?;
            let batch = Batch::read(texts, customers, threads)?;
            let items = if input::flag(summary, "summary")? {
                let summaries = py
                    .detach(|| batch.run_summaries(&self.inner))
                    .map_err(pool_error)?;
                summaries
                    .into_iter()
                    .map(|s| record::lazy(py, Payload::Summary(s)))
                    .collect::<PyResult<Vec<_>>>()?
            } else {
                let reports = py.detach(|| batch.run(&self.inner)).map_err(pool_error)?;
                reports
                    .into_iter()
                    .zip(batch.texts)
                    .map(|(r, text)| record::lazy(py, Payload::Reply(r, text)))
                    .collect::<PyResult<Vec<_>>>()?
            };
            PyList::new(py, items)
        })
    }

    /// Columns of ``score_many`` for ``empathize.pandas`` (private).
    #[pyo3(signature = (texts, *, customers=None, threads=None))]
    fn _score_columns<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        customers: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let batch = Batch::read(texts, customers, threads)?;
            let summaries = py
                .detach(|| batch.run_summaries(&self.inner))
                .map_err(pool_error)?;
            let columns = PyDict::new(py);
            let rows: Vec<Vec<core::Cell>> =
                summaries.iter().map(core::ReplySummary::row).collect();
            for (i, column) in core::row_columns().iter().enumerate() {
                let cells = rows.iter().map(|row| cell(py, &row[i]));
                columns.set_item(
                    column.name,
                    PyList::new(py, cells.collect::<PyResult<Vec<_>>>()?)?,
                )?;
            }
            Ok(columns)
        })
    }

    /// Scores an Arrow string column in parallel, GIL released, and returns
    /// the result as Arrow columns: a ``pyarrow.RecordBatch`` for an array,
    /// a ``pyarrow.Table`` (one batch per chunk of ``texts``) for a
    /// ``ChunkedArray``, a polars ``Series`` or any other Arrow stream.
    ///
    /// ``texts`` is read in place, without a Python object per row: a
    /// ``pyarrow`` array of ``string``, ``large_string`` or
    /// ``string_view`` (sliced arrays too), or any object with
    /// ``__arrow_c_array__`` / ``__arrow_c_stream__``. ``customers=``, if
    /// given, is an Arrow string column of the same length: row ``i`` is
    /// scored as a reply to ``customers[i]`` (a null customer means no
    /// context). A null text gives a row of nulls. Columns, in order:
    /// ``score``, the thirteen dimensions, ``flags`` and ``tips`` (lists of
    /// names), then the three EPITOME levels (``int8``); see
    /// :func:`empathize.arrow_schema`. Needs ``pyarrow``
    /// (``pip install 'empathize[arrow]'``). ``threads=`` as in
    /// :meth:`score_many`.
    #[pyo3(signature = (texts, *args, customers=None, threads=None))]
    fn score_arrow<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
        customers: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        no_positional_context(args, "score_arrow", "customers")?;
        crate::arrow::score_arrow(py, &self.inner, texts, customers, threads)
    }

    /// Reads a customer message: distress, emotions, escalation, repetition.
    fn analyze_customer<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let text = input::text(text, &named("text"))?.into_owned();
            let report = detach_if(py, text.len(), || self.inner.analyze_customer(&text));
            record::lazy(py, Payload::Customer(report, text))
        })
    }

    /// Analyzes a conversation: ``turns`` is an iterable of dicts
    /// ``{"role", "text", "agent_id"?, "timestamp"?}`` or ``(role, text)``
    /// tuples. Roles: ``customer`` (or ``user``, ``client``, ``human``) and
    /// ``agent`` (or ``assistant``, ``bot``, ``rep``, ``support``); any other
    /// raises ``ValueError``.
    fn analyze_conversation<'py>(
        &self,
        py: Python<'py>,
        turns: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let turns = input::turns(turns)?;
            let report = py.detach(|| self.inner.analyze_conversation(&turns));
            let texts = turns.into_iter().map(|t| t.text).collect();
            record::lazy(py, Payload::Conversation(report, texts))
        })
    }

    /// Splits text into tokens with code-point offsets, normalized forms,
    /// sentence indices and negation scope.
    fn tokenize<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let text: Cow<'_, str> = input::text(text, &named("text"))?;
            let tokens = detach_if(py, text.len(), || self.inner.tokenize(&text));
            record::to_py(py, &tokens)
        })
    }

    /// The rules of the active packs.
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || record::to_py(py, &self.inner.rules()))
    }

    /// The name of the base pack (``"en"`` for the default pack).
    #[getter]
    fn pack(&self) -> &str {
        self.inner.pack_name()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut parts = vec![format!("pack={}", py_repr(py, self.inner.pack_name()))];
        if !self.config.extra_rules.is_empty() {
            parts.push(format!("extra_rules={}", self.config.extra_rules.len()));
        }
        if !self.config.disable.is_empty() {
            parts.push(format!(
                "disable={}",
                PyList::new(py, &self.config.disable)
                    .and_then(|l| l.repr())
                    .map_or_else(|_| "[...]".to_string(), |r| r.to_string())
            ));
        }
        if !self.config.weights.is_empty() {
            parts.push(format!("weights={}", self.config.weights.len()));
        }
        parts.push(format!("rules={}", self.inner.rules().len()));
        format!("Analyzer({})", parts.join(", "))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let c = &slf.get().config;
        let weights = PyDict::new(py);
        for (id, w) in &c.weights {
            weights.set_item(id, w)?;
        }
        let args = (
            c.rules.clone(),
            c.extra_rules.clone(),
            c.disable.clone(),
            weights,
        )
            .into_pyobject(py)?;
        Ok((slf.get_type(), args))
    }
}
