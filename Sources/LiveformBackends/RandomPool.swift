internal import CLiveformOpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenSSL random bytes for GCM nonces and CBC IVs, drawn in bulk.
///
/// OpenSSL 3.0's `RAND_bytes` has a fixed cost per call whatever the length (its CTR-DRBG
/// re-keys after every request), comparable to the rest of a GCM URL. This pool fetches
/// 4 KiB per call and hands the bytes out once each. The rules that keep nonces unique:
///
/// - every byte is handed out at most once: the position only moves forward, and handed-out
///   bytes are zeroed in the pool;
/// - one lock guards the pool, so two threads never get the same bytes;
/// - after `fork()` the child must not replay the parent's remaining bytes: a `pthread_atfork`
///   child handler empties the pool, and, in case a process is cloned without the fork
///   handlers running, the pool also remembers the pid it was filled in and refills when
///   it differs;
/// - the prepare/parent/child handlers hold the lock across `fork()`, so the child never
///   inherits a lock held by a thread that no longer exists.
///
/// The bytes are public once used (nonces and IVs travel in the clear), but they are still
/// wiped as they leave.
final class RandomPool: @unchecked Sendable {
    // @unchecked: all state is behind `lock` (a pthread mutex: it must be lockable from the
    // fork handlers, which a closure-scoped Swift Mutex cannot be).
    static let shared = RandomPool()

    private static let capacity = 4096
    /// Requests larger than this go straight to `RAND_bytes`.
    private static let largestPooled = 64

    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let bytes: UnsafeMutablePointer<UInt8>
    private var offset: Int  // bytes before `offset` are used up
    private var filledIn: pid_t = 0

    private init() {
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        bytes = .allocate(capacity: Self.capacity)
        bytes.initialize(repeating: 0, count: Self.capacity)
        offset = Self.capacity  // empty: the first request fills it
        // The shared pool lives as long as the process; register once, from its initialiser.
        pthread_atfork(
            { RandomPool.shared.lockForFork() },
            { RandomPool.shared.unlockAfterFork(inChild: false) },
            { RandomPool.shared.unlockAfterFork(inChild: true) }
        )
    }

    private func lockForFork() { pthread_mutex_lock(lock) }

    private func unlockAfterFork(inChild: Bool) {
        if inChild { discard() }
        pthread_mutex_unlock(lock)
    }

    /// Empties the pool, wiping what was left. Called with the lock held.
    private func discard() {
        bytes.update(repeating: 0, count: Self.capacity)
        offset = Self.capacity
    }

    /// Fills `buffer` with bytes nobody else has been or will be given.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CipherFailure) {
        guard let out = buffer.baseAddress, buffer.count > 0 else { return }
        guard buffer.count <= Self.largestPooled else {
            try Self.randBytes(out, count: buffer.count)
            return
        }
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let pid = getpid()
        if filledIn != pid || Self.capacity - offset < buffer.count {
            discard()
            try Self.randBytes(UnsafeMutableRawPointer(bytes), count: Self.capacity)
            offset = 0
            filledIn = pid
        }
        out.copyMemory(from: bytes + offset, byteCount: buffer.count)
        (bytes + offset).update(repeating: 0, count: buffer.count)
        offset += buffer.count
    }

    private static func randBytes(_ out: UnsafeMutableRawPointer, count: Int) throws(CipherFailure) {
        guard RAND_bytes(out.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 else {
            throw .library(OpenSSLEngine.drainErrors(default: "RAND_bytes failed"))
        }
    }
}
