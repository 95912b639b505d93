#!/usr/bin/env python3
"""End to end through `liveform sandbox`, with a client that shares nothing with the SDK:
Python's stdlib and `cryptography`, following the wire format only.

    python3 Tools/interop/sandbox_e2e.py BINARY

1. Starts `BINARY sandbox --port 0 --config C --state S` (a private copy of the binary, so a
   concurrent `swift build` cannot break the run) and reads the ready line.
2. Builds an ECB Liveform URL with Node's crypto (the token; Python's must agree): K =
   SHA-256(UTF-8(API key)), token = base64(AES-256-ECB(K, PKCS#7(JSON.stringify(params)))),
   every byte outside A-Z a-z 0-9 -._~ percent-encoded; GETs the page and checks that it
   shows the decrypted parameters. Then a GCM URL under a second project's secretKey (nonce ‖ ciphertext ‖ tag), encryption-only, and
   the same with a flipped tag bit (400 decryptionFailed).
3. POSTs the completion form (approved) and decrypts the `encrypted` of the Return URL in the
   302 (ECB, same key).
4. Receives the webhooks `created` and `approved` on its own http.server and decrypts them
   (base64(IV16 ‖ AES-256-CBC(K, IV, PKCS#7(P)))).
5. Queues an event that its receiver refuses for a while, kills the sandbox with SIGKILL while
   it is pending, starts it again on the same state file, and checks that the event arrives,
   that the submission and the delivered events are still there and that none is sent twice.
6. Calls the REST API with Secure Data Transfer (ECB token bodies, `{"data": token}` answers,
   decrypted here): the submission read back after the restart, 403 without a key, the vendor's
   error for a review of an approved submission and for a body that does not decrypt, and a
   pending submission reviewed through REST, whose `rejected` webhook follows.

Output: one `FAIL: …` line per failure, then exactly `N passed, M failed`; exit 1 if M > 0.
"""

import base64
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from checks import Checks, request, wait_for  # Tools/interop/checks.py

API_KEY = "DEMO-ONLY-sandbox-e2e-key"
GCM_API_KEY = "DEMO-ONLY-sandbox-e2e-gcm-api-key"
GCM_SECRET_KEY = "DEMO-ONLY-sandbox-e2e-gcm-secret"
PID = "e2e-project"
GCM_PID = "e2e-gcm-project"
RETURN_URL = "https://shop.example.test/kyc/done"


def derive_key(credential: str) -> bytes:
    return hashlib.sha256(credential.encode("utf-8")).digest()


def ecb_encrypt(plaintext: bytes) -> str:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    enc = Cipher(algorithms.AES(derive_key(API_KEY)), modes.ECB()).encryptor()
    return base64.b64encode(enc.update(padded) + enc.finalize()).decode("ascii")


def node_ecb_token(plaintext: str) -> str:
    """The `encrypted` value as Node's crypto makes it (the vendor's sample language)."""
    script = ("const c=require('node:crypto');const k=c.createHash('sha256').update(process.argv[1],'utf8').digest();"
              "const e=c.createCipheriv('aes-256-ecb',k,null);"
              "process.stdout.write(Buffer.concat([e.update(process.argv[2],'utf8'),e.final()]).toString('base64'))")
    return subprocess.run(["node", "-e", script, API_KEY, plaintext], capture_output=True, text=True, check=True).stdout


def gcm_encrypt(credential: str, plaintext: bytes) -> str:
    """N(12) ‖ AES-256-GCM(K, N, P) ‖ T(16), no AAD (wire format §3.1)."""
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(derive_key(credential)).encrypt(nonce, plaintext, None)).decode("ascii")


def unpad(padded: bytes) -> bytes:
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def ecb_decrypt(token: str) -> bytes:
    dec = Cipher(algorithms.AES(derive_key(API_KEY)), modes.ECB()).decryptor()
    return unpad(dec.update(base64.b64decode(token, validate=True)) + dec.finalize())


