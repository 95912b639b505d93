#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a pthread mutex: `Synchronization.Mutex`'s `withLock(_:)`, for state that
/// ThreadSanitizer must be able to check.
///
/// On Linux `Mutex` waits in a futex inside the uninstrumented Swift runtime, so when two
/// threads contend, ThreadSanitizer sees no happens-before edge and reports the guarded state
/// as racing (it did, 80 times, in the test suite). It intercepts `pthread_mutex_lock`, so
/// with this lock its reports mean real races.
package final class LockedValue<Value>: @unchecked Sendable {
    // @unchecked: `value` is only read or written between pthread_mutex_lock and _unlock.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the mutex.
    package func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
