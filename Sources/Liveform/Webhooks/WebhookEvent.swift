import LiveformBackends
import LiveformBytes

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
///
/// ## Cost
///
/// An event from ``WebhookDecoder/decode(body:headers:remoteAddress:)`` is typed while the
/// plaintext is validated, in one pass that builds no JSON tree: the typed fields are read
/// from their bytes (those of `cf` and `kyc_result` too, each scanned on its own). The event
/// keeps the plaintext bytes, and ``json``, ``amlResult`` and ``KYCResult/json`` parse their
/// part of them the first time they are read; that tree is then cached and shared by every
/// copy of the event (behind a lock, so copies may be read from several tasks). Events that
/// never read them never pay for them.
///
/// ## Equality
///
/// Two events are equal when their typed fields are equal and their ``json`` objects are
/// equal (as ``JSONObject`` compares them: members in order, keys and strings by their
/// UTF-8 bytes). Events decoded from identical plaintext bytes compare without parsing;
/// otherwise comparing, and hashing, reads ``json``.
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
    /// `{"currentstatus":"Not Screened","risk_level_summary":"Not Screened"}`. For a decoded
    /// event it is parsed from the plaintext when first read (see "Cost" above).
    public var amlResult: JSONObject? {
        get { amlPayload?.object }
        set { amlPayload = newValue.map(JSONPayload.tree) }
    }

    private var amlPayload: JSONPayload?

    /// The whole payload, every field as ARGOS sent it.
    ///
    /// For a decoded event this is parsed from the kept plaintext on first read and cached
    /// (see "Cost" above); reading it never fails (the bytes were validated when the event
    /// was decoded). Assigning replaces the payload and leaves the typed fields as they are,
    /// as it always has.
    public var json: JSONObject {
        get { payload.object }
        set { payload = .tree(newValue) }
    }

    /// The payload: a tree, or validated plaintext parsed on demand.
    private var payload: JSONPayload

    /// The validated plaintext this event was decoded from, byte for byte, when it is compact
    /// JSON (no whitespace between tokens, which the scan that validated it noted); nil
    /// otherwise, and for an event built from a tree or whose ``json`` was assigned.
    /// (`liveform webhook listen` prints it as it is, without a parse.)
    package var compactPlaintext: [UInt8]? {
        if case .text(let text, _) = payload, text.isCompact { text.bytes } else { nil }
    }

    /// The event of a payload object. Never fails (see the type's documentation).
    ///
    /// The object is typed from its text, by the same rules as a decrypted plaintext: an
    /// event built here and one decoded from the same payload have the same fields. (An
    /// object nested deeper than ``JSONReader/depthCeiling`` has no text the reader accepts;
    /// its event keeps it in ``json`` with every typed field nil.)
    public init(json: JSONObject) {
        let text = JSONText(JSONWriter.bytes(.object(json)), isCompact: true)
        let bytes = text.bytes
        var fields = FieldSpans()
        if JSONReader.scan(bytes.span, visitor: &fields) == nil { fields = FieldSpans() }
        self.init(fields: fields, text: text, payload: .tree(json))
    }

    /// The event of a decrypted plaintext, without building the tree; nil exactly when the
    /// plaintext is not a UTF-8 JSON object (when `JSONValue(parsing:)` throws or gives
    /// something else). The event keeps a copy of the plaintext.
    init?(plaintext: Span<UInt8>) {
        var fields = FieldSpans()
        guard let scan = JSONReader.scan(plaintext, visitor: &fields), scan.topLevel == UInt8(ascii: "{") else { return nil }
        let text = JSONText(Array(copying: plaintext), isCompact: !scan.hasWhitespace)
        self.init(fields: fields, text: text, payload: .text(text, 0..<plaintext.count))
    }

    /// Types the members `fields` found in the (validated) `text`: the one typing rule.
    private init(fields: FieldSpans, text: JSONText, payload: JSONPayload) {
        self.payload = payload
        let bytes = text.bytes
        let input = bytes.span
        trigger = WebhookTrigger(rawValue: jsonString(fields.trigger, in: input) ?? "")
        submissionId = jsonString(fields.submissionId, in: input)
        email = jsonString(fields.email, in: input)
        userid = jsonString(fields.userid, in: input)
        tokenId = jsonString(fields.tokenId, in: input)
        // `cf` is read as the plaintext is, for its cf1…cf3 only (no object is built); a
        // member of `cf` wins over the top-level member of the same name.
        var cf = FieldSpans(), cfText = input.extracting(0..<0)
        if let span = fields.cf, input[span.lowerBound] == UInt8(ascii: "{") {
            cfText = input.extracting(span)
            if JSONReader.scan(cfText, visitor: &cf) == nil { cf = FieldSpans() }
        }
        cf1 = jsonString(cf.cf1, in: cfText) ?? jsonString(fields.cf1, in: input)
        cf2 = jsonString(cf.cf2, in: cfText) ?? jsonString(fields.cf2, in: input)
        cf3 = jsonString(cf.cf3, in: cfText) ?? jsonString(fields.cf3, in: input)
        // The objects are kept as their place in the text, parsed when first read.
        kycResult = objectRange(fields.kycResult, in: input).map { KYCResult(text: text, range: $0) }
        amlPayload = objectRange(fields.amlResult, in: input).map { .text(text, $0) }
    }

    /// Where the members ``init(json:)`` reads sit in a plaintext: the value of the last
    /// member of each name (a later duplicate replaces an earlier one, as in the parser),
    /// names compared by their decoded UTF-8 bytes.
    private struct FieldSpans: NamedMemberVisitor {
        var trigger, submissionId, email, userid, tokenId, cf, cf1, cf2, cf3, kycResult, amlResult: Range<Int>?

        mutating func record(_ name: Span<UInt8>, _ value: Range<Int>) {
            switch name.count {
            case 2: if JSONBytes.equal(name, "cf") { cf = value }
            case 3:
                guard name[0] == UInt8(ascii: "c"), name[1] == UInt8(ascii: "f") else { return }
                switch name[2] {
                case UInt8(ascii: "1"): cf1 = value
                case UInt8(ascii: "2"): cf2 = value
                case UInt8(ascii: "3"): cf3 = value
                default: break
                }
            case 5: if JSONBytes.equal(name, "email") { email = value }
            case 6: if JSONBytes.equal(name, "userid") { userid = value }
            case 7: if JSONBytes.equal(name, "tokenId") { tokenId = value }
            case 10:
                if JSONBytes.equal(name, "kyc_result") {
                    kycResult = value
                } else if JSONBytes.equal(name, "aml_result") {
                    amlResult = value
                }
            case 13: if JSONBytes.equal(name, "submission_id") { submissionId = value }
            case 15: if JSONBytes.equal(name, "webhook_trigger") { trigger = value }
            default: break
            }
        }

    }
}

