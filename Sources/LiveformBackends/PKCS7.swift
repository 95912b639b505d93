/// PKCS#7 for 16-byte blocks, where the backend does not pad: libgcrypt, and OpenSSL's ECB
/// encryption (which gives OpenSSL only whole blocks).
package enum PKCS7 {
    /// Writes the padding after `contentLength` bytes of `buffer`; returns the padded length.
    /// `buffer` must hold the padded length: `contentLength` rounded up to the next multiple
    /// of 16 (a whole block more when it is one already); nothing after that is written.
    @discardableResult
    package static func pad(_ buffer: UnsafeMutableRawBufferPointer, contentLength: Int) -> Int {
        let padLength = 16 - contentLength % 16
        for index in contentLength..<(contentLength + padLength) {
            buffer[index] = UInt8(padLength)
        }
        return contentLength + padLength
    }

    /// The content length of padded plaintext, or nil when the padding is invalid.
    ///
    /// Constant time with respect to the padding bytes: the last 16 bytes are always all
    /// read and the verdict is folded into one mask, so the time taken does not say how
    /// much of the padding was right (the classic padding-oracle leak).
    package static func unpaddedLength(_ buffer: UnsafeRawBufferPointer) -> Int? {
        unpaddedLength(buffer.assumingMemoryBound(to: UInt8.self).span)
    }

    /// `unpaddedLength` of bytes lent as a span.
    package static func unpaddedLength(_ buffer: Span<UInt8>) -> Int? {
        let count = buffer.count
        guard count >= 16, count % 16 == 0 else { return nil }
        let padLength = Int(buffer[count - 1])
        // bad != 0 when padLength is 0 or over 16.
        var bad = isZeroMask(padLength) | lessThanMask(16, padLength)
        for offset in 0..<16 {
            let byte = Int(buffer[count - 1 - offset])
            // Only the bytes inside the padding must equal padLength.
            bad |= lessThanMask(offset, padLength) & (byte ^ padLength)
        }
        return bad == 0 ? count - padLength : nil
    }

    /// All ones when a < b (both small and non-negative), else zero; no branch.
    private static func lessThanMask(_ a: Int, _ b: Int) -> Int {
        (a &- b) >> (Int.bitWidth - 1)
    }

    private static func isZeroMask(_ value: Int) -> Int {
        lessThanMask(value, 1)
    }
}
