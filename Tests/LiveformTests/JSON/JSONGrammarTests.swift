import Testing

@testable import Liveform

/// The one JSON grammar behind `parse` and `scan`: its corners, read both ways.
@Suite("JSON: one grammar for parse and scan")
struct JSONGrammarTests {
    /// The reason `parse` gives, or nil when it accepts; and whether `scan` accepts.
    private func read(_ bytes: [UInt8], duplicateKeys: JSONReader.DuplicateKeys = .lastWins) -> (reason: String?, scanned: Bool) {
        let reason: String?
        do throws(LiveformError) {
            _ = try JSONReader.parse(bytes.span, duplicateKeys: duplicateKeys)
            reason = nil
        } catch {
            reason = error.reason
        }
        return (reason, JSONReader.scan(bytes.span) != nil)
    }

    private func read(_ text: String) -> (reason: String?, scanned: Bool) { read(Array(text.utf8)) }

    @Test("50,000 nested brackets are an error, not a crash, for both")
    func deepNesting() {
        for open in ["[", "{\"a\":", "[{\"b\":"] {
            let outcome = read(String(repeating: open, count: 50_000))
            #expect(outcome.reason?.contains("nesting deeper than 512") == true, "\(open)")
            #expect(!outcome.scanned)
        }
        let limit = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(throws: LiveformError.malformedInput) { try JSONValue(parsing: limit, maxDepth: 9) }
        let (scan9, scan10) = (JSONReader.scan(limit.utf8.span, maxDepth: 9), JSONReader.scan(limit.utf8.span, maxDepth: 10))
        #expect(scan9 == nil)
        #expect(throws: Never.self) { try JSONValue(parsing: limit, maxDepth: 10) }
        #expect(scan10 != nil)
    }

