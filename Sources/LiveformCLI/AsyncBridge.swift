import Dispatch
import Synchronization

/// Runs async work to its end from a synchronous command (the tool's commands are
/// synchronous; `webhook listen` and `send` need Swift concurrency). The calling thread
/// waits; the work runs on the concurrency pool and inherits the task-local `CLIContext`.
func runToCompletion(_ work: @escaping @Sendable () async throws -> Void) throws {
    let outcome = Mutex<Result<Void, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<Void, any Error>
        do {
            try await work()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    try outcome.withLock { $0 }?.get()
}
