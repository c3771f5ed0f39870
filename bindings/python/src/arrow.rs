//! The Arrow batch path: `Analyzer.score_arrow`.
//!
//! In: an Arrow string column (`utf8`, `large_utf8`, `utf8_view`, or the
//! all-null `null` type) from any producer of the Arrow PyCapsule interface
//! — a `pyarrow.Array` (`__arrow_c_array__`), or a `pyarrow.ChunkedArray`,
//! a polars `Series`, ... (`__arrow_c_stream__`, whose chunks pyarrow
//! hands over one by one). arrow-rs (through `arrow-pyarrow`, arrow-rs's
//! own pyo3 glue) imports the buffers in place through the C data
//! interface and validates them (offsets, UTF-8) once; every text is then
//! a `&str` into the caller's memory. No Python object is created per row.
//!
//! Scoring runs with the GIL released, in the binding's thread pools
//! (`pool.rs`), in blocks, so memory stays bounded whatever the length:
//! each text is scored into its summary (`Analyzer::score_summary`: the
//! fields the columns hold, no matches, evidence or breakdown built),
//! reduced to a row and dropped.
//!
//! Out: one row per input row, in input order, with the columns of
//! [`schema`]; a null text gives a row of nulls. An array gives a
//! `pyarrow.RecordBatch`; a stream gives a `pyarrow.Table` whose batches
//! follow the chunks of `texts`.

use std::sync::{Arc, OnceLock};

use arrow_array::builder::{Float64Builder, Int8Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{make_array, Array, ArrayRef, RecordBatch};
use arrow_data::ArrayData;
use arrow_pyarrow::{FromPyArrow, IntoPyArrow, Table, ToPyArrow};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use empathize as core;
use pyo3::exceptions::{PyImportError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use rayon::prelude::*;

use crate::input;
use crate::pool;

/// Rows scored per round: large enough that the workers rarely wait on the
/// slowest text of a round, small enough that a round's reports (a few
/// hundred bytes each before they are reduced to a row) stay in cache-sized
/// memory.
const BLOCK: usize = 8 * 1024;

/// The columns of a result: the core's row columns (`empathize::row_columns`,
/// the same as `empathize.pandas.score_frame`'s): `score`, one per dimension,
/// `flags` and `tips` (lists of names), one EPITOME level per mechanism.
pub(crate) fn schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let fields: Vec<Field> = core::row_columns()
                .iter()
                .map(|c| Field::new(c.name, data_type(c.kind), true))
                .collect();
            Arc::new(Schema::new(fields))
        })
        .clone()
}

/// The Arrow type of a kind of column.
fn data_type(kind: core::ColumnKind) -> DataType {
    match kind {
        core::ColumnKind::Names => names_type(),
        core::ColumnKind::Level => DataType::Int8,
        _ => DataType::Float64,
    }
}

/// `list<item: string not null>`: the flags or tip codes of a row.
fn names_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, false)))
}

/// `pyarrow.Schema` of the result columns.
pub(crate) fn py_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    schema()
        .as_ref()
        .to_pyarrow(py)
        .map_err(|e| pyarrow_missing(py, e))
}

/// A string column as the caller passed it: its chunks (arrow-rs arrays
/// over the caller's buffers) and whether it came as a stream.
struct Strings {
    chunks: Vec<ArrayRef>,
    stream: bool,
}

