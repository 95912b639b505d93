import Foundation
import Testing

@testable import Liveform

/// `WebhookDecoder.decode` types the event from the plaintext's bytes (one validating scan,
/// no JSON tree) and parses `json` only when it is read. It must decide exactly as the
/// reference, the fully parsed object typed field by field by this test's own reading of the
/// rule: same acceptance, same fields (last duplicate wins, escapes decoded, wrong types nil,
/// names compared by their bytes).
@Suite("Lazy webhook events type fields exactly as the full parse does")
struct LazyWebhookEventTests {
    typealias SplitMix = BackendParityTests.SplitMix

    /// The reference: the plaintext parsed in full, then typed; nil when it is not a JSON object.
    static func reference(_ bytes: [UInt8]) -> WebhookEvent? {
        (try? JSONReader.parse(bytes.span))?.objectValue.map(typed)
    }

    /// The typing rule read off the tree, independently of the SDK's scan: each field is its
    /// member when that is a string (objects for `kyc_result` and `aml_result`), a member of
    /// `cf` winning over the top-level one.
    static func typed(_ json: JSONObject) -> WebhookEvent {
        var event = WebhookEvent(json: json)
        event.trigger = WebhookTrigger(rawValue: json["webhook_trigger"]?.stringValue ?? "")
        event.submissionId = json["submission_id"]?.stringValue
        event.email = json["email"]?.stringValue
        event.userid = json["userid"]?.stringValue
        event.tokenId = json["tokenId"]?.stringValue
        let cf = json["cf"]?.objectValue
        event.cf1 = cf?["cf1"]?.stringValue ?? json["cf1"]?.stringValue
        event.cf2 = cf?["cf2"]?.stringValue ?? json["cf2"]?.stringValue
        event.cf3 = cf?["cf3"]?.stringValue ?? json["cf3"]?.stringValue
        event.kycResult = json["kyc_result"]?.objectValue.map(kyc)
        event.amlResult = json["aml_result"]?.objectValue
        return event
    }

    /// `kyc_result` typed off the tree by this test's own reading of the rule: each field is
    /// its member when that is a string, `updated_at` before `update_at`.
    static func kyc(_ object: JSONObject) -> KYCResult {
        func date(_ name: String) -> Date? { object[name]?.stringValue.flatMap(KYCResult.parseTimestamp) }
        var result = KYCResult(json: object)
        result.status = object["status"]?.stringValue
        result.reviewer = object["reviewer"]?.stringValue
        result.comment = object["comment"]?.stringValue
        result.updatedAt = date("updated_at") ?? (object["updated_at"]?.stringValue == nil ? date("update_at") : nil)
        result.createdAt = date("created_at")
        result.kycResultAt = date("kyc_result_at")
        result.pendingAt = date("pending_at")
        return result
    }

    static func utf8(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }

