internal import CLiveformOpenSSL

/// Fixed-size secret bytes in memory of their own, wiped with `OPENSSL_cleanse` when the
/// last reference goes away. Never printed: it has no description beyond its size.
package final class SecureBytes: @unchecked Sendable {
    // @unchecked: it owns raw memory handed to C (`OPENSSL_cleanse`, the ciphers' key
    // set-up), written only in `init` and read-only afterwards.
    package let count: Int
    private let pointer: UnsafeMutableRawPointer

    /// Called after the bytes were wiped, with `true` when every byte read back as zero.
    /// A test hook (the key-hygiene tests observe it); nil in normal use.
    private static let releaseObserver = LockedValue<(@Sendable (Bool) -> Void)?>(nil)

    /// Installs (or, with nil, removes) the release observer.
    package static func setReleaseObserver(_ observer: (@Sendable (Bool) -> Void)?) {
        releaseObserver.withLock { $0 = observer }
    }

    /// A copy of `bytes`.
    package init(_ bytes: Span<UInt8>) {
        count = bytes.count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { [pointer] raw in
            if let base = raw.baseAddress, raw.count > 0 { pointer.copyMemory(from: base, byteCount: raw.count) }
        }
    }

    deinit {
        OPENSSL_cleanse(pointer, count)
        if let observer = SecureBytes.releaseObserver.withLock({ $0 }) {
            let view = UnsafeRawBufferPointer(start: pointer, count: count)
            observer(view.allSatisfy { $0 == 0 })
        }
        pointer.deallocate()
    }

    /// Lends the bytes for the duration of `body`; the pointer must not escape.
    package func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Lends the bytes as a `Span` for the duration of `body`.
    package func withBytes<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count).bindMemory(to: UInt8.self).span)
    }

    /// Compares in time that depends on the length only, not on where the bytes differ.
    package func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        var difference: UInt8 = 0
        let a = UnsafeRawBufferPointer(start: pointer, count: count)
        let b = UnsafeRawBufferPointer(start: other.pointer, count: other.count)
        for index in 0..<count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Overwrites `bytes` with zeros where no optimiser can drop the stores (`OPENSSL_cleanse`).
package func wipe(_ bytes: inout MutableSpan<UInt8>) {
    bytes.withUnsafeMutableBytes { raw in
        if let base = raw.baseAddress { OPENSSL_cleanse(base, raw.count) }
    }
}

/// Overwrites every byte of `bytes` with zero (see `wipe(_:)` on spans).
package func wipe(_ bytes: inout [UInt8]) {
    var span = bytes.mutableSpan
    wipe(&span)
}

/// Overwrites the storage of `bytes` with zeros without a mutable access: for a noncopyable
/// value's `deinit`, which cannot mutate its fields. The caller holds the only reference to
/// that storage (no copy of the array shares it).
package func wipeStorage(of bytes: borrowing [UInt8]) {
    bytes.withUnsafeBytes { raw in
        if let base = raw.baseAddress { OPENSSL_cleanse(UnsafeMutableRawPointer(mutating: base), raw.count) }
    }
}
