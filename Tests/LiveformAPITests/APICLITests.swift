import Foundation
import Liveform
import LiveformCLI
import Synchronization
import Testing

/// `liveform api`, run in-process against the fake vendor: output and every exit status.
@Suite("liveform api")
struct APICLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: JSONValue? { try? JSONValue(parsing: stdout) }
    }

    final class Buffer: Sendable {
        private let data = Mutex(Data())
        func append(_ more: Data) { data.withLock { $0.append(more) } }
        var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    static func run(_ arguments: [String], environment: [String: String] = ["LIVEFORM_KEY": FakeArgos.apiKey], stdin: String = "") async -> Run {
        let out = Buffer(), err = Buffer()
        let input = Data(stdin.utf8)
        let context = CLIContext(environment: environment, stdin: { input }, stdout: { out.append($0) }, stderr: { err.append($0) })
        let status = await CLI.run(arguments: ["api"] + arguments, context: context)
        return Run(status: status, stdout: out.text, stderr: err.text)
    }

    static func api(_ fake: FakeArgos) -> [String] {
        ["--base-url", fake.baseURL] + (fake.sdt ? [] : ["--no-secure-data-transfer"])
    }

    @Test("every command succeeds with exit 0 and prints one JSON value", arguments: [true, false])
    func everyCommand(sdt: Bool) async throws {
        try await withFake(sdt: sdt) { fake in
            let base = Self.api(fake)
            let dataFile = try temporaryFile(#"{"city":"Busan","zip":"123"}"#)
            let tokenFile = try temporaryFile((1...601).map { "file-token-\($0)" }.joined(separator: "\n") + "\n")
            let imageFile = FileManager.default.temporaryDirectory.appending(path: "liveform-image-\(UUID().uuidString)").path
            let commands: [[String]] = [
                ["submission", "get", "sub-1"],
                ["submission", "list", "--userid", "u-1", "--from", "2026-01-01", "--to", "2026-12-31", "--type", "kyc", "--page-size", "2"],
                ["submission", "review", "sub-1", "--approve", "--admin", "kim@example.com"],
                ["submission", "review", "sub-2", "--reject", "--comment", "blurry", "--admin", "kim@example.com"],
                ["submission", "update", "sub-2", "--admin", "kim@example.com", "--data-json", dataFile],
                ["submission", "delete", "sub-2", "--fields", "data,ocr", "--data-fields", "city"],
                ["submission", "delete", "sub-6", "--admin-name", "dpo@example.com"],
                ["image", "get", "sub-1", "--type", "idImage", "--output", imageFile],
                ["aml", "run", "sub-1", "--threshold", "75"],
                ["tokens", "add", "token-one-1", "token-two-2"],
                ["tokens", "add", "--file", tokenFile],
                ["tokens", "get", "token-one-1"],
                ["tokens", "list"],
                ["tokens", "count"],
                ["tokens", "delete", "token-one-1"],
                ["tokens", "delete", "--file", tokenFile],
                ["settings"],
            ]
            var outputs: [String: Run] = [:]
            for command in commands {
                let run = await Self.run(base + command)
                #expect(run.status == 0, "\(command): \(run.stderr)")
                #expect(run.stderr.isEmpty, "\(command)")
                if command[0] == "image" {
                    #expect(run.stdout.isEmpty)
                } else {
                    #expect(run.json != nil && run.stdout.hasSuffix("\n") && run.stdout.split(separator: "\n").count == 1, "\(command)")
                }
                outputs[command.joined(separator: " ")] = run
            }
            #expect(outputs["submission get sub-1"]?.stdout.hasPrefix(#"{"submission_id":"sub-1","created_at":"#) == true)
            let list = outputs.first { $0.key.hasPrefix("submission list") }?.value.json?.arrayValue
            #expect(list?.compactMap { $0["submission_id"]?.stringValue } == ["sub-1", "sub-2"])
            #expect(
                outputs["submission review sub-1 --approve --admin kim@example.com"]?.stdout
                    == #"{"submissionId":"sub-1","message":"review updated","finalStatus":"approved"}"# + "\n")
            #expect(outputs["submission delete sub-6 --admin-name dpo@example.com"]?.json?["content"]?["webhook"] == true)
            #expect(try Data(contentsOf: URL(filePath: imageFile)).starts(with: [0xFF, 0xD8]))
            #expect(
                outputs["tokens add --file \(tokenFile)"]?.stdout
                    == #"{"success":true,"message":"tokens saved","summary":{"requested":601,"added":601,"updated":0,"note":"ok"}}"# + "\n")
            #expect(outputs["tokens count"]?.json?["count"] == 603)
            #expect(outputs["tokens delete --file \(tokenFile)"]?.json?["summary"] == ["requested": 601, "deleted": 601, "notFound": 0])
            #expect(outputs["tokens delete --file \(tokenFile)"]?.json?["success"] == true)
            // The vendor saw the token file in batches: 500 + 101 to add, 100 × 6 + 1 to delete.
            let sizes = try await fake.requests().filter { $0["path"] == "/submission/tokens" && $0["json"] != .null }
                .compactMap { $0["json"]?["tokenId"]?.arrayValue?.count }
            #expect(sizes == [2, 500, 101, 1, 100, 100, 100, 100, 100, 100, 1])
        }
    }

    @Test("submission list --all walks every page; --pretty indents")
    func listAll() async throws {
        try await withFake { fake in
            let run = await Self.run(Self.api(fake) + ["--pretty", "submission", "list", "--userid", "u-1", "--page-size", "2", "--all"])
            #expect(run.status == 0)
            #expect(run.json?.arrayValue?.count == 5)
            #expect(run.stdout.hasPrefix("[\n  {\n"))
            let count = try await fake.requestCount()
            #expect(count == 3)
        }
    }

    @Test("LIVEFORM_API_BASE_URL when there is no --base-url; --base-url wins over it")
    func baseURLFromEnvironment() async throws {
        try await withFake { fake in
            let env = ["LIVEFORM_KEY": FakeArgos.apiKey, "LIVEFORM_API_BASE_URL": fake.baseURL]
            #expect(await Self.run(["settings"], environment: env).status == 0)
            let wrong = ["LIVEFORM_KEY": FakeArgos.apiKey, "LIVEFORM_API_BASE_URL": "http://127.0.0.1:9/v3"]
            #expect(await Self.run(["--base-url", fake.baseURL, "settings"], environment: wrong).status == 0)
            let count = try await fake.requestCount()
            #expect(count == 2)
        }
    }

    struct ExitCase: Sendable, CustomTestStringConvertible {
        let name: String
        let fault: String?
        let arguments: [String]
        let environment: [String: String]?
        let status: Int32
        let stderr: [String]
        var testDescription: String { "\(status): \(name)" }
    }

    static let exitCases: [ExitCase] = [
        ExitCase(
            name: "notFound", fault: nil, arguments: ["submission", "get", "sub-404"], environment: nil, status: 1,
            stderr: ["notFound"]),
        ExitCase(
            name: "rejected", fault: #"{"status":400,"body":{"errorCode":"E9","errorMessage":"no way"}}"#,
            arguments: ["settings"], environment: nil, status: 1, stderr: ["rejected", "HTTP 400", "no way", "E9"]),
        ExitCase(
            name: "payloadTooLarge", fault: #"{"status":413,"body":{"message":"too big"}}"#,
            arguments: ["settings"], environment: nil, status: 1, stderr: ["payloadTooLarge", "413", "too big"]),
        ExitCase(
            name: "decryption failed", fault: #"{"status":200,"body":{"data":"bm9wZW5vcGVub3Blbm9wZQ=="}}"#,
            arguments: ["settings"], environment: nil, status: 1, stderr: ["decryptionFailed"]),
        ExitCase(name: "usage: unknown option", fault: nil, arguments: ["settings", "--nope"], environment: nil, status: 64, stderr: []),
        ExitCase(
            name: "usage: --approve and --reject", fault: nil, arguments: ["submission", "review", "s", "--approve", "--reject", "--admin", "a"],
            environment: nil, status: 64, stderr: []),
        ExitCase(
            name: "invalidParameter: reject without comment", fault: nil,
            arguments: ["submission", "review", "sub-1", "--reject", "--admin", "a@b.c"], environment: nil, status: 64,
            stderr: ["invalidParameter"]),
        ExitCase(
            name: "invalidParameter: bad token id", fault: nil, arguments: ["tokens", "add", "short"], environment: nil, status: 64,
            stderr: ["invalidParameter"]),
        ExitCase(
            name: "invalidParameter: unknown field", fault: nil, arguments: ["submission", "delete", "sub-1", "--fields", "nose"],
            environment: nil, status: 64, stderr: ["invalidParameter"]),
        ExitCase(
            name: "tokens file cannot be read", fault: nil, arguments: ["tokens", "add", "--file", "/nonexistent/ids"],
            environment: nil, status: 66, stderr: ["/nonexistent/ids"]),
        ExitCase(
            name: "data file cannot be read", fault: nil,
            arguments: ["submission", "update", "sub-1", "--admin", "a", "--data-json", "/nonexistent/data.json"],
            environment: nil, status: 66, stderr: ["/nonexistent/data.json"]),
        ExitCase(
            name: "rateLimited after retries", fault: #"{"status":429,"count":4,"headers":{"Retry-After":"0"},"body":{"message":"slow down"}}"#,
            arguments: ["tokens", "count"], environment: nil, status: 69, stderr: ["rateLimited", "429", "slow down"]),
        ExitCase(
            name: "serverError after retries", fault: #"{"status":503,"count":4,"headers":{"Retry-After":"0"}}"#,
            arguments: ["tokens", "count"], environment: nil, status: 69, stderr: ["serverError", "503"]),
        ExitCase(
            name: "transport", fault: #"{"drop":true,"count":4}"#, arguments: ["tokens", "count"],
            environment: nil, status: 69, stderr: ["transport"]),
        ExitCase(
            name: "ipNotAllowed", fault: #"{"status":403,"body":{"Message":"... with an explicit deny"}}"#,
            arguments: ["settings"], environment: nil, status: 77, stderr: ["ipNotAllowed", "403", "explicit deny"]),
        ExitCase(
            name: "unauthorized (wrong key)", fault: nil, arguments: ["settings"],
            environment: ["LIVEFORM_KEY": "DEMO-ONLY-wrong-key"], status: 77, stderr: ["unauthorized", "403"]),
        ExitCase(name: "no key", fault: nil, arguments: ["settings"], environment: [:], status: 78, stderr: ["invalidKey"]),
        ExitCase(
            name: "key file cannot be read", fault: nil, arguments: ["--key-file", "/nonexistent/key", "settings"],
            environment: [:], status: 78, stderr: ["invalidKey"]),
        ExitCase(
            name: "key padded with whitespace", fault: nil, arguments: ["settings"], environment: ["LIVEFORM_KEY": " padded "],
            status: 78, stderr: ["invalidKey"]),
    ]

    @Test("exit statuses", arguments: exitCases)
    func exitStatus(_ testCase: ExitCase) async throws {
        try await withFake { fake in
            if let fault = testCase.fault { try await fake.faults("[\(fault)]") }
            let run = await Self.run(
                Self.api(fake) + testCase.arguments,
                environment: testCase.environment ?? ["LIVEFORM_KEY": FakeArgos.apiKey])
            #expect(run.status == testCase.status, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
            // The argument parser's own usage errors carry a usage line; everything else is one or two lines.
            if !testCase.stderr.isEmpty {
                #expect((1...2).contains(run.stderr.split(separator: "\n").count), "\(run.stderr)")
            }
            for needle in testCase.stderr { #expect(run.stderr.contains(needle), "\(needle) in \(run.stderr)") }
            #expect(!run.stderr.contains(FakeArgos.apiKey))
            if testCase.status == 64 || testCase.status == 66 || testCase.status == 78 {
                #expect(try await fake.requestCount() == 0)
            }
            if testCase.status == 69 { #expect(try await fake.requestCount() == 4) }
        }
    }
}

/// A temporary file that disappears with the machine's temporary directory.
func temporaryFile(_ contents: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appending(path: "liveform-api-test-\(UUID().uuidString)")
    try Data(contents.utf8).write(to: url)
    return url.path
}
