#!/usr/bin/env python3
"""Writes the seed corpus of one fuzz target from Vectors/ (run time only; never committed).

    Tools/fuzz/seeds.py TARGET OUTPUT_DIR

Each target reads an input two ways (see Sources/LiveformFuzz/FuzzTargets.swift): as what
arrives on the wire (token, URL, body) and as a plaintext to encrypt, so seeds are both the
wire texts and the plaintexts of the vectors. Seeds over 16 KiB (the 1 MiB payloads) are
left out to keep executions fast.
"""
import base64, binascii, hashlib, json, pathlib, sys

VECTORS = pathlib.Path(__file__).resolve().parent.parent.parent / "Vectors"
MAX_SEED = 16 * 1024


def vectors(name):
    return json.loads((VECTORS / name).read_text())["vectors"]


def plaintext(v):
    if "plaintextHex" in v:
        return binascii.unhexlify(v["plaintextHex"])
    return v.get("plaintext")


def token_bytes(v):
    try:
        return base64.b64decode(v.get("token") or "", validate=True)
    except (binascii.Error, ValueError):
        return b""


def seeds(target):
    if target.startswith("token-"):
        mode = target.removeprefix("token-")
        for v in vectors("cipher.json"):
            if v.get("mode") == mode:
                yield v.get("token")
                yield plaintext(v)
    elif target == "liveform-url":
        for v in vectors("liveform-url.json"):
            yield v.get("url")
            yield v.get("plaintext")
    elif target == "return-url":
        for v in vectors("return-url.json"):
            yield v.get("url")
            if "expected" in v:
                yield json.dumps(v["expected"], ensure_ascii=False, separators=(",", ":"))
    elif target in ("webhook", "api-body"):
        files = ["webhook.json"] if target == "webhook" else ["request-body.json", "response-body.json"]
        for name in files:
            for v in vectors(name):
                yield v.get("body")
                yield plaintext(v)
    elif target == "body-stream":
        # One byte that picks the piece length, then a body (or a plaintext to wrap).
        for name in ["request-body.json", "response-body.json"]:
            for v in vectors(name):
                for body in (v.get("body"), plaintext(v)):
                    if body is not None:
                        yield b"\x06" + (body.encode() if isinstance(body, str) else bytes(body))
    elif target == "json":
        for name in ["webhook.json", "request-body.json", "response-body.json", "liveform-url.json"]:
            for v in vectors(name):
                yield plaintext(v)
    elif target == "aes-differential":
        # Key (32) ‖ IV (16) ‖ plaintext: the cipher vectors' wire bytes are as good as any.
        for v in vectors("cipher.json"):
            yield token_bytes(v)
    elif target == "base64":
        # Base64 texts and bytes alike: the cipher vectors' tokens and plaintexts.
        for v in vectors("cipher.json"):
            yield v.get("token")
            yield plaintext(v)
    else:
        sys.exit(f"seeds.py: no seeds for unknown target {target!r}")


def main():
    target, output = sys.argv[1], pathlib.Path(sys.argv[2])
    output.mkdir(parents=True, exist_ok=True)
    for seed in seeds(target):
        if seed is None:
            continue
        data = seed.encode() if isinstance(seed, str) else bytes(seed)
        if not data or len(data) > MAX_SEED:
            continue
        (output / hashlib.sha1(data).hexdigest()).write_bytes(data)
    print(len(list(output.iterdir())))


main()
