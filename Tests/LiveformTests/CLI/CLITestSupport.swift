import Foundation
import LiveformCLI
import Testing

/// Runs `liveform` in-process with captured streams.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String

    final class Buffer: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String = "") -> CLIRun {
        let out = Buffer(), err = Buffer()
        let input = Data(stdin.utf8)
        let context = CLIContext(environment: environment, stdin: { input }, stdout: { out.append($0) }, stderr: { err.append($0) })
        let status = CLI.run(arguments: arguments, context: context)
        return CLIRun(status: status, stdout: out.text, stderr: err.text)
    }

    /// As ``run(_:environment:stdin:)``, through the asynchronous `CLI.run`, which every
    /// command needs that is asynchronous (`api`, `demo`).
    static func runAsync(_ arguments: [String], environment: [String: String] = [:], stdin: String = "") async -> CLIRun {
        let out = Buffer(), err = Buffer()
        let input = Data(stdin.utf8)
        let context = CLIContext(environment: environment, stdin: { input }, stdout: { out.append($0) }, stderr: { err.append($0) })
        let status = await CLI.run(arguments: arguments, context: context)
        return CLIRun(status: status, stdout: out.text, stderr: err.text)
    }
}

/// A temporary file that disappears with the test.
func temporaryFile(_ contents: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appending(path: "liveform-test-\(UUID().uuidString)")
    try Data(contents.utf8).write(to: url)
    return url.path
}
