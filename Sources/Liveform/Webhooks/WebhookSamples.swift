/// Realistic webhook plaintexts, one per documented trigger, with the members the vendor's
/// reference lists for it. The people and data are invented (`example.com`, `DEMO` ids).
///
/// For tests, simulators and `liveform webhook send`: encrypt one with a
/// ``WebhookEncoder`` to get the body ARGOS would POST.
///
/// ```swift
/// let plaintext = WebhookSamples.plaintext(for: .approved)!
/// let body = try WebhookEncoder(key: key).encode(Array(plaintext.utf8))
/// ```
public enum WebhookSamples {
    /// The sample plaintext (compact JSON text) of `trigger`, or nil for a trigger the
    /// vendor does not document.
    public static func plaintext(for trigger: WebhookTrigger) -> String? {
        switch trigger {
        case .created: created
        case .retry: retry
        case .submit: submit
        case .approved: approved
        case .rejected: rejected
        case .updated: updated
        case .delete: delete
        case .tokenExpired: tokenExpired
        case .injection: injection
        case .aml: aml
        case .amlMonitor: amlMonitor
        default: nil
        }
    }

    /// The sample of `trigger` as a JSON object, or nil for an undocumented trigger.
    public static func event(for trigger: WebhookTrigger) -> JSONObject? {
        plaintext(for: trigger).flatMap { try? JSONValue(parsing: $0).objectValue }
    }

