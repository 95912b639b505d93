import Foundation
package import Liveform

/// The projects a sandbox plays ARGOS for, read from the `--config` file
/// (`{"projects":[P, …]}`), every member but `pid` and `apiKey` defaulted.
///
/// Members the sandbox does not know are rejected, naming them: a misspelt `returnUrl`
/// silently ignored would leave a developer wondering why no redirect happens.
package struct SandboxConfiguration: Sendable {
    /// The projects, in the file's order; their `pid`s and `apiKey`s are distinct.
    package var projects: [SandboxProject]

    /// A configuration of `projects`.
    package init(projects: [SandboxProject]) {
        self.projects = projects
    }

    /// The project `pid`, if configured.
    package func project(pid: String) -> SandboxProject? { projects.first { $0.pid == pid } }

    /// The project whose API key is `apiKey`, if configured.
    package func project(apiKey: String) -> SandboxProject? { projects.first { $0.apiKey == apiKey } }

    /// Reads a configuration file's JSON.
    ///
    /// - Throws: ``SandboxConfigurationError`` naming the first member that is wrong.
    package init<Bytes: Collection<UInt8>>(json bytes: Bytes) throws(SandboxConfigurationError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes, duplicateKeys: .reject)
        } catch {
            throw SandboxConfigurationError(member: "(file)", problem: "not JSON: \(error.reason)")
        }
        guard let object = root.objectValue else {
            throw SandboxConfigurationError(member: "(file)", problem: #"expected an object {"projects":[…]}"#)
        }
        try Self.rejectUnknown(object, known: ["projects"], at: "")
        guard let list = object["projects"] else { throw SandboxConfigurationError(member: "projects", problem: "required") }
        guard let items = list.arrayValue, !items.isEmpty else {
            throw SandboxConfigurationError(member: "projects", problem: "expected a non-empty array of projects")
        }
        var projects: [SandboxProject] = []
        for (index, item) in items.enumerated() {
            let project = try SandboxProject(json: item, at: "projects[\(index)]")
            if projects.contains(where: { $0.pid == project.pid }) {
                throw SandboxConfigurationError(member: "projects[\(index)].pid", problem: "'\(project.pid)' is used by an earlier project")
            }
            // The API key selects the project of a REST call, so it must be unique too.
            if projects.contains(where: { $0.apiKey == project.apiKey }) {
                throw SandboxConfigurationError(member: "projects[\(index)].apiKey", problem: "used by an earlier project")
            }
            projects.append(project)
        }
        self.projects = projects
    }

    static func rejectUnknown(_ object: JSONObject, known: Set<String>, at path: String) throws(SandboxConfigurationError) {
        for name in object.keys where !known.contains(name) {
            throw SandboxConfigurationError(
                member: path.isEmpty ? name : "\(path).\(name)",
                problem: "unknown member; known: \(known.sorted().joined(separator: ", "))")
        }
    }
}

/// A configuration file that cannot be used; `description` reads
/// `projects[0].liveformEncryption: expected "none", "ecb" or "gcm"`.
package struct SandboxConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The member's path, e.g. `projects[1].webhookRetry.factor`.
    package let member: String
    /// What is wrong with it.
    package let problem: String

    /// Creates an error about `member`.
    package init(member: String, problem: String) {
        self.member = member
        self.problem = problem
    }

    /// `member: problem`.
    package var description: String { "\(member): \(problem)" }
}

