/// The result the form reports when it redirects the user to your Return URL (wire format §4).
///
/// ```swift
/// let decoder = ReturnURLDecoder(keys: [apiKey])
/// let result = try decoder.decode(request.uri)      // absolute URL or "/path?query"
/// if result.kycStatus == .approved { … }
/// ```
///
/// Treat it as a hint for the user interface: the redirect passes through the user's
/// browser. Confirm decisions that matter through the API or a webhook.
public struct ReturnURLResult: Sendable, Hashable {
    /// The field names the form writes, in the order it writes them.
    public static let knownFields = ["kycStatus", "userid", "email", "submissionId", "cf1", "cf2", "cf3", "errorCode"]

    /// Every field, in order, unknown ones included, with their JSON types.
    public let fields: JSONObject
    /// Whether the fields came inside `encrypted`.
    public let wasEncrypted: Bool

    /// `kycStatus`: the outcome of the submission, or nil when the form did not send it.
    public var kycStatus: KYCStatus? { fields["kycStatus"]?.plainTextIfScalar.map(KYCStatus.init(rawValue:)) }
    /// `userid`, as given in the Liveform URL.
    public var userid: String? { fields["userid"]?.plainTextIfScalar }
    /// `email`, as the user entered it or as given in the Liveform URL.
    public var email: String? { fields["email"]?.plainTextIfScalar }
    /// `submissionId`: the id to ask the REST API about.
    public var submissionId: String? { fields["submissionId"]?.plainTextIfScalar }
    /// Custom field `cf1`, as given in the Liveform URL.
    public var cf1: String? { fields["cf1"]?.plainTextIfScalar }
    /// Custom field `cf2`, as given in the Liveform URL.
    public var cf2: String? { fields["cf2"]?.plainTextIfScalar }
    /// Custom field `cf3`, as given in the Liveform URL.
    public var cf3: String? { fields["cf3"]?.plainTextIfScalar }
    /// `errorCode`, when the form ended with an error.
    public var errorCode: String? { fields["errorCode"]?.plainTextIfScalar }

    /// A result made of these fields (the decoder makes them; tests and simulators may too).
    public init(fields: JSONObject, wasEncrypted: Bool) {
        self.fields = fields
        self.wasEncrypted = wasEncrypted
    }
}

/// A KYC status: `approved`, `pending`, `rejected`, or a value this SDK does not know yet,
/// kept as it came.
public struct KYCStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The submission was approved.
    public static let approved = KYCStatus(rawValue: "approved")
    /// The submission awaits a manual review.
    public static let pending = KYCStatus(rawValue: "pending")
    /// The submission was rejected.
    public static let rejected = KYCStatus(rawValue: "rejected")

    /// Whether this is one of the documented statuses.
    public var isKnown: Bool { [.approved, .pending, .rejected].contains(self) }
    public var description: String { rawValue }
}

/// Decodes Return URLs, plain or encrypted (ECB, as the vendor sends them).
public struct ReturnURLDecoder: Sendable {
    /// Keys to try, in order.
    public var keys: [AES256.Key]
    /// The crypto library that decrypts.
    public var backend: AES256.Backend
    /// Longer `encrypted` tokens are ``LiveformError/Code/malformedInput`` (default 64 KiB).
    public var maxTokenLength: Int

    /// Creates a decoder; with no keys it reads plain Return URLs only.
    public init(
        keys: [AES256.Key] = [], backend: AES256.Backend = .default,
        maxTokenLength: Int = TokenCipher.defaultMaxTokenLength
    ) {
        self.keys = keys
        self.backend = backend
        self.maxTokenLength = maxTokenLength
    }

    /// - Throws: ``LiveformError/Code/malformedInput`` for a URL, escape or token that is
    ///   structurally wrong; ``LiveformError/Code/decryptionFailed`` when `encrypted` does
    ///   not decrypt into a JSON object with any key.
    public func decode(_ url: String) throws(LiveformError) -> ReturnURLResult {
        let split = try QueryString.split(url, maxLength: 2 * maxTokenLength)
        var fields = JSONObject()
        var encrypted: Substring.UTF8View?
        for item in split.items {
            let name = try QueryString.decode(item.name, plusIsSpace: false, what: "a parameter name")
            if name == "encrypted" {
                guard encrypted == nil else { throw .malformed("the URL has more than one 'encrypted' parameter") }
                encrypted = item.value
                continue
            }
            let value = try QueryString.decode(item.value, plusIsSpace: true, what: "parameter '\(name)'")
            if fields[name] == nil { fields[name] = .string(value) }
        }
        guard let encrypted else { return ReturnURLResult(fields: fields, wasEncrypted: false) }
        let token = try QueryString.decode(encrypted, plusIsSpace: false, what: "'encrypted'")
        let cipher = TokenCipher(mode: .ecb, backend: backend, maxTokenLength: maxTokenLength)
        let wire = try cipher.wireBytes(of: token)
        let object = try cipher.open(wire, using: keys) { plaintext -> JSONObject? in
            (try? JSONReader.parse(plaintext))?.objectValue
        }
        // Encrypted fields win over plain ones of the same name.
        var merged = object
        for (name, value) in fields where merged[name] == nil { merged[name] = value }
        return ReturnURLResult(fields: merged, wasEncrypted: true)
    }
}

/// Builds Return URLs as the form does: for tests and local simulation of the redirect.
public struct ReturnURLBuilder: Sendable {
    /// The project's Return URL; the fields are appended to its query.
    public var returnURL: String
    /// The key to encrypt with; nil builds a plain Return URL.
    public var key: AES256.Key?
    /// The crypto library that encrypts.
    public var backend: AES256.Backend

    /// Creates a builder for `returnURL`; with a key it encrypts the fields (ECB), as the form does.
    public init(returnURL: String, key: AES256.Key? = nil, backend: AES256.Backend = .default) {
        self.returnURL = returnURL
        self.key = key
        self.backend = backend
    }

    /// The Return URL carrying `fields` (in the given order).
    public func url(for fields: JSONObject) throws(LiveformError) -> String {
        var out = QueryString.startQuery(after: returnURL)
        var first = true
        func appendItem(_ name: String, _ value: String) {
            if !first { out.append(UInt8(ascii: "&")) }
            first = false
            QueryString.appendEncoded(name.utf8, to: &out)
            out.append(UInt8(ascii: "="))
            QueryString.appendEncoded(value.utf8, to: &out)
        }
        if let key {
            let plaintext = JSONWriter.bytes(.object(fields))
            let token = try TokenCipher(mode: .ecb, backend: backend).encrypt(plaintext, using: key)
            appendItem("encrypted", token)
        } else {
            for (name, value) in fields {
                guard let text = value.plainTextIfScalar else {
                    throw .invalidParameter("Return URL field '\(name)' has a structured value; a plain URL cannot carry it")
                }
                appendItem(name, text)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
