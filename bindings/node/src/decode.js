// The JS half of the report transfer (see transport.rs): turns the op tape
// that the Rust encoder writes into plain objects, as `JSON.parse` of the
// core's serde JSON (camelCase fields) would. Compiled once per Node
// environment (main thread, each worker) by `napi_run_script`; this
// expression evaluates to the `decode` function.
//
// A segment is four values: an ArrayBuffer holding `nums` (f64: the numbers
// that are not small integers, in order) then `ops` (u32: one op per value,
// `payload << 4 | tag`); the number of `nums`; `strings` (the JSON text of
// an array of the segment's distinct strings); `count` (how many top-level
// values). Struct objects are built by one
// generated object literal per shape (field names in serde order), so every
// report of a kind has the same hidden class and the keys come out in the
// order `JSON.parse` gives.
//
// Lazy fields (tape.rs `LAZY_FIELDS`: a report's evidence, strategies,
// matches and breakdown) are skipped in O(1) and become own enumerable
// accessor properties, in their place among the keys, that decode the value
// from the segment on first read and keep it (the same array on every read).
// Assigning one makes it a plain data property. An object with lazy fields
// holds its segment (buffer and strings) in a private field until all of them
// have been read, and has a non-enumerable `util.inspect.custom` method so
// that `console.log` shows the values, not `[Getter/Setter]`. JSON.stringify,
// spread, Object.keys, structuredClone, postMessage and
// assert.deepStrictEqual see what they would see on the eager objects.
;(function () {
  'use strict'
  // Tags: the low four bits of an op (tape.rs `Tag`).
  const NUM = 0 // the next entry of `nums`
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
  const LAZY = 12 // the next two ops: how many ops and nums the value takes; then the value

  // Taken once, so that later changes to these globals do not reach the decoder.
  const parse = JSON.parse
  const defineProperty = Object.defineProperty
  const getPrototypeOf = Object.getPrototypeOf
  const keysOf = Object.keys
  const F64 = Float64Array
  const U32 = Uint32Array
  const INSPECT = Symbol.for('nodejs.util.inspect.custom')
  /** Object builders by shape id. */
  const shapes = []
  let nums = null
  let ops = null
  let strings = null
  let n = 0
  let o = 0
  /** The segment being read, `{ nums, ops, strings }`: what lazy fields keep. */
  let segment = null

  function value() {
    const op = ops[o++]
    switch (op & 15) {
      case NUM:
        return nums[n++]
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
      case LAZY:
        // Outside a shape that expects it (never written so): read it now.
        o += 2
        return value()
    }
    throw new Error(`empathize: corrupt report transfer (op ${op} at ${o - 1})`)
  }

  // --- Lazy fields ---------------------------------------------------------

  /** Marks a lazy field not read yet (its slot in the state holds no value). */
  const UNREAD = Symbol('unread')

  // A private field on the report objects (the base constructor returns the
  // object it is given, so `new Lazy(object, state)` adds the field to it):
  // invisible to keys, JSON, clone, spread and equality checks.
  class Target {
    constructor(object) {
      return object
    }
  }
  class Lazy extends Target {
    #state
    constructor(object, state) {
      super(object)
      this.#state = state
    }

    /**
     * The state of `object`'s lazy fields, or of the nearest object on its
     * prototype chain that has them (a getter inherited through
     * `Object.create(report)` reads the report's own fields, as a data
     * property would be read). `[segment, (opAt, numAt, value) per lazy field]`.
     */
    static state(object) {
      for (let x = object; x !== null && (typeof x === 'object' || typeof x === 'function'); x = getPrototypeOf(x)) {
        if (#state in x) return x.#state
      }
      return undefined
    }
  }

  /** Records the lazy block at `o` in `state[slot]`, `state[slot + 1]` and skips it. */
  function skip(state, slot) {
    if ((ops[o] & 15) !== LAZY) throw new Error(`empathize: corrupt report transfer (op ${ops[o]} at ${o}: a lazy field was expected)`)
    state[slot] = o + 3
    state[slot + 1] = n
    n += ops[o + 2]
    o += 3 + ops[o + 1]
  }

  /** The value of the lazy field in `state[slot…]`, decoded now if it was not yet. */
  function read(object, key, slot) {
    const state = Lazy.state(object)
    if (state === undefined) {
      throw new TypeError(`empathize: the getter of the report field '${key}' was called on an object that is not a report`)
    }
    let item = state[slot + 2]
    if (item !== UNREAD) return item
    item = decodeAt(state[0], state[slot], state[slot + 1])
    state[slot + 2] = item
    // All read: let the segment go.
    let unread = false
    for (let i = 3; i < state.length; i += 3) if (state[i] === UNREAD) unread = true
    if (!unread) state[0] = null
    return item
  }

  /** Decodes the value at op `at` and num `numAt` of `seg` (saving the reader's place). */
  function decodeAt(seg, at, numAt) {
    const saved = [nums, ops, strings, n, o, segment]
    try {
      nums = seg.nums
      ops = seg.ops
      strings = seg.strings
      segment = seg
      n = numAt
      o = at
      return value()
    } finally {
      ;[nums, ops, strings, n, o, segment] = saved
    }
  }

  /** The accessor of a lazy field (one per shape and field: every report of a shape shares its hidden class). */
  function accessor(key, slot) {
    return {
      get() {
        return read(this, key, slot)
      },
      set(item) {
        // As an assignment to a data property: it becomes one (and on a frozen report it throws).
        defineProperty(this, key, { value: item, writable: true, enumerable: true, configurable: true })
      },
      enumerable: true,
      configurable: true,
    }
  }

  /** `util.inspect` (console.log) of an object with lazy fields: a plain copy with the values. */
  function inspect() {
    const copy = {}
    const keys = keysOf(this)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      if (key === '__proto__') defineProperty(copy, key, { value: this[key], writable: true, enumerable: true, configurable: true })
      else copy[key] = this[key]
    }
    return copy
  }
  const INSPECT_PROPERTY = { value: inspect, writable: true, enumerable: false, configurable: true }

  // --- Shapes --------------------------------------------------------------

  /**
   * A builder for objects with these keys, in this order; the keys at the
   * indices `lazy` are lazy fields.
   */
  function shape(keys, lazy) {
    if (lazy.length === 0) return eagerShape(keys)
    const accessors = lazy.map((index, j) => accessor(keys[index], 1 + 3 * j))
    const first = lazy[0]
    const lines = []
    const head = keys.slice(0, first).map((key) => `${JSON.stringify(key)}: value()`)
    lines.push(`const object = { ${head.join(', ')} }`)
    lines.push(`const state = [segment${', 0, 0, UNREAD'.repeat(lazy.length)}]`)
    for (let i = first, j = 0; i < keys.length; i++) {
      if (j < lazy.length && lazy[j] === i) {
        lines.push(`skip(state, ${1 + 3 * j})`)
        lines.push(`defineProperty(object, ${JSON.stringify(keys[i])}, accessors[${j}])`)
        j++
      } else if (keys[i] === '__proto__') {
        lines.push(`defineProperty(object, '__proto__', { value: value(), writable: true, enumerable: true, configurable: true })`)
      } else {
        lines.push(`object[${JSON.stringify(keys[i])}] = value()`)
      }
    }
    lines.push('new Lazy(object, state)')
    if (!globalThis.__NOINSPECT) lines.push('defineProperty(object, INSPECT, INSPECT_PROPERTY)')
    lines.push('return object')
    try {
      return new Function(
        'value, skip, defineProperty, accessors, Lazy, INSPECT, INSPECT_PROPERTY, UNREAD, current',
        `return function () { const segment = current(); ${lines.join('\n')} }`,
      )(value, skip, defineProperty, accessors, Lazy, INSPECT, INSPECT_PROPERTY, UNREAD, () => segment)
    } catch {
      // Code generation from strings is disabled: the same objects, one property at a time.
      return function () {
        const object = {}
        const state = [segment]
        for (let i = 0, j = 0; i < keys.length; i++) {
          if (j < lazy.length && lazy[j] === i) {
            state.push(0, 0, UNREAD)
            skip(state, 1 + 3 * j)
            defineProperty(object, keys[i], accessors[j])
            j++
          } else {
            defineProperty(object, keys[i], { value: value(), writable: true, enumerable: true, configurable: true })
          }
        }
        new Lazy(object, state)
        defineProperty(object, INSPECT, INSPECT_PROPERTY)
        return object
      }
    }
  }

  /** A builder for objects with these keys, in this order (no lazy field). */
  function eagerShape(keys) {
    const literal = keys.map((key) => `${JSON.stringify(key)}: value()`).join(', ')
    try {
      const build = new Function('value', `return function () { return { ${literal} } }`)(value)
      if (globalThis.__WARM) {
        // One object of these keys with null values first: the hidden class's fields become
        // tagged (not unboxed doubles), so zeros and small integers are stored without a box.
        new Function(`return { ${keys.map((key) => `${JSON.stringify(key)}: null`).join(', ')} }`)()
      }
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

  function start(buffer, numbers, segmentStrings) {
    nums = new F64(buffer, 0, numbers)
    ops = new U32(buffer, numbers * 8)
    strings = parse(segmentStrings)
    segment = { nums, ops, strings }
    n = 0
    o = 0
  }

  /**
   * `newShapes`: null, or the JSON text of the shapes (`{ keys, lazy }`) with
   * ids `firstShape`, `firstShape + 1`, …. Then the first segment (`buffer`,
   * `numbers`, `strings`, `count`) and `more`: null or the other segments, four
   * entries each. `single`: return the one value instead of an array.
   */
  return function decode(firstShape, newShapes, single, buffer, numbers, segmentStrings, count, more) {
    if (newShapes !== null) {
      const lists = parse(newShapes)
      for (let i = 0; i < lists.length; i++) shapes[firstShape + i] = shape(lists[i].keys, lists[i].lazy)
    }
    try {
      start(buffer, numbers, segmentStrings)
      if (single) return value()
      const out = []
      for (let i = count; i > 0; i--) out[out.length] = value()
      if (more !== null) {
        for (let at = 0; at < more.length; at += 4) {
          start(more[at], more[at + 1], more[at + 2])
          for (let i = more[at + 3]; i > 0; i--) out[out.length] = value()
        }
      }
      return out
    } finally {
      nums = ops = strings = segment = null
    }
  }
})()
