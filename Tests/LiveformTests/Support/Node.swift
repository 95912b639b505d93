import Foundation
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
    static func run(_ script: String, input: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> Data? {
        guard let path else {
            if VectorFiles.isCI {
                Issue.record("node is required under CI=true", sourceLocation: sourceLocation)
            } else {
                print("SKIPPED: node not installed; the JSON.stringify oracle tests did not run")
            }
            return nil
        }
        let process = Process()
        process.executableURL = URL(filePath: path)
        process.arguments = ["-e", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return output
    }
}
