import AsyncHTTPClient
import Foundation
import Liveform
import LiveformAPI
import LiveformSandbox
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import LiveformCLI

@Suite("Sandbox REST API, through the SDK's own client (liveform api)")
struct SandboxRESTTests {
    static let apiKey = "sandbox-test-api-key"

    /// `liveform api --base-url SANDBOX/v3 …` in-process; stdout, stderr and the status.
    func api(_ sandbox: RunningSandbox, _ arguments: [String], sdt: Bool = true) async -> (status: Int32, stdout: String, stderr: String) {
        let out = Mutex(Data()), err = Mutex(Data())
        let context = CLIContext(
            environment: ["LIVEFORM_KEY": Self.apiKey], stdin: { Data() },
            stdout: { data in out.withLock { $0.append(data) } },
            stderr: { data in err.withLock { $0.append(data) } })
        let options = ["api", "--base-url", sandbox.base + "/v3"] + (sdt ? [] : ["--no-secure-data-transfer"])
        let status = await CLI.run(arguments: options + arguments, context: context)
        return (status, String(decoding: out.withLock { $0 }, as: UTF8.self), String(decoding: err.withLock { $0 }, as: UTF8.self))
    }

    func submit(_ sandbox: RunningSandbox, decision: String, userid: String) async throws -> String {
        let answer = try await sandbox.post(
            "/_sandbox/submissions",
            body: """
                {"pid":"p1","decision":"\(decision)","params":{"email":"\(userid)@example.com","userid":"\(userid)"}}
                """)
        return try #require(try JSONValue(parsing: answer.body)["submissionId"]?.stringValue)
    }

