#!/usr/bin/env python3
"""Independent generator for the Secure Data Transfer vectors (format `liveform-vectors/1`):
Vectors/request-body.json, Vectors/response-body.json and Vectors/webhook.json.

Uses Python's `cryptography` package (OpenSSL), never the Swift SDK. Every IV and every
"random" byte is derived from the vector id, so the output is byte-for-byte reproducible.

Usage: gen_sdt.py [OUTPUT_DIR]              (default: <repo>/Vectors)
       gen_sdt.py --cross-check DIR        (re-verify the Node-generated liveform-url.json and
                                            return-url.json with Python's cryptography)
"""
import sys

try:
    import cryptography
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:
    sys.stderr.write(
        "gen_sdt.py: the Python package 'cryptography' is required but not installed.\n"
        "Install it with:  python3 -m pip install cryptography\n"
        "(or on Debian/Ubuntu:  apt-get install python3-cryptography)\n")
    sys.exit(2)

import base64
import json
import os

sys.dont_write_bytecode = True  # keep Tools/vectors free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_cipher import (  # noqa: E402  (shared primitives, same directory)
    API_KEY, SECRET_KEY, WRONG_KEY_BASE, RAW_KEY_HEX, Fail, b64, cbc_raw, check_key, det_bytes,
    ecb_raw, encrypt, key_from_credential, lenient_b64decode, reference_decrypt)

MIB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Reference decoder for bodies (wire-format.md §5, §6), written from the spec
# ---------------------------------------------------------------------------------------------

def _reject_constant(name):
    raise ValueError("not JSON: " + name)


def strict_json(text):
    """RFC 8259 JSON only (Python's json would otherwise accept NaN/Infinity)."""
    return json.loads(text, parse_constant=_reject_constant)


def body_token(body):
    """The token text of a body: {"data":"…"} wrapper, a bare token, or a JSON string."""
    s = body.strip(" \t\r\n")
    if s.startswith("{") or s.startswith("[") or s.startswith('"'):
        try:
            value = strict_json(s)
        except ValueError:
            raise Fail("malformedInput")
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and isinstance(value.get("data"), str):
            return value["data"]
        raise Fail("malformedInput")
    return s


def decode_body(kind, kv, body):
    check_key(kv)
    if len(body.encode("utf-8")) > 64 * MIB:
        raise Fail("malformedInput")
    token = body_token(body)
    mode = "cbc" if kind == "webhook" else "ecb"
    plaintext = reference_decrypt(mode, kv, token)
    try:
        text = plaintext.decode("utf-8")
        value = strict_json(text)
    except (UnicodeDecodeError, ValueError):
        raise Fail("decryptionFailed")
    ok = isinstance(value, dict) if kind == "webhook" else isinstance(value, (dict, list))
    if not ok:
        raise Fail("decryptionFailed")
    return text, value


def outcome(kind, kv, body):
    try:
        return ("ok", decode_body(kind, kv, body)[0])
    except Fail as f:
        return ("err", f.category)

# ---------------------------------------------------------------------------------------------
# Vector helpers
# ---------------------------------------------------------------------------------------------

files = {"request-body": [], "response-body": [], "webhook": []}


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def wrap(token):
    return '{"data":"' + token + '"}'


def make_body(kind, kv, plaintext_bytes, iv=None):
    key = check_key(kv)
    if kind == "webhook":
        return wrap(b64(encrypt("cbc", key, plaintext_bytes, iv)))
    token = b64(encrypt("ecb", key, plaintext_bytes))
    return token if kind == "request-body" else wrap(token)


def add(kind, vec):
    assert all(v["id"] != vec["id"] for v in files[kind]), vec["id"]
    files[kind].append(vec)


def valid(kind, vid, comment, plaintext, kv=("key", API_KEY)):
    assert isinstance(plaintext, str)
    iv = det_bytes(vid, 16) if kind == "webhook" else None
    body = make_body(kind, kv, plaintext.encode("utf-8"), iv)
    assert outcome(kind, kv, body) == ("ok", plaintext), vid
    v = {"id": vid, "kind": kind, "comment": comment, kv[0]: kv[1], "result": "valid", "plaintext": plaintext}
    if iv is not None:
        v["iv"] = iv.hex()
    v["body"] = body
    if kind == "webhook":
        event = strict_json(plaintext)
        assert isinstance(event.get("webhook_trigger"), str), vid
    add(kind, v)


