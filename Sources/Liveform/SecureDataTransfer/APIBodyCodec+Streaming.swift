import LiveformBackends
import LiveformBytes

// Large bodies without the whole encrypted body in memory: a request body handed to the
// HTTP client chunk by chunk, a body decrypted as it arrives from the connection. The
// whole-body calls are these, given the whole body.
extension APIBodyCodec {
    /// The encrypted request body of `plaintext` as a sequence of chunks, for an HTTP client
    /// that sends a streamed body: the chunks joined are exactly ``encrypt(_:)``, and
    /// ``EncryptedChunks/length`` is the `Content-Length`. A `[UInt8]` plaintext is shared,
    /// not copied; another collection is copied once.
    ///
    /// ```swift
    /// let chunks = codec.encryptedChunks(plaintext)
    /// request.body = .stream(chunks.map { ByteBuffer(bytes: $0) }, length: .known(Int64(chunks.length)))
    /// ```
    ///
    /// Each chunk is encrypted when it is asked for, so a 10 MiB body costs its plaintext and
    /// a chunk, not 13 MiB more. A chunk is 256 KiB of text; with ``maxThreadsPerBody`` above
    /// 1 and a plaintext of 1 MiB or more, `8 × maxThreadsPerBody` times that, encrypted on up
    /// to that many threads (fewer, larger chunks, because every chunk hands work to the other
    /// threads and waits for them, at a fixed cost). The first chunk checks the plaintext and
    /// throws as ``encrypt(_:)`` does.
    ///
    /// A chunk is the caller's to keep or change. One the caller has let go of by the next
    /// call lends its memory to the next chunk, so a body is written into one allocation.
    public func encryptedChunks<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext) -> EncryptedChunks {
        EncryptedChunks(codec: self, plaintext: Array(plaintext))
    }

    /// The chunks of an encrypted request body; see ``APIBodyCodec/encryptedChunks(_:)``.
    /// A value: iterate it again and the same chunks come again.
    ///
    /// `for try await` reads it from async code; synchronous code calls the iterator's
    /// ``Iterator/next()`` directly, which does not suspend:
    ///
    /// ```swift
    /// var chunks = codec.encryptedChunks(plaintext).makeAsyncIterator()
    /// while let chunk = try chunks.next() { try connection.write(chunk) }
    /// ```
    public struct EncryptedChunks: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        public typealias Failure = LiveformError

        /// The body's length in bytes, all chunks together: its `Content-Length`.
        public var length: Int { TokenCipher.ecbTokenLength(plaintext.count) }

        let codec: APIBodyCodec
        let plaintext: [UInt8]

        public func makeAsyncIterator() -> Iterator {
            Iterator(chunks: self)
        }

        /// Encrypts one chunk per call.
        public struct Iterator: AsyncIteratorProtocol {
            public typealias Failure = LiveformError

            /// Units in a chunk per thread when a chunk is encrypted on several threads.
            static let unitsPerThread = 8

            let chunks: EncryptedChunks
            /// The first unit of the next chunk; past the last once the body is done or failed.
            var unit = 0
            /// The last chunk returned. Once the caller has let go of it, the next chunk is
            /// written into its memory: a body costs one chunk's allocation, not one per chunk,
            /// and the allocator is not left holding freed chunks as well as the live one. While
            /// the caller still holds it, the next chunk gets memory of its own.
            var recycled: [UInt8] = []

            /// The next chunk, or nil after the last one and after an error.
            ///
            /// - Throws: as ``APIBodyCodec/encrypt(_:)``, on the first call.
            public mutating func next() throws(LiveformError) -> [UInt8]? {
                let codec = chunks.codec, count = chunks.plaintext.count, units = TokenCipher.unitCount(count)
                var bytes: [UInt8] = []
                swap(&bytes, &recycled)
                guard unit < units else { return nil }
                let parallel = codec.maxThreadsPerBody > 1 && count >= TokenCipher.parallelMinimum
                let batch = unit..<Swift.min(units, unit + (parallel ? Self.unitsPerThread * codec.maxThreadsPerBody : 1))
                unit = units
                // In place when `bytes` is the only reference left; else new memory of the same size.
                bytes.removeAll(keepingCapacity: true)
                try codec.seal(chunks.plaintext.span, units: batch, appendingTo: &bytes)
                unit = batch.upperBound
                if unit < units { recycled = bytes }
                return bytes
            }
        }
    }

    /// A decryptor for a body that arrives in pieces: the response body as the connection
    /// delivers it, or a request body on the ARGOS side.
    ///
    /// - Parameter bodyLength: the body's length when known (its `Content-Length`): the
    ///   plaintext is then written into one buffer of the right size from the start.
    public func makeDecryptor(bodyLength: Int? = nil) -> BodyDecryptor {
        BodyDecryptor(stream: BodyStream(codec: self, bodyLength: bodyLength))
    }

    /// Decrypts a body that arrives in pieces, without ever holding the whole body: memory is
    /// the plaintext, into which the token is decoded and then decrypted in place. ``APIBodyCodec/decrypt(_:)`` is this, fed the
    /// whole body.
    ///
    /// ```swift
    /// var decryptor = codec.makeDecryptor(bodyLength: contentLength)
    /// for try await buffer in response.body {
    ///     try decryptor.update(buffer.readableBytesView)
    /// }
    /// let plaintext = try decryptor.finish()
    /// ```
    ///
    /// The body's text is read as it comes: `{"data":"<token>"}` (JSON whitespace anywhere
    /// the JSON allows it, escapes inside the token, other members after `data`), the token
    /// as a JSON string, or the bare token. A body of any other layout (a member before
    /// `data`, say) is still accepted: it is kept whole and read at ``finish()``. A body with
    /// a second `data` member after the token is rejected: which one counts is ambiguous.
    ///
    /// Errors come as soon as the text shows them (a character that is not base64, a body
    /// over ``maxBodySize``), the rest at ``finish()``; after an error the decryptor only
    /// throws it again. Nothing is returned until the padding and the JSON have been checked,
    /// and the partial plaintext is wiped on every failure and when the decryptor is dropped.
    ///
    /// The decryptor is noncopyable: one owner updates it and finishes it once. An object that
    /// keeps it between reads (a channel handler) holds it as an optional and ends with
    /// `try decryptor.take()!.finish()`.
    ///
    /// With several ``decryptionKeys``, the body is decrypted with the first as it arrives;
    /// if that is not the right key, ``finish()`` turns the buffer back into ciphertext
    /// (ECB is a permutation) and tries the next.
    public struct BodyDecryptor: ~Copyable, Sendable {
        var stream: BodyStream

        /// Reads the next piece of the body.
        ///
        /// - Throws: ``LiveformError/Code/malformedInput`` when the body so far is over the
        ///   limit or cannot be a body of the accepted shapes.
        public mutating func update<Chunk: Collection<UInt8>>(_ chunk: Chunk) throws(LiveformError) {
            try withByteSpan(chunk) { (span) throws(LiveformError) in try stream.update(span) }
        }

        /// The plaintext JSON bytes, once the whole body has been read.
        ///
        /// - Throws: as ``APIBodyCodec/decrypt(_:)``.
        public consuming func finish() throws(LiveformError) -> [UInt8] {
            try stream.finish()
        }
    }
}

