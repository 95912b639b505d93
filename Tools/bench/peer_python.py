#!/usr/bin/env python3
"""peer_python.py: the Python peer for the Liveform benchmarks.

Idiomatic Python with the `cryptography` package: a Cipher object per message for ECB/CBC (its
contexts are one-shot), one AESGCM object per key, its PKCS7 padding helpers, `base64`, `json`
and `urllib.parse`. Workloads and output format: see README.md.

Usage: python3 peer_python.py [--quick] [--workload W1..W6] [--info]
"""

import argparse
import base64
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import urllib.parse

import cryptography
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.backends.openssl.backend import backend as openssl_backend
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY = hashlib.sha256(b"DEMO-ONLY-not-a-real-argos-api-key").digest()
URL_PREFIX = "https://form.argosidentity.com/?pid=demo-project-id&encrypted="
BODY_TARGET_BYTES = 10 * 1024 * 1024
WEBHOOK_TARGET_BYTES = 4096

# The vendor's documented example, in its order (dicts keep insertion order).
PARAMS = {
    "email": "email@email.com",
    "userid": "userid",
    "cf1": "value 1",
    "cf2": "value 2",
    "cf3": "value 3",
    "blacklistCountries": False,
    "approvePeriod": False,
    "rejectPeriod": False,
    "ageLimit": False,
    "rejectDuplicateUser": True,
    "token": "token_id",
    "allowedCountries": "USA,KOR",
}

GCM = AESGCM(KEY)  # the per-key object, prepared once like the key itself


def fail(message):
    print(f"peer_python: {message}", file=sys.stderr)
    sys.exit(1)


def check(ok, what):
    if not ok:
        fail(f"correctness check failed: {what}")


# ---------------------------------------------------------------- operations


def to_json(params):
    # separators=(",", ":") and ensure_ascii=False give JSON.stringify's text (spec 3.2) for
    # these values: no spaces, '/' and non-ASCII left as they are.
    return json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode()


def ecb_encrypt(data):
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(KEY), modes.ECB()).encryptor()
    return enc.update(padder.update(data) + padder.finalize()) + enc.finalize()


def ecb_decrypt(token):
    dec = Cipher(algorithms.AES(KEY), modes.ECB()).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(dec.update(token) + dec.finalize()) + unpadder.finalize()


def build_url(token):
    # quote(safe="") encodes every byte outside A-Za-z0-9-._~ as uppercase %XX: spec 3.3 exactly.
    return URL_PREFIX + urllib.parse.quote(base64.b64encode(token), safe="")


def build_ecb_url(params):
    return build_url(ecb_encrypt(to_json(params)))


def build_gcm_url(params):
    nonce = os.urandom(12)
    return build_url(nonce + GCM.encrypt(nonce, to_json(params), None))  # ct || tag


def decode_gcm_url(url):
    # parse_qs turns '+' into a space, but the token's '+' travels as %2B, so it survives.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    token = base64.b64decode(query["encrypted"][0], validate=True)
    p = json.loads(GCM.decrypt(token[:12], token[12:], None))
    return p["email"], p["userid"], p["cf1"], p["rejectDuplicateUser"]


def decode_webhook(body):
    token = base64.b64decode(json.loads(body)["data"], validate=True)
    dec = Cipher(algorithms.AES(KEY), modes.CBC(token[:16])).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    e = json.loads(unpadder.update(dec.update(token[16:]) + dec.finalize()) + unpadder.finalize())
    return e["webhook_trigger"], e["submission_id"], e["kyc_result"]["status"]


def encrypt_body(plaintext):
    return base64.b64encode(ecb_encrypt(plaintext))


def decrypt_body(body):
    """Returns the plaintext after checking that it is JSON, as a client must before use."""
    pt = ecb_decrypt(base64.b64decode(json.loads(body)["data"], validate=True))
    json.loads(pt)
    return pt


# ---------------------------------------------------------------- fixtures (same recipe in every peer)


