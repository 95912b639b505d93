import Testing

@testable import Liveform

/// The word-at-a-time percent-decoder against a byte-by-byte reference, on random texts with
/// escapes, bad escapes and '+' at every kind of position (word edges, the last bytes).
@Suite("Percent-decoding: word-at-a-time equals byte-by-byte")
struct PercentDecodingTests {
    typealias SplitMix = BackendParityTests.SplitMix

    /// nil for a bad escape; otherwise the decoded bytes.
    static func reference(_ text: [UInt8], plusIsSpace: Bool) -> [UInt8]? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < text.count, let high = hex(text[index + 1]), let low = hex(text[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return out
    }

    @Test("20,000 random texts of 0–80 bytes, both '+' rules")
    func agreesWithReference() {
        var rng = SplitMix(state: 77)
        let pieces: [[UInt8]] = ["a", "Z", "0", "+", "/", "=", "%2B", "%2f", "%3D", "%41", "%", "%4", "%G0", "%%", "~", "-"].map { Array($0.utf8) }
        for _ in 0..<20_000 {
            var text: [UInt8] = []
            let target = Int.random(in: 0...80, using: &rng)
            while text.count < target { text += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
            for plusIsSpace in [false, true] {
                let expected = Self.reference(text, plusIsSpace: plusIsSpace)
                let got = try? QueryString.withDecoded(Substring(decoding: text, as: UTF8.self).utf8, plusIsSpace: plusIsSpace, what: "x") {
                    (bytes) throws(LiveformError) in bytes.indices.map { bytes[$0] }
                }
                // Random escapes can make bytes that are not UTF-8, which decoding rejects on its own.
                if let expected, String(validating: expected, as: UTF8.self) != nil {
                    #expect(got == expected, "\(String(decoding: text, as: UTF8.self)) plusIsSpace \(plusIsSpace)")
                } else if expected == nil {
                    #expect(got == nil, "\(String(decoding: text, as: UTF8.self)) should be a bad escape")
                }
            }
        }
    }
}
