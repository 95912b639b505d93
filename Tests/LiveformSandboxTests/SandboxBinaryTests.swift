import AsyncHTTPClient
import Foundation
import Liveform
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// What a child process wrote, collected as it arrives.
final class Collected: Sendable {
    let data = Mutex(Data())
    var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}

@Suite("liveform sandbox, the binary")
struct SandboxBinaryTests {
    static let binary = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: ".build/debug/liveform").path

    @Test("no --config: the demo project; stdout is exactly the ready line; SIGTERM stops it with status 0")
    func demoProject() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("\(Self.binary) was not built") }
            return
        }
        let process = Process()
        process.executableURL = URL(filePath: Self.binary)
        process.arguments = ["sandbox", "--port", "0"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let stdout = Collected(), stderr = Collected()
        for (pipe, sink) in [(Pipe(), stdout), (Pipe(), stderr)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                sink.data.withLock { $0.append(data) }
            }
            if sink === stdout { process.standardOutput = pipe } else { process.standardError = pipe }
        }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let ready = try await eventually { stdout.text.hasSuffix("\n") }
        #expect(ready)
        let line = stdout.text
        #expect(line.hasPrefix("sandbox ready at http://127.0.0.1:") && line.filter { $0 == "\n" }.count == 1, "\(line)")
        #expect(stderr.text.contains(#"pid demo-project, apiKey "DEMO-ONLY-not-a-real-argos-api-key""#))

        let base = line.dropFirst("sandbox ready at ".count).trimmingCharacters(in: .newlines)
        let key = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
        let settings = try LiveformSettings(
            projectId: "demo-project", encryption: .ecb, credential: .init(kind: .apiKey, key: key),
            baseURL: base + "/")
        var parameters = LiveformParameters()
        parameters.email = "demo@example.com"
        let url = try LiveformURLBuilder(settings: settings).url(for: parameters)
        let page = try await client.execute(.init(url: url), timeout: .seconds(30))
        #expect(page.status.code == 200)
        #expect(try await eventually { stderr.text.contains("GET / -> 200") })

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stdout.text == line)
    }
}
