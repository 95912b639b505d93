/// Turns a webhook request into an HTTP answer, for any server framework.
///
/// The rejection bodies are short fixed texts: an attacker probing the endpoint learns the
/// status and nothing else. The ``LiveformError`` behind a rejection is handed to you
/// separately, for your own logs.
///
/// | failure | status | body |
/// |---|---|---|
/// | ``LiveformError/Code/senderNotAllowed`` | 403 | `forbidden` |
/// | ``LiveformError/Code/decryptionFailed``, ``LiveformError/Code/invalidKey`` | 403 | `forbidden` |
/// | body over ``WebhookDecoder/maxBodySize`` | 413 | `payload too large` |
/// | any other ``LiveformError/Code/malformedInput``, ``LiveformError/Code/invalidParameter`` | 400 | `bad request` |
/// | ``LiveformError/Code/backendFailure`` | 500 | `internal error` |
///
/// A failed decryption is 403 rather than 400 because it means "not signed by a key we
/// trust", and because it must look the same whatever went wrong inside the cipher.
///
/// ```swift
/// // Vapor
/// app.post("webhooks", "argos") { request async -> Response in
///     let body = request.body.data.map { Array($0.readableBytesView) } ?? []
///     switch handler.handle(body: body, headers: Array(request.headers),
///                           remoteAddress: request.remoteAddress?.ipAddress) {
///     case .accepted(let event):
///         await events.process(event)
///         return Response(status: .ok)
///     case .rejected(let status, let text, let error):
///         request.logger.warning("webhook rejected: \(error)")
///         return Response(status: .init(statusCode: status), body: .init(string: text))
///     }
/// }
/// ```
public struct WebhookHTTPHandler: Sendable {
    /// The decoder that does the work.
    public var decoder: WebhookDecoder

    /// A handler around `decoder`.
    public init(decoder: WebhookDecoder) {
        self.decoder = decoder
    }

    /// Decodes the request and chooses the answer. Never throws: every failure is a
    /// ``WebhookHTTPOutcome/rejected(status:body:error:)``.
    ///
    /// Parameters as in ``WebhookDecoder/decode(body:headers:remoteAddress:)``.
    public func handle<Body: Collection<UInt8>>(
        body: Body, headers: [(name: String, value: String)] = [],
        remoteAddress: String? = nil
    ) -> WebhookHTTPOutcome {
        do {
            return .accepted(try decoder.decode(body: body, headers: headers, remoteAddress: remoteAddress))
        } catch {
            let (status, text) = Self.answer(for: error, overLimit: body.count > decoder.maxBodySize)
            return .rejected(status: status, body: text, error: error)
        }
    }

    private static func answer(for error: LiveformError, overLimit: Bool) -> (Int, String) {
        switch error.code {
        case .senderNotAllowed, .decryptionFailed, .invalidKey: (403, "forbidden")
        case .malformedInput where overLimit: (413, "payload too large")
        case .malformedInput, .invalidParameter: (400, "bad request")
        default: (500, "internal error")
        }
    }
}

/// What to answer a webhook request with.
public enum WebhookHTTPOutcome: Sendable, Hashable {
    /// The webhook decoded: process the event, then answer 200.
    case accepted(WebhookEvent)
    /// The webhook was refused: answer `status` with `body` (a fixed short text, safe to
    /// send), and log `error`, which is never sent.
    case rejected(status: Int, body: String, error: LiveformError)

    /// The HTTP status to answer: 200 when accepted.
    public var status: Int {
        switch self {
        case .accepted: 200
        case .rejected(let status, _, _): status
        }
    }

    /// The event, when accepted.
    public var event: WebhookEvent? {
        if case .accepted(let event) = self { event } else { nil }
    }

    /// The error behind a rejection, for the server's own logs.
    public var error: LiveformError? {
        if case .rejected(_, _, let error) = self { error } else { nil }
    }
}
