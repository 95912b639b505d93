import LiveformBackends
import LiveformBytes

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
    /// The settings the builder was made with, already checked.
    public let settings: LiveformSettings
    /// Everything a call needs, prepared once. A class: the builder is copied into every
    /// call site and closure, and one reference is cheaper to copy than a dozen fields.
    private let core: Core

    /// - Throws: ``LiveformError/Code/invalidParameter`` when the settings are incoherent.
    public init(settings: LiveformSettings) throws(LiveformError) {
        try settings.validate()
        self.settings = settings
        core = Core(settings: settings)
    }

    /// Whether a parameter goes inside `encrypted` under these settings.
    public func isEncrypted(_ name: String) -> Bool {
        core.isEncrypted(ParameterKind(name: name))
    }

    /// The JSON text that goes inside `encrypted` (nil when nothing is encrypted): the
    /// encrypted parameters in order, written as `JSON.stringify` writes them.
    public func encryptedJSONText(for parameters: LiveformParameters) -> String? {
        guard core.mode != nil else { return nil }
        return core.encryptedJSONText(parameters)
    }

    /// The URL for `parameters`.
    ///
    /// - Parameters:
    ///   - parameters: the parameters; the settings decide which stay plain.
    ///   - lang: the form's language (e.g. `ko`, `en`), plain in the URL.
    ///   - nonce: a fixed GCM nonce, for test vectors only; random when nil.
    /// - Throws: ``LiveformError/Code/invalidParameter`` for a rule of §3.3 (the message
    ///   names the parameter), or a URL longer than ``LiveformSettings/maxURLLength``.
    public func url(
        for parameters: LiveformParameters, lang: String? = nil,
        nonce: AES256.GCM.Nonce? = nil
    ) throws(LiveformError) -> String {
        try core.url(for: parameters, lang: lang, nonce: nonce)
    }
}

private final class Core: Sendable {
    /// The cipher mode, kept apart from a `TokenCipher` value: that struct holds an enum with
    /// an IV array, so every copy of it (one per call) retains and releases the array.
    let mode: TokenCipher.Mode?
    let backend: AES256.Backend
    let key: AES256.Key?
    let encryptionOnly: Bool
    let isGCM: Bool
    let maxURLLength: Int
    /// `base ? pid=…`, percent-encoded once: every URL starts with it.
    let prefix: [UInt8]

    init(settings: LiveformSettings) {
        switch settings.encryption {
        case .off: mode = nil
        case .ecb: mode = .ecb
        case .gcm: mode = .gcm
        }
        isGCM = settings.encryption == .gcm
        backend = settings.backend
        key = settings.credential?.key
        encryptionOnly = settings.encryptionOnly
        maxURLLength = settings.maxURLLength
        var prefix = QueryString.startQuery(after: settings.baseURL)
        prefix.append(contentsOf: "pid=".utf8)
        QueryString.appendEncoded(settings.projectId.utf8, to: &prefix)
        self.prefix = prefix
    }

    func isEncrypted(_ kind: ParameterKind) -> Bool {
        mode != nil && (encryptionOnly || !kind.isInjection)
    }

    /// The encrypted parameters' JSON text, from the same writer `url(for:)` encrypts with.
    func encryptedJSONText(_ parameters: LiveformParameters) -> String {
        String(utf8Capacity: encryptedJSONCapacity(parameters)) { json in writeEncryptedJSON(parameters, to: &json) }
    }

    func url(for parameters: LiveformParameters, lang: String?, nonce: AES256.GCM.Nonce?) throws(LiveformError) -> String {
        try parameters.validate(encrypted: mode != nil)
        if let lang, lang.isEmpty { throw .invalidParameter("'lang' is empty; omit it instead") }
        if nonce != nil && !isGCM { throw .invalidParameter("a nonce applies to GCM only") }
        guard let mode, let key else { return try assemble(parameters, lang: lang, wire: Span()) }
        // The JSON, then the token's bytes, in scratch memory (on the stack for parameters of
        // the usual size), then straight into the URL: no intermediate arrays.
        let cipher = TokenCipher(mode: mode == .gcm ? .gcm : .ecb, backend: backend)
        return try withScratchBytes(capacity: encryptedJSONCapacity(parameters)) { (json) throws(LiveformError) -> String in
            writeEncryptedJSON(parameters, to: &json)
            defer { json.removeAllWiping() }  // no plaintext left behind
            return try withScratchBytes(capacity: (mode == .gcm ? 12 : 0) + json.count + 16) { (wire) throws(LiveformError) -> String in
                defer { wire.removeAllWiping() }
                try cipher.seal(json.span, using: key, nonce: nonce, into: &wire)
                return try assemble(parameters, lang: lang, wire: wire.span)
            }
        }
    }

