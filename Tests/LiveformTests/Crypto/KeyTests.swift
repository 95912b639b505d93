import Foundation
import LiveformBackends
import LiveformTestSupport
import Testing

@testable import Liveform

@Suite("Keys")
struct KeyTests {

    @Test("a credential's key is the SHA-256 of its UTF-8 bytes")
    func derivation() async throws {
        let credential = "DEMO-ONLY-not-a-real-argos-api-key"
        let expected = try await Self.opensslDigest(credential)
        let key = try AES256.Key(credential: credential)
        #expect(key.withKeyBytes { $0.withUnsafeBytes { Array($0) } } == expected)
        #expect(key == (try AES256.Key(hex: Hex.encode(expected))))
        #expect(key == (try AES256.Key(base64: Base64.encode(expected))))
        #expect(key != (try AES256.Key(credential: credential + "x")))
    }

    @Test(
        "empty or whitespace-padded credentials are invalidKey",
        arguments: ["", " key", "key ", "key\n", "\tkey", "key\r\n", "\u{00A0}key"])
    func rejectedCredentials(credential: String) {
        #expect(throws: LiveformError.invalidKey) { try AES256.Key(credential: credential) }
    }

    @Test("raw keys must be 32 bytes", arguments: [0, 1, 16, 31, 33, 64])
    func rawKeyLength(length: Int) {
        #expect(throws: LiveformError.invalidKey) { try AES256.Key(rawKey: [UInt8](repeating: 7, count: length)) }
        #expect(throws: LiveformError.invalidKey) { try AES256.Key(hex: String(repeating: "ab", count: length)) }
    }

    @Test("hex keys must be hex")
    func badHex() {
        #expect(throws: LiveformError.invalidKey) { try AES256.Key(hex: String(repeating: "zz", count: 32)) }
        #expect(throws: LiveformError.invalidKey) { try AES256.Key(hex: String(repeating: "a", count: 63)) }
        #expect(throws: LiveformError.invalidKey) { try AES256.Key(base64: "not base64 ***") }
    }

    @Test("a key never shows its bytes in description, debugDescription or dump")
    func neverPrinted() throws {
        let bytes = [UInt8](repeating: 0xAB, count: 32)
        let key = try AES256.Key(rawKey: bytes)
        var dumped = ""
        dump(key, to: &dumped)
        let texts = [key.description, key.debugDescription, dumped, "\(key)", String(reflecting: key), "\([key])"]
        for text in texts {
            #expect(!text.lowercased().contains("abababab"), "key bytes leaked: \(text)")
            #expect(!text.contains(Base64.encode(bytes)), "key bytes leaked: \(text)")
            #expect(text.contains(key.fingerprint))
        }
        #expect(key.fingerprint.count == 8)
    }

    @Test("key bytes are wiped when the last copy is released")
    func wipedOnRelease() throws {
        let verdicts = VerdictBox()
        SecureBytes.setReleaseObserver { verdicts.append($0) }
        defer { SecureBytes.setReleaseObserver(nil) }
        do {
            let key = try AES256.Key(credential: "DEMO-ONLY-wipe-test")
            _ = try TokenCipher(mode: .gcm).encrypt([1, 2, 3], using: key)
        }
        // Other tests may release keys concurrently: we need at least one wipe, all clean.
        #expect(!verdicts.values.isEmpty)
        #expect(verdicts.values.allSatisfy { $0 })
    }

    final class VerdictBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Bool] = []
        func append(_ value: Bool) { lock.withLock { stored.append(value) } }
        var values: [Bool] { lock.withLock { stored } }
    }

    static func opensslDigest(_ text: String) async throws -> [UInt8] {
        // Independent of the SDK: the `openssl` command.
        let output = try await ChildProcess.run("/usr/bin/env", ["openssl", "dgst", "-sha256", "-hex"], stdin: Data(text.utf8))
        let line = output.stdoutText
        let hex = line.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return [UInt8](hex: hex)
    }
}
