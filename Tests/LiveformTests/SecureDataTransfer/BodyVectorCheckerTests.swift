import Foundation
import Liveform
import LiveformConformance
import Testing

/// The checks of the `request-body`, `response-body` and `webhook` vector kinds must be able
/// to fail: each broken vector here is one a lax checker would pass.
@Suite("Vector checker: request-body, response-body, webhook")
struct BodyVectorCheckerTests {
    static let credential = "DEMO-ONLY-vector-key"
    static let plaintext = #"{"webhook_trigger":"submit","email":"kim@example.com"}"#
    static let iv = "000102030405060708090a0b0c0d0e0f"

    static func valid(kind: String) throws -> JSONObject {
        let key = try AES256.Key(credential: credential)
        var vector: JSONObject = [
            "id": "v", "kind": .string(kind), "key": .string(credential), "result": "valid",
            "plaintext": .string(plaintext),
        ]
        switch kind {
        case "request-body": vector["body"] = .string(try APIBodyCodec(key: key).requestText(Array(plaintext.utf8)))
        case "response-body": vector["body"] = .string(try APIBodyCodec(key: key).responseText(Array(plaintext.utf8)))
        default:
            vector["iv"] = .string(iv)
            vector["body"] = .string(try WebhookEncoder(key: key).encode(Array(plaintext.utf8), iv: Array(hex: iv)))
        }
        return vector
    }

    @Test("a correct vector passes; each kind of breakage fails", arguments: ["request-body", "response-body", "webhook"])
    func strictness(kind: String) throws {
        let good = try Self.valid(kind: kind)
        for backend in AES256.Backend.allCases {
            #expect(VectorChecker(backend: backend).check(good) == nil)
        }
        let checker = VectorChecker()
        let body = try #require(good["body"]?.stringValue)
        var broken: [String: JSONObject] = [:]
        broken["unknown field"] = good.setting("surprise", 1)
        broken["missing body"] = good.setting("body", nil)
        broken["missing plaintext"] = good.setting("plaintext", nil)
        broken["other plaintext"] = good.setting("plaintext", #"{"webhook_trigger":"submit"}"#)
        broken["body with a trailing newline"] = good.setting("body", .string(body + "\n"))
        broken["wrong key"] = good.setting("key", "DEMO-ONLY-other")
        broken["invalid, but it decrypts"] = good.setting("result", "invalid").setting("error", "decryptionFailed")
        if kind == "webhook" {
            broken["missing iv"] = good.setting("iv", nil)
            broken["other iv"] = good.setting("iv", "ff0102030405060708090a0b0c0d0e0f")
        }
        for (what, vector) in broken {
            #expect(checker.check(vector) != nil, "\(kind): \(what)")
        }
    }

    @Test("invalid vectors pass only with exactly the named category", arguments: ["request-body", "response-body", "webhook"])
    func invalidVectors(kind: String) throws {
        let bad: JSONObject = [
            "id": "i", "kind": .string(kind), "key": .string(Self.credential), "result": "invalid",
            "error": "malformedInput", "body": #"{"foo":1}"#,
        ]
        #expect(VectorChecker().check(bad) == nil)
        #expect(VectorChecker().check(bad.setting("error", "decryptionFailed")) != nil)
        #expect(VectorChecker().check(bad.setting("key", " padded ").setting("error", "invalidKey")) == nil)
        var wrongKey = try Self.valid(kind: kind).setting("result", "invalid").setting("error", "decryptionFailed")
        wrongKey["key"] = "DEMO-ONLY-other"
        #expect(VectorChecker().check(wrongKey) == nil)
    }
}

extension JSONObject {
    fileprivate func setting(_ key: String, _ value: JSONValue?) -> JSONObject {
        var copy = self
        copy[key] = value
        return copy
    }
}
