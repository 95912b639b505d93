/// The one error type of the SDK.
///
/// Every failure carries one of the stable categories of the wire-format profile (§6) in
/// ``code``, and a ``reason`` written for the developer who reads the log. Errors compare
/// equal by code, so tests and callers can write `#expect(throws: LiveformError.decryptionFailed)`.
///
/// Anything that goes wrong after a cipher ran — bad padding, a bad GCM tag, bytes that are
/// not UTF-8, JSON of the wrong shape, the wrong key — is reported as
/// ``Code/decryptionFailed`` with one fixed message, so that nobody can build a padding
/// oracle out of an endpoint that uses this SDK. No error ever contains key material.
public struct LiveformError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The category of a failure. A struct of constants rather than an enum, so categories
    /// can be added in a later release without breaking anyone's exhaustive `switch`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidKey, invalidParameter, malformedInput, decryptionFailed, backendFailure, senderNotAllowed
        }

        fileprivate let base: Base

        /// The credential is empty or padded with whitespace, or a raw key is not 32 bytes.
        public static let invalidKey = Code(base: .invalidKey)
        /// A request the SDK refuses to build (a bad, duplicate or reserved parameter, a URL too long…).
        public static let invalidParameter = Code(base: .invalidParameter)
        /// Input whose structure is wrong before any key is used: not base64, wrong length,
        /// not the expected wrapper, over a size limit.
        public static let malformedInput = Code(base: .malformedInput)
        /// The cipher ran and the result did not verify. One category, one message.
        public static let decryptionFailed = Code(base: .decryptionFailed)
        /// The crypto library itself failed (for example libgcrypt could not be initialised).
        public static let backendFailure = Code(base: .backendFailure)
        /// A webhook came from an address outside the configured sender allow-list
        /// (only when a ``WebhookSenderPolicy`` is configured).
        public static let senderNotAllowed = Code(base: .senderNotAllowed)

        /// The category's name as the vector files and the CLI spell it, e.g. `malformedInput`.
        public var description: String { base.rawValue }

        /// The category named `name` (`invalidKey`, `invalidParameter`, `malformedInput`,
        /// `decryptionFailed`, `backendFailure`), or nil.
        public init?(name: String) {
            guard let base = Base(rawValue: name) else { return nil }
            self.base = base
        }

        fileprivate init(base: Base) { self.base = base }
    }

    /// The category.
    public let code: Code
    /// What went wrong, for the developer; never contains key material or plaintext.
    public let reason: String

    /// Creates an error. The SDK's own errors use the static helpers below.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = code == .decryptionFailed ? LiveformError.decryptionFailedReason : reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: LiveformError, rhs: LiveformError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The one message every decryption failure carries.
    public static let decryptionFailedReason =
        "the data could not be decrypted and verified with the configured key(s)"

    /// An error of category ``Code/invalidKey``.
    public static let invalidKey = LiveformError(.invalidKey, "invalid key")
    /// An error of category ``Code/invalidParameter``.
    public static let invalidParameter = LiveformError(.invalidParameter, "invalid parameter")
    /// An error of category ``Code/malformedInput``.
    public static let malformedInput = LiveformError(.malformedInput, "malformed input")
    /// The decryption failure. Every one is this error, with this message.
    public static let decryptionFailed = LiveformError(.decryptionFailed, decryptionFailedReason)
    /// An error of category ``Code/backendFailure``.
    public static let backendFailure = LiveformError(.backendFailure, "crypto backend failure")
    /// An error of category ``Code/senderNotAllowed``.
    public static let senderNotAllowed = LiveformError(.senderNotAllowed, "sender not allowed")

    static func invalidKey(_ reason: String) -> LiveformError { LiveformError(.invalidKey, reason) }
    static func invalidParameter(_ reason: String) -> LiveformError { LiveformError(.invalidParameter, reason) }
    static func malformed(_ reason: String) -> LiveformError { LiveformError(.malformedInput, reason) }
    static func backend(_ reason: String) -> LiveformError { LiveformError(.backendFailure, reason) }
}
