import Foundation
import LiveformBackends
import Testing

@testable import Liveform

/// Wycheproof (C2SP) and NIST CAVP AES-256 vectors on both backends, read from
/// `Vectors/standard` (provenance and licences in its README). Every vector is its own test case, named by its id.
@Suite("Standard AES-256 vectors")
struct StandardVectorTests {
    static let backends = AES256.Backend.allCases

    @Test("the standard vector files in Vectors/standard are present and complete")
    func inventory() {
        // The record counts of the committed files (Vectors/standard/README.md): a file that is
        // missing, cut short or parsed wrongly fails here, so no vector can silently not run.
        let sets: [(String, Int, Int)] = [
            ("Wycheproof AES-GCM (256-bit keys)", Wycheproof.gcm.count, 105),
            ("Wycheproof AES-CBC-PKCS5 (256-bit keys)", Wycheproof.cbc.count, 72),
            ("NIST CAVP AES-256-ECB", NIST.ecb.count, 830),
            ("NIST CAVP AES-256-CBC", NIST.cbc.count, 830),
            ("NIST CAVP AES-256-GCM encrypt", NIST.gcmEncrypt.count, 7875),
            ("NIST CAVP AES-256-GCM decrypt", NIST.gcmDecrypt.count, 7875),
        ]
        for (name, count, expected) in sets {
            #expect(count == expected, "\(name): \(count) records read from \(VectorFiles.standardRoot.path), expected \(expected)")
            print("VECTORS: \(name): \(count) per backend × \(Self.backends.count) backends (\(Self.backends.map(\.name).joined(separator: ", ")))")
        }
        let unsupportedGCM =
            Wycheproof.gcm.filter { $0.ivBits != 96 || $0.tagBits != 128 }.count
            + NIST.gcmEncrypt.filter { $0.ivBits != 96 || $0.tagBits != 128 }.count
            + NIST.gcmDecrypt.filter { $0.ivBits != 96 || $0.tagBits != 128 }.count
        print(
            "VECTORS: GCM records with an IV other than 96 bits or a tag under 128 bits, expected to be rejected with invalidParameter: \(unsupportedGCM) per backend"
        )
    }

    // MARK: Wycheproof

