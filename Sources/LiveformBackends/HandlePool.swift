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
    // @unchecked: `idle` and `idleCount` are only read or written inside `lock.withLock`.
    private let lock = Lock()
    /// A fixed stack of `capacity` slots, not an Array: taking and returning a context runs on
    /// every operation, and an array's uniqueness checks and growth path cost more than the lock.
    private let idle: UnsafeMutablePointer<NativeHandle>
    private var idleCount = 0
    private let make: @Sendable () throws(CipherFailure) -> NativeHandle
    private let destroy: @Sendable (NativeHandle) -> Void
    /// Enough for the cores of a typical server; extra contexts made under a burst are freed.
    private let capacity = 16

    init(make: @escaping @Sendable () throws(CipherFailure) -> NativeHandle,
         destroy: @escaping @Sendable (NativeHandle) -> Void) {
        self.make = make
        self.destroy = destroy
        idle = .allocate(capacity: capacity)
    }

    deinit {
        for index in 0..<idleCount { destroy(idle[index]) }
        idle.deinitialize(count: idleCount)
        idle.deallocate()
    }

    /// Runs `body` with a context nobody else is using. A context whose operation failed in
    /// the library (not a mere verification failure) is destroyed instead of reused.
    func withHandle<R>(_ body: (OpaquePointer) throws(CipherFailure) -> R) throws(CipherFailure) -> R {
        let handle: NativeHandle
        let reused = lock.withLock { () -> NativeHandle? in
            guard idleCount > 0 else { return nil }
            idleCount -= 1
            return (idle + idleCount).move()
        }
        if let reused {
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
            guard idleCount < capacity else { return false }
            (idle + idleCount).initialize(to: handle)
            idleCount += 1
            return true
        }
        if !kept { destroy(handle) }
    }
}
