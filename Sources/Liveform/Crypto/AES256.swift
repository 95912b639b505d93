package import LiveformBackends

/// AES with 256-bit keys: the primitives every ARGOS format is built on.
///
/// A namespace, as `AES.GCM` is in swift-crypto (and named so it does not clash with it):
/// ``Key``, ``ECB``, ``CBC``, ``GCM`` and the ``Backend`` that runs them. Most integrators
/// never call these directly; they use ``LiveformURLBuilder``, ``WebhookDecoder`` and friends,
/// which choose the cipher the wire format prescribes.
public enum AES256 {}

extension AES256 {
    /// The C library that runs the cipher: OpenSSL libcrypto (the default) or libgcrypt.
    ///
    /// Both give byte-identical results and identical errors; the choice is about what a
    /// deployment already trusts and ships.
    public struct Backend: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        package let kind: CipherBackendKind

        /// OpenSSL libcrypto (EVP). The default.
        public static let openssl = Backend(kind: .openssl)
        /// libgcrypt.
        public static let gcrypt = Backend(kind: .gcrypt)
        /// The backend used when none is given: ``openssl``.
        public static let `default` = Backend.openssl

        public static let allCases: [Backend] = [.openssl, .gcrypt]

        /// `openssl` or `gcrypt`, as the CLI's `--backend` spells it.
        public var name: String { kind.rawValue }
        public var description: String { name }

        /// The version of the C library, e.g. `OpenSSL 3.0.19 …` or `libgcrypt 1.10.1`.
        public var libraryVersion: String { backendVersion(kind) }

        /// The backend called `name` (`openssl` or `gcrypt`), or nil.
        public init?(name: String) {
            guard let kind = CipherBackendKind(rawValue: name) else { return nil }
            self.kind = kind
        }

        package init(kind: CipherBackendKind) { self.kind = kind }
    }
}

// MARK: - Internal helpers shared by the primitives

/// Lends any byte collection as a raw buffer, copying only when it has no contiguous storage.
func withBytes<Bytes: Collection<UInt8>, R>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) throws(LiveformError) -> R
) throws(LiveformError) -> R {
    var outcome: Result<R, LiveformError>?
    _ = bytes.withContiguousStorageIfAvailable { buffer in
        outcome = Result { () throws(LiveformError) -> R in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let outcome { return try outcome.get() }
    return try Array(bytes).withRaw(body)
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` with a typed error (the standard library's is `rethrows`).
    func withRaw<R>(_ body: (UnsafeRawBufferPointer) throws(LiveformError) -> R) throws(LiveformError) -> R {
        var outcome: Result<R, LiveformError>?
        withUnsafeBytes { raw in outcome = Result { () throws(LiveformError) -> R in try body(raw) } }
        return try outcome!.get()
    }

    /// `withUnsafeMutableBytes` with a typed error.
    mutating func withMutableRaw<R>(_ body: (UnsafeMutableRawBufferPointer) throws(LiveformError) -> R) throws(LiveformError) -> R {
        var outcome: Result<R, LiveformError>?
        withUnsafeMutableBytes { raw in outcome = Result { () throws(LiveformError) -> R in try body(raw) } }
        return try outcome!.get()
    }
}

/// Allocates `capacity` bytes once, lets `body` fill them and return how many it wrote.
func makeBytes(
    capacity: Int,
    _ body: (UnsafeMutableRawBufferPointer) throws(LiveformError) -> Int
) throws(LiveformError) -> [UInt8] {
    var failure: LiveformError?
    let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
        do throws(LiveformError) {
            initialized = try body(UnsafeMutableRawBufferPointer(buffer))
        } catch {
            failure = error
            initialized = 0
        }
    }
    if let failure { throw failure }
    return bytes
}

extension LiveformError {
    /// Maps a backend failure onto the public categories. Verification failures all become
    /// the single ``decryptionFailed`` error.
    init(_ failure: CipherFailure) {
        switch failure {
        case .rejected: self = .decryptionFailed
        case .unsupported(let what): self = .invalidParameter("\(what) is not supported")
        case .library(let what): self = .backend(what)
        }
    }
}

/// Runs a backend call, translating its failure.
func backendCall<R>(_ body: () throws(CipherFailure) -> R) throws(LiveformError) -> R {
    do {
        return try body()
    } catch {
        throw LiveformError(error)
    }
}

/// The string of `bytes` when they are valid UTF-8, else nil.
///
/// `String(validating:as:)` is generic and, called on raw buffers, spends more time looking up
/// type metadata than validating short strings. `String(decoding:as:)` on a typed buffer is the
/// standard library's fast path; it repairs invalid input with U+FFFD, so the bytes were valid
/// exactly when the result is byte-for-byte the input (a repair always changes some byte).
func validatedUTF8String(_ bytes: UnsafeRawBufferPointer) -> String? {
    let typed = UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    var text = String(decoding: typed, as: UTF8.self)
    if isASCII(bytes) { return text }  // ASCII is always valid: nothing to compare
    let same = text.withUTF8 { decoded in
        decoded.count == typed.count && UnsafeRawBufferPointer(decoded).elementsEqual(bytes)
    }
    return same ? text : nil
}

/// Whether every byte is below 0x80, tested eight bytes at a time.
func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 0
    var seen: UInt64 = 0
    while index + 8 <= bytes.count {
        seen |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < bytes.count {
        seen |= UInt64(bytes[index])
        index += 1
    }
    return seen & 0x8080_8080_8080_8080 == 0
}
