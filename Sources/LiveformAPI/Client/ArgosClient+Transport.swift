import AsyncHTTPClient
import Liveform
import Logging
import NIOCore
import NIOHTTP1

/// One call as the client sends it, before the base URL, headers and encryption are added.
struct APIRequest: Sendable {
    enum Body: Sendable {
        case none
        /// A JSON body: compact JSON, or its ECB token under Secure Data Transfer.
        case json(JSONValue)
        /// A `multipart/form-data` body, never encrypted.
        case multipart(bytes: [UInt8], boundary: String)
    }

    var method: HTTPMethod
    var path: String
    var query: [(name: String, value: String)] = []
    var body: Body = .none
    /// Whether a 5xx or a failed connection may be retried (429 always may).
    var idempotent: Bool
    /// Strings the vendor might echo that must not reach an error (token ids).
    var secrets: [String] = []

    /// `METHOD /path`, for reasons and logs: no query values.
    var call: String { "\(method.rawValue) \(path)" }
}

/// A 2xx answer.
struct APIResponse: Sendable {
    var status: Int
    var contentType: String?
    var body: [UInt8]
}

extension ArgosClient {
    /// The statuses worth another attempt.
    static func isRetryable(status: Int) -> Bool { [429, 502, 503, 504].contains(status) }

    /// Sends `request` and returns its 2xx answer, retrying as the policy says.
    func send(_ request: APIRequest) async throws(ArgosError) -> APIResponse {
        let policy = configuration.retryPolicy
        let logger = configuration.logger
        let prepared = try prepare(request)
        var retry = 0
        while true {
            if Task.isCancelled { throw ArgosError(.cancelled, "\(request.call) was cancelled") }
            let started = ContinuousClock.now
            let outcome = await attempt(prepared)
            let elapsed = ContinuousClock.now - started
            var metadata: Logger.Metadata = [
                "method": "\(request.method.rawValue)", "path": "\(request.path)",
                "query": "\(request.query.map(\.name).joined(separator: ","))",
                "attempt": "\(retry + 1)", "duration_ms": "\(Int((elapsed.secondsValue * 1000).rounded()))",
            ]

            let failure: ArgosError
            var retryAfter: Duration?
            switch outcome {
            case .answered(let status, let headers, let body):
                metadata["status"] = "\(status)"
                if (200...299).contains(status) {
                    logger.debug("argos api call", metadata: metadata)
                    return APIResponse(status: status, contentType: headers.first(name: "content-type"), body: body)
                }
                failure = errorFor(status: status, body: body, request: request)
                retryAfter = headers.first(name: "retry-after").flatMap(Self.parseRetryAfter)
            case .failed(let reason):
                metadata["error"] = "\(reason)"
                failure = ArgosError(.transport, "\(request.call): \(reason)")
            case .cancelled:
                throw ArgosError(.cancelled, "\(request.call) was cancelled")
            }

            let mayRetry: Bool =
                switch failure.kind {
                case .rateLimited: true
                case .serverError: request.idempotent && Self.isRetryable(status: failure.status ?? 0)
                case .transport: request.idempotent
                default: false
                }
            guard mayRetry, retry < policy.maxRetries else {
                logger.debug("argos api call", metadata: metadata)
                throw failure
            }
            let delay = policy.delay(beforeRetry: retry, retryAfter: retryAfter)
            metadata["retry_in_ms"] = "\(Int((delay.secondsValue * 1000).rounded()))"
            logger.notice("argos api call will be retried", metadata: metadata)
            do {
                try await policy.sleep(delay)
            } catch {
                throw ArgosError(.cancelled, "\(request.call) was cancelled while waiting to retry")
            }
            retry += 1
        }
    }

    /// Sends `request` and returns the JSON of its answer (decrypted when it is an encrypted wrapper).
    func sendJSON(_ request: APIRequest) async throws(ArgosError) -> JSONValue {
        let response = try await send(request)
        return try readJSON(response.body, call: request.call)
    }

    /// Sends `request` and returns its answer as a JSON object.
    func sendObject(_ request: APIRequest) async throws(ArgosError) -> JSONObject {
        guard let object = try await sendJSON(request).objectValue else {
            throw ArgosError(.invalidResponse, "\(request.call): the answer is not a JSON object")
        }
        return object
    }

