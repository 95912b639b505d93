import Foundation
import Liveform
import Testing

@testable import LiveformCLI

@Suite("liveform webhook and body commands")
struct CLISecureDataTransferTests {
    static let env = ["LIVEFORM_KEY": "DEMO-ONLY-not-a-real-argos-api-key"]
    static let event =
        #"{"webhook_trigger":"rejected","submission_id":"s-1","kyc_result":{"status":"rejected","comment":"blurry","updated_at":"2026-03-01 09:30:00"},"cf":{"cf2":"x"}}"#

    @Test("webhook encrypt then decrypt, on both backends, IV-prefixed and fixed-IV framings")
    func webhookRoundTrip() {
        for backend in ["openssl", "gcrypt"] {
            for framing in [[], ["--fixed-iv", String(repeating: "0", count: 32)]] {
                let body = CLIRun.run(["webhook", "encrypt", "--backend", backend] + framing, environment: Self.env, stdin: Self.event + "\n")
                #expect(body.status == 0, "\(body.stderr)")
                #expect(body.stdout.hasPrefix(#"{"data":""#))
                let decrypted = CLIRun.run(["webhook", "decrypt", "--backend", backend] + framing, environment: Self.env, stdin: body.stdout)
                #expect(decrypted.stdout == Self.event + "\n", "\(decrypted.stderr)")
                let summary = CLIRun.run(["webhook", "decrypt", "--summary"] + framing, environment: Self.env, stdin: body.stdout)
                #expect(summary.stdout.contains(#""trigger":"rejected""#) && summary.stdout.contains(#""cf2":"x""#))
                #expect(summary.stdout.contains(#""updatedAt":"2026-03-01T09:30:00Z""#))
            }
        }
    }

    @Test("a fixed --iv reproduces the body")
    func fixedIV() {
        let args = ["webhook", "encrypt", "--iv", "000102030405060708090a0b0c0d0e0f"]
        let first = CLIRun.run(args, environment: Self.env, stdin: Self.event)
        #expect(first.status == 0 && first.stdout == CLIRun.run(args, environment: Self.env, stdin: Self.event).stdout)
        #expect(CLIRun.run(["webhook", "encrypt", "--iv", "00"], environment: Self.env, stdin: Self.event).status == 64)
    }

    @Test("body encrypt (request) and decrypt --request; encrypt --response and decrypt")
    func bodies() throws {
        let json = #"[{"a":1},"한"]"#
        let request = CLIRun.run(["body", "encrypt"], environment: Self.env, stdin: json)
        #expect(request.status == 0 && !request.stdout.contains("{"))
        #expect(CLIRun.run(["body", "decrypt", "--request"], environment: Self.env, stdin: request.stdout).stdout == json + "\n")
        let response = CLIRun.run(["body", "encrypt", "--response"], environment: Self.env, stdin: json)
        #expect(response.stdout.hasPrefix(#"{"data":""#))
        // Streamed in chunks, the bodies are exactly the library's whole-body ones.
        let codec = APIBodyCodec(key: try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key"))
        #expect(request.stdout == (try? codec.requestText(Array(json.utf8))).map { $0 + "\n" })
        #expect(response.stdout == (try? codec.responseText(Array(json.utf8))).map { $0 + "\n" })
        #expect(CLIRun.run(["body", "decrypt"], environment: Self.env, stdin: response.stdout).stdout == json + "\n")
        #expect(CLIRun.run(["body", "decrypt", "--pretty"], environment: Self.env, stdin: response.stdout).stdout.contains("\n  {"))
    }

    @Test("errors: not JSON to encrypt is 64, a body that is not the wrapper is 65, a wrong key is 1")
    func errors() {
        #expect(CLIRun.run(["body", "encrypt"], environment: Self.env, stdin: "not json").status == 64)
        // The body is streamed to standard output, but not before the JSON check passed.
        let refused = CLIRun.run(["body", "encrypt", "--response"], environment: Self.env, stdin: "[1,")
        #expect(refused.status == 64 && refused.stdout.isEmpty)
        #expect(CLIRun.run(["webhook", "encrypt"], environment: Self.env, stdin: "[1]").status == 64)
        #expect(CLIRun.run(["body", "decrypt"], environment: Self.env, stdin: #"{"foo":"bar"}"#).status == 65)
        #expect(CLIRun.run(["webhook", "decrypt"], environment: Self.env, stdin: #"{"data":"AAAA"}"#).status == 65)
        let body = CLIRun.run(["webhook", "encrypt"], environment: ["LIVEFORM_KEY": "DEMO-ONLY-other"], stdin: Self.event).stdout
        let wrong = CLIRun.run(["webhook", "decrypt"], environment: Self.env, stdin: body)
        #expect(wrong.status == 1 && wrong.stderr.contains("decryptionFailed") && wrong.stdout.isEmpty)
    }
}
