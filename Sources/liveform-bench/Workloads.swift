import Liveform

/// W1–W6 on one backend. Every workload checks its result once before timing.
struct Workloads {
    let backend: AES256.Backend
    let harness: Harness

    func run(_ workload: String) throws -> JSONValue {
        let key = try AES256.Key(credential: Fixtures.credential)  // prepared once
        switch workload {
        case "W1", "W2":
            let settings = try LiveformSettings(
                projectId: Fixtures.projectId, encryption: workload == "W1" ? .ecb : .gcm,
                credential: .init(kind: .apiKey, key: key), backend: backend)
            let builder = try LiveformURLBuilder(settings: settings)
            let url = try builder.url(for: Fixtures.parameters)
            let decoded = try LiveformURLDecoder(keys: [key], backend: backend).decode(url)
            guard decoded.parameters == Fixtures.parameters else { fail("\(workload) does not round-trip") }
            if workload == "W1" { try Fixtures.checkDigest(Array(url.utf8), Fixtures.ecbURLDigest, "W1 URL") }
            let parameters = Fixtures.parameters
            return row(
                workload,
                nanoseconds: harness.nanosecondsPerOperation {
                    sink &+= (try? builder.url(for: parameters))?.utf8.count ?? 0
                })
        case "W3":
            let settings = try LiveformSettings(
                projectId: Fixtures.projectId, encryption: .gcm,
                credential: .init(kind: .apiKey, key: key), backend: backend)
            // Counting instructions, one fixed URL: a random nonce changes how many of its
            // characters are percent-encoded, and so the count, from run to run.
            let nonce = try harness.iterations.map { _ throws(LiveformError) in try AES256.GCM.Nonce(Array(1...12) as [UInt8]) }
            let url = try LiveformURLBuilder(settings: settings).url(for: Fixtures.parameters, nonce: nonce)
            let decoder = LiveformURLDecoder(keys: [key], mode: .gcm, backend: backend)
            let check = try decoder.decode(url).parameters
            guard check.email == "email@email.com", check.rejectDuplicateUser == true else { fail("W3 fields") }
            return row(
                workload,
                nanoseconds: harness.nanosecondsPerOperation {
                    guard let parameters = try? decoder.decode(url).parameters else { fail("W3 failed") }
                    sink &+=
                        (parameters.email?.utf8.count ?? 0) + (parameters.userid?.utf8.count ?? 0)
                        + (parameters.cf1?.utf8.count ?? 0) + (parameters.rejectDuplicateUser == true ? 1 : 0)
                })
        default:
            return try runSecureDataTransfer(workload, key: key)
        }
    }

    func row(_ workload: String, nanoseconds: Double) -> JSONValue {
        ["workload": .string(workload), "backend": .string(backend.name), "ns_per_op": .number((nanoseconds * 10).rounded() / 10)]
    }

    func row(_ workload: String, megabytesPerSecond: Double) -> JSONValue {
        [
            "workload": .string(workload), "backend": .string(backend.name), "mb_per_s": .number((megabytesPerSecond * 10).rounded() / 10),
            "peak_rss_bytes": .number(Double(peakRSSBytes())),
        ]
    }
}
