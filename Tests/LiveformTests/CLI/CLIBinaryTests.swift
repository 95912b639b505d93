import Foundation
import LiveformTestSupport
import Testing

/// A few runs of the real `liveform` executable: argument handling, streams and exit
/// statuses as a shell sees them.
@Suite("liveform binary, end to end")
struct CLIBinaryTests {
    static let binary = VectorFiles.packageRoot.appending(path: ".build/debug/liveform").path

    static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) async throws -> ChildProcess.Output? {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            if VectorFiles.isCI { Issue.record("\(binary) was not built") } else { print("SKIPPED: \(binary) not built") }
            return nil
        }
        return try await ChildProcess.run(
            binary, arguments, environment: environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }, stdin: Data(stdin.utf8))
    }

    @Test("sign | decode through real processes, key from the environment")
    func signDecode() async throws {
        let env = ["LIVEFORM_KEY": "DEMO-ONLY-e2e-key"]
        guard
            let signed = try await Self.run(
                ["sign", "--pid", "p", "--mode", "gcm", "--params-json", "-"],
                stdin: #"{"email":"kim@example.com","rejectDuplicateUser":true}"#, environment: env)
        else { return }
        #expect(signed.status == 0, "\(signed.stderrText)")
        let decoded = try await Self.run(["decode", signed.stdoutText.trimmingCharacters(in: .newlines)], environment: env)
        #expect(decoded?.stdoutText == #"{"pid":"p","params":{"email":"kim@example.com","rejectDuplicateUser":true}}"# + "\n")
    }

    @Test("exit statuses as a shell sees them")
    func statuses() async throws {
        guard let help = try await Self.run(["--help"]) else { return }
        #expect(help.status == 0 && help.stdoutText.contains("78"))
        #expect(try await Self.run(["encrypt", "--mode", "ecb", "x"])?.status == 78)
        #expect(try await Self.run(["decrypt", "--mode", "ecb", "***"], environment: ["LIVEFORM_KEY": "DEMO-ONLY-k"])?.status == 65)
        #expect(try await Self.run(["sign", "--mode", "ecb"])?.status == 64)
        #expect(try await Self.run(["vectors", "check", "/nonexistent.json"])?.status == 66)
    }

    @Test("the demo runs, the loop on the embedded sandbox included")
    func demo() async throws {
        guard let demo = try await Self.run(["demo"]) else { return }
        #expect(demo.status == 0 && demo.stdoutText.contains("DEMO-ONLY") && demo.stderrText.isEmpty, "\(demo.stderrText)")
        // The last part, the loop on the embedded sandbox, ran to its end.
        #expect(demo.stdoutText.contains("   -- step 6/6: the REST API") && demo.stdoutText.contains("   loop               ok:"))
    }
}
