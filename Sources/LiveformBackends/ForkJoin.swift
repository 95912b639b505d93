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
                guard let thread = spawn(work) else { break }
                started.append(thread)
            }
            work.drain()
            for thread in started { pthread_join(thread, nil) }
        }
    }

    /// Produces jobs `0..<jobs` on up to `threads` threads (the caller's one of them) and
    /// delivers them in order: `deliver(job)` runs on the caller's thread, job after job,
    /// each once `produce(job)` has returned. Between deliveries the caller produces jobs
    /// too, so no thread sits idle waiting on the others.
    ///
    /// At most `window` jobs are produced and not yet delivered: no thread starts job `j`
    /// before job `j − window` has been delivered. A job's output can therefore live in one
    /// of `window` reused slots (slot `job % window`), and memory stays bounded however
    /// many jobs there are.
    ///
    /// `deliver` returns false to stop early, or throws. Either way no new job starts, the
    /// threads finish the jobs they hold and are joined, and the call returns or rethrows.
    /// When a thread cannot be created, the threads that exist do its share.
    package static func pipeline<E: Error>(_ jobs: Int, threads: Int, window: Int, produce: (Int) -> Void,
                                           deliver: (Int) throws(E) -> Bool) throws(E) {
        precondition(window > 0, "a pipeline needs at least one slot")
        guard jobs > 0 else { return }
        let threads = min(threads, jobs, window)
        var failure: E?
        withoutActuallyEscaping(produce) { produce in
            let work = Pipeline(jobs: jobs, window: window, produce: produce)
            var started: [pthread_t] = []
            started.reserveCapacity(max(threads - 1, 0))
            for _ in 1..<max(threads, 1) {
                guard let thread = spawn(work) else { break }
                started.append(thread)
            }
            var job = 0
            while job < jobs {
                // Deliver the next job when it is ready; until then, produce one.
                let produceFirst: Int? = work.monitor.withLock {
                    while true {
                        if work.finished[job] { return nil }
                        if let next = work.take() { return next }
                        work.monitor.wait()
                    }
                }
                if let produceFirst {
                    work.run(produceFirst)
                    continue
                }
                var go = false
                do throws(E) { go = try deliver(job) } catch { failure = error }
                work.monitor.withLock {
                    work.delivered = job + 1
                    if !go { work.stopped = true }
                    work.monitor.broadcast()
                }
                if !go { break }
                job += 1
            }
            for thread in started { pthread_join(thread, nil) }
        }
        if let failure { throw failure }
    }

    /// The state of one `pipeline` call, shared with its threads. Unchecked: every field but
    /// `produce` is touched only under `monitor`, and `produce` is only called; it outlives
    /// the threads because `pipeline` joins them before `withoutActuallyEscaping` ends.
    private final class Pipeline: @unchecked Sendable, Drainable {
        let monitor = Monitor()
        let jobs: Int, window: Int
        let produce: (Int) -> Void
        var next = 0, delivered = 0
        var finished: [Bool]
        var stopped = false

        init(jobs: Int, window: Int, produce: @escaping (Int) -> Void) {
            self.jobs = jobs
            self.window = window
            self.produce = produce
            finished = [Bool](repeating: false, count: jobs)
        }

        /// The next job, if one may start now. Called holding `monitor`.
        func take() -> Int? {
            guard !stopped, next < jobs, next - delivered < window else { return nil }
            defer { next += 1 }
            return next
        }

        /// Produces `job` and marks it finished.
        func run(_ job: Int) {
            produce(job)
            monitor.withLock {
                finished[job] = true
                monitor.broadcast()
            }
        }

        func drain() {
            while true {
                let job: Int? = monitor.withLock {
                    while true {
                        if stopped || next >= jobs { return nil }
                        if let job = take() { return job }
                        monitor.wait()
                    }
                }
                guard let job else { return }
                run(job)
            }
        }
    }

    /// The shared queue of indices. Unchecked: `next` is only touched under `lock`, and
    /// `body` is only called, never mutated; it outlives every worker because `forEach`
    /// joins them all before `withoutActuallyEscaping` ends.
    private final class Work: @unchecked Sendable, Drainable {
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

    /// Work a thread runs until there is none left.
    private protocol Drainable: AnyObject {
        func drain()
    }

    /// Starts a thread that drains `work`, or returns nil. The thread's reference travels in a
    /// retained box (a C function pointer captures nothing), released when the thread ends or
    /// here when it cannot start.
    private static func spawn(_ work: any Drainable) -> pthread_t? {
        let box = Unmanaged.passRetained(Box(work)).toOpaque()
        if let thread = startThread(box) { return thread }
        Unmanaged<Box>.fromOpaque(box).release()
        return nil
    }

    private final class Box {
        let work: any Drainable
        init(_ work: any Drainable) { self.work = work }
    }

    #if canImport(Darwin)
    private static func startThread(_ box: UnsafeMutableRawPointer) -> pthread_t? {
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().work.drain()
            return nil
        }, box)
        return status == 0 ? thread : nil
    }
    #else
    private static func startThread(_ box: UnsafeMutableRawPointer) -> pthread_t? {
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().work.drain()
            return nil
        }, box)
        return status == 0 ? thread : nil
    }
    #endif
}
