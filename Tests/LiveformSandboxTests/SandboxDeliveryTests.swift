import AsyncHTTPClient
import Foundation
import Liveform
import LiveformSandbox
import NIOCore
import NIOHTTP1
import Testing

@Suite("Sandbox webhooks, control API, state and hostile input")
struct SandboxDeliveryTests {
    static let apiKey = "sandbox-test-api-key"
    static var key: AES256.Key { try! AES256.Key(credential: apiKey) }
    static let fast = SandboxProject.RetrySchedule(attempts: 3, initialDelay: 0.05, factor: 1)

    func submit(_ sandbox: RunningSandbox, decision: String = "approved", pid: String = "p1") async throws -> String {
        let answer = try await sandbox.post(
            "/_sandbox/submissions",
            body: """
                {"pid":"\(pid)","decision":"\(decision)","params":{"email":"kim@example.com","userid":"u-1","cf1":"a","token":"t-00000001"}}
                """)
        #expect(answer.status == 200, "\(answer.body)")
        return try #require(try JSONValue(parsing: answer.body)["submissionId"]?.stringValue)
    }

    func triggers(_ receiver: Receiver) throws -> [String] {
        try receiver.received.map { try WebhookDecoder(keys: [Self.key]).decode(body: Array($0.utf8)).trigger.rawValue }
    }

