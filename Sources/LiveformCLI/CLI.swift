import ArgumentParser
public import Foundation
import Liveform
import LiveformAPI

/// Runs the `liveform` tool: parses, runs, and maps every outcome onto the documented exit
/// status, printing errors as one or two lines on standard error — never key material or a
/// stack trace.
public enum CLI {
    /// Exit statuses (the root command's help lists them).
    public enum Status {
        public static let success: Int32 = 0
        public static let failed: Int32 = 1  // decryption failed, or vectors failed
        public static let usage: Int32 = 64  // usage error or invalidParameter
        public static let malformedInput: Int32 = 65
        public static let cannotOpenInput: Int32 = 66
        public static let unavailable: Int32 = 69  // nothing answers: the API after retries (rate limited, server error, no answer), webhook send
        public static let software: Int32 = 70  // a crypto library failed
        public static let noPermission: Int32 = 77  // the API: IP address not allowed, key refused
        public static let invalidKey: Int32 = 78
    }

    /// Runs with the process's real environment and standard streams.
    public static func main(arguments: [String]) async -> Int32 {
        await run(arguments: arguments, context: CLIContext.process())
    }

    /// Runs with an explicit context (what the tests use). The `api` commands are
    /// asynchronous and run only through the `async` form of this function.
    public static func run(arguments: [String], context: CLIContext) -> Int32 {
        CLIContext.$current.withValue(context) {
            do {
                var command = try parse(arguments)
                guard !(command is any AsyncParsableCommand) else {
                    throw CLIFailure.usage("this command runs only through the asynchronous CLI.run")
                }
                try command.run()
                return Status.success
            } catch {
                return report(error, context: context)
            }
        }
    }

    /// Runs with an explicit context, every command included.
    public static func run(arguments: [String], context: CLIContext) async -> Int32 {
        await CLIContext.$current.withValue(context) {
            do {
                let command = try parse(arguments)
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    var command = command
                    try command.run()
                }
                return Status.success
            } catch {
                return report(error, context: context)
            }
        }
    }

    private static func parse(_ arguments: [String]) throws -> any ParsableCommand {
        // The parser answers `liveform nosuch --help` with the root help and status 0;
        // a script must be able to tell that the command does not exist.
        if let first = arguments.first, !first.hasPrefix("-"),
            !LiveformCommand.configuration.subcommands.contains(where: { $0._commandName == first })
        {
            throw CLIFailure.usage("unknown command '\(first)'; see liveform --help")
        }
        return try LiveformCommand.parseAsRoot(arguments)
    }

    /// Maps any failure onto its exit status and its one or two lines on standard error.
    private static func report(_ error: any Error, context: CLIContext) -> Int32 {
        if let error = error as? LiveformError { return report(error, context: context) }
        if let error = error as? ArgosError { return report(error, context: context) }
        if let error = error as? CLIFailure {
            context.writeError(error.message)
            return error.status
        }
        // Help, version and usage errors from the argument parser.
        let code = LiveformCommand.exitCode(for: error)
        let message = LiveformCommand.fullMessage(for: error)
        if code == .success {
            context.write(message + "\n")
            return Status.success
        }
        if !message.isEmpty { context.writeError(message) }
        return code.rawValue  // 64 for usage errors, or the status a command chose
    }

    static func report(_ error: LiveformError, context: CLIContext) -> Int32 {
        let (status, hint): (Int32, String) =
            switch error.code {
            case .decryptionFailed: (Status.failed, "check the key (--key-file, --key-env, --key-hex or LIVEFORM_KEY) and the mode")
            case .invalidKey: (Status.invalidKey, "give the API key or secretKey with --key-file PATH, --key-env NAME, --key-hex HEX or LIVEFORM_KEY")
            case .invalidParameter: (Status.usage, "see --help for the options")
            case .malformedInput: (Status.malformedInput, "the input is not in the expected format")
            case .backendFailure: (Status.software, "the crypto library failed; try --backend with the other library")
            default: (Status.failed, "")
            }
        context.writeError("liveform: \(error.code): \(error.reason)" + (hint.isEmpty ? "" : "\nhint: \(hint)"))
        return status
    }
}

/// A failure the CLI reports itself (files, usage beyond the parser).
struct CLIFailure: Error {
    let status: Int32
    let message: String

    static func usage(_ message: String) -> CLIFailure { CLIFailure(status: CLI.Status.usage, message: "liveform: \(message)") }
    static func cannotOpen(_ path: String) -> CLIFailure {
        CLIFailure(status: CLI.Status.cannotOpenInput, message: "liveform: cannot open input file '\(path)'")
    }
}

/// Where a command reads and writes: the process's streams, or buffers in tests.
public final class CLIContext: @unchecked Sendable {
    @TaskLocal public static var current = CLIContext.process()

    public let environment: [String: String]
    private let readInput: @Sendable () -> Data
    private let writeOutput: @Sendable (Data) -> Void
    private let writeErrorOutput: @Sendable (Data) -> Void

    public init(
        environment: [String: String], stdin: @escaping @Sendable () -> Data,
        stdout: @escaping @Sendable (Data) -> Void, stderr: @escaping @Sendable (Data) -> Void
    ) {
        self.environment = environment
        readInput = stdin
        writeOutput = stdout
        writeErrorOutput = stderr
    }

    public static func process() -> CLIContext {
        CLIContext(
            environment: ProcessInfo.processInfo.environment,
            stdin: { FileHandle.standardInput.readDataToEndOfFile() },
            stdout: { FileHandle.standardOutput.write($0) },
            stderr: { FileHandle.standardError.write($0) })
    }

    func write(_ text: String) { writeOutput(Data(text.utf8)) }
    func writeBytes(_ bytes: [UInt8]) { writeOutput(Data(bytes)) }
    func writeError(_ line: String) { writeErrorOutput(Data((line.hasSuffix("\n") ? line : line + "\n").utf8)) }

    /// The bytes of `source`: `-` (or nil) is standard input, anything else a file path.
    func readBytes(_ source: String?) throws -> Data {
        guard let source, source != "-" else { return readInput() }
        guard let data = FileManager.default.contents(atPath: source) else { throw CLIFailure.cannotOpen(source) }
        return data
    }
}
