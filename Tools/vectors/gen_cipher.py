#!/usr/bin/env python3
"""Independent generator for Vectors/cipher.json (kind `cipher`, format `liveform-vectors/1`).

Uses Python's `cryptography` package (OpenSSL), never the Swift SDK. Every IV/nonce and every
"random" byte is derived from the vector id, so the output is byte-for-byte reproducible.

Usage: gen_cipher.py [OUTPUT_DIR]     (default: <repo>/Vectors)
"""
import sys

try:
    import cryptography
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.exceptions import InvalidTag
except ImportError:
    sys.stderr.write(
        "gen_cipher.py: the Python package 'cryptography' is required but not installed.\n"
        "Install it with:  python3 -m pip install cryptography\n"
        "(or on Debian/Ubuntu:  apt-get install python3-cryptography)\n")
    sys.exit(2)

import base64
import binascii
import hashlib
import json
import os
import re

# Obviously fake demo credentials. They are NOT real ARGOS keys.
API_KEY = "DEMO-ONLY-not-a-real-argos-api-key"
SECRET_KEY = "DEMO-ONLY-secretKey-0000"
WRONG_KEY_BASE = "DEMO-ONLY-wrong-key"
RAW_KEY_HEX = bytes(range(32)).hex()  # 000102…1f, a made-up raw key

# ---------------------------------------------------------------------------------------------
# Deterministic bytes
# ---------------------------------------------------------------------------------------------

def det_bytes(label, n):
    """n bytes derived from label: SHA-256("liveform-vectors/" + label [+ counter])."""
    out = b""
    counter = 0
    while len(out) < n:
        seed = "liveform-vectors/" + label + ("" if counter == 0 else "#%d" % counter)
        out += hashlib.sha256(seed.encode("utf-8")).digest()
        counter += 1
    return out[:n]

# ---------------------------------------------------------------------------------------------
# Keys and ciphers (wire-format.md §1, §3.1, §5)
# ---------------------------------------------------------------------------------------------

def key_from_credential(credential):
    return hashlib.sha256(credential.encode("utf-8")).digest()


def key_bytes(kv):
    """kv is ("key", credential) or ("keyHex", hex)."""
    kind, value = kv
    return key_from_credential(value) if kind == "key" else bytes.fromhex(value)


def pkcs7_pad(data):
    p = padding.PKCS7(128).padder()
    return p.update(data) + p.finalize()


def ecb_raw(key, data):
    assert len(data) % 16 == 0
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(data) + e.finalize()


def ecb_raw_decrypt(key, data):
    d = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return d.update(data) + d.finalize()


def cbc_raw(key, iv, data):
    assert len(data) % 16 == 0
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return e.update(data) + e.finalize()


def cbc_raw_decrypt(key, iv, data):
    d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return d.update(data) + d.finalize()


def encrypt(mode, key, plaintext, iv=None):
    """Token bytes: ecb C; cbc IV‖C; gcm N‖C‖T (no AAD)."""
    if mode == "ecb":
        return ecb_raw(key, pkcs7_pad(plaintext))
    if mode == "cbc":
        assert len(iv) == 16
        return iv + cbc_raw(key, iv, pkcs7_pad(plaintext))
    if mode == "gcm":
        assert len(iv) == 12
        return iv + AESGCM(key).encrypt(iv, plaintext, None)
    raise ValueError(mode)


def b64(data):
    return base64.b64encode(data).decode("ascii")

# ---------------------------------------------------------------------------------------------
# Reference decoder, written from the spec, used to prove every vector's expected outcome
# ---------------------------------------------------------------------------------------------

class Fail(Exception):
    def __init__(self, category):
        super().__init__(category)
        self.category = category


def check_key(kv):
    kind, value = kv
    if kind == "key":
        if value == "" or value != value.strip():
            raise Fail("invalidKey")
        return key_from_credential(value)
    if not re.fullmatch(r"[0-9A-Fa-f]{64}", value):
        raise Fail("invalidKey")
    return bytes.fromhex(value)


B64_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def lenient_b64decode(token):
    """§2: space→'+', '-'→'+', '_'→'/', CR/LF/TAB ignored, missing '=' restored."""
    s = "".join(ch for ch in token if ch not in "\r\n\t")
    s = s.replace(" ", "+").replace("-", "+").replace("_", "/")
    body = s.rstrip("=")
    pad = len(s) - len(body)
    if pad > 2 or any(ch not in B64_ALPHABET for ch in body):
        raise Fail("malformedInput")
    if len(body) % 4 == 1:
        raise Fail("malformedInput")
    body += "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error:
        raise Fail("malformedInput")


