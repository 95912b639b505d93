#!/usr/bin/env python3
"""Independent Secure Data Transfer implementation (Python `cryptography`), used by the
Swift interop tests as an oracle for wire format section 5.

stdin:  {"credential": str, "plaintext": str,
         "ours": {"webhook": body, "response": body, "request": body}}
stdout: {"theirs": {...same three bodies, made here...},
         "opened": {...the plaintexts this script decrypted from "ours"...}}
Exit status 77 when the `cryptography` package is not installed.
"""
import base64
import hashlib
import json
import os
import sys

try:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
except ImportError:
    print("the Python package `cryptography` is not installed", file=sys.stderr)
    sys.exit(77)


def key_of(credential):
    # K = SHA-256(UTF-8 credential), the raw 32-byte digest (section 1).
    return hashlib.sha256(credential.encode("utf-8")).digest()


def pad(data):
    padder = padding.PKCS7(128).padder()
    return padder.update(data) + padder.finalize()


def unpad(data):
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(data) + unpadder.finalize()


def run(mode, key, data, encrypt):
    cipher = Cipher(algorithms.AES(key), mode)
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


def token_of(body):
    value = json.loads(body)
    return base64.b64decode(value["data"], validate=True)


def main():
    request = json.load(sys.stdin)
    key = key_of(request["credential"])
    plaintext = request["plaintext"].encode("utf-8")
    ours = request["ours"]

    iv = os.urandom(16)
    webhook = iv + run(modes.CBC(iv), key, pad(plaintext), True)
    ecb = run(modes.ECB(), key, pad(plaintext), True)
    theirs = {
        "webhook": json.dumps({"data": base64.b64encode(webhook).decode("ascii")}),
        "response": json.dumps({"data": base64.b64encode(ecb).decode("ascii")}, separators=(",", ":")),
        "request": base64.b64encode(ecb).decode("ascii"),
    }

    wire = token_of(ours["webhook"])
    opened = {
        "webhook": unpad(run(modes.CBC(wire[:16]), key, wire[16:], False)).decode("utf-8"),
        "response": unpad(run(modes.ECB(), key, token_of(ours["response"]), False)).decode("utf-8"),
        "request": unpad(run(modes.ECB(), key, base64.b64decode(ours["request"], validate=True), False)).decode("utf-8"),
    }
    json.dump({"theirs": theirs, "opened": opened}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
