import Foundation
import Testing

@testable import Liveform

@Suite("API bodies: request tokens, {\"data\":…} responses, limits, wrappers")
struct APIBodyCodecTests {
    let key: AES256.Key
    let otherKey: AES256.Key

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
        otherKey = try AES256.Key(credential: "DEMO-ONLY-secretKey-0000")
    }

    static let plaintexts = [
        #"{"email":"kim@example.com","url":"https://a/b","name":"김철수 ✓"}"#,
        #"[1,2,{"a":null}]"#,
        #"{}"#,
        "{\n  \"spaced\" : true\n}",
    ]

    @Test(
        "request: plaintext → bare ECB token → the same bytes, on both backends",
        arguments: AES256.Backend.allCases, plaintexts)
    func requestRoundTrip(backend: AES256.Backend, plaintext: String) throws {
        let codec = APIBodyCodec(key: key, backend: backend)
        let body = try codec.requestText(Data(plaintext.utf8))
        // The request body is the token itself: ECB of exactly these bytes.
        #expect(try Base64.decode(body) == AES256.ECB.encrypt(Array(plaintext.utf8), using: key, backend: backend))
        #expect(try codec.decrypt(Array(body.utf8)) == Array(plaintext.utf8))
        #expect(try codec.decrypt(Data((body + "\r\n").utf8)) == Array(plaintext.utf8))
        #expect(APIBodyCodec.requestContentType == "text/plain")
    }

    @Test(
        "response: {\"data\":token} exactly, no spaces; decrypts to bytes and to JSON",
        arguments: AES256.Backend.allCases, plaintexts)
    func responseRoundTrip(backend: AES256.Backend, plaintext: String) throws {
        let codec = APIBodyCodec(key: key, backend: backend)
        let body = try codec.responseText(Array(plaintext.utf8))
        let token = try codec.requestText(Array(plaintext.utf8))
        #expect(body == "{\"data\":\"\(token)\"}")
        #expect(try codec.decrypt(Data(body.utf8)) == Array(plaintext.utf8))
        #expect(try codec.decryptJSON(body.utf8) == JSONValue(parsing: plaintext))
    }

    @Test("receivers accept the wrapper with whitespace, the bare token and the token as a JSON string")
    func bodyShapes() throws {
        let codec = APIBodyCodec(key: key)
        let plaintext = Array(#"{"ok":true}"#.utf8)
        let token = try codec.requestText(plaintext)
        let escaped = token.replacingOccurrences(of: "/", with: "\\/")
        let bodies = [
            "{\"data\":\"\(token)\"}",
            " \n{ \"data\" : \"\(token)\" }\n",
            "{\"data\":\"\(escaped)\"}",  // PHP and Java writers escape `/`
            "{\"id\":7,\"data\":\"\(token)\"}",  // extra members are ignored
            token,
            "\(token)\n",
            "\"\(token)\"",
            " \"\(escaped)\" ",
        ]
        for body in bodies {
            #expect(try codec.decrypt(Array(body.utf8)) == plaintext, "\(body)")
        }
    }

    @Test(
        "a body that is not one of the accepted shapes is malformedInput",
        arguments: [
            "", "   ", #"{"foo":"bar"}"#, #"{"data":5}"#, #"{"data":null}"#, #"{"data":["x"]}"#,
            "[]", "5", "null", "true", "{\"data\":", #""unterminated"#, "not a token!", "<html>",
            #"{"data":"not*base64"}"#, #"{"data":"AAAA"}"#, #""AAAAAAAAAAAAAAAAAAAAAAA""#,
        ])
    func malformedWrappers(body: String) throws {
        let codec = APIBodyCodec(key: key)
        #expect(throws: LiveformError.malformedInput) { try codec.decrypt(Array(body.utf8)) }
        #expect(throws: LiveformError.malformedInput) { try codec.decryptJSON(Array(body.utf8)) }
    }

    @Test("encrypting refuses plaintext that is not a JSON object or array")
    func encryptValidation() throws {
        let codec = APIBodyCodec(key: key)
        for plaintext in ["", "5", "\"text\"", "null", "{", "{}x", "not json"] {
            #expect(throws: LiveformError.invalidParameter, "\(plaintext)") { try codec.encrypt(Array(plaintext.utf8)) }
            #expect(throws: LiveformError.invalidParameter, "\(plaintext)") { try codec.encryptResponse(Array(plaintext.utf8)) }
        }
        #expect(throws: LiveformError.invalidParameter) { try codec.encrypt([0x7B, 0xFF, 0x7D]) }
    }

    @Test("a body over the limit is malformedInput before any key is used")
    func sizeLimit() throws {
        let small = APIBodyCodec(key: key, maxBodySize: 64)
        let body = try small.encryptResponse(Array(#"{"padding":"0123456789012345678901234567890123456789"}"#.utf8))
        #expect(body.count > 64)
        #expect(throws: LiveformError.malformedInput) { try small.decrypt(body) }
        // No key at all would be invalidKey — but the size check comes first.
        let keyless = APIBodyCodec(key: key, decryptionKeys: [], maxBodySize: 64)
        #expect(throws: LiveformError.malformedInput) { try keyless.decrypt(body) }
        #expect(APIBodyCodec(key: key).maxBodySize == 64 * 1024 * 1024)
        // At the limit exactly, it decrypts.
        let exact = APIBodyCodec(key: key, maxBodySize: body.count)
        #expect(try exact.decrypt(body).count > 0)
    }

    @Test("bodies past the 64 KiB URL-token limit still decrypt (the body limit governs)")
    func largeBody() throws {
        let codec = APIBodyCodec(key: key)
        let plaintext = Array(("[\"" + String(repeating: "x", count: 200_000) + "\"]").utf8)
        #expect(try codec.decrypt(codec.encryptResponse(plaintext)) == plaintext)
    }

    @Test("key rotation: decryption keys are tried in order; encryption uses the one key")
    func rotation() throws {
        let body = try APIBodyCodec(key: otherKey).encryptResponse(Array("[1]".utf8))
        let rotating = APIBodyCodec(key: key, decryptionKeys: [key, otherKey])
        #expect(try rotating.decrypt(body) == Array("[1]".utf8))
        #expect(throws: LiveformError.decryptionFailed) { try APIBodyCodec(key: key).decrypt(body) }
        #expect(throws: LiveformError.invalidKey) { try APIBodyCodec(key: key, decryptionKeys: []).decrypt(body) }
        #expect(try rotating.encryptResponse(Array("[1]".utf8)) == APIBodyCodec(key: key).encryptResponse(Array("[1]".utf8)))
    }

    @Test(
        "decrypted text that is not a JSON object or array is decryptionFailed",
        arguments: ["5", "\"text\"", "null", "not json", "{\"a\":", ""])
    func plaintextShape(plaintext: String) throws {
        let token = try TokenCipher(mode: .ecb).encrypt(Array(plaintext.utf8), using: key)
        #expect(throws: LiveformError.decryptionFailed) { try APIBodyCodec(key: key).decrypt(Array("{\"data\":\"\(token)\"}".utf8)) }
        #expect(throws: LiveformError.decryptionFailed) { try APIBodyCodec(key: key).decrypt(Array(token.utf8)) }
    }

    @Test("the codec is a Sendable value usable from many tasks at once")
    func concurrency() async throws {
        let codec = APIBodyCodec(key: key, decryptionKeys: [otherKey, key])
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let plaintext = Array("{\"n\":\(index)}".utf8)
                    return try codec.decrypt(codec.encryptResponse(plaintext)) == plaintext
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
