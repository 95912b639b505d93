import ArgumentParser
import Foundation
import Liveform

/// `liveform return-url decode|build`.
struct ReturnURLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return-url",
        abstract: "Decode the Return URL the form redirects to, or build one to simulate it.",
        subcommands: [DecodeReturnURL.self, BuildReturnURL.self])

    struct DecodeReturnURL: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "decode", abstract: "Print a Return URL's fields as a JSON object.")

        @Argument(help: "The Return URL (absolute, or the request target /path?query).") var url: String
        @OptionGroup var keys: KeyOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            let needsKey = url.contains("encrypted=")
            let result = try ReturnURLDecoder(keys: needsKey ? try keys.keys() : [], backend: common.backend).decode(url)
            common.print(.object(result.fields))
        }
    }

    struct BuildReturnURL: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "build", abstract: "Build a Return URL as the form would.")

        @Option(help: "Your Return URL.") var returnURL: String
        @Option(
            name: .customLong("field"),
            help: ArgumentHelp("A field (kycStatus, userid, email, submissionId, cf1–cf3, errorCode…). Repeatable.", valueName: "name=value"))
        var fields: [String] = []
        @Option(help: ArgumentHelp("A JSON object of fields; - reads standard input.", valueName: "file|-")) var fieldsJson: String?
        @Flag(help: "Encrypt the fields (ECB), as a project with encryption on does.") var encrypt = false
        @OptionGroup var keys: KeyOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            var object = JSONObject()
            if let fieldsJson {
                guard let given = try JSONValue(parsing: try readInput(fieldsJson), duplicateKeys: .reject).objectValue else {
                    throw CLIFailure.usage("--fields-json must be a JSON object")
                }
                object = given
            }
            for item in fields {
                guard let equals = item.firstIndex(of: "=") else { throw CLIFailure.usage("--field takes name=value, got '\(item)'") }
                object[String(item[..<equals])] = .string(String(item[item.index(after: equals)...]))
            }
            let builder = ReturnURLBuilder(returnURL: returnURL, key: encrypt ? try keys.key() : nil, backend: common.backend)
            CLIContext.current.write(try builder.url(for: object) + "\n")
        }
    }
}
