import LiveformBytes

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads JSON as strictly as ECMAScript's `JSON.parse`: RFC 8259 grammar, whitespace of
/// space/tab/CR/LF only, no byte-order mark, no comments or trailing commas; input must be
/// UTF-8. A duplicate key keeps its first position and its last value, as in JavaScript.
/// Nesting deeper than `maxDepth` is an error rather than a stack overflow (and never deeper
/// than ``depthCeiling``).
///
/// One walker reads the grammar (`walk`) and reports what it sees to a visitor (a
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
        _ bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
        duplicateKeys: DuplicateKeys = .lastWins
    ) throws(LiveformError) -> JSONValue {
        try bytes.withRaw { (raw) throws(LiveformError) in try parse(raw, maxDepth: maxDepth, duplicateKeys: duplicateKeys) }
    }

    package static func parse(
        _ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth,
        duplicateKeys: DuplicateKeys = .lastWins
    ) throws(LiveformError) -> JSONValue {
        var builder = TreeBuilder(input: input, rejectDuplicateKeys: duplicateKeys == .reject)
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
    package static func scan(_ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) -> Scan? {
        var none = IgnoredMembers()
        return scan(input, maxDepth: maxDepth, visitor: &none)
    }

    /// `scan`, also telling `visitor` about every member of a top-level object as it passes
    /// (in order, duplicates included). What the visitor saw counts only when the result is
    /// non-nil: the text after a member may still make it invalid.
    package static func scan<Visitor: TopLevelMemberVisitor>(
        _ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth,
        visitor: inout Visitor
    ) -> Scan? {
        var recorder = ScanRecorder(input: input, members: visitor)
        defer { visitor = recorder.members }
        guard let spaced = try? walk(input, maxDepth: maxDepth, &recorder) else { return nil }
        recorder.scan.hasWhitespace = spaced
        recorder.scan.needsParse = recorder.escapedName || recorder.unsettled
        return recorder.scan
    }

    /// The visitor of plain `scan`: sees nothing, costs nothing.
    package struct IgnoredMembers: TopLevelMemberVisitor {
        @inline(__always)
        package mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>) {}
    }
}

// MARK: - The grammar, once

/// What `JSONReader.walk` reports, in document order, as it reads a text.
/// Every range is of byte offsets into the input, and every report is of text already
/// checked (a string's escapes and UTF-8 included). `depth` counts the containers around the
/// value concerned: 0 for the top-level value, 1 for a member of a top-level object.
protocol JSONVisitor {
    /// An object or array opens, its bracket at `position`.
    mutating func open(object: Bool, at position: Int, depth: Int)
    /// The name of the member whose value comes next: the bytes between its quotes, which
    /// hold escapes when `escaped`.
    mutating func name(_ contents: Range<Int>, escaped: Bool, depth: Int)
    /// A string (`token` includes its quotes; `escaped` when it holds escapes), a number or
    /// a literal: the token's first byte tells which.
    mutating func scalar(_ token: Range<Int>, escaped: Bool, depth: Int)
    /// The innermost open container closes; `end` is just past its bracket.
    mutating func close(object: Bool, end: Int, depth: Int) throws(LiveformError)
}

