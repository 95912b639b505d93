import Foundation
import Hummingbird
import HummingbirdTesting
import Liveform
import LiveformHummingbird
import LiveformTestSupport
import Synchronization
import Testing

@testable import LiveformCLI

/// Runs `liveform` in-process with captured streams, on a Dispatch thread: the CLI waits for
/// its async work, and must not hold one of the few threads of the concurrency pool.
struct CLIOutcome {
    let status: Int32
    let stdout: String
    let stderr: String

    static func run(_ arguments: [String], environment: [String: String] = [:]) async -> CLIOutcome {
        let out = Mutex(Data()), err = Mutex(Data())
        let context = CLIContext(
            environment: environment, stdin: { Data() },
            stdout: { data in out.withLock { $0.append(data) } },
            stderr: { data in err.withLock { $0.append(data) } })
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: CLI.run(arguments: arguments, context: context)) }
        }
        return CLIOutcome(
            status: status, stdout: String(decoding: out.withLock { $0 }, as: UTF8.self),
            stderr: String(decoding: err.withLock { $0 }, as: UTF8.self))
    }
}

/// A `liveform webhook listen` process, read line by line.
struct ListenProcess {
    static let binary = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: ".build/debug/liveform").path

    private let process: ChildProcess
    let url: String

    /// Starts the binary on a free port; nil when it was not built (recorded as an issue under CI).
    static func start(_ arguments: [String], environment: [String: String]) async throws -> ListenProcess? {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("\(binary) was not built")
            } else {
                print("SKIPPED: \(binary) not built")
            }
            return nil
        }
        let process = try ChildProcess(
            binary, ["webhook", "listen", "--port", "0"] + arguments,
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a })
        let ready = try await Self.line(0, of: process)
        guard ready.hasPrefix("listening on http://127.0.0.1:"), ready.hasSuffix("/hook") else {
            process.send(SIGKILL)
            throw ListenFailed(line: ready)
        }
        return ListenProcess(process: process, url: String(ready.dropFirst("listening on ".count)))
    }

    struct ListenFailed: Error { let line: String }

    private static func line(_ index: Int, of process: ChildProcess) async throws -> String {
        for _ in 0..<1200 {
            let lines = process.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            if lines.count > index { return String(lines[index]) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ListenFailed(line: "no line \(index) within 1,200 polls (60 s)")
    }

    /// The `index`th line (0 is the ready line).
    func line(_ index: Int) async throws -> String { try await Self.line(index, of: process) }

    /// Stops it with SIGTERM, as a developer's Ctrl-C would; the termination status.
    func stop() async throws -> Int32 {
        process.send(SIGTERM)
        return try await process.finish(within: .seconds(60)).status
    }
}

@Suite("liveform webhook listen and send, end to end over loopback")
struct WebhookCLITests {
    static let environment = ["LIVEFORM_KEY": "DEMO-ONLY-cli-webhook-key"]

    @Test("send posts each trigger's sample, encrypted; the SDK's responder reads it")
    func sendToResponder() async throws {
        let received = Mutex<[WebhookEvent]>([])
        let router = Router(context: WebhookRequestContext.self)
        let key = try AES256.Key(credential: Self.environment["LIVEFORM_KEY"]!)
        router.webhook("/in", decoder: WebhookDecoder(keys: [key])) { event, _ in received.withLock { $0.append(event) } }
        try await Application(router: router).test(.live) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))/in"
            for trigger in WebhookTrigger.documented {
                let sent = await CLIOutcome.run(["webhook", "send", "--to", url, "--trigger", trigger.rawValue], environment: Self.environment)
                #expect(sent.status == 0, "\(trigger): \(sent.stderr)")
                #expect(sent.stdout == "<-- [200] POST \(url)\n")
            }
            let renamed = await CLIOutcome.run(
                ["webhook", "send", "--to", url, "--trigger", "rejected", "--submission-id", "sub-X"],
                environment: Self.environment)
            #expect(renamed.status == 0)
            let file = FileManager.default.temporaryDirectory.appending(path: "liveform-send-\(UUID().uuidString).json")
            try Data(#"{"webhook_trigger":"approved","submission_id":"from-file","custom":[1]}"#.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let fromFile = await CLIOutcome.run(["webhook", "send", "--to", url, "--event-json", file.path], environment: Self.environment)
            #expect(fromFile.status == 0, "\(fromFile.stderr)")
        }
        let events = received.withLock { $0 }
        #expect(events.map(\.trigger) == WebhookTrigger.documented + [.rejected, .approved])
        for (event, trigger) in zip(events, WebhookTrigger.documented) {
            #expect(event.json == WebhookSamples.event(for: trigger), "\(trigger)")
        }
        #expect(events.dropLast().last?.submissionId == "sub-X" && events.dropLast().last?.kycResult?.commentCode == "ID_EXPIRED")
        #expect(events.last?.submissionId == "from-file" && events.last?.json["custom"] == [1])
    }

    @Test("send's exit statuses: 1 for a non-2xx answer, 69 when nothing answers, 64 for an unknown trigger")
    func sendStatuses() async throws {
        let router = Router(context: WebhookRequestContext.self)
        router.webhook("/in", decoder: WebhookDecoder(keys: [try AES256.Key(credential: "DEMO-ONLY-other")])) { _, _ in }
        let closedPort = try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)/in"
            let refused = await CLIOutcome.run(["webhook", "send", "--to", url, "--trigger", "aml"], environment: Self.environment)
            #expect(refused.status == 1 && refused.stdout == "<-- [403] POST \(url)\n")
            let plain = await CLIOutcome.run(["webhook", "send", "--to", url, "--trigger", "aml", "--no-secure-data-transfer"])
            #expect(plain.status == 1 && plain.stdout == "<-- [400] POST \(url)\n", "\(plain.stderr)")
            return port
        }
        // The test server has stopped: nothing answers on its port any more.
        let nobody = await CLIOutcome.run(
            ["webhook", "send", "--to", "http://127.0.0.1:\(closedPort)/in", "--trigger", "aml"],
            environment: Self.environment)
        #expect(nobody.status == 69 && nobody.stdout.isEmpty && nobody.stderr.contains("nothing answers"))
        let unknown = await CLIOutcome.run(["webhook", "send", "--to", "http://127.0.0.1:1/", "--trigger", "nosuch"], environment: Self.environment)
        #expect(unknown.status == 64)
        let noURL = await CLIOutcome.run(["webhook", "send", "--to", "ftp://x", "--trigger", "aml"], environment: Self.environment)
        #expect(noURL.status == 64)
    }

    @Test("listen prints the ready line, then one JSON line per request: accepted events and rejections")
    func listen() async throws {
        guard let listener = try await ListenProcess.start(["--path", "/hook"], environment: Self.environment) else { return }
        // Stopped below; if the test throws first, the child is killed with its handle.
        let sent = await CLIOutcome.run(["webhook", "send", "--to", listener.url, "--trigger", "token_expired"], environment: Self.environment)
        #expect(sent.status == 0, "\(sent.stderr)")
        let accepted = try JSONValue(parsing: try await listener.line(1))
        #expect(accepted["status"] == 200 && accepted["trigger"] == "token_expired" && accepted["submissionId"] == .null)
        #expect(accepted["event"]?.objectValue == WebhookSamples.event(for: .tokenExpired))
        let withId = await CLIOutcome.run(["webhook", "send", "--to", listener.url, "--trigger", "approved"], environment: Self.environment)
        #expect(withId.status == 0)
        let approved = try JSONValue(parsing: try await listener.line(2))
        #expect(approved["trigger"] == "approved" && approved["submissionId"] == "sub-DEMO-0001")
        // Another key: 403 and the category, never the reason or the body.
        let wrongKey = await CLIOutcome.run(
            ["webhook", "send", "--to", listener.url, "--trigger", "aml"],
            environment: ["LIVEFORM_KEY": "DEMO-ONLY-not-this-one"])
        #expect(wrongKey.status == 1 && wrongKey.stdout.hasPrefix("<-- [403] POST "))
        #expect(try await listener.line(3) == #"{"status":403,"error":"decryptionFailed"}"#)
        let plain = await CLIOutcome.run(["webhook", "send", "--to", listener.url, "--trigger", "aml", "--no-secure-data-transfer"])
        #expect(plain.status == 1)
        #expect(try await listener.line(4) == #"{"status":400,"error":"malformedInput"}"#)
        #expect(try await listener.stop() == 0)
    }

    @Test("listen refuses a bad --allow entry and a missing key with the documented statuses")
    func listenUsage() async {
        #expect(await CLIOutcome.run(["webhook", "listen", "--allow", "not-an-address"], environment: Self.environment).status == 64)
        #expect(await CLIOutcome.run(["webhook", "listen", "--port", "70000"], environment: Self.environment).status == 64)
        #expect(await CLIOutcome.run(["webhook", "listen"]).status == 78)
    }
}

