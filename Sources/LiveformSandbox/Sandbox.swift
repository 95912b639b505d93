import AsyncHTTPClient
package import Foundation
package import Hummingbird
import HummingbirdCore
package import Liveform
package import Logging
import NIOConcurrencyHelpers
package import NIOCore

/// `liveform sandbox`: a local server that plays ARGOS for the configured projects — the
/// Liveform page, the completion and its Return URL, webhook delivery with retries, and a
/// control API for scripts — with the same encryption as production, done by the SDK.
///
/// ```swift
/// let sandbox = try Sandbox(configuration: .demo(apiKey: key), statePath: nil, logger: logger)
/// try await sandbox.run(host: "127.0.0.1", port: 0, handleSignals: false) { port in print(port) }
/// ```
package final class Sandbox: Sendable {
    /// The projects.
    package let configuration: SandboxConfiguration
    /// Submissions, tokens, sessions and deliveries.
    package let store: SandboxStore
    let logger: Logger
    /// How long after its first page load a Private Mode token expires.
    let tokenLifetime: TimeInterval
    let clock: @Sendable () -> Date
    /// The delivery worker looks at the queue when this is set or when the earliest retry
    /// falls due, so an idle sandbox does not query its database.
    let deliveryWake = NIOLockedValueBox<(dirty: Bool, nextDue: Date?)>((true, nil))

    /// The largest body a request may carry (413 beyond it).
    package static let maxBodySize = 1 << 20

    /// Opens the state (`statePath`, or memory) for `configuration`.
    ///
    /// - Parameters:
    ///   - tokenLifetime: seconds after its first page load at which a Private Mode token expires.
    ///   - clock: the time, for tests that move it.
    package init(
        configuration: SandboxConfiguration, statePath: String?, logger: Logger,
        tokenLifetime: TimeInterval = 180, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.configuration = configuration
        store = try SandboxStore(path: statePath)
        self.logger = logger
        self.tokenLifetime = tokenLifetime
        self.clock = clock
    }

    /// Serves until the task is cancelled or, with `handleSignals`, until SIGINT or SIGTERM.
    ///
    /// - Parameter onReady: called once with the port listened on (useful with port 0).
    package func run(
        host: String, port: Int, handleSignals: Bool,
        onReady: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                if handleSignals { try await app.runService() } else { try await app.runService(gracefulShutdownSignals: []) }
            }
            group.addTask { await self.deliverWebhooks() }
            // The server ends on a signal or cancellation; the worker follows it.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Whether `address` is a loopback address (127.0.0.0/8, ::1, or 127.x mapped into IPv6):
    /// the only peers `/_sandbox/*` answers, but for the browser's `/_sandbox/complete`.
    package static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress?.lowercased() else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip == "0:0:0:0:0:0:0:1" || ip.hasPrefix("::ffff:127.")
    }

    func wakeDeliveries() {
        deliveryWake.withLockedValue { $0.dirty = true }
    }
}

extension SandboxConfiguration {
    /// The pid of the project a sandbox started without `--config` serves.
    package static let demoProjectId = "demo-project"

    /// One project, ``demoProjectId``, on `apiKey` (the CLI passes `liveform demo`'s fake
    /// key), every other member at its default.
    package static func demo(apiKey: String) throws(LiveformError) -> SandboxConfiguration {
        SandboxConfiguration(projects: [try SandboxProject(pid: demoProjectId, apiKey: apiKey)])
    }
}

/// The request context of the sandbox: Hummingbird's, plus the peer's address for the
/// loopback rule of the control API.
package struct SandboxRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    package var coreContext: CoreRequestContextStorage
    /// The peer of the connection.
    package let remoteAddress: SocketAddress?

    /// The context of a request on `source`'s channel.
    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// A request the sandbox refuses, answered as `{"error":"<message>"}` with `status`.
struct Refusal: Error {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
