#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The byte level of the JSON reader: the one walker over the grammar, and the few byte
// comparisons and copies the reader's visitors need, all behind `Span` arguments.
//
// The walker and what it runs per byte are `@inlinable`: it is generic over its visitor,
// which lives in another module, and only an inlined walker is specialized for it (an
// unspecialized one reaches every visitor call and every byte through generic code).
// The API is `public`, not `package`: Swift 6.3 inlines and specializes an `@inlinable`
// declaration of another module only when it is public (as `package`, the walker ran
// unspecialized, as callgrind showed). This target is no product, and `Liveform` imports it internally, so nothing here reaches Liveform's users.

/// Why a text is not JSON that ECMAScript's `JSON.parse` accepts: the offset of the byte
/// where reading stopped, and the reason, written for people.
public struct JSONSyntaxError: Error, Sendable {
    public let position: Int
    public let reason: String

    @inlinable
    public init(_ position: Int, _ reason: String) {
        self.position = position
        self.reason = reason
    }
}

/// What ``JSONBytes/walk(_:maxDepth:_:)`` reports, in document order, as it reads a text.
/// Every range is of byte offsets into `input`, and every report is of text already checked
/// (a string's escapes and UTF-8 included). `depth` counts the containers around the value
/// concerned: 0 for the top-level value, 1 for a member of a top-level object.
public protocol JSONVisitor {
    /// An object or array opens, its bracket at `position`.
    mutating func open(object: Bool, at position: Int, depth: Int)
    /// The name of the member whose value comes next: the bytes between its quotes, which
    /// hold escapes when `escaped`.
    mutating func name(_ contents: Range<Int>, escaped: Bool, depth: Int, in input: Span<UInt8>)
    /// A string (`token` includes its quotes; `escaped` when it holds escapes), a number or
    /// a literal: the token's first byte tells which.
    mutating func scalar(_ token: Range<Int>, escaped: Bool, depth: Int, in input: Span<UInt8>)
    /// The innermost open container closes; `end` is just past its bracket.
    mutating func close(object: Bool, end: Int, depth: Int, in input: Span<UInt8>) throws(JSONSyntaxError)
}

