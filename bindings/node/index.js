// The package's entry point. `native.js` is the loader that `napi build`
// generates (and overwrites on every build); this file is written by hand so
// that a failed load says what happened on *this* platform instead of the
// generated loader's advice to reinstall.
'use strict'

// What building the addon from source needs: the `rust-version` of
// bindings/node/Cargo.toml (napi 3), checked by __test__/platform.test.mjs.
const RUST_VERSION = '1.88'

let native
try {
  native = require('./native.js')
} catch (cause) {
  throw noBindingError(cause)
}

// The module functions: the methods of a default Analyzer (the embedded
// English pack), created on first use.
let defaultAnalyzer = null
const analyzer = () => defaultAnalyzer || (defaultAnalyzer = new native.Analyzer())

// `exports.name = …` one by one, so Node's ESM loader sees every named export.
exports.Analyzer = native.Analyzer
exports.__napiBindingTarget = native.__napiBindingTarget
exports.pack = native.pack
exports.score = (text, options) => analyzer().score(text, options)
exports.scoreReply = (customer, reply, options) => analyzer().scoreReply(customer, reply, options)
exports.scoreMany = (texts, options) => analyzer().scoreMany(texts, options)
exports.scoreManyAsync = (texts, options) => analyzer().scoreManyAsync(texts, options)
exports.analyzeCustomer = (text) => analyzer().analyzeCustomer(text)
exports.analyzeConversation = (turns) => analyzer().analyzeConversation(turns)
exports.tokenize = (text) => analyzer().tokenize(text)
// Test and bench hooks, present only in builds with the `testing` feature.
for (const hook of ['_benchManyStage', '_benchNative', '_benchReadTexts', '_benchStage', '_decodeArgs', '_readTexts', '_referenceJson', '_scoreManyInSegments', '_testPanic', '_testPanicAsync']) {
  if (native[hook]) exports[hook] = native[hook]
}

function noBindingError(cause) {
  const pkg = require('./package.json')
  const here = currentPlatform()
  const prebuilt = (pkg.napi && pkg.napi.targets ? pkg.napi.targets : []).map(napiPlatform)
  const fromSource =
    `Build it from source (needs Rust >= ${RUST_VERSION} with cargo on PATH, Node and npm): in a checkout of the ` +
    'empathize repository run `cd bindings/node && npm ci && npm run build`, then depend on bindings/node by path.'
  const lines = [`empathize: no native binding could be loaded on ${here.label} (${here.detail}).`]
  if (prebuilt.includes(here.label)) {
    const platformPackage = `${pkg.name}-${here.label}`
    lines.push(
      `A prebuilt binary exists for ${here.label}: it is the package ${platformPackage}, which is missing or failed to load. ` +
        `Install it beside ${pkg.name} (npm install ${pkg.name}-${pkg.version}.tgz ${platformPackage}-${pkg.version}.tgz, ` +
        'the two tarballs that scripts/package.sh builds).',
    )
  } else {
    lines.push(`No prebuilt binary exists for ${here.label}; prebuilt: ${prebuilt.join(', ') || 'none'}.`)
  }
  lines.push(fromSource)
  lines.push('What the loader tried:', ...attempts(cause))
  const error = new Error(lines.join('\n'))
  error.code = 'EMPATHIZE_NO_BINDING'
  error.platform = here.label
  error.prebuilt = prebuilt
  error.cause = cause
  return error
}

/** First lines of the generated loader's errors, oldest first (it chains them through `cause`). */
function attempts(cause) {
  const firstLine = (error) => '  ' + String(error && error.message !== undefined ? error.message : error).split('\n')[0]
  const lines = []
  for (let error = cause && cause.cause; error && lines.length < 10; error = error.cause) lines.push(firstLine(error))
  return lines.length > 0 ? lines.reverse() : [firstLine(cause)]
}

/** The running platform in napi's names (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`). */
function currentPlatform() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const libc = linuxLibc()
    const abi = libc === 'musl' ? 'musl' : arch === 'arm' ? 'gnueabihf' : 'gnu'
    return { label: `${platform}-${arch}-${abi}`, detail: `process.platform=${platform}, process.arch=${arch}, libc=${libc}` }
  }
  const abi = platform === 'win32' ? '-msvc' : ''
  return { label: `${platform}-${arch}${abi}`, detail: `process.platform=${platform}, process.arch=${arch}` }
}

function linuxLibc() {
  try {
    const header = process.report && process.report.getReport().header
    if (header && header.glibcVersionRuntime) return `glibc ${header.glibcVersionRuntime}`
  } catch {
    // fall through to the file check
  }
  try {
    return require('fs').readFileSync('/usr/bin/ldd', 'utf8').includes('musl') ? 'musl' : 'glibc'
  } catch {
    return 'unknown'
  }
}

/** A Rust target triple from package.json's napi.targets in napi's platform names. */
function napiPlatform(triple) {
  const [cpu, , os, abi] = triple.split('-')
  const arch = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }[cpu] || cpu
  if (triple.includes('apple-darwin')) return `darwin-${arch}`
  if (triple.includes('windows')) return `win32-${arch}-${triple.split('-').pop()}`
  return `${os}-${arch}-${abi || 'gnu'}`
}
