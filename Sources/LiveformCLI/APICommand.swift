import ArgumentParser
import Foundation
import Liveform
import LiveformAPI

/// `liveform api`: the ARGOS REST API from the shell, one call a command.
///
/// Every leaf prints one JSON value on standard output (the answer as the vendor sent it,
/// decrypted) and maps each ``ArgosError`` kind onto an exit status (see the discussion below).
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Call the ARGOS REST API (v3), with Secure Data Transfer on or off.",
        discussion: """
            Base URL: --base-url, else LIVEFORM_API_BASE_URL, else \(ArgosClient.Configuration.defaultBaseURL). \
            Secure Data Transfer is on unless --no-secure-data-transfer is given. The API key comes from \
            --key-file, --key-env, LIVEFORM_KEY or --key; it is both the x-api-key header and the \
            Secure Data Transfer key.

            Standard output is one JSON value: the answer as the vendor sent it (decrypted), except that \
            `submission get` prints the submission object and `submission list` a JSON array of the \
            submissions fetched. `image get` writes the bytes to --output and prints nothing.

            Exit status:
              0   success
              1   the API refused (rejected, notFound, payloadTooLarge), or an answer did not decrypt or read
              64  usage error or invalid parameter
              66  an input file (--file, --data-json) cannot be read
              69  rate limited, server error or no answer (after the retries)
              77  IP address not allowed, or the key was refused
              78  invalid or missing key, or an unreadable key file
            """,
        subcommands: [APISubmission.self, APIImage.self, APIAML.self, APITokens.self, APISettings.self]
    )

    @OptionGroup var options: APIOptions
}

/// The options every `liveform api` command takes.
struct APIOptions: ParsableArguments {
    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp(
            "The API's base URL (default: LIVEFORM_API_BASE_URL, else the vendor's production API).", valueName: "url"))
    var baseURL: String?

    @Flag(inversion: .prefixedNo, help: "Whether the project has Secure Data Transfer on (default: on).")
    var secureDataTransfer = true

    @OptionGroup var keys: KeyOptions

    @Flag(help: "Indent JSON output.")
    var pretty = false

    /// Runs `body` with a client configured from the options, the environment and the key.
    func withClient<R: Sendable>(_ body: (ArgosClient) async throws -> R) async throws -> R {
        let context = CLIContext.current
        let apiKey = try keys.credential()
        var configuration = ArgosClient.Configuration()
        configuration.baseURL = baseURL ?? context.environment["LIVEFORM_API_BASE_URL"] ?? ArgosClient.Configuration.defaultBaseURL
        configuration.secureDataTransfer = secureDataTransfer
        return try await withArgosClient(apiKey: apiKey, configuration: configuration, body)
    }

    func print(_ value: JSONValue) {
        CLIContext.current.write((pretty ? value.prettyJSONText : value.jsonText) + "\n")
    }

    func print(_ object: JSONObject) { print(.object(object)) }
}

extension KeyOptions {
    /// The API key as issued (the header needs the credential itself, not a derived key):
    /// exactly one of `--key-file`, `--key-env`, `--key`, or `LIVEFORM_KEY`.
    func credential() throws -> String {
        let context = CLIContext.current
        guard keyHex.isEmpty else {
            throw LiveformError(.invalidKey, "the API needs the API key itself; --key-hex gives only a derived key")
        }
        var credentials: [String] = []
        for path in keyFiles {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LiveformError(.invalidKey, "cannot read the key file '\(path)'")
            }
            var text = String(decoding: data, as: UTF8.self)
            while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
            credentials.append(text)
        }
        for name in keyEnvironment {
            guard let value = context.environment[name] else {
                throw LiveformError(.invalidKey, "the environment variable \(name) is not set")
            }
            credentials.append(value)
        }
        if !keyValue.isEmpty {
            context.writeError(
                "warning: --key leaves the key in your shell history and the process list; prefer --key-file, --key-env or LIVEFORM_KEY")
            credentials += keyValue
        }
        if credentials.isEmpty, let value = context.environment["LIVEFORM_KEY"] { credentials.append(value) }
        guard let credential = credentials.first else { throw LiveformError(.invalidKey, "no key given") }
        guard credentials.count == 1 else { throw CLIFailure.usage("the API takes exactly one key, got \(credentials.count)") }
        // The same check as everywhere: empty or padded with whitespace is invalidKey.
        _ = try AES256.Key(credential: credential)
        return credential
    }
}

