import LiveformBackends
import LiveformBytes

// Old signatures still called outside this area (deleted at merge, once their callers use the
// Span/OutputSpan versions): byte lending for the JSON and webhook code, the pointer forms of
// `TokenCipher` and of base64 for the URL builder, the benchmark and the fuzz targets.

/// Lends any byte collection as a raw buffer, copying only when it has no contiguous storage.
func withBytes<Bytes: Collection<UInt8>, R>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) throws(LiveformError) -> R
) throws(LiveformError) -> R {
    var outcome: Result<R, LiveformError>?
    _ = bytes.withContiguousStorageIfAvailable { buffer in
        outcome = Result { () throws(LiveformError) -> R in try unsafe body(UnsafeRawBufferPointer(buffer)) }
    }
    if let outcome { return try outcome.get() }
    return try unsafe Array(bytes).withRaw(body)
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` with a typed error (the standard library's is `rethrows`).
    func withRaw<R>(_ body: (UnsafeRawBufferPointer) throws(LiveformError) -> R) throws(LiveformError) -> R {
        var outcome: Result<R, LiveformError>?
        unsafe withUnsafeBytes { raw in outcome = Result { () throws(LiveformError) -> R in try unsafe body(raw) } }
        return try outcome!.get()
    }
}

/// The string of `bytes` when they are valid UTF-8, else nil.
///
/// `String(validating:as:)` is generic and, called on raw buffers, spends more time looking up
/// type metadata than validating short strings. `String(decoding:as:)` on a typed buffer is the
/// standard library's fast path; it repairs invalid input with U+FFFD, so the bytes were valid
/// exactly when the result is byte-for-byte the input (a repair always changes some byte).
func validatedUTF8String(_ bytes: UnsafeRawBufferPointer) -> String? {
    let typed = unsafe UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    var text = unsafe String(decoding: typed, as: UTF8.self)
    if unsafe isASCII(bytes) { return text }  // ASCII is always valid: nothing to compare
    let same = text.withUTF8 { decoded in
        unsafe decoded.count == typed.count && UnsafeRawBufferPointer(decoded).elementsEqual(bytes)
    }
    return same ? text : nil
}

/// Whether every byte is below 0x80, tested eight bytes at a time.
func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 0
    var seen: UInt64 = 0
    while index + 8 <= bytes.count {
        seen |= unsafe bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < bytes.count {
        seen |= unsafe UInt64(bytes[index])
        index += 1
    }
    return seen & 0x8080_8080_8080_8080 == 0
}

extension TokenCipher {
    package func seal(
        _ input: UnsafeRawBufferPointer, using key: AES256.Key, nonce: AES256.GCM.Nonce?,
        into wire: UnsafeMutableRawBufferPointer
    ) throws(LiveformError) -> Int {
        let typed = unsafe wire.bindMemory(to: UInt8.self)
        var output = unsafe OutputSpan(buffer: typed, initializedCount: 0)
        try unsafe seal(input.bindMemory(to: UInt8.self).span, using: key, nonce: nonce, into: &output)
        return unsafe output.finalize(for: typed)
    }

    package func wireBytes(ofText token: UnsafeRawBufferPointer) throws(LiveformError) -> [UInt8] {
        try unsafe wireBytes(ofText: token.bindMemory(to: UInt8.self).span)
    }

    package func open<T>(
        _ wire: [UInt8], using keys: [AES256.Key],
        accept: ([UInt8]) -> T?
    ) throws(LiveformError) -> T {
        try firstAccepted(wire, using: keys, accept)
    }
}

extension LiveformBytes.Base64 {
    package static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let typed = unsafe output.bindMemory(to: UInt8.self)
        var span = unsafe OutputSpan(buffer: typed, initializedCount: 0)
        unsafe encode(input.bindMemory(to: UInt8.self).span, into: &span)
        return unsafe span.finalize(for: typed)
    }
}

extension Base64 {
    package static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) -> Int {
        unsafe LiveformBytes.Base64.encode(input, into: UnsafeMutableRawBufferPointer(start: output, count: encodedLength(input.count)))
    }

    package static func decode(_ input: UnsafeRawBufferPointer) throws(LiveformError) -> [UInt8] {
        try unsafe decode(input.bindMemory(to: UInt8.self).span)
    }
}

extension Base64.Decoder {
    package mutating func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
        let buffer = unsafe UnsafeMutableBufferPointer(start: output, count: Base64.maxDecodedLength(input.count))
        var span = unsafe OutputSpan(buffer: buffer, initializedCount: 0)
        try unsafe update(input.bindMemory(to: UInt8.self).span, into: &span)
        return unsafe span.finalize(for: buffer)
    }

    package mutating func finish(into output: UnsafeMutablePointer<UInt8>) throws(LiveformError) -> Int {
        let buffer = unsafe UnsafeMutableBufferPointer(start: output, count: 2)
        var span = unsafe OutputSpan(buffer: buffer, initializedCount: 0)
        try finish(into: &span)
        return unsafe span.finalize(for: buffer)
    }
}