    @Test("Wycheproof AES-256-GCM", arguments: backends, Wycheproof.gcm)
    func wycheproofGCM(backend: AES256.Backend, vector: WycheproofCase) throws {
        let key = try AES256.Key(rawKey: vector.key)
        guard vector.ivBits == 96, vector.tagBits == 128 else {
            // Outside the wire format: the public API refuses it, never mis-decrypts it...
            #expect(throws: LiveformError.invalidParameter) {
                let nonce = try AES256.GCM.Nonce(vector.iv)
                _ = try AES256.GCM.open(
                    try .init(nonce: nonce, ciphertext: vector.ct, tag: vector.tag),
                    using: key, authenticating: vector.aad, backend: backend)
            }
            // ...and the engine underneath still gets it right where its library allows it.
            try Raw.checkGCM(
                backend, key, nonce: vector.iv, aad: vector.aad, plaintext: vector.msg,
                ciphertext: vector.ct, tag: vector.tag, valid: vector.valid)
            return
        }
        let nonce = try AES256.GCM.Nonce(vector.iv)
        let box = try AES256.GCM.SealedBox(nonce: nonce, ciphertext: vector.ct, tag: vector.tag)
        if vector.valid {
            let sealed = try AES256.GCM.seal(vector.msg, using: key, nonce: nonce, authenticating: vector.aad, backend: backend)
            #expect(sealed.ciphertext == vector.ct)
            #expect(sealed.tag == vector.tag)
            #expect(try AES256.GCM.open(box, using: key, authenticating: vector.aad, backend: backend) == vector.msg)
        } else {
            #expect(throws: LiveformError.decryptionFailed) {
                try AES256.GCM.open(box, using: key, authenticating: vector.aad, backend: backend)
            }
        }
    }

    @Test("Wycheproof AES-256-CBC-PKCS5", arguments: backends, Wycheproof.cbc)
    func wycheproofCBC(backend: AES256.Backend, vector: WycheproofCase) throws {
        let key = try AES256.Key(rawKey: vector.key)
        let iv = try AES256.CBC.IV(vector.iv)
        if vector.valid {
            #expect(try AES256.CBC.encrypt(vector.msg, using: key, iv: iv, backend: backend) == vector.ct)
            #expect(try AES256.CBC.decrypt(vector.ct, using: key, iv: iv, backend: backend) == vector.msg)
            // The same case through the webhook framing (IV ‖ C, base64).
            let token = Base64.encode(vector.iv + vector.ct)
            #expect(try TokenCipher(mode: .cbc, backend: backend).decrypt(token, using: key) == vector.msg)
        } else {
            // Bad padding is a decryption failure; a length that is not whole blocks is
            // visible without the key.
            let expected: LiveformError = vector.ct.count % 16 == 0 && !vector.ct.isEmpty ? .decryptionFailed : .malformedInput
            #expect(throws: expected) {
                try AES256.CBC.decrypt(vector.ct, using: key, iv: iv, backend: backend)
            }
        }
    }

    // MARK: NIST CAVP

    @Test("NIST CAVP AES-256-ECB (unpadded blocks)", arguments: backends, NIST.ecb)
    func nistECB(backend: AES256.Backend, record: NISTRecord) throws {
        let key = try AES256.Key(rawKey: record.field("KEY"))
        let plaintext = record.field("PLAINTEXT"), ciphertext = record.field("CIPHERTEXT")
        if record.section == "ENCRYPT" {
            #expect(try Raw.ecb(backend, key, encrypt: true, plaintext) == ciphertext)
        } else {
            #expect(try Raw.ecb(backend, key, encrypt: false, ciphertext) == plaintext)
        }
    }

    @Test("NIST CAVP AES-256-CBC (unpadded blocks)", arguments: backends, NIST.cbc)
    func nistCBC(backend: AES256.Backend, record: NISTRecord) throws {
        let key = try AES256.Key(rawKey: record.field("KEY"))
        let iv = record.field("IV")
        let plaintext = record.field("PLAINTEXT"), ciphertext = record.field("CIPHERTEXT")
        if record.section == "ENCRYPT" {
            #expect(try Raw.cbc(backend, key, iv: iv, encrypt: true, plaintext) == ciphertext)
        } else {
            #expect(try Raw.cbc(backend, key, iv: iv, encrypt: false, ciphertext) == plaintext)
        }
    }

    @Test("NIST CAVP AES-256-GCM encrypt", arguments: backends, NIST.gcmEncrypt)
    func nistGCMEncrypt(backend: AES256.Backend, record: NISTRecord) throws {
        let key = try AES256.Key(rawKey: record.field("KEY"))
        guard record.ivBits == 96, record.tagBits == 128 else {
            #expect(throws: LiveformError.invalidParameter) {
                let nonce = try AES256.GCM.Nonce(record.field("IV"))
                _ = try AES256.GCM.SealedBox(nonce: nonce, ciphertext: record.field("CT"), tag: record.field("TAG"))
            }
            try Raw.checkGCM(
                backend, key, nonce: record.field("IV"), aad: record.field("AAD"), plaintext: record.field("PT"),
                ciphertext: record.field("CT"), tag: record.field("TAG"), valid: true)
            return
        }
        let nonce = try AES256.GCM.Nonce(record.field("IV"))
        let sealed = try AES256.GCM.seal(
            record.field("PT"), using: key, nonce: nonce,
            authenticating: record.field("AAD"), backend: backend)
        #expect(sealed.ciphertext == record.field("CT"))
        #expect(sealed.tag == record.field("TAG"))
    }

    @Test("NIST CAVP AES-256-GCM decrypt", arguments: backends, NIST.gcmDecrypt)
    func nistGCMDecrypt(backend: AES256.Backend, record: NISTRecord) throws {
        let key = try AES256.Key(rawKey: record.field("KEY"))
        guard record.ivBits == 96, record.tagBits == 128 else {
            #expect(throws: LiveformError.invalidParameter) {
                let nonce = try AES256.GCM.Nonce(record.field("IV"))
                let box = try AES256.GCM.SealedBox(nonce: nonce, ciphertext: record.field("CT"), tag: record.field("TAG"))
                _ = try AES256.GCM.open(box, using: key, authenticating: record.field("AAD"), backend: backend)
            }
            try Raw.checkGCM(
                backend, key, nonce: record.field("IV"), aad: record.field("AAD"), plaintext: record.field("PT"),
                ciphertext: record.field("CT"), tag: record.field("TAG"), valid: !record.fails, encrypt: false)
            return
        }
        let box = try AES256.GCM.SealedBox(
            nonce: try AES256.GCM.Nonce(record.field("IV")),
            ciphertext: record.field("CT"), tag: record.field("TAG"))
        if record.fails {
            #expect(throws: LiveformError.decryptionFailed) {
                try AES256.GCM.open(box, using: key, authenticating: record.field("AAD"), backend: backend)
            }
        } else {
            #expect(try AES256.GCM.open(box, using: key, authenticating: record.field("AAD"), backend: backend) == record.field("PT"))
        }
    }
}

