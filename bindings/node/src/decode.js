// The JS half of the report transfer (see transport.rs): turns the op tape
// that the Rust encoder writes into plain objects, as `JSON.parse` of the
// core's serde JSON (camelCase fields) would. Compiled once per Node
// environment (main thread, each worker) by `napi_run_script`; this
// expression evaluates to the `decode` function.
//
// A segment is three values: `ops` (a Uint32Array the encoder's vector is
// copied into; for the first segment of a call, an array reused from call
// to call whose first `length` entries are the segment's: one op per value, `payload << 4 | tag`; a number that is
// not a small integer is its op then the two words of its f64 the first time
// in the segment, one NUM_AGAIN op after that), `strings`
// (the JSON text of an array of the segment's distinct strings) and `count`
// (how many top-level values). A single value (`single`: a `score` call) has
// its strings raw instead, one after the other in `strings` (the ASCII ones
// first), and its ops end with their lengths in UTF-16 units, where the
// non-ASCII ones start, then their count (no JSON.parse; tape.rs
// `Encoder::single`). Struct objects are built by one generated builder
// per shape (a copy of a template object with the field names in serde
// order, then its fields set), so every report of a kind has the same
// hidden class and the keys come out in the order `JSON.parse` gives.
;(function () {
  'use strict'
  // Tags: the low four bits of an op (tape.rs `Tag`).
  const NUM = 0 // the next two ops are the words of an f64
  const INT = 1 // the payload is the number (an integer below 2^28)
  const STR = 2 // the payload indexes the segment's strings
  const NULL = 3
  const FALSE = 4
  const TRUE = 5
  const ARRAY = 6 // values until END
  const STRUCT = 7 // the payload is a shape id; one value per field follows
  const MAP = 8 // key, value pairs until END
  const END = 9
  const NEG_INT = 10 // the payload is minus the number
  const ITEMS = 11 // an array of `payload` values
  const NUM_AGAIN = 12 // the payload indexes the segment's numbers (its NUM ops, from 1)
  const STATIC = 13 // the payload indexes `statics`

  // A single value's raw string lengths: the flag of a non-ASCII string's.
  const LATER = 2 ** 31

  // Taken once, so that later changes to these globals do not reach the decoder.
  const parse = JSON.parse
  const defineProperty = Object.defineProperty
  /** Object builders by shape id. */
  const shapes = []
  /**
   * By shape id: a function that reads an array of `n` values whose first
   * is a struct of that shape (null without code generation).
   */
  const lists = []
  /** The static strings (enum variant names) by id, kept for every call. */
  const statics = []
  // A number's two words go in `words`, and `number` reads them as an f64
  // (same bytes, same order as the encoder's).
  const number = new Float64Array(1)
  const words = new Uint32Array(number.buffer)
  // The decoding state, shared with the generated object builders: the
  // segment's ops, strings and numbers (the values of its NUM ops, in order
  // from index 1, as tagged values: a number seen again is the same boxed
  // number, not a new one), and the next op.
  const S = { ops: null, strings: null, numbers: null, o: 0 }

  function value() {
    return take(S.ops[S.o++])
  }

  /** The value that starts with `op` (already read; `S.o` is past it). */
  function take(op) {
    switch (op & 15) {
      case NUM: {
        const ops = S.ops
        const o = S.o
        words[0] = ops[o]
        words[1] = ops[o + 1]
        S.o = o + 2
        const numbers = S.numbers
        const at = numbers.length
        numbers[at] = number[0]
        // Read back: the boxed number in the table, not a second one.
        return numbers[at]
      }
      case NUM_AGAIN:
        return S.numbers[op >>> 4]
      case INT:
        return op >>> 4
      case NEG_INT:
        return -(op >>> 4)
      case STR:
        return S.strings[op >>> 4]
      case STATIC:
        return statics[op >>> 4]
      case NULL:
        return null
      case FALSE:
        return false
      case TRUE:
        return true
      case ARRAY: {
        const array = []
        while (S.ops[S.o] !== END) array[array.length] = value()
        S.o++
        return array
      }
      case ITEMS: {
        const length = op >>> 4
        // An array of structs (most are: matches, evidence, …): the list
        // reader of the first one's shape, where the call of its builder
        // is to one known function (here, to any shape's).
        if (length !== 0) {
          const first = S.ops[S.o]
          if ((first & 15) === STRUCT) {
            const list = lists[first >>> 4]
            if (list !== null) return list(length)
          }
        }
        // Allocated at its size (as JSON.parse does), except very long ones,
        // which `new Array(n)` would make sparse.
        const array = length <= 1024 ? new Array(length) : []
        for (let i = 0; i < length; i++) array[i] = value()
        return array
      }
      case STRUCT:
        return shapes[op >>> 4]()
      case MAP: {
        const map = {}
        while (S.ops[S.o] !== END) {
          const key = value()
          const item = value()
          // As JSON.parse: an own property, even for "__proto__".
          if (key === '__proto__') defineProperty(map, key, { value: item, writable: true, enumerable: true, configurable: true })
          else map[key] = item
        }
        S.o++
        return map
      }
    }
    throw new Error(`empathize: corrupt report transfer (op ${op} at ${S.o - 1})`)
  }

  /**
   * `[build, list]` for the shape `id` with these keys. `build` makes an
   * object with these keys, in this order: a copy (`{ ...template }`) of a
   * template object with the keys and null values, then each field set,
   * its most common ops (integers, strings, static strings, numbers seen
   * before, false) read inline with the op index in a local, a nested
   * struct by its builder, the others through `take`. `list(n)` reads an
   * array of `n` values whose first is a struct of this shape.
   *
   * Not an object literal: V8 tracks an object literal's allocations by
   * site and, once a scavenge finds most of a site's objects alive (as in
   * the middle of a batch, or just after one, while the caller still holds
   * it), makes the site's objects in the old generation from then on: the
   * reports of every later batch then went straight to the old generation
   * and were freed only by mark-compacts (one every 5-10 batches of 2,714
   * replies on the event loop, `scoreManyAsync`, instead of scavenges). A
   * copy of an object has no allocation site. The template's fields hold
   * null first, so the fields of the hidden class are tagged, not doubles: a
   * zero or a small integer is stored in the object (a double field boxes
   * every number; a report's 13 dimensions are mostly 0) and a number seen
   * before is the boxed number of the segment's table. The fields are the
   * copy's own properties when they are set, so no setter on
   * Object.prototype is called (as with JSON.parse, which defines them), and
   * the template comes from JSON.parse, so a key "__proto__" is an own
   * property too.
   */
  function shape(keys, id) {
    const field = (key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `object.${key}` : `object[${JSON.stringify(key)}]`)
    const read =
      `(t = ops[o++], (t & 15) === ${INT} ? t >>> 4 : (t & 15) === ${STR} ? strings[t >>> 4] : ` +
      `(t & 15) === ${STATIC} ? statics[t >>> 4] : (t & 15) === ${NUM_AGAIN} ? numbers[t >>> 4] : ` +
      `(t & 15) === ${FALSE} ? false : (S.o = o, t = (t & 15) === ${STRUCT} ? shapes[t >>> 4]() : take(t), o = S.o, t))`
    const template = JSON.stringify(Object.fromEntries(keys.map((key) => [key, null])))
    const source =
      `const template = parse(${JSON.stringify(template)}); ` +
      'function build() { const ops = S.ops, strings = S.strings, numbers = S.numbers; let o = S.o, t; ' +
      `const object = { ...template }; ${keys.map((key) => `${field(key)} = ${read}; `).join('')}S.o = o; return object } ` +
      'function list(n) { const array = n <= 1024 ? new Array(n) : [], ops = S.ops; ' +
      `for (let i = 0; i < n; i++) { const t = ops[S.o++]; array[i] = t === ${(id << 4) | STRUCT} ? build() : take(t) } return array } ` +
      'return [build, list]'
    try {
      return new Function('S', 'take', 'statics', 'shapes', 'parse', source)(S, take, statics, shapes, parse)
    } catch {
      // Code generation from strings is disabled (--disallow-code-generation-from-strings):
      // the same objects, one property defined at a time.
      const build = function () {
        const object = {}
        for (let i = 0; i < keys.length; i++) defineProperty(object, keys[i], { value: value(), writable: true, enumerable: true, configurable: true })
        return object
      }
      return [build, null]
    }
  }

  function start(segmentOps, segmentStrings) {
    S.ops = segmentOps
    S.strings = parse(segmentStrings)
    // Tagged elements (the null at index 0), so that numbers stay boxed once.
    S.numbers = [null]
    S.o = 0
  }

  /**
   * A single value's segment: its raw strings cut at the lengths that end
   * its `length` ops (then where the non-ASCII strings start in `text`, and the count).
   * A length with the top bit set is a non-ASCII string's: those come after
   * the ASCII ones in `text`, in order.
   */
  function startSingle(segmentOps, length, text) {
    const last = length - 1
    const strings = []
    let at = 0
    let later = segmentOps[last - 1]
    for (let i = last - 1 - segmentOps[last]; i < last - 1; i++) {
      const length = segmentOps[i]
      if (length < LATER) {
        strings[strings.length] = text.slice(at, at + length)
        at += length
      } else {
        const end = later + (length - LATER)
        strings[strings.length] = text.slice(later, end)
        later = end
      }
    }
    S.ops = segmentOps
    S.strings = strings
    S.numbers = [null]
    S.o = 0
  }

  /**
   * `tables`: null, or the JSON text of `[firstShape, keyLists, firstStatic,
   * texts]`: the key lists of the shapes with ids `firstShape`,
   * `firstShape + 1`, … and the static strings from id `firstStatic`. Then
   * the first segment (`ops`: its first `length` entries are the segment's,
   * the rest is stale (the array is reused from call to call); `strings`,
   * `count`) and `more`: null or the other segments, three entries each
   * (their ops arrays hold just the segment's). `single`: return the one value
   * instead of an array.
   */
  return function decode(tables, single, segmentOps, length, segmentStrings, count, more) {
    if (tables !== null) {
      const [firstShape, keyLists, firstStatic, texts] = parse(tables)
      for (let i = 0; i < keyLists.length; i++) [shapes[firstShape + i], lists[firstShape + i]] = shape(keyLists[i], firstShape + i)
      for (let i = 0; i < texts.length; i++) statics[firstStatic + i] = texts[i]
    }
    // A decode inside another (user code run by a setter on a prototype, the
    // only way back into JS while decoding) leaves the outer one's state as
    // it found it.
    const outer = S.ops === null ? null : { ops: S.ops, strings: S.strings, numbers: S.numbers, o: S.o }
    try {
      if (single) {
        startSingle(segmentOps, length, segmentStrings)
        return value()
      }
      start(segmentOps, segmentStrings)
      const out = []
      for (let i = count; i > 0; i--) out[out.length] = value()
      if (more !== null) {
        for (let at = 0; at < more.length; at += 3) {
          start(more[at], more[at + 1])
          for (let i = more[at + 2]; i > 0; i--) out[out.length] = value()
        }
      }
      return out
    } finally {
      if (outer === null) S.ops = S.strings = S.numbers = null
      else {
        S.ops = outer.ops
        S.strings = outer.strings
        S.numbers = outer.numbers
        S.o = outer.o
      }
    }
  }
})()
