//! The `Analyzer` class and the operations shared with the module-level
//! functions (which use a default analyzer).

use std::sync::OnceLock;
use std::time::Instant;

use empathize as core;
use empathize::{OffsetUnit, ToUnit};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use rayon::prelude::*;

use crate::conversation::{self, ConversationReport};
use crate::input::{self, guard};
use crate::pool;
use crate::reports::{CustomerReport, MessageReport};
use crate::repr;
use crate::tokens::{RuleInfo, Token};

/// Texts shorter than this (in UTF-8 bytes) are scored without releasing the
/// GIL: scoring them takes a few microseconds, about what releasing and
/// re-taking the GIL costs. Longer texts, batches and conversations always
/// release it.
const DETACH_BYTES: usize = 2048;

/// The analyzer of the module-level functions: the default English pack,
/// created on first use (the pack is compiled once per process, with the
/// GIL released since compiling takes a while).
pub(crate) fn default_analyzer(py: Python<'_>) -> &'static core::Analyzer {
    static DEFAULT: OnceLock<core::Analyzer> = OnceLock::new();
    match DEFAULT.get() {
        Some(a) => a,
        None => py.detach(|| DEFAULT.get_or_init(core::Analyzer::new)),
    }
}

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

/// Scores one reply, with the customer message as context when given.
pub(crate) fn score(
    py: Python<'_>,
    a: &core::Analyzer,
    text: &Bound<'_, PyAny>,
    customer: Option<&Bound<'_, PyAny>>,
) -> PyResult<MessageReport> {
    guard(py, || {
        let text = input::text(text, &named("text"))?;
        let customer = input::opt_text(customer, &named("customer"))?;
        let bytes = text.len() + customer.as_ref().map_or(0, |c| c.len());
        let report = detach_if(py, bytes, || {
            let mut r = match &customer {
                Some(c) => a.score_reply(c, &text),
                None => a.score(&text),
            };
            r.to_unit(&text, OffsetUnit::Char);
            r
        });
        Ok(MessageReport::new(report, text))
    })
}

/// Scores one reply to a customer message.
pub(crate) fn score_reply(
    py: Python<'_>,
    a: &core::Analyzer,
    customer: &Bound<'_, PyAny>,
    reply: &Bound<'_, PyAny>,
) -> PyResult<MessageReport> {
    guard(py, || {
        let customer = input::text(customer, &named("customer"))?;
        let reply = input::text(reply, &named("reply"))?;
        let report = detach_if(py, customer.len() + reply.len(), || {
            let mut r = a.score_reply(&customer, &reply);
            r.to_unit(&reply, OffsetUnit::Char);
            r
        });
        Ok(MessageReport::new(report, reply))
    })
}

/// The inputs of a batch, copied into Rust.
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
        offsets: bool,
    ) -> Result<Vec<core::MessageReport>, rayon::ThreadPoolBuildError> {
        let one = |i: usize| {
            let text = &self.texts[i];
            let customer = self.customers.as_ref().and_then(|c| c[i].as_deref());
            let mut r = match customer {
                Some(c) => a.score_reply(c, text),
                None => a.score(text),
            };
            if offsets {
                r.to_unit(text, OffsetUnit::Char);
            }
            r
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
pub(crate) fn score_many(
    py: Python<'_>,
    a: &core::Analyzer,
    texts: &Bound<'_, PyAny>,
    customers: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<MessageReport>> {
    guard(py, || {
        let batch = Batch::read(texts, customers, threads)?;
        let reports = py.detach(|| batch.run(a, true)).map_err(pool_error)?;
        Ok(reports
            .into_iter()
            .zip(batch.texts)
            .map(|(r, text)| MessageReport::new(r, text))
            .collect())
    })
}

/// Scores many replies and returns columns (for `empathize.pandas`):
/// `score`, one per dimension, `flags`, `tips`, one per EPITOME mechanism.
pub(crate) fn score_columns<'py>(
    py: Python<'py>,
    a: &core::Analyzer,
    texts: &Bound<'py, PyAny>,
    customers: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(py, || {
        let batch = Batch::read(texts, customers, threads)?;
        let reports = py.detach(|| batch.run(a, false)).map_err(pool_error)?;
        let columns = PyDict::new(py);
        columns.set_item("score", PyList::new(py, reports.iter().map(|r| r.score))?)?;
        for &d in core::Dimension::ALL {
            let values = reports.iter().map(|r| r.dimensions.get(d));
            columns.set_item(d.as_str(), PyList::new(py, values)?)?;
        }
        let flags = reports
            .iter()
            .map(|r| PyList::new(py, r.flags.iter().map(|f| f.as_str())))
            .collect::<PyResult<Vec<_>>>()?;
        columns.set_item("flags", PyList::new(py, flags)?)?;
        let tips = reports
            .iter()
            .map(|r| PyList::new(py, r.tips.iter().map(|t| t.code)))
            .collect::<PyResult<Vec<_>>>()?;
        columns.set_item("tips", PyList::new(py, tips)?)?;
        for &m in core::Mechanism::ALL {
            let levels = reports.iter().map(|r| r.epitome.get(m));
            columns.set_item(m.as_str(), PyList::new(py, levels)?)?;
        }
        Ok(columns)
    })
}

/// Reads a customer message.
pub(crate) fn analyze_customer(
    py: Python<'_>,
    a: &core::Analyzer,
    text: &Bound<'_, PyAny>,
) -> PyResult<CustomerReport> {
    guard(py, || {
        let text = input::text(text, &named("text"))?;
        let report = detach_if(py, text.len(), || {
            let mut r = a.analyze_customer(&text);
            r.to_unit(&text, OffsetUnit::Char);
            r
        });
        Ok(CustomerReport::new(report, text))
    })
}

/// Analyzes a conversation (GIL released).
pub(crate) fn analyze_conversation(
    py: Python<'_>,
    a: &core::Analyzer,
    turns: &Bound<'_, PyAny>,
) -> PyResult<ConversationReport> {
    guard(py, || {
        let turns = conversation::turns(turns)?;
        let report = py.detach(|| conversation::analyze(a, turns));
        Ok(ConversationReport(std::sync::Arc::new(report)))
    })
}

/// Splits a text into tokens with code-point offsets.
pub(crate) fn tokenize(
    py: Python<'_>,
    a: &core::Analyzer,
    text: &Bound<'_, PyAny>,
) -> PyResult<Vec<Token>> {
    guard(py, || {
        let text = input::text(text, &named("text"))?;
        let tokens = detach_if(py, text.len(), || {
            let mut tokens = a.tokenize(&text);
            tokens.to_unit(&text, OffsetUnit::Char);
            tokens.into_iter().map(|t| Token(t.into())).collect()
        });
        Ok(tokens)
    })
}

/// Times the native batch: `iterations` runs of `Analyzer::score_batch` over
/// `texts` in the same thread pool `score_many` uses, with no Python objects
/// and no offset conversion. Returns the total seconds. A bench helper.
pub(crate) fn bench_native(
    py: Python<'_>,
    a: &core::Analyzer,
    texts: &Bound<'_, PyAny>,
    iterations: usize,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    guard(py, || {
        let texts = input::texts(texts, "texts")?;
        let threads = input::threads(threads)?;
        let n = texts.len();
        py.detach(|| {
            pool::run(threads, n, |parallel| {
                let start = Instant::now();
                for _ in 0..iterations {
                    let reports = if parallel {
                        a.score_batch(&texts)
                    } else {
                        texts.iter().map(|t| a.score(t)).collect()
                    };
                    std::hint::black_box(reports);
                }
                start.elapsed().as_secs_f64()
            })
        })
        .map_err(pool_error)
    })
}

/// How an analyzer was configured, kept for `repr` and pickling.
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
            let mut builder = core::Analyzer::builder();
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

    /// Scores an agent reply; with ``customer``, the customer message it
    /// answers is the context (acknowledgment becomes needed when the
    /// customer is upset).
    #[pyo3(signature = (text, customer=None))]
    fn score(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        customer: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<MessageReport> {
        score(py, &self.inner, text, customer)
    }

    /// Scores an agent ``reply`` to a ``customer`` message.
    fn score_reply(
        &self,
        py: Python<'_>,
        customer: &Bound<'_, PyAny>,
        reply: &Bound<'_, PyAny>,
    ) -> PyResult<MessageReport> {
        score_reply(py, &self.inner, customer, reply)
    }

    /// Scores many replies in parallel, GIL released; the result keeps the
    /// input order.
    ///
    /// ``texts`` is any iterable of ``str``; ``customers``, if given, an
    /// iterable of the same length of ``str`` or ``None`` (no context for
    /// that reply). ``threads``: ``None`` for one worker per core, or a
    /// positive number (``1`` runs on the calling thread).
    #[pyo3(signature = (texts, customers=None, threads=None))]
    fn score_many(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        customers: Option<&Bound<'_, PyAny>>,
        threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<MessageReport>> {
        score_many(py, &self.inner, texts, customers, threads)
    }

    /// Columns of ``score_many`` for ``empathize.pandas`` (private).
    #[pyo3(signature = (texts, customers=None, threads=None))]
    fn _score_columns<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        customers: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        score_columns(py, &self.inner, texts, customers, threads)
    }

    /// Scores an Arrow string column in parallel, GIL released, and returns
    /// the result as Arrow columns: a ``pyarrow.RecordBatch`` for an array,
    /// a ``pyarrow.Table`` (one batch per chunk of ``texts``) for a
    /// ``ChunkedArray``, a polars ``Series`` or any other Arrow stream.
    ///
    /// ``texts`` is read in place, without a Python object per row: a
    /// ``pyarrow`` array of ``string``, ``large_string`` or
    /// ``string_view`` (sliced arrays too), or any object with
    /// ``__arrow_c_array__`` / ``__arrow_c_stream__``. ``customers``, if
    /// given, is an Arrow string column of the same length: row ``i`` is
    /// scored as a reply to ``customers[i]`` (a null customer means no
    /// context). A null text gives a row of nulls. Columns, in order:
    /// ``score``, the thirteen dimensions, ``flags`` and ``tips`` (lists of
    /// names), then the three EPITOME levels (``int8``); see
    /// :func:`empathize.arrow_schema`. Needs ``pyarrow``
    /// (``pip install 'empathize[arrow]'``). ``threads`` as in
    /// :meth:`score_many`.
    #[pyo3(signature = (texts, customers=None, threads=None))]
    fn score_arrow<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        customers: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::arrow::score_arrow(py, &self.inner, texts, customers, threads)
    }

    /// Reads a customer message: distress, emotions, escalation, repetition.
    fn analyze_customer(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
    ) -> PyResult<CustomerReport> {
        analyze_customer(py, &self.inner, text)
    }

    /// Analyzes a conversation: ``turns`` is an iterable of dicts
    /// ``{"role", "text", "agent_id"?, "timestamp"?}`` or ``(role, text)``
    /// tuples. Roles: ``customer`` (or ``user``, ``client``, ``human``) and
    /// ``agent`` (or ``assistant``, ``bot``, ``rep``, ``support``); any other
    /// raises ``ValueError``.
    fn analyze_conversation(
        &self,
        py: Python<'_>,
        turns: &Bound<'_, PyAny>,
    ) -> PyResult<ConversationReport> {
        analyze_conversation(py, &self.inner, turns)
    }

    /// Splits text into tokens with code-point offsets, normalized forms,
    /// sentence indices and negation scope.
    fn tokenize(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Vec<Token>> {
        tokenize(py, &self.inner, text)
    }

    /// The rules of the active packs.
    fn rules(&self, py: Python<'_>) -> PyResult<Vec<RuleInfo>> {
        guard(py, || {
            Ok(self.inner.rules().into_iter().map(RuleInfo).collect())
        })
    }

    /// The name of the base pack (``"en"`` for the default pack).
    #[getter]
    fn pack(&self) -> &str {
        self.inner.pack_name()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let mut parts = vec![format!("pack={}", repr::s(py, self.inner.pack_name()))];
        if !self.config.extra_rules.is_empty() {
            parts.push(format!("extra_rules={}", self.config.extra_rules.len()));
        }
        if !self.config.disable.is_empty() {
            parts.push(format!(
                "disable={}",
                repr::list(py, self.config.disable.iter().map(String::as_str))
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
