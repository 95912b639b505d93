public import Logging

extension ArgosClient {
    /// How a client reaches the vendor. Every member has a default, so
    /// `ArgosClient.Configuration()` is the vendor's production API with Secure Data Transfer on.
    ///
    /// ```swift
    /// var configuration = ArgosClient.Configuration()
    /// configuration.baseURL = "http://127.0.0.1:8080/v3"   // a local sandbox
    /// configuration.secureDataTransfer = false
    /// configuration.logger = Logger(label: "argos")
    /// ```
    public struct Configuration: Sendable {
        /// The vendor's production API.
        public static let defaultBaseURL = "https://rest-api.argosidentity.com/v3"

        /// The URL the call paths (`/submission`, `/image`…) are appended to. A trailing `/` is ignored.
        public var baseURL: String
        /// Whether the project has Secure Data Transfer on: JSON request bodies go out as ECB
        /// tokens and `{"data":"…"}` responses are decrypted with the API key. Must match the
        /// project's setting in the ARGOS dashboard.
        public var secureDataTransfer: Bool
        /// The longest one attempt may take, from sending the request to the last byte of the
        /// answer. Retries each get their own.
        public var timeout: Duration
        /// When and how often a failed attempt is tried again.
        public var retryPolicy: RetryPolicy
        /// The largest answer body accepted, in bytes (an image or a PDF report included).
        public var maxResponseBodySize: Int
        /// Where the client logs each attempt: method, path, query names, status, attempt and
        /// duration, at `debug` (a retry at `notice`). Never a body, a query value, a token or the key.
        public var logger: Logger

        /// Creates a configuration; every argument has the default described on its property.
        public init(
            baseURL: String = Configuration.defaultBaseURL,
            secureDataTransfer: Bool = true,
            timeout: Duration = .seconds(30),
            retryPolicy: RetryPolicy = RetryPolicy(),
            maxResponseBodySize: Int = 64 * 1024 * 1024,
            logger: Logger = Logger(label: "liveform.api", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.baseURL = baseURL
            self.secureDataTransfer = secureDataTransfer
            self.timeout = timeout
            self.retryPolicy = retryPolicy
            self.maxResponseBodySize = maxResponseBodySize
            self.logger = logger
        }
    }

    /// When a failed attempt is tried again, and how long the client waits first.
    ///
    /// An answer of 429, 502, 503 or 504, or no answer at all, is retried up to
    /// ``maxRetries`` times; 502, 503, 504 and no answer only for calls that are safe to
    /// repeat (the GETs, the DELETEs, the image upload and adding tokens), 429 for every call,
    /// because the vendor did not process the request. Before retry *n* (from 0) the client
    /// waits a random time between zero and `min(maxDelay, baseDelay × 2ⁿ)` ("full jitter"),
    /// or, when the answer had a `Retry-After` header in seconds, that long (at most
    /// ``maxRetryAfter``). A cancelled task stops waiting and retrying at once.
    public struct RetryPolicy: Sendable {
        /// The most retries after the first attempt (so at most `maxRetries + 1` requests).
        public var maxRetries: Int
        /// The backoff of the first retry, before jitter.
        public var baseDelay: Duration
        /// The longest backoff, before jitter.
        public var maxDelay: Duration
        /// The longest wait a `Retry-After` header can ask for.
        public var maxRetryAfter: Duration
        /// Picks the wait from `0...bound` (the jitter). Replace it to make waits predictable in tests.
        public var jitter: @Sendable (_ bound: Duration) -> Duration
        /// Waits. Must throw when the task is cancelled, as `Task.sleep` does.
        public var sleep: @Sendable (_ duration: Duration) async throws -> Void

        /// Creates a policy; the defaults are 3 retries, 0.5 s base, 8 s cap, `Retry-After`
        /// up to 60 s, uniform random jitter and `Task.sleep`.
        public init(
            maxRetries: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
            maxRetryAfter: Duration = .seconds(60),
            jitter: @escaping @Sendable (_ bound: Duration) -> Duration = RetryPolicy.uniformJitter,
            sleep: @escaping @Sendable (_ duration: Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        ) {
            self.maxRetries = maxRetries
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.maxRetryAfter = maxRetryAfter
            self.jitter = jitter
            self.sleep = sleep
        }

        /// No retries at all.
        public static var none: RetryPolicy { RetryPolicy(maxRetries: 0) }

        /// A uniformly random duration in `0...bound`, to the microsecond.
        public static let uniformJitter: @Sendable (Duration) -> Duration = { bound in
            let micros = max(0, bound.microseconds)
            return .microseconds(Int64.random(in: 0...micros))
        }

        /// The wait before retry `retry` (0 for the first): `Retry-After` when given (capped),
        /// else full-jitter exponential backoff.
        func delay(beforeRetry retry: Int, retryAfter: Duration?) -> Duration {
            if let retryAfter { return min(max(retryAfter, .zero), maxRetryAfter) }
            var bound = baseDelay
            for _ in 0..<min(retry, 40) {
                bound = bound * 2
                if bound >= maxDelay { break }
            }
            return jitter(min(bound, maxDelay))
        }
    }
}

extension Duration {
    /// Whole microseconds (negative durations round toward zero).
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Seconds as a double, for logs.
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