/// One project of the sandbox (sandbox spec §1).
package struct SandboxProject: Sendable {
    /// How the form reads `encrypted`.
    package enum Encryption: String, Sendable, CaseIterable {
        /// No encryption: every parameter is plain.
        case none
        /// AES-256-ECB.
        case ecb
        /// AES-256-GCM.
        case gcm
    }

    /// When and how often a webhook is retried.
    package struct RetrySchedule: Sendable, Equatable {
        /// Attempts in all, the first included.
        package var attempts: Int
        /// Seconds between the first and the second attempt.
        package var initialDelay: Double
        /// Each later wait is the previous one times this.
        package var factor: Double

        /// ARGOS's schedule: 6 attempts, waiting 1, 2, 4, 8, 16 s between them.
        package static let standard = RetrySchedule(attempts: 6, initialDelay: 1, factor: 2)

        /// A schedule.
        package init(attempts: Int, initialDelay: Double, factor: Double) {
            self.attempts = attempts
            self.initialDelay = initialDelay
            self.factor = factor
        }

        /// Seconds to wait after the `attempt`-th failed attempt (1-based) of a schedule.
        package func delay(after attempt: Int) -> Double {
            initialDelay * pow(factor, Double(max(0, attempt - 1)))
        }
    }

    /// The Return URL fields ARGOS sends when a project lists none.
    package static let defaultReturnFields = ["kycStatus", "userid", "email", "submissionId", "cf1", "cf2", "cf3"]

    /// The project id.
    package var pid: String
    /// The API key as issued: the `x-api-key` header, and the Secure Data Transfer, webhook
    /// and Return URL key.
    package var apiKey: String
    /// The Liveform secretKey; URLs are decoded with it first, then with the API key.
    package var secretKey: String?
    /// How the form reads `encrypted`.
    package var liveformEncryption: Encryption = .ecb
    /// Plain parameters other than `pid` and `lang` are ignored.
    package var encryptionOnly = false
    /// REST bodies and webhooks are encrypted.
    package var secureDataTransfer = true
    /// A URL's `token` must be in the token pool.
    package var privateMode = false
    /// Where webhooks are POSTed; none are queued without it.
    package var webhookURL: String?
    /// Where the browser goes after completion.
    package var returnURL: String?
    /// The Return URL's fields, in order.
    package var returnFields = SandboxProject.defaultReturnFields
    /// The Return URL carries one `encrypted` (ECB, API key) instead of plain fields.
    package var returnEncrypted = true
    /// Redirect at once instead of showing the result page.
    package var skipResultPage = false
    /// Who may review, update and delete.
    package var admins = ["admin@example.com"]
    /// The webhook delivery schedule.
    package var webhookRetry = RetrySchedule.standard

    /// The AES key of the API key.
    package let apiAESKey: AES256.Key
    /// The AES key of the secretKey, if any.
    package let secretAESKey: AES256.Key?

    /// A project with every optional member at its default.
    package init(pid: String, apiKey: String, secretKey: String? = nil) throws(LiveformError) {
        self.pid = pid
        self.apiKey = apiKey
        self.secretKey = secretKey
        apiAESKey = try AES256.Key(credential: apiKey)
        secretAESKey = try secretKey.map { (key) throws(LiveformError) in try AES256.Key(credential: key) }
    }

    /// The keys that decode a Liveform URL, in order: the secretKey, then the API key.
    package var urlKeys: [AES256.Key] { [secretAESKey, apiAESKey].compactMap { $0 } }

    static let members: Set<String> = [
        "pid", "apiKey", "secretKey", "liveformEncryption", "encryptionOnly", "secureDataTransfer", "privateMode",
        "webhookURL", "returnURL", "returnFields", "returnEncrypted", "skipResultPage", "admins", "webhookRetry",
    ]

    init(json: JSONValue, at path: String) throws(SandboxConfigurationError) {
        guard let object = json.objectValue else { throw SandboxConfigurationError(member: path, problem: "expected an object") }
        try SandboxConfiguration.rejectUnknown(object, known: Self.members, at: path)
        let reader = MemberReader(object: object, path: path)
        let pid = try reader.string("pid", required: true)!
        let apiKey = try reader.string("apiKey", required: true)!
        let secretKey = try reader.string("secretKey")
        do {
            try self.init(pid: pid, apiKey: apiKey, secretKey: secretKey)
        } catch {
            // The key itself is never echoed.
            let member = (try? AES256.Key(credential: apiKey)) == nil ? "apiKey" : "secretKey"
            throw SandboxConfigurationError(member: "\(path).\(member)", problem: "not a usable key (empty, or leading or trailing whitespace)")
        }
        if let text = try reader.string("liveformEncryption") {
            guard let value = Encryption(rawValue: text) else {
                throw reader.error("liveformEncryption", #"expected "none", "ecb" or "gcm""#)
            }
            liveformEncryption = value
        }
        encryptionOnly = try reader.bool("encryptionOnly") ?? encryptionOnly
        if encryptionOnly, liveformEncryption == .none {
            throw reader.error("encryptionOnly", #"needs liveformEncryption "ecb" or "gcm""#)
        }
        secureDataTransfer = try reader.bool("secureDataTransfer") ?? secureDataTransfer
        privateMode = try reader.bool("privateMode") ?? privateMode
        webhookURL = try reader.url("webhookURL")
        returnURL = try reader.url("returnURL")
        if let fields = try reader.strings("returnFields") {
            for field in fields where !ReturnURLResult.knownFields.contains(field) {
                throw reader.error("returnFields", "unknown field '\(field)'; known: \(ReturnURLResult.knownFields.joined(separator: ", "))")
            }
            returnFields = fields
        }
        returnEncrypted = try reader.bool("returnEncrypted") ?? returnEncrypted
        skipResultPage = try reader.bool("skipResultPage") ?? skipResultPage
        admins = try reader.strings("admins") ?? admins
        if let retry = object["webhookRetry"] {
            webhookRetry = try Self.retrySchedule(retry, at: "\(path).webhookRetry")
        }
    }

    private static func retrySchedule(_ json: JSONValue, at path: String) throws(SandboxConfigurationError) -> RetrySchedule {
        guard let object = json.objectValue else { throw SandboxConfigurationError(member: path, problem: "expected an object") }
        try SandboxConfiguration.rejectUnknown(object, known: ["attempts", "initialDelay", "factor"], at: path)
        let reader = MemberReader(object: object, path: path)
        var schedule = RetrySchedule.standard
        if let attempts = try reader.number("attempts") {
            guard let count = Int(exactly: attempts), (1...100).contains(count) else {
                throw reader.error("attempts", "expected a whole number from 1 to 100")
            }
            schedule.attempts = count
        }
        if let delay = try reader.number("initialDelay") {
            guard (0...3600).contains(delay) else { throw reader.error("initialDelay", "expected seconds from 0 to 3600") }
            schedule.initialDelay = delay
        }
        if let factor = try reader.number("factor") {
            guard (1...10).contains(factor) else { throw reader.error("factor", "expected a number from 1 to 10") }
            schedule.factor = factor
        }
        return schedule
    }
}

/// Reads typed members of one object, naming the member in every error.
private struct MemberReader {
    let object: JSONObject
    let path: String

    func error(_ name: String, _ problem: String) -> SandboxConfigurationError {
        SandboxConfigurationError(member: "\(path).\(name)", problem: problem)
    }

    func string(_ name: String, required: Bool = false) throws(SandboxConfigurationError) -> String? {
        guard let value = object[name], !value.isNull else {
            if required { throw error(name, "required") }
            return nil
        }
        guard let text = value.stringValue else { throw error(name, "expected a string") }
        guard !text.isEmpty else { throw error(name, "expected a non-empty string") }
        return text
    }

    func bool(_ name: String) throws(SandboxConfigurationError) -> Bool? {
        guard let value = object[name], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw error(name, "expected true or false") }
        return flag
    }

    func number(_ name: String) throws(SandboxConfigurationError) -> Double? {
        guard let value = object[name], !value.isNull else { return nil }
        guard let number = value.doubleValue else { throw error(name, "expected a number") }
        return number
    }

    func strings(_ name: String) throws(SandboxConfigurationError) -> [String]? {
        guard let value = object[name], !value.isNull else { return nil }
        guard let items = value.arrayValue else { throw error(name, "expected an array of strings") }
        var strings: [String] = []
        for item in items {
            guard let text = item.stringValue, !text.isEmpty else { throw error(name, "expected an array of non-empty strings") }
            strings.append(text)
        }
        return strings
    }

    func url(_ name: String) throws(SandboxConfigurationError) -> String? {
        guard let text = try string(name) else { return nil }
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), text.count > 8 else {
            throw error(name, "expected an http:// or https:// URL")
        }
        return text
    }
}
