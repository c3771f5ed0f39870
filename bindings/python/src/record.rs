//! Reports as Python objects, from the core's serde output.
//!
//! Nothing here knows a report field. A report struct becomes an instance of
//! the class of the same name in `empathize._reports` (generated from the
//! core by `crates/empathize-schema`) through `pythonize`. A report a call
//! returns is *lazy*: it holds the Rust report itself (every report class
//! derives from [`Native`], `_Native` in Python) and converts one field when
//! Python first reads it (`empathize::serialize_field` serializes only that
//! field); `to_dict()` is the same serde output as plain dicts.

use std::sync::OnceLock;

use empathize as core;
use empathize::OffsetUnit;
use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyMapping, PyString, PyTuple, PyType};
use pythonize::{PythonizeNamedMappingType, PythonizeTypes};
use serde::Serialize;

/// The pieces of `empathize._reports` and `empathize._record` this module
/// uses, and what building a lazy report takes, looked up once.
struct Modules {
    classes: Py<PyDict>,
    build: Py<PyAny>,
    /// The classes of the payloads a call returns, in [`Payload::kind`] order.
    lazy_classes: [Py<PyType>; 4],
    /// `_Native.__new__`: an empty report of a given class (one C call; the
    /// payload is then set from Rust).
    new: Py<PyAny>,
}

fn modules(py: Python<'_>) -> PyResult<&'static Modules> {
    static CELL: PyOnceLock<Modules> = PyOnceLock::new();
    CELL.get_or_try_init(py, || {
        let reports = py.import("empathize._reports")?;
        let record = py.import("empathize._record")?;
        let classes = reports.getattr("CLASSES")?.cast_into::<PyDict>()?;
        let class = |name: &str| -> PyResult<Py<PyType>> {
            Ok(classes
                .get_item(name)?
                .ok_or_else(|| PyAttributeError::new_err(name.to_string()))?
                .cast_into::<PyType>()?
                .unbind())
        };
        Ok(Modules {
            lazy_classes: [
                class(Payload::CLASSES[0])?,
                class(Payload::CLASSES[1])?,
                class(Payload::CLASSES[2])?,
                class(Payload::CLASSES[3])?,
            ],
            new: py.get_type::<Native>().getattr("__new__")?.unbind(),
            classes: classes.unbind(),
            build: record.getattr("_build")?.unbind(),
        })
    })
}

/// pythonize's types: structs become report objects, maps dicts, sequences lists.
pub(crate) struct Records;

impl PythonizeTypes for Records {
    type Map = PyDict;
    type NamedMap = Records;
    type List = PyList;
}

impl PythonizeNamedMappingType for Records {
    type Builder<'py> = (Bound<'py, PyDict>, &'static str);

    fn builder<'py>(
        py: Python<'py>,
        _len: usize,
        name: &'static str,
    ) -> PyResult<Self::Builder<'py>> {
        Ok((PyDict::new(py), name))
    }

    fn push_field<'py>(
        builder: &mut Self::Builder<'py>,
        name: Bound<'py, PyString>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<()> {
        builder.0.set_item(name, value)
    }

    fn finish<'py>((fields, name): Self::Builder<'py>) -> PyResult<Bound<'py, PyMapping>> {
        let py = fields.py();
        let python = modules(py)?;
        match python.classes.bind(py).get_item(name)? {
            Some(class) => Ok(python
                .build
                .bind(py)
                .call1((class, fields))?
                .cast_into::<PyMapping>()?),
            None => Ok(fields.into_mapping()),
        }
    }
}

/// Any serializable value as report objects (structs) and plain values.
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize_custom::<Records, _>(py, value)?)
}

/// A report returned by a call, with what its HTML rendering needs.
pub(crate) enum Payload {
    Reply(core::MessageReport, String),
    /// A reply's summary: nothing to render, so no text.
    Summary(core::ReplySummary),
    Customer(core::CustomerReport, String),
    Conversation(core::ConversationReport, Vec<String>),
}

impl Payload {
    /// The report classes of the payloads, by [`Payload::kind`].
    const CLASSES: [&'static str; 4] = [
        "MessageReport",
        "ReplySummary",
        "CustomerReport",
        "ConversationReport",
    ];

    fn kind(&self) -> usize {
        match self {
            Payload::Reply(..) => 0,
            Payload::Summary(..) => 1,
            Payload::Customer(..) => 2,
            Payload::Conversation(..) => 3,
        }
    }
}

