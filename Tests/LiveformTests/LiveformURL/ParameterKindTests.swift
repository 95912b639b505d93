import Testing
@testable import Liveform

@Suite("Parameter names are classified by their exact bytes")
struct ParameterKindTests {
    static let documented: [(String, ParameterKind)] = [
        ("email", .email), ("userid", .userid), ("cf1", .cf1), ("cf2", .cf2), ("cf3", .cf3),
        ("blacklistCountries", .blacklistCountries), ("approvePeriod", .approvePeriod), ("rejectPeriod", .rejectPeriod),
        ("ageLimit", .ageLimit), ("rejectDuplicateUser", .rejectDuplicateUser), ("token", .token),
        ("allowedCountries", .allowedCountries), ("allowedIdTypes", .allowedIdTypes),
        ("selectedIssuingCountry", .selectedIssuingCountry), ("selectedIdType", .selectedIdType),
        ("startValidUntil", .startValidUntil), ("sid", .sid), ("action", .action), ("knowledgeField", .knowledgeField),
        ("knowledgePrefill", .knowledgePrefill), ("auxidField", .auxidField),
    ]

    @Test("every documented name, and its kind's wire name back")
    func documentedNames() {
        for (name, kind) in Self.documented {
            #expect(ParameterKind(name: name) == kind, "\(name)")
            #expect(kind.name == name)
        }
        for reserved in ["pid", "lang", "encrypted"] { #expect(ParameterKind(name: reserved) == .reserved) }
    }

    @Test("near misses are other parameters", arguments: [
        "", "Email", "email ", " email", "emai", "emails", "cf4", "cf", "CF1", "token\u{0}", "selectedIssuingCountryX",
        "e\u{301}mail", "tok\u{212A}en", "pid\u{200B}", "encrypteD", "a-very-long-parameter-name-beyond-any-documented-one",
    ])
    func nearMisses(_ name: String) {
        #expect(ParameterKind(name: name) == .other, "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test("a name in non-contiguous (bridged-like) storage takes the same path")
    func substringNames() {
        let text = "xxemailxx"
        let name = String(text.dropFirst(2).dropLast(2))
        #expect(ParameterKind(name: name) == .email)
    }
}
