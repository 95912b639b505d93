import LiveformBackends

/// ECB tokens of large bodies (Secure Data Transfer, wire format §5), in pieces.
///
/// A 10 MiB body must not cost several body-sized buffers: encryption runs ECB over one
/// cache-sized piece at a time and base64-encodes it straight into the output text;
/// decryption base64-decodes a piece into the output buffer and decrypts it there, in place,
/// while it is still in cache. The only body-sized buffer is the result.
extension TokenCipher {
    /// Bytes of plaintext per piece: a multiple of 48, so that every piece but the last is
    /// whole AES blocks (16) and whole base64 quartets (3 bytes → 4 characters).
    static let pieceBytes = 48 * 1024

    /// Inputs shorter than this stay on the caller's thread however many threads are allowed:
    /// below it, handing work to other threads costs a noticeable share of the work itself.
    static let parallelMinimum = 1 << 20
    /// Plaintext bytes per unit of parallel work: whole pieces, so every unit but the last
    /// is whole blocks and whole quartets, and its text starts at a known offset.
    static let unitBytes = pieceBytes * 16

    /// `prefix + token + suffix` for an ECB token of `input`, written into one string. The
    /// same text as `prefix + encrypt(input) + suffix` (the affixes are ASCII).
    ///
    /// `check` vets the plaintext; nothing is returned unless it passes. With `threads > 1`
    /// and an input of at least ``parallelMinimum`` bytes, the check and the pieces run on up
    /// to `threads` threads side by side, with the same result and the same errors.
    package func ecbTokenText(_ input: UnsafeRawBufferPointer, using key: AES256.Key,
                              prefix: StaticString = "", suffix: StaticString = "", threads: Int = 1,
                              check: (UnsafeRawBufferPointer) throws(LiveformError) -> Void = { _ in })
        throws(LiveformError) -> String {
        precondition(mode == .ecb, "ecbTokenText is for ECB tokens")
        let engine = try key.engine(backend)
        // String's initialiser rethrows untyped errors, so the body hands back a Result.
        var outcome: Result<Void, LiveformError> = .success(())
        let text = String(unsafeUninitializedCapacity: Self.ecbTextLength(input, prefix, suffix)) { buffer -> Int in
            guard let out = buffer.baseAddress else { return 0 }
            do throws(LiveformError) {
                return try Self.writeECBToken(input, engine: engine, prefix: prefix, suffix: suffix, into: out,
                                              threads: threads, check: check)
            } catch {
                outcome = .failure(error)
                return 0
            }
        }
        try outcome.get()
        return text
    }

    /// ``ecbTokenText(_:using:prefix:suffix:threads:check:)`` as bytes: the same characters,
    /// without the UTF-8 validation a `String` runs over its whole text.
    package func ecbTokenBytes(_ input: UnsafeRawBufferPointer, using key: AES256.Key,
                               prefix: StaticString = "", suffix: StaticString = "", threads: Int = 1,
                               check: (UnsafeRawBufferPointer) throws(LiveformError) -> Void = { _ in })
        throws(LiveformError) -> [UInt8] {
        precondition(mode == .ecb, "ecbTokenBytes is for ECB tokens")
        let engine = try key.engine(backend)
        return try makeBytes(capacity: Self.ecbTextLength(input, prefix, suffix)) { (buffer) throws(LiveformError) -> Int in
            guard let out = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            return try Self.writeECBToken(input, engine: engine, prefix: prefix, suffix: suffix, into: out,
                                          threads: threads, check: check)
        }
    }

    private static func ecbTextLength(_ input: UnsafeRawBufferPointer, _ prefix: StaticString, _ suffix: StaticString) -> Int {
        prefix.utf8CodeUnitCount + ecbTokenLength(input.count) + suffix.utf8CodeUnitCount
    }

