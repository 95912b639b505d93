#!/usr/bin/env node
// Interop check: Liveform URLs (wire-format.md §1–§3) between `liveform` and independent Node code.
//
//   node Tools/interop/node_urls.mjs /path/to/liveform
//
// Node built-ins only (crypto, child_process). Nothing here uses the SDK's code: the URL is
// split, percent-decoded, base64-decoded, decrypted and rebuilt from the spec alone.
//
//  A. `liveform sign` → Node: parse the URL by hand, decrypt `encrypted` (aes-256-ecb, or
//     aes-256-gcm with nonce = first 12 bytes and tag = last 16), JSON.parse, compare with the
//     parameters given; then rebuild the URL in Node (reusing the GCM nonce from the token)
//     and compare byte for byte.
//  B. Node → `liveform decode`: URLs built in Node (strictly encoded, plus a few encodings
//     other senders produce) must decode to {"pid", "lang", "params"} with the same params.
//  C. A few refusals (wrong key, tampered tag, forbidden plain parameter…) by exit status.
//
// Output: one line per failure, then exactly `N passed, M failed`; exit 1 if M > 0.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

if (!process.argv[2] || process.argv.length > 3) {
  console.error('usage: node node_urls.mjs /path/to/liveform');
  process.exit(2);
}
// Run a private copy, so that a concurrent `swift build` replacing the binary cannot break the run.
const SNAPSHOT_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'liveform-interop-'));
const BINARY = path.join(SNAPSHOT_DIR, 'liveform');
try {
  fs.copyFileSync(process.argv[2], BINARY);
  fs.chmodSync(BINARY, 0o755);
} catch (e) {
  console.log(`FAIL setup: cannot copy ${process.argv[2]}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
process.on('exit', () => fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true }));

// An obviously fake credential: never a real API key or secretKey.
const CREDENTIAL = 'DEMO-ONLY-interop-key';
const OTHER_CREDENTIAL = 'DEMO-ONLY-interop-key-other';
const KEY = crypto.createHash('sha256').update(CREDENTIAL, 'utf8').digest(); // §1: raw 32 bytes
const DEFAULT_BASE = 'https://form.argosidentity.com/';

// ---------------------------------------------------------------------------------------------
// Bookkeeping

let passed = 0;
let failed = 0;
const clip = (s, n = 240) => { s = String(s); return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s; };
function check(name, fn) {
  try {
    fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${clip(e && e.message ? e.message : e, 600)}`);
  }
}
function expect(cond, message) { if (!cond) throw new Error(message); }
/** Where two texts first differ, with a little context on each side. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const at = (t) => clip(t.slice(Math.max(0, i - 30), i + 50), 100);
  return `differ at char ${i}: …${at(a)} vs …${at(b)}`;
}
function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${clip(JSON.stringify(expected))}, got ${clip(JSON.stringify(actual))}`);
}

function run(args, { stdin = '', credential = CREDENTIAL } = {}) {
  const env = { ...process.env, LIVEFORM_KEY: credential };
  const r = spawnSync(BINARY, args, { input: stdin, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${BINARY}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}
function runOk(args, opts) {
  const r = run(args, opts);
  if (r.status !== 0) throw new Error(`exit ${r.status}: liveform ${args.map((a) => clip(a, 80)).join(' ')}: ${clip(r.stderr)}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Independent implementation of the wire format (spec §2, §3)

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** §3.3: every byte outside A–Z a–z 0–9 - . _ ~ becomes %XX, uppercase hex. */
function pct(text) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function encrypt(mode, plaintext, nonce) {
  if (mode === 'ecb') {
    const c = crypto.createCipheriv('aes-256-ecb', KEY, null); // PKCS#7 padding by default
    return Buffer.concat([c.update(plaintext), c.final()]);
  }
  nonce ??= crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', KEY, nonce);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]); // N ‖ C ‖ T
}

function decrypt(mode, wire) {
  if (mode === 'ecb') {
    expect(wire.length > 0 && wire.length % 16 === 0, `ECB token of ${wire.length} bytes`);
    const d = crypto.createDecipheriv('aes-256-ecb', KEY, null);
    return Buffer.concat([d.update(wire), d.final()]);
  }
  expect(wire.length >= 28, `GCM token of ${wire.length} bytes`);
  const d = crypto.createDecipheriv('aes-256-gcm', KEY, wire.subarray(0, 12));
  d.setAuthTag(wire.subarray(wire.length - 16));
  return Buffer.concat([d.update(wire.subarray(12, wire.length - 16)), d.final()]);
}

