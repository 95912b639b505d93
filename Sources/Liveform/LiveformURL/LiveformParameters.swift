#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The query parameters of a Liveform URL, in the order they were set.
///
/// The documented options have typed properties; any other name goes through the
/// subscript with a JSON value. Assigning a property the first time appends it; assigning
/// it again replaces the value in place; assigning nil removes it. The order is kept
/// because the JSON inside `encrypted` is written in that order, and ECB output depends
/// on every byte.
///
/// ```swift
/// var parameters = LiveformParameters()
/// parameters.email = "kim@example.com"
/// parameters.userid = "user-42"
/// parameters.allowedCountries = ["KOR", "USA"]
/// parameters.rejectDuplicateUser = true
/// parameters["projectionId"] = "p-7"          // escape hatch: any name, any JSON value
/// ```
///
/// Nothing is validated on assignment; ``validate(encrypted:)`` (called by the builder)
/// reports the first problem, naming the parameter.
public struct LiveformParameters: Sendable, Hashable, Sequence {
    /// One parameter: its name and its JSON value.
    public typealias Parameter = (name: String, value: JSONValue)

    /// A parameter and the kind its name was classified as when it was set, so validation and
    /// the plain/encrypted split switch on an enum instead of comparing strings per call.
    struct Entry: Sendable {
        var name: String
        var value: JSONValue
        let kind: ParameterKind
    }

    private(set) var entries: [Entry] = []
    /// Only `init(_:)` and `append` can create a repeated name; `validate` looks for one only then.
    private var mayRepeatNames = false

    /// No parameters; set them with the typed properties or the subscript.
    public init() {}

    /// Parameters in the given order. Duplicate names are kept here and reported by
    /// ``validate(encrypted:)``, so a caller's mistake is not silently resolved.
    public init<S: Sequence>(_ parameters: S) where S.Element == (String, JSONValue) {
        entries = parameters.map { Entry(name: $0.0, value: $0.1, kind: ParameterKind(name: $0.0)) }
        mayRepeatNames = entries.count > 1
    }

    /// The number of parameters.
    public var count: Int { entries.count }
    /// Whether there are no parameters.
    public var isEmpty: Bool { entries.isEmpty }
    /// The names, in order.
    public var names: [String] { entries.map(\.name) }

    public struct Iterator: IteratorProtocol {
        fileprivate var base: IndexingIterator<[Entry]>
        public mutating func next() -> Parameter? { base.next().map { ($0.name, $0.value) } }
    }

    public func makeIterator() -> Iterator { Iterator(base: entries.makeIterator()) }

    /// The value of `name`; assigning nil removes it.
    public subscript(name: String) -> JSONValue? {
        get { entries.first { sameText($0.name, name) }?.value }
        set { set(newValue, at: entries.firstIndex { sameText($0.name, name) }, name: name, kind: ParameterKind(name: name)) }
    }

    private subscript(kind: ParameterKind) -> JSONValue? {
        get { entries.first { $0.kind == kind }?.value }
        set { set(newValue, at: entries.firstIndex { $0.kind == kind }, name: kind.name, kind: kind) }
    }

    private mutating func set(_ value: JSONValue?, at index: Int?, name: String, kind: ParameterKind) {
        if let index {
            if let value { entries[index].value = value } else { entries.remove(at: index) }
        } else if let value {
            entries.append(Entry(name: name, value: value, kind: kind))
        }
    }

