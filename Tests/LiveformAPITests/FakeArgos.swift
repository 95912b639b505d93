import AsyncHTTPClient
import Foundation
import Liveform
import LiveformAPI
import LiveformTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `Tools/interop/fake_argos.py`, started for one test and stopped after it: the vendor's
/// side over real HTTP on loopback, written apart from the client.
struct FakeArgos {
    static let apiKey = "DEMO-ONLY-not-a-real-argos-api-key"
    static let script = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Tools/interop/fake_argos.py").path

    let process: ChildProcess
    let port: Int
    let sdt: Bool

    var baseURL: String { "http://127.0.0.1:\(port)/v3" }

    /// Starts the fake and waits (up to 6,000 polls 20 ms apart) for the port it writes to a
    /// file: polling with `Task.sleep` keeps the test's threads free.
    static func start(sdt: Bool) async throws -> FakeArgos {
        let portFile = FileManager.default.temporaryDirectory.appending(path: "fake-argos-\(UUID().uuidString).port").path
        let process = try ChildProcess(
            "/usr/bin/env",
            ["python3", script, "--port", "0", "--port-file", portFile, "--api-key", apiKey, "--sdt", sdt ? "on" : "off"])
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        func writtenPort() -> Int? {
            FileManager.default.contents(atPath: portFile)
                .flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        // The deadline counts polls, not wall time: when other suites keep every thread of the
        // concurrency pool busy (the stress test under TSan), this task may not resume for a
        // minute although the fake started at once; one more look after the loop, too.
        for _ in 0..<6000 where !process.hasExited {
            if let port = writtenPort() { return FakeArgos(process: process, port: port, sdt: sdt) }
            try await Task.sleep(for: .milliseconds(20))
        }
        if !process.hasExited, let port = writtenPort() { return FakeArgos(process: process, port: port, sdt: sdt) }
        process.send(SIGKILL)
        throw FakeError(message: "fake_argos.py did not start: \(process.stderrText)")
    }

    /// Stops the fake at once (SIGKILL: nothing to flush) and waits for it to go.
    func stop() async throws {
        process.send(SIGKILL)
        _ = try await process.finish()
    }

    struct FakeError: Error { let message: String }

    /// Queues faults (see the script's header for the fields).
    func faults(_ json: String) async throws {
        _ = try await control("POST", "/__control/faults", body: json)
    }

    /// Switches Secure Data Transfer or the token page size.
    func config(_ json: String) async throws {
        _ = try await control("POST", "/__control/config", body: json)
    }

    /// The API requests the fake received, in order.
    func requests() async throws -> [JSONObject] {
        try await control("GET", "/__control/requests").arrayValue?.compactMap(\.objectValue) ?? []
    }

    /// How many API requests the fake received.
    func requestCount() async throws -> Int { try await requests().count }

    private func control(_ method: String, _ path: String, body: String? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .RAW(value: method)
        if let body { request.body = .bytes(Array(body.utf8)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return try JSONValue(parsing: Array(bytes.readableBytesView))
    }

    /// A client of this fake. Retries are fast by default (10 ms base, jitter off) and every
    /// wait is recorded in `sleeps`.
    func client(
        retry: ArgosClient.RetryPolicy? = nil, timeout: Duration = .seconds(30), apiKey: String = FakeArgos.apiKey,
        logger: Logger? = nil
    ) throws -> ArgosClient {
        var configuration = ArgosClient.Configuration(baseURL: baseURL, secureDataTransfer: sdt, timeout: timeout)
        configuration.retryPolicy = retry ?? FakeArgos.fastRetries()
        if let logger { configuration.logger = logger }
        return try ArgosClient(apiKey: apiKey, configuration: configuration)
    }

    /// Retries with a 10 ms base and no jitter (each wait is its bound), recorded in `sleeps`.
    static func fastRetries(maxRetries: Int = 3, sleeps: SleepLog? = nil, realSleep: Bool = true) -> ArgosClient.RetryPolicy {
        ArgosClient.RetryPolicy(
            maxRetries: maxRetries, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40),
            jitter: { $0 },
            sleep: { duration in
                sleeps?.append(duration)
                if realSleep { try await Task.sleep(for: duration) }
            })
    }
}

/// The waits a retry policy asked for.
final class SleepLog: Sendable {
    private let storage = Mutex<[Duration]>([])
    func append(_ duration: Duration) { storage.withLock { $0.append(duration) } }
    var all: [Duration] { storage.withLock { $0 } }
}

/// Runs `body` with a fake started in the given mode, and stops it after.
func withFake<R>(sdt: Bool = true, _ body: (FakeArgos) async throws -> R) async throws -> R {
    let fake = try await FakeArgos.start(sdt: sdt)
    let result: Result<R, any Error>
    do { result = .success(try await body(fake)) } catch { result = .failure(error) }
    try await fake.stop()
    return try result.get()
}

/// The ``ArgosError`` `body` throws, or a recorded issue when it throws none or another error.
func argosError<R>(_ body: () async throws -> R, sourceLocation: SourceLocation = #_sourceLocation) async -> ArgosError? {
    do {
        _ = try await body()
        Issue.record("expected an ArgosError", sourceLocation: sourceLocation)
        return nil
    } catch let error as ArgosError {
        return error
    } catch {
        Issue.record("expected an ArgosError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Lines logged through ``CapturingLogHandler``s.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// A log handler that keeps every message with its metadata, as text.
struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.append("\(event.level) \(event.message) \(fields)")
    }
}