/// The state of one ``APIBodyCodec/BodyDecryptor``, which owns it: noncopyable, so that the
/// plaintext has one owner, which wipes it when it is dropped.
struct BodyStream: ~Copyable {
    /// Where the text is: before the body, in the `{"data":"` prefix (the pattern's index),
    /// in the token, after it, or kept whole because it is not a layout that streams.
    private enum Phase {
        case leading
        case objectPrefix(Int)
        case token(Shape)
        case escape(Shape)
        case afterToken(Shape)
        case closed
        case members
        case buffered
    }

    /// The body's shape: `{"data":"…"}`, `"…"`, or the bare token.
    private enum Shape { case object, string, bare }

    /// What follows `{`: `"data"`, `:`, `"`; whitespace may come before the name, the colon
    /// and the string.
    private static let objectPrefix = Array(#""data":""#.utf8)
    private static let whitespaceBefore: Set<Int> = [0, 6, 7]

    private let codec: APIBodyCodec
    private var phase = Phase.leading
    private var failure: LiveformError?
    private var received = 0
    /// The raw text while it matters: the body before its token (for the fallback), the whole
    /// body (buffered), the members after `data`, whitespace that may end a bare token, an escape.
    private var raw: [UInt8] = []
    private var decoder = Base64.Decoder()
    /// Bytes out of the base64 reader and dropped (without a key); with one, `plaintext`
    /// holds all of them.
    private var decoded = 0
    /// The engine of the first key, which decrypts as the body arrives; nil when there is no
    /// key or it cannot be used (`keyFailure`), which ``finish()`` reports after the text's
    /// own errors. Without it, decoded bytes are only counted.
    private var engine: (any CipherEngine)?
    private var keyFailure: LiveformError?
    /// The decoded body: the blocks decrypted so far under the first key (`clearCount` bytes),
    /// then the bytes of a block still incomplete.
    private var plaintext: [UInt8] = []
    private var clearCount = 0

    /// Token characters decoded at a time: one piece, or less for a body known to be short.
    private let pieceCharacters: Int

    init(codec: APIBodyCodec, bodyLength: Int?) {
        self.codec = codec
        let piece = TokenCipher.pieceBytes / 3 * 4
        pieceCharacters = bodyLength.map { max(4, (min($0, piece) + 3) / 4 * 4) } ?? piece
        if let key = codec.decryptionKeys.first {
            do throws(LiveformError) {
                engine = try key.engine(codec.backend)
            } catch {
                keyFailure = error
            }
        } else {
            keyFailure = .invalidKey("no key was given to decrypt with")
        }
        // Room for everything the token can decode to: then the plaintext is never moved.
        if let bodyLength, bodyLength > 0, engine != nil {
            plaintext.reserveCapacity(Base64.maxDecodedLength(min(bodyLength, codec.maxBodySize)))
        }
    }

    deinit {
        wipeStorage(of: plaintext)
    }

    private mutating func wipe() {
        LiveformBackends.wipe(&plaintext)
        plaintext = []
        clearCount = 0
    }

    private mutating func fail(_ error: LiveformError) -> LiveformError {
        wipe()
        failure = error
        return error
    }

    mutating func update(_ chunk: Span<UInt8>) throws(LiveformError) {
        if let failure { throw failure }
        received += chunk.count
        guard received <= codec.maxBodySize else {
            throw fail(.malformed("the body is over the limit of \(codec.maxBodySize) bytes"))
        }
        do throws(LiveformError) {
            try read(chunk)
        } catch {
            throw fail(error)
        }
    }

    private mutating func read(_ chunk: Span<UInt8>) throws(LiveformError) {
        let count = chunk.count
        var index = 0
        while index < count {
            switch phase {
            case .buffered, .members:
                for offset in index..<count { raw.append(chunk[offset]) }
                return
            case .leading:
                // Whitespace before the body is dropped, as JSON allows it.
                let byte = chunk[index]
                index += 1
                if JSONBytes.isWhitespace(byte) { continue }
                switch byte {
                case UInt8(ascii: "{"):
                    raw = [byte]
                    phase = .objectPrefix(0)
                case UInt8(ascii: "\""):
                    phase = .token(.string)
                default:
                    phase = .token(.bare)
                    index -= 1  // the token's first character
                }
            case .objectPrefix(let stage):
                let byte = chunk[index]
                index += 1
                raw.append(byte)
                if Self.whitespaceBefore.contains(stage) && JSONBytes.isWhitespace(byte) { continue }
                if byte != Self.objectPrefix[stage] {
                    phase = .buffered
                } else if stage == Self.objectPrefix.count - 1 {
                    raw.removeAll()
                    phase = .token(.object)
                } else {
                    phase = .objectPrefix(stage + 1)
                }
            case .token(.bare):
                var end = index
                while end < count && !JSONBytes.isWhitespace(chunk[end]) { end += 1 }
                if end > index {
                    // Whitespace inside the token is the base64 reader's to judge; only
                    // whitespace that ends the body is trimmed.
                    if !raw.isEmpty {
                        let spaces = raw
                        raw.removeAll()
                        try feed(spaces.span)
                    }
                    try feed(chunk.extracting(index..<end))
                }
                index = end
                while index < count && JSONBytes.isWhitespace(chunk[index]) {
                    raw.append(chunk[index])
                    index += 1
                }
            case .token(let shape):
                let stop = JSONBytes.skipPlainBytes(chunk, from: index)
                if stop > index { try feed(chunk.extracting(index..<stop)) }
                index = stop
                guard index < count else { break }
                let byte = chunk[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): phase = .afterToken(shape)
                case UInt8(ascii: "\\"): phase = .escape(shape)
                case 0x80...: try feed(chunk.extracting((index - 1)..<index))  // not base64: the decoder says so
                default: throw .malformed("the body's token holds control character 0x\(Hex.encode([byte]))")
                }
            case .escape(let shape):
                raw.append(chunk[index])
                index += 1
                if let character = try Self.unescape(raw) {
                    raw.removeAll()
                    try feed([character].span)
                    phase = .token(shape)
                }
            case .afterToken(let shape):
                let byte = chunk[index]
                index += 1
                if JSONBytes.isWhitespace(byte) { continue }
                switch (shape, byte) {
                case (.object, UInt8(ascii: "}")): phase = .closed
                case (.object, UInt8(ascii: ",")): phase = .members
                default: throw .malformed("the body continues after its token")
                }
            case .closed:
                guard JSONBytes.isWhitespace(chunk[index]) else {
                    throw .malformed("the body continues after its JSON object")
                }
                index += 1
            }
        }
    }