def make_webhook():
    s = (
        '{"webhook_trigger":"approved","submission_id":"sub_8f3c2a61d4e94b7c","email":"email@email.com",'
        '"userid":"userid","cf":{"cf1":"value 1","cf2":"value 2","cf3":"value 3"},'
        '"tokenId":"token_id","kyc_result":{"status":"approved","reviewer":"reviewer@argosidentity.com",'
        '"comment":"ID document and selfie verified","created_at":"2026-03-01T09:12:44.000Z",'
        '"updated_at":"2026-03-01T09:30:00.000Z"},"aml_result":{"status":"clear","hits":0,'
        '"screened_at":"2026-03-01T09:12:50.000Z"},"id_type":"passport","issuing_country":"KOR",'
        '"full_name":"HONG GILDONG","birth_date":"1990-01-01","document_number":"M12345678",'
        '"expire_date":"2031-05-31","ip_address":"203.0.113.42","user_agent":"Mozilla/5.0 (iPhone; '
        "CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
        'Mobile/15E148 Safari/604.1","history":['
    )
    i = 1
    while True:
        e = ("," if i > 1 else "") + (
            f'{{"step":{i},"event":"check_{i:02d}","result":"pass",'
            f'"detail":"automated check {i:02d} completed without findings"}}'
        )
        if len(s) + len(e) + 2 > WEBHOOK_TARGET_BYTES:
            break
        s += e
        i += 1
    return (s + "]}").encode()


def make_webhook_body(plaintext):
    # Fixed IV 00..0f: the body is made once, and a fixed IV lets every peer decrypt the same bytes.
    iv = bytes(range(16))
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(KEY), modes.CBC(iv)).encryptor()
    token = iv + enc.update(padder.update(plaintext) + padder.finalize()) + enc.finalize()
    return json.dumps({"data": base64.b64encode(token).decode()})


