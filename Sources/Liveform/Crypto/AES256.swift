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
