import Foundation
import Testing

@testable import Liveform

/// What anyone on the internet can send us: each case has the category it must produce (or
/// nil when it must be accepted), and must finish quickly without crashing.
struct HostileCase: Sendable, CustomTestStringConvertible {
    enum Operation: Sendable {
        case liveformURL, returnURL, webhook, responseBody, requestBody
        case token(TokenCipher.Mode)
        case json, credential
    }

    let name: String
    let operation: Operation
    let input: @Sendable () -> [UInt8]
    let expected: LiveformError.Code?

    var testDescription: String { name }

    init(_ name: String, _ operation: Operation, _ expected: LiveformError.Code?, _ input: @escaping @Sendable () -> [UInt8]) {
        self.name = name
        self.operation = operation
        self.expected = expected
        self.input = input
    }

    init(_ name: String, _ operation: Operation, _ expected: LiveformError.Code?, text: String) {
        self.init(name, operation, expected) { Array(text.utf8) }
    }
}

enum Hostile {
    static let key = try! AES256.Key(credential: "DEMO-ONLY-hostile-key")
    static let otherKey = try! AES256.Key(credential: "DEMO-ONLY-other-key")

    static func ecbToken(_ plaintext: [UInt8], key: AES256.Key = key) -> String {
        try! TokenCipher(mode: .ecb).encrypt(plaintext, using: key)
    }
    static func webhookBody(_ plaintext: [UInt8]) -> [UInt8] {
        Array("{\"data\":\"\(try! TokenCipher(mode: .cbc).encrypt(plaintext, using: key))\"}".utf8)
    }
    static func responseBody(_ plaintext: [UInt8]) -> [UInt8] { Array("{\"data\":\"\(ecbToken(plaintext))\"}".utf8) }
    static func liveformURL(token: String) -> String {
        "https://form.argosidentity.com/?pid=p&encrypted=" + QueryString.encode(token)
    }
    static let validURL: String = try! LiveformURLBuilder(
        settings: LiveformSettings(
            projectId: "p", encryption: .gcm, credential: .init(kind: .apiKey, key: key))
    ).url(for: LiveformParameters([("userid", "u")]))
    static let deepJSON = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
    static let deepObject = Array((String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)).utf8)
    static let event = Array(#"{"webhook_trigger":"approved","submission_id":"s"}"#.utf8)

    static let cases: [HostileCase] = [
        // Empty and whitespace
        .init("empty Liveform URL", .liveformURL, .malformedInput, text: ""),
        .init("whitespace Liveform URL", .liveformURL, .malformedInput, text: "   \t\n"),
        .init("empty Return URL", .returnURL, .malformedInput, text: ""),
        .init("empty webhook body", .webhook, .malformedInput, text: ""),
        .init("whitespace webhook body", .webhook, .malformedInput, text: " \r\n\t "),
        .init("empty response body", .responseBody, .malformedInput, text: ""),
        .init("empty request body", .requestBody, .malformedInput, text: ""),
        .init("empty ECB token", .token(.ecb), .malformedInput, text: ""),
        .init("empty JSON", .json, .malformedInput, text: ""),
        .init("empty credential", .credential, .invalidKey, text: ""),
        // Size
        .init("100 MB webhook body", .webhook, .malformedInput) { [UInt8](repeating: UInt8(ascii: "A"), count: 100_000_000) },
        .init("100 MB response body", .responseBody, .malformedInput) { [UInt8](repeating: UInt8(ascii: "A"), count: 100_000_000) },
        .init("100 MB Liveform URL", .liveformURL, .malformedInput) {
            Array(("https://form.argosidentity.com/?pid=p&cf1=" + String(repeating: "x", count: 100_000_000)).utf8)
        },
        .init("over-long GCM token (100 KiB)", .token(.gcm), .malformedInput) { Array(String(repeating: "A", count: 100 * 1024).utf8) },
        .init("URL with 30,000 parameters", .liveformURL, nil) {
            Array(("https://form.argosidentity.com/?pid=p" + String(repeating: "&a=b", count: 30_000)).utf8)
        },
        // Truncation and framing
        .init("GCM token of 27 bytes", .token(.gcm), .malformedInput, text: Base64.encode([UInt8](repeating: 1, count: 27))),
        .init("CBC token that is only an IV", .token(.cbc), .malformedInput, text: Base64.encode([UInt8](repeating: 1, count: 16))),
        .init("CBC token of IV + 20 bytes", .token(.cbc), .malformedInput, text: Base64.encode([UInt8](repeating: 1, count: 36))),
        .init("ECB token of 15 bytes", .token(.ecb), .malformedInput, text: Base64.encode([UInt8](repeating: 1, count: 15))),
        .init(
            "truncated ECB token in a URL", .liveformURL, .malformedInput,
            text: liveformURL(token: String(ecbToken(Array("{\"a\":1}".utf8)).dropLast(6)))),
        .init("base64 of padding only", .token(.ecb), .malformedInput, text: "===="),
        .init("base64 with a stray final character", .token(.ecb), .malformedInput, text: "QUJDRA"),
        .init("token with non-ASCII letters", .token(.gcm), .malformedInput, text: "QUJD한글"),
        .init(
            "token with line breaks (lenient)", .token(.ecb), nil,
            text: {
                let t = ecbToken([1, 2, 3])
                return String(t.prefix(8)) + "\r\n" + String(t.dropFirst(8))
            }()),
        // Percent-escapes
        .init("bad escape %G1", .liveformURL, .malformedInput, text: "https://form.argosidentity.com/?pid=p&cf1=%G1"),
        .init("lone % at the end", .liveformURL, .malformedInput, text: "https://form.argosidentity.com/?pid=p&cf1=%"),
        .init("half escape %4", .returnURL, .malformedInput, text: "https://a.test/r?kycStatus=%4"),
        .init("escape decoding to bad UTF-8 in a name", .liveformURL, .malformedInput, text: "https://form.argosidentity.com/?pid=p&%C3%28=1"),
        // NUL and control bytes
        .init("NUL byte in a URL", .liveformURL, .malformedInput, text: "https://form.argosidentity.com/?pid=p\u{0}&x=1"),
        .init("NUL byte in a webhook body", .webhook, .malformedInput, text: "{\"data\":\"\u{0}\"}"),
        .init("escaped NUL in a plain value (accepted, it is data)", .liveformURL, nil, text: "https://form.argosidentity.com/?pid=p&cf1=%00"),
        // Plaintext after the cipher ran
        .init("non-UTF-8 plaintext in a webhook", .webhook, .decryptionFailed) { webhookBody([0xFF, 0xFE, 0x7B, 0x7D]) },
        .init("non-UTF-8 plaintext in a response", .responseBody, .decryptionFailed) {
            responseBody([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D])
        },
        .init("JSON nested 100,000 deep in a webhook", .webhook, .decryptionFailed) { webhookBody(deepObject) },
        .init("JSON nested 100,000 deep in a response", .responseBody, .decryptionFailed) { responseBody(deepJSON) },
        .init("JSON nested 100,000 deep, read directly", .json, .malformedInput) { deepJSON },
        .init("webhook plaintext that is an array", .webhook, .decryptionFailed) { webhookBody(Array("[1,2]".utf8)) },
        .init("response plaintext that is a string", .responseBody, .decryptionFailed) { responseBody(Array("\"x\"".utf8)) },
        .init("Liveform URL plaintext that is null", .liveformURL, .decryptionFailed, text: liveformURL(token: ecbToken(Array("null".utf8)))),
        .init("byte-order mark before webhook plaintext", .webhook, .decryptionFailed) { webhookBody([0xEF, 0xBB, 0xBF] + event) },
        .init("byte-order mark before the body wrapper", .webhook, .malformedInput) { [0xEF, 0xBB, 0xBF] + webhookBody(event) },
        .init("wrong key", .webhook, .decryptionFailed) {
            Array("{\"data\":\"\(try! TokenCipher(mode: .cbc).encrypt(event, using: otherKey))\"}".utf8)
        },
        .init(
            "tampered GCM URL (one ciphertext bit)", .liveformURL, .decryptionFailed,
            text: {
                var wire = try! TokenCipher(mode: .gcm).wireBytes(
                    of: try! TokenCipher(mode: .gcm).encrypt(Array(#"{"userid":"u"}"#.utf8), using: key))
                wire[14] ^= 0x01
                return liveformURL(token: Base64.encode(wire))
            }()),
        // JSON oddities that must be accepted as JavaScript accepts them
        .init("duplicate JSON keys (last wins)", .webhook, nil) {
            webhookBody(Array(#"{"webhook_trigger":"created","webhook_trigger":"approved"}"#.utf8))
        },
        .init("huge number 1e999999", .json, nil, text: "[1e999999, -1e999999, 1e-999999]"),
        .init("number with 100,000 digits", .json, nil) { Array(("[" + String(repeating: "9", count: 100_000) + "]").utf8) },
        .init("object with 100,000 keys in a webhook", .webhook, nil) {
            webhookBody(Array(("{" + (0..<100_000).map { "\"k\($0)\":0" }.joined(separator: ",") + "}").utf8))
        },
        .init("lone surrogate escape", .json, nil, text: #"["\udc00\ud800"]"#),
        .init("NaN literal", .json, .malformedInput, text: "[NaN]"),
        // URL shapes
        .init("URL with a fragment (ignored)", .liveformURL, nil, text: validURL + "#encrypted=AAAA"),
        .init("URL with userinfo", .liveformURL, nil, text: "https://user:pass@form.argosidentity.com/?pid=p"),
        .init("URL with an IPv6 host", .liveformURL, nil, text: "https://[::1]:8443/?pid=p&lang=ko"),
        .init("URL without a scheme", .liveformURL, .malformedInput, text: "form.argosidentity.com/?pid=p"),
        .init("javascript: URL", .returnURL, .malformedInput, text: "javascript:alert(1)?kycStatus=approved"),
        .init("only separators", .liveformURL, .malformedInput, text: "https://form.argosidentity.com/?&&&&=&="),
        .init("repeated pid", .liveformURL, .malformedInput, text: "https://form.argosidentity.com/?pid=a&pid=b"),
        .init("repeated encrypted", .returnURL, .malformedInput, text: "https://a.test/r?encrypted=AAAA&encrypted=AAAA"),
        .init("repeated plain parameter (first kept)", .liveformURL, nil, text: "https://form.argosidentity.com/?pid=p&cf1=a&cf1=b"),
        .init("empty encrypted value", .returnURL, .malformedInput, text: "https://a.test/r?encrypted="),
        // Bodies that are not the wrapper
        .init("body wrapper with data null", .webhook, .malformedInput, text: #"{"data":null}"#),
        .init("body wrapper with a number", .responseBody, .malformedInput, text: #"{"data":5}"#),
        .init("body that is a JSON array", .webhook, .malformedInput, text: "[]"),
        .init("truncated wrapper", .responseBody, .malformedInput, text: #"{"data":"AAAA"#),
        .init("form-encoded body", .webhook, .malformedInput, text: "data=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"),
        // Keys
        .init("credential with a leading space", .credential, .invalidKey, text: " key"),
        .init("credential with a trailing newline", .credential, .invalidKey, text: "key\n"),
        .init("credential that is only a tab", .credential, .invalidKey, text: "\t"),
        .init("credential of 1 MB (accepted: any length is hashed)", .credential, nil) { [UInt8](repeating: 0x61, count: 1_000_000) },
    ]

    static func run(_ hostile: HostileCase) throws {
        let bytes = hostile.input()
        let text = String(decoding: bytes, as: UTF8.self)
        switch hostile.operation {
        case .liveformURL: _ = try LiveformURLDecoder(keys: [key]).decode(text)
        case .returnURL: _ = try ReturnURLDecoder(keys: [key]).decode(text)
        case .webhook: _ = try WebhookDecoder(keys: [key]).decode(body: bytes)
        case .responseBody, .requestBody: _ = try APIBodyCodec(key: key).decrypt(bytes)
        case .token(let mode): _ = try TokenCipher(mode: mode).decrypt(text, using: key)
        case .json: _ = try JSONValue(parsing: bytes)
        case .credential: _ = try AES256.Key(credential: text)
        }
    }
}

@Suite("Hostile-input catalogue")
struct HostileInputTests {
    @Test("the catalogue has at least 50 cases")
    func size() {
        #expect(Hostile.cases.count >= 50)
        print("CATALOGUE: \(Hostile.cases.count) hostile inputs, \(Hostile.cases.filter { $0.expected == nil }.count) of them must be accepted")
    }

    @Test("each hostile input gets its category, without crashing, within a time bound", arguments: Hostile.cases)
    func hostile(_ hostile: HostileCase) {
        let clock = ContinuousClock()
        var outcome: LiveformError.Code?
        let elapsed = clock.measure {
            do {
                try Hostile.run(hostile)
                outcome = nil
            } catch let error as LiveformError {
                outcome = error.code
                if error.code == .decryptionFailed { #expect(error.reason == LiveformError.decryptionFailedReason) }
            } catch {
                Issue.record("not a LiveformError: \(error)")
            }
        }
        #expect(outcome == hostile.expected, "\(hostile.name): got \(outcome.map { "\($0)" } ?? "success")")
        #expect(elapsed < .seconds(10), "\(hostile.name) took \(elapsed)")
    }

    @Test("memory stays bounded across the catalogue")
    func memory() throws {
        for hostile in Hostile.cases { _ = try? Hostile.run(hostile) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peak = usage.ru_maxrss * 1024
        #expect(peak < 3 * 1024 * 1024 * 1024, "peak RSS \(peak / 1_048_576) MiB")
    }
}
