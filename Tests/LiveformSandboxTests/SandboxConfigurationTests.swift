import Foundation
import Liveform
import LiveformSandbox
import Synchronization
import Testing

@testable import LiveformCLI

@Suite("Sandbox configuration")
struct SandboxConfigurationTests {
    @Test("a minimal project gets every default of the table")
    func defaults() throws {
        let configuration = try SandboxConfiguration(json: Array(#"{"projects":[{"pid":"p","apiKey":"k-1"}]}"#.utf8))
        let project = try #require(configuration.projects.first)
        #expect(project.liveformEncryption == .ecb)
        #expect(!project.encryptionOnly && project.secureDataTransfer && !project.privateMode)
        #expect(project.webhookURL == nil && project.returnURL == nil && project.secretKey == nil)
        #expect(project.returnFields == ["kycStatus", "userid", "email", "submissionId", "cf1", "cf2", "cf3"])
        #expect(project.returnEncrypted && !project.skipResultPage)
        #expect(project.admins == ["admin@example.com"])
        #expect(project.webhookRetry == .init(attempts: 6, initialDelay: 1, factor: 2))
        #expect([1, 2, 3, 4, 5].map(project.webhookRetry.delay(after:)) == [1, 2, 4, 8, 16])
    }

    static let invalid: [(json: String, message: String)] = [
        (
            #"{"projects":[{"pid":"p","apiKey":"k","liveformEncryption":"cbc"}]}"#,
            #"projects[0].liveformEncryption: expected "none", "ecb" or "gcm""#
        ),
        (#"{"projects":[{"pid":"p"}]}"#, "projects[0].apiKey: required"),
        (#"{"projects":[{"pid":"p","apiKey":"k","returnUrl":"http://x.test/"}]}"#, "projects[0].returnUrl: unknown member"),
        (#"{"projects":[{"pid":"p","apiKey":"k","encryptionOnly":"yes"}]}"#, "projects[0].encryptionOnly: expected true or false"),
        (#"{"projects":[{"pid":"p","apiKey":"k","webhookRetry":{"factor":"2"}}]}"#, "projects[0].webhookRetry.factor: expected a number"),
        (#"{"projects":[{"pid":"p","apiKey":"k","webhookRetry":{"attempts":0}}]}"#, "projects[0].webhookRetry.attempts:"),
        (#"{"projects":[{"pid":"p","apiKey":"k","returnFields":["kycStatus","colour"]}]}"#, "projects[0].returnFields: unknown field 'colour'"),
        (#"{"projects":[{"pid":"p","apiKey":"k","webhookURL":"ftp://x"}]}"#, "projects[0].webhookURL: expected an http"),
        (#"{"projects":[{"pid":"p","apiKey":" k"}]}"#, "projects[0].apiKey: not a usable key"),
        (#"{"projects":[{"pid":"p","apiKey":"k"},{"pid":"p","apiKey":"k2"}]}"#, "projects[1].pid:"),
        (#"{"projects":[{"pid":"p","apiKey":"k"},{"pid":"q","apiKey":"k"}]}"#, "projects[1].apiKey:"),
        (
            #"{"projects":[{"pid":"p","apiKey":"k","liveformEncryption":"none","encryptionOnly":true}]}"#,
            "projects[0].encryptionOnly: needs liveformEncryption"
        ),
        (#"{"projects":[]}"#, "projects: expected a non-empty array"),
        (#"{"project":[]}"#, "project: unknown member"),
        (#"{"projects":[1]}"#, "projects[0]: expected an object"),
        ("not json", "(file): not JSON"),
    ]

    @Test("an invalid file names the member", arguments: invalid)
    func invalidNamesMember(_ example: (json: String, message: String)) {
        #expect {
            try SandboxConfiguration(json: Array(example.json.utf8))
        } throws: { error in
            "\(error)".hasPrefix(example.message)
        }
    }

    @Test("a key is never echoed in a configuration error")
    func keyNotEchoed() {
        #expect {
            try SandboxConfiguration(json: Array(#"{"projects":[{"pid":"p","apiKey":"secret-value ","x":1}]}"#.utf8))
        } throws: { error in
            !"\(error)".contains("secret-value")
        }
    }

    @Test("liveform sandbox --config with an invalid file exits 64 naming the member; nothing starts")
    func cliUsageError() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sandbox-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "config.json").path
        try Data(#"{"projects":[{"pid":"p","apiKey":"k","liveformEncryption":"aes"}]}"#.utf8).write(to: URL(filePath: file))
        let out = Mutex(Data()), err = Mutex(Data())
        let context = CLIContext(
            environment: [:], stdin: { Data() },
            stdout: { data in out.withLock { $0.append(data) } },
            stderr: { data in err.withLock { $0.append(data) } })
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: CLI.run(arguments: ["sandbox", "--port", "0", "--config", file], context: context))
            }
        }
        #expect(status == 64)
        let stderr = String(decoding: err.withLock { $0 }, as: UTF8.self)
        #expect(stderr.contains(#"projects[0].liveformEncryption: expected "none", "ecb" or "gcm""#))
        #expect(out.withLock { $0 }.isEmpty)
    }
}