extension JSONReader {
    /// Reads one JSON text (surrounded by whitespace at most), telling `visitor` what it holds,
    /// and throws at the first byte that `JSON.parse` would reject. Returns whether whitespace
    /// separates tokens anywhere.
    static func walk<Visitor: JSONVisitor>(
        _ input: UnsafeRawBufferPointer, maxDepth: Int,
        _ visitor: inout Visitor
    ) throws(LiveformError) -> Bool {
        let maxDepth = max(0, min(maxDepth, depthCeiling))
        // The kind of every open container, one bit per level (1 for an object): an explicit
        // stack instead of recursion, on the machine stack at any allowed depth.
        return try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: maxDepth / 64 + 1) { (kinds) throws(LiveformError) in
            kinds.initialize(repeating: 0)
            return try walk(input, maxDepth: maxDepth, kinds: kinds, &visitor)
        }
    }

    /// One loop over the text with the position in a local; a value that ends closes
    /// containers until one continues.
    private static func walk<Visitor: JSONVisitor>(
        _ input: UnsafeRawBufferPointer, maxDepth: Int, kinds: UnsafeMutableBufferPointer<UInt64>,
        _ visitor: inout Visitor
    ) throws(LiveformError) -> Bool {
        let count = input.count
        var position = 0, depth = 0, spaced = false, expectName = false
        @inline(__always) func isObject(_ level: Int) -> Bool { kinds[level >> 6] & (1 << UInt64(level & 63)) != 0 }

        values: while true {
            position = skipWhitespace(input, from: position, spaced: &spaced)
            guard position < count else { throw failure(position, expectName ? "expected a member name" : "unexpected end of input") }
            let start = position, first = input[position]
            if expectName && first != UInt8(ascii: "\"") { throw failure(position, "expected a member name") }
            if first == UInt8(ascii: "\"") {
                // A string, name or value: the one string scan, written here rather than
                // called, because every name and most values are short strings. Its UTF-8 is
                // validated, so that an escape-free string's bytes are its text as they are.
                var escaped = false
                position = skipPlainBytes(input, from: position &+ 1)
                string: while true {
                    guard position < count else { throw failure(position, "unterminated string") }
                    switch input[position] {
                    case UInt8(ascii: "\""):
                        position &+= 1
                        break string
                    case UInt8(ascii: "\\"):
                        escaped = true
                        if let reason = skipEscape(input, &position) { throw failure(position, reason) }
                    case 0x80...:
                        guard skipUTF8Sequence(input, &position) else { throw failure(position, "a string is not valid UTF-8") }
                    default:
                        throw failure(position, "unescaped control character in a string")
                    }
                    position = skipPlainBytes(input, from: position)
                }
                if expectName {
                    expectName = false
                    visitor.name((start &+ 1)..<(position &- 1), escaped: escaped, depth: depth)
                    position = skipWhitespace(input, from: position, spaced: &spaced)
                    guard position < count, input[position] == UInt8(ascii: ":") else { throw failure(position, "expected ':'") }
                    position &+= 1
                    continue values
                }
                visitor.scalar(start..<position, escaped: escaped, depth: depth)
            } else if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                let object = first == UInt8(ascii: "{")
                guard depth < maxDepth else { throw failure(position, "nesting deeper than \(maxDepth)") }
                visitor.open(object: object, at: position, depth: depth)
                position = skipWhitespace(input, from: position &+ 1, spaced: &spaced)
                // `}` and `]` are two past `{` and `[`.
                guard position < count, input[position] == first &+ 2 else {
                    depth &+= 1
                    let bit: UInt64 = 1 << UInt64(depth & 63)
                    if object { kinds[depth >> 6] |= bit } else { kinds[depth >> 6] &= ~bit }
                    expectName = object
                    continue values
                }
                position &+= 1
                try visitor.close(object: object, end: position, depth: depth)
            } else {
                switch first {
                case UInt8(ascii: "t"): try skipLiteral(input, &position, "true")
                case UInt8(ascii: "f"): try skipLiteral(input, &position, "false")
                case UInt8(ascii: "n"): try skipLiteral(input, &position, "null")
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber(input, &position)
                default: throw failure(position, "unexpected character")
                }
                visitor.scalar(start..<position, escaped: false, depth: depth)
            }
            while depth > 0 {
                position = skipWhitespace(input, from: position, spaced: &spaced)
                guard position < count else { throw failure(position, "unexpected end of input") }
                let object = isObject(depth), byte = input[position]
                position &+= 1
                if byte == UInt8(ascii: ",") {
                    expectName = object
                    continue values
                }
                guard byte == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw failure(position &- 1, object ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                depth &-= 1
                try visitor.close(object: object, end: position, depth: depth)
            }
            position = skipWhitespace(input, from: position, spaced: &spaced)
            guard position == count else { throw failure(position, "unexpected text after the JSON value") }
            return spaced
        }
    }

    static func failure(_ position: Int, _ reason: String) -> LiveformError {
        .malformed("invalid JSON at byte \(position): \(reason)")
    }

    /// The offset of the first byte at or after `start` that is not JSON whitespace; notes in
    /// `spaced` whether there was any.
    @inline(__always)  // runs between every two tokens, mostly finding nothing: a call would cost more
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

    /// The offset of the first byte at or after `start` that is `"`, `\`, a control character
    /// or non-ASCII (or the end). Eight bytes at a time, straight to the first special byte of
    /// a word (the lowest flagged byte of `specialBits` is exact: borrows only run upwards);
    /// after two plain words, 32-byte blocks (long strings: a base64 image). Most strings are
    /// names and short values, for which a block test would be wasted.
    @inline(__always)  // the string scan's inner loop: one per string, mostly short
    static func skipPlainBytes(_ input: UnsafeRawBufferPointer, from start: Int) -> Int {
        let count = input.count
        var position = start, plainWords = 0
        while position &+ 8 <= count {
            let bits = specialBits(input.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian)
            if bits != 0 { return position &+ bits.trailingZeroBitCount >> 3 }
            position &+= 8
            plainWords &+= 1
            if plainWords >= 2 { position = skipPlainBlocks(input, from: position) }
        }
        while position < count {
            let byte = input[position]
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
            position &+= 1
        }
        return position
    }

    /// Nonzero exactly when some byte of `word` is `"`, `\`, a control character or
    /// non-ASCII. Each test is exact about whether some byte matches (the classic
    /// has-zero-byte and has-less-than tricks), and the lowest flagged byte is always a match.
    @inline(__always)
    static func specialBits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (0x22 &* ones), backslash = word ^ (0x5C &* ones)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- 0x20 &* ones) & ~word) | word) & highs
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
            let special =
                (low .== quote) .| (low .== backslash) .| (low .< space)
                .| (high .== quote) .| (high .== backslash) .| (high .< space)
            if special.anySet { break }
            position += 32
        }
        return position
    }

    /// Skips the escape whose backslash is at `position`: one of `\"`, `\\`, `\/`, `\b`, `\f`,
    /// `\n`, `\r`, `\t`, or `\u` and four hex digits (any surrogate, paired or not: `unescape`
    /// makes a lone one U+FFFD).
    /// Returns why it is not an escape (then `position` is left at the backslash), or nil.
    @inline(never)  // rare: kept out of the string loop
    static func skipEscape(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> String? {
        let start = position
        guard start &+ 2 <= input.count else { return "unterminated string" }
        switch input[start &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position &+= 2
        case UInt8(ascii: "u"):
            guard start &+ 6 <= input.count, input[(start &+ 2)..<(start &+ 6)].allSatisfy({ Hex.digitValue($0) != nil }) else {
                return "invalid \\u escape"
            }
            position &+= 6
        default:
            return "invalid escape sequence"
        }
        return nil
    }

    /// Skips one well-formed UTF-8 sequence of two to four bytes (Unicode Table 3-7: no
    /// overlong forms, no surrogates, nothing above U+10FFFF), as String validation has it.
    @inline(never)  // kept out of the string loop, which ASCII text never leaves
    static func skipUTF8Sequence(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Bool {
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // bounds of the second byte
        switch input[position] {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return false
        }
        guard position + length <= input.count, (low...high).contains(input[position + 1]),
            input[(position + 2)..<(position + length)].allSatisfy({ $0 & 0xC0 == 0x80 })
        else {
            return false
        }
        position += length
        return true
    }

    /// Skips a number: an optional minus, an integer part without leading zeros, then
    /// optionally a fraction and an exponent, each with at least one digit.
    @inline(__always)  // numbers are common values, and short: a call would cost more than the scan
    static func skipNumber(_ input: UnsafeRawBufferPointer, _ position: inout Int) throws(LiveformError) {
        let start = position
        if input[position] == UInt8(ascii: "-") { position &+= 1 }
        if position < input.count, input[position] == UInt8(ascii: "0") {
            position &+= 1
        } else if skipDigits(input, &position) == 0 {
            throw failure(start, "invalid number")
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            position &+= 1
            guard skipDigits(input, &position) > 0 else { throw failure(position, "invalid number: no digits after '.'") }
        }
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            position &+= 1
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                position &+= 1
            }
            guard skipDigits(input, &position) > 0 else { throw failure(position, "invalid number: no exponent digits") }
        }
    }

    @inline(__always)
    static func skipDigits(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Int {
        let start = position
        while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
            position &+= 1
        }
        return position - start
    }

    static func skipLiteral(_ input: UnsafeRawBufferPointer, _ position: inout Int, _ literal: StaticString) throws(LiveformError) {
        let end = position &+ literal.utf8CodeUnitCount
        guard end <= input.count, bytes(UnsafeRawBufferPointer(rebasing: input[position..<end]), equal: literal) else {
            throw failure(position, "unknown literal")
        }
        position = end
    }
}

