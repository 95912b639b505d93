// Secure Data Transfer: encrypt an API request body, decrypt the response.
import Liveform

let codec = APIBodyCodec(key: try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key"))  // fake demo key

// Request: the body is the token itself, sent as text/plain.
let requestBody = try codec.encryptRequestBody(json: ["submissionId": "sub-1"])
print("POST with Content-Type: \(APIBodyCodec.requestContentType)\n\(requestBody)")

// Response: {"data":"<token>"} → JSON. Pass the raw bytes, never a parsed dictionary.
let responseBytes = Array(try codec.encryptResponseBody(Array(#"{"kycStatus":"approved"}"#.utf8)).utf8)
let response = try codec.decryptResponseJSON(responseBytes)
print(response["kycStatus"]?.stringValue ?? "-")
