import ArgumentParser
import Foundation
import Liveform

/// Prints decrypted JSON: the plaintext byte for byte, or re-indented with `--pretty`.
private func printPlaintext(_ plaintext: [UInt8], common: CommonOptions) throws {
    if common.pretty {
        common.print(try JSONValue(parsing: plaintext))
    } else {
        CLIContext.current.writeBytes(plaintext)
        CLIContext.current.write("\n")
    }
}

/// The webhook framing options.
struct FramingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Use the pre-2024 fixed-IV framing with this 16-byte IV in hex (e.g. 32 zeros) instead of IV ‖ ciphertext.",
            valueName: "hex"))
    var fixedIv: String?

    func framing() throws -> TokenCipher.CBCFraming {
        guard let bytes = try parseHex(fixedIv, option: "--fixed-iv") else { return .ivPrefixed }
        return .fixedIV(try AES256.CBC.IV(bytes))
    }
}

/// `liveform webhook decrypt|encrypt`.
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Decrypt a webhook body or make one (AES-256-CBC); receive or send webhooks.",
        subcommands: [DecryptWebhook.self, EncryptWebhook.self, ListenWebhook.self, SendWebhook.self])

    struct DecryptWebhook: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decrypt",
            abstract: "Decrypt a webhook body ({\"data\":…} or the bare token) and print the event JSON.",
            discussion: "With --summary, print the typed fields instead (trigger, submission id, KYC status…).")

        @Argument(help: "The body file; - or nothing reads standard input.") var file: String?
        @Flag(help: "Print the typed event fields instead of the raw JSON.") var summary = false
        @OptionGroup var framing: FramingOptions
        @OptionGroup var keys: KeyOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            let body = try readInput(file)
            let decoder = WebhookDecoder(keys: try keys.keys(), framing: try framing.framing(), backend: common.backend)
            let event = try decoder.decode(body: body)
            guard summary else {
                common.print(.object(event.json))
                return
            }
            var fields = JSONObject()
            fields["trigger"] = .string(event.trigger.rawValue)
            fields["knownTrigger"] = .bool(event.trigger.isKnown)
            let optional: [(String, String?)] = [
                ("submissionId", event.submissionId), ("email", event.email), ("userid", event.userid),
                ("cf1", event.cf1), ("cf2", event.cf2), ("cf3", event.cf3), ("tokenId", event.tokenId),
                ("kycStatus", event.kycResult?.status), ("reviewer", event.kycResult?.reviewer),
            ]
            for (name, value) in optional { if let value { fields[name] = .string(value) } }
            if let updated = event.kycResult?.updatedAt { fields["updatedAt"] = .string(Timestamp.format(updated)) }
            if let aml = event.amlResult { fields["amlResult"] = .object(aml) }
            common.print(.object(fields))
        }
    }

    struct EncryptWebhook: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encrypt", abstract: "Encrypt event JSON into a webhook body {\"data\":…}, as ARGOS sends it.")

        @Argument(help: "The event JSON file; - or nothing reads standard input (a trailing newline is not encrypted).") var file: String?
        @Option(help: ArgumentHelp("A fixed 16-byte IV in hex, for test vectors only.", valueName: "hex")) var iv: String?
        @OptionGroup var framing: FramingOptions
        @OptionGroup var keys: KeyOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            let plaintext = Array(try readInput(file))
            let encoder = WebhookEncoder(key: try keys.key(), framing: try framing.framing(), backend: common.backend)
            CLIContext.current.write(try encoder.encode(plaintext.trimmingTrailingNewline(), iv: try parseHex(iv, option: "--iv")) + "\n")
        }
    }
}

/// `liveform body encrypt|decrypt`.
struct BodyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "body", abstract: "Secure Data Transfer API bodies (AES-256-ECB).",
        subcommands: [EncryptBody.self, DecryptBody.self])

    struct EncryptBody: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encrypt",
            abstract: "Encrypt request JSON into the request body (the bare token, sent as text/plain).",
            discussion: "With --response, write a response body {\"data\":…} instead (to simulate the API).")

        @Argument(help: "The JSON file; - or nothing reads standard input (a trailing newline is not encrypted).") var file: String?
        @Flag(help: "Write a response body {\"data\":…} instead of a request body.") var response = false
        @OptionGroup var keys: KeyOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            let plaintext = Array(try readInput(file)).trimmingTrailingNewline()
            // A one-shot tool with one large body at most: let it use every core.
            let codec = APIBodyCodec(
                key: try keys.key(), backend: common.backend,
                maxThreadsPerBody: ProcessInfo.processInfo.activeProcessorCount)
            // Streamed to the output as it is encrypted: no second copy of a large body. Nothing
            // is written before the plaintext passes its JSON check (the first chunk comes after).
            let output = CLIContext.current
            var chunks = codec.encryptedChunks(plaintext).makeAsyncIterator()
            var started = false
            while let chunk = try chunks.next() {
                if response && !started { output.write(#"{"data":""#) }
                started = true
                output.writeBytes(chunk)
            }
            output.write(response ? "\"}\n" : "\n")
        }
    }

    struct DecryptBody: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decrypt",
            abstract: "Decrypt an API body (a response {\"data\":…} or a request's bare token) and print its JSON.",
            discussion: "Both directions are read by the same rule; --request is accepted to say which was meant.")

        @Argument(help: "The body file; - or nothing reads standard input.") var file: String?
        @Flag(help: "The body is a request body (read the same way as a response body).") var request = false
        @OptionGroup var keys: KeyOptions
        @OptionGroup var common: CommonOptions

        func run() throws {
            let body = try readInput(file)
            let keys = try keys.keys()
            let codec = APIBodyCodec(key: keys[0], decryptionKeys: keys, backend: common.backend)
            try printPlaintext(codec.decrypt(body), common: common)
        }
    }
}

extension Array where Element == UInt8 {
    /// Files and pipes usually end in a newline that is not part of the JSON to encrypt.
    func trimmingTrailingNewline() -> [UInt8] {
        var bytes = self
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        return bytes
    }
}
