internal import CLiveformOpenSSL

/// AES-256 on OpenSSL libcrypto (EVP).
///
/// OpenSSL 3 fetches the cipher implementation and allocates provider state on every
/// `EVP_CipherInit_ex2` that names a cipher. We fetch each cipher once per process and keep
/// keyed contexts in pools; per call a context is re-initialised with a NULL cipher and
/// NULL key, which keeps the expanded key and only resets the IV and buffered state.
final class OpenSSLEngine: CipherEngine {
    let kind = CipherBackendKind.openssl
    private let key: SecureBytes
    private let pools: [HandlePool]

    private enum Slot: Int, CaseIterable {
        case ecbEncrypt, ecbDecrypt, cbcEncrypt, cbcDecrypt, gcmEncrypt, gcmDecrypt
        /// ECB without padding: whole blocks, for streaming large bodies piece by piece.
        case ecbRawEncrypt, ecbRawDecrypt

        var cipher: NativeHandle? {
            switch self {
            case .ecbEncrypt, .ecbDecrypt, .ecbRawEncrypt, .ecbRawDecrypt: return OpenSSLEngine.ecbCipher
            case .cbcEncrypt, .cbcDecrypt: return OpenSSLEngine.cbcCipher
            case .gcmEncrypt, .gcmDecrypt: return OpenSSLEngine.gcmCipher
            }
        }

        var encrypts: Bool { rawValue % 2 == 0 }
        var pads: Bool { self != .ecbRawEncrypt && self != .ecbRawDecrypt }
    }

    private static func fetch(_ name: String) -> NativeHandle? {
        EVP_CIPHER_fetch(nil, name, nil).map(NativeHandle.init(raw:))
    }

    private static let ecbCipher = fetch("AES-256-ECB")
    private static let cbcCipher = fetch("AES-256-CBC")
    private static let gcmCipher = fetch("AES-256-GCM")

