/// How a project is configured in the ARGOS dashboard, as a value.
///
/// ```swift
/// let settings = try LiveformSettings(
///     projectId: "my-project-id",
///     encryption: .gcm,
///     credential: .secretKey(liveformSecretKey))
/// ```
public struct LiveformSettings: Sendable {
    /// Which cipher protects the `encrypted` parameter (the dashboard's "Encryption
    /// Algorithm Selection"), or none.
    public enum Encryption: String, Sendable, Hashable, CaseIterable {
        /// No `encrypted` parameter: every parameter is plain.
        case off = "none"
        /// AES-256-ECB: deterministic, unauthenticated.
        case ecb
        /// AES-256-GCM with a random nonce: authenticated. Prefer it.
        case gcm
    }

    /// The key the project encrypts with: its API key or a dedicated Liveform secretKey.
    public struct Credential: Sendable {
        /// Which credential it is (for the reader of the configuration; the cipher is the same).
        public enum Kind: String, Sendable, Hashable {
            /// The project's API key, which also protects API bodies and webhooks.
            case apiKey
            /// A secretKey issued for Liveform URLs only.
            case secretKey
        }

        /// Which credential the key was derived from.
        public let kind: Kind
        /// The AES-256 key: the SHA-256 of the credential.
        public let key: AES256.Key

        /// The project's API key.
        public static func apiKey(_ credential: String) throws(LiveformError) -> Credential {
            Credential(kind: .apiKey, key: try AES256.Key(credential: credential))
        }

        /// A dedicated Liveform secretKey.
        public static func secretKey(_ credential: String) throws(LiveformError) -> Credential {
            Credential(kind: .secretKey, key: try AES256.Key(credential: credential))
        }

        /// An already derived key.
        public init(kind: Kind, key: AES256.Key) {
            self.kind = kind
            self.key = key
        }
    }

    /// The default form address.
    public static let defaultBaseURL = "https://form.argosidentity.com/"
    /// The default limit on a built URL: 8,192 bytes, a common limit of proxies and CDNs.
    public static let defaultMaxURLLength = 8192

    /// The project id (`pid`).
    public var projectId: String
    /// How the project encrypts Liveform parameters (its dashboard setting): off, ECB or GCM.
    public var encryption: Encryption
    /// Encryption-only mode: only `pid`, `encrypted` and `lang` stay plain; the form ignores
    /// every other plain parameter.
    public var encryptionOnly: Bool
    /// Needed unless ``encryption`` is ``Encryption/off``.
    public var credential: Credential?
    /// Where the form lives; kept exactly as given.
    public var baseURL: String
    /// Longer URLs are refused with ``LiveformError/Code/invalidParameter``.
    public var maxURLLength: Int
    /// The crypto library that encrypts (OpenSSL by default); both give the same bytes.
    public var backend: AES256.Backend

    /// Creates settings and checks they are coherent.
    ///
    /// - Throws: ``LiveformError/Code/invalidParameter`` for an empty project id, an
    ///   encrypted mode without a credential, encryption-only mode without encryption, or a
    ///   base URL that is not `http(s)://…` or carries a fragment.
    public init(
        projectId: String, encryption: Encryption, encryptionOnly: Bool = false,
        credential: Credential? = nil, baseURL: String = LiveformSettings.defaultBaseURL,
        maxURLLength: Int = LiveformSettings.defaultMaxURLLength,
        backend: AES256.Backend = .default
    ) throws(LiveformError) {
        self.projectId = projectId
        self.encryption = encryption
        self.encryptionOnly = encryptionOnly
        self.credential = credential
        self.baseURL = baseURL
        self.maxURLLength = maxURLLength
        self.backend = backend
        try validate()
    }

    /// Checks the settings (the builder calls this too, since fields are mutable).
    public func validate() throws(LiveformError) {
        guard !projectId.isEmpty else { throw .invalidParameter("'pid' (the project id) is required") }
        if encryption != .off && credential == nil {
            throw .invalidParameter("\(encryption.rawValue.uppercased()) encryption needs the project's API key or secretKey")
        }
        if encryptionOnly && encryption == .off {
            throw .invalidParameter("encryption-only mode needs ECB or GCM encryption")
        }
        let lower = baseURL.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            throw .invalidParameter("the base URL must start with https:// (or http://), got '\(baseURL)'")
        }
        guard !baseURL.contains("#"), !baseURL.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalidParameter("the base URL must not contain a fragment, spaces or control characters")
        }
        guard maxURLLength > 0 else { throw .invalidParameter("the maximum URL length must be positive") }
    }
}
