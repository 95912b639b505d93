public import Liveform
import NIOHTTP1

/// Which image of a submission.
public enum SubmissionImage: String, Sendable, Hashable, CaseIterable {
    /// The front of the ID document.
    case idImage
    /// The back of the ID document.
    case idBackImage
    /// The selfie.
    case selfieImage
    /// The proof of address.
    case addressImage
}

/// New images for a submission (`PUT /submission/image`).
public struct ImageReplacement: Sendable, Hashable {
    /// The submission.
    public var submissionId: String
    /// Who replaces the images.
    public var admin: String
    /// `idType`, the kind of ID document; required when ``SubmissionImage/idImage`` or
    /// ``SubmissionImage/idBackImage`` is sent.
    public var idType: String?
    /// The image files' bytes (JPEG, PNG…); the client sends each as base64 text.
    public var images: [SubmissionImage: [UInt8]]

    /// Creates a replacement; `images` must not be empty.
    public init(submissionId: String, admin: String, idType: String? = nil, images: [SubmissionImage: [UInt8]]) {
        self.submissionId = submissionId
        self.admin = admin
        self.idType = idType
        self.images = images
    }

    /// The multipart body: the text fields, then the images in ``SubmissionImage`` order.
    func multipartBody(boundary: String) throws(ArgosError) -> [UInt8] {
        try Validate.nonEmpty(submissionId, "the submission id")
        try Validate.nonEmpty(admin, "admin")
        guard images.values.contains(where: { !$0.isEmpty }) else { throw .invalidParameter("give at least one image") }
        if images[.idImage] != nil || images[.idBackImage] != nil {
            guard let idType, !idType.isEmpty else { throw .invalidParameter("idType is required with idImage or idBackImage") }
        }
        var fields: [(String, String)] = [("submissionId", submissionId), ("admin", admin)]
        if let idType { fields.append(("idType", idType)) }
        for kind in SubmissionImage.allCases {
            guard let bytes = images[kind] else { continue }
            guard !bytes.isEmpty else { throw .invalidParameter("the image \(kind.rawValue) is empty") }
            fields.append((kind.rawValue, Base64.encode(bytes)))
        }
        var body: [UInt8] = []
        for (name, value) in fields {
            guard !name.contains("\""), !value.contains("\r"), !value.contains("\n") else {
                throw .invalidParameter("the field \(name) has a line break")
            }
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n".utf8)
            body += Array(value.utf8)
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return body
    }
}

/// The answer of an AML screening, `{"message","result","raw_data"}`.
public struct AMLScreening: Sendable, Hashable {
    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `message`.
    public var message: String? { json["message"]?.stringValue }
    /// `result`.
    public var result: JSONValue? { json["result"] }
    /// `raw_data`.
    public var rawData: JSONValue? { json["raw_data"] }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

extension ArgosClient {
    /// A submission's image (`GET /image`): its bytes and content type. Never encrypted.
    ///
    /// - Throws: ``ArgosError``.
    public func image(submissionId: String, _ image: SubmissionImage) async throws(ArgosError) -> ArgosBinary {
        try Validate.nonEmpty(submissionId, "the submission id")
        let response = try await send(
            APIRequest(
                method: .GET, path: "/image",
                query: [("submission_id", submissionId), ("type", image.rawValue)], idempotent: true))
        return ArgosBinary(bytes: response.body, contentType: response.contentType)
    }

    /// Replaces a submission's images (`PUT /submission/image`, `multipart/form-data`, never
    /// encrypted). Retried like the GETs: sending the same images again changes nothing.
    ///
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for no image, or an ID image without
    ///   `idType`; the other kinds.
    public func replaceImages(_ replacement: ImageReplacement) async throws(ArgosError) -> ArgosMessage {
        let boundary = "liveform-" + Hex.encode((0..<12).map { _ in UInt8.random(in: 0...255) })
        let body = try replacement.multipartBody(boundary: boundary)
        return ArgosMessage(
            json: try await sendObject(
                APIRequest(
                    method: .PUT, path: "/submission/image",
                    body: .multipart(bytes: body, boundary: boundary), idempotent: true)))
    }

    /// Runs an AML screening on a submission (`POST /submission/aml`). Not retried after a 5xx
    /// or a lost connection.
    ///
    /// - Parameters:
    ///   - submissionId: the submission.
    ///   - threshold: `amlThreshold`, the match score from which a hit counts (0–100); the
    ///     project's setting when nil.
    /// - Throws: ``ArgosError``.
    public func runAMLScreening(submissionId: String, threshold: Int? = nil) async throws(ArgosError) -> AMLScreening {
        try Validate.nonEmpty(submissionId, "the submission id")
        var body: JSONObject = ["submissionId": .string(submissionId)]
        if let threshold {
            guard (0...100).contains(threshold) else { throw .invalidParameter("the AML threshold is 0–100") }
            body["amlThreshold"] = .number(Double(threshold))
        }
        return AMLScreening(
            json: try await sendObject(
                APIRequest(
                    method: .POST, path: "/submission/aml", body: .json(.object(body)),
                    idempotent: false)))
    }

    /// An AML report as a PDF (`GET /report/aml?resourceId=…`). Never encrypted.
    ///
    /// - Throws: ``ArgosError``.
    public func amlReport(resourceId: String) async throws(ArgosError) -> ArgosBinary {
        try Validate.nonEmpty(resourceId, "the resource id")
        let response = try await send(APIRequest(method: .GET, path: "/report/aml", query: [("resourceId", resourceId)], idempotent: true))
        return ArgosBinary(bytes: response.body, contentType: response.contentType)
    }
}
