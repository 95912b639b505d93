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
        String(unsafeUninitializedCapacity: encryptedJSONCapacity(parameters)) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var json = URLWriter(base: base)
            writeEncryptedJSON(parameters, to: &json)
            return json.count
        }
    }

    func url(for parameters: LiveformParameters, lang: String?, nonce: AES256.GCM.Nonce?) throws(LiveformError) -> String {
        try parameters.validate(encrypted: mode != nil)
        if let lang, lang.isEmpty { throw .invalidParameter("'lang' is empty; omit it instead") }
        if nonce != nil && !isGCM { throw .invalidParameter("a nonce applies to GCM only") }
        guard let mode, let key else {
            return try assemble(parameters, lang: lang, wire: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        // The JSON, then the token's bytes, in scratch memory on the stack (each piece stays
        // under the 1 KiB up to which `withUnsafeTemporaryAllocation` never uses the heap when
        // the parameters are of the usual size), then straight into the URL: no intermediate arrays.
        let cipher = TokenCipher(mode: mode == .gcm ? .gcm : .ecb, backend: backend)
        let sealed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encryptedJSONCapacity(parameters)) { scratch in
            Result { () throws(LiveformError) -> String in
                guard let base = scratch.baseAddress else { throw .backend("no scratch memory") }
                var json = URLWriter(base: base)
                writeEncryptedJSON(parameters, to: &json)
                // No plaintext left behind.
                defer { UnsafeMutableBufferPointer(rebasing: scratch[..<json.count]).initialize(repeating: 0) }
                let plaintext = UnsafeRawBufferPointer(start: base, count: json.count)
                let wireCapacity = (mode == .gcm ? 12 : 0) + json.count + 16
                return try withUnsafeTemporaryAllocation(byteCount: wireCapacity, alignment: 16) { wire throws(LiveformError) -> String in
                    // On failure, all of it is wiped; on success, what was written.
                    var wireCount = wireCapacity
                    defer { UnsafeMutableRawBufferPointer(rebasing: wire[..<wireCount]).initializeMemory(as: UInt8.self, repeating: 0) }
                    wireCount = try cipher.seal(plaintext, using: key, nonce: nonce, into: wire)
                    return try assemble(parameters, lang: lang, wire: UnsafeRawBufferPointer(rebasing: wire[..<wireCount]))
                }
            }
        }
        return try sealed.get()
    }

    /// The most bytes `writeEncryptedJSON` can write: every string byte escaped as `\u00XX`
    /// (6 bytes), other values by their length as `JSONWriter` writes them.
    func encryptedJSONCapacity(_ parameters: LiveformParameters) -> Int {
        var capacity = 2
        parameters.entries.withUnsafeBufferPointer { entries in
            for index in entries.indices {
                let kind = entries[index].kind
                guard isEncrypted(kind) else { continue }
                let nameCount = kind.isDocumented ? kind.staticName.utf8CodeUnitCount : 6 * entries[index].name.utf8.count
                capacity += 2 + nameCount + 2 + Self.jsonCapacity(entries[index].value)
            }
        }
        return capacity
    }

    private static func jsonCapacity(_ value: borrowing JSONValue) -> Int {
        switch value {
        case .string(let text): return 2 + 6 * text.utf8.count
        case .bool, .null: return 5
        default: return JSONWriter.bytes(copy value).count  // numbers and containers: rare here
        }
    }

    /// The encrypted parameters as `JSON.stringify` writes them (`JSONWriter`'s bytes).
    func writeEncryptedJSON(_ parameters: LiveformParameters, to json: inout URLWriter) {
        json.byte(UInt8(ascii: "{"))
        var first = true
        // Entries read in place (a `for entry in` loop copies each one: retains and releases);
        // a documented name is copied from its kind, not read from the entry's String.
        parameters.entries.withUnsafeBufferPointer { entries in
            for index in entries.indices {
                let kind = entries[index].kind
                guard isEncrypted(kind) else { continue }
                if !first { json.byte(UInt8(ascii: ",")) }
                first = false
                if kind.isDocumented {
                    json.byte(UInt8(ascii: "\""))
                    json.append(kind.staticName)
                    json.byte(UInt8(ascii: "\""))
                } else {
                    json.appendJSONString(entries[index].name)
                }
                json.byte(UInt8(ascii: ":"))
                switch entries[index].value {
                case .string(let text): json.appendJSONString(text)
                case .bool(true): json.append("true")
                case .bool(false): json.append("false")
                case .null: json.append("null")
                default: json.append(JSONWriter.bytes(entries[index].value))
                }
            }
        }
        json.byte(UInt8(ascii: "}"))
    }

    /// The URL around the token's bytes (none when unencrypted).
    private func assemble(
        _ parameters: LiveformParameters, lang: String?,
        wire: UnsafeRawBufferPointer
    ) throws(LiveformError) -> String {
        // Plain values that are not strings are written as their JSON text.
        var capacity = prefix.count + (lang.map { 6 + 3 * $0.utf8.count } ?? 0)
        if mode != nil { capacity += 11 + 3 * Base64.encodedLength(wire.count) }
        // By index, kind first: most entries are encrypted, and copying one costs retains.
        var plainTexts: [String] = []
        for index in parameters.entries.indices where !isEncrypted(parameters.entries[index].kind) {
            let entry = parameters.entries[index]
            let text = entry.value.plainTextIfScalar ?? entry.value.jsonText
            plainTexts.append(text)
            capacity += 2 + 3 * (entry.name.utf8.count + text.utf8.count)
        }
        // One buffer, written once: prefix, token (base64 and percent-encoding fused), the rest.
        let url = String(unsafeUninitializedCapacity: capacity) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            var writer = URLWriter(base: base)
            writer.append(prefix)
            if mode != nil {
                writer.append("&encrypted=")
                writer.appendBase64PercentEncoded(wire)
            }
            if let lang { writer.appendItem("lang", lang) }
            var plainIndex = 0
            for index in parameters.entries.indices where !isEncrypted(parameters.entries[index].kind) {
                writer.appendItem(parameters.entries[index].name, plainTexts[plainIndex])
                plainIndex += 1
            }
            return writer.count
        }
        guard url.utf8.count <= maxURLLength else {
            throw .invalidParameter(
                "the URL would be \(url.utf8.count) bytes, over the limit of \(maxURLLength); shorten the parameters or raise maxURLLength")
        }
        return url
    }
}

