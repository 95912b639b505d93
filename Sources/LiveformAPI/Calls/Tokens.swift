public import Liveform
import NIOHTTP1

/// The answer of adding or deleting Private Mode tokens, `{"success","message","summary":{…}}`,
/// over all the requests the list took (500 ids a request to add, 100 to delete).
///
/// With one request, ``json`` is its answer as sent. With several, it is the first answer
/// with `success` true only when every request succeeded, and each numeric member of
/// `summary` summed over the requests (other members as the first answer that had them).
/// Each request's own answer is in ``batches``.
public struct TokenBatchResult: Sendable, Hashable {
    /// The combined answer (see above).
    public let json: JSONObject
    /// Each request's answer, in order.
    public let batches: [JSONObject]
    /// Whether every request reported `success: true`.
    public var success: Bool { json["success"]?.boolValue ?? false }
    /// The first answer's `message`.
    public var message: String? { json["message"]?.stringValue }
    /// The summed `summary`.
    public var summary: JSONObject? { json["summary"]?.objectValue }

    /// Combines the answers of the requests of one list.
    public init(batches: [JSONObject]) {
        self.batches = batches
        guard var combined = batches.first else {
            self.json = [:]
            return
        }
        if batches.count > 1 {
            combined["success"] = .bool(batches.allSatisfy { $0["success"]?.boolValue == true })
            var summary = JSONObject()
            for batch in batches {
                for (name, value) in batch["summary"]?.objectValue ?? [:] {
                    if case .number(let sum)? = summary[name], case .number(let more) = value {
                        summary[name] = .number(sum + more)
                    } else if summary[name] == nil {
                        summary[name] = value
                    }
                }
            }
            if combined["summary"] != nil || !summary.isEmpty { combined["summary"] = .object(summary) }
        }
        self.json = combined
    }
}

/// The answer for one token, `{"success","tokenId","data":{"tokenId","updateTime","expired"?}}`.
public struct TokenInfo: Sendable, Hashable {
    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `success`.
    public var success: Bool? { json["success"]?.boolValue }
    /// `tokenId`.
    public var tokenId: String? { json["tokenId"]?.stringValue ?? data?["tokenId"]?.stringValue }
    /// `data`.
    public var data: JSONObject? { json["data"]?.objectValue }
    /// `data.updateTime`.
    public var updateTime: JSONValue? { data?["updateTime"] }
    /// `data.expired`, when present.
    public var expired: Bool? { data?["expired"]?.boolValue }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

/// One page of the token list, `{"success","data":[…],"nextPageKeyId"?,"nextPageKeyTime"?}`.
public struct TokenPage: Sendable, Hashable {
    /// Where the next page starts.
    public struct NextPage: Sendable, Hashable {
        /// `nextPageKeyId`.
        public let id: String
        /// `nextPageKeyTime`.
        public let time: String

        /// A page key (as the vendor gave it).
        public init(id: String, time: String) {
            self.id = id
            self.time = time
        }
    }

    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `success`.
    public var success: Bool? { json["success"]?.boolValue }
    /// The tokens of the page (`data`), each an object such as `{"tokenId","updateTime"}`.
    public var tokens: [JSONObject] { (json["data"]?.arrayValue ?? []).compactMap(\.objectValue) }
    /// The key of the next page; nil on the last page.
    public var nextPage: NextPage? {
        guard let id = json["nextPageKeyId"], let time = json["nextPageKeyTime"], !id.isNull, !time.isNull else { return nil }
        return NextPage(id: id.plainText, time: time.plainText)
    }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

/// The answer of the token count, `{"success","count"}`.
public struct TokenCount: Sendable, Hashable {
    /// The whole answer as the vendor sent it.
    public let json: JSONObject
    /// `count`.
    public var count: Int? { json["count"]?.intValue }

    /// Wraps an answer.
    public init(json: JSONObject) { self.json = json }
}

extension ArgosClient {
    /// The most token ids the vendor takes in one request to add.
    public static let maxTokensPerAdd = 500
    /// The most token ids the vendor takes in one request to delete.
    public static let maxTokensPerDelete = 100

    /// Registers Private Mode tokens (`POST /submission/tokens`), 500 a request. Retried like
    /// the GETs: adding a token again overwrites it.
    ///
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for an empty list or an invalid id
    ///   (8–64 characters of `A–Z a–z 0–9 . _ -`, first and last a letter or digit), before
    ///   any request; the other kinds (the batches before a failed one stay applied).
    public func addTokens(_ ids: [String]) async throws(ArgosError) -> TokenBatchResult {
        try await tokenBatches(ids, method: .POST, size: Self.maxTokensPerAdd)
    }

    /// Deletes Private Mode tokens (`DELETE /submission/tokens`), 100 a request.
    ///
    /// - Throws: as ``addTokens(_:)``.
    public func deleteTokens(_ ids: [String]) async throws(ArgosError) -> TokenBatchResult {
        try await tokenBatches(ids, method: .DELETE, size: Self.maxTokensPerDelete)
    }

    private func tokenBatches(_ ids: [String], method: HTTPMethod, size: Int) async throws(ArgosError) -> TokenBatchResult {
        try Validate.tokenIds(ids)
        var answers: [JSONObject] = []
        for start in stride(from: 0, to: ids.count, by: size) {
            let batch = Array(ids[start..<min(start + size, ids.count)])
            let body: JSONValue = ["tokenId": .array(batch.map(JSONValue.string))]
            answers.append(
                try await sendObject(
                    APIRequest(
                        method: method, path: "/submission/tokens", body: .json(body),
                        idempotent: true, secrets: batch)))
        }
        return TokenBatchResult(batches: answers)
    }

    /// One token (`GET /submission/tokens?tokenId=…`).
    ///
    /// - Throws: ``ArgosError/Kind/invalidParameter`` for an invalid id; the other kinds.
    public func token(id: String) async throws(ArgosError) -> TokenInfo {
        try Validate.tokenIds([id])
        return TokenInfo(
            json: try await sendObject(
                APIRequest(
                    method: .GET, path: "/submission/tokens", query: [("tokenId", id)],
                    idempotent: true, secrets: [id])))
    }

    /// One page of the token list (`GET /submission/tokens`): the first, or the one `after` points to.
    ///
    /// - Throws: ``ArgosError``.
    public func tokenPage(after: TokenPage.NextPage? = nil) async throws(ArgosError) -> TokenPage {
        var query: [(name: String, value: String)] = []
        if let after {
            query = [("nextPageKeyId", after.id), ("nextPageKeyTime", after.time)]
        }
        return TokenPage(json: try await sendObject(APIRequest(method: .GET, path: "/submission/tokens", query: query, idempotent: true)))
    }

    /// How many tokens the project has (`GET /submission/tokens?type=count`).
    ///
    /// - Throws: ``ArgosError``.
    public func tokenCount() async throws(ArgosError) -> TokenCount {
        TokenCount(
            json: try await sendObject(
                APIRequest(
                    method: .GET, path: "/submission/tokens", query: [("type", "count")],
                    idempotent: true)))
    }
}
