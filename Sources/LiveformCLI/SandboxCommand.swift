import ArgumentParser
import Foundation
import Liveform
import LiveformSandbox
import Logging
import Synchronization

/// `liveform sandbox`: a local stand-in for ARGOS (see LiveformSandbox).
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local stand-in for ARGOS: the Liveform page, Return URL, webhooks and REST API.",
        discussion: """
            Prints "sandbox ready at http://HOST:PORT" on standard output when listening, then one log \
            line per request and webhook attempt on standard error. Without --config it serves one demo \
            project, pid demo-project, on the fake key of `liveform demo` (printed on standard error). \
            --config FILE is JSON {"projects":[{"pid":…,"apiKey":…, …}]}; an invalid file is a usage \
            error (exit 64) naming the member, and unknown members are refused. State (submissions, \
            token pool, sessions, webhook queue) is in memory, or in the SQLite file --state, where a \
            restart finds it again. The REST API is under /v3 (--base-url http://HOST:PORT/v3), the \
            project chosen by its x-api-key. Stops on SIGINT or SIGTERM. Exit status 1 when it cannot listen.
            """)

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one (the ready line tells which).") var port = 8787
    @Option(help: ArgumentHelp("The projects, as JSON (see the discussion).", valueName: "file")) var config: String?
    @Option(help: ArgumentHelp("Keep the state in this SQLite file (created if missing).", valueName: "file")) var state: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    func run() throws {
        let context = CLIContext.current
        let configuration: SandboxConfiguration
        if let config {
            let bytes = try context.readBytes(config)
            do {
                configuration = try SandboxConfiguration(json: bytes)
            } catch {
                throw CLIFailure.usage("\(config): \(error)")
            }
        } else {
            configuration = try SandboxConfiguration.demo(apiKey: Demo.demoCredential)
            context.writeError(
                """
                demo project: pid \(SandboxConfiguration.demoProjectId), apiKey "\(Demo.demoCredential)" \
                (fake and public, as in `liveform demo`); Liveform encryption ecb, Secure Data Transfer on
                """)
        }
        var logger = Logger(label: "liveform.sandbox") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = context.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox(configuration: configuration, statePath: state, logger: logger)
        } catch {
            throw CLIFailure(
                status: CLI.Status.cannotOpenInput,
                message: "liveform: cannot open the state file '\(state ?? ":memory:")': \(error)")
        }
        let (host, port) = (host, port)
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let ready = Mutex(false)
        do {
            try runToCompletion {
                try await sandbox.run(host: host, port: port, handleSignals: true) { port in
                    ready.withLock { $0 = true }
                    context.write("sandbox ready at http://\(urlHost):\(port)\n")
                }
            }
        } catch  where !ready.withLock({ $0 }) {
            throw CLIFailure(status: CLI.Status.failed, message: "liveform: the sandbox cannot listen on \(urlHost):\(port): \(error)")
        }
    }
}