    @Test("a completion delivers created, then the decision, encrypted (CBC) with the API key")
    func delivers() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(.init(projects: [try project { $0.webhookURL = receiver.url }]))
        defer { Task { await sandbox.stop() } }
        let id = try await submit(sandbox, decision: "pending")
        #expect(try await eventually { receiver.received.count == 2 })
        #expect(try triggers(receiver) == ["created", "submit"])
        let submitted = try WebhookDecoder(keys: [Self.key]).decode(body: Array(receiver.received[1].utf8))
        #expect(submitted.submissionId == id)
        #expect(submitted.json["email"] == "kim@example.com" && submitted.json["tokenId"] == "t-00000001")
        #expect(submitted.json["cf"] == ["cf1": "a"])
        #expect(try await eventually { try await sandbox.deliveries().allSatisfy { $0["status"] == "delivered" } })
        let deliveries = try await sandbox.deliveries()
        #expect(deliveries.map { $0["id"] } == ["1", "2"])
        #expect(deliveries[0]["attempts"]?.arrayValue?.first?["status"] == 200)
    }

    @Test("Secure Data Transfer off: the plain JSON event")
    func plainWebhook() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.webhookURL = receiver.url
                    $0.secureDataTransfer = false
                }
            ]))
        defer { Task { await sandbox.stop() } }
        _ = try await submit(sandbox, decision: "rejected")
        #expect(try await eventually { receiver.received.count == 2 })
        let rejected = try JSONValue(parsing: receiver.received[1])
        #expect(rejected["webhook_trigger"] == "rejected")
        #expect(rejected["kyc_result"]?["status"] == "rejected")
    }

    @Test("a failing receiver: retried on the schedule, one submission's events in order")
    func retriesInOrder() async throws {
        let receiver = try await Receiver.start(failFirst: 2)
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.webhookURL = receiver.url
                    $0.webhookRetry = Self.fast
                }
            ]))
        defer { Task { await sandbox.stop() } }
        _ = try await submit(sandbox)
        #expect(try await eventually { receiver.received.count == 4 })
        // created failed twice, then went through; approved waited for it.
        #expect(try triggers(receiver) == ["created", "created", "created", "approved"])
        #expect(try await eventually { try await sandbox.deliveries().allSatisfy { $0["status"] == "delivered" } })
        let attempts = try await sandbox.deliveries()[0]["attempts"]?.arrayValue ?? []
        #expect(attempts.map { $0["status"] } == [500, 500, 200])
    }

    @Test("failed after the last attempt; the next event still goes; resend queues it again")
    func failsThenResend() async throws {
        let receiver = try await Receiver.start(failFirst: 3)
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.webhookURL = receiver.url
                    $0.webhookRetry = Self.fast
                }
            ]))
        defer { Task { await sandbox.stop() } }
        _ = try await submit(sandbox)
        #expect(try await eventually { try await sandbox.deliveries().map { $0["status"] } == ["failed", "delivered"] })
        #expect(try triggers(receiver) == ["created", "created", "created", "approved"])
        let resent = try await sandbox.post("/_sandbox/deliveries/1/resend", body: "")
        #expect(resent.status == 200)
        #expect(try await eventually { try await sandbox.deliveries().first?["status"] == "delivered" })
        #expect(try await sandbox.deliveries()[0]["attempts"]?.arrayValue?.count == 4)
        #expect(try await sandbox.post("/_sandbox/deliveries/1/resend", body: "").status == 409)
        #expect(try await sandbox.post("/_sandbox/deliveries/99/resend", body: "").status == 404)
    }

    @Test("control events: any trigger, the submission's members, 409 without a webhookURL")
    func controlEvents() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project { $0.webhookURL = receiver.url },
                try project("p2", key: "other-key"),
            ]))
        defer { Task { await sandbox.stop() } }
        let id = try await submit(sandbox)
        let answer = try await sandbox.post(
            "/_sandbox/events",
            body: """
                {"pid":"p1","trigger":"aml_monitor","submissionId":"\(id)","fields":{"monitoring":[{"status":"hit"}]}}
                """)
        #expect(answer.status == 200)
        #expect(try await eventually { receiver.received.count == 3 })
        let event = try WebhookDecoder(keys: [Self.key]).decode(body: Array(receiver.received[2].utf8))
        #expect(event.trigger == .amlMonitor && event.submissionId == id)
        #expect(event.json["email"] == "kim@example.com")
        #expect(event.json["monitoring"] == [["status": "hit"]])
        #expect(try await sandbox.post("/_sandbox/events", body: #"{"pid":"p2","trigger":"retry"}"#).status == 409)
        let fault = try await sandbox.post("/_sandbox/faults", body: #"{"path":"/v3/submission","status":503,"times":2,"retryAfter":1}"#)
        #expect(fault.status == 200)
        #expect(try await sandbox.post("/_sandbox/faults", body: #"{"path":"/v3/submission","status":"503","times":2}"#).status == 400)
    }

    @Test("a restart on the same state file resumes pending deliveries and loses nothing")
    func restartResumes() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sandbox-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appending(path: "state.sqlite").path
        let receiver = try await Receiver.start(failFirst: 1_000)
        defer { Task { await receiver.stop() } }
        let configuration = SandboxConfiguration(projects: [
            try project {
                $0.webhookURL = receiver.url
                $0.webhookRetry = .init(attempts: 20, initialDelay: 0.3, factor: 1)
            }
        ])
        let first = try await RunningSandbox.start(configuration, state: state)
        let id = try await submit(first)
        #expect(try await eventually { receiver.received.count >= 1 })
        await first.stop()
        receiver.state.setFailures(0)
        let second = try await RunningSandbox.start(configuration, state: state)
        defer { Task { await second.stop() } }
        #expect(try await eventually { try await second.deliveries().map { $0["status"] } == ["delivered", "delivered"] })
        #expect(try await second.sandbox.store.submission(id: id, pid: "p1")?.status == "approved")
        let count = receiver.received.count
        // Delivered ones are not sent again by a third start.
        await second.stop()
        let third = try await RunningSandbox.start(configuration, state: state)
        defer { Task { await third.stop() } }
        #expect(try await third.deliveries().count == 2)
        try await Task.sleep(for: .milliseconds(200))
        #expect(receiver.received.count == count)
    }

    @Test("the control API answers loopback peers only")
    func loopbackOnly() throws {
        #expect(Sandbox.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 1)))
        #expect(Sandbox.isLoopback(try SocketAddress(ipAddress: "127.8.9.10", port: 1)))
        #expect(Sandbox.isLoopback(try SocketAddress(ipAddress: "::1", port: 1)))
        #expect(!Sandbox.isLoopback(try SocketAddress(ipAddress: "192.0.2.7", port: 1)))
        #expect(!Sandbox.isLoopback(try SocketAddress(ipAddress: "2001:db8::1", port: 1)))
        #expect(!Sandbox.isLoopback(try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1)))
        #expect(!Sandbox.isLoopback(nil))
    }

    @Test("concurrent completions, REST reads and deliveries: every event delivered once, created first for each submission")
    func concurrent() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(.init(projects: [try project { $0.webhookURL = receiver.url }]))
        defer { Task { await sandbox.stop() } }
        let count = 24
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<count {
                group.addTask { try await submit(sandbox, decision: index.isMultiple(of: 2) ? "approved" : "rejected") }
                group.addTask {
                    var list = HTTPClientRequest(url: sandbox.base + "/v3/submission?count=5")
                    list.headers.add(name: "x-api-key", value: Self.apiKey)
                    let answer = try await sandbox.send(list)
                    #expect(answer.status == 200, "\(answer.body.prefix(200))")
                    return nil
                }
            }
            var ids: [String] = []
            for try await id in group { if let id { ids.append(id) } }
            return ids
        }
        #expect(Set(ids).count == count)
        #expect(try await eventually { receiver.received.count >= 2 * count })
        let events = try receiver.received.map { try WebhookDecoder(keys: [Self.key]).decode(body: Array($0.utf8)) }
        #expect(events.count == 2 * count, "each event once")
        for id in ids {
            let triggers = events.filter { $0.submissionId == id }.map(\.trigger.rawValue)
            #expect(triggers.count == 2 && triggers.first == "created", "\(id): \(triggers)")
        }
        #expect(try await eventually { try await sandbox.deliveries().allSatisfy { $0["status"] == "delivered" } })
    }

    @Test("hostile input: 413 over 1 MiB, 400 for malformed JSON or wrong types, never a crash")
    func hostileInput() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await sandbox.stop() } }
        let huge = try await sandbox.post("/_sandbox/submissions", body: String(repeating: "x", count: (1 << 20) + 4_096))
        #expect(huge.status == 413)
        let cases: [(String, String)] = [
            ("{", "not JSON"), ("[1,2]", "JSON object"), (#"{"pid":5}"#, "pid"),
            (#"{"pid":"p1","decision":"maybe"}"#, "decision"), (#"{"pid":"p1","decision":"approved","params":[1]}"#, "params"),
            (String(repeating: "[", count: 100_000), "not JSON"),
        ]
        for (body, word) in cases {
            let answer = try await sandbox.post("/_sandbox/submissions", body: body)
            #expect(answer.status == 400, "\(body.prefix(40))")
            #expect(try JSONValue(parsing: answer.body)["error"]?.stringValue?.contains(word) == true, "\(answer.body)")
        }
        #expect(try await sandbox.post("/_sandbox/submissions", body: #"{"pid":"nobody","decision":"approved"}"#).status == 404)
        #expect(try await sandbox.post("/_sandbox/complete", body: "session=%zz", contentType: "application/x-www-form-urlencoded").status == 400)
        // The page: a bad escape, a huge token, an unknown pid with markup: refused, nothing echoed unescaped.
        #expect(try await sandbox.get("/?pid=p1&encrypted=%zz").status == 400)
        #expect(try await sandbox.get("/?pid=p1&encrypted=" + String(repeating: "A", count: 70_000)).status == 400)
        let unknown = try await sandbox.get("/?pid=%3Cscript%3E")
        #expect(unknown.status == 404 && !unknown.body.contains("<script>"))
        // Still serving.
        #expect(try await sandbox.get("/_sandbox/deliveries").status == 200)
    }
}
