//! The Rust half of the report transfer: a serde `Serializer` that writes a
//! value as an op tape that `decode.js` turns into the objects `JSON.parse`
//! would make of the core's serde JSON with camelCase fields (`camel.rs`).
//!
//! A [`Segment`] holds the ops (one `u32` per value: `payload << 4 | tag`;
//! a whole number below 2^28 is an integer op; another number is followed
//! by the two words of its `f64`, bit for bit, the first time in the segment
//! and is a `NumAgain` op with its index after that (JS keeps one box per
//! distinct number), so a segment crosses as one typed array) and the
//! distinct strings as the JSON text of one array (one `JSON.parse` on the JS
//! side makes fresh, flat strings). Enum variant names are static strings:
//! registered once per process by address, sent to each environment once,
//! kept by the JS side. Structs are written as a shape id, then
//! their fields' values: the shapes (struct field names, camelCased, in serde
//! order) are registered once per process and sent to each JS environment
//! once, so the JS side builds every report of a kind with one builder (a
//! copy of a template object with the shape's keys).
//! Compared with JSON text, nothing is formatted or parsed as decimal, the
//! keys are not repeated per object, and each distinct string is sent once
//! per segment.
//!
//! What the JSON path did is kept: non-finite floats become `null` (as
//! serde_json writes them), an `f32` becomes the `f64` its shortest decimal
//! form parses to, enums are externally tagged, map keys must be strings
//! (integers are written as their decimal text).

use std::fmt::Display;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::ser::{
    self, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant,
    SerializeTuple, SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

use crate::camel::camel;
use crate::errors::{Failure, Outcome};

/// The low four bits of an op (`decode.js` has the same table).
#[derive(Clone, Copy)]
#[repr(u32)]
enum Tag {
    /// The next two ops are the number's 64 bits (its native-endian bytes,
    /// as a `Float64Array` over them reads them).
    Num = 0,
    /// The payload is the value (an integer below [`PAYLOAD_LIMIT`]).
    Int = 1,
    /// The payload indexes the segment's strings.
    Str = 2,
    Null = 3,
    False = 4,
    True = 5,
    /// Values until [`Tag::End`].
    Array = 6,
    /// The payload is a shape id; one value per field follows.
    Struct = 7,
    /// Key, value pairs until [`Tag::End`].
    Map = 8,
    End = 9,
    /// The payload is minus the value (a negative integer above −2^28).
    NegInt = 10,
    /// The payload is the number of values that follow (no `End`).
    Items = 11,
    /// The payload indexes the segment's numbers: the `Num` ops so far,
    /// counted from 1 (a number seen before in the segment, sent once).
    NumAgain = 12,
    /// The payload is the id of a static string (an enum variant's name):
    /// registered once per process, sent to each JS environment once.
    Static = 13,
}

/// Payloads are 28 bits (`op >>> 4` in JS stays a small integer).
const PAYLOAD_LIMIT: u64 = 1 << 28;

/// The most string bytes in one segment: the JSON text of the strings becomes
/// one V8 string (at most 2^29 − 24 UTF-16 units), so stay well below.
pub(crate) const SEGMENT_STRING_BYTES: usize = 1 << 27;

/// The most ops in one segment before it is cut (64 MB of ops, about
/// 100 000 reports): big batches cross in several buffers, not one huge one.
pub(crate) const SEGMENT_OPS: usize = 1 << 24;

/// Encoded values, ready for `decode.js`.
#[derive(Debug, Default)]
pub(crate) struct Segment {
    /// The ops, numbers inline (one `Uint32Array` in JS: a segment crosses
    /// as one typed array and one string).
    pub(crate) ops: Vec<u32>,
    /// The JSON text of an array of the distinct strings; or, when `raw`,
    /// the strings one after the other.
    pub(crate) strings: String,
    /// The strings are raw (an encoder made by [`Encoder::single`]): `ops`
    /// ends with the length of each in UTF-16 units, in order, then their
    /// count.
    pub(crate) raw: bool,
    /// Top-level values.
    pub(crate) count: u32,
}

/// The error of the encoder (serde needs one of its own).
#[derive(Debug)]
pub(crate) struct TapeError(String);

impl Display for TapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TapeError {}

impl ser::Error for TapeError {
    fn custom<T: Display>(msg: T) -> Self {
        TapeError(msg.to_string())
    }
}

impl From<TapeError> for Failure {
    fn from(err: TapeError) -> Self {
        Failure::Internal(format!("encoding a report: {err}"))
    }
}

type Res<T = ()> = Result<T, TapeError>;

/// A struct's name and field names (as serde gives them), process-wide.
struct Shape {
    name: &'static str,
    keys: Vec<&'static str>,
}

fn registry() -> &'static Mutex<Vec<Shape>> {
    static SHAPES: OnceLock<Mutex<Vec<Shape>>> = OnceLock::new();
    SHAPES.get_or_init(Default::default)
}

/// The id of a shape, registering it if new.
fn register(name: &'static str, keys: &[&'static str]) -> Res<u32> {
    let mut shapes = registry()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let found = shapes.iter().position(|s| s.name == name && s.keys == keys);
    let id = match found {
        Some(id) => id,
        None => {
            shapes.push(Shape {
                name,
                keys: keys.to_vec(),
            });
            SHAPE_COUNT.store(shapes.len(), Ordering::Release);
            shapes.len() - 1
        }
    };
    if id as u64 >= PAYLOAD_LIMIT {
        return Err(TapeError("too many struct shapes".into()));
    }
    Ok(id as u32)
}

/// How many shapes are registered (a copy of the registry's length, so
/// that every `to_js` call does not take the lock).
static SHAPE_COUNT: AtomicUsize = AtomicUsize::new(0);

/// How many static strings are registered (as [`SHAPE_COUNT`]).
static STATIC_COUNT: AtomicUsize = AtomicUsize::new(0);

/// How many shapes are registered: at least every id written before the
/// call (the count is stored, under the registry's lock, before an id is
/// handed out).
pub(crate) fn shape_count() -> usize {
    SHAPE_COUNT.load(Ordering::Acquire)
}

/// The JSON text of the camelCased key lists of shapes `from..to`.
pub(crate) fn shapes_json(from: usize, to: usize) -> String {
    let shapes = registry()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let lists: Vec<Vec<&str>> = shapes[from..to.min(shapes.len())]
        .iter()
        .map(|s| s.keys.iter().map(|k| camel(k)).collect())
        .collect();
    // Vectors of strings always serialize.
    serde_json::to_string(&lists).unwrap_or_default()
}

