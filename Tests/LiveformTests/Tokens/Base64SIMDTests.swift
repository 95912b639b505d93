import Foundation
import LiveformBackends
import Testing
@testable import Liveform

/// The AVX2 kernels (SIMDBase64) must change nothing: every text encodes to the same
/// characters and decodes to the same bytes or the same error (code and message) with and
/// without them. Where AVX2 is missing both sides run the scalar code and agree trivially.
@Suite("Base64: the AVX2 kernels and the scalar code agree")
struct Base64SIMDTests {
    typealias SplitMix = BackendParityTests.SplitMix

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: UnsafeRawBufferPointer, simd: Bool) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Base64.encodedLength(bytes.count)) { buffer, count in
            count = Base64.encode(bytes, into: buffer.baseAddress!, simd: simd)
        }
    }

    /// The bytes, or the error's code and message.
    enum Outcome: Equatable {
        case bytes([UInt8])
        case error(String)
    }

    static func decode(_ text: [UInt8], simd: Bool) -> Outcome {
        do {
            return .bytes(try text.withUnsafeBytes { (raw) throws(LiveformError) in try Base64.decode(raw, simd: simd) })
        } catch {
            return .error("\(error)")
        }
    }

    /// Random bytes, eight at a time (the large buffers are 10 MiB).
    static func randomBytes(_ count: Int, using generator: inout SplitMix) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var index = 0
            while index < count {
                var word = generator.next()
                for _ in 0..<min(8, count - index) {
                    buffer[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            initialized = count
        }
    }

    static func randomText(_ count: Int, using generator: inout SplitMix) -> [UInt8] {
        (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
    }

    @Test("the kernels are used where AVX2 is")
    func kernelsRun() {
        let bytes = [UInt8](repeating: 0xA5, count: 100)
        var output = [UInt8](repeating: 0, count: 200)
        let encoded = bytes.withUnsafeBytes { SIMDBase64.encodeBlocks($0, into: &output) }
        #expect(encoded.consumed == (SIMDBase64.isAvailable ? 96 : 0))  // the last 4 bytes cannot be read as a block of 28
        #expect(encoded.written == encoded.consumed / 3 * 4)
        let text = Array(Base64.encode(bytes).utf8)
        let decoded = text.withUnsafeBytes { SIMDBase64.decodeBlocks($0, into: &output) }
        // 136 characters: four whole blocks of plain alphabet (the padding is in the fifth).
        #expect(decoded.consumed == (SIMDBase64.isAvailable ? 128 : 0))
        #expect(decoded.written == decoded.consumed / 4 * 3)
    }

    @Test("the kernels read and write only where they may", arguments: 0..<100)
    func kernelBounds(length: Int) {
        var generator = SplitMix(state: UInt64(length) &+ 1000)
        let bytes = generator.bytes(length)
        let guardBytes = 64
        var output = [UInt8](repeating: 0xEE, count: length / 3 * 4 + guardBytes)
        // Read bounds: the input is a slice of an exactly sized heap array; ASan would see more.
        let encoded = bytes.withUnsafeBytes { SIMDBase64.encodeBlocks($0, into: &output) }
        #expect(encoded.consumed % 24 == 0 && encoded.consumed <= length)
        #expect(output[encoded.written...].allSatisfy { $0 == 0xEE })
        let text = Self.randomText(length, using: &generator)
        let room = length / 4 * 3
        output = [UInt8](repeating: 0xEE, count: room + guardBytes)
        let decoded = text.withUnsafeBytes { SIMDBase64.decodeBlocks($0, into: &output) }
        #expect(decoded.consumed == (SIMDBase64.isAvailable ? length / 32 * 32 : 0))
        #expect(output[room...].allSatisfy { $0 == 0xEE })
    }

    @Test("encode: every length 0…300 at unaligned offsets")
    func encodeEquivalence() {
        var generator = SplitMix(state: 64)
        for length in 0...300 {
            let bytes = generator.bytes(length + 3)
            for offset in 0..<4 {
                bytes.withUnsafeBytes { raw in
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                    #expect(Self.encode(slice, simd: true) == Self.encode(slice, simd: false), "length \(length) offset \(offset)")
                }
            }
        }
    }

    @Test("large buffers: the same text, and it decodes back the same both ways", arguments: [1 << 20, 10 << 20 + 7])
    func large(length: Int) {
        var generator = SplitMix(state: UInt64(length))
        let bytes = Self.randomBytes(length + 1, using: &generator)
        bytes.withUnsafeBytes { raw in
            let slice = UnsafeRawBufferPointer(rebasing: raw[1...])
            let text = Self.encode(slice, simd: true)
            #expect(text == Self.encode(slice, simd: false))
            #expect(Self.decode(text, simd: true) == .bytes(Array(slice)))
            #expect(Self.decode(text, simd: false) == .bytes(Array(slice)))
        }
    }

    @Test("decode: random texts of every length 0…300, padded, unpadded and of impossible lengths")
    func decodeEquivalence() {
        var generator = SplitMix(state: 65)
        for length in 0...300 {
            let padded = Array(Base64.encode(generator.bytes(length)).utf8)
            let texts = [padded, Array(padded.prefix { $0 != UInt8(ascii: "=") }), Self.randomText(length, using: &generator)]
            for text in texts {
                #expect(Self.decode(text, simd: true) == Self.decode(text, simd: false), "\(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    /// Every byte value (the alphabet's own too), so every edge of the kernel's nibble tables
    /// is crossed: '@' '[' '`' '{' ':' ',' next to the alphabet, padding, URL-safe and
    /// skipped characters, bytes of UTF-8 and 0x80…0xFF.
    @Test("decode: any byte inserted at, or put in place of, every position of a 100-character text",
          arguments: 0...255)
    func decodeWithOneOddByte(value: Int) {
        let byte = UInt8(value)
        var generator = SplitMix(state: UInt64(value) &+ 66)
        let text = Self.randomText(100, using: &generator)
        for position in 0...text.count {
            var inserted = text
            inserted.insert(byte, at: position)
            #expect(Self.decode(inserted, simd: true) == Self.decode(inserted, simd: false), "insert at \(position)")
            guard position < text.count else { continue }
            var replaced = text
            replaced[position] = byte
            #expect(Self.decode(replaced, simd: true) == Self.decode(replaced, simd: false), "replace at \(position)")
        }
    }

    @Test("Decoder.update over random splits gives what one call gives", arguments: 0..<40)
    func piecewise(seed: Int) {
        var generator = SplitMix(state: UInt64(seed) &+ 67)
        var text = Array(Base64.encode(generator.bytes(Int.random(in: 0...3000, using: &generator))).utf8)
        // Some texts get lenient characters (which decode) or bad ones (errors with offsets).
        let odd: [UInt8] = seed % 3 == 0 ? [] : seed % 3 == 1 ? Array("-_ \r\n\t".utf8) : Array("*=.".utf8)
        for _ in 0..<(odd.isEmpty ? 0 : Int.random(in: 1...4, using: &generator)) {
            text.insert(odd.randomElement(using: &generator)!, at: Int.random(in: 0...text.count, using: &generator))
        }
        let expected = Self.decode(text, simd: false)
        for simd in [true, false] {
            #expect(Self.decodeInPieces(text, simd: simd, using: &generator) == expected, "simd \(simd)")
        }
    }

    /// Decodes `text` in random pieces, each into output of exactly `maxDecodedLength` bytes
    /// followed by a guard that must stay untouched.
    static func decodeInPieces(_ text: [UInt8], simd: Bool, using generator: inout SplitMix) -> Outcome {
        var decoder = Base64.Decoder(simd: simd)
        var result: [UInt8] = []
        var offset = 0
        do {
            while offset < text.count {
                let end = min(text.count, offset + Int.random(in: 0...400, using: &generator))
                let room = Base64.maxDecodedLength(end - offset)
                var output = [UInt8](repeating: 0xEE, count: room + 16)
                let written = try text[offset..<end].withUnsafeBytes { (raw) throws(LiveformError) in
                    try output.withUnsafeMutableBufferPointer { (out) throws(LiveformError) in
                        try decoder.update(raw, into: out.baseAddress!)
                    }
                }
                guard output[room...].allSatisfy({ $0 == 0xEE }) else { return .error("wrote past maxDecodedLength") }
                result += output[..<written]
                offset = end
            }
            var last = [UInt8](repeating: 0, count: 2)
            let written = try last.withUnsafeMutableBufferPointer { (out) throws(LiveformError) in try decoder.finish(into: out.baseAddress!) }
            return .bytes(result + last[..<written])
        } catch {
            return .error("\(error)")
        }
    }
    // MARK: Percent-encoding of the URL token

    /// The token's text in a URL query, byte by byte from the rule of §3.3 (a reference that
    /// shares no code with the writer): outside A–Z a–z 0–9 - . _ ~, `%XX` in upper case.
    static func percentReference(_ text: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return out
    }

    /// What the URL writer makes of `text`, into exactly the room it asks for (3 bytes per
    /// character, plus the 3 bytes of slack its scalar tail stores into), then a guard.
    static func percentEncoded(_ text: [UInt8], simd: Bool) -> (bytes: [UInt8], guardIntact: Bool) {
        let room = 3 * text.count + 3, guardBytes = 32
        var output = [UInt8](repeating: 0xEE, count: room + guardBytes)
        let written = text.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { URLWriter.writePercentEncodedBase64(input, at: $0.baseAddress!, simd: simd) }
        }
        return (Array(output[..<written]), output[room...].allSatisfy { $0 == 0xEE })
    }

    /// Texts over the base64 alphabet and `=`, from no `+ / =` at all to nothing else, so that
    /// blocks with none, one and several of them (the kernel's three paths) all occur.
    @Test("URL token: the kernel, the word loop and a byte-by-byte reference agree, lengths 0…200",
          arguments: [0, 1, 4, 16, 64])
    func percentEquivalence(specialsPer64: Int) {
        var generator = SplitMix(state: UInt64(specialsPer64) &+ 500)
        let plain = Self.alphabet.filter { $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }
        let specials = Array("+/=".utf8)
        for length in 0...200 {
            for _ in 0..<4 {
                let text = (0..<length).map { _ in
                    Int.random(in: 0..<64, using: &generator) < specialsPer64
                        ? specials.randomElement(using: &generator)! : plain.randomElement(using: &generator)!
                }
                let expected = String(decoding: Self.percentReference(text), as: UTF8.self)
                for simd in [true, false] {
                    let (bytes, guardIntact) = Self.percentEncoded(text, simd: simd)
                    #expect(String(decoding: bytes, as: UTF8.self) == expected, "simd \(simd)")
                    #expect(guardIntact, "simd \(simd) wrote past its room, length \(length)")
                }
            }
        }
    }

    @Test("URL token: the kernel does the whole 16-character blocks where AVX2 is")
    func percentKernelRuns() {
        let text = Array("ab+/cdefghijklmnopqrstuvwxyz0123456789=".utf8)  // 39: two blocks and 7 left
        var output = [UInt8](repeating: 0, count: 3 * text.count)
        let (consumed, written) = text.withUnsafeBufferPointer { SIMDBase64.percentEncodeBlocks($0, into: &output) }
        #expect(consumed == (SIMDBase64.isAvailable ? 32 : 0))
        #expect(Array(output[..<written]) == Self.percentReference(Array(text[..<consumed])))
    }
}
