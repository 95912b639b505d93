#!/usr/bin/env python3
"""Interop peers for `liveform webhook listen` and `liveform webhook send` (sandbox §7), with
webhooks encrypted and decrypted by Python's `cryptography` (wire format §5):
body {"data": base64(IV16 ‖ AES-256-CBC(K, IV, PKCS#7(P)))}, K = SHA-256(UTF-8(credential)).
Nothing here uses the SDK's code.

    python3 Tools/interop/webhook_peers.py sender BINARY
        Starts `BINARY webhook listen --port 0` (key in LIVEFORM_KEY), POSTs Python-encrypted
        events of every documented trigger, a bare-token body, a wrong-key body, a malformed one
        and a plain-JSON one, and checks each answer and the JSON line `listen` prints for it.

    python3 Tools/interop/webhook_peers.py receiver BINARY
        Runs an http.server on a free loopback port and has `BINARY webhook send` POST the sample
        of every documented trigger (and one --event-json file, one --submission-id, one
        --no-secure-data-transfer) to it; Python decrypts each body and checks the trigger, then
        checks send's output line and exit status for 200, 403 and a closed port.

Output: one line per failure, then exactly `N passed, M failed`; exit 1 if M > 0.
"""

import base64
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from checks import Checks, free_port  # Tools/interop/checks.py

CREDENTIAL = "DEMO-ONLY-webhook-interop-key"
OTHER_CREDENTIAL = "DEMO-ONLY-webhook-interop-other"
TRIGGERS = ["created", "retry", "submit", "approved", "rejected", "updated", "delete",
            "token_expired", "injection", "aml", "aml_monitor"]


def derive_key(credential: str) -> bytes:
    return hashlib.sha256(credential.encode("utf-8")).digest()


def encrypt_webhook(plaintext: bytes, credential: str = CREDENTIAL) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(derive_key(credential)), modes.CBC(iv)).encryptor()
    token = base64.b64encode(iv + enc.update(padded) + enc.finalize()).decode("ascii")
    return json.dumps({"data": token}, separators=(",", ":")).encode("utf-8")


def decrypt_webhook(body: bytes, credential: str = CREDENTIAL) -> bytes:
    token = json.loads(body)["data"]
    raw = base64.b64decode(token, validate=True)
    if len(raw) < 32 or len(raw) % 16:
        raise ValueError("not IV ‖ CBC blocks")
    dec = Cipher(algorithms.AES(derive_key(credential)), modes.CBC(raw[:16])).decryptor()
    padded = dec.update(raw[16:]) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def sample_event(trigger: str) -> dict:
    """An event written here (not the SDK's samples): the common members and the trigger's own."""
    event = {"webhook_trigger": trigger, "submission_id": f"py-{trigger}-0001",
             "email": "py.sample@example.com", "userid": "py-user-1",
             "cf": {"cf1": "python", "cf2": "", "cf3": ""}, "tokenId": "py-tok-1"}
    extra = {
        "approved": {"kyc_result": {"status": "approved", "reviewer": "system",
                                    "kyc_result_at": "2026-11-21T09:00:00Z"},
                     "full_name": "파이썬 데모", "additional_list": [{"answer": "x", "inputValue": "x", "blockType": "text"}]},
        "rejected": {"kyc_result": {"status": "rejected", "comment": "blurry photo", "commentCode": "PHOTO_BLUR"}},
        "token_expired": {"token_id": "py-ptok", "expired_condition": "time",
                          "expected_expired_at": "2026-11-21-12-00-00-000", "service": "faceAuth"},
        "delete": {"account_email": "admin@example.com", "delete_time": "2026-11-21T10:00:00.5Z", "comment": "test"},
        "aml": {"aml_result": {"currentstatus": "No Hit", "risk_level_summary": "Low"}},
    }
    event.update(extra.get(trigger, {}))
    return event


def post(url: str, body: bytes, timeout=10):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# ---------------------------------------------------------------------------------------------
# Mode 1: Python sends, `liveform webhook listen` receives