/// Writes into memory sized beforehand (the caller computed an upper bound).
package struct URLWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func byte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let source = buffer.baseAddress else { return }  // nothing to copy
            (base + count).update(from: source, count: buffer.count)
            count += buffer.count
        }
    }

    mutating func append(_ text: StaticString) {
        Self.copy(text.utf8Start, count: text.utf8CodeUnitCount, to: base + count)
        count += text.utf8CodeUnitCount
    }

    /// Copies `count` bytes. Up to 16 bytes (the names and values a URL is made of) with two
    /// overlapping loads and stores, which read and write nothing outside the two ranges:
    /// a call to `memmove` costs more than such a copy.
    static func copy(_ source: UnsafePointer<UInt8>, count: Int, to out: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(out)
        switch count {
        case 8...16:
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        case 0..<4:
            for offset in 0..<count { out[offset] = source[offset] }
        default:
            out.update(from: source, count: count)
        }
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
        let at = UnsafeMutableRawBufferPointer(start: base + count, count: PercentEncoding.maxEncodedLength(text.utf8.count))
        count += text.withUTF8 { PercentEncoding.encode(UnsafeRawBufferPointer($0), into: at) }
    }

    /// A JSON string literal, escaped exactly as `JSONWriter.writeString` escapes it.
    mutating func appendJSONString(_ text: String) {
        let at = base + count
        count +=
            text.utf8.withContiguousStorageIfAvailable { utf8 in Self.writeJSONString(utf8, at: at) }
            ?? Array(text.utf8).withUnsafeBufferPointer { utf8 in Self.writeJSONString(utf8, at: at) }
    }

    /// Writes `"…"` at `out`; returns the bytes written. Runs without escapes are copied
    /// whole; local variables keep the position in a register (a stored `count` is reloaded
    /// after every store through the pointer).
    private static func writeJSONString(_ utf8: UnsafeBufferPointer<UInt8>, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var written = 0
        out[written] = UInt8(ascii: "\"")
        written += 1
        var runStart = 0
        var index = 0
        let count = utf8.count
        // Short strings (most parameters): a plain byte loop with wrapping arithmetic beats
        // word tricks here.
        while index < count {
            let value = utf8[index]
            index &+= 1
            guard JSONWriter.needsEscape(value) else { continue }
            if index &- 1 > runStart, let source = utf8.baseAddress {
                copy(source + runStart, count: index &- 1 &- runStart, to: out + written)
                written &+= index &- 1 &- runStart
            }
            runStart = index
            written &+= JSONWriter.writeEscape(value, at: out + written)
        }
        if utf8.count > runStart, let source = utf8.baseAddress {
            copy(source + runStart, count: utf8.count - runStart, to: out + written)
            written += utf8.count - runStart
        }
        out[written] = UInt8(ascii: "\"")
        return written + 1
    }

    /// Base64 of `bytes`, percent-encoded: `+` `/` `=` become `%2B` `%2F` `%3D`. The text is
    /// made on the stack, then percent-encoded into place.
    mutating func appendBase64PercentEncoded(_ bytes: UnsafeRawBufferPointer) {
        let length = Base64.encodedLength(bytes.count)
        let at = UnsafeMutableRawBufferPointer(start: base + count, count: PercentEncoding.maxEncodedLength(length))
        count += withUnsafeTemporaryAllocation(byteCount: max(length, 1), alignment: 1) { text -> Int in
            let written = LiveformBytes.Base64.encode(bytes, into: text)
            return PercentEncoding.encode(UnsafeRawBufferPointer(rebasing: text[..<written]), into: at)
        }
    }
}
