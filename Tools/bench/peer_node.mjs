#!/usr/bin/env node
// peer_node.mjs: the Node.js peer for the Liveform benchmarks.
//
// Idiomatic Node with the built-in `crypto` module only, the way the vendor's own sample code
// does it: createCipheriv per message, Buffer base64, JSON.stringify / JSON.parse, URL parsing
// with the WHATWG URL class. Workloads and output format: see README.md.
//
// Usage: node peer_node.mjs [--quick] [--workload W1..W6] [--info]

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const KEY = crypto.createHash('sha256').update('DEMO-ONLY-not-a-real-argos-api-key').digest();
const URL_PREFIX = 'https://form.argosidentity.com/?pid=demo-project-id&encrypted=';
const BODY_TARGET_BYTES = 10 * 1024 * 1024;
const WEBHOOK_TARGET_BYTES = 4096;

// The vendor's documented example, in its order.
const PARAMS = {
  email: 'email@email.com',
  userid: 'userid',
  cf1: 'value 1',
  cf2: 'value 2',
  cf3: 'value 3',
  blacklistCountries: false,
  approvePeriod: false,
  rejectPeriod: false,
  ageLimit: false,
  rejectDuplicateUser: true,
  token: 'token_id',
  allowedCountries: 'USA,KOR',
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const inner = args.includes('--inner'); // a child started by runInChild: prints one element
const wIndex = args.indexOf('--workload');
const only = wIndex >= 0 ? args[wIndex + 1] : null;

function fail(message) {
  process.stderr.write(`peer_node: ${message}\n`);
  process.exit(1);
}

function check(ok, what) {
  if (!ok) fail(`correctness check failed: ${what}`);
}

// ---------------------------------------------------------------- operations

// encodeURIComponent leaves !'()* unescaped, but a base64 token never contains them, so for
// the token it produces exactly the spec's %XX-for-everything-outside-A-Za-z0-9-._~ text.
function buildEcbUrl(params) {
  const cipher = crypto.createCipheriv('aes-256-ecb', KEY, null);
  const ct = Buffer.concat([cipher.update(JSON.stringify(params), 'utf8'), cipher.final()]);
  return URL_PREFIX + encodeURIComponent(ct.toString('base64'));
}

function buildGcmUrl(params) {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', KEY, nonce);
  const ct = Buffer.concat([cipher.update(JSON.stringify(params), 'utf8'), cipher.final()]);
  const token = Buffer.concat([nonce, ct, cipher.getAuthTag()]);
  return URL_PREFIX + encodeURIComponent(token.toString('base64'));
}

function decodeGcmUrl(url) {
  // searchParams turns '+' into a space, but the token's '+' travels as %2B, so it survives.
  const token = Buffer.from(new URL(url).searchParams.get('encrypted'), 'base64');
  const decipher = crypto.createDecipheriv('aes-256-gcm', KEY, token.subarray(0, 12));
  decipher.setAuthTag(token.subarray(token.length - 16));
  const pt = Buffer.concat([decipher.update(token.subarray(12, token.length - 16)), decipher.final()]);
  const p = JSON.parse(pt.toString('utf8'));
  return { email: p.email, userid: p.userid, cf1: p.cf1, rejectDuplicateUser: p.rejectDuplicateUser };
}

function decodeWebhook(body) {
  const token = Buffer.from(JSON.parse(body).data, 'base64');
  const decipher = crypto.createDecipheriv('aes-256-cbc', KEY, token.subarray(0, 16));
  const pt = Buffer.concat([decipher.update(token.subarray(16)), decipher.final()]);
  const e = JSON.parse(pt.toString('utf8'));
  return { trigger: e.webhook_trigger, submissionId: e.submission_id, status: e.kyc_result.status };
}

function encryptBody(plaintext) {
  const cipher = crypto.createCipheriv('aes-256-ecb', KEY, null);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

// Returns the plaintext Buffer after checking that it is JSON, as a client must before use.
function decryptBody(body) {
  const token = Buffer.from(JSON.parse(body).data, 'base64');
  const decipher = crypto.createDecipheriv('aes-256-ecb', KEY, null);
  const pt = Buffer.concat([decipher.update(token), decipher.final()]);
  JSON.parse(pt.toString('utf8'));
  return pt;
}

// ---------------------------------------------------------------- fixtures (same recipe in every peer)

function makeWebhook() {
  let s =
    '{"webhook_trigger":"approved","submission_id":"sub_8f3c2a61d4e94b7c","email":"email@email.com",' +
    '"userid":"userid","cf":{"cf1":"value 1","cf2":"value 2","cf3":"value 3"},' +
    '"tokenId":"token_id","kyc_result":{"status":"approved","reviewer":"reviewer@argosidentity.com",' +
    '"comment":"ID document and selfie verified","created_at":"2026-03-01T09:12:44.000Z",' +
    '"updated_at":"2026-03-01T09:30:00.000Z"},"aml_result":{"status":"clear","hits":0,' +
    '"screened_at":"2026-03-01T09:12:50.000Z"},"id_type":"passport","issuing_country":"KOR",' +
    '"full_name":"HONG GILDONG","birth_date":"1990-01-01","document_number":"M12345678",' +
    '"expire_date":"2031-05-31","ip_address":"203.0.113.42","user_agent":"Mozilla/5.0 (iPhone; ' +
    'CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 ' +
    'Mobile/15E148 Safari/604.1","history":[';
  for (let i = 1; ; i++) {
    const nn = String(i).padStart(2, '0');
    const e =
      (i > 1 ? ',' : '') +
      `{"step":${i},"event":"check_${nn}","result":"pass","detail":"automated check ${nn} completed without findings"}`;
    if (s.length + e.length + 2 > WEBHOOK_TARGET_BYTES) break;
    s += e;
  }
  return s + ']}';
}

// Fixed IV 00..0f: the body is made once, and a fixed IV lets every peer decrypt the same bytes.
function makeWebhookBody(plaintext) {
  const iv = Buffer.from([...Array(16).keys()]);
  const cipher = crypto.createCipheriv('aes-256-cbc', KEY, iv);
  const token = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]);
  return JSON.stringify({ data: token.toString('base64') });
}