    /// Appends without replacing an existing parameter of the same name. With `distinct`,
    /// the caller guarantees no parameter has this name yet (a decoder appending the members
    /// of a JSON object), so `validate` need not look for repeats.
    mutating func append(_ name: String, _ value: JSONValue, distinct: Bool = false) {
        entries.append(Entry(name: name, value: value, kind: ParameterKind(name: name)))
        if !distinct { mayRepeatNames = true }
    }

    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    public static func == (lhs: LiveformParameters, rhs: LiveformParameters) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { sameText($0.name, $1.name) && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            ExactText(entry.name).hash(into: &hasher)
            hasher.combine(entry.value)
        }
    }

    // MARK: Typed accessors

    private func string(_ kind: ParameterKind) -> String? { self[kind]?.plainTextIfScalar }
    private mutating func setString(_ kind: ParameterKind, _ value: String?) { self[kind] = value.map(JSONValue.string) }
    private func flag(_ kind: ParameterKind) -> Bool? { Self.flag(self[kind]) }
    private static func flag(_ value: JSONValue?) -> Bool? {
        switch value {
        case .bool(let value)?: return value
        case .string("true")?: return true
        case .string("false")?: return false
        default: return nil
        }
    }
    private mutating func setFlag(_ kind: ParameterKind, _ value: Bool?) { self[kind] = value.map(JSONValue.bool) }
    private func list(_ kind: ParameterKind) -> [String]? {
        switch self[kind] {
        case .string(let text)?: return text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return nil
        }
    }
    private mutating func setList(_ kind: ParameterKind, _ value: [String]?) {
        self[kind] = value.map { .string($0.joined(separator: ",")) }
    }

    /// The user's e-mail address.
    public var email: String? {
        get { string(.email) }
        set { setString(.email, newValue) }
    }
    /// Your identifier for the user.
    public var userid: String? {
        get { string(.userid) }
        set { setString(.userid, newValue) }
    }
    /// Custom field 1, returned in webhooks and the Return URL.
    public var cf1: String? {
        get { string(.cf1) }
        set { setString(.cf1, newValue) }
    }
    /// Custom field 2.
    public var cf2: String? {
        get { string(.cf2) }
        set { setString(.cf2, newValue) }
    }
    /// Custom field 3.
    public var cf3: String? {
        get { string(.cf3) }
        set { setString(.cf3, newValue) }
    }
    /// `false` turns off the blacklist-country restriction for this submission (the form
    /// accepts only `false`).
    public var blacklistCountries: Bool? {
        get { flag(.blacklistCountries) }
        set { setFlag(.blacklistCountries, newValue) }
    }
    /// `false` turns off the approved-duplicate prevention period (only `false` is accepted).
    public var approvePeriod: Bool? {
        get { flag(.approvePeriod) }
        set { setFlag(.approvePeriod, newValue) }
    }
    /// `false` turns off the rejected-duplicate prevention period (only `false` is accepted).
    public var rejectPeriod: Bool? {
        get { flag(.rejectPeriod) }
        set { setFlag(.rejectPeriod, newValue) }
    }
    /// `false` turns off the age restriction (only `false` is accepted).
    public var ageLimit: Bool? {
        get { flag(.ageLimit) }
        set { setFlag(.ageLimit, newValue) }
    }
    /// Enables or disables duplicate-submission prevention.
    public var rejectDuplicateUser: Bool? {
        get { flag(.rejectDuplicateUser) }
        set { setFlag(.rejectDuplicateUser, newValue) }
    }
    /// A Private Mode token id: 8–64 of `A–Z a–z 0–9 . _ -`, starting and ending alphanumeric.
    public var token: String? {
        get { string(.token) }
        set { setString(.token, newValue) }
    }
    /// ISO 3166-1 alpha-3 codes of the accepted issuing countries, written `"USA,KOR"`.
    /// Must be encrypted.
    public var allowedCountries: [String]? {
        get { list(.allowedCountries) }
        set { setList(.allowedCountries, newValue) }
    }
    /// The ID document types to accept, written comma-separated.
    public var allowedIdTypes: [String]? {
        get { list(.allowedIdTypes) }
        set { setList(.allowedIdTypes, newValue) }
    }
    /// Preselects the issuing country (ISO 3166-1 alpha-3), skipping that step.
    public var selectedIssuingCountry: String? {
        get { string(.selectedIssuingCountry) }
        set { setString(.selectedIssuingCountry, newValue) }
    }
    /// Preselects the ID type, skipping that step.
    public var selectedIdType: String? {
        get { string(.selectedIdType) }
        set { setString(.selectedIdType, newValue) }
    }
    /// The link stops admitting new starts after this instant; written in UTC as
    /// `2026-04-30T15:00:00Z` (whole seconds). Must be encrypted.
    public var startValidUntil: Date? {
        get { string(.startValidUntil).flatMap(Timestamp.parse) }
        set { setString(.startValidUntil, newValue.map(Timestamp.format)) }
    }
    /// Submission id for the Injection process. Plain in the URL unless encryption-only mode.
    public var sid: String? {
        get { string(.sid) }
        set { setString(.sid, newValue) }
    }
    /// Action for the Injection process. Plain in the URL unless encryption-only mode.
    public var action: String? {
        get { string(.action) }
        set { setString(.action, newValue) }
    }
    /// Which Knowledge-Based items to ask for (`"skip"` skips the step). Must be encrypted.
    public var knowledgeField: JSONValue? {
        get { self[.knowledgeField] }
        set { self[.knowledgeField] = newValue }
    }
    /// Prefilled Knowledge-Based values. Must be encrypted.
    public var knowledgePrefill: JSONValue? {
        get { self[.knowledgePrefill] }
        set { self[.knowledgePrefill] = newValue }
    }
    /// Auxiliary identity verification (e.g. phone number). Must be encrypted.
    public var auxidField: JSONValue? {
        get { self[.auxidField] }
        set { self[.auxidField] = newValue }
    }

    // MARK: Rules

    /// Names the URL itself uses: passing them as parameters is a mistake.
    public static let reservedNames: Set<String> = ["pid", "lang", "encrypted"]
    /// Parameters the form accepts only inside `encrypted`.
    public static let encryptedOnlyNames: Set<String> = [
        "allowedCountries", "startValidUntil", "knowledgeField", "knowledgePrefill", "auxidField",
    ]
    /// Parameters that stay plain (outside `encrypted`) unless encryption-only mode is on.
    public static let injectionNames: Set<String> = ["sid", "action"]

    /// Checks what the form would reject or silently ignore.
    ///
    /// - Parameter encrypted: whether the URL will carry an `encrypted` parameter.
    /// - Throws: ``LiveformError/Code/invalidParameter`` naming the parameter and the rule.
    public func validate(encrypted: Bool) throws(LiveformError) {
        if mayRepeatNames {
            var seen = Set<ExactText>(minimumCapacity: entries.count)
            for entry in entries where !seen.insert(ExactText(entry.name)).inserted {
                throw .invalidParameter("parameter '\(entry.name)' is given twice")
            }
        }
        // The cross rules below need only to know which of three parameters are present.
        var hasAuxidField = false, hasSelectedIssuingCountry = false, hasSelectedIdType = false
        // By index, reading only the fields a rule needs: `for entry in entries` would copy
        // every entry (a retain and a release of its name and its value) before looking at it.
        // Names are read only to write an error message.
        for index in entries.indices {
            let kind = entries[index].kind
            if case .null = entries[index].value { throw .invalidParameter("'\(entries[index].name)' is null; remove it instead") }
            switch kind {
            case .auxidField: hasAuxidField = true
            case .reserved:
                throw .invalidParameter("'\(entries[index].name)' is set by the URL builder itself; it cannot be passed as a parameter")
            case .other where entries[index].name.isEmpty:
                throw .invalidParameter("a parameter has an empty name")
            case .email, .userid, .cf1, .cf2, .cf3, .sid, .action, .selectedIdType:
                if kind == .selectedIdType { hasSelectedIdType = true }
                guard case .string = entries[index].value else { throw .invalidParameter("'\(kind.name)' must be a string") }
            case .token:
                guard case .string(let token) = entries[index].value else { throw .invalidParameter("'token' must be a string") }
                try Self.validateToken(token)
            case .selectedIssuingCountry:
                hasSelectedIssuingCountry = true
                guard case .string(let code) = entries[index].value else { throw .invalidParameter("'\(kind.name)' must be a string") }
                try Self.validateCountry(code, parameter: kind.name)
            case .blacklistCountries, .approvePeriod, .rejectPeriod, .ageLimit:
                switch entries[index].value {
                case .bool(false): break
                case .bool(true):
                    throw .invalidParameter("'\(kind.name)' accepts only false (it turns a restriction off); the form ignores true")
                default:
                    throw .invalidParameter("'\(kind.name)' must be false (a boolean)")
                }
            case .rejectDuplicateUser:
                guard case .bool = entries[index].value else {
                    throw .invalidParameter("'rejectDuplicateUser' must be true or false, got \(entries[index].value.jsonText)")
                }
            case .allowedCountries:
                guard case .string(let text) = entries[index].value, !text.isEmpty else {
                    throw .invalidParameter("'allowedCountries' must be a comma-separated list of ISO 3166-1 alpha-3 codes")
                }
                try Self.validateCountryList(text)
            case .startValidUntil:
                guard case .string(let string) = entries[index].value, string.hasSuffix("Z"), Timestamp.parse(string) != nil else {
                    throw .invalidParameter("'startValidUntil' must be a UTC ISO-8601 time ending in Z, e.g. 2026-04-30T15:00:00Z")
                }
            default:
                break
            }
            if !encrypted {
                if kind.mustBeEncrypted {
                    throw .invalidParameter("'\(kind.name)' is accepted by the form only inside 'encrypted'; enable ECB or GCM encryption")
                }
                switch entries[index].value {
                case .array, .object:
                    throw .invalidParameter("'\(entries[index].name)' has a structured value, which a plain URL cannot carry; encrypt it")
                default: break
                }
            }
        }
        // Rules across parameters, from the vendor's query-string guide.
        if hasAuxidField, hasSelectedIssuingCountry || hasSelectedIdType {
            throw .invalidParameter(
                "'auxidField' cannot be combined with 'selectedIssuingCountry' or 'selectedIdType' (the form does not support both)")
        }
        if hasSelectedIssuingCountry, let selected = selectedIssuingCountry, let allowed = allowedCountries, !allowed.contains(selected) {
            throw .invalidParameter("'selectedIssuingCountry' \(selected) is not among 'allowedCountries' (\(allowed.joined(separator: ",")))")
        }
    }

    /// `allowedCountries`: the commas walked over the bytes, with no array of pieces; a known
    /// code costs no String (only an unknown one is made into one, for the error message).
    static func validateCountryList(_ text: String) throws(LiveformError) {
        let utf8 = text.utf8
        let bytes = utf8.span
        var unknown: Range<Int>?
        var start = 0
        while true {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
            if !CountryCodes.isAlpha3(bytes.extracting(start..<end)) {
                unknown = start..<end
                break
            }
            guard end < bytes.count else { break }
            start = end + 1
        }
        if let unknown {
            let code = String(decoding: Array(text.utf8)[unknown], as: UTF8.self)
            try validateCountry(code, parameter: "allowedCountries")
        }
    }

    static func validateToken(_ token: String) throws(LiveformError) {
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        // Checked over the contiguous bytes; the first failing rule, in the order below, is reported.
        enum Verdict {
            case ok
            case length(Int)
            case characters, ends
        }
        let utf8 = token.utf8
        let bytes = utf8.span
        let verdict: Verdict
        if !(8...64).contains(bytes.count) {
            verdict = .length(bytes.count)
        } else if bytes.indices.contains(where: {
            let byte = bytes[$0]
            return !(isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-"))
        }) {
            verdict = .characters
        } else if !isAlphanumeric(bytes[0]) || !isAlphanumeric(bytes[bytes.count - 1]) {
            verdict = .ends
        } else {
            verdict = .ok
        }
        switch verdict {
        case .ok: return
        case .length(let count): throw .invalidParameter("'token' must be 8 to 64 characters, got \(count)")
        case .characters: throw .invalidParameter("'token' may contain only A–Z, a–z, 0–9, '.', '_' and '-'")
        case .ends: throw .invalidParameter("'token' must start and end with a letter or digit")
        }
    }

    static func validateCountry(_ code: String, parameter: String) throws(LiveformError) {
        guard CountryCodes.alpha3.contains(code) else {
            let hint = CountryCodes.alpha3.contains(code.uppercased()) ? " (codes are upper case: \(code.uppercased()))" : ""
            throw .invalidParameter("'\(parameter)': '\(code)' is not an ISO 3166-1 alpha-3 country code\(hint)")
        }
    }
}

