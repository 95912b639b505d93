#!/usr/bin/env node
// peer_node_webhook.mjs: the Node.js webhook receiver of benchmark W7, written by hand the way a
// Node developer would: `node:http`, `node:crypto` (createDecipheriv per request), JSON.parse.
// It does what `liveform webhook listen` does for each request: checks that the sender is on
// loopback or the vendor's address, collects the body (64 MiB limit, 413 beyond), reads
// {"data": base64(IV16 ‖ AES-256-CBC(K, IV, PKCS#7(P)))}, decrypts, parses the event JSON,
// prints one compact JSON line {"status":200,"trigger":…,"submissionId":…,"event":{…}} and
// answers 200 with an empty body (400/403 with a short text otherwise).
//
// Usage: LIVEFORM_KEY=credential node peer_node_webhook.mjs [--port 8789] [--path /]
// Prints "listening on http://127.0.0.1:PORT/PATH" when ready. K = SHA-256(UTF-8(credential)).

import crypto from 'node:crypto';
import http from 'node:http';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const port = Number(option('--port', '8789'));
const path = option('--path', '/');
const credential = process.env.LIVEFORM_KEY;
if (!credential) {
  console.error('peer_node_webhook.mjs: set LIVEFORM_KEY');
  process.exit(78);
}
const KEY = crypto.createHash('sha256').update(credential, 'utf8').digest();
const MAX_BODY = 64 * 1024 * 1024;
const ALLOWED = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1', '52.78.194.237', '::ffff:52.78.194.237']);

function answer(res, status, text, line) {
  process.stdout.write(line + '\n');
  res.writeHead(status, text ? { 'content-type': 'text/plain; charset=utf-8' } : {});
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== path) {
    res.writeHead(404);
    res.end();
    return;
  }
  if (!ALLOWED.has(req.socket.remoteAddress)) {
    req.resume();
    answer(res, 403, 'forbidden', '{"status":403,"error":"senderNotAllowed"}');
    return;
  }
  const chunks = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) over = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (over) return answer(res, 413, 'payload too large', '{"status":413,"error":"malformedInput"}');
    let raw;
    try {
      const token = JSON.parse(Buffer.concat(chunks).toString('utf8')).data;
      raw = Buffer.from(token, 'base64');
      if (typeof token !== 'string' || raw.length < 32 || raw.length % 16 !== 0) throw new Error('shape');
    } catch {
      return answer(res, 400, 'bad request', '{"status":400,"error":"malformedInput"}');
    }
    let event;
    try {
      const decipher = crypto.createDecipheriv('aes-256-cbc', KEY, raw.subarray(0, 16));
      const plaintext = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]);
      event = JSON.parse(plaintext.toString('utf8'));
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new Error('not an object');
    } catch {
      return answer(res, 403, 'forbidden', '{"status":403,"error":"decryptionFailed"}');
    }
    const trigger = typeof event.webhook_trigger === 'string' ? event.webhook_trigger : '';
    const submissionId = typeof event.submission_id === 'string' ? event.submission_id : null;
    answer(res, 200, '', JSON.stringify({ status: 200, trigger, submissionId, event }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}${path}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
