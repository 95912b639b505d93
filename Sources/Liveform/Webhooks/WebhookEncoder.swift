/// Writes webhook bodies as ARGOS sends them: exactly `{"data":"<base64(IV ‖ C)>"}`, with
/// `C = AES-256-CBC(K, IV, PKCS#7(P))` (wire format §5).
///
/// For tests, simulators and the conformance vectors; a production endpoint only decodes.
///
/// ```swift
/// let encoder = WebhookEncoder(key: secretKey)
/// let body = try encoder.encode(event: ["webhook_trigger": "approved", "userid": "u-42"])
/// let event = try WebhookDecoder(keys: [secretKey]).decode(body: Array(body.utf8))
/// ```
public struct WebhookEncoder: Sendable {
    /// The key that encrypts.
    public var key: AES256.Key
    /// How the token carries its IV; must match the receiver's ``WebhookDecoder/framing``.
    public var framing: TokenCipher.CBCFraming
    /// The library that runs AES.
    public var backend: AES256.Backend

    /// Creates an encoder.
    public init(key: AES256.Key, framing: TokenCipher.CBCFraming = .ivPrefixed, backend: AES256.Backend = .default) {
        self.key = key
        self.framing = framing
        self.backend = backend
    }

    /// The body of a webhook whose payload is the JSON text `plaintext`, encrypted exactly
    /// as given.
    ///
    /// - Parameters:
    ///   - plaintext: the event's JSON text, UTF-8.
    ///   - iv: the 16-byte IV; random when nil. Inject one only for test vectors. Under
    ///     fixed-IV framing it must be nil or the configured IV.
    /// - Throws: ``LiveformError/Code/invalidParameter`` when `plaintext` is not UTF-8 JSON
    ///   whose top level is an object, or for an IV of the wrong length.
    public func encode<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext, iv: [UInt8]? = nil) throws(LiveformError) -> String {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: plaintext)
        } catch {
            throw .invalidParameter("a webhook plaintext must be UTF-8 JSON: \(error.reason)")
        }
        guard value.objectValue != nil else { throw .invalidParameter("a webhook payload is a JSON object") }
        return try seal(plaintext, iv: iv)
    }

    /// The body of a webhook whose payload is `event`, written as `JSON.stringify` writes it.
    ///
    /// - Parameters:
    ///   - event: the event's members, in order.
    ///   - iv: as in ``encode(_:iv:)``.
    public func encode(event: JSONObject, iv: [UInt8]? = nil) throws(LiveformError) -> String {
        try seal(JSONWriter.bytes(.object(event)), iv: iv)
    }

    private func seal<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext, iv: [UInt8]?) throws(LiveformError) -> String {
        let cipher = TokenCipher(mode: .cbc, backend: backend, cbcFraming: framing)
        return DataEnvelope.wrap(try cipher.encrypt(plaintext, using: key, iv: iv))
    }
}
