import Foundation
import HTTPTypes
import Hummingbird
import Liveform
import NIOCore

/// The REST API (sandbox spec §3), first calls: submissions (one, list, review) and the
/// Private Mode token pool (add, one, count). Secure Data Transfer through the SDK's
/// `APIBodyCodec`; errors in the vendor's shapes, plain as its gateway sends them.
extension Sandbox {
    /// The vendor's answer to a body that does not decrypt under the project's API key.
    static let decryptionFailedBody: JSONValue = ["errorCode": "Decryption is Failed. Please check the api-key."]

    /// One REST call, after the key check and the faults.
    struct RESTCall {
        let project: SandboxProject
        let method: String
        let path: String
        let query: [String: String]
        let body: JSONObject?
    }

    func rest(_ request: Request) async throws -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        // Faults stand for the gateway in front of ARGOS: they answer before the key is read.
        if let fault = try await store.takeFault(method: method, path: path) {
            var response = Response(status: .init(code: fault.status), headers: [.contentType: "application/json"],
                                    body: ResponseBody(byteBuffer: ByteBuffer(string: fault.body ?? "")))
            if let retryAfter = fault.retryAfter { response.headers[.retryAfter] = String(Int(retryAfter.rounded(.up))) }
            return response
        }
        guard let apiKey = request.headers[HTTPField.Name("x-api-key")!], let project = configuration.project(apiKey: apiKey) else {
            return Self.json(.forbidden, ["message": "Forbidden"])
        }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)  // Hummingbird has percent-decoded it
        }
        var request = request
        let bytes = try await request.collectBody(upTo: Self.maxBodySize)
        var body: JSONObject?
        if bytes.readableBytes > 0 {
            let plaintext: [UInt8]
            if project.secureDataTransfer {
                do {
                    plaintext = try APIBodyCodec(key: project.apiAESKey).decryptRequestBody(bytes.readableBytesView)
                } catch {
                    return Self.json(.badRequest, Self.decryptionFailedBody)
                }
            } else {
                plaintext = Array(bytes.readableBytesView)
            }
            guard let object = (try? JSONValue(parsing: plaintext))?.objectValue else {
                return Self.json(.badRequest, ["message": "the body must be a JSON object", "statusCode": 400])
            }
            body = object
        }
        let call = RESTCall(project: project, method: method, path: path, query: query, body: body)
        let answer: JSONValue
        do {
            answer = try await route(call)
        } catch let error as VendorError {
            return Self.json(error.status, error.body)
        }
        guard project.secureDataTransfer else { return Self.json(.ok, answer) }
        let encrypted = try APIBodyCodec(key: project.apiAESKey).encryptResponseBody(Array(answer.jsonText.utf8))
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: encrypted)))
    }

    /// An error answer in one of the vendor's shapes.
    struct VendorError: Error {
        let status: HTTPResponse.Status
        let body: JSONValue

        static func errorCode(_ text: String) -> VendorError { VendorError(status: .badRequest, body: ["errorCode": .string(text)]) }
        static func message(_ text: String, _ status: HTTPResponse.Status = .badRequest) -> VendorError {
            VendorError(status: status, body: ["message": .string(text), "statusCode": .number(Double(status.code))])
        }
    }

    private func route(_ call: RESTCall) async throws -> JSONValue {
        switch (call.method, call.path) {
        case ("GET", "/v3/submission"): try await getSubmissions(call)
        case ("POST", "/v3/submission/review"): try await review(call)
        case ("POST", "/v3/submission/tokens"): try await addTokens(call)
        case ("GET", "/v3/submission/tokens"): try await getTokens(call)
        default: throw VendorError.message("Not Found", .notFound)
        }
    }

    private func getSubmissions(_ call: RESTCall) async throws -> JSONValue {
        let all = try await store.submissions(pid: call.project.pid)
        if let id = call.query["submission_id"] {
            return ["Items": .array(all.filter { $0.id == id }.map(Self.restJSON))]
        }
        if let type = call.query["request_type"], !["kyc", "aml", "data", "others"].contains(type) {
            throw VendorError.message("invalid request_type")
        }
        var items = all.filter { submission in
            (call.query["userid"].map { $0 == submission.userid } ?? true)
                && (call.query["email"].map { $0 == submission.email } ?? true)
        }
        let day = { (submission: SandboxStore.Submission) in String(Timestamp.text(submission.createdAt).prefix(10)) }
        if let start = call.query["start_date"] { items = items.filter { day($0) >= start } }
        if let end = call.query["end_date"] { items = items.filter { day($0) <= end } }
        var count = 50
        if let text = call.query["count"] {
            guard let value = Int(text), value > 0 else { throw VendorError.message("count must be a positive number") }
            count = value
        }
        if let after = call.query["nextpage_id"] {
            items = items.firstIndex { $0.id == after }.map { Array(items[($0 + 1)...]) } ?? []
        }
        let page = Array(items.prefix(count))
        var answer: JSONObject = ["Items": .array(page.map(Self.restJSON))]
        if items.count > count, let last = page.last {
            answer["nextpageKey"] = ["id": .string(last.id), "created_at": .string(Timestamp.text(last.createdAt))]
        }
        return .object(answer)
    }

    /// A submission as `GET /submission` lists it.
    static func restJSON(_ submission: SandboxStore.Submission) -> JSONValue {
        var object: JSONObject = ["submission_id": .string(submission.id), "created_at": .string(Timestamp.text(submission.createdAt))]
        if let email = submission.email { object["email"] = .string(email) }
        if let userid = submission.userid { object["userid"] = .string(userid) }
        for (name, value) in [("cf1", submission.cf1), ("cf2", submission.cf2), ("cf3", submission.cf3), ("tokenId", submission.tokenId)] {
            if let value { object[name] = .string(value) }
        }
        object["kyc"] = ["result": .string(submission.status)]
        object["data"] = .object(submission.data)
        return .object(object)
    }

    private func review(_ call: RESTCall) async throws -> JSONValue {
        let body = call.body ?? [:]
        guard let id = body["submissionId"]?.stringValue, let status = body["status"]?.stringValue,
              let admin = body["admin"]?.stringValue else {
            throw VendorError.errorCode("submissionId, status and admin are required")
        }
        // The admin first, as ARGOS checks it.
        guard call.project.admins.contains(admin) else {
            throw VendorError.errorCode("Access denied. The admin is not registered in the project.")
        }
        guard status == "approved" || status == "rejected" else { throw VendorError.errorCode("status must be approved or rejected") }
        guard var submission = try await store.submission(id: id, pid: call.project.pid) else {
            throw VendorError.message("submission not found", .notFound)
        }
        guard submission.status == "pending" else {
            throw VendorError.errorCode("Only submissions in pending status can be reviewed")
        }
        submission.status = status
        let now = clock()
        var event = SandboxEvents.common(WebhookTrigger(rawValue: status), submission)
        let time = JSONValue.string(Timestamp.text(now))
        var result: JSONObject = ["status": .string(status), "updated_at": time, "reviewer": .string(admin)]
        if status == "rejected" {
            result["comment"] = .string(body["rejectComment"]?.plainText ?? "")
        } else {
            result["kyc_result_at"] = time
        }
        event["kyc_result"] = .object(result)
        try await store.review(id: id, pid: call.project.pid, status: status,
                               event: call.project.webhookURL == nil ? nil : event, now: now)
        if call.project.webhookURL != nil { wakeDeliveries() }
        return ["submissionId": .string(id), "message": "Review completed", "finalStatus": .string(status)]
    }

    private func addTokens(_ call: RESTCall) async throws -> JSONValue {
        guard let list = call.body?["tokenId"]?.arrayValue else { throw VendorError.errorCode("tokenId must be an array") }
        let ids = list.compactMap(\.stringValue)
        guard ids.count == list.count, !ids.isEmpty else { throw VendorError.errorCode("tokenId must be an array of strings") }
        guard ids.count <= 500 else { throw VendorError.errorCode("at most 500 tokens a request") }
        try await store.addTokens(pid: call.project.pid, tokenIds: ids, now: clock())
        return ["success": true, "message": "Tokens saved",
                "summary": ["requested": .number(Double(ids.count)), "added": .number(Double(ids.count))]]
    }

    private func getTokens(_ call: RESTCall) async throws -> JSONValue {
        let tokens = try await store.tokens(pid: call.project.pid)
        if call.query["type"] == "count" { return ["success": true, "count": .number(Double(tokens.count))] }
        if let id = call.query["tokenId"] {
            guard let token = tokens.first(where: { $0.id == id }) else {
                throw VendorError(status: .notFound, body: ["errorCode": "TokenNotFound", "errorMessage": "no such token"])
            }
            return ["success": true, "tokenId": .string(id),
                    "data": ["tokenId": .string(id), "updateTime": .string(token.addedAt), "expired": .bool(token.expired)]]
        }
        return ["success": true,
                "data": .array(tokens.map { ["tokenId": .string($0.id), "updateTime": .string($0.addedAt)] })]
    }
}
