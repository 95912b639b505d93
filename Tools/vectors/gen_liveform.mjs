#!/usr/bin/env node
// Independent generator for Vectors/liveform-url.json (kind `liveform-url`) and
// Vectors/return-url.json (kind `return-url`), format `liveform-vectors/1`.
//
// Uses only Node's built-in `crypto` and `JSON.stringify` (the vendor's sample code is Node.js),
// never the Swift SDK. Every nonce and "random" byte is derived from the vector id, so the output
// is byte-for-byte reproducible.
//
// Usage: node gen_liveform.mjs [OUTPUT_DIR]          (default: <repo>/Vectors)
//        node gen_liveform.mjs --cross-check DIR     (re-verify cipher.json, request-body.json,
//                                                     response-body.json, webhook.json with Node)

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Obviously fake demo credentials. They are NOT real ARGOS keys.
const API_KEY = 'DEMO-ONLY-not-a-real-argos-api-key';
const SECRET_KEY = 'DEMO-ONLY-secretKey-0000';
const WRONG_KEY = 'DEMO-ONLY-wrong-key';
const DEFAULT_BASE = 'https://form.argosidentity.com/';
const RETURN_BASE = 'https://shop.example.com/kyc/return';
const ENCRYPTED_ONLY = ['allowedCountries', 'startValidUntil', 'knowledgeField', 'knowledgePrefill', 'auxidField'];
const MAX_URL_BYTES = 8192;

function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

// ---------------------------------------------------------------------------------------------
// Deterministic bytes, keys, ciphers
// ---------------------------------------------------------------------------------------------

function detBytes(label, n) {
  const parts = [];
  let have = 0;
  for (let counter = 0; have < n; counter++) {
    const seed = 'liveform-vectors/' + label + (counter === 0 ? '' : '#' + counter);
    const d = crypto.createHash('sha256').update(seed, 'utf8').digest();
    parts.push(d);
    have += d.length;
  }
  return Buffer.concat(parts).subarray(0, n);
}

function keyOf(kv) {
  if (kv.key !== undefined) return crypto.createHash('sha256').update(kv.key, 'utf8').digest();
  return Buffer.from(kv.keyHex, 'hex');
}

function ecbEncrypt(key, data) {
  const c = crypto.createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([c.update(data), c.final()]);
}

function ecbRawEncrypt(key, data) {
  assert(data.length % 16 === 0, 'raw ECB needs whole blocks');
  const c = crypto.createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

function gcmEncrypt(key, nonce, data) {
  assert(nonce.length === 12, 'GCM nonce is 12 bytes');
  const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
  const ct = Buffer.concat([c.update(data), c.final()]);
  const tag = c.getAuthTag();
  assert(tag.length === 16, 'tag 16 bytes');
  return Buffer.concat([nonce, ct, tag]);
}

function cbcEncrypt(key, iv, data) {
  const c = crypto.createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, c.update(data), c.final()]);
}

// ---------------------------------------------------------------------------------------------
// Percent-encoding (§3.3): every byte outside A–Z a–z 0–9 - . _ ~ becomes %XX, uppercase.
// ---------------------------------------------------------------------------------------------

function isWellFormed(s) {
  return Buffer.from(s, 'utf8').toString('utf8') === s; // false for lone surrogates
}

function pct(s) {
  assert(isWellFormed(s), 'no lone surrogates');
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/^[A-Za-z0-9\-._~]$/.test(c)) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  // Cross-check with encodeURIComponent, which leaves ! ' ( ) * raw.
  const alt = encodeURIComponent(s).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
  assert(alt === out, 'percent-encoding cross-check for ' + JSON.stringify(s));
  return out;
}

function pctDecode(s) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Fail('malformedInput');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes));
  } catch {
    throw new Fail('malformedInput');
  }
}

// ---------------------------------------------------------------------------------------------
// JSON text of parameters (§3.2): JSON.stringify of an object, members in caller order.
// ---------------------------------------------------------------------------------------------

function paramsJSON(pairs) {
  const obj = {};
  for (const [name, value] of pairs) {
    // JS objects put integer-like keys first, and `__proto__` is not an own property: such names
    // would not keep caller order, so the vectors never use them.
    assert(!/^(0|[1-9][0-9]*)$/.test(name), 'integer-like parameter name ' + name);
    assert(name !== '__proto__', '__proto__ name');
    assert(!Object.prototype.hasOwnProperty.call(obj, name), 'duplicate ' + name);
    assert(['string', 'boolean', 'number'].includes(typeof value), 'value type of ' + name);
    if (typeof value === 'number') assert(Number.isFinite(value), 'finite number');
    if (typeof value === 'string') assert(isWellFormed(value), 'well-formed string');
    obj[name] = value;
  }
  const text = JSON.stringify(obj);
  const manual = '{' + pairs.map(([n, v]) => JSON.stringify(n) + ':' + JSON.stringify(v)).join(',') + '}';
  assert(text === manual, 'member order preserved');
  return text;
}