/// The static strings (enum variant names: categories, polarities,
/// sources, strategies…), process-wide, with their ids by text.
#[derive(Default)]
struct Statics {
    texts: Vec<&'static str>,
    ids: FxHashMap<&'static str, u32>,
}

fn statics() -> &'static Mutex<Statics> {
    static STATICS: OnceLock<Mutex<Statics>> = OnceLock::new();
    STATICS.get_or_init(Default::default)
}

/// The id of a static string, registering it if new.
fn register_static(text: &'static str) -> Res<u32> {
    let mut statics = statics()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&id) = statics.ids.get(text) {
        return Ok(id);
    }
    let id = statics.texts.len();
    if id as u64 >= PAYLOAD_LIMIT {
        return Err(TapeError("too many static strings".into()));
    }
    statics.texts.push(text);
    statics.ids.insert(text, id as u32);
    STATIC_COUNT.store(statics.texts.len(), Ordering::Release);
    Ok(id as u32)
}

/// How many static strings are registered (as [`shape_count`]).
pub(crate) fn static_count() -> usize {
    STATIC_COUNT.load(Ordering::Acquire)
}

/// The JSON text of static strings `from..to`.
pub(crate) fn statics_json(from: usize, to: usize) -> String {
    let statics = statics()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Strings always serialize.
    serde_json::to_string(&statics.texts[from..to.min(statics.texts.len())]).unwrap_or_default()
}