/** Plain parameters: strings as they are, numbers and booleans as JSON text. */
const plainText = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
const isEncryptedName = (c, name) => c.mode !== 'none' && (c.encOnly || (name !== 'sid' && name !== 'action'));

/**
 * Builds a Liveform URL from the spec (§3.3). `tokenStyle` picks how `encrypted` is written:
 * 'strict' (the spec), 'encodeURIComponent' (a hand-written Node sender), 'raw' (token pasted
 * unencoded, `+ / =` as is), 'base64url' (URL-safe alphabet, no padding).
 */
function buildUrl(c, entries, { nonce, tokenStyle = 'strict', valueEncoder = pct } = {}) {
  const base = c.base ?? DEFAULT_BASE;
  let url = base + (base.endsWith('?') || base.endsWith('&') ? '' : base.includes('?') ? '&' : '?');
  url += `${valueEncoder('pid')}=${valueEncoder(c.pid)}`;
  if (c.mode !== 'none') {
    const inner = Object.fromEntries(entries.filter(([n]) => isEncryptedName(c, n)));
    const token = encrypt(c.mode, Buffer.from(JSON.stringify(inner), 'utf8'), nonce).toString('base64');
    const written = {
      strict: () => pct(token),
      encodeURIComponent: () => encodeURIComponent(token),
      raw: () => token,
      base64url: () => token.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    }[tokenStyle]();
    url += `&encrypted=${written}`;
  }
  if (c.lang != null) url += `&lang=${valueEncoder(c.lang)}`;
  for (const [n, v] of entries) if (!isEncryptedName(c, n)) url += `&${valueEncoder(n)}=${valueEncoder(plainText(v))}`;
  return url;
}

/** Splits a URL's query by hand (§3.4): on `?`, `&`, the first `=`; values percent-decoded. */
function parseUrl(url) {
  const q = url.indexOf('?');
  expect(q > 0, 'no ? in the URL');
  const items = url.slice(q + 1).split('&').map((item) => {
    const eq = item.indexOf('=');
    expect(eq > 0, `query item without a name=value: ${clip(item)}`);
    return { name: decodeURIComponent(item.slice(0, eq)), raw: item.slice(eq + 1), value: decodeURIComponent(item.slice(eq + 1)) };
  });
  return { base: url.slice(0, q + 1), items };
}

// ---------------------------------------------------------------------------------------------
// Parameter sets: [name, JSON text as given to --params-json]. Texts are JSON the CLI must
// re-write exactly as JSON.stringify does (some deliberately not in that form).

const js = (o) => JSON.stringify(o);
const VENDOR_SAMPLE = {
  email: 'email@email.com', userid: 'userid', cf1: 'value 1', cf2: 'value 2', cf3: 'value 3',
  blacklistCountries: false, approvePeriod: false, rejectPeriod: false, ageLimit: false,
  rejectDuplicateUser: true, token: 'token_id', allowedCountries: 'USA,KOR',
};
const SETS = [
  ['vendor-sample', js(VENDOR_SAMPLE)],
  ['vendor-sample-plainable', js({ ...VENDOR_SAMPLE, allowedCountries: undefined })],
  ['url-metacharacters', js({
    email: 'kim+tag@example.com', userid: 'u/1?x=y&z#frag', cf1: 'a+b/c&d=e%f#g?h',
    cf2: '%2B%20 already-encoded?', cf3: 'semi;colon,comma:colon@at$dollar!bang\'*()[]{}|^`',
    memo: '100% sure; a=b&c=d + e/f?g#h',
  })],
  ['quotes-backslashes-whitespace', js({
    cf1: 'she said "hi"', cf2: 'back\\slash \\" \\\\ \\n (literal)', cf3: 'line1\nline2\r\n\ttab\fform\bback',
    userid: '  leading and trailing  ', email: '',
  })],
  ['korean-emoji', js({
    userid: '사용자-42', cf1: '한국어 텍스트 테스트', cf2: 'emoji 😀🎉 family 👩‍👩‍👧 flag 🇰🇷',
    cf3: 'é ñ ü ß — “quotes” ‘x’ … € 中文 日本語', '이름': '홍길동',
  })],
  ['control-and-separators', js({
    cf1: '\u0000\u0001\u0007\u000b\u001b\u001f', cf2: '\u007f\u0080\u00a0\u2028\u2029\ufeff', cf3: '</script><!-- & -->',
  })],
  ['numbers-booleans', '{"n_int":42,"n_neg":-17,"n_zero":0,"n_float":1.5,"n_tenth":0.1,"n_small":0.000001,' +
    '"n_big":123456789012,"b_true":true,"b_false":false,"rejectDuplicateUser":false,"blacklistCountries":false}'],
  ['numbers-noncanonical-text', '{"n1":1.0,"n2":1E3,"n3":-0,"n4":12345678901234567890,"n5":1e21,"n6":1e-7,' +
    '"n7":1.7976931348623157e308,"n8":5e-324,"n9":-0.0,"n10":2.50}'],
  ['pretty-and-escaped-input', '{\n  "email" : "a@b.co",\n\t"cf1" : "\\u00e9\\/\\u0041\\ud83d\\ude00\\u0008",\r\n  "cf2":"x" }\n'],
  ['structured-encrypted-only', js({
    email: 'a@b.co',
    knowledgePrefill: { name: '홍길동', birth: '1990-01-01', nested: { z: 1, a: [true, null, 'x/y'] } },
    knowledgeField: ['name', 'birth'], auxidField: 'phone', startValidUntil: '2026-04-30T15:00:00Z',
    tags: ['a', 'b/c', 3, { k: 'v' }], empty_obj: {}, empty_arr: [], allowedCountries: 'KOR',
  })],
  ['injection-sid-action', js({
    email: 'kim@example.com', sid: 'sub+1/2=3 &x', cf1: 'before action', action: 'retry now & again', userid: 'u42',
  })],
  ['only-sid-action', js({ sid: 'S-1', action: 'approve' })],
  ['empty', '{}'],
  ['odd-names', js({ 'a b': '1', 'x&y=z': '2', '%41': '3', '키': '4', 'dot.name~': '5', 'plus+': '6' })],
  ['long-values', js({ cf1: 'x'.repeat(1200), cf2: '한'.repeat(250), userid: 'y' })],
];