function plainForm(value) {
  // A plain (unencrypted) parameter is written as the value's string form: true → "true", 5 → "5",
  // 1e21 → "1e+21" (ECMAScript Number::toString, the same text JSON.stringify writes).
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  assert(typeof value === 'number' && Number.isFinite(value), 'number');
  assert(String(value) === JSON.stringify(value), 'number forms agree');
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Liveform URL builder (§3.3)
// ---------------------------------------------------------------------------------------------

function buildLiveformURL(v, kv) {
  const { mode, encryptionOnly, pid, lang, params } = v;
  const base = v.baseURL ?? DEFAULT_BASE;
  assert(typeof pid === 'string' && pid !== '', 'pid required');
  const seen = new Set();
  for (const [name] of params) {
    assert(!['pid', 'lang', 'encrypted'].includes(name), 'reserved name ' + name);
    assert(!seen.has(name), 'duplicate parameter ' + name);
    seen.add(name);
    if (mode === 'none') assert(!ENCRYPTED_ONLY.includes(name), name + ' is encrypted-only');
  }
  assert(!(mode === 'none' && encryptionOnly), 'encryptionOnly needs a cipher');
  const inside = [];
  const plain = [];
  for (const p of params) {
    if (mode === 'none') plain.push(p);
    else if (!encryptionOnly && (p[0] === 'sid' || p[0] === 'action')) plain.push(p);
    else inside.push(p);
  }
  let plaintext;
  let token;
  if (mode !== 'none') {
    // The vectors never ask a cipher mode to build a URL with nothing to encrypt (not pinned).
    assert(inside.length > 0, 'cipher mode with nothing to encrypt');
    plaintext = paramsJSON(inside);
    const key = keyOf(kv);
    const bytes = Buffer.from(plaintext, 'utf8');
    token = (mode === 'ecb' ? ecbEncrypt(key, bytes) : gcmEncrypt(key, Buffer.from(v.iv, 'hex'), bytes)).toString('base64');
  }
  const items = [['pid', pid]];
  if (token !== undefined) items.push(['encrypted', token]);
  if (lang !== undefined) items.push(['lang', lang]);
  for (const [n, val] of plain) items.push([n, plainForm(val)]);
  const query = items.map(([n, val]) => pct(n) + '=' + pct(val)).join('&');
  const url = base + (base.includes('?') ? '&' : '?') + query;
  assert(Buffer.byteLength(url, 'utf8') <= MAX_URL_BYTES, 'URL within the default limit');
  return { url, plaintext };
}

// ---------------------------------------------------------------------------------------------
// Reference decoders, written from the spec, used to prove every vector's expected outcome
// ---------------------------------------------------------------------------------------------

class Fail extends Error {
  constructor(category) {
    super(category);
    this.category = category;
  }
}

function lenientBase64(token) {
  // §2: space → '+', '-' → '+', '_' → '/', CR/LF/TAB ignored, missing '=' restored.
  let s = token.replace(/[\r\n\t]/g, '').replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/');
  const body = s.replace(/=+$/, '');
  if (s.length - body.length > 2) throw new Fail('malformedInput');
  if (!/^[A-Za-z0-9+/]*$/.test(body)) throw new Fail('malformedInput');
  if (body.length % 4 === 1) throw new Fail('malformedInput');
  s = body + '='.repeat((4 - (body.length % 4)) % 4);
  return Buffer.from(s, 'base64');
}

function strictUnpad(data) {
  const n = data.length ? data[data.length - 1] : 0;
  let ok = n >= 1 && n <= 16 && data.length >= n;
  if (ok) for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) ok = false;
  if (!ok) throw new Fail('decryptionFailed');
  return data.subarray(0, data.length - n);
}

function ecbDecrypt(key, data) {
  if (data.length === 0 || data.length % 16 !== 0) throw new Fail('malformedInput');
  const d = crypto.createDecipheriv('aes-256-ecb', key, null);
  d.setAutoPadding(false);
  const raw = Buffer.concat([d.update(data), d.final()]);
  const mine = (() => { try { return strictUnpad(raw); } catch { return null; } })();
  // Cross-check against OpenSSL's own padding check.
  let theirs = null;
  try {
    const d2 = crypto.createDecipheriv('aes-256-ecb', key, null);
    theirs = Buffer.concat([d2.update(data), d2.final()]);
  } catch { theirs = null; }
  assert((mine === null) === (theirs === null) && (mine === null || mine.equals(theirs)), 'padding checks agree');
  if (mine === null) throw new Fail('decryptionFailed');
  return mine;
}

function cbcDecrypt(key, data) {
  if (data.length < 32 || data.length % 16 !== 0) throw new Fail('malformedInput');
  const d = crypto.createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
  d.setAutoPadding(false);
  return strictUnpad(Buffer.concat([d.update(data.subarray(16)), d.final()]));
}

function gcmDecrypt(key, data) {
  if (data.length < 28) throw new Fail('malformedInput');
  const d = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  d.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
  } catch {
    throw new Fail('decryptionFailed');
  }
}

function jsonShape(bytes, allowArray) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Fail('decryptionFailed');
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Fail('decryptionFailed');
  }
  const ok = value !== null && typeof value === 'object' && (allowArray || !Array.isArray(value));
  if (!ok) throw new Fail('decryptionFailed');
  return value;
}

function decryptURLToken(mode, key, tokenText) {
  const data = lenientBase64(tokenText);
  if (data.length > 64 * 1024) throw new Fail('malformedInput');
  if (mode === 'ecb') return jsonShape(ecbDecrypt(key, data), false);
  if (mode === 'gcm') return jsonShape(gcmDecrypt(key, data), false);
  assert(mode === 'auto', 'mode');
  const fitsGCM = data.length >= 28;
  const fitsECB = data.length > 0 && data.length % 16 === 0;
  if (!fitsGCM && !fitsECB) throw new Fail('malformedInput');
  if (fitsGCM) {
    let pt = null;
    try { pt = gcmDecrypt(key, data); } catch { pt = null; }
    if (pt !== null) return jsonShape(pt, false); // the tag verified: GCM it is
  }
  if (fitsECB) return jsonShape(ecbDecrypt(key, data), false);
  throw new Fail('decryptionFailed');
}

function splitQuery(url) {
  const q = url.indexOf('?');
  if (q < 0) return { base: url, items: [] };
  let query = url.slice(q + 1);
  const h = query.indexOf('#');
  if (h >= 0) query = query.slice(0, h);
  const items = query === '' ? [] : query.split('&').map((part) => {
    const i = part.indexOf('=');
    return i < 0 ? [pctDecode(part), ''] : [pctDecode(part.slice(0, i)), pctDecode(part.slice(i + 1))];
  });
  return { base: url.slice(0, q), items };
}

