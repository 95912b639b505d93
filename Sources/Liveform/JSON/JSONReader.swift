#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LiveformBytes

/// Reads JSON as strictly as ECMAScript's `JSON.parse`: RFC 8259 grammar, whitespace of
/// space/tab/CR/LF only, no byte-order mark, no comments or trailing commas; input must be
/// UTF-8. A duplicate key keeps its first position and its last value, as in JavaScript.
/// Nesting deeper than `maxDepth` is an error rather than a stack overflow (and never deeper
/// than ``depthCeiling``).
public enum JSONReader {
    /// The default nesting limit: far above any real payload, far below the stack's limit.
    public static let defaultMaxDepth = 512

    /// The most nesting any parse accepts, whatever `maxDepth` asks for: the parser recurses
    /// once per level, and a deeper limit would let hostile input exhaust a thread's stack
    /// (a crash, not an error). A larger `maxDepth` is treated as this.
    public static let depthCeiling = 512

    /// What to do with a key that appears twice in one object.
    public enum DuplicateKeys: Sendable {
        /// Keep the first position and the last value, as JavaScript's `JSON.parse` does.
        case lastWins
        /// Refuse the text (``LiveformError/Code/malformedInput``): for input where a repeated
        /// name is a mistake, such as parameters given to the CLI.
        case reject
    }

