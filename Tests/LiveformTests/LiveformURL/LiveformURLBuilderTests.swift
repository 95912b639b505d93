import Foundation
import Testing

@testable import Liveform

@Suite("Liveform URL builder (§3.3)")
struct LiveformURLBuilderTests {
    let key = try! AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")

    func builder(
        _ encryption: LiveformSettings.Encryption, encryptionOnly: Bool = false,
        baseURL: String = LiveformSettings.defaultBaseURL, maxURLLength: Int = 8192,
        backend: AES256.Backend = .default
    ) throws -> LiveformURLBuilder {
        try LiveformURLBuilder(
            settings: LiveformSettings(
                projectId: "demo-project", encryption: encryption, encryptionOnly: encryptionOnly,
                credential: encryption == .off ? nil : .init(kind: .apiKey, key: key),
                baseURL: baseURL, maxURLLength: maxURLLength, backend: backend))
    }

    static func sample() -> LiveformParameters {
        var parameters = LiveformParameters()
        parameters.email = "kim@example.com"
        parameters.userid = "user 42/+&="
        parameters.sid = "sub-1"
        parameters.action = "retry"
        parameters.rejectDuplicateUser = true
        parameters.allowedCountries = ["KOR", "USA"]
        return parameters
    }

    @Test("query order: pid, encrypted, lang, then plain parameters; sid and action stay plain")
    func order() throws {
        let url = try builder(.ecb).url(for: Self.sample(), lang: "ko")
        #expect(url.hasPrefix("https://form.argosidentity.com/?pid=demo-project&encrypted="))
        #expect(url.hasSuffix("&lang=ko&sid=sub-1&action=retry"))
        let decoded = try LiveformURLDecoder(keys: [key], mode: .ecb).decode(url)
        #expect(decoded.encryptedNames == ["email", "userid", "rejectDuplicateUser", "allowedCountries"])
        #expect(decoded.parameters.allowedCountries == ["KOR", "USA"])
        #expect(decoded.parameters["allowedCountries"] == .string("KOR,USA"))
    }

    @Test("encryption-only mode puts sid and action inside too")
    func encryptionOnly() throws {
        let url = try builder(.gcm, encryptionOnly: true).url(for: Self.sample(), lang: "en")
        let query = url.split(separator: "?")[1].split(separator: "&").map { $0.split(separator: "=")[0] }
        #expect(query == ["pid", "encrypted", "lang"])
        let decoded = try LiveformURLDecoder(keys: [key], encryptionOnly: true).decode(url)
        #expect(decoded.parameters.sid == "sub-1" && decoded.parameters.action == "retry")
        #expect(decoded.cipher == .gcm && decoded.warnings.isEmpty)
    }

