public import Liveform
import NIOHTTP1

/// One submission (one applicant's KYC record), as the vendor sent it.
///
/// The vendor's item has many members and may gain more without notice: all of them are in
/// ``json``; the properties below read the common ones and are nil when absent.
public struct Submission: Sendable, Hashable {
    /// The whole submission object, every member in the order received.
    public let json: JSONObject
    /// `submission_id`.
    public var id: String? { json["submission_id"]?.stringValue }
    /// `email`.
    public var email: String? { json["email"]?.stringValue }
    /// `userid`.
    public var userid: String? { json["userid"]?.stringValue }
    /// `created_at`.
    public var createdAt: String? { json["created_at"]?.plainText }
    /// `kyc.result` (`pending`, `approved`, `rejected`…).
    public var kycStatus: String? { json["kyc"]?["result"]?.stringValue }
    /// Any member by name.
    public subscript(member: String) -> JSONValue? { json[member] }

    /// Wraps a submission object.
    public init(json: JSONObject) { self.json = json }
}

/// What to list: every filter is optional and they combine.
public struct SubmissionQuery: Sendable, Hashable {
    /// The kind of request a submission was, for ``SubmissionQuery/requestType``.
    public struct RequestType: Sendable, Hashable, CustomStringConvertible {
        /// The vendor's name: `kyc`, `aml`, `data` or `others`.
        public let rawValue: String
        /// KYC submissions.
        public static let kyc = RequestType(rawValue: "kyc")
        /// AML screenings.
        public static let aml = RequestType(rawValue: "aml")
        /// Data-only submissions.
        public static let data = RequestType(rawValue: "data")
        /// Everything else.
        public static let others = RequestType(rawValue: "others")
        /// The four types.
        public static let all: [RequestType] = [.kyc, .aml, .data, .others]

        /// The type named `name`, or nil for a name the vendor does not list.
        public init?(name: String) {
            guard let known = RequestType.all.first(where: { $0.rawValue == name }) else { return nil }
            self = known
        }

        private init(rawValue: String) { self.rawValue = rawValue }
        /// The vendor's name.
        public var description: String { rawValue }
    }

    /// The vendor's page size when none is given.
    public static let defaultPageSize = 50

    /// `userid`: only this user's submissions.
    public var userid: String?
    /// `email`: only submissions with this email.
    public var email: String?
    /// `start_date`, `YYYY-MM-DD`.
    public var startDate: String?
    /// `end_date`, `YYYY-MM-DD`.
    public var endDate: String?
    /// `request_type`.
    public var requestType: RequestType?
    /// `count`: submissions a page, at least 1 (the vendor's default is 50).
    public var pageSize: Int?

    /// Creates a query; with no argument it lists every submission of the project.
    public init(
        userid: String? = nil, email: String? = nil, startDate: String? = nil, endDate: String? = nil,
        requestType: RequestType? = nil, pageSize: Int? = nil
    ) {
        self.userid = userid
        self.email = email
        self.startDate = startDate
        self.endDate = endDate
        self.requestType = requestType
        self.pageSize = pageSize
    }

    func queryItems() throws(ArgosError) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let userid {
            try Validate.nonEmpty(userid, "userid")
            items.append(("userid", userid))
        }
        if let email {
            try Validate.nonEmpty(email, "email")
            items.append(("email", email))
        }
        if let startDate {
            try Validate.date(startDate, "the start date")
            items.append(("start_date", startDate))
        }
        if let endDate {
            try Validate.date(endDate, "the end date")
            items.append(("end_date", endDate))
        }
        if let startDate, let endDate, startDate > endDate {
            throw .invalidParameter("the start date is after the end date")
        }
        if let requestType { items.append(("request_type", requestType.rawValue)) }
        if let pageSize {
            guard pageSize >= 1 else { throw .invalidParameter("the page size must be at least 1") }
            items.append(("count", String(pageSize)))
        }
        return items
    }
}

/// One page of ``ArgosClient/submissionPage(_:after:)``.
public struct SubmissionPage: Sendable, Hashable {
    /// Where the next page starts: the vendor's `nextpageKey`.
    public struct NextPage: Sendable, Hashable {
        /// `nextpageKey.id`, sent back as `nextpage_id`.
        public let id: String
        /// `nextpageKey.created_at`, sent back as `nextpage_date`.
        public let createdAt: String

