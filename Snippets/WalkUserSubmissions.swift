// The REST API: every submission of one user, the pages fetched as the loop needs them.
import Foundation
import Liveform
import LiveformAPI

// snippet.hide
let apiKey = ProcessInfo.processInfo.environment["ARGOS_API_KEY"] ?? "DEMO-ONLY-not-a-real-argos-api-key"  // fake demo key
let baseURL = ProcessInfo.processInfo.environment["LIVEFORM_API_BASE_URL"] ?? ArgosClient.Configuration.defaultBaseURL
// snippet.show
let client = try ArgosClient(apiKey: apiKey, configuration: ArgosClient.Configuration(baseURL: baseURL))

let query = SubmissionQuery(userid: "user-42", startDate: "2026-01-01", requestType: .kyc, pageSize: 100)
var approved = 0
for try await submission in client.submissions(query) {  // an AsyncSequence; errors are ArgosError
    if submission.kycStatus == "approved" { approved += 1 }
    print(submission.id ?? "-", submission.createdAt ?? "-")
}
print("\(approved) approved")
