import LiveformBackends
import LiveformBytes

extension AES256 {
    /// AES-256 in ECB mode with PKCS#7 padding.
    ///
    /// ECB is what ARGOS prescribes for Liveform URLs (when the project chose it), Return
    /// URLs and API bodies. It is deterministic — equal plaintexts give equal ciphertexts —
    /// and unauthenticated; prefer GCM where the project allows it (see SECURITY.md).
    public enum ECB {
        /// Encrypts with PKCS#7 padding. The result is a positive multiple of 16 bytes.
        public static func encrypt<Plaintext: Collection<UInt8>>(
            _ plaintext: Plaintext, using key: Key, backend: Backend = .default
        ) throws(LiveformError) -> [UInt8] {
            let engine = try key.engine(backend)
            return try withByteSpan(plaintext) { (input) throws(LiveformError) in
                try [UInt8](byteCapacity: input.count + 16) { (output) throws(LiveformError) in
                    try backendCall { () throws(CipherFailure) in
                        try engine.ecb(encrypt: true, padding: true, input: input, output: &output)
                    }
                }
            }
        }

        /// Decrypts and removes PKCS#7 padding.
        ///
        /// - Throws: ``LiveformError/Code/malformedInput`` when the length is not a positive
        ///   multiple of 16; ``LiveformError/Code/decryptionFailed`` when the padding is wrong.
        public static func decrypt<Ciphertext: Collection<UInt8>>(
            _ ciphertext: Ciphertext, using key: Key, backend: Backend = .default
        ) throws(LiveformError) -> [UInt8] {
            try Framing.checkBlocks(ciphertext.count, mode: "AES-256-ECB")
            let engine = try key.engine(backend)
            return try withByteSpan(ciphertext) { (input) throws(LiveformError) in
                try [UInt8](byteCapacity: input.count) { (output) throws(LiveformError) in
                    try backendCall { () throws(CipherFailure) in
                        try engine.ecb(encrypt: false, padding: true, input: input, output: &output)
                    }
                }
            }
        }
    }

    /// AES-256 in CBC mode with PKCS#7 padding: the cipher of ARGOS webhooks.
    ///
    /// These functions take the IV separately; the webhook wire framing (`IV ‖ C`) is done
    /// by ``TokenCipher`` and ``WebhookDecoder``.
    public enum CBC {
        /// A 16-byte CBC initialisation vector.
        public struct IV: Sendable, Hashable {
            /// The 16 bytes.
            public let bytes: [UInt8]

            /// Wraps 16 bytes; any other length is ``LiveformError/Code/invalidParameter``.
            public init<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(LiveformError) {
                guard bytes.count == 16 else { throw .invalidParameter("a CBC IV is 16 bytes, got \(bytes.count)") }
                self.bytes = Array(bytes)
            }

            /// A random IV from the backend's CSPRNG.
            public static func random(backend: Backend = .default) -> IV {
                IV(unchecked: Random.bytes(16, backend: backend))
            }

            /// Sixteen zero bytes: the fixed IV of the pre-2024 webhook scheme.
            public static let zero = IV(unchecked: [UInt8](repeating: 0, count: 16))

            init(unchecked bytes: [UInt8]) { self.bytes = bytes }
        }

        /// Encrypts with PKCS#7 padding; returns the ciphertext without the IV.
        public static func encrypt<Plaintext: Collection<UInt8>>(
            _ plaintext: Plaintext, using key: Key, iv: IV, backend: Backend = .default
        ) throws(LiveformError) -> [UInt8] {
            let engine = try key.engine(backend)
            return try withByteSpan(plaintext) { (input) throws(LiveformError) in
                try [UInt8](byteCapacity: input.count + 16) { (output) throws(LiveformError) in
                    try backendCall { () throws(CipherFailure) in
                        try engine.cbc(encrypt: true, padding: true, iv: iv.bytes.span, input: input, output: &output)
                    }
                }
            }
        }

        /// Decrypts ciphertext (without IV) and removes PKCS#7 padding.
        ///
        /// - Throws: ``LiveformError/Code/malformedInput`` when the length is not a positive
        ///   multiple of 16; ``LiveformError/Code/decryptionFailed`` when the padding is wrong.
        public static func decrypt<Ciphertext: Collection<UInt8>>(
            _ ciphertext: Ciphertext, using key: Key, iv: IV, backend: Backend = .default
        ) throws(LiveformError) -> [UInt8] {
            try Framing.checkBlocks(ciphertext.count, mode: "AES-256-CBC")
            let engine = try key.engine(backend)
            return try withByteSpan(ciphertext) { (input) throws(LiveformError) in
                try [UInt8](byteCapacity: input.count) { (output) throws(LiveformError) in
                    try backendCall { () throws(CipherFailure) in
                        try engine.cbc(encrypt: false, padding: true, iv: iv.bytes.span, input: input, output: &output)
                    }
                }
            }
        }
    }

