import Foundation
import Testing

@testable import Liveform

@Suite("JSON reader and JSON.stringify-exact writer")
struct JSONTests {
    @Test("strings are escaped exactly as JSON.stringify escapes them")
    func stringEscapes() {
        let cases: [(String, String)] = [
            ("plain", #""plain""#),
            ("a/b", #""a/b""#),
            ("quote\" back\\", #""quote\" back\\""#),
            ("\u{08}\u{09}\u{0A}\u{0C}\u{0D}", #""\b\t\n\f\r""#),
            ("\u{00}\u{01}\u{1F}", #""\u0000\u0001\u001f""#),
            ("\u{7F}\u{2028}\u{2029}", "\"\u{7F}\u{2028}\u{2029}\""),
            ("한국어 😀", "\"한국어 😀\""),
        ]
        for (input, expected) in cases {
            #expect(JSONValue.string(input).jsonText == expected)
        }
    }

    @Test("every ASCII byte, alone and between runs of plain text, is written exactly (the literal's length is counted before it is written)")
    func everyASCIIByte() {
        // The rule written out per character, independently of the writer.
        func expected(_ scalar: Unicode.Scalar) -> String {
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\u{08}": return "\\b"
            case "\t": return "\\t"
            case "\n": return "\\n"
            case "\u{0C}": return "\\f"
            case "\r": return "\\r"
            default:
                guard scalar.value < 0x20 else { return String(scalar) }
                let hex = String(scalar.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        for value in UInt32(0)..<0x80 {
            let scalar = Unicode.Scalar(value)!
            for run in ["", "x", String(repeating: "plain text ", count: 5)] {
                let text = run + String(scalar) + run + String(scalar)
                let literal = "\"" + run + expected(scalar) + run + expected(scalar) + "\""
                #expect(JSONValue.string(text).jsonText == literal, "byte \(value) between runs of \(run.count)")
            }
        }
    }

    @Test("objects keep member order and write compactly")
    func order() throws {
        let value: JSONValue = ["zeta": 1, "alpha": [true, false, nil], "mid": ["x": "y"], "n": 0.5]
        #expect(value.jsonText == #"{"zeta":1,"alpha":[true,false,null],"mid":{"x":"y"},"n":0.5}"#)
        #expect(try JSONValue(parsing: value.jsonText) == value)
        #expect(value.prettyJSONText.contains("\n  \"zeta\": 1,"))
    }

    @Test("numbers are written as ECMAScript writes them (Node is the oracle)")
    func numbersMatchNode() async throws {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 0.1, 1e21, 1e-7, 1e-6, 123_456_789_012, 1e15, 1e16, 2e20, 1.5e300,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, 9_007_199_254_740_992, 0.000001234, 1234.5678e10, -2.5e-8,
        ]
        for _ in 0..<1500 { values.append(Double(bitPattern: rng.next())) }
        for _ in 0..<500 { values.append(Double(Int64.random(in: -1_000_000_000_000...1_000_000_000_000)) / 1000) }
        values = values.filter(\.isFinite)
        let input = values.map { String($0.bitPattern, radix: 16) }.joined(separator: "\n")
        let script = """
            const lines = require('fs').readFileSync(0, 'utf8').split('\\n');
            const buf = Buffer.alloc(8);
            console.log(lines.map(h => { buf.writeBigUInt64BE(BigInt('0x' + h)); return JSON.stringify(buf.readDoubleBE(0)); }).join('\\n'));
            """
        guard let output = try await Node.run(script, input: Data(input.utf8)) else { return }
        let expected = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(expected.count == values.count)
        for (value, node) in zip(values, expected) {
            #expect(JSONWriter.formatNumber(value) == node, "bits \(String(value.bitPattern, radix: 16))")
        }
        #expect(JSONWriter.formatNumber(.nan) == "null")
        #expect(JSONWriter.formatNumber(.infinity) == "null")
    }

    @Test(
        "reads what JSON.parse reads",
        arguments: [
            #"{}"#, #"[]"#, #" {"a" : [1, -2.5e3, true, null, "x\u00e9\ud83d\ude00"]} "#, #""\/""#, "0", "-0", "1E+2",
            "\t\n\r [1]",
        ])
    func accepts(text: String) throws {
        _ = try JSONValue(parsing: text)
    }

    @Test(
        "rejects what JSON.parse rejects",
        arguments: [
            "", " ", "{", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "+1", "NaN", "Infinity", "'x'", #"{a:1}"#,
            "/* c */ {}", "\u{FEFF}{}", "\"tab\there\"", #""\x41""#, #""\u12""#, "[1] [2]", "tru", "nul", "{\"a\" 1}",
        ])
    func rejects(text: String) {
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: text) }
    }

    @Test("bytes that are not UTF-8 are rejected")
    func notUTF8() {
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test("a duplicate key keeps its first position and its last value, as in JavaScript")
    func duplicateKeys() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value.jsonText == #"{"a":3,"b":2}"#)
    }

    @Test("duplicate keys can be refused where a repeat is a mistake")
    func rejectDuplicates() throws {
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: #"{"a":1,"b":{"c":1,"c":2}}"#, duplicateKeys: .reject) }
        _ = try JSONValue(parsing: #"{"a":1,"b":{"a":1}}"#, duplicateKeys: .reject)
    }

    @Test("keys and strings compare by their bytes, as in JavaScript: é and e + U+0301 are different")
    func exactText() throws {
        let value = try JSONValue(parsing: "{\"\u{E9}\":1,\"e\u{301}\":2}")
        #expect(value.objectValue?.count == 2)
        #expect(value["\u{E9}"] == 1 && value["e\u{301}"] == 2)
        #expect(JSONValue.string("\u{E9}") != JSONValue.string("e\u{301}"))
        _ = try JSONValue(parsing: "{\"\u{E9}\":1,\"e\u{301}\":2}", duplicateKeys: .reject)
        let parameters = LiveformParameters([("\u{E9}", "a"), ("e\u{301}", "b")])
        try parameters.validate(encrypted: true)
        #expect(parameters.count == 2)
    }

    @Test("lone surrogates become U+FFFD instead of failing")
    func loneSurrogates() throws {
        #expect(try JSONValue(parsing: #""\ud800x""#) == .string("\u{FFFD}x"))
        #expect(try JSONValue(parsing: #""\udc00""#) == .string("\u{FFFD}"))
    }

    @Test("absurd nesting is an error, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: deep) }
        let objects = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: objects) }
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        _ = try JSONValue(parsing: ok)
    }

    @Test("an object with 100,000 keys parses in linear time")
    func manyKeys() throws {
        let text = "{" + (0..<100_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            let value = try JSONValue(parsing: text)
            #expect(value.objectValue?.count == 100_000)
            #expect(value["k99999"]?.intValue == 99_999)
        }
        #expect(elapsed < .seconds(10), "took \(elapsed): quadratic?")
    }
}
