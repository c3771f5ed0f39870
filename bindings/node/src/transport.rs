//! Moving reports into JS.
//!
//! A report is encoded in Rust as an op tape (`tape.rs`: whole numbers as
//! integer ops, others as the two words of an `f64` once per segment, each
//! distinct string once, enum variant names as static strings, struct fields
//! as a shape id) and turned into plain objects by a small JS decoder (`decode.js`),
//! compiled once per Node environment. The objects are those `JSON.parse`
//! makes of the core's serde JSON with camelCase fields (same keys, key
//! order, values and prototypes): `testing.rs` keeps that JSON path as the
//! reference the tests compare against. For batches the encoding runs on all cores (on the pool for
//! `scoreManyAsync`): the JS thread only decodes. A batch of one piece, or
//! any batch when the pool has one thread, is scored and encoded on the
//! calling thread (the JS thread, or the libuv worker of `scoreManyAsync`).

use napi::bindgen_prelude::{
    Array, FnArgs, FromNapiValue, Function, JsValue, Uint32ArraySlice, Unknown,
};
use napi::Env;
use napi::UnknownRef;
use rayon::prelude::*;
use serde::Serialize;

use crate::errors::{Failure, Outcome};
use crate::tape::{self, Encoder, Segment};

/// The decoder's source: an expression that evaluates to `decode`.
const DECODER: &str = include_str!("decode.js");

/// Reports encoded for [`to_js`].
pub struct Encoded {
    /// The first is a single value's (not an array's) when its strings are
    /// raw ([`Encoder::single`]).
    segments: Vec<Segment>,
}

/// Encodes one value (a report of the core).
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Outcome<Encoded> {
    let mut encoder = Encoder::single();
    encoder.push(value)?;
    Ok(Encoded {
        segments: encoder.finish()?,
    })
}

/// Encodes many values, in parallel, for one JS array.
#[cfg(feature = "testing")]
pub(crate) fn encode_batch<T: Serialize + Sync>(values: &[T]) -> Outcome<Encoded> {
    encode_each(values.len(), |i| &values[i])
}

/// Makes and encodes `value(0)`, `value(1)`, … `value(n - 1)` for one JS
/// array, in parallel: each worker encodes a value as soon as it is made,
/// so the values are never all held at once and a batch crosses to the
/// pool once (scoring, then encoding, would cross twice).
pub(crate) fn encode_each<R: Serialize>(
    n: usize,
    value: impl Fn(usize) -> R + Sync,
) -> Outcome<Encoded> {
    encode_each_cut_at(n, value, tape::SEGMENT_STRING_BYTES, tape::SEGMENT_OPS)
}

/// [`encode_each`], cutting segments at `limit` string bytes or
/// `ops_limit` ops.
pub(crate) fn encode_each_cut_at<R: Serialize>(
    n: usize,
    value: impl Fn(usize) -> R + Sync,
    limit: usize,
    ops_limit: usize,
) -> Outcome<Encoded> {
    let encode_piece = |items: std::ops::Range<usize>| {
        let mut encoder = Encoder::with_limits(limit, ops_limit);
        encoder.expect(items.len());
        for i in items {
            encoder.push(&value(i))?;
        }
        encoder.finish()
    };
    let threads = rayon::current_num_threads().max(1);
    // A few pieces per worker (reports differ in size); each piece has its
    // own strings, so not too small.
    let size = n.div_ceil(threads * 2).max(SMALLEST_PIECE);
    if threads == 1 || n <= size {
        // One piece's work (a small batch, or a pool of one thread): on this
        // thread, as one piece. Handing it to the pool would only add a
        // thread hand-off each way (the caller waits anyway).
        return Ok(Encoded {
            segments: encode_piece(0..n)?,
        });
    }
    let parts: Vec<Vec<Segment>> = (0..n.div_ceil(size))
        .into_par_iter()
        .map(|piece| encode_piece(piece * size..n.min((piece + 1) * size)))
        .collect::<Outcome<_>>()?;
    Ok(Encoded {
        segments: parts.into_iter().flatten().collect(),
    })
}

/// The fewest values a batch is cut into pieces of (each piece has its own
/// strings); a batch of at most this many is scored on the calling thread.
const SMALLEST_PIECE: usize = 256;