function decodeLiveformURL(url, mode, kv) {
  const key = keyOf(kv);
  const { items } = splitQuery(url);
  const enc = items.filter(([n]) => n === 'encrypted');
  if (enc.length > 1) throw new Fail('malformedInput');
  const result = { pid: undefined, lang: undefined, params: new Map() };
  for (const [n, val] of items) {
    if (n === 'pid') result.pid = val;
    else if (n === 'lang') result.lang = val;
    else if (n !== 'encrypted') result.params.set(n, val);
  }
  if (enc.length === 1) {
    const obj = decryptURLToken(mode === 'none' ? 'auto' : mode, key, enc[0][1]);
    for (const [n, val] of Object.entries(obj)) result.params.set(n, val);
  }
  return result;
}

function decodeReturnURL(url, mode, kv) {
  const { items } = splitQuery(url);
  const enc = items.filter(([n]) => n === 'encrypted');
  if (enc.length > 1) throw new Fail('malformedInput');
  if (enc.length === 0) return Object.fromEntries(items);
  return decryptURLToken('ecb', keyOf(kv), enc[0][1]);
}

function outcome(fn) {
  try {
    return { ok: fn() };
  } catch (e) {
    if (e instanceof Fail) return { err: e.category };
    throw e;
  }
}

function deepEqual(a, b) {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(x) {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])]));
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Liveform URL vectors
// ---------------------------------------------------------------------------------------------

const SAMPLE_PARAMS = [
  ['email', 'demo.user@example.com'],
  ['userid', 'demo-user-0001'],
  ['cf1', 'campaign-spring'],
  ['cf2', 'tier-gold'],
  ['cf3', 'partner-42'],
  ['blacklistCountries', false],
  ['approvePeriod', false],
  ['rejectPeriod', false],
  ['ageLimit', false],
  ['rejectDuplicateUser', true],
  ['token', 'token_id'],
  ['allowedCountries', 'USA,KOR'],
];

const SPECIAL_VALUES = [
  ['cf1', 'a+b/c&d=e%f#g?h'],
  ['cf2', '  two  spaces, leading and trailing  '],
  ['cf3', 'double "quote" and single \'quote\''],
  ['memo', 'back\\slash C:\\path\\ and \\u0041 literally'],
  ['ctl', 'line1\nline2\ttab\u0001soh\u007fdel\r\bbs\ffeed'],
  ['seps', 'LS\u2028PS\u2029end'],
  ['name', '홍길동 (김철수)'],
  ['emoji', '🎉👍🏽👩‍💻🇰🇷'],
  ['marks', "!*'()~-._"],
  ['empty', ''],
];

const NUMBER_VALUES = [
  ['zero', 0],
  ['int', 42],
  ['negative', -17],
  ['half', 0.5],
  ['negHalf', -0.5],
  ['big', 1e21],
  ['justBelow1e21', 1e20],
  ['tiny', 1e-7],
  ['micro', 0.000001],
  ['sum', 0.1 + 0.2],
  ['maxSafe', 9007199254740991],
  ['minDouble', 5e-324],
  ['maxDouble', 1.7976931348623157e308],
  ['fraction', 123456789.125],
  ['flagTrue', true],
  ['flagFalse', false],
];

const liveform = [];
const returnVectors = [];
const idSets = { liveform: new Set(), ret: new Set() };

function uniqueId(id, file = 'liveform') {
  // ids are unique within a file
  assert(!idSets[file].has(id), 'duplicate id ' + id);
  idSets[file].add(id);
}

function kvField(kv) {
  return kv.key !== undefined ? { key: kv.key } : { keyHex: kv.keyHex };
}

function validLiveform(spec) {
  const { id, comment, mode, encryptionOnly = false, pid = 'demo-project-pid', lang, baseURL, params } = spec;
  const kv = spec.kv ?? { key: SECRET_KEY };
  uniqueId(id);
  const v = { id, kind: 'liveform-url', comment, ...kvField(kv), result: 'valid', mode, encryptionOnly, pid };
  if (lang !== undefined) v.lang = lang;
  if (baseURL !== undefined) v.baseURL = baseURL;
  v.params = params;
  if (mode === 'gcm') v.iv = detBytes(id, 12).toString('hex');
  const { url, plaintext } = buildLiveformURL(v, kv);
  if (plaintext !== undefined) v.plaintext = plaintext;
  v.url = url;

  // Self-check: decode(url) gives pid, lang, the params (plain ones as their string form) and
  // the base URL's own query items.
  const got = outcome(() => decodeLiveformURL(url, mode, kv));
  assert(got.ok, id + ': decodes');
  assert(got.ok.pid === pid && got.ok.lang === lang, id + ': pid/lang');
  const expected = new Map();
  for (const [n, val] of splitQuery(v.baseURL ?? DEFAULT_BASE).items) expected.set(n, val);
  for (const [n, val] of params) {
    const plain = mode === 'none' || (!encryptionOnly && (n === 'sid' || n === 'action'));
    expected.set(n, plain ? plainForm(val) : val);
  }
  assert(expected.size === got.ok.params.size, id + ': param count');
  for (const [n, val] of expected) assert(got.ok.params.get(n) === val, id + ': param ' + n);
  liveform.push(v);
  return v;
}

function invalidLiveform(id, comment, mode, kv, url, error) {
  uniqueId(id);
  const got = outcome(() => decodeLiveformURL(url, mode, kv));
  assert(got.err === error, `${id}: reference decoder gives ${JSON.stringify(got)}, expected ${error}`);
  liveform.push({ id, kind: 'liveform-url', comment, ...kvField(kv), result: 'invalid', error, mode, url });
}