/// Unpadded block operations straight on the engine (NIST records are whole blocks, no PKCS#7).
enum Raw {
    static func ecb(_ backend: AES256.Backend, _ key: AES256.Key, encrypt: Bool, _ input: [UInt8]) throws -> [UInt8] {
        let engine = try key.engine(backend)
        var output = [UInt8](repeating: 0, count: input.count + 16)
        let written = try input.withUnsafeBytes { inBytes in
            try output.withUnsafeMutableBytes { outBytes in
                try engine.ecb(encrypt: encrypt, padding: false, input: inBytes, output: outBytes)
            }
        }
        return Array(output[..<written])
    }

    static func cbc(_ backend: AES256.Backend, _ key: AES256.Key, iv: [UInt8], encrypt: Bool, _ input: [UInt8]) throws -> [UInt8] {
        let engine = try key.engine(backend)
        var output = [UInt8](repeating: 0, count: input.count + 16)
        let written = try input.withUnsafeBytes { inBytes in
            try iv.withUnsafeBytes { ivBytes in
                try output.withUnsafeMutableBytes { outBytes in
                    try engine.cbc(encrypt: encrypt, padding: false, iv: ivBytes, input: inBytes, output: outBytes)
                }
            }
        }
        return Array(output[..<written])
    }

    /// Engine-level GCM for parameters outside the wire format (other IV and tag lengths).
    /// Either the result is exactly right, or the engine says `.unsupported` — never a wrong answer.
    static func checkGCM(
        _ backend: AES256.Backend, _ key: AES256.Key, nonce: [UInt8], aad: [UInt8], plaintext: [UInt8],
        ciphertext: [UInt8], tag: [UInt8], valid: Bool, encrypt: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let engine = try key.engine(backend)
        do {
            if valid && encrypt {
                var output = [UInt8](repeating: 0, count: plaintext.count)
                var computed = [UInt8](repeating: 0, count: tag.count)
                try plaintext.withUnsafeBytes { input in
                    try nonce.withUnsafeBytes { n in
                        try aad.withUnsafeBytes { a in
                            try output.withUnsafeMutableBytes { o in
                                try computed.withUnsafeMutableBytes { t in
                                    try engine.gcmSeal(nonce: n, aad: a, input: input, output: o, tag: t)
                                }
                            }
                        }
                    }
                }
                #expect(output == ciphertext, sourceLocation: sourceLocation)
                #expect(computed == tag, sourceLocation: sourceLocation)
            }
            var output = [UInt8](repeating: 0, count: ciphertext.count)
            let opened: Result<Void, CipherFailure> = Result {
                try ciphertext.withUnsafeBytes { input in
                    try nonce.withUnsafeBytes { n in
                        try aad.withUnsafeBytes { a in
                            try tag.withUnsafeBytes { t in
                                try output.withUnsafeMutableBytes { o in
                                    try engine.gcmOpen(nonce: n, aad: a, input: input, tag: t, output: o)
                                }
                            }
                        }
                    }
                }
            }.mapError { $0 as? CipherFailure ?? .library("unexpected") }
            switch opened {
            case .success:
                #expect(valid, "a record that must fail was accepted", sourceLocation: sourceLocation)
                #expect(output == plaintext, sourceLocation: sourceLocation)
            case .failure(let failure):
                if case .unsupported = failure { return }
                #expect(!valid && failure == .rejected, "unexpected \(failure)", sourceLocation: sourceLocation)
                #expect(output.allSatisfy { $0 == 0 }, "no partial plaintext after a failed tag", sourceLocation: sourceLocation)
            }
        } catch CipherFailure.unsupported {
            return
        }
    }
}
