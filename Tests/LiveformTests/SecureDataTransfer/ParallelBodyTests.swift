import Testing

@testable import Liveform
@testable import LiveformBackends

@Suite("Large bodies on several threads: the same bytes and the same errors as on one")
struct ParallelBodyTests {
    let key: AES256.Key

    init() throws {
        key = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
    }

    @Test(
        "ParallelJobs runs every index exactly once and returns after the last",
        arguments: [0, 1, 2, 3, 7, 100], [1, 2, 3, 8, 1000])
    func parallelJobsRunEveryIndexOnce(iterations: Int, threads: Int) {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(iterations, 1))
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        ParallelJobs.forEach(0..<iterations, threads: threads) { index in
            // Each index owns its slot; a second call for it would show as 2.
            counts[index] += 1
        }
        #expect(counts.prefix(iterations).allSatisfy { $0 == 1 })
    }

    /// A JSON object of exactly `size` bytes: `{"d":"abc…"}` with the text cycling through
    /// the alphabet, so every block differs and a unit written at the wrong offset shows.
    static func plaintext(size: Int) -> [UInt8] {
        let head = Array(#"{"d":""#.utf8), tail = Array(#""}"#.utf8)
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let body = (0..<(size - head.count - tail.count)).map { letters[$0 % letters.count] }
        return head + body + tail
    }

    static let unit = TokenCipher.unitBytes, piece = TokenCipher.pieceBytes, minimum = TokenCipher.parallelMinimum
    /// Below and at the threshold, whole units, a last unit of one byte, of one block and of
    /// a block plus one, and a last unit of exactly `unitBytes` (which also takes the padding);
    /// a last unit of two whole pieces (the second takes the padding) and of a piece and a byte,
    /// because each piece is a job of its own on several threads.
    static let sizes = [
        minimum - 1, minimum, 6 * unit, 6 * unit + 1, 6 * unit + 16, 6 * unit + 17, 7 * unit - 1, 6 * unit + 2 * piece,
        6 * unit + piece + 1,
    ]

    @Test(
        "encrypt on 2, 3 and 16 threads equals one thread and the one-call ECB",
        arguments: AES256.Backend.allCases, sizes)
    func requestBodiesMatch(backend: AES256.Backend, size: Int) throws {
        let plaintext = Self.plaintext(size: size)
        let serial = APIBodyCodec(key: key, backend: backend)
        let expected = try serial.encrypt(plaintext)
        // Independent of the piece and unit logic: one ECB call over the whole input.
        #expect(expected == Array(Base64.encode(try AES256.ECB.encrypt(plaintext, using: key, backend: backend)).utf8))
        for threads in [2, 3, 16] {
            let codec = APIBodyCodec(key: key, backend: backend, maxThreadsPerBody: threads)
            #expect(try codec.encrypt(plaintext) == expected, "\(threads) threads")
        }
        #expect(try serial.decrypt(expected) == plaintext)
    }

    @Test("response bodies ({\"data\":…}) on several threads equal one thread", arguments: AES256.Backend.allCases)
    func responseBodiesMatch(backend: AES256.Backend) throws {
        let plaintext = Self.plaintext(size: 6 * Self.unit + 5)
        let expected = try APIBodyCodec(key: key, backend: backend).encryptResponse(plaintext)
        let parallel = APIBodyCodec(key: key, backend: backend, maxThreadsPerBody: 4)
        #expect(try parallel.encryptResponse(plaintext) == expected)
        #expect(try parallel.decrypt(expected) == plaintext)
    }

    @Test(
        "a large plaintext that is not JSON fails as on one thread, with no output",
        arguments: AES256.Backend.allCases)
    func largeInvalidPlaintext(backend: AES256.Backend) throws {
        var broken = Self.plaintext(size: 6 * Self.unit + 100)
        broken[broken.count - 1] = UInt8(ascii: "x")  // no closing brace
        let serial = APIBodyCodec(key: key, backend: backend)
        let parallel = APIBodyCodec(key: key, backend: backend, maxThreadsPerBody: 2)
        let expected = #expect(throws: LiveformError.self) { try serial.encrypt(broken) }
        let parallelError = #expect(throws: LiveformError.self) { try parallel.encrypt(broken) }
        #expect(expected?.code == .invalidParameter)
        #expect(parallelError?.description == expected?.description)
        // A text (not JSON) at the top level is refused the same way.
        let scalar = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 6 * Self.unit) + Array("\"".utf8)
        #expect(throws: LiveformError.invalidParameter) { try parallel.encrypt(scalar) }
    }
}
