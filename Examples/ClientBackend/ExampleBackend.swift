// A small client backend of ARGOS Identity, built on the Liveform SDK and Hummingbird 2.
//
// It does the four things every integration needs:
//   GET  /signup?email=…&userid=…   sends the user to the Liveform (a signed URL, 302)
//   GET  /kyc/return?…               the page the form sends the user back to (the Return URL)
//   POST /webhooks/argos             receives ARGOS's webhooks, decrypted and typed
//   GET  /status/{submissionId}      asks the REST API for a submission's status
// and, for a look at what arrived, GET /events.
//
// Copy what you need: everything here uses the SDK's public API only. Run it against
// `liveform sandbox` to try it without an ARGOS account (see README.md next to this file).
import ArgumentParser
import Foundation
import Hummingbird
import Liveform
import LiveformAPI
import LiveformHummingbird
import Logging
import NIOCore

@main
struct ExampleBackend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liveform-example-backend",
        abstract: "An example client backend of ARGOS Identity, on the Liveform SDK.",
        discussion: """
            The project's API key is read from the LIVEFORM_KEY environment variable, never from the \
            command line (it would end up in shell history and the process list). Prints \
            "example backend ready at http://HOST:PORT" on standard output when listening; logs go to \
            standard error.
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (the ready line tells which).")
    var port = 8080

    @Option(help: "The project id (pid) in the ARGOS dashboard.")
    var pid: String

    @Option(
        name: .customLong("form-url"),
        help: ArgumentHelp(
            "Where the Liveform lives, e.g. http://127.0.0.1:8787/ for `liveform sandbox`.", valueName: "url"))
    var formURL = LiveformSettings.defaultBaseURL

    @Option(
        name: .customLong("api-base-url"),
        help: ArgumentHelp(
            "The REST API, e.g. http://127.0.0.1:8787/v3 for `liveform sandbox`.", valueName: "url"))
    var apiBaseURL = ArgosClient.Configuration.defaultBaseURL

    @Option(
        help: ArgumentHelp(
            "How the project encrypts Liveform parameters: none, ecb or gcm (its dashboard setting).",
            valueName: "mode"))
    var encryption = "ecb"

    @Option(
        name: .customLong("allow-sender"),
        help: ArgumentHelp(
            "Also accept webhooks from this address or CIDR range (repeatable), e.g. 127.0.0.1 for a local sandbox.",
            valueName: "cidr"))
    var allowSender: [String] = []

    @Option(
        name: .customLong("events-file"),
        help: ArgumentHelp(
            "Also append every webhook event to this file, one JSON line each.", valueName: "file"))
    var eventsFile: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard LiveformSettings.Encryption(rawValue: encryption) != nil else {
            throw ValidationError("--encryption must be none, ecb or gcm")
        }
    }

    func run() async throws {
        // 1. The key, from the environment. One API key serves every part: Liveform URLs (unless
        //    the project has a separate secretKey), the Return URL, webhooks and the REST API.
        guard let apiKey = ProcessInfo.processInfo.environment["LIVEFORM_KEY"], !apiKey.isEmpty else {
            throw ValidationError("set LIVEFORM_KEY to the project's API key")
        }
        let key = try AES256.Key(credential: apiKey)

        // 2. The SDK's objects: made once at start, shared by every request.
        let settings = try LiveformSettings(
            projectId: pid,
            encryption: LiveformSettings.Encryption(rawValue: encryption) ?? .ecb,
            credential: .init(kind: .apiKey, key: key),
            baseURL: formURL)
        let backend = Backend(
            urlBuilder: try LiveformURLBuilder(settings: settings),
            returnURLDecoder: ReturnURLDecoder(keys: [key]),
            api: try ArgosClient(apiKey: apiKey, configuration: ArgosClient.Configuration(baseURL: apiBaseURL)),
            events: try EventStore(appendingTo: eventsFile))

        // Webhooks are accepted from ARGOS's published sender address, plus what --allow-sender
        // adds (loopback, for a sandbox on this machine).
        let webhookDecoder = WebhookDecoder(
            keys: [key],
            senderPolicy: try WebhookSenderPolicy(allowing: WebhookSenderPolicy.argosPublishedSenders + allowSender))

        // 3. The routes. `WebhookRequestContext` knows the peer's address, which the webhook
        //    route checks; use your own context instead if it conforms to RemoteAddressRequestContext.
        let router = Router(context: WebhookRequestContext.self)
        backend.addRoutes(to: router, webhookDecoder: webhookDecoder)

        // No request-logging middleware: its lines would carry the query, where the encrypted
        // Return URL and the user's identifiers are.
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                // Written at once (print would be buffered when stdout is a pipe).
                FileHandle.standardOutput.write(Data("example backend ready at http://\(urlHost):\(port)\n".utf8))
            },
            logger: Logger(label: "example-backend"))
        try await app.runService()  // until SIGINT or SIGTERM
    }
}
