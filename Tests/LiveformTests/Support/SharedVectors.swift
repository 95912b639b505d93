import Foundation
import Testing

/// Locates the vector sets that live outside the project (the `shared/vectors` folder beside the package) and the
/// project's own `Vectors/`. The shared sets are not ours to commit: under `CI=true` their
/// absence is a failure, elsewhere a clearly printed skip.
enum VectorFiles {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(filePath: #filePath)
        .deletingLastPathComponent() // Support
        .deletingLastPathComponent() // LiveformTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // root

    /// `LIVEFORM_SHARED_VECTORS` if set, else the `shared/vectors` folder beside the package.
    static let sharedRoot: URL = {
        if let override = ProcessInfo.processInfo.environment["LIVEFORM_SHARED_VECTORS"], !override.isEmpty {
            return URL(filePath: override)
        }
        return packageRoot.deletingLastPathComponent().appending(path: "shared/vectors")
    }()

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func shared(_ relativePath: String) -> Data? {
        try? Data(contentsOf: sharedRoot.appending(path: relativePath))
    }

    static func project(_ relativePath: String) -> URL {
        packageRoot.appending(path: "Vectors").appending(path: relativePath)
    }

    /// Records that a shared vector file was missing: prints the skip, and fails under CI.
    static func reportMissing(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let message = "shared vectors missing: \(what) (looked in \(sharedRoot.path))"
        if isCI {
            Issue.record(Comment(rawValue: message + " — required under CI=true"), sourceLocation: sourceLocation)
        } else {
            print("SKIPPED: \(message). Set LIVEFORM_SHARED_VECTORS or check out the shared folder beside the package to run them.")
        }
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: preconditionFailure("bad hex in test vector")
            }
        }
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(nibble(high) << 4 | nibble(low))
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
