import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Liveform
import LiveformHummingbird
import NIOCore
import Synchronization
import Testing

/// A context whose remote address a test sets through `X-Test-Peer` (the in-process router
/// test has no socket). The live tests use ``WebhookRequestContext`` and a real socket.
struct PeerContext: RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    var remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

struct PeerFromTestHeader: RouterMiddleware {
    typealias Context = PeerContext
    static let header = HTTPField.Name("X-Test-Peer")!

    func handle(_ request: Request, context: PeerContext, next: (Request, PeerContext) async throws -> Response) async throws -> Response {
        var context = context
        if let peer = request.headers[Self.header] { context.remoteAddress = try SocketAddress(ipAddress: peer, port: 40_000) }
        return try await next(request, context)
    }
}

/// What the closure and the rejection hook saw.
final class Recorder: Sendable {
    private let state = Mutex<(events: [WebhookEvent], rejections: [(Int, LiveformError)])>(([], []))
    func record(_ event: WebhookEvent) { state.withLock { $0.events.append(event) } }
    func reject(_ status: Int, _ error: LiveformError) { state.withLock { $0.rejections.append((status, error)) } }
    var events: [WebhookEvent] { state.withLock { $0.events } }
    var rejections: [(Int, LiveformError)] { state.withLock { $0.rejections } }
}

enum Fixture {
    static let key = try! AES256.Key(credential: "DEMO-ONLY-hummingbird-key")
    static let otherKey = try! AES256.Key(credential: "DEMO-ONLY-another-key")

    static func body(_ trigger: WebhookTrigger = .approved, key: AES256.Key = key) throws -> ByteBuffer {
        let plaintext = try #require(WebhookSamples.plaintext(for: trigger))
        return ByteBuffer(string: try WebhookEncoder(key: key).encode(Array(plaintext.utf8)))
    }

    /// A router-tested app: POST /webhook through a ``WebhookResponder``.
    static func app(
        decoder: WebhookDecoder, recorder: Recorder,
        onEvent: @escaping @Sendable (WebhookEvent) async throws -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: PeerContext.self)
        router.add(middleware: PeerFromTestHeader())
        router.webhook(
            "/webhook", decoder: decoder,
            onRejection: { status, error, _ in recorder.reject(status, error) },
            onEvent: { event, _ in
                try await onEvent(event)
                recorder.record(event)
            })
        return Application(router: router)
    }

    static func headers(peer: String? = nil, forwardedFor: String? = nil) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let peer { headers[PeerFromTestHeader.header] = peer }
        if let forwardedFor { headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor }
        return headers
    }
}

struct HandlerFailed: Error {}

