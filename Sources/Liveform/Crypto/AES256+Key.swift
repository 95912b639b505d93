package import LiveformBackends
import LiveformBytes

extension AES256 {
    /// A 256-bit AES key.
    ///
    /// ARGOS derives the key from a credential — the project's API key or its Liveform
    /// secretKey — as the raw SHA-256 digest of its UTF-8 bytes:
    ///
    /// ```swift
    /// let key = try AES256.Key(credential: apiKey)
    /// ```
    ///
    /// Integrators who store the derived key instead can pass it as 64 hex digits
    /// (``init(hex:)``) or base64 (``init(base64:)``).
    ///
    /// A key is a cheap value to copy and safe to share across tasks. Prepare it once and
    /// keep it: it owns the initialised cipher contexts, so later operations skip the key
    /// schedule. Its bytes live in memory of their own that is wiped when the last copy is
    /// released, and they are never printed: `description`, `debugDescription` and `dump`
    /// show only a short ``fingerprint``. Two keys compare equal in constant time.
    public struct Key: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        let storage: Storage

        /// Derives the key from a credential (API key or secretKey): `SHA-256(UTF-8(credential))`.
        ///
        /// - Throws: ``LiveformError/Code/invalidKey`` when the credential is empty or has
        ///   leading or trailing whitespace (a copy-paste slip that would otherwise produce a
        ///   different key silently).
        public init(credential: String) throws(LiveformError) {
            guard !credential.isEmpty else {
                throw .invalidKey("the credential is empty; pass the project's API key or Liveform secretKey")
            }
            if let first = credential.first, let last = credential.last, first.isWhitespace || last.isWhitespace {
                throw .invalidKey("the credential has leading or trailing whitespace; remove it (keys are used byte for byte)")
            }
            var digest = try backendCall { () throws(CipherFailure) in
                try withByteSpan(credential.utf8) { (utf8) throws(CipherFailure) in try sha256(utf8) }
            }
            defer { wipe(&digest) }
            storage = Storage(SecureBytes(digest.span))
        }

        /// Uses 32 raw key bytes as they are.
        ///
        /// - Throws: ``LiveformError/Code/invalidKey`` for any other length.
        public init<Bytes: Collection<UInt8>>(rawKey bytes: Bytes) throws(LiveformError) {
            guard bytes.count == 32 else {
                throw .invalidKey("a raw AES-256 key is 32 bytes, got \(bytes.count)")
            }
            var copy = Array(bytes)
            defer { wipe(&copy) }
            storage = Storage(SecureBytes(copy.span))
        }

        /// Reads a raw key written as 64 hexadecimal digits (either case).
        public init(hex: String) throws(LiveformError) {
            guard let bytes = Hex.decode(hex) else {
                throw .invalidKey("a hex key must be 64 hexadecimal digits (32 bytes)")
            }
            try self.init(rawKey: bytes)
        }

        /// Reads a raw key written in base64 (standard or URL-safe alphabet, padding optional).
        public init(base64: String) throws(LiveformError) {
            let bytes: [UInt8]
            do {
                bytes = try Base64.decode(base64)
            } catch {
                throw .invalidKey("a base64 key must decode to 32 bytes")
            }
            try self.init(rawKey: bytes)
        }

        /// A fresh random key, for tests and local simulation.
        public static func random(backend: Backend = .default) -> Key {
            // Cannot fail: the length is right and engines are created lazily.
            guard let key = try? Key(rawKey: Random.bytes(32, backend: backend)) else { preconditionFailure("32 random bytes make a key") }
            return key
        }

        /// The first 8 hex digits of the SHA-256 of the key: enough to tell keys apart in a
        /// log, nothing that helps recover the key.
        public var fingerprint: String { storage.fingerprint }

        public var description: String { "AES256.Key(fingerprint: \(fingerprint))" }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["fingerprint": fingerprint], displayStyle: .struct) }

        /// Constant-time comparison of the key bytes.
        public static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.storage === rhs.storage || lhs.storage.bytes.constantTimeEquals(rhs.storage.bytes)
        }

        /// The engine for `backend`, keyed and ready.
        package func engine(_ backend: Backend) throws(LiveformError) -> any CipherEngine {
            try storage.engine(backend.kind)
        }

        /// Lends the raw key bytes (tests only).
        package func withKeyBytes<R>(_ body: (Span<UInt8>) -> R) -> R {
            storage.bytes.withBytes(body)
        }
    }
}

extension AES256.Key {
    /// The bytes, and one lazily keyed engine per backend.
    final class Storage: Sendable {
        let bytes: SecureBytes
        private let openssl: Result<any CipherEngine, CipherFailure>
        private let gcrypt: Result<any CipherEngine, CipherFailure>

        init(_ bytes: SecureBytes) {
            self.bytes = bytes
            // Engines are cheap shells: native contexts are made on first use.
            openssl = Result { () throws(CipherFailure) in try makeCipherEngine(.openssl, key: bytes) }
            gcrypt = Result { () throws(CipherFailure) in try makeCipherEngine(.gcrypt, key: bytes) }
        }

        /// A `switch` on the kind and on the stored results, not a copy of either result:
        /// this runs on every call that encrypts or decrypts, and each copy costs a retain.
        func engine(_ kind: CipherBackendKind) throws(LiveformError) -> any CipherEngine {
            switch kind {
            case .openssl:
                switch openssl {
                case .success(let engine): return engine
                case .failure(let failure): throw LiveformError(failure)
                }
            case .gcrypt:
                switch gcrypt {
                case .success(let engine): return engine
                case .failure(let failure): throw LiveformError(failure)
                }
            }
        }

        var fingerprint: String {
            let digest = bytes.withBytes { key in (try? sha256(key)) ?? [] }
            return Hex.encode(digest.prefix(4))
        }
    }
}

/// Hexadecimal helpers (keys, IVs and nonces in vectors and on the command line).
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`.
    package static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of an even-length hex string (either case), or nil.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = hexDigitValue(utf8[index]), let low = hexDigitValue(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// Random bytes for IVs and nonces, from the backend's CSPRNG.
enum Random {
    static func bytes(_ count: Int, backend: AES256.Backend) -> [UInt8] {
        [UInt8](byteCapacity: count) { output in appendRandom(count, to: &output, using: backend.kind) }
    }
}