// MARK: submission

struct APISubmission: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission", abstract: "Get, list, review, update and delete submissions.",
        subcommands: [Get.self, List.self, Review.self, Update.self, Delete.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one submission.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The submission id.") var id: String

        func run() async throws {
            let submission = try await api.withClient { try await $0.submission(id: id) }
            api.print(submission.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a JSON array of submissions: one page, or every page with --all.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Option(help: "Only this user's submissions.") var userid: String?
        @Option(help: "Only submissions with this email.") var email: String?
        @Option(help: ArgumentHelp("Created on or after this day.", valueName: "YYYY-MM-DD")) var from: String?
        @Option(help: ArgumentHelp("Created on or before this day.", valueName: "YYYY-MM-DD")) var to: String?
        @Option(help: "The request type: kyc, aml, data or others.") var type: String?
        @Option(name: .customLong("page-size"), help: "Submissions a page (the vendor's default is 50).") var pageSize: Int?
        @Flag(help: "Fetch every page, not only the first.") var all = false

        func run() async throws {
            var requestType: SubmissionQuery.RequestType?
            if let type {
                guard let known = SubmissionQuery.RequestType(name: type) else {
                    throw CLIFailure.usage("--type must be kyc, aml, data or others")
                }
                requestType = known
            }
            let query = SubmissionQuery(
                userid: userid, email: email, startDate: from, endDate: to, requestType: requestType,
                pageSize: pageSize)
            let all = all
            let items = try await api.withClient { client in
                var items: [JSONValue] = []
                for try await page in client.submissionPages(query) {
                    items += page.submissions.map { .object($0.json) }
                    if !all { break }
                }
                return items
            }
            api.print(.array(items))
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve or reject a submission.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The submission id.") var id: String
        @Flag(help: "Approve.") var approve = false
        @Flag(help: "Reject (needs --comment).") var reject = false
        @Option(help: "Why the submission is rejected.") var comment: String?
        @Option(help: "The reviewer's email.") var admin: String

        func validate() throws {
            guard approve != reject else { throw ValidationError("give exactly one of --approve and --reject") }
            if approve, comment != nil { throw ValidationError("--comment goes with --reject") }
        }

        func run() async throws {
            let review = SubmissionReview(submissionId: id, decision: approve ? .approve : .reject(comment: comment ?? ""), admin: admin)
            api.print(try await api.withClient { try await $0.review(review) }.json)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a submission's data.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The submission id.") var id: String
        @Option(help: "Who changes it.") var admin: String
        @Option(
            name: .customLong("data-json"),
            help: ArgumentHelp(
                "A file with the JSON object of the members to set; - for standard input.",
                valueName: "file"))
        var dataJSON: String

        func run() async throws {
            let bytes = try readInput(dataJSON)
            guard let data = (try? JSONValue(parsing: bytes))?.objectValue else {
                throw CLIFailure.usage("--data-json must hold a JSON object")
            }
            api.print(try await api.withClient { try await $0.updateSubmission(id: id, admin: admin, data: data) }.json)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a submission, or with --fields only parts of it.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The submission id.") var id: String
        @Option(name: .customLong("admin-name"), help: "Who deletes it (without it, no delete webhook is sent).") var adminName: String?
        @Option(help: ArgumentHelp("Delete only these parts, comma-separated (id_image, selfie_image, data, …).", valueName: "a,b"))
        var fields: String?
        @Option(name: .customLong("data-fields"), help: ArgumentHelp("Members of data to delete (with --fields data).", valueName: "x,y"))
        var dataFields: String?

        func validate() throws {
            if fields == nil, dataFields != nil { throw ValidationError("--data-fields goes with --fields") }
            if fields != nil, adminName != nil { throw ValidationError("--admin-name deletes a whole submission; it does not go with --fields") }
        }

        func run() async throws {
            guard let fields else {
                api.print(try await api.withClient { try await $0.deleteSubmission(id: id, adminName: adminName) }.json)
                return
            }
            var parsed: [SubmissionField] = []
            for name in fields.split(separator: ",", omittingEmptySubsequences: false) {
                guard let field = SubmissionField(name: String(name)) else {
                    throw ArgosError(.invalidParameter, "unknown field '\(name)'; see --help")
                }
                parsed.append(field)
            }
            let data = dataFields.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
            api.print(try await api.withClient { try await $0.deleteSubmissionFields(id: id, fields: parsed, dataFields: data) }.json)
        }
    }
}

// MARK: image, aml, settings

struct APIImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Download a submission's image.",
        subcommands: [Get.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an image's bytes to --output; print nothing.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The submission id.") var id: String
        @Option(help: "idImage, idBackImage, selfieImage or addressImage.") var type: String
        @Option(help: ArgumentHelp("Where to write the image.", valueName: "file")) var output: String

        func run() async throws {
            guard let image = SubmissionImage(rawValue: type) else {
                throw CLIFailure.usage("--type must be idImage, idBackImage, selfieImage or addressImage")
            }
            let binary = try await api.withClient { try await $0.image(submissionId: id, image) }
            do {
                try Data(binary.bytes).write(to: URL(filePath: output))
            } catch {
                throw CLIFailure(status: CLI.Status.failed, message: "liveform: cannot write '\(output)'")
            }
        }
    }
}

struct APIAML: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "aml", abstract: "AML screening.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Screen a submission.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The submission id.") var id: String
        @Option(help: "The match score from which a hit counts (0–100).") var threshold: Int?

        func run() async throws {
            api.print(try await api.withClient { try await $0.runAMLScreening(submissionId: id, threshold: threshold) }.json)
        }
    }
}

