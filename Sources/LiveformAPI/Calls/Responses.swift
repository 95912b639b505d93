public import Liveform
import NIOHTTP1

/// An answer that is just a message, such as `{"message":"…"}` (update, partial delete,
/// image replacement).
public struct ArgosMessage: Sendable, Hashable {
    /// The whole answer as the vendor sent it, every member in order.
    public let json: JSONObject
    /// `message`, when present.
    public var message: String? { json["message"]?.stringValue }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

/// Bytes the vendor sent as they are (an image, a PDF report), with their content type.
public struct ArgosBinary: Sendable, Hashable {
    /// The bytes of the body.
    public let bytes: [UInt8]
    /// The `Content-Type` header of the answer, when it had one (`image/jpeg`, `application/pdf`…).
    public let contentType: String?

    /// Wraps bytes and their type.
    public init(bytes: [UInt8], contentType: String?) {
        self.bytes = bytes
        self.contentType = contentType
    }
}

/// The answer of the project settings call, `{"traceId","item":{"management":{…}}}`.
public struct ProjectSettings: Sendable, Hashable {
    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `traceId`, when present.
    public var traceId: String? { json["traceId"]?.stringValue }
    /// `item.management`, when present.
    public var management: JSONObject? { json["item"]?["management"]?.objectValue }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

extension ArgosClient {
    /// The project's management settings (`GET /projects/settings?category=management`).
    ///
    /// - Throws: ``ArgosError``.
    public func projectSettings() async throws(ArgosError) -> ProjectSettings {
        ProjectSettings(
            json: try await sendObject(
                APIRequest(
                    method: .GET, path: "/projects/settings",
                    query: [("category", "management")], idempotent: true)))
    }
}
