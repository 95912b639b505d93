#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Timing as in the peers (Tools/bench/README.md): warm up for a tenth of the budget, then
/// batches of about a twentieth of it until the budget is spent and five batches ran; the
/// figure is the median batch.
///
/// With `iterations`, the operation runs exactly that many times instead, with no warm-up,
/// so that instruction counts can be taken by difference (`Tools/bench/instructions.sh`).
struct Harness {
    let budget: Duration
    var iterations: Int? = nil

    /// Median nanoseconds per call of `operation`.
    func nanosecondsPerOperation(_ operation: () -> Void) -> Double {
        let clock = ContinuousClock()
        if let iterations {
            let elapsed = clock.measure { for _ in 0..<iterations { operation() } }
            return nanoseconds(elapsed, per: max(iterations, 1))
        }
        // Size a batch: double until it takes a twentieth of the budget.
        var batch = 1
        while true {
            let elapsed = clock.measure { for _ in 0..<batch { operation() } }
            if elapsed * 20 >= budget || batch >= 1 << 24 { break }
            batch *= 2
        }
        let warmUpEnd = clock.now + budget / 10
        while clock.now < warmUpEnd { for _ in 0..<batch { operation() } }
        var samples: [Double] = []
        let end = clock.now + budget
        while clock.now < end || samples.count < 5 {
            let elapsed = clock.measure { for _ in 0..<batch { operation() } }
            samples.append(nanoseconds(elapsed, per: batch))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    /// `elapsed` in nanoseconds, divided among `count` calls.
    private func nanoseconds(_ elapsed: Duration, per count: Int) -> Double {
        (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(count)
    }
}

/// Peak resident set size of this process, in bytes.
func peakRSSBytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss  // bytes on Darwin
    #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024  // KiB on Linux
    #endif
}

/// Keeps results observable so the optimiser cannot drop the work.
nonisolated(unsafe) var sink = 0

func fail(_ message: String) -> Never {
    let line = Array("liveform-bench: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
