// The engines' operations on spans: input lent as a `Span`, results appended to an
// `OutputSpan`, so that the layers above need no pointers. Each operation checks that the
// output has the free capacity it states; on failure nothing is appended (and, as in the
// engines, whatever was written is wiped).
//
// `@inlinable`: the callers hold an `any CipherEngine`, and only inlined into them do the
// pointer-lending closures below disappear.

extension CipherEngine {
    /// AES-256-ECB of `input`, appended to `output`. With `padding`, encryption appends
    /// PKCS#7 and needs `input.count / 16 * 16 + 16` bytes free, decryption removes it;
    /// otherwise `input` is whole blocks and `input.count` bytes are appended.
    @inlinable package func ecb(encrypt: Bool, padding: Bool, input: Span<UInt8>, output: inout OutputSpan<UInt8>) throws(CipherFailure) {
        let needed = encrypt && padding ? input.count / 16 * 16 + 16 : input.count
        try input.withUnsafeBytes { (input) throws(CipherFailure) in
            try output.withUnsafeMutableBufferPointer { (buffer, count) throws(CipherFailure) in
                precondition(buffer.count - count >= needed, "AES-256-ECB output too small")
                let free = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...])
                count += try ecb(encrypt: encrypt, padding: padding, input: input, output: free)
            }
        }
    }

    /// AES-256-ECB without padding over `bytes[range]` (whole blocks), in place.
    @inlinable package func ecb(encrypt: Bool, inPlace bytes: inout MutableSpan<UInt8>, range: Range<Int>) throws(CipherFailure) {
        precondition(range.count % 16 == 0 && range.upperBound <= bytes.count, "AES-256-ECB in place takes whole blocks")
        try bytes.withUnsafeMutableBytes { (raw) throws(CipherFailure) in
            let blocks = UnsafeMutableRawBufferPointer(rebasing: raw[range])
            _ = try ecb(encrypt: encrypt, padding: false, input: UnsafeRawBufferPointer(blocks), output: blocks)
        }
    }

    /// AES-256-CBC of `input` under a 16-byte `iv`, appended to `output`; padding and
    /// capacity as for ECB.
    @inlinable package func cbc(
        encrypt: Bool, padding: Bool, iv: Span<UInt8>, input: Span<UInt8>, output: inout OutputSpan<UInt8>
    ) throws(CipherFailure) {
        let needed = encrypt && padding ? input.count / 16 * 16 + 16 : input.count
        try iv.withUnsafeBytes { (iv) throws(CipherFailure) in
            try input.withUnsafeBytes { (input) throws(CipherFailure) in
                try output.withUnsafeMutableBufferPointer { (buffer, count) throws(CipherFailure) in
                    precondition(buffer.count - count >= needed, "AES-256-CBC output too small")
                    let free = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...])
                    count += try cbc(encrypt: encrypt, padding: padding, iv: iv, input: input, output: free)
                }
            }
        }
    }

    /// AES-256-GCM encryption: appends the ciphertext and its 16-byte tag (`input.count + 16`).
    @inlinable package func gcmSeal(nonce: Span<UInt8>, aad: Span<UInt8>, input: Span<UInt8>, output: inout OutputSpan<UInt8>) throws(CipherFailure) {
        try nonce.withUnsafeBytes { (nonce) throws(CipherFailure) in
            try aad.withUnsafeBytes { (aad) throws(CipherFailure) in
                try input.withUnsafeBytes { (input) throws(CipherFailure) in
                    try output.withUnsafeMutableBufferPointer { (buffer, count) throws(CipherFailure) in
                        let end = count + input.count
                        precondition(buffer.count - end >= 16, "AES-256-GCM output too small")
                        let raw = UnsafeMutableRawBufferPointer(buffer)
                        try gcmSeal(
                            nonce: nonce, aad: aad, input: input, output: UnsafeMutableRawBufferPointer(rebasing: raw[count..<end]),
                            tag: UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + 16)]))
                        count = end + 16
                    }
                }
            }
        }
    }

    /// A GCM token's wire bytes, `N ‖ AES-256-GCM(K, N, P) ‖ T`, appended to `output`
    /// (`12 + input.count + 16` bytes): `N` is `nonce`, or, when `nonce` is empty, 12 fresh
    /// bytes from this engine's library (`fillRandom`).
    @inlinable package func gcmSealToken(nonce: Span<UInt8>, input: Span<UInt8>, output: inout OutputSpan<UInt8>) throws(CipherFailure) {
        precondition(nonce.isEmpty || nonce.count == 12, "a GCM token's nonce is 12 bytes")
        try nonce.withUnsafeBytes { (given) throws(CipherFailure) in
            try input.withUnsafeBytes { (input) throws(CipherFailure) in
                try output.withUnsafeMutableBufferPointer { (buffer, count) throws(CipherFailure) in
                    let start = count, end = count + 12 + input.count
                    precondition(buffer.count - end >= 16, "AES-256-GCM output too small")
                    let raw = UnsafeMutableRawBufferPointer(buffer)
                    let nonce = UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + 12)])
                    if given.isEmpty {
                        fillRandomOrSystem(nonce, using: kind)
                    } else {
                        nonce.copyMemory(from: given)
                    }
                    try gcmSeal(
                        nonce: UnsafeRawBufferPointer(nonce), aad: UnsafeRawBufferPointer(start: nil, count: 0), input: input,
                        output: UnsafeMutableRawBufferPointer(rebasing: raw[(start + 12)..<end]),
                        tag: UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + 16)]))
                    count = end + 16
                }
            }
        }
    }

    /// AES-256-GCM decryption: appends the plaintext (`input.count` bytes) once `tag` verifies.
    @inlinable package func gcmOpen(
        nonce: Span<UInt8>, aad: Span<UInt8>, input: Span<UInt8>, tag: Span<UInt8>, output: inout OutputSpan<UInt8>
    ) throws(CipherFailure) {
        try nonce.withUnsafeBytes { (nonce) throws(CipherFailure) in
            try aad.withUnsafeBytes { (aad) throws(CipherFailure) in
                try tag.withUnsafeBytes { (tag) throws(CipherFailure) in
                    try input.withUnsafeBytes { (input) throws(CipherFailure) in
                        try output.withUnsafeMutableBufferPointer { (buffer, count) throws(CipherFailure) in
                            precondition(buffer.count - count >= input.count, "AES-256-GCM output too small")
                            let free = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count..<(count + input.count)])
                            try gcmOpen(nonce: nonce, aad: aad, input: input, tag: tag, output: free)
                            count += input.count
                        }
                    }
                }
            }
        }
    }
}

/// Appends `count` bytes from the CSPRNG of `kind` to `output` (IVs, nonces, keys), as
/// `fillRandomOrSystem` draws them.
package func appendRandom(_ count: Int, to output: inout OutputSpan<UInt8>, using kind: CipherBackendKind) {
    output.withUnsafeMutableBufferPointer { buffer, initialized in
        precondition(buffer.count - initialized >= count, "random output too small")
        let free = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[initialized..<(initialized + count)])
        fillRandomOrSystem(free, using: kind)
        initialized += count
    }
}

/// `fillRandom`, or, should the library's generator fail (practically never), the system's.
package func fillRandomOrSystem(_ buffer: UnsafeMutableRawBufferPointer, using kind: CipherBackendKind) {
    do {
        try fillRandom(buffer, using: kind)
    } catch {
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = generator.next() }
    }
}

/// SHA-256 of `input`, computed by the given backend.
package func sha256(_ input: Span<UInt8>, using kind: CipherBackendKind = .openssl) throws(CipherFailure) -> [UInt8] {
    try input.withUnsafeBytes { (raw) throws(CipherFailure) in try sha256(raw, using: kind) }
}
