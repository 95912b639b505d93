import ArgumentParser
import Foundation
import Liveform

/// How commands get keys. Never on the command line by default: `--key` works but warns.
struct KeyOptions: ParsableArguments {
    @Option(
        name: .customLong("key-file"),
        help: ArgumentHelp(
            "A file holding the API key or secretKey (a trailing newline is stripped). Repeatable when decoding: keys are tried in order.",
            valueName: "path"))
    var keyFiles: [String] = []

    @Option(name: .customLong("key-env"), help: ArgumentHelp("An environment variable holding the API key or secretKey.", valueName: "name"))
    var keyEnvironment: [String] = []

    @Option(
        name: .customLong("key-hex"),
        help: ArgumentHelp("A raw 32-byte key as 64 hex digits (the derived key, not the credential).", valueName: "hex"))
    var keyHex: [String] = []

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp(
            "The API key or secretKey itself. Works, but leaves the key in shell history and the process list; prefer the options above or LIVEFORM_KEY.",
            valueName: "value"))
    var keyValue: [String] = []

    /// Every key given, in the order: files, environment variables, hex, values; or
    /// `LIVEFORM_KEY` when no option was given.
    func keys() throws -> [AES256.Key] {
        let context = CLIContext.current
        var keys: [AES256.Key] = []
        for path in keyFiles {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure.cannotOpen(path) }
            var text = String(decoding: data, as: UTF8.self)
            while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
            keys.append(try AES256.Key(credential: text))
        }
        for name in keyEnvironment {
            guard let value = context.environment[name] else {
                throw LiveformError(.invalidKey, "the environment variable \(name) is not set")
            }
            keys.append(try AES256.Key(credential: value))
        }
        for hex in keyHex { keys.append(try AES256.Key(hex: hex)) }
        if !keyValue.isEmpty {
            context.writeError(
                "warning: --key leaves the key in your shell history and the process list; prefer --key-file, --key-env or LIVEFORM_KEY")
            for value in keyValue { keys.append(try AES256.Key(credential: value)) }
        }
        if keys.isEmpty, let value = context.environment["LIVEFORM_KEY"] {
            keys.append(try AES256.Key(credential: value))
        }
        guard !keys.isEmpty else {
            throw LiveformError(.invalidKey, "no key given")
        }
        return keys
    }

    /// Exactly one key (for encrypting).
    func key() throws -> AES256.Key {
        let keys = try keys()
        guard keys.count == 1 else { throw CLIFailure.usage("encrypting takes exactly one key, got \(keys.count)") }
        return keys[0]
    }
}

/// `--backend openssl|gcrypt`.
enum BackendName: String, ExpressibleByArgument, CaseIterable {
    case openssl, gcrypt
    var backend: AES256.Backend { self == .openssl ? .openssl : .gcrypt }
}

/// Options most commands share.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("backend"), help: "The crypto library: openssl (default) or gcrypt.")
    var backendName: BackendName = .openssl

    var backend: AES256.Backend { backendName.backend }

    @Flag(help: "Indent JSON output.")
    var pretty = false

    func print(_ value: JSONValue) {
        CLIContext.current.write((pretty ? value.prettyJSONText : value.jsonText) + "\n")
    }
}

/// `-` or nothing reads standard input; otherwise the argument is a file path.
func readInput(_ source: String?) throws -> Data {
    try CLIContext.current.readBytes(source)
}

/// Parses hex given on the command line.
func parseHex(_ text: String?, option: String) throws -> [UInt8]? {
    guard let text else { return nil }
    guard let bytes = Hex.decode(text) else { throw CLIFailure.usage("\(option) must be hex digits") }
    return bytes
}