@Suite("LiveformHummingbird: WebhookResponder answers every case")
struct WebhookResponderTests {
    @Test("200: the event reaches the closure, typed, with the context")
    func accepted() async throws {
        let recorder = Recorder()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.otherKey, Fixture.key]), recorder: recorder)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: try Fixture.body())
            #expect(response.status == .ok && response.body.readableBytes == 0)
        }
        #expect(recorder.events.map(\.trigger) == [.approved])
        #expect(recorder.events.first?.submissionId == "sub-DEMO-0001" && recorder.rejections.isEmpty)
    }

    @Test(
        "400: a body that is not a webhook, and the closure is not called",
        arguments: ["not json", #"{"data":"***"}"#, #"{"data":"AAAA"}"#, ""])
    func badRequest(body: String) async throws {
        let recorder = Recorder()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key]), recorder: recorder)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: ByteBuffer(string: body))
            #expect(response.status == .badRequest && String(buffer: response.body) == "bad request")
        }
        #expect(recorder.events.isEmpty && recorder.rejections.map(\.0) == [400])
        #expect(recorder.rejections.first?.1.code == .malformedInput)
    }

    @Test("403: a body under another key, with the same body as any other forbidden answer")
    func wrongKey() async throws {
        let recorder = Recorder()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key]), recorder: recorder)
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/webhook", method: .post, headers: Fixture.headers(),
                body: try Fixture.body(key: Fixture.otherKey))
            #expect(response.status == .forbidden && String(buffer: response.body) == "forbidden")
        }
        #expect(recorder.events.isEmpty && recorder.rejections.map(\.1.code) == [.decryptionFailed])
    }

    @Test("413: a body over the decoder's limit is not read past it; at the limit it is decoded")
    func tooLarge() async throws {
        let recorder = Recorder()
        let body = try Fixture.body()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key], maxBodySize: body.readableBytes - 1), recorder: recorder)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: body)
            #expect(response.status == .contentTooLarge && String(buffer: response.body) == "payload too large")
        }
        #expect(recorder.events.isEmpty && recorder.rejections.map(\.0) == [413])
        let exact = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key], maxBodySize: body.readableBytes), recorder: recorder)
        try await exact.test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: body)
            #expect(response.status == .ok)
        }
    }

    @Test("500: the closure threw, so the sender retries")
    func closureThrows() async throws {
        let recorder = Recorder()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key]), recorder: recorder) { _ in throw HandlerFailed() }
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: try Fixture.body())
            #expect(response.status == .internalServerError && String(buffer: response.body) == "internal error")
        }
        #expect(recorder.events.isEmpty && recorder.rejections.isEmpty)
    }

    @Test("200 is sent only after the closure returned")
    func answersAfterTheClosure() async throws {
        let finished = Mutex(false)
        let recorder = Recorder()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key]), recorder: recorder) { _ in
            try await Task.sleep(for: .milliseconds(200))
            finished.withLock { $0 = true }
        }
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: try Fixture.body())
            #expect(response.status == .ok)
            #expect(finished.withLock { $0 }, "the answer came before the closure had returned")
        }
    }

    @Test("sender policy without a trusted proxy: the connection's address decides, X-Forwarded-For is ignored")
    func untrustedProxy() async throws {
        let recorder = Recorder()
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key], senderPolicy: .argos), recorder: recorder)
        try await app.test(.router) { client in
            let cases: [(peer: String?, forwardedFor: String?, status: HTTPResponse.Status)] = [
                ("52.78.194.237", nil, .ok),
                ("::ffff:52.78.194.237", nil, .ok),
                ("203.0.113.9", nil, .forbidden),
                ("203.0.113.9", "52.78.194.237", .forbidden),  // anyone can write the header
                ("52.78.194.237", "203.0.113.9", .ok),  // and it does not count against either
                (nil, nil, .forbidden),  // unknown address
            ]
            for item in cases {
                let response = try await client.execute(
                    uri: "/webhook", method: .post,
                    headers: Fixture.headers(peer: item.peer, forwardedFor: item.forwardedFor),
                    body: try Fixture.body())
                #expect(response.status == item.status, "\(item)")
                if response.status == .forbidden { #expect(String(buffer: response.body) == "forbidden") }
            }
        }
        #expect(recorder.events.count == 3)
        #expect(recorder.rejections.map(\.1.code) == [.senderNotAllowed, .senderNotAllowed, .senderNotAllowed])
    }

    @Test("sender policy with a trusted proxy: the chosen X-Forwarded-For entry decides; without the header, the connection")
    func trustedProxy() async throws {
        let recorder = Recorder()
        let policy = try WebhookSenderPolicy(allowing: ["52.78.194.237"], forwardedFor: .lastEntry)
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key], senderPolicy: policy), recorder: recorder)
        try await app.test(.router) { client in
            let cases: [(peer: String?, forwardedFor: String?, status: HTTPResponse.Status)] = [
                ("10.0.0.2", "52.78.194.237", .ok),
                ("10.0.0.2", "198.51.100.1, 52.78.194.237", .ok),
                ("10.0.0.2", "52.78.194.237, 198.51.100.1", .forbidden),
                ("52.78.194.237", "203.0.113.9", .forbidden),
                ("52.78.194.237", nil, .ok),
                ("10.0.0.2", nil, .forbidden),
            ]
            for item in cases {
                let response = try await client.execute(
                    uri: "/webhook", method: .post,
                    headers: Fixture.headers(peer: item.peer, forwardedFor: item.forwardedFor),
                    body: try Fixture.body())
                #expect(response.status == item.status, "\(item)")
            }
        }
        #expect(recorder.events.count == 3 && recorder.rejections.count == 3)
    }

    @Test("over a real socket, WebhookRequestContext gives the connection's loopback address to the policy")
    func liveRemoteAddress() async throws {
        for (allow, status) in [(["127.0.0.0/8", "::1"], HTTPResponse.Status.ok), (["52.78.194.237"], .forbidden)] {
            let router = Router(context: WebhookRequestContext.self)
            let decoder = WebhookDecoder(keys: [Fixture.key], senderPolicy: try WebhookSenderPolicy(allowing: allow))
            router.webhook("/hook", decoder: decoder) { _, _ in }
            try await Application(router: router).test(.live) { client in
                let response = try await client.execute(uri: "/hook", method: .post, headers: Fixture.headers(), body: try Fixture.body())
                #expect(response.status == status, "\(allow)")
            }
        }
    }

    @Test("only POST is routed")
    func onlyPost() async throws {
        let app = Fixture.app(decoder: WebhookDecoder(keys: [Fixture.key]), recorder: Recorder())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: .get)
            #expect(response.status != .ok)
        }
    }
}