// {"userid":"u-1","idImage":"<base64>"} of ~10 MiB; image bytes = AES-256-CTR keystream under
// SHA-256("liveform-bench-idImage") with a zero counter block.
function makeBodyPlaintext() {
  const pre = '{"userid":"u-1","idImage":"';
  const post = '"}';
  const b64Len = Math.floor((BODY_TARGET_BYTES - pre.length - post.length) / 4) * 4;
  const ikey = crypto.createHash('sha256').update('liveform-bench-idImage').digest();
  const ctr = crypto.createCipheriv('aes-256-ctr', ikey, Buffer.alloc(16));
  const img = ctr.update(Buffer.alloc((b64Len / 4) * 3));
  return Buffer.from(pre + img.toString('base64') + post, 'latin1');
}

// ---------------------------------------------------------------- timing

let sink = 0; // results stay observable, so nothing is optimised away

// Warm up (which also lets V8 optimise), size batches to ~1/20 of the budget, run batches until the
// budget is spent (at least five), return the median batch's ns/op.
function measure(op) {
  const budget = quick ? 0.2e9 : 2.0e9;
  const now = () => Number(process.hrtime.bigint());
  const t0 = now();
  let warm = 0;
  while (now() - t0 < budget * 0.1 || warm < 1) {
    op();
    warm++;
  }
  const batch = Math.max(1, Math.floor(budget / 20 / ((now() - t0) / warm)));
  const samples = [];
  const start = now();
  while (samples.length < 5 || now() - start < budget) {
    const b0 = now();
    for (let i = 0; i < batch; i++) op();
    samples.push((now() - b0) / batch);
  }
  samples.sort((a, b) => a - b);
  const m = samples.length >> 1;
  return samples.length % 2 ? samples[m] : (samples[m - 1] + samples[m]) / 2;
}

const peakRss = () => process.resourceUsage().maxRSS * 1024; // reported in KiB
const nsResult = (workload, ns) => ({ workload, impl: 'node', ns_per_op: round1(ns) });
const round1 = (x) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------- workloads

