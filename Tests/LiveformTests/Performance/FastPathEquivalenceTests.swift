import Testing
@testable import Liveform

/// The fast paths (JSONReader.scan, the streamed body codec, the byte-level URL splitter)
/// must decide exactly as the reference code does. Inputs: seeds, then many seeded random
/// byte mutations of them, which reach the odd corners (bad UTF-8, escapes, depth, numbers).
@Suite("Fast paths decide as the reference code does")
struct FastPathEquivalenceTests {
    static let seeds: [String] = [
        #"{"data":"QUJD","x":[1,-2.5e+3,true,false,null,{"a":"\u00e9\ud83d\ude00"}]}"#,
        #"  ["한국어 😀", "tab\there", "\/\"\\", 0, -0.0, 1E9, [], {}] "#,
        #""a bare string with \n and é""#,
        #"{"data":"QUJD","data":"REVG"}"#,
        #"{"\u0064ata":"QUJD"}"#,
        #"{"data":5}"#,
        "[[[[[[[[[[]]]]]]]]]]",
        "123", "-", "1.", "1e", "01", "tru", "nul", #""\ud800""#, #""\ud800\udc00""#,
        "\"\u{7F}\"", "\"ab\u{01}\"", #"{"a" "b"}"#, "[1,]", "{,}",
    ]

    /// A deterministic generator (no flaky seeds), shared with the parity tests.
    typealias SplitMix = BackendParityTests.SplitMix

    static func mutations() -> [[UInt8]] {
        var generator = SplitMix(state: 42)
        let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x75, 0x30, 0x2D, 0x2E, 0x65,
                                    0x00, 0x1F, 0x20, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF]
        var inputs: [[UInt8]] = seeds.map { Array($0.utf8) }
        for seed in seeds {
            for _ in 0..<300 {
                var bytes = Array(seed.utf8)
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let byte = Bool.random(using: &generator) ? interesting.randomElement(using: &generator)!
                        : UInt8.random(in: 0...255, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = byte
                    case 1: bytes.insert(byte, at: Int.random(in: 0...bytes.count, using: &generator))
                    default: if !bytes.isEmpty { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &generator)) }
                    }
                }
                inputs.append(bytes)
            }
        }
        return inputs
    }

    @Test("JSONReader.scan accepts exactly what JSONReader.parse accepts, and finds the same \"data\"")
    func scanMatchesParse() throws {
        for input in Self.mutations() {
            let parsed = try? JSONReader.parse(input)
            let scan = input.withUnsafeBytes { JSONReader.scan($0) }
            #expect((parsed != nil) == (scan != nil), "input \(input)")
            guard let parsed, let scan else { continue }
            #expect(scan.topLevel == input.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
            if let span = scan.plainString, !scan.needsParse {
                let text = String(decoding: input[span], as: UTF8.self)
                let expected = parsed.objectValue?["data"]?.stringValue ?? parsed.stringValue
                #expect(text == expected, "input \(input)")
            }
        }
    }

    @Test("strings of every length with a special byte at every position: scan agrees with parse")
    func specialBytePositions() throws {
        // The word and 32-byte block skips must stop at exactly the right byte wherever it is.
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x5C, 0x71], [0x01], [0x1F],
                                   [0x7F], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0x80], [0xFF]]
        for length in 0..<80 {
            for position in 0...length {
                for special in specials {
                    var text = Array(#"{"k":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: position) + special
                    text += Array(repeating: UInt8(ascii: "b"), count: length - position) + Array(#"","m":1}"#.utf8)
                    let parsed = try? JSONReader.parse(text)
                    let scanned = text.withUnsafeBytes { JSONReader.scan($0) }
                    #expect((parsed != nil) == (scanned != nil), "length \(length) position \(position) special \(special)")
                }
            }
        }
    }

    @Test("nesting kinds across the scanner's 64-level words, any maxDepth, mismatched closers")
    func nestingKinds() {
        var generator = SplitMix(state: 99)
        for maxDepth in [0, 1, 2, 63, 64, 65, 127, 128, 129, 700, 2000] {
            for depth in Set([0, 1, 2, 62, 63, 64, 65, 66, 128, 129, maxDepth - 1, maxDepth, maxDepth + 1]) where depth >= 0 {
                for variant in 0..<4 {
                    var opens: [Bool] = (0..<depth).map { _ in Bool.random(using: &generator) }  // true: object
                    if variant == 1 { opens = opens.map { _ in true } }
                    var text = ""
                    for isObject in opens { text += isObject ? #"{"k":"# : "[" }
                    text += #""leaf""#
                    var closers = opens.reversed().map { $0 ? "}" : "]" }
                    // Variant 2: one closer of the wrong kind; variant 3: a member after a deep close.
                    if variant == 2, !closers.isEmpty { let i = Int.random(in: 0..<closers.count, using: &generator); closers[i] = closers[i] == "}" ? "]" : "}" }
                    for (index, closer) in closers.enumerated() {
                        text += closer
                        if variant == 3, index < closers.count - 1 {
                            text += opens[opens.count - 2 - index] ? #","m":1"# : ",2"
                        }
                    }
                    let bytes = Array(text.utf8)
                    let parsed = (try? JSONReader.parse(bytes, maxDepth: maxDepth)) != nil
                    let scanned = bytes.withUnsafeBytes { JSONReader.scan($0, maxDepth: maxDepth) } != nil
                    #expect(parsed == scanned, "maxDepth \(maxDepth) depth \(depth) variant \(variant)")
                }
            }
        }
    }

    @Test("depth limit: scan and parse agree at and around maxDepth")
    func depth() {
        for depth in [511, 512, 513] {
            let text = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
            let parsed = (try? JSONReader.parse(text)) != nil
            let scanned = text.withUnsafeBytes { JSONReader.scan($0) } != nil
            #expect(parsed == scanned)
        }
    }

    @Test("streamed API bodies: same tokens, same plaintexts, same errors as the one-shot reference")
    func streamedBodies() throws {
        let key = try AES256.Key(credential: "fast-path-test")
        let other = try AES256.Key(credential: "another")
        for backend in AES256.Backend.allCases {
            let codec = APIBodyCodec(key: key, backend: backend)
            let reference = TokenCipher(mode: .ecb, backend: backend, maxTokenLength: APIBodyCodec.defaultMaxBodySize)
            // Sizes around the 48 KiB piece and the block size.
            for size in [2, 15, 16, 17, 47, 48, 49, 48 * 1024 - 1, 48 * 1024, 48 * 1024 + 1, 3 * 48 * 1024 + 5] {
                let plaintext = Array(("{\"a\":\"" + String(repeating: "x", count: size - 2 < 6 ? 0 : size - 8) + "\"}").utf8)
                let token = try codec.encryptRequestBody(plaintext)
                #expect(token == (try reference.encrypt(plaintext, using: key)))
                #expect(try codec.encryptResponseBody(plaintext) == DataEnvelope.wrap(token))
                #expect(try codec.decryptRequestBody(Array(token.utf8)) == plaintext)
                #expect(try codec.decryptResponseBody(Array(#"{"data":""#.utf8) + Array(token.utf8) + Array(#""}"#.utf8)) == plaintext)
                // Line breaks inside the token (lenient base64) and an escaped '/'.
                let wrapped = token.enumerated().map { $0.offset % 76 == 75 ? "\($0.element)\r\n" : "\($0.element)" }.joined()
                #expect(try codec.decryptRequestBody(Array(wrapped.utf8)) == plaintext)
                let escaped = #"{"data":""# + token.replacingOccurrences(of: "/", with: #"\/"#) + #""}"#
                #expect(try codec.decryptResponseBody(Array(escaped.utf8)) == plaintext)
                // Rotation: a wrong key first.
                let rotating = APIBodyCodec(key: key, decryptionKeys: [other, key], backend: backend)
                #expect(try rotating.decryptResponseBody(Array(token.utf8)) == plaintext)
                #expect(throws: LiveformError.decryptionFailed) {
                    try APIBodyCodec(key: other, backend: backend).decryptResponseBody(Array(token.utf8))
                }
                #expect(throws: LiveformError(.invalidKey, "")) {
                    try APIBodyCodec(key: key, decryptionKeys: [], backend: backend).decryptResponseBody(Array(token.utf8))
                }
                // Malformed text wins over a missing key and over a wrong key, with the
                // reference's exact message.
                for bad in [token + "!", (token.hasSuffix("=") ? "QUJD" + token : token + "QUJD"), "A" + token, String(token.dropLast(24)) + "===="] {
                    let expected = Self.error { () throws(LiveformError) in _ = try reference.wireBytes(of: bad) }
                    #expect(expected?.code == .malformedInput, "bad \(bad.suffix(8)) of \(bad.count)")
                    for keys in [[AES256.Key](), [other], [key]] {
                        let got = Self.error { () throws(LiveformError) in
                            _ = try APIBodyCodec(key: key, decryptionKeys: keys, backend: backend).decryptResponseBody(Array(bad.utf8))
                        }
                        #expect(got?.code == expected?.code && got?.reason == expected?.reason, "\(String(describing: got))")
                    }
                }
            }
        }
    }
}

