import Foundation
import LiveformTestSupport
import Testing

/// Runs a Node.js script as an independent oracle (the vendor's samples are Node).
enum Node {
    static let path: String? = {
        for candidate in ["/usr/bin/node", "/usr/local/bin/node"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }()

    /// stdin → script → stdout. Returns nil (after printing a skip, or recording an issue
    /// under CI=true) when Node is not installed.
    static func run(_ script: String, input: Data, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Data? {
        guard let path else {
            if VectorFiles.isCI {
                Issue.record("node is required under CI=true", sourceLocation: sourceLocation)
            } else {
                print("SKIPPED: node not installed; the JSON.stringify oracle tests did not run")
            }
            return nil
        }
        let output = try await ChildProcess.run(path, ["-e", script], stdin: input)
        guard output.status == 0 else {
            Issue.record("node failed (\(output.status)): \(output.stderrText)", sourceLocation: sourceLocation)
            return nil
        }
        return output.stdout
    }
}
