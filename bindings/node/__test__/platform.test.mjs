// When no native binding loads, the error names this platform, the prebuilt
// ones and the command that builds from source. Simulated by loading the
// package's real index.js + native.js from a copy with no binary, on this
// platform and on platforms faked with a --require preload.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const cargoRustVersion = /^rust-version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(packageDir, 'Cargo.toml'), 'utf8'))[1]

/** Loads the copy's index.js in a child; returns the thrown error's fields (or null). */
function load(dir, fakePlatform) {
  const script = `
    try { require('./index.js'); console.log('null') }
    catch (e) { console.log(JSON.stringify({ code: e.code, platform: e.platform, prebuilt: e.prebuilt, message: e.message, cause: !!e.cause })) }`
  const args = [...(fakePlatform ? ['--require', join(dir, 'fake-platform.cjs')] : []), '-e', script]
  const env = { ...process.env, FAKE_PLATFORM: fakePlatform ?? '' }
  delete env.NAPI_RS_NATIVE_LIBRARY_PATH
  const out = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000, env })
  assert.equal(out.status, 0, out.stderr)
  return JSON.parse(out.stdout)
}

describe('a package without its native binary', () => {
  let dir
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'empathize-nobinary-'))
    for (const file of ['index.js', 'native.js', 'package.json']) copyFileSync(join(packageDir, file), join(dir, file))
    writeFileSync(
      join(dir, 'fake-platform.cjs'),
      `const [platform, arch] = process.env.FAKE_PLATFORM.split('/')
       Object.defineProperty(process, 'platform', { value: platform })
       Object.defineProperty(process, 'arch', { value: arch })`,
    )
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('the Rust version in the message is the binding crate’s rust-version', () => {
    const loader = readFileSync(join(packageDir, 'index.js'), 'utf8')
    assert.equal(/const RUST_VERSION = '([^']+)'/.exec(loader)?.[1], cargoRustVersion)
  })

  test('on this platform: names it, the platform package, and the build command', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, () => {
    const err = load(dir)
    assert.ok(err, 'loading must fail without a binary')
    assert.equal(err.code, 'EMPATHIZE_NO_BINDING')
    assert.equal(err.platform, 'linux-x64-gnu')
    assert.deepEqual(err.prebuilt, ['linux-x64-gnu'])
    assert.match(err.message, /no native binding could be loaded on linux-x64-gnu \(process\.platform=linux, process\.arch=x64, libc=glibc [\d.]+\)/)
    assert.match(err.message, /A prebuilt binary exists for linux-x64-gnu: it is the package empathize-linux-x64-gnu/)
    assert.ok(err.message.includes(`Rust >= ${cargoRustVersion}`), err.message)
    assert.ok(err.message.includes('`cd bindings/node && npm ci && npm run build`'), err.message)
    assert.doesNotMatch(err.message, /npm has a bug/)
    assert.equal(err.cause, true, 'the loader’s own error is kept as the cause')
  })

  for (const [fake, label] of [
    ['darwin/arm64', 'darwin-arm64'],
    ['win32/x64', 'win32-x64-msvc'],
    ['linux/arm64', 'linux-arm64-gnu'],
  ]) {
    test(`on ${label} (simulated): no prebuilt binary, which ones exist, how to build`, () => {
      const err = load(dir, fake)
      assert.ok(err, 'loading must fail')
      assert.equal(err.code, 'EMPATHIZE_NO_BINDING')
      assert.equal(err.platform, label)
      const [platform, arch] = fake.split('/')
      assert.ok(err.message.includes(`no native binding could be loaded on ${label} (process.platform=${platform}, process.arch=${arch}`), err.message)
      assert.ok(err.message.includes(`No prebuilt binary exists for ${label}; prebuilt: linux-x64-gnu.`), err.message)
      assert.ok(err.message.includes(`Rust >= ${cargoRustVersion}`), err.message)
      assert.ok(err.message.includes('npm run build'), err.message)
    })
  }
})
