//! Moving reports into JS.
//!
//! A report is serialized to JSON in Rust (the core's serde output with
//! camelCase fields, `null` for absent values) and materialized by one `JSON.parse` call. V8 builds objects from
//! JSON several times faster than property-by-property creation through
//! Node-API, and for batches the serialization runs on all cores (off the main
//! thread for `scoreManyAsync`): the JS thread only parses.

use napi::bindgen_prelude::{Array, FromNapiValue, Function, JsObjectValue, Object, Unknown};
use napi::Env;
use napi::JsValue;
use rayon::prelude::*;
use serde::Serialize;

use crate::camel::Camel;
use crate::errors::{Failure, Outcome};

/// The largest JSON text handed to one `JSON.parse` call: V8 strings hold at
/// most 2^29 − 24 UTF-16 units, so batches are parsed in chunks well below.
const CHUNK_BYTES: usize = 1 << 27;

/// Serializes one value (a report of the core) with camelCase fields.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Outcome<String> {
    serde_json::to_string(&Camel(value))
        .map_err(|e| Failure::Internal(format!("serializing a report: {e}")))
}

/// Many values as JSON arrays of at most [`CHUNK_BYTES`] each, serialized in
/// parallel.
pub struct JsonBatch {
    chunks: Vec<String>,
    len: usize,
}

impl JsonBatch {
    pub(crate) fn new<T: Serialize + Sync>(values: &[T]) -> Outcome<JsonBatch> {
        let items: Vec<String> = values.par_iter().map(to_json).collect::<Outcome<_>>()?;
        let mut chunks = Vec::new();
        let mut chunk = String::from("[");
        for item in items {
            if chunk.len() > 1 && chunk.len() + item.len() > CHUNK_BYTES {
                chunk.push(']');
                chunks.push(std::mem::replace(&mut chunk, String::from("[")));
            }
            if chunk.len() > 1 {
                chunk.push(',');
            }
            chunk.push_str(&item);
        }
        chunk.push(']');
        chunks.push(chunk);
        Ok(JsonBatch {
            chunks,
            len: values.len(),
        })
    }
}

fn json_parse<'env>(env: &'env Env) -> napi::Result<Function<'env, String, Unknown<'env>>> {
    let json: Object<'env> = env.get_global()?.get_named_property("JSON")?;
    json.get_named_property("parse")
}

/// Materializes one JSON text as a JS value.
pub(crate) fn parse(env: &Env, json: String) -> Outcome<Unknown<'_>> {
    Ok(json_parse(env)?.call(json)?)
}

/// Materializes a batch as one JS array.
pub(crate) fn parse_batch(env: &Env, batch: JsonBatch) -> Outcome<Unknown<'_>> {
    let parse = json_parse(env)?;
    let mut chunks = batch.chunks.into_iter();
    if chunks.len() == 1 {
        return Ok(parse.call(chunks.next().unwrap_or_default())?);
    }
    let mut out = env.create_array(u32::try_from(batch.len).unwrap_or(u32::MAX))?;
    let mut index = 0u32;
    for chunk in chunks {
        let part = Array::from_unknown(parse.call(chunk)?)?;
        for i in 0..part.len() {
            if let Some(item) = part.get::<Unknown<'_>>(i)? {
                out.set(index, item)?;
            }
            index += 1;
        }
    }
    Ok(out.to_unknown())
}