    /// The most bytes `writeEncryptedJSON` can write: every string byte escaped as `\u00XX`
    /// (6 bytes), other values by their length as `JSONWriter` writes them.
    func encryptedJSONCapacity(_ parameters: LiveformParameters) -> Int {
        var capacity = 2
        let entries = parameters.entries.span
        for index in entries.indices {
            let kind = entries[index].kind
            guard isEncrypted(kind) else { continue }
            let nameCount = kind.isDocumented ? kind.staticName.utf8CodeUnitCount : 6 * entries[index].name.utf8.count
            capacity += 2 + nameCount + 2 + Self.jsonCapacity(entries[index].value)
        }
        return capacity
    }

    private static func jsonCapacity(_ value: borrowing JSONValue) -> Int {
        switch value {
        case .string(let text): return JSONString.maxQuotedLength(text.utf8.count)
        case .bool, .null: return 5
        default: return JSONWriter.bytes(copy value).count  // numbers and containers: rare here
        }
    }

    /// The encrypted parameters as `JSON.stringify` writes them (`JSONWriter`'s bytes).
    func writeEncryptedJSON(_ parameters: LiveformParameters, to json: inout OutputSpan<UInt8>) {
        json.append(UInt8(ascii: "{"))
        var first = true
        // Entries read in place (a `for entry in` loop copies each one: retains and releases);
        // a documented name is copied from its kind, not read from the entry's String.
        let entries = parameters.entries.span
        for index in entries.indices {
            let kind = entries[index].kind
            guard isEncrypted(kind) else { continue }
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
            if kind.isDocumented {
                json.append(UInt8(ascii: "\""))
                json.append(utf8: kind.staticName)
                json.append(UInt8(ascii: "\""))
            } else {
                JSONString.appendQuoted(entries[index].name.utf8.span, into: &json)
            }
            json.append(UInt8(ascii: ":"))
            switch entries[index].value {
            case .string(let text): JSONString.appendQuoted(text.utf8.span, into: &json)
            case .bool(true): json.append(utf8: "true")
            case .bool(false): json.append(utf8: "false")
            case .null: json.append(utf8: "null")
            default: json.append(copying: JSONWriter.bytes(entries[index].value).span)
            }
        }
        json.append(UInt8(ascii: "}"))
    }

    /// The URL around the token's bytes (none when unencrypted).
    private func assemble(_ parameters: LiveformParameters, lang: String?, wire: Span<UInt8>) throws(LiveformError) -> String {
        // Plain values that are not strings are written as their JSON text.
        var capacity = prefix.count + (lang.map { 6 + 3 * $0.utf8.count } ?? 0)
        if mode != nil { capacity += 11 + PercentEncoding.maxEncodedLength(Base64.encodedLength(wire.count)) }
        // By index, kind first: most entries are encrypted, and copying one costs retains.
        var plainTexts: [String] = []
        for index in parameters.entries.indices where !isEncrypted(parameters.entries[index].kind) {
            let entry = parameters.entries[index]
            let text = entry.value.plainTextIfScalar ?? entry.value.jsonText
            plainTexts.append(text)
            capacity += 2 + 3 * (entry.name.utf8.count + text.utf8.count)
        }
        // One buffer, written once: prefix, token (base64 and percent-encoding fused), the rest.
        let prefix = self.prefix
        let url = String(utf8Capacity: capacity) { out in
            out.append(copying: prefix.span)
            if mode != nil {
                out.append(utf8: "&encrypted=")
                PercentEncoding.encodeBase64(wire, into: &out)
            }
            if let lang {
                out.append(utf8: "&lang=")
                PercentEncoding.encode(lang.utf8.span, into: &out)
            }
            var plainIndex = 0
            for index in parameters.entries.indices where !isEncrypted(parameters.entries[index].kind) {
                Self.appendItem(parameters.entries[index].name, plainTexts[plainIndex], to: &out)
                plainIndex += 1
            }
        }
        guard url.utf8.count <= maxURLLength else {
            throw .invalidParameter(
                "the URL would be \(url.utf8.count) bytes, over the limit of \(maxURLLength); shorten the parameters or raise maxURLLength")
        }
        return url
    }

    /// `&name=value`, both percent-encoded.
    private static func appendItem(_ name: String, _ value: String, to out: inout OutputSpan<UInt8>) {
        out.append(UInt8(ascii: "&"))
        PercentEncoding.encode(name.utf8.span, into: &out)
        out.append(UInt8(ascii: "="))
        PercentEncoding.encode(value.utf8.span, into: &out)
    }
}
