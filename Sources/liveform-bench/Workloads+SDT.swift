import Glibc
import Liveform
import LiveformBackends

// W4–W6: webhooks and API bodies, through the public `WebhookDecoder` and `APIBodyCodec`.
extension Workloads {
    func runSecureDataTransfer(_ workload: String, key: AES256.Key) throws -> JSONValue {
        switch workload {
        case "W4": return try runWebhook(key: key)
        case "W5": return try runRequestBody(key: key)
        case "W6": return try runResponseBody(key: key)
        default: fail("unknown workload \(workload)")
        }
    }

    /// W4: the peers' webhook body, `{"data":"base64(IV ‖ AES-256-CBC)"}` under IV 00…0f,
    /// decrypted and typed; the figure reads webhook_trigger, submission_id, kyc_result.status.
    private func runWebhook(key: AES256.Key) throws -> JSONValue {
        let plaintext = Fixtures.webhookPlaintext()
        try Fixtures.checkDigest(plaintext, Fixtures.webhookDigest, "W4 webhook")
        let iv = (0..<16).map { UInt8($0) }
        // The peers write JSON.stringify({data: token}): exactly {"data":"<token>"}.
        let token = try TokenCipher(mode: .cbc, backend: backend).encrypt(plaintext, using: key, iv: iv)
        let body = Array(#"{"data":""#.utf8) + Array(token.utf8) + Array(#""}"#.utf8)
        let decoder = WebhookDecoder(keys: [key], backend: backend)
        let check = try decoder.decode(body: body)
        guard check.trigger.rawValue == "approved", check.submissionId == "sub_8f3c2a61d4e94b7c",
              check.kycResult?.status == "approved", check.json == (try JSONValue(parsing: plaintext)).objectValue
        else { fail("W4 fields") }
        return row("W4", nanoseconds: harness.nanosecondsPerOperation {
            guard let event = try? decoder.decode(body: body) else { fail("W4 failed") }
            sink &+= event.trigger.rawValue.utf8.count + (event.submissionId?.utf8.count ?? 0)
                + (event.kycResult?.status?.utf8.count ?? 0)
        })
    }

    /// W5: the 10 MiB request JSON → its ECB token (the HTTP body), as bytes for the HTTP
    /// client (`encryptRequestBodyBytes`), with `maxThreadsPerBody` set to the online cores.
    /// The row's `mb_per_s` is that figure; `threads` says how many threads it used, and
    /// `mb_per_s_one_thread` is the same call with the default of one thread, measured first
    /// in the same process.
    private func runRequestBody(key: AES256.Key) throws -> JSONValue {
        let plaintext = try Fixtures.bodyPlaintext()
        try Fixtures.checkDigest(plaintext, Fixtures.bodyDigest, "W5 body")
        let threads = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let serial = APIBodyCodec(key: key, backend: backend)
        let parallel = APIBodyCodec(key: key, backend: backend, maxThreadsPerBody: threads)
        try verifyRequestBody(try serial.encryptRequestBodyBytes(plaintext), plaintext: plaintext, key: key)
        try verifyRequestBody(try parallel.encryptRequestBodyBytes(plaintext), plaintext: plaintext, key: key)
        let megabytes = Double(plaintext.count) / 1e6
        func throughput(_ codec: APIBodyCodec) -> Double {
            megabytes / (harness.nanosecondsPerOperation {
                guard let body = try? codec.encryptRequestBodyBytes(plaintext) else { fail("W5 failed") }
                sink &+= body.count
            } / 1e9)
        }
        let oneThread = throughput(serial)
        guard case .object(var fields) = row("W5", megabytesPerSecond: threads > 1 ? throughput(parallel) : oneThread) else {
            fail("W5 row")
        }
        fields["threads"] = .number(Double(threads))
        fields["mb_per_s_one_thread"] = .number((oneThread * 10).rounded() / 10)
        return .object(fields)
    }

    /// Checks a W5 body piece by piece, so that checking holds no second body-sized buffer
    /// (the peak RSS is part of the figure): base64 of 64 KiB characters is 48 KiB of whole
    /// ECB blocks, each piece decrypted on its own, the last one unpadded.
    private func verifyRequestBody(_ body: [UInt8], plaintext: [UInt8], key: AES256.Key) throws {
        let engine = try key.engine(backend)
        let ok = try body.withUnsafeBufferPointer { token -> Bool in
            let pieceChars = 64 * 1024
            var offset = 0, plainOffset = 0
            while offset < token.count {
                let end = min(offset + pieceChars, token.count)
                let wire = try Base64.decode(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: token[offset..<end])))
                var piece = [UInt8](repeating: 0, count: wire.count)
                let count = try wire.withUnsafeBytes { input in
                    try piece.withUnsafeMutableBytes { output in
                        try engine.ecb(encrypt: false, padding: end == token.count, input: input, output: output)
                    }
                }
                guard plainOffset + count <= plaintext.count,
                      plaintext[plainOffset..<(plainOffset + count)].elementsEqual(piece[..<count]) else { return false }
                plainOffset += count
                offset = end
            }
            return plainOffset == plaintext.count
        }
        guard ok else { fail("W5 body does not decrypt to the plaintext") }
    }

    /// W6: `{"data":"<ECB token of the W5 plaintext>"}` → the plaintext, checked to be JSON.
    private func runResponseBody(key: AES256.Key) throws -> JSONValue {
        let codec = APIBodyCodec(key: key, backend: backend)
        let (body, digest, count): (String, [UInt8], Int) = try {
            let plaintext = try Fixtures.bodyPlaintext()
            try Fixtures.checkDigest(plaintext, Fixtures.bodyDigest, "W5 body")
            // A receiver holds the body and its output, not the sender's plaintext (as the peers).
            return (try codec.encryptResponseBody(plaintext), try plaintext.withUnsafeBytes { try sha256($0) }, plaintext.count)
        }()
        guard body.utf8.starts(with: #"{"data":""#.utf8) else { fail("W6 body shape") }
        let check = try codec.decryptResponseBody(body.utf8)
        guard check.count == count, try check.withUnsafeBytes({ try sha256($0) }) == digest else {
            fail("W6 output is not the W5 plaintext")
        }
        let seconds = harness.nanosecondsPerOperation {
            guard let plaintext = try? codec.decryptResponseBody(body.utf8) else { fail("W6 failed") }
            sink &+= plaintext.count
        } / 1e9
        return row("W6", megabytesPerSecond: Double(count) / 1e6 / seconds)
    }
}