    @Test("get, list (newest first, paged) and review, with Secure Data Transfer on and off", arguments: [true, false])
    func submissions(sdt: Bool) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.secureDataTransfer = sdt
                    $0.webhookURL = receiver.url
                }
            ]))
        defer { Task { await sandbox.stop() } }
        let first = try await submit(sandbox, decision: "pending", userid: "u-1")
        let second = try await submit(sandbox, decision: "approved", userid: "u-1")
        let third = try await submit(sandbox, decision: "approved", userid: "u-2")

        let got = await api(sandbox, ["submission", "get", first], sdt: sdt)
        #expect(got.status == 0, "\(got.stderr)")
        let object = try JSONValue(parsing: got.stdout)
        #expect(object["submission_id"]?.stringValue == first && object["kyc"]?["result"] == "pending")

        let list = await api(sandbox, ["submission", "list", "--page-size", "1", "--all"], sdt: sdt)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(try JSONValue(parsing: list.stdout).arrayValue?.map { $0["submission_id"]?.stringValue ?? "" } == [third, second, first])
        let mine = await api(sandbox, ["submission", "list", "--userid", "u-2"], sdt: sdt)
        #expect(try JSONValue(parsing: mine.stdout).arrayValue?.count == 1)

        let missing = await api(sandbox, ["submission", "get", "no-such-id"], sdt: sdt)
        #expect(missing.status == 1)

        let stranger = await api(sandbox, ["submission", "review", first, "--approve", "--admin", "x@example.com"], sdt: sdt)
        #expect(stranger.status == 1)
        #expect(stranger.stderr.contains("Access denied. The admin is not registered in the project."))
        let reviewed = await api(sandbox, ["submission", "review", first, "--approve", "--admin", "admin@example.com"], sdt: sdt)
        #expect(reviewed.status == 0, "\(reviewed.stderr)")
        #expect(try JSONValue(parsing: reviewed.stdout)["finalStatus"] == "approved")
        let again = await api(sandbox, ["submission", "review", first, "--approve", "--admin", "admin@example.com"], sdt: sdt)
        #expect(again.stderr.contains("Only submissions in pending status can be reviewed"))
        // created + decision for each of the three, then the review's approved.
        #expect(try await eventually { receiver.received.count == 7 })
        let deliveries = try await sandbox.deliveries()
        #expect(deliveries.last?["trigger"] == "approved" && deliveries.last?["submissionId"]?.stringValue == first)
    }

    @Test("tokens added through the API fill the Private Mode pool")
    func tokens() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project { $0.privateMode = true }]))
        defer { Task { await sandbox.stop() } }
        let added = await api(sandbox, ["tokens", "add", "token-aaaa-0001", "token-aaaa-0002"])
        #expect(added.status == 0, "\(added.stderr)")
        let count = await api(sandbox, ["tokens", "count"])
        #expect(try JSONValue(parsing: count.stdout)["count"] == 2)
        let one = await api(sandbox, ["tokens", "get", "token-aaaa-0002"])
        #expect(try JSONValue(parsing: one.stdout)["tokenId"] == "token-aaaa-0002")
        let page = try await sandbox.get("/?pid=p1&encrypted=" + Self.encryptedToken("token-aaaa-0001"))
        #expect(page.status == 200)
    }

    @Test("the token list pages 100 at a time with nextPageKeyId/Time; request_type other than kyc lists nothing")
    func tokenPagesAndRequestType() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await sandbox.stop() } }
        let client = try ArgosClient(apiKey: Self.apiKey, configuration: .init(baseURL: sandbox.base + "/v3"))
        let ids = (1...250).map { String(format: "token-page-%04d", $0) }
        _ = try await client.addTokens(ids)
        var seen: [String] = [], sizes: [Int] = []
        var page = try await client.tokenPage()
        while true {
            sizes.append(page.tokens.count)
            seen += page.tokens.compactMap { $0["tokenId"]?.stringValue }
            guard let next = page.nextPage else { break }
            page = try await client.tokenPage(after: next)
        }
        #expect(sizes == [100, 100, 50])
        #expect(seen == ids)
        _ = try await submit(sandbox, decision: "approved", userid: "u-9")
        let kyc = try await client.submissionPage(SubmissionQuery(requestType: .kyc))
        #expect(kyc.submissions.count == 1)
        let aml = try await client.submissionPage(SubmissionQuery(requestType: .aml))
        #expect(aml.submissions.isEmpty)
    }

    static func encryptedToken(_ token: String) throws -> String {
        let settings = try LiveformSettings(
            projectId: "p1", encryption: .ecb, credential: .init(kind: .apiKey, key: try AES256.Key(credential: apiKey)))
        var parameters = LiveformParameters()
        parameters.token = token
        let url = try LiveformURLBuilder(settings: settings).url(for: parameters)
        return String(url[url.range(of: "encrypted=")!.upperBound...])
    }

    @Test("vendor shapes: 403 without a known key, 400 for a body that does not decrypt, faults first")
    func errors() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await sandbox.stop() } }
        let anonymous = try await sandbox.get("/v3/submission")
        #expect(anonymous.status == 403 && anonymous.body == #"{"message":"Forbidden"}"#)
        var request = HTTPClientRequest(url: sandbox.base + "/v3/submission/review")
        request.method = .POST
        request.headers.add(name: "x-api-key", value: Self.apiKey)
        request.headers.add(name: "Content-Type", value: "text/plain")
        request.body = .bytes(ByteBuffer(string: "AAAAAAAAAAAAAAAAAAAAAA=="))
        let undecryptable = try await sandbox.send(request)
        #expect(undecryptable.status == 400)
        #expect(undecryptable.body == #"{"errorCode":"Decryption is Failed. Please check the api-key."}"#)
        _ = try await sandbox.post("/_sandbox/faults", body: #"{"method":"GET","path":"/v3/submission","status":503,"times":1,"retryAfter":0}"#)
        var get = HTTPClientRequest(url: sandbox.base + "/v3/submission?submission_id=x")
        get.headers.add(name: "x-api-key", value: Self.apiKey)
        #expect(try await sandbox.send(get).status == 503)
        #expect(try await sandbox.send(get).status == 200)
        // The client retries a 503 on a GET and succeeds on the next answer.
        _ = try await sandbox.post("/_sandbox/faults", body: #"{"path":"/v3/submission","status":503,"times":1,"retryAfter":0}"#)
        let list = await api(sandbox, ["submission", "list"])
        #expect(list.status == 0, "\(list.stderr)")
    }

    @Test("update, AML, image, settings, partial delete and delete: answers and the webhooks they fire")
    func effects() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(.init(projects: [try project { $0.webhookURL = receiver.url }]))
        defer { Task { await sandbox.stop() } }
        let id = try await submit(sandbox, decision: "approved", userid: "u-9")
        let directory = FileManager.default.temporaryDirectory.appending(path: "sandbox-rest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataFile = directory.appending(path: "data.json").path
        try Data(#"{"full_name":"Kim Minji","email":"new@example.com"}"#.utf8).write(to: URL(filePath: dataFile))

        let updated = await api(sandbox, ["submission", "update", id, "--admin", "admin@example.com", "--data-json", dataFile])
        #expect(updated.status == 0, "\(updated.stderr)")
        let denied = await api(sandbox, ["submission", "update", id, "--admin", "who@example.com", "--data-json", dataFile])
        #expect(denied.stderr.contains("Access denied. The admin is not registered in the project."))
        #expect(await api(sandbox, ["aml", "run", id]).status == 0)
        let imageFile = directory.appending(path: "selfie.png").path
        #expect(await api(sandbox, ["image", "get", id, "--type", "selfieImage", "--output", imageFile]).status == 0)
        #expect(FileManager.default.contents(atPath: imageFile)?.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let settings = await api(sandbox, ["settings"])
        #expect(try JSONValue(parsing: settings.stdout)["item"]?["management"]?["secureDataTransfer"] == true)
        let partial = await api(sandbox, ["submission", "delete", id, "--fields", "data", "--data-fields", "full_name"])
        #expect(partial.status == 0, "\(partial.stderr)")
        var bad = HTTPClientRequest(url: sandbox.base + "/v3/submission/partial?submission_id=\(id)&fields=colour")
        bad.method = .DELETE
        bad.headers.add(name: "x-api-key", value: Self.apiKey)
        let refused = try await sandbox.send(bad)
        #expect(refused.status == 400 && refused.body == #"{"message":"invalid fields found in fields: colour","statusCode":400}"#)
        let deleted = await api(sandbox, ["submission", "delete", id, "--admin-name", "admin@example.com"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(await api(sandbox, ["submission", "get", id]).status == 1)

        // created, approved, then updated, aml, delete; the partial delete fires none.
        #expect(try await eventually { receiver.received.count == 5 })
        let events = try receiver.received.map { try WebhookDecoder(keys: [try AES256.Key(credential: Self.apiKey)]).decode(body: Array($0.utf8)) }
        #expect(events.map(\.trigger.rawValue) == ["created", "approved", "updated", "aml", "delete"])
        #expect(events[2].json["data"]?["update"] == ["full_name", "email"])
        #expect(events[2].json["email"] == "new@example.com")
        #expect(events[3].json["aml_result"]?["currentstatus"] == "No Hit")
        #expect(events[4].json["account_email"] == "admin@example.com")
    }

    @Test("the image PUT (multipart, through ArgosClient) replaces what GET /image answers")
    func images() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await sandbox.stop() } }
        let id = try await submit(sandbox, decision: "pending", userid: "u-3")
        let client = try ArgosClient(apiKey: Self.apiKey, configuration: .init(baseURL: sandbox.base + "/v3"))
        let placeholder = try await client.image(submissionId: id, .idImage)
        #expect(placeholder.contentType == "image/png" && placeholder.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("sandbox selfie".utf8)
        _ = try await client.replaceImages(.init(submissionId: id, admin: "admin@example.com", images: [.selfieImage: jpeg]))
        let selfie = try await client.image(submissionId: id, .selfieImage)
        #expect(selfie.bytes == jpeg && selfie.contentType == "image/jpeg")
        await #expect(throws: ArgosError.self) {
            _ = try await client.replaceImages(.init(submissionId: id, admin: "who@example.com", images: [.selfieImage: jpeg]))
        }
    }

    /// REST bodies anyone can send: each gets the vendor's 4xx, never a crash or a hang, and the
    /// sandbox keeps serving.
    static let hostileBodies: [(name: String, body: @Sendable () throws -> String, status: Int, answer: String)] = [
        ("over the 16 MiB limit", { String(repeating: "A", count: (16 << 20) + 16) }, 413, ""),
        ("empty token text", { " " }, 400, decryptionFailed),
        ("not base64", { "%%%not base64%%%" }, 400, decryptionFailed),
        ("plain JSON to a Secure Data Transfer project", { #"{"submissionId":"x","status":"approved"}"# }, 400, decryptionFailed),
        (
            "encrypted under another key",
            {
                String(decoding: try APIBodyCodec(key: AES256.Key(credential: "DEMO-ONLY-other-key")).encrypt(#"{"a":1}"#.utf8), as: UTF8.self)
            }, 400, decryptionFailed
        ),
        (
            "a token whose plaintext is not JSON", { try TokenCipher(mode: .ecb).encrypt(Array("not json".utf8), using: key) }, 400,
            decryptionFailed
        ),
        (
            "a JSON array, not an object", { try TokenCipher(mode: .ecb).encrypt(Array("[1,2]".utf8), using: key) }, 400,
            #"{"message":"the body must be a JSON object","statusCode":400}"#
        ),
        (
            "wrong member types",
            {
                try TokenCipher(mode: .ecb).encrypt(Array(#"{"submissionId":5,"status":true,"admin":[]}"#.utf8), using: key)
            }, 400, ""
        ),
        // Past the JSON depth ceiling the plaintext is not JSON the SDK accepts: the same uniform error.
        (
            "deep nesting", { try TokenCipher(mode: .ecb).encrypt(Array(String(repeating: "[", count: 50_000).utf8), using: key) }, 400,
            decryptionFailed
        ),
    ]
    static let decryptionFailed = #"{"errorCode":"Decryption is Failed. Please check the api-key."}"#
    static let key = try! AES256.Key(credential: apiKey)

    @Test(
        "hostile REST bodies: oversized, malformed, wrong types, wrong encryption get a 4xx; the sandbox keeps serving",
        arguments: hostileBodies.indices)
    func hostileREST(_ index: Int) async throws {
        let hostile = Self.hostileBodies[index]
        let sandbox = try await RunningSandbox.start(.init(projects: [try project(key: Self.apiKey)]))
        defer { Task { await sandbox.stop() } }
        var request = HTTPClientRequest(url: sandbox.base + "/v3/submission/review")
        request.method = .POST
        request.headers.add(name: "x-api-key", value: Self.apiKey)
        request.headers.add(name: "Content-Type", value: "text/plain")
        request.body = .bytes(ByteBuffer(string: try hostile.body()))
        let answer = try await sandbox.send(request)
        #expect(answer.status == hostile.status, "\(hostile.name): \(answer.status) \(answer.body.prefix(200))")
        if !hostile.answer.isEmpty { #expect(answer.body == hostile.answer, "\(hostile.name)") }
        #expect((400..<500).contains(answer.status), "\(hostile.name)")
        #expect(try await sandbox.get("/_sandbox/deliveries").status == 200, "still serving after \(hostile.name)")
    }
}
