import Liveform

extension VectorChecker {
    /// `request-body` and `response-body`: encrypt(plaintext) = body, byte for byte, and
    /// decrypt(body) = plaintext; invalid: decrypt(body) fails with the named category.
    func checkAPIBody(_ v: VectorReader, kind: String) throws {
        let isRequest = kind == "request-body"
        let expected = try v.expectedError()
        let body = try v.string("body")
        if let expected {
            _ = try v.optionalString("plaintext")
            try expectFailure(expected, "decrypt") {
                _ = try APIBodyCodec(key: try v.key(), backend: backend).decrypt(Array(body.utf8))
            }
            return
        }
        let plaintext = try v.string("plaintext")
        let codec = APIBodyCodec(key: try expectSuccess("key") { try v.key() }, backend: backend)
        let encrypted = try expectSuccess("encrypt") {
            String(decoding: isRequest ? try codec.encrypt(Array(plaintext.utf8)) : try codec.encryptResponse(Array(plaintext.utf8)), as: UTF8.self)
        }
        try expectEqual(encrypted, body, "encrypt")
        let decrypted = try expectSuccess("decrypt") { try codec.decrypt(Array(body.utf8)) }
        try expectEqual(String(decoding: decrypted, as: UTF8.self), plaintext, "decrypt")
        try expectEqual(decrypted, Array(plaintext.utf8), "decrypt (bytes)")
    }

    /// `webhook`: encrypt(plaintext, iv) = body, byte for byte; decrypt(body) = plaintext;
    /// the event decodes; invalid: decrypt(body) fails with the named category.
    func checkWebhook(_ v: VectorReader) throws {
        let expected = try v.expectedError()
        let body = Array(try v.string("body").utf8)
        if let expected {
            _ = try v.optionalString("plaintext")
            _ = try v.optionalHex("iv")
            try expectFailure(expected, "decrypt") {
                _ = try WebhookDecoder(keys: [try v.key()], backend: backend).decrypt(body: body)
            }
            return
        }
        let plaintext = try v.string("plaintext")
        guard let iv = try v.optionalHex("iv"), iv.count == 16 else { throw VectorFailure("a webhook vector needs a 16-byte iv") }
        let key = try expectSuccess("key") { try v.key() }
        let encoded = try expectSuccess("encrypt") {
            try WebhookEncoder(key: key, backend: backend).encode(Array(plaintext.utf8), iv: iv)
        }
        try expectEqual(encoded, String(decoding: body, as: UTF8.self), "encrypt")
        let decoder = WebhookDecoder(keys: [key], backend: backend)
        let decrypted = try expectSuccess("decrypt") { try decoder.plaintext(ofBody: body) }
        try expectEqual(String(decoding: decrypted, as: UTF8.self), plaintext, "decrypt")
        try expectEqual(decrypted, Array(plaintext.utf8), "decrypt (bytes)")
        let event = try expectSuccess("decode") { try decoder.decode(body: body) }
        guard case .object(let object) = try expectSuccess("parse plaintext", { try JSONValue(parsing: plaintext) }) else {
            throw VectorFailure("the plaintext of a valid webhook vector is not a JSON object")
        }
        try expectEqual(event.json, object, "event.json")
        try expectEqual(event.trigger.rawValue, object["webhook_trigger"]?.stringValue ?? "", "event.trigger")
    }
}
