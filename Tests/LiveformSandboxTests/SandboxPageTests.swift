import AsyncHTTPClient
import Foundation
import Liveform
import LiveformSandbox
import NIOCore
import NIOHTTP1
import Testing

@Suite("Sandbox pages: the Liveform, completion and the Return URL")
struct SandboxPageTests {
    static let apiKey = "sandbox-test-api-key"
    static let secretKey = "sandbox-test-secret-key"

    func url(
        _ sandbox: RunningSandbox, encryption: LiveformSettings.Encryption, encryptionOnly: Bool = false,
        credential: String = apiKey, pid: String = "p1", _ parameters: LiveformParameters
    ) throws -> String {
        let settings = try LiveformSettings(
            projectId: pid, encryption: encryption, encryptionOnly: encryptionOnly,
            credential: .init(kind: .apiKey, key: try AES256.Key(credential: credential)),
            baseURL: sandbox.base + "/")
        let full = try LiveformURLBuilder(settings: settings).url(for: parameters, lang: "ko")
        return String(full.dropFirst(sandbox.base.count))
    }

    static var sample: LiveformParameters {
        var parameters = LiveformParameters()
        parameters.email = "kim@example.com"
        parameters.userid = "user-42"
        parameters.cf1 = "<script>alert(1)</script>"
        parameters.sid = "s-7"
        return parameters
    }

