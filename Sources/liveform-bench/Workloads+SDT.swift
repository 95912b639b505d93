import Liveform
import LiveformBackends

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// W4–W6: webhooks and API bodies, through the public `WebhookDecoder` and `APIBodyCodec`.
extension Workloads {
    func runSecureDataTransfer(_ workload: String, key: AES256.Key) throws -> JSONValue {
        switch workload {
        case "W4": return try runWebhook(key: key)
        case "W5": return try runRequestBody(key: key)
        case "W6": return try runResponseBody(key: key)
        case "W5s": return try runStreamedRequestBody(key: key)
        case "W6s": return try runStreamedResponseBody(key: key)
        default: fail("unknown workload \(workload)")
        }
    }

    /// W4: the peers' webhook body, `{"data":"base64(IV ‖ AES-256-CBC)"}` under IV 00…0f,
    /// decrypted and typed; the figure reads webhook_trigger, submission_id, kyc_result.status.
    private func runWebhook(key: AES256.Key) throws -> JSONValue {
        let plaintext = Fixtures.webhookPlaintext()
        try Fixtures.checkDigest(plaintext, Fixtures.webhookDigest, "W4 webhook")
        let iv = (0..<16).map { UInt8($0) }
        // The peers write JSON.stringify({data: token}): exactly {"data":"<token>"}.
        let token = try TokenCipher(mode: .cbc, backend: backend).encrypt(plaintext, using: key, iv: iv)
        let body = Array(#"{"data":""#.utf8) + Array(token.utf8) + Array(#""}"#.utf8)
        let decoder = WebhookDecoder(keys: [key], backend: backend)
        let check = try decoder.decode(body: body)
        guard check.trigger.rawValue == "approved", check.submissionId == "sub_8f3c2a61d4e94b7c",
            check.kycResult?.status == "approved", check.json == (try JSONValue(parsing: plaintext)).objectValue
        else { fail("W4 fields") }
        return row(
            "W4",
            nanoseconds: harness.nanosecondsPerOperation {
                guard let event = try? decoder.decode(body: body) else { fail("W4 failed") }
                sink &+=
                    event.trigger.rawValue.utf8.count + (event.submissionId?.utf8.count ?? 0)
                    + (event.kycResult?.status?.utf8.count ?? 0)
            })
    }

    /// W5: the 10 MiB request JSON → its ECB token (the HTTP body), as bytes for the HTTP
    /// client (`encrypt`).
    private func runRequestBody(key: AES256.Key) throws -> JSONValue {
        try requestBodyRow(
            "W5", key: key,
            verify: { codec, plaintext in
                // Piece by piece, so that checking holds no second body-sized buffer.
                var verifier = try StreamedBodyVerifier(plaintext: plaintext, engine: try key.engine(backend))
                try verifier.check(try codec.encrypt(plaintext))
                guard verifier.finished else { fail("W5 body ends early") }
            },
            encrypt: { codec, plaintext in
                try codec.encrypt(plaintext).count
            })
    }

    /// A request-body row (W5, W5s): `encrypt` timed with `maxThreadsPerBody` set to the
    /// online cores (`mb_per_s`, and `threads` says how many) and with the default of one
    /// thread (`mb_per_s_one_thread`, measured first in the same process), once `verify` has
    /// checked both codecs' output.
    private func requestBodyRow(
        _ workload: String, key: AES256.Key,
        verify: (APIBodyCodec, [UInt8]) throws -> Void,
        encrypt: (APIBodyCodec, [UInt8]) throws -> Int
    ) throws -> JSONValue {
        let plaintext = try Fixtures.bodyPlaintext()
        try Fixtures.checkDigest(plaintext, Fixtures.bodyDigest, "W5 body")
        let threads = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let serial = APIBodyCodec(key: key, backend: backend)
        let parallel = APIBodyCodec(key: key, backend: backend, maxThreadsPerBody: threads)
        for codec in [serial, parallel] { try verify(codec, plaintext) }
        let megabytes = Double(plaintext.count) / 1e6
        func throughput(_ codec: APIBodyCodec) -> Double {
            megabytes
                / (harness.nanosecondsPerOperation {
                    guard let count = try? encrypt(codec, plaintext) else { fail("\(workload) failed") }
                    sink &+= count
                } / 1e9)
        }
        let oneThread = throughput(serial)
        guard case .object(var fields) = row(workload, megabytesPerSecond: threads > 1 ? throughput(parallel) : oneThread) else {
            fail("\(workload) row")
        }
        fields["threads"] = .number(Double(threads))
        fields["mb_per_s_one_thread"] = .number((oneThread * 10).rounded() / 10)
        return .object(fields)
    }

    /// W6: `{"data":"<ECB token of the W5 plaintext>"}` → the plaintext, checked to be JSON.
    private func runResponseBody(key: AES256.Key) throws -> JSONValue {
        let codec = APIBodyCodec(key: key, backend: backend)
        let (body, digest, count): ([UInt8], [UInt8], Int) = try {
            let plaintext = try Fixtures.bodyPlaintext()
            try Fixtures.checkDigest(plaintext, Fixtures.bodyDigest, "W5 body")
            // A receiver holds the body and its output, not the sender's plaintext (as the peers).
            return (try codec.encryptResponse(plaintext), try plaintext.withUnsafeBytes { try sha256($0) }, plaintext.count)
        }()
        guard body.starts(with: #"{"data":""#.utf8) else { fail("W6 body shape") }
        let check = try codec.decrypt(body)
        guard check.count == count, try check.withUnsafeBytes({ try sha256($0) }) == digest else {
            fail("W6 output is not the W5 plaintext")
        }
        let seconds =
            harness.nanosecondsPerOperation {
                guard let plaintext = try? codec.decrypt(body) else { fail("W6 failed") }
                sink &+= plaintext.count
            } / 1e9
        return row("W6", megabytesPerSecond: Double(count) / 1e6 / seconds)
    }

    // MARK: W5s and W6s: the same bodies through the streaming API

    /// W5s: W5's plaintext → its request body, handed to the HTTP client in chunks
    /// (`encryptedChunks`), threads as in W5. The writer touches each chunk and
    /// counts it, as a client copying it to a socket would.
    private func runStreamedRequestBody(key: AES256.Key) throws -> JSONValue {
        try requestBodyRow(
            "W5s", key: key,
            verify: { codec, plaintext in
                var verifier = try StreamedBodyVerifier(plaintext: plaintext, engine: try key.engine(backend))
                var chunks = codec.encryptedChunks(plaintext).makeAsyncIterator()
                while let chunk = try chunks.next() { try verifier.check(chunk) }
                guard verifier.finished else { fail("W5s body ends early") }
            },
            encrypt: { codec, plaintext in
                var written = 0
                var chunks = codec.encryptedChunks(plaintext).makeAsyncIterator()
                while let chunk = try chunks.next() { written &+= chunk.count &+ Int(chunk[chunk.count - 1]) }
                return written
            })
    }

    /// W6s: W6's response body read as it would come off the connection, 64 KiB at a time
    /// (here from a temporary file), into a `BodyDecryptor` told the body's length. The body is
    /// written to the file in chunks, so no body-sized buffer but the plaintext ever exists.
    private func runStreamedResponseBody(key: AES256.Key) throws -> JSONValue {
        let codec = APIBodyCodec(key: key, backend: backend)
        let (file, length, digest, count) = try { () throws -> (Int32, Int, [UInt8], Int) in
            let plaintext = try Fixtures.bodyPlaintext()
            try Fixtures.checkDigest(plaintext, Fixtures.bodyDigest, "W5 body")
            var file = try TemporaryFile()
            try file.write(Array(#"{"data":""#.utf8))
            var chunks = codec.encryptedChunks(plaintext).makeAsyncIterator()
            while let chunk = try chunks.next() { try file.write(chunk) }
            try file.write(Array(#""}"#.utf8))
            return (file.descriptor, file.length, try plaintext.withUnsafeBytes { try sha256($0) }, plaintext.count)
        }()
        defer { close(file) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64 * 1024)
        defer { buffer.deallocate() }
        func decrypt() throws -> [UInt8] {
            var decryptor = codec.makeDecryptor(bodyLength: length)
            var offset = 0
            while offset < length {
                let read = pread(file, buffer.baseAddress, buffer.count, off_t(offset))
                guard read > 0 else { fail("W6s: reading the body failed") }
                try decryptor.update(UnsafeBufferPointer(rebasing: buffer[..<read]))
                offset += read
            }
            return try decryptor.finish()
        }
        let check = try decrypt()
        guard check.count == count, try check.withUnsafeBytes({ try sha256($0) }) == digest else {
            fail("W6s output is not the W5 plaintext")
        }
        let seconds =
            harness.nanosecondsPerOperation {
                guard let plaintext = try? decrypt() else { fail("W6s failed") }
                sink &+= plaintext.count
            } / 1e9
        return row("W6s", megabytesPerSecond: Double(count) / 1e6 / seconds)
    }
}

/// Checks a request body against its plaintext, whole (W5) or chunk by chunk as it is streamed
/// (W5s): every chunk is whole base64 quartets of whole ECB blocks, and what follows the
/// plaintext in the last one must be its PKCS#7 padding.
struct StreamedBodyVerifier {
    let plaintext: [UInt8]
    let engine: any CipherEngine
    private var offset = 0
    private(set) var finished = false

    init(plaintext: [UInt8], engine: any CipherEngine) throws {
        self.plaintext = plaintext
        self.engine = engine
    }

    /// Checks a chunk 64 KiB of text at a time (48 KiB of whole blocks), so that checking
    /// holds no chunk-sized buffer besides the chunk: the peak RSS is part of the figure.
    mutating func check(_ chunk: [UInt8]) throws {
        var start = 0
        repeat {
            let end = min(start + 64 * 1024, chunk.count)
            try checkPiece(chunk.span.extracting(start..<end))
            start = end
        } while start < chunk.count
    }

    private mutating func checkPiece(_ text: Span<UInt8>) throws {
        guard !finished else { fail("request body: text after the padding") }
        let wire = try Base64.decode(text)
        var clear = [UInt8](repeating: 0, count: wire.count)
        let count = try wire.withUnsafeBytes { input in
            try clear.withUnsafeMutableBytes { output in
                try engine.ecb(encrypt: false, padding: false, input: input, output: output)
            }
        }
        let take = min(count, plaintext.count - offset)
        guard plaintext[offset..<(offset + take)].elementsEqual(clear[..<take]) else { fail("request body: does not decrypt to the plaintext") }
        offset += take
        if take < count {
            let pad = 16 - plaintext.count % 16
            guard count - take == pad, clear[take..<count].allSatisfy({ $0 == UInt8(pad) }) else { fail("request body: bad padding") }
            finished = true
        }
    }
}

/// A temporary file, unlinked as soon as it is made: it lives while its descriptor is open.
struct TemporaryFile {
    let descriptor: Int32
    private(set) var length = 0

    init() throws {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/liveform-bench-XXXXXX".utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { fail("cannot create a temporary file in \(directory)") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    /// The C library's `write(2)`, named apart from this type's own `write` methods.
    private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
        #elseif canImport(Musl)
        Musl.write(fd, buffer, count)
        #else
        Darwin.write(fd, buffer, count)
        #endif
    }

    mutating func write(_ bytes: some Collection<UInt8>) throws {
        let array = Array(bytes)
        try array.withUnsafeBytes { try write($0) }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let wrote = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            guard wrote > 0 else { fail("writing the temporary file failed") }
            done += wrote
        }
        length += bytes.count
    }
}