def strict_unpad(data):
    """PKCS#7 check by hand, cross-checked with cryptography's unpadder."""
    n = data[-1] if data else 0
    mine_ok = 1 <= n <= 16 and len(data) >= n and all(b == n for b in data[-n:])
    try:
        u = padding.PKCS7(128).unpadder()
        theirs = u.update(data) + u.finalize()
        theirs_ok = True
    except ValueError:
        theirs_ok = False
    assert mine_ok == theirs_ok, "PKCS#7 checks disagree"
    if not mine_ok:
        raise Fail("decryptionFailed")
    return data[:-n]


def reference_decrypt(mode, kv, token):
    key = check_key(kv)
    data = lenient_b64decode(token)
    if mode == "ecb":
        if len(data) == 0 or len(data) % 16:
            raise Fail("malformedInput")
        return strict_unpad(ecb_raw_decrypt(key, data))
    if mode == "cbc":
        if len(data) < 32 or len(data) % 16:
            raise Fail("malformedInput")
        return strict_unpad(cbc_raw_decrypt(key, data[:16], data[16:]))
    if mode == "gcm":
        if len(data) < 28:
            raise Fail("malformedInput")
        try:
            return AESGCM(key).decrypt(data[:12], data[12:], None)
        except InvalidTag:
            raise Fail("decryptionFailed")
    raise ValueError(mode)


def outcome(mode, kv, token):
    try:
        return ("ok", reference_decrypt(mode, kv, token))
    except Fail as f:
        return ("err", f.category)

# ---------------------------------------------------------------------------------------------
# Plaintexts
# ---------------------------------------------------------------------------------------------

TEXT_SEED = "Liveform AES-256 conformance plaintext; "


