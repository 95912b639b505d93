import Foundation
import Liveform
import LiveformAPI
import Logging
import Testing

/// Errors: every kind, every vendor error-body shape, nothing secret in them.
@Suite("ArgosClient: errors")
struct ArgosClientErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let fault: String
        let kind: ArgosError.Kind
        let status: Int?
        let code: String?
        let message: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "403 explicit deny",
            fault: #"{"status":403,"body":{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke with an explicit deny"}}"#,
            kind: .ipNotAllowed, status: 403, code: nil,
            message: "User: anonymous is not authorized to perform: execute-api:Invoke with an explicit deny"),
        Case(
            name: "403 explicit deny as text", fault: #"{"status":403,"text":"explicit deny"}"#,
            kind: .ipNotAllowed, status: 403, code: nil, message: nil),
        Case(
            name: "403 other", fault: #"{"status":403,"body":{"message":"Forbidden"}}"#,
            kind: .unauthorized, status: 403, code: nil, message: "Forbidden"),
        Case(
            name: "401", fault: #"{"status":401,"body":{"message":"Unauthorized"}}"#,
            kind: .unauthorized, status: 401, code: nil, message: "Unauthorized"),
        Case(
            name: "400 {errorCode}", fault: #"{"status":400,"body":{"errorCode":"InvalidSubmissionId"}}"#,
            kind: .rejected, status: 400, code: "InvalidSubmissionId", message: nil),
        Case(
            name: "400 {message,statusCode}", fault: #"{"status":400,"body":{"message":"bad request","statusCode":400}}"#,
            kind: .rejected, status: 400, code: nil, message: "bad request"),
        Case(
            name: "400 {errorCode,errorMessage}", fault: #"{"status":400,"body":{"errorCode":"E1","errorMessage":"first shape"}}"#,
            kind: .rejected, status: 400, code: "E1", message: "first shape"),
        Case(
            name: "400 {errorCode,Message}", fault: #"{"status":400,"body":{"errorCode":"E2","Message":"capital M"}}"#,
            kind: .rejected, status: 400, code: "E2", message: "capital M"),
        Case(
            name: "409 is rejected too", fault: #"{"status":409,"body":{"message":"conflict"}}"#,
            kind: .rejected, status: 409, code: nil, message: "conflict"),
        Case(
            name: "404", fault: #"{"status":404,"body":{"message":"Not Found"}}"#,
            kind: .notFound, status: 404, code: nil, message: "Not Found"),
        Case(
            name: "413", fault: #"{"status":413,"body":{"message":"Request Entity Too Large"}}"#,
            kind: .payloadTooLarge, status: 413, code: nil, message: "Request Entity Too Large"),
        Case(
            name: "429 after retries", fault: #"{"status":429,"count":4,"body":{"message":"Too Many Requests"}}"#,
            kind: .rateLimited, status: 429, code: nil, message: "Too Many Requests"),
        Case(
            name: "500 (not retried)", fault: #"{"status":500,"body":{"message":"Internal server error"}}"#,
            kind: .serverError, status: 500, code: nil, message: "Internal server error"),
        Case(
            name: "503 after retries", fault: #"{"status":503,"count":4,"body":{"message":"Service Unavailable"}}"#,
            kind: .serverError, status: 503, code: nil, message: "Service Unavailable"),
        Case(
            name: "no answer", fault: #"{"drop":true,"count":4}"#,
            kind: .transport, status: nil, code: nil, message: nil),
        Case(
            name: "answer not JSON", fault: #"{"status":200,"text":"<html>gateway</html>"}"#,
            kind: .invalidResponse, status: nil, code: nil, message: nil),
    ]

    @Test("each status and vendor error-body shape gives its kind, status, code and message", arguments: cases)
    func kinds(_ testCase: Case) async throws {
        try await withFake { fake in
            try await fake.faults("[\(testCase.fault)]")
            let error = await argosError { try await fake.client().submission(id: "sub-1") }
            #expect(error?.kind == testCase.kind)
            #expect(error?.status == testCase.status)
            #expect(error?.vendorCode == testCase.code)
            #expect(error?.vendorMessage == testCase.message)
            #expect(error?.description.contains(testCase.kind.description) == true)
        }
    }

    @Test("a 403 from a wrong key is unauthorized; the key is in no error or description")
    func wrongKey() async throws {
        try await withFake { fake in
            let otherKey = "DEMO-ONLY-some-other-key-XYZ"
            let client = try fake.client(apiKey: otherKey)
            let error = await argosError { try await client.projectSettings() }
            #expect(error?.kind == .unauthorized && error?.status == 403)
            for text in [
                String(describing: error), String(reflecting: error), client.description, client.debugDescription,
                String(reflecting: client),
            ] {
                #expect(!text.contains(otherKey) && !text.contains(FakeArgos.apiKey))
            }
        }
    }

    @Test("a vendor message that echoes the key or a token is redacted")
    func redaction() async throws {
        try await withFake { fake in
            let echo = "bad key \(FakeArgos.apiKey) and token QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk= rejected"
            try await fake.faults(#"[{"status":400,"body":{"errorCode":"X","errorMessage":"\#(echo)"}}]"#)
            let error = await argosError { try await fake.client().tokenCount() }
            #expect(error?.vendorMessage == "bad key [redacted] and token [redacted] rejected")
            #expect(error.map { !"\($0)".contains(FakeArgos.apiKey) } == true)
        }
    }

    @Test("no submission: an empty Items is notFound")
    func emptyItems() async throws {
        try await withFake { fake in
            let error = await argosError { try await fake.client().submission(id: "nope") }
            #expect(error?.kind == .notFound && error?.status == nil)
        }
    }

    @Test("an SDT wrapper that does not decrypt is decryptionFailed with the SDK's one message")
    func decryptionFailed() async throws {
        try await withFake(sdt: true) { fake in
            for body in [#"{"data":"bm90IGEgdG9rZW4gYXQgYWxsIQ=="}"#, #"{"data":"%%%"}"#] {
                try await fake.faults(#"[{"status":200,"body":\#(body)}]"#)
                let error = await argosError { try await fake.client().projectSettings() }
                #expect(error?.kind == .decryptionFailed)
                #expect(error?.reason == LiveformError.decryptionFailedReason)
            }
            // With SDT off, the same body is plain JSON.
            try await fake.faults(#"[{"status":200,"body":{"data":"not encrypted"}}]"#)
            var configuration = ArgosClient.Configuration(baseURL: fake.baseURL, secureDataTransfer: false)
            configuration.retryPolicy = ArgosClient.RetryPolicy.none
            let plain = try await ArgosClient(apiKey: FakeArgos.apiKey, configuration: configuration).projectSettings()
            #expect(plain.json == ["data": "not encrypted"])
        }
    }

    @Test("connection refused is transport, after the retries")
    func refused() async throws {
        let fake = try await FakeArgos.start(sdt: true)
        try await fake.stop()
        let sleeps = SleepLog()
        // AsyncHTTPClient keeps trying to connect until the attempt's deadline: keep it short.
        let client = try fake.client(retry: FakeArgos.fastRetries(sleeps: sleeps), timeout: .milliseconds(500))
        let error = await argosError { try await client.tokenCount() }
        #expect(error?.kind == .transport && error?.status == nil)
        #expect(sleeps.all.count == 3)
    }

    @Test("the per-attempt timeout ends a slow answer as transport")
    func timeout() async throws {
        try await withFake { fake in
            try await fake.faults(#"[{"delay":30,"status":200,"body":{}}]"#)
            let client = try fake.client(retry: ArgosClient.RetryPolicy.none, timeout: .milliseconds(300))
            let started = ContinuousClock.now
            let error = await argosError { try await client.projectSettings() }
            #expect(error?.kind == .transport)
            // The answer would take 30 s. The bound is loose because the whole suite shares the
            // concurrency pool with CPU-bound suites that can delay this task's resumption.
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test("refused before sending: invalidParameter and the vendor sees no request")
    func invalidParameters() async throws {
        try await withFake { fake in
            let client = try fake.client()
            let refusals: [(String, () async throws -> Void)] = [
                (
                    "reject without comment",
                    { _ = try await client.review(SubmissionReview(submissionId: "sub-1", decision: .reject(comment: ""), admin: "a@b.c")) }
                ),
                (
                    "empty updateFields",
                    { _ = try await client.review(SubmissionReview(submissionId: "sub-1", decision: .approve, admin: "a@b.c", updateFields: [:])) }
                ),
                ("empty admin", { _ = try await client.review(SubmissionReview(submissionId: "sub-1", decision: .approve, admin: "")) }),
                ("empty update data", { _ = try await client.updateSubmission(id: "sub-1", admin: "a@b.c", data: [:]) }),
                ("data_fields without data", { _ = try await client.deleteSubmissionFields(id: "sub-1", fields: [.ocr], dataFields: ["x"]) }),
                ("no fields", { _ = try await client.deleteSubmissionFields(id: "sub-1", fields: []) }),
                ("token id too short", { _ = try await client.addTokens(["abc"]) }),
                ("token id ends with a dot", { _ = try await client.deleteTokens(["abcdefgh."]) }),
                ("token id with a space", { _ = try await client.token(id: "abcd efgh") }),
                ("token id too long", { _ = try await client.addTokens([String(repeating: "a", count: 65)]) }),
                ("one bad id among 600", { _ = try await client.addTokens((1...599).map { "token-\($0)-ok" } + ["bad"]) }),
                ("no token ids", { _ = try await client.addTokens([]) }),
                ("no image", { _ = try await client.replaceImages(ImageReplacement(submissionId: "sub-1", admin: "a@b.c", images: [:])) }),
                (
                    "ID image without idType",
                    { _ = try await client.replaceImages(ImageReplacement(submissionId: "sub-1", admin: "a@b.c", images: [.idImage: [1]])) }
                ),
                ("bad date", { _ = try await client.submissionPage(SubmissionQuery(startDate: "2026-13-01")) }),
                ("page size 0", { _ = try await client.submissionPage(SubmissionQuery(pageSize: 0)) }),
                ("AML threshold 101", { _ = try await client.runAMLScreening(submissionId: "sub-1", threshold: 101) }),
                ("empty submission id", { _ = try await client.submission(id: "") }),
            ]
            for (name, call) in refusals {
                let error = await argosError(call)
                #expect(error?.kind == .invalidParameter, "\(name)")
            }
            #expect(try await fake.requestCount() == 0)
        }
    }

    @Test("token ids at the edges of the rule are accepted")
    func validTokenIds() async throws {
        try await withFake { fake in
            let ids = ["abcdefgh", "A.b_c-D9", String(repeating: "z", count: 64), "0-------------9"]
            let added = try await fake.client().addTokens(ids)
            #expect(added.summary?["added"] == 4)
        }
    }

    @Test("logs: method, path, query names, status, attempt, duration; never the key, a token id or a body")
    func logging() async throws {
        try await withFake { fake in
            let lines = LogLines()
            let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
            let client = try fake.client(logger: logger)
            _ = try await fake.client().addTokens(["secret-token-id-42"])
            try await fake.faults(#"[{"status":503,"path":"/submission/tokens","method":"GET"}]"#)
            _ = try await client.token(id: "secret-token-id-42") as TokenInfo?
            #expect(lines.all.count == 2)
            #expect(lines.all.first?.contains("will be retried") == true)
            let last = lines.all.last ?? ""
            for field in ["method=GET", "path=/submission/tokens", "query=tokenId", "status=200", "attempt=2", "duration_ms="] {
                #expect(last.contains(field), "\(field) in \(last)")
            }
            for line in lines.all {
                #expect(!line.contains("secret-token-id-42") && !line.contains(FakeArgos.apiKey) && !line.contains("updateTime"))
            }
        }
    }
}
