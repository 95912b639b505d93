import Liveform

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// liveform-bench [--json] [--quick | --iterations N] [--workload W1…W6|W5s|W6s]... [--backend openssl|gcrypt]...
// W1–W4 report ns/op; W5 and W6 MB/s and peak RSS (each in a process of its own when
// several workloads are asked for, so the RSS belongs to that workload). W5s and W6s are W5
// and W6 through the streaming API (a request body written in chunks, a response body
// decrypted as it is read).

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func takeFlag(_ name: String) -> Bool {
    guard let index = arguments.firstIndex(of: name) else { return false }
    arguments.remove(at: index)
    return true
}
@MainActor func takeValues(_ name: String) -> [String] {
    var values: [String] = []
    while let index = arguments.firstIndex(of: name), index + 1 < arguments.count {
        values.append(arguments[index + 1])
        arguments.removeSubrange(index...(index + 1))
    }
    return values
}
let json = takeFlag("--json")
let quick = takeFlag("--quick")
var workloads = takeValues("--workload")
let backendNames = takeValues("--backend")
let iterations = takeValues("--iterations").last.map { text in
    guard let count = Int(text), count >= 0 else { fail("--iterations takes a count, got \(text)") }
    return count
}
guard arguments.isEmpty else {
    fail("unknown arguments \(arguments); usage: liveform-bench [--json] [--quick | --iterations N] [--workload Wn]... [--backend openssl|gcrypt]...")
}
if workloads.isEmpty { workloads = ["W1", "W2", "W3", "W4", "W5", "W6", "W5s", "W6s"] }
let backends =
    backendNames.isEmpty
    ? AES256.Backend.allCases
    : backendNames.map { name in
        guard let backend = AES256.Backend(name: name) else { fail("unknown backend \(name)") }
        return backend
    }
let harness = Harness(budget: quick ? .milliseconds(200) : .seconds(2), iterations: iterations)

var results: [JSONValue] = []
for workload in workloads {
    for backend in backends {
        // Big-body workloads run in their own process when others run too.
        if ["W5", "W6", "W5s", "W6s"].contains(workload) && (workloads.count > 1 || backends.count > 1) {
            let flags = (quick ? ["--quick"] : []) + (iterations.map { ["--iterations", String($0)] } ?? [])
            guard let rows = runChild(["--json", "--workload", workload, "--backend", backend.name] + flags)
            else { fail("\(workload) on \(backend.name) failed") }
            results += rows
            continue
        }
        do {
            results.append(try Workloads(backend: backend, harness: harness).run(workload))
        } catch {
            fail("\(workload) on \(backend.name): \(error)")
        }
    }
}

if json {
    print(JSONValue.array(results).jsonText)
} else {
    for row in results {
        let figure =
            row["ns_per_op"].flatMap(\.doubleValue).map { pad(fixed($0), 10) + " ns/op" }
            ?? row["mb_per_s"].flatMap(\.doubleValue).map { value in
                pad(fixed(value), 10) + " MB/s  peak RSS " + fixed((row["peak_rss_bytes"]?.doubleValue ?? 0) / 1_048_576) + " MiB"
                    + (row["threads"].flatMap(\.doubleValue).map { threads in
                        "  (\(Int(threads)) threads; one thread " + fixed(row["mb_per_s_one_thread"]?.doubleValue ?? 0) + " MB/s)"
                    } ?? "")
            } ?? ""
        print("\(row["workload"]?.stringValue ?? "?")  \(pad(row["backend"]?.stringValue ?? "?", -8))  \(figure)")
    }
}

/// `value` with one decimal.
func fixed(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}

/// `text` padded with spaces to `width` characters: on the left, or on the right for a negative width.
func pad(_ text: String, _ width: Int) -> String {
    let fill = String(repeating: " ", count: max(0, abs(width) - text.count))
    return width < 0 ? text + fill : fill + text
}

/// Runs this executable with `arguments` and returns the JSON array it prints, or nil if it fails.
/// posix_spawn and a pipe rather than Foundation's `Process`: the benchmark links no Foundation,
/// so its baseline memory (part of the W5/W6 peak RSS) is the library's, not Foundation's.
func runChild(_ arguments: [String]) -> [JSONValue]? {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { return nil }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    let argv = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, CommandLine.arguments[0], &actions, nil, argv, environ)
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    guard spawned == 0 else { return nil }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(pipeEnds[0], &chunk, chunk.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        output += chunk[..<count]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    guard status == 0 else { return nil }
    return (try? JSONValue(parsing: output))?.arrayValue
}
