import Foundation
import LiveformTestSupport
import Testing

/// Polls `condition` every 20 ms, up to 1,500 times.
private func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<1_500 {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// The helper every suite starts its child processes with: what it returns, and that it
/// cannot hang a test.
@Suite("ChildProcess, the tests' way to run a child")
struct ChildProcessTests {
    @Test("status, stdout and stderr, each apart")
    func outputs() async throws {
        let output = try await ChildProcess.run("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"])
        #expect(output.status == 3 && output.stdoutText == "out" && output.stderrText == "err")
    }

    @Test("4 MiB through cat: stdin is written while stdout is read, so neither pipe fills up and blocks")
    func largeRoundTrip() async throws {
        let input = Data((0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let output = try await ChildProcess.run("/bin/cat", [], stdin: input)
        #expect(output.status == 0 && output.stdout == input)
    }

    @Test("past its deadline a child is killed and the wait throws")
    func deadline() async throws {
        // A child that would not end by itself, so that the test does not depend on how soon
        // a busy pool resumes the waiting task.
        let child = try ChildProcess("/bin/sleep", ["100000"])
        await #expect(throws: ChildProcess.Failure.self) {
            try await child.finish(within: .milliseconds(300))
        }
        #expect(try await eventually { child.hasExited })
    }

    @Test("a signal ends a child; its status is the signal's number")
    func signal() async throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        child.send(SIGTERM)
        #expect(try await child.finish(within: .seconds(20)).status == SIGTERM)
    }

    @Test("160 children from as many tasks, 20 of them long-running: each short one finishes with its own output")
    func sideBySide() async throws {
        let servers = try await withThrowingTaskGroup(of: ChildProcess?.self) { group in
            for index in 0..<160 {
                group.addTask {
                    // Every eighth task starts a child that outlives the others.
                    if index % 8 == 0 { return try ChildProcess("/bin/sleep", ["60"]) }
                    let output = try await ChildProcess.run("/bin/sh", ["-c", "echo \(index)"], within: .seconds(30))
                    #expect(output.stdoutText == "\(index)\n")
                    return nil
                }
            }
            return try await group.reduce(into: [ChildProcess]()) { servers, server in if let server { servers.append(server) } }
        }
        #expect(servers.count == 20)
        for server in servers {
            #expect(!server.hasExited)
            server.send(SIGKILL)
        }
    }
}
