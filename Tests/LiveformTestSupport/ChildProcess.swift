public import Foundation
import LiveformBackends

#if canImport(Glibc)
import Glibc
#endif

/// A child process for the tests (the `liveform` binary, Node and Python peers, the fake
/// vendor), started and awaited the one way every suite shares.
///
/// Three rules keep a suite from hanging or a child from behaving unlike one a shell starts:
/// - **Nothing blocks a thread of the concurrency pool, and no wait is unbounded.** The pool
///   has as many threads as cores (two in CI); a test blocked in `waitUntilExit` or
///   `readDataToEndOfFile` holds one for as long as its child runs, and the tests that would
///   end that child may need it. Outputs are read on threads of their own, the exit comes
///   from `terminationHandler`, and waiting polls with `Task.sleep` up to a deadline, after
///   which the child is killed and the wait throws.
/// - **Spawns are serialized**, pipes included. Foundation creates a child's pipes and its
///   exit-notification socket without close-on-exec, and closes the parent's other
///   descriptors in the child from a list it makes just before spawning; a child spawned by
///   another thread in that window would inherit them, and hold back the first child's end of
///   output until it exits itself.
/// - **A child starts with no signal blocked**: it inherits the spawning thread's mask, and
///   the pool's threads block nearly every signal.
public final class ChildProcess: Sendable {
    /// What a finished child left: its status (the signal's number when a signal ended it)
    /// and everything it wrote.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: Data
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// The child did not end within its deadline (it was killed).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private struct State {
        var status: Int32?
        var stdout = Data()
        var stderr = Data()
        var openStreams = 2
        var finished: Bool { status != nil && openStreams == 0 }
    }

    private static let spawning = NSLock()

    private let process: Process
    // Written by the reader threads and the termination handler. `LockedValue`, not `Mutex`:
    // ThreadSanitizer must see the lock, and reported the two readers racing under `Mutex`.
    private let state = LockedValue(State())
    private let name: String

    /// Starts `executable` with `arguments`. `environment` nil inherits this process's;
    /// `stdin` nil reads from /dev/null, else the bytes are written and the stream closed.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil) throws {
        name = ([URL(filePath: executable).lastPathComponent] + arguments.prefix(2)).joined(separator: " ")
        process = Process()
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        process.environment = environment
        let state = self.state
        // Weak: swift-corelibs-foundation's Process keeps this closure past the child's end
        // (like the weak-reference side table Tools/sanitizers/lsan.supp suppresses), and with
        // a strong capture LeakSanitizer reported every child's output buffers leaked.
        process.terminationHandler = { [weak state] process in
            let status = process.terminationStatus
            state?.withLock { $0.status = status }
        }
        let (input, output, error) = try Self.spawning.withLock {
            let input = stdin.map { _ in Pipe() }, output = Pipe(), error = Pipe()
            process.standardInput = input ?? FileHandle.nullDevice
            process.standardOutput = output
            process.standardError = error
            // The third rule above: without it `sleep` ignores SIGTERM.
            var none = sigset_t(), previous = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            try process.run()
            return (input, output, error)
        }
        for (pipe, isOutput) in [(output, true), (error, false)] {
            Thread {
                let handle = pipe.fileHandleForReading
                while case let data = handle.availableData, !data.isEmpty {
                    state.withLock { isOutput ? $0.stdout.append(data) : $0.stderr.append(data) }
                }
                state.withLock { $0.openStreams -= 1 }
            }.start()
        }
        if let input, let stdin {
            Thread {
                try? input.fileHandleForWriting.write(contentsOf: stdin)
                try? input.fileHandleForWriting.close()
            }.start()
        }
    }

    deinit {
        // A test that throws before waiting leaves no child behind.
        if !hasExited { kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs a child to its end: ``init(_:_:environment:stdin:)`` then ``finish(within:)``.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil,
        within deadline: Duration = .seconds(300)
    ) async throws -> Output {
        try await ChildProcess(executable, arguments, environment: environment, stdin: stdin).finish(within: deadline)
    }

    /// What the child has written to stdout so far.
    public var stdoutText: String { String(decoding: state.withLock { $0.stdout }, as: UTF8.self) }

    /// What the child has written to stderr so far.
    public var stderrText: String { String(decoding: state.withLock { $0.stderr }, as: UTF8.self) }

    /// Whether the child has exited.
    public var hasExited: Bool { state.withLock { $0.status != nil } }

    /// Sends `signal` (SIGTERM, as a developer's Ctrl-C would, or SIGKILL) unless it has exited.
    public func send(_ signal: Int32) {
        if !hasExited { kill(process.processIdentifier, signal) }
    }

    /// Waits, polling every 20 ms, until the child has exited and closed both outputs. Past
    /// `deadline` it is killed and ``Failure`` thrown: a test that hangs fails instead.
    public func finish(within deadline: Duration = .seconds(300)) async throws -> Output {
        let end = ContinuousClock.now + deadline
        while !state.withLock({ $0.finished }) {
            if ContinuousClock.now >= end {
                send(SIGKILL)
                throw Failure(description: "\(name) did not finish within \(deadline); killed")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return state.withLock { Output(status: $0.status ?? -1, stdout: $0.stdout, stderr: $0.stderr) }
    }
}
