/// Encrypts API request bodies and decrypts API response bodies under Secure Data Transfer
/// (wire format §5).
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
/// request.httpBody = Data(try codec.encryptRequestBody(Data(#"{"email":"kim@example.com"}"#.utf8)).utf8)
/// let (body, _) = try await URLSession.shared.data(for: request)
/// let response = try codec.decryptResponseJSON(body)
/// ```
///
/// Bodies of megabytes (an ID image in base64) can be streamed instead:
/// ``encryptRequestBody(_:chunks:)`` writes the request body a chunk at a time (or
/// ``requestBodyChunks(_:)`` hands it out as an `AsyncSequence`) and
/// ``BodyDecryptor`` decrypts a response as it arrives, with the same bytes and errors and
/// without ever holding the whole encrypted body.
///
/// The reverse directions (``encryptResponseBody(_:)``, ``decryptRequestBody(_:)``) exist
/// for tests and for simulating the ARGOS side.
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
    public init(key: AES256.Key, decryptionKeys: [AES256.Key]? = nil, backend: AES256.Backend = .default,
                maxBodySize: Int = APIBodyCodec.defaultMaxBodySize, maxThreadsPerBody: Int = 1) {
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

    // MARK: Requests (you → ARGOS)

    /// The HTTP body of an encrypted API request: the ECB token of `plaintext`, sent with
    /// ``requestContentType``. The JSON text is encrypted exactly as given.
    ///
    /// - Throws: ``LiveformError/Code/invalidParameter`` when `plaintext` is not UTF-8 JSON
    ///   whose top level is an object or an array.
    public func encryptRequestBody<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext) throws(LiveformError) -> String {
        try withBytes(plaintext) { (raw) throws(LiveformError) in
            try cipher.ecbTokenText(raw, using: key, threads: maxThreadsPerBody, check: Self.requireObjectOrArray)
        }
    }

    /// ``encryptRequestBody(_:)`` as bytes, ready for an HTTP client's body (`[UInt8]` for
    /// AsyncHTTPClient's `.bytes(_:)`, or `Data(_:)`): the same ASCII text, written once, and
    /// faster for large bodies because no `String` is built and validated around it.
    ///
    /// ```swift
    /// request.body = .bytes(try codec.encryptRequestBodyBytes(plaintext))
    /// ```
    ///
    /// - Throws: as ``encryptRequestBody(_:)``.
    public func encryptRequestBodyBytes<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext) throws(LiveformError) -> [UInt8] {
        try withBytes(plaintext) { (raw) throws(LiveformError) in
            try cipher.ecbTokenBytes(raw, using: key, threads: maxThreadsPerBody, check: Self.requireObjectOrArray)
        }
    }

    /// The HTTP body of an encrypted API request whose JSON is `json`, written as
    /// `JSON.stringify` writes it.
    ///
    /// ```swift
    /// let body = try codec.encryptRequestBody(json: ["email": "kim@example.com"])
    /// ```
    ///
    /// - Throws: ``LiveformError/Code/invalidParameter`` unless `json` is an object or an array.
    public func encryptRequestBody(json: JSONValue) throws(LiveformError) -> String {
        guard json.objectValue != nil || json.arrayValue != nil else {
            throw .invalidParameter("an API body is a JSON object or array")
        }
        return try JSONWriter.bytes(json).withRaw { (raw) throws(LiveformError) in
            try cipher.ecbTokenText(raw, using: key, threads: maxThreadsPerBody)
        }
    }

    /// Decrypts a request body, as the ARGOS side would: the plaintext JSON bytes.
    ///
    /// Accepts the bare token (what ``encryptRequestBody(_:)`` writes), the token as a JSON
    /// string, or the `{"data":"<token>"}` wrapper.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a body over the limit or of the
    ///   wrong shape; ``LiveformError/Code/decryptionFailed`` when no key yields a UTF-8 JSON
    ///   object or array.
    public func decryptRequestBody<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> [UInt8] {
        try openPlaintext(body)
    }

    // MARK: Responses (ARGOS → you)

    /// Decrypts a response body, `{"data":"<token>"}` (or the bare token, or the token as a
    /// JSON string), into the plaintext JSON bytes.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` for a body over the limit or not one
    ///   of those shapes (`{"foo":…}`, `{"data":5}`, `[]`, text that is not base64);
    ///   ``LiveformError/Code/decryptionFailed`` when no key yields a UTF-8 JSON object or
    ///   array — bad padding, a wrong key and a non-JSON plaintext are the same error.
    public func decryptResponseBody<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> [UInt8] {
        try openPlaintext(body)
    }

    /// Decrypts a response body into its JSON value (an object or an array).
    ///
    /// ```swift
    /// let submission = try codec.decryptResponseJSON(body)["data"]?["submission_id"]?.stringValue
    /// ```
    ///
    /// - Throws: as ``decryptResponseBody(_:)``.
    public func decryptResponseJSON<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> JSONValue {
        try open(body).json
    }

    /// The HTTP body of an encrypted API response, as ARGOS sends it: exactly
    /// `{"data":"<token>"}`, no spaces. For tests and simulators.
    ///
    /// - Throws: ``LiveformError/Code/invalidParameter`` when `plaintext` is not UTF-8 JSON
    ///   whose top level is an object or an array.
    public func encryptResponseBody<Plaintext: Collection<UInt8>>(_ plaintext: Plaintext) throws(LiveformError) -> String {
        try withBytes(plaintext) { (raw) throws(LiveformError) in
            // DataEnvelope.wrap's text, written in one buffer with the token.
            try cipher.ecbTokenText(raw, using: key, prefix: "{\"data\":\"", suffix: "\"}", threads: maxThreadsPerBody,
                                    check: Self.requireObjectOrArray)
        }
    }

    // MARK: Shared

    private func open<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> (plaintext: [UInt8], json: JSONValue) {
        let cipher = cipher
        let wire = try cipher.wireBytes(of: try DataEnvelope.token(of: body, maxSize: maxBodySize))
        return try cipher.open(wire, using: decryptionKeys) { plaintext in
            DataEnvelope.acceptedJSON(plaintext, objectOnly: false).map { (plaintext, $0) }
        }
    }

    /// The plaintext of a body, streamed (see `TokenCipher.openECBToken`): the only
    /// body-sized buffer is the result, and the JSON check builds no value.
    private func openPlaintext<Body: Collection<UInt8>>(_ body: Body) throws(LiveformError) -> [UInt8] {
        let size = body.count
        guard size <= maxBodySize else {
            throw .malformed("the body is \(size) bytes, over the limit of \(maxBodySize)")
        }
        let cipher = cipher
        return try withBytes(body) { (raw) throws(LiveformError) in
            try DataEnvelope.withToken(of: raw, maxSize: maxBodySize) { (token) throws(LiveformError) in
                try cipher.openECBToken(token, using: decryptionKeys) { plaintext in
                    DataEnvelope.isAcceptedJSON(plaintext, objectOnly: false)
                }
            }
        }
    }

    /// Checks without building the value; a rejected plaintext is parsed for the exact message.
    static func requireObjectOrArray(_ plaintext: UnsafeRawBufferPointer) throws(LiveformError) {
        if let scan = JSONReader.scan(plaintext), scan.topLevel == UInt8(ascii: "{") || scan.topLevel == UInt8(ascii: "[") {
            return
        }
        try parseObjectOrArray(plaintext)
    }

    private static func parseObjectOrArray(_ plaintext: UnsafeRawBufferPointer) throws(LiveformError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: plaintext)
        } catch {
            throw .invalidParameter("an API body plaintext must be UTF-8 JSON: \(error.reason)")
        }
        guard value.objectValue != nil || value.arrayValue != nil else {
            throw .invalidParameter("an API body is a JSON object or array")
        }
    }
}