const ENCRYPTED_ONLY_NAMES = ['allowedCountries', 'startValidUntil', 'knowledgeField', 'knowledgePrefill', 'auxidField'];
function plainable(entries) {
  return entries.every(([n, v]) => !ENCRYPTED_ONLY_NAMES.includes(n) && (v === null || typeof v !== 'object'));
}

// Project configurations: mode × encryption-only × lang; pid and base URL vary by set.
const LANGS = ['ko', 'en', 'zh-TW', 'pt BR+x'];
function configsFor(setIndex, entries) {
  const pid = setIndex % 5 === 3 ? 'demo project/ü+1' : `PID-demo-${String(setIndex).padStart(4, '0')}`;
  const base = setIndex % 7 === 5 ? 'https://kyc.example.com/form?campaign=spring%20sale' : undefined;
  const out = [];
  for (const mode of ['none', 'ecb', 'gcm']) {
    if (mode === 'none' && !plainable(entries)) continue;
    for (const encOnly of mode === 'none' ? [false] : [false, true]) {
      for (const lang of [undefined, LANGS[setIndex % LANGS.length]]) out.push({ pid, mode, encOnly, lang, base });
    }
  }
  return out;
}
const describe = (c) => `mode=${c.mode}${c.encOnly ? ' encryption-only' : ''}${c.lang != null ? ` lang=${c.lang}` : ''}${c.base ? ' base-url' : ''}`;
function signArgs(c) {
  const a = ['sign', '--pid', c.pid, '--mode', c.mode];
  if (c.encOnly) a.push('--encryption-only');
  if (c.lang != null) a.push('--lang', c.lang);
  if (c.base) a.push('--base-url', c.base);
  a.push('--params-json', '-');
  return a;
}

// ---------------------------------------------------------------------------------------------
// A. liveform sign → Node parse, decrypt, rebuild

