internal import CLiveformGcrypt

/// AES-256 on libgcrypt.
///
/// libgcrypt has no padding of its own, so PKCS#7 is added here and removed in constant
/// time (`PKCS7`). Handles are keyed once and pooled like OpenSSL contexts; per call only
/// the IV (and, for GCM, the authentication state) is reset.
final class GcryptEngine: CipherEngine {
    let kind = CipherBackendKind.gcrypt
    private let pools: [HandlePool]

    private enum Slot: Int, CaseIterable {
        /// `cfb` is not a mode we offer: it carries ECB encryption of many blocks
        /// (``encryptBlocksThroughCFB(_:into:count:)``).
        case ecb, cbc, gcm, cfb

        var mode: Int32 {
            switch self {
            case .ecb: return Int32(GCRY_CIPHER_MODE_ECB.rawValue)
            case .cbc: return Int32(GCRY_CIPHER_MODE_CBC.rawValue)
            case .gcm: return Int32(GCRY_CIPHER_MODE_GCM.rawValue)
            case .cfb: return Int32(GCRY_CIPHER_MODE_CFB.rawValue)
            }
        }
    }

    /// From this many bytes on, ECB encryption goes through ``encryptBlocksThroughCFB(_:into:count:)``;
    /// below it, the extra calls cost more than the pipelining saves. Kept because a floor
    /// needs it: with libgcrypt's ECB mode alone, encrypting a 10 MiB body (W5, W5s) ran at
    /// about half OpenSSL's speed, 2.3x Node's (floor 3x). ECB decryption uses the ECB mode:
    /// W6 holds its floors without a route.
    static let cfbRouteMinimum = 256

    /// libgcrypt must be initialised exactly once, before any other call; Swift runs a
    /// static initialiser once, thread-safely.
    private static let initialized: Bool = liveform_gcry_initialize() == 0

    static var version: String {
        guard initialized, let text = gcry_check_version(nil) else { return "libgcrypt (unavailable)" }
        return "libgcrypt " + String(cString: text)
    }

    init(key: SecureBytes) throws(CipherFailure) {
        guard Self.initialized else { throw .library("libgcrypt 1.8 or later is required") }
        // Decryption and encryption share a handle here: libgcrypt keys both directions at once.
        pools = Slot.allCases.map { slot in
            HandlePool(
                make: { () throws(CipherFailure) -> NativeHandle in
                    var handle: gcry_cipher_hd_t?
                    let opened = gcry_cipher_open(&handle, Int32(GCRY_CIPHER_AES256.rawValue), slot.mode, 0)
                    guard opened == 0, let handle else { throw .library(Self.message(opened, "gcry_cipher_open failed")) }
                    let keyed = key.withUnsafeBytes { gcry_cipher_setkey(handle, $0.baseAddress, $0.count) }
                    guard keyed == 0 else {
                        gcry_cipher_close(handle)
                        throw .library(Self.message(keyed, "gcry_cipher_setkey failed"))
                    }
                    return NativeHandle(raw: handle)
                },
                destroy: { gcry_cipher_close($0.raw) }
            )
        }
    }

    // MARK: Operations

