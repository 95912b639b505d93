import ArgumentParser
import Foundation
import Liveform

enum URLMode: String, ExpressibleByArgument, CaseIterable {
    case none, ecb, gcm
    var encryption: LiveformSettings.Encryption {
        switch self {
        case .none: .off
        case .ecb: .ecb
        case .gcm: .gcm
        }
    }
}

/// `liveform sign`: builds a Liveform URL.
struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a Liveform URL (encrypting its parameters as the project is configured).",
        discussion: """
            Example:
              liveform sign --pid my-project --mode gcm --key-file secret.key \\
                --param email=kim@example.com --param userid=user-42 --lang ko
            """)

    @Option(help: "The project id.") var pid: String
    @Option(help: "The project's encryption: none, ecb or gcm.") var mode: URLMode
    @Flag(help: "Encryption-only mode: only pid, encrypted and lang stay plain.") var encryptionOnly = false
    @Option(help: "The form language, e.g. ko or en.") var lang: String?
    @Option(help: "The form's base URL (default https://form.argosidentity.com/).") var baseURL: String?
    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter; the value is a string. Repeatable; order is kept.", valueName: "name=value"))
    var params: [String] = []
    @Option(help: ArgumentHelp("A JSON object of parameters (member order and JSON types kept); - reads standard input.", valueName: "file|-"))
    var paramsJson: String?
    @Option(help: ArgumentHelp("A fixed 12-byte GCM nonce in hex, for test vectors only.", valueName: "hex")) var nonce: String?
    @Option(help: "The longest URL to allow, in bytes.") var maxURLLength = LiveformSettings.defaultMaxURLLength
    @OptionGroup var keys: KeyOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        var parameters: [(String, JSONValue)] = []
        if let paramsJson {
            // A repeated name is a mistake here (§3.3), not JavaScript's last-one-wins.
            let value: JSONValue
            do {
                value = try JSONValue(parsing: try readInput(paramsJson), duplicateKeys: .reject)
            } catch let error as LiveformError {
                throw CLIFailure.usage("--params-json: \(error.reason)")
            }
            guard let object = value.objectValue else { throw CLIFailure.usage("--params-json must be a JSON object") }
            parameters += object.map { ($0.key, $0.value) }
        }
        for item in params {
            guard let equals = item.firstIndex(of: "=") else { throw CLIFailure.usage("--param takes name=value, got '\(item)'") }
            parameters.append((String(item[..<equals]), .string(String(item[item.index(after: equals)...]))))
        }
        let credential = mode == .none ? nil : LiveformSettings.Credential(kind: .apiKey, key: try keys.key())
        let settings = try LiveformSettings(
            projectId: pid, encryption: mode.encryption, encryptionOnly: encryptionOnly, credential: credential,
            baseURL: baseURL ?? LiveformSettings.defaultBaseURL, maxURLLength: maxURLLength, backend: common.backend)
        let nonceValue = try parseHex(nonce, option: "--nonce").map { try AES256.GCM.Nonce($0) }
        let url = try LiveformURLBuilder(settings: settings).url(for: LiveformParameters(parameters), lang: lang, nonce: nonceValue)
        CLIContext.current.write(url + "\n")
    }
}

/// `liveform decode`: reads a Liveform URL.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a Liveform URL into {\"pid\", \"lang\", \"params\", \"warnings\"}.")

    @Argument(help: "The URL.") var url: String
    @Option(help: "The cipher to expect: auto (GCM, then ECB), ecb or gcm.") var mode: DecodeMode = .auto
    @Flag(help: "The project runs in encryption-only mode (plain parameters are reported as ignored).") var encryptionOnly = false
    @OptionGroup var keys: KeyOptions
    @OptionGroup var common: CommonOptions

    func run() throws {
        let needsKey = url.contains("encrypted=")
        let decoder = LiveformURLDecoder(
            keys: needsKey ? try keys.keys() : [], mode: mode.mode,
            encryptionOnly: encryptionOnly, backend: common.backend)
        common.print(try decoder.decode(url).json)
    }
}

enum DecodeMode: String, ExpressibleByArgument, CaseIterable {
    case auto, ecb, gcm
    var mode: LiveformURLDecoder.Mode { LiveformURLDecoder.Mode(rawValue: rawValue) ?? .auto }
}