impl Encoded {
    /// How many ops (values) were written (for the benchmarks).
    #[cfg(feature = "testing")]
    pub(crate) fn ops(&self) -> usize {
        self.segments.iter().map(|s| s.ops.len()).sum()
    }

    /// How many segments (for the tests).
    #[cfg(feature = "testing")]
    pub(crate) fn segments(&self) -> usize {
        self.segments.len()
    }
}

/// The decoder of this Node environment and how many shapes and static
/// strings it knows.
struct Decoder {
    decode: UnknownRef,
    /// `gather` of `texts.js` (reads a batch's texts: `texts.rs`).
    gather: UnknownRef,
    known_shapes: usize,
    known_statics: usize,
    /// A `Uint32Array` the first segment's ops are copied into at every call
    /// (its first `length` entries are the segment's), and its length:
    /// made once and grown, not a new `ArrayBuffer` per call (see
    /// [`OPS_BUFFER_MAX`]).
    ops: Option<(UnknownRef, usize)>,
    /// A decode is running: a nested call (none is known: the decoder runs
    /// no user code) would copy its ops over the ones being read, so it
    /// gets an array of its own.
    busy: bool,
}

/// The most ops the reused array of [`Decoder::ops`] holds (4 MB; a batch of
/// 2,714 replies is about 240,000 ops). A new `ArrayBuffer` per call is
/// memory outside V8's heap that V8 counts towards its old generation
/// until a mark-compact: on the event loop (`scoreManyAsync`) about ten
/// batches of it started incremental marking and a mark-compact every ten
/// passes, where the reports themselves only need scavenges; each new
/// buffer was also zeroed memory (fresh pages) and a finalizer. Larger
/// segments still get an array of their own.
const OPS_BUFFER_MAX: usize = 1 << 20;

/// The least ops the reused array is made with (16 kB: a `score` report
/// is a few hundred).
const OPS_BUFFER_MIN: usize = 1 << 12;

fn decoder(env: &Env) -> Outcome<&'static mut Decoder> {
    if let Some(decoder) = env.get_instance_data::<Decoder>()? {
        return Ok(decoder);
    }
    let decode: Unknown<'_> = env.run_script(DECODER)?;
    let gather: Unknown<'_> = env.run_script(crate::texts::GATHER)?;
    let decoder = Decoder {
        decode: decode.create_ref()?,
        gather: gather.create_ref()?,
        known_shapes: 0,
        known_statics: 0,
        ops: None,
        busy: false,
    };
    // At teardown the environment frees its references itself.
    env.set_instance_data(decoder, (), |context| std::mem::forget(context.value))?;
    env.get_instance_data::<Decoder>()?
        .ok_or_else(|| Failure::Internal("the report decoder is not installed".into()))
}

/// The `gather` function of this environment (`texts.rs`).
pub(crate) fn gather(env: &Env) -> Outcome<Unknown<'_>> {
    Ok(decoder(env)?.gather.get_value(env)?)
}

/// Materializes encoded values as JS values (on the JS thread).
pub(crate) fn to_js(env: &Env, encoded: Encoded) -> Outcome<Unknown<'_>> {
    let decoder = decoder(env)?;
    // Counted after the encoding: every id in the tape is below them.
    let (shapes, statics) = (tape::shape_count(), tape::static_count());
    let tables = (shapes > decoder.known_shapes || statics > decoder.known_statics).then(|| {
        format!(
            "[{},{},{},{}]",
            decoder.known_shapes,
            tape::shapes_json(decoder.known_shapes, shapes),
            decoder.known_statics,
            tape::statics_json(decoder.known_statics, statics)
        )
    });
    let mut segments = encoded.segments.into_iter();
    // An empty batch has no segment.
    let head = segments.next().unwrap_or_else(|| Segment {
        strings: "[]".into(),
        ..Segment::default()
    });
    let more = more_segments(env, segments)?;
    let decode: Function<'_, FnArgs<DecodeArgs<'_>>> =
        Function::from_unknown(decoder.decode.get_value(env)?)?;
    let nested = decoder.busy;
    let ops = if nested {
        ops_array(env, &head.ops)?.to_unknown()
    } else {
        reused_ops(env, decoder, &head.ops)?
    };
    decoder.busy = true;
    let value = decode.call(
        (
            tables,
            head.raw,
            ops,
            head.ops.len() as u32,
            head.strings,
            head.count,
            more,
        )
            .into(),
    );
    decoder.busy = nested;
    let value = value?;
    // Only now: after a failed call the tables are sent again (to the same ids).
    decoder.known_shapes = shapes;
    decoder.known_statics = statics;
    Ok(value)
}

