import Foundation
import Liveform
import Testing

/// The typed members of every trigger, read from the SDK's samples (which are also what
/// `liveform webhook send` posts), and nil for anything missing or of another type.
@Suite("Webhook events: every trigger's members typed, on the samples")
struct WebhookTriggerAccessorTests {
    static func sample(_ trigger: WebhookTrigger) throws -> WebhookEvent {
        WebhookEvent(json: try #require(WebhookSamples.event(for: trigger)))
    }

    static func event(_ text: String) throws -> WebhookEvent {
        WebhookEvent(json: try #require(JSONValue(parsing: text).objectValue))
    }

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(
        "every documented trigger has a sample that is a JSON object of that trigger, and decodes after encryption",
        arguments: WebhookTrigger.documented)
    func samples(trigger: WebhookTrigger) throws {
        let text = try #require(WebhookSamples.plaintext(for: trigger))
        let event = try Self.sample(trigger)
        #expect(event.trigger == trigger)
        let key = try AES256.Key(credential: "DEMO-ONLY-sample-key")
        let body = try WebhookEncoder(key: key).encode(Array(text.utf8))
        let decoded = try WebhookDecoder(keys: [key]).decode(body: Array(body.utf8))
        #expect(decoded == event)
        #expect(WebhookSamples.plaintext(for: "nosuch") == nil && WebhookSamples.event(for: "nosuch") == nil)
    }

    @Test("created and retry: ipAddress, retryCode, attempts, kyc_result status, cf")
    func createdRetry() throws {
        let created = try Self.sample(.created)
        #expect(created.ipAddress == "203.0.113.24" && created.kycResult?.status == "incomplete")
        #expect(created.retryCode == nil && created.attempts == nil)
        #expect(created.cf1 == "plan-basic" && created.tokenId == "tok-DEMO-7f3a" && created.userid == "user-DEMO-1001")
        let retry = try Self.sample(.retry)
        #expect(retry.retryCode == "FACE_NOT_MATCHED" && retry.attempts == 2)
        // A numeric code is given as its text; attempts as digits in a string is read too.
        let numeric = try Self.event(#"{"webhook_trigger":"retry","retryCode":1203,"attempts":"3"}"#)
        #expect(numeric.retryCode == "1203" && numeric.attempts == 3)
    }

    @Test("submit: created_at text and date, duplicated_information, email")
    func submit() throws {
        let event = try Self.sample(.submit)
        #expect(event.createdAt?.text == "2026-11-21T08:59:12.481Z")
        #expect(event.createdAt?.date == Self.utc("2026-11-21T08:59:12Z").addingTimeInterval(0.481))
        #expect(event.duplicatedInformation == .bool(false))
        #expect(event.email == "jane.sample@example.com" && event.submissionId == "sub-DEMO-0001")
    }

    @Test("approved: identity fields, kyc_result, additional_list, the older form's document")
    func approved() throws {
        let event = try Self.sample(.approved)
        #expect(event.applicantId == "app-DEMO-5521" && event.ageGroup == "30s" && event.gender == "female")
        #expect(event.dateOfBirth == "1990-04-12" && event.nationality == "KR")
        #expect(event.fullName == "김데모" && event.fullNameEn == "Jane Sample" && event.firstName == "Jane" && event.lastName == "Sample")
        #expect(event.phoneNumber == "+82-10-0000-0000" && event.ssnNumber == "900412-2******")
        let result = try #require(event.kycResult)
        #expect(result.status == "approved" && result.reviewer == "system")
        #expect(result.kycResultAt == Self.utc("2026-11-21T09:00:00Z") && result.pendingAt == Self.utc("2026-11-21T08:59:30Z"))
        let list = try #require(event.additionalList)
        #expect(list.count == 2)
        #expect(list[0] == AdditionalListItem(json: ["answer": "Software engineer", "inputValue": "Software engineer", "blockType": "text"]))
        #expect(list[1].answer == "Salary" && list[1].inputValue == "" && list[1].blockType == "select")
        let document = try #require(event.identityDocument)
        #expect(document.idType == "passport" && document.issuingCountry == "KR" && document.issueDate == "2020-01-15")
        #expect(document.expireDate == "2030-01-14" && document.identityNumber == "900412-2******" && document.documentNumber == "M0000DEMO")
        // The older `fullName` is the fallback of `full_name`.
        #expect(try Self.event(#"{"fullName":"Old Form"}"#).fullName == "Old Form")
    }

    @Test("rejected: kyc_result comment and commentCode strings, and the REST API's arrays")
    func rejected() throws {
        let event = try Self.sample(.rejected)
        let result = try #require(event.kycResult)
        #expect(result.status == "rejected" && result.comment == "The ID document is expired." && result.commentCode == "ID_EXPIRED")
        #expect(result.commentText == "The ID document is expired." && result.updatedAt == Self.utc("2026-11-21T09:05:41Z"))
        #expect(event.applicantId == "app-DEMO-5522" && event.ipAddress == "198.51.100.7")
        let arrays = try #require(try Self.event(#"{"kyc_result":{"comment":["blurry","expired"],"commentCode":["C1","C2"]}}"#).kycResult)
        #expect(arrays.comment == nil && arrays.commentText == "blurry, expired" && arrays.commentCode == "C1")
    }

    @Test("updated: data.update list, kyc_result, reviewer, admin, update_time")
    func updated() throws {
        let event = try Self.sample(.updated)
        let update = try #require(event.update)
        #expect(update.changedKeys == ["full_name_en", "kyc_result"] && update.kycResult == "approved")
        #expect(update.reviewer == "reviewer@example.com" && update.pendingAt?.date == Self.utc("2026-11-21T08:59:30Z"))
        #expect(event.admin == "admin@example.com")
        #expect(event.updateTime?.text == "2026-11-22T10:15:00.250Z")
        #expect(event.updateTime?.date == Self.utc("2026-11-22T10:15:00Z").addingTimeInterval(0.25))
        #expect(event.fullNameEn == "Jane Q. Sample" && event.nationality == "KR")
    }

    @Test("delete: account_email, delete_time in the dashed form, comment")
    func delete() throws {
        let event = try Self.sample(.delete)
        #expect(event.accountEmail == "admin@example.com" && event.comment == "Deleted at the user's request.")
        #expect(event.deleteTime?.text == "2026-11-23-07-30-00-000")
        #expect(event.deleteTime?.date == Self.utc("2026-11-23T07:30:00Z"))
        #expect(event.submissionId == "sub-DEMO-0003" && event.email == nil)
    }

    @Test("token_expired: token_id, expired_condition, expired_at / expected_expired_at, service")
    func tokenExpired() throws {
        let expiry = try #require(try Self.sample(.tokenExpired).tokenExpiry)
        #expect(expiry.tokenId == "ptok-DEMO-3c9e" && expiry.condition == .count && expiry.service == "idCheck")
        #expect(expiry.expiredAt?.date == Self.utc("2026-11-21T12:00:00Z") && expiry.expectedExpiredAt == nil)
        #expect(expiry.expiry == expiry.expiredAt)
        let timed = try #require(
            try Self.event(
                #"{"webhook_trigger":"token_expired","token_id":"t","expired_condition":"time","expected_expired_at":"2026-12-01-00-00-00-500","service":"faceAuth"}"#
            ).tokenExpiry)
        #expect(timed.condition == .time && timed.service == "faceAuth" && timed.expiredAt == nil)
        #expect(timed.expiry?.date == Self.utc("2026-12-01T00:00:00Z").addingTimeInterval(0.5))
        #expect(try Self.event(#"{"webhook_trigger":"token_expired","expired_condition":"usage"}"#).tokenExpiry?.condition?.rawValue == "usage")
    }

    @Test("injection, aml, aml_monitor: the common fields, aml_result, the monitoring records")
    func injectionAml() throws {
        let injection = try Self.sample(.injection)
        #expect(injection.submissionId == "sub-DEMO-0004" && injection.cf2 == "batch-7" && injection.tokenId == "tok-DEMO-9d02")
        let aml = try #require(try Self.sample(.aml).aml)
        #expect(aml.currentStatus == "No Hit" && aml.riskLevelSummary == "Low")
        let records = try #require(try Self.sample(.amlMonitor).monitoringRecords)
        #expect(records.count == 2 && records[1]["status"]?.stringValue == "Hit")
        #expect(try Self.sample(.aml).monitoringRecords == nil)
    }

    @Test("missing or wrongly typed members are nil, never a failure; unknown members stay in json")
    func wrongTypes() throws {
        let empty = try Self.event("{}")
        #expect(empty.ipAddress == nil && empty.retryCode == nil && empty.attempts == nil && empty.createdAt == nil)
        #expect(empty.duplicatedInformation == nil && empty.additionalList == nil && empty.identityDocument == nil)
        #expect(empty.update == nil && empty.admin == nil && empty.updateTime == nil && empty.accountEmail == nil)
        #expect(empty.deleteTime == nil && empty.comment == nil && empty.tokenExpiry == nil && empty.aml == nil)
        #expect(empty.monitoringRecords == nil && empty.fullName == nil && empty.applicantId == nil)
        let wrong = try Self.event(
            """
            {"ipAddress":1,"retryCode":true,"attempts":"many","created_at":5,"duplicated_information":null,\
            "additional_list":{"answer":"x"},"data":["update"],"admin":{},"update_time":[],"account_email":7,\
            "delete_time":false,"comment":["a"],"token_id":3,"expired_condition":1,"expired_at":{},"service":[],\
            "aml_result":"Hit","full_name":2,"gender":null,"kyc_result":{"commentCode":4,"comment":5},\
            "vendor_new_field":{"x":[1,2]}}
            """)
        #expect(wrong.ipAddress == nil && wrong.retryCode == nil && wrong.attempts == nil && wrong.createdAt == nil)
        #expect(wrong.duplicatedInformation == nil && wrong.additionalList == nil && wrong.update == nil)
        #expect(wrong.admin == nil && wrong.updateTime == nil && wrong.accountEmail == nil && wrong.deleteTime == nil)
        #expect(wrong.comment == nil && wrong.tokenExpiry == nil && wrong.aml == nil && wrong.fullName == nil && wrong.gender == nil)
        #expect(wrong.kycResult?.commentCode == nil && wrong.kycResult?.commentText == nil)
        #expect(wrong.json["vendor_new_field"]?["x"] == [1, 2])
        // Entries of the wrong type inside a list are skipped, the others kept.
        let mixed = try Self.event(#"{"additional_list":[1,{"answer":true}],"data":{"update":["a",2,"b"]}}"#)
        #expect(mixed.additionalList?.count == 1 && mixed.additionalList?.first?.answer == "true")
        #expect(mixed.update?.changedKeys == ["a", "b"] && mixed.update?.kycResult == nil)
    }

    @Test(
        "timestamps: ISO-8601 with and without fractions, the dashed form; the text is kept when it does not parse",
        arguments: [
            ("2026-11-21T09:00:00Z", 0.0), ("2026-11-21T09:00:00.5Z", 0.5), ("2026-11-21T18:00:00+09:00", 0.0),
            ("2026-11-21-09-00-00-250", 0.25), ("2026-11-21-09-00-00", 0.0),
        ])
    func timestamps(text: String, fraction: Double) throws {
        #expect(WebhookTimestamp(text: text).date == Self.utc("2026-11-21T09:00:00Z").addingTimeInterval(fraction))
    }

    @Test("timestamps that do not parse", arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-21-09-00-00-25", "2026-11-21-09-00"])
    func badTimestamps(text: String) {
        let stamp = WebhookTimestamp(text: text)
        #expect(stamp.date == nil && stamp.text == text && stamp.description == text)
    }
}
