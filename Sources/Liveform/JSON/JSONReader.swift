import LiveformBytes

/// Reads JSON as strictly as ECMAScript's `JSON.parse`: RFC 8259 grammar, whitespace of
/// space/tab/CR/LF only, no byte-order mark, no comments or trailing commas; input must be
/// UTF-8. A duplicate key keeps its first position and its last value, as in JavaScript.
/// Nesting deeper than `maxDepth` is an error rather than a stack overflow (and never deeper
/// than ``depthCeiling``).
///
/// One walker reads the grammar (`JSONBytes.walk`) and reports what it sees to a visitor (a
/// `JSONVisitor`): `parse` builds the tree from those reports, `scan` only records a few facts,
/// so both accept exactly the same texts.
public enum JSONReader {
    /// The default nesting limit: far above any real payload, far below the stack's limit.
    public static let defaultMaxDepth = 512

    /// The most nesting any read accepts, whatever `maxDepth` asks for. Reading does not
    /// recurse, but a parsed tree is written, compared and destroyed recursively: a deeper
    /// limit would let hostile input exhaust a thread's stack (a crash, not an error). A larger
    /// `maxDepth` is treated as this.
    public static let depthCeiling = 512

    /// What to do with a key that appears twice in one object.
    public enum DuplicateKeys: Sendable {
        /// Keep the first position and the last value, as JavaScript's `JSON.parse` does.
        case lastWins
        /// Refuse the text (``LiveformError/Code/malformedInput``): for input where a repeated
        /// name is a mistake, such as parameters given to the CLI.
        case reject
    }

    package static func parse(
        _ input: Span<UInt8>, maxDepth: Int = defaultMaxDepth,
        duplicateKeys: DuplicateKeys = .lastWins
    ) throws(LiveformError) -> JSONValue {
        var builder = TreeBuilder(rejectDuplicateKeys: duplicateKeys == .reject)
        _ = try walk(input, maxDepth: maxDepth, &builder)
        return builder.result
    }

    /// What `scan` learned about a valid JSON text.
    package struct Scan {
        /// The first byte of the top-level value: `{`, `[`, `"`, `t`, `f`, `n`, `-` or a digit.
        package var topLevel: UInt8 = 0
        /// For a top-level string, or the last top-level `"data"` member of an object, when it
        /// is a string without escapes: the byte range of its contents (between the quotes).
        package var plainString: Range<Int>?
        /// True when `plainString` alone does not settle it: a top-level string or `"data"`
        /// value with escapes, a `"data"` value that is not a string, or a top-level member
        /// name with escapes (it might spell "data"). Callers then parse properly.
        package var needsParse = false
        /// True when whitespace separates tokens somewhere (outside strings): the text is not
        /// compact, and cannot be copied as one line of compact JSON.
        package var hasWhitespace = false
    }

    /// Checks that `input` is JSON that `parse` accepts, without building any value (no
    /// copy of a multi-megabyte string is made). Nil when `parse` would throw; callers that
    /// report the error run `parse` for its exact message.
    package static func scan(_ input: Span<UInt8>, maxDepth: Int = defaultMaxDepth) -> Scan? {
        var none = IgnoredMembers()
        return scan(input, maxDepth: maxDepth, visitor: &none)
    }

    /// `scan`, also telling `visitor` about every member of a top-level object as it passes
    /// (in order, duplicates included). What the visitor saw counts only when the result is
    /// non-nil: the text after a member may still make it invalid.
    package static func scan<Visitor: TopLevelMemberVisitor>(
        _ input: Span<UInt8>, maxDepth: Int = defaultMaxDepth,
        visitor: inout Visitor
    ) -> Scan? {
        var recorder = ScanRecorder(members: visitor)
        defer { visitor = recorder.members }
        guard let spaced = try? walk(input, maxDepth: maxDepth, &recorder) else { return nil }
        recorder.scan.hasWhitespace = spaced
        recorder.scan.needsParse = recorder.escapedName || recorder.unsettled
        return recorder.scan
    }

