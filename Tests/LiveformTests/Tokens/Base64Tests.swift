import Foundation
import Testing
@testable import Liveform

@Suite("Base64 (§2)")
struct Base64Tests {
    @Test("writes exactly what Foundation writes (standard alphabet, padded)", arguments: 0..<80)
    func matchesFoundation(length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
        let ours = Base64.encode(bytes)
        #expect(ours == Data(bytes).base64EncodedString())
        #expect(try Base64.decode(ours) == bytes)
    }

    @Test("reads what URLs, e-mail clients and form decoders make of a token")
    func lenientReading() throws {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF, 0x00, 0x10, 0x83, 0xFE]
        let canonical = Base64.encode(bytes)
        #expect(canonical == "+/+/ABCD/g==")
        let variants = [
            "+/+/ABCD/g==",          // canonical
            " / /ABCD/g==",          // '+' turned into spaces by a form decoder
            "-_-_ABCD_g==",          // URL-safe alphabet
            "+/+/ABCD/g",            // padding dropped
            "+/+/ABCD/g=",           // padding half dropped
            "+/+/\r\nAB\tCD/g==\n",  // line breaks and tabs inserted
        ]
        for variant in variants {
            #expect(try Base64.decode(variant) == bytes, "\(variant.debugDescription)")
        }
    }

    @Test("anything else is malformedInput",
          arguments: ["abc*", "ab!c", "abcd=efg", "abcde", "a===", "abcd=", "QUJD\u{0}", "QUJD%2B", "é", "ab==="])
    func rejects(text: String) {
        #expect(throws: LiveformError.malformedInput) { try Base64.decode(text) }
    }

    @Test("empty text is zero bytes")
    func empty() throws {
        #expect(try Base64.decode("") == [])
        #expect(Base64.encode([UInt8]()) == "")
    }
}
