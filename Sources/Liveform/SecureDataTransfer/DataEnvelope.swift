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
    static func token<Body: Collection<UInt8>>(of body: Body, maxSize: Int) throws(LiveformError) -> String {
        let size = body.count
        guard size <= maxSize else {
            throw .malformed("the body is \(size) bytes, over the limit of \(maxSize)")
        }
        return try withBytes(body) { (raw) throws(LiveformError) in
            var start = 0, end = raw.count
            while start < end, isJSONWhitespace(raw[start]) { start += 1 }
            while end > start, isJSONWhitespace(raw[end - 1]) { end -= 1 }
            guard start < end else { throw .malformed("the body is empty") }
            let trimmed = UnsafeRawBufferPointer(rebasing: raw[start..<end])
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
                return String(decoding: trimmed, as: UTF8.self)
            }
        }
    }

    /// Lends the token's bytes where the body holds them, without copying: the fast form of
    /// `token(of:maxSize:)`, with the same result and the same errors. A body that needs its
    /// JSON decoded (escapes in the token, a name spelled with escapes), or that `token`
    /// rejects, goes through `token` itself.
    static func withToken<R>(
        of body: UnsafeRawBufferPointer, maxSize: Int,
        _ use: (UnsafeRawBufferPointer) throws(LiveformError) -> R
    ) throws(LiveformError) -> R {
        guard body.count <= maxSize else {
            throw .malformed("the body is \(body.count) bytes, over the limit of \(maxSize)")
        }
        var start = 0, end = body.count
        while start < end, isJSONWhitespace(body[start]) { start += 1 }
        while end > start, isJSONWhitespace(body[end - 1]) { end -= 1 }
        let trimmed = UnsafeRawBufferPointer(rebasing: body[start..<end])
        var span: Range<Int>?
        switch trimmed.first {
        case nil:
            break
        case UInt8(ascii: "{")?, UInt8(ascii: "\"")?:
            if let scan = JSONReader.scan(trimmed), !scan.needsParse, scan.topLevel == trimmed.first {
                span = scan.plainString
            }
        default:
            // The bare token: as `token` reads it only when it is ASCII (no U+FFFD repairs).
            if isASCII(trimmed) { span = 0..<trimmed.count }
        }
        if let span {
            return try use(UnsafeRawBufferPointer(rebasing: trimmed[span]))
        }
        var text = try token(of: body, maxSize: maxSize)
        return try text.withUTF8 { utf8 in Result { () throws(LiveformError) in try use(UnsafeRawBufferPointer(utf8)) } }.get()
    }

    static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether `plaintext` is UTF-8 JSON of an accepted shape, as `acceptedJSON` decides,
    /// without building the value.
    static func isAcceptedJSON(_ plaintext: UnsafeRawBufferPointer, objectOnly: Bool) -> Bool {
        guard let scan = JSONReader.scan(plaintext) else { return false }
        return scan.topLevel == UInt8(ascii: "{") || (!objectOnly && scan.topLevel == UInt8(ascii: "["))
    }

    /// The JSON value of a decrypted plaintext when it is UTF-8 JSON of an accepted shape;
    /// nil otherwise, which the caller reports as the one ``LiveformError/decryptionFailed``.
    static func acceptedJSON(_ plaintext: [UInt8], objectOnly: Bool) -> JSONValue? {
        guard let value = try? JSONValue(parsing: plaintext) else { return nil }
        switch value {
        case .object: return value
        case .array: return objectOnly ? nil : value
        default: return nil
        }
    }
}
