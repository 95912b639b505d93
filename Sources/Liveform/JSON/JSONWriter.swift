import LiveformBytes

/// Writes JSON exactly as ECMAScript's `JSON.stringify` does (wire format §3.2): compact,
/// members in order, only `"`, `\` and control characters escaped (`/`, non-ASCII, U+007F,
/// U+2028 and U+2029 stay literal), numbers in ECMAScript's shortest round-trip form.
package enum JSONWriter {
    package static func string(_ value: JSONValue, indent: Int = 0) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, indent: indent, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    package static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, indent: 0, level: 0)
        return out
    }

    package static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int = 0, level: Int = 0) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): out.append(contentsOf: formatNumber(number).utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(into: &out, indent: indent, level: level + 1)
                write(element, into: &out, indent: indent, level: level + 1)
            }
            if !elements.isEmpty { newline(into: &out, indent: indent, level: level) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(into: &out, indent: indent, level: level + 1)
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent > 0 { out.append(UInt8(ascii: " ")) }
                write(member, into: &out, indent: indent, level: level + 1)
            }
            if !object.isEmpty { newline(into: &out, indent: indent, level: level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(into out: inout [UInt8], indent: Int, level: Int) {
        guard indent > 0 else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// A JSON string literal, escaped as `JSON.stringify` escapes it (``JSONString``: the
    /// one writer of string literals, which the URL builder uses too).
    package static func writeString(_ text: String, into out: inout [UInt8]) {
        let utf8 = text.utf8.span
        out.append(addingCapacity: JSONString.quotedLength(utf8)) { output in JSONString.appendQuoted(utf8, into: &output) }
    }

    /// ECMAScript `Number::toString` (what `JSON.stringify` writes), with NaN and the
    /// infinities written as `null` as `JSON.stringify` does.
    package static func formatNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }  // also -0
        if value.rounded() == value, abs(value) < 1e15 {
            return String(Int64(value))  // the common case, exactly as ECMAScript prints it
        }
        // Swift's description gives the shortest round-trip digits; re-lay them out the
        // ECMAScript way.
        let (digits, pointPosition) = shortestDigits(abs(value))
        let k = digits.count, n = pointPosition
        var result = value < 0 ? "-" : ""
        if k <= n && n <= 21 {
            result += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            result += String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            result += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let exponent = n - 1
            let sign = exponent < 0 ? "-" : "+"
            let mantissa = k == 1 ? digits : String(digits.prefix(1)) + "." + String(digits.dropFirst())
            result += mantissa + "e" + sign + String(abs(exponent))
        }
        return result
    }

    /// The shortest digit string `s` and position `n` with value = 0.s × 10^n.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = value.description  // e.g. "0.001", "1.5e-07", "1e+21", "123.25"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(parts[0])
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (digits, pointPosition)
    }
}
