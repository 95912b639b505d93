import Liveform

extension VectorChecker {
    /// `cipher`: encrypt(plaintext, iv) = token and decrypt(token) = plaintext; invalid:
    /// decrypt(token) fails with the named category (a bad key fails as `invalidKey`).
    func checkCipher(_ v: VectorReader) throws {
        let expected = try v.expectedError()
        guard let mode = TokenCipher.Mode(rawValue: try v.string("mode")) else { throw VectorFailure("unknown mode") }
        let cipher = TokenCipher(mode: mode, backend: backend)
        let token = try v.string("token")
        let iv = try v.optionalHex("iv")
        if let expected {
            _ = v.optional("plaintext")
            _ = v.optional("plaintextHex")
            try expectFailure(expected, "decrypt") {
                let key = try v.key()
                _ = try cipher.decrypt(token, using: key)
            }
            return
        }
        let plaintext: [UInt8]
        if let text = try v.optionalString("plaintext") {
            guard v.vector["plaintextHex"] == nil else { throw VectorFailure("both plaintext and plaintextHex") }
            plaintext = Array(text.utf8)
        } else {
            plaintext = try v.hex("plaintextHex")
        }
        switch mode {
        case .ecb: guard iv == nil else { throw VectorFailure("an ecb vector has an iv") }
        case .cbc: guard iv?.count == 16 else { throw VectorFailure("a cbc vector needs a 16-byte iv") }
        case .gcm: guard iv?.count == 12 else { throw VectorFailure("a gcm vector needs a 12-byte iv") }
        }
        let key = try expectSuccess("key") { try v.key() }
        let encrypted = try expectSuccess("encrypt") { try cipher.encrypt(plaintext, using: key, iv: iv) }
        try expectEqual(encrypted, token, "encrypt")
        let decrypted = try expectSuccess("decrypt") { try cipher.decrypt(token, using: key) }
        try expectEqual(Hex.encode(decrypted), Hex.encode(plaintext), "decrypt (hex)")
    }
}
