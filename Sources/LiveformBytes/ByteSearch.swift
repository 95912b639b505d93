/// The scanning loops of the query-string splitter, sixteen bytes per step (vector compares:
/// SSE2 on x86-64, NEON on arm64) on a `Span`.
package enum ByteSearch {
    /// The offset of the first `a` or `b` in `start..<end` of `bytes`, or `end`.
    @inlinable
    package static func firstOf(_ a: UInt8, _ b: UInt8, in bytes: Span<UInt8>, from start: Int, to end: Int) -> Int {
        precondition(0 <= start && end <= bytes.count, "search range outside the bytes")
        return bytes.withUnsafeBytes { raw in
            let aVector = SIMD16<UInt8>(repeating: a), bVector = SIMD16<UInt8>(repeating: b)
            var index = start
            while index + 16 <= end {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if ((block .== aVector) .| (block .== bVector)).anySet { break }
                index += 16
            }
            while index < end, raw[index] != a, raw[index] != b { index += 1 }
            return index
        }
    }

    /// In one pass: the first byte that is whitespace, a control character or DEL (≤ 0x20 or
    /// 0x7F), if any, and the offset of the first `#` (or the end).
    @inlinable
    package static func forbiddenAndFragment(_ bytes: Span<UInt8>) -> (bad: UInt8?, hash: Int) {
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            let space = SIMD16<UInt8>(repeating: 0x20), delete = SIMD16<UInt8>(repeating: 0x7F)
            let sharp = SIMD16<UInt8>(repeating: UInt8(ascii: "#"))
            var hash = count
            var index = 0
            while index + 16 <= count {
                let block = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if ((block .<= space) .| (block .== delete)).anySet { break }
                if hash == count && (block .== sharp).anySet {
                    hash = index
                    while raw[hash] != UInt8(ascii: "#") { hash += 1 }
                }
                index += 16
            }
            while index < count {
                let byte = raw[index]
                if byte <= 0x20 || byte == 0x7F { return (byte, hash) }
                if byte == UInt8(ascii: "#") && hash == count { hash = index }
                index += 1
            }
            return (nil, hash)
        }
    }

    /// Whether `bytes` starts with the ASCII `prefix`; letters compared in either case when
    /// `caseInsensitive`.
    @inlinable
    package static func hasPrefix(_ bytes: Span<UInt8>, _ prefix: StaticString, caseInsensitive: Bool) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            for offset in 0..<count {
                let byte = bytes[offset]
                // ASCII case folding: only letters differ by 0x20 between cases.
                let folded = caseInsensitive && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                if folded != prefix.utf8Start[offset] { return false }
            }
            return true
        }
    }
}