/// A member visitor that is given each name as its decoded UTF-8 bytes.
private protocol NamedMemberVisitor: TopLevelMemberVisitor {
    /// A member named `name` (decoded), whose value is at `value`.
    mutating func record(_ name: Span<UInt8>, _ value: Range<Int>)
}

extension NamedMemberVisitor {
    mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>, in input: Span<UInt8>) {
        if nameEscaped {
            // Rare: decode the name (the scan has checked it), then match its text.
            let text = JSONReader.unescape(input.extracting(name))
            record(text.utf8.span, value)
        } else {
            record(input.extracting(name), value)
        }
    }
}

/// The string at `span` of `input`, if it is one. The input was validated (UTF-8 and escapes
/// included), so text without escapes is taken as it is.
private func jsonString(_ span: Range<Int>?, in input: Span<UInt8>) -> String? {
    guard let span, input[span.lowerBound] == UInt8(ascii: "\"") else { return nil }
    let contents = input.extracting((span.lowerBound + 1)..<(span.upperBound - 1))
    for index in contents.indices where contents[index] == UInt8(ascii: "\\") {
        return JSONReader.unescape(contents)
    }
    return JSONBytes.text(contents)
}

/// `span` when it holds an object in `input`.
private func objectRange(_ span: Range<Int>?, in input: Span<UInt8>) -> Range<Int>? {
    guard let span, input[span.lowerBound] == UInt8(ascii: "{") else { return nil }
    return span
}

/// Validated JSON text whose objects are parsed when first read, then kept: one copy of a
/// plaintext, shared by an event, its copies, and its `kyc_result` and `aml_result`.
private final class JSONText: Sendable {
    let bytes: [UInt8]
    /// No whitespace between tokens.
    let isCompact: Bool
    /// The objects parsed so far, by the offset where each starts.
    private let parsed = LockedValue<[Int: JSONObject]>([:])

    init(_ bytes: [UInt8], isCompact: Bool) {
        self.bytes = bytes
        self.isCompact = isCompact
    }

    /// The object at `range`. The bytes were validated before this was made, so the parse
    /// cannot fail; if it ever did, the answer would be an empty object, never a crash.
    func object(at range: Range<Int>) -> JSONObject {
        parsed.withLock { parsed in
            if let object = parsed[range.lowerBound] { return object }
            let bytes = self.bytes
            let object = (try? JSONReader.parse(bytes.span.extracting(range)))?.objectValue ?? JSONObject()
            parsed[range.lowerBound] = object
            return object
        }
    }
}

/// A JSON object: a tree, or its place in validated text, parsed when first read.
private enum JSONPayload: Sendable, Hashable {
    case tree(JSONObject)
    case text(JSONText, Range<Int>)

    var object: JSONObject {
        switch self {
        case .tree(let object): object
        case .text(let text, let range): text.object(at: range)
        }
    }

