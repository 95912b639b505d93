#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex.
///
/// Used instead of `Synchronization.Mutex` because on Linux that mutex's contended path
/// (the futex wait) lives in an uninstrumented library: ThreadSanitizer sees no
/// happens-before edge and reports the guarded state as racing. ThreadSanitizer intercepts
/// `pthread_mutex_lock`, so with this lock its reports mean real races again.
package final class Lock: @unchecked Sendable {
    // @unchecked: the mutex is the synchronisation; it is only touched through pthread calls.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