def run_sender(binary: str) -> int:
    checks = Checks()
    env = dict(os.environ, LIVEFORM_KEY=CREDENTIAL)
    listener = subprocess.Popen([binary, "webhook", "listen", "--port", "0", "--path", "/argos"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, bufsize=1)
    try:
        ready = listener.stdout.readline().strip()
        checks.check(ready.startswith("listening on http://127.0.0.1:") and ready.endswith("/argos"), f"ready line: {ready!r}")
        if not ready.startswith("listening on "):
            return checks.finish()
        url = ready[len("listening on "):]

        def next_line():
            return json.loads(listener.stdout.readline())

        for trigger in TRIGGERS:
            event = sample_event(trigger)
            status, _ = post(url, encrypt_webhook(json.dumps(event, ensure_ascii=False).encode("utf-8")))
            checks.check(status == 200, f"{trigger}: status {status}")
            raw = listener.stdout.readline().rstrip("\n")
            expected = {"status": 200, "trigger": trigger, "submissionId": event["submission_id"], "event": event}
            checks.check(json.loads(raw) == expected, f"{trigger}: listen printed {raw}")
            # Compact, although this sender's JSON has spaces after its separators.
            checks.check(raw == json.dumps(expected, separators=(",", ":"), ensure_ascii=False), f"{trigger}: not compact: {raw}")

        # The bare token as the whole body is accepted too (§5).
        event = sample_event("approved")
        token = json.loads(encrypt_webhook(json.dumps(event).encode()))["data"]
        status, _ = post(url, token.encode())
        checks.check(status == 200, f"bare token: status {status}")
        checks.check(next_line().get("event") == event, "bare token: the event")

        # An unknown trigger is kept, not rejected.
        status, _ = post(url, encrypt_webhook(b'{"webhook_trigger":"brand_new","submission_id":"s"}'))
        checks.check(status == 200, f"unknown trigger: status {status}")
        checks.check(next_line().get("trigger") == "brand_new", "unknown trigger kept")

        for name, body, want, category in [
            ("wrong key", encrypt_webhook(b'{"webhook_trigger":"aml"}', OTHER_CREDENTIAL), 403, "decryptionFailed"),
            ("not base64", b'{"data":"***"}', 400, "malformedInput"),
            ("plain JSON", b'{"webhook_trigger":"aml"}', 400, "malformedInput"),
        ]:
            status, answer = post(url, body)
            checks.check(status == want, f"{name}: status {status}, want {want}")
            line = next_line()
            checks.check(line == {"status": want, "error": category}, f"{name}: listen printed {line}")
            checks.check(b"{" not in answer, f"{name}: the answer body says nothing: {answer!r}")
    finally:
        listener.terminate()
        try:
            code = listener.wait(timeout=10)
        except subprocess.TimeoutExpired:
            listener.kill()
            code = None
    checks.check(code == 0, f"listen stops on SIGTERM with 0, got {code}")
    return checks.finish()


# ---------------------------------------------------------------------------------------------
# Mode 2: `liveform webhook send` sends, Python receives


def run_receiver(binary: str) -> int:
    checks = Checks()
    received = []
    answer = {"status": 200}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append((self.path, self.headers.get("Content-Type"), body))
            self.send_response(answer["status"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks/argos"
    env = dict(os.environ, LIVEFORM_KEY=CREDENTIAL)

    def send(*args, credential_env=env):
        return subprocess.run([binary, "webhook", "send", "--to", url, *args], capture_output=True, text=True,
                              env=credential_env, timeout=60)

    try:
        for trigger in TRIGGERS:
            received.clear()
            result = send("--trigger", trigger)
            checks.check(result.returncode == 0, f"{trigger}: exit {result.returncode} {result.stderr.strip()}")
            checks.check(result.stdout == f"<-- [200] POST {url}\n", f"{trigger}: printed {result.stdout!r}")
            checks.check(len(received) == 1, f"{trigger}: {len(received)} requests")
            if received:
                path, content_type, body = received[0]
                checks.check(path == "/hooks/argos" and content_type == "application/json", f"{trigger}: {path} {content_type}")
                try:
                    event = json.loads(decrypt_webhook(body))
                except Exception as error:  # noqa: BLE001 - any failure is a failed check
                    event = {"error": repr(error)}
                checks.check(event.get("webhook_trigger") == trigger, f"{trigger}: decrypted {event}")
                checks.check(isinstance(event.get("submission_id"), str) or trigger == "token_expired",
                             f"{trigger}: submission_id in {event}")

        received.clear()
        result = send("--trigger", "rejected", "--submission-id", "sub-from-python")
        event = json.loads(decrypt_webhook(received[0][2])) if received else {}
        checks.check(result.returncode == 0 and event.get("submission_id") == "sub-from-python", f"--submission-id: {event}")
        checks.check(event.get("kyc_result", {}).get("commentCode") not in (None, ""), "rejected carries commentCode")

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(sample_event("updated"), handle)
        received.clear()
        result = send("--event-json", handle.name)
        os.unlink(handle.name)
        event = json.loads(decrypt_webhook(received[0][2])) if received else {}
        checks.check(result.returncode == 0 and event == sample_event("updated"), f"--event-json: {event}")

        received.clear()
        result = send("--trigger", "aml", "--no-secure-data-transfer")
        plain = json.loads(received[0][2]) if received else {}
        checks.check(result.returncode == 0 and plain.get("webhook_trigger") == "aml" and "data" not in plain,
                     f"--no-secure-data-transfer: {plain}")

        answer["status"] = 403
        result = send("--trigger", "aml")
        checks.check(result.returncode == 1 and result.stdout == f"<-- [403] POST {url}\n",
                     f"403: exit {result.returncode} {result.stdout!r}")
    finally:
        server.shutdown()
        server.server_close()

    closed = f"http://127.0.0.1:{free_port()}/"
    result = subprocess.run([binary, "webhook", "send", "--to", closed, "--trigger", "aml"], capture_output=True,
                            text=True, env=env, timeout=60)
    checks.check(result.returncode == 69 and result.stdout == "", f"closed port: exit {result.returncode} {result.stdout!r}")
    return checks.finish()


def self_test() -> int:
    checks = Checks()
    body = encrypt_webhook(b'{"webhook_trigger":"approved"}')
    checks.check(decrypt_webhook(body) == b'{"webhook_trigger":"approved"}', "round trip")
    try:
        decrypt_webhook(body, OTHER_CREDENTIAL)
        checks.check(False, "wrong key must fail")  # PKCS#7 fails for nearly every wrong key
    except ValueError:
        checks.check(True, "")
    return checks.finish()


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 3 or argv[1] not in ("sender", "receiver"):
        print(__doc__, file=sys.stderr)
        return 2
    return run_sender(argv[2]) if argv[1] == "sender" else run_receiver(argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