/// A shape's field names (at their addresses) and its id.
type SeenShape = (Vec<&'static str>, u32);

/// What an encoder keeps between uses on one thread: the shapes it has
/// looked up and the (cleared) string table, with their capacity.
#[derive(Default)]
struct Scratch {
    /// Shapes seen on this thread, by the address and length of their name:
    /// (keys, id).
    shapes: FxHashMap<(usize, usize), Vec<SeenShape>>,
    /// The last shape found in each of [`RECENT_SHAPES`] slots (by the
    /// address of the name and the field count): (name address and
    /// length, keys, id).
    recent: Vec<((usize, usize), Vec<&'static str>, u32)>,
    /// Static strings seen on this thread, by their address and length: id.
    statics: FxHashMap<(usize, usize), u32>,
    /// The field names of the open structs, innermost last (empty between
    /// uses; kept for its capacity).
    keys: Vec<&'static str>,
    /// The distinct strings of the segment, one after the other.
    arena: String,
    /// Where each distinct string is in `arena`.
    spans: Vec<(usize, usize)>,
    /// A single value's non-ASCII strings, while its text is put together
    /// (empty between uses; kept for its capacity).
    later: String,
    /// A string's hash → its index and span in `arena` (beside the index,
    /// so that a repeated string costs one probe, not a second load).
    index: FxHashMap<u64, (u32, usize, usize)>,
    /// The last string seen in each of [`ADDRESS_SLOTS`] slots, by its
    /// address and length: (address, length, index, start in `arena`,
    /// generation). Most strings of a report are rule ids and labels
    /// (`Arc<str>` of the compiled pack), the same addresses report after
    /// report: a hit costs no hashing and no probe of the (large, cold)
    /// `index`. The text is still compared: a freed string's address can
    /// come back with another text.
    addresses: Vec<(usize, u32, u32, u32, u32)>,
    /// The sizes of the last segment (ops, string bytes), capped: the next
    /// one starts with that capacity instead of growing step by step.
    hint: (usize, usize),
    /// Ops and string bytes per value in the last segment that had values:
    /// what [`Encoder::expect`] reserves for a known count.
    per_value: Option<(f64, f64)>,
    /// Numbers written as `Num` in the segment, by their bits: a cache of
    /// [`NUMBER_SLOTS`] slots (bits, index, generation); a slot of an older
    /// generation is empty, a collision only sends a number again.
    numbers: Vec<(u64, u32, u32)>,
    /// How many `Num` ops the segment has (the index of the last).
    number_count: u32,
    /// The generation of the segment's slots in `numbers`.
    generation: u32,
}

/// Slots of the number cache (a batch of the corpus has about 400
/// distinct fractional numbers; most repeat: weights, dimension values).
const NUMBER_SLOTS: usize = 512;

/// Slots of the address cache of strings (a pack has a few hundred rule
/// ids and labels; a slot is 24 bytes).
const ADDRESS_SLOTS: usize = 1024;

/// Slots of the recent shapes of a thread (a report has about a dozen kinds
/// of struct).
const RECENT_SHAPES: usize = 64;

/// The most capacity a hint asks for.
const HINT_CAP: usize = 1 << 14;

impl Scratch {
    /// An empty segment sized by the hint, and the opening of its strings'
    /// JSON text (no text for raw strings, which go to `arena`).
    fn segment(&self, raw: bool) -> (Segment, Vec<u8>) {
        let (ops, strings) = self.hint;
        let segment = Segment {
            ops: Vec::with_capacity(ops),
            strings: String::new(),
            raw,
            count: 0,
        };
        if raw {
            return (segment, Vec::new());
        }
        let mut text = Vec::with_capacity(strings.max(2));
        text.push(b'[');
        (segment, text)
    }

    /// Empties the segment's tables: strings and numbers.
    fn clear_tables(&mut self) {
        self.arena.clear();
        self.spans.clear();
        self.index.clear();
        self.number_count = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 || self.numbers.len() != NUMBER_SLOTS {
            // The first use, or the generations wrapped: no slot may look current.
            self.numbers.clear();
            self.numbers.resize(NUMBER_SLOTS, (0, 0, 0));
            self.addresses.clear();
            self.addresses.resize(ADDRESS_SLOTS, (0, 0, 0, 0, 0));
            self.generation = 1;
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
    /// The scratch of single values ([`Encoder::single`]), apart: a batch
    /// encoded on this thread leaves a string index of many buckets, which
    /// clearing for every `score` call would cost (it writes every bucket).
    static SINGLE_SCRATCH: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
}

/// Writes values into segments.
pub(crate) struct Encoder {
    done: Vec<Segment>,
    seg: Segment,
    /// The JSON array text of the strings, without its closing bracket.
    strings: Vec<u8>,
    scratch: Box<Scratch>,
    /// Cut segments when their strings pass this many bytes…
    limit: usize,
    /// …or their ops this many.
    ops_limit: usize,
    /// Keep the strings raw, with their lengths, instead of as JSON text.
    raw: bool,
}

impl Encoder {
    #[cfg(test)]
    pub(crate) fn new() -> Encoder {
        Encoder::with_limits(SEGMENT_STRING_BYTES, SEGMENT_OPS)
    }

    /// An encoder that cuts segments at `limit` string bytes or `ops_limit`
    /// ops (tests use small limits).
    pub(crate) fn with_limits(limit: usize, ops_limit: usize) -> Encoder {
        Encoder::make(limit, ops_limit, false)
    }

    fn make(limit: usize, ops_limit: usize, raw: bool) -> Encoder {
        let cell = if raw { &SINGLE_SCRATCH } else { &SCRATCH };
        let mut scratch = cell.with(|cell| cell.take()).unwrap_or_default();
        scratch.clear_tables();
        scratch.keys.clear();
        let (seg, strings) = scratch.segment(raw);
        Encoder {
            done: Vec::new(),
            seg,
            strings,
            scratch,
            limit,
            ops_limit,
            raw,
        }
    }

    /// An encoder for one value that keeps its strings raw (one after the
    /// other, with their UTF-16 lengths) instead of as JSON text: a `score`
    /// call's report then crosses with no JSON escaping here and no
    /// `JSON.parse` in JS, which (with the UTF-8 decoding of the text) was
    /// the largest fixed cost of the call's decode.
    pub(crate) fn single() -> Encoder {
        Encoder::make(SEGMENT_STRING_BYTES, SEGMENT_OPS, true)
    }

    /// Appends one top-level value; starts a new segment after it when the
    /// strings grow too long for one JS string (or the ops too many).
    pub(crate) fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Outcome<()> {
        value.serialize(&mut *self)?;
        self.seg.count += 1;
        if self.strings.len() > self.limit || self.seg.ops.len() > self.ops_limit {
            self.cut(true)?;
        }
        Ok(())
    }

    /// Reserves room for `values` more values like the last ones this
    /// thread encoded (a batch's vectors then grow without copies), within
    /// the segment limits.
    pub(crate) fn expect(&mut self, values: usize) {
        let Some((ops, bytes)) = self.scratch.per_value else {
            return;
        };
        // An eighth more than the average: reports differ in size.
        let room = |per: f64, cap: usize| ((per * values as f64 * 1.125) as usize).min(cap);
        let ops = room(ops, self.ops_limit.min(SEGMENT_OPS));
        let bytes = room(bytes, self.limit.min(SEGMENT_STRING_BYTES));
        self.seg
            .ops
            .reserve_exact(ops.saturating_sub(self.seg.ops.len()));
        self.strings
            .reserve_exact(bytes.saturating_sub(self.strings.len()));
    }

    /// Closes the current segment (and opens the next when `more`).
    fn cut(&mut self, more: bool) -> Outcome<()> {
        if self.seg.count > 0 {
            let count = f64::from(self.seg.count);
            self.scratch.per_value = Some((
                self.seg.ops.len() as f64 / count,
                self.strings.len() as f64 / count,
            ));
        }
        // A single value's ops end with its strings' lengths, where the
        // non-ASCII ones start, and their count.
        let lengths = if self.raw {
            self.scratch.spans.len() + 2
        } else {
            0
        };
        self.scratch.hint = (
            (self.seg.ops.len() + lengths).min(HINT_CAP),
            self.strings.len().min(HINT_CAP) + 1,
        );
        let (next, text) = if more {
            self.scratch.segment(self.raw)
        } else {
            Default::default()
        };
        let mut strings = std::mem::replace(&mut self.strings, text);
        strings.push(b']');
        let mut seg = std::mem::replace(&mut self.seg, next);
        if self.raw {
            // The ASCII strings first, then the others (kept apart in
            // `later`): V8 copies an ASCII run as it is and decodes UTF-8 byte
            // by byte only from the first non-ASCII byte on.
            let scratch = &mut *self.scratch;
            let (arena, spans, later) = (&scratch.arena, &scratch.spans, &mut scratch.later);
            seg.ops.reserve_exact(spans.len() + 2);
            let mut text = String::with_capacity(arena.len());
            later.clear();
            for &(start, end) in spans {
                let s = &arena[start..end];
                if s.is_ascii() {
                    text.push_str(s);
                    seg.ops.push(units(s.len())?);
                } else {
                    later.push_str(s);
                    seg.ops.push(utf16_len(s)? | LATER);
                }
            }
            seg.ops.push(units(text.len())?);
            text.push_str(later);
            seg.strings = text;
            // Below PAYLOAD_LIMIT (checked as the strings were added).
            seg.ops.push(spans.len() as u32);
        } else {
            seg.strings = String::from_utf8(strings)
                .map_err(|e| Failure::Internal(format!("encoding a report: {e}")))?;
        }
        self.scratch.clear_tables();
        self.done.push(seg);
        Ok(())
    }

    /// The segments written.
    pub(crate) fn finish(mut self) -> Outcome<Vec<Segment>> {
        if self.seg.count > 0 || self.done.is_empty() {
            self.cut(false)?;
        }
        let scratch = std::mem::take(&mut self.scratch);
        let cell = if self.raw { &SINGLE_SCRATCH } else { &SCRATCH };
        cell.with(|cell| cell.set(Some(scratch)));
        Ok(self.done)
    }

    fn op(&mut self, tag: Tag, payload: u32) {
        self.seg.ops.push(payload << 4 | tag as u32);
    }

    fn tag(&mut self, tag: Tag) {
        self.op(tag, 0);
    }

    fn uint(&mut self, v: u64) {
        if v < PAYLOAD_LIMIT {
            self.op(Tag::Int, v as u32);
        } else {
            self.num(v as f64);
        }
    }

    fn int(&mut self, v: i64) {
        if v >= 0 {
            self.uint(v as u64);
        } else if v.unsigned_abs() < PAYLOAD_LIMIT {
            self.op(Tag::NegInt, v.unsigned_abs() as u32);
        } else {
            self.num(v as f64);
        }
    }

    fn num(&mut self, v: f64) {
        // A whole number in the payload's range (not -0) is the same JS
        // number as an `Int` op: no words, no boxing in JS.
        // (`as i64` and back, not `fract()`: no libm call; NaN and the
        // infinities do not come back equal.)
        let whole = (v as i64) as f64 == v;
        if whole && v.abs() < PAYLOAD_LIMIT as f64 && (v != 0.0 || v.is_sign_positive()) {
            if v >= 0.0 {
                self.op(Tag::Int, v as u32);
            } else {
                self.op(Tag::NegInt, (-v) as u32);
            }
            return;
        }
        if v.is_finite() {
            let bits = v.to_bits();
            let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 55) as usize % NUMBER_SLOTS;
            let scratch = &mut *self.scratch;
            let (seen, index, generation) = scratch.numbers[slot];
            if generation == scratch.generation && seen == bits {
                self.op(Tag::NumAgain, index);
                return;
            }
            scratch.number_count += 1;
            if u64::from(scratch.number_count) < PAYLOAD_LIMIT {
                scratch.numbers[slot] = (bits, scratch.number_count, scratch.generation);
            }
            let bytes = v.to_ne_bytes();
            let word = |at: usize| {
                u32::from_ne_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
            };
            let (low, high) = (word(0), word(4));
            self.tag(Tag::Num);
            self.seg.ops.extend_from_slice(&[low, high]);
        } else {
            // serde_json writes NaN and ±infinity as null.
            self.tag(Tag::Null);
        }
    }

    /// Writes a string op; each distinct string goes to the table once (a
    /// hash collision only costs a second copy).
    fn string(&mut self, s: &str) -> Res {
        let scratch = &mut *self.scratch;
        let address = s.as_ptr() as usize;
        let slot = (address.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) % ADDRESS_SLOTS;
        // (Arena offsets and lengths past u32 never match: the slot is only
        // filled when both fit.)
        let (at, len, index, start, generation) = scratch.addresses[slot];
        if generation == scratch.generation && at == address && len as usize == s.len() {
            let start = start as usize;
            if scratch.arena.as_bytes().get(start..start + s.len()) == Some(s.as_bytes()) {
                self.op(Tag::Str, index);
                return Ok(());
            }
        }
        let hash = FxBuildHasher.hash_one(s);
        if let Some(&(index, start, end)) = scratch.index.get(&hash) {
            if &scratch.arena[start..end] == s {
                if let (Ok(len), Ok(start)) = (u32::try_from(s.len()), u32::try_from(start)) {
                    scratch.addresses[slot] = (address, len, index, start, scratch.generation);
                }
                self.op(Tag::Str, index);
                return Ok(());
            }
        }
        let index = scratch.spans.len() as u64;
        if index >= PAYLOAD_LIMIT {
            return Err(TapeError("too many distinct strings".into()));
        }
        let index = index as u32;
        let start = scratch.arena.len();
        scratch.arena.push_str(s);
        let end = scratch.arena.len();
        scratch.spans.push((start, end));
        scratch.index.entry(hash).or_insert((index, start, end));
        if let (Ok(len), Ok(start)) = (u32::try_from(s.len()), u32::try_from(start)) {
            scratch.addresses[slot] = (address, len, index, start, scratch.generation);
        }
        if self.raw {
            self.op(Tag::Str, index);
            return Ok(());
        }
        if index > 0 {
            self.strings.push(b',');
        }
        serde_json::to_writer(&mut self.strings, s).map_err(|e| TapeError(e.to_string()))?;
        self.op(Tag::Str, index);
        Ok(())
    }

    /// Writes a static string's op: found by its address (a `&'static str`
    /// never moves or changes), sent to JS once per environment.
    fn static_string(&mut self, text: &'static str) -> Res {
        let key = (text.as_ptr() as usize, text.len());
        let id = match self.scratch.statics.get(&key) {
            Some(&id) => id,
            None => {
                let id = register_static(text)?;
                self.scratch.statics.insert(key, id);
                id
            }
        };
        self.op(Tag::Static, id);
        Ok(())
    }

    fn shape_id(&mut self, name: &'static str, mark: usize) -> Res<u32> {
        let scratch = &mut *self.scratch;
        let keys = &scratch.keys[mark..];
        // The names come from serde's derives: the same `&'static str` each
        // time, so the shapes seen are found by the address of the name and
        // the addresses of the keys (no hashing or memcmp of the texts).
        let same = |known: &[&str]| {
            known.len() == keys.len() && known.iter().zip(keys).all(|(a, b)| std::ptr::eq(*a, *b))
        };
        let name_key = (name.as_ptr() as usize, name.len());
        // First the slot of this name and field count (no hashing).
        let slot = ((name_key.0 >> 3) ^ keys.len()) % RECENT_SHAPES;
        if let Some((at, known, id)) = scratch.recent.get(slot) {
            if *at == name_key && same(known) {
                return Ok(*id);
            }
        }
        let seen = scratch.shapes.entry(name_key).or_default();
        let id = match seen.iter().find(|(k, _)| same(k)) {
            Some(&(_, id)) => id,
            None => {
                // New addresses (or a new shape): the registry's id (found
                // by the texts), remembered for these addresses.
                let id = register(name, keys)?;
                seen.push((keys.to_vec(), id));
                id
            }
        };
        if scratch.recent.len() < RECENT_SHAPES {
            scratch
                .recent
                .resize(RECENT_SHAPES, ((0, 0), Vec::new(), 0));
        }
        // (The keys' vector is reused: two shapes that share a slot cost a
        // copy of their keys, not an allocation, each time they alternate.)
        let recent = &mut scratch.recent[slot];
        recent.0 = name_key;
        recent.1.clear();
        recent.1.extend_from_slice(keys);
        recent.2 = id;
        Ok(id)
    }
}

/// The flag of a raw string's length (a single value's) when the string is
/// in the second part of the text, after the ASCII strings.
const LATER: u32 = 1 << 31;

/// The length of `s` in UTF-16 units (below [`LATER`]).
fn utf16_len(s: &str) -> Res<u32> {
    let count = if s.is_ascii() {
        // Most strings (a word-at-a-time check).
        s.len()
    } else {
        // One unit per char (every byte but continuation bytes starts one), two
        // above U+FFFF (a four-byte char, lead byte 0xF0 or more): a byte loop
        // the compiler vectorizes, unlike `chars()`.
        s.bytes()
            .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
            .sum::<usize>()
    };
    units(count)
}

/// A count of UTF-16 units as a raw string length (below [`LATER`]).
fn units(units: usize) -> Res<u32> {
    u32::try_from(units)
        .ok()
        .filter(|&units| units < LATER)
        .ok_or_else(|| TapeError("a string too long for JS".into()))
}

/// An open struct: its op is written when its fields are known.
pub(crate) struct Struct<'a> {
    enc: &'a mut Encoder,
    name: &'static str,
    /// Index of its op.
    at: usize,
    /// Where its field names start in `enc.keys`.
    mark: usize,
    /// A struct variant: close the `{variant: …}` wrapper too.
    variant: bool,
}

impl Struct<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.enc.scratch.keys.push(key);
        value.serialize(&mut *self.enc)
    }

    fn close(self) -> Res {
        let id = self.enc.shape_id(self.name, self.mark)?;
        self.enc.scratch.keys.truncate(self.mark);
        self.enc.seg.ops[self.at] = id << 4 | Tag::Struct as u32;
        if self.variant {
            self.enc.tag(Tag::End);
        }
        Ok(())
    }
}