    /// Field by field, strings by their bytes (String `==` would merge canonically equivalent text).
    static func expectSame(
        _ lazy: WebhookEvent, _ reference: WebhookEvent, _ input: [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let context = Comment(rawValue: String(decoding: input.prefix(300), as: UTF8.self))
        #expect(utf8(lazy.trigger.rawValue) == utf8(reference.trigger.rawValue), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.submissionId) == utf8(reference.submissionId), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.email) == utf8(reference.email), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.userid) == utf8(reference.userid), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.tokenId) == utf8(reference.tokenId), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.cf1) == utf8(reference.cf1), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.cf2) == utf8(reference.cf2), context, sourceLocation: sourceLocation)
        #expect(utf8(lazy.cf3) == utf8(reference.cf3), context, sourceLocation: sourceLocation)
        #expect(lazy.amlResult == reference.amlResult, context, sourceLocation: sourceLocation)
        #expect((lazy.kycResult == nil) == (reference.kycResult == nil), context, sourceLocation: sourceLocation)
        if let a = lazy.kycResult, let b = reference.kycResult {
            #expect(a.json == b.json && a == b && a.hashValue == b.hashValue, context, sourceLocation: sourceLocation)
            #expect(
                utf8(a.status) == utf8(b.status) && utf8(a.reviewer) == utf8(b.reviewer)
                    && utf8(a.comment) == utf8(b.comment), context, sourceLocation: sourceLocation)
            #expect(
                a.updatedAt == b.updatedAt && a.createdAt == b.createdAt && a.kycResultAt == b.kycResultAt
                    && a.pendingAt == b.pendingAt, context, sourceLocation: sourceLocation)
            // Built from the tree, the result is typed by the same rule.
            #expect(KYCResult(json: b.json) == b, context, sourceLocation: sourceLocation)
        }
        #expect(lazy.json == reference.json, context, sourceLocation: sourceLocation)
        #expect(lazy == reference && reference == lazy, context, sourceLocation: sourceLocation)
        #expect(lazy.hashValue == reference.hashValue, context, sourceLocation: sourceLocation)
    }

    /// Checks one input: accepted exactly when the reference accepts it, and then the same event.
    static func check(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let lazy = WebhookEvent(plaintext: input.span)
        let reference = reference(input)
        #expect(
            (lazy == nil) == (reference == nil), "\(String(decoding: input.prefix(300), as: UTF8.self))",
            sourceLocation: sourceLocation)
        if let lazy, let reference { expectSame(lazy, reference, input, sourceLocation: sourceLocation) }
    }

    // MARK: - Generated documents

    /// Member names: the typed ones, their escaped spellings, near misses and unicode.
    static let names: [String] = [
        "webhook_trigger", "submission_id", "email", "userid", "tokenId", "cf", "cf1", "cf2", "cf3",
        "kyc_result", "aml_result",
        #"\u0065mail"#, #"e\u006Dail"#, #"webhook\u005ftrigger"#, #"c\u0066"#, #"cf\u0031"#, #"kyc_resul\u0074"#,
        #"\/email"#, "Email", "email ", "emai", "emaill", "cf4", "cf0", "tokenid", "aml_results", "kyc-result",
        "é", #"\u00e9"#, "e\u{301}", "\u{212A}", "K", "😀", #"\ud83d\ude00"#, "data", "", "status", "history", "a",
    ]

    static let strings: [String] = [
        "approved", "rejected", "", "sub_8f3c2a61d4e94b7c", "kim@example.com", "value 1",
        #"a\"b"#, #"back\\slash"#, #"line\nbreak\t"#, #"\u00e9t\u00E9"#, #"\ud83d\ude00 smile"#, #"lone \ud800 high"#,
        #"lone \udc00 low"#, #"\/path\/x"#, "한국어", "é", "e\u{301}", "2024-05-01T09:30:00Z", "2024-05-01 09:30:00",
        "2024-05-01T18:30:00.5+09:00", "not a date", String(repeating: "long-value-", count: 12),
    ]

    struct Generator {
        var random: SplitMix

        mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }
        mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
        mutating func pick<T>(_ values: [T]) -> T { values[int(0..<values.count)] }

        mutating func space() -> String { chance(85) ? "" : pick([" ", "\n", "\t", "\r\n  "]) }

        mutating func number() -> String { pick(["0", "-1", "42", "3.5", "-0.0", "1e9", "2E-3", "123456789012345678"]) }

        mutating func scalar() -> String {
            switch int(0..<10) {
            case 0...5: return "\"" + pick(LazyWebhookEventTests.strings) + "\""
            case 6, 7: return number()
            case 8: return pick(["true", "false"])
            default: return "null"
            }
        }

        mutating func value(depth: Int) -> String {
            switch int(0..<10) {
            case 6 where depth < 4, 7 where depth < 4: return object(depth: depth + 1, names: LazyWebhookEventTests.names)
            case 8 where depth < 4: return array(depth: depth + 1)
            case 9: return nested(int(1..<40))
            default: return scalar()
            }
        }

        mutating func nested(_ depth: Int) -> String {
            var text = ""
            for _ in 0..<depth { text += chance(50) ? "[" : "{\"n\":" }
            text += scalar()
            return text + String(text.reversed().compactMap { $0 == "[" ? "]" : $0 == "{" ? "}" : nil })
        }

        mutating func array(depth: Int) -> String {
            let count = int(0..<4)
            return "[" + (0..<count).map { _ in space() + value(depth: depth) + space() }.joined(separator: ",") + "]"
        }

        mutating func object(depth: Int, names: [String]) -> String {
            let count = int(0..<7)
            var members: [String] = []
            for _ in 0..<count {
                let name = pick(names)
                // Typed objects get plausible contents more often than not.
                let value: String
                switch name {
                case "cf" where chance(70):
                    value = object(depth: depth + 1, names: ["cf1", "cf2", "cf3", #"cf\u0032"#, "cf4", "x"])
                case "kyc_result" where chance(70), "aml_result" where chance(70):
                    value = object(
                        depth: depth + 1,
                        names: [
                            "status", "reviewer", "comment", "updated_at", "update_at",
                            "created_at", "kyc_result_at", "pending_at", #"st\u0061tus"#, "hits",
                        ])
                default:
                    value = self.value(depth: depth)
                }
                members.append(space() + "\"" + name + "\"" + space() + ":" + space() + value + space())
            }
            return "{" + members.joined(separator: ",") + "}"
        }

        /// A top-level event: mostly the typed members, often repeated.
        mutating func event() -> [UInt8] {
            Array((space() + object(depth: 1, names: LazyWebhookEventTests.names) + space()).utf8)
        }
    }

    static func documents(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = Generator(random: SplitMix(state: seed))
        return (0..<count).map { _ in generator.event() }
    }

    /// Seeded byte mutations: bad UTF-8, broken escapes, truncation, stray structure.
    static func mutated(_ inputs: [[UInt8]], seed: UInt64) -> [[UInt8]] {
        var random = SplitMix(state: seed)
        let interesting: [UInt8] = [
            0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x75, 0x30, 0x00, 0x1F, 0x20,
            0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF,
        ]
        return inputs.map { input in
            var bytes = input
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let byte =
                    Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)!
                    : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = byte
                case 1: bytes.insert(byte, at: Int.random(in: 0...bytes.count, using: &random))
                default: if !bytes.isEmpty { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random)) }
                }
            }
            return bytes
        }
    }

    // MARK: - Tests

    @Test("thousands of generated events: the same fields, json and equality as the full parse")
    func generated() {
        let inputs = Self.documents(count: 3000, seed: 7)
        var accepted = 0
        for input in inputs {
            Self.check(input)
            if WebhookEvent(plaintext: input.span) != nil { accepted += 1 }
        }
        #expect(accepted == inputs.count, "the generator writes valid JSON objects")
    }

    @Test("thousands of generated kyc_result objects: the same fields and dates as the full parse")
    func generatedKYCResults() {
        var generator = Generator(random: SplitMix(state: 17))
        let names = [
            "status", "reviewer", "comment", "updated_at", "update_at", "created_at", "kyc_result_at", "pending_at",
            #"upd\u0061ted_at"#, #"st\u0061tus"#, "x",
        ]
        let values = [
            #""2024-05-01T09:30:00Z""#, #""2024-05-01 09:30:00""#, #""2024-05-01T18:30:00.5+09:00""#,
            #""2023-12-31T23:59:59.999Z""#, #""not a date""#, #""approved""#, #""re\u006aected""#, "null", "7", "{}", "[]",
        ]
        for _ in 0..<3000 {
            let members = (0..<generator.int(0..<8)).map { _ in "\"\(generator.pick(names))\":\(generator.pick(values))" }
            Self.check(Array(("{\"kyc_result\":{" + members.joined(separator: ",") + "}}").utf8))
        }
    }

    @Test("mutated events are accepted exactly when the full parse accepts them, and then agree")
    func mutatedDocuments() {
        let inputs = Self.mutated(Self.documents(count: 3000, seed: 11), seed: 13)
        var rejected = 0
        for input in inputs {
            Self.check(input)
            if WebhookEvent(plaintext: input.span) == nil { rejected += 1 }
        }
        #expect(rejected > 300 && rejected < inputs.count, "mutations reach both outcomes (\(rejected) rejected)")
    }

    @Test(
        "hand-written corners: duplicates, escapes, wrong types, nesting, non-objects",
        arguments: [
            #"{"email":"a","email":"b","\u0065mail":"c"}"#,
            #"{"\u0065mail":"c","email":5}"#,
            #"{"cf":{"cf1":"n","cf1":"m"},"cf1":"top","cf":{"cf2":"x"}}"#,
            #"{"cf":"not an object","cf1":"top","cf2":7}"#,
            #"{"cf":{"cf1":1,"c\u00662":"esc"},"cf1":"top"}"#,
            #"{"kyc_result":"approved"}"#,
            #"{"kyc_result":{"status":"a"},"kyc_result":[1]}"#,
            #"{"kyc_result":{"status":"\u00e9","status":"\ud83d\ude00","updated_at":"2024-05-01T09:30:00Z"}}"#,
            #"{"aml_result":{"x":{"y":[[[{}]]]}},"aml_result":{"z":null}}"#,
            #"{"webhook_trigger":"appr\u006fved","submission_id":"\ud800","userid":"\udc00x","tokenId":"a\/b"}"#,
            #"{"é":"1","e\u0301":"2","\u212A":"3","K":"4","email":"e\u0301"}"#,
            #"{"history":[{"email":"inner","webhook_trigger":"inner"}],"email":"outer"}"#,
            "{\"a\":" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + ",\"email\":\"deep\"}",
            "{\"a\":" + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + ",\"email\":\"deep\"}",
            " \r\n\t{ \"email\" : \"spaced\" , \"cf\" : { \"cf3\" : \"c\" } } \n",
            "{}", "[]", "[{\"email\":\"x\"}]", "5", "null", "\"x\"", "", "{", "{\"email\":\"a\"", "{\"email\":\"a\"}x",
            "{\"email\":\"\u{7F}\"}", "{\"email\":\"a\u{01}\"}", "{\"email\":\"\\x\"}", "{\"email\":\"\\u12\"}",
        ])
    func corners(text: String) {
        Self.check(Array(text.utf8))
    }

    @Test("invalid UTF-8 anywhere is rejected as the full parse rejects it")
    func invalidUTF8() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]] {
            for template in [#"{"email":"@"}"#, #"{"@":"x"}"#, #"{"cf":{"cf1":"@"}}"#, #"{"x":["@"]}"#] {
                var input: [UInt8] = []
                for byte in template.utf8 { if byte == UInt8(ascii: "@") { input += bad } else { input.append(byte) } }
                Self.check(input)
                let event = WebhookEvent(plaintext: input.span)
                #expect(event == nil)
            }
        }
    }

    @Test("every webhook vector: decode agrees with the full parse, and with decrypt(body:)")
    func vectors() throws {
        let data = try Data(contentsOf: VectorFiles.project("webhook.json"))
        let root = try #require(try JSONValue(parsing: [UInt8](data)).objectValue)
        let vectors = try #require(root["vectors"]?.arrayValue)
        var checked = 0
        for vector in vectors {
            guard let plaintext = vector["plaintext"]?.stringValue else { continue }
            Self.check(Array(plaintext.utf8))
            guard vector["result"]?.stringValue == "valid", let credential = vector["key"]?.stringValue,
                let body = vector["body"]?.stringValue
            else { continue }
            let decoder = WebhookDecoder(keys: [try AES256.Key(credential: credential)])
            let event = try decoder.decode(body: Array(body.utf8))
            let json = try decoder.decrypt(body: Array(body.utf8))
            let reference = Self.typed(json)
            Self.expectSame(event, reference, Array(plaintext.utf8))
            #expect(event.json == json)
            checked += 1
        }
        #expect(checked > 5)
    }

    @Test("through the decoder: a plaintext that is not a JSON object is decryptionFailed, the next key is tried")
    func decoderRejection() throws {
        let key = try AES256.Key(credential: "lazy-webhook-test")
        let other = try AES256.Key(credential: "lazy-webhook-other")
        let inputs = Self.mutated(Self.documents(count: 200, seed: 21), seed: 23)
        for input in inputs {
            let token = try TokenCipher(mode: .cbc).encrypt(input, using: key)
            let body = Array(#"{"data":""#.utf8) + Array(token.utf8) + Array(#""}"#.utf8)
            let decoder = WebhookDecoder(keys: [other, key])
            let decoded = Result { () throws(LiveformError) in try decoder.decode(body: body) }
            let decrypted = Result { () throws(LiveformError) in try decoder.decrypt(body: body) }
            switch (decoded, decrypted) {
            case let (.success(event), .success(json)):
                Self.expectSame(event, Self.typed(json), input)
            case let (.failure(a), .failure(b)):
                #expect(a.code == b.code && a.reason == b.reason && a.code == .decryptionFailed)
            default:
                Issue.record("decode and decrypt disagree on \(String(decoding: input, as: UTF8.self))")
            }
        }
    }

    @Test("json: parsed once, shared by copies, assignable; equality and hashing follow the parsed payload")
    func jsonAccess() async throws {
        let text = #"{"webhook_trigger":"approved","gender":"F","score":97.5,"cf":{"cf1":"a"}}"#
        let spacedText = " " + text.replacingOccurrences(of: ",", with: " , ") + "\n"
        let compactEvent = WebhookEvent(plaintext: text.utf8.span), spacedEvent = WebhookEvent(plaintext: spacedText.utf8.span)
        let event = try #require(compactEvent)
        let spaced = try #require(spacedEvent)
        #expect(event == spaced && event.hashValue == spaced.hashValue)
        let copies = await withTaskGroup(of: JSONObject.self) { group in
            for _ in 0..<16 { group.addTask { event.json } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(copies.allSatisfy { $0 == event.json } && event.json["gender"]?.stringValue == "F")
        var edited = event
        edited.json["gender"] = "M"
        #expect(edited.json["gender"]?.stringValue == "M" && event.json["gender"]?.stringValue == "F")
        #expect(edited != event && edited.trigger == .approved && edited.cf1 == "a")
        edited.json["gender"] = "F"
        #expect(edited == event && edited.hashValue == event.hashValue)
        var other = event
        other.email = "x"
        #expect(other != event)
        #expect(Set([event, spaced, edited]).count == 1)
    }

    @Test("kyc_result and aml_result: parsed when first read, shared by copies, assignable; typed fields stay")
    func nestedObjects() async throws {
        let text =
            #"{"webhook_trigger":"approved","kyc_result":{"status":"approved","updated_at":"2024-05-01T09:30:00Z","#
            + #""n":[1,{"y":null}],"status":"re\u006aected"},"aml_result":{"currentstatus":"No Hit","hits":0}}"#
        let parsedValue = try JSONReader.parse(text.utf8.span), decoded = WebhookEvent(plaintext: text.utf8.span)
        let parsed = try #require(parsedValue.objectValue)
        let event = try #require(decoded)
        let kyc = try #require(event.kycResult)
        #expect(kyc.status == "rejected" && kyc.updatedAt == KYCResult.parseTimestamp("2024-05-01T09:30:00Z"))
        #expect(kyc.json == parsed["kyc_result"]?.objectValue && event.amlResult == parsed["aml_result"]?.objectValue)
        #expect(event.aml?.currentStatus == "No Hit")
        let reads = await withTaskGroup(of: [JSONObject?].self) { group in
            for _ in 0..<16 { group.addTask { [event.kycResult?.json, event.amlResult] } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reads.allSatisfy { $0 == [kyc.json, event.amlResult] })

        var edited = event
        edited.amlResult = ["currentstatus": "Hit"]
        #expect(edited.aml?.currentStatus == "Hit" && event.aml?.currentStatus == "No Hit" && edited != event)
        edited.amlResult = parsed["aml_result"]?.objectValue
        #expect(edited == event && edited.hashValue == event.hashValue)
        edited.amlResult = nil
        #expect(edited.amlResult == nil && edited != event)

        var result = kyc
        result.json = ["status": "pending"]
        #expect(result.status == "rejected" && result.json["status"]?.stringValue == "pending" && result != kyc)
        result.json = kyc.json
        #expect(result == kyc && result.hashValue == kyc.hashValue)
        #expect(KYCResult(json: kyc.json) == kyc)
    }
}