    /// AES-256-GCM with 12-byte nonces and 16-byte tags: authenticated encryption, the
    /// safer of the two Liveform URL ciphers.
    public enum GCM {
        /// A 12-byte GCM nonce. Never reuse one with the same key: use ``random(backend:)``.
        public struct Nonce: Sendable, Hashable {
            /// The 12 bytes.
            public let bytes: [UInt8]

            /// Wraps 12 bytes; any other length is ``LiveformError/Code/invalidParameter``
            /// (the wire format uses 96-bit nonces only).
            public init<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(LiveformError) {
                guard bytes.count == 12 else {
                    throw .invalidParameter("a GCM nonce is 12 bytes (96 bits), got \(bytes.count)")
                }
                self.bytes = Array(bytes)
            }

            /// A random nonce from the backend's CSPRNG.
            public static func random(backend: Backend = .default) -> Nonce {
                Nonce(unchecked: Random.bytes(12, backend: backend))
            }

            init(unchecked bytes: [UInt8]) { self.bytes = bytes }
        }

        /// Nonce, ciphertext and tag together.
        public struct SealedBox: Sendable, Hashable {
            /// The nonce the box was sealed with.
            public let nonce: Nonce
            /// The ciphertext, as long as the plaintext.
            public let ciphertext: [UInt8]
            /// The 16-byte authentication tag.
            public let tag: [UInt8]

            /// `nonce ‖ ciphertext ‖ tag`: the Liveform URL token layout.
            public var combined: [UInt8] { nonce.bytes + ciphertext + tag }

            /// Assembles a box; a tag that is not 16 bytes is ``LiveformError/Code/invalidParameter``.
            public init<C: Collection<UInt8>, T: Collection<UInt8>>(nonce: Nonce, ciphertext: C, tag: T) throws(LiveformError) {
                guard tag.count == 16 else {
                    throw .invalidParameter("a GCM tag is 16 bytes (128 bits), got \(tag.count)")
                }
                self.nonce = nonce
                self.ciphertext = Array(ciphertext)
                self.tag = Array(tag)
            }

            /// Splits `nonce(12) ‖ ciphertext ‖ tag(16)`.
            ///
            /// - Throws: ``LiveformError/Code/malformedInput`` when shorter than 28 bytes.
            public init<Bytes: Collection<UInt8>>(combined: Bytes) throws(LiveformError) {
                let bytes = Array(combined)
                guard bytes.count >= 28 else {
                    throw .malformed("an AES-256-GCM token is at least 28 bytes (nonce + tag), got \(bytes.count)")
                }
                self.nonce = Nonce(unchecked: Array(bytes[..<12]))
                self.ciphertext = Array(bytes[12..<(bytes.count - 16)])
                self.tag = Array(bytes[(bytes.count - 16)...])
            }
        }

        /// Encrypts and authenticates `plaintext` (and optionally `aad`, which is authenticated
        /// but not encrypted).
        public static func seal<Plaintext: Collection<UInt8>>(
            _ plaintext: Plaintext, using key: Key, nonce: Nonce = .random(),
            authenticating aad: [UInt8] = [], backend: Backend = .default
        ) throws(LiveformError) -> SealedBox {
            let engine = try key.engine(backend)
            let sealed = try withByteSpan(plaintext) { (input) throws(LiveformError) in
                try [UInt8](byteCapacity: input.count + 16) { (output) throws(LiveformError) in
                    try backendCall { () throws(CipherFailure) in
                        try engine.gcmSeal(nonce: nonce.bytes.span, aad: aad.span, input: input, output: &output)
                    }
                }
            }
            return try SealedBox(nonce: nonce, ciphertext: sealed[..<(sealed.count - 16)], tag: sealed[(sealed.count - 16)...])
        }

        /// Verifies the tag and decrypts.
        ///
        /// - Throws: ``LiveformError/Code/decryptionFailed`` when the tag does not verify
        ///   (wrong key, tampered data or AAD). No plaintext is returned in that case.
        public static func open(
            _ box: SealedBox, using key: Key, authenticating aad: [UInt8] = [], backend: Backend = .default
        ) throws(LiveformError) -> [UInt8] {
            let engine = try key.engine(backend)
            return try [UInt8](byteCapacity: box.ciphertext.count) { (output) throws(LiveformError) in
                try backendCall { () throws(CipherFailure) in
                    try engine.gcmOpen(
                        nonce: box.nonce.bytes.span, aad: aad.span, input: box.ciphertext.span, tag: box.tag.span, output: &output)
                }
            }
        }
    }
}

/// Structure checks that need no key (§6: `malformedInput`).
enum Framing {
    static func checkBlocks(_ count: Int, mode: String) throws(LiveformError) {
        guard count > 0, count % 16 == 0 else {
            throw .malformed("\(mode) ciphertext must be a positive multiple of 16 bytes, got \(count)")
        }
    }
}