function checkSigned(id, c, entries, url) {
  let nonce;
  check(`${id} parse+decrypt`, () => {
    expect(!url.includes('\n') && !url.includes(' '), 'URL contains whitespace');
    expect(/^[A-Za-z0-9\-._~%&=]*$/.test(url.slice(url.indexOf('?') + 1)), `query has a byte that should be percent-encoded: ${clip(url)}`);
    expect(!/%[0-9A-F]?[a-f]/.test(url.replace(/^[^?]*/, '')), 'lowercase hex in a percent escape');
    const { base, items } = parseUrl(url);
    const expectedBase = c.base ?? DEFAULT_BASE;
    expectEqual(base.slice(0, -1), expectedBase.split('?')[0], 'base URL');
    const baseItems = c.base ? parseUrl(c.base).items.map((i) => i.name) : [];
    const names = items.map((i) => i.name);
    const wantNames = [...baseItems, 'pid', ...(c.mode !== 'none' ? ['encrypted'] : []), ...(c.lang != null ? ['lang'] : []),
      ...entries.filter(([n]) => !isEncryptedName(c, n)).map(([n]) => n)];
    expectEqual(names.join('&'), wantNames.join('&'), 'query item names and order');
    const byName = new Map(items.map((i) => [i.name, i]));
    expectEqual(byName.get('pid').value, c.pid, 'pid');
    if (c.lang != null) expectEqual(byName.get('lang').value, c.lang, 'lang');
    for (const [n, v] of entries) if (!isEncryptedName(c, n)) expectEqual(byName.get(n).value, plainText(v), `plain '${n}'`);
    if (c.mode === 'none') return;
    const token = byName.get('encrypted').value;
    expect(/^[A-Za-z0-9+/]*={0,2}$/.test(token) && token.length % 4 === 0, `token is not padded standard base64: ${clip(token)}`);
    const wire = Buffer.from(token, 'base64');
    if (c.mode === 'gcm') nonce = wire.subarray(0, 12);
    const text = decrypt(c.mode, wire).toString('utf8');
    const got = JSON.parse(text);
    const want = Object.fromEntries(entries.filter(([n]) => isEncryptedName(c, n)));
    expect(isDeepStrictEqual(got, want) && JSON.stringify(got) === JSON.stringify(want),
      `decrypted params (first) and expected (second) ${firstDifference(JSON.stringify(got), JSON.stringify(want))}`);
    expectEqual(text, JSON.stringify(want), 'plaintext bytes (JSON.stringify form)');
  });
  check(`${id} rebuild byte-for-byte`, () => {
    if (c.mode === 'gcm' && !nonce) { // parse failed: take the nonce as leniently as possible
      const m = /[?&]encrypted=([^&]*)/.exec(url);
      expect(m, 'no encrypted parameter to take the GCM nonce from');
      nonce = Buffer.from(decodeURIComponent(m[1]), 'base64').subarray(0, 12);
    }
    const mine = buildUrl(c, entries, { nonce });
    expect(mine === url, `liveform (first) and node (second) ${firstDifference(url, mine)}`);
  });
}

// ---------------------------------------------------------------------------------------------
// B. Node-built URL → liveform decode

function checkDecode(id, c, entries, url, extraArgs = []) {
  check(id, () => {
    const args = ['decode', url, ...extraArgs];
    if (c.encOnly) args.push('--encryption-only');
    const out = JSON.parse(runOk(args));
    const params = {};
    if (c.mode !== 'none') for (const [n, v] of entries) if (isEncryptedName(c, n)) params[n] = v;
    if (c.base) for (const i of parseUrl(c.base).items) params[i.name] = i.value;
    for (const [n, v] of entries) if (!isEncryptedName(c, n)) params[n] = plainText(v);
    const want = { pid: c.pid, ...(c.lang != null ? { lang: c.lang } : {}), params };
    // In encryption-only mode the form ignores plain parameters: here only the base URL's own
    // query items are plain, and the decoder must say so for each of them.
    const baseNames = c.base ? parseUrl(c.base).items.map((i) => i.name) : [];
    if (c.encOnly && baseNames.length > 0) {
      const warnings = out.warnings ?? [];
      expect(warnings.length === baseNames.length && baseNames.every((n, k) => warnings[k].includes(`'${n}'`)),
        `expected one 'ignored' warning per base-URL item ${JSON.stringify(baseNames)}, got ${clip(JSON.stringify(warnings))}`);
      delete out.warnings;
    }
    expect(isDeepStrictEqual(out, want),
      `decode output (first) and expected (second) ${firstDifference(JSON.stringify(out), JSON.stringify(want))}`);
    expectEqual(JSON.stringify(out), JSON.stringify(want), 'member order of the decode output');
  });
}

// ---------------------------------------------------------------------------------------------

