import Liveform
import Testing

/// One key shared by many tasks, on both backends and in every mode, while its context
/// pools are still empty: the case Tools/sanitize.sh thread is there to check (the pools,
/// the lazily made native contexts, random IVs, contexts returned after a failed decryption).
@Suite("A key shared across tasks")
struct SharedKeyConcurrencyTests {
    @Test("encrypt, decrypt and fail to decrypt concurrently", arguments: AES256.Backend.allCases)
    func sharedKey(backend: AES256.Backend) async throws {
        let key = AES256.Key.random(backend: backend)
        let wrongKey = AES256.Key.random(backend: backend)
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<48 {
                group.addTask {
                    let mode = TokenCipher.Mode.allCases[index % 3]
                    let cipher = TokenCipher(mode: mode, backend: backend)
                    let plaintext = Array("{\"task\":\(index)}".utf8)
                    let token = try cipher.encrypt(plaintext, using: key)
                    // Rotation with a JSON check, as every decoder of the SDK does: without it a
                    // wrong key's valid-by-chance ECB/CBC padding (1 in 256) would be accepted.
                    let rotated = try cipher.decrypt(token, using: [wrongKey, key]) { bytes in
                        (try? JSONValue(parsing: bytes))?.objectValue != nil ? bytes : nil
                    }
                    guard rotated == plaintext else {
                        return "\(mode) task \(index): wrong plaintext"
                    }
                    // Only the wrong key: a verification failure, or (1 in 256 for ECB/CBC)
                    // padding that happens to verify; never a crash or another error.
                    let wrong = Result { () throws(LiveformError) in try cipher.decrypt(token, using: wrongKey) }
                    if case .failure(let error) = wrong, error.code != .decryptionFailed {
                        return "\(mode) task \(index): \(error)"
                    }
                    return nil
                }
            }
            for try await failure in group { #expect(failure == nil) }
        }
    }
}
