#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

// Typed access to the members each trigger documents. Every accessor reads ``WebhookEvent/json``
// and is nil when the member is missing or of another type: ARGOS sends only entered or
// optional data, and a project's projection settings can strip any field. Nothing here
// throws, and unknown members stay in `json`.

extension WebhookEvent {
    // MARK: created, retry, submit

    /// `ipAddress`: the address the user submitted from (`created`, `retry`, `submit`, `rejected`, …).
    public var ipAddress: String? { json["ipAddress"]?.stringValue }

    /// `retryCode` (`created`, `retry`): why a step was retried. A number is given as its text.
    public var retryCode: String? { json["retryCode"].flatMap(Self.text) }

    /// `attempts` (`created`, `retry`): how many attempts were made, when it is an integer
    /// (a number or a string of digits).
    public var attempts: Int? {
        guard let value = json["attempts"] else { return nil }
        return value.intValue ?? value.stringValue.flatMap { Int($0) }
    }

    /// Top-level `created_at` (`submit`): when the submission was created.
    /// Not `kyc_result.created_at`, which is ``KYCResult/createdAt``.
    public var createdAt: WebhookTimestamp? { timestamp("created_at") }

    /// `duplicated_information` (`submit`, `approved`, `rejected`, `updated`), as sent: its
    /// shape is not fixed by the vendor's reference (a flag, a text or an object).
    public var duplicatedInformation: JSONValue? {
        guard let value = json["duplicated_information"], !value.isNull else { return nil }
        return value
    }

    // MARK: approved, rejected, updated: the applicant

    /// `applicant_id` (`approved`, `rejected`).
    public var applicantId: String? { json["applicant_id"]?.stringValue }
    /// `age_group`, e.g. `"30s"`.
    public var ageGroup: String? { json["age_group"]?.stringValue }
    /// `gender`, as sent (e.g. `"male"`, `"F"`).
    public var gender: String? { json["gender"]?.stringValue }
    /// `date_of_birth`, as sent (usually `YYYY-MM-DD`).
    public var dateOfBirth: String? { json["date_of_birth"]?.stringValue }
    /// `nationality`, as sent (usually an ISO 3166 code).
    public var nationality: String? { json["nationality"]?.stringValue }
    /// `full_name`, else the older form's `fullName`.
    public var fullName: String? { json["full_name"]?.stringValue ?? json["fullName"]?.stringValue }
    /// `full_name_en`: the name in Latin letters.
    public var fullNameEn: String? { json["full_name_en"]?.stringValue }
    /// `first_name`.
    public var firstName: String? { json["first_name"]?.stringValue }
    /// `last_name`.
    public var lastName: String? { json["last_name"]?.stringValue }
    /// `phoneNumber`.
    public var phoneNumber: String? { json["phoneNumber"]?.stringValue }
    /// `ssnNumber`, as sent (often masked by the project's settings).
    public var ssnNumber: String? { json["ssnNumber"]?.stringValue }

    /// `additional_list` (`approved`): the answers to the project's additional questions.
    /// Entries that are not objects are skipped; nil when the member is not an array.
    public var additionalList: [AdditionalListItem]? {
        json["additional_list"]?.arrayValue?.compactMap { $0.objectValue.map(AdditionalListItem.init(json:)) }
    }

    /// The identity document of the older `approved` form: `idType`, `issuingCountry`,
    /// `issueDate`, `expireDate`, `identityNumber`, `documentNumber`. Nil when none is present.
    public var identityDocument: IdentityDocument? {
        let document = IdentityDocument(json: json)
        return document.isEmpty ? nil : document
    }

    // MARK: updated

    /// `data` (`updated`): what changed. Nil when `data` is not an object.
    public var update: SubmissionUpdate? { json["data"]?.objectValue.map(SubmissionUpdate.init(json:)) }
    /// `admin` (`updated`): who changed the submission.
    public var admin: String? { json["admin"]?.stringValue }
    /// `update_time` (`updated`): when it was changed (UTC ISO-8601).
    public var updateTime: WebhookTimestamp? { timestamp("update_time") }

    // MARK: delete

    /// `account_email` (`delete`): the account that deleted the submission.
    public var accountEmail: String? { json["account_email"]?.stringValue }
    /// `delete_time` (`delete`).
    public var deleteTime: WebhookTimestamp? { timestamp("delete_time") }
    /// Top-level `comment` (`delete`): the reason given. A rejection's comment is
    /// ``KYCResult/comment``.
    public var comment: String? { json["comment"]?.stringValue }

    // MARK: token_expired

    /// The members of a `token_expired` event (`token_id`, `expired_condition`, `expired_at`,
    /// `expected_expired_at`, `service`); nil when none of them is present.
    public var tokenExpiry: TokenExpiry? {
        let expiry = TokenExpiry(json: json)
        return expiry.isEmpty ? nil : expiry
    }

