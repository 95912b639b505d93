internal import CLiveformSIMD

/// RFC 4648 base64: strict when writing, lenient when reading (wire format §2).
///
/// Foundation's `Data(base64Encoded:)` rejects unpadded and URL-safe input, and tokens reach
/// us through URLs, e-mail clients and form decoders that mangle exactly those characters.
/// The decoder accepts what §2 allows and nothing more:
///
/// - a space reads as `+` (a form decoder turned `+` into a space);
/// - `-` and `_` read as `+` and `/` (the URL-safe alphabet);
/// - CR, LF and TAB are ignored;
/// - missing `=` padding is restored;
/// - anything else, data after padding, or a length no base64 text can have is an error.
///
/// The encoder always writes the standard alphabet with `=` padding.
///
/// ```swift
/// let text = Base64.encode([0xDE, 0xAD, 0xBE, 0xEF])   // "3q2+7w=="
/// let bytes = try Base64.decode(Array("3q2-7w".utf8))  // [0xDE, 0xAD, 0xBE, 0xEF]
/// ```
package enum Base64 {
    /// Why a text is not base64; `message` is written for people (and is what callers report).
    package struct DecodingError: Error, Sendable, Equatable {
        package let message: String
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let skip: UInt8 = 0x41
    private static let pad: UInt8 = 0x40
    private static let invalid: UInt8 = 0xFF

    /// Byte → sextet, or `pad`, `skip`, `invalid`, by the rules above.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: " "))] = 62
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        table[Int(UInt8(ascii: "="))] = pad
        for ignored: UInt8 in [0x0D, 0x0A, 0x09] { table[Int(ignored)] = skip }
        return table
    }()

    /// `decodeTable` with each plain sextet already shifted to its place in a quartet's 24
    /// bits (table `k` for the quartet's `k`th character), anything else bit 24 and up: a
    /// quartet is four lookups and three ORs, and one test of the top byte vets all four.
    private static let quartetTables: [UInt32] = (0..<4).flatMap { k in
        decodeTable.map { $0 < 64 ? UInt32($0) << (18 - 6 * k) : 0xFF00_0000 }
    }

    /// Whether the AVX2 kernels run on this machine (a CPU check, once).
    private static let hasAVX2 = liveform_base64_simd_available() != 0

    /// Two characters per 12 bits, first character in the low byte: a 6-byte group becomes
    /// 8 characters in four lookups and one store.
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }

    // MARK: Encoding

    /// The length of the base64 text of `count` bytes.
    package static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the base64 text of `input` to `output`, which must have
    /// `encodedLength(input.count)` bytes free.
    package static func encode(_ input: Span<UInt8>, into output: inout OutputSpan<UInt8>) {
        input.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { buffer, count in
                count += encode(input, into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...]))
            }
        }
    }

    /// The standard, padded base64 text of `input`.
    package static func encode(_ input: Span<UInt8>) -> String {
        String(utf8Capacity: encodedLength(input.count)) { output in encode(input, into: &output) }
    }

    /// Writes the base64 text of `input` at the start of `output`, which must hold
    /// `encodedLength(input.count)` bytes; returns that length.
    static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = input.count
        let length = encodedLength(count)
        precondition(output.count >= length, "base64 output buffer too small")
        guard count > 0, let out = output.baseAddress else { return 0 }
        var inIndex = 0
        var outIndex = 0
        // Whole 24-byte blocks through the AVX2 kernel first (on x86-64 with AVX2).
        if hasAVX2 && count >= 28, let base = input.baseAddress {
            var written = 0
            inIndex = liveform_base64_encode_blocks(
                base.assumingMemoryBound(to: UInt8.self), count,
                out.assumingMemoryBound(to: UInt8.self), &written)
            outIndex = written
        }
        // Six bytes to eight characters per step, reading eight bytes (so while eight are
        // readable) and writing eight.
        pairs.withUnsafeBufferPointer { pairs in
            while inIndex + 8 <= count {
                let bits = input.loadUnaligned(fromByteOffset: inIndex, as: UInt64.self).bigEndian
                let chars =
                    UInt64(pairs[Int(bits >> 52)]) | UInt64(pairs[Int((bits >> 40) & 0xFFF)]) << 16
                    | UInt64(pairs[Int((bits >> 28) & 0xFFF)]) << 32 | UInt64(pairs[Int((bits >> 16) & 0xFFF)]) << 48
                out.storeBytes(of: chars.littleEndian, toByteOffset: outIndex, as: UInt64.self)
                inIndex += 6
                outIndex += 8
            }
        }
        // The last few bytes, three at a time, then the padded tail.
        alphabet.withUnsafeBufferPointer { table in
            while inIndex < count {
                let rest = min(count - inIndex, 3)
                var value = UInt32(input[inIndex]) << 16
                if rest > 1 { value |= UInt32(input[inIndex + 1]) << 8 }
                if rest > 2 { value |= UInt32(input[inIndex + 2]) }
                output[outIndex] = table[Int(value >> 18)]
                output[outIndex + 1] = table[Int((value >> 12) & 0x3F)]
                output[outIndex + 2] = rest > 1 ? table[Int((value >> 6) & 0x3F)] : UInt8(ascii: "=")
                output[outIndex + 3] = rest > 2 ? table[Int(value & 0x3F)] : UInt8(ascii: "=")
                inIndex += rest
                outIndex += 4
            }
        }
        return outIndex
    }

    // MARK: Decoding

    /// The most bytes `count` characters of base64 text decode to (an upper bound).
    package static func maxDecodedLength(_ count: Int) -> Int { count / 4 * 3 + 3 }

    /// The bytes of base64 text `input`, read leniently (see ``Base64``).
    package static func decode(_ input: Span<UInt8>) throws(DecodingError) -> [UInt8] {
        try [UInt8](byteCapacity: maxDecodedLength(input.count)) { (output) throws(DecodingError) in
            var decoder = Decoder()
            try decoder.update(input, into: &output)
            try decoder.finish(into: &output)
        }
    }

    /// Reads base64 text given in pieces, by the same rules as `decode` (one call with all
    /// the text and `decode` give the same bytes and the same errors), so a large body can be
    /// decoded piece by piece into memory that is then used in place.
    package struct Decoder: Sendable {
        private var accumulator: UInt32 = 0
        private var pending = 0
        private var padding = 0
        /// Characters read so far: error messages give offsets in the whole text.
        private var consumed = 0

        package init() {}

        /// Decodes `input` (the next piece of text) and appends the bytes to `output`, which
        /// must have `maxDecodedLength(input.count)` bytes free. Up to three decoded bytes may
        /// stay pending until the next piece or `finish`.
        package mutating func update(_ input: Span<UInt8>, into output: inout OutputSpan<UInt8>) throws(DecodingError) {
            try input.withUnsafeBytes { (input) throws(DecodingError) in
                try output.withUnsafeMutableBufferPointer { (buffer, count) throws(DecodingError) in
                    count += try update(input, into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...]))
                }
            }
        }

        /// Ends the text: appends the last one or two bytes (`output` must have 2 bytes free)
        /// and checks the padding.
        package mutating func finish(into output: inout OutputSpan<UInt8>) throws(DecodingError) {
            try output.withUnsafeMutableBufferPointer { (buffer, count) throws(DecodingError) in
                precondition(buffer.count - count >= 2, "base64 output buffer too small")
                count += try finish(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...]))
            }
        }

        mutating func update(
            _ input: UnsafeRawBufferPointer,
            into output: UnsafeMutableRawBufferPointer
        ) throws(DecodingError) -> Int {
            let capacity = maxDecodedLength(input.count)
            precondition(output.count >= capacity, "base64 output buffer too small")
            guard let out = output.baseAddress else { return 0 }
            return try decodeTable.withUnsafeBufferPointer { (table) throws(DecodingError) -> Int in
                let count = input.count
                var inIndex = 0
                var outIndex = 0
                // A quartet the previous piece left open is completed first, so that pieces cut
                // anywhere (a connection's reads) still reach the block loop below.
                while pending != 0 && padding == 0 && inIndex < count {
                    let value = table[Int(input[inIndex])]
                    guard value < 64 else { break }  // padding, skipped or invalid: the general loop's
                    inIndex += 1
                    outIndex += append(value, to: out + outIndex)
                }
                // Eight characters to six bytes per step while all eight are plain sextets
                // (through `quartetTables`), stored as one 8-byte write whose last two
                // bytes the next step overwrites; it stays inside `capacity` because the
                // output never runs more than 3 bytes ahead of the input's quartets. The
                // first group holding anything else, and the tail, go to the general loop.
                if pending == 0 && padding == 0 {
                    // Whole 32-character blocks go through the AVX2 kernel first (on x86-64
                    // with AVX2); it writes only within `count / 4 * 3` bytes.
                    if Base64.hasAVX2 && count - inIndex >= 32 {
                        var written = 0
                        let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self) + inIndex
                        let read = liveform_base64_decode_blocks(
                            base, count - inIndex,
                            (out + outIndex).assumingMemoryBound(to: UInt8.self), &written)
                        inIndex += read
                        outIndex += written
                    }
                    quartetTables.withUnsafeBufferPointer { tables in
                        while inIndex + 8 <= count && outIndex + 8 <= capacity {
                            let high =
                                tables[Int(input[inIndex])] | tables[256 | Int(input[inIndex + 1])]
                                | tables[512 | Int(input[inIndex + 2])] | tables[768 | Int(input[inIndex + 3])]
                            let low =
                                tables[Int(input[inIndex + 4])] | tables[256 | Int(input[inIndex + 5])]
                                | tables[512 | Int(input[inIndex + 6])] | tables[768 | Int(input[inIndex + 7])]
                            if (high | low) >= 0x0100_0000 { break }
                            out.storeBytes(of: ((UInt64(high) << 24 | UInt64(low)) << 16).bigEndian, toByteOffset: outIndex, as: UInt64.self)
                            inIndex += 8
                            outIndex += 6
                        }
                    }
                }
                // Everything else: skipped characters, padding, the tail (which the next piece
                // may continue), and errors.
                while inIndex < count {
                    let value = table[Int(input[inIndex])]
                    if value < 64 {
                        guard padding == 0 else { throw DecodingError(message: "base64 data continues after '=' padding") }
                        outIndex += append(value, to: out + outIndex)
                    } else if value == pad {
                        padding += 1
                    } else if value != skip {
                        throw DecodingError(message: "byte 0x\(hexByte(input[inIndex])) at offset \(consumed + inIndex) is not base64")
                    }
                    inIndex += 1
                }
                consumed += count
                return outIndex
            }
        }

        /// Adds one sextet; writes the three bytes of a completed quartet and returns how
        /// many bytes it wrote.
        private mutating func append(_ value: UInt8, to out: UnsafeMutableRawPointer) -> Int {
            accumulator = accumulator << 6 | UInt32(value)
            pending += 1
            guard pending == 4 else { return 0 }
            out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator >> 16), as: UInt8.self)
            out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator >> 8), toByteOffset: 1, as: UInt8.self)
            out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), toByteOffset: 2, as: UInt8.self)
            pending = 0
            accumulator = 0
            return 3
        }

        mutating func finish(into output: UnsafeMutableRawBufferPointer) throws(DecodingError) -> Int {
            switch pending {
            case 0:
                guard padding == 0 else { throw DecodingError(message: "base64 padding where none belongs") }
                return 0
            case 2:
                guard padding <= 2 else { throw DecodingError(message: "too much base64 padding") }
                output[0] = UInt8(truncatingIfNeeded: accumulator >> 4)
                return 1
            case 3:
                guard padding <= 1 else { throw DecodingError(message: "too much base64 padding") }
                output[0] = UInt8(truncatingIfNeeded: accumulator >> 10)
                output[1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                return 2
            default:
                throw DecodingError(message: "base64 text has a stray final character (length \(consumed))")
            }
        }
    }
}

/// Two lowercase hex digits (as error messages give a byte).
func hexByte(_ value: UInt8) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: [digits[Int(value >> 4)], digits[Int(value & 15)]], as: UTF8.self)
}
