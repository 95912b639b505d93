#!/usr/bin/env python3
"""Interop check: Secure Data Transfer webhooks and API bodies (wire-format.md §1, §2, §5)
between `liveform` and Python's `cryptography`.

    python3 Tools/interop/python_sdt.py /path/to/liveform
    python3 Tools/interop/python_sdt.py --self-test

Python stdlib + `cryptography` only; nothing here uses the SDK's code.

  A. Python → CLI: Python encrypts webhook bodies {"data": base64(IV16 ‖ AES-256-CBC(PKCS#7(P)))}
     and response bodies {"data": base64(AES-256-ECB(PKCS#7(P)))}; `liveform webhook decrypt -`
     and `liveform body decrypt -` (body on stdin, key in LIVEFORM_KEY) must print JSON equal to P.
  B. CLI → Python: `liveform webhook encrypt -` (prints {"data": …}) and `liveform body encrypt -`
     (prints the bare ECB token, i.e. the request body) are decrypted by Python; the plaintext
     must equal the input JSON byte for byte. Also the framing options, against Python's own
     bytes: `webhook encrypt --iv`, `--fixed-iv` (pre-2024 scheme, both ways), `body encrypt
     --response`, `body decrypt --request`, and "a trailing newline is not encrypted".
  C. A few refusals by exit status (1 decryption failed, 65 malformed input).

--self-test checks this script without the SDK: the Python framing against the project's
Vectors/ files, then the whole of A–C against a reference CLI built into this script
(`--reference-cli`, a plain Python implementation of the interface above).

Output: one line per failure, then exactly `N passed, M failed`; exit 1 if M > 0.
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# An obviously fake credential: never a real API key or secretKey.
CREDENTIAL = "DEMO-ONLY-interop-key"
OTHER_CREDENTIAL = "DEMO-ONLY-interop-key-other"


def derive_key(credential: str) -> bytes:
    """§1: K = SHA-256(UTF-8 bytes of the credential), the raw 32-byte digest."""
    return hashlib.sha256(credential.encode("utf-8")).digest()


KEY = derive_key(CREDENTIAL)

# ---------------------------------------------------------------------------------------------
# Independent implementation of the framing (spec §5)


def _pad(data: bytes) -> bytes:
    p = padding.PKCS7(128).padder()
    return p.update(data) + p.finalize()


def _unpad(data: bytes) -> bytes:
    u = padding.PKCS7(128).unpadder()
    return u.update(data) + u.finalize()  # raises ValueError on bad padding


def ecb_encrypt(key: bytes, plaintext: bytes) -> bytes:
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(_pad(plaintext)) + e.finalize()


def ecb_decrypt(key: bytes, wire: bytes) -> bytes:
    if not wire or len(wire) % 16:
        raise ValueError(f"ECB token of {len(wire)} bytes")
    d = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return _unpad(d.update(wire) + d.finalize())


def cbc_encrypt(key: bytes, plaintext: bytes, iv: bytes | None = None) -> bytes:
    """Webhook framing: IV ‖ AES-256-CBC(K, IV, PKCS#7(P)), IV = 16 random bytes."""
    iv = os.urandom(16) if iv is None else iv
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + e.update(_pad(plaintext)) + e.finalize()


def cbc_decrypt(key: bytes, wire: bytes) -> bytes:
    if len(wire) < 32 or len(wire) % 16:
        raise ValueError(f"CBC token of {len(wire)} bytes (need IV + n·16, n ≥ 1)")
    d = Cipher(algorithms.AES(key), modes.CBC(wire[:16])).decryptor()
    return _unpad(d.update(wire[16:]) + d.finalize())


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(token: str) -> bytes:
    return base64.b64decode(token.encode("ascii"), validate=True)


def wrap(token: str) -> bytes:
    return json.dumps({"data": token}, separators=(",", ":")).encode("utf-8")


def compact(obj) -> bytes:
    """JSON as JSON.stringify writes it, for the values used here (no float exponents)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Plaintexts


def webhook_events():
    """(name, plaintext bytes). Realistic events; some pretty-printed or \\u-escaped."""
    approved = {
        "webhook_trigger": "approved",
        "submission_id": "demo-submission-0001",
        "email": "kim.minji@example.com",
        "userid": "user-42",
        "cf": {"cf1": "campaign-spring", "cf2": "", "cf3": "ref/abc+1=2"},
        "tokenId": "demo-token-0001",
        "kyc_result": {"status": "approved", "reviewer": "auto", "updated_at": "2026-03-01T09:30:00.000Z"},
    }
    rejected = {
        "webhook_trigger": "rejected",
        "submission_id": "demo-submission-0002",
        "email": "lee@example.com",
        "userid": "user-43",
        "cf": {"cf1": "x"},
        "tokenId": "demo-token-0002",
        "kyc_result": {
            "status": "rejected", "reviewer": "reviewer@example.com", "comment": "ID photo is blurred",
            "created_at": "2026-03-01T09:12:44.512Z", "updated_at": "2026-03-01T10:01:02.003Z",
        },
    }
    created = {"webhook_trigger": "created", "submission_id": "demo-submission-0003", "email": "a@b.co",
               "userid": "u3", "tokenId": "demo-token-0003", "created_at": "2026-03-01T09:12:44.512Z"}
    aml = {
        "webhook_trigger": "aml", "submission_id": "demo-submission-0004", "email": "aml@example.com",
        "userid": "u4", "aml_result": {"status": "hit", "score": 0.87, "matches": [
            {"name": "DEMO PERSON", "lists": ["PEP", "sanctions"], "dob": None, "confidence": 91}]},
    }
    token_expired = {"webhook_trigger": "token_expired", "tokenId": "demo-token-0005", "userid": "u5",
                     "expired_at": "2026-03-02T00:00:00.000Z"}
    future = {"webhook_trigger": "future_event", "submission_id": "demo-submission-0006",
              "new_field": {"nested": [1, 2, {"deep": True}]}, "flags": [], "meta": {}}
    korean = {
        "webhook_trigger": "updated", "submission_id": "demo-submission-0007", "email": "홍길동@example.kr",
        "userid": "사용자-7", "cf": {"cf1": "한국어 값", "cf2": "emoji 😀🇰🇷", "cf3": "é ñ 中文"},
        "kyc_result": {"status": "pending", "reviewer": "검토자", "comment": "재제출 요청: 신분증 뒷면",
                       "updated_at": "2026-03-01T09:30:00.000Z"},
        "full_name": "홍길동",
    }
    tricky = {
        "webhook_trigger": "submit", "submission_id": "demo-submission-0008",
        "note": 'quote " backslash \\ slash / newline \n tab \t nul \u0000 del \u007f ls \u2028 </script>',
        "numbers": [0, -1, 1.5, 0.1, 123456789012], "bools": [True, False, None],
    }
    yield "approved", compact(approved)
    yield "rejected", compact(rejected)
    yield "created", compact(created)
    yield "aml", compact(aml)
    yield "token_expired", compact(token_expired)
    yield "unknown-trigger", compact(future)
    yield "korean", compact(korean)
    yield "korean-u-escaped", json.dumps(korean, ensure_ascii=True, separators=(",", ":")).encode()
    yield "pretty-printed", json.dumps(rejected, indent=2).encode()
    yield "tricky-strings", compact(tricky)
    for n in range(1, 17):  # every padding length 1…16 (plaintext lengths mod 16)
        body = {"webhook_trigger": "retry", "p": ""}
        filler = 16 - (len(compact(body)) + n) % 16
        body["p"] = "x" * filler
        yield f"pad-{len(compact(body)) % 16:02d}", compact(body)
    image = b64(hashlib.sha256(b"seed").digest() * (786432 // 32))  # 768 KiB → ~1 MiB of base64
    yield "large-1mib", compact({**approved, "id_image": image, "selfie_image": image[:4096]})


def response_bodies():
    """(name, plaintext bytes): API response / request JSON (objects and arrays)."""
    obj = {"result": "success", "data": {"submission_id": "demo-submission-0001", "kycStatus": "approved",
                                         "score": 0.97, "age": 36, "reviewed": True, "note": None}}
    arr = [{"submission_id": f"demo-submission-{i:04d}", "email": f"user{i}@example.com", "kycStatus": s}
           for i, s in enumerate(["approved", "rejected", "pending"])]
    yield "object", compact(obj)
    yield "array", compact(arr)
    yield "empty-object", b"{}"
    yield "empty-array", b"[]"
    yield "korean", compact({"name": "홍길동", "memo": "한국어 메모 😀", "list": ["가", "나", "다"]})
    yield "u-escaped", json.dumps({"name": "홍길동", "path": "a/b"}, ensure_ascii=True).encode()
    yield "pretty", json.dumps(obj, indent=4).encode()
    yield "exact-16-bytes", b'{"a":"12345678"}'  # a whole block of padding
    yield "nested-array", compact([[1, [2, [3, [4, []]]]], {"k": [{}]}, "s", 1, True, None])
    yield "large-array-1mib", compact([{"i": i, "v": "v" * 90} for i in range(10000)])


# ---------------------------------------------------------------------------------------------
# Runner


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, fn):
        try:
            fn()
            self.passed += 1
        except Exception as e:  # noqa: BLE001 — any exception is a failed check
            self.failed += 1
            msg = str(e) or type(e).__name__
            print(f"FAIL {name}: {clip(msg, 600)}", flush=True)


def clip(s, n=240):
    s = str(s)
    return s if len(s) <= n else f"{s[:n]}… ({len(s)} chars)"


class CLI:
    def __init__(self, argv_prefix):
        self.prefix = list(argv_prefix)

    def run(self, args, stdin: bytes = b"", credential=CREDENTIAL):
        env = dict(os.environ, LIVEFORM_KEY=credential)
        return subprocess.run(self.prefix + args, input=stdin, env=env, capture_output=True, timeout=60)

    def ok(self, args, stdin: bytes = b"", credential=CREDENTIAL) -> bytes:
        r = self.run(args, stdin, credential)
        if r.returncode != 0:
            raise AssertionError(f"exit {r.returncode}: liveform {' '.join(args)}: "
                                 f"{clip(r.stderr.decode('utf-8', 'replace').strip())}")
        return r.stdout

    def has_subcommand(self, name) -> tuple[bool, str]:
        # An unknown subcommand followed by --help prints the root help with exit 0
        # (swift-argument-parser), so look for the subcommand's own usage line.
        r = self.run([name, "--help"])
        text = (r.stdout + r.stderr).decode("utf-8", "replace")
        if r.returncode == 0 and f"liveform {name}" in text:
            return True, ""
        return False, f"`{name} --help` exited {r.returncode} without '{name}' usage"


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def parse_output_json(out: bytes):
    text = out.decode("utf-8")  # must be UTF-8
    return json.loads(text)


def run_suite(cli: CLI, checks: Checks):
    c = checks.check
    key = KEY
    events = list(webhook_events())
    bodies = list(response_bodies())

    available = {}
    for sub in ("webhook", "body"):
        ok, why = cli.has_subcommand(sub)
        available[sub] = ok
        if not ok:
            checks.failed += 1
            print(f"FAIL {sub}: subcommand not available ({why}); its checks were skipped", flush=True)

    if available["webhook"]:
        # A. Python → CLI
        for name, p in events:
            body = wrap(b64(cbc_encrypt(key, p)))

            def decrypt_webhook(body=body, p=p):
                out = parse_output_json(cli.ok(["webhook", "decrypt", "-"], body))
                expect(isinstance(out, dict), f"printed {type(out).__name__}, expected the event object")
                expect(out == json.loads(p), f"printed {clip(json.dumps(out, ensure_ascii=False))} != P")
            c(f"webhook python→cli {name}", decrypt_webhook)
        # The leniencies of §2/§5 a receiver must have (one event each).
        name, p = events[0]
        token = b64(cbc_encrypt(key, p))
        variants = {
            "bare token": token.encode(),
            "token as a JSON string": json.dumps(token).encode(),
            "wrapper with spaces and a newline": b'{ "data" : "' + token.encode() + b'" }\n',
            "token wrapped at 76 columns (CRLF)": wrap("\r\n".join(token[i:i + 76] for i in range(0, len(token), 76))),
            "url-safe alphabet, no padding": wrap(token.replace("+", "-").replace("/", "_").rstrip("=")),
        }
        for vname, body in variants.items():
            def lenient(body=body, p=p):
                out = parse_output_json(cli.ok(["webhook", "decrypt", "-"], body))
                expect(out == json.loads(p), f"printed {clip(json.dumps(out, ensure_ascii=False))} != P")
            c(f"webhook python→cli ({vname})", lenient)

        # B. CLI → Python
        for name, p in events:
            if name in ("pretty-printed", "korean-u-escaped"):
                continue  # not in compact form: covered by the JSON-equality check below
            def encrypt_webhook(p=p):
                out = cli.ok(["webhook", "encrypt", "-"], p)
                wrapper = json.loads(out.decode("utf-8"))
                expect(isinstance(wrapper, dict) and list(wrapper) == ["data"] and isinstance(wrapper["data"], str),
                       f"output is not {{\"data\":\"…\"}}: {clip(out)}")
                expect(out.rstrip(b"\n") == wrap(wrapper["data"]),
                       f"output is not exactly {{\"data\":\"<token>\"}} (+ newline): {clip(out)}")
                plain = cbc_decrypt(key, b64decode_strict(wrapper["data"]))
                expect(plain == p, f"plaintext differs from the input: {clip(plain)}")
            c(f"webhook cli→python {name}", encrypt_webhook)
        for name, p in events:
            if name not in ("pretty-printed", "korean-u-escaped"):
                continue
            def encrypt_webhook_loose(p=p):
                wrapper = json.loads(cli.ok(["webhook", "encrypt", "-"], p))
                plain = cbc_decrypt(key, b64decode_strict(wrapper["data"]))
                expect(json.loads(plain) == json.loads(p), f"plaintext is not the input JSON: {clip(plain)}")
            c(f"webhook cli→python {name} (JSON-equal)", encrypt_webhook_loose)

        def fresh_iv():
            p = events[0][1]
            a = b64decode_strict(json.loads(cli.ok(["webhook", "encrypt", "-"], p))["data"])
            b = b64decode_strict(json.loads(cli.ok(["webhook", "encrypt", "-"], p))["data"])
            expect(a[:16] != b[:16], "two webhook encryptions used the same IV")
        c("webhook encrypt draws a fresh IV", fresh_iv)

        # Framing options: a given IV (test vectors), the pre-2024 fixed-IV scheme, the newline rule.
        p = events[0][1]
        iv = bytes(range(16))
        zero_iv = bytes(16)

        def given_iv():
            out = cli.ok(["webhook", "encrypt", "--iv", iv.hex(), "-"], p)
            expect(out.rstrip(b"\n") == wrap(b64(cbc_encrypt(key, p, iv))), f"differs from Python's body: {clip(out)}")
        c("webhook encrypt --iv: byte-for-byte Python's body", given_iv)

        def fixed_iv_encrypt():
            out = cli.ok(["webhook", "encrypt", "--fixed-iv", zero_iv.hex(), "-"], p)
            want = wrap(b64(cbc_encrypt(key, p, zero_iv)[16:]))  # token = CBC(K, IV0, …) without the IV
            expect(out.rstrip(b"\n") == want, f"differs from Python's fixed-IV body: {clip(out)}")
        c("webhook encrypt --fixed-iv: byte-for-byte Python's body", fixed_iv_encrypt)

        def fixed_iv_decrypt():
            body = wrap(b64(cbc_encrypt(key, p, zero_iv)[16:]))
            out = parse_output_json(cli.ok(["webhook", "decrypt", "--fixed-iv", zero_iv.hex(), "-"], body))
            expect(out == json.loads(p), f"printed {clip(json.dumps(out, ensure_ascii=False))} != P")
        c("webhook decrypt --fixed-iv python→cli", fixed_iv_decrypt)

        def trailing_newline():
            wrapper = json.loads(cli.ok(["webhook", "encrypt", "-"], p + b"\n"))
            plain = cbc_decrypt(key, b64decode_strict(wrapper["data"]))
            expect(plain == p, f"a trailing newline was encrypted: {clip(plain[-20:])}")
        c("webhook encrypt: a trailing newline is not encrypted", trailing_newline)

        # C. Refusals
        wire = bytearray(cbc_encrypt(key, p))
        wire[-17] ^= 0x01  # flips a bit of the last plaintext block's padding → bad padding or garbage
        refusals = [
            ("wrong key", wrap(b64(cbc_encrypt(derive_key(OTHER_CREDENTIAL), p))), 1),
            ("tampered last block", wrap(b64(bytes(wire))), 1),
            ("array plaintext (an event is an object)", wrap(b64(cbc_encrypt(key, b"[1,2,3]"))), 1),
            ("IV only", wrap(b64(os.urandom(16))), 65),
            ("not IV + n·16", wrap(b64(os.urandom(40))), 65),
            ("not the wrapper", b'{"payload":"' + b64(cbc_encrypt(key, p)).encode() + b'"}', 65),
        ]
        for rname, body, status in refusals:
            def refuse(body=body, status=status):
                r = cli.run(["webhook", "decrypt", "-"], body)
                expect(r.returncode == status, f"expected exit {status}, got {r.returncode}; "
                       f"stdout {clip(r.stdout)} stderr {clip(r.stderr.strip())}")
            c(f"webhook refuses: {rname}", refuse)

    if available["body"]:
        # A. Python → CLI (response bodies; and request bodies, i.e. the bare token)
        for name, p in bodies:
            token = b64(ecb_encrypt(key, p))
            for shape, body in (("response {\"data\"}", wrap(token)), ("bare token", token.encode())):
                def decrypt_body(body=body, p=p):
                    out = parse_output_json(cli.ok(["body", "decrypt", "-"], body))
                    expect(out == json.loads(p), f"printed {clip(json.dumps(out, ensure_ascii=False))} != P")
                c(f"body python→cli {name} ({shape})", decrypt_body)

        # B. CLI → Python
        for name, p in bodies:
            def encrypt_body(name=name, p=p):
                out = cli.ok(["body", "encrypt", "-"], p)
                token = out.decode("ascii").rstrip("\n")
                wire = b64decode_strict(token)
                plain = ecb_decrypt(key, wire)
                if name in ("pretty", "u-escaped"):
                    expect(json.loads(plain) == json.loads(p), f"plaintext is not the input JSON: {clip(plain)}")
                else:
                    expect(plain == p, f"plaintext differs from the input: {clip(plain)}")
                    expect(token == b64(ecb_encrypt(key, p)), "token differs from Python's ECB of the same bytes")
            c(f"body cli→python {name}", encrypt_body)

        p = bodies[0][1]

        def response_option():
            out = cli.ok(["body", "encrypt", "--response", "-"], p)
            expect(out.rstrip(b"\n") == wrap(b64(ecb_encrypt(key, p))), f"differs from Python's response body: {clip(out)}")
        c("body encrypt --response: byte-for-byte Python's {\"data\"} body", response_option)

        def request_option():
            out = parse_output_json(cli.ok(["body", "decrypt", "--request", "-"], b64(ecb_encrypt(key, p)).encode()))
            expect(out == json.loads(p), f"printed {clip(json.dumps(out, ensure_ascii=False))} != P")
        c("body decrypt --request python→cli", request_option)

        def body_trailing_newline():
            token = cli.ok(["body", "encrypt", "-"], p + b"\n").decode("ascii").rstrip("\n")
            plain = ecb_decrypt(key, b64decode_strict(token))
            expect(plain == p, f"a trailing newline was encrypted: {clip(plain[-20:])}")
        c("body encrypt: a trailing newline is not encrypted", body_trailing_newline)

        # C. Refusals
        wire = bytearray(ecb_encrypt(key, p))
        wire[-1] ^= 0x01
        refusals = [
            ("wrong key", wrap(b64(ecb_encrypt(derive_key(OTHER_CREDENTIAL), p))), 1),
            ("tampered last block", wrap(b64(bytes(wire))), 1),
            ("plaintext a JSON string", wrap(b64(ecb_encrypt(key, b'"text"'))), 1),
            ("15-byte token", wrap(b64(os.urandom(15))), 65),
            ("not base64", b'{"data":"gMGAfqxL$!dSHb88CYjZhV/YsWnAUmnaDNe70jooDu"}', 65),
            ("data is a number", b'{"data":5}', 65),
        ]
        for rname, body, status in refusals:
            def refuse(body=body, status=status):
                r = cli.run(["body", "decrypt", "-"], body)
                expect(r.returncode == status, f"expected exit {status}, got {r.returncode}; "
                       f"stdout {clip(r.stdout)} stderr {clip(r.stderr.strip())}")
            c(f"body refuses: {rname}", refuse)


# ---------------------------------------------------------------------------------------------
# --self-test: vectors, and a reference CLI implementing the interface in plain Python


def vector_checks(checks: Checks, vectors_dir: str):
    files = {"webhook": "webhook.json", "request-body": "request-body.json", "response-body": "response-body.json"}
    for kind, fname in files.items():
        path = os.path.join(vectors_dir, fname)
        if not os.path.exists(path):
            checks.failed += 1
            print(f"FAIL self-test vectors: {path} not found")
            continue
        for v in json.load(open(path, encoding="utf-8"))["vectors"]:
            def one(v=v, kind=kind):
                key = bytes.fromhex(v["keyHex"]) if "keyHex" in v else derive_key(v["key"])
                body = v["body"].encode("utf-8")
                if v["result"] == "valid":
                    p = v["plaintext"].encode("utf-8")
                    if kind == "webhook":
                        expect(wrap(b64(cbc_encrypt(key, p, bytes.fromhex(v["iv"])))) == body, "encrypt ≠ vector body")
                    elif kind == "response-body":
                        expect(wrap(b64(ecb_encrypt(key, p))) == body, "encrypt ≠ vector body")
                    else:
                        expect(b64(ecb_encrypt(key, p)).encode() == body, "encrypt ≠ vector body")
                    expect(reference_decrypt(kind, key, body) == p, "decrypt ≠ vector plaintext")
                else:
                    want = 1 if v["error"] == "decryptionFailed" else 65
                    try:
                        reference_decrypt(kind, key, body)
                        got = 0
                    except RefError as e:
                        got = e.status
                    expect(got == want, f"reference decoder gave exit {got}, vector says {v['error']} ({want})")
            checks.check(f"self-test vector {v['id']}", one)


class RefError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


B64_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def _lenient_b64(token: str) -> bytes:
    """§2: space → +, - → +, _ → /, CR/LF/TAB ignored, padding optional; anything else refused."""
    t = token.replace(" ", "+").replace("-", "+").replace("_", "/")
    t = "".join(ch for ch in t if ch not in "\r\n\t").rstrip("=")
    if not t or len(t) % 4 == 1 or any(ch not in B64_ALPHABET for ch in t):
        raise RefError(65, "not base64")
    return base64.b64decode(t + "=" * (-len(t) % 4))


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def reference_decrypt(kind: str, key: bytes, body: bytes) -> bytes:
    """A minimal receiver per spec §5 (used only by --self-test). Returns the plaintext.

    kind: "webhook" (CBC, plaintext an object) or a body kind (ECB, object or array)."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith(("{", "[", '"')):
        try:
            value = json.loads(text)
        except ValueError:
            raise RefError(65, "body not JSON") from None
        if isinstance(value, dict) and list(value) == ["data"] and isinstance(value["data"], str):
            token = value["data"]
        elif isinstance(value, str):
            token = value
        else:
            raise RefError(65, "body not the wrapper")
    else:
        token = text  # the bare token
    wire = _lenient_b64(token)
    if kind == "webhook":
        if len(wire) < 32 or len(wire) % 16:
            raise RefError(65, "bad length")
    elif not wire or len(wire) % 16:
        raise RefError(65, "bad length")
    try:
        plain = cbc_decrypt(key, wire) if kind == "webhook" else ecb_decrypt(key, wire)
        value = json.loads(plain.decode("utf-8"), parse_constant=_reject_constant)
    except ValueError:
        raise RefError(1, "decryption failed") from None
    if not isinstance(value, dict if kind == "webhook" else (dict, list)):
        raise RefError(1, "decryption failed")
    return plain


def reference_cli(argv) -> int:
    """`liveform webhook|body encrypt|decrypt [options] -`, per the interface this script expects."""
    if len(argv) == 2 and argv[1] == "--help" and argv[0] in ("webhook", "body"):
        print(f"USAGE: liveform {argv[0]} <encrypt|decrypt> [options] <file|->  (reference CLI)")
        return 0
    options = {"webhook encrypt": {"--iv", "--fixed-iv"}, "webhook decrypt": {"--fixed-iv"},
               "body encrypt": {"--response"}, "body decrypt": {"--request"}}
    command = " ".join(argv[:2])
    rest, opts = argv[2:], {}
    while rest and rest[0].startswith("--") and command in options and rest[0] in options[command]:
        if rest[0] in ("--iv", "--fixed-iv") and len(rest) > 1:
            opts[rest[0]], rest = bytes.fromhex(rest[1]), rest[2:]
        else:
            opts[rest[0]], rest = True, rest[1:]
    if command not in options or rest != ["-"]:
        print("usage: liveform webhook|body encrypt|decrypt [options] -", file=sys.stderr)
        return 64
    key = derive_key(os.environ["LIVEFORM_KEY"])
    data = sys.stdin.buffer.read()
    if argv[1] == "encrypt":
        data = data[:-1] if data.endswith(b"\n") else data  # a trailing newline is not encrypted
        json.loads(data)
        if argv[0] == "webhook":
            if "--fixed-iv" in opts:
                token = cbc_encrypt(key, data, opts["--fixed-iv"])[16:]
            else:
                token = cbc_encrypt(key, data, opts.get("--iv"))
            sys.stdout.buffer.write(wrap(b64(token)) + b"\n")
        elif "--response" in opts:
            sys.stdout.buffer.write(wrap(b64(ecb_encrypt(key, data))) + b"\n")
        else:
            sys.stdout.buffer.write(b64(ecb_encrypt(key, data)).encode() + b"\n")
        return 0
    try:
        if "--fixed-iv" in opts:  # prepend IV0 and decrypt as IV ‖ C
            data = wrap(b64(opts["--fixed-iv"] + _lenient_b64(json.loads(data)["data"])))
        plain = reference_decrypt("webhook" if argv[0] == "webhook" else "response-body", key, data)
    except RefError as e:
        print(f"liveform: {e}", file=sys.stderr)
        return e.status
    sys.stdout.buffer.write(plain + b"\n")
    return 0


# ---------------------------------------------------------------------------------------------


def main(argv) -> int:
    if argv[1:2] == ["--reference-cli"]:
        return reference_cli(argv[2:])
    checks = Checks()
    t0 = time.monotonic()
    if argv[1:] == ["--self-test"]:
        here = os.path.dirname(os.path.abspath(__file__))
        vector_checks(checks, os.path.join(here, "..", "..", "Vectors"))
        run_suite(CLI([sys.executable, os.path.abspath(__file__), "--reference-cli"]), checks)
    elif len(argv) == 2 and not argv[1].startswith("-"):
        # Run a private copy, so that a concurrent `swift build` replacing the binary cannot break the run.
        with tempfile.TemporaryDirectory(prefix="liveform-interop-") as tmp:
            binary = os.path.join(tmp, "liveform")
            try:
                shutil.copy2(argv[1], binary)
            except OSError as e:
                print(f"FAIL setup: cannot copy {argv[1]}: {e}")
                print("0 passed, 1 failed")
                return 1
            cli = CLI([binary])
            r = cli.run(["--version"])
            if r.returncode != 0:
                print(f"FAIL setup: {argv[1]} --version exited {r.returncode}")
                print("0 passed, 1 failed")
                return 1
            run_suite(cli, checks)
    else:
        print("usage: python3 python_sdt.py /path/to/liveform | --self-test", file=sys.stderr)
        return 2
    sys.stdout.flush()
    print(f"(python_sdt: {time.monotonic() - t0:.1f} s)", file=sys.stderr, flush=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
