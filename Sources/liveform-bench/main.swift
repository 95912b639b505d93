import Foundation
import Liveform

// liveform-bench [--json] [--quick] [--workload W1…W6]... [--backend openssl|gcrypt]...
// W1–W4 report ns/op; W5 and W6 MB/s and peak RSS (each in a process of its own when
// several workloads are asked for, so the RSS belongs to that workload).

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
guard arguments.isEmpty else { fail("unknown arguments \(arguments); usage: liveform-bench [--json] [--quick] [--workload Wn]... [--backend openssl|gcrypt]...") }
if workloads.isEmpty { workloads = ["W1", "W2", "W3", "W4", "W5", "W6"] }
let backends = backendNames.isEmpty ? AES256.Backend.allCases : backendNames.map { name in
    guard let backend = AES256.Backend(name: name) else { fail("unknown backend \(name)") }
    return backend
}
let harness = Harness(budget: quick ? .milliseconds(200) : .seconds(2))

var results: [JSONValue] = []
for workload in workloads {
    for backend in backends {
        // Big-body workloads run in their own process when others run too.
        if ["W5", "W6"].contains(workload) && (workloads.count > 1 || backends.count > 1) {
            let child = Process()
            child.executableURL = URL(filePath: CommandLine.arguments[0])
            child.arguments = ["--json", "--workload", workload, "--backend", backend.name] + (quick ? ["--quick"] : [])
            let pipe = Pipe()
            child.standardOutput = pipe
            do { try child.run() } catch { fail("cannot start \(workload): \(error)") }
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            guard child.terminationStatus == 0, let rows = (try? JSONValue(parsing: output))?.arrayValue else {
                fail("\(workload) on \(backend.name) failed")
            }
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
        let figure = row["ns_per_op"].flatMap(\.doubleValue).map { String(format: "%10.1f ns/op", $0) }
            ?? row["mb_per_s"].flatMap(\.doubleValue).map { value in
                String(format: "%10.1f MB/s  peak RSS %.1f MiB", value, (row["peak_rss_bytes"]?.doubleValue ?? 0) / 1_048_576)
            } ?? ""
        print("\(row["workload"]?.stringValue ?? "?")  \((row["backend"]?.stringValue ?? "?").padding(toLength: 8, withPad: " ", startingAt: 0))  \(figure)")
    }
}
