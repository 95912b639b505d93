import AsyncHTTPClient
import Foundation
import Liveform
import LiveformTestSupport
import NIOCore
import NIOHTTP1
import Testing

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
        let process = try ChildProcess(Self.binary, ["sandbox", "--port", "0"], environment: ["PATH": "/usr/bin:/bin"])
        let ready = try await eventually { process.stdoutText.hasSuffix("\n") }
        #expect(ready)
        let line = process.stdoutText
        #expect(line.hasPrefix("sandbox ready at http://127.0.0.1:") && line.filter { $0 == "\n" }.count == 1, "\(line)")
        #expect(process.stderrText.contains(#"pid demo-project, apiKey "DEMO-ONLY-not-a-real-argos-api-key""#))

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
        #expect(try await eventually { process.stderrText.contains("GET / -> 200") })

        process.send(SIGTERM)
        let exit = try await process.finish(within: .seconds(60))
        #expect(exit.status == 0)
        #expect(exit.stdoutText == line)
    }
}
