/// A native context handle (an `EVP_CIPHER_CTX *` or a `gcry_cipher_hd_t`).
/// Unchecked: a handle is only ever used by the one caller that took it from the pool.
struct NativeHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

/// A small stack of initialised native contexts for one key and one operation.
///
/// A context is taken for exactly one operation and returned afterwards, so a context is
/// never used by two threads at once, while the expensive part (fetching the cipher and
/// expanding the key) happens once per context instead of once per call.
final class HandlePool: @unchecked Sendable {
    // @unchecked: `idle` is only read or written inside `lock.withLock`.
    private let lock = Lock()
    private var idle: [NativeHandle] = []
    private let make: @Sendable () throws(CipherFailure) -> NativeHandle
    private let destroy: @Sendable (NativeHandle) -> Void
    /// Enough for the cores of a typical server; extra contexts made under a burst are freed.
    private let capacity = 16

    init(make: @escaping @Sendable () throws(CipherFailure) -> NativeHandle,
         destroy: @escaping @Sendable (NativeHandle) -> Void) {
        self.make = make
        self.destroy = destroy
    }

    deinit {
        for handle in idle { destroy(handle) }
    }

    /// Runs `body` with a context nobody else is using. A context whose operation failed in
    /// the library (not a mere verification failure) is destroyed instead of reused.
    func withHandle<R>(_ body: (OpaquePointer) throws(CipherFailure) -> R) throws(CipherFailure) -> R {
        let handle: NativeHandle
        if let reused = lock.withLock({ idle.popLast() }) {
            handle = reused
        } else {
            handle = try make()
        }
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
        let kept = lock.withLock { () -> Bool in
            guard idle.count < capacity else { return false }
            idle.append(handle)
            return true
        }
        if !kept { destroy(handle) }
    }
}