/// JSON at the byte level (RFC 8259 as strictly as `JSON.parse`: whitespace of
/// space/tab/CR/LF only, no byte-order mark, no comments or trailing commas, UTF-8 only).
public enum JSONBytes {
    /// Reads one JSON text (surrounded by whitespace at most), telling `visitor` what it holds,
    /// and throws at the first byte that `JSON.parse` would reject; nesting deeper than
    /// `maxDepth` (at least 0) is such a byte. Returns whether whitespace separates tokens
    /// anywhere.
    @inlinable
    public static func walk<Visitor: JSONVisitor>(
        _ input: Span<UInt8>, maxDepth: Int, _ visitor: inout Visitor
    ) throws(JSONSyntaxError) -> Bool {
        // The kind of every open container, one bit per level (1 for an object): an explicit
        // stack instead of recursion, on the machine stack at any allowed depth.
        try input.withUnsafeBytes { (raw) throws(JSONSyntaxError) in
            try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: maxDepth / 64 + 1) { (kinds) throws(JSONSyntaxError) in
                kinds.initialize(repeating: 0)
                return try walk(raw, input, maxDepth: maxDepth, kinds: kinds, &visitor)
            }
        }
    }

    /// One loop over the text with the position in a local; a value that ends closes
    /// containers until one continues. `input` is `raw`, as the visitor reads it.
    @inlinable
    static func walk<Visitor: JSONVisitor>(
        _ raw: UnsafeRawBufferPointer, _ input: Span<UInt8>, maxDepth: Int, kinds: UnsafeMutableBufferPointer<UInt64>,
        _ visitor: inout Visitor
    ) throws(JSONSyntaxError) -> Bool {
        let count = raw.count
        var position = 0, depth = 0, spaced = false, expectName = false
        func isObject(_ level: Int) -> Bool { kinds[level >> 6] & (1 << UInt64(level & 63)) != 0 }

        values: while true {
            position = skipWhitespace(raw, from: position, spaced: &spaced)
            guard position < count else {
                throw JSONSyntaxError(position, expectName ? "expected a member name" : "unexpected end of input")
            }
            let start = position, first = raw[position]
            if expectName && first != UInt8(ascii: "\"") { throw JSONSyntaxError(position, "expected a member name") }
            if first == UInt8(ascii: "\"") {
                // A string, name or value: the one string scan, written here rather than
                // called, because every name and most values are short strings. Its UTF-8 is
                // validated, so that an escape-free string's bytes are its text as they are.
                var escaped = false
                position = skipPlainBytes(raw, from: position &+ 1)
                string: while true {
                    guard position < count else { throw JSONSyntaxError(position, "unterminated string") }
                    switch raw[position] {
                    case UInt8(ascii: "\""):
                        position &+= 1
                        break string
                    case UInt8(ascii: "\\"):
                        escaped = true
                        if let reason = skipEscape(raw, &position) { throw JSONSyntaxError(position, reason) }
                    case 0x80...:
                        guard skipUTF8Sequence(raw, &position) else { throw JSONSyntaxError(position, "a string is not valid UTF-8") }
                    default:
                        throw JSONSyntaxError(position, "unescaped control character in a string")
                    }
                    position = skipPlainBytes(raw, from: position)
                }
                if expectName {
                    expectName = false
                    visitor.name((start &+ 1)..<(position &- 1), escaped: escaped, depth: depth, in: input)
                    position = skipWhitespace(raw, from: position, spaced: &spaced)
                    guard position < count, raw[position] == UInt8(ascii: ":") else { throw JSONSyntaxError(position, "expected ':'") }
                    position &+= 1
                    continue values
                }
                visitor.scalar(start..<position, escaped: escaped, depth: depth, in: input)
            } else if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                let object = first == UInt8(ascii: "{")
                guard depth < maxDepth else { throw JSONSyntaxError(position, "nesting deeper than \(maxDepth)") }
                visitor.open(object: object, at: position, depth: depth)
                position = skipWhitespace(raw, from: position &+ 1, spaced: &spaced)
                // `}` and `]` are two past `{` and `[`.
                guard position < count, raw[position] == first &+ 2 else {
                    depth &+= 1
                    let bit: UInt64 = 1 << UInt64(depth & 63)
                    if object { kinds[depth >> 6] |= bit } else { kinds[depth >> 6] &= ~bit }
                    expectName = object
                    continue values
                }
                position &+= 1
                try visitor.close(object: object, end: position, depth: depth, in: input)
            } else {
                switch first {
                case UInt8(ascii: "t"): try skipLiteral(raw, &position, "true")
                case UInt8(ascii: "f"): try skipLiteral(raw, &position, "false")
                case UInt8(ascii: "n"): try skipLiteral(raw, &position, "null")
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): position = try skipNumber(raw, from: position)
                default: throw JSONSyntaxError(position, "unexpected character")
                }
                visitor.scalar(start..<position, escaped: false, depth: depth, in: input)
            }
            while depth > 0 {
                position = skipWhitespace(raw, from: position, spaced: &spaced)
                guard position < count else { throw JSONSyntaxError(position, "unexpected end of input") }
                let object = isObject(depth), byte = raw[position]
                position &+= 1
                if byte == UInt8(ascii: ",") {
                    expectName = object
                    continue values
                }
                guard byte == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw JSONSyntaxError(position &- 1, object ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                depth &-= 1
                try visitor.close(object: object, end: position, depth: depth, in: input)
            }
            position = skipWhitespace(raw, from: position, spaced: &spaced)
            guard position == count else { throw JSONSyntaxError(position, "unexpected text after the JSON value") }
            return spaced
        }
    }

    /// Whether `byte` is JSON whitespace: space, tab, line feed or carriage return (RFC 8259 §2).
    @inlinable
    public static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The offset of the first byte at or after `start` that is not JSON whitespace; notes in
    /// `spaced` whether there was any. Between most tokens there is none (compact JSON): one
    /// comparison settles that, and only whitespace is skipped out of line.
    @inlinable @inline(__always)  // callgrind: left to the optimizer, a webhook (W4) takes more instructions
    static func skipWhitespace(_ input: UnsafeRawBufferPointer, from start: Int, spaced: inout Bool) -> Int {
        guard start < input.count, input[start] <= 0x20 else { return start }
        return skipSpaces(input, from: start, spaced: &spaced)
    }

    /// `skipWhitespace` past its first test: the run of whitespace at `start`.
    @usableFromInline
    static func skipSpaces(_ input: UnsafeRawBufferPointer, from start: Int, spaced: inout Bool) -> Int {
        var position = start
        while position < input.count, isWhitespace(input[position]) { position &+= 1 }
        if position != start { spaced = true }
        return position
    }

    /// The offset of the first byte at or after `start` that is `"`, `\`, a control character
    /// or non-ASCII (or the end): where a string's plain run stops.
    @inlinable
    public static func skipPlainBytes(_ input: Span<UInt8>, from start: Int) -> Int {
        input.withUnsafeBytes { skipPlainBytes($0, from: start) }
    }

    /// `skipPlainBytes` over raw memory. Eight bytes at a time, straight to the first special
    /// byte of a word (the lowest flagged byte of `specialBits` is exact: borrows only run
    /// upwards); after eight plain words, 64-byte blocks (long strings: a base64 image). Most
    /// strings are names and short values, for which a block test would be wasted. Blocks are
    /// tried once per call: the block that stops them holds the special byte, so the words
    /// reach it within eight steps, and testing that block again at every word would be waste.
    ///
    /// Words rather than 16-byte vectors for the first steps: a vector compare costs fewer
    /// instructions, but moving its result to a general register and branching on it made a
    /// webhook slower in wall time.
    @inlinable @inline(__always)  // callgrind: left to the optimizer, a webhook (W4) takes more instructions
    static func skipPlainBytes(_ input: UnsafeRawBufferPointer, from start: Int) -> Int {
        let count = input.count
        var position = start, plainWords = 0
        while position &+ 8 <= count {
            let bits = specialBits(input.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian)
            if bits != 0 { return position &+ bits.trailingZeroBitCount >> 3 }
            position &+= 8
            plainWords &+= 1
            if plainWords == 8 { position = skipPlainBlocks(input, from: position) }
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
    @inlinable
    static func specialBits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (0x22 &* ones), backslash = word ^ (0x5C &* ones)
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- 0x20 &* ones) & ~word) | word) & highs
    }

    /// Skips 64-byte blocks with no special byte from `offset`: long strings (a base64 image
    /// in a 10 MiB body) cost one branch per 64 bytes, and the four 16-byte compares of a
    /// block are independent, so they overlap. Returns the new offset.
    @inlinable
    static func skipPlainBlocks(_ input: UnsafeRawBufferPointer, from offset: Int) -> Int {
        // Vector compares (SSE2 everywhere on x86-64, NEON on arm64): a byte is special when
        // it is `"` or `\`, or below 0x20 or from 0x80 up (as Int8: below 0x20).
        let quote = SIMD16<Int8>(repeating: 0x22), backslash = SIMD16<Int8>(repeating: 0x5C)
        let space = SIMD16<Int8>(repeating: 0x20)
        func special(_ at: Int) -> SIMDMask<SIMD16<Int8>> {
            let bytes = input.loadUnaligned(fromByteOffset: at, as: SIMD16<Int8>.self)
            return (bytes .== quote) .| (bytes .== backslash) .| (bytes .< space)
        }
        var position = offset
        while position &+ 64 <= input.count {
            if (special(position) .| special(position &+ 16) .| special(position &+ 32) .| special(position &+ 48)).anySet { break }
            position &+= 64
        }
        return position
    }

    /// Skips the escape whose backslash is at `position`: one of `\"`, `\\`, `\/`, `\b`, `\f`,
    /// `\n`, `\r`, `\t`, or `\u` and four hex digits (any surrogate, paired or not: the
    /// reader makes a lone one U+FFFD).
    /// Returns why it is not an escape (then `position` is left at the backslash), or nil.
    @usableFromInline @inline(never)  // rare: kept out of the string loop
    static func skipEscape(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> String? {
        let start = position
        guard start &+ 2 <= input.count else { return "unterminated string" }
        switch input[start &+ 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position &+= 2
        case UInt8(ascii: "u"):
            guard start &+ 6 <= input.count, input[(start &+ 2)..<(start &+ 6)].allSatisfy({ hexDigitValue($0) != nil }) else {
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
    @usableFromInline @inline(never)  // kept out of the string loop, which ASCII text never leaves
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
    /// optionally a fraction and an exponent, each with at least one digit. Returns the offset
    /// just past it.
    @inlinable
    static func skipNumber(_ input: UnsafeRawBufferPointer, from start: Int) throws(JSONSyntaxError) -> Int {
        var position = start
        if input[position] == UInt8(ascii: "-") { position &+= 1 }
        if position < input.count, input[position] == UInt8(ascii: "0") {
            position &+= 1
        } else {
            let digits = position
            position = skipDigits(input, from: digits)
            guard position > digits else { throw JSONSyntaxError(start, "invalid number") }
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            let digits = position &+ 1
            position = skipDigits(input, from: digits)
            guard position > digits else { throw JSONSyntaxError(digits, "invalid number: no digits after '.'") }
        }
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            var digits = position &+ 1
            if digits < input.count, input[digits] == UInt8(ascii: "+") || input[digits] == UInt8(ascii: "-") { digits &+= 1 }
            position = skipDigits(input, from: digits)
            guard position > digits else { throw JSONSyntaxError(digits, "invalid number: no exponent digits") }
        }
        return position
    }

    /// The offset of the first byte at or after `start` that is not a decimal digit.
    @inlinable
    static func skipDigits(_ input: UnsafeRawBufferPointer, from start: Int) -> Int {
        var position = start
        while position < input.count, input[position] &- UInt8(ascii: "0") < 10 { position &+= 1 }
        return position
    }

    @inlinable
    static func skipLiteral(_ input: UnsafeRawBufferPointer, _ position: inout Int, _ literal: StaticString) throws(JSONSyntaxError) {
        let end = position &+ literal.utf8CodeUnitCount
        guard end <= input.count, equal(UnsafeRawBufferPointer(rebasing: input[position..<end]), literal) else {
            throw JSONSyntaxError(position, "unknown literal")
        }
        position = end
    }
}

// MARK: - Bytes compared and copied

extension JSONBytes {
    /// The text of UTF-8 bytes (an escape-free string's contents, which the walker has
    /// validated; anything else is repaired with U+FFFD).
    @inlinable
    public static func text(_ contents: Span<UInt8>) -> String {
        contents.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `bytes` are exactly the UTF-8 of `literal` (a member name, say).
    @inlinable
    public static func equal(_ bytes: Span<UInt8>, _ literal: StaticString) -> Bool {
        bytes.withUnsafeBytes { equal($0, literal) }
    }

    /// `equal` over raw memory. Up to 32 bytes (every name this SDK knows) are compared
    /// inline, as overlapping words from each side: a call to `memcmp` cost more than the
    /// comparison.
    @inlinable @inline(__always)  // callgrind: left to the optimizer, URL decoding (W3) and webhooks (W4) take more
    static func equal(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        guard let base = bytes.baseAddress else { return true }
        let other = UnsafeRawPointer(literal.utf8Start)
        func same<Word: FixedWidthInteger>(_ offset: Int, _: Word.Type) -> Bool {
            base.loadUnaligned(fromByteOffset: offset, as: Word.self) == other.loadUnaligned(fromByteOffset: offset, as: Word.self)
        }
        switch count {
        case 0: return true
        case 1...3: return same(0, UInt8.self) && same(count >> 1, UInt8.self) && same(count &- 1, UInt8.self)
        case 4..<8: return same(0, UInt32.self) && same(count &- 4, UInt32.self)
        case 8...16: return same(0, UInt64.self) && same(count &- 8, UInt64.self)
        case 17...32:
            return same(0, UInt64.self) && same(8, UInt64.self) && same(count &- 16, UInt64.self) && same(count &- 8, UInt64.self)
        default: return sameMemory(base, other, count)
        }
    }

    /// Where `bytes` are among `names[candidates]`: the index of the first name whose UTF-8
    /// they are exactly, if any (a table lookup; the bytes are lent once for all candidates).
    @inlinable
    public static func index(of bytes: Span<UInt8>, among names: [StaticString], _ candidates: Range<Int>) -> Int? {
        bytes.withUnsafeBytes { raw in
            for index in candidates where equal(raw, names[index]) { return index }
            return nil
        }
    }

    /// Whether two strings have the same UTF-8 bytes (one `memcmp` over native storage).
    @inlinable
    public static func sameUTF8(_ lhs: String, _ rhs: String) -> Bool {
        let result = lhs.utf8.withContiguousStorageIfAvailable { a in
            rhs.utf8.withContiguousStorageIfAvailable { b in
                a.count == b.count && (a.count == 0 || sameMemory(a.baseAddress!, b.baseAddress!, a.count))
            }
        }
        if let result, let same = result { return same }
        return lhs.utf8.elementsEqual(rhs.utf8)  // storage that is not contiguous UTF-8 (bridged)
    }
}

extension JSONBytes {
    /// `memcmp`, out of line (C is not visible to inlined code).
    @usableFromInline
    static func sameMemory(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
        memcmp(lhs, rhs, count) == 0
    }
}

extension Hasher {
    /// Feeds the UTF-8 bytes of `text` to the hasher in one call, as `combine(bytes:)` does.
    @inlinable
    public mutating func combine(utf8Of text: String) {
        var text = text
        text.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension Array where Element == UInt8 {
    /// A copy of `bytes`.
    @inlinable
    public init(copying bytes: Span<UInt8>) {
        self.init(byteCapacity: bytes.count) { $0.append(copying: bytes) }
    }
}
