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

    /// `prefix + token + suffix` for an ECB token of `input`, written into one string. The
    /// same text as `prefix + encrypt(input) + suffix` (the affixes are ASCII).
    package func ecbTokenText(_ input: UnsafeRawBufferPointer, using key: AES256.Key,
                              prefix: StaticString = "", suffix: StaticString = "") throws(LiveformError) -> String {
        precondition(mode == .ecb, "ecbTokenText is for ECB tokens")
        let engine = try key.engine(backend)
        let capacity = prefix.utf8CodeUnitCount + Base64.encodedLength(input.count / 16 * 16 + 16) + suffix.utf8CodeUnitCount
        // String's initialiser rethrows untyped errors, so the body hands back a Result.
        var outcome: Result<Void, LiveformError> = .success(())
        let text = String(unsafeUninitializedCapacity: capacity) { buffer -> Int in
            guard let out = buffer.baseAddress else { return 0 }
            do throws(LiveformError) {
                return try Self.writeECBToken(input, engine: engine, prefix: prefix, suffix: suffix, into: out)
            } catch {
                outcome = .failure(error)
                return 0
            }
        }
        try outcome.get()
        return text
    }

    /// Writes prefix, base64(ECB(PKCS#7(input))) and suffix at `out`; returns the length.
    private static func writeECBToken(_ input: UnsafeRawBufferPointer, engine: any CipherEngine,
                                      prefix: StaticString, suffix: StaticString,
                                      into out: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
        out.update(from: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        var written = prefix.utf8CodeUnitCount
        // One piece of ciphertext, plus room for the padding block of the last piece.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceBytes + 16, alignment: 16)
        defer {
            scratch.initializeMemory(as: UInt8.self, repeating: 0)
            scratch.deallocate()
        }
        var offset = 0
        // Stop one piece short: the last piece (possibly a whole one) takes the padding.
        while input.count - offset > pieceBytes {
            let piece = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + pieceBytes)])
            let count = try backendCall { () throws(CipherFailure) in
                try engine.ecb(encrypt: true, padding: false, input: piece, output: scratch)
            }
            written += Base64.encode(UnsafeRawBufferPointer(rebasing: scratch[..<count]), into: out + written)
            offset += pieceBytes
        }
        let last = UnsafeRawBufferPointer(rebasing: input[offset...])
        let count = try backendCall { () throws(CipherFailure) in
            try engine.ecb(encrypt: true, padding: true, input: last, output: scratch)
        }
        written += Base64.encode(UnsafeRawBufferPointer(rebasing: scratch[..<count]), into: out + written)
        (out + written).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
        return written + suffix.utf8CodeUnitCount
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
