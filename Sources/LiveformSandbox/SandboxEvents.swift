import Foundation
import Liveform

/// The webhook payloads the sandbox sends, with the members the vendor documents for each
/// trigger (only what the submission has: ARGOS leaves out what was not entered).
enum SandboxEvents {
    /// The address ARGOS reports for the applicant's browser in the sandbox.
    static let ipAddress = "127.0.0.1"

    /// `created`, then `submit` (pending), `approved` or `rejected`, as one completion fires them.
    static func completion(_ submission: SandboxStore.Submission) -> [JSONObject] {
        var created = common(.created, submission)
        created["kyc_result"] = .object(["status": "incomplete"])
        created["ipAddress"] = .string(ipAddress)
        let time = JSONValue.string(Timestamp.text(submission.createdAt))
        var final = common(WebhookTrigger(rawValue: submission.status == "pending" ? "submit" : submission.status), submission)
        switch submission.status {
        case "pending":
            final["created_at"] = time
            final["ipAddress"] = .string(ipAddress)
        case "approved":
            final["kyc_result"] = .object([
                "status": "approved", "created_at": time, "updated_at": time, "kyc_result_at": time,
                "reviewer": "sandbox",
            ])
            if let name = submission.data["fullName"] { final["full_name"] = name }
            if let birth = submission.data["birthDate"] { final["date_of_birth"] = birth }
            if let nationality = submission.data["nationality"] { final["nationality"] = nationality }
        default:
            final["kyc_result"] = .object([
                "status": .string(submission.status), "comment": "Rejected in the sandbox",
                "commentCode": "SANDBOX", "updated_at": time,
            ])
        }
        return [created, final]
    }

    /// The members every submission event carries, in the vendor's order.
    static func common(_ trigger: WebhookTrigger, _ submission: SandboxStore.Submission) -> JSONObject {
        var event: JSONObject = ["webhook_trigger": .string(trigger.rawValue), "submission_id": .string(submission.id)]
        if let email = submission.email { event["email"] = .string(email) }
        if let userid = submission.userid { event["userid"] = .string(userid) }
        var cf = JSONObject()
        for (name, value) in [("cf1", submission.cf1), ("cf2", submission.cf2), ("cf3", submission.cf3)] {
            if let value { cf[name] = .string(value) }
        }
        if !cf.isEmpty { event["cf"] = .object(cf) }
        if let tokenId = submission.tokenId { event["tokenId"] = .string(tokenId) }
        return event
    }

    /// `token_expired` for a token whose time ran out at `expiredAt`.
    static func tokenExpired(tokenId: String, expiredAt: Date) -> JSONObject {
        [
            "webhook_trigger": "token_expired", "token_id": .string(tokenId), "expired_condition": "time",
            "expected_expired_at": .string(Timestamp.text(expiredAt)), "service": "idCheck",
        ]
    }
}
