import LiveformBackends
import LiveformBytes

/// Encrypts and decrypts API bodies under Secure Data Transfer (wire format §5).
///
/// | message | HTTP body | token |
/// |---|---|---|
/// | request (you → ARGOS) | the token itself, `Content-Type: text/plain` | ECB of the request JSON |
/// | response (ARGOS → you) | `{"data":"<token>"}` | ECB of the response JSON |
///
/// Bodies go in and come out as raw bytes (`Data`, `[UInt8]`, a `ByteBufferView`…), never
/// as a parsed dictionary: ECB output depends on every byte of the JSON text, and a round
/// trip through `JSONSerialization` would reorder members and escape `/`.
///
/// ```swift
/// let codec = APIBodyCodec(key: try AES256.Key(credential: apiKey))
/// var request = URLRequest(url: endpoint)
/// request.setValue(APIBodyCodec.requestContentType, forHTTPHeaderField: "Content-Type")
/// request.httpBody = Data(try codec.encrypt(Data(#"{"email":"kim@example.com"}"#.utf8)))
/// let (body, _) = try await URLSession.shared.data(for: request)
/// let response = try codec.decryptJSON(body)
/// ```
///
/// Reading a body is one rule in both directions, so ``decrypt(_:)`` reads a response body
/// and a request body alike. Bodies of megabytes (an ID image in base64) can be streamed
/// instead: ``encryptedChunks(_:)`` hands out the request body a chunk at a time and
/// ``BodyDecryptor`` decrypts a body as it arrives. The whole-body calls run on the same code,
/// so the bytes and the errors are the same.
public struct APIBodyCodec: Sendable {
    /// The `Content-Type` of an encrypted request body: the body is the bare token.
    public static let requestContentType = "text/plain"

    /// The default limit on a body: 64 MiB (wire format §6).
    public static let defaultMaxBodySize = 64 * 1024 * 1024

    /// The key that encrypts (one key only, §1).
    public var key: AES256.Key
    /// The keys tried in order when decrypting (key rotation); the first that yields JSON wins.
    public var decryptionKeys: [AES256.Key]
    /// The library that runs AES.
    public var backend: AES256.Backend
    /// Bodies larger than this many bytes are ``LiveformError/Code/malformedInput`` before
    /// any decryption.
    public var maxBodySize: Int
    /// The most threads that encrypting one body may use, the caller's thread included.
    ///
    /// 1, the default, keeps every call on the caller's thread, which suits a server that is
    /// already busy with other requests. Raise it where one large body's latency matters (a
    /// batch job, a command-line tool): plaintexts of 1 MiB and more are then split across
    /// up to this many threads (Dispatch's worker threads, the caller's included), with the same
    /// output and the same errors. Every thread's work is done before the call returns.
    public var maxThreadsPerBody: Int

    /// Creates a codec.
    ///
    /// - Parameters:
    ///   - key: the key that encrypts, usually the project's API key.
    ///   - decryptionKeys: the keys tried in order when decrypting; nil means `[key]`.
    ///   - backend: the library that runs AES.
    ///   - maxBodySize: the largest body accepted for decryption, in bytes.
    ///   - maxThreadsPerBody: the most threads that encrypting one body may use; see
    ///     ``maxThreadsPerBody``.
    public init(
        key: AES256.Key, decryptionKeys: [AES256.Key]? = nil, backend: AES256.Backend = .default,
        maxBodySize: Int = APIBodyCodec.defaultMaxBodySize, maxThreadsPerBody: Int = 1
    ) {
        self.key = key
        self.decryptionKeys = decryptionKeys ?? [key]
        self.backend = backend
        self.maxBodySize = maxBodySize
        self.maxThreadsPerBody = maxThreadsPerBody
    }

    var cipher: TokenCipher {
        // The body limit is the only length limit: a token can be as long as the body.
        TokenCipher(mode: .ecb, backend: backend, maxTokenLength: maxBodySize)
    }