/// An open array or map; `wrapped` also closes a `{variant: …}` wrapper.
/// An array's op becomes `Items` with its length (JS allocates it at its
/// size); a map (or an array too long for a payload) ends with an `End` op.
pub(crate) struct Open<'a> {
    enc: &'a mut Encoder,
    wrapped: bool,
    /// Index of an array's op (`None` for a map).
    at: Option<usize>,
    items: u64,
}

impl<'a> Open<'a> {
    fn array(enc: &'a mut Encoder, wrapped: bool) -> Open<'a> {
        let at = Some(enc.seg.ops.len());
        enc.tag(Tag::Array);
        Open {
            enc,
            wrapped,
            at,
            items: 0,
        }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.items += 1;
        value.serialize(&mut *self.enc)
    }

    fn close(self) -> Res {
        match self.at {
            Some(at) if self.items < PAYLOAD_LIMIT => {
                self.enc.seg.ops[at] = (self.items as u32) << 4 | Tag::Items as u32;
            }
            _ => self.enc.tag(Tag::End),
        }
        if self.wrapped {
            self.enc.tag(Tag::End);
        }
        Ok(())
    }
}

impl<'a> Serializer for &'a mut Encoder {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = Open<'a>;
    type SerializeTuple = Open<'a>;
    type SerializeTupleStruct = Open<'a>;
    type SerializeTupleVariant = Open<'a>;
    type SerializeMap = Open<'a>;
    type SerializeStruct = Struct<'a>;
    type SerializeStructVariant = Struct<'a>;

