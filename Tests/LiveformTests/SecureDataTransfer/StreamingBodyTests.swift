import Testing

@testable import Liveform
@testable import LiveformBackends

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Streamed bodies: the bytes and the errors of the whole-body calls, a piece at a time")
struct StreamingBodyTests {
    let key: AES256.Key
    let otherKey: AES256.Key

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
        otherKey = try AES256.Key(credential: "DEMO-ONLY-another-fake-key")
    }

    // MARK: Encryption

    static let unit = TokenCipher.unitBytes, minimum = TokenCipher.parallelMinimum
    static let perThread = APIBodyCodec.EncryptedChunks.Iterator.unitsPerThread
    /// Up to 4 batches of `perThread` × 2 units, and more than one batch on 3 threads; a last
    /// unit of two whole pieces (each piece is a job on several threads; the second takes the
    /// padding).
    static let sizes = [
        8, 100, unit - 1, unit, unit + 1, minimum - 1, minimum, 6 * unit, 6 * unit + 17, 12 * unit + 3, 13 * unit,
        12 * unit + 2 * TokenCipher.pieceBytes, 2 * perThread * unit, 6 * perThread * unit + 3,
    ]

    /// Whether `chunks`, joined, are exactly `expected` (compared with `memcmp`: element-wise
    /// comparison of megabytes is slow in a debug build).
    static func joined(_ chunks: [[UInt8]], equal expected: [UInt8]) -> Bool {
        var offset = 0
        for chunk in chunks {
            guard offset + chunk.count <= expected.count else { return false }
            let same = chunk.withUnsafeBytes { a in
                expected.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress! + offset, a.count) == 0 }
            }
            guard same else { return false }
            offset += chunk.count
        }
        return offset == expected.count
    }

    /// The chunks of `encryptedChunks`, read from synchronous code.
    static func chunks(_ codec: APIBodyCodec, _ plaintext: some Collection<UInt8>) throws(LiveformError) -> [[UInt8]] {
        var iterator = codec.encryptedChunks(plaintext).makeAsyncIterator()
        var chunks: [[UInt8]] = []
        while let chunk = try iterator.next() { chunks.append(chunk) }
        return chunks
    }

    @Test(
        "the streamed request body is the whole one, in chunks of whole units, on 1, 2 and 3 threads",
        arguments: AES256.Backend.allCases, sizes)
    func streamedRequestBodies(backend: AES256.Backend, size: Int) throws {
        let plaintext = ParallelBodyTests.plaintext(size: size)
        let expected = try APIBodyCodec(key: key, backend: backend).encrypt(plaintext)
        for threads in [1, 2, 3] {
            let codec = APIBodyCodec(key: key, backend: backend, maxThreadsPerBody: threads)
            #expect(codec.encryptedChunks(plaintext).length == expected.count)
            let chunks = try Self.chunks(codec, plaintext)
            let same = Self.joined(chunks, equal: expected)  // a Bool: a failure does not print megabytes
            #expect(same, "\(threads) threads")
            // Every chunk but the last is a whole batch: one unit, or 8 × threads on several threads
            // (as `encryptedChunks` documents it).
            #expect(Self.perThread == 8)
            let batch = threads > 1 && size >= Self.minimum ? Self.perThread * threads : 1
            #expect(chunks.dropLast().allSatisfy { $0.count == batch * Self.unit / 3 * 4 }, "\(chunks.map(\.count))")
            #expect(chunks.count == (TokenCipher.unitCount(size) + batch - 1) / batch)
        }
    }

    @Test(
        "a chunk is the caller's: kept and changed, or let go (its memory then holds the next), the chunks are the body",
        arguments: [1, 2])
    func chunksOwnedByTheCaller(threads: Int) throws {
        let plaintext = ParallelBodyTests.plaintext(size: 4 * Self.perThread * Self.unit + 5)
        let codec = APIBodyCodec(key: key, maxThreadsPerBody: threads)
        let expected = try codec.encrypt(plaintext)
        var iterator = codec.encryptedChunks(plaintext).makeAsyncIterator()
        // Even chunks are kept and changed; odd ones are checked and let go at once.
        var kept: [(offset: Int, chunk: [UInt8])] = []
        var offset = 0, index = 0
        while let chunk = try iterator.next() {
            if index.isMultiple(of: 2) {
                var changed = chunk
                changed[0] ^= 0xFF
                kept.append((offset, changed))
            } else {
                let same = Self.joined([chunk], equal: Array(expected[offset..<(offset + chunk.count)]))
                #expect(same, "chunk \(index)")
            }
            offset += chunk.count
            index += 1
        }
        #expect(offset == expected.count)
        #expect(index >= 3)
        for (offset, var chunk) in kept {
            chunk[0] ^= 0xFF
            let same = Self.joined([chunk], equal: Array(expected[offset..<(offset + chunk.count)]))
            #expect(same, "at \(offset)")
        }
    }

    @Test("a plaintext that is not in contiguous memory streams the same")
    func nonContiguousPlaintext() throws {
        let plaintext = ParallelBodyTests.plaintext(size: 3 * Self.unit + 5)
        let codec = APIBodyCodec(key: key)
        let lazy = plaintext.lazy.map { $0 }
        #expect(lazy.withContiguousStorageIfAvailable { _ in true } == nil)
        #expect(Self.joined(try Self.chunks(codec, lazy), equal: try codec.encrypt(plaintext)))
    }

    @Test(
        "a plaintext that is not JSON fails on the first next() as encrypt does, then ends",
        arguments: [1, 2], [100, 6 * unit + 1])
    func streamedInvalidPlaintext(threads: Int, size: Int) throws {
        var broken = ParallelBodyTests.plaintext(size: size)
        broken[broken.count - 1] = UInt8(ascii: "x")
        let codec = APIBodyCodec(key: key, maxThreadsPerBody: threads)
        let expected = #expect(throws: LiveformError.self) { try codec.encrypt(broken) }
        var iterator = codec.encryptedChunks(broken).makeAsyncIterator()
        let error = #expect(throws: LiveformError.self) { try iterator.next() }
        #expect(error?.description == expected?.description)
        #expect(try iterator.next() == nil)
    }

    @Test(
        "for try await: the chunks joined are the whole body, and length its Content-Length",
        arguments: AES256.Backend.allCases, [8, unit, 3 * unit + 5])
    func asyncChunks(backend: AES256.Backend, size: Int) async throws {
        let plaintext = ParallelBodyTests.plaintext(size: size)
        let codec = APIBodyCodec(key: key, backend: backend)
        let expected = try codec.encrypt(plaintext)
        let chunks = codec.encryptedChunks(plaintext)
        #expect(chunks.length == expected.count)
        // A value: a second pass gives the same chunks, and another task may iterate it.
        for _ in 0..<2 {
            let collected = try await Task { () async throws -> [[UInt8]] in
                var all: [[UInt8]] = []
                for try await chunk in chunks { all.append(chunk) }
                return all
            }.value
            #expect(Self.joined(collected, equal: expected))
            #expect(collected.count == TokenCipher.unitCount(size))
        }
        var iterator = chunks.makeAsyncIterator()
        while try await iterator.next() != nil {}
        #expect(try await iterator.next() == nil)
    }

    // MARK: Decryption

    /// Decrypts `body` with a decryptor fed `chunk`-byte pieces.
    static func streamed(_ codec: APIBodyCodec, _ body: [UInt8], chunk: Int, hint: Int? = nil) -> Result<[UInt8], LiveformError> {
        var decryptor = codec.makeDecryptor(bodyLength: hint)
        var offset = 0
        do throws(LiveformError) {
            while offset < body.count {
                let end = min(offset + chunk, body.count)
                try decryptor.update(body[offset..<end])
                offset = end
            }
            return .success(try decryptor.finish())
        } catch {
            return .failure(error)
        }
    }

    static func whole(_ codec: APIBodyCodec, _ body: [UInt8]) -> Result<[UInt8], LiveformError> {
        Result { () throws(LiveformError) in try codec.decrypt(body) }
    }

    /// Same plaintext, or the same error category.
    static func same(_ a: Result<[UInt8], LiveformError>, _ b: Result<[UInt8], LiveformError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): return x == y
        case (.failure(let x), .failure(let y)): return x.code == y.code
        default: return false
        }
    }

    /// Bodies of every layout the whole-body call reads, and of many it refuses.
    func bodies(backend: AES256.Backend) throws -> [(name: String, body: [UInt8])] {
        let codec = APIBodyCodec(key: key, backend: backend)
        let small = Array(#"{"kyc":{"status":"approved"},"list":[1,2,3],"note":"a/b+c"}"#.utf8)
        let token = try codec.requestText(small)
        let large = try codec.requestText(ParallelBodyTests.plaintext(size: 300_000))
        let notJSON = Base64.encode(try AES256.ECB.encrypt(Array("not json at all".utf8), using: key, backend: backend))
        let scalar = Base64.encode(try AES256.ECB.encrypt(Array("\"a JSON string\"".utf8), using: key, backend: backend))
        let wrongKey = try APIBodyCodec(key: otherKey, backend: backend).requestText(small)
        var badPadding = try AES256.ECB.encrypt(small, using: key, backend: backend)
        badPadding[badPadding.count - 1] ^= 0x5A
        let escaped = token.replacingOccurrences("/", #"\/"#).replacingOccurrences("A", #"\u0041"#)
        let texts: [(String, String)] = [
            ("canonical", #"{"data":"\#(token)"}"#),
            ("canonical, large", #"{"data":"\#(large)"}"#),
            ("whitespace everywhere", " \n\t{ \r\n\"data\" :\n \"\(token)\" \t}\n "),
            ("escapes in the token", #"{"data":"\#(escaped)"}"#),
            ("\\n and \\r escapes in the token", #"{"data":"\#(token.prefix(8))\n\#(token.dropFirst(8))\r"}"#),
            ("the token as a JSON string", #"  "\#(token)" "#),
            ("the bare token", token),
            ("the bare token, large, trailing whitespace", large + " \r\n"),
            ("the bare token with spaces for +", token.replacingOccurrences("+", " ")),
            ("members after data", #"{"data":"\#(token)", "x":[1,{"y":null}],"z":"}"}"#),
            ("a member before data (kept whole)", #"{"x":1,"data":"\#(token)"}"#),
            ("an escaped name (kept whole)", #"{"d\u0061ta":"\#(token)"}"#),
            ("data is a number", #"{"data":5}"#),
            ("no data member", #"{"foo":"\#(token)"}"#),
            ("an array", "[]"),
            ("empty", ""),
            ("whitespace only", " \n "),
            ("unclosed object", #"{"data":"\#(token)""#),
            ("unclosed string", #"{"data":"\#(token)"#),
            ("text after the object", #"{"data":"\#(token)"}x"#),
            ("text after the string", #""\#(token)"x"#),
            ("trailing comma", #"{"data":"\#(token)",}"#),
            ("invalid members after data", #"{"data":"\#(token)","x":}"#),
            ("a character that is not base64", #"{"data":"\#(token.dropLast(4))!AAA"}"#),
            ("a control character in the string", "{\"data\":\"\(token.prefix(4))\u{01}\(token.dropFirst(4))\"}"),
            ("an invalid escape", #"{"data":"\#(token.prefix(4))\x\#(token.dropFirst(4))"}"#),
            ("a non-ASCII escape", #"{"data":"\#(token.prefix(4))\u00e9\#(token.dropFirst(4))"}"#),
            ("a bad \\u escape", #"{"data":"\#(token.prefix(4))\u00zz\#(token.dropFirst(4))"}"#),
            ("not whole blocks", #"{"data":"\#(Base64.encode(Array(repeating: 7, count: 15)))"}"#),
            ("non-ASCII in a bare token", "\(token.prefix(4))é\(token.dropFirst(4))"),
            ("the wrong key", #"{"data":"\#(wrongKey)"}"#),
            ("a plaintext that is not JSON", #"{"data":"\#(notJSON)"}"#),
            ("a plaintext that is a JSON string", #"{"data":"\#(scalar)"}"#),
            ("bad padding", #"{"data":"\#(Base64.encode(badPadding))"}"#),
        ]
        return texts.map { ($0.0, Array($0.1.utf8)) }
    }

    @Test(
        "every layout decrypts as the whole body does, in pieces of any size",
        arguments: AES256.Backend.allCases)
    func streamedDecryptionMatchesWhole(backend: AES256.Backend) throws {
        let codec = APIBodyCodec(key: key, backend: backend)
        var successes = 0
        for (name, body) in try bodies(backend: backend) {
            let expected = Self.whole(codec, body)
            if case .success = expected { successes += 1 }
            let chunkSizes = body.count > 10_000 ? [4093, 65_536, body.count] : [1, 2, 3, 7, 64, max(body.count, 1)]
            for chunk in chunkSizes {
                for hint in [nil, body.count, 3] {
                    let got = Self.streamed(codec, body, chunk: chunk, hint: hint)
                    #expect(Self.same(got, expected), "\(name), \(chunk)-byte pieces: \(got) against \(expected)")
                }
            }
        }
        // The list above is not all failures: the layouts that should decrypt do.
        #expect(successes == 12)
    }

    @Test("a second data member after the token is refused, whole or in pieces")
    func duplicateData() throws {
        let codec = APIBodyCodec(key: key)
        let token = try codec.requestText(Array(#"{"a":1}"#.utf8))
        let body = Array(#"{"data":"\#(token)","data":"\#(token)"}"#.utf8)
        #expect(throws: LiveformError.malformedInput) { try codec.decrypt(body) }
        let streamed = Self.streamed(codec, body, chunk: 5)
        #expect(throws: LiveformError.malformedInput) { try streamed.get() }
    }

    @Test("with several keys, the right one is found after the first is tried", arguments: AES256.Backend.allCases)
    func keyRotation(backend: AES256.Backend) throws {
        let plaintext = ParallelBodyTests.plaintext(size: 200_000)
        let body = try APIBodyCodec(key: key, backend: backend).encryptResponse(plaintext)
        let third = try AES256.Key(credential: "DEMO-ONLY-a-third-fake-key")
        for keys in [[key], [otherKey, key], [otherKey, third, key], [otherKey, third], []] {
            let codec = APIBodyCodec(key: key, decryptionKeys: keys, backend: backend)
            let expected = Self.whole(codec, body)
            for chunk in [1000, 65_536] {
                #expect(Self.same(Self.streamed(codec, body, chunk: chunk), expected), "\(keys.count) keys, \(chunk)")
            }
        }
        let none = APIBodyCodec(key: key, decryptionKeys: [], backend: backend)
        #expect(throws: LiveformError.invalidKey) { try Self.streamed(none, body, chunk: 4096).get() }
        // The text's own errors come before the missing key, as in the whole-body call.
        #expect(throws: LiveformError.malformedInput) { try Self.streamed(none, Array(#"{"data":"!!"}"#.utf8), chunk: 4).get() }
    }

    /// How a channel handler keeps a decryptor between reads.
    final class Handler {
        var decryptor: APIBodyCodec.BodyDecryptor?
        init(_ codec: APIBodyCodec) { decryptor = codec.makeDecryptor() }
        func read(_ bytes: ArraySlice<UInt8>) throws(LiveformError) { try decryptor?.update(bytes) }
        func end() throws(LiveformError) -> [UInt8]? { try decryptor.take()?.finish() }
    }

    @Test("a decryptor kept in an object between reads, as an optional, finishes once")
    func decryptorInAnObject() throws {
        let codec = APIBodyCodec(key: key)
        let plaintext = ParallelBodyTests.plaintext(size: 100_000)
        let body = try codec.encryptResponse(plaintext)
        let handler = Handler(codec)
        for start in stride(from: 0, to: body.count, by: 1000) { try handler.read(body[start..<min(start + 1000, body.count)]) }
        #expect(try handler.end() == plaintext)
        #expect(try handler.end() == nil)
    }

    @Test("a body over the limit fails as soon as it passes it, and the decryptor stays failed")
    func limitAndStickyFailure() throws {
        let codec = APIBodyCodec(key: key, maxBodySize: 100)
        let body = Array(#"{"data":"\#(try codec.requestText(ParallelBodyTests.plaintext(size: 200)))"}"#.utf8)
        #expect(throws: LiveformError.malformedInput) { try codec.decrypt(body) }
        var decryptor = codec.makeDecryptor()
        try decryptor.update(body[..<60])
        let first = #expect(throws: LiveformError.self) { try decryptor.update(body[60..<120]) }
        #expect(first?.code == .malformedInput)
        let again = #expect(throws: LiveformError.self) { try decryptor.update(body[120...]) }
        #expect(again?.description == first?.description)
        do throws(LiveformError) {
            _ = try decryptor.finish()
            Issue.record("finish succeeded after a failure")
        } catch {
            #expect(error.description == first?.description)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
