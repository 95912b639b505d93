import Dispatch
import Synchronization

/// Data parallelism for one large body, on Dispatch's thread pool.
///
/// Synchronous on purpose: the callers lend borrowed buffers (a body inside
/// `withUnsafeBytes`), so every job must have finished when the call returns, which
/// `DispatchQueue.concurrentPerform` guarantees.
package enum ParallelJobs {
    /// Calls `body(job)` once for every job in `jobs`, on at most `threads` workers (the
    /// caller's thread is one of them), and returns when every call has returned.
    ///
    /// `body` must be safe to call from several threads at once for different jobs (each job
    /// writes only its own part of the output).
    package static func forEach(_ jobs: Range<Int>, threads: Int, _ body: (Int) -> Void) {
        let workers = min(threads, jobs.count)
        guard workers > 1 else {
            for job in jobs { body(job) }
            return
        }
        // ThreadSanitizer does not see inside libdispatch on Linux; each worker's releasing
        // add and the caller's acquiring load below are the happens-before edges it does see.
        let finished = Atomic<Int>(0)
        // Jobs are handed out in order as workers become free, so uneven jobs (the check,
        // the last unit) balance themselves.
        let next = Atomic<Int>(jobs.lowerBound)
        // Not Sendable (it lends the caller's buffers), but only called until
        // `concurrentPerform` returns, and for distinct jobs: see the contract above.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let job = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard job < jobs.upperBound else { break }
                body(job)
            }
            finished.add(1, ordering: .releasing)
        }
        precondition(finished.load(ordering: .acquiring) == workers, "concurrentPerform returned early")
    }
}
