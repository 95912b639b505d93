import Liveform
import LiveformBackends

/// The fixtures every peer uses, made by the same recipes (Tools/bench/README.md), so all
/// implementations process identical bytes.
enum Fixtures {
    static let credential = "DEMO-ONLY-not-a-real-argos-api-key"
    static let projectId = "demo-project-id"

    /// The vendor's documented sample parameters, in their order.
    static let parameters: LiveformParameters = {
        var parameters = LiveformParameters()
        parameters.email = "email@email.com"
        parameters.userid = "userid"
        parameters.cf1 = "value 1"
        parameters.cf2 = "value 2"
        parameters.cf3 = "value 3"
        parameters.blacklistCountries = false
        parameters.approvePeriod = false
        parameters.rejectPeriod = false
        parameters.ageLimit = false
        parameters.rejectDuplicateUser = true
        parameters.token = "token_id"
        parameters.allowedCountries = ["USA", "KOR"]
        return parameters
    }()

    /// The ~4 KiB webhook plaintext (4,031 bytes).
    static func webhookPlaintext() -> [UInt8] {
        var text =
            #"{"webhook_trigger":"approved","submission_id":"sub_8f3c2a61d4e94b7c","email":"email@email.com","#
            + #""userid":"userid","cf":{"cf1":"value 1","cf2":"value 2","cf3":"value 3"},"#
            + #""tokenId":"token_id","kyc_result":{"status":"approved","reviewer":"reviewer@argosidentity.com","#
            + #""comment":"ID document and selfie verified","created_at":"2026-03-01T09:12:44.000Z","#
            + #""updated_at":"2026-03-01T09:30:00.000Z"},"aml_result":{"status":"clear","hits":0,"#
            + #""screened_at":"2026-03-01T09:12:50.000Z"},"id_type":"passport","issuing_country":"KOR","#
            + #""full_name":"HONG GILDONG","birth_date":"1990-01-01","document_number":"M12345678","#
            + #""expire_date":"2031-05-31","ip_address":"203.0.113.42","user_agent":"Mozilla/5.0 (iPhone; "#
            + #"CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "#
            + #"Mobile/15E148 Safari/604.1","history":["#
        var index = 1
        while true {
            let two = index < 10 ? "0\(index)" : "\(index)"
            let entry =
                (index > 1 ? "," : "") + #"{"step":\#(index),"event":"check_\#(two)","result":"pass","#
                + #""detail":"automated check \#(two) completed without findings"}"#
            if text.utf8.count + entry.utf8.count + 2 > 4096 { break }
            text += entry
            index += 1
        }
        return Array((text + "]}").utf8)
    }

    /// The 10 MiB request plaintext: `{"userid":"u-1","idImage":"<base64>"}` whose image bytes are
    /// the AES-256-CTR keystream under SHA-256("liveform-bench-idImage") from a zero counter.
    ///
    /// Written piece by piece into the one result buffer: the W5/W6 figures include the peak
    /// RSS, which a fixture built from several body-sized temporaries would set on its own.
    static func bodyPlaintext() throws -> [UInt8] {
        let prefix = Array(#"{"userid":"u-1","idImage":""#.utf8), suffix = Array(#""}"#.utf8)
        let base64Length = (10 * 1024 * 1024 - prefix.count - suffix.count) / 4 * 4
        let imageLength = base64Length / 4 * 3
        let seed = Array("liveform-bench-idImage".utf8)
        let imageKey = try AES256.Key(rawKey: try seed.withUnsafeBytes { try sha256($0) })
        let engine = try imageKey.engine(.openssl)
        let pieceBytes = 48 * 1024  // whole AES blocks and whole base64 quartets
        var counters = [UInt8](repeating: 0, count: pieceBytes)
        var keystream = [UInt8](repeating: 0, count: pieceBytes)
        let total = prefix.count + base64Length + suffix.count
        let bytes = try [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let out = buffer.baseAddress else { return }
            out.update(from: prefix, count: prefix.count)
            var written = prefix.count
            var done = 0
            while done < imageLength {
                let count = min(pieceBytes, imageLength - done)
                // CTR keystream = ECB of the big-endian counter blocks 0, 1, 2, …
                let blocks = (count + 15) / 16
                for block in 0..<blocks {
                    var value = UInt64(done / 16 + block)
                    for byte in 0..<8 {
                        counters[block * 16 + 15 - byte] = UInt8(truncatingIfNeeded: value)
                        value >>= 8
                    }
                }
                _ = try counters.withUnsafeBytes { input in
                    try keystream.withUnsafeMutableBytes { output in
                        try engine.ecb(
                            encrypt: true, padding: false, input: UnsafeRawBufferPointer(rebasing: input[..<(blocks * 16)]),
                            output: output)
                    }
                }
                let text = UnsafeMutableBufferPointer(start: out + written, count: Base64.encodedLength(count))
                var output = OutputSpan(buffer: text, initializedCount: 0)
                Base64.encode(keystream.span.extracting(..<count), into: &output)
                written += output.finalize(for: text)
                done += count
            }
            (out + written).update(from: suffix, count: suffix.count)
            initialized = written + suffix.count
        }
        guard bytes.count == total else { fail("the W5 plaintext is \(bytes.count) bytes, not \(total)") }
        return bytes
    }

    /// SHA-256 of the fixtures, as Tools/bench/README.md gives them: all peers process these bytes.
    static let webhookDigest = "2d9ac98c4926aad0653d63b917ef07147021a8e4eca0b9ab057899bba8369f8b"
    static let ecbURLDigest = "bfc839add765116d0f2f90bcf488a674bb2fb05e8949a0268979ca9be5a40761"
    static let bodyDigest = "d83cc643d1481b33d7b66436d657f3b410d61c8711c5b6f19b0196b6867cfbc5"

    static func checkDigest(_ bytes: [UInt8], _ expected: String, _ what: String) throws {
        let digest = try bytes.withUnsafeBytes { try sha256($0) }
        let hex = digest.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        guard hex == expected else { fail("the \(what) fixture differs from the peers' (SHA-256 \(hex))") }
    }
}
