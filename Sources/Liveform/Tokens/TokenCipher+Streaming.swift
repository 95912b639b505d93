import LiveformBackends
import LiveformBytes

/// ECB tokens of large bodies (Secure Data Transfer, wire format §5), in pieces.
///
/// A 10 MiB body must not cost several body-sized buffers: encryption runs ECB over one
/// cache-sized piece at a time and base64-encodes it straight into the output text. Every
/// piece but the last is whole blocks and whole base64 quartets, so its text starts at a
/// known offset and pieces can be written in any order, on any thread. A streamed body comes
/// a few units (of whole pieces) at a time, a whole body in one buffer: one writer for both.
extension TokenCipher {
    /// Bytes of plaintext per piece: a multiple of 48, so that every piece but the last is
    /// whole AES blocks (16) and whole base64 quartets (3 bytes → 4 characters).
    static let pieceBytes = 48 * 1024

    /// Plaintext bytes per unit, whole pieces: a unit's text (256 KiB) is one streamed chunk,
    /// small enough to stay in cache until it is written.
    static let unitBytes = pieceBytes * 4

    /// Inputs shorter than this stay on the caller's thread however many threads are allowed:
    /// below it, handing work to other threads costs a noticeable share of the work itself.
    static let parallelMinimum = 1 << 20

    /// Units in the token of `count` plaintext bytes (at least one, which an empty input's
    /// padding block needs). A last unit of exactly ``unitBytes`` also takes the padding block.
    static func unitCount(_ count: Int) -> Int {
        max(1, (count + unitBytes - 1) / unitBytes)
    }

    /// Pieces in the token of `count` plaintext bytes, by the same rule as ``unitCount(_:)``.
    static func pieceCount(_ count: Int) -> Int {
        max(1, (count + pieceBytes - 1) / pieceBytes)
    }

    /// Characters in the ECB token of `count` plaintext bytes: base64 of the padded length.
    static func ecbTokenLength(_ count: Int) -> Int {
        Base64.encodedLength(count / 16 * 16 + 16)
    }

    /// Characters in the text of units `units` of the ECB token of `count` plaintext bytes.
    static func ecbTextLength(_ count: Int, units: Range<Int>) -> Int {
        textLength(pieceRange(count, units: units), count: count)
    }

    /// The pieces that units `units` of the token of `count` plaintext bytes cover.
    private static func pieceRange(_ count: Int, units: Range<Int>) -> Range<Int> {
        let total = pieceCount(count), perUnit = unitBytes / pieceBytes
        return min(units.lowerBound * perUnit, total)..<min(units.upperBound * perUnit, total)
    }

    /// Characters in the text of a run of pieces of the token of `count` plaintext bytes.
    private static func textLength(_ pieces: Range<Int>, count: Int) -> Int {
        let pieceText = pieceBytes / 3 * 4
        guard pieces.upperBound == pieceCount(count) else { return pieces.count * pieceText }
        return ecbTokenLength(count) - pieces.lowerBound * pieceText
    }

    /// Appends `prefix`, the text of units `units` of the ECB token of `input`, and `suffix`
    /// to `output`, which must have room for them (``ecbTextLength(_:units:)`` and the
    /// affixes): with all the units, the whole token; joined in order, the units' texts are it.
    ///
    /// When `units` starts the token, `check` vets the plaintext first and nothing is written
    /// unless it passes. With `threads > 1` and an input of at least ``parallelMinimum``
    /// bytes, the check and the units' pieces run on up to `threads` threads side by side,
    /// with the same result and the same errors: the first failure in that order is thrown.
    /// Pieces, not units, are the jobs: a thread that finishes early waits for at most one
    /// piece of another's, which matters when a streamed chunk is only a few units.
    func writeECBText(
        _ input: Span<UInt8>, units: Range<Int>, using key: AES256.Key, threads: Int,
        prefix: String = "", suffix: String = "",
        check: (Span<UInt8>) throws(LiveformError) -> Void,
        into output: inout OutputSpan<UInt8>
    ) throws(LiveformError) {
        precondition(mode == .ecb, "writeECBText is for ECB tokens")
        let engine = try key.engine(backend)
        let pieceTotal = Self.pieceCount(input.count), pieces = Self.pieceRange(input.count, units: units)
        // The text of a run of pieces, written where it goes; the token's last piece takes the padding.
        func write(_ run: Range<Int>, into output: inout OutputSpan<UInt8>) throws(LiveformError) {
            let padded = run.upperBound == pieceTotal
            let start = run.lowerBound * Self.pieceBytes, stop = padded ? input.count : run.upperBound * Self.pieceBytes
            try Self.writeECBPieces(input.extracting(start..<stop), padded: padded, engine: engine, into: &output)
        }
        guard threads > 1 && input.count >= Self.parallelMinimum && !pieces.isEmpty else {
            if units.lowerBound == 0 { try check(input) }
            for byte in prefix.utf8 { output.append(byte) }
            if !pieces.isEmpty { try write(pieces, into: &output) }
            for byte in suffix.utf8 { output.append(byte) }
            return
        }
        // Part 0 is the prefix (its job also runs the check), part j is piece `pieces.lowerBound + j - 1`,
        // the last part the suffix.
        let lengths =
            [prefix.utf8.count] + pieces.map { Self.textLength($0..<($0 + 1), count: input.count) } + [suffix.utf8.count]
        try ParallelJobs.append(parts: lengths, threads: threads, to: &output) { (job, output) throws(LiveformError) in
            switch job {
            case 0:
                if units.lowerBound == 0 { try check(input) }
                for byte in prefix.utf8 { output.append(byte) }
            case lengths.count - 1:
                for byte in suffix.utf8 { output.append(byte) }
            default:
                let piece = pieces.lowerBound + job - 1
                try write(piece..<(piece + 1), into: &output)
            }
        }
    }

    /// Encrypts `input` one cache-sized piece at a time into scratch memory and appends the
    /// base64 text of each piece to `output`. A padded run ends the token (its last piece,
    /// possibly a whole one, takes the padding); an unpadded one is whole pieces.
    private static func writeECBPieces(
        _ input: Span<UInt8>, padded: Bool, engine: any CipherEngine, into output: inout OutputSpan<UInt8>
    ) throws(LiveformError) {
        // One piece of ciphertext, plus room for the padding block of the last piece.
        try withScratchBytes(capacity: pieceBytes + 16) { (scratch) throws(LiveformError) in
            var offset = 0
            // A padded run stops one piece short: its last piece takes the padding.
            while input.count - offset > (padded ? pieceBytes : 0) {
                let end = min(offset + pieceBytes, input.count)
                try backendCall { () throws(CipherFailure) in
                    try engine.ecb(encrypt: true, padding: false, input: input.extracting(offset..<end), output: &scratch)
                }
                Base64.encode(scratch.span, into: &output)
                scratch.removeAll()
                offset = end
            }
            guard padded else { return }
            try backendCall { () throws(CipherFailure) in
                try engine.ecb(encrypt: true, padding: true, input: input.extracting(offset...), output: &scratch)
            }
            Base64.encode(scratch.span, into: &output)
        }
    }
}