    /// Equal objects; the same validated bytes are equal without a parse.
    static func == (lhs: JSONPayload, rhs: JSONPayload) -> Bool {
        if case .text(let left, let a) = lhs, case .text(let right, let b) = rhs,
            (left === right && a == b) || left.bytes[a] == right.bytes[b]
        {
            return true
        }
        return lhs.object == rhs.object
    }

    /// The parsed object's hash, so that equal payloads hash alike whatever their bytes.
    func hash(into hasher: inout Hasher) {
        hasher.combine(object)
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
    /// The whole `kyc_result` object. In a decoded event it is parsed from the plaintext the
    /// first time it is read, as ``WebhookEvent/json`` is; assigning it leaves the typed
    /// fields as they are.
    public var json: JSONObject {
        get { payload.object }
        set { payload = .tree(newValue) }
    }

    private var payload: JSONPayload

    /// The result of a `kyc_result` object. Never fails.
    ///
    /// The fields are read from the object's JSON text by the rule a decoded webhook follows
    /// (an object nested deeper than ``JSONReader/depthCeiling`` has no text the reader
    /// accepts: its fields are nil, and it is kept in ``json``).
    public init(json: JSONObject) {
        let text = JSONText(JSONWriter.bytes(.object(json)), isCompact: true)
        self.init(text: text, range: 0..<text.bytes.count, payload: .tree(json))
    }

    /// The result of the object at `range` of validated `text`: the one typing rule. Its
    /// ``json`` is `payload`, or else parsed from `text` when first read.
    fileprivate init(text: JSONText, range: Range<Int>, payload: JSONPayload? = nil) {
        self.payload = payload ?? .text(text, range)
        let bytes = text.bytes
        let input = bytes.span.extracting(range)
        var members = Members()
        if JSONReader.scan(input, visitor: &members) == nil { members = Members() }
        status = jsonString(members.status, in: input)
        reviewer = jsonString(members.reviewer, in: input)
        comment = jsonString(members.comment, in: input)
        updatedAt = (jsonString(members.updated, in: input) ?? jsonString(members.update, in: input)).flatMap(Self.parseTimestamp)
        createdAt = jsonString(members.created, in: input).flatMap(Self.parseTimestamp)
        kycResultAt = jsonString(members.decided, in: input).flatMap(Self.parseTimestamp)
        pendingAt = jsonString(members.pending, in: input).flatMap(Self.parseTimestamp)
    }

    /// Where the members this type reads sit in the object's text: the value of the last
    /// member of each name (as in the parser), names compared by their decoded UTF-8 bytes.
    private struct Members: NamedMemberVisitor {
        var status, reviewer, comment, updated, update, created, decided, pending: Range<Int>?

        mutating func record(_ name: Span<UInt8>, _ value: Range<Int>) {
            switch name.count {
            case 6: if JSONBytes.equal(name, "status") { status = value }
            case 7: if JSONBytes.equal(name, "comment") { comment = value }
            case 8: if JSONBytes.equal(name, "reviewer") { reviewer = value }
            case 9: if JSONBytes.equal(name, "update_at") { update = value }
            case 10:
                if JSONBytes.equal(name, "updated_at") {
                    updated = value
                } else if JSONBytes.equal(name, "created_at") {
                    created = value
                } else if JSONBytes.equal(name, "pending_at") {
                    pending = value
                }
            case 13: if JSONBytes.equal(name, "kyc_result_at") { decided = value }
            default: break
            }
        }
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
        let bytes = text.utf8.span  // in place: no copy of the text
        var position = 0
        @inline(__always)  // callgrind: left to the optimizer, a webhook's timestamps (W4) take more instructions
        func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }
        /// Exactly `digits` decimal digits.
        @inline(__always)  // as `skip` (callgrind, W4)
        func number(digits: Int) -> Int? {
            guard position + digits <= bytes.count else { return nil }
            var value = 0
            for index in position..<(position + digits) {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            position += digits
            return value
        }
        guard let year = number(digits: 4), skip("-"), let month = number(digits: 2), skip("-"),
            let day = number(digits: 2), skip("T") || skip("t") || skip(" "),
            let hour = number(digits: 2), skip(":"), let minute = number(digits: 2), skip(":"),
            let second = number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if skip(".") || skip(",") {
            // One or more decimal digits.
            var scale = 1.0
            let start = position
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                scale /= 10
                fraction += Double(bytes[position] - 0x30) * scale
                position += 1
            }
            guard position > start else { return nil }
        }
        var offset = 0
        if skip("Z") || skip("z") {
            offset = 0
        } else if let sign = skip("+") ? 1 : skip("-") ? -1 : nil {
            guard let hours = number(digits: 2) else { return nil }
            _ = skip(":")
            guard let minutes = number(digits: 2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard position == bytes.count else { return nil }
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
