#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Data parallelism for one large body: a synchronous fork–join over plain threads.
///
/// Plain pthreads rather than Dispatch or a task group: the caller holds borrowed pointers
/// (a body inside `withUnsafeBytes`), which must not outlive the call, so the work has to
/// finish before the call returns, and an `async` API could not lend them. ThreadSanitizer
/// intercepts `pthread_create` and `pthread_join`, so it sees the happens-before edges that
/// make the workers' writes visible to the caller (it would not see them inside
/// libdispatch on Linux, which is not instrumented).
package enum ForkJoin {
    /// Calls `body(index)` once for every index in `0..<iterations`, on at most `threads`
    /// threads (the caller's one of them), and returns when every call has returned.
    ///
    /// Indices are handed out in increasing order as threads become free, so uneven work
    /// balances itself. When a thread cannot be created, the threads that exist do its
    /// share: the result is the same, only slower.
    package static func forEach(_ iterations: Int, threads: Int, _ body: (Int) -> Void) {
        let threads = min(threads, iterations)
        guard threads > 1 else {
            for index in 0..<max(iterations, 0) { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = Work(iterations: iterations, body: body)
            var started: [pthread_t] = []
            started.reserveCapacity(threads - 1)
            for _ in 1..<threads {
                let context = Unmanaged.passRetained(work).toOpaque()
                if let thread = spawn(context) {
                    started.append(thread)
                } else {
                    Unmanaged<Work>.fromOpaque(context).release()
                    break
                }
            }
            work.drain()
            for thread in started { pthread_join(thread, nil) }
        }
    }

    /// The shared queue of indices. Unchecked: `next` is only touched under `lock`, and
    /// `body` is only called, never mutated; it outlives every worker because `forEach`
    /// joins them all before `withoutActuallyEscaping` ends.
    private final class Work: @unchecked Sendable {
        let lock = Lock()
        var next = 0
        let iterations: Int
        let body: (Int) -> Void

        init(iterations: Int, body: @escaping (Int) -> Void) {
            self.iterations = iterations
            self.body = body
        }

        func drain() {
            while true {
                let index: Int = lock.withLock {
                    defer { next += 1 }
                    return next
                }
                guard index < iterations else { return }
                body(index)
            }
        }
    }

    #if canImport(Darwin)
    private static func spawn(_ context: UnsafeMutableRawPointer) -> pthread_t? {
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().drain()
            return nil
        }, context)
        return status == 0 ? thread : nil
    }
    #else
    private static func spawn(_ context: UnsafeMutableRawPointer) -> pthread_t? {
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().drain()
            return nil
        }, context)
        return status == 0 ? thread : nil
    }
    #endif
}