function buildLiveformVectors() {
  const noEncOnly = SAMPLE_PARAMS.filter(([n]) => !ENCRYPTED_ONLY.includes(n));

  // ----- mode none --------------------------------------------------------------------------
  validLiveform({
    id: 'none-pid-only', mode: 'none', params: [],
    comment: 'encryption off, only pid; baseURL omitted, so the default https://form.argosidentity.com/ is used as is',
  });
  validLiveform({
    id: 'none-explicit-default-base-with-lang', mode: 'none', lang: 'ko', baseURL: DEFAULT_BASE,
    params: [['email', 'demo.user@example.com'], ['userid', 'demo-user-0001']],
    comment: 'encryption off; baseURL given explicitly (same as the default); query order pid, lang, then params in caller order',
  });
  validLiveform({
    id: 'none-documented-sample-params', mode: 'none', lang: 'en',
    params: noEncOnly,
    comment: 'the vendor\'s documented sample parameters without allowedCountries (encrypted-only); booleans are written plain as true/false and decode as those strings',
  });
  validLiveform({
    id: 'none-special-characters', mode: 'none', lang: 'ko',
    params: [...SPECIAL_VALUES, ['note[1]', 'name needing escapes']],
    comment: 'plain values with + / & = % # ?, spaces, quotes, backslashes, control characters (\\n \\t \\u0001 \\u007f \\r \\b \\f), U+2028/U+2029, Korean, emoji and ! * \' ( ) (which encodeURIComponent leaves raw but this profile encodes), an empty value, and a name with [ ]: every byte outside A-Z a-z 0-9 - . _ ~ is %XX uppercase',
  });
  validLiveform({
    id: 'none-numbers-and-booleans', mode: 'none',
    params: NUMBER_VALUES,
    comment: 'plain numbers and booleans are written as their ECMAScript string form (1e21 → 1e+21, 1e20 → 100000000000000000000, 0.000001 → 0.000001, 1e-7 → 1e-7, 0.1+0.2 → 0.30000000000000004); decoded plain values are strings',
  });
  validLiveform({
    id: 'none-base-with-path', mode: 'none', lang: 'ja', baseURL: 'https://kyc.example.test/liveform/start',
    params: [['userid', 'demo-user-0002'], ['sid', 'demo-sid-0002']],
    comment: 'base URL with a path: kept exactly, query appended after ?',
  });
  validLiveform({
    id: 'none-base-with-query', mode: 'none', baseURL: 'https://form.argosidentity.com/?ref=partner-7',
    params: [['email', 'demo.user+kyc@example.com']],
    comment: 'base URL that already has a query: the query is appended after &; decoders report ref=partner-7 as a plain parameter',
  });

  // ----- ECB ----------------------------------------------------------------------------------
  validLiveform({
    id: 'ecb-documented-sample', mode: 'ecb', lang: 'ko', params: SAMPLE_PARAMS,
    comment: 'the vendor\'s documented sample parameters, all inside encrypted (ECB), in caller order',
  });
  validLiveform({
    id: 'ecb-documented-sample-no-lang', mode: 'ecb', params: SAMPLE_PARAMS, kv: { key: API_KEY },
    comment: 'same parameters without lang, keyed with the (fake) API key instead of the secretKey',
  });
  validLiveform({
    id: 'ecb-sid-action-plain', mode: 'ecb', lang: 'en',
    params: [['email', 'demo.user@example.com'], ['sid', 'demo-sid-0001'], ['userid', 'demo-user-0001'], ['action', 'retry'], ['cf1', 'c1']],
    comment: 'ECB without encryption-only: sid and action stay plain, after lang, in caller order; the others go inside encrypted in caller order',
  });
  validLiveform({
    id: 'ecb-encryption-only-sid-action-inside', mode: 'ecb', encryptionOnly: true, lang: 'en',
    params: [['email', 'demo.user@example.com'], ['sid', 'demo-sid-0001'], ['userid', 'demo-user-0001'], ['action', 'retry'], ['cf1', 'c1']],
    comment: 'encryption-only mode: sid and action go inside encrypted too; only pid and lang stay plain',
  });
  validLiveform({
    id: 'ecb-special-characters', mode: 'ecb', lang: 'ko',
    params: [...SPECIAL_VALUES, ['nul', 'a\u0000b\u001fc'], ['slash', 'https://example.com/a/b?c=d'], ['sid', 'sid with spaces & +plus']],
    comment: 'JSON.stringify string escaping inside encrypted: \\" \\\\ \\n \\t \\r \\b \\f, \\u0000 \\u0001 \\u001f (lowercase hex), and literal / U+007F U+2028 U+2029 Korean emoji; the plain sid is percent-encoded',
  });
  validLiveform({
    id: 'ecb-numbers-and-booleans', mode: 'ecb', params: NUMBER_VALUES,
    comment: 'JSON.stringify number formatting: 0, 42, -17, 0.5, -0.5, 1e+21, 100000000000000000000, 1e-7, 0.000001, 0.30000000000000004, 9007199254740991, 5e-324, 1.7976931348623157e+308, 123456789.125; booleans true/false',
  });
  validLiveform({
    id: 'ecb-base-with-query-encryption-only', mode: 'ecb', encryptionOnly: true, lang: 'ko',
    baseURL: 'https://form.argosidentity.com/?ref=partner-7',
    params: [['userid', 'demo-user-0003'], ['sid', 'demo-sid-0003']],
    comment: 'base URL with an existing query (ref=partner-7) in encryption-only mode: query appended after &; decoders report ref',
  });
  validLiveform({
    id: 'ecb-keyHex-base-with-path', mode: 'ecb', baseURL: 'https://kyc.example.test/liveform/start',
    kv: { keyHex: crypto.createHash('sha256').update(SECRET_KEY, 'utf8').digest('hex') },
    params: [['userid', 'demo-user-0004'], ['startValidUntil', '2026-04-30T15:00:00Z']],
    comment: 'raw key (keyHex = SHA-256 of the fake secretKey), base URL with a path; startValidUntil inside encrypted',
  });

  // ----- GCM ----------------------------------------------------------------------------------
  validLiveform({
    id: 'gcm-documented-sample-startValidUntil', mode: 'gcm', lang: 'en',
    params: [...SAMPLE_PARAMS, ['startValidUntil', '2026-04-30T15:00:00Z']],
    comment: 'documented sample parameters plus startValidUntil, GCM (nonce ‖ ciphertext ‖ tag, nonce from the id)',
  });
  validLiveform({
    id: 'gcm-sid-action-plain-no-lang', mode: 'gcm',
    params: [['action', 'retry'], ['userid', 'demo-user-0005'], ['sid', 'demo-sid-0005'], ['email', 'demo.user@example.com']],
    comment: 'GCM without lang; action and sid stay plain in caller order (action before sid)',
  });
  validLiveform({
    id: 'gcm-encryption-only-base-with-path', mode: 'gcm', encryptionOnly: true, lang: 'ko',
    baseURL: 'https://kyc.example.test/liveform/start',
    params: [['sid', 'demo-sid-0006'], ['action', 'retry'], ['userid', 'demo-user-0006'], ['allowedCountries', 'USA,KOR']],
    comment: 'GCM encryption-only mode with a base path: sid and action inside encrypted',
  });
  validLiveform({
    id: 'gcm-base-with-query', mode: 'gcm', lang: 'ko', baseURL: 'https://form.argosidentity.com/?ref=partner-7',
    params: [['userid', 'demo-user-0007'], ['sid', 'demo-sid-0007'], ['rejectDuplicateUser', true]],
    comment: 'base URL with an existing query: appended after &; decoders report ref=partner-7 plus the plain sid',
  });
  validLiveform({
    id: 'gcm-special-characters-encryption-only', mode: 'gcm', encryptionOnly: true,
    params: [...SPECIAL_VALUES, ['sid', 'sid "quoted" \\ / 세션'], ['action', 'a\nb']],
    comment: 'GCM encryption-only: string escaping (quotes, backslash, control characters, U+2028/2029, Korean, emoji) inside encrypted, sid/action included',
  });
  validLiveform({
    id: 'gcm-numbers-and-booleans', mode: 'gcm', lang: 'en', params: NUMBER_VALUES, kv: { key: API_KEY },
    comment: 'JSON.stringify number formatting inside a GCM token (same numbers as ecb-numbers-and-booleans)',
  });
  validLiveform({
    id: 'gcm-single-param', mode: 'gcm', params: [['userid', 'u']],
    comment: 'the smallest GCM payload here: {"userid":"u"}',
  });

  // ----- invalid ------------------------------------------------------------------------------
  const kv = { key: SECRET_KEY };
  const key = keyOf(kv);
  const urlWith = (tokenText, extra = '') => `${DEFAULT_BASE}?pid=demo-project-pid&encrypted=${tokenText}&lang=ko${extra}`;
  const enc = (buf) => pct(buf.toString('base64'));
  const objText = Buffer.from('{"userid":"demo-user-0001","email":"demo.user@example.com"}', 'utf8');

  const g = gcmEncrypt(key, detBytes('invalid-gcm-base', 12), objText);
  const flip = (buf, i, mask = 1) => { const b = Buffer.from(buf); b[i] ^= mask; return b; };
  invalidLiveform('invalid-gcm-tampered-ciphertext', 'GCM token with its first ciphertext byte flipped', 'gcm', kv,
    urlWith(enc(flip(g, 12))), 'decryptionFailed');
  invalidLiveform('invalid-gcm-tampered-tag', 'GCM token with its last tag byte flipped', 'gcm', kv,
    urlWith(enc(flip(g, g.length - 1))), 'decryptionFailed');
  invalidLiveform('invalid-gcm-tampered-tag-auto', 'decoder mode auto: a tampered GCM token fits the GCM structure, so the error is decryptionFailed, not malformedInput', 'auto', kv,
    urlWith(enc(flip(g, g.length - 1))), 'decryptionFailed');
  invalidLiveform('invalid-gcm-wrong-key', 'GCM token made under a different (fake) credential', 'gcm', kv,
    urlWith(enc(gcmEncrypt(keyOf({ key: WRONG_KEY }), detBytes('invalid-gcm-wrong-key', 12), objText))), 'decryptionFailed');
  // ECB under a wrong key: make sure the right key really fails (padding or shape).
  let wrongECB;
  for (let i = 0; ; i++) {
    wrongECB = ecbEncrypt(keyOf({ key: WRONG_KEY + (i ? '-' + i : '') }), objText);
    const o = outcome(() => decodeLiveformURL(urlWith(enc(wrongECB)), 'ecb', kv));
    if (o.err === 'decryptionFailed') break;
  }
  invalidLiveform('invalid-ecb-wrong-key', 'ECB token made under a different (fake) credential', 'ecb', kv,
    urlWith(enc(wrongECB)), 'decryptionFailed');
  invalidLiveform('invalid-ecb-wrong-key-auto', 'decoder mode auto, ECB token under a wrong key (64 bytes: fits both structures)', 'auto', kv,
    urlWith(enc(wrongECB)), 'decryptionFailed');
  const goodECB = ecbEncrypt(key, objText);
  invalidLiveform('invalid-duplicate-encrypted', 'two encrypted parameters (both valid tokens)', 'ecb', kv,
    urlWith(enc(goodECB), '&encrypted=' + enc(goodECB)), 'malformedInput');
  invalidLiveform('invalid-encrypted-not-base64', 'encrypted value containing $, outside the base64 alphabet', 'ecb', kv,
    urlWith(goodECB.toString('base64').slice(0, 20) + '$' + goodECB.toString('base64').slice(20).replace(/[+/=]/g, (c) => pct(c))), 'malformedInput');
  invalidLiveform('invalid-encrypted-empty', 'encrypted present with an empty value (0 bytes)', 'auto', kv,
    urlWith(''), 'malformedInput');
  invalidLiveform('invalid-ecb-plaintext-array', 'ECB of [1,2]: decrypts, but the JSON is not an object', 'ecb', kv,
    urlWith(enc(ecbEncrypt(key, Buffer.from('[1,2]')))), 'decryptionFailed');
  invalidLiveform('invalid-ecb-plaintext-json-string', 'ECB of "text": decrypts, but the JSON is a string, not an object', 'ecb', kv,
    urlWith(enc(ecbEncrypt(key, Buffer.from('"text"')))), 'decryptionFailed');
  invalidLiveform('invalid-ecb-plaintext-not-json', 'ECB of the bytes not json: valid padding, not JSON', 'ecb', kv,
    urlWith(enc(ecbEncrypt(key, Buffer.from('not json')))), 'decryptionFailed');
  invalidLiveform('invalid-ecb-plaintext-not-utf8', 'ECB of bytes that are not UTF-8 (valid padding)', 'ecb', kv,
    urlWith(enc(ecbEncrypt(key, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])))), 'decryptionFailed');
  invalidLiveform('invalid-ecb-bad-padding', 'ECB of a block whose last byte is 0x00 (no PKCS#7 padding)', 'ecb', kv,
    urlWith(enc(ecbRawEncrypt(key, Buffer.concat([Buffer.from('{"userid":"u"} ', 'utf8'), Buffer.from([0x00])])))), 'decryptionFailed');
  invalidLiveform('invalid-gcm-plaintext-array', 'GCM of [1,2]: the tag verifies, but the JSON is not an object', 'gcm', kv,
    urlWith(enc(gcmEncrypt(key, detBytes('invalid-gcm-plaintext-array', 12), Buffer.from('[1,2]')))), 'decryptionFailed');
  invalidLiveform('invalid-gcm-27-bytes', 'decoder mode gcm, token of 27 bytes: shorter than nonce + tag', 'gcm', kv,
    urlWith(enc(detBytes('invalid-gcm-27-bytes', 27))), 'malformedInput');
  invalidLiveform('invalid-gcm-given-ecb-token', 'decoder mode gcm, a valid 64-byte ECB token: long enough for GCM, but the tag does not verify', 'gcm', kv,
    urlWith(enc(goodECB)), 'decryptionFailed');
  invalidLiveform('invalid-ecb-20-bytes', 'decoder mode ecb, token of 20 bytes: not a multiple of 16', 'ecb', kv,
    urlWith(enc(detBytes('invalid-ecb-20-bytes', 20))), 'malformedInput');
  invalidLiveform('invalid-auto-20-bytes', 'decoder mode auto, token of 20 bytes: fits neither GCM (≥ 28) nor ECB (n·16), so malformedInput', 'auto', kv,
    urlWith(enc(detBytes('invalid-auto-20-bytes', 20))), 'malformedInput');
}

