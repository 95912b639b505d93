#!/usr/bin/env python3
"""Imports the standard AES-256 vector sets into Vectors/standard/ (run by hand, when a new
upstream version is adopted; the committed files are what the tests read).

    python3 Tools/vectors/import_standard.py WYCHEPROOF_TESTVECTORS_DIR NIST_AES_DIR

WYCHEPROOF_TESTVECTORS_DIR holds C2SP/wycheproof's testvectors_v1/aes_gcm_test.json and
aes_cbc_pkcs5_test.json; NIST_AES_DIR holds the CAVP folders ECB/, CBC/ and GCM/ with the
256-bit .rsp files (as in pyca's cryptography_vectors/ciphers/AES/).

- Wycheproof: only the test groups with a 256-bit key are kept (the SDK is AES-256 only);
  every kept group and test is byte-for-byte the upstream JSON value, and numberOfTests is
  recounted. The files are rewritten with two-space indentation.
- NIST CAVP: the 256-bit files are copied unchanged.

Prints the SHA-256 of every source and output file, for Vectors/standard/README.md.
"""
import hashlib
import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "Vectors" / "standard"
WYCHEPROOF = ["aes_gcm_test.json", "aes_cbc_pkcs5_test.json"]
NIST = {
    "ECB": ["ECBGFSbox256", "ECBKeySbox256", "ECBVarKey256", "ECBVarTxt256", "ECBMMT256"],
    "CBC": ["CBCGFSbox256", "CBCKeySbox256", "CBCVarKey256", "CBCVarTxt256", "CBCMMT256"],
    "GCM": ["gcmEncryptExtIV256", "gcmDecrypt256"],
}


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    wycheproof_dir, nist_dir = map(pathlib.Path, sys.argv[1:])
    (OUT / "wycheproof").mkdir(parents=True, exist_ok=True)
    for name in WYCHEPROOF:
        source = wycheproof_dir / name
        document = json.loads(source.read_text())
        groups = [g for g in document["testGroups"] if g["keySize"] == 256]
        document["testGroups"] = groups
        document["numberOfTests"] = sum(len(g["tests"]) for g in groups)
        target = OUT / "wycheproof" / name
        target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"{name}: source sha256 {sha256(source)}; kept {document['numberOfTests']} tests "
              f"in {len(groups)} groups; output sha256 {sha256(target)}")
    for folder, names in NIST.items():
        (OUT / "nist" / folder).mkdir(parents=True, exist_ok=True)
        for name in names:
            source = nist_dir / folder / f"{name}.rsp"
            target = OUT / "nist" / folder / f"{name}.rsp"
            shutil.copyfile(source, target)
            print(f"{folder}/{name}.rsp: sha256 {sha256(target)} (unchanged copy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
