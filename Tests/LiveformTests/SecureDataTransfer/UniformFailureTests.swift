import Foundation
import Testing

@testable import Liveform

/// The padding-oracle guarantee for bodies: whatever goes wrong after the cipher ran, a
/// caller — and an attacker probing a webhook endpoint — sees one and the same failure.
@Suite("Bad padding, a wrong key and a non-JSON plaintext are indistinguishable")
struct UniformFailureTests {
    let key: AES256.Key
    let wrongKey: AES256.Key

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-secretKey-0000")
        wrongKey = try AES256.Key(credential: "DEMO-ONLY-retired-key-1111")
    }

    static func wrap(_ wire: [UInt8]) -> [UInt8] { Array("{\"data\":\"\(Base64.encode(wire))\"}".utf8) }

    /// Webhook bodies (CBC, IV ‖ C) that fail for three different reasons inside the cipher.
    func webhookBodies(_ backend: AES256.Backend) throws -> [(String, [UInt8])] {
        let iv = [UInt8](repeating: 0x24, count: 16)
        // A block that decrypts to sixteen zero bytes: 0x00 is never valid PKCS#7 padding.
        let badPadding = iv + (try Raw.cbc(backend, key, iv: iv, encrypt: true, [UInt8](repeating: 0, count: 32)))
        let wrongKeyBody = try WebhookEncoder(key: wrongKey, backend: backend).encode(Array(#"{"webhook_trigger":"approved"}"#.utf8))
        let notJSON = iv + (try AES256.CBC.encrypt(Array("approved, but not JSON".utf8), using: key, iv: AES256.CBC.IV(iv), backend: backend))
        let array =
            iv + (try AES256.CBC.encrypt(Array(#"[{"webhook_trigger":"approved"}]"#.utf8), using: key, iv: AES256.CBC.IV(iv), backend: backend))
        return [
            ("bad padding", Self.wrap(badPadding)), ("wrong key", Array(wrongKeyBody.utf8)),
            ("not JSON", Self.wrap(notJSON)), ("array, not object", Self.wrap(array)),
        ]
    }

    /// Response bodies (ECB) that fail for the same three reasons.
    func responseBodies(_ backend: AES256.Backend) throws -> [(String, [UInt8])] {
        let badPadding = try Raw.ecb(backend, key, encrypt: true, [UInt8](repeating: 0, count: 32))
        let wrongKeyBody = try APIBodyCodec(key: wrongKey, backend: backend).encryptResponse(Array(#"{"ok":true}"#.utf8))
        let notJSON = try AES256.ECB.encrypt(Array("ok: true".utf8), using: key, backend: backend)
        let notUTF8 = try AES256.ECB.encrypt([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], using: key, backend: backend)
        return [
            ("bad padding", Self.wrap(badPadding)), ("wrong key", wrongKeyBody),
            ("not JSON", Self.wrap(notJSON)), ("not UTF-8", Self.wrap(notUTF8)),
        ]
    }

    func failure(_ body: () throws -> Void) -> LiveformError? {
        do {
            try body()
        } catch let error as LiveformError {
            return error
        } catch {
            return nil
        }
        return nil
    }

    @Test("same category, same reason, same description, same HTTP answer — on both backends")
    func indistinguishable() throws {
        var errors: [String: LiveformError] = [:]
        var answers: [String: WebhookHTTPOutcome] = [:]
        for backend in AES256.Backend.allCases {
            let decoder = WebhookDecoder(keys: [key], backend: backend)
            let handler = WebhookHTTPHandler(decoder: decoder)
            for (cause, body) in try webhookBodies(backend) {
                errors["webhook \(backend) \(cause)"] = failure { _ = try decoder.decode(body: body) }
                answers["\(backend) \(cause)"] = handler.handle(body: body)
            }
            let codec = APIBodyCodec(key: key, backend: backend)
            for (cause, body) in try responseBodies(backend) {
                errors["response \(backend) \(cause)"] = failure { _ = try codec.decrypt(body) }
                errors["response JSON \(backend) \(cause)"] = failure { _ = try codec.decryptJSON(body) }
            }
        }
        #expect(errors.count == 24 && answers.count == 8)
        #expect(Set(errors.values.map(\.code)) == [.decryptionFailed])
        #expect(Set(errors.values.map(\.reason)) == [LiveformError.decryptionFailedReason])
        #expect(Set(errors.values.map(\.description)).count == 1)
        #expect(Set(errors.values.map { "\($0)" }).count == 1)
        #expect(Set(answers.values.map(\.status)) == [403])
        let bodies = Set(
            answers.values.compactMap { outcome -> String? in
                if case .rejected(_, let body, _) = outcome { body } else { nil }
            })
        #expect(bodies == ["forbidden"])
        #expect(Set(answers.values.compactMap(\.error?.reason)) == [LiveformError.decryptionFailedReason])
    }
}