    @Test("an ECB URL: parameters, encrypted or plain, escaped, and the completion form")
    func ecbPage() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await sandbox.stop() } }
        let page = try await sandbox.get(try url(sandbox, encryption: .ecb, Self.sample))
        #expect(page.status == 200)
        #expect(page.headers["Content-Type"].first == "text/html; charset=utf-8")
        #expect(page.body.contains("SANDBOX — not ARGOS"))
        #expect(page.body.contains("<h1>"))
        #expect(page.body.contains("<tr><td>email</td><td>kim@example.com</td><td>encrypted</td></tr>"))
        #expect(page.body.contains("<tr><td>sid</td><td>s-7</td><td>plain</td></tr>"))
        #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.body.contains("<script>"))
        #expect(page.body.contains(#"<form method="post" action="/_sandbox/complete">"#))
        #expect(hiddenValue("session", in: page.body) != nil)
        for decision in ["approved", "rejected", "pending"] {
            #expect(page.body.contains(#"name="decision" value="\#(decision)""#))
        }
        #expect(page.body.contains(#"<label for="birthDate">"#))
    }

    @Test("a GCM URL made with the secretKey is read with the project's secretKey")
    func gcmPage() async throws {
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0 = try! SandboxProject(pid: "p1", apiKey: Self.apiKey, secretKey: Self.secretKey)
                    $0.liveformEncryption = .gcm
                }
            ]))
        defer { Task { await sandbox.stop() } }
        let page = try await sandbox.get(try url(sandbox, encryption: .gcm, credential: Self.secretKey, Self.sample))
        #expect(page.status == 200)
        #expect(page.body.contains("<tr><td>userid</td><td>user-42</td><td>encrypted</td></tr>"))
        // The same token in an ECB project is not readable: 400 naming the category only.
        let ecbSandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await ecbSandbox.stop() } }
        let refused = try await ecbSandbox.get(try url(ecbSandbox, encryption: .gcm, credential: Self.secretKey, Self.sample))
        #expect(refused.status == 400)
        #expect(refused.body.contains("malformedInput") || refused.body.contains("decryptionFailed"))
    }

    @Test("encryption-only mode: plain parameters are shown as ignored, with a warning")
    func encryptionOnly() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project { $0.encryptionOnly = true }]))
        defer { Task { await sandbox.stop() } }
        let path = try url(sandbox, encryption: .ecb, encryptionOnly: true, Self.sample) + "&cf2=plain-value"
        let page = try await sandbox.get(path)
        #expect(page.status == 200)
        #expect(page.body.contains("<tr><td>sid</td><td>s-7</td><td>encrypted</td></tr>"))
        #expect(page.body.contains("<tr><td>cf2</td><td>plain-value</td><td>plain (ignored)</td></tr>"))
        #expect(page.body.contains("in encryption-only mode the form ignores it"))
    }

    @Test("unknown pid 404, undecodable 400, startValidUntil in the past 302")
    func refusals() async throws {
        let sandbox = try await RunningSandbox.start(.init(projects: [try project()]))
        defer { Task { await sandbox.stop() } }
        #expect(try await sandbox.get("/?pid=nobody").status == 404)
        let garbled = try await sandbox.get("/?pid=p1&encrypted=AAAAAAAAAAAAAAAAAAAAAA%3D%3D")
        #expect(garbled.status == 400)
        #expect(garbled.body.contains("decryptionFailed"))
        var parameters = Self.sample
        parameters.startValidUntil = Date(timeIntervalSinceNow: -3600)
        let expired = try await sandbox.get(try url(sandbox, encryption: .ecb, parameters))
        #expect(expired.status == 302)
        #expect(expired.headers["Location"].first == "/error-page/expired-start-valid-until")
    }

    @Test("Private Mode: missing or unknown token, then an expired one with one token_expired webhook")
    func privateMode() async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.privateMode = true
                    $0.webhookURL = receiver.url
                }
            ]), tokenLifetime: 0.2)
        defer { Task { await sandbox.stop() } }
        let noToken = try await sandbox.get(try url(sandbox, encryption: .ecb, Self.sample))
        #expect(noToken.headers["Location"].first == "/error-page/invalid-token")
        var parameters = Self.sample
        parameters.token = "token-0001"
        let path = try url(sandbox, encryption: .ecb, parameters)
        #expect(try await sandbox.get(path).headers["Location"].first == "/error-page/invalid-token")
        try await sandbox.sandbox.store.addTokens(pid: "p1", tokenIds: ["token-0001"], now: Date())
        #expect(try await sandbox.get(path).status == 200)
        let expired = try await eventually { try await sandbox.get(path).status == 302 }
        #expect(expired)
        #expect(try await sandbox.get(path).headers["Location"].first == "/error-page/expired-token")
        #expect(try await eventually { receiver.received.count == 1 })
        let event = try WebhookDecoder(keys: [try AES256.Key(credential: Self.apiKey)]).decode(body: Array(receiver.received[0].utf8))
        #expect(event.trigger == .tokenExpired)
        #expect(event.json["token_id"] == "token-0001")
        #expect(try await sandbox.deliveries().count == 1)
    }

    @Test("complete with skipResultPage: 302 to the encrypted Return URL, which the SDK decrypts")
    func completeRedirects() async throws {
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.returnURL = "https://shop.example.test/kyc/done"
                    $0.skipResultPage = true
                }
            ]))
        defer { Task { await sandbox.stop() } }
        let page = try await sandbox.get(try url(sandbox, encryption: .ecb, Self.sample))
        let session = try #require(hiddenValue("session", in: page.body))
        let form = "session=\(session)&fullName=Kim+Minji&birthDate=1990-01-02&nationality=KOR&decision=approved"
        let answer = try await sandbox.post("/_sandbox/complete", body: form, contentType: "application/x-www-form-urlencoded")
        #expect(answer.status == 302)
        let location = try #require(answer.headers["Location"].first)
        #expect(location.hasPrefix("https://shop.example.test/kyc/done?encrypted="))
        let result = try ReturnURLDecoder(keys: [try AES256.Key(credential: Self.apiKey)]).decode(location)
        #expect(result.wasEncrypted)
        #expect(result.kycStatus == .approved)
        #expect(result.email == "kim@example.com" && result.userid == "user-42" && result.cf1 == "<script>alert(1)</script>")
        #expect(result.fields.keys == ["kycStatus", "userid", "email", "submissionId", "cf1"])
        let id = try #require(result.submissionId)
        let stored = try #require(try await sandbox.sandbox.store.submission(id: id, pid: "p1"))
        #expect(stored.data == ["fullName": "Kim Minji", "birthDate": "1990-01-02", "nationality": "KOR"])
    }

    @Test("complete without skipResultPage: a result page with the link and the 5-second refresh; plain Return URL")
    func completeResultPage() async throws {
        let sandbox = try await RunningSandbox.start(
            .init(projects: [
                try project {
                    $0.returnURL = "https://shop.example.test/done?from=sandbox"
                    $0.returnEncrypted = false
                    $0.returnFields = ["kycStatus", "submissionId", "cf1"]
                }
            ]))
        defer { Task { await sandbox.stop() } }
        let page = try await sandbox.get(try url(sandbox, encryption: .ecb, Self.sample))
        let session = try #require(hiddenValue("session", in: page.body))
        let answer = try await sandbox.post(
            "/_sandbox/complete", body: "session=\(session)&decision=rejected",
            contentType: "application/x-www-form-urlencoded")
        #expect(answer.status == 200)
        #expect(
            answer.body.contains(
                #"<meta http-equiv="refresh" content="5;url=https://shop.example.test/done?from=sandbox&amp;kycStatus=rejected&amp;submissionId="#))
        #expect(answer.body.contains("cf1=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"))
        #expect(answer.body.contains(#"<a id="return" href="https://shop.example.test/done?from=sandbox&amp;kycStatus=rejected"#))
        let bad = try await sandbox.post(
            "/_sandbox/complete", body: "session=\(session)&decision=approved&birthDate=1990-13-45",
            contentType: "application/x-www-form-urlencoded")
        #expect(bad.status == 400)
        let noSession = try await sandbox.post("/_sandbox/complete", body: "decision=approved", contentType: "application/x-www-form-urlencoded")
        #expect(noSession.status == 400)
    }
}
