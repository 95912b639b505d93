import Foundation
import Testing

@testable import Liveform

@Suite("Webhooks: encoder and decoder, framing, rotation, limits, body shapes")
struct WebhookCodecTests {
    let key: AES256.Key
    let otherKey: AES256.Key
    static let payload = #"{"webhook_trigger":"approved","submission_id":"sub-1","email":"kim@example.com","cf":{"cf1":"a/b"}}"#

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-secretKey-0000")
        otherKey = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
    }

    @Test("round trip: {\"data\":base64(IV‖C)} with a random IV, on both backends", arguments: AES256.Backend.allCases)
    func roundTrip(backend: AES256.Backend) throws {
        let encoder = WebhookEncoder(key: key, backend: backend)
        let decoder = WebhookDecoder(keys: [key], backend: backend)
        let body = try encoder.encode(Data(Self.payload.utf8))
        #expect(body.hasPrefix("{\"data\":\"") && body.hasSuffix("\"}") && !body.contains(" "))
        let event = try decoder.decode(body: Data(body.utf8))
        #expect(event.trigger == .approved && event.submissionId == "sub-1" && event.cf1 == "a/b")
        #expect(try decoder.decrypt(body: Array(body.utf8)) == JSONValue(parsing: Self.payload).objectValue)
        #expect(try decoder.plaintext(ofBody: body.utf8) == Array(Self.payload.utf8))
        #expect(try encoder.encode(Array(Self.payload.utf8)) != body, "a fresh IV each time")
    }

    @Test("an injected IV gives the exact bytes IV ‖ AES-256-CBC(K, IV, PKCS#7(P))", arguments: AES256.Backend.allCases)
    func injectedIV(backend: AES256.Backend) throws {
        let iv = [UInt8](0..<16)
        let body = try WebhookEncoder(key: key, backend: backend).encode(Array(Self.payload.utf8), iv: iv)
        let wire = iv + (try AES256.CBC.encrypt(Array(Self.payload.utf8), using: key, iv: AES256.CBC.IV(iv), backend: backend))
        #expect(body == "{\"data\":\"\(Base64.encode(wire))\"}")
        #expect(throws: LiveformError.invalidParameter) { try WebhookEncoder(key: key).encode(Array("{}".utf8), iv: [1, 2, 3]) }
    }

    @Test("JSONObject events are written as JSON.stringify writes them")
    func encodeEvent() throws {
        let iv = [UInt8](repeating: 7, count: 16)
        let event: JSONObject = ["webhook_trigger": "retry", "url": "https://x/y"]
        let encoder = WebhookEncoder(key: key)
        #expect(try encoder.encode(event: event, iv: iv) == encoder.encode(Array(#"{"webhook_trigger":"retry","url":"https://x/y"}"#.utf8), iv: iv))
    }

    @Test("the encoder refuses a plaintext that is not a JSON object", arguments: ["[]", "5", "", "nope", "{"])
    func encoderValidation(plaintext: String) {
        #expect(throws: LiveformError.invalidParameter) { try WebhookEncoder(key: key).encode(Array(plaintext.utf8)) }
    }

    @Test("fixed-IV framing (pre-2024): the token is C only, under the configured IV", arguments: AES256.Backend.allCases)
    func fixedIV(backend: AES256.Backend) throws {
        let encoder = WebhookEncoder(key: key, framing: .fixedIV(.zero), backend: backend)
        let body = try encoder.encode(Array(Self.payload.utf8))
        #expect(try encoder.encode(Array(Self.payload.utf8)) == body, "deterministic under a fixed IV")
        let token = try #require(JSONValue(parsing: body)["data"]?.stringValue)
        #expect(try Base64.decode(token) == AES256.CBC.encrypt(Array(Self.payload.utf8), using: key, iv: .zero, backend: backend))
        let decoder = WebhookDecoder(keys: [key], framing: .fixedIV(.zero), backend: backend)
        #expect(try decoder.decode(body: Array(body.utf8)).trigger == .approved)
        // A 16-byte fixed-IV token is a valid structure there, too short for the prefixed framing.
        let short = try WebhookEncoder(key: key, framing: .fixedIV(.zero)).encode(Array("{}".utf8))
        #expect(try decoder.decrypt(body: Array(short.utf8)).isEmpty)
        #expect(throws: LiveformError.malformedInput) { try WebhookDecoder(keys: [key]).decrypt(body: Array(short.utf8)) }
        // The IV-prefixed decoder reads a prefixed body, not a fixed-IV one of 32+ bytes.
        #expect(throws: LiveformError.decryptionFailed) { try WebhookDecoder(keys: [key], backend: backend).decrypt(body: Array(body.utf8)) }
    }

    @Test("key rotation: the first key that yields a JSON object wins")
    func rotation() throws {
        let body = try WebhookEncoder(key: otherKey).encode(Array(Self.payload.utf8))
        #expect(try WebhookDecoder(keys: [key, otherKey]).decode(body: Array(body.utf8)).trigger == .approved)
        #expect(try WebhookDecoder(keys: [otherKey, key]).decode(body: Array(body.utf8)).trigger == .approved)
        #expect(throws: LiveformError.decryptionFailed) { try WebhookDecoder(keys: [key]).decode(body: Array(body.utf8)) }
        #expect(throws: LiveformError.invalidKey) { try WebhookDecoder(keys: []).decode(body: Array(body.utf8)) }
    }

    @Test("bare-token and JSON-string bodies are accepted")
    func bodyShapes() throws {
        let body = try WebhookEncoder(key: key).encode(Array(Self.payload.utf8))
        let token = try #require(JSONValue(parsing: body)["data"]?.stringValue)
        let decoder = WebhookDecoder(keys: [key])
        for shape in [token, "\(token)\r\n", "\"\(token)\"", "{ \"data\" : \"\(token)\" }\n"] {
            #expect(try decoder.decode(body: Array(shape.utf8)).submissionId == "sub-1", "\(shape)")
        }
    }

    @Test(
        "the CBC structure (≥ 32 bytes, IV + n·16) and the wrapper are checked without the key",
        arguments: [0, 15, 16, 31, 33, 40, 47])
    func structure(length: Int) {
        let token = Base64.encode([UInt8](repeating: 3, count: length))
        #expect(throws: LiveformError.malformedInput) { try WebhookDecoder(keys: [key]).decrypt(body: Array("{\"data\":\"\(token)\"}".utf8)) }
    }

    @Test(
        "each malformed wrapper is malformedInput",
        arguments: ["", "{}", #"{"foo":"x"}"#, #"{"data":5}"#, #"{"data":{}}"#, "[]", #"["x"]"#, "{\"data\"", "not a token!"])
    func malformedWrappers(body: String) {
        #expect(throws: LiveformError.malformedInput) { try WebhookDecoder(keys: [key]).decode(body: Array(body.utf8)) }
    }

    @Test("a body over the limit is malformedInput before decryption")
    func sizeLimit() throws {
        let body = try WebhookEncoder(key: key).encode(Array(Self.payload.utf8))
        #expect(throws: LiveformError.malformedInput) {
            try WebhookDecoder(keys: [key], maxBodySize: body.utf8.count - 1).decode(body: Array(body.utf8))
        }
        #expect(throws: LiveformError.malformedInput) {
            try WebhookDecoder(keys: [], maxBodySize: 10).decode(body: Array(body.utf8))
        }
        #expect(try WebhookDecoder(keys: [key], maxBodySize: body.utf8.count).decode(body: Array(body.utf8)).trigger == .approved)
        #expect(WebhookDecoder(keys: [key]).maxBodySize == 64 * 1024 * 1024)
    }

    @Test(
        "a decrypted plaintext that is not a JSON object is decryptionFailed",
        arguments: ["[]", "[{\"webhook_trigger\":\"approved\"}]", "5", "null", "\"x\"", "plain text", ""])
    func plaintextShape(plaintext: String) throws {
        let token = try TokenCipher(mode: .cbc).encrypt(Array(plaintext.utf8), using: key)
        #expect(throws: LiveformError.decryptionFailed) { try WebhookDecoder(keys: [key]).decode(body: Array("{\"data\":\"\(token)\"}".utf8)) }
    }

    @Test("decoders and encoders are shared across tasks")
    func concurrency() async throws {
        let encoder = WebhookEncoder(key: key)
        let decoder = WebhookDecoder(keys: [otherKey, key])
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let body = try encoder.encode(event: ["webhook_trigger": "submit", "userid": .string("u\(index)")])
                    let event = try decoder.decode(body: Array(body.utf8))
                    return event.userid == "u\(index)" ? nil : "task \(index)"
                }
            }
            for try await failure in group { #expect(failure == nil) }
        }
    }
}
