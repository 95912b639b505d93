import LiveformBackends

/// ECB tokens of large bodies (Secure Data Transfer, wire format §5), in pieces.
///
/// A 10 MiB body must not cost several body-sized buffers: encryption runs ECB over one
/// cache-sized piece at a time and base64-encodes it straight into the output text. The
/// plaintext is cut into units of whole pieces; every unit but the last is whole blocks and
/// whole base64 quartets, so its text starts at a known offset and units can be written in
/// any order, on any thread. A whole body is all its units in one buffer, a streamed body a
/// few units at a time: one writer for both.
extension TokenCipher {
    /// Bytes of plaintext per piece: a multiple of 48, so that every piece but the last is
    /// whole AES blocks (16) and whole base64 quartets (3 bytes → 4 characters).
    static let pieceBytes = 48 * 1024

    /// Plaintext bytes per unit, whole pieces: a unit's text (256 KiB) is one streamed chunk,
    /// small enough to stay in cache until it is written, and one job on another thread.
    static let unitBytes = pieceBytes * 4

    /// Inputs shorter than this stay on the caller's thread however many threads are allowed:
    /// below it, handing work to other threads costs a noticeable share of the work itself.
    static let parallelMinimum = 1 << 20

    /// Units in the token of `count` plaintext bytes (at least one, which an empty input's
    /// padding block needs). A last unit of exactly ``unitBytes`` also takes the padding block.
    static func unitCount(_ count: Int) -> Int {
        max(1, (count + unitBytes - 1) / unitBytes)
    }

    /// Characters in the ECB token of `count` plaintext bytes: base64 of the padded length.
    static func ecbTokenLength(_ count: Int) -> Int {
        Base64.encodedLength(count / 16 * 16 + 16)
    }

    /// `prefix`, the text of units `units` of the ECB token of `input`, and `suffix`, in one
    /// buffer: with all the units, the whole token; joined in order, the units' texts are it.
    ///
    /// When `units` starts the token, `check` vets the plaintext first and nothing is returned
    /// unless it passes. With `threads > 1` and an input of at least ``parallelMinimum``
    /// bytes, the check and the units run on up to `threads` threads side by side, with the
    /// same result and the same errors: the first failure in that order is thrown.
    func ecbText(
        _ input: UnsafeRawBufferPointer, units: Range<Int>, using key: AES256.Key, threads: Int,
        prefix: StaticString = "", suffix: StaticString = "",
        check: (UnsafeRawBufferPointer) throws(LiveformError) -> Void
    ) throws(LiveformError) -> [UInt8] {
        precondition(mode == .ecb, "ecbText is for ECB tokens")
        let engine = try key.engine(backend)
        let last = Self.unitCount(input.count) - 1, unitText = Self.unitBytes / 3 * 4
        let start = units.lowerBound * Self.unitBytes
        let length = units.contains(last) ? Self.ecbTokenLength(input.count) - start / 3 * 4 : units.count * unitText
        let affixes = prefix.utf8CodeUnitCount + suffix.utf8CodeUnitCount
        return try makeBytes(capacity: length + affixes) { (buffer) throws(LiveformError) -> Int in
            let out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            out.update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            let text = out + prefix.utf8CodeUnitCount
            (text + length).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            // Units `unit...end` (several only on one thread), at their place in the text.
            func write(_ unit: Int, through end: Int) throws(LiveformError) {
                let from = unit * Self.unitBytes, to = end == last ? input.count : (end + 1) * Self.unitBytes
                _ = try Self.writeECBPieces(
                    UnsafeRawBufferPointer(rebasing: input[from..<to]), padded: end == last,
                    engine: engine, into: text + (unit - units.lowerBound) * unitText)
            }
            guard threads > 1 && input.count >= Self.parallelMinimum else {
                if units.lowerBound == 0 { try check(input) }
                if !units.isEmpty { try write(units.lowerBound, through: units.upperBound - 1) }
                return length + affixes
            }
            // Job 0 is the check, job j > 0 is unit `units.lowerBound + j - 1`.
            let failures = UnsafeMutableBufferPointer<LiveformError?>.allocate(capacity: units.count + 1)
            failures.initialize(repeating: nil)
            defer {
                failures.deinitialize()
                failures.deallocate()
            }
            ParallelJobs.forEach(units.lowerBound == 0 ? 0..<units.count + 1 : 1..<units.count + 1, threads: threads) { job in
                do throws(LiveformError) {
                    guard job > 0 else { return try check(input) }
                    let unit = units.lowerBound + job - 1
                    try write(unit, through: unit)
                } catch {
                    failures[job] = error
                }
            }
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
            return length + affixes
        }
    }

    /// Encrypts `input` one cache-sized piece at a time into a scratch block and base64-encodes
    /// each piece at `out`; returns the characters written. A padded run ends the token (its
    /// last piece, possibly a whole one, takes the padding); an unpadded one is whole pieces.
    private static func writeECBPieces(
        _ input: UnsafeRawBufferPointer, padded: Bool, engine: any CipherEngine,
        into out: UnsafeMutablePointer<UInt8>
    ) throws(LiveformError) -> Int {
        // One piece of ciphertext, plus room for the padding block of the last piece.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceBytes + 16, alignment: 16)
        defer {
            scratch.initializeMemory(as: UInt8.self, repeating: 0)
            scratch.deallocate()
        }
        var offset = 0, written = 0
        // A padded run stops one piece short: its last piece takes the padding.
        while input.count - offset > (padded ? pieceBytes : 0) {
            let end = min(offset + pieceBytes, input.count)
            let piece = UnsafeRawBufferPointer(rebasing: input[offset..<end])
            let count = try backendCall { () throws(CipherFailure) in
                try engine.ecb(encrypt: true, padding: false, input: piece, output: scratch)
            }
            written += Base64.encode(UnsafeRawBufferPointer(rebasing: scratch[..<count]), into: out + written)
            offset = end
        }
        guard padded else { return written }
        let last = UnsafeRawBufferPointer(rebasing: input[offset...])
        let count = try backendCall { () throws(CipherFailure) in
            try engine.ecb(encrypt: true, padding: true, input: last, output: scratch)
        }
        return written + Base64.encode(UnsafeRawBufferPointer(rebasing: scratch[..<count]), into: out + written)
    }

    /// AES-256-ECB without padding over `blocks` (whole blocks), in place: a body is decrypted
    /// piece by piece where it was base64-decoded, and key rotation re-encrypts a body under
    /// one key to decrypt it under the next.
    static func ecbBlocksInPlace(
        _ blocks: UnsafeMutableRawBufferPointer, encrypt: Bool, using key: AES256.Key,
        backend: AES256.Backend
    ) throws(LiveformError) {
        let engine = try key.engine(backend)
        _ = try backendCall { () throws(CipherFailure) in
            try engine.ecb(encrypt: encrypt, padding: false, input: UnsafeRawBufferPointer(blocks), output: blocks)
        }
    }
}
