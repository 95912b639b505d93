import AsyncHTTPClient
import Foundation
import Hummingbird
import Liveform
import LiveformAPI
import LiveformHummingbird
import LiveformSandbox
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

extension Demo {
    /// How many times step 5 looks for the webhooks, 20 ms apart (30 s in all): a count of
    /// looks, so a busy machine makes it slower, not wrong.
    static let webhookPolls = 1_500

    /// The whole loop on the embedded sandbox: the sandbox and "your backend" (a webhook
    /// receiver and a Return URL page) on loopback ports in this process, then each step as
    /// it happens. Everything is stopped before it returns or throws.
    ///
    /// - Parameters:
    ///   - webhookPolls: how many times step 5 looks for the webhooks, 20 ms apart.
    ///   - adjust: changes the sandbox's project after the demo set it up (tests break a step with it).
    func demoSandboxLoop(
        key: AES256.Key, section: (String) -> Void, line: (String, String) -> Void,
        webhookPolls: Int = Demo.webhookPolls, adjust: (inout SandboxProject) -> Void = { _ in }
    ) async throws {
        section("6. The whole loop on the embedded sandbox (headless, in this process, on loopback)")
        let backend: DemoBackend
        do {
            backend = try await DemoBackend.start(key: key, cryptoBackend: common.backend)
        } catch {
            throw CLIFailure(status: CLI.Status.failed, message: "liveform demo: the webhook receiver did not start: \(error)")
        }
        let sandbox: DemoServer
        do {
            var configuration = try SandboxConfiguration.demo(apiKey: Self.demoCredential)
            configuration.projects[0].webhookURL = backend.base + "/webhooks/argos"
            configuration.projects[0].returnURL = backend.base + "/kyc/done"
            configuration.projects[0].skipResultPage = true
            configuration.projects[0].webhookRetry = .init(attempts: 6, initialDelay: 0.2, factor: 2)
            adjust(&configuration.projects[0])
            let embedded = try Sandbox(configuration: configuration, statePath: nil, logger: DemoServer.quiet)
            sandbox = try await DemoServer.start { onReady in
                try await embedded.run(host: "127.0.0.1", port: 0, handleSignals: false, onReady: onReady)
            }
        } catch {
            await backend.server.stop()
            throw CLIFailure(status: CLI.Status.failed, message: "liveform demo: the embedded sandbox did not start: \(error)")
        }
        line("sandbox", "\(sandbox.base)   (pid \(SandboxConfiguration.demoProjectId), Liveform ECB, Secure Data Transfer on, the demo key)")
        line("your backend", "\(backend.base)   (webhooks: POST /webhooks/argos with LiveformHummingbird; Return URL: /kyc/done)")

        // No redirect following: the demo shows each 302 and where it points.
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        let outcome: Result<Void, any Error>
        do {
            try await walkLoop(key: key, sandbox: sandbox.base, backend: backend, http: http, webhookPolls: webhookPolls, line: line)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        await sandbox.stop()
        await backend.server.stop()
        try outcome.get()
    }

    private func walkLoop(
        key: AES256.Key, sandbox: String, backend: DemoBackend, http: HTTPClient, webhookPolls: Int,
        line: (String, String) -> Void
    ) async throws {
        let out = CLIContext.current
        func step(_ number: Int, _ title: String) { out.write("   -- step \(number)/6: \(title)\n") }

        step(1, "sign a Liveform URL with the SDK (ECB, the demo key)")
        let url = try DemoStep.attempt("1") {
            let settings = try LiveformSettings(
                projectId: SandboxConfiguration.demoProjectId, encryption: .ecb,
                credential: .init(kind: .apiKey, key: key), baseURL: sandbox + "/",
                backend: common.backend)
            var parameters = LiveformParameters()
            parameters.email = "kim.minji@example.com"
            parameters.userid = "user-42"
            parameters.cf1 = "order #1001 & more"
            return try LiveformURLBuilder(settings: settings).url(for: parameters, lang: "ko")
        }
        line("URL", url)

        step(2, "the form reads it (GET the URL)")
        let page = try await DemoStep.attemptAsync("2") { try await Self.fetch(http, url) }
        try DemoStep.expect(
            page.status == 200 && page.body.contains("SANDBOX — not ARGOS"), step: "2",
            "the Liveform page answered \(page.status)")
        line("GET", "\(page.status), the sandbox's Liveform page")
        let rows = Self.parameterRows(page.body)
        for row in rows { line(row.name, "\(row.value)   (\(row.origin))") }
        try DemoStep.expect(
            rows.contains { $0.name == "email" && $0.value == "kim.minji@example.com" && $0.origin == "encrypted" },
            step: "2", "the page does not show the decrypted email")
        guard let session = Self.hiddenValue("session", in: page.body) else {
            throw DemoStep.failure("2", "the page has no completion form")
        }

        step(3, "complete it: the applicant is approved (POST the form)")
        let form = "session=\(Self.formEncode(session))&fullName=Kim+Minji&nationality=KOR&decision=approved"
        let completed = try await DemoStep.attemptAsync("3") {
            try await Self.fetch(
                http, sandbox + "/_sandbox/complete", method: .POST, body: form,
                contentType: "application/x-www-form-urlencoded")
        }
        guard completed.status == 302, let location = completed.headers.first(name: "location") else {
            throw DemoStep.failure("3", "the completion answered \(completed.status), not a redirect")
        }
        line("POST", "/_sandbox/complete -> 302")

        step(4, "the redirect to the Return URL, decoded with the SDK")
        line("Location", location)
        let returned = try DemoStep.attempt("4") { try ReturnURLDecoder(keys: [key], backend: common.backend).decode(location) }
        line("kycStatus", returned.kycStatus?.rawValue ?? "-")
        line("submissionId", returned.submissionId ?? "-")
        line("userid", returned.userid ?? "-")
        try DemoStep.expect(returned.kycStatus == .approved, step: "4", "the Return URL says \(returned.kycStatus?.rawValue ?? "nothing")")
        guard let submissionId = returned.submissionId else { throw DemoStep.failure("4", "the Return URL has no submissionId") }
        let landing = try await DemoStep.attemptAsync("4") { try await Self.fetch(http, location) }
        try DemoStep.expect(landing.status == 200, step: "4", "your backend's Return URL page answered \(landing.status)")
        line("your page", "\(landing.status): \(landing.body)")

        step(5, "the webhooks, received and decrypted by your backend (waiting at most 30 s)")
        var shown = 0
        var complete = false
        for _ in 0..<webhookPolls {
            let events = backend.inbox.events
            for event in events.dropFirst(shown) {
                let result = event.kycResult?.status.map { ", KYC result \($0)" } ?? ""
                line(event.trigger.rawValue, "submission \(event.submissionId ?? "-"), userid \(event.userid ?? "-")\(result)")
            }
            shown = events.count
            let triggers = events.filter { $0.submissionId == submissionId }.map(\.trigger)
            if triggers.contains(.created), triggers.contains(.approved) {
                complete = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try DemoStep.expect(
            complete, step: "5",
            """
            the webhooks created and approved did not both arrive within \(String(format: "%g", Double(webhookPolls) * 0.02)) s \
            (received: \(backend.inbox.events.map(\.trigger.rawValue).joined(separator: ", ")))
            """)

        step(6, "the REST API: ArgosClient reads the submission, with Secure Data Transfer")
        let submission = try await DemoStep.attemptAsync("6") {
            let client = try ArgosClient(
                apiKey: Self.demoCredential,
                configuration: ArgosClient.Configuration(baseURL: sandbox + "/v3"))
            return try await client.submission(id: submissionId)
        }
        line("GET", "/v3/submission?submission_id=\(submissionId) -> 200, {\"data\":…} decrypted")
        line("kycStatus", submission.kycStatus ?? "-")
        line("email", submission.email ?? "-")
        line("created_at", submission.createdAt ?? "-")
        try DemoStep.expect(submission.kycStatus == "approved", step: "6", "the API says \(submission.kycStatus ?? "nothing")")
        line("loop", "ok: URL, form, Return URL, webhooks and API agree")
    }

    // MARK: HTTP

    static func fetch(
        _ http: HTTPClient, _ url: String, method: HTTPMethod = .GET, body: String? = nil,
        contentType: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    // MARK: Reading the sandbox's page (its markup is ours: one row per parameter)

    static func parameterRows(_ page: String) -> [(name: String, value: String, origin: String)] {
        page.components(separatedBy: "<tr><td>").dropFirst().compactMap { chunk in
            guard let end = chunk.range(of: "</td></tr>") else { return nil }
            let cells = chunk[..<end.lowerBound].components(separatedBy: "</td><td>")
            guard cells.count == 3 else { return nil }
            return (unescape(cells[0]), unescape(cells[1]), unescape(cells[2]))
        }
    }

    static func hiddenValue(_ name: String, in page: String) -> String? {
        guard let start = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = page[start.upperBound...]
        return rest.firstIndex(of: "\"").map { unescape(String(rest[..<$0])) }
    }

    static func unescape(_ html: String) -> String {
        html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// A failed step of the demo's loop: `liveform demo: step N: what went wrong`, exit status 1.
enum DemoStep {
    static func failure(_ step: String, _ message: String) -> CLIFailure {
        CLIFailure(status: CLI.Status.failed, message: "liveform demo: step \(step): \(message)")
    }

    static func expect(_ condition: Bool, step: String, _ message: @autoclosure () -> String) throws(CLIFailure) {
        if !condition { throw failure(step, message()) }
    }

    /// Runs `work`, naming `step` in any error it throws.
    static func attempt<T>(_ step: String, _ work: () throws -> T) throws(CLIFailure) -> T {
        do { return try work() } catch { throw failure(step, "\(error)") }
    }

    /// Runs `work`, naming `step` in any error it throws.
    static func attemptAsync<T>(_ step: String, _ work: () async throws -> T) async throws(CLIFailure) -> T {
        do { return try await work() } catch { throw failure(step, "\(error)") }
    }
}

/// A server of the demo, running in a task on a loopback port until stopped.
struct DemoServer {
    let port: Int
    let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    /// The servers log nothing: the demo's lines are its output.
    static let quiet = Logger(label: "liveform.demo") { _ in SwiftLogNoOpLogHandler() }

    /// Starts `run` (which calls its argument with the port once listening) and returns once
    /// it listens; throws if it stops first.
    static func start(
        _ run: @escaping @Sendable (_ onReady: @escaping @Sendable (Int) async -> Void) async throws -> Void
    )
        async throws -> DemoServer
    {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            defer { continuation.finish() }
            try await run { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw LiveformError(.malformedInput, "the server stopped before it listened")
        }
        return DemoServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// "Your backend" in the demo: a LiveformHummingbird webhook route that keeps each event,
/// and the Return URL page, which reads the Return URL with the SDK.
struct DemoBackend {
    let server: DemoServer
    let inbox: Inbox

    var base: String { server.base }

    /// The events received, in order.
    final class Inbox: Sendable {
        private let storage = Mutex<[WebhookEvent]>([])
        var events: [WebhookEvent] { storage.withLock { $0 } }
        func append(_ event: WebhookEvent) { storage.withLock { $0.append(event) } }
    }

    static func start(key: AES256.Key, cryptoBackend: AES256.Backend) async throws -> DemoBackend {
        let inbox = Inbox()
        let router = Router(context: WebhookRequestContext.self)
        // The sandbox delivers from loopback; ARGOS would from its published address (.argos).
        let decoder = WebhookDecoder(
            keys: [key], backend: cryptoBackend,
            senderPolicy: try WebhookSenderPolicy(allowing: ["127.0.0.0/8", "::1"]))
        router.webhook("/webhooks/argos", decoder: decoder) { event, _ in inbox.append(event) }
        router.get("/kyc/done") { request, _ -> String in
            let result = try? ReturnURLDecoder(keys: [key], backend: cryptoBackend).decode(request.uri.description)
            guard let result else { throw HTTPError(.badRequest, message: "the Return URL cannot be read") }
            return "your backend's page: verification \(result.kycStatus?.rawValue ?? "unknown") (submission \(result.submissionId ?? "-"))"
        }
        let responder = router.buildResponder()
        let server = try await DemoServer.start { onReady in
            let app = Application(
                responder: responder,
                configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
                logger: DemoServer.quiet)
            try await app.runService(gracefulShutdownSignals: [])
        }
        return DemoBackend(server: server, inbox: inbox)
    }
}
