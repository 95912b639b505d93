import Foundation
import HTTPTypes
import Hummingbird
import Liveform
import NIOCore

/// The REST API (sandbox spec §3): submissions (get, list, review, update, delete, partial
/// delete, AML screening and report, images), the Private Mode token pool and the project
/// settings. Secure Data Transfer through the SDK's `APIBodyCodec`; errors in the vendor's
/// shapes, plain as its gateway sends them.
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
        /// The fields of a `multipart/form-data` body.
        let form: [String: String]?
    }

    /// The largest REST body (images travel as base64 text in a multipart body).
    static let maxRESTBodySize = 16 << 20

    func rest(_ request: Request) async throws -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        // Faults stand for the gateway in front of ARGOS: they answer before the key is read.
        if let fault = try await store.takeFault(method: method, path: path) {
            var response = Response(
                status: .init(code: fault.status), headers: [.contentType: "application/json"],
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
        let bytes = try await request.collectBody(upTo: Self.maxRESTBodySize)
        let contentType = request.headers[.contentType] ?? ""
        var body: JSONObject?
        var form: [String: String]?
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            // Never encrypted (rest-api §2).
            guard let fields = MultipartForm.fields(Array(bytes.readableBytesView), contentType: contentType) else {
                return Self.json(.badRequest, ["message": "the body is not multipart/form-data", "statusCode": 400])
            }
            form = fields
        } else if bytes.readableBytes > 0 {
            let plaintext: [UInt8]
            if project.secureDataTransfer {
                do {
                    plaintext = try APIBodyCodec(key: project.apiAESKey).decrypt(bytes.readableBytesView)
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
        let call = RESTCall(project: project, method: method, path: path, query: query, body: body, form: form)
        let answer: JSONValue
        do {
            switch try await route(call) {
            case .json(let value): answer = value
            case .binary(let bytes, let contentType):
                // Binary answers are never encrypted (rest-api §2).
                return Response(
                    status: .ok, headers: [.contentType: contentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        } catch let error as VendorError {
            return Self.json(error.status, error.body)
        }
        guard project.secureDataTransfer else { return Self.json(.ok, answer) }
        let encrypted = try APIBodyCodec(key: project.apiAESKey).encryptResponse(answer.jsonText.utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: encrypted)))
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

    /// A 2xx answer: JSON (sealed under Secure Data Transfer) or bytes.
    enum RESTAnswer {
        case json(JSONValue)
        case binary([UInt8], contentType: String)
    }

    private func route(_ call: RESTCall) async throws -> RESTAnswer {
        switch (call.method, call.path) {
        case ("GET", "/v3/submission"): .json(try await getSubmissions(call))
        case ("POST", "/v3/submission/review"): .json(try await review(call))
        case ("PATCH", "/v3/submission"): .json(try await updateSubmission(call))
        case ("DELETE", "/v3/submission"): .json(try await deleteSubmission(call))
        case ("DELETE", "/v3/submission/partial"): .json(try await partialDelete(call))
        case ("POST", "/v3/submission/aml"): .json(try await amlScreening(call))
        case ("POST", "/v3/submission/tokens"): .json(try await addTokens(call))
        case ("GET", "/v3/submission/tokens"): .json(try await getTokens(call))
        case ("DELETE", "/v3/submission/tokens"): .json(try await deleteTokens(call))
        case ("GET", "/v3/projects/settings"): .json(try settings(call))
        case ("GET", "/v3/image"): try await image(call)
        case ("PUT", "/v3/submission/image"): .json(try await replaceImages(call))
        case ("GET", "/v3/report/aml"):
            .binary(Array("%PDF-1.4\n% SANDBOX AML report\n%%EOF\n".utf8), contentType: "application/pdf")
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
        // Every sandbox submission is a KYC request (a completed Liveform or a control
        // submission): `request_type` other than `kyc` lists nothing.
        guard (call.query["request_type"] ?? "kyc") == "kyc" else { return ["Items": []] }
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
            let admin = body["admin"]?.stringValue
        else {
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
        try await store.review(
            id: id, pid: call.project.pid, status: status,
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
        return [
            "success": true, "message": "Tokens saved",
            "summary": ["requested": .number(Double(ids.count)), "added": .number(Double(ids.count))],
        ]
    }

    private func getTokens(_ call: RESTCall) async throws -> JSONValue {
        let tokens = try await store.tokens(pid: call.project.pid)
        if call.query["type"] == "count" { return ["success": true, "count": .number(Double(tokens.count))] }
        if let id = call.query["tokenId"] {
            guard let token = tokens.first(where: { $0.id == id }) else {
                throw VendorError(status: .notFound, body: ["errorCode": "TokenNotFound", "errorMessage": "no such token"])
            }
            return [
                "success": true, "tokenId": .string(id),
                "data": ["tokenId": .string(id), "updateTime": .string(token.addedAt), "expired": .bool(token.expired)],
            ]
        }
        // Pages in the order the tokens were added; the next page starts after `nextPageKeyId`.
        var rest = tokens[...]
        if let after = call.query["nextPageKeyId"] {
            rest = tokens.firstIndex { $0.id == after }.map { tokens[($0 + 1)...] } ?? []
        }
        let page = rest.prefix(Self.tokenPageSize)
        var answer: JSONObject = [
            "success": true,
            "data": .array(page.map { ["tokenId": .string($0.id), "updateTime": .string($0.addedAt)] }),
        ]
        if rest.count > page.count, let last = page.last {
            answer["nextPageKeyId"] = .string(last.id)
            answer["nextPageKeyTime"] = .string(last.addedAt)
        }
        return .object(answer)
    }

    /// Tokens a page of `GET /submission/tokens` (the vendor does not document its page size).
    static let tokenPageSize = 100

    // MARK: Update, delete, AML, images, settings

    private func existing(_ call: RESTCall, _ id: String?) async throws -> SandboxStore.Submission {
        guard let id, let submission = try await store.submission(id: id, pid: call.project.pid) else {
            throw VendorError.message("submission not found", .notFound)
        }
        return submission
    }

    private func requireAdmin(_ call: RESTCall, _ admin: String?) throws {
        guard let admin, call.project.admins.contains(admin) else {
            throw VendorError.errorCode("Access denied. The admin is not registered in the project.")
        }
    }

    private func updateSubmission(_ call: RESTCall) async throws -> JSONValue {
        let body = call.body ?? [:]
        try requireAdmin(call, body["admin"]?.stringValue)
        var submission = try await existing(call, body["submissionId"]?.stringValue)
        guard let changes = body["data"]?.objectValue, !changes.isEmpty else {
            throw VendorError.errorCode("data must be an object with at least one member")
        }
        var changed: [JSONValue] = []
        for (name, value) in changes {
            switch name {
            case "email": submission.email = value.stringValue
            case "userid": submission.userid = value.stringValue
            case "kyc_result", "status": if let status = value.stringValue { submission.status = status }
            default: submission.data[name] = value
            }
            changed.append(.string(name))
        }
        let now = clock()
        var event = SandboxEvents.common(.updated, submission)
        event["data"] = ["update": .array(changed), "kyc_result": .string(submission.status)]
        event["admin"] = body["admin"] ?? .null
        event["update_time"] = .string(Timestamp.text(now))
        try await store.update(submission, event: call.project.webhookURL == nil ? nil : event, now: now)
        if call.project.webhookURL != nil { wakeDeliveries() }
        return ["message": "Submission updated"]
    }

    private func deleteSubmission(_ call: RESTCall) async throws -> JSONValue {
        let admin = call.query["admin_name"]
        if admin != nil { try requireAdmin(call, admin) }
        let submission = try await existing(call, call.query["submission_id"])
        let now = clock()
        var event: JSONObject?
        if let admin, call.project.webhookURL != nil {
            event = [
                "webhook_trigger": "delete", "submission_id": .string(submission.id), "account_email": .string(admin),
                "delete_time": .string(Timestamp.text(now)), "comment": "Deleted in the sandbox",
            ]
        }
        try await store.delete(id: submission.id, pid: call.project.pid, event: event, now: now)
        if event != nil { wakeDeliveries() }
        return ["message": "Submission deleted", "content": ["submission_id": .string(submission.id)], "statusCode": 200]
    }

    /// The `fields` a partial delete accepts.
    static let partialDeleteFields: Set<String> = [
        "id_image", "selfie_image", "data", "OCR_raw", "ocr", "review", "applicant_id", "email", "userid",
        "additional_list", "duplicated_information", "custom_duplicated_information", "injection_action",
    ]

    private func partialDelete(_ call: RESTCall) async throws -> JSONValue {
        let fields = (call.query["fields"] ?? "").split(separator: ",").map(String.init)
        guard !fields.isEmpty else { throw VendorError.message("fields is required") }
        let unknown = fields.filter { !Self.partialDeleteFields.contains($0) }
        guard unknown.isEmpty else { throw VendorError.message("invalid fields found in fields: \(unknown.joined(separator: ","))") }
        let dataFields = call.query["data_fields"].map { $0.split(separator: ",").map(String.init) }
        if dataFields != nil, !fields.contains("data") { throw VendorError.message("data_fields requires data in fields") }
        var submission = try await existing(call, call.query["submission_id"])
        if fields.contains("email") { submission.email = nil }
        if fields.contains("userid") { submission.userid = nil }
        if fields.contains("data") {
            if let dataFields {
                submission.data = JSONObject(submission.data.filter { !dataFields.contains($0.key) }.map { ($0.key, $0.value) })
            } else {
                submission.data = [:]
            }
        }
        // No webhook: ARGOS sends none for a partial delete.
        try await store.update(submission, event: nil, now: clock())
        return ["message": "Partial delete completed"]
    }

    private func amlScreening(_ call: RESTCall) async throws -> JSONValue {
        let submission = try await existing(call, call.body?["submissionId"]?.stringValue)
        let result: JSONObject = ["currentstatus": "No Hit", "risk_level_summary": "Low"]
        if call.project.webhookURL != nil {
            var event = SandboxEvents.common(.aml, submission)
            event["aml_result"] = .object(result)
            try await store.queue(pid: call.project.pid, submissionId: submission.id, event: event, now: clock())
            wakeDeliveries()
        }
        return [
            "message": "AML screening completed", "result": .object(result),
            "raw_data": [["resourceId": .string("aml-\(submission.id)")]],
        ]
    }

    private func deleteTokens(_ call: RESTCall) async throws -> JSONValue {
        guard let list = call.body?["tokenId"]?.arrayValue, !list.isEmpty else { throw VendorError.errorCode("tokenId must be an array") }
        let ids = list.compactMap(\.stringValue)
        guard ids.count == list.count else { throw VendorError.errorCode("tokenId must be an array of strings") }
        guard ids.count <= 100 else { throw VendorError.errorCode("at most 100 tokens a request") }
        let deleted = try await store.deleteTokens(pid: call.project.pid, tokenIds: ids)
        return [
            "success": .bool(deleted == ids.count), "message": "Tokens deleted",
            "summary": [
                "requested": .number(Double(ids.count)), "deleted": .number(Double(deleted)),
                "notFound": .number(Double(ids.count - deleted)),
            ],
        ]
    }

    private func settings(_ call: RESTCall) throws -> JSONValue {
        guard call.query["category"] == "management" else { throw VendorError.errorCode("category must be management") }
        let project = call.project
        return [
            "traceId": .string(UUID().uuidString.lowercased()),
            "item": [
                "management": [
                    "privateMode": .bool(project.privateMode), "secureDataTransfer": .bool(project.secureDataTransfer),
                    "liveformEncryption": .string(project.liveformEncryption.rawValue), "encryptionOnly": .bool(project.encryptionOnly),
                ]
            ],
        ]
    }

    /// The image types `GET /image` knows.
    static let imageTypes: Set<String> = ["idImage", "idBackImage", "selfieImage", "addressImage"]

    /// A valid 1×1 PNG: the image of every type until one is stored by the image PUT.
    static let placeholderPNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    private func image(_ call: RESTCall) async throws -> RESTAnswer {
        guard let type = call.query["type"], Self.imageTypes.contains(type) else {
            throw VendorError.errorCode("type must be idImage, idBackImage, selfieImage or addressImage")
        }
        let submission = try await existing(call, call.query["submission_id"])
        if let stored = try await store.image(pid: call.project.pid, submissionId: submission.id, type: type) {
            return .binary(stored, contentType: Self.imageContentType(stored))
        }
        return .binary(Self.placeholderPNG, contentType: "image/png")
    }

    private func replaceImages(_ call: RESTCall) async throws -> JSONValue {
        guard let form = call.form else { throw VendorError.errorCode("the body must be multipart/form-data") }
        try requireAdmin(call, form["admin"])
        let submission = try await existing(call, form["submissionId"])
        var images: [(String, [UInt8])] = []
        for type in ["idImage", "idBackImage", "selfieImage", "addressImage"] {
            guard let text = form[type] else { continue }
            guard let bytes = try? Base64.decode(text), !bytes.isEmpty else { throw VendorError.errorCode("\(type) is not base64") }
            images.append((type, bytes))
        }
        guard !images.isEmpty else { throw VendorError.errorCode("at least one image is required") }
        if images.contains(where: { $0.0 == "idImage" || $0.0 == "idBackImage" }), (form["idType"] ?? "").isEmpty {
            throw VendorError.errorCode("idType is required with idImage or idBackImage")
        }
        try await store.replaceImages(pid: call.project.pid, submissionId: submission.id, images: images)
        return ["message": .string("Images updated: " + images.map(\.0).joined(separator: ","))]
    }

    static func imageContentType(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return "application/octet-stream"
    }
}

/// The text fields of a `multipart/form-data` body (what the image PUT sends: every field is
/// text, images as base64).
enum MultipartForm {
    /// Nil when the content type has no boundary or the body does not follow it.
    static func fields(_ body: [UInt8], contentType: String) -> [String: String]? {
        guard let range = contentType.range(of: "boundary=") else { return nil }
        var boundary = String(contentType[range.upperBound...].prefix { $0 != ";" })
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard !boundary.isEmpty, let text = String(validating: body, as: UTF8.self) else { return nil }
        var fields: [String: String] = [:]
        let parts = text.components(separatedBy: "--" + boundary)
        guard parts.count >= 2, parts.last?.hasPrefix("--") == true else { return nil }
        for part in parts.dropFirst().dropLast() {
            guard let split = part.range(of: "\r\n\r\n") else { return nil }
            let headers = part[..<split.lowerBound]
            var value = String(part[split.upperBound...])
            if value.hasSuffix("\r\n") { value.removeLast() }  // "\r\n" is one Character
            guard let nameRange = headers.range(of: "name=\"") else { return nil }
            let name = headers[nameRange.upperBound...].prefix { $0 != "\"" }
            if fields[String(name)] == nil { fields[String(name)] = value }
        }
        return fields
    }
}
