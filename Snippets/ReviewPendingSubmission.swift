// The REST API: look at a pending submission and approve or reject it.
import Foundation
import Liveform
import LiveformAPI

// snippet.hide
let apiKey = ProcessInfo.processInfo.environment["ARGOS_API_KEY"] ?? "DEMO-ONLY-not-a-real-argos-api-key"  // fake demo key
let baseURL = ProcessInfo.processInfo.environment["LIVEFORM_API_BASE_URL"] ?? ArgosClient.Configuration.defaultBaseURL
// snippet.show
var configuration = ArgosClient.Configuration(baseURL: baseURL)  // SDT on, 30 s timeout, 3 retries
configuration.secureDataTransfer = true  // as set in the ARGOS dashboard
let client = try ArgosClient(apiKey: apiKey, configuration: configuration)  // share it; HTTPClient.shared

do {
    let submission = try await client.submission(id: "sub-1")
    guard submission.kycStatus == "pending" else { exit(0) }
    let looksFine = submission["data"]?["name"] != nil  // every vendor member stays reachable
    let result = try await client.review(
        SubmissionReview(
            submissionId: "sub-1",
            decision: looksFine ? .approve : .reject(comment: "The ID photo is unreadable."),
            admin: "reviewer@example.com"))
    print(result.finalStatus ?? "-")
} catch  where error.kind == .notFound {
    print("no such submission")
} catch {
    // kind, HTTP status and the vendor's code and message; never the key
    print("\(error.kind) \(error.status ?? 0) \(error.vendorMessage ?? "")")
}
