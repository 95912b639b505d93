import Foundation
import Hummingbird
import Liveform

/// The control API (sandbox spec §6): what a script or CI job does instead of a browser.
extension Sandbox {
    /// `POST /_sandbox/submissions` `{"pid","decision","params":{…},"data":{…}?}`.
    func controlSubmission(_ request: Request) async throws -> Response {
        let body = try await Self.jsonObject(request)
        let project = try project(body)
        guard let decision = body["decision"]?.stringValue, ["approved", "rejected", "pending"].contains(decision) else {
            throw Refusal(.badRequest, #"decision must be "approved", "rejected" or "pending""#)
        }
        let parameters = try optionalObject(body, "params")
        let data = try optionalObject(body, "data")
        let (submission, returnURL) = try await createSubmission(project: project, parameters: parameters, decision: decision, data: data)
        var answer: JSONObject = ["submissionId": .string(submission.id)]
        if let returnURL { answer["returnURL"] = .string(returnURL) }
        return Self.json(.ok, .object(answer))
    }

    /// `POST /_sandbox/events` `{"pid","trigger","submissionId"?,"fields":{…}?}`: one webhook
    /// of any trigger, the submission's common members first when it exists.
    func controlEvent(_ request: Request) async throws -> Response {
        let body = try await Self.jsonObject(request)
        let project = try project(body)
        guard let trigger = body["trigger"]?.stringValue, !trigger.isEmpty else {
            throw Refusal(.badRequest, "trigger must be a non-empty string")
        }
        let submissionId = try optionalString(body, "submissionId")
        let fields = try optionalObject(body, "fields")
        guard project.webhookURL != nil else { throw Refusal(.conflict, "project '\(project.pid)' has no webhookURL") }
        var event: JSONObject
        if let submissionId, let submission = try await store.submission(id: submissionId, pid: project.pid) {
            event = SandboxEvents.common(WebhookTrigger(rawValue: trigger), submission)
        } else {
            event = ["webhook_trigger": .string(trigger)]
            if let submissionId { event["submission_id"] = .string(submissionId) }
        }
        for (name, value) in fields where name != "webhook_trigger" { event[name] = value }
        let id = try await store.queue(pid: project.pid, submissionId: submissionId, event: event, now: clock())
        wakeDeliveries()
        return Self.json(.ok, ["deliveryId": .string(String(id))])
    }

    /// `POST /_sandbox/faults` `{"method"?,"path","status","times","body"?,"retryAfter"?}`.
    func controlFault(_ request: Request) async throws -> Response {
        let body = try await Self.jsonObject(request)
        guard let path = body["path"]?.stringValue, path.hasPrefix("/") else {
            throw Refusal(.badRequest, "path must be a string starting with /, e.g. /v3/submission")
        }
        guard let status = body["status"]?.intValue, (200...599).contains(status) else {
            throw Refusal(.badRequest, "status must be an HTTP status from 200 to 599 (a 1xx is not a final answer)")
        }
        guard let times = body["times"]?.intValue, times >= 1 else { throw Refusal(.badRequest, "times must be a whole number ≥ 1") }
        let method = try optionalString(body, "method")?.uppercased()
        var faultBody: String?
        if let value = body["body"], !value.isNull {
            // A string is sent as it is; any other JSON as its text.
            faultBody = value.stringValue ?? value.jsonText
        }
        var retryAfter: Double?
        if let value = body["retryAfter"], !value.isNull {
            guard let seconds = value.doubleValue, seconds >= 0 else { throw Refusal(.badRequest, "retryAfter must be seconds ≥ 0") }
            retryAfter = seconds
        }
        let id = try await store.addFault(
            .init(
                method: method, path: path, status: status, times: times, body: faultBody,
                retryAfter: retryAfter))
        return Self.json(.ok, ["faultId": .string(String(id))])
    }

    /// `POST /_sandbox/deliveries/ID/resend`.
    func resend(id text: String) async throws -> Response {
        guard let id = Int64(text) else { throw Refusal(.notFound, "no delivery '\(text)'") }
        switch try await store.resend(deliveryId: id, now: clock()) {
        case .queued:
            wakeDeliveries()
            return Self.json(.ok, ["id": .string(text), "status": "pending"])
        case .notFound:
            throw Refusal(.notFound, "no delivery '\(text)'")
        case .notFailed(let status):
            throw Refusal(.conflict, "delivery \(text) is \(status); only a failed one is sent again")
        }
    }

    private func project(_ body: JSONObject) throws -> SandboxProject {
        guard let pid = body["pid"]?.stringValue else { throw Refusal(.badRequest, "pid must be a string") }
        guard let project = configuration.project(pid: pid) else { throw Refusal(.notFound, "no project '\(pid)'") }
        return project
    }

    private func optionalObject(_ body: JSONObject, _ name: String) throws -> JSONObject {
        guard let value = body[name], !value.isNull else { return [:] }
        guard let object = value.objectValue else { throw Refusal(.badRequest, "\(name) must be a JSON object") }
        return object
    }

    private func optionalString(_ body: JSONObject, _ name: String) throws -> String? {
        guard let value = body[name], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw Refusal(.badRequest, "\(name) must be a string") }
        return text
    }
}