    package static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
                              duplicateKeys: DuplicateKeys = .lastWins) throws(LiveformError) -> JSONValue {
        try bytes.withRaw { (raw) throws(LiveformError) in try parse(raw, maxDepth: maxDepth, duplicateKeys: duplicateKeys) }
    }

    package static func parse(_ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth,
                              duplicateKeys: DuplicateKeys = .lastWins) throws(LiveformError) -> JSONValue {
        var reader = Reader(input: input, maxDepth: min(maxDepth, depthCeiling), rejectDuplicateKeys: duplicateKeys == .reject)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == input.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private struct Reader {
        let input: UnsafeRawBufferPointer
        let maxDepth: Int
        let rejectDuplicateKeys: Bool
        var position = 0

        init(input: UnsafeRawBufferPointer, maxDepth: Int, rejectDuplicateKeys: Bool) {
            self.input = input
            self.maxDepth = maxDepth
            self.rejectDuplicateKeys = rejectDuplicateKeys
        }

        func error(_ what: String) -> LiveformError {
            .malformed("invalid JSON at byte \(position): \(what)")
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while position < input.count {
                switch input[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func readValue(depth: Int) throws(LiveformError) -> JSONValue {
            guard position < input.count else { throw error("unexpected end of input") }
            switch input[position] {
            case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
            case UInt8(ascii: "["): return try readArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try readString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
            default: throw error("unexpected character")
            }
        }

        mutating func expect(_ literal: StaticString) throws(LiveformError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= input.count else { throw error("unexpected end of input") }
            let bytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
            for offset in 0..<count where input[position + offset] != bytes[offset] {
                throw error("unknown literal")
            }
            position += count
        }

        mutating func readObject(depth: Int) throws(LiveformError) -> JSONValue {
            guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            position += 1
            skipWhitespace()
            if position < input.count, input[position] == UInt8(ascii: "}") {
                position += 1
                return .object(JSONObject())
            }
            // Members are collected first and become an object in one step (growing the
            // object member by member reallocated its storage and searched it each time).
            var members: [JSONObject.Slot] = []
            members.reserveCapacity(8)
            while true {
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try readString(internKnownKey: true)
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                let value = try readValue(depth: depth)
                members.append(JSONObject.Slot(key: key, value: value))
                skipWhitespace()
                guard position < input.count else { throw error("unexpected end of input in an object") }
                let byte = input[position]
                position += 1
                // A duplicate key keeps its first place and takes the last value.
                if byte == UInt8(ascii: "}") {
                    let object = JSONObject.parsed(members)
                    if rejectDuplicateKeys && object.count != members.count {
                        var seen = Set<[UInt8]>()
                        let repeated = members.first { !seen.insert(Array($0.key.utf8)).inserted }?.key ?? ""
                        throw error("the key '\(repeated)' appears twice")
                    }
                    return .object(object)
                }
                guard byte == UInt8(ascii: ",") else { throw error("expected ',' or '}'") }
            }
        }

        mutating func readArray(depth: Int) throws(LiveformError) -> JSONValue {
            guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < input.count, input[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try readValue(depth: depth))
                skipWhitespace()
                guard position < input.count else { throw error("unexpected end of input in an array") }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: "]") { return .array(elements) }
                guard byte == UInt8(ascii: ",") else { throw error("expected ',' or ']'") }
            }
        }

        mutating func readString(internKnownKey: Bool = false) throws(LiveformError) -> String {
            position += 1  // opening quote
            let start = position
            // Fast path: no escapes. Scan to the closing quote, eight plain bytes at a time.
            let (stop, sawNonASCII) = JSONReader.scanPlainString(input, from: start)
            position = stop
            if position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeRawBufferPointer(rebasing: input[start..<position])
                    position += 1
                    // ASCII needs no validation; the scan saw every byte that is not.
                    if !sawNonASCII {
                        if internKnownKey, let known = JSONReader.knownKey(slice) { return known }
                        return String(decoding: UnsafeBufferPointer(start: slice.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                                    count: slice.count), as: UTF8.self)
                    }
                    guard let text = validatedUTF8String(slice) else {
                        throw error("a string is not valid UTF-8")
                    }
                    return text
                }
                guard byte >= 0x20 else { throw error("unescaped control character in a string") }
                // A backslash: the slow path takes over from here.
            }
            // Slow path: escapes present.
            var bytes = [UInt8](UnsafeRawBufferPointer(rebasing: input[start..<position]))
            while position < input.count {
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: "\"") {
                    guard let text = bytes.withUnsafeBytes(validatedUTF8String) else {
                        throw error("a string is not valid UTF-8")
                    }
                    return text
                }
                if byte < 0x20 { throw error("unescaped control character in a string") }
                guard byte == UInt8(ascii: "\\") else { bytes.append(byte); continue }
                guard position < input.count else { break }
                let escape = input[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate: pair it with the low one that should follow.
                        if position + 6 <= input.count, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u") {
                            let save = position
                            position += 2
                            let low = try readHex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                position = save
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        scalar = 0xFFFD  // a lone low surrogate has no Swift representation
                    }
                    let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    bytes.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw error("invalid escape sequence")
                }
            }
            throw error("unterminated string")
        }

        mutating func readHex4() throws(LiveformError) -> UInt32 {
            guard position + 4 <= input.count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = input[position]
                position += 1
                guard let digit = Hex.digitValue(byte) else { throw error("invalid \\u escape") }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        mutating func readNumber() throws(LiveformError) -> Double {
            let start = position
            if input[position] == UInt8(ascii: "-") { position += 1 }
            guard position < input.count else { throw error("truncated number") }
            if input[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                guard readDigits() > 0 else { throw error("invalid number") }
            }
            if position < input.count, input[position] == UInt8(ascii: ".") {
                position += 1
                guard readDigits() > 0 else { throw error("invalid number: no digits after '.'") }
            }
            if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
                position += 1
                if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard readDigits() > 0 else { throw error("invalid number: no exponent digits") }
            }
            // Integers of up to 15 digits are exact in a Double: no text, no strtod.
            let digitsStart = input[start] == UInt8(ascii: "-") ? start + 1 : start
            if position - digitsStart <= 15, let integer = Self.plainInteger(input, digitsStart..<position) {
                return input[start] == UInt8(ascii: "-") ? -Double(integer) : Double(integer)
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
            // Like JavaScript: out-of-range magnitudes become ±Infinity or 0, never an error.
            guard let value = Double(text) else { throw error("invalid number") }
            return value
        }

        /// The value of `range` when it is digits only (a grammatical JSON number without
        /// fraction or exponent), else nil.
        static func plainInteger(_ input: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = input[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
            }
            return value
        }

        mutating func readDigits() -> Int {
            let start = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                position += 1
            }
            return position - start
        }
    }
}

// MARK: - Checking without building values