struct APISettings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "settings", abstract: "Print the project's management settings.")
    @ParentCommand var root: APICommand
    var api: APIOptions { root.options }

    func run() async throws {
        api.print(try await api.withClient { try await $0.projectSettings() }.json)
    }
}

// MARK: tokens

struct APITokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Manage Private Mode tokens.",
        subcommands: [Add.self, Get.self, List.self, Count.self, Delete.self])

    /// Ids from the arguments or from a file (whitespace-separated), not both.
    struct IdSource: ParsableArguments {
        @Argument(help: "Token ids.") var ids: [String] = []
        @Option(help: ArgumentHelp("A file of token ids, one a line.", valueName: "file")) var file: String?

        func read() throws -> [String] {
            guard let file else {
                guard !ids.isEmpty else { throw CLIFailure.usage("give token ids or --file FILE") }
                return ids
            }
            guard ids.isEmpty else { throw CLIFailure.usage("give token ids or --file FILE, not both") }
            let bytes = try readInput(file)
            return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register tokens (500 a request; summaries summed).")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @OptionGroup var source: IdSource

        func run() async throws {
            let ids = try source.read()
            api.print(try await api.withClient { try await $0.addTokens(ids) }.json)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete tokens (100 a request; summaries summed).")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @OptionGroup var source: IdSource

        func run() async throws {
            let ids = try source.read()
            api.print(try await api.withClient { try await $0.deleteTokens(ids) }.json)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one token.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }
        @Argument(help: "The token id.") var id: String

        func run() async throws {
            api.print(try await api.withClient { try await $0.token(id: id) }.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the first page of the token list, as the vendor sent it.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }

        func run() async throws {
            api.print(try await api.withClient { try await $0.tokenPage() }.json)
        }
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print how many tokens the project has.")
        @ParentCommand var root: APICommand
        var api: APIOptions { root.options }

        func run() async throws {
            api.print(try await api.withClient { try await $0.tokenCount() }.json)
        }
    }
}

extension CLI {
    /// The exit status and hint for an API failure.
    static func report(_ error: ArgosError, context: CLIContext) -> Int32 {
        let status: Int32 =
            switch error.kind {
            case .invalidParameter: Status.usage
            case .invalidKey: Status.invalidKey
            case .rateLimited, .serverError, .transport: Status.unavailable
            case .ipNotAllowed, .unauthorized: Status.noPermission
            default: Status.failed
            }
        var line = "liveform: \(error.kind): \(error.reason)"
        if let code = error.status, !line.contains("HTTP \(code)") { line += " (HTTP \(code))" }
        var vendor: [String] = []
        if let message = error.vendorMessage { vendor.append(message) }
        if let code = error.vendorCode { vendor.append("code \(code)") }
        context.writeError(line + (vendor.isEmpty ? "" : "\nvendor: " + vendor.joined(separator: "; ")))
        return status
    }
}
