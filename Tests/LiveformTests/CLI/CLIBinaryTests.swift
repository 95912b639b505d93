import Foundation
import Testing

/// A few runs of the real `liveform` executable: argument handling, streams and exit
/// statuses as a shell sees them.
@Suite("liveform binary, end to end")
struct CLIBinaryTests {
    static let binary = VectorFiles.packageRoot.appending(path: ".build/debug/liveform").path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Result? {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            if VectorFiles.isCI { Issue.record("\(binary) was not built") } else { print("SKIPPED: \(binary) not built") }
            return nil
        }
        let process = Process()
        process.executableURL = URL(filePath: binary)
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    @Test("sign | decode through real processes, key from the environment")
    func signDecode() throws {
        let env = ["LIVEFORM_KEY": "DEMO-ONLY-e2e-key"]
        guard
            let signed = try Self.run(
                ["sign", "--pid", "p", "--mode", "gcm", "--params-json", "-"],
                stdin: #"{"email":"kim@example.com","rejectDuplicateUser":true}"#, environment: env)
        else { return }
        #expect(signed.status == 0, "\(signed.stderr)")
        let decoded = try Self.run(["decode", signed.stdout.trimmingCharacters(in: .newlines)], environment: env)
        #expect(decoded?.stdout == #"{"pid":"p","params":{"email":"kim@example.com","rejectDuplicateUser":true}}"# + "\n")
    }

    @Test("exit statuses as a shell sees them")
    func statuses() throws {
        guard let help = try Self.run(["--help"]) else { return }
        #expect(help.status == 0 && help.stdout.contains("78"))
        #expect(try Self.run(["encrypt", "--mode", "ecb", "x"])?.status == 78)
        #expect(try Self.run(["decrypt", "--mode", "ecb", "***"], environment: ["LIVEFORM_KEY": "DEMO-ONLY-k"])?.status == 65)
        #expect(try Self.run(["sign", "--mode", "ecb"])?.status == 64)
        #expect(try Self.run(["vectors", "check", "/nonexistent.json"])?.status == 66)
    }

    @Test("the demo runs, the loop on the embedded sandbox included")
    func demo() throws {
        guard let demo = try Self.run(["demo"]) else { return }
        #expect(demo.status == 0 && demo.stdout.contains("DEMO-ONLY") && demo.stderr.isEmpty, "\(demo.stderr)")
        // The last part, the loop on the embedded sandbox, ran to its end.
        #expect(demo.stdout.contains("   -- step 6/6: the REST API") && demo.stdout.contains("   loop               ok:"))
    }
}