    /// Writes prefix, base64(ECB(PKCS#7(input))) and suffix at `out`, once `check(input)` has
    /// passed; returns the length.
    private static func writeECBToken(_ input: UnsafeRawBufferPointer, engine: any CipherEngine,
                                      prefix: StaticString, suffix: StaticString,
                                      into out: UnsafeMutablePointer<UInt8>, threads: Int,
                                      check: (UnsafeRawBufferPointer) throws(LiveformError) -> Void)
        throws(LiveformError) -> Int {
        out.update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        let token = out + prefix.utf8CodeUnitCount
        let tokenLength: Int
        if threads > 1 && input.count >= parallelMinimum {
            tokenLength = try writeECBUnits(input, engine: engine, into: token, threads: threads, check: check)
        } else {
            try check(input)
            tokenLength = try writeECBPieces(input, padded: true, engine: engine, into: token)
        }
        (token + tokenLength).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
        return prefix.utf8CodeUnitCount + tokenLength + suffix.utf8CodeUnitCount
    }

    /// The token of `input` split into units of ``unitBytes``, written by up to `threads`
    /// threads; job 0 is the check. Each unit's text starts at `unit × unitBytes / 3 × 4`
    /// characters, because every unit before it is whole quartets. The first failure in job
    /// order is thrown, so a plaintext the check rejects fails as it does on one thread.
    private static func writeECBUnits(_ input: UnsafeRawBufferPointer, engine: any CipherEngine,
                                      into out: UnsafeMutablePointer<UInt8>, threads: Int,
                                      check: (UnsafeRawBufferPointer) throws(LiveformError) -> Void)
        throws(LiveformError) -> Int {
        let units = unitCount(input.count, unitBytes: unitBytes)
        let failures = UnsafeMutableBufferPointer<LiveformError?>.allocate(capacity: units + 1)
        failures.initialize(repeating: nil)
        defer {
            failures.deinitialize()
            failures.deallocate()
        }
        ParallelJobs.forEach(0..<units + 1, threads: threads) { job in
            do throws(LiveformError) {
                guard job > 0 else { return try check(input) }
                let unit = job - 1
                _ = try writeUnit(unit, of: input, unitBytes: unitBytes, units: units, engine: engine,
                                  into: out + unit * unitBytes / 3 * 4)
            } catch {
                failures[job] = error
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return ecbTokenLength(input.count)
    }

    /// Encrypts `input` one cache-sized piece at a time into a scratch block and base64-encodes
    /// each piece at `out`; returns the characters written. A padded run ends the token (its
    /// last piece, possibly a whole one, takes the padding); an unpadded one is whole pieces.
    private static func writeECBPieces(_ input: UnsafeRawBufferPointer, padded: Bool, engine: any CipherEngine,
                                       into out: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
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

    /// Plaintext bytes per chunk of a streamed token: whole pieces, so every chunk but the
    /// last is whole quartets, and a chunk's text (256 KiB) stays in cache until it is written.
    static let streamUnitBytes = pieceBytes * 4

    /// Units of `unitBytes` in `count` plaintext bytes (at least one, which an empty input's
    /// padding block needs). A last unit of exactly `unitBytes` is a whole one that also takes
    /// the padding block.
    static func unitCount(_ count: Int, unitBytes: Int) -> Int {
        max(1, (count + unitBytes - 1) / unitBytes)
    }

    /// Chunks in the streamed token of `count` plaintext bytes.
    package static func streamUnits(_ count: Int) -> Int {
        unitCount(count, unitBytes: streamUnitBytes)
    }

    /// The most characters in one chunk: a whole unit and the padding block.
    package static let streamSlotBytes = Base64.encodedLength(streamUnitBytes + 16)

    /// Writes the text of unit `unit` (of `units` of `unitBytes`) of the token of `input` at
    /// `out`, which holds `Base64.encodedLength(unitBytes + 16)` bytes; returns its length. The
    /// last unit takes the padding. Units may be written in any order, on any thread.
    static func writeUnit(_ unit: Int, of input: UnsafeRawBufferPointer, unitBytes: Int, units: Int,
                          engine: any CipherEngine, into out: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
        let start = unit * unitBytes, end = unit == units - 1 ? input.count : start + unitBytes
        return try writeECBPieces(UnsafeRawBufferPointer(rebasing: input[start..<end]), padded: unit == units - 1,
                                  engine: engine, into: out)
    }

    /// ``writeUnit(_:of:unitBytes:units:engine:into:)`` with the key's engine for `backend`.
    package static func writeUnit(_ unit: Int, of input: UnsafeRawBufferPointer, unitBytes: Int, units: Int,
                                  using key: AES256.Key, backend: AES256.Backend,
                                  into out: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
        try writeUnit(unit, of: input, unitBytes: unitBytes, units: units, engine: try key.engine(backend), into: out)
    }

    /// AES-256-ECB without padding over `blocks` (whole blocks), in place: a streamed body is
    /// decrypted piece by piece where it was base64-decoded, and key rotation re-encrypts a
    /// body under one key to decrypt it under the next.
    package static func ecbBlocksInPlace(_ blocks: UnsafeMutableRawBufferPointer, encrypt: Bool, using key: AES256.Key,
                                         backend: AES256.Backend) throws(LiveformError) {
        let engine = try key.engine(backend)
        _ = try backendCall { () throws(CipherFailure) in
            try engine.ecb(encrypt: encrypt, padding: false, input: UnsafeRawBufferPointer(blocks), output: blocks)
        }
    }

    /// Characters in the ECB token of `count` plaintext bytes: base64 of the padded length.
    package static func ecbTokenLength(_ count: Int) -> Int {
        Base64.encodedLength(count / 16 * 16 + 16)
    }

    /// The ECB token of `input`, handed to `write` in order, a chunk of text at a time; the
    /// chunks joined are exactly `ecbTokenBytes(input)`. `write` borrows each chunk for the
    /// call only. Memory stays a few chunks however long the input is.
    ///
    /// Nothing is written unless `check(input)` passes. With `threads > 1` and an input of
    /// at least ``parallelMinimum`` bytes, the check and the chunks are produced on up to
    /// `threads` threads (`6 × threads` chunks at a time, then written in order: fewer, larger
    /// batches, because handing a batch to Dispatch's threads has a fixed cost), while `write`
    /// runs on the caller's thread; the first failure in order is thrown, as on one thread.
    package func streamECBToken(_ input: UnsafeRawBufferPointer, using key: AES256.Key, threads: Int,
                                check: (UnsafeRawBufferPointer) throws(LiveformError) -> Void,
                                write: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(mode == .ecb, "streamECBToken is for ECB tokens")
        let engine = try key.engine(backend)
        let units = Self.streamUnits(input.count)
        let slotBytes = Self.streamSlotBytes
        let parallel = threads > 1 && input.count >= Self.parallelMinimum
        let window = parallel ? 6 * threads : 1
        let slots = UnsafeMutablePointer<UInt8>.allocate(capacity: window * slotBytes)
        defer { slots.deallocate() }
        func produce(unit: Int, into slot: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
            try Self.writeUnit(unit, of: input, unitBytes: Self.streamUnitBytes, units: units, engine: engine, into: slot)
        }
        guard parallel else {
            try check(input)
            for unit in 0..<units {
                try write(UnsafeRawBufferPointer(start: slots, count: try produce(unit: unit, into: slots)))
            }
            return
        }
        // Job 0 is the check, job u + 1 is unit u, in slot (u + 1) % window.
        let outcomes = UnsafeMutableBufferPointer<Result<Int, LiveformError>>.allocate(capacity: window)
        outcomes.initialize(repeating: .success(0))
        defer {
            outcomes.deinitialize()
            outcomes.deallocate()
        }
        try ParallelJobs.pipeline(units + 1, threads: threads, window: window, produce: { job in
            outcomes[job % window] = Result { () throws(LiveformError) -> Int in
                guard job > 0 else {
                    try check(input)
                    return 0
                }
                return try produce(unit: job - 1, into: slots + job % window * slotBytes)
            }
        }, deliver: { (job) throws -> Bool in
            let count = try outcomes[job % window].get()
            if job > 0 { try write(UnsafeRawBufferPointer(start: slots + job % window * slotBytes, count: count)) }
            return true
        })
    }

    /// Decrypts the ECB token `token` (its base64 text) with the first of `keys` whose
    /// plaintext verifies and satisfies `accept`, as `open(wireBytes(of:), using:, accept:)`
    /// does, with the same errors in the same order: the token's length, its base64 and its
    /// structure (`malformedInput`), then no key (`invalidKey`), then `decryptionFailed`.
    ///
    /// Each key decodes the text again into the one output buffer, which is wiped before the
    /// next key and on every failure: decoding is cheap next to a second body-sized buffer.
    package func openECBToken(_ token: UnsafeRawBufferPointer, using keys: [AES256.Key],
                              accept: (UnsafeRawBufferPointer) -> Bool) throws(LiveformError) -> [UInt8] {
        precondition(mode == .ecb, "openECBToken is for ECB tokens")
        guard token.count <= maxTokenLength else {
            throw .malformed("the token is \(token.count) characters, over the limit of \(maxTokenLength)")
        }
        return try makeBytes(capacity: Base64.maxDecodedLength(token.count)) { (output) throws(LiveformError) -> Int in
            guard let base = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            func wipe() { output.initializeMemory(as: UInt8.self, repeating: 0) }
            do throws(LiveformError) {
                guard !keys.isEmpty else {
                    // The text's own errors come first: decode it once without a key.
                    try checkStructure(try Self.decodeDecryptingECB(token, engine: nil, into: base))
                    throw .invalidKey("no key was given to decrypt with")
                }
                for key in keys {
                    let engine: any CipherEngine
                    do throws(LiveformError) {
                        engine = try key.engine(backend)
                    } catch {
                        // The text's own errors still come first.
                        try checkStructure(try Self.decodeDecryptingECB(token, engine: nil, into: base))
                        throw error
                    }
                    let wireCount = try Self.decodeDecryptingECB(token, engine: engine, into: base)
                    try checkStructure(wireCount)
                    let wire = UnsafeRawBufferPointer(start: base, count: wireCount)
                    if let count = PKCS7.unpaddedLength(wire), accept(UnsafeRawBufferPointer(rebasing: wire[..<count])) {
                        // Clear the padding and the slack behind the plaintext.
                        UnsafeMutableRawBufferPointer(rebasing: output[count...]).initializeMemory(as: UInt8.self, repeating: 0)
                        return count
                    }
                    wipe()
                }
                throw .decryptionFailed
            } catch {
                wipe()
                throw error
            }
        }
    }

    /// Base64-decodes `token` into `out` in pieces and, with an engine, decrypts each piece's
    /// whole blocks in place right away. Returns the decoded length. The decoded bytes after
    /// the last whole block, if any, stay encrypted (the caller's structure check rejects them).
    private static func decodeDecryptingECB(_ token: UnsafeRawBufferPointer, engine: (any CipherEngine)?,
                                            into out: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
        let pieceCharacters = pieceBytes / 3 * 4
        var decoder = Base64.Decoder()
        var decoded = 0, decrypted = 0
        var offset = 0
        while true {
            let end = min(offset + pieceCharacters, token.count)
            decoded += try decoder.update(UnsafeRawBufferPointer(rebasing: token[offset..<end]), into: out + decoded)
            if end == token.count { decoded += try decoder.finish(into: out + decoded) }
            let wholeBlocks = decoded / 16 * 16
            if let engine, wholeBlocks > decrypted {
                // Exactly in place: the same memory is input and output.
                let blocks = UnsafeMutableRawBufferPointer(start: out + decrypted, count: wholeBlocks - decrypted)
                _ = try backendCall { () throws(CipherFailure) in
                    try engine.ecb(encrypt: false, padding: false, input: UnsafeRawBufferPointer(blocks), output: blocks)
                }
                decrypted = wholeBlocks
            }
            if end == token.count { return decoded }
            offset = end
        }
    }
}