extension JSONReader {
    /// The member names this SDK's documents use (Liveform parameters, Return URL fields,
    /// webhook events, the `data` envelope). A key that is one of them is returned as the
    /// compiled-in string: no String is built from its bytes, which was a tenth of decoding a
    /// Liveform URL. Any other key is built as usual.
    private static let knownKeys = NameTable<String>(Array(zip(knownKeyNames() as [StaticString], knownKeyNames() as [String])))

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

    /// The compiled-in string of a known key with exactly these bytes, if any.
    @inline(__always)
    static func knownKey(_ bytes: UnsafeRawBufferPointer) -> String? {
        knownKeys.value(for: bytes)
    }

    /// Nonzero exactly when some byte of `word` is `"`, `\`, a control character or
    /// non-ASCII: the bytes a string scan must look at one by one. Each test is exact about
    /// whether some byte matches (the classic has-zero-byte and has-less-than tricks), and the
    /// lowest flagged byte is always a true match.
    @inline(__always)
    static func specialBits(_ word: UInt64) -> UInt64 {
        stopBits(word) | word & 0x8080_8080_8080_8080  // the stop bytes, and every non-ASCII byte
    }

    /// Skips 32-byte blocks with no special byte from `offset`: long strings (a base64 image
    /// in a 10 MiB body) cost one branch per 32 bytes. Returns the new offset.
    @inline(__always)
    static func skipPlainBlocks(_ input: UnsafeRawBufferPointer, from offset: Int) -> Int {
        var position = offset
        while position + 32 <= input.count {
            // Vector compares (SSE2 everywhere on x86-64, NEON on arm64): a byte is special
            // when it is `"` or `\`, or below 0x20 or from 0x80 up (as Int8: below 0x20).
            let low = input.loadUnaligned(fromByteOffset: position, as: SIMD16<Int8>.self)
            let high = input.loadUnaligned(fromByteOffset: position + 16, as: SIMD16<Int8>.self)
            let quote = SIMD16<Int8>(repeating: 0x22), backslash = SIMD16<Int8>(repeating: 0x5C)
            let space = SIMD16<Int8>(repeating: 0x20)
            let special = (low .== quote) .| (low .== backslash) .| (low .< space)
                .| (high .== quote) .| (high .== backslash) .| (high .< space)
            if special.anySet { break }
            position += 32
        }
        return position
    }

