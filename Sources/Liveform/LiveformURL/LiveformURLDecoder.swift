import LiveformBytes

/// Reads Liveform URLs back (wire format §3.4): yours, for support and debugging, or ones
/// a partner built, to check what a customer will see.
///
/// ```swift
/// let decoder = LiveformURLDecoder(keys: [secretKey, apiKey])   // tried in order
/// let decoded = try decoder.decode(url)
/// decoded.parameters.email       // typed
/// decoded.warnings               // e.g. plain parameters the form will ignore
/// ```
public struct LiveformURLDecoder: Sendable {
    /// Which cipher to expect in `encrypted`.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// AES-256-ECB only.
        case ecb
        /// AES-256-GCM only (nonce, ciphertext, tag).
        case gcm
        /// GCM first (it authenticates), then ECB.
        case auto
    }

    /// Keys to try, in order (rotation: current secretKey, API key, a retired key…).
    public var keys: [AES256.Key]
    /// The cipher to expect; ``Mode/auto`` by default.
    public var mode: Mode
    /// Whether the project runs in encryption-only mode: then plain parameters other than
    /// `pid` and `lang` are reported as ignored by the form.
    public var encryptionOnly: Bool
    /// The crypto library that decrypts; both give the same results and errors.
    public var backend: AES256.Backend
    /// Longer `encrypted` tokens are ``LiveformError/Code/malformedInput`` (default 64 KiB).
    public var maxTokenLength: Int
    /// Longer URLs are ``LiveformError/Code/malformedInput`` before anything else is done.
    public var maxURLLength: Int

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - keys: the keys to try, in order; the first that decrypts wins. With none, plain
    ///     URLs still decode, and an `encrypted` one is ``LiveformError/Code/invalidKey``.
    ///   - mode: the cipher to expect in `encrypted`.
    ///   - encryptionOnly: whether the project runs in encryption-only mode.
    ///   - backend: the crypto library.
    ///   - maxTokenLength: the longest `encrypted` token accepted, in characters.
    ///   - maxURLLength: the longest URL accepted, in bytes.
    public init(
        keys: [AES256.Key] = [], mode: Mode = .auto, encryptionOnly: Bool = false,
        backend: AES256.Backend = .default, maxTokenLength: Int = TokenCipher.defaultMaxTokenLength,
        maxURLLength: Int = 2 * TokenCipher.defaultMaxTokenLength
    ) {
        self.keys = keys
        self.mode = mode
        self.encryptionOnly = encryptionOnly
        self.backend = backend
        self.maxTokenLength = maxTokenLength
        self.maxURLLength = maxURLLength
    }

    /// Decodes a URL.
    ///
    /// - Throws: ``LiveformError/Code/malformedInput`` (not a URL, bad escapes, no or
    ///   repeated `pid`, repeated `encrypted`, a token that is not base64 or has an
    ///   impossible length); ``LiveformError/Code/decryptionFailed`` when no key decrypts
    ///   `encrypted` into a JSON object; ``LiveformError/Code/invalidKey`` when the URL is
    ///   encrypted and no key was given.
    public func decode(_ url: String) throws(LiveformError) -> DecodedLiveformURL {
        let split = try QueryString.split(url, maxLength: maxURLLength)
        var pid: String?
        var lang: String?
        var encryptedValue: Substring.UTF8View?
        var plain: [(String, String)] = []
        for item in split.items {
            let name = try QueryString.decode(item.name, plusIsSpace: false, what: "a parameter name")
            switch name {
            case "encrypted":
                guard encryptedValue == nil else { throw .malformed("the URL has more than one 'encrypted' parameter") }
                encryptedValue = item.value
            case "pid":
                guard pid == nil else { throw .malformed("the URL has more than one 'pid'") }
                pid = try QueryString.decode(item.value, plusIsSpace: true, what: "'pid'")
            case "lang":
                guard lang == nil else { throw .malformed("the URL has more than one 'lang'") }
                lang = try QueryString.decode(item.value, plusIsSpace: true, what: "'lang'")
            default:
                plain.append((name, try QueryString.decode(item.value, plusIsSpace: true, what: "parameter '\(name)'")))
            }
        }
        guard let pid, !pid.isEmpty else { throw .malformed("not a Liveform URL: no 'pid' parameter") }

        var parameters = LiveformParameters()
        var encryptedNames: [String] = []
        var cipherUsed = LiveformSettings.Encryption.off
        var keyIndex: Int?
        var warnings: [DecodedLiveformURL.Warning] = []
        if let encryptedValue {
            // §2: the token is read leniently; '+' stays '+', a space (from a form decoder) reads as '+'.
            let (object, cipher, index) = try QueryString.withDecoded(
                encryptedValue, plusIsSpace: false,
                what: "'encrypted'"
            ) { (token) throws(LiveformError) in
                try decrypt(token)
            }
            cipherUsed = cipher
            keyIndex = index
            parameters.reserveCapacity(object.count + plain.count)
            encryptedNames.reserveCapacity(object.count)
            // A JSON object's keys are distinct (the parser keeps the last of a repeated key).
            for (name, value) in object {
                parameters.append(name, value, distinct: true)
                encryptedNames.append(name)
            }
        }
        var seenPlain = Set<ExactText>()
        for (name, value) in plain {
            guard seenPlain.insert(ExactText(name)).inserted else {
                warnings.append(.init(kind: .repeatedPlainParameter, parameter: name))
                continue
            }
            if encryptedNames.contains(where: { sameText($0, name) }) {
                warnings.append(.init(kind: .encryptedOverridesPlain, parameter: name))
                continue
            }
            // Distinct: repeats and encrypted names were passed over above.
            parameters.append(name, .string(value), distinct: true)
            if encryptionOnly { warnings.append(.init(kind: .ignoredInEncryptionOnlyMode, parameter: name)) }
        }
        return DecodedLiveformURL(
            pid: pid, lang: lang, parameters: parameters, encryptedNames: encryptedNames,
            cipher: cipherUsed, keyIndex: keyIndex, warnings: warnings)
    }

    /// `token`: the UTF-8 text of `encrypted`, percent-decoded.
    private func decrypt(_ token: Span<UInt8>) throws(LiveformError) -> (JSONObject, LiveformSettings.Encryption, Int) {
        let candidates =
            switch mode {
            case .ecb: Self.ecbOnly
            case .gcm: Self.gcmOnly
            case .auto: Self.gcmThenECB
            }
        func makeCipher(_ mode: TokenCipher.Mode) -> TokenCipher {
            TokenCipher(mode: mode, backend: backend, maxTokenLength: maxTokenLength)
        }
        guard token.count <= maxTokenLength else {
            throw .malformed("'encrypted' is \(token.count) characters, over the limit of \(maxTokenLength)")
        }
        let wire: [UInt8]
        do { wire = try LiveformBytes.Base64.decode(token) } catch { throw .malformed(error.message) }
        guard candidates.contains(where: { makeCipher($0).fitsStructure(wire.count) }) else {
            if candidates.count == 1 { try makeCipher(candidates[0]).checkStructure(wire.count) }
            throw .malformed("'encrypted' is \(wire.count) bytes, which fits neither GCM (at least 28) nor ECB (a positive multiple of 16)")
        }
        guard !keys.isEmpty else { throw .invalidKey("the URL is encrypted but no key was given to decrypt it") }
        for mode in candidates {
            let cipher = makeCipher(mode)
            guard cipher.fitsStructure(wire.count) else { continue }
            for (index, key) in keys.enumerated() {
                let plaintext: [UInt8]
                do {
                    plaintext = try cipher.decryptWire(wire, using: key)
                } catch  where error.code == .decryptionFailed {
                    continue
                }
                guard case .object(let object)? = try? JSONValue(parsing: plaintext) else { continue }
                return (object, cipher.mode == .gcm ? .gcm : .ecb, index)
            }
        }
        throw .decryptionFailed
    }
}

