import ArgumentParser
import Foundation
import Liveform

/// `liveform demo`: the whole story on an embedded, obviously fake key: every format, then
/// the whole loop (URL, form, Return URL, webhooks, REST API) on the sandbox, in this process.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk through every format on a built-in demo key (fake, for illustration only), then the whole loop on the embedded sandbox.",
        discussion: """
            The last part runs headless on loopback: the sandbox (as `liveform sandbox`) and a \
            webhook receiver (LiveformHummingbird) start in this process on free ports; the demo signs \
            a Liveform URL, lets the form read it, completes it (approved), decodes the Return URL, \
            waits for the webhooks (at most 30 s) and reads the submission back through the REST API \
            (ArgosClient, Secure Data Transfer). Exit status 1, naming the step, when a step fails.
            """)

    /// Not a real credential: it only exists to make the demo reproducible.
    static let demoCredential = "DEMO-ONLY-not-a-real-argos-api-key"
    static let demoProject = "demo-project-id"

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let out = CLIContext.current
        let key = try AES256.Key(credential: Self.demoCredential)
        func section(_ title: String) { out.write("\n== \(title)\n") }
        func line(_ label: String, _ value: String) { out.write("   \(label.padding(toLength: 18, withPad: " ", startingAt: 0)) \(value)\n") }

        out.write(
            """
            Liveform demo — backend \(common.backend.name) (\(common.backend.libraryVersion))
            Demo key: the SHA-256 of the credential "\(Self.demoCredential)" (fingerprint \(key.fingerprint)).
            It is fake and public: never use it for a real project.

            """)

        var parameters = LiveformParameters()
        parameters.email = "kim.minji@example.com"
        parameters.userid = "user-42"
        parameters.cf1 = "order #1001 & more"
        parameters.rejectDuplicateUser = true
        parameters.allowedCountries = ["KOR", "USA"]
        parameters.token = "token_id_0001"
        parameters.sid = "submission-7"

        for (title, encryption, encryptionOnly) in [
            ("1. Liveform URL with AES-256-ECB (sid stays plain)", LiveformSettings.Encryption.ecb, false),
            ("2. Liveform URL with AES-256-GCM, encryption-only mode", .gcm, true),
        ] {
            section(title)
            let settings = try LiveformSettings(
                projectId: Self.demoProject, encryption: encryption, encryptionOnly: encryptionOnly,
                credential: .init(kind: .apiKey, key: key), backend: common.backend)
            let builder = try LiveformURLBuilder(settings: settings)
            line("parameters", JSONValue.object(JSONObject(parameters.map { ($0.name, $0.value) })).jsonText)
            line("JSON encrypted", builder.encryptedJSONText(for: parameters) ?? "")
            let url = try builder.url(for: parameters, lang: "ko")
            line("URL", url)
            let decoded = try LiveformURLDecoder(keys: [key], encryptionOnly: encryptionOnly, backend: common.backend).decode(url)
            line("decoded", decoded.json.jsonText)
            line("round trip", decoded.parameters.email == parameters.email && decoded.parameters.sid == parameters.sid ? "ok" : "MISMATCH")
        }

        section("3. Return URL (the form redirects here; ECB)")
        let fields: JSONObject = [
            "kycStatus": "approved", "userid": "user-42", "email": "kim.minji@example.com",
            "submissionId": "sub-20261121-0001", "cf1": "order #1001 & more",
        ]
        let returnURL = try ReturnURLBuilder(returnURL: "https://shop.example.test/kyc/done", key: key, backend: common.backend)
            .url(for: fields)
        line("URL", returnURL)
        let result = try ReturnURLDecoder(keys: [key], backend: common.backend).decode(returnURL)
        line("kycStatus", result.kycStatus?.rawValue ?? "-")
        line("fields", JSONValue.object(result.fields).jsonText)

        try demoSecureDataTransfer(key: key, section: section, line: line)

        try await demoSandboxLoop(key: key, section: section, line: line)

        section("Errors look like this (same message for every decryption failure)")
        let foreign = try AES256.Key(credential: "DEMO-ONLY-some-other-key")
        do {
            _ = try ReturnURLDecoder(keys: [foreign], backend: common.backend).decode(returnURL)
        } catch {
            line("wrong key", "\(error)")
        }
        out.write("\nDone. Try: liveform --help\n")
    }
}
