import Foundation
import Testing

@testable import Liveform

@Suite("Webhook HTTP helper: statuses and fixed bodies")
struct WebhookHTTPHandlerTests {
    let key: AES256.Key
    let handler: WebhookHTTPHandler

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-secretKey-0000")
        handler = WebhookHTTPHandler(decoder: WebhookDecoder(keys: [key], maxBodySize: 4096, senderPolicy: .argos))
    }

    func body(_ payload: String, key: AES256.Key? = nil) throws -> [UInt8] {
        Array(try WebhookEncoder(key: key ?? self.key).encode(Array(payload.utf8)).utf8)
    }

    @Test("an accepted webhook carries its event and status 200")
    func accepted() throws {
        let outcome = handler.handle(body: try body(#"{"webhook_trigger":"approved"}"#), remoteAddress: "52.78.194.237")
        #expect(outcome.event?.trigger == .approved && outcome.status == 200 && outcome.error == nil)
        guard case .accepted = outcome else {
            Issue.record("expected accepted")
            return
        }
    }

    @Test("each failure maps to its status and a fixed body; the error is kept for logs")
    func statuses() throws {
        let wrongKey = try AES256.Key(credential: "DEMO-ONLY-some-other-key")
        let cases: [(String, [UInt8], String?, Int, String, LiveformError.Code)] = [
            ("sender", try body("{}"), "203.0.113.9", 403, "forbidden", .senderNotAllowed),
            ("no address", try body("{}"), nil, 403, "forbidden", .senderNotAllowed),
            ("wrong key", try body("{}", key: wrongKey), "52.78.194.237", 403, "forbidden", .decryptionFailed),
            ("wrapper", Array(#"{"foo":1}"#.utf8), "52.78.194.237", 400, "bad request", .malformedInput),
            ("not base64", Array(#"{"data":"%%%"}"#.utf8), "52.78.194.237", 400, "bad request", .malformedInput),
            ("structure", Array(#"{"data":"AAAAAAAAAAAAAAAAAAAAAA=="}"#.utf8), "52.78.194.237", 400, "bad request", .malformedInput),
            ("too large", [UInt8](repeating: 0x41, count: 4097), "52.78.194.237", 413, "payload too large", .malformedInput),
            ("too large, bad sender", [UInt8](repeating: 0x41, count: 4097), "203.0.113.9", 403, "forbidden", .senderNotAllowed),
        ]
        for (name, body, address, status, text, code) in cases {
            let outcome = handler.handle(body: body, headers: [], remoteAddress: address)
            guard case .rejected(let gotStatus, let gotBody, let error) = outcome else {
                Issue.record("\(name): expected a rejection")
                continue
            }
            #expect(gotStatus == status && gotBody == text && error.code == code, "\(name)")
            #expect(outcome.status == status && outcome.event == nil && outcome.error?.code == code, "\(name)")
            // The body never echoes the error's detail.
            #expect(!gotBody.contains("203.0.113.9") && gotBody.count < 20, "\(name)")
        }
        let keyless = WebhookHTTPHandler(decoder: WebhookDecoder(keys: []))
        #expect(keyless.handle(body: try body("{}")).status == 403)
    }
}