    /// Nonzero exactly when some byte of `word` is `"`, `\` or a control character (the
    /// lowest flagged byte, in memory order, is the first such byte; non-ASCII is not flagged).
    @inline(__always)
    static func stopBits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (0x22 &* ones), backslash = word ^ (0x5C &* ones)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- 0x20 &* ones) & ~word)) & highs
    }

    /// The offset of the first `"`, `\` or control character at or after `start` (or the end),
    /// and whether a non-ASCII byte came before it. Locals only, so the position stays in a
    /// register. A word at a time, straight to its first byte of interest (the lowest flagged
    /// byte is exact: borrows only run upwards); once a non-ASCII byte has been seen, only the
    /// stop bytes are looked for, so text in other scripts goes a word at a time too.
    static func scanPlainString(_ input: UnsafeRawBufferPointer, from start: Int) -> (stop: Int, sawNonASCII: Bool) {
        let count = input.count
        var position = start
        var sawNonASCII = false
        var plainWords = 0
        while true {
            while position &+ 8 <= count {
                let word = input.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian
                let bits = sawNonASCII ? stopBits(word) : specialBits(word)
                if bits != 0 {
                    position &+= bits.trailingZeroBitCount >> 3
                    break
                }
                position &+= 8
                plainWords &+= 1
                // Long plain strings (a base64 image): 32-byte blocks after two plain words.
                if plainWords >= 2 && !sawNonASCII { position = skipPlainBlocks(input, from: position) }
            }
            guard position < count else { return (position, sawNonASCII) }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return (position, sawNonASCII) }
            if byte >= 0x80 { sawNonASCII = true }
            position &+= 1
        }
    }

    /// Whether `bytes` are exactly the UTF-8 of `literal` (a member name, say).
    /// Up to 32 bytes (every name this SDK knows) are compared inline, as overlapping words
    /// from each side: a call to `memcmp` cost more than the comparison.
    @inline(__always)
    package static func bytes(_ bytes: UnsafeRawBufferPointer, equal literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        guard let base = bytes.baseAddress else { return true }
        let other = UnsafeRawPointer(literal.utf8Start)
        @inline(__always) func same<Word: FixedWidthInteger>(_ offset: Int, _: Word.Type) -> Bool {
            base.loadUnaligned(fromByteOffset: offset, as: Word.self) == other.loadUnaligned(fromByteOffset: offset, as: Word.self)
        }
        switch count {
        case 0: return true
        case 1...3: return same(0, UInt8.self) && same(count >> 1, UInt8.self) && same(count &- 1, UInt8.self)
        case 4..<8: return same(0, UInt32.self) && same(count &- 4, UInt32.self)
        case 8...16: return same(0, UInt64.self) && same(count &- 8, UInt64.self)
        case 17...32:
            return same(0, UInt64.self) && same(8, UInt64.self) && same(count &- 16, UInt64.self) && same(count &- 8, UInt64.self)
        default: return memcmp(base, other, count) == 0
        }
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
    ///
    /// The grammar, the depth limit and the UTF-8 rules are `parse`'s, rule for rule.
    package static func scan(_ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) -> Scan? {
        var none = IgnoredMembers()
        return scan(input, maxDepth: maxDepth, visitor: &none)
    }

    /// `scan`, also telling `visitor` about every member of a top-level object as it passes
    /// (in order, duplicates included). What the visitor saw counts only when the result is
    /// non-nil: the text after a member may still make it invalid.
    package static func scan<Visitor: TopLevelMemberVisitor>(_ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth,
                                                             visitor: inout Visitor) -> Scan? {
        // The parser's ceiling, so that both accept exactly the same texts.
        var scanner = Scanner(input: input, maxDepth: min(maxDepth, depthCeiling), visitor: visitor)
        defer { visitor = scanner.visitor }
        scanner.position = Scanner<Visitor>.skipWhitespace(input, from: 0, spaced: &scanner.result.hasWhitespace)
        guard scanner.position < input.count else { return nil }
        scanner.result.topLevel = input[scanner.position]
        guard scanner.skipValue(), scanner.finishTopLevel() else { return nil }
        scanner.result.needsParse = scanner.escapedMemberName || scanner.unsettledValue
        return scanner.result
    }

    /// The visitor of plain `scan`: sees nothing, costs nothing.
    package struct IgnoredMembers: TopLevelMemberVisitor {
        @inline(__always)
        package mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>) {}
    }

    /// The validating scanner: one loop over the text with the position in a local, an
    /// explicit stack of container kinds (one bit per level) instead of recursion, and every
    /// string scanned in line. Grammar, depth limit and UTF-8 rules are `parse`'s.
    private struct Scanner<Visitor: TopLevelMemberVisitor> {
        let input: UnsafeRawBufferPointer
        let maxDepth: Int
        var position = 0
        var result = Scan()
        /// A top-level member name has escapes (it might spell "data").
        var escapedMemberName = false
        /// The top-level string, or the last "data" value, is not an escape-free string.
        var unsettledValue = false
        var visitor: Visitor

        init(input: UnsafeRawBufferPointer, maxDepth: Int, visitor: Visitor) {
            self.input = input
            self.maxDepth = maxDepth
            self.visitor = visitor
        }

        mutating func finishTopLevel() -> Bool {
            position = Self.skipWhitespace(input, from: position, spaced: &result.hasWhitespace)
            return position == input.count
        }

        /// Skips the value at `position`, nested values included.
        mutating func skipValue() -> Bool {
            // One bit per nesting level (1 for an object, 0 for an array); on the stack for
            // any depth limit up to a few thousand.
            let words = Swift.max(1, Swift.max(0, maxDepth) / 64 + 1)
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { kinds in
                kinds.initialize(repeating: 0)
                return skipValue(kinds: kinds)
            }
        }

        @inline(__always)
        static func skipWhitespace(_ input: UnsafeRawBufferPointer, from start: Int, spaced: inout Bool) -> Int {
            var position = start
            scan: while position < input.count {
                switch input[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position &+= 1
                default: break scan
                }
            }
            if position != start { spaced = true }
            return position
        }

        private mutating func skipValue(kinds: UnsafeMutableBufferPointer<UInt64>) -> Bool {
            let input = self.input, count = input.count, maxDepth = self.maxDepth
            var position = self.position
            var spaced = result.hasWhitespace
            defer {
                self.position = position
                result.hasWhitespace = spaced
            }
            var depth = 0
            // The member of the top-level object being read.
            var memberName = 0..<0, memberNameEscaped = false, memberIsData = false, memberValue = 0
            var lastStringEscaped = false
            var expectName = false
            @inline(__always) func isObject(_ level: Int) -> Bool { kinds[level >> 6] & (1 << UInt64(level & 63)) != 0 }

            while true {
                position = Self.skipWhitespace(input, from: position, spaced: &spaced)
                if expectName {
                    expectName = false
                    guard position < count, input[position] == UInt8(ascii: "\"") else { return false }
                    let nameStart = position &+ 1
                    guard let escaped = Self.skipString(input, &position) else { return false }
                    let nameEnd = position &- 1
                    position = Self.skipWhitespace(input, from: position, spaced: &spaced)
                    guard position < count, input[position] == UInt8(ascii: ":") else { return false }
                    position = Self.skipWhitespace(input, from: position &+ 1, spaced: &spaced)
                    if depth == 1 {
                        memberName = nameStart..<nameEnd
                        memberNameEscaped = escaped
                        if escaped { escapedMemberName = true }
                        // Only the top-level object's "data" member matters (the envelope's token).
                        memberIsData = !escaped && JSONReader.bytes(UnsafeRawBufferPointer(rebasing: input[memberName]), equal: "data")
                        memberValue = position
                    }
                }
                // A value at `position`.
                guard position < count else { return false }
                switch input[position] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let isObject = input[position] == UInt8(ascii: "{")
                    depth &+= 1
                    guard depth <= maxDepth else { return false }
                    let bit: UInt64 = 1 << UInt64(depth & 63)
                    if isObject { kinds[depth >> 6] |= bit } else { kinds[depth >> 6] &= ~bit }
                    position = Self.skipWhitespace(input, from: position &+ 1, spaced: &spaced)
                    if position < count, input[position] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        position &+= 1
                        depth &-= 1
                    } else {
                        expectName = isObject
                        continue
                    }
                case UInt8(ascii: "\""):
                    let start = position &+ 1
                    guard let escaped = Self.skipString(input, &position) else { return false }
                    lastStringEscaped = escaped
                    if depth == 0 {
                        result.plainString = escaped ? nil : start..<(position &- 1)
                        unsettledValue = escaped
                    }
                case UInt8(ascii: "t"): guard Self.skipLiteral(input, &position, "true") else { return false }
                case UInt8(ascii: "f"): guard Self.skipLiteral(input, &position, "false") else { return false }
                case UInt8(ascii: "n"): guard Self.skipLiteral(input, &position, "null") else { return false }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard Self.skipNumber(input, &position) else { return false }
                default:
                    return false
                }
                // A value ended at `position`: close containers until one continues.
                while true {
                    if depth == 0 { return true }
                    if depth == 1 && isObject(1) {
                        if memberIsData {
                            // A later duplicate "data" replaces an earlier one, as in `parse`.
                            if input[memberValue] == UInt8(ascii: "\"") {
                                result.plainString = lastStringEscaped ? nil : (memberValue &+ 1)..<(position &- 1)
                                unsettledValue = lastStringEscaped
                            } else {
                                result.plainString = nil
                                unsettledValue = true
                            }
                        }
                        visitor.member(name: memberName, nameEscaped: memberNameEscaped, value: memberValue..<position)
                    }
                    position = Self.skipWhitespace(input, from: position, spaced: &spaced)
                    guard position < count else { return false }
                    let byte = input[position]
                    position &+= 1
                    if byte == UInt8(ascii: ",") {
                        expectName = isObject(depth)
                        break
                    }
                    guard byte == (isObject(depth) ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
                    depth &-= 1
                }
            }
        }

        static func skipLiteral(_ input: UnsafeRawBufferPointer, _ position: inout Int, _ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard position + count <= input.count else { return false }
            for offset in 0..<count where input[position + offset] != literal.utf8Start[offset] { return false }
            position += count
            return true
        }

        /// Skips a string at `position` (its opening quote). Returns whether it had escapes,
        /// or nil when `parse` would reject it.
        @inline(__always)
        static func skipString(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Bool? {
            position &+= 1
            var escaped = false
            let count = input.count
            while true {
                // Eight plain bytes at a time: none of `"`, `\`, a control character or a
                // non-ASCII byte; then straight to the first special byte of the word (the
                // lowest flagged byte of `specialBits` is exact: borrows only run upwards).
                // After two plain words, 32-byte blocks (long strings: a base64 image); most
                // strings are names and short values, for which a block test is wasted.
                var plainWords = 0
                while position &+ 8 <= count {
                    let bits = JSONReader.specialBits(input.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian)
                    if bits != 0 {
                        position &+= bits.trailingZeroBitCount >> 3
                        break
                    }
                    position &+= 8
                    plainWords &+= 1
                    if plainWords >= 2 { position = JSONReader.skipPlainBlocks(input, from: position) }
                }
                guard position < count else { return nil }
                let byte = input[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position &+= 1
                    return escaped
                case UInt8(ascii: "\\"):
                    escaped = true
                    guard skipEscape(input, &position) else { return nil }
                case 0..<0x20:
                    return nil
                case 0x80...:
                    guard skipUTF8Sequence(input, &position) else { return nil }
                default:
                    position &+= 1
                }
            }
        }

        /// `\x` after the backslash at `position`, by `parse`'s rules: a `\u` needs four hex
        /// digits; surrogates, paired or not, are always accepted (a lone one becomes U+FFFD).
        static func skipEscape(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Bool {
            position += 1
            guard position < input.count else { return false }
            let escape = input[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                 UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return true
            case UInt8(ascii: "u"):
                guard position + 4 <= input.count else { return false }
                for offset in 0..<4 {
                    switch input[position + offset] {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                         UInt8(ascii: "A")...UInt8(ascii: "F"): continue
                    default: return false
                    }
                }
                position += 4
                return true
            default:
                return false
            }
        }

        /// One well-formed UTF-8 sequence of two to four bytes (Unicode Table 3-7: no
        /// overlong forms, no surrogates, nothing above U+10FFFF), as String validation has it.
        static func skipUTF8Sequence(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Bool {
            let lead = input[position]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // bounds of the second byte
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard position + length <= input.count else { return false }
            let second = input[position + 1]
            guard second >= low, second <= high else { return false }
            for offset in 2..<length where input[position + offset] & 0xC0 != 0x80 { return false }
            position += length
            return true
        }

        static func skipNumber(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Bool {
            if input[position] == UInt8(ascii: "-") { position += 1 }
            guard position < input.count else { return false }
            if input[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                guard skipDigits(input, &position) > 0 else { return false }
            }
            if position < input.count, input[position] == UInt8(ascii: ".") {
                position += 1
                guard skipDigits(input, &position) > 0 else { return false }
            }
            if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
                position += 1
                if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard skipDigits(input, &position) > 0 else { return false }
            }
            return true
        }

        @inline(__always)
        static func skipDigits(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Int {
            let start = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                position &+= 1
            }
            return position - start
        }
    }
}

/// Sees the members of a top-level JSON object while ``JSONReader/scan(_:maxDepth:visitor:)``
/// validates it, so that a caller can pick out the few it needs without building the tree.
package protocol TopLevelMemberVisitor {
    /// One member: `name` is the byte range of its name between the quotes, as written
    /// (`nameEscaped` when it holds escapes, so that its bytes are not its text); `value` is
    /// the byte range of the value, from its first to its last byte.
    mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>)
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
    @inline(__always)
    package func value(for bytes: UnsafeRawBufferPointer) -> Value? {
        let length = bytes.count
        guard length &+ 1 < starts.count else { return nil }
        var index = starts[length]
        let end = starts[length &+ 1]
        while index < end {
            if JSONReader.bytes(bytes, equal: names[index]) { return values[index] }
            index &+= 1
        }
        return nil
    }
}
