import ArgumentParser
import Foundation
import Liveform
import LiveformConformance

/// `liveform vectors check FILE...`.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors", abstract: "Work with liveform-vectors/1 conformance files.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run vector files: one line per failing vector, then 'N passed, M failed'. Exit 1 on any failure.")

        @Argument(help: "The vector files.") var files: [String]
        @OptionGroup var common: CommonOptions

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("give at least one vector file") }
        }

        func run() throws {
            let context = CLIContext.current
            for path in files where !FileManager.default.isReadableFile(atPath: path) {
                throw CLIFailure.cannotOpen(path)
            }
            let outcomes = VectorChecker(backend: common.backend).check(files: files.map { URL(filePath: $0) })
            let failed = outcomes.filter { !$0.passed }
            for outcome in failed {
                context.write("FAIL \(outcome.file) \(outcome.id): \(outcome.failure ?? "")\n")
            }
            context.write("\(outcomes.count - failed.count) passed, \(failed.count) failed\n")
            if !failed.isEmpty { throw ExitCode(CLI.Status.failed) }
        }
    }
}
