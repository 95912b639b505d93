/// The seam between safe Swift and the C libraries.
///
/// Everything in this target is `package`: the public `Liveform` target wraps it in value
/// types and maps `CipherFailure` onto the public error categories. Engines work on raw
/// buffers the caller owns; `CipherEngine+Span.swift` lends spans as those buffers, so the
/// layer above allocates each token exactly once and handles no pointer.

/// Which C library runs the cipher.
package enum CipherBackendKind: String, Sendable, CaseIterable, Hashable {
    case openssl
    case gcrypt
}

/// What can go wrong inside a backend. Deliberately coarse: a caller must not be able to
/// tell a padding failure from a tag failure.
package enum CipherFailure: Error, Sendable, Equatable {
    /// The cipher ran and the result did not verify (PKCS#7 padding or GCM tag).
    case rejected
    /// The backend refuses these parameters (for example a GCM IV length it cannot take).
    case unsupported(String)
    /// The C library itself failed (allocation, initialisation).
    case library(String)
}

/// AES-256 on one C library, bound to one key.
///
/// Implementations keep a small pool of initialised native contexts per operation so that
/// the key schedule is computed once per key, not once per call, and are safe to use from
/// many tasks at once. On any failure the output buffer is wiped: no partial plaintext
/// ever leaves an engine.
package protocol CipherEngine: AnyObject, Sendable {
    var kind: CipherBackendKind { get }

    /// AES-256-ECB. With `padding`, encryption appends PKCS#7 and decryption removes it; the
    /// output buffer must hold `input.count + 16` bytes. Returns the bytes written.
    /// Without padding the input is whole blocks, the output holds `input.count` bytes, and
    /// the two may be the very same memory (in place; never partly overlapping).
    func ecb(
        encrypt: Bool, padding: Bool, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int

    /// AES-256-CBC with a 16-byte IV; padding and output rules as for `ecb`.
    func cbc(
        encrypt: Bool, padding: Bool, iv: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int

    /// AES-256-GCM encryption: `output.count == input.count`, `tag.count` bytes of tag (4...16).
    func gcmSeal(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer) throws(CipherFailure)

    /// AES-256-GCM decryption; throws `.rejected` (and wipes `output`) when the tag does not verify.
    func gcmOpen(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(CipherFailure)
}

/// Creates the engine of `kind` for a 32-byte key. No native context is created until the
/// first operation needs one.
package func makeCipherEngine(_ kind: CipherBackendKind, key: SecureBytes) throws(CipherFailure) -> any CipherEngine {
    precondition(key.count == 32, "AES-256 keys are 32 bytes; callers validate before this point")
    switch kind {
    case .openssl: return OpenSSLEngine(key: key)
    case .gcrypt: return try GcryptEngine(key: key)
    }
}

/// Fills `buffer` with bytes from the backend's CSPRNG (IVs and nonces).
package func fillRandom(_ buffer: UnsafeMutableRawBufferPointer, using kind: CipherBackendKind) throws(CipherFailure) {
    switch kind {
    case .openssl: try OpenSSLEngine.fillRandom(buffer)
    case .gcrypt: try GcryptEngine.fillRandom(buffer)
    }
}

/// SHA-256 of `input`, computed by the given backend.
package func sha256(_ input: UnsafeRawBufferPointer, using kind: CipherBackendKind = .openssl) throws(CipherFailure) -> [UInt8] {
    switch kind {
    case .openssl: return try OpenSSLEngine.sha256(input)
    case .gcrypt: return try GcryptEngine.sha256(input)
    }
}

/// A human-readable version of the C library behind `kind`, e.g. "OpenSSL 3.0.19".
package func backendVersion(_ kind: CipherBackendKind) -> String {
    switch kind {
    case .openssl: return OpenSSLEngine.version
    case .gcrypt: return GcryptEngine.version
    }
}
