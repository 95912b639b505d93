import Testing

@testable import Liveform

/// Long strings with one special byte anywhere (including right after a run of plain 64-byte
/// blocks, which the walker skips whole): each insert has a known outcome, which `parse` and
/// `scan` must both give, and a valid string must read back as the text it spells.
@Suite("JSON: long strings")
struct JSONLongStringTests {
    typealias SplitMix = BackendParityTests.SplitMix

    /// An insert, whether the text stays valid JSON with it, and the UTF-8 it decodes to.
    static let inserts: [(bytes: [UInt8], valid: Bool, decoded: [UInt8])] = [
        ([0x22], false, []),  // a quote ends the string early: text follows it
        ([0x5C, 0x6E], true, [0x0A]),  // \n
        ([0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], true, [0xC3, 0xA9]),  // \u00e9
        ([0x0A], false, []),  // a raw control character
        ([0xC3, 0xA9], true, [0xC3, 0xA9]),  // é as UTF-8
        ([0xFF], false, []),  // never UTF-8
        ([0x5C, 0x71], false, []),  // \q is no escape
    ]

    @Test("a special byte anywhere in a long string is found: validity and decoded text as expected")
    func longStrings() throws {
        let inserts = Self.inserts
        var rng = SplitMix(state: 32)
        for _ in 0..<400 {
            let length = Int.random(in: 200...3000, using: &rng)
            var body = (0..<length).map { _ in UInt8.random(in: 0x61...0x7A, using: &rng) }
            let position = Int.random(in: 0..<length, using: &rng)
            let insert = inserts[Int.random(in: 0..<inserts.count, using: &rng)]
            var expected = body
            body.replaceSubrange(position..<(position + 1), with: insert.bytes)
            expected.replaceSubrange(position..<(position + 1), with: insert.decoded)
            let text = Array(#"{"data":""#.utf8) + body + Array(#""}"#.utf8)
            let parsed = try? JSONReader.parse(text.span)
            let scanned = JSONReader.scan(text.span)
            #expect((parsed != nil) == insert.valid, "insert \(insert.bytes) at \(position) of \(length)")
            #expect((scanned != nil) == insert.valid, "insert \(insert.bytes) at \(position) of \(length)")
            if insert.valid {
                let decoded = parsed?["data"]?.stringValue.map { Array($0.utf8) }
                #expect(decoded == expected, "insert \(insert.bytes) at \(position) of \(length) reads back differently")
            }
        }
    }

    @Test("every position of strings up to 160 bytes, with one or two special bytes: the word, block and byte steps meet")
    func everyPositionOfShortStrings() throws {
        // A plain run stops at a special byte by 8-byte words, by 64-byte blocks after eight
        // plain words, or byte by byte in the input's last 7 bytes; a second special byte
        // after the first restarts the run. Every length and position crosses each seam.
        let escape = Self.inserts[1], utf8 = Self.inserts[4]
        for length in 1...160 {
            let plain = (0..<length).map { UInt8(0x61 + $0 % 26) }
            for position in 0..<length {
                for insert in Self.inserts {
                    try check(plain, [(position, insert)])
                }
                // An escape first, then a special byte anywhere after it.
                for second in [utf8, Self.inserts[0], Self.inserts[3]] where position + 1 < length {
                    try check(plain, [(position, escape), (length - 1 - (length - 1 - position) / 2, second)])
                }
            }
        }
    }

    /// Checks `plain` with `inserts` replacing single bytes (positions ascending and distinct).
    private func check(_ plain: [UInt8], _ inserts: [(Int, (bytes: [UInt8], valid: Bool, decoded: [UInt8]))]) throws {
        var body: [UInt8] = [], expected: [UInt8] = [], valid = true, last = 0
        for (position, insert) in inserts where position >= last {
            body += plain[last..<position] + insert.bytes
            expected += plain[last..<position] + insert.decoded
            valid = valid && insert.valid
            last = position + 1
        }
        body += plain[last...]
        expected += plain[last...]
        let text = Array(#"{"data":""#.utf8) + body + Array(#""}"#.utf8)
        let parsed = try? JSONReader.parse(text.span)
        let scanned = JSONReader.scan(text.span)
        let place = "\(inserts.map { ($0.0, $0.1.bytes) }) in \(plain.count) bytes"
        #expect((parsed != nil) == valid, "\(place)")
        #expect((scanned != nil) == valid, "\(place)")
        if valid {
            #expect(parsed?["data"]?.stringValue.map { Array($0.utf8) } == expected, "\(place) reads back differently")
        }
    }
}

@Suite("JSON: nesting is capped, never a stack overflow")
struct JSONDepthCeilingTests {
    @Test("a huge maxDepth is treated as the ceiling: 20,000 levels are an error, on a worker thread too")
    func hugeMaxDepth() async throws {
        let deep = Array((String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)).utf8)
        let outcome = await Task.detached { () -> LiveformError? in
            do throws(LiveformError) {
                _ = try JSONValue(parsing: deep, maxDepth: 100_000)
                return nil
            } catch {
                return error
            }
        }.value
        #expect(outcome?.code == .malformedInput)
        let deepScan = JSONReader.scan(deep.span, maxDepth: 100_000)
        #expect(deepScan == nil)
        // At the ceiling itself both still accept.
        let atCeiling = Array((String(repeating: "[", count: JSONReader.depthCeiling) + String(repeating: "]", count: JSONReader.depthCeiling)).utf8)
        #expect(throws: Never.self) { try JSONValue(parsing: atCeiling, maxDepth: 100_000) }
        let ceilingScan = JSONReader.scan(atCeiling.span, maxDepth: 100_000)
        #expect(ceilingScan != nil)
    }
}
