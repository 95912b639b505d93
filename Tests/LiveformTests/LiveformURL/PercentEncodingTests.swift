import LiveformBytes
import Testing

@testable import Liveform

/// Percent-encoding against the rule spelled out byte by byte: every byte value at every
/// position of a run long enough for whole 16-byte blocks, so that each byte is met both by
/// the block test and by the byte loop after it.
@Suite("Percent-encoding: every byte, at every position of a block")
struct PercentEncodingTests {
    /// RFC 3986's unreserved set, written out; everything else is `%XX` in uppercase hex.
    static func reference(_ bytes: [UInt8]) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        return bytes.map { byte in
            guard !unreserved.contains(byte) else { return String(UnicodeScalar(byte)) }
            let hex = String(byte, radix: 16, uppercase: true)
            return "%" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }

    @Test("each byte value alone, and inside a run of unreserved bytes at every offset")
    func everyByteEveryOffset() {
        let run = Array("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-._~".utf8)  // 40 unreserved bytes
        for value in 0...255 {
            let byte = UInt8(value)
            #expect(PercentEncoding.encode([byte]) == Self.reference([byte]), "byte \(value)")
            for offset in 0..<run.count {
                var text = run
                text[offset] = byte
                #expect(PercentEncoding.encode(text) == Self.reference(text), "byte \(value) at \(offset)")
            }
        }
    }

    @Test("random runs of reserved and unreserved bytes, 0 to 39 long, in random order")
    func mixedRuns() {
        var generator = BackendParityTests.SplitMix(state: 33)
        let unreserved = Array("Az09-._~".utf8), reserved: [UInt8] = [0x00, 0x20, 0x25, 0x2B, 0x2F, 0x40, 0x7F, 0x80, 0xEA, 0xFF]
        for _ in 0..<2_000 {
            var text: [UInt8] = []
            while text.count < 120 {
                let pool = generator.next() % 2 == 0 ? unreserved : reserved
                let run = Int(generator.next() % 40)
                text += (0..<run).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
            }
            #expect(PercentEncoding.encode(text) == Self.reference(text), "\(text)")
        }
    }

    @Test("a base64 token's text, percent-encoded after base64, escapes only + / =")
    func base64Text() {
        var generator = BackendParityTests.SplitMix(state: 15)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let text = Array(LiveformBytes.Base64.encode(bytes.span).utf8)
            let output = [UInt8](capacity: PercentEncoding.maxEncodedLength(text.count)) { span in
                PercentEncoding.encodeBase64(bytes.span, into: &span)
            }
            #expect(String(decoding: output, as: UTF8.self) == Self.reference(text), "length \(length)")
        }
    }
}
