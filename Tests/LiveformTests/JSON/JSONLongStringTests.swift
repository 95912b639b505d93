import Testing

@testable import Liveform

/// `parse` and `scan` (one walker, two visitors) give the same results on long strings with a
/// special byte anywhere (including right after a run of plain 32-byte blocks).
@Suite("JSON: long strings")
struct JSONLongStringTests {
    typealias SplitMix = BackendParityTests.SplitMix

    @Test("parser and validating scanner agree on long strings with one special byte anywhere")
    func longStrings() throws {
        var rng = SplitMix(state: 32)
        for _ in 0..<300 {
            let length = Int.random(in: 200...3000, using: &rng)
            var body = (0..<length).map { _ in UInt8.random(in: 0x61...0x7A, using: &rng) }
            let position = Int.random(in: 0..<length, using: &rng)
            let inserts: [[UInt8]] = [[0x22], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x0A], [0xC3, 0xA9], [0xFF]]
            let insert = inserts[Int.random(in: 0..<inserts.count, using: &rng)]
            body.replaceSubrange(position..<(position + 1), with: insert)
            let text = Array(#"{"data":""#.utf8) + body + Array(#""}"#.utf8)
            let parsed = try? JSONReader.parse(text.span)
            let scanned = JSONReader.scan(text.span)
            #expect((parsed != nil) == (scanned != nil), "insert \(insert) at \(position) of \(length)")
            if insert == [0x5C, 0x6E], let parsed {
                #expect(parsed["data"]?.stringValue?.utf8.count == length)
            }
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
