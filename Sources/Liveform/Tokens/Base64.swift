import LiveformBackends

/// RFC 4648 base64: strict when writing, lenient when reading (wire format §2).
///
/// Foundation's `Data(base64Encoded:)` rejects unpadded and URL-safe input, and tokens reach
/// us through URLs, e-mail clients and form decoders that mangle exactly those characters.
/// This reader accepts what §2 allows and nothing more; the writer always emits the standard
/// alphabet with `=` padding.
package enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let skip: UInt8 = 0x41
    private static let pad: UInt8 = 0x40
    private static let invalid: UInt8 = 0xFF

    /// Byte → sextet, or `pad`, `skip`, `invalid`. Space reads as `+` (a form decoder turned
    /// `+` into a space); `-` and `_` are the URL-safe `+` and `/`; CR, LF and TAB are ignored.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: " "))] = 62
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        table[Int(UInt8(ascii: "="))] = pad
        for ignored in ["\r", "\n", "\t"] { table[Int(UInt8(ascii: Unicode.Scalar(ignored)!))] = skip }
        return table
    }()

    /// The length of the base64 text of `count` bytes.
    @inline(__always)
    package static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Two characters per 12 bits, first character in the low byte: a 6-byte group becomes
    /// 8 characters in four lookups and one store.
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }

    /// Writes the base64 text of `input` at `output` (which must hold `encodedLength` bytes).
    /// `simd: false` runs the scalar code alone (the tests compare the two).
    package static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>,
                               simd: Bool = SIMDBase64.isEnabled) -> Int {
        let count = input.count
        var inIndex = 0
        var outIndex = 0
        // Whole 24-byte blocks with AVX2 first; the scalar code below does what is left.
        if simd && count >= 28 {
            (inIndex, outIndex) = SIMDBase64.encodeBlocks(input, into: output)
        }
        // Bulk: 6 bytes -> 8 characters, reading 8 (so while 8 are readable) and writing 8.
        pairs.withUnsafeBufferPointer { pairs in
            let out = UnsafeMutableRawPointer(output)
            while inIndex + 8 <= count {
                let bits = input.loadUnaligned(fromByteOffset: inIndex, as: UInt64.self).bigEndian
                let chars = UInt64(pairs[Int(bits >> 52)]) | UInt64(pairs[Int((bits >> 40) & 0xFFF)]) << 16
                    | UInt64(pairs[Int((bits >> 28) & 0xFFF)]) << 32 | UInt64(pairs[Int((bits >> 16) & 0xFFF)]) << 48
                out.storeBytes(of: chars.littleEndian, toByteOffset: outIndex, as: UInt64.self)
                inIndex += 6
                outIndex += 8
            }
        }
        return alphabet.withUnsafeBufferPointer { table in
            while inIndex + 3 <= count {
                let value = UInt32(input[inIndex]) << 16 | UInt32(input[inIndex + 1]) << 8 | UInt32(input[inIndex + 2])
                output[outIndex] = table[Int(value >> 18)]
                output[outIndex + 1] = table[Int((value >> 12) & 0x3F)]
                output[outIndex + 2] = table[Int((value >> 6) & 0x3F)]
                output[outIndex + 3] = table[Int(value & 0x3F)]
                inIndex += 3
                outIndex += 4
            }
            let rest = count - inIndex
            if rest > 0 {
                var value = UInt32(input[inIndex]) << 16
                if rest == 2 { value |= UInt32(input[inIndex + 1]) << 8 }
                output[outIndex] = table[Int(value >> 18)]
                output[outIndex + 1] = table[Int((value >> 12) & 0x3F)]
                output[outIndex + 2] = rest == 2 ? table[Int((value >> 6) & 0x3F)] : UInt8(ascii: "=")
                output[outIndex + 3] = UInt8(ascii: "=")
                outIndex += 4
            }
            return outIndex
        }
    }

    /// The standard, padded base64 text of `bytes`.
    package static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: encodedLength(bytes.count)) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            return encode(bytes, into: base)
        }
    }

    package static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let text = try? withBytes(bytes) { (raw) throws(LiveformError) in encode(raw) }
        return text ?? ""
    }

    /// Reads base64 leniently (§2).
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a byte outside the accepted
    ///   alphabet, data after padding, or a length no base64 text can have.
    package static func decode(_ text: some StringProtocol) throws(LiveformError) -> [UInt8] {
        try withBytes(text.utf8) { (raw) throws(LiveformError) in try decode(raw) }
    }

    package static func decode(_ bytes: [UInt8]) throws(LiveformError) -> [UInt8] {
        try bytes.withRaw { (raw) throws(LiveformError) in try decode(raw) }
    }

    /// `simd: false` runs the scalar code alone (the tests compare the two).
    package static func decode(_ input: UnsafeRawBufferPointer, simd: Bool = SIMDBase64.isEnabled) throws(LiveformError) -> [UInt8] {
        try makeBytes(capacity: maxDecodedLength(input.count)) { (output) throws(LiveformError) in
            guard let base = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var decoder = Decoder(simd: simd)
            let written = try decoder.update(input, into: base)
            return written + (try decoder.finish(into: base + written))
        }
    }

    /// The most bytes `count` characters of base64 text decode to (an upper bound).
    package static func maxDecodedLength(_ count: Int) -> Int { count / 4 * 3 + 3 }

    /// Reads base64 text given in pieces, by the same lenient rules as `decode` (one call with
    /// all the text and `decode` give the same bytes and the same errors), so a large body can
    /// be decoded piece by piece into memory that is then used in place.
    package struct Decoder {
        private var accumulator: UInt32 = 0
        private var pending = 0
        private var padding = 0
        /// Characters read so far: error messages give offsets in the whole text.
        private var consumed = 0
        /// Whole blocks of plain alphabet characters go through the AVX2 kernel.
        private let simd: Bool

        /// `simd: false` runs the scalar code alone (the tests compare the two).
        package init(simd: Bool = SIMDBase64.isEnabled) {
            self.simd = simd
        }

        /// Decodes `input` (the next piece of text) to `output`, which must hold
        /// `maxDecodedLength(input.count)` bytes; returns the bytes written. Up to three
        /// decoded bytes may stay pending until the next piece or `finish`.
        package mutating func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
            try decodeTable.withUnsafeBufferPointer { (table) throws(LiveformError) -> Int in
                let count = input.count
                var inIndex = 0
                var outIndex = 0
                // A quartet the previous piece left open is completed first, so that pieces cut
                // anywhere (a connection's reads) still take the fast path below.
                while pending != 0 && padding == 0 && inIndex < count {
                    let value = table[Int(input[inIndex])]
                    guard value < 64 else { break }  // padding, skipped or invalid: the slow path's
                    accumulator = accumulator << 6 | UInt32(value)
                    pending += 1
                    inIndex += 1
                    if pending == 4 {
                        output[0] = UInt8(truncatingIfNeeded: accumulator >> 16)
                        output[1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                        output[2] = UInt8(truncatingIfNeeded: accumulator)
                        outIndex = 3
                        pending = 0
                        accumulator = 0
                    }
                }
                // Fast path: whole quartets of plain alphabet characters at a quartet boundary.
                if pending == 0 && padding == 0 {
                    // AVX2 first: 32 characters -> 24 bytes per step, up to the first block
                    // holding anything but `A–Z a–z 0–9 + /`, which the code below then reads.
                    // It writes only within `count / 4 * 3` bytes.
                    if simd && count - inIndex >= 32 {
                        let (read, written) = SIMDBase64.decodeBlocks(UnsafeRawBufferPointer(rebasing: input[inIndex...]),
                                                                       into: output + outIndex)
                        inIndex += read
                        outIndex += written
                    }
                    // Eight characters -> six bytes per step, stored as one 8-byte write (the two
                    // extra bytes land inside `maxDecodedLength` and are overwritten next).
                    // The 8-byte stores stay within `maxDecodedLength(count)`: after a completed
                    // quartet the output runs 3 bytes ahead of the input's quartets.
                    let capacity = maxDecodedLength(count)
                    let out = UnsafeMutableRawPointer(output)
                    while inIndex + 8 <= count && outIndex + 8 <= capacity {
                        let a = table[Int(input[inIndex])], b = table[Int(input[inIndex + 1])]
                        let c = table[Int(input[inIndex + 2])], d = table[Int(input[inIndex + 3])]
                        let e = table[Int(input[inIndex + 4])], f = table[Int(input[inIndex + 5])]
                        let g = table[Int(input[inIndex + 6])], h = table[Int(input[inIndex + 7])]
                        if (a | b | c | d | e | f | g | h) & 0xC0 != 0 { break }
                        let high = UInt64(a) << 18 | UInt64(b) << 12 | UInt64(c) << 6 | UInt64(d)
                        let low = UInt64(e) << 18 | UInt64(f) << 12 | UInt64(g) << 6 | UInt64(h)
                        out.storeBytes(of: ((high << 24 | low) << 16).bigEndian, toByteOffset: outIndex, as: UInt64.self)
                        inIndex += 8
                        outIndex += 6
                    }
                    while inIndex + 4 <= count {
                        let a = table[Int(input[inIndex])], b = table[Int(input[inIndex + 1])]
                        let c = table[Int(input[inIndex + 2])], d = table[Int(input[inIndex + 3])]
                        if (a | b | c | d) & 0xC0 != 0 { break }
                        let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        output[outIndex] = UInt8(truncatingIfNeeded: value >> 16)
                        output[outIndex + 1] = UInt8(truncatingIfNeeded: value >> 8)
                        output[outIndex + 2] = UInt8(truncatingIfNeeded: value)
                        inIndex += 4
                        outIndex += 3
                    }
                }
                // Slow path: skipped characters, padding, the tail (which the next piece may continue).
                while inIndex < count {
                    let value = table[Int(input[inIndex])]
                    if value < 64 {
                        guard padding == 0 else { throw .malformed("base64 data continues after '=' padding") }
                        accumulator = accumulator << 6 | UInt32(value)
                        pending += 1
                        if pending == 4 {
                            output[outIndex] = UInt8(truncatingIfNeeded: accumulator >> 16)
                            output[outIndex + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                            output[outIndex + 2] = UInt8(truncatingIfNeeded: accumulator)
                            outIndex += 3
                            pending = 0
                            accumulator = 0
                        }
                    } else if value == pad {
                        padding += 1
                    } else if value != skip {
                        throw .malformed("byte 0x\(Hex.encode([input[inIndex]])) at offset \(consumed + inIndex) is not base64")
                    }
                    inIndex += 1
                }
                consumed += count
                return outIndex
            }
        }

        /// Ends the text: writes the last one or two bytes (at most 2) and checks the padding.
        package mutating func finish(into output: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
            switch pending {
            case 0:
                guard padding == 0 else { throw .malformed("base64 padding where none belongs") }
                return 0
            case 2:
                guard padding <= 2 else { throw .malformed("too much base64 padding") }
                output[0] = UInt8(truncatingIfNeeded: accumulator >> 4)
                return 1
            case 3:
                guard padding <= 1 else { throw .malformed("too much base64 padding") }
                output[0] = UInt8(truncatingIfNeeded: accumulator >> 10)
                output[1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                return 2
            default:
                throw .malformed("base64 text has a stray final character (length \(consumed))")
            }
        }
    }
}