    func ecb(
        encrypt: Bool, padding: Bool, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int {
        try blockMode(.ecb, encrypt: encrypt, padding: padding, iv: nil, input: input, output: output)
    }

    func cbc(
        encrypt: Bool, padding: Bool, iv: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int {
        try blockMode(.cbc, encrypt: encrypt, padding: padding, iv: iv, input: input, output: output)
    }

    func gcmSeal(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) {
        try wipingOnFailure(output) { () throws(CipherFailure) in
            try pools[Slot.gcm.rawValue].withHandle { handle throws(CipherFailure) in
                try startGCM(handle, nonce: nonce, aad: aad)
                if input.count > 0 {
                    try check(
                        gcry_cipher_encrypt(handle, output.baseAddress, input.count, input.baseAddress, input.count),
                        "AES-256-GCM encryption failed")
                }
                // libgcrypt hands out whole tags; shorter ones are their prefix.
                var full = [UInt8](repeating: 0, count: 16)
                try check(gcry_cipher_gettag(handle, &full, 16), "AES-256-GCM tag computation failed")
                guard (1...16).contains(tag.count) else { throw .unsupported("AES-256-GCM tag of \(tag.count) bytes") }
                tag.copyBytes(from: full[..<tag.count])
            }
        }
    }

    func gcmOpen(
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) {
        try wipingOnFailure(output) { () throws(CipherFailure) in
            try pools[Slot.gcm.rawValue].withHandle { handle throws(CipherFailure) in
                try startGCM(handle, nonce: nonce, aad: aad)
                if input.count > 0 {
                    try check(
                        gcry_cipher_decrypt(handle, output.baseAddress, input.count, input.baseAddress, input.count),
                        "AES-256-GCM decryption failed")
                }
                let verdict = gcry_cipher_checktag(handle, tag.baseAddress, tag.count)
                if liveform_gcry_err_code(verdict) == UInt32(GPG_ERR_INV_LENGTH.rawValue) {
                    throw .unsupported("AES-256-GCM tag of \(tag.count) bytes")
                }
                guard verdict == 0 else { throw .rejected }
            }
        }
    }

    // MARK: Plumbing

    private func blockMode(
        _ slot: Slot, encrypt: Bool, padding: Bool, iv: UnsafeRawBufferPointer?,
        input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
    ) throws(CipherFailure) -> Int {
        try wipingOnFailure(output) { () throws(CipherFailure) -> Int in
            guard let outBase = output.baseAddress else { throw .library("no output buffer") }
            let length: Int
            // Encryption reads the whole blocks of `input` where they are (no copy of a large
            // piece); only the last partial block is copied next to its PKCS#7 padding.
            let direct = encrypt ? input.count / 16 * 16 : 0
            if encrypt {
                if let inBase = input.baseAddress, input.count > direct {
                    (outBase + direct).copyMemory(from: inBase + direct, byteCount: input.count - direct)
                }
                length = padding ? PKCS7.pad(output, contentLength: input.count) : input.count
            } else {
                length = input.count
            }
            guard length % 16 == 0, (!padding || encrypt) || length > 0 else { throw .rejected }
            // Many ECB blocks are encrypted through libgcrypt's pipelined CFB mode (from memory
            // apart from the output; the last block, the tail and its padding, stays with the
            // plain ECB call below).
            var routed = false
            if slot == .ecb, encrypt, let inBase = input.baseAddress {
                let apart = inBase + direct <= UnsafeRawPointer(outBase) || UnsafeRawPointer(outBase + direct) <= inBase
                if direct >= Self.cfbRouteMinimum && apart {
                    try encryptBlocksThroughCFB(inBase, into: outBase, count: direct)
                    routed = true
                }
            }
            // A routed encryption still has its last block.
            do {
                try pools[slot.rawValue].withHandle { handle throws(CipherFailure) in
                    if let iv { try check(gcry_cipher_setiv(handle, iv.baseAddress, iv.count), "gcry_cipher_setiv failed") }
                    guard length > 0 else { return }
                    if encrypt {
                        if direct > 0 && !routed {
                            // Same memory in and out: libgcrypt's documented in-place form is a NULL input.
                            let source = input.baseAddress == UnsafeRawPointer(outBase) ? nil : input.baseAddress
                            try check(
                                gcry_cipher_encrypt(handle, outBase, direct, source, source == nil ? 0 : direct),
                                "AES-256 encryption failed")
                        }
                        if length > direct {
                            try check(gcry_cipher_encrypt(handle, outBase + direct, length - direct, nil, 0), "AES-256 encryption failed")
                        }
                    } else if input.baseAddress == UnsafeRawPointer(outBase) {
                        // In place (large bodies are decrypted where they were base64-decoded):
                        // libgcrypt's documented in-place form is a NULL input.
                        try check(gcry_cipher_decrypt(handle, outBase, length, nil, 0), "AES-256 decryption failed")
                    } else {
                        try check(gcry_cipher_decrypt(handle, outBase, length, input.baseAddress, length), "AES-256 decryption failed")
                    }
                }
            }
            guard !encrypt, padding else { return length }
            guard let content = PKCS7.unpaddedLength(UnsafeRawBufferPointer(start: outBase, count: length)) else {
                throw .rejected
            }
            return content
        }
    }

    /// ECB encryption of the `count` bytes (whole blocks) at `input` into `output`, which must
    /// not overlap, through libgcrypt's CFB decryption.
    ///
    /// libgcrypt 1.10 runs ECB one block at a time, while CFB decryption, whose block i is
    /// E(C[i-1]) xor C[i] with C[0] = IV, takes its pipelined AES-NI/VAES path: three to four
    /// times faster here. With IV = X[1] and C = X[2] … X[n], output block i is
    /// E(X[i]) xor X[i+1]; one more zero block gives E(X[n]); xoring X[i+1] back leaves
    /// E(X[1]) … E(X[n]), the ECB ciphertext. The vectors and the cross-backend tests check
    /// it against OpenSSL byte for byte.
    private func encryptBlocksThroughCFB(
        _ input: UnsafeRawPointer, into output: UnsafeMutableRawPointer,
        count: Int
    ) throws(CipherFailure) {
        let last = count - 16
        try pools[Slot.cfb.rawValue].withHandle { handle throws(CipherFailure) in
            try check(gcry_cipher_setiv(handle, input, 16), "gcry_cipher_setiv failed")
            if last > 0 {
                try check(gcry_cipher_decrypt(handle, output, last, input + 16, last), "AES-256 encryption failed")
            }
            // The register now holds X[n]: a zero block comes out as E(X[n]).
            (output + last).initializeMemory(as: UInt8.self, repeating: 0, count: 16)
            try check(gcry_cipher_decrypt(handle, output + last, 16, nil, 0), "AES-256 encryption failed")
        }
        var offset = 0
        while offset < last {
            let mixed = output.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let next = input.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)
            output.storeBytes(of: mixed ^ next, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
    }

    private func startGCM(
        _ handle: OpaquePointer, nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer
    ) throws(CipherFailure) {
        guard nonce.count > 0 else { throw .unsupported("AES-256-GCM nonce of 0 bytes") }
        try check(liveform_gcry_cipher_reset(handle), "gcry_cipher_reset failed")
        try check(gcry_cipher_setiv(handle, nonce.baseAddress, nonce.count), "gcry_cipher_setiv failed")
        if aad.count > 0 {
            try check(gcry_cipher_authenticate(handle, aad.baseAddress, aad.count), "AES-256-GCM AAD rejected")
        }
    }

    private func wipingOnFailure<R>(
        _ output: UnsafeMutableRawBufferPointer,
        _ body: () throws(CipherFailure) -> R
    ) throws(CipherFailure) -> R {
        do {
            return try body()
        } catch {
            if output.count > 0 { output.initializeMemory(as: UInt8.self, repeating: 0) }
            throw error
        }
    }

    private func check(_ error: gcry_error_t, _ what: String) throws(CipherFailure) {
        guard error != 0 else { return }
        throw .library(Self.message(error, what))
    }

    private static func message(_ error: gcry_error_t, _ what: String) -> String {
        guard let text = gcry_strerror(error) else { return what }
        return "\(what): \(String(cString: text))"
    }

    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) throws(CipherFailure) {
        guard initialized else { throw .library("libgcrypt 1.8 or later is required") }
        guard buffer.count > 0 else { return }
        gcry_create_nonce(buffer.baseAddress, buffer.count)
    }

    static func sha256(_ input: UnsafeRawBufferPointer) throws(CipherFailure) -> [UInt8] {
        guard initialized else { throw .library("libgcrypt 1.8 or later is required") }
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBytes { out in
            gcry_md_hash_buffer(Int32(GCRY_MD_SHA256.rawValue), out.baseAddress, input.baseAddress, input.count)
        }
        return digest
    }
}
