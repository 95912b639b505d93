import Foundation
import Testing

@testable import Liveform
@testable import LiveformBackends

/// OpenSSL and libgcrypt must be interchangeable: same tokens, each reads the other's, same
/// error category for the same bad input.
@Suite("Backend parity")
struct BackendParityTests {
    /// A deterministic generator so a failure can be replayed from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
    }

    @Test(
        "identical tokens and cross-decryption for random keys, IVs and plaintexts of 0…4096 bytes",
        arguments: 0..<64)
    func randomRoundTrips(seed: Int) throws {
        var rng = SplitMix(state: UInt64(seed) &* 7919)
        let key = try AES256.Key(rawKey: rng.bytes(32))
        let length = seed < 40 ? seed : Int.random(in: 0...4096, using: &rng)
        let plaintext = rng.bytes(length)
        for mode in TokenCipher.Mode.allCases {
            let iv: [UInt8]? =
                switch mode {
                case .ecb: nil
                case .cbc: rng.bytes(16)
                case .gcm: rng.bytes(12)
                }
            let openssl = TokenCipher(mode: mode, backend: .openssl)
            let gcrypt = TokenCipher(mode: mode, backend: .gcrypt)
            let tokenA = try openssl.encrypt(plaintext, using: key, iv: iv)
            let tokenB = try gcrypt.encrypt(plaintext, using: key, iv: iv)
            #expect(tokenA == tokenB, "\(mode) tokens differ for seed \(seed)")
            #expect(try gcrypt.decrypt(tokenA, using: key) == plaintext)
            #expect(try openssl.decrypt(tokenB, using: key) == plaintext)
        }
    }

    @Test("libgcrypt's ECB encryption equals OpenSSL's for short and long inputs, at odd offsets, in place")
    func gcryptECBEncryptionMatchesOpenSSL() throws {
        var rng = SplitMix(state: 2026)
        let key = try AES256.Key(rawKey: rng.bytes(32))
        let openssl = try key.engine(.openssl), gcrypt = try key.engine(.gcrypt)
        let minimum = 256  // lengths around a few blocks, as well as large ones
        for length in [minimum - 16, minimum - 1, minimum, minimum + 1, minimum + 15, minimum + 16, 4096, 48 * 1024 + 5] {
            for offset in [0, 1, 7] {
                for padding in [true, false] where padding || length % 16 == 0 {
                    let source = rng.bytes(offset + length)
                    let capacity = length / 16 * 16 + 16
                    func run(_ engine: any CipherEngine, inPlace: Bool) throws -> [UInt8] {
                        var output = [UInt8](repeating: 0xAA, count: offset + capacity)
                        let count = try source.withUnsafeBytes { raw in
                            try output.withUnsafeMutableBytes { out in
                                let target = UnsafeMutableRawBufferPointer(rebasing: out[offset...])
                                if inPlace {
                                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset...]))
                                    return try engine.ecb(
                                        encrypt: true, padding: padding,
                                        input: UnsafeRawBufferPointer(rebasing: target[..<length]), output: target)
                                }
                                return try engine.ecb(
                                    encrypt: true, padding: padding,
                                    input: UnsafeRawBufferPointer(rebasing: raw[offset...]), output: target)
                            }
                        }
                        return Array(output[offset..<(offset + count)])
                    }
                    let expected = try run(openssl, inPlace: false)
                    #expect(expected.count == (padding ? capacity : length))
                    #expect(try run(gcrypt, inPlace: false) == expected, "length \(length), offset \(offset), padding \(padding)")
                    #expect(try run(gcrypt, inPlace: true) == expected, "in place: length \(length), offset \(offset)")
                }
            }
        }
    }

    @Test("libgcrypt's ECB decryption equals OpenSSL's for short and long inputs, at odd offsets, in place")
    func gcryptECBDecryptionMatchesOpenSSL() throws {
        var rng = SplitMix(state: 2027)
        let key = try AES256.Key(rawKey: rng.bytes(32))
        let openssl = try key.engine(.openssl), gcrypt = try key.engine(.gcrypt)
        let minimum = 256  // lengths around a few blocks, as well as large ones
        // A few blocks, around 8 KiB, and many KiB.
        for length in [minimum - 16, minimum, minimum + 16, 8192 - 16, 8192, 8192 + 16, 48 * 1024 + 32, 200_000] {
            for offset in [0, 1, 7] {
                // Random blocks (the padding fails on both) and a real padded ciphertext.
                let plaintext = rng.bytes(length - 1 - Int(rng.next() % 15))
                let ciphertext = try AES256.ECB.encrypt(plaintext, using: key, backend: .openssl)
                for (source, padding) in [(rng.bytes(length), false), (ciphertext, true), (ciphertext, false)] {
                    let input = rng.bytes(offset) + source
                    func run(_ engine: any CipherEngine, inPlace: Bool) -> Result<[UInt8], CipherFailure> {
                        var output = [UInt8](repeating: 0xAA, count: input.count)
                        let result = Result { () throws(CipherFailure) -> Int in
                            try input.withUnsafeBytes { raw in
                                Result { () throws(CipherFailure) -> Int in
                                    try output.withUnsafeMutableBytes { out in
                                        Result { () throws(CipherFailure) -> Int in
                                            let target = UnsafeMutableRawBufferPointer(rebasing: out[offset...])
                                            if inPlace {
                                                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset...]))
                                                return try engine.ecb(
                                                    encrypt: false, padding: padding,
                                                    input: UnsafeRawBufferPointer(target), output: target)
                                            }
                                            return try engine.ecb(
                                                encrypt: false, padding: padding,
                                                input: UnsafeRawBufferPointer(rebasing: raw[offset...]), output: target)
                                        }
                                    }.get()
                                }
                            }.get()
                        }
                        return result.map { Array(output[offset..<(offset + $0)]) }
                    }
                    let expected = run(openssl, inPlace: false)
                    for inPlace in [false, true] {
                        let got = run(gcrypt, inPlace: inPlace)
                        switch (got, expected) {
                        case (.success(let a), .success(let b)):
                            #expect(a == b, "length \(source.count), offset \(offset), padding \(padding), in place \(inPlace)")
                        case (.failure, .failure):
                            break
                        default:
                            Issue.record("length \(source.count), offset \(offset), padding \(padding): \(got) against \(expected)")
                        }
                    }
                    if padding, case .success(let clear) = expected { #expect(clear == plaintext) }
                }
            }
        }
    }

    @Test("the same bad input gives the same error category on both backends", arguments: 0..<48)
    func badInputParity(seed: Int) throws {
        var rng = SplitMix(state: UInt64(seed) &+ 1000)
        let key = try AES256.Key(rawKey: rng.bytes(32))
        let other = try AES256.Key(rawKey: rng.bytes(32))
        for mode in TokenCipher.Mode.allCases {
            var tokens: [String] = [
                Base64.encode(rng.bytes(Int.random(in: 0...80, using: &rng))),  // random bytes, random length
                try TokenCipher(mode: mode).encrypt(rng.bytes(seed), using: other),  // wrong key
                String(repeating: "*", count: seed % 5 + 1),  // not base64
            ]
            // A flipped bit in a real token.
            var wire = try Base64.decode(try TokenCipher(mode: mode).encrypt(rng.bytes(seed + 1), using: key))
            wire[Int.random(in: 0..<wire.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            tokens.append(Base64.encode(wire))
            for token in tokens {
                let outcomes: [String] = AES256.Backend.allCases.map { backend in
                    do {
                        return "plaintext " + Hex.encode(try TokenCipher(mode: mode, backend: backend).decrypt(token, using: key))
                    } catch let error as LiveformError {
                        return "\(error)"
                    } catch {
                        return "unexpected \(error)"
                    }
                }
                #expect(outcomes[0] == outcomes[1], "\(mode): openssl \(outcomes[0]), gcrypt \(outcomes[1])")
            }
        }
    }

    @Test("SHA-256 key derivation agrees across backends")
    func digestParity() throws {
        for text in ["", "a", "DEMO-ONLY-not-a-real-argos-api-key", "키🔑", String(repeating: "x", count: 1000)] {
            let bytes = Array(text.utf8)
            let a = try bytes.withUnsafeBytes { try sha256($0, using: .openssl) }
            let b = try bytes.withUnsafeBytes { try sha256($0, using: .gcrypt) }
            #expect(a == b)
        }
    }

    @Test("the engines also handle GCM IVs of other lengths (outside the wire format)")
    func engineNonStandardIV() throws {
        let record = try #require(
            NIST.gcmEncrypt.first { $0.ivBits == 1024 && $0.tagBits == 128 && !$0.field("PT").isEmpty },
            "needs Vectors/standard/nist/GCM")
        for backend in AES256.Backend.allCases {
            let key = try AES256.Key(rawKey: record.field("KEY"))
            let engine = try key.engine(backend)
            let pt = record.field("PT"), iv = record.field("IV"), aad = record.field("AAD")
            var out = [UInt8](repeating: 0, count: pt.count)
            var tag = [UInt8](repeating: 0, count: 16)
            try pt.withUnsafeBytes { i in
                try iv.withUnsafeBytes { n in
                    try aad.withUnsafeBytes { a in
                        try out.withUnsafeMutableBytes { o in
                            try tag.withUnsafeMutableBytes { t in
                                try engine.gcmSeal(nonce: n, aad: a, input: i, output: o, tag: t)
                            }
                        }
                    }
                }
            }
            #expect(out == record.field("CT"), "\(backend)")
            #expect(tag == record.field("TAG"), "\(backend)")
        }
    }
}
