/// A native context handle (an `EVP_CIPHER_CTX *` or a `gcry_cipher_hd_t`).
///
/// `@unchecked Sendable` because it wraps a C pointer: a handle is only ever used by the one
/// caller that took it from a `HandlePool`, so it never runs on two threads at once.
struct NativeHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

/// Initialised native contexts for one key and one operation, kept for reuse.
///
/// A context is taken for exactly one operation and returned afterwards, so it is never
/// used by two threads at once, while the expensive part (fetching the cipher and expanding
/// the key) happens once per context instead of once per call.
final class HandlePool: Sendable {
    private let idle = LockedValue<[NativeHandle]>([])
    private let make: @Sendable () throws(CipherFailure) -> NativeHandle
    private let destroy: @Sendable (NativeHandle) -> Void
    /// Enough for the cores of a typical server; extra contexts made under a burst are freed.
    private static let capacity = 16

    init(
        make: @escaping @Sendable () throws(CipherFailure) -> NativeHandle,
        destroy: @escaping @Sendable (NativeHandle) -> Void
    ) {
        self.make = make
        self.destroy = destroy
    }

    deinit {
        for handle in idle.withLock({ $0 }) { destroy(handle) }
    }

    /// Runs `body` with a context nobody else is using. A context whose operation failed in
    /// the library (not a mere verification failure) is destroyed instead of reused.
    func withHandle<R>(_ body: (OpaquePointer) throws(CipherFailure) -> R) throws(CipherFailure) -> R {
        let reused = idle.withLock { $0.popLast() }
        let handle: NativeHandle
        if let reused { handle = reused } else { handle = try make() }
        do {
            let result = try body(handle.raw)
            release(handle)
            return result
        } catch .rejected {
            release(handle)
            throw .rejected
        } catch {
            destroy(handle)
            throw error
        }
    }

    private func release(_ handle: NativeHandle) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < Self.capacity else { return false }
            idle.append(handle)
            return true
        }
        if !kept { destroy(handle) }
    }
}
