/// JSON string literals written as `JSON.stringify` writes them (wire format §3.2): `"`, `\`
/// and U+0000–U+001F escaped (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, else `\u00xx` with
/// lowercase hex), every other byte copied as it is.
///
/// ```swift
/// var text = ...  // an OutputSpan<UInt8> with room for maxQuotedLength(utf8.count)
/// JSONString.appendQuoted("a\"b\n".utf8.span, into: &text)  // "a\"b\n" with its escapes
/// ```
package enum JSONString {
    /// The most bytes the literal of `count` UTF-8 bytes takes: two quotes, every byte as `\u00XX`.
    @inlinable
    package static func maxQuotedLength(_ count: Int) -> Int { 2 + 6 * count }

    /// The exact length of the literal of `utf8`: a pass that only counts, for texts too
    /// long to reserve ``maxQuotedLength(_:)`` for (a base64 image in a webhook).
    @inlinable
    package static func quotedLength(_ utf8: Span<UInt8>) -> Int {
        var length = 2 + utf8.count
        for index in utf8.indices where needsEscape(utf8[index]) {
            switch utf8[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: length += 1
            default: length += 5
            }
        }
        return length
    }

    /// Whether `JSON.stringify` escapes this byte of a string: `"`, `\` and U+0000–U+001F.
    @inlinable
    package static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends `"…"`, the literal of the UTF-8 text `utf8`, to `output`, which must have
    /// `maxQuotedLength(utf8.count)`, or at least `quotedLength(utf8)`, bytes free. Runs
    /// without escapes are copied whole.
    @inlinable
    package static func appendQuoted(_ utf8: Span<UInt8>, into output: inout OutputSpan<UInt8>) {
        precondition(
            output.freeCapacity >= maxQuotedLength(utf8.count) || output.freeCapacity >= quotedLength(utf8),
            "OutputSpan has no room for the JSON string")
        utf8.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer, count in
                guard let base = buffer.baseAddress else { return }
                count += write(input, at: base + count)
            }
        }
    }

    /// Writes the literal at `out`; returns the bytes written. Local variables keep the
    /// position in a register (a stored count would be reloaded after every store).
    @usableFromInline
    static func write(_ utf8: UnsafeBufferPointer<UInt8>, at out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: "\"")
        var written = 1
        var runStart = 0
        var index = 0
        let count = utf8.count
        // Short strings (most values): a plain byte loop with wrapping arithmetic beats word tricks.
        while index < count {
            let value = utf8[index]
            index &+= 1
            guard needsEscape(value) else { continue }
            if index &- 1 > runStart, let source = utf8.baseAddress {
                copyBytes(source + runStart, count: index &- 1 &- runStart, to: out + written)
                written &+= index &- 1 &- runStart
            }
            runStart = index
            written &+= writeEscape(value, at: out + written)
        }
        if count > runStart, let source = utf8.baseAddress {
            copyBytes(source + runStart, count: count &- runStart, to: out + written)
            written &+= count &- runStart
        }
        out[written] = UInt8(ascii: "\"")
        return written &+ 1
    }

    @usableFromInline
    static let hexDigits: StaticString = "0123456789abcdef"

    /// Writes the escape of `value` (a byte `needsEscape` accepts) at `out`; returns its length.
    @usableFromInline
    static func writeEscape(_ value: UInt8, at out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: "\\")
        switch value {
        case UInt8(ascii: "\""): out[1] = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): out[1] = UInt8(ascii: "\\")
        case 0x08: out[1] = UInt8(ascii: "b")
        case 0x09: out[1] = UInt8(ascii: "t")
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0C: out[1] = UInt8(ascii: "f")
        case 0x0D: out[1] = UInt8(ascii: "r")
        default:
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = hexDigits.utf8Start[Int(value >> 4)]
            out[5] = hexDigits.utf8Start[Int(value & 0xF)]
            return 6
        }
        return 2
    }
}