    /// The visitor of plain `scan`: sees nothing, costs nothing.
    package struct IgnoredMembers: TopLevelMemberVisitor {
        package mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>, in input: Span<UInt8>) {}
    }

    /// The one grammar, with `maxDepth` capped at ``depthCeiling`` and its errors as
    /// ``LiveformError/Code/malformedInput``.
    private static func walk<Visitor: JSONVisitor>(
        _ input: Span<UInt8>, maxDepth: Int, _ visitor: inout Visitor
    ) throws(LiveformError) -> Bool {
        do {
            return try JSONBytes.walk(input, maxDepth: max(0, min(maxDepth, depthCeiling)), &visitor)
        } catch {
            throw .malformed("invalid JSON at byte \(error.position): \(error.reason)")
        }
    }
}

// MARK: - Values from their bytes

extension JSONReader {
    /// The text of a string's contents with escapes, which the walker has checked: the one
    /// place escapes are decoded. A `\u` surrogate pair becomes its character; a lone
    /// surrogate, which a String cannot hold, becomes U+FFFD.
    static func unescape(_ contents: Span<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(contents.count)
        func hex4(_ offset: Int) -> UInt32 {
            var value: UInt32 = 0
            for index in offset..<(offset + 4) { value = value << 4 | UInt32(hexDigitValue(contents[index]) ?? 0) }
            return value
        }
        var position = 0
        while position < contents.count {
            let byte = contents[position]
            position += 1
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            let escape = contents[position]
            position += 1
            switch escape {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(position)
                position += 4
                if (0xD800..<0xDC00).contains(scalar), position + 6 <= contents.count, contents[position] == UInt8(ascii: "\\"),
                    contents[position + 1] == UInt8(ascii: "u"), case let low = hex4(position + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                }
                UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { bytes.append($0) }  // nil: a lone surrogate
            default:
                bytes.append(escape)  // `"`, `\` or `/`
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of a number token, as JavaScript reads it: out-of-range magnitudes become
    /// ±Infinity or ±0, never an error.
    static func number(_ token: Span<UInt8>) -> Double {
        let negative = token[0] == UInt8(ascii: "-")
        // Integers of up to 15 digits are exact in a Double: no text, no strtod.
        if token.count <= (negative ? 16 : 15) {
            var value: Int64 = 0, index = negative ? 1 : 0
            while index < token.count, case let digit = token[index] &- UInt8(ascii: "0"), digit < 10 {
                value = value &* 10 &+ Int64(digit)
                index &+= 1
            }
            if index == token.count { return negative ? -Double(value) : Double(value) }
        }
        return Double(JSONBytes.text(token)) ?? .nan  // never nil: the walker checked the grammar
    }

    /// The member names this SDK's documents use (Liveform parameters, Return URL fields,
    /// webhook events, the `data` envelope). A key that is one of them is returned as the
    /// compiled-in string: no String is allocated or reference-counted for the dozen names of
    /// every Liveform URL and webhook. Any other key is built as usual.
    fileprivate static let knownKeys = NameTable<String>(Array(zip(knownKeyNames() as [StaticString], knownKeyNames() as [String])))

    /// The names, as either kind of literal: the strings returned are literals, whose copies
    /// are never reference-counted (a String made from a StaticString would be).
    private static func knownKeyNames<Text: ExpressibleByStringLiteral>() -> [Text] {
        [
            "email", "userid", "cf1", "cf2", "cf3", "blacklistCountries", "approvePeriod", "rejectPeriod", "ageLimit",
            "rejectDuplicateUser", "token", "allowedCountries", "allowedIdTypes", "selectedIssuingCountry",
            "selectedIdType", "startValidUntil", "sid", "action", "knowledgeField", "knowledgePrefill", "auxidField",
            "pid", "lang", "encrypted", "kycStatus", "submissionId", "errorCode", "data",
            "webhook_trigger", "submission_id", "tokenId", "cf", "kyc_result", "aml_result", "status", "reviewer",
            "comment", "updated_at", "update_at", "created_at", "kyc_result_at", "pending_at",
        ]
    }
}

/// Builds the tree of `parse` from the walker's reports. `slots` holds every value read whose
/// container is still open, each with its key (empty in an array), after the slot of that
/// container itself; a container that closes moves its values out into its own storage.
private struct TreeBuilder: JSONVisitor {
    let rejectDuplicateKeys: Bool
    /// The values read so far of every open container, innermost last, each nested container
    /// holding a slot (its key, a placeholder value) in the one around it.
    var slots: [JSONObject.Slot] = []
    /// Where the values of the innermost open container start in `slots`; `starts` keeps those
    /// of the containers around it (the top-level container needs neither a slot nor a start:
    /// a flat object allocates nothing here beyond `slots`, which becomes its storage).
    var current = 0
    var starts: [Int] = []
    /// The name of the member whose value comes next.
    var key = ""
    /// The top-level value, once read.
    var result = JSONValue.null

    init(rejectDuplicateKeys: Bool) {
        self.rejectDuplicateKeys = rejectDuplicateKeys
    }

    mutating func open(object: Bool, at position: Int, depth: Int) {
        if depth == 0 {
            slots.reserveCapacity(16)  // a flat object of a dozen members or so (a Liveform URL's) without regrowing
            return
        }
        starts.append(current)
        slots.append(JSONObject.Slot(key: key, value: .null))  // filled when the container closes
        key = ""
        current = slots.count
    }

    mutating func name(_ contents: Range<Int>, escaped: Bool, depth: Int, in input: Span<UInt8>) {
        let bytes = input.extracting(contents)
        key = escaped ? JSONReader.unescape(bytes) : JSONReader.knownKeys.value(for: bytes) ?? JSONBytes.text(bytes)
    }

    mutating func scalar(_ token: Range<Int>, escaped: Bool, depth: Int, in input: Span<UInt8>) {
        let value: JSONValue
        switch input[token.lowerBound] {
        case UInt8(ascii: "\""):
            let contents = input.extracting((token.lowerBound + 1)..<(token.upperBound - 1))
            value = .string(escaped ? JSONReader.unescape(contents) : JSONBytes.text(contents))
        case UInt8(ascii: "t"): value = .bool(true)
        case UInt8(ascii: "f"): value = .bool(false)
        case UInt8(ascii: "n"): value = .null
        default: value = .number(JSONReader.number(input.extracting(token)))
        }
        if depth == 0 {
            result = value
        } else {
            slots.append(JSONObject.Slot(key: key, value: value))
            key = ""
        }
    }

    mutating func close(object: Bool, end: Int, depth: Int, in input: Span<UInt8>) throws(JSONSyntaxError) {
        if depth == 0 {
            let members = slots  // the whole of `slots`, handed over without a copy
            slots = []
            result = try container(object: object, members, end: end)
        } else {
            let start = current
            current = starts.removeLast()
            let value = try container(object: object, Array(slots[start...]), end: end)
            slots.removeSubrange(start...)
            slots[start - 1].value = value
        }
    }

    private func container(object: Bool, _ members: [JSONObject.Slot], end: Int) throws(JSONSyntaxError) -> JSONValue {
        guard object else { return .array(members.map(\.value)) }
        let built = JSONObject.parsed(members)  // a duplicate key: its first place, its last value
        if rejectDuplicateKeys && built.count != members.count {
            var seen = Set<[UInt8]>()
            let repeated = members.first { !seen.insert(Array($0.key.utf8)).inserted }?.key ?? ""
            throw JSONSyntaxError(end, "the key '\(repeated)' appears twice")
        }
        return .object(built)
    }
}

/// Records what `scan` reports about a text, and hands each member of a top-level object to
/// `members`.
private struct ScanRecorder<Members: TopLevelMemberVisitor>: JSONVisitor {
    var members: Members
    var scan = JSONReader.Scan()
    /// A top-level member name has escapes (it might spell "data").
    var escapedName = false
    /// The top-level string, or the last "data" value, is not an escape-free string.
    var unsettled = false
    /// The member of the top-level object being read: its name, and where its value starts.
    var name = 0..<0, nameEscaped = false, valueStart = 0

    init(members: Members) {
        self.members = members
    }

    mutating func open(object: Bool, at position: Int, depth: Int) {
        if depth == 0 { scan.topLevel = object ? UInt8(ascii: "{") : UInt8(ascii: "[") } else if depth == 1 { valueStart = position }
    }

    mutating func name(_ contents: Range<Int>, escaped: Bool, depth: Int, in input: Span<UInt8>) {
        guard depth == 1 else { return }
        name = contents
        nameEscaped = escaped
        if escaped { escapedName = true }
    }

    mutating func scalar(_ token: Range<Int>, escaped: Bool, depth: Int, in input: Span<UInt8>) {
        if depth == 0 {
            scan.topLevel = input[token.lowerBound]
            if scan.topLevel == UInt8(ascii: "\"") { settle(token, escaped: escaped, in: input) }
        } else if depth == 1 {
            member(token, escaped: escaped, in: input)
        }
    }

    mutating func close(object: Bool, end: Int, depth: Int, in input: Span<UInt8>) {
        if depth == 1 { member(valueStart..<end, escaped: false, in: input) }
    }

    /// A value at depth 1 has ended: a member, when the top level is an object.
    private mutating func member(_ value: Range<Int>, escaped: Bool, in input: Span<UInt8>) {
        guard scan.topLevel == UInt8(ascii: "{") else { return }
        // Only the "data" member matters (the envelope's token); a later duplicate replaces an
        // earlier one, as in `parse`.
        if !nameEscaped && JSONBytes.equal(input.extracting(name), "data") {
            settle(value, escaped: escaped, in: input)
        }
        members.member(name: name, nameEscaped: nameEscaped, value: value, in: input)
    }

    /// `value` as the envelope's token: settled when it is a string without escapes.
    private mutating func settle(_ value: Range<Int>, escaped: Bool, in input: Span<UInt8>) {
        unsettled = escaped || input[value.lowerBound] != UInt8(ascii: "\"")
        scan.plainString = unsettled ? nil : (value.lowerBound + 1)..<(value.upperBound - 1)
    }
}

/// Sees the members of a top-level JSON object while ``JSONReader/scan(_:maxDepth:visitor:)``
/// validates it, so that a caller can pick out the few it needs without building the tree.
package protocol TopLevelMemberVisitor {
    /// One member: `name` is the byte range of its name between the quotes, as written
    /// (`nameEscaped` when it holds escapes, so that its bytes are not its text); `value` is
    /// the byte range of the value, from its first to its last byte; both are of `input`.
    mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>, in input: Span<UInt8>)
}

/// Names (compile-time strings) and a value for each, looked up by exact UTF-8 bytes: the
/// candidates of the right length are compared, with no hashing. One flat array sorted by
/// length and the offset where each length starts: a table of arrays per length cost an
/// atomic retain and release of the inner array on every lookup (two dozen per URL).
package struct NameTable<Value: Sendable>: Sendable {
    private let names: [StaticString]
    private let values: [Value]
    /// `starts[n] ..< starts[n + 1]`: the entries whose names have n bytes.
    private let starts: [Int]

    package init(_ entries: [(StaticString, Value)]) {
        let sorted = entries.enumerated().sorted {
            ($0.element.0.utf8CodeUnitCount, $0.offset) < ($1.element.0.utf8CodeUnitCount, $1.offset)
        }.map(\.element)
        names = sorted.map(\.0)
        values = sorted.map(\.1)
        let longest = names.last?.utf8CodeUnitCount ?? 0
        var starts = [Int](repeating: 0, count: longest + 2)
        for name in names { starts[name.utf8CodeUnitCount + 1] += 1 }
        for length in 1..<starts.count { starts[length] += starts[length - 1] }
        self.starts = starts
    }

    /// The value of the name with exactly these bytes, if there is one.
    package func value(for bytes: Span<UInt8>) -> Value? {
        let length = bytes.count
        guard length &+ 1 < starts.count else { return nil }
        return JSONBytes.index(of: bytes, among: names, starts[length]..<starts[length &+ 1]).map { values[$0] }
    }
}
