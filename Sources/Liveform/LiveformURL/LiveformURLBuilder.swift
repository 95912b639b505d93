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
    private let key: AES256.Key?
    /// `base ? pid=…`, percent-encoded once: every URL starts with it.
    private let prefix: [UInt8]

    /// - Throws: ``LiveformError/Code/invalidParameter`` when the settings are incoherent.
    public init(settings: LiveformSettings) throws(LiveformError) {
        try settings.validate()
        self.settings = settings
        switch settings.encryption {
        case .off: cipher = nil
        case .ecb: cipher = TokenCipher(mode: .ecb, backend: settings.backend)
        case .gcm: cipher = TokenCipher(mode: .gcm, backend: settings.backend)
        }
        key = settings.credential?.key
        var prefix = Array(settings.baseURL.utf8)
        switch prefix.last {
        case UInt8(ascii: "?"), UInt8(ascii: "&"): break  // the base already ends in a separator
        default: prefix.append(prefix.contains(UInt8(ascii: "?")) ? UInt8(ascii: "&") : UInt8(ascii: "?"))
        }
        prefix.append(contentsOf: "pid=".utf8)
        QueryString.appendEncoded(settings.projectId.utf8, to: &prefix)
        self.prefix = prefix
    }

    /// Whether a parameter goes inside `encrypted` under these settings.
    public func isEncrypted(_ name: String) -> Bool {
        isEncrypted(ParameterKind(name: name))
    }

    @inline(__always)
    private func isEncrypted(_ kind: ParameterKind) -> Bool {
        cipher != nil && (settings.encryptionOnly || !kind.isInjection)
    }

    /// The JSON text that goes inside `encrypted` (nil when nothing is encrypted): the
    /// encrypted parameters in order, written as `JSON.stringify` writes them.
    public func encryptedJSONText(for parameters: LiveformParameters) -> String? {
        guard cipher != nil else { return nil }
        return String(decoding: encryptedJSON(parameters), as: UTF8.self)
    }

    private func encryptedJSON(_ parameters: LiveformParameters) -> [UInt8] {
        var json: [UInt8] = []
        json.reserveCapacity(64 + parameters.count * 40)
        json.append(UInt8(ascii: "{"))
        var first = true
        for entry in parameters.entries where isEncrypted(entry.kind) {
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(entry.name, into: &json)
            json.append(UInt8(ascii: ":"))
            JSONWriter.write(entry.value, into: &json)
        }
        json.append(UInt8(ascii: "}"))
        return json
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
        try parameters.validate(encrypted: cipher != nil)
        if let lang, lang.isEmpty { throw .invalidParameter("'lang' is empty; omit it instead") }
        if nonce != nil && settings.encryption != .gcm { throw .invalidParameter("a nonce applies to GCM only") }

        var wire: [UInt8] = []
        if let cipher, let key {
            wire = try encryptedJSON(parameters).withRaw { (plaintext) throws(LiveformError) in
                try cipher.seal(plaintext, using: key, iv: nonce?.bytes)
            }
        }
        // Plain values that are not strings are written as their JSON text.
        var capacity = prefix.count + (lang.map { 6 + 3 * $0.utf8.count } ?? 0)
        if cipher != nil { capacity += 11 + 3 * Base64.encodedLength(wire.count) }
        var plainTexts: [String] = []
        for entry in parameters.entries where !isEncrypted(entry.kind) {
            let text = entry.value.plainTextIfScalar ?? entry.value.jsonText
            plainTexts.append(text)
            capacity += 2 + 3 * (entry.name.utf8.count + text.utf8.count)
        }
        // One buffer, written once: prefix, token (base64 and percent-encoding fused), the rest.
        let url = String(unsafeUninitializedCapacity: capacity) { buffer in
            var writer = URLWriter(base: buffer.baseAddress!)
            writer.append(prefix)
            if cipher != nil {
                writer.append("&encrypted=")
                wire.withUnsafeBytes { writer.appendBase64PercentEncoded($0) }
            }
            if let lang { writer.appendItem("lang", lang) }
            var index = 0
            for entry in parameters.entries where !isEncrypted(entry.kind) {
                writer.appendItem(entry.name, plainTexts[index])
                index += 1
            }
            return writer.count
        }
        guard url.utf8.count <= settings.maxURLLength else {
            throw .invalidParameter("the URL would be \(url.utf8.count) bytes, over the limit of \(settings.maxURLLength); shorten the parameters or raise maxURLLength")
        }
        return url
    }
}

/// Writes into memory sized beforehand (the caller computed an upper bound).
struct URLWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    private static let hex = Array("0123456789ABCDEF".utf8)
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            (base + count).update(from: buffer.baseAddress!, count: buffer.count)
            count += buffer.count
        }
    }

    mutating func append(_ text: StaticString) {
        (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    /// `&name=value`, both percent-encoded.
    mutating func appendItem(_ name: String, _ value: String) {
        byte(UInt8(ascii: "&"))
        appendEncoded(name)
        byte(UInt8(ascii: "="))
        appendEncoded(value)
    }

    mutating func appendEncoded(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            for value in utf8 {
                if QueryString.isUnreserved(value) {
                    byte(value)
                } else {
                    byte(UInt8(ascii: "%"))
                    byte(Self.hex[Int(value >> 4)])
                    byte(Self.hex[Int(value & 0x0F)])
                }
            }
        }
    }

    /// Base64 of `bytes`, percent-encoded on the fly: `+` `/` `=` become `%2B` `%2F` `%3D`.
    mutating func appendBase64PercentEncoded(_ bytes: UnsafeRawBufferPointer) {
        Self.base64Alphabet.withUnsafeBufferPointer { alphabet in
            @inline(__always) func sextet(_ value: UInt32) {
                if value < 62 {
                    byte(alphabet[Int(value)])
                } else {
                    byte(UInt8(ascii: "%"))
                    byte(UInt8(ascii: "2"))
                    byte(value == 62 ? UInt8(ascii: "B") : UInt8(ascii: "F"))
                }
            }
            @inline(__always) func padding() {
                byte(UInt8(ascii: "%"))
                byte(UInt8(ascii: "3"))
                byte(UInt8(ascii: "D"))
            }
            var index = 0
            while index + 3 <= bytes.count {
                let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                sextet(value >> 18)
                sextet((value >> 12) & 0x3F)
                sextet((value >> 6) & 0x3F)
                sextet(value & 0x3F)
                index += 3
            }
            let rest = bytes.count - index
            if rest > 0 {
                var value = UInt32(bytes[index]) << 16
                if rest == 2 { value |= UInt32(bytes[index + 1]) << 8 }
                sextet(value >> 18)
                sextet((value >> 12) & 0x3F)
                if rest == 2 { sextet((value >> 6) & 0x3F) } else { padding() }
                padding()
            }
        }
    }
}