    @Test("encryption off: everything plain, each byte outside the unreserved set escaped")
    func plain() throws {
        var parameters = LiveformParameters()
        parameters.email = "a+b@x.io"
        parameters.cf1 = "한 ~._-!*'()"
        parameters.rejectDuplicateUser = false
        let url = try builder(.off).url(for: parameters)
        #expect(
            url == "https://form.argosidentity.com/?pid=demo-project&email=a%2Bb%40x.io&cf1=%ED%95%9C%20~._-%21%2A%27%28%29&rejectDuplicateUser=false"
        )
    }

    @Test("tokens are percent-encoded: no raw + / = in the URL")
    func tokenEscaped() throws {
        for _ in 0..<20 {
            var parameters = LiveformParameters()
            parameters.userid = UUID().uuidString
            let url = try builder(.gcm).url(for: parameters)
            let token = url.split(separator: "encrypted=")[1]
            #expect(!token.contains("+") && !token.contains("/") && !token.contains("="))
        }
    }

    @Test("ECB is deterministic; GCM is not; an injected nonce is honoured")
    func determinism() throws {
        let ecb = try builder(.ecb)
        #expect(try ecb.url(for: Self.sample()) == ecb.url(for: Self.sample()))
        let gcm = try builder(.gcm)
        #expect(try gcm.url(for: Self.sample()) != gcm.url(for: Self.sample()))
        let nonce = try AES256.GCM.Nonce([UInt8](repeating: 7, count: 12))
        #expect(try gcm.url(for: Self.sample(), nonce: nonce) == gcm.url(for: Self.sample(), nonce: nonce))
        #expect(throws: LiveformError.invalidParameter) { try ecb.url(for: Self.sample(), nonce: nonce) }
    }

    @Test("base URLs: kept exactly; '&' after an existing query; no doubled separator")
    func baseURLs() throws {
        var parameters = LiveformParameters()
        parameters.userid = "u"
        #expect(
            try builder(.off, baseURL: "https://kyc.example.test/liveform/start").url(for: parameters)
                == "https://kyc.example.test/liveform/start?pid=demo-project&userid=u")
        #expect(
            try builder(.off, baseURL: "https://form.argosidentity.com/?ref=partner-7").url(for: parameters)
                == "https://form.argosidentity.com/?ref=partner-7&pid=demo-project&userid=u")
        #expect(
            try builder(.off, baseURL: "https://form.argosidentity.com/?").url(for: parameters)
                == "https://form.argosidentity.com/?pid=demo-project&userid=u")
    }

    @Test("the documented date format for startValidUntil")
    func startValidUntil() throws {
        var parameters = LiveformParameters()
        parameters.startValidUntil = Date(timeIntervalSince1970: 1_777_561_200.75)
        #expect(parameters["startValidUntil"] == .string("2026-04-30T15:00:00Z"))
        #expect(parameters.startValidUntil == Date(timeIntervalSince1970: 1_777_561_200))
        _ = try builder(.gcm).url(for: parameters)
    }

    // MARK: Validation — each rule, with the parameter named in the message

    static let invalidCases: [(String, [(String, JSONValue)], LiveformSettings.Encryption)] = [
        ("pid", [("pid", "x")], .ecb),
        ("lang", [("lang", "ko")], .ecb),
        ("encrypted", [("encrypted", "x")], .off),
        ("email", [("email", "a"), ("email", "b")], .ecb),
        ("allowedCountries", [("allowedCountries", "KOR")], .off),
        ("startValidUntil", [("startValidUntil", "2026-04-30T15:00:00Z")], .off),
        ("knowledgeField", [("knowledgeField", "skip")], .off),
        ("knowledgePrefill", [("knowledgePrefill", ["name": "Kim"])], .off),
        ("auxidField", [("auxidField", "phoneNumber")], .off),
        ("allowedCountries", [("allowedCountries", "KOR,XYZ")], .ecb),
        ("allowedCountries", [("allowedCountries", "kor")], .ecb),
        ("allowedCountries", [("allowedCountries", "")], .ecb),
        ("selectedIssuingCountry", [("selectedIssuingCountry", "KR")], .ecb),
        ("token", [("token", "short")], .ecb),
        ("token", [("token", .string(String(repeating: "a", count: 65)))], .ecb),
        ("token", [("token", "-starts-with-dash")], .ecb),
        ("token", [("token", "ends-with-dot.")], .ecb),
        ("token", [("token", "has space inside")], .ecb),
        ("blacklistCountries", [("blacklistCountries", true)], .ecb),
        ("approvePeriod", [("approvePeriod", "true")], .off),
        ("ageLimit", [("ageLimit", 0)], .ecb),
        ("rejectDuplicateUser", [("rejectDuplicateUser", "yes")], .ecb),
        ("email", [("email", 5)], .ecb),
        ("startValidUntil", [("startValidUntil", "tomorrow")], .ecb),
        ("cf1", [("cf1", nil)], .ecb),
        ("custom", [("custom", ["a": 1])], .off),
        ("auxidField", [("auxidField", "phoneNumber"), ("selectedIdType", "passport")], .gcm),
        ("auxidField", [("selectedIssuingCountry", "KOR"), ("auxidField", "phoneNumber")], .ecb),
        ("selectedIssuingCountry", [("allowedCountries", "USA,JPN"), ("selectedIssuingCountry", "KOR")], .ecb),
    ]

    @Test("each rule is invalidParameter naming the parameter", arguments: 0..<invalidCases.count)
    func validation(index: Int) throws {
        let (name, pairs, encryption) = Self.invalidCases[index]
        let builder = try builder(encryption)
        do {
            _ = try builder.url(for: LiveformParameters(pairs))
            Issue.record("accepted \(pairs)")
        } catch {
            #expect(error.code == .invalidParameter)
            #expect(error.reason.contains("'\(name)'"), "\(error.reason)")
        }
    }

    @Test("valid edge values are accepted")
    func validEdges() throws {
        var parameters = LiveformParameters()
        parameters.token = "Ab3.x_Y-9z"
        parameters.blacklistCountries = false
        parameters.allowedCountries = ["KOR", "USA"]
        parameters.selectedIssuingCountry = "USA"
        parameters["custom"] = ["nested": [1, 2]]
        _ = try builder(.ecb).url(for: parameters)
        parameters.token = String(repeating: "a", count: 64)
        _ = try builder(.gcm).url(for: parameters)
    }

    @Test("a URL over the limit is refused with its length in the message")
    func tooLong() throws {
        var parameters = LiveformParameters()
        parameters.cf1 = String(repeating: "x", count: 9000)
        do {
            _ = try builder(.ecb).url(for: parameters)
            Issue.record("accepted")
        } catch let error as LiveformError {
            #expect(error.code == .invalidParameter && error.reason.contains("8192"))
        }
        _ = try builder(.ecb, maxURLLength: 20_000).url(for: parameters)
    }

    @Test("incoherent settings are invalidParameter")
    func settings() {
        #expect(throws: LiveformError.invalidParameter) { try LiveformSettings(projectId: "", encryption: .off) }
        #expect(throws: LiveformError.invalidParameter) { try LiveformSettings(projectId: "p", encryption: .ecb) }
        #expect(throws: LiveformError.invalidParameter) { try LiveformSettings(projectId: "p", encryption: .off, encryptionOnly: true) }
        #expect(throws: LiveformError.invalidParameter) { try LiveformSettings(projectId: "p", encryption: .off, baseURL: "form.argosidentity.com") }
        #expect(throws: LiveformError.invalidParameter) { try LiveformSettings(projectId: "p", encryption: .off, baseURL: "https://x.test/#frag") }
    }
}
