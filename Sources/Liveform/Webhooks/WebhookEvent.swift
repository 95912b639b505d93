#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A decrypted webhook: the common fields typed, and the whole payload kept as ``json``.
///
/// Building an event never fails: a missing or wrongly typed field is nil (a field that
/// should be a string but is a number, say), and is still there in ``json`` exactly as
/// ARGOS sent it. Vendors add fields without notice; a webhook endpoint that rejected them
/// would drop real events.
///
/// ```swift
/// let event = try decoder.decode(body: body)
/// if event.trigger == .approved, let userid = event.userid {
///     try await accounts.markVerified(userid, at: event.kycResult?.kycResultAt)
/// }
/// let gender = event.json["gender"]?.stringValue   // any other field
/// ```
public struct WebhookEvent: Sendable, Hashable {
    /// `webhook_trigger`; an unknown trigger is kept (``WebhookTrigger/isKnown`` is false),
    /// a missing one has an empty raw value.
    public var trigger: WebhookTrigger
    /// `submission_id`.
    public var submissionId: String?
    /// `email`.
    public var email: String?
    /// `userid`, the integrator's own user id passed to the Liveform.
    public var userid: String?
    /// Custom field 1: `cf.cf1` as the vendor nests it, else a top-level `cf1`.
    public var cf1: String?
    /// Custom field 2: `cf.cf2`, else a top-level `cf2`.
    public var cf2: String?
    /// Custom field 3: `cf.cf3`, else a top-level `cf3`.
    public var cf3: String?
    /// `tokenId`.
    public var tokenId: String?
    /// `kyc_result`, when it is an object.
    public var kycResult: KYCResult?
    /// `aml_result` (`aml` and `aml_monitor` triggers), when it is an object, e.g.
    /// `{"currentstatus":"Not Screened","risk_level_summary":"Not Screened"}`.
    public var amlResult: JSONObject?
    /// The whole payload, every field as ARGOS sent it.
    public var json: JSONObject

    /// The event of a decrypted payload. Never fails (see the type's documentation).
    public init(json: JSONObject) {
        self.json = json
        trigger = WebhookTrigger(rawValue: json["webhook_trigger"]?.stringValue ?? "")
        submissionId = json["submission_id"]?.stringValue
        email = json["email"]?.stringValue
        userid = json["userid"]?.stringValue
        tokenId = json["tokenId"]?.stringValue
        let cf = json["cf"]?.objectValue
        cf1 = cf?["cf1"]?.stringValue ?? json["cf1"]?.stringValue
        cf2 = cf?["cf2"]?.stringValue ?? json["cf2"]?.stringValue
        cf3 = cf?["cf3"]?.stringValue ?? json["cf3"]?.stringValue
        kycResult = json["kyc_result"]?.objectValue.map(KYCResult.init(json:))
        amlResult = json["aml_result"]?.objectValue
    }
}

/// The `kyc_result` object of a webhook: the review outcome and its timestamps.
///
/// Timestamps are parsed from ISO 8601 (with or without fractional seconds, with `Z`, an
/// offset, or no zone meaning UTC) and from `yyyy-MM-dd HH:mm:ss` (UTC). A timestamp that
/// does not parse is nil here; its text stays in ``json`` (see ``timestampText(_:)``).
public struct KYCResult: Sendable, Hashable {
    /// `status`, e.g. `approved`, `rejected` or `pending`; kept as sent.
    public var status: String?
    /// `reviewer`.
    public var reviewer: String?
    /// `comment`, usually the reason for a rejection.
    public var comment: String?
    /// `updated_at` (some payloads spell it `update_at`).
    public var updatedAt: Date?
    /// `created_at`.
    public var createdAt: Date?
    /// `kyc_result_at`: when the result was decided.
    public var kycResultAt: Date?
    /// `pending_at`.
    public var pendingAt: Date?
    /// The whole `kyc_result` object.
    public var json: JSONObject

    /// The result of a `kyc_result` object. Never fails.
    public init(json: JSONObject) {
        self.json = json
        status = json["status"]?.stringValue
        reviewer = json["reviewer"]?.stringValue
        comment = json["comment"]?.stringValue
        let updated = json["updated_at"]?.stringValue ?? json["update_at"]?.stringValue
        updatedAt = updated.flatMap(Self.parseTimestamp)
        createdAt = json["created_at"]?.stringValue.flatMap(Self.parseTimestamp)
        kycResultAt = json["kyc_result_at"]?.stringValue.flatMap(Self.parseTimestamp)
        pendingAt = json["pending_at"]?.stringValue.flatMap(Self.parseTimestamp)
    }

    /// The text of the timestamp member `name` (e.g. `"updated_at"`), parsed or not.
    public func timestampText(_ name: String) -> String? {
        json[name]?.stringValue
    }

    /// Parses a webhook timestamp: `2024-05-01T09:30:00Z`, `2024-05-01T09:30:00.123+09:00`,
    /// `2024-05-01T09:30:00` (UTC), `2024-05-01 09:30:00` (UTC). Nil for anything else.
    ///
    /// Written by hand rather than with `ISO8601DateFormatter`, which needs a separate
    /// configuration per variant and accepts out-of-range fields on some platforms.
    public static func parseTimestamp(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
              let month = scanner.number(digits: 2), scanner.skip("-"),
              let day = scanner.number(digits: 2),
              scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
              let hour = scanner.number(digits: 2), scanner.skip(":"),
              let minute = scanner.number(digits: 2), scanner.skip(":"),
              let second = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if scanner.skip(".") || scanner.skip(",") {
            guard let digits = scanner.digits() else { return nil }
            var scale = 1.0
            for digit in digits {
                scale /= 10
                fraction += Double(digit - 0x30) * scale
            }
        }
        var offset = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let hours = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            guard let minutes = scanner.number(digits: 2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard scanner.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A cursor over ASCII text for the timestamp parser.
private struct DigitScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// Exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<(position + digits)] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += digits
        return value
    }

    /// One or more decimal digits.
    mutating func digits() -> ArraySlice<UInt8>? {
        let start = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
        return position > start ? bytes[start..<position] : nil
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
