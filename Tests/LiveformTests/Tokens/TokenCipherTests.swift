import Foundation
import Testing

@testable import Liveform

@Suite("Token cipher: framing, limits, key rotation, uniform errors")
struct TokenCipherTests {
    let key: AES256.Key
    let otherKey: AES256.Key

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
        otherKey = try AES256.Key(credential: "DEMO-ONLY-secretKey-0000")
    }

    @Test("wire lengths: ECB C, CBC IV‖C, GCM N‖C‖T", arguments: [0, 1, 15, 16, 17, 100])
    func wireLengths(length: Int) throws {
        let plaintext = [UInt8](repeating: 0x41, count: length)
        let padded = (length / 16 + 1) * 16
        for backend in AES256.Backend.allCases {
            #expect(try Base64.decode(TokenCipher(mode: .ecb, backend: backend).encrypt(plaintext, using: key)).count == padded)
            #expect(try Base64.decode(TokenCipher(mode: .cbc, backend: backend).encrypt(plaintext, using: key)).count == 16 + padded)
            #expect(try Base64.decode(TokenCipher(mode: .gcm, backend: backend).encrypt(plaintext, using: key)).count == 28 + length)
        }
    }

    @Test("ECB is deterministic; CBC and GCM draw a fresh IV each time")
    func determinism() throws {
        let plaintext = Array("{\"email\":\"a@b.c\"}".utf8)
        #expect(try TokenCipher(mode: .ecb).encrypt(plaintext, using: key) == TokenCipher(mode: .ecb).encrypt(plaintext, using: key))
        for mode in [TokenCipher.Mode.cbc, .gcm] {
            let tokens = try Set((0..<20).map { _ in try TokenCipher(mode: mode).encrypt(plaintext, using: key) })
            #expect(tokens.count == 20)
        }
    }

    @Test("an injected IV or nonce is used as given and must have the right length")
    func injectedIV() throws {
        let iv = [UInt8](0..<16), nonce = [UInt8](0..<12)
        let cbc = try Base64.decode(TokenCipher(mode: .cbc).encrypt([1, 2, 3], using: key, iv: iv))
        #expect(Array(cbc.prefix(16)) == iv)
        let gcm = try Base64.decode(TokenCipher(mode: .gcm).encrypt([1, 2, 3], using: key, iv: nonce))
        #expect(Array(gcm.prefix(12)) == nonce)
        #expect(throws: LiveformError.invalidParameter) { try TokenCipher(mode: .cbc).encrypt([1], using: key, iv: nonce) }
        #expect(throws: LiveformError.invalidParameter) { try TokenCipher(mode: .gcm).encrypt([1], using: key, iv: iv) }
        #expect(throws: LiveformError.invalidParameter) { try TokenCipher(mode: .ecb).encrypt([1], using: key, iv: iv) }
    }

    @Test("fixed-IV CBC framing (pre-2024 webhooks) carries no IV in the token")
    func fixedIV() throws {
        let cipher = TokenCipher(mode: .cbc, cbcFraming: .fixedIV(.zero))
        let token = try cipher.encrypt(Array("{}".utf8), using: key)
        #expect(try Base64.decode(token).count == 16)
        #expect(try cipher.decrypt(token, using: key) == Array("{}".utf8))
        #expect(try AES256.CBC.decrypt(Base64.decode(token), using: key, iv: .zero) == Array("{}".utf8))
    }

    @Test("structure visible without the key is malformedInput")
    func structure() throws {
        let cases: [(TokenCipher.Mode, Int)] = [
            (.ecb, 0), (.ecb, 15), (.ecb, 17), (.cbc, 0), (.cbc, 16), (.cbc, 40),
            (.gcm, 0), (.gcm, 27),
        ]
        for (mode, length) in cases {
            let token = Base64.encode([UInt8](repeating: 9, count: length))
            #expect(throws: LiveformError.malformedInput, "\(mode) \(length)") {
                try TokenCipher(mode: mode).decrypt(token, using: key)
            }
        }
        #expect(throws: LiveformError.malformedInput) { try TokenCipher(mode: .ecb).decrypt("not*base64", using: key) }
    }

    @Test("tokens over the limit are refused before any decryption")
    func sizeLimit() throws {
        var cipher = TokenCipher(mode: .ecb)
        cipher.maxTokenLength = 64
        let token = try cipher.encrypt([UInt8](repeating: 1, count: 64), using: key)
        #expect(token.utf8.count > 64)
        #expect(throws: LiveformError.malformedInput) { try cipher.decrypt(token, using: key) }
    }

    @Test("bad padding, a bad tag and a wrong key are one indistinguishable error")
    func uniformDecryptionFailure() throws {
        var failures: [LiveformError] = []
        func capture(_ body: () throws -> Void) {
            do {
                try body()
                Issue.record("expected a failure")
            } catch let error as LiveformError { failures.append(error) } catch {
                Issue.record("unexpected \(error)")
            }
        }
        for backend in AES256.Backend.allCases {
            // Wrong key in every mode.
            for mode in TokenCipher.Mode.allCases {
                // A fixed IV keeps the CBC case deterministic (a random one would let the wrong
                // key pass the padding check about once in 256 runs).
                let iv: [UInt8]? =
                    switch mode {
                    case .ecb: nil
                    case .cbc: [UInt8](repeating: 3, count: 16)
                    case .gcm: [UInt8](repeating: 3, count: 12)
                    }
                let token = try TokenCipher(mode: mode, backend: backend).encrypt(Array("secret".utf8), using: otherKey, iv: iv)
                capture { _ = try TokenCipher(mode: mode, backend: backend).decrypt(token, using: key) }
            }
            // Bad padding: a block whose last byte cannot be padding.
            let block = try Raw.ecb(backend, key, encrypt: true, [UInt8](repeating: 0, count: 16))
            capture { _ = try AES256.ECB.decrypt(block, using: key, backend: backend) }
            // Bad tag.
            var wire = try Base64.decode(TokenCipher(mode: .gcm, backend: backend).encrypt([1, 2, 3], using: key))
            wire[wire.count - 1] ^= 0x80
            capture { _ = try TokenCipher(mode: .gcm, backend: backend).decrypt(Base64.encode(wire), using: key) }
        }
        #expect(failures.count == 10)
        #expect(Set(failures.map(\.code)) == [.decryptionFailed])
        #expect(Set(failures.map(\.reason)).count == 1)
        #expect(Set(failures.map(\.description)).count == 1)
    }

    @Test("key rotation: the first key that decrypts wins; no key is invalidKey")
    func rotation() throws {
        for mode in TokenCipher.Mode.allCases {
            let cipher = TokenCipher(mode: mode)
            // Fixed IVs keep this deterministic: with a random CBC IV the wrong key would pass
            // the padding check about once in 256 runs.
            let iv: [UInt8]? =
                switch mode {
                case .ecb: nil
                case .cbc: [UInt8](repeating: 7, count: 16)
                case .gcm: [UInt8](repeating: 7, count: 12)
                }
            let token = try cipher.encrypt(Array("{\"rotated\":true}".utf8), using: otherKey, iv: iv)
            #expect(try cipher.decrypt(token, using: [key, otherKey]) == Array("{\"rotated\":true}".utf8))
            #expect(throws: LiveformError.decryptionFailed) { try cipher.decrypt(token, using: [key]) }
            #expect(throws: LiveformError.invalidKey) { try cipher.decrypt(token, using: [AES256.Key]()) }
        }
    }

    @Test("with an acceptance check, a wrong key whose ECB/CBC padding verifies by chance is passed over")
    func acceptingSkipsLuckyPadding() throws {
        // Find a wrong key whose padding verifies for this token (expected within ~256 tries).
        let plaintext = Array("{\"a\":1}".utf8)
        let token = try TokenCipher(mode: .cbc).encrypt(plaintext, using: key)
        var lucky: AES256.Key?
        for _ in 0..<5000 where lucky == nil {
            let candidate = AES256.Key.random()
            if (try? TokenCipher(mode: .cbc).decrypt(token, using: candidate)) != nil { lucky = candidate }
        }
        let wrong = try #require(lucky, "no wrong key with valid padding in 5,000 tries")
        // Without a check the lucky key's garbage wins; with one, the right key is found.
        #expect(try TokenCipher(mode: .cbc).decrypt(token, using: [wrong, key]) != plaintext)
        let accepted = try TokenCipher(mode: .cbc).decrypt(token, using: [wrong, key]) { bytes in
            (try? JSONValue(parsing: bytes))?.objectValue != nil ? bytes : nil
        }
        #expect(accepted == plaintext)
    }

    @Test("primitives take Data, arrays, slices and UTF-8 views alike")
    func inputTypes() throws {
        let text = "그 양식 ✓"
        let expected = try AES256.ECB.encrypt(Array(text.utf8), using: key)
        #expect(try AES256.ECB.encrypt(Data(text.utf8), using: key) == expected)
        #expect(try AES256.ECB.encrypt(text.utf8, using: key) == expected)
        #expect(try AES256.ECB.encrypt(Array(("xx" + text).utf8).dropFirst(2), using: key) == expected)
        #expect(try AES256.ECB.decrypt(expected, using: key) == Array(text.utf8))
    }

    @Test("errors never carry key material")
    func errorsCarryNoKey() throws {
        let credential = "DEMO-ONLY-very-secret-credential-string"
        let key = try AES256.Key(credential: credential)
        let keyHex = key.withKeyBytes { $0.withUnsafeBytes { Hex.encode($0) } }
        var messages: [String] = []
        for attempt in ["", " \(credential)", "\(credential)\n"] {
            do { _ = try AES256.Key(credential: attempt) } catch { messages.append("\(error)") }
        }
        do { _ = try TokenCipher(mode: .ecb).decrypt("AAAAAAAAAAAAAAAAAAAAAA==", using: key) } catch { messages.append("\(error)") }
        #expect(messages.count == 4)
        for message in messages {
            #expect(!message.contains(credential) && !message.contains(keyHex.prefix(16)))
        }
    }
}
