// Secure Data Transfer: encrypt an API request body, decrypt the response.
import Liveform

let codec = APIBodyCodec(key: try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key"))  // fake demo key

// Request: the body is the token itself, sent as text/plain.
let requestBody = try codec.encrypt(#"{"submissionId":"sub-1"}"#.utf8)
print("POST with Content-Type: \(APIBodyCodec.requestContentType)\n\(String(decoding: requestBody, as: UTF8.self))")

// Response: {"data":"<token>"} → JSON. Pass the raw bytes, never a parsed dictionary.
let responseBytes = try codec.encryptResponse(#"{"kycStatus":"approved"}"#.utf8)
let response = try codec.decryptJSON(responseBytes)
print(response["kycStatus"]?.stringValue ?? "-")

// Large bodies (an ID image in base64), streamed: the request is handed out a chunk at a time
// (straight to a socket or an HTTP client's body stream), and the response is decrypted as it
// arrives. Neither side ever holds the whole encrypted body.
let image = Array(#"{"userid":"u-1","idImage":""#.utf8) + Array(repeating: UInt8(ascii: "A"), count: 1 << 20) + Array(#""}"#.utf8)
let chunks = codec.encryptedChunks(image)
var sent: [UInt8] = []
sent.reserveCapacity(chunks.length)  // the Content-Length
for try await chunk in chunks { sent.append(contentsOf: chunk) }

do {
    // A decryptor is noncopyable: one owner, finished once. (Kept in an object between
    // reads, hold it as an optional and finish with `decryptor.take()!.finish()`.)
    var decryptor = codec.makeDecryptor(bodyLength: sent.count)
    for start in stride(from: 0, to: sent.count, by: 64 * 1024) {  // as the connection delivers it
        try decryptor.update(sent[start..<min(start + 64 * 1024, sent.count)])
    }
    print(try decryptor.finish() == image)
}
