// The JS half of reading a batch's texts (see texts.rs): compiled once per
// Node environment by `napi_run_script`; this expression evaluates to the
// `gather` function.
//
// `gather(texts)` reads each element of the array `texts` once and returns
// `[lengths, n, chunk, chunk, …]`: `lengths` a Uint32Array whose first `n`
// entries are the texts' lengths in UTF-16 units, then the texts
// concatenated in order into chunks of at most CHUNK units (a longer text
// is a chunk of its own), which Rust reads with one napi call each and cuts
// at the lengths. It returns the index of the first element that is not a
// string instead (Rust then reads the array again, element by element, for
// the error that names it).
;(function () {
  'use strict'
  // Units per chunk: a flat copy of a chunk (two bytes a unit at most)
  // stays below V8's large-object size, in the young generation.
  const CHUNK = 1 << 15
  // The lengths array, reused from call to call (no ArrayBuffer per call)
  // up to REUSED_MAX texts; a gather inside another (user code run by a
  // getter of `texts`) gets its own, as do larger batches.
  const REUSED_MAX = 1 << 16
  let reused = new Uint32Array(1024)
  let busy = false
  return function gather(texts) {
    const n = texts.length
    let lengths
    if (busy || n > REUSED_MAX) lengths = new Uint32Array(n)
    else {
      if (n > reused.length) {
        let size = reused.length
        while (size < n) size *= 2
        reused = new Uint32Array(size)
      }
      lengths = reused
    }
    const outer = busy
    busy = true
    try {
      const out = [lengths, n]
      let chunk = ''
      for (let i = 0; i < n; i++) {
        const text = texts[i]
        if (typeof text !== 'string') return i
        const length = text.length
        lengths[i] = length
        if (chunk.length + length > CHUNK && chunk.length !== 0) {
          out[out.length] = chunk
          chunk = ''
        }
        chunk += text
      }
      if (chunk.length !== 0) out[out.length] = chunk
      return out
    } finally {
      busy = outer
    }
  }
})()