// ---------------------------------------------------------------------------------------------
// Return URL vectors (§4)
// ---------------------------------------------------------------------------------------------

const RETURN_ORDER = ['kycStatus', 'userid', 'email', 'submissionId', 'cf1', 'cf2', 'cf3', 'errorCode'];

function orderedFields(fields) {
  // Known fields in the documented order, then unknown ones in the order given.
  const out = {};
  for (const k of RETURN_ORDER) if (fields[k] !== undefined) out[k] = fields[k];
  for (const [k, v] of Object.entries(fields)) if (!RETURN_ORDER.includes(k)) out[k] = v;
  for (const [k, v] of Object.entries(out)) {
    assert(typeof v === 'string', 'return fields are strings');
    assert(!/^(0|[1-9][0-9]*)$/.test(k), 'integer-like name');
  }
  return out;
}

function returnURLFor(fields, mode, kv) {
  if (mode === 'none') {
    return RETURN_BASE + '?' + Object.entries(fields).map(([k, v]) => pct(k) + '=' + pct(v)).join('&');
  }
  return RETURN_BASE + '?encrypted=' + pct(ecbEncrypt(keyOf(kv), Buffer.from(JSON.stringify(fields), 'utf8')).toString('base64'));
}

function validReturn(id, comment, mode, fields, kv = { key: API_KEY }, url) {
  uniqueId(id, 'ret');
  const expected = orderedFields(fields);
  url ??= returnURLFor(expected, mode, kv);
  const got = outcome(() => decodeReturnURL(url, mode, kv));
  assert(got.ok && deepEqual(got.ok, expected), id + ': decodes to expected ' + JSON.stringify(got));
  returnVectors.push({ id, kind: 'return-url', comment, ...kvField(kv), result: 'valid', mode, url, expected });
}

