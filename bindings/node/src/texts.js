// The JS half of reading a batch's texts (see texts.rs): compiled once per
// Node environment by `napi_run_script`; this expression evaluates to the
// `gather` function.
//
// `gather(texts)` reads each element of the array `texts` once and writes
// its UTF-8 (`Buffer#write`: a lone surrogate becomes U+FFFD, as in napi's
// UTF-8 read of a string) into a byte buffer, one text after the other, and
// the end of each in a `Uint32Array`. Both are kept from call to call, so a
// batch allocates nothing on the JS heap but the small array it returns,
// `[bytes, ends, n, used]`: the first `n` entries of `ends` are the texts'
// ends and the first `used` bytes of `bytes` their UTF-8, which Rust copies
// at once. It returns the index of the first element that is not a string
// instead (Rust then reads the array again, element by element, for the
// error that names it).
;(function () {
  'use strict'
  // Taken now: a later change to `Buffer` or its prototype does not reach
  // the texts.
  const { write } = Buffer.prototype
  const allocate = Buffer.allocUnsafeSlow
  // The buffers are kept up to these sizes (a batch of 2,714 replies is
  // about 0.8 MB); a larger batch, or a gather inside another (user code
  // run by a getter of `texts`), gets buffers of its own.
  const BYTES_KEPT = 1 << 24
  const ENDS_KEPT = 1 << 16
  let keptBytes = allocate(1 << 16)
  let keptEnds = new Uint32Array(1024)
  let busy = false
  return function gather(texts) {
    const n = texts.length
    const outer = busy
    let bytes = outer ? allocate(1 << 12) : keptBytes
    let ends
    if (outer || n > ENDS_KEPT) ends = new Uint32Array(n)
    else {
      if (n > keptEnds.length) keptEnds = new Uint32Array(grown(keptEnds.length, n))
      ends = keptEnds
    }
    busy = true
    try {
      let used = 0
      for (let i = 0; i < n; i++) {
        const text = texts[i]
        if (typeof text !== 'string') return i
        // A UTF-16 unit is at most three bytes of UTF-8: with that much room
        // the text is written whole (`write` stops before a character that
        // does not fit).
        const room = used + 3 * text.length
        if (room > bytes.length) {
          const larger = allocate(grown(bytes.length, room))
          bytes.copy(larger, 0, 0, used)
          bytes = larger
          if (!outer && bytes.length <= BYTES_KEPT) keptBytes = bytes
        }
        used += write.call(bytes, text, used)
        ends[i] = used
      }
      return [bytes, ends, n, used]
    } finally {
      busy = outer
    }
  }

  /** `size` doubled until it is at least `least`. */
  function grown(size, least) {
    while (size < least) size *= 2
    return size
  }
})()
