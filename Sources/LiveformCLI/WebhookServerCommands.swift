import ArgumentParser
import AsyncHTTPClient
import Dispatch
import Foundation
import Hummingbird
import Liveform
import LiveformHummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// `liveform webhook listen`: a local receiver built on LiveformHummingbird.
struct ListenWebhook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Receive webhooks locally and print one JSON line per request.",
        discussion: """
            Prints "listening on http://HOST:PORT/PATH" when ready, then for each request one compact \
            JSON line: {"status":200,"trigger":…,"submissionId":…,"event":{…}} for an accepted event, \
            {"status":400|403|413,"error":"<category>"} for a rejected one. Answers as the SDK's \
            webhook handler does. Accepts loopback and the vendor's sender address; --allow adds others. \
            Stops on SIGINT or SIGTERM.
            """)

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one (the ready line tells which).") var port = 8788
    @Option(help: "The path webhooks are POSTed to.") var path = "/"
    @Option(name: .customLong("allow"), help: ArgumentHelp("Also accept senders in this address or CIDR range (repeatable).", valueName: "cidr"))
    var allow: [String] = []
    @Option(name: .customLong("backend"), help: "The crypto library: openssl (default) or gcrypt.")
    var backendName: BackendName = .openssl
    @OptionGroup var framing: FramingOptions
    @OptionGroup var keys: KeyOptions

    /// Loopback, where the developer's own tools send from, and the vendor's senders.
    static let defaultSenders = ["127.0.0.0/8", "::1"] + WebhookSenderPolicy.argosPublishedSenders

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with /") }
    }

    func run() throws {
        let policy = try WebhookSenderPolicy(allowing: Self.defaultSenders + allow)
        let decoder = WebhookDecoder(
            keys: try keys.keys(), framing: try framing.framing(), backend: backendName.backend,
            senderPolicy: policy)
        let output = LineOutput(CLIContext.current)
        let (host, port, path) = (host, port, path)
        try runToCompletion {
            try await WebhookListener.run(host: host, port: port, path: path, decoder: decoder, output: output)
        }
    }
}

/// The server behind `webhook listen`.
enum WebhookListener {
    static func run(host: String, port: Int, path: String, decoder: WebhookDecoder, output: LineOutput) async throws {
        let router = Router(context: WebhookRequestContext.self)
        router.webhook(
            RouterPath(path), decoder: decoder,
            onRejection: { status, error, _ in
                output.line(.object(["status": .number(Double(status)), "error": .string(error.code.description)]))
            }, onEvent: { event, _ in output.bytes(acceptedLine(event)) })
        // Quiet by default: the JSON lines on stdout are the output. LOG_LEVEL=info shows rejections.
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let logger = Logger(label: "liveform.webhook.listen") { StandardErrorLogHandler(label: $0, level: level) }
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                output.text("listening on http://\(urlHost):\(channel.localAddress?.port ?? port)\(path)\n")
            },
            logger: logger)
        defer { output.flush() }
        try await app.runService()
    }
}