/// The arguments of `decode` for `encoded` in a fresh environment (every
/// shape and static string in the tables), as one array (bench hook).
#[cfg(feature = "testing")]
pub(crate) fn decode_args(env: &Env, encoded: Encoded) -> Outcome<Unknown<'_>> {
    let tables = format!(
        "[0,{},0,{}]",
        tape::shapes_json(0, tape::shape_count()),
        tape::statics_json(0, tape::static_count())
    );
    let mut segments = encoded.segments.into_iter();
    let head = segments.next().unwrap_or_else(|| Segment {
        strings: "[]".into(),
        ..Segment::default()
    });
    let mut args = env.create_array(0)?;
    args.set(0, tables)?;
    args.set(1, head.raw)?;
    args.set(2, ops_array(env, &head.ops)?)?;
    args.set(3, head.ops.len() as u32)?;
    args.set(4, head.strings)?;
    args.set(5, head.count)?;
    args.set(6, more_segments(env, segments)?)?;
    Ok(args.to_unknown())
}

/// `ops` copied into the decoder's reused array (grown first if too short),
/// or into an array of their own when longer than [`OPS_BUFFER_MAX`].
fn reused_ops<'env>(env: &'env Env, decoder: &mut Decoder, ops: &[u32]) -> Outcome<Unknown<'env>> {
    if ops.len() > OPS_BUFFER_MAX {
        return Ok(ops_array(env, ops)?.to_unknown());
    }
    let fits = matches!(decoder.ops, Some((_, length)) if length >= ops.len());
    if !fits {
        let length = ops
            .len()
            .next_power_of_two()
            .clamp(OPS_BUFFER_MIN, OPS_BUFFER_MAX);
        let array = ops_array(env, &vec![0; length])?.to_unknown();
        if let Some((old, _)) = decoder.ops.replace((array.create_ref()?, length)) {
            old.unref(env)?;
        }
    }
    let Some((array, _)) = &decoder.ops else {
        return Err(Failure::Internal("the ops array is not made".into()));
    };
    let array = array.get_value(env)?;
    let target: &mut [u32] = FromNapiValue::from_unknown(array)?;
    target
        .get_mut(..ops.len())
        .ok_or_else(|| Failure::Internal("the ops array is too short".into()))?
        .copy_from_slice(ops);
    Ok(array)
}

/// The ops of a segment (numbers inline) as a `Uint32Array`: one copy, into
/// memory V8 owns, and one typed array per segment (numbers in an array of
/// their own cost a second V8 buffer per segment: measured with
/// _benchStage, it was about a tenth of the fixed cost of a `score` call's
/// transfer). Handing the vector itself over as an external buffer saves the
/// copy but costs a finalizer per buffer: measured with bench/bench.mjs (one
/// core, busy machine), it made `scoreManyAsync` 0.15-0.35× of native slower
/// and the `score` loop slower, for a gain on `scoreMany` within the noise.
fn ops_array<'env>(env: &'env Env, ops: &[u32]) -> Outcome<Uint32ArraySlice<'env>> {
    Ok(Uint32ArraySlice::copy_from(env, ops)?)
}

/// The segments after the first as `decode`'s `more` argument: ops,
/// strings and count of each, flat (`None` when there are none).
fn more_segments<'env>(
    env: &'env Env,
    segments: impl ExactSizeIterator<Item = Segment>,
) -> Outcome<Option<Array<'env>>> {
    if segments.len() == 0 {
        return Ok(None);
    }
    let mut more = env.create_array(0)?;
    let mut index = 0u32;
    for segment in segments {
        more.set(index, ops_array(env, &segment.ops)?)?;
        more.set(index + 1, segment.strings)?;
        more.set(index + 2, segment.count)?;
        index += 3;
    }
    Ok(Some(more))
}

/// `decode(tables, single, ops, length, strings, count, more)`: the first
/// segment's ops are the first `length` of `ops`.
type DecodeArgs<'env> = (
    Option<String>,
    bool,
    Unknown<'env>,
    u32,
    String,
    u32,
    Option<Array<'env>>,
);