def invalid(kind, vid, comment, body, error, kv=("key", API_KEY)):
    got = outcome(kind, kv, body)
    assert got == ("err", error), "%s/%s: reference decoder gives %r, expected %s" % (kind, vid, got, error)
    add(kind, {"id": vid, "kind": kind, "comment": comment, kv[0]: kv[1], "result": "invalid",
               "error": error, "body": body})


def frame(kind, token_bytes):
    token = b64(token_bytes)
    return token if kind == "request-body" else wrap(token)


def wrong_key_body(kind, vid, plaintext_bytes):
    """Body made under a wrong (fake) key; try further wrong keys until the right key really
    fails (a wrong key can yield valid padding, and even parseable JSON, by chance)."""
    for attempt in range(1000):
        wrong = ("key", WRONG_KEY_BASE + ("" if attempt == 0 else "-%d" % attempt))
        iv = det_bytes(vid + ("" if attempt == 0 else "#%d" % attempt), 16) if kind == "webhook" else None
        body = make_body(kind, wrong, plaintext_bytes, iv)
        if outcome(kind, ("key", API_KEY), body) == ("err", "decryptionFailed"):
            return body
    raise AssertionError("no failing wrong key")


def fake_jpeg_base64(label, raw_len):
    """Deterministic pseudo-random bytes behind a JPEG header, base64 (like an ID photo)."""
    header = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")
    return base64.b64encode(header + det_bytes(label, raw_len - len(header))).decode("ascii")

# ---------------------------------------------------------------------------------------------
# request-body / response-body
# ---------------------------------------------------------------------------------------------