    /// The HTTP body of an encrypted API request: the ECB token of `plaintext` (ASCII), sent
    /// with ``requestContentType``. The JSON text is encrypted exactly as given.
    ///
    /// ```swift
    /// request.body = .bytes(try codec.encrypt(plaintext))
    /// ```
    ///
    /// - Throws: ``LiveformError/Code/invalidParameter`` when `plaintext` is not UTF-8 JSON
    ///   whose top level is an object or an array.
    public func encrypt<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext) throws(LiveformError) -> [UInt8] {
        try withByteSpan(plaintext) { (raw) throws(LiveformError) in try seal(raw) }
    }

    /// The HTTP body of an encrypted API response, as ARGOS sends it: exactly
    /// `{"data":"<token>"}`, no spaces. For tests and simulators.
    ///
    /// - Throws: as ``encrypt(_:)``.
    public func encryptResponse<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext) throws(LiveformError) -> [UInt8] {
        // DataEnvelope.wrap's text, written in one buffer with the token.
        try withByteSpan(plaintext) { (raw) throws(LiveformError) in try seal(raw, prefix: "{\"data\":\"", suffix: "\"}") }
    }

    /// The token of `raw` between the affixes, the plaintext checked first.
    func seal(_ raw: Span<UInt8>, prefix: String = "", suffix: String = "") throws(LiveformError) -> [UInt8] {
        var bytes: [UInt8] = []
        try seal(raw, units: 0..<TokenCipher.unitCount(raw.count), prefix: prefix, suffix: suffix, appendingTo: &bytes)
        return bytes
    }

    /// Appends units `units` of the token of `raw` between the affixes to `bytes`, the
    /// plaintext checked when they start the token. After a failure, `bytes` holds an
    /// unspecified part of that text: callers drop it.
    func seal(
        _ raw: Span<UInt8>, units: Range<Int>, prefix: String = "", suffix: String = "",
        appendingTo bytes: inout [UInt8]
    ) throws(LiveformError) {
        let length = prefix.utf8.count + TokenCipher.ecbTextLength(raw.count, units: units) + suffix.utf8.count
        try bytes.append(addingCapacity: length) { (output) throws(LiveformError) in
            try cipher.writeECBText(
                raw, units: units, using: key, threads: maxThreadsPerBody, prefix: prefix, suffix: suffix,
                check: Self.requireObjectOrArray, into: &output)
        }
    }

    /// Decrypts an API body into the plaintext JSON bytes: a response body `{"data":"<token>"}`
    /// (any JSON layout, other members ignored), the token as a JSON string, or the bare token
    /// (a request body). ``BodyDecryptor`` fed the body whole.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a body over ``maxBodySize`` or not
    ///   one of those shapes (`{"foo":…}`, `{"data":5}`, `[]`, text that is not base64);
    ///   ``LiveformError/Code/invalidKey`` when ``decryptionKeys`` is empty;
    ///   ``LiveformError/Code/decryptionFailed`` when no key yields a UTF-8 JSON object or
    ///   array — bad padding, a wrong key and a non-JSON plaintext are the same error.
    public func decrypt<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> [UInt8] {
        var decryptor = makeDecryptor(bodyLength: body.count)
        try decryptor.update(body)
        return try decryptor.finish()
    }

    /// Decrypts an API body into its JSON value (an object or an array).
    ///
    /// ```swift
    /// let submission = try codec.decryptJSON(body)["data"]?["submission_id"]?.stringValue
    /// ```
    ///
    /// - Throws: as ``decrypt(_:)``.
    public func decryptJSON<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> JSONValue {
        let plaintext = try decrypt(body)
        do {
            return try JSONValue(parsing: plaintext)
        } catch {
            // A plaintext that `decrypt` accepted and the parser refuses: the same uniform failure.
            throw .decryptionFailed
        }
    }

    /// Checks without building the value; a rejected plaintext is parsed for the exact message.
    static func requireObjectOrArray(_ plaintext: Span<UInt8>) throws(LiveformError) {
        if DataEnvelope.isAcceptedJSON(plaintext, objectOnly: false) { return }
        let value: JSONValue
        do {
            value = try JSONReader.parse(plaintext)
        } catch {
            throw .invalidParameter("an API body plaintext must be UTF-8 JSON: \(error.reason)")
        }
        guard value.objectValue != nil || value.arrayValue != nil else {
            throw .invalidParameter("an API body is a JSON object or array")
        }
    }
}