    /// `created`: a submission was created.
    public static let created = #"""
        {"webhook_trigger":"created","submission_id":"sub-DEMO-0001","kyc_result":{"status":"incomplete"},\#
        "cf":{"cf1":"plan-basic","cf2":"campaign-42","cf3":""},"userid":"user-DEMO-1001","tokenId":"tok-DEMO-7f3a",\#
        "ipAddress":"203.0.113.24"}
        """#

    /// `retry`: a step was retried during KYC processing.
    public static let retry = #"""
        {"webhook_trigger":"retry","submission_id":"sub-DEMO-0001","kyc_result":{"status":"incomplete"},\#
        "cf":{"cf1":"plan-basic","cf2":"campaign-42","cf3":""},"userid":"user-DEMO-1001","tokenId":"tok-DEMO-7f3a",\#
        "ipAddress":"203.0.113.24","retryCode":"FACE_NOT_MATCHED","attempts":2}
        """#

    /// `submit`: the submission moved to pending review.
    public static let submit = #"""
        {"webhook_trigger":"submit","created_at":"2026-11-21T08:59:12.481Z","submission_id":"sub-DEMO-0001",\#
        "duplicated_information":false,"email":"jane.sample@example.com",\#
        "cf":{"cf1":"plan-basic","cf2":"campaign-42","cf3":""},"userid":"user-DEMO-1001","tokenId":"tok-DEMO-7f3a",\#
        "ipAddress":"203.0.113.24"}
        """#

    /// `approved`: the submission was approved (with the older form's identity fields too).
    public static let approved = #"""
        {"webhook_trigger":"approved","submission_id":"sub-DEMO-0001","email":"jane.sample@example.com",\#
        "cf":{"cf1":"plan-basic","cf2":"campaign-42","cf3":""},"applicant_id":"app-DEMO-5521",\#
        "kyc_result":{"status":"approved","updated_at":"2026-11-21T09:00:00Z","created_at":"2026-11-21T08:59:12.481Z",\#
        "kyc_result_at":"2026-11-21T09:00:00Z","pending_at":"2026-11-21T08:59:30Z","reviewer":"system"},\#
        "age_group":"30s","gender":"female","date_of_birth":"1990-04-12","nationality":"KR",\#
        "duplicated_information":false,"full_name":"김데모","full_name_en":"Jane Sample","first_name":"Jane",\#
        "last_name":"Sample","phoneNumber":"+82-10-0000-0000","ssnNumber":"900412-2******",\#
        "additional_list":[{"answer":"Software engineer","inputValue":"Software engineer","blockType":"text"},\#
        {"answer":"Salary","inputValue":"","blockType":"select"}],\#
        "tokenId":"tok-DEMO-7f3a","userid":"user-DEMO-1001","ipAddress":"203.0.113.24","fullName":"김데모",\#
        "idType":"passport","issuingCountry":"KR","issueDate":"2020-01-15","expireDate":"2030-01-14",\#
        "identityNumber":"900412-2******","documentNumber":"M0000DEMO"}
        """#

    /// `rejected`: the submission was rejected (`comment` and `commentCode` are strings here).
    public static let rejected = #"""
        {"webhook_trigger":"rejected","kyc_result":{"status":"rejected","comment":"The ID document is expired.",\#
        "commentCode":"ID_EXPIRED","updated_at":"2026-11-21T09:05:41Z"},"submission_id":"sub-DEMO-0002",\#
        "duplicated_information":false,"applicant_id":"app-DEMO-5522","email":"john.sample@example.com",\#
        "cf":{"cf1":"plan-pro","cf2":"","cf3":""},"userid":"user-DEMO-1002","tokenId":"tok-DEMO-8b41",\#
        "ipAddress":"198.51.100.7"}
        """#

    /// `updated`: the submission's data changed (from the dashboard or a PATCH).
    public static let updated = #"""
        {"webhook_trigger":"updated","submission_id":"sub-DEMO-0001","duplicated_information":false,\#
        "email":"jane.sample@example.com","data":{"update":["full_name_en","kyc_result"],"kyc_result":"approved",\#
        "pending_at":"2026-11-21T08:59:30Z","reviewer":"reviewer@example.com"},"admin":"admin@example.com",\#
        "update_time":"2026-11-22T10:15:00.250Z","age_group":"30s","gender":"female","date_of_birth":"1990-04-12",\#
        "full_name":"김데모","full_name_en":"Jane Q. Sample","first_name":"Jane","last_name":"Sample",\#
        "nationality":"KR","userid":"user-DEMO-1001","tokenId":"tok-DEMO-7f3a"}
        """#

    /// `delete`: the submission was deleted.
    public static let delete = #"""
        {"webhook_trigger":"delete","submission_id":"sub-DEMO-0003","account_email":"admin@example.com",\#
        "delete_time":"2026-11-23-07-30-00-000","comment":"Deleted at the user's request."}
        """#

    /// `token_expired`: a Private Mode token id expired (here by count).
    public static let tokenExpired = #"""
        {"webhook_trigger":"token_expired","token_id":"ptok-DEMO-3c9e","expired_condition":"count",\#
        "expired_at":"2026-11-21T12:00:00Z","service":"idCheck"}
        """#

    /// `injection`: a Data Injection was performed.
    public static let injection = #"""
        {"webhook_trigger":"injection","submission_id":"sub-DEMO-0004","email":"alex.sample@example.com",\#
        "userid":"user-DEMO-1004","cf":{"cf1":"import","cf2":"batch-7","cf3":""},"tokenId":"tok-DEMO-9d02"}
        """#

    /// `aml`: an AML screening result arrived.
    public static let aml = #"""
        {"webhook_trigger":"aml","submission_id":"sub-DEMO-0001","email":"jane.sample@example.com",\#
        "userid":"user-DEMO-1001","cf":{"cf1":"plan-basic","cf2":"campaign-42","cf3":""},\#
        "aml_result":{"currentstatus":"No Hit","risk_level_summary":"Low"},"tokenId":"tok-DEMO-7f3a"}
        """#

    /// `aml_monitor`: an AML ongoing-monitoring result arrived. The records' member name is
    /// not in the vendor's reference; `monitoring_list` stands for it.
    public static let amlMonitor = #"""
        {"webhook_trigger":"aml_monitor","submission_id":"sub-DEMO-0001","email":"jane.sample@example.com",\#
        "userid":"user-DEMO-1001","tokenId":"tok-DEMO-7f3a","cf":{"cf1":"plan-basic","cf2":"campaign-42","cf3":""},\#
        "monitoring_list":[{"monitoring_id":"mon-DEMO-01","status":"No Hit","risk_level":"Low",\#
        "checked_at":"2026-11-24T00:00:00Z"},{"monitoring_id":"mon-DEMO-02","status":"Hit","risk_level":"Medium",\#
        "checked_at":"2026-11-25T00:00:00Z"}]}
        """#
}
