import LiveformBytes

/// Where a webhook is decrypted: checks the sender, reads the `{"data":"<token>"}` body,
/// decrypts `IV ‖ AES-256-CBC(K, IV, PKCS#7(P))` and types the event (wire format §5).
///
/// Configure it once with the keys to try in order (rotation: the secretKey, then the API
/// key, then a retired key) and share it across tasks; it is a `Sendable` value.
///
/// ```swift
/// let decoder = WebhookDecoder(keys: [try AES256.Key(credential: secretKey)])
/// // In any server framework's route:
/// let event = try decoder.decode(body: request.body, remoteAddress: request.remoteAddress)
/// ```
///
/// For a ready-made HTTP status and body, wrap it in a ``WebhookHTTPHandler``.
public struct WebhookDecoder: Sendable {
    /// The keys tried in order; the first that yields a JSON object wins.
    public var keys: [AES256.Key]
    /// How the token carries its IV: ``TokenCipher/CBCFraming/ivPrefixed`` (the default) or
    /// ``TokenCipher/CBCFraming/fixedIV(_:)`` for deployments on the pre-2024 scheme.
    public var framing: TokenCipher.CBCFraming
    /// The library that runs AES.
    public var backend: AES256.Backend
    /// Bodies larger than this many bytes are ``LiveformError/Code/malformedInput`` before
    /// any decryption.
    public var maxBodySize: Int
    /// The sender allow-list, or nil (the default) for no sender check.
    public var senderPolicy: WebhookSenderPolicy?

    /// The default limit on a webhook body: 64 MiB (wire format §6).
    public static let defaultMaxBodySize = APIBodyCodec.defaultMaxBodySize

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - keys: the keys to try, in order.
    ///   - framing: the CBC framing; IV-prefixed unless your project is on the fixed-IV scheme.
    ///   - backend: the library that runs AES.
    ///   - maxBodySize: the largest body accepted, in bytes.
    ///   - senderPolicy: the sender allow-list; nil for none.
    public init(
        keys: [AES256.Key], framing: TokenCipher.CBCFraming = .ivPrefixed, backend: AES256.Backend = .default,
        maxBodySize: Int = WebhookDecoder.defaultMaxBodySize, senderPolicy: WebhookSenderPolicy? = nil
    ) {
        self.keys = keys
        self.framing = framing
        self.backend = backend
        self.maxBodySize = maxBodySize
        self.senderPolicy = senderPolicy
    }

    /// Decodes a webhook request into its event.
    ///
    /// In order: the sender check (only with a ``senderPolicy``), the size limit, the body's
    /// shape, the CBC structure (at least 32 bytes, IV plus a multiple of 16), decryption.
    ///
    /// The plaintext is validated and the event typed in one pass that builds no JSON tree;
    /// ``WebhookEvent/json`` is parsed when first read (see ``WebhookEvent``'s "Cost").
    ///
    /// - Parameters:
    ///   - body: the raw HTTP body: `{"data":"<token>"}`, or the bare token (optionally as a
    ///     JSON string).
    ///   - headers: the request headers; only `X-Forwarded-For` is read, and only when the
    ///     policy trusts it. With Vapor: `Array(request.headers)`.
    ///   - remoteAddress: the peer's IP address (`52.78.194.237`, `::ffff:…`, `[…]:port`).
    /// - Throws: ``LiveformError/Code/senderNotAllowed`` (before anything else);
    ///   ``LiveformError/Code/malformedInput`` for a body over the limit, of the wrong shape or
    ///   of a length CBC cannot produce; ``LiveformError/Code/decryptionFailed`` when no key
    ///   yields a UTF-8 JSON object — one error, one message, whatever the cause;
    ///   ``LiveformError/Code/invalidKey`` when no key is configured.
    public func decode<Body: Collection<UInt8>>(
        body: Body, headers: [(name: String, value: String)] = [],
        remoteAddress: String? = nil
    ) throws(LiveformError) -> WebhookEvent {
        try senderPolicy?.check(remoteAddress: remoteAddress, headers: headers)
        // The plaintext is validated and typed in one pass; no JSON tree is built (the
        // event parses its `json` when first read). A key is accepted exactly when the
        // plaintext parses to an object, as in `decrypt(body:)`.
        return try cipher.open(try wireBytes(body), using: keys) { (plaintext) throws(LiveformError) in WebhookEvent(plaintext: plaintext) }
    }

    /// Decrypts a webhook body into its JSON object, without the sender check and without
    /// typing the event.
    ///
    /// - Throws: as ``decode(body:headers:remoteAddress:)``, except `senderNotAllowed`.
    public func decrypt<Body: Collection<UInt8>>(body: Body) throws(LiveformError) -> JSONObject {
        try open(body).json
    }

    /// The decrypted plaintext bytes, exactly as sent (the conformance vectors compare them).
    package func plaintext<Body: Collection<UInt8>>(ofBody body: Body) throws(LiveformError) -> [UInt8] {
        try open(body).plaintext
    }

    private func open<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> (plaintext: [UInt8], json: JSONObject) {
        try cipher.open(try wireBytes(body), using: keys) { (plaintext) throws(LiveformError) in
            DataEnvelope.acceptedJSON(plaintext, objectOnly: true)?.objectValue.map { (Array(copying: plaintext), $0) }
        }
    }

    private var cipher: TokenCipher {
        TokenCipher(mode: .cbc, backend: backend, cbcFraming: framing, maxTokenLength: maxBodySize)
    }

    /// The token's wire bytes, read where the body holds it (no copy of its text).
    private func wireBytes<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> [UInt8] {
        let cipher = cipher
        return try withByteSpan(body) { (span) throws(LiveformError) in
            try DataEnvelope.withToken(of: span, maxSize: maxBodySize) { (token) throws(LiveformError) in
                try cipher.wireBytes(ofText: token)
            }
        }
    }
}