    fn serialize_bool(self, v: bool) -> Res {
        self.tag(if v { Tag::True } else { Tag::False });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Res {
        self.int(v.into());
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Res {
        self.int(v.into());
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Res {
        self.int(v.into());
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Res {
        self.int(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Res {
        self.num(v as f64);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Res {
        self.uint(v.into());
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Res {
        self.uint(v.into());
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Res {
        self.uint(v.into());
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Res {
        self.uint(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Res {
        self.num(v as f64);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Res {
        // JSON has the f32's shortest decimal form, which JS reads as an f64.
        let wide = if v.is_finite() {
            v.to_string().parse::<f64>().unwrap_or(f64::from(v))
        } else {
            f64::NAN
        };
        self.num(wide);
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Res {
        self.num(v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Res {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Res {
        self.string(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Res {
        self.tag(Tag::Array);
        for &b in v {
            self.uint(b.into());
        }
        self.tag(Tag::End);
        Ok(())
    }

    fn serialize_none(self) -> Res {
        self.tag(Tag::Null);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Res {
        self.tag(Tag::Null);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        self.tag(Tag::Null);
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Res {
        self.static_string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Res {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.tag(Tag::Map);
        self.string(variant)?;
        value.serialize(&mut *self)?;
        self.tag(Tag::End);
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Res<Open<'a>> {
        Ok(Open::array(self, false))
    }

    fn serialize_tuple(self, len: usize) -> Res<Open<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Res<Open<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Res<Open<'a>> {
        self.tag(Tag::Map);
        self.string(variant)?;
        Ok(Open::array(self, true))
    }

    fn serialize_map(self, _len: Option<usize>) -> Res<Open<'a>> {
        self.tag(Tag::Map);
        Ok(Open {
            enc: self,
            wrapped: false,
            at: None,
            items: 0,
        })
    }

    fn serialize_struct(self, name: &'static str, _len: usize) -> Res<Struct<'a>> {
        let at = self.seg.ops.len();
        self.tag(Tag::Struct);
        let mark = self.scratch.keys.len();
        Ok(Struct {
            enc: self,
            name,
            at,
            mark,
            variant: false,
        })
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Res<Struct<'a>> {
        self.tag(Tag::Map);
        self.string(variant)?;
        let mut open = self.serialize_struct(variant, len)?;
        open.variant = true;
        Ok(open)
    }
}

macro_rules! elements {
    ($($trait:ident :: $method:ident;)*) => {$(
        impl $trait for Open<'_> {
            type Ok = ();
            type Error = TapeError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
                self.item(value)
            }

            fn end(self) -> Res {
                self.close()
            }
        }
    )*};
}

elements! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
}

impl SerializeMap for Open<'_> {
    type Ok = ();
    type Error = TapeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        key.serialize(MapKey(&mut *self.enc))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        value.serialize(&mut *self.enc)
    }

    fn end(self) -> Res {
        self.close()
    }
}

impl SerializeStruct for Struct<'_> {
    type Ok = ();
    type Error = TapeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }

    fn end(self) -> Res {
        self.close()
    }
}

impl SerializeStructVariant for Struct<'_> {
    type Ok = ();
    type Error = TapeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }

    fn end(self) -> Res {
        self.close()
    }
}

/// Map keys: strings, or integers written as their decimal text, as
/// serde_json accepts them.
struct MapKey<'a>(&'a mut Encoder);

fn key_must_be_a_string() -> TapeError {
    TapeError("key must be a string".into())
}

macro_rules! integer_keys {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, v: $ty) -> Res {
            self.0.string(&v.to_string())
        }
    )*};
}

macro_rules! refused_keys {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, _v: $ty) -> Res {
            Err(key_must_be_a_string())
        }
    )*};
}

impl Serializer for MapKey<'_> {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = ser::Impossible<(), TapeError>;
    type SerializeTuple = ser::Impossible<(), TapeError>;
    type SerializeTupleStruct = ser::Impossible<(), TapeError>;
    type SerializeTupleVariant = ser::Impossible<(), TapeError>;
    type SerializeMap = ser::Impossible<(), TapeError>;
    type SerializeStruct = ser::Impossible<(), TapeError>;
    type SerializeStructVariant = ser::Impossible<(), TapeError>;

    integer_keys! {
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
    }

    refused_keys! {
        serialize_bool(bool);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_bytes(&[u8]);
    }

    fn serialize_char(self, v: char) -> Res {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Res {
        self.0.string(v)
    }

    fn serialize_none(self) -> Res {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Res {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Res {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Res {
        self.0.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Res {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Res {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Res<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Res<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Res<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Res<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;
    use crate::reference::to_json;

    /// JSON text (serde_json's) with the numbers as JS has them: a whole
    /// number written `N.0` is the same JS number as `N` (-0.0 stays).
    fn js_numbers(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let (mut in_string, mut escaped) = (false, false);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if in_string {
                out.push(c);
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            if c == '-' || c.is_ascii_digit() {
                let mut number = String::from(c);
                while let Some(&d) = chars.peek() {
                    if !(d.is_ascii_digit() || matches!(d, '.' | 'e' | 'E' | '+' | '-')) {
                        break;
                    }
                    number.push(d);
                    chars.next();
                }
                match number.strip_suffix(".0") {
                    Some(whole) if whole != "-0" && !whole.contains(['e', 'E']) => {
                        out.push_str(whole)
                    }
                    _ => out.push_str(&number),
                }
                continue;
            }
            in_string = c == '"';
            out.push(c);
        }
        out
    }

    /// The reference JSON of `value`, numbers as JS has them.
    fn expected_json<T: Serialize + ?Sized>(value: &T) -> String {
        js_numbers(&to_json(value).unwrap())
    }

    /// What `decode.js` does, as JSON text (serde_json's number format).
    struct Reader<'a> {
        seg: &'a Segment,
        strings: Vec<String>,
        shapes: &'a [Vec<String>],
        o: usize,
        /// The segment's `Num` values so far (what `NumAgain` indexes, from 1).
        numbers: Vec<f64>,
        statics: &'a [String],
    }

    impl Reader<'_> {
        fn value(&mut self, out: &mut String) {
            let op = self.seg.ops[self.o];
            self.o += 1;
            let payload = (op >> 4) as usize;
            match op & 15 {
                0 => {
                    let number = number_at(&self.seg.ops, self.o);
                    out.push_str(&serde_json::to_string(&number).unwrap());
                    self.numbers.push(number);
                    self.o += 2;
                }
                12 => {
                    let number = self.numbers[payload - 1];
                    out.push_str(&serde_json::to_string(&number).unwrap());
                }
                13 => out.push_str(&serde_json::to_string(&self.statics[payload]).unwrap()),
                1 => out.push_str(&payload.to_string()),
                10 => out.push_str(&format!("-{payload}")),
                11 => {
                    out.push('[');
                    for i in 0..payload {
                        if i > 0 {
                            out.push(',');
                        }
                        self.value(out);
                    }
                    out.push(']');
                }
                2 => out.push_str(&serde_json::to_string(&self.strings[payload]).unwrap()),
                3 => out.push_str("null"),
                4 => out.push_str("false"),
                5 => out.push_str("true"),
                6 | 8 => {
                    let map = op & 15 == 8;
                    out.push(if map { '{' } else { '[' });
                    let mut first = true;
                    while self.seg.ops[self.o] != Tag::End as u32 {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        self.value(out);
                        if map {
                            out.push(':');
                            self.value(out);
                        }
                    }
                    self.o += 1;
                    out.push(if map { '}' } else { ']' });
                }
                7 => {
                    let keys = &self.shapes[payload];
                    out.push('{');
                    for (i, key) in keys.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&serde_json::to_string(key).unwrap());
                        out.push(':');
                        self.value(out);
                    }
                    out.push('}');
                }
                tag => panic!("bad tag {tag}"),
            }
        }
    }

    /// The number of a `Num` op whose words start at `ops[at]`.
    fn number_at(ops: &[u32], at: usize) -> f64 {
        let mut bytes = [0; 8];
        bytes[..4].copy_from_slice(&ops[at].to_ne_bytes());
        bytes[4..].copy_from_slice(&ops[at + 1].to_ne_bytes());
        f64::from_ne_bytes(bytes)
    }

    /// The numbers of the `Num` ops of a segment of scalars.
    fn numbers(seg: &Segment) -> Vec<f64> {
        let mut out = Vec::new();
        let mut o = 0;
        while o < seg.ops.len() {
            if seg.ops[o] & 15 == Tag::Num as u32 {
                out.push(number_at(&seg.ops, o + 1));
                o += 2;
            }
            o += 1;
        }
        out
    }

    /// The UTF-16 lengths of a raw segment's strings, with the [`LATER`]
    /// flag of the non-ASCII ones (the end of its ops, before the start of
    /// the non-ASCII part and the count).
    fn lengths(seg: &Segment) -> &[u32] {
        let count = *seg.ops.last().expect("a raw segment ends with its count") as usize;
        &seg.ops[seg.ops.len() - 2 - count..seg.ops.len() - 2]
    }

    /// The values of the segments, as JSON texts.
    fn read(segments: &[Segment]) -> Vec<String> {
        let shapes: Vec<Vec<String>> =
            serde_json::from_str(&shapes_json(0, shape_count())).unwrap();
        let statics: Vec<String> = serde_json::from_str(&statics_json(0, static_count())).unwrap();
        let mut out = Vec::new();
        for seg in segments {
            let strings = match seg.raw.then(|| lengths(seg)) {
                // Raw strings: cut the text at the UTF-16 lengths, as decode.js does.
                Some(lengths) => {
                    let units: Vec<u16> = seg.strings.encode_utf16().collect();
                    let split = seg.ops[seg.ops.len() - 2] as usize;
                    let (mut at, mut later) = (0, split);
                    let strings = lengths
                        .iter()
                        .map(|&len| {
                            let cursor = if len & LATER == 0 {
                                &mut at
                            } else {
                                &mut later
                            };
                            let start = *cursor;
                            *cursor += (len & !LATER) as usize;
                            String::from_utf16(&units[start..*cursor]).unwrap()
                        })
                        .collect();
                    assert_eq!(at, split, "the lengths cover the ASCII part");
                    assert_eq!(later, units.len(), "the lengths cover the text");
                    strings
                }
                None => serde_json::from_str(&seg.strings).unwrap(),
            };
            let mut reader = Reader {
                seg,
                strings,
                shapes: &shapes,
                o: 0,
                numbers: Vec::new(),
                statics: &statics,
            };
            for _ in 0..seg.count {
                let mut text = String::new();
                reader.value(&mut text);
                out.push(js_numbers(&text));
            }
            let tape = if seg.raw {
                seg.ops.len() - 2 - lengths(seg).len()
            } else {
                seg.ops.len()
            };
            assert_eq!(reader.o, tape, "every op read");
        }
        out
    }

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Wrapped(u8),
        Pair(i32, &'static str),
        Shaped { follow_up: Option<f64> },
    }

    #[derive(Serialize)]
    struct Inner {
        match_index: Option<u32>,
        value: f64,
    }

    #[derive(Serialize)]
    struct Sample {
        score: f64,
        small: f32,
        negative: i64,
        zero: f64,
        flags: Vec<&'static str>,
        inner_list: Vec<Inner>,
        counts: BTreeMap<u32, &'static str>,
        named: BTreeMap<String, bool>,
        kinds: Vec<Kind>,
        text: String,
        letter: char,
        nothing: (),
        tuple: (u8, String),
        not_a_number: f64,
        infinite: f32,
    }

    fn sample(i: u32) -> Sample {
        Sample {
            score: 1.5499999999999998 * f64::from(i),
            small: 0.1,
            negative: -3 - i64::from(i),
            zero: -0.0,
            flags: vec!["policy_wall", "non_apology", "policy_wall"],
            inner_list: vec![
                Inner {
                    match_index: None,
                    value: -0.4,
                },
                Inner {
                    match_index: Some(i),
                    value: 0.9,
                },
            ],
            counts: BTreeMap::from([(7, "seven"), (i + 100, "more")]),
            named: BTreeMap::from([("__proto__".to_string(), true), ("b_c".into(), false)]),
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(4),
                Kind::Pair(-1, "x"),
                Kind::Shaped {
                    follow_up: Some(2.0),
                },
            ],
            text: format!("“quoted” \"{i}\" \\ \u{1} 😀 é"),
            letter: 'ß',
            nothing: (),
            tuple: (255, "t".into()),
            not_a_number: f64::NAN,
            infinite: f32::INFINITY,
        }
    }

    #[test]
    fn the_tape_reads_back_as_the_reference_json() {
        let mut encoder = Encoder::new();
        for i in 0..3 {
            encoder.push(&sample(i)).unwrap();
        }
        let segments = encoder.finish().unwrap();
        assert_eq!(segments.len(), 1);
        let expected: Vec<String> = (0..3).map(|i| expected_json(&sample(i))).collect();
        assert_eq!(read(&segments), expected);
        // Each distinct string once per segment.
        let strings: Vec<String> = serde_json::from_str(&segments[0].strings).unwrap();
        let distinct: std::collections::HashSet<&String> = strings.iter().collect();
        assert_eq!(distinct.len(), strings.len());
    }

    #[test]
    fn a_single_value_keeps_its_strings_raw_and_reads_back_as_the_reference_json() {
        for i in 0..3 {
            let mut encoder = Encoder::single();
            encoder.push(&sample(i)).unwrap();
            let segments = encoder.finish().unwrap();
            assert_eq!(segments.len(), 1);
            assert!(segments[0].raw);
            let units: u32 = lengths(&segments[0]).iter().map(|n| n & !LATER).sum();
            assert_eq!(units as usize, segments[0].strings.encode_utf16().count());
            assert_eq!(read(&segments), vec![expected_json(&sample(i))]);
        }
        // Astral and non-ASCII strings are cut at UTF-16 lengths, not bytes.
        let words = ["😀 a", "é", "", "\"quoted\"\n", "😀 a", "𝄞𝄞"];
        let mut encoder = Encoder::single();
        encoder.push(&words).unwrap();
        let segments = encoder.finish().unwrap();
        // The non-ASCII strings are flagged and come after the ASCII ones.
        assert_eq!(
            lengths(&segments[0]),
            [4 | LATER, 1 | LATER, 0, 9, 4 | LATER]
        );
        assert_eq!(segments[0].strings, "\"quoted\"\n😀 aé𝄞𝄞");
        assert_eq!(read(&segments), vec![expected_json(&words)]);
        // An ASCII value keeps its strings in order.
        let words = ["b", "a", "", "c"];
        let mut encoder = Encoder::single();
        encoder.push(&words).unwrap();
        let segments = encoder.finish().unwrap();
        assert_eq!(lengths(&segments[0]), [1, 1, 0, 1]);
        assert_eq!(segments[0].strings, "bac");
        assert_eq!(read(&segments), vec![expected_json(&words)]);
    }

    #[test]
    fn a_string_at_a_known_address_with_another_text_is_a_new_string() {
        // The address cache of `string`: the same buffer (address and
        // length) with another text, as a freed report's string whose memory
        // the next report reuses, must not be taken for the first text.
        for single in [false, true] {
            let mut encoder = if single {
                Encoder::single()
            } else {
                Encoder::new()
            };
            let mut text = String::from("sorry");
            let address = text.as_ptr();
            let mut expected = Vec::new();
            for next in ["sorry", "worry", "sorry", "thank", "worry"] {
                text.replace_range(.., next);
                assert_eq!(text.as_ptr(), address);
                let value = (&*text, &*text, "sorry");
                encoder.push(&value).unwrap();
                expected.push(expected_json(&value));
                if single {
                    let segments = std::mem::replace(&mut encoder, Encoder::single())
                        .finish()
                        .unwrap();
                    assert_eq!(read(&segments), expected);
                    expected.clear();
                }
            }
            if !single {
                let segments = encoder.finish().unwrap();
                assert_eq!(read(&segments), expected);
                let strings: Vec<String> = serde_json::from_str(&segments[0].strings).unwrap();
                assert_eq!(strings, ["sorry", "worry", "thank"]);
            }
        }
    }

    #[test]
    fn utf16_lengths_count_units_not_bytes_or_chars() {
        for s in [
            "",
            "plain ascii",
            "é",
            "I’m — sorry",
            "😀",
            "a😀b𝄞",
            "我很抱歉",
            "\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
        ] {
            assert_eq!(
                utf16_len(s).unwrap() as usize,
                s.encode_utf16().count(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn large_integers_become_the_nearest_double() {
        let mut encoder = Encoder::new();
        encoder
            .push(&[u64::MAX, (1 << 53) + 1, 1 << 28, (1 << 28) - 1])
            .unwrap();
        encoder
            .push(&[i64::MIN, -(1 << 28), 1 - (1 << 28)])
            .unwrap();
        let segments = encoder.finish().unwrap();
        let seg = &segments[0];
        assert_eq!(
            numbers(seg),
            vec![
                u64::MAX as f64,
                9007199254740992.0,
                268435456.0,
                i64::MIN as f64,
                -268435456.0
            ]
        );
        // Each number is an op and its two words.
        assert_eq!(seg.ops[10], ((1 << 28) - 1) << 4 | Tag::Int as u32);
        assert_eq!(seg.ops[18], ((1 << 28) - 1) << 4 | Tag::NegInt as u32);
    }

    #[test]
    fn numbers_cross_inline_bit_for_bit() {
        let values = [
            -0.0,
            0.1,
            -1.5e-300,
            f64::MIN_POSITIVE / 4.0,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            std::f64::consts::PI,
        ];
        let mut encoder = Encoder::new();
        encoder.push(&values).unwrap();
        let segments = encoder.finish().unwrap();
        // The array's op, then an op and two words per number.
        assert_eq!(segments[0].ops.len(), 1 + 3 * values.len());
        let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&numbers(&segments[0])), bits(&values));
    }

    #[test]
    fn whole_numbers_are_integers_and_numbers_seen_again_are_indexed() {
        let values = [0.25, 1.0, -2.0, -0.0, 0.25, 0.25, 3.5, 0.0, 3.5];
        let mut encoder = Encoder::with_limits(usize::MAX, 8);
        encoder.push(&values).unwrap();
        encoder.push(&values[..1]).unwrap();
        let segments = encoder.finish().unwrap();
        let tags = |seg: &Segment| {
            let mut out = Vec::new();
            let mut o = 0;
            while o < seg.ops.len() {
                out.push((seg.ops[o] & 15, seg.ops[o] >> 4));
                o += if seg.ops[o] & 15 == Tag::Num as u32 {
                    3
                } else {
                    1
                };
            }
            out
        };
        let (num, int, neg, again) = (0, Tag::Int as u32, Tag::NegInt as u32, 12);
        // 1.0, -2.0 and 0.0 are integers; -0 is a number (its sign); 0.25
        // and 3.5 cross once, then by their index among the segment's numbers.
        assert_eq!(
            tags(&segments[0]),
            [
                (Tag::Items as u32, 9),
                (num, 0),
                (int, 1),
                (neg, 2),
                (num, 0),
                (again, 1),
                (again, 1),
                (num, 0),
                (int, 0),
                (again, 3),
            ]
        );
        // A new segment has a table of its own.
        assert_eq!(segments.len(), 2);
        assert_eq!(tags(&segments[1]), [(Tag::Items as u32, 1), (num, 0)]);
        assert_eq!(
            read(&segments),
            vec![expected_json(&values), expected_json(&values[..1])]
        );
        let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&numbers(&segments[0])), bits(&[0.25, -0.0, 3.5]));
    }

    #[test]
    fn segments_are_cut_at_the_string_and_op_limits() {
        for (limit, ops_limit) in [(64, usize::MAX), (usize::MAX, 100)] {
            let mut encoder = Encoder::with_limits(limit, ops_limit);
            for i in 0..20 {
                encoder.push(&sample(i)).unwrap();
            }
            let segments = encoder.finish().unwrap();
            assert!(segments.len() > 5, "{} segments", segments.len());
            assert_eq!(segments.iter().map(|s| s.count).sum::<u32>(), 20);
            let expected: Vec<String> = (0..20).map(|i| expected_json(&sample(i))).collect();
            assert_eq!(read(&segments), expected);
        }
    }

    #[test]
    fn map_keys_must_be_strings_or_integers() {
        let mut encoder = Encoder::new();
        let bad = BTreeMap::from([(vec![1u8], 1u8)]);
        assert!(
            matches!(encoder.push(&bad), Err(Failure::Internal(m)) if m.contains("key must be a string"))
        );
        assert!(to_json(&bad).is_err(), "the JSON path refuses it too");
    }

    /// A struct whose name and field name are given at run time (leaked, so
    /// `&'static str` at addresses of our choosing).
    struct Named {
        name: &'static str,
        key: &'static str,
    }

    impl Serialize for Named {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut open = serializer.serialize_struct(self.name, 1)?;
            open.serialize_field(self.key, &1u8)?;
            open.end()
        }
    }

    fn leak(text: &str) -> &'static str {
        Box::leak(text.to_string().into_boxed_str())
    }

    #[test]
    fn shapes_are_found_by_text_whatever_the_address_of_the_names() {
        let shape_of = |named: &Named| {
            let mut encoder = Encoder::new();
            encoder.push(named).unwrap();
            encoder.finish().unwrap()[0].ops[0] >> 4
        };
        let first = shape_of(&Named {
            name: "AddressTest",
            key: "some_field",
        });
        // The same texts at other addresses: the same shape, first found by
        // text then (remembered) by address.
        let copy = Named {
            name: leak("AddressTest"),
            key: leak("some_field"),
        };
        assert_eq!(shape_of(&copy), first);
        assert_eq!(shape_of(&copy), first);
        // Another field name or struct name: another shape.
        let other_key = shape_of(&Named {
            name: "AddressTest",
            key: leak("other_field"),
        });
        let other_name = shape_of(&Named {
            name: leak("AddressTest2"),
            key: "some_field",
        });
        assert_ne!(other_key, first);
        assert_ne!(other_name, first);
        assert_ne!(other_name, other_key);
        let shapes: Vec<Vec<String>> =
            serde_json::from_str(&shapes_json(0, shape_count())).unwrap();
        assert_eq!(shapes[first as usize], ["someField"]);
        assert_eq!(shapes[other_key as usize], ["otherField"]);
    }

    #[test]
    fn reserving_for_a_known_count_changes_nothing_but_capacity() {
        let encode = |expect: bool| {
            let mut encoder = Encoder::new();
            if expect {
                encoder.expect(50);
            }
            for i in 0..50 {
                encoder.push(&sample(i)).unwrap();
            }
            encoder.finish().unwrap()
        };
        // The first run on this thread teaches the per-value sizes.
        let plain = encode(false);
        let reserved = encode(true);
        assert_eq!(read(&reserved), read(&plain));
        assert_eq!(reserved[0].ops, plain[0].ops);
        assert_eq!(reserved[0].strings, plain[0].strings);
        // Room for the 50 values was made up front (an eighth more than the
        // average), so the vectors did not grow past it.
        assert!(reserved[0].ops.capacity() >= plain[0].ops.len());
        assert!(reserved[0].ops.capacity() <= plain[0].ops.len() * 5 / 4 + 16);
        // Within the op limit of the encoder.
        let mut small = Encoder::with_limits(usize::MAX, 100);
        let before = small.seg.ops.capacity().max(200);
        small.expect(1_000_000);
        assert!(small.seg.ops.capacity() <= before);
    }

    #[test]
    fn an_empty_encoder_gives_one_empty_segment() {
        let segments = Encoder::new().finish().unwrap();
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].count, 0);
        assert_eq!(segments[0].strings, "[]");
    }

    #[test]
    fn single_values_keep_a_scratch_of_their_own() {
        // A batch with many distinct strings grows this thread's batch index…
        let mut batch = Encoder::new();
        let texts: Vec<String> = (0..5000).map(|i| format!("s{i}")).collect();
        batch.push(&texts).unwrap();
        assert!(batch.scratch.index.capacity() >= 5000);
        batch.finish().unwrap();
        // …which a single value does not clear (and so write) at every call.
        let mut single = Encoder::single();
        assert!(single.scratch.index.capacity() < 1000);
        single.push(&texts[..10]).unwrap();
        single.finish().unwrap();
        let batch = Encoder::new();
        assert!(
            batch.scratch.index.capacity() >= 5000,
            "the batch scratch is reused"
        );
        assert!(batch.scratch.index.is_empty());
    }
}
