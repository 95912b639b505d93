/// Builds ("signs") Liveform URLs byte for byte as wire format §3.3 prescribes.
///
/// ```swift
/// let builder = try LiveformURLBuilder(settings: settings)
/// var parameters = LiveformParameters()
/// parameters.email = "kim@example.com"
/// parameters.userid = "user-42"
/// let url = try builder.url(for: parameters, lang: "ko")
/// // https://form.argosidentity.com/?pid=my-project-id&encrypted=…&lang=ko
/// ```
///
/// A builder is an immutable value; share one across requests. With ECB the same
/// parameters always give the same URL; with GCM every URL carries a fresh random nonce.
public struct LiveformURLBuilder: Sendable {
    public let settings: LiveformSettings
    private let cipher: TokenCipher?

    /// - Throws: ``LiveformError/Code/invalidParameter`` when the settings are incoherent.
    public init(settings: LiveformSettings) throws(LiveformError) {
        try settings.validate()
        self.settings = settings
        switch settings.encryption {
        case .off: cipher = nil
        case .ecb: cipher = TokenCipher(mode: .ecb, backend: settings.backend)
        case .gcm: cipher = TokenCipher(mode: .gcm, backend: settings.backend)
        }
    }

    /// Whether a parameter goes inside `encrypted` under these settings.
    public func isEncrypted(_ name: String) -> Bool {
        guard settings.encryption != .off else { return false }
        return settings.encryptionOnly || !LiveformParameters.injectionNames.contains(name)
    }

    /// The JSON text that goes inside `encrypted` (nil when nothing is encrypted): the
    /// encrypted parameters in order, written as `JSON.stringify` writes them.
    public func encryptedJSONText(for parameters: LiveformParameters) -> String? {
        guard settings.encryption != .off else { return nil }
        var object = JSONObject()
        for (name, value) in parameters where isEncrypted(name) { object[name] = value }
        return JSONValue.object(object).jsonText
    }

    /// The URL for `parameters`.
    ///
    /// - Parameters:
    ///   - lang: the form's language (e.g. `ko`, `en`), plain in the URL.
    ///   - nonce: a fixed GCM nonce, for test vectors only; random when nil.
    /// - Throws: ``LiveformError/Code/invalidParameter`` for a rule of §3.3 (the message
    ///   names the parameter), or a URL longer than ``LiveformSettings/maxURLLength``.
    public func url(for parameters: LiveformParameters, lang: String? = nil,
                    nonce: AES256.GCM.Nonce? = nil) throws(LiveformError) -> String {
        try settings.validate()
        try parameters.validate(encrypted: settings.encryption != .off)
        if let lang, lang.isEmpty { throw .invalidParameter("'lang' is empty; omit it instead") }
        if nonce != nil && settings.encryption != .gcm { throw .invalidParameter("a nonce applies to GCM only") }

        var out: [UInt8] = []
        out.reserveCapacity(settings.baseURL.utf8.count + 64 + parameters.count * 48)
        out.append(contentsOf: settings.baseURL.utf8)
        switch out.last {
        case UInt8(ascii: "?"), UInt8(ascii: "&"): break  // the base already ends in a separator
        default: out.append(settings.baseURL.utf8.contains(UInt8(ascii: "?")) ? UInt8(ascii: "&") : UInt8(ascii: "?"))
        }
        appendItem("pid", settings.projectId, to: &out, first: true)

        if let cipher, let key = settings.credential?.key {
            var plaintext: [UInt8] = []
            plaintext.reserveCapacity(parameters.count * 32)
            var object = JSONObject()
            for (name, value) in parameters where isEncrypted(name) { object[name] = value }
            JSONWriter.write(.object(object), into: &plaintext)
            let wire = try plaintext.withRaw { (raw) throws(LiveformError) in
                try cipher.seal(raw, using: key, iv: nonce?.bytes)
            }
            out.append(contentsOf: "&encrypted=".utf8)
            try appendToken(wire, to: &out)
        }
        if let lang { appendItem("lang", lang, to: &out) }
        for (name, value) in parameters where !isEncrypted(name) {
            appendItem(name, value.plainTextIfScalar ?? value.jsonText, to: &out)
        }
        guard out.count <= settings.maxURLLength else {
            throw .invalidParameter("the URL would be \(out.count) bytes, over the limit of \(settings.maxURLLength); shorten the parameters or raise maxURLLength")
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func appendItem(_ name: String, _ value: String, to out: inout [UInt8], first: Bool = false) {
        if !first { out.append(UInt8(ascii: "&")) }
        QueryString.appendEncoded(name.utf8, to: &out)
        out.append(UInt8(ascii: "="))
        QueryString.appendEncoded(value.utf8, to: &out)
    }

    /// Base64 straight into the URL buffer, then percent-encoded in place (`+ / =` → `%2B %2F %3D`).
    private func appendToken(_ wire: [UInt8], to out: inout [UInt8]) throws(LiveformError) {
        let base64Length = Base64.encodedLength(wire.count)
        var encoded = [UInt8](repeating: 0, count: base64Length)
        try wire.withRaw { (raw) throws(LiveformError) in
            encoded.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                _ = Base64.encode(raw, into: base)
            }
        }
        QueryString.appendEncoded(encoded, to: &out)
    }
}
