import Foundation
import Liveform
import Testing

/// Shared SDK objects used from many tasks at once: every result is checked.
@Suite("Concurrency stress")
struct ConcurrencyStressTests {
    /// 8 × 50,000 by default; `LIVEFORM_STRESS_OPS` lowers it for slow runs (sanitizers).
    static let operationsPerTask = ProcessInfo.processInfo.environment["LIVEFORM_STRESS_OPS"].flatMap(Int.init) ?? 50_000

    @Test("8 tasks × 50,000 mixed operations (build, decode, webhook decrypt, body round trip) on both backends")
    func stress() async throws {
        let key = try AES256.Key(credential: "DEMO-ONLY-stress-key")
        let retired = try AES256.Key(credential: "DEMO-ONLY-retired-key")
        // One set of shared objects per backend, used by every task.
        struct Shared: Sendable {
            let backend: AES256.Backend
            let gcmBuilder: LiveformURLBuilder
            let ecbBuilder: LiveformURLBuilder
            let decoder: LiveformURLDecoder
            let webhooks: WebhookDecoder
            let encoder: WebhookEncoder
            let bodies: APIBodyCodec
            let ecbURL: String
            let webhookBody: [UInt8]
        }
        let shared: [Shared] = try AES256.Backend.allCases.map { backend in
            let credential = LiveformSettings.Credential(kind: .apiKey, key: key)
            let gcm = try LiveformURLBuilder(settings: LiveformSettings(projectId: "p", encryption: .gcm, credential: credential, backend: backend))
            let ecb = try LiveformURLBuilder(settings: LiveformSettings(projectId: "p", encryption: .ecb, credential: credential, backend: backend))
            let encoder = WebhookEncoder(key: key, backend: backend)
            return Shared(
                backend: backend, gcmBuilder: gcm, ecbBuilder: ecb,
                decoder: LiveformURLDecoder(keys: [retired, key], backend: backend),
                webhooks: WebhookDecoder(keys: [retired, key], backend: backend),
                encoder: encoder, bodies: APIBodyCodec(key: key, decryptionKeys: [retired, key], backend: backend),
                ecbURL: try ecb.url(for: LiveformParameters([("userid", "fixed-user"), ("cf1", "x")])),
                webhookBody: Array(try encoder.encode(event: ["webhook_trigger": "approved", "submission_id": "fixed"]).utf8))
        }
        let perTask = Self.operationsPerTask
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for index in 0..<perTask {
                        let objects = shared[(task + index) % shared.count]
                        switch index % 4 {
                        case 0:  // build a fresh GCM URL and read it back
                            let userid = "u-\(task)-\(index)"
                            let url = try objects.gcmBuilder.url(for: LiveformParameters([("userid", .string(userid))]))
                            if try objects.decoder.decode(url).parameters.userid != userid { failures += 1 }
                        case 1:  // decode a shared ECB URL
                            let decoded = try objects.decoder.decode(objects.ecbURL)
                            if decoded.parameters.userid != "fixed-user" || decoded.keyIndex != 1 { failures += 1 }
                        case 2:  // decrypt a shared webhook
                            let event = try objects.webhooks.decode(body: objects.webhookBody)
                            if event.trigger != .approved || event.submissionId != "fixed" { failures += 1 }
                        default:  // encrypt and decrypt a fresh webhook and response body
                            let body = try objects.encoder.encode(event: ["webhook_trigger": "created", "n": .number(Double(index))])
                            if try objects.webhooks.decode(body: Array(body.utf8)).json["n"]?.intValue != index { failures += 1 }
                            let response = try objects.bodies.encryptResponse(Array("[\(index)]".utf8))
                            if try objects.bodies.decrypt(response) != Array("[\(index)]".utf8) { failures += 1 }
                        }
                    }
                    return failures
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        print("STRESS: 8 tasks × \(perTask) mixed operations over \(shared.count) backends, \(failures) wrong results")
    }

    /// An empty GCM plaintext makes an empty output array on every decryption. Made by
    /// appending no capacity to an empty array, it wrote the count of the storage that all
    /// empty arrays share, a data race that ThreadSanitizer (`Tools/sanitize.sh thread`) reports.
    @Test("empty GCM plaintexts decrypted by 8 tasks at once: every result empty, no shared storage written")
    func emptyPlaintexts() async throws {
        let key = try AES256.Key(credential: "DEMO-ONLY-stress-key")
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for backend in AES256.Backend.allCases {
                let cipher = TokenCipher(mode: .gcm, backend: backend)
                let token = try cipher.encrypt([UInt8](), using: key)
                for _ in 0..<4 {
                    group.addTask {
                        var wrong = 0
                        for _ in 0..<2_000 where try !cipher.decrypt(token, using: key).isEmpty { wrong += 1 }
                        return wrong
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