    /// The character of a complete JSON escape (`raw` is what follows the backslash), nil
    /// while it is incomplete. A character beyond ASCII cannot be base64: it is malformed
    /// here, as the base64 reader would find it.
    private static func unescape(_ raw: [UInt8]) throws(LiveformError) -> UInt8? {
        switch raw[0] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return raw[0]
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            guard raw.count == 5 else { return nil }
            var value = 0
            for digit in raw[1...] {
                guard let nibble = hexDigitValue(digit) else { throw .malformed("the body's token holds a bad \\u escape") }
                value = value << 4 | Int(nibble)
            }
            guard value < 0x80 else { throw .malformed("the body's token holds U+\(String(value, radix: 16, uppercase: true)), which is not base64") }
            return UInt8(value)
        default:
            throw .malformed("the body's token holds an invalid escape")
        }
    }

    /// Base64-decodes token text a piece at a time behind the plaintext, and decrypts the
    /// whole blocks in place.
    private mutating func feed(_ text: Span<UInt8>) throws(LiveformError) {
        var offset = 0
        while offset < text.count {
            let end = min(offset + pieceCharacters, text.count), room = Base64.maxDecodedLength(end - offset)
            reserve(room)
            var decoder = decoder
            try plaintext.append(addingCapacity: room) { (output) throws(LiveformError) in
                try decoder.update(text.extracting(offset..<end), into: &output)
            }
            self.decoder = decoder
            try absorb()
            offset = end
        }
    }

    /// Counts the bytes decoded since the last call and decrypts the whole blocks among them
    /// (or, without a key, drops them).
    private mutating func absorb() throws(LiveformError) {
        guard let engine else {
            decoded += plaintext.count
            plaintext.removeAll(keepingCapacity: true)
            return
        }
        let blocks = clearCount..<(plaintext.count / 16 * 16)
        guard !blocks.isEmpty else { return }
        var bytes = plaintext.mutableSpan
        try backendCall { () throws(CipherFailure) in try engine.ecb(encrypt: false, inPlace: &bytes, range: blocks) }
        clearCount = blocks.upperBound
    }

    /// Room for `extra` more bytes. Grown by hand so that the old buffer is wiped: an array
    /// that grows itself would free a copy of the plaintext without clearing it.
    private mutating func reserve(_ extra: Int) {
        guard plaintext.count + extra > plaintext.capacity else { return }
        var grown: [UInt8] = []
        grown.reserveCapacity(max(plaintext.capacity * 2, plaintext.count + extra, 64 * 1024))
        grown.append(contentsOf: plaintext)
        LiveformBackends.wipe(&plaintext)
        plaintext = grown
    }

    mutating func finish() throws(LiveformError) -> [UInt8] {
        if let failure { throw failure }
        do throws(LiveformError) {
            return try complete()
        } catch {
            throw fail(error)
        }
    }

    private mutating func complete() throws(LiveformError) -> [UInt8] {
        switch phase {
        case .leading, .objectPrefix, .buffered:
            // Not a layout that streams (or too short to tell): the envelope's reader finds the token.
            let token = Array(try DataEnvelope.token(of: raw.span, maxSize: codec.maxBodySize).utf8)
            try feed(token.span)
        case .token(.bare), .afterToken(.string), .closed:
            break
        case .token, .escape:
            throw .malformed("the body ends inside its token")
        case .afterToken:
            throw .malformed("the body ends inside its JSON object")
        case .members:
            try checkMembers()
        }
        reserve(2)
        var decoder = decoder
        try plaintext.append(addingCapacity: 2) { (output) throws(LiveformError) in try decoder.finish(into: &output) }
        try absorb()
        try codec.cipher.checkStructure(decoded + plaintext.count)
        if let keyFailure { throw keyFailure }
        return try decrypted()
    }

    /// The members after `data` (from the comma on): valid JSON, and no second `data`.
    private func checkMembers() throws(LiveformError) {
        let object: JSONObject
        do throws(LiveformError) {
            guard let members = try JSONReader.parse(([UInt8(ascii: "{")] + raw).span).objectValue else { throw .malformed("") }
            object = members
        } catch {
            throw .malformed("the body is not a JSON object")
        }
        guard !object.isEmpty else { throw .malformed("the body is not a JSON object (a comma before '}')") }
        guard object["data"] == nil else { throw .malformed("the body has a second \"data\" member") }
    }

    /// The plaintext under the first key that gives a UTF-8 JSON object or array.
    private mutating func decrypted() throws(LiveformError) -> [UInt8] {
        var current = engine
        for (index, key) in codec.decryptionKeys.enumerated() {
            if index > 0, let previous = current {
                // Back to the ciphertext under the previous key, then through the next.
                let next = try key.engine(codec.backend), all = 0..<plaintext.count
                var bytes = plaintext.mutableSpan
                try backendCall { () throws(CipherFailure) in
                    try previous.ecb(encrypt: true, inPlace: &bytes, range: all)
                    try next.ecb(encrypt: false, inPlace: &bytes, range: all)
                }
                current = next
            }
            if let count = PKCS7.unpaddedLength(plaintext.span),
                DataEnvelope.isAcceptedJSON(plaintext.span.extracting(..<count), objectOnly: false)
            {
                plaintext.removeLast(plaintext.count - count)  // the padding: no secret to wipe
                var result: [UInt8] = []
                swap(&result, &plaintext)
                return result
            }
        }
        throw .decryptionFailed
    }
}