const WORKLOADS = {
  W1() {
    const url = buildEcbUrl(PARAMS);
    const token = Buffer.from(decodeURIComponent(url.slice(URL_PREFIX.length)), 'base64');
    const d = crypto.createDecipheriv('aes-256-ecb', KEY, null);
    const back = Buffer.concat([d.update(token), d.final()]).toString('utf8');
    check(back === JSON.stringify(PARAMS), 'W1 round trip');
    return nsResult('W1', measure(() => (sink += buildEcbUrl(PARAMS).length)));
  },
  W2() {
    check(decodeGcmUrl(buildGcmUrl(PARAMS)).email === PARAMS.email, 'W2 round trip');
    return nsResult('W2', measure(() => (sink += buildGcmUrl(PARAMS).length)));
  },
  W3() {
    const url = buildGcmUrl(PARAMS);
    const f = decodeGcmUrl(url);
    check(
      f.email === 'email@email.com' && f.userid === 'userid' && f.cf1 === 'value 1' && f.rejectDuplicateUser === true,
      'W3 fields',
    );
    const i = URL_PREFIX.length + 40;
    const bad = url.slice(0, i) + (url[i] === 'A' ? 'B' : 'A') + url.slice(i + 1);
    let rejected = false;
    try {
      decodeGcmUrl(bad);
    } catch {
      rejected = true;
    }
    check(rejected, 'W3 tampered token rejected');
    return nsResult('W3', measure(() => (sink += decodeGcmUrl(url).email.length)));
  },
  W4() {
    const body = makeWebhookBody(makeWebhook());
    const f = decodeWebhook(body);
    check(
      f.trigger === 'approved' && f.submissionId === 'sub_8f3c2a61d4e94b7c' && f.status === 'approved',
      'W4 fields',
    );
    return nsResult('W4', measure(() => (sink += decodeWebhook(body).status.length)));
  },
  W5() {
    const p = makeBodyPlaintext();
    const d = crypto.createDecipheriv('aes-256-ecb', KEY, null);
    const back = Buffer.concat([d.update(Buffer.from(encryptBody(p), 'base64')), d.final()]);
    check(back.equals(p), 'W5 round trip');
    const ns = measure(() => (sink += encryptBody(p).length));
    return { workload: 'W5', impl: 'node', mb_per_s: round1(p.length / 1e6 / (ns / 1e9)), peak_rss_bytes: peakRss() };
  },
  W6() {
    let p = makeBodyPlaintext();
    const n = p.length;
    const body = JSON.stringify({ data: encryptBody(p) });
    const digest = crypto.createHash('sha256').update(p).digest();
    p = null; // a receiver holds the body and its output, not the sender's plaintext
    check(crypto.createHash('sha256').update(decryptBody(body)).digest().equals(digest), 'W6 output equals W5 plaintext');
    const ns = measure(() => (sink += decryptBody(body).length));
    return { workload: 'W6', impl: 'node', mb_per_s: round1(n / 1e6 / (ns / 1e9)), peak_rss_bytes: peakRss() };
  },
};

// W5 and W6 run in a child process each, so their peak RSS is theirs alone.
function runInChild(workload) {
  const childArgs = [fileURLToPath(import.meta.url), '--workload', workload, '--inner'];
  if (quick) childArgs.push('--quick');
  const r = spawnSync(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) fail(`${workload} child failed`);
  return JSON.parse(r.stdout);
}

function sha256Hex(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function info() {
  const webhook = makeWebhook();
  const body = makeBodyPlaintext();
  return {
    impl: 'node',
    version: `Node ${process.version}; OpenSSL ${process.versions.openssl}`,
    fixtures: {
      w1_url_sha256: sha256Hex(buildEcbUrl(PARAMS)),
      w4_plaintext_sha256: sha256Hex(webhook),
      w4_plaintext_bytes: Buffer.byteLength(webhook),
      w5_plaintext_sha256: sha256Hex(body),
      w5_plaintext_bytes: body.length,
    },
  };
}

if (args.includes('--info')) {
  console.log(JSON.stringify(info()));
} else if (only !== null && !(only in WORKLOADS)) {
  process.stderr.write('usage: node peer_node.mjs [--quick] [--workload W1|W2|W3|W4|W5|W6] [--info]\n');
  process.exit(64);
} else if (inner) {
  console.log(JSON.stringify(WORKLOADS[only]()));
} else {
  const results = [];
  for (const w of Object.keys(WORKLOADS)) {
    if (only !== null && w !== only) continue;
    const separate = only === null && (w === 'W5' || w === 'W6');
    results.push(separate ? runInChild(w) : WORKLOADS[w]());
  }
  console.log(JSON.stringify(results));
  if (sink === -1) console.error(sink);
}
