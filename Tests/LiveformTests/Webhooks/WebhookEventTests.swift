import Foundation
import Liveform
import Testing

@Suite("Webhook events: triggers, fields, cf, kyc_result dates, aml_result")
struct WebhookEventTests {
    static func event(_ text: String) throws -> WebhookEvent {
        WebhookEvent(json: try #require(JSONValue(parsing: text).objectValue))
    }

    /// Seconds since 1970 of a UTC calendar time, computed by Foundation as the oracle.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    @Test("an object built in code types as its text decodes; one nested past the depth ceiling keeps its json, untyped")
    func builtObjects() throws {
        var json: JSONObject = ["webhook_trigger": "submit", "email": "kim@example.com", "cf": ["cf2": "two"], "cf2": "top"]
        json["score"] = .number(.infinity)  // written as null, as JSON.stringify writes it
        let event = WebhookEvent(json: json)
        #expect(event.trigger == .submit && event.email == "kim@example.com" && event.cf2 == "two" && event.json == json)
        var deep = JSONValue.string("bottom")
        for _ in 0...JSONReader.depthCeiling { deep = .array([deep]) }
        json["aml_result"] = deep
        let untyped = WebhookEvent(json: json)
        #expect(untyped.trigger.rawValue.isEmpty && untyped.email == nil && untyped.amlResult == nil)
        #expect(untyped.json == json)
    }

    @Test("the vendor's sample payload decodes field by field")
    func vendorPayload() throws {
        let event = try Self.event(
            """
            {"webhook_trigger":"approved","kyc_result":{"status":"approved","updated_at":"2024-05-01T09:30:00.000Z",\
            "created_at":"2024-05-01 09:00:00","kyc_result_at":"2024-05-01T18:30:00+09:00","pending_at":"2024-05-01T09:10:00Z",\
            "reviewer":"system","comment":"ok"},"applicant_id":"app-9","submission_id":"sub-1","email":"kim@example.com",\
            "tokenId":"tok-1","cf":{"cf1":"one","cf2":"two","cf3":"three"},"userid":"u-42","gender":"F","score":97.5}
            """)
        #expect(event.trigger == .approved && event.trigger.isKnown)
        #expect(event.submissionId == "sub-1" && event.email == "kim@example.com" && event.userid == "u-42" && event.tokenId == "tok-1")
        #expect(event.cf1 == "one" && event.cf2 == "two" && event.cf3 == "three")
        let result = try #require(event.kycResult)
        #expect(result.status == "approved" && result.reviewer == "system" && result.comment == "ok")
        #expect(result.updatedAt == Self.utc(2024, 5, 1, 9, 30, 0))
        #expect(result.createdAt == Self.utc(2024, 5, 1, 9, 0, 0))
        #expect(result.kycResultAt == Self.utc(2024, 5, 1, 9, 30, 0))
        #expect(result.pendingAt == Self.utc(2024, 5, 1, 9, 10, 0))
        #expect(event.amlResult == nil)
        // Every other field stays reachable as raw JSON.
        #expect(event.json["applicant_id"]?.stringValue == "app-9")
        #expect(event.json["gender"]?.stringValue == "F" && event.json["score"]?.doubleValue == 97.5)
        #expect(event.json.keys.first == "webhook_trigger" && event.json.count == 10)
    }

    @Test(
        "every documented trigger is parsed and known",
        arguments: zip(
            [
                "created", "retry", "submit", "approved", "rejected", "updated", "delete", "token_expired",
                "injection", "aml", "aml_monitor",
            ],
            [
                WebhookTrigger.created, .retry, .submit, .approved, .rejected, .updated, .delete, .tokenExpired,
                .injection, .aml, .amlMonitor,
            ]))
    func documentedTriggers(raw: String, trigger: WebhookTrigger) throws {
        let event = try Self.event(#"{"webhook_trigger":"\#(raw)"}"#)
        #expect(event.trigger == trigger && event.trigger.rawValue == raw && event.trigger.isKnown)
        #expect(WebhookTrigger.documented.contains(trigger))
    }

    @Test("an unknown trigger is kept as its string; a missing one is empty")
    func unknownTrigger() throws {
        let event = try Self.event(#"{"webhook_trigger":"video_call_done","submission_id":"s"}"#)
        #expect(event.trigger.rawValue == "video_call_done" && !event.trigger.isKnown)
        #expect(event.trigger == "video_call_done")
        #expect(event.submissionId == "s")
        #expect(try Self.event("{}").trigger.rawValue == "")
        #expect(try Self.event(#"{"webhook_trigger":7}"#).trigger.rawValue == "")
        #expect(WebhookTrigger.documented.count == 11)
    }

    @Test(
        "missing or wrongly typed optional fields are nil, never an error",
        arguments: [
            "{}", #"{"webhook_trigger":"approved"}"#,
            #"{"submission_id":5,"email":null,"userid":true,"tokenId":[],"cf":"x","kyc_result":"approved","aml_result":[1]}"#,
            #"{"cf":{"cf1":1},"kyc_result":{"status":3,"updated_at":12345,"reviewer":{}}}"#,
        ])
    func missingFields(text: String) throws {
        let event = try Self.event(text)
        #expect(event.submissionId == nil && event.email == nil && event.userid == nil && event.tokenId == nil)
        #expect(event.cf1 == nil && event.cf2 == nil && event.cf3 == nil && event.amlResult == nil)
        #expect(event.kycResult?.status == nil && event.kycResult?.updatedAt == nil && event.kycResult?.reviewer == nil)
    }

    @Test("cf fields: nested under cf (vendor) or top level; nested wins")
    func customFields() throws {
        let topLevel = try Self.event(#"{"cf1":"a","cf2":"b","cf3":"c"}"#)
        #expect(topLevel.cf1 == "a" && topLevel.cf2 == "b" && topLevel.cf3 == "c")
        let mixed = try Self.event(#"{"cf":{"cf1":"nested"},"cf1":"top","cf2":"top2"}"#)
        #expect(mixed.cf1 == "nested" && mixed.cf2 == "top2" && mixed.cf3 == nil)
    }

    @Test("aml and aml_monitor carry aml_result", arguments: ["aml", "aml_monitor"])
    func amlResult(trigger: String) throws {
        let event = try Self.event(
            #"{"webhook_trigger":"\#(trigger)","aml_result":{"currentstatus":"Not Screened","risk_level_summary":"Not Screened"}}"#)
        #expect(event.trigger.isKnown)
        #expect(event.amlResult?["currentstatus"]?.stringValue == "Not Screened")
        #expect(event.amlResult?["risk_level_summary"]?.stringValue == "Not Screened")
    }

    @Test(
        "timestamps: ISO 8601 variants and yyyy-MM-dd HH:mm:ss as UTC",
        arguments: [
            ("2024-05-01T09:30:00Z", 0.0),
            ("2024-05-01T09:30:00.000Z", 0.0),
            ("2024-05-01T09:30:00.250Z", 0.25),
            ("2024-05-01T09:30:00.123456Z", 0.123456),
            ("2024-05-01T18:30:00+09:00", 0.0),
            ("2024-05-01T18:30:00+0900", 0.0),
            ("2024-05-01T05:00:00-04:30", 0.0),
            ("2024-05-01T18:30:00.5+09:00", 0.5),
            ("2024-05-01T09:30:00", 0.0),
            ("2024-05-01 09:30:00", 0.0),
        ])
    func timestamps(text: String, fraction: Double) throws {
        let date = try #require(KYCResult.parseTimestamp(text))
        let expected = Self.utc(2024, 5, 1, 9, 30, 0).timeIntervalSince1970 + fraction
        #expect(abs(date.timeIntervalSince1970 - expected) < 1e-6, "\(text)")
    }

    @Test("dates across years, leap days and before 1970 agree with Foundation")
    func calendarArithmetic() {
        for (y, m, d) in [(1969, 12, 31), (1970, 1, 1), (2000, 2, 29), (2024, 2, 29), (2100, 3, 1), (2038, 1, 19), (1900, 1, 1)] {
            let text = String(format: "%04d-%02d-%02d 23:59:59", y, m, d)
            #expect(KYCResult.parseTimestamp(text) == Self.utc(y, m, d, 23, 59, 59), "\(text)")
        }
    }

    @Test(
        "unparseable timestamps are nil; the text stays reachable",
        arguments: [
            "", "yesterday", "2024-13-01T00:00:00Z", "2023-02-29 00:00:00", "2024-05-01T24:00:00Z",
            "2024-05-01T09:30Z", "2024-05-01", "2024-05-01T09:30:00ZZ", "2024-05-01T09:30:00+9", "1714555800",
            "2024-05-01T09:30:00.Z", "2024/05/01 09:30:00",
        ])
    func badTimestamps(text: String) throws {
        #expect(KYCResult.parseTimestamp(text) == nil)
        let event = try Self.event(#"{"kyc_result":{"updated_at":"\#(text)"}}"#)
        #expect(event.kycResult?.updatedAt == nil)
        #expect(event.kycResult?.timestampText("updated_at") == text)
    }

    @Test("update_at, the vendor's other spelling, is read when updated_at is absent")
    func updateAtSpelling() throws {
        let event = try Self.event(#"{"kyc_result":{"update_at":"2024-05-01 09:30:00"}}"#)
        #expect(event.kycResult?.updatedAt == Self.utc(2024, 5, 1, 9, 30, 0))
    }
}

@Suite("UTC timestamp writer (startValidUntil)")
struct TimestampFormatTests {
    /// Foundation's ISO 8601 formatter is the independent reference for the hand-written
    /// civil-date arithmetic (the library itself needs only FoundationEssentials).
    static func reference(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    @Test("agrees with ISO8601DateFormatter on 20,000 instants from 1583 to 9999, leap days and day edges included")
    func agreesWithFoundation() {
        var rng = BackendParityTests.SplitMix(state: 2026)
        // Foundation switches to the Julian calendar before 15 October 1582; ISO 8601 and
        // JavaScript's Date (the vendor's) stay proleptic Gregorian, as we do (next test).
        var instants: [Double] = [
            0, -1, -0.5, 86_399.999, 951_782_400, 951_868_799, 4_107_542_399, 1_709_164_800 - 1,
            -12_212_553_600, 253_402_300_799, 1_777_561_200.75,
        ]
        for _ in 0..<20_000 { instants.append(Double.random(in: -12_212_553_600...253_402_300_799, using: &rng).rounded(.down)) }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.format(date) == Self.reference(date), "\(seconds)")
        }
    }

    @Test(
        "before 1583: proleptic Gregorian, as JavaScript's Date.toISOString (values from Node 20)",
        arguments: [
            (-47_917_892_061.0, "0451-07-17T18:25:39Z"), (-17_908_028_818, "1402-07-09T03:33:02Z"),
            (-62_135_596_800, "0001-01-01T00:00:00Z"), (-12_219_292_801, "1582-10-14T23:59:59Z"),
        ])
    func prolepticGregorian(_ seconds: Double, _ expected: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("clamps what no form accepts instead of trapping", arguments: [-1e300, 1e300, -.infinity, .infinity, .nan])
    func clamps(_ seconds: Double) {
        let text = Timestamp.format(Date(timeIntervalSince1970: seconds))
        #expect(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"].contains(text), "\(text)")
    }

    @Test("round-trips through the timestamp parser")
    func roundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_777_561_200)
        #expect(Timestamp.format(date) == "2026-04-30T15:00:00Z")
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
    }
}
