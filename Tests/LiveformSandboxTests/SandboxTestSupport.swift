import AsyncHTTPClient
import Foundation
import Hummingbird
import Liveform
import LiveformSandbox
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Testing

/// A client that does not follow redirects, so a test sees the 302 itself. Shared by every
/// test and never shut down: it lives as long as the test process.
let client = HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
    configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

let quiet = Logger(label: "sandbox-tests") { _ in SwiftLogNoOpLogHandler() }

/// Polls `condition` up to `polls` times, 20 ms apart: a count of looks, not a wall-clock
/// deadline, so a machine busy with other suites only makes it slower.
func eventually(polls: Int = 1_500, _ condition: () async throws -> Bool) async throws -> Bool {
    for _ in 0..<polls {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return false
}

/// A sandbox serving on a free loopback port, in this process.
struct RunningSandbox {
    let sandbox: Sandbox
    let port: Int
    let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    static func start(
        _ configuration: SandboxConfiguration, state: String? = nil,
        tokenLifetime: TimeInterval = 180
    ) async throws -> RunningSandbox {
        let sandbox = try Sandbox(configuration: configuration, statePath: state, logger: quiet, tokenLifetime: tokenLifetime)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { continuation.finish() }
            try await sandbox.run(host: "127.0.0.1", port: 0, handleSignals: false) { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw LiveformError(.malformedInput, "the sandbox stopped before it was ready")
        }
        return RunningSandbox(sandbox: sandbox, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    func get(_ path: String) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await send(HTTPClientRequest(url: base + path))
    }

    func post(
        _ path: String, body: String, contentType: String = "application/json"
    ) async throws
        -> (status: Int, headers: HTTPHeaders, body: String)
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    func send(_ request: HTTPClientRequest) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return (Int(response.status.code), response.headers, String(buffer: body))
    }

    /// `GET /_sandbox/deliveries`, parsed.
    func deliveries() async throws -> [JSONValue] {
        try JSONValue(parsing: try await get("/_sandbox/deliveries").body).arrayValue ?? []
    }
}

/// A webhook receiver on a free loopback port: records every body, and answers 500 to the
/// first `failFirst` requests, then 200.
final class Receiver: Sendable {
    let state: ReceiverState
    let task: Task<Void, any Error>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [String] { state.bodies }

    private init(state: ReceiverState, task: Task<Void, any Error>, port: Int) {
        self.state = state
        self.task = task
        self.port = port
    }

    static func start(failFirst: Int = 0) async throws -> Receiver {
        let state = ReceiverState(failFirst: failFirst)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return Response(status: state.record(String(buffer: body)) ? .ok : .internalServerError)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw LiveformError(.malformedInput, "the receiver did not start") }
        return Receiver(state: state, task: task, port: port)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// What a receiver has seen; a class so the route closure and the test share it.
final class ReceiverState: Sendable {
    private let storage: NIOLockedValueBox<(bodies: [String], failuresLeft: Int)>

    init(failFirst: Int) { storage = NIOLockedValueBox(([], failFirst)) }

    var bodies: [String] { storage.withLockedValue { $0.bodies } }

    func setFailures(_ count: Int) { storage.withLockedValue { $0.failuresLeft = count } }

    /// Records a body; whether to answer 200.
    func record(_ body: String) -> Bool {
        storage.withLockedValue { state in
            state.bodies.append(body)
            guard state.failuresLeft > 0 else { return true }
            state.failuresLeft -= 1
            return false
        }
    }
}

/// A project on a fixed test key.
func project(
    _ pid: String = "p1", key: String = "sandbox-test-api-key", configure: (inout SandboxProject) -> Void = { _ in }
)
    throws -> SandboxProject
{
    var project = try SandboxProject(pid: pid, apiKey: key)
    configure(&project)
    return project
}

/// The value of `name="…" value="…"` in an HTML page.
func hiddenValue(_ name: String, in page: String) -> String? {
    guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
    let rest = page[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}
