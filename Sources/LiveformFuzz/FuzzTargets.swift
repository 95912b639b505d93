import Foundation
import Liveform

/// The fuzz targets, by the name `Tools/fuzz.sh` passes in `LIVEFORM_FUZZ_TARGET`.
///
/// Each target feeds one input to a decoder the way an attacker could (a raw token, URL or
/// body) and, where random bytes would never get past the cipher, also as the plaintext of a
/// freshly encrypted message, so the JSON and typing layers behind decryption are reached
/// too. Thrown errors are the expected outcome for most inputs; only a crash, a leak, a
/// hang or a broken invariant (`check`, `expect`) is a finding.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "token-ecb": { token(.ecb, $0) },
        "token-cbc": { token(.cbc, $0) },
        "token-gcm": { token(.gcm, $0) },
        "liveform-url": liveformURL,
        "return-url": returnURL,
        "webhook": webhook,
        "api-body": apiBody,
        "body-stream": bodyStream,
        "json": json,
        "aes-differential": aesDifferential,
        "base64": base64,
    ]

    // MARK: Tokens

    /// Any text decrypts or throws; any bytes encrypt and decrypt back to themselves.
    static func token(_ mode: TokenCipher.Mode, _ input: [UInt8]) {
        let cipher = TokenCipher(mode: mode)
        _ = try? cipher.decrypt(text(input), using: FuzzKeys.rotation)
        let token = expect("\(mode) encrypts any plaintext") { () throws(LiveformError) in
            try cipher.encrypt(input, using: FuzzKeys.fuzz)
        }
        let back = expect("\(mode) decrypts its own token") { () throws(LiveformError) in
            try cipher.decrypt(token, using: FuzzKeys.rotation)
        }
        check(back == input, "\(mode) round trip changed the plaintext")
    }

    // MARK: URLs

    static func liveformURL(_ input: [UInt8]) {
        for mode in LiveformURLDecoder.Mode.allCases {
            let decoder = LiveformURLDecoder(keys: FuzzKeys.rotation, mode: mode, encryptionOnly: input.count % 2 == 0)
            inspect(try? decoder.decode(text(input)))
        }
        // The input as the encrypted parameters: reaches parameter typing and warnings.
        for mode in [TokenCipher.Mode.gcm, .ecb] {
            guard let token = try? TokenCipher(mode: mode).encrypt(input, using: FuzzKeys.fuzz) else { continue }
            let url = "https://form.argosidentity.com/?pid=fuzz&encrypted=" + percentEncoded(token)
            inspect(try? LiveformURLDecoder(keys: FuzzKeys.rotation).decode(url))
        }
    }

    /// What a caller reads from a decoded URL: its JSON, typed values and rule check.
    private static func inspect(_ decoded: DecodedLiveformURL?) {
        guard let decoded else { return }
        _ = decoded.json
        _ = decoded.parameters.startValidUntil
        try? decoded.parameters.validate(encrypted: !decoded.encryptedNames.isEmpty)
    }

    static func returnURL(_ input: [UInt8]) {
        let decoder = ReturnURLDecoder(keys: FuzzKeys.rotation)
        _ = try? decoder.decode(text(input)).kycStatus
        if let token = try? TokenCipher(mode: .ecb).encrypt(input, using: FuzzKeys.fuzz) {
            let result = try? decoder.decode("https://shop.example.com/return?kycStatus=pending&encrypted=" + token)
            _ = result.map { ($0.kycStatus, $0.userid, $0.email, $0.errorCode) }
        }
    }

    // MARK: Bodies

    static func webhook(_ input: [UInt8]) {
        let decoder = WebhookDecoder(keys: FuzzKeys.rotation)
        _ = try? decoder.decode(body: input)
        if let token = try? TokenCipher(mode: .cbc).encrypt(input, using: FuzzKeys.fuzz) {
            _ = try? decoder.decode(body: Array(#"{"data":"\#(token)"}"#.utf8))
        }
    }

    static func apiBody(_ input: [UInt8]) {
        let codec = APIBodyCodec(key: FuzzKeys.fuzz, decryptionKeys: FuzzKeys.rotation)
        _ = try? codec.decrypt(input)
        if let token = try? TokenCipher(mode: .ecb).encrypt(input, using: FuzzKeys.fuzz) {
            let request = try? codec.decrypt(Array(token.utf8))
            let response = try? codec.decrypt(Array(#"{"data":"\#(token)"}"#.utf8))
            check(request == response, "request and response bodies decode the same token differently")
            check(request == nil || request == input, "a body decrypted to something else than its plaintext")
        }
    }

    /// A body fed to a `BodyDecryptor` in pieces (of a length the first byte picks) ends as
    /// `decrypt` on the whole body does: the same plaintext, or an error of the
    /// same category. Also for a fresh token of the input, so that decryption is reached.
    static func bodyStream(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let body = Array(input.dropFirst())
        let codec = APIBodyCodec(key: FuzzKeys.fuzz, decryptionKeys: FuzzKeys.rotation)
        compareStreamed(codec, body, piece: Int(first) + 1)
        if let token = try? TokenCipher(mode: .ecb).encrypt(body, using: FuzzKeys.fuzz) {
            compareStreamed(codec, Array(#"{"data":"\#(token)"}"#.utf8), piece: Int(first) % 7 + 1)
        }
    }

    private static func compareStreamed(_ codec: APIBodyCodec, _ body: [UInt8], piece: Int) {
        let whole = Result { () throws(LiveformError) in try codec.decrypt(body) }
        var decryptor = codec.makeDecryptor(bodyLength: body.count)
        let streamed: Result<[UInt8], LiveformError>
        do throws(LiveformError) {
            var offset = 0
            while offset < body.count {
                let end = min(offset + piece, body.count)
                try decryptor.update(body[offset..<end])
                offset = end
            }
            streamed = .success(try decryptor.finish())
        } catch {
            streamed = .failure(error)
        }
        switch (whole, streamed) {
        case (.success(let a), .success(let b)):
            check(a == b, "the streamed body decrypted to other bytes")
        case (.failure(let a), .failure(let b)):
            check(a.code == b.code, "the streamed body failed with \(b.code), the whole one with \(a.code)")
        case (.success, .failure(let error)):
            check(false, "the streamed body failed (\(error)) where the whole one decrypted")
        case (.failure(let error), .success):
            check(false, "the streamed body decrypted where the whole one failed (\(error))")
        }
    }

    // MARK: JSON

    /// Parses or throws; what parses writes back (compact and pretty) to the same value. The
    /// validating scan (the same grammar with another visitor) accepts exactly what parses,
    /// and finds no whitespace in compact text.
    static func json(_ input: [UInt8]) {
        let value = try? JSONValue(parsing: input)
        check((JSONReader.scan(input.span) != nil) == (value != nil), "scan and parse disagree on the input")
        guard let value, value.isFinite else { return }
        for (style, text) in [("compact", value.jsonText), ("pretty", value.prettyJSONText)] {
            let again = expect("the \(style) JSON text parses") { () throws(LiveformError) in
                try JSONValue(parsing: text)
            }
            check(again == value, "the \(style) JSON text reads back to another value: \(text)")
        }
        let compact = JSONReader.scan(Array(value.jsonText.utf8).span)?.hasWhitespace
        check(compact == false, "the scan finds whitespace in compact text")
    }

    // MARK: Backends

    /// The same key, IV and plaintext through OpenSSL and libgcrypt: identical tokens, each
    /// decrypting the other's; and the same outcome for the input read as a token.
    /// Base64 and the URL token's percent-encoding against independent oracles: the input as
    /// text decodes to the same bytes or the same error whole and in pieces (split where the
    /// first byte says); as bytes it encodes to Foundation's base64 text and decodes back; and
    /// that text percent-encodes as Foundation encodes it with RFC 3986's unreserved set.
    static func base64(_ input: [UInt8]) {
        func decode(_ text: [UInt8], pieceLength: Int) -> String {
            var decoder = Base64.Decoder()
            do throws(LiveformError) {
                let output = try [UInt8](capacity: Base64.maxDecodedLength(text.count) + 3) { (output) throws(LiveformError) in
                    var offset = 0
                    while offset < text.count {
                        let end = min(text.count, offset + pieceLength)
                        try decoder.update(text.span.extracting(offset..<end), into: &output)
                        offset = end
                    }
                    try decoder.finish(into: &output)
                }
                return "\(output[...])"
            } catch {
                return "\(error)"
            }
        }
        let pieceLength = Int(input.first ?? 0) + 1
        let whole = decode(input, pieceLength: max(input.count, 1))
        check(decode(input, pieceLength: pieceLength) == whole, "base64 decode in pieces of \(pieceLength) differs")
        if let bytes = try? Base64.decode(input) { check("\(bytes[...])" == whole, "base64 decode differs from the decoder's") }
        let text = Base64.encode(input)
        check(text == Data(input).base64EncodedString(), "base64 encode differs from Foundation's")
        check((try? Base64.decode(text)) == input, "base64 text does not decode back")
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        check(
            QueryString.encode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved),
            "percent-encoding differs from Foundation's")
    }

    static func aesDifferential(_ input: [UInt8]) {
        guard input.count >= 48, let key = try? AES256.Key(rawKey: input[0..<32]) else { return }
        let iv = Array(input[32..<48]), plaintext = Array(input[48...])
        for mode in TokenCipher.Mode.allCases {
            let ivForMode: [UInt8]? =
                switch mode {
                case .ecb: nil
                case .cbc: iv
                case .gcm: Array(iv.prefix(12))
                }
            let openssl = TokenCipher(mode: mode, backend: .openssl)
            let gcrypt = TokenCipher(mode: mode, backend: .gcrypt)
            let tokens = [openssl, gcrypt].map { cipher in
                expect("\(mode) on \(cipher.backend) encrypts") { () throws(LiveformError) in
                    try cipher.encrypt(plaintext, using: key, iv: ivForMode)
                }
            }
            check(tokens[0] == tokens[1], "\(mode): OpenSSL and libgcrypt tokens differ")
            for (cipher, token) in [(openssl, tokens[1]), (gcrypt, tokens[0])] {
                let back = expect("\(mode) on \(cipher.backend) decrypts the other's token") { () throws(LiveformError) in
                    try cipher.decrypt(token, using: key)
                }
                check(back == plaintext, "\(mode) on \(cipher.backend) decrypted the other's token wrongly")
            }
            // The plaintext bytes as a (mostly invalid) token: same plaintext or same error.
            let asToken = Base64.encode(plaintext)
            let outcomes = [openssl, gcrypt].map { cipher in
                do { return "plaintext \(try cipher.decrypt(asToken, using: key))" } catch { return "error \(error)" }
            }
            check(outcomes[0] == outcomes[1], "\(mode): backends disagree on a token: \(outcomes)")
        }
    }
}

/// The keys every target uses: a key of its own, then the two demo credentials of
/// `Vectors/`, so seeds taken from the vectors decrypt after a failed first key (rotation).
enum FuzzKeys {
    static let fuzz = key("DEMO-ONLY-fuzz-key")
    static let rotation = [fuzz, key("DEMO-ONLY-not-a-real-argos-api-key"), key("DEMO-ONLY-secretKey-0000")]

    private static func key(_ credential: String) -> AES256.Key {
        expect("the demo credential makes a key") { () throws(LiveformError) in
            try AES256.Key(credential: credential)
        }
    }
}

// MARK: - Helpers

/// The input as text, as a server would receive it (invalid UTF-8 becomes U+FFFD).
func text(_ input: [UInt8]) -> String { String(decoding: input, as: UTF8.self) }

/// `%XX` for the characters of a base64 token that a query would misread.
func percentEncoded(_ token: String) -> String {
    token.replacing("+", with: "%2B").replacing("/", with: "%2F").replacing("=", with: "%3D")
}

/// Stops with a message libFuzzer reports as a crash, and the input saved beside it.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FUZZ INVARIANT BROKEN: \(message())") }
}

/// The value of an operation that must not fail for this input.
func expect<T>(_ what: String, _ body: () throws(LiveformError) -> T) -> T {
    do {
        return try body()
    } catch {
        fatalError("FUZZ INVARIANT BROKEN: \(what), but: \(error)")
    }
}

extension JSONValue {
    /// Whether every number is finite (an infinity is written as `null`, as JSON.stringify does).
    var isFinite: Bool {
        switch self {
        case .number(let number): number.isFinite
        case .array(let elements): elements.allSatisfy(\.isFinite)
        case .object(let object): object.allSatisfy { $0.value.isFinite }
        case .null, .bool, .string: true
        }
    }
}
