import Foundation
import Testing

/// Locates the project's vector files: its own conformance vectors in `Vectors/` and the
/// standard AES-256 sets (Wycheproof, NIST CAVP) committed in `Vectors/standard/`. Both are
/// part of the repository, so a missing file is a test failure everywhere, never a skip.
enum VectorFiles {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(filePath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // LiveformTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// `Vectors/standard` in the package.
    static let standardRoot: URL = packageRoot.appending(path: "Vectors").appending(path: "standard")

    /// The bytes of a standard vector file, or nil when it cannot be read (the inventory test
    /// then fails).
    static func standard(_ relativePath: String) -> Data? {
        try? Data(contentsOf: standardRoot.appending(path: relativePath))
    }

    /// Whether the run is CI's (`CI=true`), where a missing peer tool fails instead of skipping.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func project(_ relativePath: String) -> URL {
        packageRoot.appending(path: "Vectors").appending(path: relativePath)
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