        /// A page key (as the vendor gave it).
        public init(id: String, createdAt: String) {
            self.id = id
            self.createdAt = createdAt
        }
    }

    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// The page's submissions (`Items`).
    public var submissions: [Submission] {
        (json["Items"]?.arrayValue ?? []).compactMap { $0.objectValue.map(Submission.init(json:)) }
    }
    /// The key of the next page; nil on the last page.
    public var nextPage: NextPage? {
        guard let key = json["nextpageKey"]?.objectValue, let id = key["id"], let date = key["created_at"],
            !id.isNull, !date.isNull
        else { return nil }
        return NextPage(id: id.plainText, createdAt: date.plainText)
    }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

/// A review decision (`POST /submission/review`).
public struct SubmissionReview: Sendable, Hashable {
    /// Approve, or reject with a comment for the applicant.
    public enum Decision: Sendable, Hashable {
        /// `status: approved`.
        case approve
        /// `status: rejected`, with `rejectComment` (required, not empty).
        case reject(comment: String)
    }

    /// The submission reviewed.
    public var submissionId: String
    /// The decision.
    public var decision: Decision
    /// `admin`: the reviewer's email, as the dashboard shows it.
    public var admin: String
    /// `updateFields`: fields to change with the review; when given, at least one member.
    public var updateFields: JSONObject?

    /// Creates a review.
    public init(submissionId: String, decision: Decision, admin: String, updateFields: JSONObject? = nil) {
        self.submissionId = submissionId
        self.decision = decision
        self.admin = admin
        self.updateFields = updateFields
    }

    func body() throws(ArgosError) -> JSONValue {
        try Validate.nonEmpty(submissionId, "the submission id")
        try Validate.nonEmpty(admin, "admin")
        var object: JSONObject = ["submissionId": .string(submissionId)]
        switch decision {
        case .approve:
            object["status"] = "approved"
            object["admin"] = .string(admin)
        case .reject(let comment):
            guard !comment.isEmpty else { throw .invalidParameter("a rejection needs a comment (rejectComment)") }
            object["status"] = "rejected"
            object["admin"] = .string(admin)
            object["rejectComment"] = .string(comment)
        }
        if let updateFields {
            guard !updateFields.isEmpty else { throw .invalidParameter("updateFields, when given, must have at least one member") }
            object["updateFields"] = .object(updateFields)
        }
        return .object(object)
    }
}

/// The answer of a review, `{"submissionId","message","finalStatus"}`.
public struct ReviewResult: Sendable, Hashable {
    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `submissionId`.
    public var submissionId: String? { json["submissionId"]?.stringValue }
    /// `message`.
    public var message: String? { json["message"]?.stringValue }
    /// `finalStatus`.
    public var finalStatus: String? { json["finalStatus"]?.stringValue }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

/// The answer of a deletion, `{"message","content","statusCode"}`.
public struct SubmissionDeletion: Sendable, Hashable {
    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `message`.
    public var message: String? { json["message"]?.stringValue }
    /// `content`.
    public var content: JSONValue? { json["content"] }
    /// `statusCode`.
    public var statusCode: Int? { json["statusCode"]?.intValue }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

/// A part of a submission that a partial deletion removes (`fields`).
public struct SubmissionField: Sendable, Hashable, CustomStringConvertible {
    /// The vendor's name.
    public let rawValue: String

    /// `id_image`.
    public static let idImage = SubmissionField("id_image")
    /// `selfie_image`.
    public static let selfieImage = SubmissionField("selfie_image")
    /// `data`; only this field allows `data_fields`.
    public static let data = SubmissionField("data")
    /// `OCR_raw`.
    public static let ocrRaw = SubmissionField("OCR_raw")
    /// `ocr`.
    public static let ocr = SubmissionField("ocr")
    /// `review`.
    public static let review = SubmissionField("review")
    /// `applicant_id`.
    public static let applicantId = SubmissionField("applicant_id")
    /// `email`.
    public static let email = SubmissionField("email")
    /// `userid`.
    public static let userid = SubmissionField("userid")
    /// `additional_list`.
    public static let additionalList = SubmissionField("additional_list")
    /// `duplicated_information`.
    public static let duplicatedInformation = SubmissionField("duplicated_information")
    /// `custom_duplicated_information`.
    public static let customDuplicatedInformation = SubmissionField("custom_duplicated_information")
    /// `injection_action`.
    public static let injectionAction = SubmissionField("injection_action")

    /// Every field the vendor lists.
    public static let all: [SubmissionField] = [
        .idImage, .selfieImage, .data, .ocrRaw, .ocr, .review, .applicantId, .email, .userid, .additionalList,
        .duplicatedInformation, .customDuplicatedInformation, .injectionAction,
    ]

    /// The field the vendor calls `name`, or nil.
    public init?(name: String) {
        guard let known = SubmissionField.all.first(where: { $0.rawValue == name }) else { return nil }
        self = known
    }