extension JSONValue {
    /// Strings as they are, numbers and booleans as JSON text; nil for arrays, objects, null.
    var plainTextIfScalar: String? {
        switch self {
        case .string(let text): return text
        case .bool, .number: return jsonText
        default: return nil
        }
    }
}

/// UTC timestamps as the form writes and reads them.
package enum Timestamp {
    /// `2026-04-30T15:00:00Z` (whole seconds, UTC; fractions are dropped, rounding down).
    ///
    /// Written with integer civil-date arithmetic rather than `Calendar`, so the library needs
    /// only FoundationEssentials. Dates before 0001-01-01 or after 9999-12-31T23:59:59Z are
    /// clamped to those ends (no form accepts either).
    package static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = interval.isNaN ? 0 : Int(min(max(interval.rounded(.down), -62_135_596_800), 253_402_300_799))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    /// Reads ISO-8601 date-times with or without fractional seconds, with `Z` or an offset,
    /// and `yyyy-MM-dd HH:mm:ss` as UTC (one parser for the whole SDK: webhooks use it too).
    package static func parse(_ text: String) -> Date? {
        KYCResult.parseTimestamp(text)
    }
}

/// The documented parameter names, classified once when a parameter is set.
enum ParameterKind: Sendable, Hashable {
    case email, userid, cf1, cf2, cf3, blacklistCountries, approvePeriod, rejectPeriod, ageLimit
    case rejectDuplicateUser, token, allowedCountries, allowedIdTypes, selectedIssuingCountry, selectedIdType
    case startValidUntil, sid, action, knowledgeField, knowledgePrefill, auxidField
    /// `pid`, `lang`, `encrypted`: the builder's own.
    case reserved
    case other

