import LiveformBytes

/// The `{"data":"<token>"}` envelope of response bodies and webhooks (wire format §5), shared
/// by ``APIBodyCodec`` and the webhook types so both read bodies by exactly the same rules.
enum DataEnvelope {
    /// The HTTP body that carries `token`: exactly `{"data":"<token>"}`, no spaces. Base64
    /// needs no JSON escaping, so the token is written as it is.
    static func wrap(_ token: String) -> String {
        "{\"data\":\"" + token + "\"}"
    }

    /// The token a received body carries. Accepted, after the JSON whitespace around it:
    /// - `{"data":"<token>"}` (any JSON layout; other members are ignored, so a sender that
    ///   adds a field does not break every receiver);
    /// - `"<token>"`, the bare token as a JSON string;
    /// - the bare token itself (what an API request body is).
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` when the body is over `maxSize` bytes
    ///   (checked first), or is none of the above: `{"foo":…}`, `{"data":5}`, `[]`, text that
    ///   is neither JSON nor base64.
    static func token(of body: Span<UInt8>, maxSize: Int) throws(LiveformError) -> String {
        guard body.count <= maxSize else {
            throw .malformed("the body is \(body.count) bytes, over the limit of \(maxSize)")
        }
        let trimmed = body.extracting(trimmingWhitespace(body))
        guard !trimmed.isEmpty else { throw .malformed("the body is empty") }
        switch trimmed[0] {
        case UInt8(ascii: "{"):
            let value = try JSONReader.parse(trimmed)
            guard let object = value.objectValue else { throw .malformed("the body is not a JSON object") }
            guard let data = object["data"] else { throw .malformed("the body has no \"data\" member") }
            guard let token = data.stringValue else { throw .malformed("the body's \"data\" member is not a string") }
            return token
        case UInt8(ascii: "\""):
            guard let token = try JSONReader.parse(trimmed).stringValue else {
                throw .malformed("the body is not a JSON string")
            }
            return token
        default:
            // Invalid UTF-8 becomes U+FFFD, which the base64 reader rejects as malformed.
            return JSONBytes.text(trimmed)
        }
    }

    /// Lends the token's bytes where the body holds them, without copying: the fast form of
    /// `token(of:maxSize:)`, with the same result and the same errors. A body that needs its
    /// JSON decoded (escapes in the token, a name spelled with escapes), or that `token`
    /// rejects, goes through `token` itself.
    static func withToken<R>(
        of body: Span<UInt8>, maxSize: Int,
        _ use: (Span<UInt8>) throws(LiveformError) -> R
    ) throws(LiveformError) -> R {
        guard body.count <= maxSize else {
            throw .malformed("the body is \(body.count) bytes, over the limit of \(maxSize)")
        }
        let trimmed = body.extracting(trimmingWhitespace(body))
        var span: Range<Int>?
        if !trimmed.isEmpty {
            switch trimmed[0] {
            case UInt8(ascii: "{"), UInt8(ascii: "\""):
                if let scan = JSONReader.scan(trimmed), !scan.needsParse, scan.topLevel == trimmed[0] {
                    span = scan.plainString
                }
            default:
                // The bare token: as `token` reads it only when it is ASCII (no U+FFFD repairs).
                var seen: UInt8 = 0
                for index in trimmed.indices { seen |= trimmed[index] }
                if seen < 0x80 { span = 0..<trimmed.count }
            }
        }
        if let span {
            return try use(trimmed.extracting(span))
        }
        let text = try token(of: body, maxSize: maxSize)
        return try use(text.utf8.span)
    }

    /// Where `body` is, without the JSON whitespace around it.
    private static func trimmingWhitespace(_ body: Span<UInt8>) -> Range<Int> {
        var start = 0, end = body.count
        while start < end, JSONBytes.isWhitespace(body[start]) { start += 1 }
        while end > start, JSONBytes.isWhitespace(body[end - 1]) { end -= 1 }
        return start..<end
    }

    /// Whether `plaintext` is UTF-8 JSON of an accepted shape, as `acceptedJSON` decides,
    /// without building the value.
    static func isAcceptedJSON(_ plaintext: Span<UInt8>, objectOnly: Bool) -> Bool {
        guard let scan = JSONReader.scan(plaintext) else { return false }
        return scan.topLevel == UInt8(ascii: "{") || (!objectOnly && scan.topLevel == UInt8(ascii: "["))
    }

    /// The JSON value of a decrypted plaintext when it is UTF-8 JSON of an accepted shape;
    /// nil otherwise, which the caller reports as the one ``LiveformError/decryptionFailed``.
    static func acceptedJSON(_ plaintext: Span<UInt8>, objectOnly: Bool) -> JSONValue? {
        guard let value = try? JSONReader.parse(plaintext) else { return nil }
        switch value {
        case .object: return value
        case .array: return objectOnly ? nil : value
        default: return nil
        }
    }
}