    private init(_ rawValue: String) { self.rawValue = rawValue }
    /// The vendor's name.
    public var description: String { rawValue }
}

extension ArgosClient {
    /// One submission (`GET /submission?submission_id=…`).
    ///
    /// - Throws: ``ArgosError/Kind/notFound`` when there is no such submission (an empty
    ///   `Items`, or HTTP 404), and the other ``ArgosError`` kinds.
    public func submission(id: String) async throws(ArgosError) -> Submission {
        try Validate.nonEmpty(id, "the submission id")
        let request = APIRequest(method: .GET, path: "/submission", query: [("submission_id", id)], idempotent: true)
        let page = SubmissionPage(json: try await sendObject(request))
        guard let first = page.submissions.first else {
            throw ArgosError(.notFound, "\(request.call): no submission with that id (empty Items)")
        }
        return first
    }

    /// One page of submissions (`GET /submission?…`): the first, or the one `after` points to.
    ///
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for a date that is not `YYYY-MM-DD`, an
    ///   empty filter or a page size under 1; the other ``ArgosError`` kinds.
    public func submissionPage(
        _ query: SubmissionQuery = SubmissionQuery(),
        after: SubmissionPage.NextPage? = nil
    ) async throws(ArgosError) -> SubmissionPage {
        var items = try query.queryItems()
        if let after {
            items.append(("nextpage_id", after.id))
            items.append(("nextpage_date", after.createdAt))
        }
        return SubmissionPage(json: try await sendObject(APIRequest(method: .GET, path: "/submission", query: items, idempotent: true)))
    }

    /// Reviews a submission: approves it, or rejects it with a comment (`POST /submission/review`).
    /// Not retried after a 5xx or a lost connection (the review may have been applied).
    ///
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for a rejection without a comment, an
    ///   empty id or admin, or an empty `updateFields`; the other ``ArgosError`` kinds.
    public func review(_ review: SubmissionReview) async throws(ArgosError) -> ReviewResult {
        let body = try review.body()
        return ReviewResult(
            json: try await sendObject(
                APIRequest(
                    method: .POST, path: "/submission/review", body: .json(body),
                    idempotent: false)))
    }

    /// Changes a submission's data (`PATCH /submission`). Not retried after a 5xx or a lost connection.
    ///
    /// - Parameters:
    ///   - id: the submission.
    ///   - admin: who changes it.
    ///   - data: the members to set; at least one.
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for empty `data`, id or admin; the other kinds.
    public func updateSubmission(id: String, admin: String, data: JSONObject) async throws(ArgosError) -> ArgosMessage {
        try Validate.nonEmpty(id, "the submission id")
        try Validate.nonEmpty(admin, "admin")
        guard !data.isEmpty else { throw .invalidParameter("data must have at least one member") }
        let body: JSONValue = ["submissionId": .string(id), "admin": .string(admin), "data": .object(data)]
        return ArgosMessage(
            json: try await sendObject(
                APIRequest(
                    method: .PATCH, path: "/submission", body: .json(body),
                    idempotent: false)))
    }

    /// Deletes a submission (`DELETE /submission`).
    ///
    /// - Parameters:
    ///   - id: the submission.
    ///   - adminName: who deletes it; without it the vendor sends no `delete` webhook.
    /// - Throws: ``ArgosError``.
    public func deleteSubmission(id: String, adminName: String? = nil) async throws(ArgosError) -> SubmissionDeletion {
        try Validate.nonEmpty(id, "the submission id")
        var query: [(name: String, value: String)] = [("submission_id", id)]
        if let adminName {
            try Validate.nonEmpty(adminName, "the admin name")
            query.append(("admin_name", adminName))
        }
        return SubmissionDeletion(
            json: try await sendObject(
                APIRequest(
                    method: .DELETE, path: "/submission", query: query,
                    idempotent: true)))
    }

    /// Deletes parts of a submission (`DELETE /submission/partial`).
    ///
    /// - Parameters:
    ///   - id: the submission.
    ///   - fields: the parts to delete; at least one.
    ///   - dataFields: members of `data` to delete; only with ``SubmissionField/data`` in `fields`.
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for no fields, or `dataFields` without
    ///   `data`; the other kinds.
    public func deleteSubmissionFields(
        id: String, fields: [SubmissionField],
        dataFields: [String] = []
    ) async throws(ArgosError) -> ArgosMessage {
        try Validate.nonEmpty(id, "the submission id")
        guard !fields.isEmpty else { throw .invalidParameter("give at least one field to delete") }
        if !dataFields.isEmpty, !fields.contains(.data) {
            throw .invalidParameter("data fields can only be deleted together with the field data")
        }
        for field in dataFields {
            guard !field.isEmpty, !field.contains(",") else { throw .invalidParameter("a data field name is empty or has a comma") }
        }
        var query: [(name: String, value: String)] = [("submission_id", id), ("fields", fields.map(\.rawValue).joined(separator: ","))]
        if !dataFields.isEmpty { query.append(("data_fields", dataFields.joined(separator: ","))) }
        return ArgosMessage(
            json: try await sendObject(
                APIRequest(
                    method: .DELETE, path: "/submission/partial", query: query,
                    idempotent: true)))
    }
}