function invalidReturn(id, comment, mode, url, error, kv = { key: API_KEY }) {
  uniqueId(id, 'ret');
  const got = outcome(() => decodeReturnURL(url, mode, kv));
  assert(got.err === error, `${id}: reference decoder gives ${JSON.stringify(got)}, expected ${error}`);
  returnVectors.push({ id, kind: 'return-url', comment, ...kvField(kv), result: 'invalid', error, mode, url });
}

function buildReturnVectors() {
  const all = {
    kycStatus: 'approved', userid: 'demo-user-0001', email: 'demo.user@example.com',
    submissionId: 'demo-submission-0001', cf1: 'campaign-spring', cf2: 'tier-gold', cf3: 'partner-42',
  };
  const rejected = { ...all, kycStatus: 'rejected', errorCode: 'DEMO_E001' };
  const subset = { kycStatus: 'pending', userid: 'demo-user-0002' };
  const unicode = {
    kycStatus: 'approved', userid: '사용자-0003', email: 'demo.user+kyc@example.com',
    submissionId: 'demo-submission-0003', cf1: '홍길동 🎉', cf2: 'a&b=c?d#e%f/g h', cf3: 'quote " backslash \\ LS\u2028',
  };
  const unknown = { kycStatus: 'under_review', userid: 'demo-user-0004', submissionId: 'demo-submission-0004', riskTier: 'low-2' };

  validReturn('plain-all-fields', 'plain return URL with every documented field except errorCode, in the documented order', 'none', all);
  validReturn('plain-rejected-with-errorCode', 'plain, kycStatus rejected with errorCode', 'none', rejected);
  validReturn('plain-subset', 'plain, only kycStatus (pending) and userid', 'none', subset);
  validReturn('plain-unicode-and-reserved-characters', 'plain, Korean/emoji and URL-reserved characters in values (percent-encoded UTF-8)', 'none', unicode);
  validReturn('plain-unknown-status-and-field', 'plain, unknown kycStatus under_review and an unknown field riskTier: both kept as strings', 'none', unknown);
  validReturn('ecb-all-fields', 'encrypted return URL: ECB of JSON.stringify of the fields in the documented order', 'ecb', all);
  validReturn('ecb-rejected-with-errorCode', 'encrypted, rejected with errorCode', 'ecb', rejected);
  validReturn('ecb-subset', 'encrypted, only kycStatus (pending) and userid', 'ecb', subset, { key: SECRET_KEY });
  validReturn('ecb-unicode-and-reserved-characters', 'encrypted, Korean/emoji, quotes, backslash, U+2028 in values', 'ecb', unicode);
  validReturn('ecb-unknown-status-and-field', 'encrypted, unknown kycStatus under_review and an unknown field riskTier: both kept', 'ecb', unknown);

  // Tokens as they arrive after passing through mail clients and form decoders (§2 leniency).
  // Pick a deterministic field set whose token contains '+', '/' and '=' padding.
  let lenient;
  let tok;
  for (let i = 0; ; i++) {
    assert(i < 10000, 'no suitable lenient token');
    lenient = { kycStatus: 'approved', userid: 'demo-user-0005', submissionId: 'demo-submission-' + String(i).padStart(4, '0') + '-x'.repeat(i % 8) };
    tok = ecbEncrypt(keyOf({ key: API_KEY }), Buffer.from(JSON.stringify(lenient))).toString('base64');
    if (tok.includes('+') && tok.includes('/') && tok.endsWith('=')) break;
  }
  validReturn('ecb-lenient-raw-token', 'token not percent-encoded: raw + / and = in the query; the value is everything after the first =', 'ecb',
    lenient, { key: API_KEY }, RETURN_BASE + '?encrypted=' + tok);
  validReturn('ecb-lenient-urlsafe-unpadded', 'token in the URL-safe alphabet (- _) with its = padding removed', 'ecb',
    lenient, { key: API_KEY }, RETURN_BASE + '?encrypted=' + tok.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  validReturn('ecb-lenient-plus-became-space', 'each + of the token arrives as a space (%20), as after a form decoder; a space is read as +', 'ecb',
    lenient, { key: API_KEY }, RETURN_BASE + '?encrypted=' + pct(tok).replace(/%2B/g, '%20'));
  validReturn('ecb-lowercase-percent-escapes', 'percent escapes in lowercase hex (%2b %2f %3d) decode like uppercase', 'ecb',
    lenient, { key: API_KEY }, RETURN_BASE + '?encrypted=' + pct(tok).replace(/%([0-9A-F]{2})/g, (m, h) => '%' + h.toLowerCase()));

  // Invalid.
  const key = keyOf({ key: API_KEY });
  const good = ecbEncrypt(key, Buffer.from(JSON.stringify(orderedFields(all))));
  const tampered = Buffer.from(good);
  tampered[tampered.length - 5] ^= 0x40;
  invalidReturn('invalid-ecb-tampered', 'a byte of the last ciphertext block flipped: padding (or JSON) no longer valid', 'ecb',
    RETURN_BASE + '?encrypted=' + pct(tampered.toString('base64')), 'decryptionFailed');
  let wrong;
  for (let i = 0; ; i++) {
    wrong = ecbEncrypt(keyOf({ key: WRONG_KEY + (i ? '-' + i : '') }), Buffer.from(JSON.stringify(orderedFields(all))));
    if (outcome(() => decodeReturnURL(RETURN_BASE + '?encrypted=' + pct(wrong.toString('base64')), 'ecb', { key: API_KEY })).err === 'decryptionFailed') break;
  }
  invalidReturn('invalid-ecb-wrong-key', 'token made under a different (fake) credential', 'ecb',
    RETURN_BASE + '?encrypted=' + pct(wrong.toString('base64')), 'decryptionFailed');
  invalidReturn('invalid-not-base64', 'encrypted value containing $ and *', 'ecb',
    RETURN_BASE + '?encrypted=' + 'abc$def*' + pct(good.toString('base64')), 'malformedInput');
  invalidReturn('invalid-ecb-plaintext-array', 'ECB of ["approved","demo-user-0001"]: not a JSON object', 'ecb',
    RETURN_BASE + '?encrypted=' + pct(ecbEncrypt(key, Buffer.from('["approved","demo-user-0001"]')).toString('base64')), 'decryptionFailed');
  invalidReturn('invalid-ecb-plaintext-not-json', 'ECB of kycStatus=approved (form text, not JSON)', 'ecb',
    RETURN_BASE + '?encrypted=' + pct(ecbEncrypt(key, Buffer.from('kycStatus=approved')).toString('base64')), 'decryptionFailed');
  invalidReturn('invalid-ecb-15-bytes', 'token of 15 bytes: not a multiple of 16', 'ecb',
    RETURN_BASE + '?encrypted=' + pct(detBytes('invalid-return-15', 15).toString('base64')), 'malformedInput');
  invalidReturn('invalid-duplicate-encrypted', 'two encrypted parameters', 'ecb',
    RETURN_BASE + '?encrypted=' + pct(good.toString('base64')) + '&encrypted=' + pct(good.toString('base64')), 'malformedInput');
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function writeFile(dir, name, description, vectors) {
  const doc = { format: 'liveform-vectors/1', description, vectors };
  const text = JSON.stringify(doc, null, 2) + '\n';
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  fs.writeFileSync(p, text, 'utf8');
  const nValid = vectors.filter((v) => v.result === 'valid').length;
  console.log(`wrote ${p}: ${vectors.length} vectors (${nValid} valid, ${vectors.length - nValid} invalid)`);
}

function generate(outDir) {
  buildLiveformVectors();
  buildReturnVectors();
  const node = 'Node.js ' + process.versions.node.split('.')[0] + '.x';
  writeFile(outDir, 'liveform-url.json',
    'Liveform URL building and decoding (wire-format.md §3): modes none, ecb and gcm (nonce ‖ ciphertext ‖ tag); ' +
    'encryption-only on and off; with and without lang; sid/action plain or inside encrypted; the documented sample ' +
    'parameters and startValidUntil; percent-encoding of every byte outside A-Z a-z 0-9 - . _ ~ (including ! * \' ( )); ' +
    'JSON.stringify string escaping and number formatting; base URLs: default (omitted and explicit), with a path, with ' +
    'an existing query (ref=partner-7). Invalid: tampered/wrong-key tokens, non-object plaintexts, duplicate or ' +
    'non-base64 encrypted, tokens too short for their mode. Plain parameters decode as strings (the string form of ' +
    'the vector value). All credentials are fake DEMO-ONLY strings. Produced independently of the Swift SDK by ' +
    `Tools/vectors/gen_liveform.mjs with ${node} built-in crypto and JSON.stringify; GCM nonces are the first 12 bytes ` +
    'of SHA-256("liveform-vectors/" + id).',
    liveform);
  writeFile(outDir, 'return-url.json',
    'Return URL decoding (wire-format.md §4): plain and ECB-encrypted; all fields, subsets, errorCode, Unicode and ' +
    'URL-reserved characters, an unknown kycStatus and an unknown field (kept); tokens as they arrive after mail ' +
    'clients and form decoders (raw + / =, URL-safe alphabet without padding, + as space, lowercase escapes). ' +
    'Invalid: tampered, wrong key, not base64, not a JSON object, not JSON, wrong length, duplicate encrypted. ' +
    'All credentials are fake DEMO-ONLY strings. Produced independently of the Swift SDK by ' +
    `Tools/vectors/gen_liveform.mjs with ${node} built-in crypto and JSON.stringify.`,
    returnVectors);
}

// ---------------------------------------------------------------------------------------------
// --cross-check: re-verify the Python-generated files with Node's crypto
// ---------------------------------------------------------------------------------------------

function crossCheck(dir) {
  let checked = 0;
  const fail = (file, id, what) => { throw new Error(`cross-check (Node) ${file} ${id}: ${what}`); };
  const load = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));

  for (const v of load('cipher.json').vectors) {
    const kv = v.key !== undefined ? { key: v.key } : { keyHex: v.keyHex };
    if (v.result === 'valid') {
      const key = keyOf(kv);
      const pt = v.plaintext !== undefined ? Buffer.from(v.plaintext, 'utf8') : Buffer.from(v.plaintextHex, 'hex');
      const tok = v.mode === 'ecb' ? ecbEncrypt(key, pt)
        : v.mode === 'cbc' ? cbcEncrypt(key, Buffer.from(v.iv, 'hex'), pt)
          : gcmEncrypt(key, Buffer.from(v.iv, 'hex'), pt);
      if (tok.toString('base64') !== v.token) fail('cipher.json', v.id, 'token differs');
      const data = Buffer.from(v.token, 'base64');
      const back = v.mode === 'ecb' ? ecbDecrypt(key, data) : v.mode === 'cbc' ? cbcDecrypt(key, data) : gcmDecrypt(key, data);
      if (!back.equals(pt)) fail('cipher.json', v.id, 'decryption differs');
    } else if (v.error === 'decryptionFailed') {
      const data = Buffer.from(v.token, 'base64');
      const o = outcome(() => (v.mode === 'ecb' ? ecbDecrypt : v.mode === 'cbc' ? cbcDecrypt : gcmDecrypt)(keyOf(kv), data));
      if (o.err !== 'decryptionFailed') fail('cipher.json', v.id, 'expected decryptionFailed, got ' + JSON.stringify(o));
    }
    checked++;
  }
  for (const [file, frame] of [['request-body.json', 'bare'], ['response-body.json', 'wrapped'], ['webhook.json', 'wrapped']]) {
    for (const v of load(file).vectors) {
      if (v.result !== 'valid') continue;
      const key = keyOf(v.key !== undefined ? { key: v.key } : { keyHex: v.keyHex });
      const pt = Buffer.from(v.plaintext, 'utf8');
      const tok = (file === 'webhook.json' ? cbcEncrypt(key, Buffer.from(v.iv, 'hex'), pt) : ecbEncrypt(key, pt)).toString('base64');
      const body = frame === 'bare' ? tok : JSON.stringify({ data: tok });
      if (body !== v.body) fail(file, v.id, 'body differs');
      const data = Buffer.from(frame === 'bare' ? v.body : JSON.parse(v.body).data, 'base64');
      const back = file === 'webhook.json' ? cbcDecrypt(key, data) : ecbDecrypt(key, data);
      if (!back.equals(pt)) fail(file, v.id, 'decryption differs');
      jsonShape(back, file !== 'webhook.json');
      checked++;
    }
  }
  console.log(`cross-check (Node ${process.versions.node} crypto): ${checked} vectors of cipher/request-body/response-body/webhook agree`);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args[0] === '--cross-check') {
  crossCheck(args[1] ?? path.join(here, '..', '..', 'Vectors'));
} else {
  generate(args[0] ?? path.join(here, '..', '..', 'Vectors'));
}