impl Strings {
    /// Imports `obj` (named `name` in errors) without copying its data.
    fn import(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Strings> {
        let py = obj.py();
        let not_arrow = || {
            PyTypeError::new_err(format!(
                "{name} must be an Arrow string array (pyarrow.Array or ChunkedArray, a polars \
                 Series, or any object with __arrow_c_array__ or __arrow_c_stream__), not {}",
                input::type_name(obj)
            ))
        };
        let (chunks, stream) = if obj.hasattr(intern!(py, "__arrow_c_array__"))? {
            (vec![import_array(obj, name)?], false)
        } else if obj.hasattr(intern!(py, "__arrow_c_stream__"))? {
            // arrow-rs reads streams of record batches only; pyarrow reads
            // a stream of plain arrays as the chunks of a ChunkedArray
            // (zero-copy), whose chunks are arrays again.
            static CHUNKED_ARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            let chunked_array = CHUNKED_ARRAY
                .import(py, "pyarrow", "chunked_array")
                .map_err(|e| pyarrow_missing(py, e))?;
            let chunked = chunked_array.call1((obj,))?;
            let chunks = chunked
                .getattr(intern!(py, "chunks"))?
                .try_iter()?
                .map(|chunk| import_array(&chunk?, name))
                .collect::<PyResult<Vec<_>>>()?;
            (chunks, true)
        } else {
            return Err(not_arrow());
        };
        for chunk in &chunks {
            if !matches!(
                chunk.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
            ) {
                return Err(PyTypeError::new_err(format!(
                    "{name} must hold strings (Arrow string, large_string or string_view), \
                     not {}; cast it first, e.g. with .cast(pyarrow.string())",
                    chunk.data_type()
                )));
            }
        }
        Ok(Strings { chunks, stream })
    }

    fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    /// Every row as a `&str` into the Arrow buffers (`None` for null), in
    /// order across chunks. The arrays' offsets (slices) are honored by
    /// arrow-rs's accessors.
    fn rows(&self) -> Vec<Option<&str>> {
        let mut rows = Vec::with_capacity(self.len());
        for chunk in &self.chunks {
            match chunk.data_type() {
                DataType::Utf8 => rows.extend(chunk.as_string::<i32>().iter()),
                DataType::LargeUtf8 => rows.extend(chunk.as_string::<i64>().iter()),
                DataType::Utf8View => rows.extend(chunk.as_string_view().iter()),
                // `import` admits string types and `null` only.
                _ => rows.extend(std::iter::repeat_n(None, chunk.len())),
            }
        }
        rows
    }
}

/// Imports one array through `__arrow_c_array__` (or pyarrow's
/// `_export_to_c`); arrow-pyarrow validates it fully (buffer sizes,
/// offsets, UTF-8) before any `&str` is taken from it.
fn import_array(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<ArrayRef> {
    let data = ArrayData::from_pyarrow_bound(obj).map_err(|e| {
        let py = obj.py();
        if e.is_instance_of::<PyTypeError>(py) {
            e
        } else {
            let err = PyValueError::new_err(format!("{name}: not a valid Arrow array: {e}"));
            err.set_cause(py, Some(e));
            err
        }
    })?;
    Ok(make_array(data))
}

/// An `ImportError` that says which extra to install, when pyarrow is missing.
fn pyarrow_missing(py: Python<'_>, e: PyErr) -> PyErr {
    if e.is_instance_of::<PyImportError>(py) {
        let err = PyImportError::new_err(
            "the Arrow batch path needs pyarrow: pip install 'empathize[arrow]'",
        );
        err.set_cause(py, Some(e));
        err
    } else {
        e
    }
}

/// The builder of one column.
enum Builder {
    Float(Float64Builder),
    Names(ListBuilder<StringBuilder>),
    Level(Int8Builder),
}

/// Column builders for one output batch, one per row column.
struct Columns(Vec<Builder>);

impl Columns {
    fn with_capacity(rows: usize) -> Columns {
        let builder = |kind| match kind {
            core::ColumnKind::Names => Builder::Names(
                ListBuilder::with_capacity(StringBuilder::with_capacity(rows, rows * 16), rows)
                    .with_field(Arc::new(Field::new("item", DataType::Utf8, false))),
            ),
            core::ColumnKind::Level => Builder::Level(Int8Builder::with_capacity(rows)),
            _ => Builder::Float(Float64Builder::with_capacity(rows)),
        };
        Columns(
            core::row_columns()
                .iter()
                .map(|c| builder(c.kind))
                .collect(),
        )
    }

    /// Appends a row; `None` (a null text) appends nulls.
    fn push(&mut self, row: Option<Vec<core::Cell>>) {
        let Some(row) = row else {
            for b in &mut self.0 {
                match b {
                    Builder::Float(b) => b.append_null(),
                    Builder::Names(b) => b.append_null(),
                    Builder::Level(b) => b.append_null(),
                }
            }
            return;
        };
        for (b, cell) in self.0.iter_mut().zip(row) {
            match (b, cell) {
                (Builder::Float(b), core::Cell::Float(x)) => b.append_value(x),
                (Builder::Level(b), core::Cell::Level(x)) => {
                    b.append_value(i8::try_from(x).unwrap_or(i8::MAX))
                }
                (Builder::Names(b), core::Cell::Names(names)) => {
                    for name in names {
                        b.values().append_value(name);
                    }
                    b.append(true);
                }
                // A cell of another kind than its column: the core's row and
                // columns disagree, which its tests rule out.
                (Builder::Float(b), _) => b.append_null(),
                (Builder::Level(b), _) => b.append_null(),
                (Builder::Names(b), _) => b.append_null(),
            }
        }
    }

    fn finish(self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = self
            .0
            .into_iter()
            .map(|b| -> ArrayRef {
                match b {
                    Builder::Float(mut b) => Arc::new(b.finish()),
                    Builder::Names(mut b) => Arc::new(b.finish()),
                    Builder::Level(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        RecordBatch::try_new(schema(), columns)
    }
}

/// Scores `texts` (with `customers[i]` as the context of `texts[i]` when
/// present) into one batch per length in `chunk_lens`. Runs without the GIL.
fn score_rows(
    a: &core::Analyzer,
    texts: &[Option<&str>],
    customers: Option<&[Option<&str>]>,
    chunk_lens: &[usize],
    threads: Option<usize>,
) -> Result<Result<Vec<RecordBatch>, ArrowError>, rayon::ThreadPoolBuildError> {
    let one = |i: usize| -> Option<Vec<core::Cell>> {
        let text = texts[i]?;
        // The row's columns only: no matches, evidence or breakdown built.
        let summary = match customers.and_then(|c| c[i]) {
            Some(customer) => a.score_reply_summary(customer, text),
            None => a.score_summary(text),
        };
        Some(summary.row())
    };
    pool::run(threads, texts.len(), |parallel| {
        let mut batches = Vec::with_capacity(chunk_lens.len());
        let mut rows: Vec<Option<Vec<core::Cell>>> = Vec::with_capacity(BLOCK.min(texts.len()));
        let mut start = 0;
        for &len in chunk_lens {
            let mut columns = Columns::with_capacity(len);
            let end = start + len;
            let mut block = start;
            while block < end {
                let block_end = (block + BLOCK).min(end);
                rows.clear();
                if parallel {
                    (block..block_end)
                        .into_par_iter()
                        .map(one)
                        .collect_into_vec(&mut rows);
                } else {
                    rows.extend((block..block_end).map(one));
                }
                rows.drain(..).for_each(|row| columns.push(row));
                block = block_end;
            }
            batches.push(columns.finish()?);
            start = end;
        }
        Ok(batches)
    })
}

/// `Analyzer.score_arrow`: see the module documentation.
pub(crate) fn score_arrow<'py>(
    py: Python<'py>,
    a: &core::Analyzer,
    texts: &Bound<'py, PyAny>,
    customers: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    input::guard(py, || {
        let texts = Strings::import(texts, "texts")?;
        let customers = match customers.filter(|c| !c.is_none()) {
            Some(c) => Some(Strings::import(c, "customers")?),
            None => None,
        };
        let threads = input::threads(threads)?;
        let (n, m) = (texts.len(), customers.as_ref().map_or(0, Strings::len));
        if customers.is_some() && m != n {
            return Err(PyValueError::new_err(format!(
                "customers has {m} items but texts has {n}"
            )));
        }
        let chunk_lens: Vec<usize> = texts.chunks.iter().map(|c| c.len()).collect();
        // The imported arrays are dropped after `detach` returns, with the
        // GIL held: a producer's release callback may need it.
        let batches = {
            let text_rows = texts.rows();
            let customer_rows = customers.as_ref().map(Strings::rows);
            py.detach(|| {
                score_rows(
                    a,
                    &text_rows,
                    customer_rows.as_deref(),
                    &chunk_lens,
                    threads,
                )
            })
        };
        let batches = batches
            .map_err(|e| {
                PyRuntimeError::new_err(format!("cannot start the empathize thread pool: {e}"))
            })?
            .map_err(|e| input::internal_error(py, &e.to_string()))?;
        drop((texts.chunks, customers));
        if texts.stream {
            Table::try_new(batches, schema())
                .map_err(|e| input::internal_error(py, &e.to_string()))?
                .into_pyarrow(py)
                .map_err(|e| pyarrow_missing(py, e))
        } else {
            batches
                .first()
                .ok_or_else(|| input::internal_error(py, "no batch for an array"))?
                .to_pyarrow(py)
                .map_err(|e| pyarrow_missing(py, e))
        }
    })
}

#[cfg(test)]
mod tests {
    use arrow_array::{
        Float64Array, Int8Array, LargeStringArray, ListArray, NullArray, StringArray,
        StringViewArray,
    };

    use super::*;

    fn strings(chunks: Vec<ArrayRef>) -> Strings {
        Strings {
            chunks,
            stream: true,
        }
    }

    #[test]
    fn schema_names_come_from_the_core_vocabulary() {
        let schema = schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let mut expected = vec!["score"];
        expected.extend(core::Dimension::ALL.iter().map(|d| d.as_str()));
        expected.extend(["flags", "tips"]);
        expected.extend(core::Mechanism::ALL.iter().map(|m| m.as_str()));
        assert_eq!(names, expected);
    }

    #[test]
    fn rows_read_every_string_type_and_honor_slices_and_nulls() {
        let utf8 = StringArray::from(vec![Some("pad"), Some("a"), None, Some("b"), Some("end")]);
        let large = LargeStringArray::from(vec![Some("c"), None]);
        let view = StringViewArray::from(vec![
            Some("pad"),
            Some("a string longer than twelve bytes"),
            None,
        ]);
        let s = strings(vec![
            Arc::new(utf8.slice(1, 3)),
            Arc::new(large),
            Arc::new(view.slice(1, 2)),
            Arc::new(NullArray::new(2)),
        ]);
        assert_eq!(s.len(), 9);
        assert_eq!(
            s.rows(),
            vec![
                Some("a"),
                None,
                Some("b"),
                Some("c"),
                None,
                Some("a string longer than twelve bytes"),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn batches_follow_the_chunks_and_equal_single_scores_across_blocks() {
        let a = core::Analyzer::new();
        let pool = [
            "I'm so sorry, I'll fix it today.",
            "Per our policy, no.",
            "Nope.",
            "Thanks for waiting! Is there anything else I can do?",
        ];
        // More rows than one block, so rounds and chunk ends interleave.
        let n = BLOCK + 37;
        let texts: Vec<Option<&str>> = (0..n)
            .map(|i| (i % 5 != 0).then_some(pool[i % pool.len()]))
            .collect();
        let customers: Vec<Option<&str>> = (0..n)
            .map(|i| (i % 3 == 0).then_some("I'm furious, this is the third time!!!"))
            .collect();
        let lens = [10, 0, BLOCK, 27];
        for threads in [Some(1), Some(2)] {
            let batches = score_rows(&a, &texts, Some(&customers), &lens, threads)
                .unwrap()
                .unwrap();
            assert_eq!(
                batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>(),
                lens
            );
            let mut i = 0;
            for batch in &batches {
                let score = batch.column(0).as_any().downcast_ref::<Float64Array>();
                let flags = batch.column_by_name("flags").unwrap();
                let flags = flags.as_any().downcast_ref::<ListArray>().unwrap();
                let level = batch.column_by_name("emotional_reactions").unwrap();
                let level = level.as_any().downcast_ref::<Int8Array>().unwrap();
                for row in 0..batch.num_rows() {
                    let score = score.unwrap();
                    match texts[i] {
                        None => {
                            assert!(score.is_null(row) && flags.is_null(row) && level.is_null(row))
                        }
                        Some(text) => {
                            let r = match customers[i] {
                                Some(c) => a.score_reply(c, text),
                                None => a.score(text),
                            };
                            assert_eq!(score.value(row), r.score);
                            let got = flags.value(row);
                            let got: Vec<&str> = got.as_string::<i32>().iter().flatten().collect();
                            let want: Vec<&str> = r.flags.iter().map(|f| f.as_str()).collect();
                            assert_eq!(got, want);
                            assert_eq!(level.value(row), r.epitome.emotional_reactions as i8);
                        }
                    }
                    i += 1;
                }
            }
            assert_eq!(i, n);
        }
    }

    #[test]
    fn no_rows_give_empty_batches_with_the_schema() {
        let a = core::Analyzer::new();
        let batches = score_rows(&a, &[], None, &[0, 0], None).unwrap().unwrap();
        assert_eq!(batches.len(), 2);
        assert!(batches
            .iter()
            .all(|b| b.num_rows() == 0 && b.schema() == schema()));
        assert!(score_rows(&a, &[], None, &[], None)
            .unwrap()
            .unwrap()
            .is_empty());
    }
}
