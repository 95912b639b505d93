public import Foundation
public import Liveform

/// Runs `liveform-vectors/1` files (the format is described in the `Liveform` documentation,
/// article "Conformance vectors"): the project's
/// `Vectors/*.json`, or an integrator's own. Every vector of an unknown kind, or with a
/// missing or unknown field, fails: nothing is skipped.
public struct VectorChecker: Sendable {
    /// One vector's outcome.
    public struct Outcome: Sendable, CustomStringConvertible {
        public let file: String
        public let id: String
        /// nil when the vector passed; otherwise what differed.
        public let failure: String?

        public var passed: Bool { failure == nil }
        public var description: String { "\(file): \(id): \(failure ?? "passed")" }
    }

    /// The backend every cipher call of the checks runs on.
    public var backend: AES256.Backend

    public init(backend: AES256.Backend = .default) {
        self.backend = backend
    }

    /// Checks every vector of every file, in order. A file that cannot be read or parsed
    /// counts as one failed vector named `<file>`.
    public func check(files: [URL]) -> [Outcome] {
        files.flatMap { check(file: $0) }
    }

    public func check(file: URL) -> [Outcome] {
        let name = file.lastPathComponent
        let vectors: [JSONObject]
        do {
            vectors = try Self.load(file)
        } catch {
            return [Outcome(file: name, id: "<file>", failure: "\(error)")]
        }
        return vectors.enumerated().map { index, vector in
            let id = vector["id"]?.stringValue ?? "#\(index)"
            return Outcome(file: name, id: id, failure: check(vector))
        }
    }

    /// The vectors of a file, after checking its header.
    public static func load(_ file: URL) throws -> [JSONObject] {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw VectorFileError.unreadable(file.path)
        }
        let root = try JSONValue(parsing: data, maxDepth: 64)
        guard let object = root.objectValue else { throw VectorFileError.invalid("the top level is not an object") }
        guard object["format"]?.stringValue == "liveform-vectors/1" else {
            throw VectorFileError.invalid("\"format\" is not \"liveform-vectors/1\"")
        }
        guard let vectors = object["vectors"]?.arrayValue else { throw VectorFileError.invalid("no \"vectors\" array") }
        return try vectors.map { (value) throws(VectorFileError) -> JSONObject in
            guard let vector = value.objectValue else { throw VectorFileError.invalid("a vector is not an object") }
            return vector
        }
    }

    /// Checks one vector; nil when every check of its kind holds.
    public func check(_ vector: JSONObject) -> String? {
        do {
            let reader = VectorReader(vector)
            guard let kind = vector["kind"]?.stringValue else { return "no \"kind\"" }
            switch kind {
            case "cipher": try checkCipher(reader)
            case "liveform-url": try checkLiveformURL(reader)
            case "return-url": try checkReturnURL(reader)
            case "request-body", "response-body": try checkAPIBody(reader, kind: kind)
            case "webhook": try checkWebhook(reader)
            default: return "unknown kind \"\(kind)\""
            }
            return try reader.unusedFields()
        } catch let failure as VectorFailure {
            return failure.message
        } catch {
            return "\(error)"
        }
    }
}

/// Why a vector file could not be read.
public enum VectorFileError: Error, CustomStringConvertible {
    case unreadable(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        case .invalid(let what): "not a liveform-vectors/1 file: \(what)"
        }
    }
}

/// A check that did not hold.
struct VectorFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Reads a vector's fields and remembers which were used, so unknown fields fail.
final class VectorReader {
    let vector: JSONObject
    private var used: Set<String> = ["id", "kind", "comment", "result", "error"]

    init(_ vector: JSONObject) { self.vector = vector }

    func optional(_ name: String) -> JSONValue? {
        used.insert(name)
        return vector[name]
    }

    func string(_ name: String) throws -> String {
        guard let value = optional(name)?.stringValue else { throw VectorFailure("missing string field \"\(name)\"") }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        guard let value = optional(name) else { return nil }
        guard let text = value.stringValue else { throw VectorFailure("field \"\(name)\" is not a string") }
        return text
    }

    func bool(_ name: String) throws -> Bool {
        guard let value = optional(name)?.boolValue else { throw VectorFailure("missing boolean field \"\(name)\"") }
        return value
    }

    func hex(_ name: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(try string(name)) else { throw VectorFailure("field \"\(name)\" is not hex") }
        return bytes
    }

    func optionalHex(_ name: String) throws -> [UInt8]? {
        guard optional(name) != nil else { return nil }
        return try hex(name)
    }

    /// `valid` → nil; `invalid` → the expected error category.
    func expectedError() throws -> LiveformError.Code? {
        switch vector["result"]?.stringValue {
        case "valid":
            guard vector["error"] == nil else { throw VectorFailure("a valid vector has an \"error\" field") }
            return nil
        case "invalid":
            guard let name = vector["error"]?.stringValue, let code = LiveformError.Code(name: name) else {
                throw VectorFailure("an invalid vector needs \"error\": invalidKey, invalidParameter, malformedInput or decryptionFailed")
            }
            return code
        default:
            throw VectorFailure("\"result\" must be \"valid\" or \"invalid\"")
        }
    }

    /// The key of `key` (a credential) or `keyHex` (raw); exactly one must be present.
    func key() throws -> AES256.Key {
        let credential = try optionalString("key")
        let hex = try optionalString("keyHex")
        switch (credential, hex) {
        case (let credential?, nil): return try AES256.Key(credential: credential)
        case (nil, let hex?): return try AES256.Key(hex: hex)
        default: throw VectorFailure("needs exactly one of \"key\" and \"keyHex\"")
        }
    }

    func unusedFields() throws -> String? {
        let unknown = vector.keys.filter { !used.contains($0) }
        return unknown.isEmpty ? nil : "unknown field(s): \(unknown.joined(separator: ", "))"
    }
}

extension VectorChecker {
    /// Runs `body` expecting it to fail with `code`.
    func expectFailure(_ code: LiveformError.Code, _ what: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as LiveformError {
            guard error.code == code else { throw VectorFailure("\(what) failed with \(error.code), expected \(code) (\(error.reason))") }
            return
        }
        throw VectorFailure("\(what) succeeded, expected \(code)")
    }

    /// Runs `body`, turning an SDK error into a failure message.
    func expectSuccess<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LiveformError {
            throw VectorFailure("\(what) failed: \(error)")
        }
    }

    func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
        guard actual == expected else { throw VectorFailure("\(what): got \(actual), expected \(expected)") }
    }
}