/// The base of every report class (`empathize._record.Record`): a report a
/// call returns holds its Rust report here, set once right after the object
/// is made, and converts a field when Python reads it; a report converted
/// whole (one inside another, or unpickled) holds none.
#[pyclass(frozen, subclass, module = "empathize._native", name = "_Native")]
pub struct Native(OnceLock<Payload>);

impl Native {
    fn payload(&self) -> PyResult<&Payload> {
        self.0
            .get()
            .ok_or_else(|| PyAttributeError::new_err("this report holds no Rust report"))
    }
}

#[pymethods]
impl Native {
    /// An empty report (no Rust report): `_Native.__new__(cls)`. Arguments
    /// are left to `Record.__init__`, which refuses them all with a message
    /// saying where reports come from.
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        Native(OnceLock::new())
    }

    /// Whether this report holds a Rust report (its fields converted on
    /// first read).
    fn _lazy(&self) -> bool {
        self.0.get().is_some()
    }

    /// One field as Python objects (reports for structs).
    fn _field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let found = match self.payload()? {
            Payload::Conversation(r, texts) if name == "turns" => turns(py, r, texts).map(Some),
            Payload::Reply(r, _) => pick(py, r, name),
            Payload::Summary(r) => pick(py, r, name),
            Payload::Customer(r, _) => pick(py, r, name),
            Payload::Conversation(r, _) => pick(py, r, name),
        };
        found?.ok_or_else(|| PyAttributeError::new_err(name.to_string()))
    }

    /// The whole report as plain dicts and lists: the core's serde output.
    fn _to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self.payload()? {
            Payload::Reply(r, _) => pythonize::pythonize(py, r),
            Payload::Summary(r) => pythonize::pythonize(py, r),
            Payload::Customer(r, _) => pythonize::pythonize(py, r),
            Payload::Conversation(r, _) => pythonize::pythonize(py, r),
        }?)
    }

    /// The report as an HTML fragment (for notebooks); a summary, which has
    /// no matches to highlight, has none (its class has no `_repr_html_`).
    fn _html(&self) -> PyResult<String> {
        use core::html;
        Ok(html::fragment(&match self.payload()? {
            Payload::Reply(r, text) => html::reply(text, r, OffsetUnit::Char),
            Payload::Summary(_) => {
                return Err(PyAttributeError::new_err(
                    "a ReplySummary has no HTML rendering (score without summary=True)",
                ))
            }
            Payload::Customer(r, text) => html::customer(text, r, OffsetUnit::Char),
            Payload::Conversation(r, texts) => {
                html::conversation(texts, r, OffsetUnit::Char, None, true)
            }
        }))
    }
}

/// The turns of a conversation. Their reports are lazy like the ones a call
/// returns, so they render (`_repr_html_`) on their own too.
fn turns<'py>(
    py: Python<'py>,
    report: &core::ConversationReport,
    texts: &[String],
) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for turn in &report.turns {
        let record = to_py(py, turn)?;
        let fields = record.getattr("__dict__")?;
        let text = texts.get(turn.index).cloned().unwrap_or_default();
        if let Some(reply) = &turn.reply {
            fields.set_item(
                "reply",
                lazy(py, Payload::Reply(reply.clone(), text.clone()))?,
            )?;
        }
        if let Some(customer) = &turn.customer {
            fields.set_item(
                "customer",
                lazy(py, Payload::Customer(customer.clone(), text))?,
            )?;
        }
        list.append(record)?;
    }
    Ok(list.into_any())
}

/// A lazy report object of the payload's class: `_Native.__new__(cls)` (one
/// C call, one object), then the payload set in place.
pub(crate) fn lazy(py: Python<'_>, payload: Payload) -> PyResult<Bound<'_, PyAny>> {
    let python = modules(py)?;
    let class = python.lazy_classes[payload.kind()].bind(py);
    let record = python.new.bind(py).call1((class,))?;
    if record.cast::<Native>()?.get().0.set(payload).is_err() {
        return Err(PyAttributeError::new_err(
            "a new report already held a Rust report",
        ));
    }
    Ok(record)
}

/// Serializes the field `name` of a report, and nothing else of it.
fn pick<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(core::serialize_field(
        value,
        name,
        pythonize::Pythonizer::custom::<Records>(py),
    )?)
}
