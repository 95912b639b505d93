import Liveform

extension Demo {
    /// Webhook and API bodies, both directions.
    func demoSecureDataTransfer(key: AES256.Key, section: (String) -> Void, line: (String, String) -> Void) throws {
        section("4. Webhook (AES-256-CBC, IV ‖ ciphertext)")
        let event: JSONObject = [
            "webhook_trigger": "approved", "submission_id": "sub-20261121-0001", "email": "kim.minji@example.com",
            "userid": "user-42", "cf": ["cf1": "order #1001 & more"], "tokenId": "token_id_0001",
            "kyc_result": ["status": "approved", "reviewer": "reviewer@example.com", "updated_at": "2026-11-21T09:30:00.000Z"],
        ]
        let body = try WebhookEncoder(key: key, backend: common.backend).encode(event: event)
        line("event", JSONValue.object(event).jsonText)
        line("body from ARGOS", body)
        let decoded = try WebhookDecoder(keys: [key], backend: common.backend).decode(body: Array(body.utf8))
        line("trigger", "\(decoded.trigger.rawValue) (documented: \(decoded.trigger.isKnown))")
        line("submission", decoded.submissionId ?? "-")
        line("KYC status", "\(decoded.kycResult?.status ?? "-") at \(decoded.kycResult?.updatedAt.map { Timestamp.format($0) } ?? "-")")
        line("cf1", decoded.cf1 ?? "-")

        section("5. API request and response bodies (AES-256-ECB)")
        let codec = APIBodyCodec(key: key, backend: common.backend)
        let request = #"{"submissionId":"sub-20261121-0001","fields":["kycStatus","email"]}"#
        let requestBody = String(decoding: try codec.encrypt(Array(request.utf8)), as: UTF8.self)
        line("request JSON", request)
        line("request body", "\(requestBody)   (Content-Type: \(APIBodyCodec.requestContentType))")
        let responseBody = try codec.encryptResponse(Array(#"{"kycStatus":"approved","email":"kim.minji@example.com"}"#.utf8))
        line("response body", String(decoding: responseBody, as: UTF8.self))
        line("response JSON", try codec.decryptJSON(responseBody).jsonText)
    }
}
