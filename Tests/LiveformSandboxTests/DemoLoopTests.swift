import ArgumentParser
import Foundation
import Liveform
import LiveformSandbox
import Synchronization
import Testing

@testable import LiveformCLI

/// `liveform demo`'s last part: the whole loop on the embedded sandbox, run in-process.
@Suite("liveform demo, the loop on the embedded sandbox")
struct DemoLoopTests {
    /// Runs `liveform demo` with buffers for its streams.
    static func demo(_ arguments: [String] = []) async -> (status: Int32, stdout: String, stderr: String) {
        let out = Mutex(Data()), err = Mutex(Data())
        let context = CLIContext(
            environment: [:], stdin: { Data() },
            stdout: { data in out.withLock { $0.append(data) } },
            stderr: { data in err.withLock { $0.append(data) } })
        let status = await CLI.run(arguments: ["demo"] + arguments, context: context)
        return (status, String(decoding: out.withLock { $0 }, as: UTF8.self), String(decoding: err.withLock { $0 }, as: UTF8.self))
    }

    @Test(
        "each step prints its line, in order, the loop agrees, and the demo exits 0 with nothing on stderr",
        arguments: ["openssl", "gcrypt"])
    func steps(backend: String) async throws {
        let run = await Self.demo(["--backend", backend])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        func index(_ prefix: String) -> Int? { lines.firstIndex { $0.hasPrefix(prefix) } }

        let headers = [
            "== 6. The whole loop on the embedded sandbox",
            "   -- step 1/6: sign a Liveform URL",
            "   -- step 2/6: the form reads it",
            "   -- step 3/6: complete it",
            "   -- step 4/6: the redirect to the Return URL",
            "   -- step 5/6: the webhooks",
            "   -- step 6/6: the REST API",
            "== Errors look like this",
        ]
        let positions = headers.map(index)
        #expect(!positions.contains(nil), "missing: \(zip(headers, positions).filter { $0.1 == nil }.map(\.0))")
        let found = positions.compactMap { $0 }
        #expect(found == found.sorted(), "the steps are out of order")

        // What each step shows.
        #expect(lines.contains { $0.hasPrefix("   sandbox            http://127.0.0.1:") })
        #expect(lines.contains { $0.hasPrefix("   URL                http://127.0.0.1:") && $0.contains("?pid=demo-project&encrypted=") })
        #expect(lines.contains("   email              kim.minji@example.com   (encrypted)"))
        #expect(lines.contains("   cf1                order #1001 & more   (encrypted)"))
        #expect(lines.contains("   POST               /_sandbox/complete -> 302"))
        #expect(lines.contains { $0.hasPrefix("   Location           http://127.0.0.1:") && $0.contains("/kyc/done?encrypted=") })
        #expect(lines.filter { $0 == "   kycStatus          approved" }.count >= 2, "step 4 and step 6 both say approved")
        #expect(lines.contains { $0.hasPrefix("   your page          200: your backend's page: verification approved") })
        let created = index("   created            submission ")
        let approved = index("   approved           submission ")
        #expect(created != nil && approved != nil && created! < approved!, "created, then approved")
        #expect(lines.contains { $0.hasPrefix("   approved           submission ") && $0.hasSuffix(", KYC result approved") })
        #expect(lines.contains("   loop               ok: URL, form, Return URL, webhooks and API agree"))
        #expect(run.stdout.hasSuffix("Done. Try: liveform --help\n"))

        // One submission id throughout: the Return URL's, the webhooks', the API's.
        let submission = lines.first { $0.hasPrefix("   submissionId       ") }.map { String($0.dropFirst(22)) } ?? ""
        #expect(submission.count == 24)
        #expect(lines.filter { $0.contains("submission \(submission),") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("   GET                /v3/submission?submission_id=\(submission) -> 200") })

        // The fake credential is named once, in the header; the derived key never appears.
        let keyBytes = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key").withKeyBytes { $0.withUnsafeBytes { Array($0) } }
        let hex = keyBytes.map { String(format: "%02x", $0) }.joined()
        #expect(!run.stdout.lowercased().contains(hex.prefix(16)) && !run.stdout.contains(Data(keyBytes).base64EncodedString().prefix(16)))
        #expect(run.stdout.components(separatedBy: "DEMO-ONLY-not-a-real-argos-api-key").count - 1 == 1)
    }
}

/// The loop's failures: each names its step, and the demo stops what it started.
@Suite("liveform demo, a loop step that fails")
struct DemoLoopFailureTests {
    /// Runs the loop with the sandbox's project changed by `adjust`; the failure it throws.
    static func failure(
        webhookPolls: Int = Demo.webhookPolls, _ adjust: (inout SandboxProject) -> Void
    ) async throws
        -> (failure: CLIFailure?, output: String)
    {
        let out = Mutex(Data())
        let context = CLIContext(
            environment: [:], stdin: { Data() }, stdout: { data in out.withLock { $0.append(data) } },
            stderr: { _ in })
        let demo = try Demo.parse([])
        let key = try AES256.Key(credential: Demo.demoCredential)
        var failure: CLIFailure?
        do {
            try await CLIContext.$current.withValue(context) {
                try await demo.demoSandboxLoop(
                    key: key, section: { _ in }, line: { _, _ in }, webhookPolls: webhookPolls,
                    adjust: adjust)
            }
        } catch let error as CLIFailure {
            failure = error
        }
        return (failure, String(decoding: out.withLock { $0 }, as: UTF8.self))
    }

    @Test("the form cannot read the URL (it expects GCM): step 2, exit status 1")
    func formCannotRead() async throws {
        let run = try await Self.failure { $0.liveformEncryption = .gcm }
        #expect(run.failure?.status == 1)
        #expect(run.failure?.message == "liveform demo: step 2: the Liveform page answered 400", "\(String(describing: run.failure))")
        #expect(!run.output.contains("step 3/6"))
    }

    @Test("no webhook comes (the project has no webhookURL): step 5 gives up after its looks, exit status 1")
    func noWebhooks() async throws {
        let run = try await Self.failure(webhookPolls: 10) { $0.webhookURL = nil }
        #expect(run.failure?.status == 1)
        #expect(
            run.failure?.message.hasPrefix("liveform demo: step 5: the webhooks created and approved did not both arrive within 0.2 s") == true,
            "\(String(describing: run.failure))")
        #expect(run.output.contains("   -- step 5/6") && !run.output.contains("step 6/6"))
    }
}
