/// Percent-encoding of URL query components (wire format §3.3, §3.4).
///
/// Every byte outside RFC 3986's unreserved set `A–Z a–z 0–9 - . _ ~` is written as `%XX`
/// with uppercase hex. (Foundation's `URLComponents.queryItems` leaves `+` and `/` raw, which
/// a form decoder then reads as a space: a base64 token would arrive broken.)
///
/// ```swift
/// PercentEncoding.encode(Array("a+b/c=".utf8))  // "a%2Bb%2Fc%3D"
/// ```
package enum PercentEncoding {
    /// Whether `byte` is in RFC 3986's unreserved set.
    package static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The most bytes the encoding of `count` bytes takes.
    package static func maxEncodedLength(_ count: Int) -> Int { 3 * count }

    /// Appends the percent-encoded form of `input` to `output`, which must have
    /// `maxEncodedLength(input.count)` bytes free.
    package static func encode(_ input: Span<UInt8>, into output: inout OutputSpan<UInt8>) {
        precondition(output.freeCapacity >= maxEncodedLength(input.count), "percent-encoding output too small")
        input.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { buffer, count in
                count += encode(input, into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...])))
            }
        }
    }

    /// Appends the base64 text of `bytes`, percent-encoded (`+` `/` `=` become `%2B` `%2F`
    /// `%3D`), to `output`, which must have `maxEncodedLength(Base64.encodedLength(bytes.count))`
    /// bytes free. The text is made on the stack, then percent-encoded into place.
    package static func encodeBase64(_ bytes: Span<UInt8>, into output: inout OutputSpan<UInt8>) {
        let length = Base64.encodedLength(bytes.count)
        precondition(output.freeCapacity >= maxEncodedLength(length), "percent-encoding output too small")
        bytes.withUnsafeBytes { input in
            withUnsafeTemporaryAllocation(byteCount: max(length, 1), alignment: 1) { text in
                let written = Base64.encode(input, into: text)
                encode(Span(_unsafeBytes: UnsafeRawBufferPointer(rebasing: text[..<written])), into: &output)
            }
        }
    }

    /// Writes the percent-encoded form of `input` at the start of `output`, which must hold
    /// `maxEncodedLength(input.count)` bytes; returns the bytes written.
    ///
    /// A run of unreserved bytes is copied sixteen at a time (one vector test per block), the
    /// other bytes one at a time from `encodedForms`. Most of what a URL carries is such a run:
    /// the base64 token, whose only reserved bytes are `+` `/` `=`, and plain ASCII values.
    /// A block is stored whole before it is tested: output never gets ahead of three times the
    /// input, so the store stays inside `output`.
    private static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= maxEncodedLength(input.count), "percent-encoding output buffer too small")
        guard let out = output.baseAddress else { return 0 }
        typealias Bytes = SIMD16<UInt8>
        // `isUnreserved` for sixteen bytes: `| 0x20` folds A–Z onto a–z; `-` and `.` are adjacent.
        let fold = Bytes(repeating: 0x20), a = Bytes(repeating: UInt8(ascii: "a")), zero = Bytes(repeating: UInt8(ascii: "0"))
        let dash = Bytes(repeating: UInt8(ascii: "-")), low = Bytes(repeating: UInt8(ascii: "_")), tilde = Bytes(repeating: UInt8(ascii: "~"))
        let count = input.count
        var inIndex = 0, outIndex = 0
        while true {
            while inIndex &+ 16 <= count {
                let block = input.loadUnaligned(fromByteOffset: inIndex, as: Bytes.self)
                out.storeBytes(of: block, toByteOffset: outIndex, as: Bytes.self)
                let letter = (block | fold) &- a .< Bytes(repeating: 26), digit = block &- zero .< Bytes(repeating: 10)
                if (letter .| digit .| (block &- dash .< Bytes(repeating: 2)) .| (block .== low) .| (block .== tilde)).allSet {
                    inIndex &+= 16
                    outIndex &+= 16
                    continue
                }
                while isUnreserved(input[inIndex]) {  // already stored with the block
                    inIndex &+= 1
                    outIndex &+= 1
                }
                break
            }
            // Byte by byte to the end of a run of reserved bytes (or of the input).
            repeat {
                guard inIndex < count else { return outIndex }
                let form = encodedForms[Int(input[inIndex])]
                inIndex &+= 1
                out.storeBytes(of: UInt8(truncatingIfNeeded: form), toByteOffset: outIndex, as: UInt8.self)
                guard form >> 24 == 3 else {
                    outIndex &+= 1
                    continue
                }
                out.storeBytes(of: UInt8(truncatingIfNeeded: form >> 8), toByteOffset: outIndex &+ 1, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: form >> 16), toByteOffset: outIndex &+ 2, as: UInt8.self)
                outIndex &+= 3
            } while inIndex &+ 16 > count || !isUnreserved(input[inIndex])
        }
    }

    /// Byte → its text in a query: up to three bytes (little-endian) and the length in the
    /// top byte.
    private static let encodedForms: [UInt32] = (0..<256).map { value -> UInt32 in
        let byte = UInt8(value)
        guard !isUnreserved(byte) else { return 1 << 24 | UInt32(byte) }
        return 3 << 24 | UInt32(hexDigits[Int(byte & 0x0F)]) << 16 | UInt32(hexDigits[Int(byte >> 4)]) << 8
            | UInt32(UInt8(ascii: "%"))
    }

    /// Appends the percent-encoded form of `bytes` to `out`.
    package static func encode(_ bytes: some Collection<UInt8>, appendingTo out: inout [UInt8]) {
        let start = out.count
        let bound = maxEncodedLength(bytes.count)
        out.append(contentsOf: repeatElement(0, count: bound))
        let written = out.withUnsafeMutableBytes { buffer in
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[start...])
            return bytes.withContiguousStorageIfAvailable { encode(UnsafeRawBufferPointer($0), into: target) }
                ?? Array(bytes).withUnsafeBytes { encode($0, into: target) }
        }
        out.removeLast(bound - written)
    }

    /// The percent-encoded form of `bytes`, as text.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        encode(bytes, appendingTo: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Decoding

    /// Appends the bytes `input` decodes to to `output`, which must have `input.count` bytes
    /// free (the decoded bytes never outnumber the text): `%XX` escapes (either case), and with
    /// `plusIsSpace` `+` read as a space, as an HTML form decoder (and `URLSearchParams`) reads
    /// it. Returns false for a bad escape (`%G1`, a lone `%`), having appended nothing. The
    /// bytes are not checked to be UTF-8.
    package static func decode(_ input: Span<UInt8>, plusIsSpace: Bool, into output: inout OutputSpan<UInt8>) -> Bool {
        precondition(output.freeCapacity >= input.count, "percent-decoding output too small")
        return input.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { buffer, count in
                guard
                    let written = decode(
                        input, plusIsSpace: plusIsSpace, into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...])))
                else { return false }
                count += written
                return true
            }
        }
    }

    /// `decode` into the start of `output`, which must hold `input.count` bytes; returns the
    /// bytes written, or nil for a bad escape.
    private static func decode(
        _ input: UnsafeRawBufferPointer, plusIsSpace: Bool,
        into output: UnsafeMutableRawBufferPointer
    ) -> Int? {
        precondition(output.count >= input.count, "percent-decoding output buffer too small")
        guard let target = output.baseAddress else { return 0 }
        let plus = plusIsSpace ? UInt8(ascii: "+") : UInt8(ascii: "%")
        let percentVector = SIMD16<UInt8>(repeating: UInt8(ascii: "%")), plusVector = SIMD16<UInt8>(repeating: plus)
        var inIndex = 0, outIndex = 0
        let count = input.count
        while true {
            // Sixteen bytes per step: a block without `%` (or `+` with `plusIsSpace`) is stored
            // whole; otherwise it is stored anyway and the output advances to its first special
            // byte. Output never overtakes input, so a whole-block store stays inside `output`.
            while inIndex &+ 16 <= count {
                let block = input.loadUnaligned(fromByteOffset: inIndex, as: SIMD16<UInt8>.self)
                target.storeBytes(of: block, toByteOffset: outIndex, as: SIMD16<UInt8>.self)
                if !((block .== percentVector) .| (block .== plusVector)).anySet {
                    inIndex &+= 16
                    outIndex &+= 16
                    continue
                }
                while input[inIndex] != UInt8(ascii: "%") && input[inIndex] != plus {
                    inIndex &+= 1
                    outIndex &+= 1
                }
                break
            }
            // At a special byte, or in the last few bytes.
            guard inIndex < count else { return outIndex }
            let byte = input[inIndex]
            if byte == UInt8(ascii: "%") {
                guard inIndex + 3 <= count, let high = hexDigitValue(input[inIndex + 1]), let low = hexDigitValue(input[inIndex + 2]) else {
                    return nil
                }
                output[outIndex] = high << 4 | low
                inIndex += 3
            } else if byte == plus {  // '+' read as a space
                output[outIndex] = UInt8(ascii: " ")
                inIndex += 1
            } else {
                output[outIndex] = byte
                inIndex += 1
            }
            outIndex += 1
        }
    }
}

/// The value of one hex digit (either case), or nil: the one reading of hex digits, for
/// percent escapes, JSON `\u` escapes, hex keys and IPv6 groups.
package func hexDigitValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
    default: return nil
    }
}
