import Foundation
import Testing

@testable import Liveform

@Suite("Liveform URL decoder (§3.4)")
struct LiveformURLDecoderTests {
    let key = try! AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
    let secretKey = try! AES256.Key(credential: "DEMO-ONLY-secretKey-0000")

    func build(_ encryption: LiveformSettings.Encryption, key: AES256.Key? = nil, _ parameters: LiveformParameters) throws -> String {
        try LiveformURLBuilder(
            settings: LiveformSettings(
                projectId: "demo-project", encryption: encryption,
                credential: encryption == .off ? nil : .init(kind: .secretKey, key: key ?? self.key))
        ).url(for: parameters)
    }

    @Test("a token whose '+' became spaces, or that was left unescaped, still decodes")
    func mangledTokens() throws {
        var parameters = LiveformParameters()
        for attempt in 0..<200 {
            parameters.userid = "user-\(attempt)-\(UUID().uuidString)"
            let url = try build(attempt.isMultiple(of: 2) ? .gcm : .ecb, parameters)
            let encoded = String(url.split(separator: "encrypted=")[1].split(separator: "&")[0])
            let raw = try QueryString.decode(Substring(encoded).utf8, plusIsSpace: false, what: "token")
            let variants = [
                url.replacingOccurrences(of: encoded, with: raw),  // unescaped
                url.replacingOccurrences(of: encoded, with: raw.replacingOccurrences(of: "+", with: "%20")),  // '+' → space
                url.replacingOccurrences(
                    of: encoded,
                    with: raw.replacingOccurrences(of: "+", with: "-")
                        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")),  // URL-safe, unpadded
            ]
            for variant in variants {
                #expect(try LiveformURLDecoder(keys: [key]).decode(variant).parameters.userid == parameters.userid)
            }
        }
    }

    @Test("key rotation: the first key that decrypts wins and is reported")
    func rotation() throws {
        var parameters = LiveformParameters()
        parameters.email = "kim@example.com"
        let url = try build(.gcm, key: secretKey, parameters)
        let decoded = try LiveformURLDecoder(keys: [key, secretKey]).decode(url)
        #expect(decoded.keyIndex == 1 && decoded.parameters.email == "kim@example.com")
        #expect(throws: LiveformError.decryptionFailed) { try LiveformURLDecoder(keys: [key]).decode(url) }
        #expect(throws: LiveformError.invalidKey) { try LiveformURLDecoder(keys: []).decode(url) }
    }

    @Test("warnings: plain parameters in encryption-only mode; a name both plain and encrypted")
    func warnings() throws {
        var parameters = LiveformParameters()
        parameters.email = "inside@example.com"
        let url = try build(.ecb, parameters) + "&email=outside%40example.com&cf1=x"
        let decoded = try LiveformURLDecoder(keys: [key], encryptionOnly: true).decode(url)
        #expect(decoded.parameters.email == "inside@example.com")
        #expect(decoded.warnings.map(\.kind) == [.encryptedOverridesPlain, .ignoredInEncryptionOnlyMode])
        #expect(decoded.json["warnings"]?.arrayValue?.count == 2)
    }

    @Test("modes: ecb, gcm and auto; a token of the wrong structure is malformedInput")
    func modes() throws {
        var parameters = LiveformParameters()
        parameters.userid = "a user id long enough for two ECB blocks"
        let gcm = try build(.gcm, parameters), ecb = try build(.ecb, parameters)
        #expect(try LiveformURLDecoder(keys: [key], mode: .auto).decode(gcm).cipher == .gcm)
        #expect(try LiveformURLDecoder(keys: [key], mode: .auto).decode(ecb).cipher == .ecb)
        #expect(throws: LiveformError.decryptionFailed) { try LiveformURLDecoder(keys: [key], mode: .gcm).decode(ecb) }
        let twenty = Base64.encode([UInt8](repeating: 1, count: 20))
        let odd = "https://form.argosidentity.com/?pid=p&encrypted=" + QueryString.encode(twenty)
        for mode in LiveformURLDecoder.Mode.allCases {
            #expect(throws: LiveformError.malformedInput) { try LiveformURLDecoder(keys: [key], mode: mode).decode(odd) }
        }
    }

    @Test("plaintext that is not a JSON object is decryptionFailed, like a wrong key")
    func notAnObject() throws {
        for text in ["[1,2]", "\"text\"", "not json", "", "{\"a\":1"] {
            let token = try TokenCipher(mode: .ecb).encrypt(Array(text.utf8), using: key)
            let url = "https://form.argosidentity.com/?pid=p&encrypted=" + QueryString.encode(token)
            #expect(throws: LiveformError.decryptionFailed) { try LiveformURLDecoder(keys: [key]).decode(url) }
        }
    }

    @Test(
        "structural problems are malformedInput",
        arguments: [
            "https://form.argosidentity.com/?pid=p&encrypted=AAAA&encrypted=AAAA",
            "https://form.argosidentity.com/?pid=p&encrypted=abc%24def",
            "https://form.argosidentity.com/?pid=p&encrypted=%G1",
            "https://form.argosidentity.com/?pid=p&cf1=%",
            "https://form.argosidentity.com/?pid=p&cf1=%FF",
            "https://form.argosidentity.com/?lang=ko",
            "https://form.argosidentity.com/?pid=a&pid=b",
            "form.argosidentity.com/?pid=p",
            "https://form.argosidentity.com/?pid=p&cf1=a b",
            "",
        ])
    func malformed(url: String) {
        #expect(throws: LiveformError.malformedInput) { try LiveformURLDecoder(keys: [key]).decode(url) }
    }

    @Test("plain URLs, origin-form targets and fragments")
    func plainURLs() throws {
        let decoded = try LiveformURLDecoder().decode("/start?pid=p&lang=ko&cf1=a+b&cf2=a%2Bb#section")
        #expect(decoded.pid == "p" && decoded.lang == "ko")
        #expect(decoded.parameters.cf1 == "a b" && decoded.parameters.cf2 == "a+b")
        #expect(decoded.cipher == .off)
    }

    @Test("property: build then decode returns the same parameters", arguments: 0..<60)
    func roundTrip(seed: Int) throws {
        var rng = BackendParityTests.SplitMix(state: UInt64(seed) &* 31 &+ 5)
        let alphabet = Array("aZ09 +/&=%#?\"\\\n\t\u{1}\u{7F}\u{2028}한글😀-._~!*'()")
        func randomText() -> String {
            String((0..<Int.random(in: 1...24, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
        }
        var parameters = LiveformParameters()
        let count = Int.random(in: 0...8, using: &rng)
        for index in 0..<count {
            let value: JSONValue =
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: .bool(Bool.random(using: &rng))
                case 1: .number(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 8)
                default: .string(randomText())
                }
            parameters["p\(index)_\(randomText().unicodeScalars.filter(\.properties.isAlphabetic).map(String.init).joined())"] = value
        }
        for encryption in LiveformSettings.Encryption.allCases {
            for backend in AES256.Backend.allCases {
                let builder = try LiveformURLBuilder(
                    settings: LiveformSettings(
                        projectId: "p-\(seed)", encryption: encryption,
                        credential: encryption == .off ? nil : .init(kind: .apiKey, key: key), backend: backend))
                let lang = seed.isMultiple(of: 3) ? nil : "ko"
                let url = try builder.url(for: parameters, lang: lang)
                let decoded = try LiveformURLDecoder(keys: [key], backend: backend).decode(url)
                #expect(decoded.pid == "p-\(seed)" && decoded.lang == lang)
                #expect(decoded.parameters.names == parameters.names)
                for (name, value) in parameters {
                    let expected = encryption == .off ? JSONValue.string(value.plainText) : value
                    #expect(decoded.parameters[name] == expected, "\(encryption) \(backend) \(name)")
                }
            }
        }
    }
}