def ascii_text(n):
    s = TEXT_SEED * (n // len(TEXT_SEED) + 1)
    return s[:n]


def kib_text(n):
    lines = []
    i = 0
    while sum(len(l) for l in lines) < n:
        i += 1
        lines.append("line %04d: ARGOS Liveform demo payload {\"seq\":%d,\"ok\":true}\n" % (i, i))
    return "".join(lines)[:n]


UNICODE_TEXT = "안녕하세요, 라이브폼! 신분증 인증이 완료되었습니다 ✅ 🎉 👩‍💻 🇰🇷"

# ---------------------------------------------------------------------------------------------
# Vector construction
# ---------------------------------------------------------------------------------------------

vectors = []
ids = set()


def kv_fields(kv):
    return {kv[0]: kv[1]}


def add(vec):
    assert vec["id"] not in ids, vec["id"]
    ids.add(vec["id"])
    vectors.append(vec)


def valid(vid, mode, comment, plaintext, kv=("key", API_KEY)):
    """plaintext: str (UTF-8 text) or bytes (written as plaintextHex)."""
    iv = det_bytes(vid, {"ecb": 0, "cbc": 16, "gcm": 12}[mode]) or None
    pt_bytes = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
    token = b64(encrypt(mode, key_bytes(kv), pt_bytes, iv))
    v = {"id": vid, "kind": "cipher", "comment": comment}
    v.update(kv_fields(kv))
    v["result"] = "valid"
    v["mode"] = mode
    if isinstance(plaintext, str):
        v["plaintext"] = plaintext
    else:
        v["plaintextHex"] = plaintext.hex()
    if iv is not None:
        v["iv"] = iv.hex()
    v["token"] = token
    # Self-check with the reference decoder.
    assert outcome(mode, kv, token) == ("ok", pt_bytes), vid
    add(v)
    return v


def invalid(vid, mode, comment, token, error, kv=("key", API_KEY)):
    got = outcome(mode, kv, token)
    assert got == ("err", error), "%s: reference decoder gives %r, expected %s" % (vid, got, error)
    v = {"id": vid, "kind": "cipher", "comment": comment}
    v.update(kv_fields(kv))
    v["result"] = "invalid"
    v["error"] = error
    v["mode"] = mode
    v["token"] = token
    add(v)


def wrong_key_token(vid, mode, plaintext):
    """Encrypt under a wrong demo key; pick another wrong key until decrypting with the right
    key really fails (ECB/CBC: a wrong key gives valid padding by chance about 1 time in 256)."""
    for attempt in range(1000):
        wrong = WRONG_KEY_BASE + ("" if attempt == 0 else "-%d" % attempt)
        iv = det_bytes(vid + ("" if attempt == 0 else "#%d" % attempt),
                       {"ecb": 0, "cbc": 16, "gcm": 12}[mode]) or None
        token = b64(encrypt(mode, key_from_credential(wrong), plaintext, iv))
        if outcome(mode, ("key", API_KEY), token) == ("err", "decryptionFailed"):
            return token
    raise AssertionError("no failing wrong key found")


def flip(data, index, mask=0x01):
    b = bytearray(data)
    b[index] ^= mask
    return bytes(b)


def build():
    sizes = [(0, "empty"), (1, "1-byte"), (15, "15-bytes"), (16, "16-bytes"), (17, "17-bytes"),
             (31, "31-bytes"), (32, "32-bytes"), (33, "33-bytes")]
    size_notes = {
        0: "empty plaintext: ECB/CBC carry one full block of padding (16 × 0x10); GCM has no ciphertext, only nonce ‖ tag",
        1: "1-byte plaintext: 15 bytes of padding 0x0f",
        15: "15 bytes: one byte of padding 0x01",
        16: "exactly one block: PKCS#7 adds a whole extra block of 0x10",
        17: "one block + 1 byte",
        31: "two blocks − 1 byte: padding 0x01",
        32: "exactly two blocks: a third block of padding",
        33: "two blocks + 1 byte",
    }
    sample = {}
    for mode in ("ecb", "cbc", "gcm"):
        layout = {"ecb": "token = AES-256-ECB(PKCS#7(P))",
                  "cbc": "token = IV(16) ‖ AES-256-CBC(PKCS#7(P))",
                  "gcm": "token = nonce(12) ‖ ciphertext ‖ tag(16), no AAD"}[mode]
        for n, name in sizes:
            v = valid("%s-%s-plaintext" % (mode, name) if n == 0 else "%s-%s" % (mode, name), mode,
                      "%s; %s; key = SHA-256 of the fake demo API key" % (size_notes[n], layout),
                      ascii_text(n))
            sample.setdefault(mode, v)
        valid("%s-4101-bytes-text" % mode, mode,
              "a few KiB of ASCII text (4101 bytes, not a block multiple); %s" % layout,
              kib_text(4101))
        valid("%s-unicode-korean-emoji" % mode, mode,
              "non-ASCII text: Korean, emoji, a ZWJ sequence and a flag, encrypted as its UTF-8 bytes; "
              "key = SHA-256 of the fake demo secretKey",
              UNICODE_TEXT, kv=("key", SECRET_KEY))
        valid("%s-binary-plaintextHex" % mode, mode,
              "binary plaintext given as plaintextHex (not valid UTF-8, contains 0x00 and 0xff): the cipher layer is byte-oriented",
              bytes(range(256)) if mode == "ecb" else det_bytes("binary-" + mode, 45) + b"\xff\xfe\x00\x80",
              )
        valid("%s-keyHex-raw-key" % mode, mode,
              "raw 32-byte key given as keyHex (000102…1f, made up), used as is (no SHA-256)",
              ascii_text(20), kv=("keyHex", RAW_KEY_HEX))
        derived_hex = hashlib.sha256(SECRET_KEY.encode()).hexdigest()
        valid("%s-keyHex-equals-derived-secretKey" % mode, mode,
              "keyHex = SHA-256(fake demo secretKey) in hex, i.e. the key that credential derives: "
              "proves key = the raw digest (for ECB the token equals that of ecb-unicode-korean-emoji; "
              "CBC/GCM differ only because the IV/nonce comes from the id)",
              UNICODE_TEXT, kv=("keyHex", derived_hex))
    # The -equals-derived vectors use different ids and therefore different IVs; make the ECB
    # one directly comparable (ECB has no IV).
    by_id = {v["id"]: v for v in vectors}
    assert by_id["ecb-keyHex-equals-derived-secretKey"]["token"] == by_id["ecb-unicode-korean-emoji"]["token"]
    valid("cbc-keyHex-uppercase", "cbc",
          "keyHex written with uppercase hex digits (A–F) is accepted like lowercase",
          ascii_text(16), kv=("keyHex", hashlib.sha256(API_KEY.encode()).hexdigest().upper()))

    # ----- invalidKey --------------------------------------------------------------------------
    ecb_tok = by_id["ecb-16-bytes"]["token"]
    cbc_tok = by_id["cbc-16-bytes"]["token"]
    gcm_tok = by_id["gcm-16-bytes"]["token"]
    invalid("invalid-key-empty-credential", "ecb", "empty credential is rejected before any decryption",
            ecb_tok, "invalidKey", kv=("key", ""))
    invalid("invalid-key-leading-space", "ecb", "credential with a leading space is rejected (not trimmed)",
            ecb_tok, "invalidKey", kv=("key", " " + API_KEY))
    invalid("invalid-key-trailing-newline", "cbc",
            "credential with a trailing LF is rejected (only the CLI's key-file reader strips CR/LF; a credential given directly is not trimmed)",
            cbc_tok, "invalidKey", kv=("key", API_KEY + "\n"))
    invalid("invalid-key-trailing-space", "gcm", "credential with a trailing space is rejected",
            gcm_tok, "invalidKey", kv=("key", API_KEY + " "))
    invalid("invalid-key-tab-only", "gcm", "credential that is only whitespace is rejected",
            gcm_tok, "invalidKey", kv=("key", "\t"))
    invalid("invalid-keyHex-31-bytes", "ecb", "raw key of 31 bytes (62 hex digits) is not 32 bytes",
            ecb_tok, "invalidKey", kv=("keyHex", RAW_KEY_HEX[:62]))
    invalid("invalid-keyHex-33-bytes", "cbc", "raw key of 33 bytes (66 hex digits) is not 32 bytes",
            cbc_tok, "invalidKey", kv=("keyHex", RAW_KEY_HEX + "20"))
    invalid("invalid-keyHex-non-hex", "gcm", "keyHex of 64 characters containing non-hex characters ('zz')",
            gcm_tok, "invalidKey", kv=("keyHex", RAW_KEY_HEX[:30] + "zz" + RAW_KEY_HEX[32:]))
    invalid("invalid-keyHex-odd-length", "ecb", "keyHex of 63 hex digits",
            ecb_tok, "invalidKey", kv=("keyHex", RAW_KEY_HEX[:63]))

    # ----- malformedInput ----------------------------------------------------------------------
    invalid("malformed-token-asterisk", "ecb", "token containing '*', a byte outside the base64 alphabet",
            ecb_tok[:10] + "*" + ecb_tok[10:], "malformedInput")
    invalid("malformed-token-exclamation", "gcm", "token containing '!', a byte outside the base64 alphabet",
            gcm_tok[:8] + "!" + gcm_tok[8:], "malformedInput")
    invalid("malformed-token-impossible-length", "ecb",
            "65 base64 characters: one character past a 4-character group cannot encode a byte",
            b64(det_bytes("impossible-length", 48)) + "A", "malformedInput")
    invalid("malformed-ecb-15-bytes", "ecb", "ECB token of 15 bytes: not a multiple of 16",
            b64(det_bytes("ecb15", 15)), "malformedInput")
    invalid("malformed-ecb-0-bytes", "ecb", "ECB token of 0 bytes (empty string): not a positive multiple of 16",
            "", "malformedInput")
    invalid("malformed-ecb-33-bytes", "ecb", "ECB token of 33 bytes: not a multiple of 16",
            b64(det_bytes("ecb33", 33)), "malformedInput")
    invalid("malformed-cbc-16-bytes-iv-only", "cbc", "CBC token of 16 bytes: an IV and no ciphertext block",
            b64(det_bytes("cbc16", 16)), "malformedInput")
    invalid("malformed-cbc-40-bytes", "cbc", "CBC token of 40 bytes: not IV + n·16",
            b64(det_bytes("cbc40", 40)), "malformedInput")
    invalid("malformed-cbc-0-bytes", "cbc", "CBC token of 0 bytes",
            "", "malformedInput")
    invalid("malformed-gcm-27-bytes", "gcm", "GCM token of 27 bytes: shorter than nonce(12) + tag(16)",
            b64(det_bytes("gcm27", 27)), "malformedInput")
    invalid("malformed-gcm-0-bytes", "gcm", "GCM token of 0 bytes",
            "", "malformedInput")

    # ----- decryptionFailed --------------------------------------------------------------------
    key = key_from_credential(API_KEY)
    block_text = b"Liveform padding"  # 16 bytes
    assert len(block_text) == 16
    bad_blocks = {
        "zero-last-byte": (block_text[:15] + b"\x00", "last plaintext byte 0x00 (padding length 0 is invalid)"),
        "last-byte-0x11": (block_text[:15] + b"\x11", "last plaintext byte 0x11 (padding longer than a block)"),
        "inconsistent": (block_text[:13] + b"\x02\x03\x03",
                         "last byte 0x03 but the 3 padding bytes are 02 03 03: every padding byte must be checked"),
        "full-block-0x10-one-off": (b"\x10" * 7 + b"\x0f" + b"\x10" * 8,
                                    "a whole block of 0x10 padding with one byte 0x0f"),
    }
    for name, (raw, why) in bad_blocks.items():
        pre = b"first block ok!!"  # one good block in front, as in real ciphertexts
        invalid("ecb-bad-padding-%s" % name, "ecb",
                "ECB without padding encrypted by hand, so the decrypted padding is invalid: " + why,
                b64(ecb_raw(key, pre + raw)), "decryptionFailed")
        iv = det_bytes("cbc-bad-padding-" + name, 16)
        invalid("cbc-bad-padding-%s" % name, "cbc",
                "CBC without padding encrypted by hand, so the decrypted padding is invalid: " + why,
                b64(iv + cbc_raw(key, iv, pre + raw)), "decryptionFailed")

    pt = b'{"wrong":"key"}'
    invalid("ecb-wrong-key", "ecb",
            "ECB token made under a different (fake) credential; decrypting with the demo API key gives invalid padding",
            wrong_key_token("ecb-wrong-key", "ecb", pt), "decryptionFailed")
    invalid("cbc-wrong-key", "cbc",
            "CBC token made under a different (fake) credential; decrypting with the demo API key gives invalid padding",
            wrong_key_token("cbc-wrong-key", "cbc", pt), "decryptionFailed")
    invalid("gcm-wrong-key", "gcm",
            "GCM token made under a different (fake) credential: the tag does not verify",
            wrong_key_token("gcm-wrong-key", "gcm", pt), "decryptionFailed")

    nonce = det_bytes("gcm-tamper-base", 12)
    g = encrypt("gcm", key, b'{"amount":100,"currency":"KRW"}', nonce)  # 12 + 31 + 16
    invalid("gcm-modified-tag", "gcm", "last tag byte flipped",
            b64(flip(g, len(g) - 1)), "decryptionFailed")
    invalid("gcm-modified-ciphertext", "gcm", "first ciphertext byte flipped (tag unchanged)",
            b64(flip(g, 12)), "decryptionFailed")
    invalid("gcm-modified-nonce", "gcm", "first nonce byte flipped",
            b64(flip(g, 0)), "decryptionFailed")
    invalid("gcm-truncated-tag", "gcm",
            "last byte removed: still ≥ 28 bytes, so it is structurally a GCM token, but the tag no longer verifies",
            b64(g[:-1]), "decryptionFailed")
    g0 = encrypt("gcm", key, b"", det_bytes("gcm-empty-tamper", 12))
    invalid("gcm-empty-plaintext-modified-tag", "gcm",
            "28-byte token (empty plaintext) with a flipped tag byte",
            b64(flip(g0, 20)), "decryptionFailed")
    invalid("gcm-ecb-token-given-as-gcm", "gcm",
            "a valid ECB token (32 bytes) decrypted in GCM mode: long enough, but the tag does not verify",
            by_id["ecb-17-bytes"]["token"], "decryptionFailed")
    c = encrypt("cbc", key, b"Liveform CBC tamper test, two blocks", det_bytes("cbc-tamper", 16))
    invalid("cbc-modified-last-block", "cbc",
            "a byte of the last ciphertext block flipped: the last plaintext block becomes random and its padding invalid",
            b64(flip(c, len(c) - 3, 0x5a)), "decryptionFailed")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Vectors")
    build()
    valid_n = sum(1 for v in vectors if v["result"] == "valid")
    doc = {
        "format": "liveform-vectors/1",
        "description": (
            "AES-256 cipher layer (wire-format.md §1, §2, §3.1, §5): ECB (PKCS#7), CBC (IV ‖ C, PKCS#7) and "
            "GCM (nonce(12) ‖ C ‖ tag(16), no AAD) tokens in standard padded base64; plaintexts of 0, 1, 15, 16, 17, "
            "31, 32, 33 and 4101 bytes, Korean/emoji text and binary (plaintextHex); keys from credentials (SHA-256) "
            "and raw keyHex; invalid keys, malformed tokens (alphabet, length, structure) and decryption failures "
            "(bad padding, wrong key, modified GCM tag/ciphertext/nonce). All credentials are fake DEMO-ONLY strings. "
            "Produced independently of the Swift SDK by Tools/vectors/gen_cipher.py with Python and the "
            "'cryptography' package %s; IVs/nonces are the first bytes of SHA-256(\"liveform-vectors/\" + id)."
            % (cryptography.__version__.split(".")[0] + ".x")),
        "vectors": vectors,
    }
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "cipher.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    print("wrote %s: %d vectors (%d valid, %d invalid)" % (path, len(vectors), valid_n, len(vectors) - valid_n))


if __name__ == "__main__":
    main()