const t0 = Date.now();
const versionProbe = run(['--version']);
if (versionProbe.status !== 0) {
  console.log(`FAIL setup: ${process.argv[2]} --version exited ${versionProbe.status}: ${clip(versionProbe.stderr)}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

SETS.forEach(([setName, text], setIndex) => {
  // Normalised through JSON.stringify once, as the CLI must write it (-0 → 0, 1E3 → 1000…).
  const entries = Object.entries(JSON.parse(JSON.stringify(JSON.parse(text))));
  for (const c of configsFor(setIndex, entries)) {
    const id = `${setName} [${describe(c)}]`;
    // A.
    let url;
    check(`${id} sign`, () => {
      const out = runOk(signArgs(c), { stdin: text });
      expect(out.endsWith('\n') && out.indexOf('\n') === out.length - 1, 'sign should print exactly one line');
      url = out.slice(0, -1);
    });
    if (url !== undefined) checkSigned(id, c, entries, url);
    // B.
    checkDecode(`${id} node→decode`, c, entries, buildUrl(c, entries));
    if (c.mode !== 'none' && !c.encOnly && c.lang != null && setIndex % 2 === 0) {
      for (const tokenStyle of ['encodeURIComponent', 'raw', 'base64url']) {
        const url2 = buildUrl(c, entries, { tokenStyle, valueEncoder: encodeURIComponent });
        checkDecode(`${id} node→decode (${tokenStyle} token, encodeURIComponent values)`, c, entries, url2, ['--mode', c.mode]);
      }
    }
  }
});

// The same parameters twice: ECB is deterministic, GCM draws a fresh nonce.
check('ecb deterministic / gcm fresh nonce', () => {
  const text = JSON.stringify(VENDOR_SAMPLE);
  const e1 = runOk(['sign', '--pid', 'P', '--mode', 'ecb', '--params-json', '-'], { stdin: text });
  const e2 = runOk(['sign', '--pid', 'P', '--mode', 'ecb', '--params-json', '-'], { stdin: text });
  expectEqual(e2, e1, 'two ECB URLs');
  const g1 = runOk(['sign', '--pid', 'P', '--mode', 'gcm', '--params-json', '-'], { stdin: text });
  const g2 = runOk(['sign', '--pid', 'P', '--mode', 'gcm', '--params-json', '-'], { stdin: text });
  expect(g1 !== g2, 'two GCM URLs are identical (nonce not random?)');
});
check('--nonce is used as given', () => {
  const nonce = Buffer.from('000102030405060708090a0b', 'hex');
  const c = { pid: 'P', mode: 'gcm', encOnly: false };
  const entries = Object.entries(VENDOR_SAMPLE);
  const url = runOk(['sign', '--pid', 'P', '--mode', 'gcm', '--nonce', nonce.toString('hex'), '--params-json', '-'],
    { stdin: JSON.stringify(VENDOR_SAMPLE) }).trimEnd();
  expectEqual(url, buildUrl(c, entries, { nonce }), 'URL with a fixed nonce');
});

// C. Refusals, by exit status (64 invalid parameter, 65 malformed input, 1 decryption failed).
function expectStatus(name, args, status, opts) {
  check(name, () => {
    const r = run(args, opts);
    expect(r.status === status, `expected exit ${status}, got ${r.status}; stdout ${clip(r.stdout)} stderr ${clip(r.stderr)}`);
  });
}
{
  const entries = Object.entries(VENDOR_SAMPLE);
  const ecbUrl = buildUrl({ pid: 'P', mode: 'ecb' }, entries);
  const gcmUrl = buildUrl({ pid: 'P', mode: 'gcm' }, entries);
  expectStatus('refuse: decode with the wrong key (ecb)', ['decode', ecbUrl], 1, { credential: OTHER_CREDENTIAL });
  expectStatus('refuse: decode with the wrong key (gcm)', ['decode', gcmUrl], 1, { credential: OTHER_CREDENTIAL });
  const wire = Buffer.from(decodeURIComponent(parseUrl(gcmUrl).items[1].raw), 'base64');
  wire[wire.length - 1] ^= 1;
  expectStatus('refuse: GCM token with a flipped tag bit', ['decode', '--mode', 'gcm', `${DEFAULT_BASE}?pid=P&encrypted=${pct(wire.toString('base64'))}`], 1);
  expectStatus('refuse: two encrypted parameters', ['decode', `${ecbUrl}&encrypted=${parseUrl(ecbUrl).items[1].raw}`], 65);
  expectStatus('refuse: allowedCountries with encryption off', ['sign', '--pid', 'P', '--mode', 'none', '--params-json', '-'], 64,
    { stdin: JSON.stringify(VENDOR_SAMPLE) });
  expectStatus('refuse: pid passed as a parameter', ['sign', '--pid', 'P', '--mode', 'ecb', '--params-json', '-'], 64,
    { stdin: '{"pid":"other"}' });
}

console.error(`(node_urls: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
