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
            "+/+/ABCD/g==",  // canonical
            " / /ABCD/g==",  // '+' turned into spaces by a form decoder
            "-_-_ABCD_g==",  // URL-safe alphabet
            "+/+/ABCD/g",  // padding dropped
            "+/+/ABCD/g=",  // padding half dropped
            "+/+/\r\nAB\tCD/g==\n",  // line breaks and tabs inserted
        ]
        for variant in variants {
            #expect(try Base64.decode(variant) == bytes, "\(variant.debugDescription)")
        }
    }

    @Test(
        "anything else is malformedInput",
        arguments: ["abc*", "ab!c", "abcd=efg", "abcde", "a===", "abcd=", "QUJD\u{0}", "QUJD%2B", "é", "ab==="])
    func rejects(text: String) {
        #expect(throws: LiveformError.malformedInput) { try Base64.decode(text) }
    }

    @Test("empty text is zero bytes")
    func empty() throws {
        #expect(try Base64.decode("") == [])
        #expect(Base64.encode([UInt8]()) == "")
    }

    /// Long texts go sixteen characters at a time until a block holds anything but the plain
    /// alphabet; these check every position of such a block against Foundation.
    static func longBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ $0 >> 3 &+ 7) }
    }

    @Test(
        "long inputs, at odd offsets, encode as Foundation does and decode back",
        arguments: [100, 255, 256, 1000, 4099, 65_537])
    func longInputsMatchFoundation(length: Int) throws {
        let all = Self.longBytes(length + 7)
        for offset in [0, 1, 7] {
            let bytes = Array(all[offset..<(offset + length)])
            let ours = Base64.encode(bytes)
            #expect(ours == Data(bytes).base64EncodedString(), "offset \(offset)")
            #expect(try Base64.decode(ours) == bytes, "offset \(offset)")
        }
    }

    @Test("a lenient or invalid character anywhere in a long text: the bytes Foundation reads, or malformedInput")
    func lenientAndInvalidAnywhere() throws {
        let bytes = Self.longBytes(150)
        let text = Array(Data(bytes).base64EncodedString().utf8)
        for position in 0..<(text.count - 2) {  // the last two are padding
            var spaced = text, safe = text, broken = text
            switch text[position] {
            case UInt8(ascii: "+"):
                spaced[position] = UInt8(ascii: " ")
                safe[position] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): safe[position] = UInt8(ascii: "_")
            default: break
            }
            var wrapped = text
            wrapped.insert(contentsOf: [0x0D, 0x0A, 0x09], at: position)
            for variant in [spaced, safe, wrapped] {
                #expect(try Base64.decode(variant) == bytes, "position \(position)")
            }
            broken[position] = UInt8(ascii: "*")
            let error = #expect(throws: LiveformError.self) { try Base64.decode(broken) }
            #expect(error?.code == .malformedInput)
            #expect(error?.description.contains("offset \(position) ") == true, "position \(position)")
        }
    }

    @Test("a text decoded in pieces cut anywhere gives the bytes and errors of one call")
    func piecesMatchWhole() throws {
        let bytes = Self.longBytes(3000)
        let text = Array(Data(bytes).base64EncodedString().utf8)
        func inPieces(_ text: [UInt8], size: Int) throws -> [UInt8] {
            var decoder = Base64.Decoder()
            return try [UInt8](capacity: Base64.maxDecodedLength(text.count) + 3) { (output) throws(LiveformError) in
                var offset = 0
                while offset < text.count {
                    let end = min(text.count, offset + size)
                    try decoder.update(text.span.extracting(offset..<end), into: &output)
                    offset = end
                }
                try decoder.finish(into: &output)
            }
        }
        for size in [1, 2, 3, 5, 15, 16, 17, 31, 100, 4096] {
            #expect(try inPieces(text, size: size) == bytes, "pieces of \(size)")
            var broken = text
            broken[1234] = UInt8(ascii: "!")
            let whole = #expect(throws: LiveformError.self) { try Base64.decode(broken) }
            let pieces = #expect(throws: LiveformError.self) { try inPieces(broken, size: size) }
            #expect(pieces?.description == whole?.description, "pieces of \(size)")
        }
    }
}
