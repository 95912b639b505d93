import Foundation
import Liveform
import LiveformTestSupport
import Testing

/// Runs `Tools/interop/sdt_interop.py`, an independent implementation of wire format §5
/// on Python's `cryptography` package.
enum PythonInterop {
    static let script = VectorFiles.packageRoot.appending(path: "Tools/interop/sdt_interop.py")

    static let python: String? = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }()

    /// stdin → script → stdout as JSON; nil (after printing a skip, or recording an issue
    /// under CI=true) when python3 or `cryptography` is missing.
    static func run(_ request: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue? {
        guard let python else {
            skip("python3 not installed", sourceLocation: sourceLocation)
            return nil
        }
        let output = try await ChildProcess.run(python, [script.path], stdin: Data(request.jsonText.utf8))
        if output.status == 77 {
            skip("the Python package `cryptography` is not installed", sourceLocation: sourceLocation)
            return nil
        }
        guard output.status == 0 else {
            Issue.record("sdt_interop.py failed: \(output.stderrText)", sourceLocation: sourceLocation)
            return nil
        }
        return try JSONValue(parsing: output.stdout)
    }

    static func skip(_ why: String, sourceLocation: SourceLocation) {
        if VectorFiles.isCI {
            Issue.record(Comment(rawValue: "\(why): the Python interop test is required under CI=true"), sourceLocation: sourceLocation)
        } else {
            print("SKIPPED: \(why); the Python interop test did not run")
        }
    }
}

@Suite("Interop with an independent Python implementation (cryptography)")
struct PythonInteropTests {
    static let plaintexts = [
        #"{"webhook_trigger":"approved","submission_id":"sub-1","email":"kim@example.com","cf":{"cf1":"a/b"},"name":"김철수"}"#,
        #"{"webhook_trigger":"aml","aml_result":{"currentstatus":"Not Screened","risk_level_summary":"Not Screened"},"pad":"0123456789abcde"}"#,
    ]

    @Test("Python reads our bodies, and we read Python's", arguments: AES256.Backend.allCases, plaintexts)
    func interop(backend: AES256.Backend, plaintext: String) async throws {
        let credential = "DEMO-ONLY-python-interop-key"
        let key = try AES256.Key(credential: credential)
        let codec = APIBodyCodec(key: key, backend: backend)
        let ours: JSONObject = [
            "webhook": .string(try WebhookEncoder(key: key, backend: backend).encode(Array(plaintext.utf8))),
            "response": .string(try codec.responseText(Array(plaintext.utf8))),
            "request": .string(try codec.requestText(Array(plaintext.utf8))),
        ]
        guard
            let result = try await PythonInterop.run([
                "credential": .string(credential), "plaintext": .string(plaintext),
                "ours": .object(ours),
            ])
        else { return }
        // Python decrypted what we wrote.
        for name in ["webhook", "response", "request"] {
            #expect(result["opened"]?[name]?.stringValue == plaintext, "python opening our \(name) body")
        }
        // We decrypt what Python wrote (its webhook body has json.dumps' spaces: `{"data": "…"}`).
        let theirs = try #require(result["theirs"])
        let webhook = try #require(theirs["webhook"]?.stringValue)
        let event = try WebhookDecoder(keys: [key], backend: backend).decode(body: Array(webhook.utf8))
        #expect(event.json == (try JSONValue(parsing: plaintext)).objectValue)
        let response = try #require(theirs["response"]?.stringValue)
        #expect(try codec.decrypt(Array(response.utf8)) == Array(plaintext.utf8))
        // ECB is deterministic: Python's response body is ours, byte for byte.
        #expect(response == ours["response"]?.stringValue)
        let request = try #require(theirs["request"]?.stringValue)
        #expect(try codec.decrypt(Array(request.utf8)) == Array(plaintext.utf8))
        #expect(request == ours["request"]?.stringValue)
    }
}
