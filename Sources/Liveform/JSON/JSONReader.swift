/// Reads JSON as strictly as ECMAScript's `JSON.parse`: RFC 8259 grammar, whitespace of
/// space/tab/CR/LF only, no byte-order mark, no comments or trailing commas; input must be
/// UTF-8. A duplicate key keeps its first position and its last value, as in JavaScript.
/// Nesting deeper than `maxDepth` is an error rather than a stack overflow.
public enum JSONReader {
    /// The default nesting limit: far above any real payload, far below the stack's limit.
    public static let defaultMaxDepth = 512

    package static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(LiveformError) -> JSONValue {
        try bytes.withRaw { (raw) throws(LiveformError) in try parse(raw, maxDepth: maxDepth) }
    }

    package static func parse(_ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(LiveformError) -> JSONValue {
        var reader = Reader(input: input, maxDepth: maxDepth)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == input.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private struct Reader {
        let input: UnsafeRawBufferPointer
        let maxDepth: Int
        var position = 0

        init(input: UnsafeRawBufferPointer, maxDepth: Int) {
            self.input = input
            self.maxDepth = maxDepth
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
            var object = JSONObject()
            skipWhitespace()
            if position < input.count, input[position] == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try readString()
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                let value = try readValue(depth: depth)
                object[key] = value  // a duplicate key keeps its place and takes the last value
                skipWhitespace()
                guard position < input.count else { throw error("unexpected end of input in an object") }
                let byte = input[position]
                position += 1
                if byte == UInt8(ascii: "}") { return .object(object) }
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

        mutating func readString() throws(LiveformError) -> String {
            position += 1  // opening quote
            let start = position
            // Fast path: no escapes. Scan to the closing quote.
            while position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeRawBufferPointer(rebasing: input[start..<position])
                    position += 1
                    guard let text = validatedUTF8String(slice) else {
                        throw error("a string is not valid UTF-8")
                    }
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw error("unescaped control character in a string") }
                position += 1
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
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
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
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
            // Like JavaScript: out-of-range magnitudes become ±Infinity or 0, never an error.
            guard let value = Double(text) else { throw error("invalid number") }
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