/// `{"status":200,"trigger":…,"submissionId":…,"event":{…}}` and a newline. The event is the
/// plaintext as sent when that is already compact JSON (as ARGOS sends it), else the parsed
/// payload written compactly: one line either way.
func acceptedLine(_ event: WebhookEvent) -> [UInt8] {
    var line = Array(#"{"status":200,"trigger":"#.utf8)
    line += JSONValue.string(event.trigger.rawValue).jsonText.utf8
    line += #","submissionId":"#.utf8
    line += (event.submissionId.map(JSONValue.string) ?? .null).jsonText.utf8
    line += #","event":"#.utf8
    if let plaintext = event.compactPlaintext {
        line += plaintext
    } else {
        line += JSONValue.object(event.json).jsonText.utf8
    }
    line += "}\n".utf8
    return line
}

/// Writes whole lines to the command's standard output, in order, without interleaving the
/// lines of concurrent requests, and off the concurrency pool: a write that blocks (a pipe
/// whose reader lags) holds a Dispatch thread, not one of the pool's few threads, so requests
/// keep being answered. A line waits at most `coalescing` for the lines after it, so that
/// under load one write (and one wake-up of the writer thread) carries many lines. Past
/// 8 MiB waiting, a caller waits for the writer (back-pressure).
final class LineOutput: Sendable {
    private let context: CLIContext
    private let pending = Mutex<(bytes: [UInt8], scheduled: Bool)>(([], false))
    private let writer = DispatchQueue(label: "liveform.webhook.listen.output")
    private static let maxPending = 8 << 20
    /// Short enough to be invisible to a person or a test reading the output.
    private static let coalescing = DispatchTimeInterval.milliseconds(2)

    init(_ context: CLIContext) { self.context = context }

    func line(_ value: JSONValue) { text(value.jsonText + "\n") }

    func text(_ text: String) { bytes(Array(text.utf8)) }

    func bytes(_ bytes: [UInt8]) {
        let (schedule, overLimit) = pending.withLock { state -> (Bool, Bool) in
            state.bytes += bytes
            let schedule = !state.scheduled
            state.scheduled = true
            return (schedule, state.bytes.count > Self.maxPending)
        }
        if schedule { writer.asyncAfter(deadline: .now() + Self.coalescing) { self.writePending() } }
        if overLimit { flush() }
    }

    /// Returns once everything given so far is written.
    func flush() { writer.sync { writePending() } }

    private func writePending() {
        let bytes = pending.withLock { state -> [UInt8] in
            state.scheduled = false
            return state.bytes.isEmpty
                ? []
                : {
                    defer { state.bytes = [] }
                    return state.bytes
                }()
        }
        if !bytes.isEmpty { context.writeBytes(bytes) }
    }
}

/// `liveform webhook send`: POSTs one encrypted event.
struct SendWebhook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "POST one realistic webhook of a trigger, encrypted as ARGOS sends it.",
        discussion: """
            The event is the SDK's sample of --trigger (the documented fields), or the JSON object of \
            --event-json. Prints "<-- [STATUS] POST URL". Exit status: 0 on a 2xx answer, 1 on another \
            status, 69 when nothing answers.
            """)

    @Option(help: ArgumentHelp("The receiver's URL (http or https).", valueName: "url")) var to: String
    @Option(
        help: ArgumentHelp(
            "The trigger: created, retry, submit, approved, rejected, updated, delete, token_expired, injection, aml, aml_monitor.",
            valueName: "trigger"))
    var trigger: String?
    @Option(
        name: .customLong("event-json"),
        help: ArgumentHelp("Send this file's JSON object instead of the sample (- reads standard input).", valueName: "file"))
    var eventJson: String?
    @Option(name: .customLong("submission-id"), help: ArgumentHelp("Set the event's submission_id.", valueName: "id"))
    var submissionId: String?
    @Flag(name: .customLong("no-secure-data-transfer"), help: "Send the plain JSON event, as a project with Secure Data Transfer off does.")
    var noSecureDataTransfer = false
    @Option(name: .customLong("backend"), help: "The crypto library: openssl (default) or gcrypt.")
    var backendName: BackendName = .openssl
    @OptionGroup var framing: FramingOptions
    @OptionGroup var keys: KeyOptions

    func validate() throws {
        guard trigger != nil || eventJson != nil else { throw ValidationError("give --trigger, --event-json, or both") }
        guard let url = URL(string: to), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw ValidationError("--to must be an http:// or https:// URL")
        }
    }

    func run() throws {
        var event: JSONObject
        if let eventJson {
            guard let object = try JSONValue(parsing: Array(readInput(eventJson))).objectValue else {
                throw LiveformError(.malformedInput, "\(eventJson) does not hold a JSON object")
            }
            event = object
        } else {
            let trigger = WebhookTrigger(rawValue: trigger ?? "")
            guard let sample = WebhookSamples.event(for: trigger) else {
                throw CLIFailure.usage("unknown trigger '\(trigger)'; one of \(WebhookTrigger.documented.map(\.rawValue).joined(separator: ", "))")
            }
            event = sample
        }
        if let trigger { event["webhook_trigger"] = .string(trigger) }
        if let submissionId { event["submission_id"] = .string(submissionId) }
        let body: String
        if noSecureDataTransfer {
            body = JSONValue.object(event).jsonText
        } else {
            body = try WebhookEncoder(key: try keys.key(), framing: try framing.framing(), backend: backendName.backend)
                .encode(event: event)
        }
        let output = LineOutput(CLIContext.current)
        defer { output.flush() }
        let url = to
        guard let parsed = URL(string: url), let host = parsed.host else { throw CLIFailure.usage("--to must be a URL") }
        let port = parsed.port ?? (parsed.scheme?.lowercased() == "https" ? 443 : 80)
        let status = Mutex<Int?>(nil)
        try runToCompletion {
            // AsyncHTTPClient retries a refused connection until the request's deadline; a
            // developer wants "nothing answers" at once, so connect once first.
            do {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.seconds(5)).connect(host: host, port: port).get()
                try? await channel.close()
            } catch {
                throw CLIFailure(status: CLI.Status.unavailable, message: "liveform: nothing answers at \(url): \(error)")
            }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            let response: HTTPClientResponse
            do {
                // ARGOS counts a webhook as delivered when a 2xx comes within 10 s (sandbox §4).
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            } catch {
                throw CLIFailure(status: CLI.Status.unavailable, message: "liveform: nothing answers at \(url): \(error)")
            }
            _ = try? await response.body.collect(upTo: 1 << 20)
            output.text("<-- [\(response.status.code)] POST \(url)\n")
            status.withLock { $0 = Int(response.status.code) }
        }
        let code = status.withLock { $0 } ?? 0
        guard (200..<300).contains(code) else {
            throw CLIFailure(status: CLI.Status.failed, message: "liveform: the receiver answered \(code)")
        }
    }
}