    /// The kinds with a documented name, in the vendor's order.
    private static let documented: [ParameterKind] = [
        .email, .userid, .cf1, .cf2, .cf3, .blacklistCountries, .approvePeriod, .rejectPeriod, .ageLimit,
        .rejectDuplicateUser, .token, .allowedCountries, .allowedIdTypes, .selectedIssuingCountry, .selectedIdType,
        .startValidUntil, .sid, .action, .knowledgeField, .knowledgePrefill, .auxidField,
    ]

    /// The documented names and the builder's own: classifying a name is a few byte
    /// comparisons of equal length, with no hashing (it runs per parameter per URL).
    private static let byName = NameTable<ParameterKind>(
        documented.map { ($0.staticName, $0) } + [("pid", .reserved), ("lang", .reserved), ("encrypted", .reserved)])

    /// The kind of `name`, matched by its exact UTF-8 bytes (as JavaScript compares names).
    init(name: String) {
        let utf8 = name.utf8
        self = Self.byName.value(for: utf8.span) ?? .other
    }

    /// The wire name of a documented kind, as either kind of literal (the one place the names
    /// are spelled); empty for `.reserved` and `.other`, whose names only their entries know.
    private func spelling<Text: ExpressibleByStringLiteral>() -> Text {
        switch self {
        case .email: "email"
        case .userid: "userid"
        case .cf1: "cf1"
        case .cf2: "cf2"
        case .cf3: "cf3"
        case .blacklistCountries: "blacklistCountries"
        case .approvePeriod: "approvePeriod"
        case .rejectPeriod: "rejectPeriod"
        case .ageLimit: "ageLimit"
        case .rejectDuplicateUser: "rejectDuplicateUser"
        case .token: "token"
        case .allowedCountries: "allowedCountries"
        case .allowedIdTypes: "allowedIdTypes"
        case .selectedIssuingCountry: "selectedIssuingCountry"
        case .selectedIdType: "selectedIdType"
        case .startValidUntil: "startValidUntil"
        case .sid: "sid"
        case .action: "action"
        case .knowledgeField: "knowledgeField"
        case .knowledgePrefill: "knowledgePrefill"
        case .auxidField: "auxidField"
        case .reserved, .other: ""
        }
    }

    /// The wire name as compile-time bytes: the URL writer copies it instead of reading the
    /// entry's `String`, which would cost a retain and a release.
    var staticName: StaticString { spelling() }

    /// Whether the entry's name is ``staticName`` (a documented kind).
    var isDocumented: Bool { self != .reserved && self != .other }

    /// The wire name of a documented kind (typed setters create entries from it). A literal,
    /// so copies of it are never reference-counted.
    var name: String { spelling() }

    /// Accepted by the form only inside `encrypted` (§3.3).
    var mustBeEncrypted: Bool {
        switch self {
        case .allowedCountries, .startValidUntil, .knowledgeField, .knowledgePrefill, .auxidField: true
        default: false
        }
    }

    /// `sid` and `action` stay plain unless encryption-only mode is on.
    var isInjection: Bool { self == .sid || self == .action }
}
