import Liveform

extension VectorChecker {
    /// `liveform-url`: the JSON text inside `encrypted` equals `plaintext`; build = `url` byte
    /// for byte; decode(`url`) gives `pid`, `lang`, the same params and the base URL's own
    /// query items. Invalid: decode(`url`) fails with the named category.
    func checkLiveformURL(_ v: VectorReader) throws {
        let expected = try v.expectedError()
        let modeName = try v.string("mode")
        let url = try v.string("url")
        if let expected {
            guard let mode = LiveformURLDecoder.Mode(rawValue: modeName == "none" ? "auto" : modeName) else {
                throw VectorFailure("unknown decoder mode \(modeName)")
            }
            _ = v.optional("encryptionOnly")
            try expectFailure(expected, "decode") {
                let key = try v.key()
                _ = try LiveformURLDecoder(keys: [key], mode: mode, backend: backend).decode(url)
            }
            return
        }
        guard let encryption = LiveformSettings.Encryption(rawValue: modeName) else {
            throw VectorFailure("unknown mode \(modeName) (none, ecb or gcm)")
        }
        let encryptionOnly = try v.bool("encryptionOnly")
        let pid = try v.string("pid")
        let lang = try v.optionalString("lang")
        let baseURL = try v.optionalString("baseURL") ?? LiveformSettings.defaultBaseURL
        let parameters = try Self.parameters(v.optional("params"))
        let nonce = try v.optionalHex("iv")
        let plaintext = try v.optionalString("plaintext")
        let hasKey = v.vector["key"] != nil || v.vector["keyHex"] != nil
        let key: AES256.Key? = hasKey || encryption != .off ? try expectSuccess("key") { try v.key() } : nil

        let settings = try expectSuccess("settings") {
            try LiveformSettings(
                projectId: pid, encryption: encryption, encryptionOnly: encryptionOnly,
                credential: key.map { .init(kind: .apiKey, key: $0) }, baseURL: baseURL,
                maxURLLength: 1 << 20, backend: backend)
        }
        let builder = try expectSuccess("builder") { try LiveformURLBuilder(settings: settings) }
        switch (encryption, plaintext, nonce) {
        case (.off, nil, nil): break
        case (.ecb, _?, nil), (.gcm, _?, _?): break
        default:
            throw VectorFailure(
                "mode \(modeName) needs \(encryption == .off ? "no plaintext or iv" : encryption == .ecb ? "a plaintext and no iv" : "a plaintext and a 12-byte iv")"
            )
        }
        try expectEqual(builder.encryptedJSONText(for: parameters), plaintext, "JSON text inside 'encrypted'")
        let built = try expectSuccess("build") {
            try builder.url(for: parameters, lang: lang, nonce: nonce.map { try AES256.GCM.Nonce($0) })
        }
        try expectEqual(built, url, "built URL")

        let decoderMode: LiveformURLDecoder.Mode = encryption == .gcm ? .gcm : .ecb
        let decoded = try expectSuccess("decode") {
            try LiveformURLDecoder(
                keys: key.map { [$0] } ?? [], mode: decoderMode, encryptionOnly: encryptionOnly,
                backend: backend
            ).decode(url)
        }
        try expectEqual(decoded.pid, pid, "decoded pid")
        try expectEqual(decoded.lang, lang, "decoded lang")
        var expectedParams: [String: String] = [:]
        for (name, value) in parameters {
            let encrypted = builder.isEncrypted(name)
            expectedParams[name] = encrypted ? value.jsonText : value.plainText
        }
        // The base URL's own query items come back as plain parameters.
        if let question = baseURL.firstIndex(of: "?") {
            for item in baseURL[baseURL.index(after: question)...].split(separator: "&") {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = (try? QueryString.decode(parts[0].utf8, plusIsSpace: false, what: "name")) ?? String(parts[0])
                let value = parts.count > 1 ? ((try? QueryString.decode(parts[1].utf8, plusIsSpace: true, what: "value")) ?? "") : ""
                if expectedParams[name] == nil { expectedParams[name] = value }
            }
        }
        var decodedParams: [String: String] = [:]
        for (name, value) in decoded.parameters {
            decodedParams[name] = decoded.encryptedNames.contains(name) ? value.jsonText : value.plainText
        }
        try expectEqual(decodedParams, expectedParams, "decoded params")
    }

    /// `return-url`: decode(`url`) = `expected`; invalid: decode fails with the category.
    func checkReturnURL(_ v: VectorReader) throws {
        let expected = try v.expectedError()
        let modeName = try v.string("mode")
        guard ["none", "ecb", "auto"].contains(modeName) else { throw VectorFailure("unknown mode \(modeName)") }
        let url = try v.string("url")
        let hasKey = v.vector["key"] != nil || v.vector["keyHex"] != nil
        if let expected {
            try expectFailure(expected, "decode") {
                let keys = hasKey ? [try v.key()] : []
                _ = try ReturnURLDecoder(keys: keys, backend: backend).decode(url)
            }
            return
        }
        guard let fields = v.optional("expected")?.objectValue else { throw VectorFailure("missing object field \"expected\"") }
        let keys = hasKey ? [try expectSuccess("key") { try v.key() }] : []
        let result = try expectSuccess("decode") { try ReturnURLDecoder(keys: keys, backend: backend).decode(url) }
        try expectEqual(result.wasEncrypted, modeName == "ecb", "encrypted")
        let actual = Dictionary(uniqueKeysWithValues: result.fields.map { ($0.key, $0.value.jsonText) })
        let wanted = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value.jsonText) })
        try expectEqual(actual, wanted, "decoded fields")
    }

    /// `params`: an array of `[name, value]` pairs, value a JSON string, boolean or number.
    static func parameters(_ value: JSONValue?) throws -> LiveformParameters {
        guard let pairs = value?.arrayValue else { throw VectorFailure("missing array field \"params\"") }
        var parameters: [(String, JSONValue)] = []
        for pair in pairs {
            guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue else {
                throw VectorFailure("each entry of \"params\" must be [name, value]")
            }
            switch items[1] {
            case .string, .bool, .number: parameters.append((name, items[1]))
            default: throw VectorFailure("param \(name): value must be a string, boolean or number")
            }
        }
        return LiveformParameters(parameters)
    }
}
