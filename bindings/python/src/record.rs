//! Reports as Python objects, from the core's serde output.
//!
//! Nothing here knows a report field. A report struct becomes an instance of
//! the class of the same name in `empathize._reports` (generated from the
//! core by `crates/empathize-schema`) through `pythonize`. A report a call
//! returns is *lazy*: a [`Native`] handle holds the Rust report and converts
//! one field when Python first reads it ([`pick`] serializes only that
//! field); `to_dict()` is the same serde output as plain dicts.

use std::fmt;
use std::sync::Arc;

use empathize as core;
use empathize::OffsetUnit;
use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyMapping, PyString};
use pythonize::{PythonizeNamedMappingType, PythonizeTypes};
use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

/// The pieces of `empathize._reports` and `empathize._record` this module uses.
struct Modules {
    classes: Py<PyDict>,
    build: Py<PyAny>,
    lazy: Py<PyAny>,
}

fn modules(py: Python<'_>) -> PyResult<&'static Modules> {
    static CELL: PyOnceLock<Modules> = PyOnceLock::new();
    CELL.get_or_try_init(py, || {
        let reports = py.import("empathize._reports")?;
        let record = py.import("empathize._record")?;
        Ok(Modules {
            classes: reports.getattr("CLASSES")?.cast_into::<PyDict>()?.unbind(),
            build: record.getattr("_build")?.unbind(),
            lazy: record.getattr("_lazy")?.unbind(),
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
    Customer(core::CustomerReport, String),
    Conversation(core::ConversationReport, Vec<String>),
}

impl Payload {
    fn class_name(&self) -> &'static str {
        match self {
            Payload::Reply(..) => "MessageReport",
            Payload::Customer(..) => "CustomerReport",
            Payload::Conversation(..) => "ConversationReport",
        }
    }
}

/// The Rust side of a lazy report: converts a field when Python reads it.
#[pyclass(frozen, module = "empathize._native", name = "_Native")]
pub struct Native(Arc<Payload>);

#[pymethods]
impl Native {
    /// One field as Python objects (reports for structs).
    fn field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let found = match &*self.0 {
            Payload::Conversation(r, texts) if name == "turns" => turns(py, r, texts).map(Some),
            Payload::Reply(r, _) => pick(py, r, name),
            Payload::Customer(r, _) => pick(py, r, name),
            Payload::Conversation(r, _) => pick(py, r, name),
        };
        found?.ok_or_else(|| PyAttributeError::new_err(name.to_string()))
    }

    /// The whole report as plain dicts and lists: the core's serde output.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match &*self.0 {
            Payload::Reply(r, _) => pythonize::pythonize(py, r),
            Payload::Customer(r, _) => pythonize::pythonize(py, r),
            Payload::Conversation(r, _) => pythonize::pythonize(py, r),
        }?)
    }

    /// The report as an HTML fragment (for notebooks).
    fn html(&self) -> String {
        use core::html;
        html::fragment(&match &*self.0 {
            Payload::Reply(r, text) => html::reply(text, r, OffsetUnit::Char),
            Payload::Customer(r, text) => html::customer(text, r, OffsetUnit::Char),
            Payload::Conversation(r, texts) => {
                html::conversation(texts, r, OffsetUnit::Char, None, true)
            }
        })
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

/// A lazy report object of the payload's class.
pub(crate) fn lazy(py: Python<'_>, payload: Payload) -> PyResult<Bound<'_, PyAny>> {
    let python = modules(py)?;
    let class = python
        .classes
        .bind(py)
        .get_item(payload.class_name())?
        .ok_or_else(|| PyAttributeError::new_err(payload.class_name()))?;
    let native = Bound::new(py, Native(Arc::new(payload)))?;
    python.lazy.bind(py).call1((class, native))
}

/// Serializes the field `name` of a struct, and nothing else of it.
fn pick<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let mut picker = Picker {
        py,
        name,
        found: None,
    };
    match value.serialize(&mut picker) {
        Ok(()) => picker.found.transpose(),
        Err(NotAStruct) => Ok(None),
    }
}

struct Picker<'a, 'py> {
    py: Python<'py>,
    name: &'a str,
    found: Option<PyResult<Bound<'py, PyAny>>>,
}

/// The only error of [`Picker`]: it reads structs and nothing else.
#[derive(Debug)]
struct NotAStruct;

impl fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotAStruct
    }
}

impl SerializeStruct for &mut Picker<'_, '_> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), NotAStruct> {
        if key == self.name {
            self.found = Some(to_py(self.py, value));
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

/// Every `Serializer` method but `serialize_struct` fails.
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*) -> $out:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$out, NotAStruct> { Err(NotAStruct) })*
    };
}

impl<'a, 'py> Serializer for &'a mut Picker<'_, 'py> {
    type Ok = ();
    type Error = NotAStruct;
    type SerializeSeq = Impossible<(), NotAStruct>;
    type SerializeTuple = Impossible<(), NotAStruct>;
    type SerializeTupleStruct = Impossible<(), NotAStruct>;
    type SerializeTupleVariant = Impossible<(), NotAStruct>;
    type SerializeMap = Impossible<(), NotAStruct>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotAStruct>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotAStruct> {
        Ok(self)
    }

    not_a_struct! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<V: Serialize + ?Sized>(self, _: &V) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_variant<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }
}