extension LiveformURLDecoder {
    // The modes to try, made once rather than per URL.
    private static let ecbOnly: [TokenCipher.Mode] = [.ecb]
    private static let gcmOnly: [TokenCipher.Mode] = [.gcm]
    private static let gcmThenECB: [TokenCipher.Mode] = [.gcm, .ecb]
}

/// What a Liveform URL carries.
public struct DecodedLiveformURL: Sendable, Hashable {
    /// Something the form will do differently from what the URL seems to say.
    public struct Warning: Sendable, Hashable, CustomStringConvertible {
        /// What the warning is about.
        public enum Kind: String, Sendable, Hashable {
            /// Encryption-only mode: the form ignores this plain parameter.
            case ignoredInEncryptionOnlyMode
            /// The name is both plain and inside `encrypted`; the encrypted value wins.
            case encryptedOverridesPlain
            /// The plain parameter appears more than once; the first value was kept.
            case repeatedPlainParameter
        }

        /// What the warning is about.
        public let kind: Kind
        /// The parameter it concerns.
        public let parameter: String

        /// One sentence naming the parameter and what the form does with it.
        public var description: String {
            switch kind {
            case .ignoredInEncryptionOnlyMode: "'\(parameter)' is plain; in encryption-only mode the form ignores it"
            case .encryptedOverridesPlain: "'\(parameter)' is both plain and encrypted; the encrypted value wins"
            case .repeatedPlainParameter: "'\(parameter)' appears more than once; the first value was kept"
            }
        }
    }

    /// The project id.
    public let pid: String
    /// The form language, if given.
    public let lang: String?
    /// Every parameter: the decrypted ones (with their JSON types) in their JSON order,
    /// then the plain ones (as strings) in query order, including any query items the
    /// base URL itself carried.
    public let parameters: LiveformParameters
    /// The names that came from inside `encrypted`.
    public let encryptedNames: [String]
    /// The cipher that decrypted `encrypted` (``LiveformSettings/Encryption/off`` for a plain URL).
    public let cipher: LiveformSettings.Encryption
    /// Which of the decoder's keys decrypted it.
    public let keyIndex: Int?
    /// What the form will do differently from what the URL seems to say, in query order.
    public let warnings: [Warning]

    /// The result as JSON: `{"pid": …, "lang": …, "params": {…}, "warnings": […]}` (the CLI's output).
    public var json: JSONValue {
        var object = JSONObject()
        object["pid"] = .string(pid)
        if let lang { object["lang"] = .string(lang) }
        var params = JSONObject()
        for (name, value) in parameters { params[name] = value }
        object["params"] = .object(params)
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0.description) }) }
        return .object(object)
    }
}
