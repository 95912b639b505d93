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
            #expect(kind.staticName.description == name)
            #expect(kind.isDocumented)
        }
        #expect(!ParameterKind.reserved.isDocumented && !ParameterKind.other.isDocumented)
        for reserved in ["pid", "lang", "encrypted"] { #expect(ParameterKind(name: reserved) == .reserved) }
    }

    /// NameTable compares up to 32 bytes inline by length class (1–3, 4–7, 8–16, 17–32) and
    /// longer names with memcmp: a name differing in any single byte is not a match.
    @Test("every documented name with any one byte changed is another name")
    func oneByteOff() {
        for (name, _) in Self.documented {
            let bytes = Array(name.utf8)
            for position in bytes.indices {
                var changed = bytes
                changed[position] ^= 0x01
                let other = String(decoding: changed, as: UTF8.self)
                // cf2 and cf3 differ in one bit: such a change lands on the other name.
                let expected = Self.documented.first { $0.0 == other }?.1 ?? .other
                #expect(ParameterKind(name: other) == expected, "\(other)")
            }
        }
    }

    @Test(
        "near misses are other parameters",
        arguments: [
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
