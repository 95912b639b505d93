import Foundation
import Testing

@testable import Liveform

@Suite("Return URL (§4)")
struct ReturnURLTests {
    let key = try! AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
    static let fields: JSONObject = [
        "kycStatus": "approved", "userid": "user-42", "email": "kim@example.com", "submissionId": "sub-9",
        "cf1": "a & b", "cf2": "한글", "cf3": "😀", "errorCode": "",
    ]

    @Test("plain and encrypted Return URLs decode into typed fields", arguments: [false, true])
    func roundTrip(encrypted: Bool) throws {
        let url = try ReturnURLBuilder(returnURL: "https://shop.example.test/kyc/done", key: encrypted ? key : nil)
            .url(for: Self.fields)
        let result = try ReturnURLDecoder(keys: [key]).decode(url)
        #expect(result.wasEncrypted == encrypted)
        #expect(result.kycStatus == .approved && result.kycStatus?.isKnown == true)
        #expect(result.userid == "user-42" && result.email == "kim@example.com" && result.submissionId == "sub-9")
        #expect(result.cf1 == "a & b" && result.cf2 == "한글" && result.cf3 == "😀" && result.errorCode == "")
        #expect(result.fields == Self.fields)
    }

    @Test("unknown statuses and unknown fields are kept, not rejected")
    func unknownKept() throws {
        let fields: JSONObject = ["kycStatus": "under_review", "newField": "x"]
        for builder in [ReturnURLBuilder(returnURL: "https://a.test/r"), ReturnURLBuilder(returnURL: "https://a.test/r", key: key)] {
            let result = try ReturnURLDecoder(keys: [key]).decode(try builder.url(for: fields))
            #expect(result.kycStatus == KYCStatus(rawValue: "under_review") && result.kycStatus?.isKnown == false)
            #expect(result.fields["newField"] == "x")
        }
    }

    @Test("a tampered or foreign token is decryptionFailed")
    func tampered() throws {
        let url = try ReturnURLBuilder(returnURL: "https://a.test/r", key: key).url(for: Self.fields)
        let other = try AES256.Key(credential: "DEMO-ONLY-other")
        #expect(throws: LiveformError.decryptionFailed) { try ReturnURLDecoder(keys: [other]).decode(url) }
        var wire = try Base64.decode(try QueryString.decode(Substring(url.split(separator: "=")[1]).utf8, plusIsSpace: false, what: "t"))
        wire[0] ^= 1
        let tampered = "https://a.test/r?encrypted=" + QueryString.encode(Base64.encode(wire))
        #expect(throws: LiveformError.decryptionFailed) { try ReturnURLDecoder(keys: [key]).decode(tampered) }
        #expect(throws: LiveformError.malformedInput) { try ReturnURLDecoder(keys: [key]).decode("https://a.test/r?encrypted=%%%") }
    }

    @Test("a server's request target (path and query) is enough")
    func originForm() throws {
        let result = try ReturnURLDecoder().decode("/kyc/done?kycStatus=rejected&errorCode=PV-40018")
        #expect(result.kycStatus == .rejected && result.errorCode == "PV-40018")
    }
}
