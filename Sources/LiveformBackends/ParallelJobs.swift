import Dispatch
import Synchronization

/// Data parallelism for one large body, on Dispatch's thread pool.
///
/// Synchronous on purpose: the jobs borrow the caller's memory (the input as a `Span`, their
/// part of the output), so every job must have finished when the call returns, which
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

    /// A new array written in parts, one job per part: job `j` appends exactly `lengths[j]`
    /// bytes to the `OutputSpan` it is given, which covers its part only, so the jobs can run
    /// side by side (on at most `threads` workers, as `forEach`). A job may throw instead;
    /// then the first failure in job order is thrown and no array is returned.
    package static func makeBytes<E: Error>(
        lengths: [Int], threads: Int, _ body: (Int, inout OutputSpan<UInt8>) throws(E) -> Void
    ) throws(E) -> [UInt8] {
        var starts = [0]
        for length in lengths { starts.append(starts[starts.count - 1] + length) }
        var failures = [E?](repeating: nil, count: lengths.count)
        let bytes = failures.withUnsafeMutableBufferPointer { failures in
            [UInt8](unsafeUninitializedCapacity: starts[lengths.count]) { buffer, initialized in
                forEach(lengths.indices, threads: threads) { job in
                    let part = UnsafeMutableBufferPointer(rebasing: buffer[starts[job]..<starts[job + 1]])
                    var output = OutputSpan(buffer: part, initializedCount: 0)
                    do throws(E) {
                        try body(job, &output)
                        precondition(output.isFull, "a job wrote less than its part")
                    } catch {
                        failures[job] = error
                    }
                    _ = output.finalize(for: part)
                }
                // Bytes need no deinitialization: a failed array is dropped as it is.
                initialized = failures.contains { $0 != nil } ? 0 : buffer.count
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return bytes
    }
}
