import HTTPTypes
public import Hummingbird
import HummingbirdCore
public import Liveform
import Logging
import NIOCore

/// A Hummingbird route that receives ARGOS webhooks: it checks the sender, reads the body up
/// to the decoder's limit, decrypts and types the event, hands it to your closure, and
/// answers 200 only once the closure has returned.
///
/// | outcome | status | body |
/// |---|---|---|
/// | the closure returned | 200 | empty |
/// | the closure threw | 500 | `internal error` (the sender retries, nothing is lost) |
/// | sender not on the policy, wrong key | 403 | `forbidden` |
/// | body over `WebhookDecoder.maxBodySize` | 413 | `payload too large` |
/// | anything else malformed | 400 | `bad request` |
///
/// The statuses and bodies of a rejection are those of `WebhookHTTPHandler`, which
/// this type uses; the sender rules are those of `WebhookSenderPolicy`, applied to
/// the connection's address (`RemoteAddressRequestContext.remoteAddress`), and to
/// `X-Forwarded-For` only when the policy trusts it. The sender is checked before the body
/// is read, so a stranger's body is never collected.
///
/// Logs go to `context.logger`: rejections at `info` with the error's category and reason,
/// a throwing closure at `error` with the error's type. Neither keys nor plaintext are logged.
///
/// ```swift
/// let decoder = WebhookDecoder(keys: [try AES256.Key(credential: secretKey)], senderPolicy: .argos)
/// let router = Router(context: WebhookRequestContext.self)
/// router.post("/webhooks/argos", responder: WebhookResponder(decoder: decoder) { event, context in
///     try await store.save(event)   // throws → 500, ARGOS retries
/// })
/// ```
public struct WebhookResponder<Context: RemoteAddressRequestContext>: HTTPResponder {
    /// Receives an accepted event and the request's context. Return once the event is safe
    /// (stored or queued): the answer is sent only then. Throw to answer 500.
    public typealias EventHandler = @Sendable (WebhookEvent, Context) async throws -> Void

    /// Observes a rejected request: the status answered and the error behind it (never sent).
    public typealias RejectionHandler = @Sendable (_ status: Int, _ error: LiveformError, Context) async -> Void

    /// The framework-neutral handler that decodes and chooses the rejection answers.
    public let handler: WebhookHTTPHandler
    /// `handler` without the sender policy: `respond` checks the sender itself before reading
    /// the body, and the address is not parsed a second time.
    private let bodyHandler: WebhookHTTPHandler
    private let onEvent: EventHandler
    private let onRejection: RejectionHandler?

    /// A responder for the webhooks `decoder` accepts.
    ///
    /// - Parameters:
    ///   - decoder: the keys, framing, body limit and sender policy.
    ///   - onRejection: called for every rejected request (after it is logged), e.g. for
    ///     metrics; nil for none.
    ///   - onEvent: called with each accepted event; see ``EventHandler``.
    public init(decoder: WebhookDecoder, onRejection: RejectionHandler? = nil, onEvent: @escaping EventHandler) {
        self.init(handler: WebhookHTTPHandler(decoder: decoder), onRejection: onRejection, onEvent: onEvent)
    }

    /// A responder around an existing `WebhookHTTPHandler`.
    public init(handler: WebhookHTTPHandler, onRejection: RejectionHandler? = nil, onEvent: @escaping EventHandler) {
        self.handler = handler
        var decoder = handler.decoder
        decoder.senderPolicy = nil
        bodyHandler = WebhookHTTPHandler(decoder: decoder)
        self.onRejection = onRejection
        self.onEvent = onEvent
    }

    /// Answers one webhook request (see the type's documentation for the statuses).
    public func respond(to request: Request, context: Context) async throws -> Response {
        let decoder = handler.decoder
        let remoteAddress = context.remoteAddress?.ipAddress
        let headers = Self.forwardedFor(request, policy: decoder.senderPolicy)
        // The sender first, as the decoder orders it: a stranger's body is never read.
        if let policy = decoder.senderPolicy {
            do {
                try policy.check(remoteAddress: remoteAddress, headers: headers)
            } catch {
                return await reject(status: 403, body: "forbidden", error: error, context: context)
            }
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: decoder.maxBodySize)
        } catch is NIOTooManyBytesError {
            return await reject(
                status: 413, body: "payload too large",
                error: LiveformError(.malformedInput, "the webhook body is over \(decoder.maxBodySize) bytes"),
                context: context)
        }
        let outcome =
            body.readableBytesView.withContiguousStorageIfAvailable { bytes in
                bodyHandler.handle(body: bytes, headers: headers, remoteAddress: remoteAddress)
            } ?? bodyHandler.handle(body: body.readableBytesView, headers: headers, remoteAddress: remoteAddress)
        switch outcome {
        case .accepted(let event):
            do {
                try await onEvent(event, context)
            } catch {
                context.logger.error(
                    "webhook handler threw; answering 500 so that the sender retries",
                    metadata: [
                        "liveform.webhook.trigger": "\(event.trigger)",
                        "liveform.error.type": "\(String(reflecting: type(of: error)))",
                    ])
                return Self.response(500, "internal error")
            }
            return Response(status: .ok)
        case .rejected(let status, let text, let error):
            return await reject(status: status, body: text, error: error, context: context)
        }
    }

    private func reject(status: Int, body: String, error: LiveformError, context: Context) async -> Response {
        context.logger.info(
            "webhook rejected",
            metadata: [
                "http.response.status_code": "\(status)", "liveform.error": "\(error.code)", "liveform.error.reason": "\(error.reason)",
            ])
        await onRejection?(status, error, context)
        return Self.response(status, body)
    }

    private static func response(_ status: Int, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The `X-Forwarded-For` values, only when the policy reads them (the policy ignores
    /// every other header).
    private static func forwardedFor(_ request: Request, policy: WebhookSenderPolicy?) -> [(name: String, value: String)] {
        guard let policy, policy.forwardedFor != .ignored else { return [] }
        return request.headers[values: xForwardedForName].map { (name: "X-Forwarded-For", value: $0) }
    }
}

extension RouterMethods where Context: RemoteAddressRequestContext {
    /// Receives ARGOS webhooks with POST at `path`, through a ``WebhookResponder``.
    ///
    /// ```swift
    /// router.webhook("/webhooks/argos", decoder: decoder) { event, context in
    ///     try await store.save(event)
    /// }
    /// ```
    ///
    /// - Parameters: as in ``WebhookResponder/init(decoder:onRejection:onEvent:)``.
    @discardableResult
    public func webhook(
        _ path: RouterPath = "", decoder: WebhookDecoder,
        onRejection: WebhookResponder<Context>.RejectionHandler? = nil,
        onEvent: @escaping WebhookResponder<Context>.EventHandler
    ) -> Self {
        on(path, method: .post, responder: WebhookResponder(decoder: decoder, onRejection: onRejection, onEvent: onEvent))
    }
}

/// A request context that knows the connection's remote address: the least a
/// ``WebhookResponder`` needs. Use your own context instead when you have one; it only has to
/// conform to `RemoteAddressRequestContext`.
///
/// ```swift
/// let router = Router(context: WebhookRequestContext.self)
/// ```
public struct WebhookRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection, as the socket reports it.
    public let remoteAddress: SocketAddress?

    /// The context of a request on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

private let xForwardedForName = HTTPField.Name("X-Forwarded-For")!