def make_body_plaintext():
    """{"userid":"u-1","idImage":"<base64>"} of ~10 MiB; image bytes = AES-256-CTR keystream under
    SHA-256("liveform-bench-idImage") with a zero counter block."""
    pre, post = b'{"userid":"u-1","idImage":"', b'"}'
    b64_len = (BODY_TARGET_BYTES - len(pre) - len(post)) // 4 * 4
    ikey = hashlib.sha256(b"liveform-bench-idImage").digest()
    ctr = Cipher(algorithms.AES(ikey), modes.CTR(bytes(16))).encryptor()
    return pre + base64.b64encode(ctr.update(bytes(b64_len // 4 * 3))) + post


# ---------------------------------------------------------------- timing

sink = 0  # results stay observable


def measure(op, quick):
    """Warm up, size batches to ~1/20 of the budget, run batches until the budget is spent (at
    least five), return the median batch's ns/op."""
    budget = 0.2e9 if quick else 2.0e9
    now = time.perf_counter_ns
    t0 = now()
    warm = 0
    while now() - t0 < budget * 0.1 or warm < 1:
        op()
        warm += 1
    batch = max(1, int(budget / 20 / ((now() - t0) / warm)))
    samples = []
    start = now()
    while len(samples) < 5 or now() - start < budget:
        b0 = now()
        for _ in range(batch):
            op()
        samples.append((now() - b0) / batch)
    samples.sort()
    m = len(samples) // 2
    return samples[m] if len(samples) % 2 else (samples[m - 1] + samples[m]) / 2


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def ns_result(workload, ns):
    return {"workload": workload, "impl": "python", "ns_per_op": round(ns, 1)}


def body_result(workload, nbytes, ns):
    return {
        "workload": workload,
        "impl": "python",
        "mb_per_s": round(nbytes / 1e6 / (ns / 1e9), 1),
        "peak_rss_bytes": peak_rss(),
    }


# ---------------------------------------------------------------- workloads


def w1(quick):
    url = build_ecb_url(PARAMS)
    token = base64.b64decode(urllib.parse.unquote(url[len(URL_PREFIX):]))
    check(ecb_decrypt(token) == to_json(PARAMS), "W1 round trip")
    check(
        to_json(PARAMS) == b'{"email":"email@email.com","userid":"userid","cf1":"value 1","cf2":"value 2",'
        b'"cf3":"value 3","blacklistCountries":false,"approvePeriod":false,"rejectPeriod":false,'
        b'"ageLimit":false,"rejectDuplicateUser":true,"token":"token_id","allowedCountries":"USA,KOR"}',
        "W1 JSON text",
    )

    def op():
        global sink
        sink += len(build_ecb_url(PARAMS))

    return ns_result("W1", measure(op, quick))


def w2(quick):
    check(decode_gcm_url(build_gcm_url(PARAMS))[0] == PARAMS["email"], "W2 round trip")

    def op():
        global sink
        sink += len(build_gcm_url(PARAMS))

    return ns_result("W2", measure(op, quick))


def w3(quick):
    url = build_gcm_url(PARAMS)
    check(decode_gcm_url(url) == ("email@email.com", "userid", "value 1", True), "W3 fields")
    # A base64 character of the token, not a hex digit of a %2B/%2F/%3D: changing one of
    # those makes a non-ASCII byte, which b64decode rejects before the tag is checked.
    i = len(URL_PREFIX) + 40
    while not url[i].isalnum() or "%" in url[i - 2 : i]:
        i += 1
    bad = url[:i] + ("B" if url[i] == "A" else "A") + url[i + 1 :]
    try:
        decode_gcm_url(bad)
        check(False, "W3 tampered token rejected")
    except InvalidTag:
        pass

    def op():
        global sink
        sink += len(decode_gcm_url(url)[0])

    return ns_result("W3", measure(op, quick))


def w4(quick):
    body = make_webhook_body(make_webhook())
    check(decode_webhook(body) == ("approved", "sub_8f3c2a61d4e94b7c", "approved"), "W4 fields")

    def op():
        global sink
        sink += len(decode_webhook(body)[2])

    return ns_result("W4", measure(op, quick))


def w5(quick):
    p = make_body_plaintext()
    check(ecb_decrypt(base64.b64decode(encrypt_body(p))) == p, "W5 round trip")

    def op():
        global sink
        sink += len(encrypt_body(p))

    return body_result("W5", len(p), measure(op, quick))


def w6(quick):
    p = make_body_plaintext()
    n = len(p)
    body = json.dumps({"data": encrypt_body(p).decode()})
    digest = hashlib.sha256(p).digest()
    del p  # a receiver holds the body and its output, not the sender's plaintext
    check(hashlib.sha256(decrypt_body(body)).digest() == digest, "W6 output equals the W5 plaintext")

    def op():
        global sink
        sink += len(decrypt_body(body))

    return body_result("W6", n, measure(op, quick))


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6}


def run_in_child(workload, quick):
    """W5 and W6 run in a child process each, so their peak RSS is theirs alone."""
    cmd = [sys.executable, os.path.abspath(__file__), "--workload", workload, "--inner"]
    if quick:
        cmd.append("--quick")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail(f"{workload} child failed")
    return json.loads(r.stdout)


def info():
    url = build_ecb_url(PARAMS)
    webhook = make_webhook()
    body = make_body_plaintext()
    return {
        "impl": "python",
        "version": f"Python {sys.version.split()[0]}; cryptography {cryptography.__version__}; "
        f"{openssl_backend.openssl_version_text()}",
        "fixtures": {
            "w1_url_sha256": hashlib.sha256(url.encode()).hexdigest(),
            "w4_plaintext_sha256": hashlib.sha256(webhook).hexdigest(),
            "w4_plaintext_bytes": len(webhook),
            "w5_plaintext_sha256": hashlib.sha256(body).hexdigest(),
            "w5_plaintext_bytes": len(body),
        },
    }


def main():
    ap = argparse.ArgumentParser(description="Python peer for the Liveform benchmarks")
    ap.add_argument("--quick", action="store_true", help="~0.2 s per workload instead of ~2 s")
    ap.add_argument("--workload", choices=sorted(WORKLOADS), help="run only this workload")
    ap.add_argument("--info", action="store_true", help="print version and fixture digests")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)  # child of run_in_child
    a = ap.parse_args()
    if a.info:
        print(json.dumps(info()))
    elif a.inner:
        print(json.dumps(WORKLOADS[a.workload](a.quick)))
    else:
        results = []
        for w, fn in WORKLOADS.items():
            if a.workload and w != a.workload:
                continue
            separate = a.workload is None and w in ("W5", "W6")
            results.append(run_in_child(w, a.quick) if separate else fn(a.quick))
        print(json.dumps(results))


if __name__ == "__main__":
    main()
