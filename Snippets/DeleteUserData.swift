// The REST API: a user asks for their data to be deleted.
import Foundation
import Liveform
import LiveformAPI

// snippet.hide
let apiKey = ProcessInfo.processInfo.environment["ARGOS_API_KEY"] ?? "DEMO-ONLY-not-a-real-argos-api-key"  // fake demo key
let baseURL = ProcessInfo.processInfo.environment["LIVEFORM_API_BASE_URL"] ?? ArgosClient.Configuration.defaultBaseURL
// snippet.show
// A client with an HTTPClient of its own, shut down when the closure ends (a batch job).
try await withArgosClient(apiKey: apiKey, configuration: ArgosClient.Configuration(baseURL: baseURL)) { client in
    var ids: [String] = []
    for try await submission in client.submissions(SubmissionQuery(userid: "user-42")) {
        if let id = submission.id { ids.append(id) }
    }
    for id in ids {
        // With adminName the vendor sends a `delete` webhook; DELETEs are retried on 5xx.
        let deletion = try await client.deleteSubmission(id: id, adminName: "dpo@example.com")
        print(id, deletion.message ?? "-")
    }
    // Private Mode tokens of the user, too (split into requests of 100, summaries summed).
    let tokens = try await client.deleteTokens(["user-42-token-a1", "user-42-token-b2"])
    print(tokens.success, tokens.summary?["deleted"] ?? 0)
}
