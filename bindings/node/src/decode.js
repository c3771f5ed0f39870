// The JS half of the report transfer (see transport.rs): turns the op tape
// that the Rust encoder writes into plain objects, as `JSON.parse` of the
// core's serde JSON (camelCase fields) would. Compiled once per Node
// environment (main thread, each worker) by `napi_run_script`; this
// expression evaluates to the `decode` function.
//
// A segment is three values: `ops` (a Uint32Array copied once from the
// encoder's vector: one op per value, `payload << 4 | tag`; a number that is
// not a small integer is its op then the two words of its f64), `strings`
// (the JSON text of an array of the segment's distinct strings) and `count`
// (how many top-level values). A single value (`single`: a `score` call) has
// its strings raw instead, one after the other in `strings`, and `ops` ends
// with their lengths in UTF-16 units then their count (no JSON.parse;
// tape.rs `Encoder::single`). Struct objects are built by one
// generated object literal per shape (field names in serde order), so every
// report of a kind has the same hidden class and the keys come out in the
// order `JSON.parse` gives.
;(function () {
  'use strict'
  // Tags: the low four bits of an op (transport.rs `Tag`).
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

  // Taken once, so that later changes to these globals do not reach the decoder.
  const parse = JSON.parse
  const defineProperty = Object.defineProperty
  /** Object builders by shape id. */
  const shapes = []
  // A number's two words go in `words`, and `number` reads them as an f64
  // (same bytes, same order as the encoder's).
  const number = new Float64Array(1)
  const words = new Uint32Array(number.buffer)
  let ops = null
  let strings = null
  let o = 0

  function value() {
    const op = ops[o++]
    switch (op & 15) {
      case NUM:
        words[0] = ops[o]
        words[1] = ops[o + 1]
        o += 2
        return number[0]
      case INT:
        return op >>> 4
      case NEG_INT:
        return -(op >>> 4)
      case STR:
        return strings[op >>> 4]
      case NULL:
        return null
      case FALSE:
        return false
      case TRUE:
        return true
      case ARRAY: {
        const array = []
        while (ops[o] !== END) array[array.length] = value()
        o++
        return array
      }
      case ITEMS: {
        const length = op >>> 4
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
        while (ops[o] !== END) {
          const key = value()
          const item = value()
          // As JSON.parse: an own property, even for "__proto__".
          if (key === '__proto__') defineProperty(map, key, { value: item, writable: true, enumerable: true, configurable: true })
          else map[key] = item
        }
        o++
        return map
      }
    }
    throw new Error(`empathize: corrupt report transfer (op ${op} at ${o - 1})`)
  }

  /** A builder for objects with these keys, in this order. */
  function shape(keys) {
    const literal = keys.map((key) => `${JSON.stringify(key)}: value()`).join(', ')
    try {
      const build = new Function('value', `return function () { return { ${literal} } }`)(value)
      // One object with these keys and null values first: the fields of their
      // hidden class become tagged, not doubles, so that a zero or a small
      // integer is stored in the object (a double field boxes every number;
      // a report's 13 dimensions are mostly 0).
      new Function(`return { ${keys.map((key) => `${JSON.stringify(key)}: null`).join(', ')} }`)()
      return build
    } catch {
      // Code generation from strings is disabled (--disallow-code-generation-from-strings):
      // the same objects, one property at a time.
      return function () {
        const object = {}
        for (let i = 0; i < keys.length; i++) object[keys[i]] = value()
        return object
      }
    }
  }

  function start(segmentOps, segmentStrings) {
    ops = segmentOps
    strings = parse(segmentStrings)
    o = 0
  }

  /** A single value's segment: its raw strings cut at the lengths that end `ops`. */
  function startSingle(segmentOps, text) {
    ops = segmentOps
    const last = ops.length - 1
    strings = []
    let at = 0
    for (let i = last - ops[last]; i < last; i++) {
      const end = at + ops[i]
      strings[strings.length] = text.slice(at, end)
      at = end
    }
    o = 0
  }

  /**
   * `newShapes`: null, or the JSON text of the key lists of the shapes with
   * ids `firstShape`, `firstShape + 1`, …. Then the first segment (`ops`,
   * `strings`, `count`) and `more`: null or the other segments, three
   * entries each. `single`: return the one value instead of an array.
   */
  return function decode(firstShape, newShapes, single, segmentOps, segmentStrings, count, more) {
    if (newShapes !== null) {
      const lists = parse(newShapes)
      for (let i = 0; i < lists.length; i++) shapes[firstShape + i] = shape(lists[i])
    }
    try {
      if (single) {
        startSingle(segmentOps, segmentStrings)
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
      ops = strings = null
    }
  }
})()