def cbc_decrypt_webhook(body: bytes) -> dict:
    raw = base64.b64decode(json.loads(body)["data"], validate=True)
    if len(raw) < 32 or len(raw) % 16:
        raise ValueError("not IV ‖ CBC blocks")
    dec = Cipher(algorithms.AES(derive_key(API_KEY)), modes.CBC(raw[:16])).decryptor()
    return json.loads(unpad(dec.update(raw[16:]) + dec.finalize()))


def encode(text: str) -> str:
    return urllib.parse.quote(text, safe="-._~")


class Receiver:
    """An http.server on a free loopback port; answers 500 while `refuse` is set."""

    def __init__(self):
        self.events = []
        self.refused = 0
        self.refuse = False
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    if receiver.refuse:
                        receiver.refused += 1
                        status = 500
                    else:
                        receiver.events.append(cbc_decrypt_webhook(body))
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def triggers(self):
        with self.lock:
            return [event.get("webhook_trigger") for event in self.events]


def start(binary, config, state):
    process = subprocess.Popen([binary, "sandbox", "--port", "0", "--config", config, "--state", state],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    prefix = "sandbox ready at "
    return process, (line[len(prefix):] if line.startswith(prefix) else None), line


def rest_checks(checks, base, receiver, submission_id):
    """The REST API with Secure Data Transfer, from Python alone: requests are ECB tokens
    (text/plain), 2xx answers {"data": ECB token}, errors the vendor's plain JSON. Runs after
    the restart, so it also shows the submission survived the SIGKILL."""
    key = {"x-api-key": API_KEY}

    def rest(method, path, body=None, headers=key):
        data = ecb_encrypt(json.dumps(body, separators=(",", ":")).encode()).encode() if body is not None else None
        status, _, text = request(f"{base}/v3{path}", data=data, content_type="text/plain" if data else None,
                                  headers=headers, method=method)
        try:
            answer = json.loads(text)
        except ValueError:
            return status, text, None
        if 200 <= status < 300 and isinstance(answer, dict) and list(answer) == ["data"]:
            return status, answer, json.loads(ecb_decrypt(answer["data"]))
        return status, answer, None

    status, wrapper, plain = rest("GET", f"/submission?submission_id={encode(submission_id)}")
    items = (plain or {}).get("Items") or [{}]
    checks.check(status == 200 and plain is not None, f"REST get: {status} {wrapper!r}")
    checks.check(items[0].get("submission_id") == submission_id and items[0].get("email") == "e2e@example.com",
                 f"REST get after SIGKILL: {items[0]}")
    checks.check(items[0].get("kyc", {}).get("result") == "approved",
                 f"REST get: the decision is kept: {items[0]}")

    status, answer, _ = rest("GET", f"/submission?submission_id={encode(submission_id)}", headers={})
    checks.check(status == 403 and answer == {"message": "Forbidden"}, f"REST without a key: {status} {answer!r}")

    review = {"submissionId": submission_id, "status": "rejected", "admin": "admin@example.com", "rejectComment": "blurry"}
    status, answer, _ = rest("POST", "/submission/review", review)
    checks.check(status == 400 and answer == {"errorCode": "Only submissions in pending status can be reviewed"},
                 f"REST review of an approved submission: {status} {answer!r}")

    status, _, text = request(f"{base}/v3/submission/review", data=b"bm90IGEgdG9rZW4gYXQgYWxs", content_type="text/plain",
                              headers=key, method="POST")
    checks.check(status == 400 and json.loads(text) == {"errorCode": "Decryption is Failed. Please check the api-key."},
                 f"REST body that does not decrypt: {status} {text!r}")

    # A pending submission (control API), reviewed through REST: the answer is encrypted and
    # the `rejected` webhook follows.
    body = json.dumps({"pid": PID, "decision": "pending", "params": {"email": "pending@example.com", "userid": "p-1"}}).encode()
    status, _, text = request(f"{base}/_sandbox/submissions", data=body, content_type="application/json")
    pending_id = json.loads(text).get("submissionId", "") if status == 200 else ""
    checks.check(pending_id != "", f"control submission: {status} {text!r}")
    status, wrapper, plain = rest("POST", "/submission/review", {**review, "submissionId": pending_id})
    checks.check(status == 200 and (plain or {}).get("finalStatus") == "rejected", f"REST review: {status} {wrapper!r} {plain!r}")

    def events_for(sid):
        with receiver.lock:
            return [e.get("webhook_trigger") for e in receiver.events if e.get("submission_id") == sid]

    checks.check(wait_for(lambda: events_for(pending_id) == ["created", "submit", "rejected"]),
                 f"webhooks of the reviewed submission: {events_for(pending_id)}")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    checks = Checks()
    work = tempfile.mkdtemp(prefix="sandbox-e2e-")
    binary = os.path.join(work, "liveform")
    shutil.copy2(sys.argv[1], binary)
    receiver = Receiver()
    config = os.path.join(work, "config.json")
    state = os.path.join(work, "state.sqlite")
    with open(config, "w") as file:
        json.dump({"projects": [{
            "pid": PID, "apiKey": API_KEY, "webhookURL": receiver.url, "returnURL": RETURN_URL,
            "skipResultPage": True, "webhookRetry": {"attempts": 50, "initialDelay": 0.1, "factor": 1},
        }, {
            "pid": GCM_PID, "apiKey": GCM_API_KEY, "secretKey": GCM_SECRET_KEY, "liveformEncryption": "gcm",
            "encryptionOnly": True,
        }]}, file)
    process = None
    try:
        process, base, line = start(binary, config, state)
        if not checks.check(base and base.startswith("http://127.0.0.1:"), f"ready line: {line!r}"):
            return checks.finish()

        # The URL, built here: sid stays plain, the rest goes inside `encrypted`.
        params = {"email": "e2e@example.com", "userid": "e2e-user", "cf1": "a&b <c>"}
        token = node_ecb_token(json.dumps(params, separators=(",", ":"), ensure_ascii=False))
        checks.check(token == ecb_encrypt(json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode("utf-8")),
                     "Node's and Python's ECB tokens agree")
        query = f"pid={encode(PID)}&encrypted={encode(token)}&lang=en&sid={encode('s-1')}"
        status, headers, page = request(f"{base}/?{query}")
        checks.check(status == 200, f"page status {status}")
        checks.check("SANDBOX — not ARGOS" in page, "page banner")
        checks.check("<td>e2e@example.com</td><td>encrypted</td>" in page, "page shows the decrypted email")
        checks.check("<td>a&amp;b &lt;c&gt;</td><td>encrypted</td>" in page, "page escapes cf1")
        checks.check("<td>sid</td><td>s-1</td><td>plain</td>" in page, "page shows sid as plain")
        marker = 'name="session" value="'
        session = page[page.index(marker) + len(marker):].split('"', 1)[0] if marker in page else ""
        checks.check(session != "", "page has a session")

        # A GCM URL under the secretKey, encryption-only: a plain parameter is shown as ignored.
        gcm_token = gcm_encrypt(GCM_SECRET_KEY, json.dumps({"userid": "gcm-user", "sid": "s-2"}, separators=(",", ":")).encode())
        status, _, gcm_page = request(f"{base}/?pid={GCM_PID}&encrypted={encode(gcm_token)}&email=plain%40example.com")
        checks.check(status == 200, f"GCM page status {status}")
        checks.check("<td>userid</td><td>gcm-user</td><td>encrypted</td>" in gcm_page, "GCM page shows the decrypted userid")
        checks.check("<td>sid</td><td>s-2</td><td>encrypted</td>" in gcm_page, "GCM page: sid inside encrypted")
        checks.check("<td>email</td><td>plain@example.com</td><td>plain (ignored)</td>" in gcm_page, "GCM page: plain email ignored")
        tampered = base64.b64decode(gcm_token)
        tampered = base64.b64encode(tampered[:-1] + bytes([tampered[-1] ^ 1])).decode()
        status, _, bad_page = request(f"{base}/?pid={GCM_PID}&encrypted={encode(tampered)}")
        checks.check(status == 400 and "decryptionFailed" in bad_page, f"tampered GCM tag: {status}")

        form = urllib.parse.urlencode({"session": session, "fullName": "E2E Person", "decision": "approved"}).encode()
        status, headers, _ = request(f"{base}/_sandbox/complete", data=form, content_type="application/x-www-form-urlencoded")
        location = headers.get("Location", "")
        checks.check(status == 302 and location.startswith(RETURN_URL + "?encrypted="), f"complete: {status} {location!r}")
        returned = {}
        try:
            returned = json.loads(ecb_decrypt(urllib.parse.unquote(location.split("encrypted=", 1)[1])))
        except Exception as error:  # noqa: BLE001 — any failure is one failed check
            checks.check(False, f"Return URL does not decrypt: {error}")
        checks.check(list(returned.keys()) == ["kycStatus", "userid", "email", "submissionId", "cf1"], f"Return URL fields {returned}")
        checks.check(returned.get("kycStatus") == "approved" and returned.get("cf1") == "a&b <c>", "Return URL values")
        submission_id = returned.get("submissionId", "")

        checks.check(wait_for(lambda: receiver.triggers() == ["created", "approved"]), f"webhooks: {receiver.triggers()}")
        with receiver.lock:
            approved = receiver.events[-1] if receiver.events else {}
        checks.check(approved.get("submission_id") == submission_id and approved.get("email") == "e2e@example.com",
                     f"approved event: {approved}")
        checks.check(approved.get("cf", {}).get("cf1") == "a&b <c>", "approved event cf1")

        # A pending delivery survives SIGKILL.
        with receiver.lock:
            receiver.refuse = True
        body = json.dumps({"pid": PID, "trigger": "aml", "submissionId": submission_id,
                           "fields": {"aml_result": {"currentstatus": "No Hit"}}}).encode()
        status, _, _ = request(f"{base}/_sandbox/events", data=body, content_type="application/json")
        checks.check(status == 200, f"control event status {status}")
        checks.check(wait_for(lambda: receiver.refused >= 1), "the refused attempt happened")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        with receiver.lock:
            receiver.refuse = False
        process, base, line = start(binary, config, state)
        if not checks.check(base is not None, f"restart ready line: {line!r}"):
            return checks.finish()
        checks.check(wait_for(lambda: receiver.triggers() == ["created", "approved", "aml"]),
                     f"after restart: {receiver.triggers()}")
        status, _, text = request(f"{base}/_sandbox/deliveries")
        deliveries = json.loads(text) if status == 200 else []
        checks.check([d["status"] for d in deliveries] == ["delivered"] * 3, f"deliveries: {deliveries}")
        checks.check([d["trigger"] for d in deliveries] == ["created", "approved", "aml"], "delivery triggers in order")
        time.sleep(0.3)
        checks.check(receiver.triggers() == ["created", "approved", "aml"], "nothing sent twice")
        # The submission is still known: a control event for it carries its email.
        body = json.dumps({"pid": PID, "trigger": "injection", "submissionId": submission_id}).encode()
        request(f"{base}/_sandbox/events", data=body, content_type="application/json")
        checks.check(wait_for(lambda: len(receiver.triggers()) == 4), "event after restart")
        with receiver.lock:
            last = receiver.events[-1] if receiver.events else {}
        checks.check(last.get("email") == "e2e@example.com", f"submission kept across SIGKILL: {last}")

        rest_checks(checks, base, receiver, submission_id)

        process.send_signal(signal.SIGTERM)
        checks.check(process.wait(timeout=30) == 0, "SIGTERM stops it with status 0")
    finally:
        if process and process.poll() is None:
            process.kill()
        receiver.server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