extension FastPathEquivalenceTests {
    @Test("validation over raw bytes reports the same first problem and message")
    func validationMessages() throws {
        let cases: [(String, JSONValue, String)] = [
            ("token", "short", "'token' must be 8 to 64 characters, got 5"),
            ("token", "abc$defgh", "'token' may contain only A–Z, a–z, 0–9, '.', '_' and '-'"),
            ("token", "-abcdefgh", "'token' must start and end with a letter or digit"),
            ("token", "x$", "'token' must be 8 to 64 characters, got 2"),
            ("allowedCountries", "USA,kor", "'allowedCountries': 'kor' is not an ISO 3166-1 alpha-3 country code (codes are upper case: KOR)"),
            ("allowedCountries", "USA,", "'allowedCountries': '' is not an ISO 3166-1 alpha-3 country code"),
            ("allowedCountries", "USA,XXX,KOR", "'allowedCountries': 'XXX' is not an ISO 3166-1 alpha-3 country code"),
            ("allowedCountries", "한국,USA", "'allowedCountries': '한국' is not an ISO 3166-1 alpha-3 country code"),
        ]
        for (name, value, message) in cases {
            var parameters = LiveformParameters()
            parameters[name] = value
            let error = Self.error { () throws(LiveformError) in try parameters.validate(encrypted: true) }
            #expect(error?.reason == message, "\(name)=\(value)")
        }
        var fine = LiveformParameters()
        fine.token = "token_id"
        fine.allowedCountries = ["USA", "KOR", "ZWE", "ABW"]
        #expect(Self.error { () throws(LiveformError) in try fine.validate(encrypted: true) } == nil)
    }

    static func error(_ body: () throws(LiveformError) -> Void) -> LiveformError? {
        do { try body() } catch { return error }
        return nil
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