@Suite("liveform webhook listen: the accepted line")
struct AcceptedLineTests {
    static let key = try! AES256.Key(credential: "DEMO-ONLY-line-key")

    static func decoded(_ plaintext: String) throws -> WebhookEvent {
        let body = try WebhookEncoder(key: key).encode(Array(plaintext.utf8))
        return try WebhookDecoder(keys: [key]).decode(body: Array(body.utf8))
    }

    @Test(
        "compact plaintext is printed as sent; anything else is written compactly; the line is always one JSON line",
        arguments: [
            #"{"webhook_trigger":"delete","submission_id":"s \"1\"","comment":"a b\\ c"}"#,
            "{\"webhook_trigger\": \"delete\",\n  \"submission_id\": \"s \\\"1\\\"\", \"comment\":\"a b\\\\ c\"}",
            "{\"webhook_trigger\":\"delete\"}\r\n",
        ])
    func line(plaintext: String) throws {
        let event = try Self.decoded(plaintext)
        let line = String(decoding: acceptedLine(event), as: UTF8.self)
        #expect(line.hasSuffix("}\n") && line.dropLast().allSatisfy { $0 != "\n" && $0 != "\r" })
        let value = try JSONValue(parsing: String(line.dropLast()))
        #expect(value["status"] == 200 && value["trigger"] == "delete")
        #expect(value["event"]?.objectValue == event.json)
        #expect(line.contains(#""event":{"webhook_trigger":"delete""#), "not compact: \(line)")
        // Copied as it is only when compact: spaces inside strings do not count, between tokens they do.
        let compact = #"{"webhook_trigger":"delete","a":"x y","b":["\""," ",": "]}"#
        #expect(try Self.decoded(compact).compactPlaintext == Array(compact.utf8))
        for spaced in [
            #"{"webhook_trigger": "delete"}"#, "{\"webhook_trigger\":\"delete\"}\n", " {\"webhook_trigger\":\"delete\"}",
            #"{"webhook_trigger":"delete","b":[1 ,2]}"#,
        ] {
            #expect(try Self.decoded(spaced).compactPlaintext == nil, "\(spaced)")
        }
    }
}
