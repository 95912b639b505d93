import Liveform

/// The one error type of ``ArgosClient``.
///
/// Every failure has a ``kind`` (what a caller switches on), the HTTP ``status`` when the
/// vendor answered, and the vendor's own ``vendorCode`` and ``vendorMessage`` when its error
/// body had them. Errors compare equal by kind, so tests can write
/// `#expect(throws: ArgosError.notFound)`.
///
/// An error never carries the API key or a Secure Data Transfer token: the client's own
/// ``reason`` names only the method and path of the call, and the vendor's message has the
/// key and anything that looks like a token replaced by `[redacted]`.
///
/// ```swift
/// do {
///     let submission = try await client.submission(id: "sub-1")
/// } catch where error.kind == .notFound {
///     // no such submission
/// }
/// ```
public struct ArgosError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The category of a failure. A struct of constants rather than an enum, so kinds can be
    /// added in a later release without breaking anyone's exhaustive `switch`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, CaseIterable {
            case invalidParameter, invalidKey, ipNotAllowed, unauthorized, rejected, notFound, payloadTooLarge
            case rateLimited, serverError, transport, decryptionFailed, invalidResponse, cancelled
        }

        fileprivate let base: Base

        /// A request the client refuses to send (checked before any request is made).
        public static let invalidParameter = Kind(base: .invalidParameter)
        /// The API key is empty or padded with whitespace.
        public static let invalidKey = Kind(base: .invalidKey)
        /// HTTP 403 whose body says `explicit deny`: the caller's IP address is not on the
        /// project's allow-list.
        public static let ipNotAllowed = Kind(base: .ipNotAllowed)
        /// HTTP 401, or a 403 for any other reason: a missing or wrong API key.
        public static let unauthorized = Kind(base: .unauthorized)
        /// HTTP 400, or another 4xx without a kind of its own: the vendor refused the request.
        public static let rejected = Kind(base: .rejected)
        /// HTTP 404, or no submission with the id asked for.
        public static let notFound = Kind(base: .notFound)
        /// HTTP 413.
        public static let payloadTooLarge = Kind(base: .payloadTooLarge)
        /// HTTP 429, still after the retries.
        public static let rateLimited = Kind(base: .rateLimited)
        /// HTTP 5xx (after the retries, where the call may be retried); ``ArgosError/status`` says which.
        public static let serverError = Kind(base: .serverError)
        /// No answer: the connection failed or was refused, or the attempt timed out (after the retries).
        public static let transport = Kind(base: .transport)
        /// A Secure Data Transfer response wrapper that does not decrypt to JSON with the API
        /// key. It has the SDK's one decryption message (`LiveformError.decryptionFailedReason`).
        public static let decryptionFailed = Kind(base: .decryptionFailed)
        /// A successful answer whose body is not what the call returns (not JSON, over the
        /// size limit, the wrong JSON type).
        public static let invalidResponse = Kind(base: .invalidResponse)
        /// The task was cancelled; no further attempt was made.
        public static let cancelled = Kind(base: .cancelled)

        /// The kind's name, e.g. `rateLimited`.
        public var description: String { base.rawValue }

        /// Every kind, in the order of the list above.
        public static var allKinds: [Kind] { Base.allCases.map { Kind(base: $0) } }

        fileprivate init(base: Base) { self.base = base }
    }

    /// The category.
    public let kind: Kind
    /// The HTTP status of the vendor's answer, when there was one.
    public let status: Int?
    /// The vendor's error code (`errorCode`), when its body had one.
    public let vendorCode: String?
    /// The vendor's error message (`message`, `errorMessage` or `Message`), when its body had one.
    public let vendorMessage: String?
    /// What went wrong, from the client's side: the call (method and path) and the cause.
    public let reason: String

    /// Creates an error. `vendorMessage` is kept as given: the client redacts what it reads
    /// from the vendor before it gets here.
    public init(_ kind: Kind, _ reason: String, status: Int? = nil, vendorCode: String? = nil, vendorMessage: String? = nil) {
        self.kind = kind
        self.reason = kind == .decryptionFailed ? LiveformError.decryptionFailedReason : reason
        self.status = status
        self.vendorCode = vendorCode
        self.vendorMessage = vendorMessage
    }

    /// One line: the kind, the reason, the status and the vendor's code and message.
    public var description: String {
        var text = "\(kind): \(reason)"
        if let status { text += " (HTTP \(status))" }
        if let vendorMessage { text += "; vendor message: \(vendorMessage)" }
        if let vendorCode { text += "; vendor code: \(vendorCode)" }
        return text
    }

    /// The same as ``description``: there is nothing secret to add.
    public var debugDescription: String { "ArgosError(\(description))" }

    /// Errors are equal when their kinds are.
    public static func == (lhs: ArgosError, rhs: ArgosError) -> Bool { lhs.kind == rhs.kind }
    /// Hashes the kind.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// An error of kind ``Kind/invalidParameter``.
    public static let invalidParameter = ArgosError(.invalidParameter, "invalid parameter")
    /// An error of kind ``Kind/invalidKey``.
    public static let invalidKey = ArgosError(.invalidKey, "invalid API key")
    /// An error of kind ``Kind/ipNotAllowed``.
    public static let ipNotAllowed = ArgosError(.ipNotAllowed, "IP address not allowed")
    /// An error of kind ``Kind/unauthorized``.
    public static let unauthorized = ArgosError(.unauthorized, "unauthorized")
    /// An error of kind ``Kind/rejected``.
    public static let rejected = ArgosError(.rejected, "rejected")
    /// An error of kind ``Kind/notFound``.
    public static let notFound = ArgosError(.notFound, "not found")
    /// An error of kind ``Kind/payloadTooLarge``.
    public static let payloadTooLarge = ArgosError(.payloadTooLarge, "payload too large")
    /// An error of kind ``Kind/rateLimited``.
    public static let rateLimited = ArgosError(.rateLimited, "rate limited")
    /// An error of kind ``Kind/serverError``.
    public static let serverError = ArgosError(.serverError, "server error")
    /// An error of kind ``Kind/transport``.
    public static let transport = ArgosError(.transport, "transport failure")
    /// An error of kind ``Kind/decryptionFailed``.
    public static let decryptionFailed = ArgosError(.decryptionFailed, "")
    /// An error of kind ``Kind/invalidResponse``.
    public static let invalidResponse = ArgosError(.invalidResponse, "invalid response")
    /// An error of kind ``Kind/cancelled``.
    public static let cancelled = ArgosError(.cancelled, "cancelled")

    static func invalidParameter(_ reason: String) -> ArgosError { ArgosError(.invalidParameter, reason) }
}
