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

    /// Appends parts to `output`, one job per part: job `j` appends exactly `lengths[j]` bytes
    /// to the `OutputSpan` it is given, which covers its part only, so the jobs can run side
    /// by side (on at most `threads` workers, as `forEach`). A job may throw instead; then the
    /// first failure in job order is thrown and `output` is left as it was.
    ///
    /// - Precondition: `output` has room for every part.
    package static func append<E: Error>(
        parts lengths: [Int], threads: Int, to output: inout OutputSpan<UInt8>,
        _ body: (Int, inout OutputSpan<UInt8>) throws(E) -> Void
    ) throws(E) {
        var starts = [0]
        for length in lengths { starts.append(starts[starts.count - 1] + length) }
        precondition(starts[lengths.count] <= output.freeCapacity, "the parts do not fit")
        var failures = [E?](repeating: nil, count: lengths.count)
        failures.withUnsafeMutableBufferPointer { failures in
            output.withUnsafeMutableBufferPointer { buffer, initialized in
                let free = UnsafeMutableBufferPointer(rebasing: buffer[initialized...])
                forEach(lengths.indices, threads: threads) { job in
                    let part = UnsafeMutableBufferPointer(rebasing: free[starts[job]..<starts[job + 1]])
                    var output = OutputSpan(buffer: part, initializedCount: 0)
                    do throws(E) {
                        try body(job, &output)
                        precondition(output.isFull, "a job wrote less than its part")
                    } catch {
                        failures[job] = error
                    }
                    _ = output.finalize(for: part)
                }
                // Bytes need no deinitialization: the parts of a failed call are left as they are.
                if !failures.contains(where: { $0 != nil }) { initialized += starts[lengths.count] }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }
}
