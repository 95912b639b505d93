import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Liveform
import LiveformHummingbird
import Logging
import NIOCore
import Synchronization
import Testing

@testable import LiveformCLI

/// Keeps every log record's text: level, message and metadata.
final class CapturedLogs: Sendable {
    private let records = Mutex<[String]>([])
    var all: [String] { records.withLock { $0 } }
    func append(_ record: String) { records.withLock { $0.append(record) } }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            logs.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
        }
    }
}

@Suite("LiveformHummingbird: logs through the request's logger, never keys or plaintext")
struct WebhookLoggingTests {
    @Test("accepted, rejected and failed requests log no plaintext, body or key")
    func noSecretsInLogs() async throws {
        let logs = CapturedLogs()
        let logger = Logger(label: "test") { _ in CapturedLogs.Handler(logs: logs) }
        let router = Router(context: PeerContext.self)
        router.add(middleware: PeerFromTestHeader())
        let fail = Mutex(false)
        router.webhook("/webhook", decoder: WebhookDecoder(keys: [Fixture.key])) { _, _ in
            if fail.withLock({ $0 }) { throw HandlerFailed() }
        }
        let app = Application(router: router, logger: logger)
        let body = try Fixture.body(.approved)
        let wrongKeyBody = try Fixture.body(.rejected, key: Fixture.otherKey)
        try await app.test(.router) { client in
            let accepted = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: body)
            #expect(accepted.status == .ok)
            let refused = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: wrongKeyBody)
            #expect(refused.status == .forbidden)
            fail.withLock { $0 = true }
            let failed = try await client.execute(uri: "/webhook", method: .post, headers: Fixture.headers(), body: body)
            #expect(failed.status == .internalServerError)
        }
        let text = logs.all.joined(separator: "\n")
        #expect(text.contains("webhook rejected") && text.contains("decryptionFailed"))
        #expect(text.contains("webhook handler threw") && text.contains("HandlerFailed"))
        let secrets = [
            "sub-DEMO-0001", "jane.sample@example.com", "user-DEMO-1001", "ID_EXPIRED", "DEMO-ONLY-hummingbird-key",
            "DEMO-ONLY-another-key", String(String(buffer: body).dropFirst(9).prefix(24)),
            String(String(buffer: wrongKeyBody).dropFirst(9).prefix(24)),
        ]
        for secret in secrets { #expect(!text.contains(secret), "the logs contain \(secret)") }
    }
}

@Suite("liveform's server log handler: StreamLogHandler's layout, formatted only when a message is logged")
struct StandardErrorLogHandlerTests {
    @Test("a logged message carries the handler's and the message's metadata, sorted; below the level nothing is written")
    func layout() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "liveform.test") { label in
            StandardErrorLogHandler(label: label, level: .info) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "hb.request.id"] = "r-1"
        logger.debug("not written")
        logger.info("webhook rejected", metadata: ["http.response.status_code": "400"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = written.first ?? ""
        #expect(
            line.hasSuffix(" info liveform.test: hb.request.id=r-1 http.response.status_code=400 [LiveformHummingbirdTests] webhook rejected\n"),
            "\(line)")
        #expect(line.split(separator: " ").first.map { $0.hasPrefix("20") && $0.hasSuffix("Z") } == true)
    }
}