    // MARK: aml, aml_monitor

    /// `aml_result` (`aml`), typed; ``amlResult`` keeps the object itself.
    public var aml: AMLResult? { amlResult.map(AMLResult.init(json:)) }

    /// The monitoring records of an `aml_monitor` event: the first top-level member (other
    /// than `additional_list`) whose value is an array of objects. The vendor's reference
    /// does not name the member, so it is found by shape; the records are kept as objects.
    public var monitoringRecords: [JSONObject]? {
        for (key, value) in json where key != "additional_list" {
            guard let array = value.arrayValue, !array.isEmpty else { continue }
            let objects = array.compactMap(\.objectValue)
            if objects.count == array.count { return objects }
        }
        return nil
    }

    // MARK: Helpers

    /// The timestamp member `name`, text kept; nil when it is missing or not a string.
    public func timestamp(_ name: String) -> WebhookTimestamp? {
        json[name]?.stringValue.map(WebhookTimestamp.init(text:))
    }

    fileprivate static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number: value.intValue.map(String.init) ?? value.jsonText
        default: nil
        }
    }
}

/// A timestamp member of a webhook: the text as sent, and its instant when it parses.
///
/// Accepted forms: ISO-8601 with or without fractional seconds (`2026-11-21T09:00:00Z`,
/// `2026-11-21T09:00:00.123+09:00`, no zone meaning UTC), `2026-11-21 09:00:00` (UTC), and
/// the newer `YYYY-MM-DD-HH-MM-SS-ZZZ` form (`2026-11-21-09-00-00-123`, UTC, `ZZZ` the
/// milliseconds).
///
/// ```swift
/// if let deleted = event.deleteTime {
///     audit.record(deleted.text, at: deleted.date ?? .now)
/// }
/// ```
public struct WebhookTimestamp: Sendable, Hashable, CustomStringConvertible {
    /// The text as sent.
    public var text: String

    /// A timestamp of `text`; never fails.
    public init(text: String) { self.text = text }

    /// The instant, or nil when ``text`` is in none of the accepted forms.
    public var date: Date? { Self.parse(text) }

    /// The text as sent.
    public var description: String { text }

    /// Parses any of the accepted forms (see the type's documentation); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        dashed(text) ?? KYCResult.parseTimestamp(text)
    }

    /// `YYYY-MM-DD-HH-MM-SS-ZZZ` (the last group optional), UTC.
    private static func dashed(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 6 || parts.count == 7 else { return nil }
        let widths = [4, 2, 2, 2, 2, 2, 3]
        for (part, width) in zip(parts, widths) {
            guard part.utf8.count == width, part.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        }
        // The same instant in the ISO form, which the one parser reads (ranges checked there).
        let fraction = parts.count == 7 ? ".\(parts[6])" : ""
        return KYCResult.parseTimestamp("\(parts[0])-\(parts[1])-\(parts[2])T\(parts[3]):\(parts[4]):\(parts[5])\(fraction)Z")
    }
}

/// One entry of `additional_list`: a question of the project's own and its answer.
public struct AdditionalListItem: Sendable, Hashable {
    /// `answer`; a number or a flag is given as its JSON text.
    public var answer: String?
    /// `inputValue`: what the user typed, when the question takes free text.
    public var inputValue: String?
    /// `blockType`, e.g. `"text"` or `"select"`.
    public var blockType: String?
    /// The whole entry.
    public var json: JSONObject

    /// The entry of an `additional_list` object. Never fails.
    public init(json: JSONObject) {
        self.json = json
        answer = json["answer"].flatMap { $0.stringValue ?? ($0.isNull ? nil : $0.jsonText) }
        inputValue = json["inputValue"]?.stringValue
        blockType = json["blockType"]?.stringValue
    }
}

/// The identity document fields of the older `approved` form.
public struct IdentityDocument: Sendable, Hashable {
    /// `idType`, e.g. `"passport"`.
    public var idType: String?
    /// `issuingCountry`.
    public var issuingCountry: String?
    /// `issueDate`, as sent.
    public var issueDate: String?
    /// `expireDate`, as sent.
    public var expireDate: String?
    /// `identityNumber` (often masked).
    public var identityNumber: String?
    /// `documentNumber` (often masked).
    public var documentNumber: String?

    /// The fields read from an event's top-level members. Never fails.
    public init(json: JSONObject) {
        idType = json["idType"]?.stringValue
        issuingCountry = json["issuingCountry"]?.stringValue
        issueDate = json["issueDate"]?.stringValue
        expireDate = json["expireDate"]?.stringValue
        identityNumber = json["identityNumber"]?.stringValue
        documentNumber = json["documentNumber"]?.stringValue
    }

