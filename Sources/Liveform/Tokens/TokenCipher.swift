import LiveformBackends
import LiveformBytes

/// Encrypts bytes into a token and back: the cipher, its wire framing and base64 (§2, §3.1, §5).
///
/// | mode | token bytes |
/// |---|---|
/// | ``Mode/ecb`` | `AES-256-ECB(K, PKCS#7(P))` |
/// | ``Mode/cbc`` | `IV ‖ AES-256-CBC(K, IV, PKCS#7(P))`, or without IV under ``CBCFraming/fixedIV(_:)`` |
/// | ``Mode/gcm`` | `N ‖ AES-256-GCM(K, N, P) ‖ T` |
///
/// Tokens are written in standard base64 with padding and read leniently. A token cipher is
/// a small value: make one per configuration and share it freely.
///
/// ```swift
/// let cipher = TokenCipher(mode: .gcm)
/// let token = try cipher.encrypt(Array("hello".utf8), using: key)
/// let plaintext = try cipher.decrypt(token, using: key)
/// ```
public struct TokenCipher: Sendable, Hashable {
    /// The cipher and its framing.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// AES-256-ECB of the PKCS#7-padded plaintext: Liveform URLs, Return URLs, API bodies.
        case ecb
        /// AES-256-CBC, framed by ``CBCFraming``: webhooks.
        case cbc
        /// `nonce ‖ ciphertext ‖ tag`, AES-256-GCM: Liveform URLs.
        case gcm
    }

    /// How a CBC token carries its IV.
    public enum CBCFraming: Sendable, Hashable {
        /// `IV ‖ C`, a random IV per message: the default webhook framing.
        case ivPrefixed
        /// `C` only, every message under the same configured IV (the pre-2024 webhook scheme).
        case fixedIV(AES256.CBC.IV)
    }

    /// The default limit on a token's length in characters: 64 KiB (wire format §6).
    public static let defaultMaxTokenLength = 64 * 1024

    /// The cipher and its framing.
    public var mode: Mode
    /// The crypto library.
    public var backend: AES256.Backend
    /// Only used in ``Mode/cbc``.
    public var cbcFraming: CBCFraming
    /// Tokens longer than this are ``LiveformError/Code/malformedInput`` before any decryption.
    public var maxTokenLength: Int

    /// Creates a token cipher; only `mode` is usually needed.
    public init(
        mode: Mode, backend: AES256.Backend = .default, cbcFraming: CBCFraming = .ivPrefixed,
        maxTokenLength: Int = TokenCipher.defaultMaxTokenLength
    ) {
        self.mode = mode
        self.backend = backend
        self.cbcFraming = cbcFraming
        self.maxTokenLength = maxTokenLength
    }

    // MARK: Encrypting

    /// Encrypts `plaintext` into a token.
    ///
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt.
    ///   - key: the AES-256 key.
    ///   - iv: the IV (CBC, 16 bytes) or nonce (GCM, 12 bytes) to use; random when nil. Pass
    ///     one only for test vectors: reusing a GCM nonce with a key is fatal to its
    ///     security. ECB takes none.
    public func encrypt<Plaintext: Collection<UInt8>>(
        _ plaintext: Plaintext, using key: AES256.Key, iv: [UInt8]? = nil
    ) throws(LiveformError) -> String {
        let wire = try withByteSpan(plaintext) { (input) throws(LiveformError) in try seal(input, using: key, iv: iv) }
        return Base64.encode(wire.span)
    }

    /// Encrypts into the wire bytes (before base64).
    package func seal(_ input: Span<UInt8>, using key: AES256.Key, iv: [UInt8]?) throws(LiveformError) -> [UInt8] {
        switch mode {
        case .ecb, .gcm:
            guard mode == .gcm || iv == nil else { throw .invalidParameter("AES-256-ECB takes no IV") }
            let nonce = try iv.map { (bytes) throws(LiveformError) in try AES256.GCM.Nonce(bytes) }
            return try [UInt8](byteCapacity: 12 + input.count + 16) { (output) throws(LiveformError) in
                try seal(input, using: key, nonce: nonce, into: &output)
            }
        case .cbc:
            let engine = try key.engine(backend)
            let chosen: AES256.CBC.IV
            switch cbcFraming {
            case .ivPrefixed:
                chosen = try iv.map { (bytes) throws(LiveformError) in try AES256.CBC.IV(bytes) } ?? .random(backend: backend)
            case .fixedIV(let fixed):
                guard iv == nil || iv == fixed.bytes else {
                    throw .invalidParameter("this cipher uses its configured fixed IV")
                }
                chosen = fixed
            }
            let prefixed = cbcFraming == .ivPrefixed
            return try [UInt8](byteCapacity: 16 + input.count + 16) { (output) throws(LiveformError) in
                if prefixed { for byte in chosen.bytes { output.append(byte) } }
                try backendCall { () throws(CipherFailure) in
                    try engine.cbc(encrypt: true, padding: true, iv: chosen.bytes.span, input: input, output: &output)
                }
            }
        }
    }

    /// Appends the wire bytes of an ECB or GCM token of `plaintext` to `output`, which must
    /// have `plaintext.count + 16` bytes free, plus 12 for GCM. ECB:
    /// `AES-256-ECB(K, PKCS#7(P))`; GCM: `N ‖ AES-256-GCM(K, N, P) ‖ T` with a fresh nonce
    /// unless one is given (test vectors). CBC goes through ``seal(_:using:iv:)``.
    package func seal(
        _ plaintext: Span<UInt8>, using key: AES256.Key, nonce: AES256.GCM.Nonce?,
        into output: inout OutputSpan<UInt8>
    ) throws(LiveformError) {
        let engine = try key.engine(backend)
        switch mode {
        case .ecb:
            try backendCall { () throws(CipherFailure) in
                try engine.ecb(encrypt: true, padding: true, input: plaintext, output: &output)
            }
        case .gcm:
            let given = nonce?.bytes ?? []
            try backendCall { () throws(CipherFailure) in
                try engine.gcmSealToken(nonce: given.span, input: plaintext, output: &output)
            }
        case .cbc:
            preconditionFailure("CBC tokens are sealed by seal(_:using:iv:)")
        }
    }

    // MARK: Decrypting

    /// Decrypts a token with one key.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` when the token is too long, not base64
    ///   or has a length this mode cannot produce; ``LiveformError/Code/decryptionFailed``
    ///   when it does not decrypt and verify.
    public func decrypt(_ token: some StringProtocol, using key: AES256.Key) throws(LiveformError) -> [UInt8] {
        try decrypt(token, using: [key])
    }

    /// Decrypts a token with the first of `keys` that succeeds (key rotation: for example
    /// the secretKey, then the API key, then a retired key).
    ///
    /// - Important: ECB and CBC carry no integrity check: a wrong key still produces valid
    ///   padding about once in 256 tries, and with several keys that wrong key's garbage
    ///   would be returned as if it had succeeded. With ECB or CBC and more than one key,
    ///   use ``decrypt(_:using:accepting:)`` and check what the plaintext must be (the
    ///   Liveform, Return URL, body and webhook decoders all check for their JSON shape).
    public func decrypt(_ token: some StringProtocol, using keys: [AES256.Key]) throws(LiveformError) -> [UInt8] {
        try firstAccepted(try wireBytes(of: token), using: keys) { $0 }
    }

    /// Decrypts a token with the first of `keys` whose plaintext `accept` takes, and returns
    /// what `accept` made of it.
    ///
    /// A key succeeds only when the cipher verifies *and* `accept` returns a value, so a wrong
    /// key that happens to produce valid padding is passed over, not returned. Every other
    /// outcome is the one ``LiveformError/Code/decryptionFailed``.
    ///
    /// ```swift
    /// let event = try TokenCipher(mode: .cbc).decrypt(token, using: [secretKey, apiKey]) { plaintext in
    ///     (try? JSONValue(parsing: plaintext))?.objectValue
    /// }
    /// ```
    public func decrypt<T>(
        _ token: some StringProtocol, using keys: [AES256.Key],
        accepting accept: ([UInt8]) -> T?
    ) throws(LiveformError) -> T {
        try firstAccepted(try wireBytes(of: token), using: keys, accept)
    }

    /// Base64-decodes a token and checks its length, without any key.
    package func wireBytes(of token: some StringProtocol) throws(LiveformError) -> [UInt8] {
        try withByteSpan(token.utf8) { (text) throws(LiveformError) in try wireBytes(ofText: text) }
    }

    /// `wireBytes(of:)` for a token's UTF-8 text lent in place.
    package func wireBytes(ofText token: Span<UInt8>) throws(LiveformError) -> [UInt8] {
        guard token.count <= maxTokenLength else {
            throw .malformed("the token is \(token.count) characters, over the limit of \(maxTokenLength)")
        }
        let wire = try Base64.decode(token)
        try checkStructure(wire.count)
        return wire
    }

    /// Whether `count` wire bytes could be a token of this mode (§6).
    package func fitsStructure(_ count: Int) -> Bool {
        (try? checkStructure(count)) != nil
    }

    package func checkStructure(_ count: Int) throws(LiveformError) {
        switch mode {
        case .ecb:
            try Framing.checkBlocks(count, mode: "AES-256-ECB")
        case .cbc:
            if case .fixedIV = cbcFraming {
                try Framing.checkBlocks(count, mode: "AES-256-CBC")
            } else if count < 32 || count % 16 != 0 {
                throw .malformed("an AES-256-CBC token is a 16-byte IV plus a positive multiple of 16 bytes, got \(count) bytes")
            }
        case .gcm:
            guard count >= 28 else {
                throw .malformed("an AES-256-GCM token is at least 28 bytes (12-byte nonce + 16-byte tag), got \(count)")
            }
        }
    }

    /// Tries each key in order; a key succeeds when the cipher verifies (padding or tag)
    /// and `body`, lent the plaintext, returns a value. Every other outcome is the one
    /// `decryptionFailed`.
    package func open<T>(
        _ wire: [UInt8], using keys: [AES256.Key], _ body: (Span<UInt8>) throws(LiveformError) -> T?
    ) throws(LiveformError) -> T {
        try firstAccepted(wire, using: keys) { (plaintext) throws(LiveformError) in try body(plaintext.span) }
    }

    /// `open`, with the plaintext as an array.
    func firstAccepted<T>(
        _ wire: [UInt8], using keys: [AES256.Key], _ accept: ([UInt8]) throws(LiveformError) -> T?
    ) throws(LiveformError) -> T {
        guard !keys.isEmpty else { throw .invalidKey("no key was given to decrypt with") }
        try checkStructure(wire.count)
        for key in keys {
            let plaintext: [UInt8]
            do {
                plaintext = try decryptWire(wire, using: key)
            } catch  where error.code == .decryptionFailed {
                continue
            }
            if let value = try accept(plaintext) { return value }
        }
        throw .decryptionFailed
    }

    /// Decrypts structurally valid wire bytes with one key.
    package func decryptWire(_ wire: [UInt8], using key: AES256.Key) throws(LiveformError) -> [UInt8] {
        let engine = try key.engine(backend)
        let raw = wire.span
        switch mode {
        case .ecb:
            return try [UInt8](byteCapacity: raw.count) { (output) throws(LiveformError) in
                try backendCall { () throws(CipherFailure) in
                    try engine.ecb(encrypt: false, padding: true, input: raw, output: &output)
                }
            }
        case .cbc:
            if case .fixedIV(let fixed) = cbcFraming {
                return try Self.decryptCBC(raw, iv: fixed.bytes.span, engine: engine)
            }
            return try Self.decryptCBC(raw.extracting(16...), iv: raw.extracting(..<16), engine: engine)
        case .gcm:
            let body = raw.extracting(12..<(raw.count - 16))
            return try [UInt8](byteCapacity: body.count) { (output) throws(LiveformError) in
                try backendCall { () throws(CipherFailure) in
                    try engine.gcmOpen(
                        nonce: raw.extracting(..<12), aad: Span(), input: body, tag: raw.extracting((raw.count - 16)...),
                        output: &output)
                }
            }
        }
    }

    private static func decryptCBC(_ body: Span<UInt8>, iv: Span<UInt8>, engine: any CipherEngine) throws(LiveformError) -> [UInt8] {
        try [UInt8](byteCapacity: body.count) { (output) throws(LiveformError) in
            try backendCall { () throws(CipherFailure) in
                try engine.cbc(encrypt: false, padding: true, iv: iv, input: body, output: &output)
            }
        }
    }
}
