// Receive an ARGOS webhook in any server framework: raw body, headers and peer address in,
// a typed event (or the status to answer) out.
import Liveform

let apiKey = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")  // fake demo key
let handler = WebhookHTTPHandler(
    decoder: WebhookDecoder(
        keys: [apiKey],  // several keys: tried in order (rotation)
        senderPolicy: .argos))  // only the vendor's published sender address

// What ARGOS would send (made here with the encoder, for the example).
let body = try WebhookEncoder(key: apiKey).encode(event: [
    "webhook_trigger": "approved", "submission_id": "sub-1", "userid": "user-42",
    "kyc_result": ["status": "approved", "updated_at": "2026-11-21T09:30:00.000Z"],
])

switch handler.handle(body: Array(body.utf8), headers: [], remoteAddress: "52.78.194.237") {
case .accepted(let event):
    if event.trigger == .approved {
        print("approve \(event.userid ?? "?") (submission \(event.submissionId ?? "?"))")
    }
case .rejected(let status, let responseBody, let error):
    // Answer with status and responseBody; log error for yourself (it is never sent back).
    print("answer \(status) \(responseBody); log: \(error)")
}