    var isEmpty: Bool {
        idType == nil && issuingCountry == nil && issueDate == nil && expireDate == nil && identityNumber == nil
            && documentNumber == nil
    }
}

/// The `data` object of an `updated` event: which keys changed, and the review state after.
public struct SubmissionUpdate: Sendable, Hashable {
    /// `update`: the names of the changed members (only the string entries).
    public var changedKeys: [String]?
    /// `kyc_result`: the review status after the change, when it is a string (e.g. `"approved"`);
    /// an object is in ``json``.
    public var kycResult: String?
    /// `pending_at`.
    public var pendingAt: WebhookTimestamp?
    /// `reviewer`.
    public var reviewer: String?
    /// The whole `data` object.
    public var json: JSONObject

    /// The update of a `data` object. Never fails.
    public init(json: JSONObject) {
        self.json = json
        changedKeys = json["update"]?.arrayValue?.compactMap(\.stringValue)
        kycResult = json["kyc_result"]?.stringValue ?? json["kyc_result"]?.objectValue?["status"]?.stringValue
        pendingAt = json["pending_at"]?.stringValue.map(WebhookTimestamp.init(text:))
        reviewer = json["reviewer"]?.stringValue
    }
}

/// The members of a `token_expired` event (a Private Mode token id expired).
public struct TokenExpiry: Sendable, Hashable {
    /// Why a token expired: `expired_condition`. A struct of constants, so that a new
    /// condition is kept as its text.
    public struct Condition: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The condition as sent.
        public let rawValue: String
        /// The condition spelled `rawValue`.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The token was used its allowed number of times (see ``TokenExpiry/expiredAt``).
        public static let count = Condition(rawValue: "count")
        /// The token's time ran out (see ``TokenExpiry/expectedExpiredAt``).
        public static let time = Condition(rawValue: "time")
        /// The raw value.
        public var description: String { rawValue }
    }

    /// `token_id`: the Private Mode token id that expired (not the Liveform `tokenId`).
    public var tokenId: String?
    /// `expired_condition`: `count` or `time`.
    public var condition: Condition?
    /// `expired_at`: when a `count` expiry happened.
    public var expiredAt: WebhookTimestamp?
    /// `expected_expired_at`: the deadline of a `time` expiry.
    public var expectedExpiredAt: WebhookTimestamp?
    /// `service`: `"idCheck"` or `"faceAuth"`, as sent.
    public var service: String?

    /// The members read from an event's top-level members. Never fails.
    public init(json: JSONObject) {
        tokenId = json["token_id"]?.stringValue
        condition = json["expired_condition"]?.stringValue.map(Condition.init(rawValue:))
        expiredAt = json["expired_at"]?.stringValue.map(WebhookTimestamp.init(text:))
        expectedExpiredAt = json["expected_expired_at"]?.stringValue.map(WebhookTimestamp.init(text:))
        service = json["service"]?.stringValue
    }

    /// Whichever of ``expiredAt`` and ``expectedExpiredAt`` is present (the condition's own first).
    public var expiry: WebhookTimestamp? {
        condition == .time ? (expectedExpiredAt ?? expiredAt) : (expiredAt ?? expectedExpiredAt)
    }

    var isEmpty: Bool {
        tokenId == nil && condition == nil && expiredAt == nil && expectedExpiredAt == nil && service == nil
    }
}

/// The `aml_result` object of an `aml` event.
public struct AMLResult: Sendable, Hashable {
    /// `currentstatus`, e.g. `"Not Screened"`, `"No Hit"`, `"Hit"`.
    public var currentStatus: String?
    /// `risk_level_summary`, e.g. `"Low"`.
    public var riskLevelSummary: String?
    /// The whole object.
    public var json: JSONObject

    /// The result of an `aml_result` object. Never fails.
    public init(json: JSONObject) {
        self.json = json
        currentStatus = json["currentstatus"]?.stringValue
        riskLevelSummary = json["risk_level_summary"]?.stringValue
    }
}

extension KYCResult {
    /// `commentCode` (`rejected`): the rejection's reason code, a string in webhooks (the
    /// REST API sends an array; its first string entry is given then).
    public var commentCode: String? {
        json["commentCode"]?.stringValue ?? json["commentCode"]?.arrayValue?.lazy.compactMap(\.stringValue).first
    }

    /// `comment` as text, also when it arrives as an array (the REST API's shape): the
    /// string entries joined with `", "`. ``comment`` is the string form only.
    public var commentText: String? {
        comment ?? json["comment"]?.arrayValue.map { $0.compactMap(\.stringValue).joined(separator: ", ") }
    }
}