def build_bodies():
    key = key_from_credential(API_KEY)
    for kind in ("request-body", "response-body"):
        r = kind == "request-body"
        where = "request body (bare token text)" if r else 'response body ({"data":"<token>"}, no spaces)'
        if r:
            obj = {"submission_id": "demo-submission-0001", "userid": "demo-user-0001",
                   "email": "demo.user@example.com", "kycStatus": "approved", "comment": "reviewed/ok"}
            arr = [{"userid": "demo-user-0001", "email": "demo.user@example.com"},
                   {"userid": "demo-user-0002", "email": "demo.user2@example.com", "cf1": None, "vip": True}]
            uni = {"fullName": "홍길동", "memo": "신분증 확인 완료 ✅ 🎉", "path": "a/b\\c", "ls": "x\u2028y"}
        else:
            obj = {"result": "success", "data": {"submission_id": "demo-submission-0001", "kycStatus": "approved",
                                                 "score": 0.97, "age": 36, "reviewed": True, "note": None}}
            arr = [{"submission_id": "demo-submission-0001", "kycStatus": "approved"},
                   {"submission_id": "demo-submission-0002", "kycStatus": "rejected", "errorCode": "DEMO_E001"}]
            uni = {"fullName": "김철수", "nationality": "대한민국", "emoji": "👩‍💻🇰🇷", "tab": "a\tb"}
        p = "req" if r else "resp"
        valid(kind, "%s-object" % p, "compact JSON object plaintext; " + where, compact(obj))
        valid(kind, "%s-array" % p, "JSON array plaintext (arrays are allowed for request/response bodies); " + where,
              compact(arr))
        valid(kind, "%s-unicode" % p, "Korean, emoji, backslash, U+2028 as literal UTF-8 in the plaintext; " + where,
              compact(uni))
        valid(kind, "%s-unicode-escaped" % p,
              "the same kind of text written with \\uXXXX escapes: the bytes are encrypted verbatim, not re-serialised",
              json.dumps(uni, ensure_ascii=True, separators=(",", ":")))
        b16 = '{"id":"0123456"}'
        assert len(b16) == 16
        valid(kind, "%s-exact-block-16-bytes" % p,
              "plaintext of exactly 16 bytes: ECB adds a full block of padding (token 32 bytes)", b16)
        b32 = '{"userid":"demo-user-000000001"}'
        assert len(b32) == 32
        valid(kind, "%s-exact-block-32-bytes" % p,
              "plaintext of exactly 32 bytes: ECB adds a full block of padding (token 48 bytes)", b32,
              kv=("keyHex", RAW_KEY_HEX))
        valid(kind, "%s-pretty-printed" % p,
              "pretty-printed plaintext with newlines, 2-space indentation and a trailing newline: encrypted byte for byte",
              json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
        valid(kind, "%s-crlf-tabs-spaces" % p,
              "JSON with CR LF, tabs and spaces around tokens: whitespace is part of the plaintext",
              '{\r\n\t"userid" : "demo-user-0001" ,\r\n\t"tags" : [ 1 , 2.5 , -3e-7 ]\r\n}\r\n')
        valid(kind, "%s-empty-%s" % (p, "object" if r else "array"), "smallest plaintext: " + ("{}" if r else "[]"),
              "{}" if r else "[]")
        big = {"userid": "demo-user-0001", "fileName": "id-front.jpg", "mimeType": "image/jpeg",
               "image": fake_jpeg_base64("%s-large-image" % p, 790000)}
        if not r:
            big = {"result": "success", "data": big}
        big_text = compact(big)
        assert len(big_text.encode()) >= MIB
        valid(kind, "%s-large-image-1mib" % p,
              "plaintext over 1 MiB (%d bytes) with a base64 JPEG-like \"image\" string (deterministic pseudo-random bytes)"
              % len(big_text.encode()), big_text)

        # ----- invalid ---------------------------------------------------------------------------
        blk = b'{"userid":"u"}'
        invalid(kind, "%s-bad-padding" % p,
                "ECB encrypted without padding (last plaintext byte 0x00): invalid PKCS#7 padding",
                frame(kind, ecb_raw(key, blk + b" \x00")), "decryptionFailed")
        invalid(kind, "%s-bad-padding-inconsistent" % p,
                "last byte 0x02 but the byte before it is 0x01: every padding byte must be checked",
                frame(kind, ecb_raw(key, blk + b"\x01\x02")), "decryptionFailed")
        invalid(kind, "%s-wrong-key" % p, "token made under a different (fake) credential",
                wrong_key_body(kind, "%s-wrong-key" % p, compact(obj).encode()), "decryptionFailed")
        for name, pt, why in [
            ("not-json", b"hello, this is not JSON", "plaintext that is not JSON"),
            ("json-string", b'"text"', "JSON string: not an object or array"),
            ("json-number", b"42", "JSON number: not an object or array"),
            ("json-null", b"null", "JSON null: not an object or array"),
            ("trailing-garbage", b'{"a":1} x', "a JSON object followed by extra text"),
            ("nan", b'{"a":NaN}', "NaN is not JSON"),
            ("not-utf8", b'{"a":"\xff\xfe"}', "valid padding, but the plaintext is not UTF-8"),
        ]:
            invalid(kind, "%s-plaintext-%s" % (p, name), why + " → decryptionFailed",
                    frame(kind, encrypt("ecb", key, pt)), "decryptionFailed")
        invalid(kind, "%s-token-15-bytes" % p, "token of 15 bytes: not a multiple of 16",
                frame(kind, det_bytes("%s-15" % p, 15)), "malformedInput")
        invalid(kind, "%s-token-empty" % p, "token of 0 bytes",
                frame(kind, b""), "malformedInput")
        good = b64(encrypt("ecb", key, compact(obj).encode()))
        invalid(kind, "%s-token-not-base64" % p, "token containing $ and !",
                (good[:8] + "$!" + good[8:]) if r else wrap(good[:8] + "$!" + good[8:]), "malformedInput")
        if not r:
            invalid(kind, "resp-wrapper-wrong-member", 'body {"foo":"<token>"}: not the {"data":…} wrapper',
                    '{"foo":"' + good + '"}', "malformedInput")
            invalid(kind, "resp-wrapper-data-number", 'body {"data":5}: data is not a string',
                    '{"data":5}', "malformedInput")
            invalid(kind, "resp-wrapper-empty-array", "body []: not the wrapper",
                    "[]", "malformedInput")
            invalid(kind, "resp-wrapper-data-null", 'body {"data":null}', '{"data":null}', "malformedInput")
            invalid(kind, "resp-wrapper-truncated", 'body {"data":"<token>" without the closing brace: not JSON',
                    '{"data":"' + good + '"', "malformedInput")

# ---------------------------------------------------------------------------------------------
# webhook
# ---------------------------------------------------------------------------------------------

def applicant(n, **extra):
    d = {
        "applicant_id": "demo-applicant-%04d" % n,
        "submission_id": "demo-submission-%04d" % n,
        "email": "demo.user%d@example.com" % n,
        "tokenId": "demo-token-%04d" % n,
        "cf": {"cf1": "campaign-spring", "cf2": "tier-gold", "cf3": "partner-42"},
        "userid": "demo-user-%04d" % n,
        "gender": "female" if n % 2 else "male",
        "date_of_birth": "1990-01-%02d" % (n % 28 + 1),
        "nationality": "KOR",
        "ipAddress": "203.0.113.%d" % (n + 10),
        "fullName": "DEMO APPLICANT %d" % n,
        "idType": "passport",
        "issuingCountry": "KOR",
    }
    d.update(extra)
    return d


def kyc_result(status, reviewer="reviewer.demo@example.com", comment="", pending=True):
    return {
        "status": status,
        "updated_at": "2026-03-01T09:30:00.000Z",
        "created_at": "2026-03-01T09:12:44.512Z",
        "kyc_result_at": "2026-03-01T09:30:00.000Z" if status in ("approved", "rejected") else None,
        "pending_at": "2026-03-01T09:14:02.104Z" if pending else None,
        "reviewer": reviewer,
        "comment": comment,
    }


def event(trigger, **fields):
    d = {"webhook_trigger": trigger}
    d.update(fields)
    return d


def build_webhooks():
    kind = "webhook"
    aml = {"currentstatus": "Not Screened", "risk_level_summary": "Not Screened"}
    events = [
        ("created", "applicant created: no kyc_result and no cf (optional fields omitted)",
         compact(event("created", submission_id="demo-submission-0001", email="demo.user1@example.com",
                       userid="demo-user-0001", tokenId="demo-token-0001", created_at="2026-03-01T09:12:44.512Z"))),
        ("retry", "applicant retried the submission",
         compact(event("retry", kyc_result=kyc_result("pending", reviewer="", comment="retry requested"),
                       retry_count=1, **applicant(2)))),
        ("submit", "submission completed by the applicant, pending review",
         compact(event("submit", kyc_result=kyc_result("pending", reviewer=""), **applicant(3)))),
        ("approved", "approval, the full documented payload shape",
         compact(event("approved", kyc_result=kyc_result("approved", comment="Document verified"), **applicant(4)))),
        ("rejected", "rejection, pretty-printed with 2-space indentation and a trailing newline (bytes taken verbatim)",
         json.dumps(event("rejected", kyc_result=kyc_result("rejected", comment="Document expired"),
                          **applicant(5, errorCode="DEMO_E001")), ensure_ascii=False, indent=2) + "\n"),
        ("updated", "submission data updated by a reviewer; Korean written with \\uXXXX escapes in the JSON text",
         json.dumps(event("updated", kyc_result=kyc_result("approved", comment="주소 수정"),
                          **applicant(6, fullName="김민지", address="서울특별시 중구 세종대로 110")),
                    ensure_ascii=True, separators=(",", ":"))),
        ("delete", "submission deleted: minimal payload, no kyc_result, no cf",
         compact(event("delete", submission_id="demo-submission-0007", userid="demo-user-0007",
                       email="demo.user7@example.com", deleted_at="2026-03-02T00:00:00.000Z"))),
        ("token_expired", "verification token expired before use",
         compact(event("token_expired", tokenId="demo-token-0008", email="demo.user8@example.com",
                       userid="demo-user-0008", expired_at="2026-03-03T00:00:00.000Z"))),
        ("injection", "injection attack detected (extra fields stay reachable as raw JSON)",
         compact(event("injection", kyc_result=kyc_result("rejected", comment="virtual camera suspected"),
                       injection={"detected": True, "type": "virtual_camera", "confidence": 0.98}, **applicant(9)))),
        ("aml", "AML screening result",
         compact(event("aml", aml_result=aml, **applicant(10)))),
        ("aml_monitor", "ongoing AML monitoring update, without cf",
         compact(event("aml_monitor", aml_result=aml,
                       **{k: v for k, v in applicant(11).items() if k != "cf"}))),
        ("future_event", "an unknown trigger: kept as the string future_event, not rejected",
         compact(event("future_event", submission_id="demo-submission-0012", userid="demo-user-0012",
                       something_new={"nested": [1, 2.5, None, True, "x"]}))),
    ]
    for i, (trigger, comment, text) in enumerate(events):
        kv = ("key", API_KEY) if i % 3 else ("key", SECRET_KEY)
        valid(kind, "webhook-%s" % trigger.replace("_", "-"),
              "webhook_trigger %s: %s; body {\"data\":base64(IV ‖ AES-256-CBC(PKCS#7(P)))}" % (trigger, comment),
              text, kv=kv)
    valid(kind, "webhook-approved-cf-korean-unicode",
          "approved, Korean names and cf values and an emoji as literal UTF-8",
          compact(event("approved", kyc_result=kyc_result("approved", reviewer="검토자", comment="승인 완료 ✅"),
                        **applicant(13, fullName="홍길동", cf={"cf1": "캠페인-봄", "cf2": "등급 🥇", "cf3": ""}))))
    valid(kind, "webhook-keyHex",
          "a raw 32-byte key (keyHex, made up) instead of a credential",
          compact(event("submit", kyc_result=kyc_result("pending", reviewer=""), **applicant(14))),
          kv=("keyHex", RAW_KEY_HEX))
    big_event = event("approved", kyc_result=kyc_result("approved", reviewer="검토자", comment="신분증 및 얼굴 일치"),
                      **applicant(15, fullName="이서연", idImage=fake_jpeg_base64("webhook-large-image", 790000)))
    big = compact(big_event)
    assert len(big.encode()) >= MIB
    valid(kind, "webhook-approved-large-image-1mib",
          "approved event over 1 MiB (%d bytes) with Korean names and a base64 JPEG-like idImage "
          "(deterministic pseudo-random bytes)" % len(big.encode()), big)

    # ----- invalid -----------------------------------------------------------------------------
    key = key_from_credential(API_KEY)
    iv = det_bytes("webhook-bad-padding", 16)
    invalid(kind, "webhook-bad-padding", "CBC without padding (last plaintext byte 0x00): invalid padding",
            wrap(b64(iv + cbc_raw(key, iv, b'{"webhook_trigger":"x"}'.ljust(31) + b"\x00"))), "decryptionFailed")
    invalid(kind, "webhook-wrong-key", "token made under a different (fake) credential",
            wrong_key_body(kind, "webhook-wrong-key", compact(event("approved", **applicant(16))).encode()),
            "decryptionFailed")
    invalid(kind, "webhook-iv-only", "token of 16 bytes: an IV and no ciphertext",
            wrap(b64(det_bytes("webhook-iv-only", 16))), "malformedInput")
    invalid(kind, "webhook-not-iv-plus-blocks", "token of 40 bytes: not IV + n·16",
            wrap(b64(det_bytes("webhook-40", 40))), "malformedInput")
    invalid(kind, "webhook-empty-data", 'body {"data":""}: a 0-byte token', wrap(""), "malformedInput")
    invalid(kind, "webhook-plaintext-not-json", "decrypts, but the plaintext is not JSON",
            wrap(b64(encrypt("cbc", key, b"webhook_trigger=approved", det_bytes("webhook-plaintext-not-json", 16)))),
            "decryptionFailed")
    invalid(kind, "webhook-plaintext-array", "decrypts to a JSON array: a webhook must be an object",
            wrap(b64(encrypt("cbc", key, b'[{"webhook_trigger":"approved"}]', det_bytes("webhook-plaintext-array", 16)))),
            "decryptionFailed")
    good = b64(encrypt("cbc", key, compact(event("approved", **applicant(17))).encode(), det_bytes("webhook-good", 16)))
    invalid(kind, "webhook-wrapper-wrong-member", 'body {"payload":"<token>"}: not the {"data":…} wrapper',
            '{"payload":"' + good + '"}', "malformedInput")
    invalid(kind, "webhook-wrapper-data-object", 'body {"data":{"webhook_trigger":"approved"}}: data is not a token string',
            '{"data":{"webhook_trigger":"approved"}}', "malformedInput")
    invalid(kind, "webhook-form-encoded-body", "body data=<token> (form-encoded): not JSON, and = inside is not base64",
            "data=" + good, "malformedInput")

# ---------------------------------------------------------------------------------------------
# --cross-check: verify the Node-generated URL vectors with Python's cryptography
# ---------------------------------------------------------------------------------------------

def query_items(url):
    from urllib.parse import unquote_to_bytes
    q = url.split("?", 1)[1] if "?" in url else ""
    out = []
    for part in q.split("&") if q else []:
        name, _, value = part.partition("=")
        out.append((unquote_to_bytes(name).decode("utf-8"), unquote_to_bytes(value).decode("utf-8")))
    return out


def cross_check(directory):
    checked = 0

    def fail(f, vid, what):
        raise SystemExit("cross-check (Python) %s %s: %s" % (f, vid, what))

    with open(os.path.join(directory, "liveform-url.json"), encoding="utf-8") as fh:
        lv = json.load(fh)["vectors"]
    for v in lv:
        if v["result"] != "valid" or v["mode"] == "none":
            continue
        kv = ("key", v["key"]) if "key" in v else ("keyHex", v["keyHex"])
        key = check_key(kv)
        tokens = [val for n, val in query_items(v["url"]) if n == "encrypted"]
        if len(tokens) != 1:
            fail("liveform-url.json", v["id"], "expected one encrypted item")
        pt = v["plaintext"].encode("utf-8")
        if v["mode"] == "ecb":
            mine = b64(encrypt("ecb", key, pt))
        else:
            mine = b64(encrypt("gcm", key, pt, bytes.fromhex(v["iv"])))
        if mine != tokens[0]:
            fail("liveform-url.json", v["id"], "token differs from Python's")
        back = reference_decrypt(v["mode"], kv, tokens[0])
        if back != pt or not isinstance(strict_json(back.decode("utf-8")), dict):
            fail("liveform-url.json", v["id"], "decryption differs")
        checked += 1
    with open(os.path.join(directory, "return-url.json"), encoding="utf-8") as fh:
        rv = json.load(fh)["vectors"]
    for v in rv:
        if v["result"] != "valid":
            continue
        kv = ("key", v["key"]) if "key" in v else ("keyHex", v["keyHex"])
        items = query_items(v["url"])
        if v["mode"] == "none":
            got = dict(items)
        else:
            got = strict_json(reference_decrypt("ecb", kv, dict(items)["encrypted"]).decode("utf-8"))
        if got != v["expected"]:
            fail("return-url.json", v["id"], "decoded fields differ")
        checked += 1
    print("cross-check (Python cryptography %s): %d vectors of liveform-url/return-url agree"
          % (cryptography.__version__, checked))

# ---------------------------------------------------------------------------------------------

def write(out_dir, kind, description):
    vectors = files[kind]
    doc = {"format": "liveform-vectors/1", "description": description, "vectors": vectors}
    path = os.path.join(out_dir, kind + ".json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    n_valid = sum(1 for v in vectors if v["result"] == "valid")
    print("wrote %s: %d vectors (%d valid, %d invalid)" % (path, len(vectors), n_valid, len(vectors) - n_valid))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_dir = os.path.join(here, "..", "..", "Vectors")
    if len(sys.argv) > 1 and sys.argv[1] == "--cross-check":
        cross_check(sys.argv[2] if len(sys.argv) > 2 else default_dir)
        return
    out_dir = sys.argv[1] if len(sys.argv) > 1 else default_dir
    os.makedirs(out_dir, exist_ok=True)
    build_bodies()
    build_webhooks()
    impl = ("Produced independently of the Swift SDK by Tools/vectors/gen_sdt.py with Python and the "
            "'cryptography' package %s. All credentials are fake DEMO-ONLY strings."
            % (cryptography.__version__.split(".")[0] + ".x"))
    common_invalid = ("Invalid: bad padding, wrong key, plaintext not JSON / a JSON string, number or null / "
                      "trailing garbage / NaN / not UTF-8 (decryptionFailed); token of 15 or 0 bytes or not "
                      "base64 (malformedInput)")
    write(out_dir, "request-body",
          "Secure Data Transfer API request bodies (wire-format.md §5): body = the bare ECB token text of the UTF-8 "
          "JSON plaintext, encrypted byte for byte as given (compact, pretty-printed, CRLF/tab whitespace, \\u "
          "escapes); objects and arrays, Unicode, exact-block plaintexts, a payload over 1 MiB with a base64 image. "
          + common_invalid + ". " + impl)
    write(out_dir, "response-body",
          "Secure Data Transfer API response bodies (wire-format.md §5): body = exactly {\"data\":\"<ECB token>\"} "
          "(no spaces); same plaintext coverage as request-body. " + common_invalid
          + "; bodies that are not the wrapper ({\"foo\":…}, {\"data\":5}, {\"data\":null}, [], truncated JSON) "
          "are malformedInput. " + impl)
    write(out_dir, "webhook",
          "Webhooks (wire-format.md §5): body = exactly {\"data\":\"<base64(IV ‖ AES-256-CBC(PKCS#7(P)))>\"}, IV = "
          "the first 16 bytes of SHA-256(\"liveform-vectors/\" + id); one event per webhook_trigger (created, retry, "
          "submit, approved, rejected, updated, delete, token_expired, injection, aml, aml_monitor) plus the unknown "
          "trigger future_event; payloads with and without kyc_result/cf, pretty-printed and \\u-escaped texts, "
          "Korean names, one event over 1 MiB with a base64 image. Invalid: bad padding, wrong key, not JSON, a "
          "JSON array (decryptionFailed); IV only, not IV + n·16, empty token, not the wrapper (malformedInput). "
          + impl)


if __name__ == "__main__":
    main()