// MARK: - Values from their bytes

extension JSONReader {
    /// The text of an escape-free string's contents, which the walker has validated as UTF-8.
    static func text(_ contents: UnsafeRawBufferPointer) -> String {
        // A typed buffer: the standard library's fast path (a raw one goes through generic code).
        String(decoding: contents.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// The text of a string's contents with escapes, which the walker has checked: the one
    /// place escapes are decoded. A `\u` surrogate pair becomes its character; a lone
    /// surrogate, which a String cannot hold, becomes U+FFFD.
    static func unescape(_ contents: UnsafeRawBufferPointer) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(contents.count)
        func hex4(_ offset: Int) -> UInt32 {
            contents[offset..<(offset + 4)].reduce(0) { $0 << 4 | UInt32(Hex.digitValue($1) ?? 0) }
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
    static func number(_ token: UnsafeRawBufferPointer) -> Double {
        let digits = token[0] == UInt8(ascii: "-") ? token.dropFirst() : token[...]
        // Integers of up to 15 digits are exact in a Double: no text, no strtod.
        if digits.count <= 15, let integer = plainInteger(digits) {
            return digits.count < token.count ? -Double(integer) : Double(integer)
        }
        return Double(text(token)) ?? .nan  // never nil: the walker checked the grammar
    }

    /// The value of `digits` when they are digits only (no fraction or exponent), else nil.
    private static func plainInteger(_ digits: Slice<UnsafeRawBufferPointer>) -> Int64? {
        var value: Int64 = 0
        for byte in digits {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// The member names this SDK's documents use (Liveform parameters, Return URL fields,
    /// webhook events, the `data` envelope). A key that is one of them is returned as the
    /// compiled-in string: no String is allocated or reference-counted for the dozen names of
    /// every Liveform URL and webhook. Any other key is built as usual.
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
}

/// Builds the tree of `parse` from the walker's reports. `slots` holds every value read whose
/// container is still open, each with its key (empty in an array), after the slot of that
/// container itself; a container that closes moves its values out into its own storage.
private struct TreeBuilder: JSONVisitor {
    let input: UnsafeRawBufferPointer
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

    init(input: UnsafeRawBufferPointer, rejectDuplicateKeys: Bool) {
        self.input = input
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

    mutating func name(_ contents: Range<Int>, escaped: Bool, depth: Int) {
        let bytes = UnsafeRawBufferPointer(rebasing: input[contents])
        key = escaped ? JSONReader.unescape(bytes) : JSONReader.knownKey(bytes) ?? JSONReader.text(bytes)
    }

    mutating func scalar(_ token: Range<Int>, escaped: Bool, depth: Int) {
        let bytes = UnsafeRawBufferPointer(rebasing: input[token])
        let value: JSONValue
        switch bytes[0] {
        case UInt8(ascii: "\""):
            let contents = UnsafeRawBufferPointer(rebasing: bytes[1..<(bytes.count - 1)])
            value = .string(escaped ? JSONReader.unescape(contents) : JSONReader.text(contents))
        case UInt8(ascii: "t"): value = .bool(true)
        case UInt8(ascii: "f"): value = .bool(false)
        case UInt8(ascii: "n"): value = .null
        default: value = .number(JSONReader.number(bytes))
        }
        if depth == 0 {
            result = value
        } else {
            slots.append(JSONObject.Slot(key: key, value: value))
            key = ""
        }
    }

    mutating func close(object: Bool, end: Int, depth: Int) throws(LiveformError) {
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

    private func container(object: Bool, _ members: [JSONObject.Slot], end: Int) throws(LiveformError) -> JSONValue {
        guard object else { return .array(members.map(\.value)) }
        let built = JSONObject.parsed(members)  // a duplicate key: its first place, its last value
        if rejectDuplicateKeys && built.count != members.count {
            var seen = Set<[UInt8]>()
            let repeated = members.first { !seen.insert(Array($0.key.utf8)).inserted }?.key ?? ""
            throw JSONReader.failure(end, "the key '\(repeated)' appears twice")
        }
        return .object(built)
    }
}

/// Records what `scan` reports about a text, and hands each member of a top-level object to
/// `members`.
private struct ScanRecorder<Members: TopLevelMemberVisitor>: JSONVisitor {
    let input: UnsafeRawBufferPointer
    var members: Members
    var scan = JSONReader.Scan()
    /// A top-level member name has escapes (it might spell "data").
    var escapedName = false
    /// The top-level string, or the last "data" value, is not an escape-free string.
    var unsettled = false
    /// The member of the top-level object being read: its name, and where its value starts.
    var name = 0..<0, nameEscaped = false, valueStart = 0

    init(input: UnsafeRawBufferPointer, members: Members) {
        self.input = input
        self.members = members
    }

    mutating func open(object: Bool, at position: Int, depth: Int) {
        if depth == 0 { scan.topLevel = input[position] } else if depth == 1 { valueStart = position }
    }

    mutating func name(_ contents: Range<Int>, escaped: Bool, depth: Int) {
        guard depth == 1 else { return }
        name = contents
        nameEscaped = escaped
        if escaped { escapedName = true }
    }

    @inline(__always)  // called for every value at every depth, and mostly does nothing
    mutating func scalar(_ token: Range<Int>, escaped: Bool, depth: Int) {
        if depth == 0 {
            scan.topLevel = input[token.lowerBound]
            if scan.topLevel == UInt8(ascii: "\"") { settle(token, escaped: escaped) }
        } else if depth == 1 {
            member(token, escaped: escaped)
        }
    }

    mutating func close(object: Bool, end: Int, depth: Int) {
        if depth == 1 { member(valueStart..<end, escaped: false) }
    }

    /// A value at depth 1 has ended: a member, when the top level is an object.
    private mutating func member(_ value: Range<Int>, escaped: Bool) {
        guard scan.topLevel == UInt8(ascii: "{") else { return }
        // Only the "data" member matters (the envelope's token); a later duplicate replaces an
        // earlier one, as in `parse`.
        if !nameEscaped && JSONReader.bytes(UnsafeRawBufferPointer(rebasing: input[name]), equal: "data") {
            settle(value, escaped: escaped)
        }
        members.member(name: name, nameEscaped: nameEscaped, value: value)
    }

    /// `value` as the envelope's token: settled when it is a string without escapes.
    private mutating func settle(_ value: Range<Int>, escaped: Bool) {
        unsettled = escaped || input[value.lowerBound] != UInt8(ascii: "\"")
        scan.plainString = unsettled ? nil : (value.lowerBound + 1)..<(value.upperBound - 1)
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