    @Test(
        "\\u escapes: a pair is one character, a lone surrogate is U+FFFD",
        arguments: [
            (#""\ud83d\ude00""#, "\u{1F600}"),
            (#""\uD83D\uDE00x""#, "\u{1F600}x"),
            (#""\ud800""#, "\u{FFFD}"),
            (#""\ud800\u0041""#, "\u{FFFD}A"),
            (#""\ud800\ud83d\ude00""#, "\u{FFFD}\u{1F600}"),
            (#""\udc00\ud800""#, "\u{FFFD}\u{FFFD}"),
            (#""\ud800\n""#, "\u{FFFD}\n"),
            (#""a\"b\\c\/d\b\f\n\r\t\u00e9\u0000""#, "a\"b\\c/d\u{08}\u{0C}\n\r\t\u{E9}\u{0}"),
        ])
    func escapes(text: String, expected: String) throws {
        #expect(try JSONValue(parsing: text) == .string(expected))
        // The same decoding for a member name.
        let object = try JSONValue(parsing: "{\(text):1}")
        #expect(object.objectValue?.keys == [expected])
    }

    @Test("duplicate keys: last value in first place, or refused with the key named; scan accepts them")
    func duplicateKeys() throws {
        let text = #"{"a":1,"b":2,"a":{"c":3}}"#
        #expect(try JSONValue(parsing: text).jsonText == #"{"a":{"c":3},"b":2}"#)
        #expect(read(Array(text.utf8), duplicateKeys: .reject).reason?.hasSuffix("the key 'a' appears twice") == true)
        #expect(read(Array(#"[{"x":[],"\u0078":0}]"#.utf8), duplicateKeys: .reject).reason?.hasSuffix("the key 'x' appears twice") == true)
        var names = MemberNames(text: Array(text.utf8))
        let bytes = names.text
        let scan = JSONReader.scan(bytes.span, visitor: &names)
        #expect(scan != nil && names.seen == [#""a"=1"#, #""b"=2"#, #""a"={"c":3}"#])
    }

    @Test(
        "numbers are read as JavaScript reads them",
        arguments: [
            ("-0", -0.0), ("0", 0), ("0.1", 0.1), ("1e400", .infinity), ("-1e400", -.infinity), ("1e-400", 0),
            ("123456789012345", 123_456_789_012_345), ("-123456789012345", -123_456_789_012_345),
            ("12345678901234567890", 12_345_678_901_234_567_890), ("1E+2", 100), ("2.5e-3", 0.0025),
        ] as [(String, Double)])
    func numbers(text: String, expected: Double) throws {
        let value = try #require(try JSONValue(parsing: text).doubleValue)
        #expect(value == expected && value.sign == expected.sign)
        #expect(read(text).scanned)
    }

    @Test(
        "strings that are not UTF-8 are refused by both, in values and in names",
        arguments: [
            [0xC0, 0x80], [0xC3], [0xC3, 0x28], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82],
        ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        for text in [[0x22] + bytes + [0x22], Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8), [0x7B, 0x22] + bytes + Array(#"":1}"#.utf8)] {
            let outcome = read(text)
            #expect(outcome.reason?.contains("not valid UTF-8") == true && !outcome.scanned, "\(text)")
        }
        let valid = read([0x22, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x22])
        #expect(valid.reason == nil && valid.scanned)
    }

    @Test("the whitespace flag: whitespace between tokens, never inside strings")
    func whitespace() {
        func spaced(_ text: String) -> Bool? {
            JSONReader.scan(text.utf8.span)?.hasWhitespace
        }
        #expect(spaced(#"{"a":[1,"b c",{}],"d":"\t"}"#) == false)
        #expect(spaced(#"{"a":[1, 2]}"#) == true)
        #expect(spaced(" 1") == true)
        #expect(spaced("[]\n") == true)
        #expect(spaced("[ ]") == true)
        #expect(spaced("{\"a\"\r:1}") == true)
    }

    @Test(
        "the scan's view of the data envelope",
        arguments: [
            (#"{"data":"abc"}"#, UInt8(ascii: "{"), "abc", false),
            (#"{"data":"a\/c"}"#, UInt8(ascii: "{"), nil, true),
            (#"{"d\u0061ta":"abc"}"#, UInt8(ascii: "{"), nil, true),
            (#"{"data":1,"data":"xyz"}"#, UInt8(ascii: "{"), "xyz", false),
            (#"{"data":"xyz","data":[1]}"#, UInt8(ascii: "{"), nil, true),
            (#"{"x":{"data":"no"}}"#, UInt8(ascii: "{"), nil, false),
            (#""abc""#, UInt8(ascii: "\""), "abc", false),
            (#""a\nc""#, UInt8(ascii: "\""), nil, true),
            (#"["abc"]"#, UInt8(ascii: "["), nil, false),
            ("-1", UInt8(ascii: "-"), nil, false),
        ] as [(String, UInt8, String?, Bool)])
    func envelope(text: String, topLevel: UInt8, plain: String?, needsParse: Bool) throws {
        let bytes = Array(text.utf8)
        let scanned = JSONReader.scan(bytes.span)
        let scan = try #require(scanned)
        #expect(scan.topLevel == topLevel)
        #expect(scan.plainString.map { String(decoding: bytes[$0], as: UTF8.self) } == plain)
        #expect(scan.needsParse == needsParse)
    }

    @Test(
        "errors say where and why",
        arguments: [
            ("[1,2", "byte 4: unexpected end of input"), ("[1 2]", "byte 3: expected ',' or ']'"),
            (#"{"a" 1}"#, "byte 5: expected ':'"), ("{1:2}", "byte 1: expected a member name"),
            ("[1] x", "byte 4: unexpected text after the JSON value"), ("[tru]", "byte 1: unknown literal"),
            ("\"a\u{1}\"", "byte 2: unescaped control character in a string"), (#""\x""#, "byte 1: invalid escape sequence"),
            (#""\u12G4""#, #"byte 1: invalid \u escape"#), ("\"abc", "byte 4: unterminated string"), ("[-]", "byte 1: invalid number"),
            ("1.e5", "byte 2: invalid number: no digits after '.'"), ("1e+", "byte 3: invalid number: no exponent digits"),
            ("@", "byte 0: unexpected character"),
        ])
    func errors(text: String, reason: String) {
        let outcome = read(text)
        #expect(outcome.reason == "invalid JSON at \(reason)" && !outcome.scanned)
    }
}

/// Every top-level member `scan` reports, as `"name"=value` text.
private struct MemberNames: TopLevelMemberVisitor {
    let text: [UInt8]
    var seen: [String] = []

    mutating func member(name: Range<Int>, nameEscaped: Bool, value: Range<Int>, in input: Span<UInt8>) {
        seen.append("\"\(String(decoding: text[name], as: UTF8.self))\"=\(String(decoding: text[value], as: UTF8.self))")
    }
}
