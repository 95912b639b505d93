#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
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
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

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

/// A pthread mutex with one condition variable, for threads that wait on each other's
/// progress (the ordered pipeline of `ForkJoin`). pthread for the reason `Lock` gives.
package final class Monitor: @unchecked Sendable {
    // @unchecked: the lock and the condition are only touched through pthread calls.
    private let lock = Lock()
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Runs `body` holding the mutex.
    @inline(__always)
    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try lock.withLock(body)
    }

    /// Inside `withLock`: releases the mutex until another thread calls `broadcast`
    /// (or spuriously), then takes it again. Callers re-check their condition in a loop.
    package func wait() {
        pthread_cond_wait(condition, lock.mutex)
    }

    /// Wakes every thread in `wait`.
    package func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