    /// A response body as JSON. Under Secure Data Transfer, a JSON object whose only member is
    /// `data` holding a string is an encrypted wrapper and is decrypted; anything else is
    /// read as plain JSON.
    func readJSON(_ body: [UInt8], call: String) throws(ArgosError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw ArgosError(.invalidResponse, "\(call): the answer is not JSON")
        }
        guard configuration.secureDataTransfer, Self.isEncryptedWrapper(value) else { return value }
        do {
            return try codec.decryptJSON(body)
        } catch {
            throw ArgosError(.decryptionFailed, "")
        }
    }

    /// `{"data":"<string>"}` and nothing else.
    static func isEncryptedWrapper(_ value: JSONValue) -> Bool {
        guard let object = value.objectValue, object.count == 1, object["data"]?.stringValue != nil else { return false }
        return true
    }

    // MARK: One attempt

    enum Attempt: Sendable {
        case answered(status: Int, headers: HTTPHeaders, body: [UInt8])
        case failed(String)
        case cancelled
    }

    /// The request with its URL, headers and body bytes, ready to be sent as often as needed.
    struct PreparedRequest: Sendable {
        var method: HTTPMethod
        var url: String
        var headers: HTTPHeaders
        var body: [UInt8]?
    }

    func prepare(_ request: APIRequest) throws(ArgosError) -> PreparedRequest {
        var url = Array((base + request.path).utf8)
        for (index, item) in request.query.enumerated() {
            url.append(index == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
            QueryString.appendEncoded(item.name.utf8, to: &url)
            url.append(UInt8(ascii: "="))
            QueryString.appendEncoded(item.value.utf8, to: &url)
        }
        var headers = HTTPHeaders()
        headers.add(name: "x-api-key", value: apiKey)
        headers.add(name: "accept", value: "application/json")
        headers.add(name: "user-agent", value: "liveform-api")
        var body: [UInt8]?
        switch request.body {
        case .none:
            break
        case .json(let json):
            if configuration.secureDataTransfer {
                do {
                    body = try codec.encrypt(json.jsonText.utf8)
                } catch {
                    throw .invalidParameter("\(request.call): the body is not a JSON object or array")
                }
                headers.add(name: "content-type", value: APIBodyCodec.requestContentType)
            } else {
                body = Array(json.jsonText.utf8)
                headers.add(name: "content-type", value: "application/json")
            }
        case .multipart(let bytes, let boundary):
            body = bytes
            headers.add(name: "content-type", value: "multipart/form-data; boundary=\(boundary)")
        }
        return PreparedRequest(method: request.method, url: String(decoding: url, as: UTF8.self), headers: headers, body: body)
    }

    /// Sends once and reads the whole answer, all within the per-attempt timeout.
    func attempt(_ prepared: PreparedRequest) async -> Attempt {
        let httpClient = httpClient
        let timeout = configuration.timeout
        let maxBody = configuration.maxResponseBodySize
        do {
            return try await withThrowingTaskGroup(of: Attempt?.self) { group in
                group.addTask {
                    var request = HTTPClientRequest(url: prepared.url)
                    request.method = prepared.method
                    request.headers = prepared.headers
                    if let body = prepared.body { request.body = .bytes(body) }
                    let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(timeout.microseconds) * 1000))
                    let buffer = try await response.body.collect(upTo: maxBody)
                    return .answered(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                return first ?? .failed("no complete answer within \(timeout.secondsValue) s")
            }
        } catch {
            if Task.isCancelled { return .cancelled }
            return .failed(Self.describe(error))
        }
    }

    /// A transport error in words, without the URL (whose query may hold a token id).
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return "timed out"
            case .remoteConnectionClosed: return "the connection was closed before the answer was complete"
            default: return "HTTP client error"
            }
        }
        return "no answer: the connection could not be made or was lost (\(type(of: error)))"
    }

    /// The error for a non-2xx answer.
    func errorFor(status: Int, body: [UInt8], request: APIRequest) -> ArgosError {
        var json = try? JSONValue(parsing: body)
        if configuration.secureDataTransfer, let wrapped = json, Self.isEncryptedWrapper(wrapped) {
            json = try? codec.decryptJSON(body)
        }
        let text = String(decoding: body, as: UTF8.self)
        return ArgosError.fromResponse(
            status: status, json: json, text: text, call: request.call,
            secrets: [apiKey] + request.secrets)
    }

    /// `Retry-After` in (possibly fractional) seconds; an HTTP date or anything else is ignored.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingSpaces
        guard let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64(min(seconds, 86_400) * 1000))
    }
}

extension String {
    var trimmingSpaces: Substring {
        var text = self[...]
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