    static var version: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "OpenSSL (unknown version)" }
        return String(cString: text)
    }

    init(key: SecureBytes) {
        self.key = key
        pools = Slot.allCases.map { slot in
            HandlePool(
                make: { () throws(CipherFailure) -> NativeHandle in
                    try OpenSSLEngine.makeContext(cipher: slot.cipher, key: key, encrypt: slot.encrypts, padding: slot.pads)
                },
                destroy: { EVP_CIPHER_CTX_free($0.raw) }
            )
        }
    }

    private static func makeContext(
        cipher: NativeHandle?, key: SecureBytes, encrypt: Bool,
        padding: Bool
    ) throws(CipherFailure) -> NativeHandle {
        guard let cipher else { throw .library(drainErrors(default: "AES-256 is not available in this OpenSSL")) }
        guard let context = EVP_CIPHER_CTX_new() else { throw .library(drainErrors(default: "EVP_CIPHER_CTX_new failed")) }
        let ok = key.withUnsafeBytes { keyBytes in
            EVP_CipherInit_ex2(
                context, cipher.raw, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                nil, encrypt ? 1 : 0, nil)
        }
        guard ok == 1, EVP_CIPHER_CTX_set_padding(context, padding ? 1 : 0) == 1 else {
            EVP_CIPHER_CTX_free(context)
            throw .library(drainErrors(default: "EVP_CipherInit_ex2 failed"))
        }
        return NativeHandle(raw: context)
    }

    // MARK: Operations

    func ecb(
        encrypt: Bool, padding: Bool, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int {
        if encrypt && padding { return try ecbEncryptPadded(input: input, output: output) }
        // Both settings are pooled: unpadded ECB streams large bodies in pieces.
        let slot: Slot = padding ? (encrypt ? .ecbEncrypt : .ecbDecrypt) : (encrypt ? .ecbRawEncrypt : .ecbRawDecrypt)
        return try run(slot: slot, pooled: true, output: output) { context throws(CipherFailure) in
            try reinit(context, iv: nil, encrypt: encrypt)
            return try update(context, input: input, output: output, padding: padding)
        }
    }

    /// `AES-256-ECB(K, PKCS#7(P))` with the padding added here and only whole blocks given to
    /// an unpadded context, in `EVP_CipherUpdate` calls alone: ECB carries nothing from one
    /// block to the next and whole blocks leave nothing buffered, so the pooled context needs
    /// no re-initialisation and no Final (in OpenSSL 3 those cost more than encrypting a
    /// small message). Other users of the unpadded slot re-initialise it before use.
    private func ecbEncryptPadded(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(CipherFailure) -> Int {
        let whole = input.count & ~15
        guard output.count >= whole + 16, let outBase = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .library("output buffer too small for AES-256-ECB")
        }
        return try run(slot: .ecbRawEncrypt, pooled: true, output: output) { context throws(CipherFailure) in
            func encryptBlocks(_ blocks: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) throws(CipherFailure) {
                var produced: Int32 = 0
                guard
                    EVP_CipherUpdate(
                        context, out, &produced, blocks.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        Int32(blocks.count)) == 1, Int(produced) == blocks.count
                else {
                    throw .library(Self.drainErrors(default: "AES-256-ECB encryption failed"))
                }
            }
            if whole > 0 {
                var offset = 0
                try forEachChunk(of: UnsafeRawBufferPointer(rebasing: input[..<whole])) { chunk throws(CipherFailure) in
                    try encryptBlocks(chunk, to: outBase + offset)
                    offset += chunk.count
                }
            }
            // The last block: the rest of the input and its padding, on the stack, wiped after.
            let tail = input.count - whole
            var last: (UInt64, UInt64) = (0, 0)
            try withUnsafeMutableBytes(of: &last) { block throws(CipherFailure) in
                defer { block.initializeMemory(as: UInt8.self, repeating: 0) }
                if tail > 0, let base = input.baseAddress {
                    block.copyMemory(from: UnsafeRawBufferPointer(start: base + whole, count: tail))
                }
                PKCS7.pad(block, contentLength: tail)
                try encryptBlocks(UnsafeRawBufferPointer(block), to: outBase + whole)
            }
            return whole + 16
        }
    }

    func cbc(
        encrypt: Bool, padding: Bool, iv: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int {
        try run(slot: encrypt ? .cbcEncrypt : .cbcDecrypt, pooled: padding, output: output) { context throws(CipherFailure) in
            try reinit(context, iv: iv, encrypt: encrypt)
            return try update(context, input: input, output: output, padding: padding)
        }
    }

    func gcmSeal(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) {
        guard (1...16).contains(tag.count) else { throw .unsupported("AES-256-GCM tag of \(tag.count) bytes") }
        _ = try run(slot: .gcmEncrypt, pooled: nonce.count == 12, output: output) { context throws(CipherFailure) in
            try startGCM(context, nonce: nonce, aad: aad, encrypt: true)
            let written = try update(context, input: input, output: output, padding: true)
            guard written == input.count,
                liveform_gcm_get_tag(context, tag.baseAddress, Int32(tag.count)) == 1
            else {
                throw .library(Self.drainErrors(default: "AES-256-GCM tag computation failed"))
            }
            return written
        }
    }

    func gcmOpen(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) {
        guard (1...16).contains(tag.count) else { throw .unsupported("AES-256-GCM tag of \(tag.count) bytes") }
        _ = try run(slot: .gcmDecrypt, pooled: nonce.count == 12, output: output) { context throws(CipherFailure) in
            try startGCM(context, nonce: nonce, aad: aad, encrypt: false)
            guard liveform_gcm_set_tag(context, tag.baseAddress, Int32(tag.count)) == 1 else {
                throw .library(Self.drainErrors(default: "AES-256-GCM tag could not be set"))
            }
            return try update(context, input: input, output: output, padding: true)
        }
    }

    // MARK: Plumbing

    /// Takes a pooled context — or, for calls outside the wire format (unpadded blocks, GCM
    /// nonces other than 12 bytes: standard test vectors), a throwaway one so pooled contexts
    /// never change their settings — runs the operation and wipes the output on any failure.
    private func run(
        slot: Slot, pooled: Bool, output: UnsafeMutableRawBufferPointer,
        _ body: (OpaquePointer) throws(CipherFailure) -> Int
    ) throws(CipherFailure) -> Int {
        do {
            if pooled {
                return try pools[slot.rawValue].withHandle(body)
            }
            let isGCM = slot == .gcmEncrypt || slot == .gcmDecrypt
            let handle = try Self.makeContext(cipher: slot.cipher, key: key, encrypt: slot.encrypts, padding: isGCM)
            defer { EVP_CIPHER_CTX_free(handle.raw) }
            return try body(handle.raw)
        } catch {
            if let base = output.baseAddress { OPENSSL_cleanse(base, output.count) }
            throw error
        }
    }

    private func reinit(_ context: OpaquePointer, iv: UnsafeRawBufferPointer?, encrypt: Bool) throws(CipherFailure) {
        let ivPointer = iv?.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard EVP_CipherInit_ex2(context, nil, nil, ivPointer, encrypt ? 1 : 0, nil) == 1 else {
            throw .library(Self.drainErrors(default: "EVP_CipherInit_ex2 failed"))
        }
    }

    private func startGCM(
        _ context: OpaquePointer, nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
        encrypt: Bool
    ) throws(CipherFailure) {
        // Pooled contexts keep OpenSSL's default 12-byte IV length (the wire format's); other
        // lengths arrive on throwaway contexts. OpenSSL 3 takes at most 128 bytes.
        if nonce.count != 12 {
            guard (1...128).contains(nonce.count) else { throw .unsupported("AES-256-GCM nonce of \(nonce.count) bytes") }
            guard liveform_gcm_set_ivlen(context, Int32(nonce.count)) == 1 else {
                throw .library(Self.drainErrors(default: "AES-256-GCM IV length rejected"))
            }
        }
        try reinit(context, iv: nonce, encrypt: encrypt)
        if aad.count > 0 {
            var ignored: Int32 = 0
            try forEachChunk(of: aad) { chunk throws(CipherFailure) in
                guard
                    EVP_CipherUpdate(
                        context, nil, &ignored, chunk.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        Int32(chunk.count)) == 1
                else {
                    throw .library(Self.drainErrors(default: "AES-256-GCM AAD rejected"))
                }
            }
        }
    }

    /// Update + Final over the whole input. A failed Final is a verification failure
    /// (padding or tag): its error-queue entries are cleared so they cannot leak into
    /// another caller's diagnostics.
    private func update(
        _ context: OpaquePointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer, padding: Bool
    ) throws(CipherFailure) -> Int {
        guard let outBase = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .library("no output buffer")
        }
        var written = 0
        try forEachChunk(of: input) { chunk throws(CipherFailure) in
            var produced: Int32 = 0
            guard
                EVP_CipherUpdate(
                    context, outBase + written, &produced,
                    chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(chunk.count)) == 1
            else {
                ERR_clear_error()
                throw .rejected
            }
            written += Int(produced)
        }
        var finalBytes: Int32 = 0
        guard EVP_CipherFinal_ex(context, outBase + written, &finalBytes) == 1 else {
            ERR_clear_error()
            throw .rejected
        }
        return written + Int(finalBytes)
    }

    /// EVP takes `int` lengths; feed larger inputs in 1 GiB pieces.
    private func forEachChunk(
        of buffer: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws(CipherFailure) -> Void
    ) throws(CipherFailure) {
        let chunkSize = 1 << 30
        var offset = 0
        repeat {
            let end = min(offset + chunkSize, buffer.count)
            try body(UnsafeRawBufferPointer(rebasing: buffer[offset..<end]))
            offset = end
        } while offset < buffer.count
    }

    static func drainErrors(default message: String) -> String {
        let code = ERR_get_error()
        defer { ERR_clear_error() }
        guard code != 0 else { return message }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        let end = text.firstIndex(of: 0) ?? text.count
        return "\(message): " + String(decoding: text[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Nonces and IVs come from a pool filled in bulk (see `RandomPool`: unique across
    /// threads and `fork()`). Kept because a floor needs it: with one `RAND_bytes` call per
    /// nonce, building a GCM URL (W2) took about 1.5× as long and fell below 4× Node's speed.
    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws(CipherFailure) {
        try RandomPool.shared.fill(buffer)
    }

    static func sha256(_ input: UnsafeRawBufferPointer) throws(CipherFailure) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { out in
            EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { throw .library(drainErrors(default: "SHA-256 failed")) }
        return digest
    }
}
